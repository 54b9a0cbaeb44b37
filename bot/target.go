package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
)

const (
	actionTargetSetAnyway = "target_set_anyway"
	actionTargetAdjust    = "target_adjust"
	targetAdjustModalID   = "target_adjust_modal"
	targetBlockValue      = "target_value"
	targetBlockPeriod     = "target_period"
)

func (b *Bot) targetRoutes() {
	b.rt.command(&command{
		Name:    "/target",
		Summary: "targets: your and the team's progress, set targets (admins), holidays, nudges",
		Usage: []usage{
			{"", "today's and this week's progress against targets, yours and the team's"},
			{"METRIC N [@person|team] [daily|weekly]", "set a target from today (admins); metrics: pitches, agreed, vouchers, issues_resolved, tasks_done; 0 removes it"},
			{"holiday add|remove YYYY-MM-DD", "mark a team holiday (admins): no targets, streaks or nudges that day"},
			{"holiday list", "upcoming holidays"},
			{"nudges off|on", "stop or restart the afternoon DM when you are behind"},
			{"help", "this help"},
		},
		Examples: []string{"/target", "/target pitches 10 @ana", "/target agreed 8 team weekly", "/target holiday add 2026-12-25", "/target nudges off"},
		Run:      b.targetCommand,
	})
	b.rt.action(actionTargetSetAnyway, b.targetSetAnyway)
	b.rt.action(actionTargetAdjust, b.targetAdjust)
	b.rt.view(targetAdjustModalID, b.submitTargetAdjust)
}

func (b *Bot) targetCommand(ctx context.Context, r *Request) error {
	first, rest := splitWord(r.Text)
	switch strings.ToLower(first) {
	case "":
		return b.targetShow(ctx, r)
	case "holiday", "holidays":
		return b.targetHoliday(ctx, r, rest)
	case "nudges", "nudge":
		return b.targetNudges(ctx, r, rest)
	}
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("set targets (type /target to see your progress)")
	}
	a, err := parseTargetArgs(r.Text)
	if err != nil {
		return err
	}
	if a.Value > 0 {
		warn, err := b.realism(ctx, a)
		if err != nil {
			return err
		}
		if warn != "" {
			return b.reply(ctx, r, realismMsg(a, warn))
		}
	}
	return b.applyTarget(ctx, r, a, false)
}

func periodWord(p string) string {
	if p == store.Weekly {
		return "a week"
	}
	return "a day"
}

// applyTarget stores a and confirms; replace edits the message with the
// buttons.
func (b *Bot) applyTarget(ctx context.Context, r *Request, a targetArgs, replace bool) error {
	now := b.Now()
	from := now.In(b.cfg.Location).Format("2006-01-02")
	prevVal := 0
	if ts, err := b.db.Targets(ctx); err == nil {
		prevVal = progress.NewBook(ts).At(a.Metric, a.UserID, a.Period, from)
	}
	if _, err := b.db.SetTarget(ctx, store.Target{Metric: a.Metric, UserID: a.UserID, Period: a.Period, Value: a.Value,
		From: from, SetBy: r.UserID}); err != nil {
		return err
	}
	label := metricLabels[a.Metric]
	var text string
	if a.Value == 0 {
		text = fmt.Sprintf(":white_check_mark: No %s %s target for %s from today (was %d).", a.Period, label, scopeName(a.UserID), prevVal)
	} else {
		text = fmt.Sprintf(":white_check_mark: Target set: *%d %s %s* for %s, from today %s", a.Value, label, periodWord(a.Period),
			scopeName(a.UserID), now.In(b.cfg.Location).Format("Mon 2 Jan"))
		if prevVal > 0 {
			text += fmt.Sprintf(" (was %d)", prevVal)
		}
		text += ". Earlier days keep the target they had."
		if _, ok := b.prov.metrics[a.Metric]; !ok {
			text += " Note: " + label + " is not tracked yet, so progress shows once that feature is live."
		}
	}
	b.refreshHome(ctx, r.UserID)
	if a.UserID != "" && a.UserID != r.UserID {
		b.refreshHome(ctx, a.UserID)
	}
	return b.reply(ctx, r, msg{text: notifyText(text), blocks: []slack.Block{section(text)}, replace: replace})
}

