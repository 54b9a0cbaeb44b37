package progress

import (
	"fmt"
	"testing"
	"time"

	"pocbot/store"
)

var jkt = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		panic(err)
	}
	return loc
}()

// monday is Monday 30 Nov 2026, 10:00 in Jakarta.
var monday = time.Date(2026, 11, 30, 10, 0, 0, 0, jkt)

var pitches = Metric{Name: store.MetricPitches, Label: "pitches", Tracked: true}

// input builds an Input for day with per-user pitch counts per day
// (counts[u][i] is u's count on Window(cal, day)[len-1-i]: 0 = today).
func input(day time.Time, targets []store.Target, counts map[string][]int) *Input {
	cal := NewCalendar(jkt, Workdays{}, nil)
	in := &Input{Day: DayStart(day, jkt), Cal: cal, Metrics: []Metric{pitches, {Name: store.MetricVouchers, Label: "vouchers issued"}},
		Days: Window(cal, day), Targets: targets, Counts: map[string][]map[string]int{}}
	per := make([]map[string]int, len(in.Days))
	for i := range per {
		per[i] = map[string]int{}
	}
	for u, cs := range counts {
		for back, n := range cs {
			per[len(per)-1-back][u] = n
		}
	}
	in.Counts[pitches.Name] = per
	return in
}

func target(user, period string, v int, from string) store.Target {
	return store.Target{Metric: store.MetricPitches, UserID: user, Period: period, Value: v, From: from}
}

func TestBook_At(t *testing.T) {
	b := NewBook([]store.Target{
		{ID: 2, Metric: "pitches", UserID: "U1", Period: store.Daily, Value: 12, From: "2026-11-20"},
		{ID: 1, Metric: "pitches", UserID: "U1", Period: store.Daily, Value: 10, From: "2026-11-20"},
		{ID: 3, Metric: "pitches", UserID: "U1", Period: store.Daily, Value: 0, From: "2026-11-27"},
	})
	for _, tc := range []struct {
		date string
		want int
	}{{"2026-11-19", 0}, {"2026-11-20", 12}, {"2026-11-26", 12}, {"2026-11-27", 0}} {
		if got := b.At("pitches", "U1", store.Daily, tc.date); got != tc.want {
			t.Errorf("At(%s) = %d, want %d (latest From, then highest ID)", tc.date, got, tc.want)
		}
	}
	if u := b.Users("2026-11-26"); !u["U1"] || len(u) != 1 {
		t.Errorf("Users = %v", u)
	}
	if u := b.Users("2026-11-27"); len(u) != 0 {
		t.Errorf("Users after a 0 target = %v", u)
	}
}

func TestScorer_Board(t *testing.T) {
	in := input(monday, []store.Target{target("U1", store.Daily, 10, "2026-01-01"), target("U2", store.Weekly, 12, "2026-01-01")},
		// today (Mon), Sun, Sat, Fri 27, Thu 26, Wed 25, Tue 24, Mon 23
		map[string][]int{"U1": {4, 0, 0, 10, 11, 10, 9, 10}, "U2": {3}})
	s := NewScorer(in)
	if got := fmt.Sprint(s.People()); got != "[U1 U2]" {
		t.Errorf("People = %s", got)
	}
	u1 := s.Board("U1")
	if got, want := u1.Today[pitches.Name], (Score{4, 10}); got != want {
		t.Errorf("U1 today = %v, want %v", got, want)
	}
	if got, want := u1.Prev[pitches.Name], (Score{10, 10}); got != want {
		t.Errorf("U1 previous working day (Friday) = %v, want %v", got, want)
	}
	if u1.Streak != 3 || u1.StreakCapped {
		t.Errorf("U1 streak = %d capped %v, want 3 (Fri, Thu, Wed; Tue missed)", u1.Streak, u1.StreakCapped)
	}
	if _, ok := u1.Today[store.MetricVouchers]; ok {
		t.Error("an untracked metric has a score")
	}
	u2 := s.Board("U2")
	if got, want := u2.Week[pitches.Name], (Score{3, 12}); got != want {
		t.Errorf("U2 week = %v, want %v", got, want)
	}
	if got := u2.Expected[pitches.Name]; got != 3 {
		t.Errorf("U2 expected by Monday = %d, want 3 (12 over 5 days, rounded up)", got)
	}
	if got := u2.Today[pitches.Name].Target; got != 0 || !u2.Weekly[pitches.Name] {
		t.Errorf("U2 today's target = %d, weekly %v; want a weekly target shown as the week, no daily share", got, u2.Weekly[pitches.Name])
	}
	// The team has a weekly member: its figure is the week, 10×5 + 12.
	team := s.Board("")
	if got, want := team.Week[pitches.Name], (Score{7, 62}); got != want || !team.Weekly[pitches.Name] {
		t.Errorf("team week = %v (weekly %v), want %v", got, team.Weekly[pitches.Name], want)
	}
	if got := team.Expected[pitches.Name]; got != 13 {
		t.Errorf("team expected by Monday = %d, want 13 (10 + 3)", got)
	}
}

