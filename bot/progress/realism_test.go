package progress

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"pocbot/store"
)

func TestJudge(t *testing.T) {
	cal := NewCalendar(jkt, Workdays{}, nil)
	days := RealismWindow(cal, monday)
	hist := func(counts ...int) History {
		c := make([]int, len(days))
		copy(c[len(c)-len(counts):], counts)
		return NewHistory(cal, days, c)
	}
	// 8 active days: 4 5 5 6 6 7 8 9 → median 6, UQ 7.25, limit ceil(7.975) = 8.
	steady := hist(4, 5, 5, 6, 6, 7, 8, 9)
	for _, tc := range []struct {
		name    string
		p       Proposal
		h       History
		load    *Load
		over    bool
		overCap bool
		judged  bool
		suggest int
	}{
		{"AtLimit", Proposal{store.MetricPitches, 8, store.Daily, 5}, steady, nil, false, false, true, 0},
		{"AboveLimit", Proposal{store.MetricPitches, 9, store.Daily, 5}, steady, nil, true, false, true, 8},
		{"ZeroDaysIgnored", Proposal{store.MetricPitches, 8, store.Daily, 5}, hist(4, 0, 5, 0, 5, 0, 6, 6, 7, 0, 8, 9), nil, false, false, true, 0},
		{"TooFewDays", Proposal{store.MetricPitches, 30, store.Daily, 5}, hist(3, 0, 0, 3), nil, false, false, false, 0},
		{"TooFewDaysOverCapacity", Proposal{store.MetricPitches, 30, store.Daily, 5}, hist(3), &Load{Capacity: 60, TaskPerDay: 40}, false, true, false, 20},
		{"PitchingTasksOverlap", Proposal{store.MetricPitches, 8, store.Daily, 5}, steady, &Load{Capacity: 60, TaskPerDay: 55, PitchingPerDay: 50}, false, false, true, 0},
		{"OtherTasksAdd", Proposal{store.MetricPitches, 8, store.Daily, 5}, steady, &Load{Capacity: 60, TaskPerDay: 55}, false, true, true, 5},
		{"NoUnitMetricOverloaded", Proposal{store.MetricAgreed, 1, store.Daily, 5}, hist(), &Load{Capacity: 60, TaskPerDay: 70}, false, true, false, 0},
		{"Weekly", Proposal{store.MetricPitches, 36, store.Weekly, 5}, steady, nil, false, false, true, 0},
		{"WeeklyAbove", Proposal{store.MetricPitches, 37, store.Weekly, 5}, steady, nil, true, false, true, 36},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Judge(tc.p, false, tc.h, TeamRef{}, tc.load)
			if c.OverHistory != tc.over || c.OverCapacity != tc.overCap || c.Judged != tc.judged || c.Suggest != tc.suggest {
				t.Errorf("Judge = over %v cap %v judged %v suggest %d (limit %d, need %d), want %v %v %v %d",
					c.OverHistory, c.OverCapacity, c.Judged, c.Suggest, c.HistoryLimit, c.Need, tc.over, tc.overCap, tc.judged, tc.suggest)
			}
		})
	}
	c := Judge(Proposal{store.MetricPitches, 9, store.Daily, 5}, false, steady, TeamRef{}, nil)
	if c.Median != 6 || c.UQ != 7.25 || c.Best != 9 || c.Active != 8 || c.Days != RealismDays {
		t.Errorf("figures = %+v", c)
	}
	if ref := NewTeamRef([]History{steady, hist(10, 10, 10, 10, 10), hist(1, 2)}); ref.People != 2 || ref.Median != 8 || ref.UQ != 9 {
		t.Errorf("TeamRef = %+v, want 2 people, median 8, UQ 9", ref)
	}
	if all, p := PerDay([]TaskPace{{Outstanding: 10, Days: 3, Pitching: true}, {Outstanding: 5, Days: 0}, {Outstanding: 0, Days: 1}}); all != 9 || p != 4 {
		t.Errorf("PerDay = %d %d, want 9 (4+5) and 4", all, p)
	}
}

