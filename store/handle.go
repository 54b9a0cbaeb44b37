package store

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Handle length limits, as TikTok enforces them.
const (
	minHandleLen = 2
	maxHandleLen = 24
)

// handleRules ends every invalid-handle message.
const handleRules = "A TikTok handle has 2–24 characters: letters, digits, underscores (_) and dots (.), " +
	"and it cannot start or end with a dot or contain two dots in a row."

// NormalizeHandle turns user input into the canonical creator key: surrounding
// space (and invisible format characters such as the direction marks that
// come with text copied from apps) and one leading "@" are removed, and
// letters are lower-cased, so "@Budi.JKT " becomes "budi.jkt". It is
// idempotent.
//
// Slack rewrites some text before the bot sees it: a mention of a Slack user
// arrives as <@U123> and links as <https://…> or <mailto:…>. Those are never
// handles and are rejected with a message that says so.
//
// Returns Invalid, with a message that quotes the input and states the rules.
func NormalizeHandle(raw string) (string, error) {
	s := strings.TrimFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) })
	if s == "" {
		return "", Errorf(Invalid, "A TikTok handle is required. %s", handleRules)
	}
	if strings.HasPrefix(s, "<") {
		what := "a Slack link"
		if strings.HasPrefix(s, "<@") {
			what = "a Slack user mention"
		}
		return "", Errorf(Invalid, "%s is %s, not a TikTok handle. Type the handle as plain text, for example @budi.jkt.",
			quoteInput(s), what)
	}
	h := strings.ToLower(strings.TrimPrefix(s, "@"))
	for _, r := range h {
		if !isHandleRune(r) {
			return "", Errorf(Invalid, "%s is not a valid TikTok handle: it contains %s. %s",
				quoteInput(s), describeRune(r), handleRules)
		}
	}
	switch n := utf8.RuneCountInString(h); {
	case n < minHandleLen:
		return "", Errorf(Invalid, "%s is too short to be a TikTok handle. %s", quoteInput(s), handleRules)
	case n > maxHandleLen:
		return "", Errorf(Invalid, "%s is too long to be a TikTok handle (%d characters). %s", quoteInput(s), n, handleRules)
	case strings.HasPrefix(h, ".") || strings.HasSuffix(h, "."):
		return "", Errorf(Invalid, "%s is not a valid TikTok handle: it starts or ends with a dot. %s", quoteInput(s), handleRules)
	case strings.Contains(h, ".."):
		return "", Errorf(Invalid, "%s is not a valid TikTok handle: it has two dots in a row. %s", quoteInput(s), handleRules)
	}
	return h, nil
}

// isHandleRune reports whether r may appear in a normalised handle.
func isHandleRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.'
}

// describeRune names a character for an error message.
func describeRune(r rune) string {
	switch {
	case unicode.IsSpace(r):
		return "a space"
	case quoteInput(string(r)) == `""`:
		return "an invisible character"
	}
	return quoteInput(string(r))
}
