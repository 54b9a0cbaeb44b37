package store

import "time"

// SLA is an issue's clock. Budget is the time allowed; the clock runs from
// Start except while paused (waiting on the creator, or done). Due is when
// the budget runs out if the clock keeps running: Start + Budget + Paused.
// While paused it stands still, and Resume moves it later by the length of
// the pause.
//
// The methods are pure: they take the current time and return a new SLA.
type SLA struct {
	Budget      time.Duration `json:"budget"`
	Start       time.Time     `json:"start"`
	Due         time.Time     `json:"due"`
	Paused      time.Duration `json:"paused,omitempty"` // finished pauses, summed
	PausedSince time.Time     `json:"paused_since,omitzero"`
	WarnedAt    time.Time     `json:"warned_at,omitzero"`   // 80% warning sent
	BreachedAt  time.Time     `json:"breached_at,omitzero"` // breach notified

	// cal, when set, makes the clock count working time only
	// (POCBOT_SLA_HOURS); every load of an issue sets it. Paused is then
	// working time too.
	cal *workCal
}

// span is the clock time between a and b: working time with a calendar.
func (s SLA) span(a, b time.Time) time.Duration {
	if s.cal != nil {
		return s.cal.work(a, b)
	}
	return b.Sub(a)
}

// after is the moment d of clock time after t.
func (s SLA) after(t time.Time, d time.Duration) time.Time {
	if s.cal != nil {
		return s.cal.add(t, d)
	}
	return t.Add(d)
}

// withCal returns s counting by cal (nil: wall clock).
func (s SLA) withCal(cal *workCal) SLA {
	s.cal = cal
	if cal != nil && !s.IsPaused() {
		s.Due = s.after(s.Start, s.Budget+s.Paused)
	}
	return s
}

// WorkingTime reports whether the clock counts working hours only.
func (s SLA) WorkingTime() bool { return s.cal != nil }

// SLAPhase is where an SLA stands at a moment.
type SLAPhase int

// SLA phases, in order.
const (
	SLAOnTrack  SLAPhase = iota // under 80% of the budget used
	SLAWarning                  // 80% or more used
	SLABreached                 // the whole budget used: due time reached
)

// WarnFraction is the share of the budget after which the SLA warns, as a
// fraction warnNum/warnDen (80%).
const (
	warnNum = 4
	warnDen = 5
)

// NewSLA starts a clock of budget at start.
func NewSLA(start time.Time, budget time.Duration) SLA {
	start = start.UTC()
	return SLA{Budget: budget, Start: start, Due: start.Add(budget)}
}

// IsPaused reports whether the clock stands still.
func (s SLA) IsPaused() bool { return !s.PausedSince.IsZero() }

// Pause stops the clock at now. Pausing a paused clock changes nothing.
func (s SLA) Pause(now time.Time) SLA {
	if s.IsPaused() {
		return s
	}
	s.PausedSince = now.UTC()
	return s
}

// Resume restarts the clock at now, adding the pause to Paused and moving
// Due later by as much. Resuming a running clock changes nothing. A now
// before the pause began counts as a pause of zero.
func (s SLA) Resume(now time.Time) SLA {
	if !s.IsPaused() {
		return s
	}
	d := max(s.span(s.PausedSince, now), 0)
	s.Paused += d
	s.Due = s.after(s.Start, s.Budget+s.Paused)
	s.PausedSince = time.Time{}
	return s
}

// Elapsed is the running time used at now: time since Start minus pauses,
// never negative.
func (s SLA) Elapsed(now time.Time) time.Duration {
	end := now
	if s.IsPaused() {
		end = s.PausedSince
	}
	return max(s.span(s.Start, end)-s.Paused, 0)
}

// Remaining is the budget left at now; negative once breached.
func (s SLA) Remaining(now time.Time) time.Duration {
	return s.Budget - s.Elapsed(now)
}

// DueAt is the due time as seen at now: Due while running, and while
// paused the time the budget would run out if the clock restarted now.
func (s SLA) DueAt(now time.Time) time.Time {
	if s.IsPaused() {
		return s.after(now.UTC(), s.Remaining(now)).UTC()
	}
	return s.Due
}

// WarnTime is when 80% of the budget is used, if the clock keeps running.
func (s SLA) WarnTime(now time.Time) time.Time {
	if s.cal != nil {
		if s.IsPaused() {
			return s.after(now.UTC(), s.warnAfter()-s.Elapsed(now)).UTC()
		}
		return s.after(s.Start, s.warnAfter()+s.Paused).UTC()
	}
	return s.DueAt(now).Add(-(s.Budget - s.warnAfter()))
}

// warnAfter is 80% of the budget.
func (s SLA) warnAfter() time.Duration {
	return s.Budget / warnDen * warnNum
}

// Phase says whether, at now, the clock is on track, past 80% (warning) or
// at or past the due time (breached). A paused clock keeps the phase it
// had when it stopped.
func (s SLA) Phase(now time.Time) SLAPhase {
	e := s.Elapsed(now)
	switch {
	case s.Budget <= 0 || e >= s.Budget:
		return SLABreached
	case e >= s.warnAfter():
		return SLAWarning
	}
	return SLAOnTrack
}

// Percent is the share of the budget used at now, in percent (may exceed
// 100).
func (s SLA) Percent(now time.Time) int {
	if s.Budget <= 0 {
		return 100
	}
	return int(float64(s.Elapsed(now)) * 100 / float64(s.Budget))
}
