package bot

import (
	"strings"
	"testing"
	"time"

	"pocbot/store"
)

func TestParseVoucherArgs(t *testing.T) {
	idr, _ := store.CurrencyFor("IDR")
	known := func(w string) bool { return strings.EqualFold(w, "11.11") || w == "ramadan" }
	tests := []struct {
		name string
		in   string
		want voucherArgs
		err  string
	}{
		{"Plain", "@sari Glow Serum 150000", voucherArgs{"@sari", "Glow Serum", 150000, ""}, ""},
		{"Campaign", "@sari Glow Serum 150k 11.11", voucherArgs{"@sari", "Glow Serum", 150000, "11.11"}, ""},
		{"SpacedAmount", "@sari Serum Rp 150.000 ramadan", voucherArgs{"@sari", "Serum", 150000, "ramadan"}, ""},
		{"NumberInProduct", "@sari Serum 2 150000", voucherArgs{"@sari", "Serum 2", 150000, ""}, ""},
		{"UnknownCampaign", "@sari Serum 150k nope", voucherArgs{"@sari", "Serum", 150000, "nope"}, ""},
		{"TooFew", "@sari 150k", voucherArgs{}, "Give the creator"},
		{"NoValue", "@sari Glow Serum", voucherArgs{}, "value"},
		{"Zero", "@sari Serum 0", voucherArgs{}, "more than zero"},
		{"ZeroBeforeKnownCampaign", "@sari Lipstick 0 11.11", voucherArgs{}, "more than zero"},
		{"Fraction", "@sari Serum 1500.5", voucherArgs{}, "whole amount"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseVoucherArgs(tc.in, idr, known)
			if tc.err != "" {
				if err == nil || !strings.Contains(store.ErrorMessage(err), tc.err) {
					t.Errorf("parseVoucherArgs(%q) error = %v, want %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("parseVoucherArgs(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestParseExportArgs(t *testing.T) {
	loc := time.FixedZone("WIB", 7*3600)
	c, from, to, err := parseExportArgs("11.11 2026-11-01 2026-11-30", loc)
	if err != nil || c != "11.11" || !from.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, loc)) || !to.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, loc)) {
		t.Errorf("got %q %v %v %v", c, from, to, err)
	}
	for _, bad := range []string{"2026-11-01", "2026-11-30 2026-11-01", "a b", "2026-13-01 2026-12-01"} {
		if _, _, _, err := parseExportArgs(bad, loc); err == nil {
			t.Errorf("parseExportArgs(%q) = nil error", bad)
		}
	}
}

func TestSplitCodeRest(t *testing.T) {
	for _, tc := range []struct{ in, code, rest string }{
		{"SMP-7KQ3-9XF2-M4T9 creator cancelled", "SMP-7KQ3-9XF2-M4T9", "creator cancelled"},
		{"smp 7kq3 9xf2 m4t9 dup", "smp 7kq3 9xf2 m4t9", "dup"},
		{"SMP-7KQ3-9XF2-M4T8 typo", "SMP-7KQ3-9XF2-M4T8", "typo"},
		{"junk reason", "junk", "reason"},
	} {
		if c, r := splitCodeRest(tc.in); c != tc.code || r != tc.rest {
			t.Errorf("splitCodeRest(%q) = %q, %q; want %q, %q", tc.in, c, r, tc.code, tc.rest)
		}
	}
}
