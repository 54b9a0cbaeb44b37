package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestDB_SetTarget(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	for _, tc := range []struct {
		name string
		in   Target
		code Code
	}{
		{"OK", Target{Metric: MetricPitches, UserID: "U1", Period: Daily, Value: 10, From: "2026-11-30", SetBy: "UADMIN"}, ""},
		{"ErrMetric", Target{Metric: "calls", Period: Daily, Value: 1, From: "2026-11-30", SetBy: "UADMIN"}, Invalid},
		{"ErrPeriod", Target{Metric: MetricAgreed, Period: "monthly", Value: 1, From: "2026-11-30", SetBy: "UADMIN"}, Invalid},
		{"ErrValue", Target{Metric: MetricAgreed, Period: Daily, Value: -1, From: "2026-11-30", SetBy: "UADMIN"}, Invalid},
		{"ErrHuge", Target{Metric: MetricAgreed, Period: Daily, Value: MaxTargetValue + 1, From: "2026-11-30", SetBy: "UADMIN"}, Invalid},
		{"ErrDate", Target{Metric: MetricAgreed, Period: Daily, Value: 1, From: "30/11/2026", SetBy: "UADMIN"}, Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.SetTarget(ctx, tc.in)
			if tc.code == "" {
				if err != nil || got.ID == 0 || got.SetAt.IsZero() {
					t.Fatalf("SetTarget = %+v, %v", got, err)
				}
				return
			}
			if ErrorCode(err) != tc.code {
				t.Fatalf("SetTarget err = %v (%s), want %s", err, ErrorCode(err), tc.code)
			}
		})
	}
	ts, err := db.Targets(ctx)
	if err != nil || len(ts) != 1 || ts[0].Value != 10 {
		t.Fatalf("Targets = %+v, %v", ts, err)
	}
}

func TestDB_Holidays(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	if err := db.AddHoliday(ctx, "2026-12-25", "UADMIN"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddHoliday(ctx, "2026-12-25", "UADMIN"); ErrorCode(err) != Conflict {
		t.Errorf("second add: %v, want Conflict", err)
	}
	if err := db.AddHoliday(ctx, "25-12-2026", "UADMIN"); ErrorCode(err) != Invalid {
		t.Errorf("bad date: %v, want Invalid", err)
	}
	if err := db.AddNamedHoliday(ctx, "2026-01-01", "  Tahun\tBaru "+strings.Repeat("x", 100), "UADMIN"); err != nil {
		t.Fatal(err)
	}
	hs, err := db.Holidays(ctx)
	if err != nil || len(hs) != 2 || hs[0].Date != "2026-01-01" {
		t.Fatalf("Holidays = %+v, %v", hs, err)
	}
	if n := hs[0].Name; !strings.HasPrefix(n, "Tahun Baru x") || len([]rune(n)) != MaxHolidayName || hs[1].Name != "" {
		t.Errorf("names = %q, %q; want trimmed, tab replaced, cut at %d", n, hs[1].Name, MaxHolidayName)
	}
	if err := db.RemoveHoliday(ctx, "2026-01-01", "UADMIN"); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveHoliday(ctx, "2026-01-01", "UADMIN"); ErrorCode(err) != NotFound {
		t.Errorf("second remove: %v, want NotFound", err)
	}
}

func TestDB_Nudges(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	if err := db.SetNudges(ctx, "U1", false); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.NudgeOptOuts(ctx); !m["U1"] {
		t.Errorf("U1 not opted out: %v", m)
	}
	if err := db.SetNudges(ctx, "U1", true); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.NudgeOptOuts(ctx); m["U1"] {
		t.Errorf("U1 still opted out: %v", m)
	}
}

func TestDB_CountsByDay(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	db := MustOpenOptions(t, Options{Now: func() time.Time { return now }})
	day0 := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	var ps []Pitch
	for i, at := range []time.Time{day0.Add(time.Hour), day0.Add(2 * time.Hour), day0.Add(25 * time.Hour)} {
		ps = append(ps, Pitch{Handle: "c" + string(rune('a'+i)) + "x", UserID: "U1", CreatedAt: at, Status: PitchPitched})
	}
	ps = append(ps, Pitch{Handle: "cdx", UserID: "U2", CreatedAt: day0.Add(3 * time.Hour), Status: PitchPitched})
	if err := db.ImportPitches(ctx, ps); err != nil {
		t.Fatal(err)
	}
	bounds := []time.Time{day0, day0.AddDate(0, 0, 1), day0.AddDate(0, 0, 2)}
	got, err := db.PitchCountsByDay(ctx, bounds)
	if err != nil {
		t.Fatal(err)
	}
	if got[0]["U1"] != 2 || got[0]["U2"] != 1 || got[1]["U1"] != 1 {
		t.Errorf("PitchCountsByDay = %v", got)
	}
	// U1's first pitch (created day 0) is agreed on day 1: agreed counts by
	// the day of agreement, not of the pitch.
	if _, err := db.SetPitchStatus(ctx, ps[0].ID, "U1", PitchAgreed); err != nil {
		t.Fatal(err)
	}
	bounds = []time.Time{day0, day0.AddDate(0, 0, 1), day0.AddDate(0, 0, 2)}
	got, err = db.AgreedCountsByDay(ctx, bounds)
	if err != nil {
		t.Fatal(err)
	}
	if len(got[0]) != 0 || got[1]["U1"] != 1 {
		t.Errorf("AgreedCountsByDay = %v", got)
	}
	// Leaving agreed leaves the index.
	if _, err := db.SetPitchStatus(ctx, ps[0].ID, "U1", PitchDeclined); err != nil {
		t.Fatal(err)
	}
	if got, _ = db.AgreedCountsByDay(ctx, bounds); got[1]["U1"] != 0 {
		t.Errorf("after decline: %v", got)
	}
	if got, err := db.PitchCountsByDay(ctx, bounds[:1]); got != nil || err != nil {
		t.Errorf("one bound: %v %v", got, err)
	}
}

func TestDB_ImportPitches_ErrStatus(t *testing.T) {
	db := MustOpen(t)
	err := db.ImportPitches(context.Background(), []Pitch{{Handle: "abc", UserID: "U1", Status: "lost"}})
	if ErrorCode(err) != Invalid {
		t.Fatalf("ImportPitches = %v, want Invalid", err)
	}
}

func TestDB_SetTarget_OnePeriodPerMetric(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	set := func(period string, v int) {
		t.Helper()
		if _, err := db.SetTarget(ctx, Target{Metric: MetricPitches, UserID: "U2", Period: period, Value: v, From: "2026-11-30", SetBy: "UADMIN"}); err != nil {
			t.Fatal(err)
		}
	}
	set(Daily, 10)
	set(Weekly, 1)
	ts, err := db.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]int{}
	for _, tg := range ts {
		last[tg.Period] = tg.Value
	}
	if last[Daily] != 0 || last[Weekly] != 1 {
		t.Errorf("after a weekly target, daily = %d weekly = %d; want 0 and 1 (one target per metric)", last[Daily], last[Weekly])
	}
}
