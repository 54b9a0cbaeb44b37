package bot

import (
	"context"
	"time"

	"pocbot/bot/progress"
)

// The loaders of the progress model (package progress is pure; these
// fetch its input). The team's window feeds the digest, nudges and
// /target; one user's window feeds App Home, so a Home refresh reads that
// user's work and never the team's.

// Workdays is the type of Config.Workdays (see progress.Workdays).
type Workdays = progress.Workdays

// ParseWorkdays reads POCBOT_WORKDAYS (see progress.ParseWorkdays).
func ParseWorkdays(s string) (Workdays, error) { return progress.ParseWorkdays(s) }

// calendar loads the holidays and returns the team's working-day calendar.
func (b *Bot) calendar(ctx context.Context) (progress.Calendar, error) {
	hs, err := b.db.Holidays(ctx)
	if err != nil {
		return progress.Calendar{}, err
	}
	dates := make([]string, len(hs))
	for i, h := range hs {
		dates[i] = h.Date
	}
	return progress.NewCalendar(b.cfg.Location, b.cfg.Workdays, dates), nil
}

// teamProgress loads everyone's counts over the window of day (any time
// in it) and the targets: enough for every board, the team's included.
func (b *Bot) teamProgress(ctx context.Context, day time.Time) (*progress.Input, error) {
	return b.progressInput(ctx, day, func(ctx context.Context, bounds []time.Time) (map[string][]map[string]int, error) {
		return b.countDays(ctx, bounds)
	})
}

// userProgress loads userID's counts only over the window of day: enough
// for that user's board (today, the week, the streak), not the team's.
func (b *Bot) userProgress(ctx context.Context, userID string, day time.Time) (*progress.Input, error) {
	return b.progressInput(ctx, day, func(ctx context.Context, bounds []time.Time) (map[string][]map[string]int, error) {
		return b.countUserDays(ctx, userID, bounds)
	})
}

func (b *Bot) progressInput(ctx context.Context, day time.Time, count func(context.Context, []time.Time) (map[string][]map[string]int, error)) (*progress.Input, error) {
	cal, err := b.calendar(ctx)
	if err != nil {
		return nil, err
	}
	day = progress.DayStart(day, b.cfg.Location)
	in := &progress.Input{Day: day, Cal: cal, Metrics: b.metricInfos(), Days: progress.Window(cal, day)}
	bounds := append(append([]time.Time(nil), in.Days...), day.AddDate(0, 0, 1))
	if in.Counts, err = count(ctx, bounds); err != nil {
		return nil, err
	}
	if in.Targets, err = b.db.Targets(ctx); err != nil {
		return nil, err
	}
	return in, nil
}
