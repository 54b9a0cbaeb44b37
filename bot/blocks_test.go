package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEsc(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"<!channel>", "&lt;!channel&gt;"},
		{"<@U123|bob>", "&lt;@U123|bob&gt;"},
		{"a & b", "a &amp; b"},
		{"hi @here and @channel", "hi @\u2060here and @\u2060channel"},
		{"bell\x07 and nul\x00", "bell and nul"},
		{"bad \xff utf8", "bad  utf8"},
		{"keep\nnewline\ttab", "keep\nnewline\ttab"},
		{"rtl \u202eevil\u202c override", "rtl evil override"},
	}
	for _, tc := range tests {
		if got := esc(tc.in); got != tc.want {
			t.Errorf("esc(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("héllo wörld", 5); got != "héll…" {
		t.Errorf("truncate = %q", got)
	}
	if got := truncate("short", 10); got != "short" {
		t.Errorf("truncate = %q", got)
	}
	long := strings.Repeat("é", 5000)
	if n := utf8.RuneCountInString(truncate(long, maxTextLen)); n != maxTextLen {
		t.Errorf("truncate to %d runes gave %d", maxTextLen, n)
	}
}

func TestQuote(t *testing.T) {
	got := quote(strings.Repeat("x", 100) + "`")
	if utf8.RuneCountInString(got) != 42 || !strings.HasPrefix(got, "`") || strings.Count(got, "`") != 2 {
		t.Errorf("quote = %q", got)
	}
}

func TestJoinLines(t *testing.T) {
	var lines []string
	for i := 0; i < 500; i++ {
		lines = append(lines, strings.Repeat("x", 100))
	}
	blocks := joinLines(lines)
	if len(blocks) < 17 {
		t.Errorf("joinLines made %d blocks; 50,000 characters need at least 17", len(blocks))
	}
}

func TestFitBlocks(t *testing.T) {
	blocks := joinLines(make([]string, 0))
	if len(fitBlocks(blocks, 50, "more")) != 0 {
		t.Error("empty in, empty out")
	}
	var many = joinLines(func() []string {
		var l []string
		for i := 0; i < 200; i++ {
			l = append(l, strings.Repeat("y", 2999))
		}
		return l
	}())
	if got := len(fitBlocks(many, 50, "more")); got != 50 {
		t.Errorf("fitBlocks = %d blocks, want 50", got)
	}
}

func TestSeen(t *testing.T) {
	s := newSeen(minute)
	now := testNow
	if !s.first("a", now) || s.first("a", now.Add(30*second)) {
		t.Error("second sighting within TTL must be a duplicate")
	}
	if !s.first("a", now.Add(2*minute)) {
		t.Error("after the TTL an ID is new again")
	}
	if !s.first("", now) || !s.first("", now) {
		t.Error("an empty ID is never deduplicated")
	}
}