// The calibration table: synthetic histories of the kinds of people a
// lead sets targets for, each generated many times with different noise,
// and targets a domain expert would call fine or unrealistic. "Fine" is
// at or below what the person (or team) truly does on a day they work —
// or, for a weekly target, times the days they work a week — and fits
// their capacity next to their tasks. "Unrealistic" is at least 60% above
// that, or needs 15% more units a day than their capacity. Targets in
// between are stretch targets the expert would not call either way; they
// are not in the table. The check sees only the noisy history, never the
// true level.

type calCase struct {
	profile string
	fine    bool
	check   Check
	hist    History // what the check saw
}

const calVariations = 150 // per profile

// person is a latent worker: level mu on a day worked, noise sd (share of
// mu), and the chance they work a given working day.
type person struct {
	mu, sd float64
	works  func(i int, d time.Time) bool
}

func (p person) day(r *rand.Rand, i int, d time.Time) int {
	if !p.works(i, d) {
		return 0
	}
	return max(1, int(math.Round(p.mu*(1+p.sd*r.NormFloat64()))))
}

func calibrationTable() []calCase {
	r := rand.New(rand.NewPCG(14, 2026))
	var out []calCase
	// Targets fine at [0.5, 1.0] of the truth, unrealistic at [1.6, 3].
	fineV := func(truth float64) int { return max(1, int(math.Floor(truth*(0.5+0.5*r.Float64())))) }
	badV := func(truth float64) int { return int(math.Ceil(truth * (1.6 + 1.4*r.Float64()))) }
	judge := func(profile string, cal Calendar, ps []person, team bool, truthDay, truthWeek float64, load *Load) {
		days := RealismWindow(cal, monday)
		weekDays := len(cal.WeekWorking(monday))
		counts := make([]int, len(days))
		var people []History
		for _, p := range ps {
			pc := make([]int, len(days))
			for i, d := range days {
				pc[i] = p.day(r, i, d)
				counts[i] += pc[i]
			}
			people = append(people, NewHistory(cal, days, pc))
		}
		h := NewHistory(cal, days, counts)
		ref := NewTeamRef(people)
		for _, period := range []string{store.Daily, store.Weekly} {
			truth := truthDay
			if period == store.Weekly {
				truth = truthWeek
			}
			for _, fine := range []bool{true, false} {
				v := badV(truth)
				if fine {
					v = fineV(truth)
				}
				p := Proposal{Metric: store.MetricPitches, Value: v, Period: period, WeekDays: weekDays}
				out = append(out, calCase{profile, fine, Judge(p, team, h, ref, load), h})
			}
		}
	}
	workdays := NewCalendar(jkt, Workdays{}, nil)
	for range calVariations {
		mu, sd := 3+37*r.Float64(), 0.1+0.15*r.Float64()
		// Steady performer: works 19 days in 20.
		steady := person{mu, sd, func(int, time.Time) bool { return r.Float64() < 0.95 }}
		judge("steady performer", workdays, []person{steady}, false, mu, mu*5, nil)

		// Part-time, three days a week (Mon, Wed, Fri).
		pt := person{mu, sd, func(_ int, d time.Time) bool {
			wd := d.Weekday()
			return wd == time.Monday || wd == time.Wednesday || wd == time.Friday
		}}
		judge("part-time 3 days/week", workdays, []person{pt}, false, mu, mu*3, nil)

		// Newcomer: started 0–4 working days ago; judged on capacity only.
		start := RealismDays - r.IntN(5)
		nc := person{mu, sd, func(i int, _ time.Time) bool { return i >= start }}
		load := &Load{Capacity: 60}
		free := float64(load.Capacity)
		judgeNewcomer := func() {
			days := RealismWindow(workdays, monday)
			c := make([]int, len(days))
			for i, d := range days {
				c[i] = nc.day(r, i, d)
			}
			team := []History{}
			for range 4 {
				o := person{3 + 37*r.Float64(), sd, func(int, time.Time) bool { return true }}
				oc := make([]int, len(days))
				for i, d := range days {
					oc[i] = o.day(r, i, d)
				}
				team = append(team, NewHistory(workdays, days, oc))
			}
			h, ref := NewHistory(workdays, days, c), NewTeamRef(team)
			// Any target within capacity is fine for a newcomer (nothing
			// to judge it by yet); one needing 15% more than capacity is not.
			for _, fine := range []bool{true, false} {
				v := int(math.Floor(free * (0.1 + 0.8*r.Float64())))
				if !fine {
					v = int(math.Ceil(free * (1.15 + r.Float64())))
				}
				out = append(out, calCase{"newcomer", fine, Judge(Proposal{store.MetricPitches, v, store.Daily, 5}, false, h, ref, load), h})
			}
		}
		judgeNewcomer()

		// Holiday weeks: a team holiday week two weeks ago (Lebaran, off
		// the calendar) and a week of personal leave (no work).
		var hs []string
		for d := monday.AddDate(0, 0, -14); d.Before(monday.AddDate(0, 0, -9)); d = d.AddDate(0, 0, 1) {
			hs = append(hs, d.Format("2006-01-02"))
		}
		hol := NewCalendar(jkt, Workdays{}, append(hs, "2026-11-30")) // and today's week has a holiday: 4 days
		leaveFrom := r.IntN(RealismDays - 5)
		lv := person{mu, sd, func(i int, _ time.Time) bool { return i < leaveFrom || i >= leaveFrom+5 }}
		judge("holiday weeks", hol, []person{lv}, false, mu, mu*4, nil)

		// Heavy task load: other tasks need 60–95% of capacity; the target
		// is within their history, so only the workload can make it wrong.
		taskDay := int(60 * (0.6 + 0.35*r.Float64()))
		heavy := &Load{Capacity: 60, OpenTasks: 3, TaskUnits: taskDay * 4, TaskPerDay: taskDay}
		freeH := float64(60 - taskDay)
		days := RealismWindow(workdays, monday)
		hc := make([]int, len(days))
		hmu := 5 + 25*r.Float64()
		hp := person{hmu, sd, func(int, time.Time) bool { return true }}
		for i, d := range days {
			hc[i] = hp.day(r, i, d)
		}
		hh := NewHistory(workdays, days, hc)
		for _, fine := range []bool{true, false} {
			var v int
			if fine {
				v = max(1, int(math.Floor(math.Min(hmu, freeH*0.9)*(0.5+0.5*r.Float64()))))
			} else {
				v = int(math.Ceil(float64(60)*1.15)) - taskDay + r.IntN(10)
				if v <= 0 {
					v = 1
				}
			}
			out = append(out, calCase{"heavy task load", fine, Judge(Proposal{store.MetricPitches, v, store.Daily, 5}, false, hh, TeamRef{}, heavy), hh})
		}

		// A team with mixed people and targets: 3–8 people, part-timers
		// and full-timers with their own levels; a team target.
		var ps []person
		truth := 0.0
		for range 3 + r.IntN(6) {
			pmu, psd := 2+30*r.Float64(), 0.1+0.15*r.Float64()
			share := 1.0
			works := func(int, time.Time) bool { return true }
			if r.IntN(3) == 0 {
				share = 0.6
				works = func(_ int, d time.Time) bool { return d.Weekday() != time.Tuesday && d.Weekday() != time.Thursday }
			}
			ps = append(ps, person{pmu, psd, works})
			truth += pmu * share
		}
		judge("team with mixed targets", workdays, ps, true, truth, truth*5, nil)
	}
	return out
}

