package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

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
			{"METRIC N [@person|team] [daily|weekly]", "set a target from today (admins); metrics: pitches, agreed, vouchers, issues_resolved, tasks_done, content_posted; 0 removes it"},
			{"holiday add YYYY-MM-DD [name]", "mark a team holiday (admins), e.g. 2026-12-25 Natal: no targets, streaks or nudges that day"},
			{"holiday remove YYYY-MM-DD", "make a holiday a normal day again (admins)"},
			{"holiday list", "upcoming holidays"},
			{"nudges off|on", "stop or restart the afternoon DM when you are behind"},
			{"report [lastweek|week|month|lastmonth|YYYY-MM-DD..YYYY-MM-DD]", "the report with charts (attainment, funnel, issues, tasks) in your DM; default last week"},
			{"help", "this help"},
		},
		Examples: []string{"/target", "/target pitches 10 @ana", "/target agreed 8 team weekly", "/target holiday add 2026-12-25 Natal", "/target nudges off"},
		Run:      b.targetCommand,
	})
	b.rt.action(actionTargetSetAnyway, b.targetSetAnyway)
	b.rt.action(actionTargetAdjust, b.targetAdjust)
	b.rt.action(actionTargetSetSuggested, b.targetSetSuggested)
	b.targetScopeRoutes()
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
	case "report":
		return b.targetReport(ctx, r, rest)
	}
	if _, ok := closest(first, []string{"holiday", "nudges", "report"}); ok && !slices.Contains(store.Metrics(), strings.ToLower(first)) {
		return b.notUnderstood(r, first, rest) // "reprot", "holday add …"
	}
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("set targets (type /target to see your progress)")
	}
	a, err := parseTargetArgs(r.Text)
	if err != nil {
		return err
	}
	if a.UserID == scopeMe {
		a.UserID = r.UserID
	}
	if !a.ScopeSet {
		return b.reply(ctx, r, scopeQuestion(a, b.metricLabel(a.Metric)))
	}
	return b.proposeTarget(ctx, r, a, false)
}

func periodWord(p string) string {
	if p == store.Weekly {
		return "a week"
	}
	return "a day"
}

// applyTarget stores a and confirms, with note (safe mrkdwn) on its own
// line; replace edits the message with the buttons.
func (b *Bot) applyTarget(ctx context.Context, r *Request, a targetArgs, replace bool, note string) error {
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
	label := b.metricLabel(a.Metric)
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
		if note != "" {
			text += "\n" + note
		}
	}
	b.refreshHome(ctx, r.UserID)
	if a.UserID != "" && a.UserID != r.UserID {
		b.refreshHome(ctx, a.UserID)
	}
	return b.reply(ctx, r, msg{text: notifyText(text), blocks: []slack.Block{section(text)}, replace: replace})
}

// pendingTarget travels in the Set anyway / Adjust buttons and the modal.
type pendingTarget struct {
	Metric string `json:"m"`
	UserID string `json:"u,omitempty"`
	Period string `json:"p"`
	Value  int    `json:"v"`
	// PeriodSet: the command named the period (removing then ends only
	// that one).
	PeriodSet bool `json:"ps,omitempty"`
}

func (a targetArgs) encode() string {
	v, _ := json.Marshal(pendingTarget{a.Metric, a.UserID, a.Period, a.Value, a.PeriodSet}) // plain fields always marshal
	return string(v)
}

func decodePending(s string) (targetArgs, error) {
	var p pendingTarget
	if err := json.Unmarshal([]byte(s), &p); err != nil || p.Metric == "" {
		return targetArgs{}, errorf("That button is damaged; set the target again with /target.")
	}
	return targetArgs{Metric: p.Metric, Value: p.Value, UserID: p.UserID, Period: p.Period, ScopeSet: true, PeriodSet: p.PeriodSet}, nil
}

func (b *Bot) targetSetAnyway(ctx context.Context, r *Request) error {
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("set targets")
	}
	a, err := decodePending(r.Action.Value)
	if err != nil {
		return err
	}
	return b.applyTarget(ctx, r, a, true, "")
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
		a.PeriodSet = true // picked in the form: 0 ends that period's target, not the other's
	}
	r.ChannelID = meta.Channel
	return nil, func(ctx context.Context) error { return b.proposeTarget(ctx, r, a, false) }, nil
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

// progressText is today's and this week's progress with bars; a weekly
// target shows as the week with its pace, and the team's work by people
// without a target apart.
func progressText(name string, bd progress.Board, metrics []progress.Metric) string {
	lines := []string{name}
	for _, m := range metrics {
		if !m.Tracked {
			lines = append(lines, fmt.Sprintf("• %s: _not tracked yet_", m.Label))
			continue
		}
		t, w := bd.Today[m.Name], bd.Week[m.Name]
		var l string
		if bd.Weekly[m.Name] {
			l = fmt.Sprintf("• %s this week %s `%s` %d%%", m.Label, fraction(w), bar(w), w.Pct())
			if exp := bd.Expected[m.Name]; exp > 0 {
				l += fmt.Sprintf(", pace %d%% (%d due by today)", w.Done*100/exp, exp)
			}
			l += fmt.Sprintf(" · today %d", t.Done)
		} else {
			l = fmt.Sprintf("• %s today %s", m.Label, fraction(t))
			if t.Target > 0 {
				l += fmt.Sprintf(" `%s` %d%%", bar(t), t.Pct())
			}
			l += " · this week " + strings.TrimPrefix(weekText("", w, bd.Expected[m.Name]), " ")
		}
		if o, ok := bd.Outside[m.Name]; ok && (o.Today > 0 || o.Week > 0) {
			l += fmt.Sprintf(" · _by people without a target: %d today, %d this week_", o.Today, o.Week)
		}
		lines = append(lines, l)
	}
	if bd.Streak > 0 {
		lines = append(lines, "• streak: "+plural(bd.Streak, "working day", "working days")+" on target")
	}
	return strings.Join(lines, "\n")
}

const targetFootnote = "Targets are judged on working days only. Admins set them with `/target METRIC N [@person|team] [daily|weekly]`."

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
