package bot

import (
	"fmt"
	"testing"
	"time"

	"pocbot/bot/progress"
	"pocbot/store"
)

// BenchmarkBuildDigest100 renders (no fetching) the digest of 100 people
// with targets over the team window: the cost of the boards themselves,
// team figures included.
func BenchmarkBuildDigest100(b *testing.B) {
	loc, _ := time.LoadLocation("Asia/Jakarta")
	day := time.Date(2026, 11, 30, 0, 0, 0, 0, loc)
	cal := progress.NewCalendar(loc, Workdays{}, nil)
	in := &digestInput{Input: progress.Input{Day: day, Cal: cal, Days: progress.Window(cal, day), Counts: map[string][]map[string]int{},
		Metrics: []progress.Metric{{Name: "pitches", Label: "pitches", Tracked: true}, {Name: "agreed", Label: "agreed", Tracked: true}}}}
	for _, m := range []string{"pitches", "agreed"} {
		for i := range in.Days {
			per := map[string]int{}
			for u := 0; u < 110; u++ {
				per[fmt.Sprintf("U%03d", u)] = (u + i) % 40
			}
			in.Counts[m] = append(in.Counts[m], per)
		}
	}
	for u := 0; u < 100; u++ {
		in.Targets = append(in.Targets, store.Target{Metric: "pitches", UserID: fmt.Sprintf("U%03d", u), Period: store.Daily, Value: 20, From: "2026-01-01"},
			store.Target{Metric: "agreed", UserID: fmt.Sprintf("U%03d", u), Period: store.Weekly, Value: 5, From: "2026-01-01"})
	}
	for b.Loop() {
		if d := buildDigest(in); len(d.Blocks) == 0 {
			b.Fatal("empty")
		}
	}
}
