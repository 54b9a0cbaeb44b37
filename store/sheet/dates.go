package sheet

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// monthWords are month names and short forms in English and Indonesian.
var monthWords = map[string]time.Month{
	"jan": 1, "january": 1, "januari": 1,
	"feb": 2, "february": 2, "februari": 2, "peb": 2, "pebruari": 2,
	"mar": 3, "march": 3, "maret": 3,
	"apr": 4, "april": 4,
	"may": 5, "mei": 5,
	"jun": 6, "june": 6, "juni": 6,
	"jul": 7, "july": 7, "juli": 7,
	"aug": 8, "august": 8, "agu": 8, "agt": 8, "agustus": 8, "ags": 8,
	"sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "okt": 10, "oktober": 10,
	"nov": 11, "november": 11, "nop": 11, "nopember": 11,
	"dec": 12, "december": 12, "des": 12, "desember": 12,
}

// noon is the time of day given to a pitch whose sheet has only a date:
// the middle of the working day, so it lands on that date in any zone
// within ±11 hours.
const noon = 12

// ParseDate reads a pitch date as sheets hold it, in loc unless it has a
// zone: 2026-11-30, 2026-11-30 14:05, 30/11/2026 (day first, as in
// Indonesia; 11/30/2026 is read month first only when the day is above 12),
// 30-11-2026, 30.11.2026, 30 Nov 2026, 30 Desember 2026, RFC 3339, or an
// Excel serial date (46356). A date without a time is taken at noon.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return time.Time{}, fmt.Errorf("The date is empty.")
	}
	if t, err := time.Parse(time.RFC3339, in); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, in, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", in, loc); err == nil {
		return t.Add(noon * time.Hour), nil
	}
	if f, err := strconv.ParseFloat(in, 64); err == nil {
		// Excel's day 1 is 1900-01-01 and it counts a 29 Feb 1900 that
		// never was, so serials from 61 on are days since 1899-12-30.
		if f >= 36526 && f < 73051 { // 2000-01-01 .. 2099-12-31
			days := int(f)
			frac := f - float64(days)
			t := time.Date(1899, 12, 30, 0, 0, 0, 0, loc).AddDate(0, 0, days)
			if frac == 0 {
				return t.Add(noon * time.Hour), nil
			}
			return t.Add(time.Duration(frac*86400+0.5) * time.Second), nil
		}
		return time.Time{}, fmt.Errorf("Date %s is a number, not a date; write it like 2026-11-30 or 30/11/2026.", quote(in))
	}
	datePart, timePart, _ := strings.Cut(in, " ")
	if t, ok := numericDate(datePart, loc); ok {
		if timePart == "" {
			return t.Add(noon * time.Hour), nil
		}
		if c, err := time.Parse("15:04", strings.TrimSpace(timePart)); err == nil {
			return t.Add(time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute), nil
		}
	}
	if t, ok := wordDate(in, loc); ok {
		return t.Add(noon * time.Hour), nil
	}
	return time.Time{}, fmt.Errorf("Date %s is not a date I can read; write it like 2026-11-30 or 30/11/2026.", quote(in))
}

// numericDate reads d/m/y with / - or . between, day first unless only
// month first makes sense. A two-digit year is 20yy.
func numericDate(s string, loc *time.Location) (time.Time, bool) {
	var parts []string
	for _, sep := range []string{"/", "-", "."} {
		if p := strings.Split(s, sep); len(p) == 3 {
			parts = p
			break
		}
	}
	if parts == nil {
		return time.Time{}, false
	}
	n := make([]int, 3)
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return time.Time{}, false
		}
		n[i] = v
	}
	d, m, y := n[0], n[1], n[2]
	if m > 12 && d <= 12 {
		d, m = m, d
	}
	if y < 100 {
		y += 2000
	}
	return validDate(y, m, d, loc)
}

// wordDate reads "30 Nov 2026", "30 November 2026", "Nov 30, 2026" and
// Indonesian "30 Desember 2026", optionally after a weekday ("Senin, ").
func wordDate(s string, loc *time.Location) (time.Time, bool) {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == ',' || r == '-' || r == '/' })
	if len(f) == 4 {
		f = f[1:]
	}
	if len(f) != 3 {
		return time.Time{}, false
	}
	if m, ok := monthWords[strings.TrimSuffix(f[1], ".")]; ok {
		d, err1 := strconv.Atoi(f[0])
		y, err2 := strconv.Atoi(f[2])
		if err1 == nil && err2 == nil {
			return validDate(y, int(m), d, loc)
		}
	}
	if m, ok := monthWords[strings.TrimSuffix(f[0], ".")]; ok {
		d, err1 := strconv.Atoi(f[1])
		y, err2 := strconv.Atoi(f[2])
		if err1 == nil && err2 == nil {
			return validDate(y, int(m), d, loc)
		}
	}
	return time.Time{}, false
}

func validDate(y, m, d int, loc *time.Location) (time.Time, bool) {
	if y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if t.Day() != d { // 31/11 would roll over
		return time.Time{}, false
	}
	return t, true
}
