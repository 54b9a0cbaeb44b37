package bot

import (
	"context"
	"testing"
	"time"
)

// BenchmarkHome measures building one person's App Home (everything
// homeView reads and renders) on the digest fixture: 1,000,000 pitches
// over a year, 100,000 issues, 100,000 vouchers and 5,000 tasks, for a
// person with a normal day's work (about ten pitches so far today, plus
// their issues, tasks and vouchers). Target: under 5 ms, and not growing
// with history. The Baseline sub-benchmark is the one read Home cannot do
// without — that person's pitches this week from the pitches_by_user index
// — measured in the same run.
func BenchmarkHome(b *testing.B) {
	bt, now := benchDigestBot(b)
	ctx := context.Background()
	const user = "U007"
	b.Run("Build", func(b *testing.B) {
		for b.Loop() {
			v, err := bt.homeView(ctx, user)
			if err != nil {
				b.Fatal(err)
			}
			if len(v.Blocks.BlockSet) < 5 {
				b.Fatalf("Home has %d blocks", len(v.Blocks.BlockSet))
			}
		}
	})
	b.Run("Baseline", func(b *testing.B) {
		from := weekStart(now, bt.cfg.Location)
		for b.Loop() {
			if _, err := bt.db.PitchesByUser(ctx, user, from, now.Add(time.Second)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
