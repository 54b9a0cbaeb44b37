package bot

import (
	"context"
	"testing"

	"pocbot/store"
)

// BenchmarkLeadHome measures an admin's App Home (their sections plus the
// team view) on the digest's fixture, next to the same user's Home
// without the team view, in the same run.
func BenchmarkLeadHome(b *testing.B) {
	bt, _ := benchDigestBot(b)
	ctx := context.Background()
	const user = "U042"
	run := func(admin bool) func(b *testing.B) {
		return func(b *testing.B) {
			bt.cfg.Admins = nil
			if admin {
				bt.cfg.Admins = []string{user}
			}
			for b.Loop() {
				if _, err := bt.homeView(ctx, user); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.Run("Admin", run(true))
	b.Run("BaselineMember", run(false))
}

// BenchmarkRealismCheck measures judging a person's and the team's
// target (history of the window, team reference, workload) on the same
// fixture.
func BenchmarkRealismCheck(b *testing.B) {
	bt, _ := benchDigestBot(b)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		a    targetArgs
	}{
		{"Person", targetArgs{Metric: store.MetricPitches, Value: 30, UserID: "U042", Period: store.Daily}},
		{"Team", targetArgs{Metric: store.MetricPitches, Value: 3000, Period: store.Daily}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := bt.checkTarget(ctx, tc.a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
