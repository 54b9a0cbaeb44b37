package bot

import (
	"testing"
	"time"
)

func TestLastMissed(t *testing.T) {
	jkt, _ := time.LoadLocation("Asia/Jakarta")
	daily9, err := CronParser.Parse("0 9 * * *")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, jkt)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name       string
		last, now  string
		wantMissed bool
		wantDue    string
	}{
		{"not due yet", "2026-11-30 09:00", "2026-11-30 18:00", false, ""},
		{"exactly due", "2026-11-30 09:00", "2026-12-01 09:00", true, "2026-12-01 09:00"},
		{"one missed", "2026-11-30 09:00", "2026-12-01 10:30", true, "2026-12-01 09:00"},
		{"three missed collapse to the latest", "2026-11-27 09:00", "2026-11-30 10:00", true, "2026-11-30 09:00"},
		{"down before 9, back before 9", "2026-11-29 09:00", "2026-11-30 08:59", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			due, missed := lastMissed(daily9, at(tc.last), at(tc.now))
			if missed != tc.wantMissed {
				t.Fatalf("missed = %v, want %v", missed, tc.wantMissed)
			}
			if missed && !due.Equal(at(tc.wantDue)) {
				t.Errorf("due = %v, want %v", due, at(tc.wantDue))
			}
		})
	}
	every, _ := CronParser.Parse("@every 1s")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, missed := lastMissed(every, now.Add(-48*time.Hour), now); !missed {
		t.Error("a long outage with @every 1s must still report a missed slot (bounded loop)")
	}
}

func TestCronParser(t *testing.T) {
	for _, ok := range []string{"0 9 * * *", "0 0 9 * * *", "@every 5s", "@daily", "30 2 * * 1-5"} {
		if _, err := CronParser.Parse(ok); err != nil {
			t.Errorf("Parse(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "every day", "61 * * * *", "* * * * * * *"} {
		if _, err := CronParser.Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded, want error", bad)
		}
	}
}
