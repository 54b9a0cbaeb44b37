package store

import (
	"testing"

	bolt "go.etcd.io/bbolt"
)

func BenchmarkZZStats(b *testing.B) {
	db := fixtureDB(b)
	db.bolt.View(func(tx *bolt.Tx) error {
		for _, n := range allBuckets {
			s := tx.Bucket(n).Stats()
			b.Logf("%-20s keys=%8d leafPages=%7d leafInuse=%6dMB leafAlloc=%6dMB branchAlloc=%dMB", n, s.KeyN, s.LeafPageN+s.LeafOverflowN, s.LeafInuse>>20, s.LeafAlloc>>20, s.BranchAlloc>>20)
		}
		return nil
	})
	for b.Loop() {
	}
}
