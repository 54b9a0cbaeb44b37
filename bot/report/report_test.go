package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pocbot/bot/progress"
	"pocbot/store"
)

var update = flag.Bool("update", false, "rewrite testdata/charts.golden.json")

// sample is a fixed week: the golden test's input.
func sample() *Input {
	loc, _ := time.LoadLocation("Asia/Jakarta")
	from := time.Date(2026, 11, 23, 0, 0, 0, 0, loc)
	cur, _ := store.CurrencyFor("IDR")
	in := &Input{Title: "Weekly report", Loc: loc, From: from, To: from.AddDate(0, 0, 7), Currency: cur, VouchersTrack: true,
		Funnel: store.Funnel{Pitched: 50, Interested: 20, Agreed: 12, Declined: 5, NoResponse: 3}, Vouchers: 10, VoucherValue: 1_500_000,
		IssuesOpened: 4, IssuesResolved: 3, SLABreaches: 1, TasksDone: 6, UnitsDone: 180, Capacity: 600}
	for i, n := range []int{9, 12, 7, 14, 8, 0, 0} {
		d := Day{Date: from.AddDate(0, 0, i), Working: i < 5, Pitches: n}
		if d.Working {
			d.Target = 10
		}
		in.Days = append(in.Days, d)
	}
	in.Team = []Attainment{{Metric: "pitches", Score: progress.Score{Done: 50, Target: 50}}}
	in.People = []Attainment{
		{Person: Person{ID: "U2", Name: "Budi Santoso"}, Metric: "pitches", Score: progress.Score{Done: 18, Target: 25}},
		{Person: Person{ID: "U1", Name: "Sari Dewi"}, Metric: "pitches", Score: progress.Score{Done: 32, Target: 25}},
	}
	SortPeople(in.People)
	return in
}

func TestCharts_GoldenDataValidPNGsDeterministic(t *testing.T) {
	in := sample()
	charts, err := in.Charts()
	if err != nil {
		t.Fatal(err)
	}
	again, _ := sample().Charts()
	type golden struct {
		File, Title, AltText string
		Data                 ChartData
	}
	var got []golden
	for i, c := range charts {
		got = append(got, golden{c.File, c.Title, c.AltText, c.Data})
		img, err := png.Decode(bytes.NewReader(c.PNG))
		if err != nil {
			t.Fatalf("%s: not a PNG: %v", c.File, err)
		}
		if b := img.Bounds(); b.Dx() != 1152 || b.Dy() != 648 {
			t.Errorf("%s: %v, want 1152×648", c.File, b)
		}
		if n := len(c.PNG); n < 10_000 || n > 400_000 {
			t.Errorf("%s: %d bytes", c.File, n)
		}
		if !bytes.Equal(c.PNG, again[i].PNG) {
			t.Errorf("%s: two renders of the same figures differ", c.File)
		}
		if os.Getenv("REPORT_PNG_DIR") != "" {
			os.WriteFile(filepath.Join(os.Getenv("REPORT_PNG_DIR"), c.File), c.PNG, 0o644)
		}
	}
	js, _ := json.MarshalIndent(got, "", "  ")
	path := filepath.Join("testdata", "charts.golden.json")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, append(js, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot/report -update)", err)
	}
	if string(want) != string(js)+"\n" {
		t.Errorf("plotted data differs from %s:\n%s", path, js)
	}
}

func TestSummaryWithoutTargets(t *testing.T) {
	in := sample()
	in.Team = nil
	in.People[0].Target, in.People[1].Target = 0, 0
	in.ContentTrack, in.Content = true, 4
	s := in.Summary(func(s string) string { return s }, func(id string) string { return id })
	if !strings.Contains(s, "none set for this period") || !strings.Contains(s, "U1 — pitches: 32 (no target)") || strings.Contains(s, "of 0") ||
		!strings.Contains(s, "→ 4 content posted") || strings.Contains(s, "not tracked") {
		t.Errorf("summary:\n%s", s)
	}
}

