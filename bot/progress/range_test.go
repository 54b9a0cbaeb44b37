package progress

import (
	"testing"
	"time"

	"pocbot/store"
)

func TestRangeTargets(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Jakarta")
	cal := NewCalendar(loc, DefaultWorkdays, []string{"2026-11-26"}) // a Thursday holiday
	tb := NewBook([]store.Target{
		{Metric: store.MetricPitches, UserID: "U1", Period: store.Daily, Value: 6, From: "2026-11-02"},
		{Metric: store.MetricAgreed, UserID: "U1", Period: store.Weekly, Value: 8, From: "2026-11-02"},
		{Metric: store.MetricPitches, UserID: "U2", Period: store.Weekly, Value: 10, From: "2026-11-25"},
	})
	var week, half []time.Time
	for i := 0; i < 7; i++ {
		week = append(week, time.Date(2026, 11, 23+i, 0, 0, 0, 0, loc))
	}
	half = week[:2]
	for _, c := range []struct {
		metric, user string
		days         []time.Time
		want         int
	}{
		{store.MetricPitches, "U1", week, 24}, // 4 working days (Thu is a holiday) × 6
		{store.MetricAgreed, "U1", week, 8},   // a whole week: exactly the weekly target
		{store.MetricAgreed, "U1", half, 4},   // Mon, Tue: 2 of the week's 4 working days
		{store.MetricPitches, "U2", week, 5},  // from Wed: Wed and Fri, 10 over 4 days each
		{store.MetricPitches, "U3", week, 0},
	} {
		if got := RangeTarget(tb, cal, c.metric, c.user, c.days); got != c.want {
			t.Errorf("RangeTarget(%s, %s, %d days) = %d, want %d", c.metric, c.user, len(c.days), got, c.want)
		}
	}
	if got := RangeTeamTarget(tb, cal, store.MetricPitches, []string{"U1", "U2"}, week); got != 29 {
		t.Errorf("team = %d, want 29 (the members' sum)", got)
	}
}
