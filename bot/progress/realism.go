package progress

import (
	"sort"
	"time"

	"pocbot/store"
)

// RealismDays is the trailing window of working days a proposed target is
// compared with.
const RealismDays = 14

// RealismWindow returns the working days the realism check of a target set
// at now looks at: the RealismDays working days before today.
func RealismWindow(cal Calendar, now time.Time) []time.Time {
	return cal.WorkingBefore(now, RealismDays)
}

// Realism is the verdict on a proposed target against recent throughput.
type Realism struct {
	Days        int     // working days of history judged by
	Median      float64 // median day
	Best        int     // best day
	PerDay      float64 // the target per working day (a weekly one spread over the week)
	AboveBest   bool
	AboveMedian bool // above 1.5× the median
}

// Realistic reports whether the target fits: not above the best day nor
// above 1.5× the median day.
func (r Realism) Realistic() bool { return !r.AboveBest && !r.AboveMedian }

// JudgeTarget compares value (per period, store.Daily or store.Weekly)
// with perDay, the counts of the history's working days; weekDays is the
// number of working days in the current week (for a weekly target).
func JudgeTarget(value int, period string, weekDays int, perDay []int) Realism {
	r := Realism{Days: len(perDay), PerDay: float64(value)}
	if period == store.Weekly {
		r.PerDay = float64(value) / float64(max(1, weekDays))
	}
	r.Median, r.Best = MedianBest(perDay)
	r.AboveBest = r.PerDay > float64(r.Best)
	r.AboveMedian = r.PerDay > 1.5*r.Median
	return r
}

// MedianBest is the median and the maximum of xs (0, 0 when empty).
func MedianBest(xs []int) (float64, int) {
	s := append([]int(nil), xs...)
	sort.Ints(s)
	n := len(s)
	if n == 0 {
		return 0, 0
	}
	med := float64(s[n/2])
	if n%2 == 0 {
		med = float64(s[n/2-1]+s[n/2]) / 2
	}
	return med, s[n-1]
}
