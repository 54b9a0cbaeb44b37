package bot

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pocbot/bot/progress"
	"pocbot/store"
)

// TestUserBoard_MatchesTeamLoad: App Home's one-user load gives the same
// board as the team-wide load, for a user on a long streak (which needs
// the full window), one whose streak broke last week, one with a weekly
// target and one with nothing at all.
func TestUserBoard_MatchesTeamLoad(t *testing.T) {
	ctx := context.Background()
	jkt, _ := time.LoadLocation("Asia/Jakarta")
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, jkt) // Monday
	db := mustDB(t, "")
	var ps []store.Pitch
	add := func(user string, day time.Time, n int, status store.PitchStatus) {
		for i := 0; i < n; i++ {
			ps = append(ps, store.Pitch{Handle: fmt.Sprintf("c%s%d%d", user, day.YearDay(), i), UserID: user,
				CreatedAt: day.Add(9*time.Hour + time.Duration(i)*time.Minute), Status: status})
		}
	}
	cal := progress.NewCalendar(jkt, progress.Workdays{}, nil)
	for back := 1; back <= 60; back++ {
		d := progress.DayStart(now, jkt).AddDate(0, 0, -back)
		if !cal.Working(d) {
			continue
		}
		add("U1", d, 10, store.PitchPitched) // meets 10 a day every day: a capped streak
		n := 10
		if back == 10 {
			n = 3 // missed Friday 20 Nov
		}
		add("U2", d, n, store.PitchPitched)
		add("U3", d, 2, store.PitchAgreed)
	}
	add("U1", progress.DayStart(now, jkt), 4, store.PitchPitched)
	if err := db.ImportPitches(ctx, ps); err != nil {
		t.Fatal(err)
	}
	for _, tg := range []store.Target{
		{Metric: store.MetricPitches, UserID: "U1", Period: store.Daily, Value: 10, From: "2026-01-01"},
		{Metric: store.MetricPitches, UserID: "U2", Period: store.Daily, Value: 10, From: "2026-01-01"},
		{Metric: store.MetricAgreed, UserID: "U3", Period: store.Weekly, Value: 8, From: "2026-01-01"},
	} {
		tg.SetBy = "UADMIN"
		if _, err := db.SetTarget(ctx, tg); err != nil {
			t.Fatal(err)
		}
	}
	b, err := New(Config{Location: jkt, APIURL: "http://127.0.0.1:1/"}, db, quiet)
	if err != nil {
		t.Fatal(err)
	}
	b.Now = func() time.Time { return now }
	team, err := b.teamProgress(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	s := progress.NewScorer(team)
	for _, u := range []string{"U1", "U2", "U3", "U4"} {
		_, got, err := b.userBoard(ctx, u, now)
		if err != nil {
			t.Fatal(err)
		}
		if want := s.Board(u); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: userBoard = %+v\nteam load gives %+v", u, got, want)
		}
	}
	if _, bd, _ := b.userBoard(ctx, "U1", now); bd.Streak != progress.StreakLookback || !bd.StreakCapped {
		t.Errorf("U1 streak = %d capped %v, want the full lookback", bd.Streak, bd.StreakCapped)
	}
	if _, bd, _ := b.userBoard(ctx, "U2", now); bd.Streak != 5 {
		t.Errorf("U2 streak = %d, want 5 (Mon 23 to Fri 27 Nov)", bd.Streak)
	}
}
