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
	// Names are display names by user ID (users.info); MentionsMax is
	// POCBOT_DIGEST_MENTIONS_MAX: a digest listing at most that many
	// people mentions them, a larger one (or 0) shows names. Owners who
	// must act (actMention) are mentioned either way.
	Names       map[string]string
	MentionsMax int
	Holidays    []store.Holiday // announced when within holidayAhead days
}

// actMention mentions a person who must act on a digest line (an SLA
// breach's owner): buildDigest keeps it a mention when it turns the other
// mentions into names.
func actMention(userID string) string { return "<@" + userID + "|act>" }

// personText is how the digest names userID: a mention for a small team
// (mentions), else the display name, escaped.
func (in *digestInput) personText(userID string, mentions bool) string {
	if mentions {
		return "<@" + userID + ">"
	}
	n := in.Names[userID]
	if n == "" {
		n = "@" + userID // not a mention: plain text
	}
	return esc(n)
}

// people turns the mentions in a section line into names (or plain
// mentions for a small team), keeping actMention's mentions.
func (in *digestInput) people(line string, mentions bool) string {
	return mentionRE.ReplaceAllStringFunc(line, func(m string) string {
		sub := mentionRE.FindStringSubmatch(m)
		if sub[2] == "|act" {
			return "<@" + sub[1] + ">"
		}
		return in.personText(sub[1], mentions)
	})
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
	mentions := in.MentionsMax > 0 && len(s.People()) <= in.MentionsMax

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
	if h := upcomingHolidays(in.Holidays, in.Day, cal.Location()); h != "" {
		head = append(head, contextText(h))
		plain = append(plain, toPlain(h))
	}
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
			var ls []string
			for _, l := range sec.Lines {
				ls = append(ls, in.people(l, mentions))
			}
			lines = append([]string{fmt.Sprintf("*%s:*", sec.Title)}, bullets(ls)...)
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
		people = append(people, boardText("*"+in.personText(u, mentions)+"*", s.Board(u), &f, in.Metrics, prevName))
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

// headlineText is the team's attainment on the previous working day
// (a weekly target's week through that day, against the part due by
// then), as mrkdwn and as a short plain fallback. Without any figure for
// that day it names the team targets in force from today, if any.
func headlineText(team progress.Board, metrics []progress.Metric, prevName string) (string, string) {
	scores := progress.HeadlineScores(team, metrics)
	pct, ok := progress.Attainment(scores, metrics)
	var parts []string
	for _, m := range metrics {
		sc, has := scores[m.Name]
		if !has {
			continue
		}
		if team.Prev[m.Name].Target == 0 && team.PrevExpected[m.Name] > 0 {
			if wt := team.PrevWeek[m.Name].Target; wt != sc.Target {
				parts = append(parts, fmt.Sprintf("%s %d/%d due by %s (week %d)", m.Label, sc.Done, sc.Target, prevName, wt))
			} else {
				parts = append(parts, fmt.Sprintf("%s %d/%d (week)", m.Label, sc.Done, sc.Target))
			}
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s", m.Label, fraction(sc)))
	}
	detail := strings.Join(parts, ", ")
	if !ok {
		var from []string
		for _, m := range metrics {
			switch {
			case team.Weekly[m.Name] && team.Week[m.Name].Target > 0:
				from = append(from, fmt.Sprintf("%s %d this week", m.Label, team.Week[m.Name].Target))
			case team.Today[m.Name].Target > 0:
				from = append(from, fmt.Sprintf("%s %d today", m.Label, team.Today[m.Name].Target))
			}
		}
		if len(from) > 0 {
			t := strings.Join(from, ", ")
			return fmt.Sprintf("*Team targets from today:* %s. %s: %s.", t, prevName, detail),
				fmt.Sprintf("team targets from today: %s; %s: %s", t, prevName, detail)
		}
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
// today so far, week to date with pace, streak, the team's work outside
// its figures and (for people, whose funnel is not nil) the funnel.
func boardText(name string, bd progress.Board, funnel *store.Funnel, metrics []progress.Metric, prevName string) string {
	var prev, today, week, outside []string
	for _, m := range metrics {
		sc, ok := bd.Prev[m.Name]
		if !ok {
			continue
		}
		switch {
		case sc.Target > 0:
			mark := "✗"
			if sc.Met() {
				mark = "✓"
			}
			prev = append(prev, fmt.Sprintf("%s %d/%d `%s` %d%% %s", m.Label, sc.Done, sc.Target, bar(sc), sc.Pct(), mark))
		case bd.Weekly[m.Name]:
			prev = append(prev, fmt.Sprintf("%s %d (weekly target)", m.Label, sc.Done))
		default:
			prev = append(prev, fmt.Sprintf("%s %d (no target)", m.Label, sc.Done))
		}
		today = append(today, fmt.Sprintf("%s %s", m.Label, fraction(bd.Today[m.Name])))
		week = append(week, weekText(m.Label, bd.Week[m.Name], bd.Expected[m.Name]))
		if o, ok := bd.Outside[m.Name]; ok {
			outside = append(outside, fmt.Sprintf("%s %d %s, %d today, %d this week", m.Label, o.Prev, prevName, o.Today, o.Week))
		}
	}
	streak := "no streak"
	switch {
	case bd.StreakCapped:
		streak = fmt.Sprintf("streak %d+ working days", bd.Streak)
	case bd.Streak > 0:
		streak = "streak " + plural(bd.Streak, "working day", "working days")
	}
	lines := []string{name + " — " + streak,
		"• " + prevName + ": " + strings.Join(prev, " · "),
		"• Today so far: " + strings.Join(today, " · "),
		"• Week to date: " + strings.Join(week, " · "),
	}
	if len(outside) > 0 {
		lines = append(lines, "• By people without a target (not counted above): "+strings.Join(outside, " · "))
	}
	if f := funnel; f != nil {
		lines = append(lines, fmt.Sprintf("• Funnel %s: %d pitched → %d interested → %d agreed (%d declined, %d no response)",
			prevName, f.Pitched, f.Interested, f.Agreed, f.Declined, f.NoResponse))
	}
	return strings.Join(lines, "\n")
}

// weekText is "label done/target, pace N%" for the week to date.
func weekText(label string, w progress.Score, expected int) string {
	s := fmt.Sprintf("%s %s", label, fraction(w))
	if expected > 0 {
		s += fmt.Sprintf(", pace %d%%", w.Done*100/expected)
	}
	return s
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
