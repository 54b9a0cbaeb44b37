package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
)

// A lead's App Home: admins see the team's view besides their own
// sections — today's progress against team and personal targets,
// unassigned and breaching issues, overdue tasks and people over capacity.

// homeLeadMax caps the people or items named per part of the team view.
const homeLeadMax = 8

// homeLeadSection is the team view for an admin, nothing for anyone else.
// Unlike the other sections it reads the team's work: admins are few.
func (b *Bot) homeLeadSection(ctx context.Context, userID string) ([]slack.Block, error) {
	if !b.isAdmin(userID) {
		return nil, nil
	}
	return b.homeLead(ctx, b.Now())
}

// homeLead is the team view's blocks (about eight).
func (b *Bot) homeLead(ctx context.Context, now time.Time) ([]slack.Block, error) {
	in, err := b.teamProgress(ctx, now)
	if err != nil {
		return nil, err
	}
	s := progress.NewScorer(in)
	out := []slack.Block{slack.NewDividerBlock(), header("Team view (admins)"),
		section(progressText("*Team today*", s.Board(""), in.Metrics))}

	// Personal targets: the people furthest behind today first.
	type row struct {
		line string
		pct  int
	}
	var rows []row
	for _, u := range s.People() {
		bd := s.Board(u)
		var parts []string
		worst, any := 1000, false
		for _, m := range in.Metrics {
			sc, w := bd.Today[m.Name], bd.Week[m.Name]
			switch {
			case bd.Weekly[m.Name] && w.Target > 0:
				exp := max(1, bd.Expected[m.Name])
				parts = append(parts, fmt.Sprintf("%s %d/%d this week", m.Label, w.Done, w.Target))
				worst, any = min(worst, w.Done*100/exp), true
			case sc.Target > 0:
				parts = append(parts, fmt.Sprintf("%s %s", m.Label, fraction(sc)))
				worst, any = min(worst, sc.Pct()), true
			}
		}
		if any {
			rows = append(rows, row{fmt.Sprintf("<@%s> %s", u, strings.Join(parts, " · ")), worst})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].pct < rows[j].pct })
	var lines []string
	for i, r := range rows {
		if i == homeLeadMax {
			lines = append(lines, fmt.Sprintf("…and %d more: the digest lists everyone", len(rows)-i))
			break
		}
		lines = append(lines, "• "+r.line)
	}
	if len(lines) == 0 {
		lines = []string{"_No personal targets today. Set one with `/target pitches 10 @person`._"}
	}
	out = append(out, section("*Personal targets today* (furthest behind first)\n"+strings.Join(lines, "\n")))

	issues, err := b.leadIssues(ctx, now)
	if err != nil {
		return nil, err
	}
	out = append(out, section(issues))
	tasks, err := b.leadTasks(ctx, now)
	if err != nil {
		return nil, err
	}
	return append(out, section(tasks)), nil
}

// leadIssues is the unassigned and breaching issues, breaching first.
func (b *Bot) leadIssues(ctx context.Context, now time.Time) (string, error) {
	issues, err := b.db.ActiveIssues(ctx)
	if err != nil {
		return "", err
	}
	var breached, unassigned []store.Issue
	for _, is := range issues {
		if is.SLA.Phase(now) == store.SLABreached {
			breached = append(breached, is)
		} else if is.AssigneeID == "" {
			unassigned = append(unassigned, is)
		}
	}
	sort.Slice(breached, func(i, j int) bool { return breached[i].SLA.DueAt(now).Before(breached[j].SLA.DueAt(now)) })
	nUnassigned := len(unassigned)
	for _, is := range breached {
		if is.AssigneeID == "" {
			nUnassigned++
		}
	}
	if len(breached) == 0 && nUnassigned == 0 {
		return "*Issues:* none unassigned or past SLA :white_check_mark:", nil
	}
	lines := []string{fmt.Sprintf("*Issues:* %d past SLA, %d unassigned", len(breached), nUnassigned)}
	for i, is := range append(breached, unassigned...) {
		if i == homeLeadMax {
			lines = append(lines, "…more: `/issue list breached`, `/issue list unassigned`")
			break
		}
		who := "_unassigned_"
		if is.AssigneeID != "" {
			who = "<@" + is.AssigneeID + ">"
		}
		state := "due " + b.when(is.SLA.DueAt(now))
		if is.SLA.Phase(now) == store.SLABreached {
			state = ":red_circle: past SLA since " + b.when(is.SLA.DueAt(now))
		}
		lines = append(lines, fmt.Sprintf("• `%s` %s @%s → %s (%s)", is.Ref(), is.Priority.Label(), is.Handle, who, state))
	}
	return strings.Join(lines, "\n"), nil
}

// leadTasks is the overdue tasks per person and the people whose tasks
// need more units a day than their capacity.
func (b *Bot) leadTasks(ctx context.Context, now time.Time) (string, error) {
	od, err := b.db.OverdueTasks(ctx, now, 1)
	if err != nil {
		return "", err
	}
	var lines []string
	n := 0
	for _, o := range od {
		n += o.Count
	}
	if n == 0 {
		lines = append(lines, "*Overdue tasks:* none :white_check_mark:")
	} else {
		lines = append(lines, fmt.Sprintf("*Overdue tasks:* %d", n))
		for i, o := range od {
			if i == homeLeadMax {
				lines = append(lines, "…more: `/task list overdue`")
				break
			}
			lines = append(lines, fmt.Sprintf("• <@%s>: %d overdue", o.Assignee, o.Count))
		}
	}
	over, err := b.overCapacity(ctx, now)
	if err != nil {
		return "", err
	}
	if len(over) == 0 {
		lines = append(lines, "*Over capacity:* nobody :white_check_mark:")
	} else {
		lines = append(lines, fmt.Sprintf("*Over capacity:* %d (tasks need more units a day to meet their due dates than the person can do)", len(over)))
		for i, o := range over {
			if i == homeLeadMax {
				lines = append(lines, "…more: `/task load`")
				break
			}
			lines = append(lines, fmt.Sprintf("• <@%s>: %d units a day needed, capacity %d", o.user, o.need, o.capacity))
		}
	}
	return strings.Join(lines, "\n"), nil
}

type overCap struct {
	user           string
	need, capacity int
}

// overCapacity lists the people whose open tasks need more units a
// working day to meet their due dates than their capacity, most over first.
func (b *Bot) overCapacity(ctx context.Context, now time.Time) ([]overCap, error) {
	ts, err := b.db.OpenTasks(ctx)
	if err != nil {
		return nil, err
	}
	caps, err := b.db.TaskCapacities(ctx)
	if err != nil {
		return nil, err
	}
	paces := map[string][]progress.TaskPace{}
	for i := range ts {
		t := &ts[i]
		paces[t.Assignee] = append(paces[t.Assignee], progress.TaskPace{Outstanding: t.Outstanding(), Days: b.workdaysBetween(now, b.dueDay(t)),
			Pitching: t.Kind == store.KindPitching})
	}
	var out []overCap
	for u, ps := range paces {
		need, _ := progress.PerDay(ps)
		if c := b.capacityOf(caps, u); need > c {
			out = append(out, overCap{u, need, c})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if d1, d2 := out[i].need-out[i].capacity, out[j].need-out[j].capacity; d1 != d2 {
			return d1 > d2
		}
		return out[i].user < out[j].user
	})
	return out, nil
}