// realism compares a with the trailing 14-working-day throughput of the
// person or team and returns a warning (safe mrkdwn) if the target exceeds
// the best day or 1.5× the median day, or "" if it fits.
func (b *Bot) realism(ctx context.Context, a targetArgs) (string, error) {
	m, tracked := b.prov.metrics[a.Metric]
	if !tracked {
		return "", nil // no history to judge by
	}
	now := b.Now()
	cal, err := b.calendar(ctx)
	if err != nil {
		return "", err
	}
	days := progress.RealismWindow(cal, now)
	if len(days) == 0 {
		return "", nil
	}
	// One pass over the consecutive days from the first working day of
	// the window to the last; days off in between are not judged.
	var bounds []time.Time
	for d := days[0]; !d.After(days[len(days)-1]); d = d.AddDate(0, 0, 1) {
		bounds = append(bounds, d)
	}
	counts, err := m.CountDays(ctx, append(bounds, days[len(days)-1].AddDate(0, 0, 1)))
	if err != nil {
		return "", err
	}
	var per []int
	for i, d := range bounds {
		if !cal.Working(d) || i >= len(counts) {
			continue
		}
		n := 0
		if a.UserID == "" {
			for _, v := range counts[i] {
				n += v
			}
		} else {
			n = counts[i][a.UserID]
		}
		per = append(per, n)
	}
	v := progress.JudgeTarget(a.Value, a.Period, len(cal.WeekWorking(now)), per)
	if v.Realistic() {
		return "", nil
	}
	median, best := v.Median, v.Best
	unit := "a day"
	if a.Period == store.Weekly {
		unit = fmt.Sprintf("a week (≈%.1f a working day)", v.PerDay)
	}
	who := "their"
	if a.UserID == "" {
		who = "the team's"
	}
	w := fmt.Sprintf(":warning: *This target looks unrealistic.* %d %s %s for %s, but over the last %d working days %s median day was *%s* and best day *%d*",
		a.Value, m.Label, unit, scopeName(a.UserID), len(per), who, trimFloat(median), best)
	switch {
	case best == 0:
		w += fmt.Sprintf(" — nothing was recorded in those %d working days (today is not counted), so there is no history to judge it by: start lower and raise it as the numbers come in.", len(per))
	case v.AboveBest && v.AboveMedian:
		w += " — it is above both the best day and 1.5× the median."
	case v.AboveBest:
		w += " — it is above the best day."
	default:
		w += fmt.Sprintf(" — it is above 1.5× the median (%s).", trimFloat(1.5*median))
	}
	load, err := b.workloadText(ctx, a.UserID, now)
	if err != nil {
		return "", err
	}
	return w + "\nOpen workload now: " + load + ".", nil
}

// workloadText lists the open workload of userID ("" = team).
func (b *Bot) workloadText(ctx context.Context, userID string, now time.Time) (string, error) {
	var parts []string
	for _, w := range workloadOrder {
		f, ok := b.prov.workload[w.name]
		if !ok {
			parts = append(parts, w.label+": not tracked yet")
			continue
		}
		c, err := f(ctx, now)
		if err != nil {
			return "", err
		}
		n := 0
		if userID == "" {
			for _, v := range c {
				n += v
			}
		} else {
			n = c[userID]
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, w.label))
	}
	return strings.Join(parts, ", "), nil
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0")
}

// pendingTarget travels in the Set anyway / Adjust buttons and the modal.
type pendingTarget struct {
	Metric string `json:"m"`
	UserID string `json:"u,omitempty"`
	Period string `json:"p"`
	Value  int    `json:"v"`
}

