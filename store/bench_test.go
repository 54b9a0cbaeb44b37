package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Fixture size: a year of a busy team.
const (
	fixturePitches  = 1_000_000
	fixtureCreators = 100_000
	fixtureUsers    = 20
	fixtureDays     = 365
	fixtureBatch    = 20_000 // Pitches per Update tx while building.
	whaleHandle     = "whale"
	whaleShare      = 0.005 // ≈5,000 pitches for one creator: the worst case.
)

// fixtureEnd is "now" for the fixture: the newest pitch is just before it.
var fixtureEnd = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)

// fixture is built once per test binary and shared by the benchmarks that
// need it; TestMain removes its directory.
var fixture struct {
	once sync.Once
	dir  string
	db   *DB
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.db != nil {
		fixture.db.Close()
	}
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

// fixtureDB returns the shared 1,000,000-pitch database, building it on
// first use. Benchmarks must only read it.
func fixtureDB(b *testing.B) *DB {
	b.Helper()
	if testing.Short() {
		b.Skip("skipping the 1,000,000-pitch fixture in -short mode")
	}
	fixture.once.Do(func() {
		if fixture.dir, fixture.err = os.MkdirTemp("", "pocbot-bench-"); fixture.err != nil {
			return
		}
		path := filepath.Join(fixture.dir, "fixture.db")
		start := time.Now()
		if fixture.err = buildFixture(path); fixture.err != nil {
			return
		}
		fi, _ := os.Stat(path)
		b.Logf("built fixture: %d pitches, %d creators, %d MB in %v",
			fixturePitches, fixtureCreators, fi.Size()>>20, time.Since(start).Round(time.Millisecond))
		fixture.db, fixture.err = Open(path, Options{Now: func() time.Time { return fixtureEnd }})
	})
	if fixture.err != nil {
		b.Fatal(fixture.err)
	}
	return fixture.db
}

func fixtureHandle(i int) string { return fmt.Sprintf("creator%06d", i) }

// buildFixture writes the fixture straight into the buckets, in large
// transactions, with the same record and index encoding as the store (but
// without audit entries, which these reads never touch). Pitches are spread
// evenly over fixtureDays; statuses depend on age, as in real life: recent
// pitches are mostly open, old ones mostly closed.
func buildFixture(path string) error {
	db, err := Open(path, Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	products := make([]string, 50)
	for i := range products {
		products[i] = fmt.Sprintf("Product %02d Glow Serum 30ml", i)
	}
	start := fixtureEnd.Add(-fixtureDays * 24 * time.Hour)
	step := fixtureDays * 24 * time.Hour / fixturePitches

	err = db.bolt.Update(func(tx *bolt.Tx) error {
		add := func(h string) error {
			return putCreator(tx, &Creator{Handle: h, DisplayName: "Creator " + h, Followers: rng.Int64N(5_000_000),
				OwnerID: fmt.Sprintf("U%02d", rng.IntN(fixtureUsers)), FirstSeen: start, UpdatedAt: start})
		}
		for i := range fixtureCreators {
			if err := add(fixtureHandle(i)); err != nil {
				return err
			}
		}
		return add(whaleHandle)
	})
	if err != nil {
		return err
	}
	for lo := 0; lo < fixturePitches; lo += fixtureBatch {
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			for i := lo; i < min(lo+fixtureBatch, fixturePitches); i++ {
				p := fixturePitch(rng, uint64(i+1), start.Add(time.Duration(i)*step), products)
				if err := putPitch(tx, p); err != nil {
					return err
				}
				if err := indexPitch(tx, p); err != nil {
					return err
				}
			}
			return tx.Bucket(bucketPitches).SetSequence(uint64(min(lo+fixtureBatch, fixturePitches)))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// fixturePitch makes pitch id created at t with an age-dependent status.
func fixturePitch(rng *rand.Rand, id uint64, t time.Time, products []string) *Pitch {
	h := fixtureHandle(rng.IntN(fixtureCreators))
	if rng.Float64() < whaleShare {
		h = whaleHandle
	}
	p := &Pitch{ID: id, Handle: h, Product: products[rng.IntN(len(products))],
		UserID: fmt.Sprintf("U%02d", rng.IntN(fixtureUsers)), CommissionPct: 5 + rng.IntN(20),
		Channel: "C0PITCHES", CreatedAt: t, Status: PitchPitched, UpdatedAt: t}
	if rng.IntN(2) == 0 {
		p.Note = "Sent sample request, waiting for address."
	}
	age := fixtureEnd.Sub(t)
	openShare := 0.01
	switch {
	case age < 7*24*time.Hour:
		openShare = 0.7
	case age < 30*24*time.Hour:
		openShare = 0.1
	}
	var path []PitchStatus
	if rng.Float64() < openShare {
		if rng.IntN(3) == 0 {
			path = []PitchStatus{PitchInterested}
		}
	} else {
		switch r := rng.Float64(); {
		case r < 0.2:
			path = []PitchStatus{PitchInterested, PitchAgreed}
		case r < 0.3:
			path = []PitchStatus{PitchInterested, PitchDeclined}
		case r < 0.55:
			path = []PitchStatus{PitchDeclined}
		default:
			path = []PitchStatus{PitchNoResponse}
		}
	}
	at := t
	for _, s := range path {
		at = at.Add(time.Duration(1+rng.IntN(72)) * time.Hour)
		p.History = append(p.History, StatusChange{At: at, UserID: p.UserID, From: p.Status, To: s})
		p.Status, p.UpdatedAt = s, at
	}
	return p
}

// BenchmarkCreatePitch is one durable single-creator pitch per op: an
// Update with the cooldown check, creator, pitch, 4 index entries and 2
// audit entries, committed with fsync.
func BenchmarkCreatePitch(b *testing.B) {
	ctx := context.Background()
	db := MustOpen(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		res, err := db.CreatePitches(ctx, PitchInput{UserID: "U01", Handles: []string{fmt.Sprintf("creator%07d", i)},
			Product: "Glow Serum 30ml", CommissionPct: 10, Cooldown: 72 * time.Hour})
		if err != nil || len(res.Created) != 1 {
			b.Fatal(res, err)
		}
		i++
	}
}

// BenchmarkPitchesByCreator is the creator-history view: first page of 50
// plus the total, for a random typical creator (≈10 pitches) and for the
// one with ≈5,000.
func BenchmarkPitchesByCreator(b *testing.B) {
	ctx := context.Background()
	db := fixtureDB(b)
	b.Run("Typical", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(3, 4))
		for b.Loop() {
			// A few creators have no pitch at all; that is a valid answer.
			if _, _, err := db.PitchesByCreator(ctx, fixtureHandle(rng.IntN(fixtureCreators)), 0, 50); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Whale", func(b *testing.B) {
		for b.Loop() {
			ps, total, err := db.PitchesByCreator(ctx, whaleHandle, 0, 50)
			if err != nil || len(ps) != 50 || total < 4000 {
				b.Fatal(len(ps), total, err)
			}
		}
	})
}

// BenchmarkPitchStatsWeek is the weekly funnel (≈19,000 pitches) for a
// week chosen at random in the year.
func BenchmarkPitchStatsWeek(b *testing.B) {
	ctx := context.Background()
	db := fixtureDB(b)
	rng := rand.New(rand.NewPCG(5, 6))
	week := 7 * 24 * time.Hour
	for b.Loop() {
		to := fixtureEnd.Add(-time.Duration(rng.IntN(51)) * week)
		st, err := db.PitchStats(ctx, to.Add(-week), to)
		if err != nil || st.Team.Pitched < 15_000 {
			b.Fatal(st, err)
		}
	}
}

// BenchmarkPitchesBetweenDay decodes one day of pitches (≈2,700), what a
// daily digest would list.
func BenchmarkPitchesBetweenDay(b *testing.B) {
	ctx := context.Background()
	db := fixtureDB(b)
	for b.Loop() {
		ps, err := db.PitchesBetween(ctx, fixtureEnd.Add(-24*time.Hour), fixtureEnd)
		if err != nil || len(ps) < 2000 {
			b.Fatal(len(ps), err)
		}
	}
}

// BenchmarkOpenPitchesBefore is the follow-up list: every pitch still open
// after 3 days.
func BenchmarkOpenPitchesBefore(b *testing.B) {
	ctx := context.Background()
	db := fixtureDB(b)
	var n int
	for b.Loop() {
		ps, err := db.OpenPitchesBefore(ctx, fixtureEnd.Add(-3*24*time.Hour))
		if err != nil {
			b.Fatal(err)
		}
		n = len(ps)
	}
	b.ReportMetric(float64(n), "pitches/op")
}

// BenchmarkOpenPitchesByUserBefore is one person's follow-up list (App
// Home): 1 of 20 users, so ≈1/20 of the open pitches are decoded.
func BenchmarkOpenPitchesByUserBefore(b *testing.B) {
	ctx := context.Background()
	db := fixtureDB(b)
	var n int
	for b.Loop() {
		ps, err := db.OpenPitchesByUserBefore(ctx, "U07", fixtureEnd.Add(-3*24*time.Hour))
		if err != nil {
			b.Fatal(err)
		}
		n = len(ps)
	}
	b.ReportMetric(float64(n), "pitches/op")
}

// BenchmarkFindCreators is a substring search over all 100,001 creators.
func BenchmarkFindCreators(b *testing.B) {
	ctx := context.Background()
	db := fixtureDB(b)
	for b.Loop() {
		if cs, err := db.FindCreators(ctx, "creator0999", 25); err != nil || len(cs) == 0 {
			b.Fatal(len(cs), err)
		}
	}
}

// BenchmarkCreatePitch_Baseline is the floor under BenchmarkCreatePitch:
// one bare bbolt Update putting a pitch-sized JSON value under a sequence
// key, committed with fsync, in a database of the same kind. The ratio of
// the two is the cost of pocbot's validation, indexes and audit.
func BenchmarkCreatePitch_Baseline(b *testing.B) {
	db := MustOpen(b)
	val := []byte(`{"id":1,"handle":"creator0000001","product":"Glow Serum 30ml","commission_pct":10,"user_id":"U01","created_at":"2026-11-30T03:00:00Z","status":"pitched","updated_at":"2026-11-30T03:00:00Z"}`)
	b.ReportAllocs()
	for b.Loop() {
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("bench_baseline"))
			if err != nil {
				return err
			}
			id, err := bk.NextSequence()
			if err != nil {
				return err
			}
			return bk.Put(itob(id), val)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPitchSampleFunnelsWeek runs /pitch stats's sample → posted
// extension over the same week of ≈19,000 pitches; the baseline is
// PitchStats over that week, measured alongside.
func BenchmarkPitchSampleFunnelsWeek(b *testing.B) {
	ctx := context.Background()
	db := fixtureDB(b)
	to := fixtureEnd
	from := to.Add(-7 * 24 * time.Hour)
	b.Run("Funnels", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.PitchSampleFunnels(ctx, from, to); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("BaselinePitchStats", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.PitchStats(ctx, from, to); err != nil {
				b.Fatal(err)
			}
		}
	})
}
