package progress

import (
	"math"
	"sort"
	"time"

	"pocbot/store"
)

// The realism check judges a proposed target on what its person (or the
// team) can sustainably do:
//
//   - History: over the RealismDays working days before today, the days
//     they actually worked that metric (active days, count > 0). Their
//     recent best sustained level is the upper quartile of those days; a
//     daily target more than Stretch above it (rounded up) is unrealistic.
//     A weekly one is compared with that level times their active days in
//     a typical busy week (ActiveShare), so part-timers and
//     leave are judged on the days they work. With fewer than
//     MinActiveDays active days there is no verdict from history; the
//     team's distribution is given for reference instead.
//   - Workload (a person only): the units a working day their open tasks
//     need to meet their due dates plus the target's, against their daily
//     capacity (POCBOT_DAILY_CAPACITY or their own). A pitch is one unit
//     and counts toward Pitching tasks too, so pitches need the larger of
//     the two, not the sum. Above capacity the target only fits if
//     nothing else is done: unrealistic, history or not.
const (
	RealismDays   = 20  // working days of history looked at
	MinActiveDays = 5   // active days needed for a verdict from history
	Stretch       = 0.1 // allowed above the upper quartile
)

// RealismWindow returns the working days the realism check of a target set
// at now looks at: the RealismDays working days before today.
func RealismWindow(cal Calendar, now time.Time) []time.Time {
	return cal.WorkingBefore(now, RealismDays)
}

// History is one person's (or the team's) counts of a metric on
// consecutive working days, oldest first, with the week each day is in.
type History struct {
	Counts []int
	Weeks  []int // any label per ISO week; days with the same label share a week
}

// NewHistory pairs counts with the weeks of days (the working days they
// were counted on, as RealismWindow returns them).
func NewHistory(cal Calendar, days []time.Time, counts []int) History {
	h := History{Counts: counts, Weeks: make([]int, len(counts))}
	for i := range counts {
		if i < len(days) {
			ws := WeekStart(days[i], cal.loc)
			h.Weeks[i] = ws.Year()*1000 + ws.YearDay()
		}
	}
	return h
}

