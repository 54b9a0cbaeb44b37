package bot

import (
	"time"

	"pocbot/bot/progress"
)

// Time as people read it: every message formats times in the team's time
// zone through these, relative ("today 14:05") in replies read at once and
// absolute in messages that stay.

// whenAbs formats t in the team's time zone with its date, for messages
// that stay in a channel or DM and would otherwise say "today" tomorrow.
func (b *Bot) whenAbs(t time.Time) string {
	t = t.In(b.cfg.Location)
	if t.Year() != b.Now().In(b.cfg.Location).Year() {
		return t.Format("Mon 2 Jan 2006 15:04")
	}
	return t.Format("Mon 2 Jan 15:04")
}

// when formats t in the team's time zone, relative where that reads better
// (for replies read right away; persistent messages use whenAbs).
func (b *Bot) when(t time.Time) string {
	now := b.Now().In(b.cfg.Location)
	t = t.In(b.cfg.Location)
	switch d := progress.DayStart(now, b.cfg.Location).Sub(progress.DayStart(t, b.cfg.Location)); {
	case d == 0:
		return "today " + t.Format("15:04")
	case d == 24*time.Hour:
		return "yesterday " + t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("Mon 2 Jan 15:04")
	}
	return t.Format("2 Jan 2006")
}

// endOfDay returns the first instant after d's day in loc: a voucher
// "valid until 14 Dec" is valid through 23:59:59 that day.
func endOfDay(d time.Time, loc *time.Location) time.Time {
	return progress.DayStart(d, loc).AddDate(0, 0, 1)
}
