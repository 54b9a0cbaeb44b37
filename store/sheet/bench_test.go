package sheet

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"pocbot/store"
)

// bigSheet is an n-row sheet of kind k, every row good.
func bigSheet(k Kind, n int) []byte {
	var b bytes.Buffer
	if k == Creators {
		b.WriteString("Username,Nama,Pengikut,Kategori,Owner,Catatan\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "@creator.%d,Creator %d,%dk,beauty,sari,met at event %d\n", i, i, i%900+1, i%7)
		}
		return b.Bytes()
	}
	b.WriteString("Handle,Pitched by,Date,Product,Status\n")
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "creator.%d,%s,%s,Serum %d,%s\n", i, []string{"sari", "budi"}[i%2],
			day.AddDate(0, 0, i%60).Format("2006-01-02"), i%5, []string{"pitched", "agreed", "declined"}[i%3])
	}
	return b.Bytes()
}

// importN reads, parses and imports an n-row sheet into a new store.
func importN(tb testing.TB, k Kind, data []byte, n int) *store.ImportResult {
	db, err := store.Open(filepath.Join(tb.TempDir(), "bench.db"), store.Options{
		Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	tab, err := Read(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	p, err := Parse(tab, k, team, time.UTC)
	if err != nil {
		tb.Fatal(err)
	}
	var res *store.ImportResult
	if k == Creators {
		res, err = db.ImportCreatorRows(context.Background(), "UADMIN", p.Creators, store.ImportOptions{})
	} else {
		res, err = db.ImportPitchRows(context.Background(), "UADMIN", p.Pitches, store.ImportOptions{})
	}
	if err != nil {
		tb.Fatal(err)
	}
	if res.Created != n || len(p.Bad)+len(res.Rejected) != 0 {
		tb.Fatalf("created %d, bad %d+%d", res.Created, len(p.Bad), len(res.Rejected))
	}
	return res
}

// BenchmarkImport50k_Creators and _Pitches: one op = one 50,000-row file,
// read, parsed and imported into an empty store (fsync on every batch).
func BenchmarkImport50k_Creators(b *testing.B) {
	data := bigSheet(Creators, 50_000)
	for b.Loop() {
		importN(b, Creators, data, 50_000)
	}
}

func BenchmarkImport50k_Pitches(b *testing.B) {
	data := bigSheet(Pitches, 50_000)
	for b.Loop() {
		importN(b, Pitches, data, 50_000)
	}
}

// TestImport50kWithinSeconds is the bar of the issue: a 50,000-row file
// imports within seconds. Under the race detector (ten times slower, and
// sharing the machine with the other packages' tests) it imports 5,000
// rows and checks the import, with a bar only against hanging.
func TestImport50kWithinSeconds(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	n, limit := 50_000, 20*time.Second
	if raceEnabled {
		n, limit = 5_000, 2*time.Minute
	}
	start := time.Now()
	importN(t, Pitches, bigSheet(Pitches, n), n)
	if d := time.Since(start); d > limit {
		t.Fatalf("%d pitches took %v, over %v", n, d, limit)
	}
}

// BenchmarkImport50k_Baseline is the floor any import pays, in the same
// run: encoding/csv reads the same pitch file and bbolt stores one JSON
// record per row, 5,000 rows per fsynced transaction, no checks, no
// indexes, no audit.
func BenchmarkImport50k_Baseline(b *testing.B) {
	data := bigSheet(Pitches, 50_000)
	for b.Loop() {
		db, err := bolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			b.Fatal(err)
		}
		recs = recs[1:]
		for lo := 0; lo < len(recs); lo += 5000 {
			err := db.Update(func(tx *bolt.Tx) error {
				bk, err := tx.CreateBucketIfNotExists([]byte("rows"))
				if err != nil {
					return err
				}
				for i, r := range recs[lo:min(lo+5000, len(recs))] {
					v, _ := json.Marshal(r)
					if err := bk.Put(binary.BigEndian.AppendUint64(nil, uint64(lo+i)), v); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		db.Close()
	}
}
