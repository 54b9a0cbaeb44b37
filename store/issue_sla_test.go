package store

import (
	"strings"
	"testing"
	"time"
)

func TestSLA_Math(t *testing.T) {
	start := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return start.Add(d) }
	h := time.Hour
	tests := []struct {
		name          string
		budget        time.Duration
		steps         func(s SLA) SLA // pauses/resumes before the check
		now           time.Duration
		wantElapsed   time.Duration
		wantDue       time.Duration // DueAt(now) - start
		wantPhase     SLAPhase
		wantPercent   int
		wantPaused    bool
		wantPausedSum time.Duration
	}{
		{name: "Fresh", budget: 4 * h, now: 0, wantDue: 4 * h, wantPhase: SLAOnTrack},
		{name: "JustBefore80", budget: 4 * h, now: 192*time.Minute - time.Second, wantElapsed: 192*time.Minute - time.Second, wantDue: 4 * h, wantPhase: SLAOnTrack, wantPercent: 79},
		{name: "Exactly80", budget: 4 * h, now: 192 * time.Minute, wantElapsed: 192 * time.Minute, wantDue: 4 * h, wantPhase: SLAWarning, wantPercent: 80},
		{name: "JustBeforeDue", budget: 4 * h, now: 4*h - time.Nanosecond, wantElapsed: 4*h - time.Nanosecond, wantDue: 4 * h, wantPhase: SLAWarning, wantPercent: 99},
		{name: "AtDue", budget: 4 * h, now: 4 * h, wantElapsed: 4 * h, wantDue: 4 * h, wantPhase: SLABreached, wantPercent: 100},
		{name: "LongPast", budget: 4 * h, now: 400 * 24 * h, wantElapsed: 400 * 24 * h, wantDue: 4 * h, wantPhase: SLABreached, wantPercent: 240000},
		{name: "ClockBeforeStart", budget: 4 * h, now: -h, wantElapsed: 0, wantDue: 4 * h, wantPhase: SLAOnTrack},
		{
			name: "PausedFreezesElapsed", budget: 4 * h,
			steps: func(s SLA) SLA { return s.Pause(at(h)) },
			now:   10 * h, wantElapsed: h, wantDue: 13 * h, wantPhase: SLAOnTrack, wantPercent: 25, wantPaused: true,
		},
		{
			name: "ResumeExtendsDue", budget: 4 * h,
			steps: func(s SLA) SLA { return s.Pause(at(h)).Resume(at(3 * h)) },
			now:   4 * h, wantElapsed: 2 * h, wantDue: 6 * h, wantPhase: SLAOnTrack, wantPercent: 50, wantPausedSum: 2 * h,
		},
		{
			name: "TwoPausesAdd", budget: 4 * h,
			steps: func(s SLA) SLA {
				return s.Pause(at(h)).Resume(at(2 * h)).Pause(at(3 * h)).Resume(at(5 * h))
			},
			now: 7 * h, wantElapsed: 4 * h, wantDue: 7 * h, wantPhase: SLABreached, wantPercent: 100, wantPausedSum: 3 * h,
		},
		{
			name: "DoublePauseKeepsFirst", budget: 4 * h,
			steps: func(s SLA) SLA { return s.Pause(at(h)).Pause(at(2 * h)).Resume(at(3 * h)) },
			now:   3 * h, wantElapsed: h, wantDue: 6 * h, wantPhase: SLAOnTrack, wantPercent: 25, wantPausedSum: 2 * h,
		},
		{
			name: "ResumeWhileRunningIsNoop", budget: 4 * h,
			steps: func(s SLA) SLA { return s.Resume(at(2 * h)) },
			now:   2 * h, wantElapsed: 2 * h, wantDue: 4 * h, wantPhase: SLAOnTrack, wantPercent: 50,
		},
		{
			name: "PausedAfterBreachStaysBreached", budget: 4 * h,
			steps: func(s SLA) SLA { return s.Pause(at(5 * h)) },
			now:   9 * h, wantElapsed: 5 * h, wantDue: 8 * h, wantPhase: SLABreached, wantPercent: 125, wantPaused: true,
		},
		{
			name: "ResumeBeforePauseCountsZero", budget: 4 * h,
			steps: func(s SLA) SLA { return s.Pause(at(2 * h)).Resume(at(h)) },
			now:   2 * h, wantElapsed: 2 * h, wantDue: 4 * h, wantPhase: SLAOnTrack, wantPercent: 50,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSLA(start, tc.budget)
			if tc.steps != nil {
				s = tc.steps(s)
			}
			now := at(tc.now)
			if got := s.Elapsed(now); got != tc.wantElapsed {
				t.Errorf("Elapsed = %v, want %v", got, tc.wantElapsed)
			}
			if got := s.DueAt(now).Sub(start); got != tc.wantDue {
				t.Errorf("DueAt - start = %v, want %v", got, tc.wantDue)
			}
			if got := s.Phase(now); got != tc.wantPhase {
				t.Errorf("Phase = %v, want %v", got, tc.wantPhase)
			}
			if got := s.Percent(now); got != tc.wantPercent {
				t.Errorf("Percent = %v, want %v", got, tc.wantPercent)
			}
			if got := s.IsPaused(); got != tc.wantPaused {
				t.Errorf("IsPaused = %v, want %v", got, tc.wantPaused)
			}
			if s.Paused != tc.wantPausedSum {
				t.Errorf("Paused = %v, want %v", s.Paused, tc.wantPausedSum)
			}
			if got, want := s.Remaining(now), tc.budget-tc.wantElapsed; got != want {
				t.Errorf("Remaining = %v, want %v", got, want)
			}
		})
	}
}

