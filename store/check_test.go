package store

import (
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// Check finds a stray entry in each kind of index: the count tails of the
// index checks, one per bucket family, all go through checkCounts.
func TestDB_Check_FindsStrayIndexEntries(t *testing.T) {
	for _, bucket := range [][]byte{bucketPitchesByUser, bucketCreatorNames, bucketIssuesByCreator, bucketTasksDue,
		bucketVouchersByTime, bucketPitchesAgreed, bucketVouchersCredited, bucketAuditByEntity} {
		t.Run(string(bucket), func(t *testing.T) {
			db := MustOpen(t)
			mustCheck(t, db)
			stray := []byte("zz-stray\x00key-1234")
			put := func(f func(*bolt.Bucket) error) {
				if err := db.bolt.Update(func(tx *bolt.Tx) error { return f(tx.Bucket(bucket)) }); err != nil {
					t.Fatal(err)
				}
			}
			put(func(b *bolt.Bucket) error { return b.Put(stray, nil) })
			err := db.Check()
			if err == nil || !strings.Contains(err.Error(), string(bucket)) {
				t.Errorf("Check after a stray %s entry = %v, want an error naming the bucket", bucket, err)
			}
			put(func(b *bolt.Bucket) error { return b.Delete(stray) }) // MustOpen checks again at cleanup
		})
	}
}
