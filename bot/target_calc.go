package bot

import (
	"sort"
	"time"

	"pocbot/store"
)

// streakLookback is how many working days the digest looks back for streaks
// (a longer streak shows as "30+").
const streakLookback = 30

// targetBook resolves the target history: the entry in force on a day is
// the latest one (by From, then by ID) whose From is not after that day.
type targetBook map[targetKey][]store.Target

type targetKey struct{ metric, user, period string }

func newTargetBook(ts []store.Target) targetBook {
	tb := targetBook{}
	for _, t := range ts {
		k := targetKey{t.Metric, t.UserID, t.Period}
		tb[k] = append(tb[k], t)
	}
	for _, list := range tb {
		sort.SliceStable(list, func(i, j int) bool {
			if list[i].From != list[j].From {
				return list[i].From < list[j].From
			}
			return list[i].ID < list[j].ID
		})
	}
	return tb
}

// at returns the value in force on date (YYYY-MM-DD), 0 if none.
func (tb targetBook) at(metric, user, period, date string) int {
	v := 0
	for _, t := range tb[targetKey{metric, user, period}] {
		if t.From > date {
			break
		}
		v = t.Value
	}
	return v
}

// users returns everyone with a user target above 0 in force on one of dates.
func (tb targetBook) users(dates ...string) map[string]bool {
	out := map[string]bool{}
	for k := range tb {
		if k.user == "" {
			continue
		}
		for _, d := range dates {
			if tb.at(k.metric, k.user, k.period, d) > 0 {
				out[k.user] = true
			}
		}
	}
	return out
}

// score is work done against a target; Target 0 means no target.
type score struct{ Done, Target int }

func (s score) met() bool { return s.Target > 0 && s.Done >= s.Target }

// pct is Done/Target in whole percent (0 without a target).
func (s score) pct() int {
	if s.Target <= 0 {
		return 0
	}
	return s.Done * 100 / s.Target
}

// scorer computes scores from a digestInput. It is pure, like buildDigest.
type scorer struct {
	in     *digestInput
	book   targetBook
	people []string
	team   map[string][]int // metric → per day → team total
	index  map[string]int   // YYYY-MM-DD → index in in.Days
}

func newScorer(in *digestInput) *scorer {
	s := &scorer{in: in, book: newTargetBook(in.Targets), team: map[string][]int{}, index: map[string]int{}}
	for i, d := range in.Days {
		s.index[in.Cal.dateKey(d)] = i
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

// findPeople: everyone with a target in force on the previous working day
// or today, or with counted work since the start of the week or on the
// previous working day; sorted by user ID.
func (s *scorer) findPeople() []string {
	in := s.in
	prev := in.Cal.prevWorking(in.Day)
	set := s.book.users(in.Cal.dateKey(prev), in.Cal.dateKey(in.Day))
	from := weekStart(in.Day, in.Cal.loc)
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

// count is what user ("" = team) did on day d for metric.
func (s *scorer) count(metric, user string, d time.Time) int {
	i, ok := s.index[s.in.Cal.dateKey(d)]
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

// dailyTarget is the target for user ("" = team) on day d: the daily
// target in force, else the weekly one spread over the week's working
// days (rounded up); for the team without team targets, the sum of the
// people's. Days off have no target.
func (s *scorer) dailyTarget(metric, user string, d time.Time) int {
	cal := s.in.Cal
	if !cal.working(d) {
		return 0
	}
	date := cal.dateKey(d)
	if v := s.book.at(metric, user, store.Daily, date); v > 0 {
		return v
	}
	if w := s.book.at(metric, user, store.Weekly, date); w > 0 {
		n := len(cal.weekWorking(d))
		return (w + n - 1) / n
	}
	if user != "" {
		return 0
	}
	sum := 0
	for _, u := range s.people {
		sum += s.dailyTarget(metric, u, d)
	}
	return sum
}

// weekTarget is the whole-week target of the week holding d, and expected
// is the part of it due by the end of d (for pace).
func (s *scorer) weekTarget(metric, user string, d time.Time) (target, expected int) {
	cal := s.in.Cal
	days := cal.weekWorking(d)
	if len(days) == 0 {
		return 0, 0
	}
	end := dayStart(d, cal.loc)
	if w := s.book.at(metric, user, store.Weekly, cal.dateKey(d)); w > 0 {
		done := 0
		for _, x := range days {
			if !x.After(end) {
				done++
			}
		}
		return w, (w*done + len(days) - 1) / len(days)
	}
	for _, x := range days {
		t := s.dailyTarget(metric, user, x)
		target += t
		if !x.After(end) {
			expected += t
		}
	}
	return target, expected
}

// board is one person's (or the team's) progress.
type board struct {
	User         string // "" = team
	Prev         map[string]score
	Today        map[string]score
	Week         map[string]score // done this week to date; Target = the whole week
	Expected     map[string]int   // week target due by the end of today
	Streak       int
	StreakCapped bool
	Funnel       store.Funnel // pitches created on the previous working day
}

// board computes user's board for in.Day.
func (s *scorer) board(user string) board {
	in := s.in
	cal := in.Cal
	prev := cal.prevWorking(in.Day)
	bd := board{User: user, Prev: map[string]score{}, Today: map[string]score{}, Week: map[string]score{}, Expected: map[string]int{}}
	ws := weekStart(in.Day, cal.loc)
	for _, m := range in.Metrics {
		if !m.Tracked {
			continue
		}
		bd.Prev[m.Name] = score{s.count(m.Name, user, prev), s.dailyTarget(m.Name, user, prev)}
		bd.Today[m.Name] = score{s.count(m.Name, user, in.Day), s.dailyTarget(m.Name, user, in.Day)}
		week := 0
		for d := ws; !d.After(in.Day); d = d.AddDate(0, 0, 1) {
			week += s.count(m.Name, user, d)
		}
		t, exp := s.weekTarget(m.Name, user, in.Day)
		bd.Week[m.Name] = score{week, t}
		bd.Expected[m.Name] = exp
	}
	bd.Streak, bd.StreakCapped = s.streak(user)
	if in.Funnel != nil {
		if user == "" {
			bd.Funnel = in.Funnel.Team
		} else {
			bd.Funnel = in.Funnel.PerUser[user]
		}
	}
	return bd
}

// streak counts the working days, ending with the previous working day, on
// which user met every daily target in force (a day without any target
// ends the streak). capped means the whole lookback window was met.
func (s *scorer) streak(user string) (n int, capped bool) {
	in := s.in
	for i := len(in.Days) - 1; i >= 0; i-- {
		d := in.Days[i]
		if !d.Before(in.Day) || !in.Cal.working(d) {
			continue
		}
		any := false
		for _, m := range in.Metrics {
			if !m.Tracked {
				continue
			}
			sc := score{s.count(m.Name, user, d), s.dailyTarget(m.Name, user, d)}
			if sc.Target == 0 {
				continue
			}
			any = true
			if !sc.met() {
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

// attainment is the mean over metrics with a target of done/target, each
// capped at 100%; ok is false when no metric has a target.
func attainment(sc map[string]score, metrics []metricInfo) (pct int, ok bool) {
	sum, n := 0, 0
	for _, m := range metrics {
		v, has := sc[m.Name]
		if !has || v.Target <= 0 {
			continue
		}
		sum += min(v.pct(), 100)
		n++
	}
	if n == 0 {
		return 0, false
	}
	return sum / n, true
}
