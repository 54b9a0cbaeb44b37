package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// jobRecord is the jobs bucket value.
type jobRecord struct {
	LastRun time.Time `json:"last_run"`
}

// JobLastRun returns when the scheduled job name last ran, as recorded by
// SetJobLastRun; ok is false if it never has. The scheduler uses it to catch
// up on a run missed while the bot was down. Returns Invalid for an empty
// name.
func (db *DB) JobLastRun(ctx context.Context, name string) (t time.Time, ok bool, err error) {
	if name == "" {
		return time.Time{}, false, Errorf(Invalid, "A job name is required.")
	}
	err = db.view(ctx, func(tx *bolt.Tx) error {
		var r jobRecord
		switch err := getJSON(tx.Bucket(bucketJobs), []byte(name), &r); err {
		case nil:
			t, ok = r.LastRun, true
		case errMissing:
		default:
			return fmt.Errorf("job %s: %w", name, err)
		}
		return nil
	})
	return t, ok, err
}

// SetJobLastRun records that job name ran at t (stored in UTC). This is the
// scheduler's bookkeeping, not a user's change, so it is not audited.
// Returns Invalid for an empty name.
func (db *DB) SetJobLastRun(ctx context.Context, name string, t time.Time) error {
	if name == "" {
		return Errorf(Invalid, "A job name is required.")
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bucketJobs), []byte(name), jobRecord{LastRun: t.UTC()}); err != nil {
			return fmt.Errorf("put job %s: %w", name, err)
		}
		return nil
	})
}
