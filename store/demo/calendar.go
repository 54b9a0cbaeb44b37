package demo

import (
	"sort"
	"time"
)

// Working hours of the demo team, local time.
const (
	dayStartHour = 9
	dayEndHour   = 18
	daySecs      = (dayEndHour - dayStartHour) * 3600 // one working day, in seconds
	hour         = 3600
	minute       = 60
)

// workday is one working day: it starts at 09:00 local and has secs
// working seconds (fewer than daySecs only for today, which ends at now).
// off is the number of working seconds before it in the calendar.
type workday struct {
	start     time.Time
	off, secs int
}

// calendar maps "working seconds since the first demo day" to instants.
// The demo history lives entirely in working time, so every event falls
// on a working day between 09:00 and 18:00 and never after now.
type calendar struct {
	loc     *time.Location
	days    []workday
	total   int       // working seconds in all days together
	holiday time.Time // local midnight of the past holiday inside the window
}

// newCalendar returns the ten working days before now's day (Monday to
// Friday, skipping one weekday that is made a holiday), plus today up to
// now when today is a weekday and now is past 09:00.
func newCalendar(now time.Time, loc *time.Location) *calendar {
	c := &calendar{loc: loc}
	local := now.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	var back []time.Time
	for d := today.AddDate(0, 0, -1); len(back) < 11; d = d.AddDate(0, 0, -1) {
		if weekday(d) {
			back = append(back, d)
		}
	}
	c.holiday = back[4]
	var dates []time.Time
	for i := len(back) - 1; i >= 0; i-- {
		if i != 4 {
			dates = append(dates, back[i])
		}
	}
	for _, d := range dates {
		c.add(at(d, dayStartHour), daySecs)
	}
	if weekday(today) {
		start := at(today, dayStartHour)
		if secs := int(now.Sub(start) / time.Second); secs > 0 {
			c.add(start, min(secs, daySecs))
		}
	}
	return c
}

func (c *calendar) add(start time.Time, secs int) {
	c.days = append(c.days, workday{start: start, off: c.total, secs: secs})
	c.total += secs
}

// weekday reports whether d is Monday to Friday.
func weekday(d time.Time) bool {
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}

// at returns day d (a local midnight) at the hour, in d's location.
func at(d time.Time, h int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, d.Location())
}

// point returns the instant of working second x, 0 <= x < total.
func (c *calendar) point(x int) time.Time {
	i := sort.Search(len(c.days), func(i int) bool { return c.days[i].off+c.days[i].secs > x })
	d := c.days[i]
	return d.start.Add(time.Duration(x-d.off) * time.Second)
}

// index returns the first working second at or after t (total if none).
func (c *calendar) index(t time.Time) int {
	for _, d := range c.days {
		end := d.start.Add(time.Duration(d.secs) * time.Second)
		switch {
		case t.Before(d.start):
			return d.off
		case t.Before(end):
			return d.off + int((t.Sub(d.start)+time.Second-1)/time.Second)
		}
	}
	return c.total
}

// dayOf returns the index of the working day holding working second x.
func (c *calendar) dayOf(x int) int {
	return sort.Search(len(c.days), func(i int) bool { return c.days[i].off+c.days[i].secs > x })
}

// date returns the local calendar date of working day i.
func (c *calendar) date(i int) time.Time {
	s := c.days[i].start
	return time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, c.loc)
}
