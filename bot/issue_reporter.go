package bot

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// The reporter in the loop (issue #13): whoever reported an issue is the
// one who must tell the creator, so they are told when it is assigned,
// waiting on the creator, resolved (with the resolution, ready to pass on)
// and reopened; and they can list what they reported, and what was
// resolved or closed.

// tellReporter DMs the reporter about ch, unless they made it themselves.
// Failures are logged: the change is stored either way.
func (b *Bot) tellReporter(ctx context.Context, ch *store.IssueChange) {
	is, ev := ch.Issue, ch.Event
	if is == nil || ev == nil || is.ReporterID == "" || ev.UserID == is.ReporterID || ev.UserID == "" {
		return
	}
	subject := fmt.Sprintf("`%s` *@%s* (%s) that you reported", is.Ref(), is.Handle, is.Category.Label())
	var text string
	var blocks []slack.Block
	switch {
	case ev.Action == store.ActionIssueAssign && ev.To != "":
		if ev.To == is.ReporterID {
			return
		}
		text = fmt.Sprintf(":bust_in_silhouette: %s is now with %s.", subject, mention(ev.To))
	case ev.Action == store.ActionIssueStatus && ev.To == string(store.IssueWaiting):
		text = fmt.Sprintf(":double_vertical_bar: %s is waiting on the creator (<@%s>); the SLA clock is paused.", subject, ev.UserID)
	case ev.Action == store.ActionIssueResolve:
		text = fmt.Sprintf(":white_check_mark: %s was %s by <@%s>", subject, strings.ToLower(store.IssueStatus(ev.To).Label()), ev.UserID)
		if is.Reason != "" {
			text += " (" + is.Reason.Label() + ")"
		}
		if took := timeToResolve(is); took < time.Minute {
			text += " within a minute."
		} else {
			text += " after " + store.FormatDuration(took) + "."
		}
		text += fmt.Sprintf(" Please tell @%s:", is.Handle)
		blocks = []slack.Block{section(text), section(">" + strings.ReplaceAll(esc(truncate(is.Resolution, 2800)), "\n", "\n>"))}
	case ev.Action == store.ActionIssueReopen:
		text = fmt.Sprintf(":arrows_counterclockwise: %s was reopened by <@%s>.", subject, ev.UserID)
	default:
		return
	}
	if blocks == nil {
		blocks = []slack.Block{section(text)}
	}
	blocks = append(blocks, contextText(fmt.Sprintf("`/issue %s` for the whole timeline · `/issue list reported` for everything you reported.", is.Ref())))
	if _, _, err := b.post(ctx, is.ReporterID, msg{text: fmt.Sprintf("%s (@%s): %s", is.Ref(), is.Handle, is.Status.Label()), blocks: blocks}); err != nil {
		b.log.Warn("reporter news failed", "issue", is.ID, "err", err)
	}
}

// timeToResolve is the wall-clock time from report to resolution.
func timeToResolve(is *store.Issue) time.Duration {
	if is.ResolvedAt.IsZero() {
		return 0
	}
	return max(is.ResolvedAt.Sub(is.CreatedAt), 0).Round(time.Minute)
}

// sortByUrgency puts breached issues first (longest overdue first), then
// the rest by how soon they breach; done issues last, newest first.
func sortByUrgency(issues []store.Issue, now time.Time) {
	sort.SliceStable(issues, func(i, j int) bool {
		a, b := &issues[i], &issues[j]
		if a.Status.Done() != b.Status.Done() {
			return !a.Status.Done()
		}
		if a.Status.Done() {
			return a.ResolvedAt.After(b.ResolvedAt)
		}
		return a.SLA.DueAt(now).Before(b.SLA.DueAt(now))
	})
}

// issueListMore handles the lists issue #13 adds: reported, resolved
// [week|month], closed. It reports whether arg was one of them.
func (b *Bot) issueListMore(ctx context.Context, r *Request, arg string) (bool, error) {
	f := strings.Fields(strings.ToLower(arg))
	if len(f) == 0 {
		return false, nil
	}
	now := b.Now()
	var (
		issues []store.Issue
		title  string
		err    error
		median bool
	)
	switch f[0] {
	case "reported":
		if len(f) > 1 {
			return true, errorf("`/issue list reported` takes nothing after it: it lists every issue you reported.")
		}
		title = "Issues you reported"
		issues, err = b.db.IssuesByReporter(ctx, r.UserID)
	case "resolved":
		days, label := 7, "the last 7 days"
		if len(f) > 1 {
			switch f[1] {
			case "week", "7d":
			case "month", "30d":
				days, label = 30, "the last 30 days"
			case "today":
				days, label = 1, "the last 24 hours"
			default:
				return true, errorf("Resolved when? Use /issue list resolved week or /issue list resolved month. I didn't understand %s.", quote(f[1]))
			}
		}
		if len(f) > 2 {
			return true, errorf("Use /issue list resolved week or /issue list resolved month.")
		}
		title = "Resolved in " + label
		var all []store.Issue
		all, err = b.db.IssuesByStatus(ctx, store.IssueResolved, store.IssueClosed)
		since := now.Add(-time.Duration(days) * 24 * time.Hour)
		for _, is := range all {
			if is.Status == store.IssueResolved && !is.ResolvedAt.Before(since) {
				issues = append(issues, is)
			}
		}
		median = true
	case "closed":
		if len(f) > 1 {
			return true, errorf("`/issue list closed` takes nothing after it.")
		}
		title = "Closed issues"
		issues, err = b.db.IssuesByStatus(ctx, store.IssueClosed)
		median = true
	default:
		return false, nil
	}
	if err != nil {
		return true, err
	}
	if len(issues) == 0 {
		text := fmt.Sprintf("*%s:* none.", title)
		return true, b.reply(ctx, r, msg{text: "No issues.", blocks: []slack.Block{section(text)}})
	}
	sortByUrgency(issues, now)
	lines := make([]string, 0, min(len(issues), maxListLines))
	var took []time.Duration
	for i := range issues {
		is := &issues[i]
		if is.Status.Done() {
			took = append(took, timeToResolve(is))
		}
		if i >= maxListLines {
			continue
		}
		l := b.issueLine(is)
		if is.Status.Done() {
			l += fmt.Sprintf(" · resolved in *%s*", tookText(timeToResolve(is)))
		}
		lines = append(lines, truncate(l, 500))
	}
	head := fmt.Sprintf("*%s: %d*", title, len(issues))
	if median && len(took) > 0 {
		head += fmt.Sprintf(" · median time to resolve *%s*", tookText(medianDuration(took)))
	}
	blocks := []slack.Block{section(head)}
	blocks = append(blocks, joinLines(lines)...)
	if len(issues) > maxListLines {
		blocks = append(blocks, contextText(fmt.Sprintf("…and %d more, not shown.", len(issues)-maxListLines)))
	}
	return true, b.reply(ctx, r, msg{text: title, blocks: blocks})
}

// medianDuration is the median of ds (the mean of the middle two for an
// even count).
func medianDuration(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return ((s[n/2-1] + s[n/2]) / 2).Round(time.Minute)
}

// tookText is a time to resolve as people read it: "under 1m" rather than
// "0m" for an issue resolved within its first minute.
func tookText(d time.Duration) string {
	if d < time.Minute {
		return "under 1m"
	}
	return store.FormatDuration(d)
}
