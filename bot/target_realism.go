package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
)

// The realism check's loader and its messages; the rule is
// progress.Judge's.

const actionTargetSetSuggested = "target_set_suggested"

// checkTarget judges a against the history of its person (or the team),
// the team's distribution and, for a person, their open workload now.
// tracked is false when the metric has no feature counting it (nothing to
// judge by).
func (b *Bot) checkTarget(ctx context.Context, a targetArgs) (c progress.Check, tracked bool, err error) {
	m, tracked := b.prov.metrics[a.Metric]
	now := b.Now()
	cal, err := b.calendar(ctx)
	if err != nil {
		return c, tracked, err
	}
	p := progress.Proposal{Metric: a.Metric, Value: a.Value, Period: a.Period, WeekDays: len(cal.WeekWorking(now))}
	var hist progress.History
	var ref progress.TeamRef
	days := progress.RealismWindow(cal, now)
	if tracked && len(days) > 0 {
		per, err := b.countWindow(ctx, m, cal, days)
		if err != nil {
			return c, tracked, err
		}
		counts := make([]int, len(days))
		users := map[string][]int{}
		for i, day := range per {
			for u, n := range day {
				if a.UserID == "" || u == a.UserID {
					counts[i] += n
				}
				if u != a.UserID {
					if users[u] == nil {
						users[u] = make([]int, len(days))
					}
					users[u][i] = n
				}
			}
		}
		hist = progress.NewHistory(cal, days, counts)
		var others []progress.History
		for _, cs := range users {
			others = append(others, progress.NewHistory(cal, days, cs))
		}
		ref = progress.NewTeamRef(others)
	}
	var load *progress.Load
	if a.UserID != "" {
		if load, err = b.personLoad(ctx, a.UserID, now); err != nil {
			return c, tracked, err
		}
	}
	return progress.Judge(p, a.UserID == "", hist, ref, load), tracked, nil
}

// countWindow counts m on each of days (working days, oldest first) in one
// pass over the calendar days they span.
func (b *Bot) countWindow(ctx context.Context, m metricSource, cal progress.Calendar, days []time.Time) ([]map[string]int, error) {
	var bounds []time.Time
	for d := days[0]; !d.After(days[len(days)-1]); d = d.AddDate(0, 0, 1) {
		bounds = append(bounds, d)
	}
	bounds = append(bounds, days[len(days)-1].AddDate(0, 0, 1))
	all, err := m.CountDays(ctx, bounds)
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	for i, d := range bounds[:len(bounds)-1] {
		idx[cal.DateKey(d)] = i
	}
	out := make([]map[string]int, len(days))
	for i, d := range days {
		if j, ok := idx[cal.DateKey(d)]; ok && j < len(all) {
			out[i] = all[j]
		}
	}
	return out, nil
}

// personLoad is userID's open work now: task units and the pace their
// due dates need, capacity, open issues and follow-ups due.
func (b *Bot) personLoad(ctx context.Context, userID string, now time.Time) (*progress.Load, error) {
	caps, err := b.db.TaskCapacities(ctx)
	if err != nil {
		return nil, err
	}
	ts, err := b.db.TasksByAssignee(ctx, userID, true, 0)
	if err != nil {
		return nil, err
	}
	l := &progress.Load{Capacity: b.capacityOf(caps, userID), OpenTasks: len(ts)}
	var paces []progress.TaskPace
	for i := range ts {
		t := &ts[i]
		l.TaskUnits += t.Outstanding()
		paces = append(paces, progress.TaskPace{Outstanding: t.Outstanding(), Days: b.workdaysBetween(now, b.dueDay(t)),
			Pitching: t.Kind == store.KindPitching})
	}
	l.TaskPerDay, l.PitchingPerDay = progress.PerDay(paces)
	if _, ok := b.prov.workload[workloadIssues]; ok {
		// The person's own issues from the assignee index, not the team's
		// decoded (the registered source counts everyone's).
		is, err := b.db.ActiveIssuesFor(ctx, userID)
		if err != nil {
			return nil, err
		}
		l.Issues = len(is)
	}
	if f, ok := b.prov.workload[workloadFollowups]; ok {
		c, err := f(ctx, now)
		if err != nil {
			return nil, err
		}
		l.FollowupsDue = c[userID]
	}
	return l, nil
}

