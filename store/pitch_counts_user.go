package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// UserPitchCountsByDay counts the pitches userID created in each interval
// [bounds[i], bounds[i+1]): PitchCountsByDay for one user. It scans only
// that user's range of pitches_by_user, so its cost follows the user's
// work, not the team's; it decodes no record. Bounds must ascend.
func (db *DB) UserPitchCountsByDay(ctx context.Context, userID string, bounds []time.Time) ([]int, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	if len(bounds) < 2 {
		return nil, nil
	}
	keys := make([][]byte, len(bounds))
	for i, t := range bounds {
		keys[i] = timeKey(t)
		if i > 0 && bytes.Compare(keys[i], keys[i-1]) < 0 {
			return nil, fmt.Errorf("count %s: bounds not ascending", bucketPitchesByUser)
		}
	}
	out := make([]int, len(bounds)-1)
	prefix := strPrefix(userID)
	err := db.view(ctx, func(tx *bolt.Tx) error {
		i := 0
		return scan(tx.Bucket(bucketPitchesByUser), key(prefix, keys[0]), key(prefix, keys[len(keys)-1]), func(k, _ []byte) (bool, error) {
			t := k[len(prefix) : len(prefix)+8]
			for bytes.Compare(t, keys[i+1]) >= 0 {
				i++
			}
			out[i]++
			return true, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