func TestScorer_TeamFigures(t *testing.T) {
	// Targets for two people only (10 and 2); U3 works without one.
	tgs := []store.Target{target("U1", store.Daily, 10, "2026-01-01"), target("U2", store.Daily, 2, "2026-01-01")}
	in := input(monday, tgs, map[string][]int{"U1": {4, 0, 0, 9}, "U2": {1, 0, 0, 2}, "U3": {100, 0, 0, 50}})
	team := NewScorer(in).Board("")
	if got, want := team.Today[pitches.Name], (Score{5, 12}); got != want {
		t.Errorf("team today = %v, want %v: the targeted people's work against their targets", got, want)
	}
	if got := team.Outside[pitches.Name]; got.Today != 100 || got.Prev != 50 || got.Week != 100 {
		t.Errorf("outside = %+v, want U3's 100 today, 50 on Friday, 100 this week", got)
	}
	if got, want := HeadlineScores(team, in.Metrics)[pitches.Name], (Score{11, 12}); got != want {
		t.Errorf("headline = %v, want %v (Friday)", got, want)
	}
	if team.Streak != 0 {
		t.Errorf("team streak = %d, want 0: U1 and U2 missed 12 on Friday, whatever U3 did", team.Streak)
	}
	// A team target counts everyone's work.
	in = input(monday, append(tgs, target("", store.Daily, 150, "2026-01-01")), map[string][]int{"U1": {4}, "U2": {1}, "U3": {100}})
	team = NewScorer(in).Board("")
	if got, want := team.Today[pitches.Name], (Score{105, 150}); got != want || len(team.Outside) != 0 {
		t.Errorf("team today = %v outside %v, want %v and nothing outside", got, team.Outside, want)
	}
	// A weekly team target: the headline is the week through Friday
	// against the part due by then (all of it: Friday ends the week).
	in = input(monday, []store.Target{target("", store.Weekly, 8, "2026-01-01")}, map[string][]int{"U1": {0, 0, 0, 2, 1, 1, 1, 1}})
	team = NewScorer(in).Board("")
	if got, want := HeadlineScores(team, in.Metrics)[pitches.Name], (Score{6, 8}); got != want || !team.Weekly[pitches.Name] {
		t.Errorf("weekly headline = %v (weekly %v), want %v", got, team.Weekly[pitches.Name], want)
	}
	if pct, ok := Attainment(HeadlineScores(team, in.Metrics), in.Metrics); !ok || pct != 75 {
		t.Errorf("Attainment = %d %v, want 75", pct, ok)
	}
}

func TestScorer_StreakCapped(t *testing.T) {
	var cs []int
	for range Window(NewCalendar(jkt, Workdays{}, nil), monday) {
		cs = append(cs, 10)
	}
	in := input(monday, []store.Target{target("U1", store.Daily, 10, "2026-01-01")}, map[string][]int{"U1": cs})
	if n, capped := NewScorer(in).Streak("U1"); n != StreakLookback || !capped {
		t.Errorf("Streak = %d %v, want %d capped", n, capped, StreakLookback)
	}
	// One user's counts are enough for that user's board: App Home's input.
	one := input(monday, in.Targets, map[string][]int{"U1": cs})
	if a, b := NewScorer(one).Board("U1"), NewScorer(in).Board("U1"); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("one user's board %v differs from the team's view of it %v", a, b)
	}
}

func TestNudges(t *testing.T) {
	in := input(monday, []store.Target{target("U1", store.Daily, 10, "2026-01-01"), target("U2", store.Daily, 10, "2026-01-01"),
		target("U3", store.Daily, 10, "2026-01-01")}, map[string][]int{"U1": {4}, "U2": {6}, "U3": {0}})
	got := Nudges(in, map[string]bool{"U3": true})
	if len(got) != 1 || got[0].User != "U1" || len(got[0].Items) != 1 || got[0].Items[0].Left() != 6 {
		t.Fatalf("Nudges = %+v, want U1 only (U2 is past half, U3 opted out)", got)
	}
	sunday := input(monday.AddDate(0, 0, -1), in.Targets, map[string][]int{"U1": {0}})
	if got := Nudges(sunday, nil); got != nil {
		t.Errorf("Nudges on a day off = %+v", got)
	}
}

func TestParsePeriod(t *testing.T) {
	for _, tc := range []struct{ word, name, from, to string }{
		{"", "this week", "2026-11-30 00:00", "2026-11-30 10:00"},
		{"today", "today", "2026-11-30 00:00", "2026-11-30 10:00"},
		{"yesterday", "yesterday", "2026-11-29 00:00", "2026-11-30 00:00"},
		{"lastweek", "last week", "2026-11-23 00:00", "2026-11-30 00:00"},
		{"month", "this month", "2026-11-01 00:00", "2026-11-30 10:00"},
	} {
		p, ok := ParsePeriod(tc.word, "week", monday, jkt)
		f := "2006-01-02 15:04"
		if !ok || p.Name != tc.name || p.From.Format(f) != tc.from || p.To.Format(f) != tc.to {
			t.Errorf("ParsePeriod(%q) = %v %v", tc.word, p, ok)
		}
	}
	if _, ok := ParsePeriod("fortnight", "week", monday, jkt); ok {
		t.Error("fortnight parsed")
	}
}