func (a targetArgs) encode() string {
	v, _ := json.Marshal(pendingTarget{a.Metric, a.UserID, a.Period, a.Value}) // plain fields always marshal
	return string(v)
}

func decodePending(s string) (targetArgs, error) {
	var p pendingTarget
	if err := json.Unmarshal([]byte(s), &p); err != nil || p.Metric == "" {
		return targetArgs{}, errorf("That button is damaged; set the target again with /target.")
	}
	return targetArgs{p.Metric, p.Value, p.UserID, p.Period}, nil
}

func realismMsg(a targetArgs, warn string) msg {
	set := button(actionTargetSetAnyway, a.encode(), "Set anyway")
	set.Style = slack.StyleDanger
	adj := button(actionTargetAdjust, a.encode(), "Adjust")
	adj.Style = slack.StylePrimary
	return msg{text: notifyText(warn), blocks: []slack.Block{section(warn), slack.NewActionBlock("target_realism", set, adj)}}
}

func (b *Bot) targetSetAnyway(ctx context.Context, r *Request) error {
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("set targets")
	}
	a, err := decodePending(r.Action.Value)
	if err != nil {
		return err
	}
	return b.applyTarget(ctx, r, a, true)
}

// targetAdjust opens the target form prefilled with the proposed target.
func (b *Bot) targetAdjust(ctx context.Context, r *Request) error {
	a, err := decodePending(r.Action.Value)
	if err != nil {
		return err
	}
	meta := viewMeta{Channel: r.ChannelID, Ref: a.encode()}
	v := modal(targetAdjustModalID, "Adjust target", "Set target", meta,
		section(fmt.Sprintf("*%s* for %s. The check compares it with the last %d working days.", metricLabels[a.Metric], scopeName(a.UserID), progress.RealismDays)),
		textInput(targetBlockValue, "Target", "a whole number, e.g. 8", strconv.Itoa(a.Value), false, 6, false),
		selectInput(targetBlockPeriod, "Period", a.Period, false, option(store.Daily, "Daily"), option(store.Weekly, "Weekly")),
	)
	if err := b.openModal(ctx, r, v); err != nil {
		return err
	}
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("set targets")
	}
	return nil
}

func (b *Bot) submitTargetAdjust(ctx context.Context, r *Request) (*slack.ViewSubmissionResponse, func(context.Context) error, error) {
	if !b.isAdmin(r.UserID) {
		return nil, nil, b.notAdmin("set targets")
	}
	meta := decodeMeta(r.Callback.View.PrivateMetadata)
	a, err := decodePending(meta.Ref)
	if err != nil {
		return nil, nil, err
	}
	st := viewState(r)
	n, err := strconv.Atoi(st.text(targetBlockValue))
	if err != nil || n < 0 || n > store.MaxTargetValue {
		return fieldErrors{targetBlockValue: fmt.Sprintf("Write a whole number from 0 (no target) to %d.", store.MaxTargetValue)}.response(), nil, nil
	}
	a.Value = n
	if p := st.text(targetBlockPeriod); p == store.Daily || p == store.Weekly {
		a.Period = p
	}
	r.ChannelID = meta.Channel
	return nil, func(ctx context.Context) error { return b.applyTarget(ctx, r, a, false) }, nil
}

// targetShow replies with today's and this week's progress for the user
// and the team.
func (b *Bot) targetShow(ctx context.Context, r *Request) error {
	in, err := b.teamProgress(ctx, b.Now())
	if err != nil {
		return err
	}
	s := progress.NewScorer(in)
	me, team := s.Board(r.UserID), s.Board("")
	var lines []string
	if !in.Cal.Working(in.Day) {
		lines = append(lines, ":palm_tree: Today is a day off: no targets today.")
	}
	lines = append(lines, progressText("*You*", me, in.Metrics), progressText("*Team*", team, in.Metrics))
	return b.reply(ctx, r, msg{text: "Your progress and the team's against targets, today and this week.", blocks: append(joinLines(lines), contextText(targetFootnote))})
}

