package progress

import (
	"sort"
	"time"

	"pocbot/store"
)

// StreakLookback is how many working days a board looks back for its
// streak (a longer streak shows as capped, "30+").
const StreakLookback = 30

// Input is what a Scorer needs: the counts of work per day and the
// targets. The digest loads it for the whole team; App Home loads it with
// one user's counts only, which is enough for that user's board.
type Input struct {
	Day     time.Time // local midnight of the day scored ("today")
	Cal     Calendar
	Metrics []Metric
	Days    []time.Time                 // consecutive local days, oldest first; the last is Day (see Window)
	Counts  map[string][]map[string]int // metric → per Days index → user → count
	Targets []store.Target
}

// Window returns the consecutive local days a board of day needs, oldest
// first and ending with day itself: the StreakLookback working days before
// it, and the whole week to date.
func Window(cal Calendar, day time.Time) []time.Time {
	day = DayStart(day, cal.loc)
	first := day
	if back := cal.WorkingBefore(day, StreakLookback); len(back) > 0 {
		first = back[0]
	}
	if ws := WeekStart(day, cal.loc); ws.Before(first) {
		first = ws
	}
	var out []time.Time
	for d := first; !d.After(day); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// RecentWindow is the short start of Window: the week to date and the
// previous working day. A user's board over it is the board over Window
// unless its streak reaches the window's start (Board.StreakCapped), so
// App Home loads this first and the full Window only for a live streak.
func RecentWindow(cal Calendar, day time.Time) []time.Time {
	day = DayStart(day, cal.loc)
	first := WeekStart(day, cal.loc)
	if prev := cal.PrevWorking(day); !prev.IsZero() && prev.Before(first) {
		first = prev
	}
	var out []time.Time
	for d := first; !d.After(day); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// Scorer computes scores and boards from an Input.
type Scorer struct {
	in     *Input
	book   Book
	people []string
	team   map[string][]int // metric → per day → team total
	index  map[string]int   // YYYY-MM-DD → index in in.Days
	// targetedMemo caches targeted by metric and date.
	targetedMemo map[string][]string
}

// NewScorer indexes in; in must not change while the Scorer is used.
func NewScorer(in *Input) *Scorer {
	s := &Scorer{in: in, book: NewBook(in.Targets), team: map[string][]int{}, index: map[string]int{}}
	for i, d := range in.Days {
		s.index[in.Cal.DateKey(d)] = i
	}
	for m, days := range in.Counts {
		tot := make([]int, len(days))
		for i, per := range days {
			for _, n := range per {
				tot[i] += n
			}
		}
		s.team[m] = tot
	}
	s.people = s.findPeople()
	return s
}

// People is everyone with a target in force on the previous working day
// or today, or with counted work since the start of the week or on the
// previous working day; sorted by user ID.
func (s *Scorer) People() []string { return s.people }

func (s *Scorer) findPeople() []string {
	in := s.in
	prev := in.Cal.PrevWorking(in.Day)
	set := s.book.Users(in.Cal.DateKey(prev), in.Cal.DateKey(in.Day))
	from := WeekStart(in.Day, in.Cal.loc)
	if prev.Before(from) {
		from = prev
	}
	for _, days := range in.Counts {
		for i, d := range in.Days {
			if d.Before(from) {
				continue
			}
			for u, n := range days[i] {
				if n > 0 {
					set[u] = true
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for u := range set {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// Count is what user ("" = team) did on day d for metric.
func (s *Scorer) Count(metric, user string, d time.Time) int {
	i, ok := s.index[s.in.Cal.DateKey(d)]
	if !ok {
		return 0
	}
	if user == "" {
		if t := s.team[metric]; i < len(t) {
			return t[i]
		}
		return 0
	}
	if days := s.in.Counts[metric]; i < len(days) {
		return days[i][user]
	}
	return 0
}

// DailyTarget is the target for user ("" = team) on day d: the daily
// target in force, else the weekly one spread over the week's working
// days (rounded up); for the team without team targets, the sum of the
// people's. Days off have no target.
func (s *Scorer) DailyTarget(metric, user string, d time.Time) int {
	cal := s.in.Cal
	if !cal.Working(d) {
		return 0
	}
	date := cal.DateKey(d)
	if v := s.book.At(metric, user, store.Daily, date); v > 0 {
		return v
	}
	if w := s.book.At(metric, user, store.Weekly, date); w > 0 {
		n := len(cal.WeekWorking(d))
		return (w + n - 1) / n
	}
	if user != "" {
		return 0
	}
	sum := 0
	for _, u := range s.people {
		sum += s.DailyTarget(metric, u, d)
	}
	return sum
}

// WeekTarget is the whole-week target of the week holding d, and expected
// is the part of it due by the end of d (for pace). For the team without
// a team target it is the sum of the targeted people's.
func (s *Scorer) WeekTarget(metric, user string, d time.Time) (target, expected int) {
	cal := s.in.Cal
	days := cal.WeekWorking(d)
	if len(days) == 0 {
		return 0, 0
	}
	end := DayStart(d, cal.loc)
	date := cal.DateKey(d)
	if w := s.book.At(metric, user, store.Weekly, date); w > 0 {
		done := 0
		for _, x := range days {
			if !x.After(end) {
				done++
			}
		}
		return w, (w*done + len(days) - 1) / len(days)
	}
	if user == "" && !s.teamTarget(metric, d) {
		for _, u := range s.targeted(metric, d) {
			t, e := s.WeekTarget(metric, u, d)
			target += t
			expected += e
		}
		return target, expected
	}
	for _, x := range days {
		t := s.DailyTarget(metric, user, x)
		target += t
		if !x.After(end) {
			expected += t
		}
	}
	return target, expected
}

// teamTarget reports whether a team target (daily or weekly) for metric
// is in force on d.
func (s *Scorer) teamTarget(metric string, d time.Time) bool {
	date := s.in.Cal.DateKey(d)
	return s.book.At(metric, "", store.Daily, date) > 0 || s.book.At(metric, "", store.Weekly, date) > 0
}

// targeted lists the people with a target for metric (daily or weekly) in
// force on d (memoised: the team's board asks once per day and metric).
func (s *Scorer) targeted(metric string, d time.Time) []string {
	date := s.in.Cal.DateKey(d)
	k := metric + "/" + date
	if out, ok := s.targetedMemo[k]; ok {
		return out
	}
	var out []string
	for _, u := range s.people {
		if s.book.At(metric, u, store.Daily, date) > 0 || s.book.At(metric, u, store.Weekly, date) > 0 {
			out = append(out, u)
		}
	}
	if s.targetedMemo == nil {
		s.targetedMemo = map[string][]string{}
	}
	s.targetedMemo[k] = out
	return out
}

// weekly reports whether user's ("" = team) target for metric on d is a
// weekly one: shown as the week with pace, not as a daily share. The team
// without a team target is weekly when any targeted person's is.
func (s *Scorer) weekly(metric, user string, d time.Time) bool {
	date := s.in.Cal.DateKey(d)
	if user != "" || s.teamTarget(metric, d) {
		return s.book.At(metric, user, store.Daily, date) == 0 && s.book.At(metric, user, store.Weekly, date) > 0
	}
	for _, u := range s.targeted(metric, d) {
		if s.weekly(metric, u, d) {
			return true
		}
	}
	return false
}

// teamCount is the team's count that its figure on d compares with the
// target: everyone's work under a team target, else only the targeted
// people's (from d's set, counted on day); outside is everyone else's.
func (s *Scorer) teamCount(metric string, d, day time.Time) (done, outside int) {
	all := s.Count(metric, "", day)
	if s.teamTarget(metric, d) {
		return all, 0
	}
	ps := s.targeted(metric, d)
	if len(ps) == 0 {
		return all, 0 // no target at all: the team's work, no comparison
	}
	for _, u := range ps {
		done += s.Count(metric, u, day)
	}
	return done, all - done
}

// Board is one person's (or the team's) progress, metric by metric.
type Board struct {
	User         string // "" = team
	Prev         map[string]Score
	Today        map[string]Score
	Week         map[string]Score // done this week to date; Target = the whole week
	Expected     map[string]int   // week target due by the end of today
	PrevWeek     map[string]Score // the previous working day's week through that day; Target = that whole week (needs Window's days)
	PrevExpected map[string]int   // its target due by the end of the previous working day
	// Weekly marks metrics whose target is weekly: Prev and Today then
	// carry no target, and the week with pace is the figure.
	Weekly map[string]bool
	// Outside is the team's work by people without a target for the
	// metric, shown apart when the team has no team target (the team's
	// figures then count only the targeted people's work).
	Outside      map[string]Outside
	Streak       int
	StreakCapped bool
}

// Outside is work by people outside the team's figure.
type Outside struct{ Prev, Today, Week int }

// Any reports whether there is any such work.
func (o Outside) Any() bool { return o.Prev+o.Today+o.Week > 0 }

// Board computes user's ("" = team) board for the input's day.
func (s *Scorer) Board(user string) Board {
	in := s.in
	cal := in.Cal
	prev := cal.PrevWorking(in.Day)
	bd := Board{User: user, Prev: map[string]Score{}, Today: map[string]Score{}, Week: map[string]Score{}, Expected: map[string]int{},
		PrevWeek: map[string]Score{}, PrevExpected: map[string]int{}, Weekly: map[string]bool{}, Outside: map[string]Outside{}}
	ws := WeekStart(in.Day, cal.loc)
	count := func(metric string, d, day time.Time) (int, int) {
		if user == "" {
			return s.teamCount(metric, d, day)
		}
		return s.Count(metric, user, day), 0
	}
	daily := func(metric string, d time.Time) int {
		if s.weekly(metric, user, d) {
			return 0
		}
		return s.DailyTarget(metric, user, d)
	}
	for _, m := range in.Metrics {
		if !m.Tracked {
			continue
		}
		var out Outside
		var done int
		done, out.Prev = count(m.Name, prev, prev)
		bd.Prev[m.Name] = Score{done, daily(m.Name, prev)}
		done, out.Today = count(m.Name, in.Day, in.Day)
		bd.Today[m.Name] = Score{done, daily(m.Name, in.Day)}
		bd.Weekly[m.Name] = s.weekly(m.Name, user, in.Day)
		week := 0
		for d := ws; !d.After(in.Day); d = d.AddDate(0, 0, 1) {
			n, o := count(m.Name, in.Day, d)
			week += n
			out.Week += o
		}
		t, exp := s.WeekTarget(m.Name, user, in.Day)
		bd.Week[m.Name] = Score{week, t}
		bd.Expected[m.Name] = exp
		if !prev.IsZero() {
			pw := 0
			for d := WeekStart(prev, cal.loc); !d.After(prev); d = d.AddDate(0, 0, 1) {
				n, _ := count(m.Name, prev, d)
				pw += n
			}
			t, exp := s.WeekTarget(m.Name, user, prev)
			bd.PrevWeek[m.Name] = Score{pw, t}
			bd.PrevExpected[m.Name] = exp
		}
		if out.Any() {
			bd.Outside[m.Name] = out
		}
	}
	bd.Streak, bd.StreakCapped = s.Streak(user)
	return bd
}

// Streak counts the working days, ending with the previous working day, on
// which user met every daily target in force (a day without any target
// ends the streak). capped means the whole lookback window was met.
func (s *Scorer) Streak(user string) (n int, capped bool) {
	in := s.in
	for i := len(in.Days) - 1; i >= 0; i-- {
		d := in.Days[i]
		if !d.Before(in.Day) || !in.Cal.Working(d) {
			continue
		}
		any := false
		for _, m := range in.Metrics {
			if !m.Tracked {
				continue
			}
			done := s.Count(m.Name, user, d)
			if user == "" {
				done, _ = s.teamCount(m.Name, d, d) // the targeted people's work, as the team's figures
			}
			sc := Score{done, s.DailyTarget(m.Name, user, d)}
			if sc.Target == 0 {
				continue
			}
			any = true
			if !sc.Met() {
				return n, false
			}
		}
		if !any {
			return n, false
		}
		n++
	}
	return n, n > 0
}
