// Package report is the weekly report's model and charts, free of Slack:
// figures in, a summary and PNG charts (drawn with gonum.org/v1/plot) out.
// Charts are deterministic: the same figures give the same bytes, and
// Chart.Data is exactly what is plotted, so tests compare it exactly.
package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"pocbot/bot/progress"
	"pocbot/store"
)

// Person is a teammate as the report names them.
type Person struct {
	ID   string
	Name string // what the charts print; the ID if no better name is known
}

// Day is one local day of the report's range.
type Day struct {
	Date    time.Time // local midnight
	Working bool
	Pitches int // the team's pitches logged that day
	Target  int // the team's pitch target for the day (daily, or the week's share), 0 = none
}

// Attainment is one person's (or the team's) done against target over the
// range, for one metric: a progress.Score, so Pct is the digest's.
type Attainment struct {
	Person Person // ID "" = the team
	Metric string // label, e.g. "pitches"
	progress.Score
}

// Input is everything a report shows.
type Input struct {
	Title    string // "Weekly report — 23–29 Nov 2026"
	Loc      *time.Location
	From, To time.Time // local midnights; To exclusive
	Days     []Day
	// Team and People are attainment per metric with a target; People
	// sorted as the bars show them.
	Team []Attainment
	// TeamPct is the team's overall attainment, progress.Attainment over
	// Team (the digest's headline figure); TeamPctOK is false without targets.
	TeamPct   int
	TeamPctOK bool
	People    []Attainment // metric "pitches" only: the bars chart
	Others    []Attainment // per person, other metrics with a target (text only)

	Funnel        store.Funnel // pitches created in the range, by where they stand now
	Vouchers      int          // vouchers issued in the range
	VoucherValue  store.Money
	Currency      store.Currency
	VouchersTrack bool // vouchers are tracked (the feature is on)
	Content       int  // samples whose content was posted in the range (the content_posted metric)
	ContentTrack  bool // content posting is tracked

	IssuesOpened, IssuesResolved, SLABreaches int
	TasksDone, UnitsDone, Capacity            int // capacity in task units over the range's working days
}

// Range is the range as people read it: "23–29 Nov 2026".
func (in *Input) Range() string {
	last := in.To.AddDate(0, 0, -1)
	switch {
	case in.From.Year() != last.Year():
		return in.From.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
	case in.From.Month() != last.Month():
		return in.From.Format("2 Jan") + " – " + last.Format("2 Jan 2006")
	case in.From.Day() == last.Day():
		return last.Format("Mon 2 Jan 2006")
	}
	return fmt.Sprintf("%d–%s", in.From.Day(), last.Format("2 Jan 2006"))
}

// Summary is the report as mrkdwn text: escape is applied to every name.
// It lists at most maxPeople people per metric; the chart has them all.
func (in *Input) Summary(escape func(string) string, mention func(id string) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s* · %s · times in %s\n", escape(in.Title), in.Range(), in.Loc)
	if len(in.Team) == 0 {
		b.WriteString("\n*Targets:* none set for this period (admins set one with `/target pitches 10 team`).\n")
	} else {
		fmt.Fprintf(&b, "\n*Team against targets*")
		if in.TeamPctOK {
			fmt.Fprintf(&b, " — %d%% overall (each metric capped at 100%%)", in.TeamPct)
		}
		b.WriteString("\n")
		for _, a := range in.Team {
			fmt.Fprintf(&b, "• %s: %d of %d (%d%%)\n", a.Metric, a.Done, a.Target, a.Pct())
		}
	}
	people := append(append([]Attainment(nil), in.People...), in.Others...)
	if len(people) > 0 {
		b.WriteString("\n*Per person*\n")
		const maxPeople = 25
		for i, a := range people {
			if i == maxPeople {
				fmt.Fprintf(&b, "• …and %d more (see the chart)\n", len(people)-maxPeople)
				break
			}
			if a.Target == 0 {
				fmt.Fprintf(&b, "• %s — %s: %d (no target)\n", mention(a.Person.ID), a.Metric, a.Done)
				continue
			}
			fmt.Fprintf(&b, "• %s — %s: %d of %d (%d%%)\n", mention(a.Person.ID), a.Metric, a.Done, a.Target, a.Pct())
		}
	}
	f := in.Funnel
	fmt.Fprintf(&b, "\n*Funnel* (pitches logged in the period): %d pitched → %d interested → %d agreed", f.Pitched, f.Interested, f.Agreed)
	if in.VouchersTrack {
		fmt.Fprintf(&b, " → %d vouchers issued (%s)", in.Vouchers, in.VoucherValue.Format(in.Currency))
	}
	if in.ContentTrack {
		fmt.Fprintf(&b, " → %d content posted\n", in.Content)
	} else {
		b.WriteString(" · content: not tracked\n")
	}
	breaches := "SLA breaches"
	if in.SLABreaches == 1 {
		breaches = "SLA breach"
	}
	fmt.Fprintf(&b, "*Issues:* %d opened, %d resolved, %d %s\n", in.IssuesOpened, in.IssuesResolved, in.SLABreaches, breaches)
	if in.Capacity > 0 {
		fmt.Fprintf(&b, "*Tasks:* %d done, %d units done of %d units of capacity (%d%%)\n", in.TasksDone, in.UnitsDone, in.Capacity, in.UnitsDone*100/in.Capacity)
	} else {
		fmt.Fprintf(&b, "*Tasks:* %d done\n", in.TasksDone)
	}
	return b.String()
}

// SortPeople orders attainment bars best first, then by name.
func SortPeople(as []Attainment) {
	sort.SliceStable(as, func(i, j int) bool {
		if pi, pj := as[i].Pct(), as[j].Pct(); pi != pj {
			return pi > pj
		}
		return as[i].Person.Name < as[j].Person.Name
	})
}
