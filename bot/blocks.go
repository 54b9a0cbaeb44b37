package bot

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Block Kit limits (SLACK.md §3). Slack answers invalid_blocks when one is
// exceeded, so every piece of user text passes through these helpers.
const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxTextLen       = 3000
	maxFieldLen      = 2000
	maxHeaderLen     = 150
	maxButtonText    = 75
	maxOptionText    = 75
	maxOptionValue   = 150
	maxContextElems  = 10
	maxActionElems   = 25
	maxPlaceholder   = 150
	maxTitleLen      = 24
	maxMetadataLen   = 3000
	// maxFallbackText keeps the notification text far below Slack's 40,000
	// truncation; 4,000 is what Slack historically asked for.
	maxFallbackText = 4000
)

// escaper turns Slack's three control characters into entities. With them
// escaped, user text can never form <!channel>, <@U…> or a link.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// broadcasts are the plain-text forms some clients still link; a word joiner
// after the @ keeps them readable but inert.
var broadcasts = strings.NewReplacer(
	"@channel", "@\u2060channel", "@here", "@\u2060here", "@everyone", "@\u2060everyone",
	"@Channel", "@\u2060Channel", "@Here", "@\u2060Here", "@Everyone", "@\u2060Everyone",
	"@CHANNEL", "@\u2060CHANNEL", "@HERE", "@\u2060HERE", "@EVERYONE", "@\u2060EVERYONE",
)

// esc makes user-supplied text safe to show in mrkdwn: control characters
// removed, Slack's markup characters escaped, broadcast words defused.
func esc(s string) string {
	return broadcasts.Replace(escaper.Replace(clean(s)))
}

// clean drops invalid UTF-8, control characters other than newline and
// tab, and bidirectional overrides (U+202A–U+202E, U+2066–U+2069), which
// would make the rest of a line read backwards.
func clean(s string) string {
	drop := func(r rune) bool {
		return r == utf8.RuneError || (unicode.IsControl(r) && r != '\n' && r != '\t') || unicode.Is(unicode.Bidi_Control, r)
	}
	if !strings.ContainsFunc(s, drop) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "") {
		if !drop(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// truncate shortens s to at most n runes, ending with an ellipsis when cut.
func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// quote shows a short excerpt of user input, in backticks, as plain text:
// it still needs esc (replyError does that for coded errors).
func quote(s string) string {
	s = strings.Join(strings.Fields(clean(s)), " ")
	return "`" + strings.ReplaceAll(truncate(s, 40), "`", "'") + "`"
}

// md is a mrkdwn text object clipped to the text limit. Callers escape user
// text with esc before it reaches md; verbatim stops Slack from auto-linking.
func md(s string) *slack.TextBlockObject {
	if s == "" {
		s = " "
	}
	return slack.NewTextBlockObject(slack.MarkdownType, truncate(s, maxTextLen), false, true)
}

// plain is a plain_text object clipped to n runes.
func plain(s string, n int) *slack.TextBlockObject {
	s = strings.TrimSpace(clean(s))
	if s == "" {
		s = "-"
	}
	return slack.NewTextBlockObject(slack.PlainTextType, truncate(s, n), false, false)
}

// section is a mrkdwn section block.
func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(md(text), nil, nil)
}

// contextText is a context block with one mrkdwn element.
func contextText(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", md(text))
}

// header is a header block clipped to its 150-character limit.
func header(text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(plain(text, maxHeaderLen))
}

// button is a button whose label and value fit Slack's limits.
func button(actionID, value, label string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, truncate(value, 2000), plain(label, maxButtonText))
}

// fallback builds the notification text that accompanies blocks: plain,
// escaped and short, because mobile notifications show only this.
func fallback(s string) string {
	return truncate(s, maxFallbackText)
}

// fitBlocks keeps a message within max blocks: if there are more, the tail is
// replaced by a context block saying how many were left out.
func fitBlocks(blocks []slack.Block, max int, more string) []slack.Block {
	if len(blocks) <= max {
		return blocks
	}
	out := append([]slack.Block(nil), blocks[:max-1]...)
	return append(out, contextText(more))
}

// joinLines joins lines into as few mrkdwn sections as the text limit allows.
func joinLines(lines []string) []slack.Block {
	var blocks []slack.Block
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			blocks = append(blocks, section(cur.String()))
			cur.Reset()
		}
	}
	for _, l := range lines {
		l = truncate(l, maxTextLen)
		if utf8.RuneCountInString(cur.String())+utf8.RuneCountInString(l)+1 > maxTextLen {
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(l)
	}
	flush()
	return blocks
}

// plural is "1 pitch" or "3 pitches".
//
// It is the one plural helper: every message that counts something uses it
// (a test rejects "(s)" in any message template), so "1 pitch" and
// "2 pitches" read right.
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// verbS picks the verb agreeing with a count: verbS(1, "needs", "need").
func verbS(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// pct is n/d as a rounded whole percent, "–" when d is 0.
func pct(n, d int) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%d%%", (n*100+d/2)/d)
}

var (
	mentionRE = regexp.MustCompile(`<@([A-Z0-9]+)(\|[^>]*)?>`)
	// italicRE is mrkdwn italics: underscores around words, not the ones
	// inside ramadan_2026, sari_beauty or :palm_tree:.
	italicRE = regexp.MustCompile(`(^|[\s(])_([^_\n]+?)_([\s).,;:!?]|$)`)
)

// toPlain turns mrkdwn into plain text for the terminal (pocbot digest
// --print). It unescapes &lt; &gt; &amp;, so its output must never be sent
// to Slack as is: messages use notifyText.
func toPlain(s string) string {
	s = mentionRE.ReplaceAllString(s, "@$1")
	s = italicRE.ReplaceAllString(s, "$1$2$3")
	s = strings.NewReplacer("*", "", "`", "", "&lt;", "<", "&gt;", ">", "&amp;", "&",
		":white_check_mark:", "✓", ":small_orange_diamond:", "◆", ":hourglass:", "⌛",
		":red_circle:", "🔴", ":warning:", "⚠").Replace(s)
	return s
}

// notifyText is a message's notification fallback: the mrkdwn stripped of
// formatting, still escaped, so user text can never form a mention.
func notifyText(s string) string { return esc(toPlain(s)) }