// num is a figure as shown, to one decimal: 5, 5.5, 7.3.
func num(f float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0")
}

// perWhat is "a day" or "a week".
func perWhat(period string) string { return periodWord(period) }

// realismWarning is the message for an unrealistic target: what is wrong
// with the figures and the rule, then the open workload (safe mrkdwn).
func realismWarning(a targetArgs, c progress.Check, label string) string {
	who := scopeName(a.UserID)
	var parts []string
	if c.OverHistory {
		s := fmt.Sprintf(":warning: *%d %s %s looks unrealistic for %s.* ", a.Value, label, perWhat(a.Period), who)
		s += historyFigures(a, c, label)
		s += fmt.Sprintf(" The check calls a target unrealistic when it is more than %d%% above that level: here above *%d*.",
			int(progress.Stretch*100), c.HistoryLimit)
		parts = append(parts, s)
	}
	if c.OverCapacity {
		l := c.Load
		var s string
		if !c.Units {
			s = fmt.Sprintf(":warning: *%s is over capacity already.* Their open tasks need *%d units a working day* to meet their due dates "+
				"(%s, %d units outstanding), against a capacity of *%d* (`POCBOT_DAILY_CAPACITY` or `/task capacity`): any new target only fits if tasks slip. "+
				"Move tasks first (`/task load`).", who, l.TaskPerDay, plural(l.OpenTasks, "open task", "open tasks"), l.TaskUnits, l.Capacity)
		} else {
			head := "only fits if nothing else is done"
			if l.TaskPerDay == 0 {
				head = "is above their capacity"
			}
			s = fmt.Sprintf(":warning: *%d %s %s for %s %s.* ", a.Value, label, perWhat(a.Period), who, head)
			s += capacityArithmetic(a, c, label) + "."
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n")
}

// historyFigures is the sentence of figures the history verdict rests on.
func historyFigures(a targetArgs, c progress.Check, label string) string {
	subject, poss := "They", "their"
	if a.UserID == "" {
		subject, poss = "The team", "its"
	}
	s := fmt.Sprintf("%s recorded %s on *%d* of the last %d working days; on those days %s recent best sustained level was *%s a day* (upper quartile; median %s, best %d)",
		subject, label, c.Active, c.Days, poss, num(c.UQ), num(c.Median), c.Best)
	if a.Period == store.Weekly {
		s += fmt.Sprintf(", and in a busy week %s work %s of this week's %d working days: *%s a week*", strings.ToLower(subject), num(c.PerWeek), c.WeekDays, num(c.UQ*c.PerWeek))
	}
	return s + "."
}

// capacityArithmetic states need = target + tasks > capacity.
func capacityArithmetic(a targetArgs, c progress.Check, label string) string {
	l := c.Load
	per := c.PerDay()
	perText := fmt.Sprintf("%d %s", per, label)
	if a.Period == store.Weekly {
		perText = fmt.Sprintf("%d %s a working day (%d over %d days)", per, label, a.Value, c.WeekDays)
	}
	other := l.TaskPerDay - l.PitchingPerDay
	if l.TaskPerDay == 0 {
		return fmt.Sprintf("At one unit each it needs more than %s capacity of *%d units a working day* (`POCBOT_DAILY_CAPACITY` or `/task capacity`), before any task",
			scopePossessive(a.UserID), l.Capacity)
	}
	var sum string
	switch {
	case a.Metric == store.MetricPitches && l.PitchingPerDay > 0:
		sum = fmt.Sprintf("the larger of %s and the %d their Pitching tasks need (pitches count toward both), plus %d units of other tasks", perText, l.PitchingPerDay, other)
	default:
		sum = fmt.Sprintf("%s plus %d units a day their open tasks need to meet their due dates (%s, %d units outstanding)", perText, l.TaskPerDay,
			plural(l.OpenTasks, "task", "tasks"), l.TaskUnits)
	}
	return fmt.Sprintf("%s is *%d units a working day*, more than %s capacity of *%d* (`POCBOT_DAILY_CAPACITY` or `/task capacity`)",
		capitalize(sum), c.Need, scopePossessive(a.UserID), l.Capacity)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func scopePossessive(userID string) string {
	if userID == "" {
		return "the team's"
	}
	return "<@" + userID + ">'s"
}

// workloadLine is the open workload of a person, for every message.
func workloadLine(l *progress.Load) string {
	if l == nil {
		return ""
	}
	return fmt.Sprintf("Open now: %s (%d units outstanding, %d a day to meet due dates) of a capacity of %d units a day, %s, %s.",
		plural(l.OpenTasks, "task", "tasks"), l.TaskUnits, l.TaskPerDay, l.Capacity,
		plural(l.Issues, "open issue", "open issues"), plural(l.FollowupsDue, "follow-up due", "follow-ups due"))
}

// realismNote is what the confirmation of a target that passed says about
// the check: the figures it fits, or what it will compare against once
// there is history.
func realismNote(a targetArgs, c progress.Check, tracked bool, label string) string {
	if !tracked {
		return ""
	}
	var s string
	switch {
	case c.Judged:
		s = "Within reach. " + strings.TrimSuffix(historyFigures(a, c, label), ".") + fmt.Sprintf("; the check allows up to %d.", c.HistoryLimit)
	default:
		who := "they"
		if a.UserID == "" {
			who = "the team"
		}
		s = fmt.Sprintf(":information_source: Not judged against history yet: %s recorded %s on %d of the last %d working days (today not counted)",
			who, label, c.Active, c.Days)
		if c.Active > 0 {
			s += fmt.Sprintf(", best day %d", c.Best)
		}
		s += fmt.Sprintf(". With %d active days the check compares a target with %s upper quartile on the days worked.", progress.MinActiveDays,
			map[bool]string{true: "the team's", false: "their"}[a.UserID == ""])
		if a.UserID != "" && c.Ref.People > 0 {
			s += fmt.Sprintf(" For reference, teammates with history (%d) do a median of *%s* %s a day on the days they work on it (upper quartile %s).",
				c.Ref.People, num(c.Ref.Median), label, num(c.Ref.UQ))
		}
	}
	if c.Load != nil && c.Load.Capacity > 0 && c.Units {
		s += fmt.Sprintf(" Workload fits: %d of %d units a day.", c.Need, c.Load.Capacity)
	}
	return s
}

// realismMsg asks what to do with an unrealistic target: the closest
// realistic value, Set anyway, or Adjust.
func realismMsg(a targetArgs, c progress.Check, label, team string) msg {
	warn := realismWarning(a, c, label)
	if wl := workloadLine(c.Load); wl != "" && !(c.OverCapacity && !c.Units) {
		warn += "\n" + wl
	}
	if team != "" {
		warn += "\n" + team
	}
	var els []slack.BlockElement
	if c.Suggest > 0 {
		s := a
		s.Value = c.Suggest
		warn += fmt.Sprintf("\nClosest realistic target: *%d %s %s*.", c.Suggest, label, perWhat(a.Period))
		btn := button(actionTargetSetSuggested, s.encode(), fmt.Sprintf("Set %d instead", c.Suggest))
		btn.Style = slack.StylePrimary
		els = append(els, btn)
	}
	set := button(actionTargetSetAnyway, a.encode(), fmt.Sprintf("Set %d anyway", a.Value))
	set.Style = slack.StyleDanger
	els = append(els, set, button(actionTargetAdjust, a.encode(), "Adjust"))
	return msg{text: notifyText(warn), blocks: []slack.Block{section(warn), slack.NewActionBlock("target_realism", els...)}}
}

// proposeTarget runs the check on a and sets it, or asks when it looks
// unrealistic. replace edits the message the button was on.
func (b *Bot) proposeTarget(ctx context.Context, r *Request, a targetArgs, replace bool) error {
	if err := b.targetForPerson(ctx, a.UserID); err != nil {
		return err
	}
	if a.Value == 0 {
		return b.removeTarget(ctx, r, a, replace)
	}
	c, tracked, err := b.checkTarget(ctx, a)
	if err != nil {
		return err
	}
	label := b.metricLabel(a.Metric)
	team := ""
	if a.UserID == "" {
		if team, err = b.teamWorkloadLine(ctx); err != nil {
			return err
		}
	}
	if !c.Realistic() {
		m := realismMsg(a, c, label, team)
		m.replace = replace
		return b.reply(ctx, r, m)
	}
	note := realismNote(a, c, tracked, label)
	if team != "" {
		note = strings.TrimSpace(note + "\n" + team)
	}
	return b.applyTarget(ctx, r, a, replace, note)
}

// teamWorkloadLine is the team's open work now, for a team target.
func (b *Bot) teamWorkloadLine(ctx context.Context) (string, error) {
	ts, err := b.db.OpenTasks(ctx)
	if err != nil {
		return "", err
	}
	units := 0
	for i := range ts {
		units += ts[i].Outstanding()
	}
	sum := func(name string) (int, error) {
		f, ok := b.prov.workload[name]
		if !ok {
			return 0, nil
		}
		c, err := f(ctx, b.Now())
		n := 0
		for _, v := range c {
			n += v
		}
		return n, err
	}
	issues, err := sum(workloadIssues)
	if err != nil {
		return "", err
	}
	fu, err := sum(workloadFollowups)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Team workload now: %s (%d units outstanding), %s, %s.", plural(len(ts), "open task", "open tasks"), units,
		plural(issues, "open issue", "open issues"), plural(fu, "follow-up due", "follow-ups due")), nil
}

// removeTarget ends the target of a's metric and scope; without a period
// typed, whichever (daily or weekly) is in force. Removing a target that is
// not there says so.
func (b *Bot) removeTarget(ctx context.Context, r *Request, a targetArgs, replace bool) error {
	ts, err := b.db.Targets(ctx)
	if err != nil {
		return err
	}
	book := progress.NewBook(ts)
	from := b.Now().In(b.cfg.Location).Format("2006-01-02")
	if book.At(a.Metric, a.UserID, a.Period, from) == 0 {
		other := store.Weekly
		if a.Period == store.Weekly {
			other = store.Daily
		}
		if a.PeriodSet || book.At(a.Metric, a.UserID, other, from) == 0 {
			what := a.Period + " "
			if !a.PeriodSet {
				what = ""
			}
			return mdErrorf("There is no %s%s target for %s to remove. `/target` shows the targets in force.", what, b.metricLabel(a.Metric), scopeName(a.UserID))
		}
		a.Period = other
	}
	return b.applyTarget(ctx, r, a, replace, "")
}

func (b *Bot) metricLabel(name string) string {
	if m, ok := b.prov.metrics[name]; ok {
		return m.Label
	}
	return metricLabels[name]
}

func (b *Bot) targetSetSuggested(ctx context.Context, r *Request) error {
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("set targets")
	}
	a, err := decodePending(r.Action.Value)
	if err != nil {
		return err
	}
	// Judged again: the figures may have moved since the question.
	return b.proposeTarget(ctx, r, a, true)
}

// targetForPerson refuses a target for pocbot itself or another bot user
// (typed as @pocbot, or picked in the "A person…" select, which lists
// bots too): it would sit in the digest, Home and team sums for ever.
func (b *Bot) targetForPerson(ctx context.Context, userID string) error {
	if userID == "" {
		return nil
	}
	isBot := userID == b.botUserID
	if !isBot {
		// users.info failing must not block a lead: the target goes ahead.
		if u, err := b.api.GetUserInfoContext(ctx, userID); err == nil {
			isBot = u.IsBot
		}
	}
	if isBot {
		return mdErrorf("<@%s> is a bot: targets are for people. Write `/target pitches 10 @person`, or `team`.", userID)
	}
	return nil
}