func TestRealismCalibration(t *testing.T) {
	type tally struct{ fine, alarms, bad, caught int }
	by := map[string]*tally{}
	var order []string
	total := &tally{}
	for _, c := range calibrationTable() {
		tl := by[c.profile]
		if tl == nil {
			tl = &tally{}
			by[c.profile] = tl
			order = append(order, c.profile)
		}
		for _, x := range []*tally{tl, total} {
			if c.fine {
				x.fine++
				if !c.check.Realistic() {
					x.alarms++
				}
			} else {
				x.bad++
				if !c.check.Realistic() {
					x.caught++
				}
			}
		}
	}
	rate := func(n, d int) float64 { return 100 * float64(n) / float64(max(1, d)) }
	for _, p := range order {
		tl := by[p]
		t.Logf("%-24s fine %4d, false alarms %5.1f%% · unrealistic %4d, caught %5.1f%%", p, tl.fine, rate(tl.alarms, tl.fine), tl.bad, rate(tl.caught, tl.bad))
		if rate(tl.alarms, tl.fine) > 5 || rate(tl.caught, tl.bad) < 95 {
			t.Errorf("%s: false alarms %.1f%% (max 5%%), caught %.1f%% (min 95%%)", p, rate(tl.alarms, tl.fine), rate(tl.caught, tl.bad))
		}
	}
	t.Logf("%-24s fine %4d, false alarms %5.1f%% · unrealistic %4d, caught %5.1f%%", "all", total.fine, rate(total.alarms, total.fine), total.bad, rate(total.caught, total.bad))
	if total.fine < 500 || total.bad < 500 {
		t.Errorf("table too small: %d fine, %d unrealistic", total.fine, total.bad)
	}
	// The rule this check replaced (the last 14 working days, zeros
	// included: above the best day or 1.5× the median is unrealistic) on
	// the same table: the table tells them apart.
	oldAlarms := 0
	for _, c := range calibrationTable() {
		if c.fine && oldRuleUnrealistic(c) {
			oldAlarms++
		}
	}
	t.Logf("the replaced rule on the same table: false alarms %.1f%%", rate(oldAlarms, total.fine))
	if rate(oldAlarms, total.fine) <= 5 {
		t.Errorf("the replaced rule passes the table too (%.1f%% false alarms): the table does not discriminate", rate(oldAlarms, total.fine))
	}
}

