package progress

import (
	"math"
	"time"

	"pocbot/store"
)

// Targets over any run of days, for reports that cover a week, a month or
// a custom range rather than "today" and "this week".

// DayTarget is the target for user ("" = the team's own target, without
// the fall-back to the sum of members) of metric on day d, as a
// fraction: the daily target in force, else the weekly one shared evenly
// over its week's working days. Days off have none.
func DayTarget(tb Book, cal Calendar, metric, user string, d time.Time) float64 {
	if !cal.Working(d) {
		return 0
	}
	date := cal.DateKey(d)
	if v := tb.At(metric, user, store.Daily, date); v > 0 {
		return float64(v)
	}
	if w := tb.At(metric, user, store.Weekly, date); w > 0 {
		return float64(w) / float64(len(cal.WeekWorking(d)))
	}
	return 0
}

// RangeTarget is user's target of metric summed over days and rounded to
// the nearest whole: a range holding part of a week gets that part of the
// weekly target, and a whole week gets exactly the weekly target.
func RangeTarget(tb Book, cal Calendar, metric, user string, days []time.Time) int {
	sum := 0.0
	for _, d := range days {
		sum += DayTarget(tb, cal, metric, user, d)
	}
	return int(math.Round(sum))
}

// RangeTeamTarget is the team's target over days: its own where one is
// set, else the sum of people's, as the digest measures the team.
func RangeTeamTarget(tb Book, cal Calendar, metric string, people []string, days []time.Time) int {
	if t := RangeTarget(tb, cal, metric, "", days); t > 0 {
		return t
	}
	sum := 0
	for _, u := range people {
		sum += RangeTarget(tb, cal, metric, u, days)
	}
	return sum
}
