package store

import (
	"strings"
	"testing"
)

var goodHandles = []struct{ in, want string }{
	{"budi", "budi"},
	{"@Budi.JKT", "budi.jkt"},
	{"  @sari_beauty  ", "sari_beauty"},
	{"ab", "ab"}, // Shortest.
	{"abcdefghijklmnopqrstuvwx", "abcdefghijklmnopqrstuvwx"}, // Longest: 24.
	{"a.b_c.9", "a.b_c.9"},
	{"_under_", "_under_"},   // Underscores may start and end a handle.
	{"budi.jkt", "budi.jkt"}, // Already normalised: idempotent.
	{"\tRINA123\n", "rina123"},
	{"\u2068@rina_cook\u2069\u200e", "rina_cook"}, // Bidi marks from a copied name.
}

var badHandles = []struct {
	name, in string
	want     []string // Substrings of the message.
}{
	{"Empty", "", []string{"A TikTok handle is required."}},
	{"OnlyAt", "@", []string{`"@" is too short`}},
	{"TooShort", "@a", []string{`"@a" is too short`, "2–24 characters"}},
	{"TooLong", strings.Repeat("a", 25), []string{"too long", "(25 characters)"}},
	{"Space", "budi jkt", []string{`"budi jkt"`, "contains a space"}},
	{"Dash", "budi-jkt", []string{`contains "-"`}},
	{"DoubleAt", "@@budi", []string{`contains "@"`}},
	{"LeadingDot", ".budi", []string{"starts or ends with a dot"}},
	{"TrailingDot", "budi.", []string{"starts or ends with a dot"}},
	{"DoubleDot", "bu..di", []string{"two dots in a row"}},
	{"NonASCII", "búdi", []string{`contains "ú"`}},
	{"Emoji", "budi🔥", []string{`contains "🔥"`}},
	{"ZeroWidth", "bu\u200bdi", []string{`"budi"`, "an invisible character"}},
	{"UserMention", "<@U012AB3CD>", []string{"Slack user mention", "not a TikTok handle"}},
	{"Mailto", "<mailto:budi@example.com|budi@example.com>", []string{"Slack link"}},
	{"URL", "<https://www.tiktok.com/@budi>", []string{"Slack link"}},
	{"Control", "bu\x1bdi", []string{`"budi"`, "invisible"}},
	{"LongInputTruncated", strings.Repeat("x", 30) + "!" + strings.Repeat("y", 30),
		[]string{`"` + strings.Repeat("x", 30) + "!" + strings.Repeat("y", 9) + `…"`}},
}

func TestNormalizeHandle(t *testing.T) {
	for _, tc := range goodHandles {
		t.Run(tc.in, func(t *testing.T) {
			got, err := NormalizeHandle(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("NormalizeHandle(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	for _, tc := range badHandles {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeHandle(tc.in)
			if ErrorCode(err) != Invalid {
				t.Fatalf("NormalizeHandle(%q) = %q, %v; want Invalid", tc.in, got, err)
			}
			msg := ErrorMessage(err)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("NormalizeHandle(%q) message %q does not contain %q", tc.in, msg, w)
				}
			}
			if !strings.HasSuffix(msg, ".") {
				t.Errorf("message %q is not a full sentence", msg)
			}
		})
	}
}

func TestParseFollowers(t *testing.T) {
	good := []struct {
		in   string
		want int64
	}{
		{"15000", 15000},
		{"15.000", 15000}, // Indonesian grouping.
		{"15,000", 15000}, // English grouping.
		{"1.234.567", 1234567},
		{"15 000", 15000},
		{"120k", 120000},
		{"120K", 120000},
		{"1.2m", 1200000},
		{"1,2M", 1200000}, // Decimal comma.
		{"1.25m", 1250000},
		{"1,5jt", 1500000}, // juta.
		{"300rb", 300000},  // ribu.
		{"300 ribu", 300000},
		{"2 juta", 2000000},
		{"0.5k", 500},
		{"2b", 2000000000},
		{"10b", 10000000000}, // The maximum.
		{"0", 0},
		{" 42 ", 42},
	}
	for _, tc := range good {
		t.Run(tc.in, func(t *testing.T) {
			if got, err := ParseFollowers(tc.in); err != nil || got != tc.want {
				t.Errorf("ParseFollowers(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
			}
		})
	}
	bad := []struct{ in, want string }{
		{"", "A follower count is required"},
		{"lots", `"lots" is not a follower count`},
		{"-5", "not a follower count"},
		{"15.5", "not a follower count"},     // Decimals need a suffix.
		{"1.2345", "not a follower count"},   // Not grouped in threes.
		{"15.000,5", "not a follower count"}, // Mixed separators.
		{"1.234m", "not a follower count"},   // At most two decimals.
		{"k", "not a follower count"},
		{"1.2.3k", "not a follower count"},
		{"12kk", "not a follower count"},
		{"10.1b", "limit is 10 billion"},
		{"10000000001", "limit is 10 billion"},
		{"99999999999999999999", "limit is 10 billion"},
		{"99999999999999999999k", "limit is 10 billion"},
	}
	for _, tc := range bad {
		t.Run("Bad/"+tc.in, func(t *testing.T) {
			got, err := ParseFollowers(tc.in)
			if ErrorCode(err) != Invalid || !strings.Contains(ErrorMessage(err), tc.want) {
				t.Errorf("ParseFollowers(%q) = %d, %v; want Invalid containing %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestParsePitchStatus(t *testing.T) {
	good := []struct {
		in   string
		want PitchStatus
	}{
		{"pitched", PitchPitched},
		{"Interested", PitchInterested},
		{" AGREED ", PitchAgreed},
		{"declined", PitchDeclined},
		{"no response", PitchNoResponse},
		{"no_response", PitchNoResponse},
		{"noresponse", PitchNoResponse},
		{"No-Response", PitchNoResponse},
		{"setuju", PitchAgreed},
		{"Tertarik", PitchInterested},
		{"tolak", PitchDeclined},
		{"tidak ada respon", PitchNoResponse},
		{"Tidak ada respons", PitchNoResponse},
	}
	for _, tc := range good {
		t.Run(tc.in, func(t *testing.T) {
			if got, err := ParsePitchStatus(tc.in); err != nil || got != tc.want {
				t.Errorf("ParsePitchStatus(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	for _, in := range []string{"", "yes", "agree", "no"} {
		t.Run("Bad/"+in, func(t *testing.T) {
			_, err := ParsePitchStatus(in)
			if ErrorCode(err) != Invalid || !strings.Contains(ErrorMessage(err), "Use one of: pitched, interested, agreed, declined, no response.") {
				t.Errorf("ParsePitchStatus(%q) err = %v, want Invalid listing the statuses", in, err)
			}
		})
	}
}

func TestPitchStatus_LabelOpen(t *testing.T) {
	tests := []struct {
		s     PitchStatus
		label string
		open  bool
	}{
		{PitchPitched, "Pitched", true},
		{PitchInterested, "Interested", true},
		{PitchAgreed, "Agreed", false},
		{PitchDeclined, "Declined", false},
		{PitchNoResponse, "No response", false},
	}
	for _, tc := range tests {
		if got := tc.s.Label(); got != tc.label {
			t.Errorf("%q.Label() = %q, want %q", tc.s, got, tc.label)
		}
		if got := tc.s.Open(); got != tc.open {
			t.Errorf("%q.Open() = %v, want %v", tc.s, got, tc.open)
		}
	}
	if got := len(PitchStatuses()); got != len(tests) {
		t.Errorf("len(PitchStatuses()) = %d, want %d", got, len(tests))
	}
}
