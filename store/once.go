package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// bucketOnce holds claims for things that must happen at most once, such as
// "the follow-up DM for U1 on 2026-11-30":
//
//	once
//	  key → itob(claim time, Unix ns)
var bucketOnce = []byte("once")

// ClaimOnce records key and reports whether this call was the first to do
// so. Notification jobs claim before sending, so a re-run never sends twice.
// Returns Invalid for an empty key.
func (db *DB) ClaimOnce(ctx context.Context, key string) (first bool, err error) {
	if key == "" || len(key) > 512 {
		return false, Errorf(Invalid, "A claim key must have 1 to 512 bytes.")
	}
	err = db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOnce)
		if b.Get([]byte(key)) != nil {
			return nil
		}
		first = true
		if err := b.Put([]byte(key), itob(timeNanos(db.Now()))); err != nil {
			return fmt.Errorf("claim %s: %w", key, err)
		}
		return nil
	})
	return first, err
}

// ReleaseOnce forgets a claim, so the work can be tried again (used when the
// claimed work failed).
func (db *DB) ReleaseOnce(ctx context.Context, key string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOnce).Delete([]byte(key))
	})
}

// Claimed reports whether key has been claimed.
func (db *DB) Claimed(ctx context.Context, key string) (bool, error) {
	var ok bool
	err := db.view(ctx, func(tx *bolt.Tx) error {
		ok = tx.Bucket(bucketOnce).Get([]byte(key)) != nil
		return nil
	})
	return ok, err
}

// idemLookup reports whether an idempotency key of kind was recorded, and
// the record ID stored with it. An empty key is never seen.
func idemLookup(tx *bolt.Tx, kind, key string) (uint64, bool) {
	if key == "" {
		return 0, false
	}
	v := tx.Bucket(bucketOnce).Get([]byte("idem/" + kind + "/" + key))
	if v == nil {
		return 0, false
	}
	if len(v) != 8 {
		return 0, true
	}
	return btoi(v), true
}

// idemRecord records an idempotency key of kind with the ID it produced, in
// the caller's transaction, so the key and the change commit together.
func idemRecord(tx *bolt.Tx, kind, key string, id uint64) error {
	if key == "" {
		return nil
	}
	if len(key) > 400 {
		return fmt.Errorf("idempotency key too long (%d bytes)", len(key))
	}
	return tx.Bucket(bucketOnce).Put([]byte("idem/"+kind+"/"+key), itob(id))
}
