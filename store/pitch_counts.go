package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketPitchesAgreed indexes agreed pitches by the time they became agreed:
//
//	pitches_agreed
//	  itob(agreed ns) itob(id) → userID of the pitch's owner
//
// It lets the "agreed" target metric count a day without decoding a pitch.
// indexPitchStatus keeps it in line with the record in the same
// transaction; a pitch that leaves agreed leaves the index.
var bucketPitchesAgreed = []byte("pitches_agreed")

// agreedAt returns when p became agreed: the time of its last change to
// agreed, or its creation for a pitch created (imported) as agreed.
func agreedAt(p *Pitch) (time.Time, bool) {
	if p.Status != PitchAgreed {
		return time.Time{}, false
	}
	for i := len(p.History) - 1; i >= 0; i-- {
		if p.History[i].To == PitchAgreed {
			return p.History[i].At, true
		}
	}
	return p.CreatedAt, true
}

// indexPitchAgreed puts p in pitches_agreed if it is agreed and removes
// any key of an earlier agreement. History is short, so deleting every
// candidate key is cheap and needs no knowledge of the previous state.
func indexPitchAgreed(tx *bolt.Tx, p *Pitch) error {
	b := tx.Bucket(bucketPitchesAgreed)
	stale := []time.Time{p.CreatedAt}
	for _, c := range p.History {
		if c.To == PitchAgreed {
			stale = append(stale, c.At)
		}
	}
	for _, t := range stale {
		if err := b.Delete(timeIDKey(t, p.ID)); err != nil {
			return fmt.Errorf("unindex agreed pitch %d: %w", p.ID, err)
		}
	}
	if t, ok := agreedAt(p); ok {
		if err := b.Put(timeIDKey(t, p.ID), []byte(p.UserID)); err != nil {
			return fmt.Errorf("index agreed pitch %d: %w", p.ID, err)
		}
	}
	return nil
}

// backfillAgreed is the migration that builds pitches_agreed from records.
func backfillAgreed(tx *bolt.Tx) error {
	return tx.Bucket(bucketPitches).ForEach(func(k, v []byte) error {
		var p Pitch
		if err := json.Unmarshal(v, &p); err != nil {
			return fmt.Errorf("pitch %x: %w", k, err)
		}
		return indexPitchAgreed(tx, &p)
	})
}

// checkAgreedIndex verifies pitches_agreed against the records.
func checkAgreedIndex(tx *bolt.Tx) error {
	idx := tx.Bucket(bucketPitchesAgreed)
	n := 0
	err := tx.Bucket(bucketPitches).ForEach(func(k, v []byte) error {
		var p Pitch
		if err := json.Unmarshal(v, &p); err != nil {
			return fmt.Errorf("pitch %x: %w", k, err)
		}
		if t, ok := agreedAt(&p); ok {
			n++
			if !bytes.Equal(idx.Get(timeIDKey(t, p.ID)), []byte(p.UserID)) {
				return fmt.Errorf("pitch %d: wrong or missing %s entry", p.ID, bucketPitchesAgreed)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return checkCounts(tx, indexCount{bucketPitchesAgreed, n})
}

// PitchCountsByDay counts, per pitching user, the pitches created in each
// interval [bounds[i], bounds[i+1]) — typically consecutive local days. The
// result has len(bounds)-1 maps (nil when there are fewer than 2 bounds).
// It scans pitches_by_time once and decodes no record. Bounds must ascend.
func (db *DB) PitchCountsByDay(ctx context.Context, bounds []time.Time) ([]map[string]int, error) {
	return db.countByDay(ctx, bucketPitchesByTime, bounds, func(v []byte) []byte {
		if len(v) < 1 {
			return nil
		}
		return v[1:] // status code ++ userID
	})
}

// AgreedCountsByDay counts, per pitch owner, the pitches that became agreed
// in each interval [bounds[i], bounds[i+1]) and are still agreed. Like
// PitchCountsByDay it reads an index only.
func (db *DB) AgreedCountsByDay(ctx context.Context, bounds []time.Time) ([]map[string]int, error) {
	return db.countByDay(ctx, bucketPitchesAgreed, bounds, func(v []byte) []byte { return v })
}

// countByDay scans a time-keyed index whose values name a user.
func (db *DB) countByDay(ctx context.Context, bucket []byte, bounds []time.Time, user func(v []byte) []byte) ([]map[string]int, error) {
	if len(bounds) < 2 {
		return nil, nil
	}
	keys := make([][]byte, len(bounds))
	for i, t := range bounds {
		keys[i] = timeKey(t)
		if i > 0 && bytes.Compare(keys[i], keys[i-1]) < 0 {
			return nil, fmt.Errorf("count %s: bounds not ascending", bucket)
		}
	}
	out := make([]map[string]int, len(bounds)-1)
	for i := range out {
		out[i] = map[string]int{}
	}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		i := 0
		return scan(tx.Bucket(bucket), keys[0], keys[len(keys)-1], func(k, v []byte) (bool, error) {
			for bytes.Compare(k[:8], keys[i+1]) >= 0 {
				i++
			}
			u := user(v)
			if len(u) == 0 {
				return false, fmt.Errorf("%s %x: no user", bucket, k)
			}
			out[i][string(u)]++
			return true, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ImportPitches stores already-made pitches (from a spreadsheet import or
// a test fixture) in one transaction: each gets an ID, its index entries,
// its creator if new, and an audit entry. CreatedAt, Status and History are
// kept as given. Returns Invalid, and writes nothing, if a pitch has a bad
// handle, user or status.
func (db *DB) ImportPitches(ctx context.Context, ps []Pitch) error {
	for i := range ps {
		h, err := NormalizeHandle(ps[i].Handle)
		if err != nil {
			return err
		}
		ps[i].Handle = h
		if err := checkUser(ps[i].UserID); err != nil {
			return err
		}
		if !ps[i].Status.Valid() {
			return Errorf(Invalid, "Pitch %d has the unknown status %s.", i+1, quoteInput(string(ps[i].Status)))
		}
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		for i := range ps {
			p := &ps[i]
			if p.UpdatedAt.IsZero() {
				p.UpdatedAt = p.CreatedAt
			}
			if _, _, err := ensureOwnedCreator(tx, p.Handle, p.UserID, p.CreatedAt); err != nil {
				return err
			}
			if err := createPitch(tx, p); err != nil {
				return err
			}
		}
		return nil
	})
}
