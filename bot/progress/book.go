package progress

import (
	"sort"

	"pocbot/store"
)

// Book resolves the target history: the entry in force on a day is the
// latest one (by From, then by ID) whose From is not after that day.
type Book map[bookKey][]store.Target

type bookKey struct{ metric, user, period string }

// NewBook indexes ts, which may come in any order.
func NewBook(ts []store.Target) Book {
	tb := Book{}
	for _, t := range ts {
		k := bookKey{t.Metric, t.UserID, t.Period}
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

// At returns the value in force on date (YYYY-MM-DD) for user ("" = the
// team), 0 if none.
func (tb Book) At(metric, user, period, date string) int {
	v := 0
	for _, t := range tb[bookKey{metric, user, period}] {
		if t.From > date {
			break
		}
		v = t.Value
	}
	return v
}

// Users returns everyone with a user target above 0 in force on one of dates.
func (tb Book) Users(dates ...string) map[string]bool {
	out := map[string]bool{}
	for k := range tb {
		if k.user == "" {
			continue
		}
		for _, d := range dates {
			if tb.At(k.metric, k.user, k.period, d) > 0 {
				out[k.user] = true
			}
		}
	}
	return out
}
