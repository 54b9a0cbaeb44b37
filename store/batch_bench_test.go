package store

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkGroupCommit compares ways to commit the same durable pitch write
// (creator, pitch, index entries, audit; fsync), one writer at a time and
// 32 at once: a transaction each (bbolt Update, what pocbot did before),
// bbolt's DB.Batch at several MaxBatchDelay settings, and the commit queue
// db.batch uses. ns/op is wall time per write, so under Parallel32 it is
// the inverse of throughput; commits/op says how many writes shared a
// commit.
func BenchmarkGroupCommit(b *testing.B) {
	type mode struct {
		name   string
		commit func(db *DB, fn func(*bolt.Tx) error) error
		delay  time.Duration
	}
	ctx := context.Background()
	modes := []mode{
		{name: "Update", commit: func(db *DB, fn func(*bolt.Tx) error) error { return db.bolt.Update(fn) }},
		{name: "Batch1ms", delay: time.Millisecond, commit: func(db *DB, fn func(*bolt.Tx) error) error { return db.bolt.Batch(fn) }},
		{name: "Batch2ms", delay: 2 * time.Millisecond, commit: func(db *DB, fn func(*bolt.Tx) error) error { return db.bolt.Batch(fn) }},
		{name: "Batch10ms", delay: 10 * time.Millisecond, commit: func(db *DB, fn func(*bolt.Tx) error) error { return db.bolt.Batch(fn) }},
		{name: "Queue", commit: func(db *DB, fn func(*bolt.Tx) error) error { return db.batch(ctx, fn) }},
	}
	for _, par := range []int{1, 32} {
		for _, m := range modes {
			b.Run(fmt.Sprintf("Writers%d/%s", par, m.name), func(b *testing.B) {
				db := MustOpen(b)
				if m.delay > 0 {
					db.bolt.MaxBatchDelay = m.delay
					db.bolt.MaxBatchSize = maxBatch
				}
				var n atomic.Int64
				var lastTx, commits int // under bbolt's writer lock
				write := func() error {
					i := n.Add(1)
					h := fmt.Sprintf("creator%07d", i)
					return m.commit(db, func(tx *bolt.Tx) error {
						if tx.ID() != lastTx {
							lastTx, commits = tx.ID(), commits+1
						}
						now := db.Now()
						if _, _, err := ensureOwnedCreator(tx, h, "U01", now); err != nil {
							return err
						}
						return createPitch(tx, &Pitch{Handle: h, Product: "Glow Serum 30ml", UserID: "U01", CreatedAt: now,
							UpdatedAt: now, Status: PitchPitched})
					})
				}
				b.ResetTimer()
				if par == 1 {
					for b.Loop() {
						if err := write(); err != nil {
							b.Fatal(err)
						}
					}
				} else {
					b.SetParallelism((par + 1) / 2) // ×GOMAXPROCS(2) goroutines
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if err := write(); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				b.StopTimer()
				b.ReportMetric(float64(commits)/float64(b.N), "commits/op")
			})
		}
	}
}
