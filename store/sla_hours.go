package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SLA in working time (issue #13, POCBOT_SLA_HOURS). With working hours
// set, an issue's SLA clock counts only the hours between Start and End on
// working days that are not holidays, in the team's time zone, the way
// helpdesks' business-hours calendars do; without them it counts wall-clock
// time, as before.

// WorkHours is the SLA's working-time calendar. The zero value means wall
// clock.
type WorkHours struct {
	Start int     `json:"start"` // minutes after local midnight
	End   int     `json:"end"`   // minutes after local midnight, > Start
	Days  [7]bool `json:"days"`  // working days, by time.Weekday
	Zone  string  `json:"zone"`  // IANA name
	loc   *time.Location
}

// IsZero reports whether w is the wall clock.
func (w WorkHours) IsZero() bool { return w.End == 0 }

// String writes the hours as ParseWorkHours reads them: 09:00-18:00.
func (w WorkHours) String() string {
	if w.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", w.Start/60, w.Start%60, w.End/60, w.End%60)
}

// ParseWorkHours reads "09:00-18:00" (24-hour, start before end); "" and
// "off" are the wall clock. Days and Zone are left for the caller.
func ParseWorkHours(s string) (WorkHours, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "off") || strings.EqualFold(s, "24h") {
		return WorkHours{}, nil
	}
	a, b, ok := strings.Cut(s, "-")
	start, err1 := parseHHMM(a)
	end, err2 := parseHHMM(b)
	if !ok || err1 != nil || err2 != nil {
		return WorkHours{}, Errorf(Invalid, "%s is not working hours; write them like 09:00-18:00.", quoteInput(s))
	}
	if end <= start {
		return WorkHours{}, Errorf(Invalid, "%s ends before it starts; write them like 09:00-18:00 (hours past midnight are not supported).", quoteInput(s))
	}
	return WorkHours{Start: start, End: end}, nil
}

func parseHHMM(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || hh < 0 || mm < 0 || mm > 59 || hh > 24 || hh == 24 && mm > 0 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return hh*60 + mm, nil
}

var keySLAHours = []byte("sla_hours")

// SetSLAHours records the working hours the SLA clock counts (zero: wall
// clock). The bot calls it at start with POCBOT_SLA_HOURS, the working
// days and the time zone; issues read it with every load, so open issues'
// clocks follow the setting. Bookkeeping: not audited.
// Returns Invalid for an unknown zone or a working week without a day.
func (db *DB) SetSLAHours(ctx context.Context, w WorkHours) error {
	if !w.IsZero() {
		if _, err := time.LoadLocation(w.Zone); err != nil {
			return Errorf(Invalid, "%s is not a time zone.", quoteInput(w.Zone))
		}
		if w.Days == [7]bool{} {
			return Errorf(Invalid, "Working hours need at least one working day.")
		}
	}
	var want []byte
	if !w.IsZero() {
		want, _ = json.Marshal(w) // a struct of ints, bools and a string
	}
	same := false
	if err := db.view(ctx, func(tx *bolt.Tx) error {
		same = bytes.Equal(tx.Bucket(bucketMeta).Get(keySLAHours), want)
		return nil
	}); err != nil || same {
		return err // unchanged: no write (and no fsync) at every start
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		if w.IsZero() {
			return tx.Bucket(bucketMeta).Delete(keySLAHours)
		}
		return putJSON(tx.Bucket(bucketMeta), keySLAHours, w)
	})
}

// workCal is WorkHours with the holidays, ready to count.
type workCal struct {
	WorkHours
	holidays map[string]bool
}

// slaCalendar is the calendar in tx, or nil for the wall clock.
func slaCalendar(tx *bolt.Tx) *workCal {
	data := tx.Bucket(bucketMeta).Get(keySLAHours)
	if data == nil {
		return nil
	}
	var w WorkHours
	if err := json.Unmarshal(data, &w); err != nil || w.IsZero() {
		return nil
	}
	loc, err := time.LoadLocation(w.Zone)
	if err != nil {
		return nil
	}
	w.loc = loc
	c := &workCal{WorkHours: w, holidays: map[string]bool{}}
	_ = tx.Bucket(bucketHolidays).ForEach(func(k, _ []byte) error {
		c.holidays[string(k)] = true
		return nil
	})
	return c
}

// maxCalDays bounds a walk over the calendar (a decade).
const maxCalDays = 3660

// day returns the working interval of the local day starting at d
// (midnight), and whether it is a working day.
func (c *workCal) day(d time.Time) (from, to time.Time, ok bool) {
	if !c.Days[d.Weekday()] || c.holidays[d.Format("2006-01-02")] {
		return time.Time{}, time.Time{}, false
	}
	y, m, dd := d.Date()
	from = time.Date(y, m, dd, c.Start/60, c.Start%60, 0, 0, c.loc)
	to = time.Date(y, m, dd, c.End/60, c.End%60, 0, 0, c.loc)
	return from, to, true
}

func (c *workCal) midnight(t time.Time) time.Time {
	y, m, d := t.In(c.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, c.loc)
}

func nextDay(d time.Time) time.Time {
	y, m, dd := d.Date()
	return time.Date(y, m, dd+1, 0, 0, 0, 0, d.Location())
}

// work is the working time between a and b.
func (c *workCal) work(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	var sum time.Duration
	for d, i := c.midnight(a), 0; d.Before(b) && i < maxCalDays; d, i = nextDay(d), i+1 {
		from, to, ok := c.day(d)
		if !ok {
			continue
		}
		if a.After(from) {
			from = a
		}
		if b.Before(to) {
			to = b
		}
		if to.After(from) {
			sum += to.Sub(from)
		}
	}
	return sum
}

// add is the moment d of working time after t (t itself for d <= 0).
func (c *workCal) add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t.Add(d)
	}
	for day, i := c.midnight(t), 0; i < maxCalDays; day, i = nextDay(day), i+1 {
		from, to, ok := c.day(day)
		if !ok || !to.After(t) {
			continue
		}
		if t.After(from) {
			from = t
		}
		if avail := to.Sub(from); d <= avail {
			return from.Add(d).UTC()
		} else {
			d -= avail
		}
	}
	return t.Add(d)
}
