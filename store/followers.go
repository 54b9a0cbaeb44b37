package store

import (
	"strconv"
	"strings"
)

// MaxFollowers is the largest follower count accepted: 10 billion.
const MaxFollowers int64 = 10_000_000_000

// followerSuffixes are the short forms, longest first so "rb" is tried
// before "b". Indonesian "rb"/"ribu" (thousand) and "jt"/"juta" (million)
// are what the Jakarta team types.
var followerSuffixes = []struct {
	text string
	mult int64
}{
	{"ribu", 1e3}, {"juta", 1e6},
	{"rb", 1e3}, {"jt", 1e6}, {"bn", 1e9},
	{"k", 1e3}, {"m", 1e6}, {"b", 1e9},
}

// ParseFollowers parses a follower count as people type it:
//
//	15000, 15.000, 15,000, 15 000   whole numbers, "." "," or space grouping thousands
//	120k, 1.2m, 1,5jt, 300rb, 2b    a short form with at most two decimals
//
// Returns Invalid, quoting the input, for anything else, for a number with
// decimals but no suffix, and for counts above MaxFollowers.
func ParseFollowers(s string) (int64, error) {
	in := s
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	if s == "" {
		return 0, Errorf(Invalid, "A follower count is required, for example 15000 or 120k.")
	}
	mult := int64(1)
	for _, sf := range followerSuffixes {
		if rest, ok := strings.CutSuffix(s, sf.text); ok {
			s, mult = rest, sf.mult
			break
		}
	}
	var n int64
	var ok bool
	if mult == 1 {
		n, ok = parseGrouped(s)
	} else {
		n, ok = parseDecimal(s, mult)
	}
	if !ok {
		return 0, Errorf(Invalid, "%s is not a follower count. Write a whole number such as 15000 or 15.000, "+
			"or a short form such as 120k, 1.2m or 1,5jt.", quoteInput(in))
	}
	if n < 0 || n > MaxFollowers {
		return 0, Errorf(Invalid, "%s is more followers than anyone has; the limit is 10 billion.", quoteInput(in))
	}
	return n, nil
}

// parseGrouped parses digits optionally grouped in threes by one kind of
// separator: "15000", "15.000", "1,234,567". n is -1 when too large.
func parseGrouped(s string) (n int64, ok bool) {
	sepIdx := strings.IndexAny(s, ".,")
	if sepIdx < 0 {
		return parseDigits(s)
	}
	groups := strings.Split(s, s[sepIdx:sepIdx+1])
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return 0, false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return 0, false
		}
	}
	return parseDigits(strings.Join(groups, ""))
}

// parseDecimal parses "1", "1.2" or "1,25" and multiplies by mult exactly.
func parseDecimal(s string, mult int64) (n int64, ok bool) {
	whole, frac, _ := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	if len(frac) > 2 || whole == "" {
		return 0, false
	}
	w, ok := parseDigits(whole)
	if !ok {
		return 0, false
	}
	if w > MaxFollowers/mult {
		return -1, true
	}
	n = w * mult
	if frac != "" {
		f, ok := parseDigits(frac)
		if !ok {
			return 0, false
		}
		scale := int64(10)
		if len(frac) == 2 {
			scale = 100
		}
		n += f * mult / scale
	}
	return n, true
}

// parseDigits parses a non-empty run of ASCII digits. n is -1 when the
// value does not fit, so the caller reports "too large" not "malformed".
func parseDigits(s string) (n int64, ok bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1, true // All digits, so the only failure is overflow.
	}
	return n, true
}
