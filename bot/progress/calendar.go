package progress

import (
	"fmt"
	"strings"
	"time"
)

// Workdays is the set of weekdays the team works, indexed by time.Weekday.
// The zero value means the default, Monday to Friday.
type Workdays [7]bool

// DefaultWorkdays is Monday to Friday.
var DefaultWorkdays = Workdays{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

func parseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) >= 3 {
		if d, ok := weekdayNames[s[:3]]; ok && strings.HasPrefix(strings.ToLower(d.String()), s) {
			return d, true
		}
	}
	return 0, false
}

// ParseWorkdays reads POCBOT_WORKDAYS: a comma-separated list of days and
// ranges, such as "Mon-Fri", "Mon-Sat", "Mon,Wed,Fri" or "Sun-Thu" (a range
// may wrap past Sunday). Day names are English, three letters or full,
// any case. The error says what to write instead.
func ParseWorkdays(s string) (Workdays, error) {
	var w Workdays
	if strings.TrimSpace(s) == "" {
		return DefaultWorkdays, nil
	}
	for _, part := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, ok := parseWeekday(from)
		if !ok {
			return Workdays{}, fmt.Errorf("%q is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun, e.g. Mon-Fri or Mon,Wed,Fri", strings.TrimSpace(from))
		}
		z := a
		if isRange {
			if z, ok = parseWeekday(to); !ok {
				return Workdays{}, fmt.Errorf("%q is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun, e.g. Mon-Fri or Mon,Wed,Fri", strings.TrimSpace(to))
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			w[d] = true
			if d == z {
				break
			}
		}
	}
	return w, nil
}

// String lists the days, e.g. "Mon,Tue,Wed,Thu,Fri".
func (w Workdays) String() string {
	var out []string
	for i := 1; i <= 7; i++ {
		if d := time.Weekday(i % 7); w[d] {
			out = append(out, d.String()[:3])
		}
	}
	return strings.Join(out, ",")
}

// IsZero reports whether no day is set (which means the default).
func (w Workdays) IsZero() bool { return w == Workdays{} }

// Calendar says which local days are working days: a workday that is not
// a holiday. Targets, streaks, nudges and the realism check skip the rest.
type Calendar struct {
	loc      *time.Location
	days     Workdays
	holidays map[string]bool // YYYY-MM-DD
}

// NewCalendar is the calendar of days (zero = Monday to Friday) in loc,
// less the holidays (YYYY-MM-DD).
func NewCalendar(loc *time.Location, days Workdays, holidays []string) Calendar {
	c := Calendar{loc: loc, days: days, holidays: map[string]bool{}}
	if c.days.IsZero() {
		c.days = DefaultWorkdays
	}
	for _, h := range holidays {
		c.holidays[h] = true
	}
	return c
}

// Location is the calendar's time zone.
func (c Calendar) Location() *time.Location { return c.loc }

// DateKey is t's local date as YYYY-MM-DD.
func (c Calendar) DateKey(t time.Time) string { return t.In(c.loc).Format("2006-01-02") }

// Working reports whether t's local day is a working day.
func (c Calendar) Working(t time.Time) bool {
	return c.days[t.In(c.loc).Weekday()] && !c.holidays[c.DateKey(t)]
}

// Holiday reports whether t's local day is on the holiday list.
func (c Calendar) Holiday(t time.Time) bool { return c.holidays[c.DateKey(t)] }

// PrevWorking returns the start of the latest working day before t's day,
// looking back at most a year (zero time if none).
func (c Calendar) PrevWorking(t time.Time) time.Time {
	d := DayStart(t, c.loc)
	for i := 0; i < 366; i++ {
		d = d.AddDate(0, 0, -1)
		if c.Working(d) {
			return d
		}
	}
	return time.Time{}
}

// WorkingBefore returns the starts of the n working days before t's day,
// oldest first (fewer if a year back has not enough).
func (c Calendar) WorkingBefore(t time.Time, n int) []time.Time {
	var out []time.Time
	d := DayStart(t, c.loc)
	for i := 0; i < 366 && len(out) < n; i++ {
		d = d.AddDate(0, 0, -1)
		if c.Working(d) {
			out = append(out, d)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// WeekWorking returns the working days of t's week (Monday to Sunday).
func (c Calendar) WeekWorking(t time.Time) []time.Time {
	var out []time.Time
	w := WeekStart(t, c.loc)
	for i := 0; i < 7; i++ {
		if d := w.AddDate(0, 0, i); c.Working(d) {
			out = append(out, d)
		}
	}
	return out
}
