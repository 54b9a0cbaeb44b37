package bot

import (
	"strings"
	"testing"
	"time"

	"pocbot/store"
)

func TestParseDue(t *testing.T) {
	jkt, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	fri := time.Date(2026, 12, 4, 10, 0, 0, 0, jkt) // a Friday morning
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, jkt) }
	tests := []struct {
		name    string
		in      string
		now     time.Time
		want    time.Time // the deadline instant
		hasTime bool
		wantErr string
	}{
		{"Today", "today", fri, day(2026, 12, 5), false, ""},
		{"TodayCaps", "  TODAY ", fri, day(2026, 12, 5), false, ""},
		{"Tomorrow", "tomorrow", fri, day(2026, 12, 6), false, ""},
		{"FridayOnFriday", "friday", fri, day(2026, 12, 5), false, ""}, // today, not next week
		{"NextFridayOnFriday", "next friday", fri, day(2026, 12, 12), false, ""},
		{"Monday", "monday", fri, day(2026, 12, 8), false, ""},
		{"Abbrev", "Thu", fri, day(2026, 12, 11), false, ""},
		{"ISO", "2026-12-31", fri, day(2027, 1, 1), false, ""},
		{"ISOWithTime", "2026-12-31 17:30", fri, time.Date(2026, 12, 31, 17, 30, 0, 0, jkt), true, ""},
		{"TodayWithTime", "today 17:00", fri, time.Date(2026, 12, 4, 17, 0, 0, 0, jkt), true, ""},
		{"LateEvening", "today", time.Date(2026, 12, 4, 23, 59, 0, 0, jkt), day(2026, 12, 5), false, ""},
		{"PastDate", "2026-12-03", fri, time.Time{}, false, "in the past"},
		{"PastTimeToday", "today 09:00", fri, time.Time{}, false, "in the past"},
		{"ImpossibleDate", "2026-02-30", fri, time.Time{}, false, "can't read"},
		{"OtherFormat", "4/12/2026", fri, time.Time{}, false, "YYYY-MM-DD"},
		{"Junk", "whenever", fri, time.Time{}, false, "today, tomorrow"},
		{"Empty", "  ", fri, time.Time{}, false, "Say when"},
		{"BadTime", "friday 25:00", fri, time.Time{}, false, "HH:MM"},
		{"TooManyWords", "friday at noon please", fri, time.Time{}, false, "can't read"},
		{"NextToday", "next today", fri, time.Time{}, false, "can't read"},
		{"Hostile", "<!channel> \x00", fri, time.Time{}, false, "can't read"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, hasTime, err := parseDue(tc.in, tc.now, jkt)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(store.ErrorMessage(err), tc.wantErr) {
					t.Fatalf("parseDue(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil || !got.Equal(tc.want) || hasTime != tc.hasTime {
				t.Errorf("parseDue(%q) = %v, %v, %v; want %v, %v", tc.in, got, hasTime, err, tc.want, tc.hasTime)
			}
		})
	}
}

func TestParseTaskArgs(t *testing.T) {
	jkt, _ := time.LoadLocation("Asia/Jakarta")
	mon := time.Date(2026, 11, 30, 10, 0, 0, 0, jkt)
	tests := []struct {
		name    string
		in      string
		want    taskArgs
		wantErr string
	}{
		{"Pitch", "<@U123|ana> Pitch 40 beauty creators by friday",
			taskArgs{Assignee: "U123", Title: "Pitch 40 beauty creators", Kind: store.KindPitching, Quantity: 40,
				Due: time.Date(2026, 12, 5, 0, 0, 0, 0, jkt)}, ""},
		{"LastBy", "<@U9> Follow up 25 pitches sent by Sari by tomorrow 16:00",
			taskArgs{Assignee: "U9", Title: "Follow up 25 pitches sent by Sari", Kind: store.KindFollowUp, Quantity: 25,
				Due: time.Date(2026, 12, 1, 16, 0, 0, 0, jkt), HasTime: true}, ""},
		{"NoQuantity", "<@U9> Review @sari.beauty videos BY 2026-12-02",
			taskArgs{Assignee: "U9", Title: "Review @sari.beauty videos", Kind: store.KindContentReview,
				Due: time.Date(2026, 12, 3, 0, 0, 0, 0, jkt)}, ""},
		{"Samples", "<@U9> Check 12 samples arrived by today",
			taskArgs{Assignee: "U9", Title: "Check 12 samples arrived", Kind: store.KindSampleCheck, Quantity: 12,
				Due: time.Date(2026, 12, 1, 0, 0, 0, 0, jkt)}, ""},
		{"NoMention", "ana Pitch 40 by friday", taskArgs{}, "picked with @"},
		{"NoBy", "<@U9> Pitch 40 creators friday", taskArgs{}, "after \"by\""},
		{"NoTitle", "<@U9> by friday", taskArgs{}, "before \"by\""},
		{"BadDate", "<@U9> Pitch 40 by someday", taskArgs{}, "can't read"},
		{"HugeQuantity", "<@U9> Pitch 9999999 by friday", taskArgs{}, "at most"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseTaskArgs(tc.in, mon, jkt)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(store.ErrorMessage(err), tc.wantErr) {
					t.Fatalf("parseTaskArgs(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseTaskArgs(%q): %v", tc.in, err)
			}
			if got.Assignee != tc.want.Assignee || got.Title != tc.want.Title || got.Kind != tc.want.Kind ||
				got.Quantity != tc.want.Quantity || !got.Due.Equal(tc.want.Due) || got.HasTime != tc.want.HasTime {
				t.Errorf("parseTaskArgs(%q) = %+v, want %+v", tc.in, *got, tc.want)
			}
		})
	}
}
