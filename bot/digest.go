package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
)

// digestInput is everything buildDigest needs; the job fetches it. The
// progress input holds the team's counts and targets (teamProgress).
type digestInput struct {
	progress.Input
	Funnel   *store.PitchStats // pitches created on the previous working day
	Week     *store.PitchStats // pitches created this week to date
	Sections []sectionOut
	Late     bool
}

// sectionOut is one digest section's content; Tracked is false when no
// feature provides it yet.
type sectionOut struct {
	Title   string
	Tracked bool
	Lines   []string // safe mrkdwn
}

// digest is a rendered digest: the head message, thread replies, and the
// same content as plain text.
type digest struct {
	Text       string
	Blocks     []slack.Block
	Thread     [][]slack.Block
	ThreadText []string
	Plain      string
}

// Message budget for the digest: Slack allows 50 blocks; keeping the text
// near 12,000 characters keeps a message readable and far from the 40,000
// truncation.
const (
	digestMaxBlocks = 45
	digestMaxChars  = 12000
)

// buildDigest renders the digest of in.Day. It is a pure function of its
// input: the job fetches, this formats, and tests compare it to a golden file.
func buildDigest(in *digestInput) digest {
	s := progress.NewScorer(&in.Input)
	cal := in.Cal
	prev := cal.PrevWorking(in.Day)
	prevName := prev.Format("Mon 2 Jan")
	title := "Daily digest — " + in.Day.Format("Mon 2 Jan 2006")
	team := s.Board("")

	headline, short := headlineText(team, in.Metrics, prevName)
	var head []slack.Block
	var plain []string
	add := func(text string) {
		head = append(head, section(text))
		plain = append(plain, toPlain(text))
	}
	head = append(head, header(title))
	plain = append(plain, title, strings.Repeat("=", utf8.RuneCountInString(title)))
	if in.Late {
		add(":hourglass: _Posted late: pocbot was not running at the scheduled time._")
	}
	add(headline)
	add(boardText("*Team*", team, nil, in.Metrics, prevName))
	add(funnelText("Pitch funnel", in.Funnel, in.Week, prevName))
	for _, sec := range in.Sections {
		var lines []string
		switch {
		case !sec.Tracked:
			lines = []string{fmt.Sprintf("*%s:* _not tracked yet_", sec.Title)}
		case len(sec.Lines) == 0:
			lines = []string{fmt.Sprintf("*%s:* none :white_check_mark:", sec.Title)}
		default:
			lines = append([]string{fmt.Sprintf("*%s:*", sec.Title)}, bullets(sec.Lines)...)
		}
		for _, b := range joinLines(lines) {
			head = append(head, b)
		}
		for _, l := range lines {
			plain = append(plain, toPlain(l))
		}
	}
	var untracked []string
	for _, m := range in.Metrics {
		if !m.Tracked {
			untracked = append(untracked, m.Label)
		}
	}
	if len(untracked) > 0 {
		t := "_Not tracked yet: " + strings.Join(untracked, ", ") + "._"
		head = append(head, contextText(t))
		plain = append(plain, toPlain(t))
	}
	var people []string
	for _, u := range s.People() {
		var f store.Funnel
		if in.Funnel != nil {
			f = in.Funnel.PerUser[u]
		}
		people = append(people, boardText(fmt.Sprintf("*<@%s>*", u), s.Board(u), &f, in.Metrics, prevName))
	}
	if len(people) == 0 {
		people = []string{"_No one has targets or logged work yet. Set a target with `/target pitches 10 @person`._"}
	}
	plain = append(plain, "", "Per person", "----------")
	for _, p := range people {
		plain = append(plain, toPlain(p), "")
	}
	personBlocks := append([]slack.Block{section("*Per person*")}, joinLines(people)...)

	msgs := splitMessages(append(head, personBlocks...), digestMaxBlocks, digestMaxChars)
	d := digest{Text: title + ": " + short, Blocks: msgs[0], Plain: strings.Join(plain, "\n") + "\n"}
	for i, m := range msgs[1:] {
		d.Thread = append(d.Thread, m)
		d.ThreadText = append(d.ThreadText, fmt.Sprintf("%s, continued (%d/%d)", title, i+2, len(msgs)))
	}
	return d
}

// headlineText is the team's attainment on the previous working day, as
// mrkdwn and as a short plain fallback.
func headlineText(team progress.Board, metrics []progress.Metric, prevName string) (string, string) {
	pct, ok := progress.Attainment(team.Prev, metrics)
	var parts []string
	for _, m := range metrics {
		if sc, has := team.Prev[m.Name]; has {
			parts = append(parts, fmt.Sprintf("%s %s", m.Label, fraction(sc)))
		}
	}
	detail := strings.Join(parts, ", ")
	if !ok {
		return fmt.Sprintf("*No team targets yet.* %s: %s. Set one with `/target pitches 10 team`.", prevName, detail),
			fmt.Sprintf("no team targets yet; %s: %s", prevName, detail)
	}
	mark := ":white_check_mark:"
	if pct < 100 {
		mark = ":small_orange_diamond:"
	}
	return fmt.Sprintf("%s *Team attainment %s: %d%%* — %s", mark, prevName, pct, detail),
		fmt.Sprintf("team attainment %s %d%% (%s)", prevName, pct, detail)
}