func TestSummary(t *testing.T) {
	s := sample().Summary(func(s string) string { return s }, func(id string) string { return "<@" + id + ">" })
	for _, want := range []string{"23–29 Nov 2026", "Asia/Jakarta", "pitches: 50 of 50 (100%)", "<@U1> — pitches: 32 of 25 (128%)",
		"50 pitched → 20 interested → 12 agreed → 10 vouchers issued (Rp1.500.000)", "4 opened, 3 resolved, 1 SLA breach", "180 units done of 600"} {
		if !bytes.Contains([]byte(s), []byte(want)) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

func TestCharts_MonthAndManyPeopleGrow(t *testing.T) {
	if raceEnabled {
		t.Skip("rendering under the race detector takes seconds per chart; the sizes do not depend on it")
	}
	in := sample()
	in.To = in.From.AddDate(0, 0, 31)
	in.Days = nil
	for i := 0; i < 31; i++ {
		in.Days = append(in.Days, Day{Date: in.From.AddDate(0, 0, i), Working: i%7 < 5, Pitches: 3 + i%9, Target: 10 * min(1, (i%7)/5*0+1)})
	}
	in.People = nil
	for i := 0; i < 40; i++ {
		in.People = append(in.People, Attainment{Person: Person{ID: fmt.Sprintf("U%d", i), Name: fmt.Sprintf("Person %02d", i)}, Metric: "pitches", Score: progress.Score{Done: 10 + i, Target: 40}})
	}
	SortPeople(in.People)
	charts, err := in.Charts()
	if err != nil {
		t.Fatal(err)
	}
	if c := charts[0]; c.Width <= 1152 || c.Data.Labels[0] != "Mon 23 Nov" {
		t.Errorf("month chart %d×%d, first label %q", c.Width, c.Height, c.Data.Labels[0])
	}
	if c := charts[2]; c.Height <= 648 {
		t.Errorf("40-person chart %d×%d", c.Width, c.Height)
	}
	for _, c := range charts {
		img, err := png.Decode(bytes.NewReader(c.PNG))
		if err != nil || img.Bounds().Dx() != c.Width || img.Bounds().Dy() != c.Height {
			t.Errorf("%s: %v, %v; want %d×%d", c.File, img.Bounds(), err, c.Width, c.Height)
		}
		if os.Getenv("REPORT_PNG_DIR") != "" {
			os.WriteFile(filepath.Join(os.Getenv("REPORT_PNG_DIR"), "big-"+c.File), c.PNG, 0o644)
		}
	}
}

func TestRange(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Jakarta")
	d := func(m time.Month, day int) time.Time { return time.Date(2026, m, day, 0, 0, 0, 0, loc) }
	for _, c := range []struct {
		from, to time.Time
		want     string
	}{
		{d(11, 2), d(11, 30), "2–29 Nov 2026"},
		{d(11, 23), d(12, 7), "23 Nov – 6 Dec 2026"},
		{d(12, 28), time.Date(2027, 1, 4, 0, 0, 0, 0, loc), "28 Dec 2026 – 3 Jan 2027"},
		{d(11, 30), d(12, 1), "Mon 30 Nov 2026"},
	} {
		if got := (&Input{From: c.from, To: c.to}).Range(); got != c.want {
			t.Errorf("Range(%v, %v) = %q, want %q", c.from, c.to, got, c.want)
		}
	}
}

// TestPeopleChart_SomeWithoutTarget: when only some people have a pitch
// target (the outsource team), the others are labelled "(no target)", not
// "15/0" next to an empty bar.
func TestPeopleChart_SomeWithoutTarget(t *testing.T) {
	in := sample()
	in.People = append(in.People, Attainment{Person: Person{ID: "U3", Name: "bayu"}, Metric: "pitches", Score: progress.Score{Done: 15}})
	c, err := in.peopleChart()
	if err != nil {
		t.Fatal(err)
	}
	last := c.Data.Labels[len(c.Data.Labels)-1]
	if last != "bayu 15 (no target)" || strings.Contains(c.AltText, "/0") || strings.Contains(c.AltText, "of 0") || !strings.Contains(c.AltText, "bayu 15 (no target)") {
		t.Errorf("label %q, alt %q", last, c.AltText)
	}
}
