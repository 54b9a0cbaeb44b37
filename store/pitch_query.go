package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Pitch returns pitch id. Returns NotFound if there is none.
func (db *DB) Pitch(ctx context.Context, id uint64) (*Pitch, error) {
	var p *Pitch
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		p, err = getPitch(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// LatestPitch returns the creator's newest pitch by any user.
// Returns Invalid for a malformed handle and NotFound if the creator has
// never been pitched.
func (db *DB) LatestPitch(ctx context.Context, handle string) (*Pitch, error) {
	h, err := NormalizeHandle(handle)
	if err != nil {
		return nil, err
	}
	var p *Pitch
	err = db.view(ctx, func(tx *bolt.Tx) error {
		if p, err = latestPitch(tx, h); err == nil && p == nil {
			err = Errorf(NotFound, "@%s has not been pitched yet.", h)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// PitchesByCreator returns one page of the creator's pitches, newest first,
// skipping offset and returning at most limit (all if limit <= 0), and the
// creator's total number of pitches. It reads only that creator's index
// entries and the page's records. An unknown creator has no pitches; that
// is not an error. Returns Invalid for a malformed handle.
func (db *DB) PitchesByCreator(ctx context.Context, handle string, offset, limit int) ([]Pitch, int, error) {
	h, err := NormalizeHandle(handle)
	if err != nil {
		return nil, 0, err
	}
	offset = max(offset, 0)
	var ps []Pitch
	total := 0
	err = db.view(ctx, func(tx *bolt.Tx) error {
		records := tx.Bucket(bucketPitches)
		prefix := strPrefix(h)
		return scanReverse(tx.Bucket(bucketPitchesByCreator), prefix, prefixEnd(prefix), func(k, _ []byte) (bool, error) {
			total++
			if total <= offset || limit > 0 && len(ps) >= limit {
				return true, nil // Only counting.
			}
			p, err := loadPitch(records, k[len(prefix):])
			if err != nil {
				return false, err
			}
			ps = append(ps, p)
			return true, nil
		})
	})
	if err != nil {
		return nil, 0, err
	}
	return ps, total, nil
}

// PitchesByUser returns the pitches userID created in [from, to), newest
// first. It reads only that user's index entries in the range.
// Returns Invalid for an empty userID.
func (db *DB) PitchesByUser(ctx context.Context, userID string, from, to time.Time) ([]Pitch, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	var ps []Pitch
	err := db.view(ctx, func(tx *bolt.Tx) error {
		records := tx.Bucket(bucketPitches)
		prefix := strPrefix(userID)
		lo, hi := key(prefix, timeKey(from)), key(prefix, timeKey(to))
		return scanReverse(tx.Bucket(bucketPitchesByUser), lo, hi, func(k, _ []byte) (bool, error) {
			p, err := loadPitch(records, k[len(prefix)+8:])
			if err != nil {
				return false, err
			}
			ps = append(ps, p)
			return true, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return ps, nil
}

// PitchesBetween returns the pitches created in [from, to), newest first.
// It decodes every pitch in the range: use PitchStats for counts.
func (db *DB) PitchesBetween(ctx context.Context, from, to time.Time) ([]Pitch, error) {
	var ps []Pitch
	err := db.view(ctx, func(tx *bolt.Tx) error {
		records := tx.Bucket(bucketPitches)
		return scanReverse(tx.Bucket(bucketPitchesByTime), timeKey(from), timeKey(to), func(k, _ []byte) (bool, error) {
			p, err := loadPitch(records, k[8:])
			if err != nil {
				return false, err
			}
			ps = append(ps, p)
			return true, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return ps, nil
}

// OpenPitchesBefore returns the open (pitched or interested) pitches created
// before before, oldest first: the team's follow-up list. It reads the
// open-pitch index only, never a closed pitch.
func (db *DB) OpenPitchesBefore(ctx context.Context, before time.Time) ([]Pitch, error) {
	return db.openPitchesBefore(ctx, "", before)
}

// OpenPitchesByUserBefore is OpenPitchesBefore for the pitches userID
// created: one person's follow-ups. It decodes only that user's pitches.
// Returns Invalid for an empty userID.
func (db *DB) OpenPitchesByUserBefore(ctx context.Context, userID string, before time.Time) ([]Pitch, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	return db.openPitchesBefore(ctx, userID, before)
}

// openPitchesBefore lists open pitches before before, of userID or of
// everyone if userID is "".
func (db *DB) openPitchesBefore(ctx context.Context, userID string, before time.Time) ([]Pitch, error) {
	var ps []Pitch
	err := db.view(ctx, func(tx *bolt.Tx) error {
		records := tx.Bucket(bucketPitches)
		return scan(tx.Bucket(bucketPitchesOpen), timeKey(time.Time{}), timeKey(before), func(k, v []byte) (bool, error) {
			if userID != "" && string(v) != userID {
				return true, nil
			}
			p, err := loadPitch(records, k[8:])
			if err != nil {
				return false, err
			}
			ps = append(ps, p)
			return true, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return ps, nil
}

// Funnel counts pitches created in a period by where they stand now.
// Pitched counts them all. Interested counts those now interested or agreed,
// that is at the interested stage or beyond; a pitch that was interested and
// then declined counts as Declined only. Agreed, Declined and NoResponse
// count the pitches now in that status. Pitches still at "pitched" are
// Pitched minus the other four.
type Funnel struct {
	Pitched    int
	Interested int
	Agreed     int
	Declined   int
	NoResponse int
}

// add counts one pitch with status s.
func (f *Funnel) add(s PitchStatus) {
	f.Pitched++
	switch s {
	case PitchInterested:
		f.Interested++
	case PitchAgreed:
		f.Interested++
		f.Agreed++
	case PitchDeclined:
		f.Declined++
	case PitchNoResponse:
		f.NoResponse++
	}
}

// PitchStats is the funnel of a period for the team and per pitching user.
type PitchStats struct {
	Team    Funnel
	PerUser map[string]Funnel
}

// PitchStats counts the pitches created in [from, to). It reads only the
// time index, whose values carry status and user, not the pitch records.
func (db *DB) PitchStats(ctx context.Context, from, to time.Time) (*PitchStats, error) {
	st := &PitchStats{PerUser: map[string]Funnel{}}
	per := map[string]*Funnel{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return scan(tx.Bucket(bucketPitchesByTime), timeKey(from), timeKey(to), func(k, v []byte) (bool, error) {
			if len(v) < 1 {
				return false, fmt.Errorf("%s %x: empty value", bucketPitchesByTime, k)
			}
			s, ok := statusFromCode(v[0])
			if !ok {
				return false, fmt.Errorf("%s %x: status code %d", bucketPitchesByTime, k, v[0])
			}
			st.Team.add(s)
			f := per[string(v[1:])] // No allocation: the compiler special-cases map[string(b)].
			if f == nil {
				f = &Funnel{}
				per[string(v[1:])] = f
			}
			f.add(s)
			return true, nil
		})
	})
	if err != nil {
		return nil, err
	}
	for u, f := range per {
		st.PerUser[u] = *f
	}
	return st, nil
}

// loadPitch decodes the pitch whose 8-byte ID is id from the pitches bucket.
func loadPitch(records *bolt.Bucket, id []byte) (Pitch, error) {
	var p Pitch
	if err := getJSON(records, id, &p); err != nil {
		return Pitch{}, fmt.Errorf("pitch %d: %w", btoi(id), err)
	}
	return p, nil
}