// boardText is one board as mrkdwn lines: previous working day with bars,
// today so far, week to date with pace, streak and (for people, whose
// funnel is not nil) the funnel.
func boardText(name string, bd progress.Board, funnel *store.Funnel, metrics []progress.Metric, prevName string) string {
	var prev, today, week []string
	for _, m := range metrics {
		sc, ok := bd.Prev[m.Name]
		if !ok {
			continue
		}
		if sc.Target > 0 {
			mark := "✗"
			if sc.Met() {
				mark = "✓"
			}
			prev = append(prev, fmt.Sprintf("%s %d/%d `%s` %d%% %s", m.Label, sc.Done, sc.Target, bar(sc), sc.Pct(), mark))
		} else {
			prev = append(prev, fmt.Sprintf("%s %d (no target)", m.Label, sc.Done))
		}
		today = append(today, fmt.Sprintf("%s %s", m.Label, fraction(bd.Today[m.Name])))
		w := bd.Week[m.Name]
		wl := fmt.Sprintf("%s %s", m.Label, fraction(w))
		if exp := bd.Expected[m.Name]; exp > 0 {
			wl += fmt.Sprintf(", pace %d%%", w.Done*100/exp)
		}
		week = append(week, wl)
	}
	streak := "no streak"
	switch {
	case bd.StreakCapped:
		streak = fmt.Sprintf("streak %d+ working days", bd.Streak)
	case bd.Streak > 0:
		streak = fmt.Sprintf("streak %d working day(s)", bd.Streak)
	}
	lines := []string{name + " — " + streak,
		"• " + prevName + ": " + strings.Join(prev, " · "),
		"• Today so far: " + strings.Join(today, " · "),
		"• Week to date: " + strings.Join(week, " · "),
	}
	if f := funnel; f != nil {
		lines = append(lines, fmt.Sprintf("• Funnel %s: %d pitched → %d interested → %d agreed (%d declined, %d no response)",
			prevName, f.Pitched, f.Interested, f.Agreed, f.Declined, f.NoResponse))
	}
	return strings.Join(lines, "\n")
}

// funnelText is the team's pitch funnel for the previous working day and
// the week to date.
func funnelText(title string, prev, week *store.PitchStats, prevName string) string {
	f := func(st *store.PitchStats) string {
		if st == nil {
			return "no data"
		}
		t := st.Team
		return fmt.Sprintf("%d pitched → %d interested → %d agreed (%d declined, %d no response)",
			t.Pitched, t.Interested, t.Agreed, t.Declined, t.NoResponse)
	}
	return fmt.Sprintf("*%s*\n• %s: %s\n• This week: %s", title, prevName, f(prev), f(week))
}

// fraction is "done/target", or "done" when there is no target.
func fraction(sc progress.Score) string {
	if sc.Target <= 0 {
		return fmt.Sprint(sc.Done)
	}
	return fmt.Sprintf("%d/%d", sc.Done, sc.Target)
}

// bar is a ten-cell text progress bar, full at 100% and beyond.
func bar(sc progress.Score) string {
	n := min(sc.Pct()/10, 10)
	return strings.Repeat("█", n) + strings.Repeat("░", 10-n)
}

func bullets(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "• " + l
	}
	return out
}

// splitMessages cuts blocks into messages of at most maxBlocks blocks and
// about maxChars characters of text each.
func splitMessages(blocks []slack.Block, maxBlocks, maxChars int) [][]slack.Block {
	var out [][]slack.Block
	var cur []slack.Block
	chars := 0
	for _, b := range blocks {
		n := blockChars(b)
		if len(cur) > 0 && (len(cur) >= maxBlocks || chars+n > maxChars) {
			out = append(out, cur)
			cur, chars = nil, 0
		}
		cur = append(cur, b)
		chars += n
	}
	if len(cur) > 0 || len(out) == 0 {
		out = append(out, cur)
	}
	return out
}

func blockChars(b slack.Block) int {
	switch v := b.(type) {
	case *slack.SectionBlock:
		if v.Text != nil {
			return utf8.RuneCountInString(v.Text.Text)
		}
	case *slack.HeaderBlock:
		return utf8.RuneCountInString(v.Text.Text)
	case *slack.ContextBlock:
		n := 0
		for _, e := range v.ContextElements.Elements {
			if t, ok := e.(*slack.TextBlockObject); ok {
				n += utf8.RuneCountInString(t.Text)
			}
		}
		return n
	}
	return 100
}
