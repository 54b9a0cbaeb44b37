package progress

import (
	"testing"
	"time"
)

func TestParseWorkdays(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		err            bool
	}{
		{"Default", "", "Mon,Tue,Wed,Thu,Fri", false},
		{"Range", "Mon-Fri", "Mon,Tue,Wed,Thu,Fri", false},
		{"Saturday", "Mon-Sat", "Mon,Tue,Wed,Thu,Fri,Sat", false},
		{"List", "Mon,Wed,Fri", "Mon,Wed,Fri", false},
		{"Spaces and case", " mon , WED ,fri ", "Mon,Wed,Fri", false},
		{"Full names", "Monday-Thursday", "Mon,Tue,Wed,Thu", false},
		{"Wrapping", "Sun-Thu", "Mon,Tue,Wed,Thu,Sun", false},
		{"Single", "Sat", "Sat", false},
		{"Mixed", "Mon-Wed,Sat", "Mon,Tue,Wed,Sat", false},
		{"ErrName", "Mon-Fry", "", true},
		{"ErrNumber", "1-5", "", true},
		{"ErrEmptyPart", "Mon,,Fri", "", true},
		{"ErrPrefixNotDay", "Monx", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseWorkdays(tc.in)
			if tc.err {
				if err == nil {
					t.Fatalf("ParseWorkdays(%q) = %v, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got.String() != tc.want {
				t.Fatalf("ParseWorkdays(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestCalendar(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Jakarta")
	mon := time.Date(2026, 11, 30, 10, 0, 0, 0, loc)
	cal := NewCalendar(loc, Workdays{}, []string{"2026-11-27"}) // Friday off
	for _, tc := range []struct {
		name string
		got  any
		want any
	}{
		{"Monday works", cal.Working(mon), true},
		{"Sunday off", cal.Working(mon.AddDate(0, 0, -1)), false},
		{"Holiday off", cal.Working(mon.AddDate(0, 0, -3)), false},
		{"Holiday", cal.Holiday(mon.AddDate(0, 0, -3)), true},
		{"Previous working day skips weekend and holiday", cal.DateKey(cal.PrevWorking(mon)), "2026-11-26"},
		{"Working days before", len(cal.WorkingBefore(mon, 14)), 14},
		{"Oldest first", cal.DateKey(cal.WorkingBefore(mon, 2)[0]), "2026-11-25"},
		{"Week", len(cal.WeekWorking(mon)), 5},
		{"Week with holiday", len(cal.WeekWorking(mon.AddDate(0, 0, -3))), 4},
		{"Mon,Wed,Fri week", len(NewCalendar(loc, Workdays{time.Monday: true, time.Wednesday: true, time.Friday: true}, nil).WeekWorking(mon)), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}
