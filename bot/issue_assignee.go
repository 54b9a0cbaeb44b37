package bot

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// tellAssignee DMs the person who must act on an issue when someone else
// gives it to them or reopens it: the triage thread names nobody, so
// without this they learn of it only at the SLA warning. Nobody is told of
// their own change, and a reporter who is also the assignee is told once,
// by tellReporter. Failures are logged: the change is stored either way.
func (b *Bot) tellAssignee(ctx context.Context, ch *store.IssueChange) {
	is, ev := ch.Issue, ch.Event
	if is == nil || ev == nil || ev.UserID == "" {
		return
	}
	subject := fmt.Sprintf("`%s` *@%s* (%s)", is.Ref(), is.Handle, is.Category.Label())
	var to, text string
	switch ev.Action {
	case store.ActionIssueAssign:
		to = ev.To
		text = fmt.Sprintf(":bust_in_silhouette: <@%s> gave you %s · due %s.", ev.UserID, subject, b.when(is.SLA.DueAt(b.Now())))
	case store.ActionIssueReopen:
		to = is.AssigneeID
		text = fmt.Sprintf(":arrows_counterclockwise: <@%s> reopened %s, which is with you: it is open again · due %s.", ev.UserID, subject, b.when(is.SLA.DueAt(b.Now())))
	default:
		return
	}
	if to == "" || to == ev.UserID || to == is.ReporterID && ev.Action == store.ActionIssueReopen {
		return
	}
	blocks := []slack.Block{section(text), contextText(fmt.Sprintf("`/issue %s` for the whole timeline · `/issue list mine` for everything with you.", is.Ref()))}
	if _, _, err := b.post(ctx, to, msg{text: fmt.Sprintf("%s: %s", is.Ref(), "an issue for you"), blocks: blocks}); err != nil {
		b.log.Warn("assignee news failed", "issue", is.ID, "err", err)
	}
}
