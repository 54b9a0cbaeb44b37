package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"pocbot/bot/progress"
)

// nudgeJob DMs each person under half of a daily target, once per person
// per day (ClaimOnce), never on a day off or holiday, never to someone who
// opted out, and not at all once the slot's day is over.
func (b *Bot) nudgeJob(ctx context.Context, due time.Time) error {
	now := b.Now()
	day := progress.DayStart(due, b.cfg.Location)
	if !progress.DayStart(now, b.cfg.Location).Equal(day) {
		return nil
	}
	in, err := b.teamProgress(ctx, day)
	if err != nil {
		return err
	}
	optOut, err := b.db.NudgeOptOuts(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range progress.Nudges(in, optOut) {
		errs = append(errs, b.postOnce(ctx, "nudge/"+in.Cal.DateKey(day)+"/"+n.User, n.User, func() msg {
			text := "Hi! A friendly nudge: you're under half of today's target. Here's what's left:\n" + strings.Join(nudgeLines(n), "\n") +
				"\n_You've got this. Turn these off with `/target nudges off`._"
			return msg{text: notifyText(text), blocks: joinLines([]string{text})}
		}))
	}
	return errors.Join(errs...)
}

// nudgeLines is one line per unmet daily target.
func nudgeLines(n progress.Nudge) []string {
	var lines []string
	for _, it := range n.Items {
		lines = append(lines, fmt.Sprintf("• %s: %d of %d so far — *%d to go*", it.Metric.Label, it.Score.Done, it.Score.Target, it.Left()))
	}
	return lines
}
