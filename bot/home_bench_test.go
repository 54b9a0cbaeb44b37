package bot

import (
	"context"
	"testing"
	"time"

	"pocbot/bot/progress"
)

// BenchmarkHome measures building one user's App Home on the digest's
// fixture (1,000,000 pitches, 100 people, ~27 pitches a day each; issue
// #11's target: under 5 ms). Home loads only that user's window
// (userBoard). The same-run baselines: DigestInput is what Home's progress
// section loaded before it had its own loader (the whole digest's data),
// TeamProgress the team-wide counts alone, and UserWeekPitches the one
// read Home cannot do without: that user's pitches this week from the
// pitches_by_user index.
func BenchmarkHome(b *testing.B) {
	bt, now := benchDigestBot(b)
	ctx := context.Background()
	const user = "U042"
	b.Run("Build", func(b *testing.B) {
		for b.Loop() {
			v, err := bt.homeView(ctx, user)
			if err != nil {
				b.Fatal(err)
			}
			if len(v.Blocks.BlockSet) == 0 {
				b.Fatal("empty Home")
			}
		}
	})
	b.Run("UserBoard", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := bt.userBoard(ctx, user, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("BaselineUserWeekPitches", func(b *testing.B) {
		from := progress.WeekStart(now, bt.cfg.Location)
		for b.Loop() {
			if _, err := bt.db.PitchesByUser(ctx, user, from, now.Add(time.Second)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Followups", func(b *testing.B) {
		for b.Loop() { // what Home's follow-ups section reads: the 20 it shows and a count
			if _, _, err := bt.db.OldestOpenPitchesByUserBefore(ctx, user, bt.followupCutoff(), homeFollowupRows); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("BaselineAllFollowups", func(b *testing.B) {
		for b.Loop() { // what it read before: every one of the user's follow-ups
			if _, err := bt.db.OpenPitchesByUserBefore(ctx, user, bt.followupCutoff()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("BaselineDigestInput", func(b *testing.B) {
		for b.Loop() { // what Home's progress section loaded before it had its own loader
			if _, err := bt.digestInput(ctx, now, now, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("BaselineTeamProgress", func(b *testing.B) {
		for b.Loop() {
			if _, err := bt.teamProgress(ctx, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}