func TestSLA_WarnTime(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewSLA(start, 24*time.Hour)
	if got, want := s.WarnTime(start), start.Add(19*time.Hour+12*time.Minute); !got.Equal(want) {
		t.Errorf("WarnTime = %v, want %v", got, want)
	}
	s = s.Pause(start.Add(time.Hour)).Resume(start.Add(3 * time.Hour))
	if got, want := s.WarnTime(start.Add(3*time.Hour)), start.Add(21*time.Hour+12*time.Minute); !got.Equal(want) {
		t.Errorf("WarnTime after a 2h pause = %v, want %v", got, want)
	}
}

func TestParseSLAPolicy(t *testing.T) {
	h := time.Hour
	tests := []struct {
		in      string
		want    SLAPolicy
		wantErr string
	}{
		{"", DefaultSLAPolicy(), ""},
		{"P1=4h,P2=24h,P3=72h,P4=168h", DefaultSLAPolicy(), ""},
		{"p1=2h, 2=12h", SLAPolicy{2 * h, 12 * h, 72 * h, 168 * h}, ""},
		{"P4=14d", SLAPolicy{4 * h, 24 * h, 72 * h, 14 * 24 * h}, ""},
		{"P1=30m", SLAPolicy{30 * time.Minute, 24 * h, 72 * h, 168 * h}, ""},
		{"P5=4h", DefaultSLAPolicy(), "not a priority"},
		{"P1", DefaultSLAPolicy(), "PRIORITY=DURATION"},
		{"P1=soon", DefaultSLAPolicy(), "not a duration"},
		{"P1=0h", DefaultSLAPolicy(), "not a duration"},
		{"P1=-4h", DefaultSLAPolicy(), "not a duration"},
		{"P1=91d", DefaultSLAPolicy(), "not a duration"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseSLAPolicy(tc.in)
			if tc.wantErr != "" {
				if err == nil || ErrorCode(err) != Invalid || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want Invalid containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("= %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	if got := DefaultSLAPolicy().String(); got != "P1=4h,P2=1d,P3=3d,P4=7d" {
		t.Errorf("String = %q", got)
	}
	if p, err := ParseSLAPolicy(DefaultSLAPolicy().String()); err != nil || p != DefaultSLAPolicy() {
		t.Errorf("String does not round-trip: %v %v", p, err)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0m", 45 * time.Minute: "45m", 90 * time.Minute: "1h30m", 4 * time.Hour: "4h",
		7 * 24 * time.Hour: "7d", 26 * time.Hour: "1d2h", -2 * time.Hour: "-2h", 59 * time.Second: "0m",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
