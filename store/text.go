package store

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on free text, in runes. Slack's own limits are larger; these keep
// records and replies readable.
const (
	MaxProductLen     = 200
	MaxNoteLen        = 3000
	MaxDisplayNameLen = 100
	MaxCategoryLen    = 50
	MaxContactLen     = 200
	maxQuoteLen       = 40 // quoteInput truncates echoed input to this.
)

// quoteInput prepares user input for an error message: control and other
// non-printable characters (zero-width spaces included) are dropped, the
// result is cut to maxQuoteLen runes and wrapped in double quotes. The Slack
// layer still escapes &, < and > when it renders the message.
func quoteInput(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if !unicode.IsPrint(r) {
			continue
		}
		if n == maxQuoteLen {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return `"` + b.String() + `"`
}

// checkLen returns Invalid if s (already trimmed) is longer than max runes.
// what is the sentence subject, e.g. "The product".
func checkLen(what, s string, max int) error {
	if n := utf8.RuneCountInString(s); n > max {
		return Errorf(Invalid, "%s can be at most %d characters; this one has %d.", what, max, n)
	}
	return nil
}
