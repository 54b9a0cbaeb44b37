package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	bolt "go.etcd.io/bbolt"
)

// Target buckets (doc.go draws them).
var (
	bucketTargets     = []byte("targets")
	bucketHolidays    = []byte("holidays")
	bucketNudgeOptOut = []byte("nudge_optout")
)

// Target metrics. Names are stored: never rename one.
const (
	MetricPitches        = "pitches"         // pitches logged
	MetricAgreed         = "agreed"          // creators who agreed (pitches moved to agreed)
	MetricVouchers       = "vouchers"        // sample vouchers issued
	MetricIssuesResolved = "issues_resolved" // creator issues resolved
	MetricTasksDone      = "tasks_done"      // outsource tasks done
	MetricContentPosted  = "content_posted"  // samples whose content was posted, credited to the creator's owner
)

// Metrics lists every target metric in display order.
func Metrics() []string {
	return []string{MetricPitches, MetricAgreed, MetricVouchers, MetricIssuesResolved, MetricTasksDone, MetricContentPosted}
}

// Target periods.
const (
	Daily  = "daily"
	Weekly = "weekly"
)

// MaxTargetValue bounds a target; nobody logs more in a day or week.
const MaxTargetValue = 100_000

// Target is one entry of the target history: from day From (a local date,
// YYYY-MM-DD) on, Metric for UserID ("" = the whole team) over Period is
// Value, until a later entry for the same metric, scope and period takes
// over. Value 0 means "no target" from that day on. Entries are never
// edited, so past days keep the target that was in force then.
type Target struct {
	ID     uint64    `json:"id"`
	Metric string    `json:"metric"`
	UserID string    `json:"user_id,omitempty"`
	Period string    `json:"period"`
	Value  int       `json:"value"`
	From   string    `json:"from"`
	SetBy  string    `json:"set_by"`
	SetAt  time.Time `json:"set_at"`
}

// TargetEntity returns the audit entity of a target entry, e.g. "target:3".
func TargetEntity(id uint64) string { return "target:" + strconv.FormatUint(id, 10) }

// Audit actions of targets, holidays and nudge opt-outs.
const (
	ActionTargetSet     = "target.set"     // After: the new Target entry.
	ActionHolidayAdd    = "holiday.add"    // After: the date.
	ActionHolidayRemove = "holiday.remove" // Before: the date.
	ActionNudgesOff     = "nudges.off"
	ActionNudgesOn      = "nudges.on"
)

// ParseDate checks a YYYY-MM-DD date. Returns Invalid otherwise.
func ParseDate(s string) (time.Time, error) {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, Errorf(Invalid, "%s is not a date; write it as YYYY-MM-DD, for example 2026-12-25.", quoteInput(s))
	}
	return d, nil
}

// Validate returns Invalid, with a message for the user, if t cannot be set.
func (t Target) Validate() error {
	if !slices.Contains(Metrics(), t.Metric) {
		return Errorf(Invalid, "%s is not a target metric. Use one of: %s.", quoteInput(t.Metric), strings.Join(Metrics(), ", "))
	}
	if t.Period != Daily && t.Period != Weekly {
		return Errorf(Invalid, "A target period is daily or weekly, not %s.", quoteInput(t.Period))
	}
	if t.Value < 0 || t.Value > MaxTargetValue {
		return Errorf(Invalid, "A target must be a whole number from 0 (no target) to %d.", MaxTargetValue)
	}
	if _, err := ParseDate(t.From); err != nil {
		return err
	}
	return checkUser(t.SetBy)
}

// SetTarget appends t to the target history (ID and SetAt are assigned)
// and audits it. A person (or the team) has one target per metric: setting
// a daily target ends a weekly one for the same metric and scope from the
// same day, and the other way round, in the same transaction. Returns
// Invalid if t fails Validate.
func (db *DB) SetTarget(ctx context.Context, t Target) (*Target, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, func(tx *bolt.Tx) error {
		now := db.Now()
		if err := appendTarget(tx, &t, now); err != nil {
			return err
		}
		if t.Value == 0 {
			return nil
		}
		other := Weekly
		if t.Period == Weekly {
			other = Daily
		}
		cur, err := latestTarget(tx, t.Metric, t.UserID, other)
		if err != nil || cur == nil || cur.Value == 0 {
			return err
		}
		end := Target{Metric: t.Metric, UserID: t.UserID, Period: other, Value: 0, From: t.From, SetBy: t.SetBy}
		return appendTarget(tx, &end, now)
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// appendTarget writes t as the next history entry and audits it.
func appendTarget(tx *bolt.Tx, t *Target, now time.Time) error {
	b := tx.Bucket(bucketTargets)
	id, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("target sequence: %w", err)
	}
	t.ID, t.SetAt = id, now
	if err := putJSON(b, itob(id), t); err != nil {
		return fmt.Errorf("put target %d: %w", id, err)
	}
	return auditChange(tx, AuditEntry{At: t.SetAt, UserID: t.SetBy, Action: ActionTargetSet, Entity: TargetEntity(id)}, nil, t)
}

// latestTarget is the newest history entry for metric, scope and period
// (the one in force from the latest day), or nil.
func latestTarget(tx *bolt.Tx, metric, userID, period string) (*Target, error) {
	var best *Target
	err := scan(tx.Bucket(bucketTargets), nil, nil, func(k, v []byte) (bool, error) {
		var t Target
		if err := getJSON(tx.Bucket(bucketTargets), k, &t); err != nil {
			return false, fmt.Errorf("target %d: %w", btoi(k), err)
		}
		if t.Metric == metric && t.UserID == userID && t.Period == period && (best == nil || t.From >= best.From) {
			tt := t
			best = &tt
		}
		return true, nil
	})
	return best, err
}

// Targets returns the whole target history, oldest first. It is small: a
// few entries per person and metric.
func (db *DB) Targets(ctx context.Context) ([]Target, error) {
	var ts []Target
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return scan(tx.Bucket(bucketTargets), nil, nil, func(k, _ []byte) (bool, error) {
			var t Target
			if err := getJSON(tx.Bucket(bucketTargets), k, &t); err != nil {
				return false, fmt.Errorf("target %d: %w", btoi(k), err)
			}
			ts = append(ts, t)
			return true, nil
		})
	})
	return ts, err
}

