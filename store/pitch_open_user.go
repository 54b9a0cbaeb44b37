package store

import (
	"context"
	"time"

	bolt "go.etcd.io/bbolt"
)

// OldestOpenPitchesByUserBefore returns up to limit of userID's open
// pitches created before `before`, oldest first, and how many there are in
// all. Only the pitches returned are read from their records (the rest are
// counted from the pitches_open index), so App Home, which shows the
// oldest few and a count, does not decode every follow-up a busy person
// has. Returns Invalid for an empty userID.
func (db *DB) OldestOpenPitchesByUserBefore(ctx context.Context, userID string, before time.Time, limit int) ([]Pitch, int, error) {
	if err := checkUser(userID); err != nil {
		return nil, 0, err
	}
	var (
		ps    []Pitch
		total int
	)
	err := db.view(ctx, func(tx *bolt.Tx) error {
		records := tx.Bucket(bucketPitches)
		return scan(tx.Bucket(bucketPitchesOpen), timeKey(time.Time{}), timeKey(before), func(k, v []byte) (bool, error) {
			if string(v) != userID {
				return true, nil
			}
			total++
			if len(ps) < limit {
				p, err := loadPitch(records, k[8:])
				if err != nil {
					return false, err
				}
				ps = append(ps, p)
			}
			return true, nil
		})
	})
	if err != nil {
		return nil, 0, err
	}
	return ps, total, nil
}
