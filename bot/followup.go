package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"pocbot/store"
)

// followupJob sends each owner one DM a day listing their pitches that need
// a follow-up — never one DM per pitch. A per-owner, per-day claim in the
// store makes a re-run (catch-up, retry after a partial failure) skip
// owners already told.
func (b *Bot) followupJob(ctx context.Context, due time.Time) error {
	cal, err := b.calendar(ctx)
	if err != nil {
		return err
	}
	if !cal.Working(due) { // POCBOT_WORKDAYS and /target holidays
		return nil
	}
	open, err := b.db.OpenPitchesBefore(ctx, b.followupCutoff())
	if err != nil {
		return err
	}
	byOwner := map[string][]store.Pitch{}
	for _, p := range open {
		byOwner[p.UserID] = append(byOwner[p.UserID], p)
	}
	owners := make([]string, 0, len(byOwner))
	for u := range byOwner {
		owners = append(owners, u)
	}
	sort.Strings(owners)
	day := due.In(b.cfg.Location).Format("2006-01-02")
	var errs []error
	for _, u := range owners {
		ps := byOwner[u]
		sort.Slice(ps, func(i, j int) bool { return ps[i].CreatedAt.Before(ps[j].CreatedAt) })
		errs = append(errs, b.postOnce(ctx, "followup-dm/"+day+"/"+u, u, func() msg {
			m := b.followupMsg(ps)
			m.text = fmt.Sprintf("Good morning! %s %s a follow-up today.", plural(len(ps), "pitch", "pitches"), verbS(len(ps), "needs", "need"))
			return m
		}))
	}
	return errors.Join(errs...)
}