// Holiday is a day off for the whole team.
type Holiday struct {
	Date  string    `json:"date"`           // YYYY-MM-DD
	Name  string    `json:"name,omitempty"` // "Natal"; "" when none was given
	SetBy string    `json:"set_by"`
	SetAt time.Time `json:"set_at"`
}

// MaxHolidayName bounds a holiday's name, in characters.
const MaxHolidayName = 80

// AddHoliday makes date (YYYY-MM-DD) a day off. Returns Invalid for a bad
// date and Conflict if it is already a holiday.
func (db *DB) AddHoliday(ctx context.Context, date, userID string) error {
	return db.AddNamedHoliday(ctx, date, "", userID)
}

// AddNamedHoliday is AddHoliday with a name ("Natal"), cleaned of control
// characters and cut at MaxHolidayName characters.
func (db *DB) AddNamedHoliday(ctx context.Context, date, name, userID string) error {
	if _, err := ParseDate(date); err != nil {
		return err
	}
	if err := checkUser(userID); err != nil {
		return err
	}
	name = holidayName(name)
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHolidays)
		if b.Get([]byte(date)) != nil {
			return Errorf(Conflict, "%s is already a holiday.", date)
		}
		now := db.Now()
		if err := putJSON(b, []byte(date), Holiday{Date: date, Name: name, SetBy: userID, SetAt: now}); err != nil {
			return fmt.Errorf("put holiday %s: %w", date, err)
		}
		after := date
		if name != "" {
			after += " " + name
		}
		return audit(tx, AuditEntry{At: now, UserID: userID, Action: ActionHolidayAdd, Entity: "holiday:" + date, After: after})
	})
}

// holidayName trims name, drops control characters and cuts it at
// MaxHolidayName characters.
func holidayName(name string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(name) {
		if unicode.IsControl(r) {
			r = ' '
		}
		if n == MaxHolidayName {
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

// RemoveHoliday makes date a normal day again. Returns Invalid for a bad
// date and NotFound if it is not a holiday.
func (db *DB) RemoveHoliday(ctx context.Context, date, userID string) error {
	if _, err := ParseDate(date); err != nil {
		return err
	}
	if err := checkUser(userID); err != nil {
		return err
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHolidays)
		if b.Get([]byte(date)) == nil {
			return Errorf(NotFound, "%s is not a holiday.", date)
		}
		if err := b.Delete([]byte(date)); err != nil {
			return fmt.Errorf("delete holiday %s: %w", date, err)
		}
		return audit(tx, AuditEntry{At: db.Now(), UserID: userID, Action: ActionHolidayRemove, Entity: "holiday:" + date, Before: date})
	})
}

// Holidays returns every holiday, in date order.
func (db *DB) Holidays(ctx context.Context) ([]Holiday, error) {
	var hs []Holiday
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketHolidays).ForEach(func(k, v []byte) error {
			var h Holiday
			if err := getJSON(tx.Bucket(bucketHolidays), k, &h); err != nil {
				return fmt.Errorf("holiday %s: %w", k, err)
			}
			hs = append(hs, h)
			return nil
		})
	})
	return hs, err
}

// SetNudges turns the daily "you are behind" DM on or off for userID.
// Returns Invalid for an empty userID.
func (db *DB) SetNudges(ctx context.Context, userID string, on bool) error {
	if err := checkUser(userID); err != nil {
		return err
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketNudgeOptOut)
		now := db.Now()
		action := ActionNudgesOn
		var err error
		if on {
			err = b.Delete([]byte(userID))
		} else {
			action = ActionNudgesOff
			err = b.Put([]byte(userID), itob(timeNanos(now)))
		}
		if err != nil {
			return fmt.Errorf("nudges %s: %w", userID, err)
		}
		return audit(tx, AuditEntry{At: now, UserID: userID, Action: action, Entity: "nudges:" + userID})
	})
}

// NudgeOptOuts returns the users who turned nudges off.
func (db *DB) NudgeOptOuts(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketNudgeOptOut).ForEach(func(k, _ []byte) error {
			out[string(k)] = true
			return nil
		})
	})
	return out, err
}
