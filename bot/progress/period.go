package progress

import (
	"strings"
	"time"
)

// Period is a [From, To) range of local days, named for display.
type Period struct {
	Name     string
	From, To time.Time
}

// DayStart is local midnight of t's day in loc.
func DayStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// WeekStart is Monday 00:00 of t's ISO week in loc.
func WeekStart(t time.Time, loc *time.Location) time.Time {
	d := DayStart(t, loc)
	off := (int(d.Weekday()) + 6) % 7 // Monday = 0
	return d.AddDate(0, 0, -off)
}

// ParsePeriod reads today|week|month|yesterday|lastweek (default def)
// relative to now. The period ends at now, so "week" is week to date.
func ParsePeriod(word, def string, now time.Time, loc *time.Location) (Period, bool) {
	if word == "" {
		word = def
	}
	now = now.In(loc)
	switch strings.ToLower(word) {
	case "today", "day":
		return Period{"today", DayStart(now, loc), now.Add(time.Nanosecond)}, true
	case "week", "thisweek":
		return Period{"this week", WeekStart(now, loc), now.Add(time.Nanosecond)}, true
	case "month":
		return Period{"this month", time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc), now.Add(time.Nanosecond)}, true
	case "yesterday":
		d := DayStart(now, loc)
		return Period{"yesterday", d.AddDate(0, 0, -1), d}, true
	case "lastweek":
		w := WeekStart(now, loc)
		return Period{"last week", w.AddDate(0, 0, -7), w}, true
	}
	return Period{}, false
}
