package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// nudgeShare: people below this share of a daily target get a nudge.
const nudgeShare = 0.5

// nudge is one person's DM: what is left today, metric by metric.
type nudge struct {
	User  string
	Lines []string
}

// nudgesFor lists who is under half of a daily target today, with what
// is left. It is pure: in holds today's counts and the targets.
func nudgesFor(in *digestInput, optOut map[string]bool) []nudge {
	if !in.Cal.working(in.Day) {
		return nil
	}
	s := newScorer(in)
	var out []nudge
	for _, u := range s.people {
		if optOut[u] {
			continue
		}
		var lines []string
		behind := false
		for _, m := range in.Metrics {
			if !m.Tracked {
				continue
			}
			sc := score{s.count(m.Name, u, in.Day), s.dailyTarget(m.Name, u, in.Day)}
			if sc.Target == 0 || sc.met() {
				continue
			}
			if float64(sc.Done) < nudgeShare*float64(sc.Target) {
				behind = true
			}
			lines = append(lines, fmt.Sprintf("• %s: %d of %d so far — *%d to go*", m.Label, sc.Done, sc.Target, sc.Target-sc.Done))
		}
		if behind {
			out = append(out, nudge{User: u, Lines: lines})
		}
	}
	return out
}

// nudgeJob DMs each person under half of a daily target, once per person
// per day (ClaimOnce), never on a day off or holiday, never to someone who
// opted out, and not at all once the slot's day is over.
func (b *Bot) nudgeJob(ctx context.Context, due time.Time) error {
	now := b.Now()
	day := dayStart(due, b.cfg.Location)
	if !dayStart(now, b.cfg.Location).Equal(day) {
		return nil
	}
	in, err := b.digestInput(ctx, day, now, false)
	if err != nil {
		return err
	}
	optOut, err := b.db.NudgeOptOuts(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range nudgesFor(in, optOut) {
		errs = append(errs, b.postOnce(ctx, "nudge/"+in.Cal.dateKey(day)+"/"+n.User, n.User, func() msg {
			text := "Hi! A friendly nudge: you're under half of today's target. Here's what's left:\n" + strings.Join(n.Lines, "\n") +
				"\n_You've got this. Turn these off with `/target nudges off`._"
			return msg{text: notifyText(text), blocks: joinLines([]string{text})}
		}))
	}
	return errors.Join(errs...)
}