// Active returns the counts of the active days (count > 0), sorted.
func (h History) Active() []int {
	var out []int
	for _, n := range h.Counts {
		if n > 0 {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

// ActiveShare is the share of working days they work in a typical busy
// week: the upper quartile, over the weeks with any active day, of each
// week's active days over its working days (0 when none). 1 for a
// full-timer, also one back from a week of leave; 0.6 for three days of
// five.
func (h History) ActiveShare() float64 {
	days, active := map[int]int{}, map[int]int{}
	for i, n := range h.Counts {
		w := 0
		if i < len(h.Weeks) {
			w = h.Weeks[i]
		}
		days[w]++
		if n > 0 {
			active[w]++
		}
	}
	var shares []float64
	for w, a := range active {
		shares = append(shares, float64(a)/float64(days[w]))
	}
	sort.Float64s(shares)
	return quantileF(shares, 0.75)
}

// Load is a person's open work now.
type Load struct {
	Capacity       int // task units a working day they can do
	OpenTasks      int
	TaskUnits      int // outstanding units of their open tasks
	TaskPerDay     int // units a working day those tasks need to meet their due dates
	PitchingPerDay int // the part of TaskPerDay that Pitching tasks need (pitches count toward them)
	Issues         int // open issues assigned
	FollowupsDue   int // open pitches due a follow-up
}

// Proposal is a target to judge.
type Proposal struct {
	Metric   string
	Value    int
	Period   string // store.Daily or store.Weekly
	WeekDays int    // working days in the week it starts
}

// PerDay is the proposal's units a working day: a weekly target spread
// over the week's working days, rounded up.
func (p Proposal) PerDay() int {
	if p.Period != store.Weekly {
		return p.Value
	}
	n := max(1, p.WeekDays)
	return (p.Value + n - 1) / n
}

// TeamRef is the team's distribution for a metric: the median and upper
// quartile of each person's median active day, over the People who have
// MinActiveDays active days.
type TeamRef struct {
	People     int
	Median, UQ float64
}

// NewTeamRef computes the reference from each person's history.
func NewTeamRef(people []History) TeamRef {
	var meds []float64
	for _, h := range people {
		a := h.Active()
		if len(a) >= MinActiveDays {
			meds = append(meds, Quantile(a, 0.5))
		}
	}
	sort.Float64s(meds)
	r := TeamRef{People: len(meds)}
	if len(meds) > 0 {
		r.Median, r.UQ = quantileF(meds, 0.5), quantileF(meds, 0.75)
	}
	return r
}

// Check is the verdict on a proposal, with every figure the message
// states.
type Check struct {
	Proposal
	Team bool // judged against the team's totals

	// History.
	Days, Active int     // working days looked at; days worked
	Median, UQ   float64 // of the active days
	Best         int
	PerWeek      float64 // active days a week (ActiveShare × WeekDays)
	Judged       bool    // Active >= MinActiveDays
	HistoryLimit int     // most the target may be by history, per its period (when Judged)
	OverHistory  bool
	Ref          TeamRef // for a person without enough history

	// Workload (nil for the team).
	Load         *Load
	Units        bool // the metric is counted in task units (pitches)
	Need         int  // units a working day the target and the tasks need together
	CapacityCap  int  // most the target may be by capacity, per its period (-1: none fits)
	OverCapacity bool

	// Suggest is the closest realistic value below the proposal (0: none).
	Suggest int
}

// Realistic reports whether the proposal passes every rule.
func (c Check) Realistic() bool { return !c.OverHistory && !c.OverCapacity }

// UnitsMetric reports whether one of metric is one task unit of work.
func UnitsMetric(metric string) bool { return metric == store.MetricPitches }

// Judge checks p against hist (the person's, or the team's totals when
// load is nil and team is true), the team reference (used when hist is too
// short) and load (nil: no workload check).
func Judge(p Proposal, team bool, hist History, ref TeamRef, load *Load) Check {
	c := Check{Proposal: p, Team: team, Days: len(hist.Counts), Ref: ref, Load: load, CapacityCap: -1}
	a := hist.Active()
	c.Active = len(a)
	if c.Active > 0 {
		c.Median, c.UQ, c.Best = Quantile(a, 0.5), Quantile(a, 0.75), a[len(a)-1]
	}
	c.PerWeek = hist.ActiveShare() * float64(max(1, p.WeekDays))
	c.Judged = c.Active >= MinActiveDays
	if c.Judged {
		level := c.UQ
		if p.Period == store.Weekly {
			level *= c.PerWeek
		}
		c.HistoryLimit = int(math.Ceil(level*(1+Stretch) - 1e-9))
		c.OverHistory = p.Value > c.HistoryLimit
	}
	if load != nil && load.Capacity > 0 {
		c.Units = UnitsMetric(p.Metric)
		c.Need = need(p.Metric, p.PerDay(), load)
		c.OverCapacity = c.Need > load.Capacity
		c.CapacityCap = capacityCap(p, load)
	}
	if !c.Realistic() {
		s := p.Value - 1
		if c.Judged {
			s = min(s, c.HistoryLimit)
		}
		if c.Load != nil && c.Load.Capacity > 0 {
			s = min(s, c.CapacityCap)
		}
		c.Suggest = max(0, s)
	}
	return c
}

// need is the units a working day perDay of metric and load's tasks take.
func need(metric string, perDay int, l *Load) int {
	other := l.TaskPerDay - l.PitchingPerDay
	switch {
	case metric == store.MetricPitches:
		return max(perDay, l.PitchingPerDay) + other
	case UnitsMetric(metric):
		return perDay + l.TaskPerDay
	}
	return l.TaskPerDay // the target takes no units, but nothing fits above capacity
}

// capacityCap is the largest value of p's period whose need fits load's
// capacity, -1 if none does.
func capacityCap(p Proposal, l *Load) int {
	free := 0
	switch {
	case p.Metric == store.MetricPitches:
		free = l.Capacity - (l.TaskPerDay - l.PitchingPerDay)
	case UnitsMetric(p.Metric):
		free = l.Capacity - l.TaskPerDay
	default:
		if l.TaskPerDay > l.Capacity {
			return -1
		}
		return store.MaxTargetValue
	}
	if free < 1 {
		return -1
	}
	if p.Period == store.Weekly {
		return free * max(1, p.WeekDays)
	}
	return free
}

// Quantile is the q-quantile of sorted xs, interpolated between ranks (0
// when empty).
func Quantile(sorted []int, q float64) float64 {
	f := make([]float64, len(sorted))
	for i, x := range sorted {
		f[i] = float64(x)
	}
	return quantileF(f, q)
}

func quantileF(s []float64, q float64) float64 {
	if len(s) == 0 {
		return 0
	}
	h := q * float64(len(s)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}

// TaskPace is the units a working day tasks need to meet their due dates:
// each task's outstanding units over the working days from today through
// its due day (at least one; an overdue task is due today).
type TaskPace struct {
	Outstanding int
	Days        int  // working days from today through the due day
	Pitching    bool // pitches count toward it
}

// PerDay sums the paces, each rounded up, and the Pitching part.
func PerDay(tasks []TaskPace) (all, pitching int) {
	for _, t := range tasks {
		if t.Outstanding <= 0 {
			continue
		}
		d := max(1, t.Days)
		n := (t.Outstanding + d - 1) / d
		all += n
		if t.Pitching {
			pitching += n
		}
	}
	return all, pitching
}