// progressText is today's and this week's progress with bars.
func progressText(name string, bd progress.Board, metrics []progress.Metric) string {
	lines := []string{name}
	for _, m := range metrics {
		if !m.Tracked {
			lines = append(lines, fmt.Sprintf("• %s: _not tracked yet_", m.Label))
			continue
		}
		t, w := bd.Today[m.Name], bd.Week[m.Name]
		l := fmt.Sprintf("• %s today %s", m.Label, fraction(t))
		if t.Target > 0 {
			l += fmt.Sprintf(" `%s` %d%%", bar(t), t.Pct())
		}
		l += fmt.Sprintf(" · this week %s", fraction(w))
		if exp := bd.Expected[m.Name]; exp > 0 {
			l += fmt.Sprintf(", pace %d%%", w.Done*100/exp)
		}
		lines = append(lines, l)
	}
	if bd.Streak > 0 {
		lines = append(lines, fmt.Sprintf("• streak: %d working day(s) on target", bd.Streak))
	}
	return strings.Join(lines, "\n")
}

const targetFootnote = "Targets are judged on working days only. Admins set them with `/target METRIC N [@person|team] [daily|weekly]`."

func (b *Bot) targetHoliday(ctx context.Context, r *Request, rest string) error {
	verb, date := splitWord(rest)
	switch strings.ToLower(verb) {
	case "", "list":
		hs, err := b.db.Holidays(ctx)
		if err != nil {
			return err
		}
		today := b.Now().In(b.cfg.Location).Format("2006-01-02")
		var lines []string
		for _, h := range hs {
			if h.Date >= today {
				d, _ := time.Parse("2006-01-02", h.Date)
				lines = append(lines, fmt.Sprintf("• %s (%s)", h.Date, d.Format("Monday")))
			}
		}
		text := "*Upcoming holidays*\n" + strings.Join(lines, "\n")
		if len(lines) == 0 {
			text = "No upcoming holidays. Admins add one with `/target holiday add YYYY-MM-DD`."
		}
		return b.reply(ctx, r, msg{text: notifyText(text), blocks: joinLines([]string{text})})
	case "add", "remove", "delete", "rm":
	default:
		return errorf("Write /target holiday add YYYY-MM-DD, /target holiday remove YYYY-MM-DD or /target holiday list.")
	}
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("change holidays")
	}
	if _, err := store.ParseDate(date); err != nil {
		return err
	}
	var text string
	if strings.ToLower(verb) == "add" {
		if err := b.db.AddHoliday(ctx, date, r.UserID); err != nil {
			return err
		}
		text = fmt.Sprintf(":palm_tree: %s is a holiday: no targets, streaks, nudges or digest that day.", date)
	} else {
		if err := b.db.RemoveHoliday(ctx, date, r.UserID); err != nil {
			return err
		}
		text = fmt.Sprintf(":white_check_mark: %s is a normal day again.", date)
	}
	return b.reply(ctx, r, msg{text: notifyText(text), blocks: []slack.Block{section(text)}})
}

func (b *Bot) targetNudges(ctx context.Context, r *Request, rest string) error {
	var on bool
	switch strings.ToLower(strings.TrimSpace(rest)) {
	case "on":
		on = true
	case "off":
	default:
		return errorf("Write /target nudges off to stop the afternoon reminder, or /target nudges on to get it again.")
	}
	if err := b.db.SetNudges(ctx, r.UserID, on); err != nil {
		return err
	}
	text := ":no_bell: Nudges off: I won't DM you when you're behind on a target. `/target nudges on` turns them back on."
	if on {
		text = ":bell: Nudges on: if you're under half of a daily target by the afternoon, I'll DM you what's left."
	}
	b.refreshHome(ctx, r.UserID)
	return b.reply(ctx, r, msg{text: notifyText(text), blocks: []slack.Block{section(text)}})
}
