package bot

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
)

// Benchmark fixture: 100 people, 1,000,000 pitches over a year, about 8%
// of them agreed; recent pitches are mostly open, old ones mostly closed;
// plus 100,000 issues, 100,000 vouchers and 5,000 tasks (addBenchWork).
const (
	benchPeople  = 100
	benchPitches = 1_000_000
	benchDays    = 365
	benchBatch   = 50_000
)

// benchDigestBot builds the fixture with batched imports (ImportPitches
// in 20 large transactions, then addBenchWork) and returns a bot on it, with its clock at 09:00 on
// Monday 30 Nov 2026 in Jakarta.
func benchDigestBot(b *testing.B) (*Bot, time.Time) {
	b.Helper()
	if testing.Short() {
		b.Skip("skipping the 1,000,000-pitch digest fixture in -short mode")
	}
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, loc)
	db, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	start := time.Now()
	rng := rand.New(rand.NewPCG(7, 9))
	first := now.AddDate(0, 0, -benchDays)
	step := now.Sub(first) / benchPitches
	batch := make([]store.Pitch, 0, benchBatch)
	for i := 0; i < benchPitches; i++ {
		at := first.Add(time.Duration(i) * step)
		p := store.Pitch{Handle: fmt.Sprintf("creator%06d", rng.IntN(100_000)), UserID: fmt.Sprintf("U%03d", rng.IntN(benchPeople)),
			CreatedAt: at, Status: store.PitchPitched}
		recent := now.Sub(at) < 14*24*time.Hour
		switch r := rng.IntN(100); {
		case r < 8:
			p.Status = store.PitchAgreed
			p.History = []store.StatusChange{{At: at.Add(time.Duration(rng.IntN(72)) * time.Hour), UserID: p.UserID, From: store.PitchPitched, To: store.PitchAgreed}}
		case !recent && r < 60:
			p.Status = store.PitchDeclined
		case !recent:
			p.Status = store.PitchNoResponse
		case r < 30:
			p.Status = store.PitchInterested
		}
		batch = append(batch, p)
		if len(batch) == benchBatch {
			if err := db.ImportPitches(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	addBenchWork(b, db, now, rng)
	var targets []store.Target
	targets = append(targets, store.Target{Metric: store.MetricPitches, Period: store.Daily, Value: 3000, From: "2026-01-01", SetBy: "UADMIN"},
		store.Target{Metric: store.MetricVouchers, Period: store.Daily, Value: 300, From: "2026-01-01", SetBy: "UADMIN"},
		store.Target{Metric: store.MetricIssuesResolved, Period: store.Daily, Value: 250, From: "2026-01-01", SetBy: "UADMIN"},
		store.Target{Metric: store.MetricTasksDone, Period: store.Weekly, Value: 100, From: "2026-01-01", SetBy: "UADMIN"})
	for u := 0; u < benchPeople; u++ {
		targets = append(targets, store.Target{Metric: store.MetricPitches, UserID: fmt.Sprintf("U%03d", u), Period: store.Daily, Value: 30, From: "2026-01-01", SetBy: "UADMIN"},
			store.Target{Metric: store.MetricAgreed, UserID: fmt.Sprintf("U%03d", u), Period: store.Weekly, Value: 12, From: "2026-01-01", SetBy: "UADMIN"})
	}
	for _, t := range targets {
		if _, err := db.SetTarget(ctx, t); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("built digest fixture: %d pitches, %d issues, %d vouchers, %d tasks, %d people in %v",
		benchPitches, benchIssues, benchVouchers, benchTasks, benchPeople, time.Since(start).Round(time.Millisecond))
	bt, err := New(Config{Location: loc, DigestChannel: "CDIGEST", APIURL: "http://127.0.0.1:1/"}, db, quiet)
	if err != nil {
		b.Fatal(err)
	}
	bt.Now = func() time.Time { return now }
	return bt, now
}

// BenchmarkDigest measures fetching and rendering the digest for 100
// people over 1,000,000 pitches, 100,000 issues and 100,000 vouchers
// (target: under 200 ms). The baseline
// sub-benchmark is a bare scan of pitches_by_time over the same window
// (PitchStats), so the ratio says what the digest costs beyond reading
// the index once.
func BenchmarkDigest(b *testing.B) {
	bt, now := benchDigestBot(b)
	ctx := context.Background()
	b.Run("Build", func(b *testing.B) {
		for b.Loop() {
			in, err := bt.digestInput(ctx, now, now, false)
			if err != nil {
				b.Fatal(err)
			}
			d := buildDigest(in)
			if len(d.Blocks) == 0 {
				b.Fatal("empty digest")
			}
		}
	})
	b.Run("BaselineScan", func(b *testing.B) {
		cal := progress.NewCalendar(bt.cfg.Location, bt.cfg.Workdays, nil)
		from := cal.WorkingBefore(now, progress.StreakLookback)[0]
		for b.Loop() {
			if _, err := bt.db.PitchStats(ctx, from, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestDigest_HundredPeopleFitsBlockKit renders a digest for 100 people
// with long section lists and checks every message against Slack's limits.
func TestDigest_HundredPeopleFitsBlockKit(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Jakarta")
	day := time.Date(2026, 11, 30, 0, 0, 0, 0, loc)
	in := &digestInput{Input: progress.Input{Day: day, Cal: progress.NewCalendar(loc, progress.Workdays{}, nil),
		Metrics: []progress.Metric{{Name: "pitches", Label: "pitches", Tracked: true}, {Name: "agreed", Label: "agreed", Tracked: true}, {Name: "vouchers", Label: "vouchers issued"}},
		Counts:  map[string][]map[string]int{}}}
	for d := day.AddDate(0, 0, -40); !d.After(day); d = d.AddDate(0, 0, 1) {
		in.Days = append(in.Days, d)
	}
	for _, m := range []string{"pitches", "agreed"} {
		for i := range in.Days {
			per := map[string]int{}
			for u := 0; u < 100; u++ {
				per[fmt.Sprintf("U%03d", u)] = (u + i) % 40
			}
			in.Counts[m] = append(in.Counts[m], per)
		}
	}
	for u := 0; u < 100; u++ {
		in.Targets = append(in.Targets, store.Target{Metric: "pitches", UserID: fmt.Sprintf("U%03d", u), Period: store.Daily, Value: 20, From: "2026-01-01"})
	}
	var long []string
	for i := 0; i < 500; i++ {
		long = append(long, fmt.Sprintf("<@U%03d>: %d open pitches to follow up, oldest %d days", i%100, i, i))
	}
	in.Sections = []sectionOut{{Title: "Open issues by priority"}, {Title: "Follow-ups due", Tracked: true, Lines: long}}
	d := buildDigest(in)
	msgs := append([][]slack.Block{d.Blocks}, d.Thread...)
	if len(d.Thread) == 0 {
		t.Fatal("a 100-person digest with 500 follow-up lines should continue in the thread")
	}
	for i, m := range msgs {
		if len(m) > maxMessageBlocks {
			t.Errorf("message %d has %d blocks", i, len(m))
		}
		chars := 0
		for _, b := range m {
			chars += blockChars(b)
			if n := blockChars(b); n > maxTextLen {
				t.Errorf("message %d: a block has %d characters", i, n)
			}
		}
		if chars > digestMaxChars+maxTextLen {
			t.Errorf("message %d has %d characters", i, chars)
		}
	}
	if len(d.Text) == 0 || len(d.Text) > maxFallbackText || len(d.ThreadText) != len(d.Thread) {
		t.Errorf("fallback texts: %q, %d for %d replies", d.Text, len(d.ThreadText), len(d.Thread))
	}
}
