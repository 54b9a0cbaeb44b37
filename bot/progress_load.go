package bot

import (
	"context"
	"time"

	"pocbot/bot/progress"
)

// The loaders of the progress model (package progress is pure; these
// fetch its input). The team's window feeds the digest, nudges and
// /target; one user's window feeds App Home. Home reads that user's work
// alone for metrics that register CountUser (pitches today); the others
// are counted for everyone over the recent window only and cut to the
// user, until their store indexes can count one user.

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
	in, err := b.progressBase(ctx, day)
	if err != nil {
		return nil, err
	}
	in.Days = progress.Window(in.Cal, in.Day)
	if in.Counts, err = b.countDays(ctx, dayBounds(in)); err != nil {
		return nil, err
	}
	return in, nil
}

// userBoard is userID's board for day, from that user's counts only: the
// recent window (week to date), and the full window only when the
// streak reaches back beyond it. The team's board cannot be computed from
// the returned input.
func (b *Bot) userBoard(ctx context.Context, userID string, day time.Time) (*progress.Input, progress.Board, error) {
	in, err := b.progressBase(ctx, day)
	if err != nil {
		return nil, progress.Board{}, err
	}
	score := func(window func(progress.Calendar, time.Time) []time.Time) (progress.Board, error) {
		in.Days = window(in.Cal, in.Day)
		if in.Counts, err = b.countUserDays(ctx, userID, dayBounds(in)); err != nil {
			return progress.Board{}, err
		}
		return progress.NewScorer(in).Board(userID), nil
	}
	bd, err := score(progress.RecentWindow)
	if err == nil && bd.StreakCapped {
		bd, err = score(progress.Window)
	}
	if err != nil {
		return nil, progress.Board{}, err
	}
	return in, bd, nil
}

// progressBase loads what every board
// needs besides counts: the calendar, the metrics and the targets.
func (b *Bot) progressBase(ctx context.Context, day time.Time) (*progress.Input, error) {
	cal, err := b.calendar(ctx)
	if err != nil {
		return nil, err
	}
	in := &progress.Input{Day: progress.DayStart(day, b.cfg.Location), Cal: cal, Metrics: b.metricInfos()}
	if in.Targets, err = b.db.Targets(ctx); err != nil {
		return nil, err
	}
	return in, nil
}

// dayBounds are the bounds of in.Days: each day's start, then the end of
// the last.
func dayBounds(in *progress.Input) []time.Time {
	return append(append([]time.Time(nil), in.Days...), in.Day.AddDate(0, 0, 1))
}
