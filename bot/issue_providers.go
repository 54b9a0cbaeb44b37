package bot

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// What the issue desk gives targets, the digest and App Home (metrics.go).

const (
	actionHomeIssueView = "home_issue_view" // value: issue ID; DMs the issue with its timeline
	// homeMaxIssues caps "My open issues": each takes two blocks.
	homeMaxIssues = 5
	// digestMaxBreaches caps the breaching issues named per priority.
	digestMaxBreaches = 5
)

func (b *Bot) issueProviders() {
	b.registerMetric(metricSource{Name: store.MetricIssuesResolved, Label: "issues resolved", CountDays: b.db.IssuesResolvedByDay})
	b.registerDigestSection(sectionIssues, b.digestOpenIssues)
	b.registerWorkload(workloadIssues, b.openIssuesByAssignee)
	b.registerHomeSection(homeIssues, b.homeMyIssues)
	b.rt.action(actionHomeIssueView, func(ctx context.Context, r *Request) error {
		id, ok := issueIDFromAction(r.Action)
		if !ok {
			return errorf("That button is damaged; open the issue with /issue ISS-n.")
		}
		m, err := b.issueDetailMsg(ctx, id, -1)
		if err != nil {
			return err
		}
		return b.reply(ctx, r, m)
	})
}

// digestOpenIssues is one line per priority with open issues: how many,
// how many unassigned, and the ones past their SLA by ID, creator and
// assignee, most overdue first.
func (b *Bot) digestOpenIssues(ctx context.Context, day time.Time) ([]string, error) {
	issues, err := b.db.ActiveIssues(ctx)
	if err != nil {
		return nil, err
	}
	asOf := b.digestAsOf(day)
	type group struct {
		open, unassigned int
		breached         []store.Issue
	}
	groups := map[store.Priority]*group{}
	for _, is := range issues {
		if is.CreatedAt.After(asOf) {
			continue
		}
		g := groups[is.Priority]
		if g == nil {
			g = &group{}
			groups[is.Priority] = g
		}
		g.open++
		if is.AssigneeID == "" {
			g.unassigned++
		}
		if is.SLA.Phase(asOf) == store.SLABreached {
			g.breached = append(g.breached, is)
		}
	}
	var lines []string
	for _, p := range store.Priorities() {
		g := groups[p]
		if g == nil {
			continue
		}
		l := fmt.Sprintf("*%s*: %d open", p.Label(), g.open)
		if g.unassigned > 0 {
			l += fmt.Sprintf(" (%d unassigned)", g.unassigned)
		}
		if len(g.breached) == 0 {
			lines = append(lines, l+", none past SLA")
			continue
		}
		sort.Slice(g.breached, func(i, j int) bool {
			return g.breached[i].SLA.DueAt(asOf).Before(g.breached[j].SLA.DueAt(asOf))
		})
		var names []string
		for i, is := range g.breached {
			if i == digestMaxBreaches {
				names = append(names, fmt.Sprintf("…and %d more (`/issue list breached`)", len(g.breached)-i))
				break
			}
			who := "_unassigned_"
			if is.AssigneeID != "" {
				who = actMention(is.AssigneeID) // the owner must act: mentioned
			}
			names = append(names, fmt.Sprintf("`%s` @%s → %s (due %s)", is.Ref(), is.Handle, who, b.whenAbs(is.SLA.DueAt(asOf))))
		}
		lines = append(lines, fmt.Sprintf("%s, :red_circle: *%d past SLA*: %s", l, len(g.breached), strings.Join(names, "; ")))
	}
	return lines, nil
}

// openIssuesByAssignee counts active issues per assignee. It decodes the
// active issues only (ActiveIssues); done ones are never read.
func (b *Bot) openIssuesByAssignee(ctx context.Context, now time.Time) (map[string]int, error) {
	issues, err := b.db.ActiveIssues(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, is := range issues {
		if is.AssigneeID != "" {
			out[is.AssigneeID]++
		}
	}
	return out, nil
}

// homeMyIssues lists my active issues, breaching first (then by due time),
// each with a View button and the issue's own buttons.
func (b *Bot) homeMyIssues(ctx context.Context, userID string) ([]slack.Block, error) {
	issues, err := b.db.ActiveIssuesFor(ctx, userID)
	if err != nil || len(issues) == 0 {
		return nil, err
	}
	now := b.Now()
	sort.SliceStable(issues, func(i, j int) bool {
		pi, pj := issues[i].SLA.Phase(now), issues[j].SLA.Phase(now)
		if pi != pj {
			return pi > pj
		}
		return issues[i].SLA.DueAt(now).Before(issues[j].SLA.DueAt(now))
	})
	var out []slack.Block
	for i := range issues {
		if i == homeMaxIssues {
			out = append(out, contextText(fmt.Sprintf("…and %d more: `/issue list mine`", len(issues)-i)))
			break
		}
		is := &issues[i]
		s := section(truncate(b.issueLine(is), 2000))
		s.Accessory = slack.NewAccessory(button(actionHomeIssueView, strconv.FormatUint(is.ID, 10), "View"))
		out = append(out, s, issueActions(is, userID))
	}
	return out, nil
}

// refreshIssueHomes refreshes the Home of whoever acted on an issue and of
// the people it concerns: its assignee and, after a reassignment, the
// previous one.
func (b *Bot) refreshIssueHomes(ctx context.Context, r *Request, ch *store.IssueChange) {
	seen := map[string]bool{}
	users := []string{ch.Issue.AssigneeID}
	if r != nil {
		users = append(users, r.UserID)
	}
	if ev := ch.Event; ev != nil && ev.Action == store.ActionIssueAssign {
		users = append(users, ev.From)
	}
	for _, u := range users {
		if u != "" && !seen[u] {
			seen[u] = true
			b.refreshHome(ctx, u)
		}
	}
}