func oldRuleUnrealistic(c calCase) bool {
	h := c.hist.Counts
	if len(h) > 14 {
		h = h[len(h)-14:]
	}
	s := append([]int(nil), h...)
	sort.Ints(s)
	med, best := Quantile(s, 0.5), 0
	if len(s) > 0 {
		best = s[len(s)-1]
	}
	per := float64(c.check.PerDay())
	if c.check.Period == store.Weekly {
		per = float64(c.check.Value) / float64(max(1, c.check.WeekDays))
	}
	return per > float64(best) || per > 1.5*med
}

// TestJudge_READMEExample is the worked example in README.
func TestJudge_READMEExample(t *testing.T) {
	cal := NewCalendar(jkt, Workdays{}, nil)
	days := RealismWindow(cal, monday)
	// Ana works Mon, Wed and Fri: she pitched on 12 of the last 20
	// working days, nothing on the other 8.
	counts := make([]int, len(days))
	work := []int{4, 5, 5, 6, 6, 6, 7, 7, 8, 8, 9, 12}
	k := 0
	for i := len(days) - 1; i >= 0 && k < len(work); i-- {
		if wd := days[i].Weekday(); wd == time.Monday || wd == time.Wednesday || wd == time.Friday {
			counts[i] = work[k]
			k++
		}
	}
	h := NewHistory(cal, days, counts)
	load := &Load{Capacity: 60, OpenTasks: 1, TaskUnits: 100, TaskPerDay: 25}
	c := Judge(Proposal{store.MetricPitches, 12, store.Daily, 5}, false, h, TeamRef{}, load)
	if c.Active != 12 || c.Median != 6.5 || c.UQ != 8 || c.HistoryLimit != 9 || !c.OverHistory || c.OverCapacity || c.Suggest != 9 || c.Need != 37 {
		t.Errorf("daily = %+v", c)
	}
	w := Judge(Proposal{store.MetricPitches, 30, store.Weekly, 5}, false, h, TeamRef{}, load)
	if w.PerWeek != 3 || w.HistoryLimit != 27 || !w.OverHistory || w.Suggest != 27 {
		t.Errorf("weekly = %+v", w)
	}
	if o := Judge(Proposal{store.MetricPitches, 9, store.Daily, 5}, false, h, TeamRef{}, &Load{Capacity: 60, OpenTasks: 2, TaskUnits: 220, TaskPerDay: 55}); !o.OverCapacity || o.Need != 64 || o.Suggest != 5 {
		t.Errorf("heavy = %+v", o)
	}
}
