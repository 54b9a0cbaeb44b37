package bot

import (
	"strings"
	"time"
)

// period is a [From, To) range of local days, named for display.
type period struct {
	Name     string
	From, To time.Time
}

// dayStart is local midnight of t's day in loc.
func dayStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// weekStart is Monday 00:00 of t's ISO week in loc.
func weekStart(t time.Time, loc *time.Location) time.Time {
	d := dayStart(t, loc)
	off := (int(d.Weekday()) + 6) % 7 // Monday = 0
	return d.AddDate(0, 0, -off)
}

// parsePeriod reads today|week|month (default def) relative to now. The
// period ends at now, so "week" is week to date.
func parsePeriod(word, def string, now time.Time, loc *time.Location) (period, bool) {
	if word == "" {
		word = def
	}
	now = now.In(loc)
	switch strings.ToLower(word) {
	case "today", "day":
		return period{"today", dayStart(now, loc), now.Add(time.Nanosecond)}, true
	case "week", "thisweek":
		return period{"this week", weekStart(now, loc), now.Add(time.Nanosecond)}, true
	case "month":
		return period{"this month", time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc), now.Add(time.Nanosecond)}, true
	case "yesterday":
		d := dayStart(now, loc)
		return period{"yesterday", d.AddDate(0, 0, -1), d}, true
	case "lastweek":
		w := weekStart(now, loc)
		return period{"last week", w.AddDate(0, 0, -7), w}, true
	}
	return period{}, false
}
