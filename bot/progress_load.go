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
	return b.progressInput(ctx, day, progress.Window, b.countDays)
}

// userBoard is userID's board for day, from that user's counts only: the
// recent window (week to date), and the full window only when the
// streak reaches back beyond it. The team's board cannot be computed from
// the returned input.
func (b *Bot) userBoard(ctx context.Context, userID string, day time.Time) (*progress.Input, progress.Board, error) {
	count := func(ctx context.Context, bounds []time.Time) (map[string][]map[string]int, error) {
		return b.countUserDays(ctx, userID, bounds)
	}
	in, err := b.progressInput(ctx, day, progress.RecentWindow, count)
	if err != nil {
		return nil, progress.Board{}, err
	}
	bd := progress.NewScorer(in).Board(userID)
	if bd.StreakCapped {
		if in, err = b.progressInput(ctx, day, progress.Window, count); err != nil {
			return nil, progress.Board{}, err
		}
		bd = progress.NewScorer(in).Board(userID)
	}
	return in, bd, nil
}

type countFunc func(context.Context, []time.Time) (map[string][]map[string]int, error)

// progressInput loads the calendar, the targets and count's counts over
// the days window returns for day.
func (b *Bot) progressInput(ctx context.Context, day time.Time, window func(progress.Calendar, time.Time) []time.Time, count countFunc) (*progress.Input, error) {
	cal, err := b.calendar(ctx)
	if err != nil {
		return nil, err
	}
	day = progress.DayStart(day, b.cfg.Location)
	in := &progress.Input{Day: day, Cal: cal, Metrics: b.metricInfos(), Days: window(cal, day)}
	bounds := append(append([]time.Time(nil), in.Days...), day.AddDate(0, 0, 1))
	if in.Counts, err = count(ctx, bounds); err != nil {
		return nil, err
	}
	if in.Targets, err = b.db.Targets(ctx); err != nil {
		return nil, err
	}
	return in, nil
}
