package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// OpenPitchCounts counts, per owner, the open (pitched or interested)
// pitches created before before, and returns each owner's oldest one's
// creation time. It reads the open-pitch index and the by-time values
// only, never a record: the digest and the realism check call it.
func (db *DB) OpenPitchCounts(ctx context.Context, before time.Time) (map[string]int, map[string]time.Time, error) {
	counts, oldest := map[string]int{}, map[string]time.Time{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		byTime := tx.Bucket(bucketPitchesByTime)
		return scan(tx.Bucket(bucketPitchesOpen), timeKey(time.Time{}), timeKey(before), func(k, _ []byte) (bool, error) {
			v := byTime.Get(k)
			if len(v) < 2 {
				return false, fmt.Errorf("%s %x: missing by-time entry", bucketPitchesOpen, k)
			}
			u := string(v[1:])
			if counts[u] == 0 {
				oldest[u] = time.Unix(0, int64(btoi(k))).UTC()
			}
			counts[u]++
			return true, nil
		})
	})
	if err != nil {
		return nil, nil, err
	}
	return counts, oldest, nil
}
