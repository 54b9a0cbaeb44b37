package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkIssueVoucher measures durable voucher issuance under concurrency:
// every op is one IssueVoucher (budget, per-creator limit, daily cap and
// code-uniqueness checks, five index writes, campaign totals, audit), each
// committed and fsynced, from GOMAXPROCS×4 goroutines. The Baseline
// sub-benchmark is a bare bbolt Update putting a record of the same size
// under a new key, from as many goroutines, so the ratio of the two is the
// cost of the rules and indexes over fsync alone on the same disk.
func BenchmarkIssueVoucher(b *testing.B) {
	b.Run("IssueVoucher", func(b *testing.B) {
		db := MustOpen(b)
		ctx := context.Background()
		if _, err := db.SetCampaignBudget(ctx, "bench", idr.Max(), idr, "UADMIN"); err != nil {
			b.Fatal(err)
		}
		var n atomic.Int64
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := n.Add(1)
				nv := newVoucher(db, fmt.Sprintf("U%d", i%20), fmt.Sprintf("creator%07d", i), "Glow Serum 30ml", 150_000, "bench")
				nv.DailyCap, nv.IdemKey = 1_000_000_000, fmt.Sprintf("view:V%d:h", i)
				if _, _, err := db.IssueVoucher(ctx, nv); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("Baseline", func(b *testing.B) {
		bdb, err := bolt.Open(filepath.Join(b.TempDir(), "base.db"), 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		defer bdb.Close()
		if err := bdb.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("v")); return err }); err != nil {
			b.Fatal(err)
		}
		v := Voucher{Code: "SMP-7KQ3-9XF2-M4T9", Handle: "creator0000001", Product: "Glow Serum 30ml", Value: 150_000,
			Currency: "IDR", Campaign: "bench", IssuerID: "U1", Status: VoucherIssued, IdemKey: "view:V1:h#0123456789abcdef",
			History: []VoucherEvent{{UserID: "U1", Status: VoucherIssued}}}
		record, _ := json.Marshal(v)
		var n atomic.Uint64
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				k := itob(n.Add(1))
				if err := bdb.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("v")).Put(k, record) }); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
