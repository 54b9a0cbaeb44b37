package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"pocbot/store"
)

func (b *Bot) issueRoutes() {
	b.rt.command(&command{
		Name:    "/issue",
		Summary: "log a creator's problem and track it to the end: owner, status, SLA",
		Usage: []usage{
			{"[@handle] [what happened]", "open the issue form, prefilled with the creator and text"},
			{"list [open|mine|unassigned|breached|@handle]", "issues with status, owner and SLA, most urgent first (default: open)"},
			{"list reported", "the issues you reported, whatever their status"},
			{"list resolved [week|month] · list closed", "resolved or closed issues with time to resolve and the median"},
			{"export [period] [open|done|breached|unassigned|mine|@user|@handle] [xlsx]", "all matching issues as CSV or Excel in your DM (admins)"},
			{"ISS-12", "one issue with its whole timeline"},
			{"help", "this help"},
		},
		Examples: []string{
			"/issue @sari.beauty sample not arrived, order 577123456789012345",
			"/issue list mine",
			"/issue list breached",
			"/issue ISS-12",
		},
		Run:  b.issueCommand,
		Form: true,
	})
	b.rt.view(issueModalID, b.submitIssueModal)
	b.rt.view(issueResolveModalID, b.submitResolveModal)
	b.rt.shortcut(shortcutLogIssue, b.logIssueShortcut)
	b.rt.action(actionIssueAssignMe, b.issueAssignMe)
	b.rt.action(actionIssueReassign, b.issueReassign)
	b.rt.action(actionIssueStatus, b.issueStatus)
	b.rt.action(actionIssueResolve, b.issueResolveButton)
	b.rt.action(actionIssueReopen, b.issueReopen)
	b.rt.action(actionIssueOlder, b.issueTimelinePage)
	b.rt.action(actionIssueNewer, b.issueTimelinePage)
	b.rt.action(actionIssueFromCreate, func(ctx context.Context, r *Request) error {
		return b.openIssueModal(ctx, r, prefillIssue("@"+r.Action.Value, ""))
	})
	b.historySources = append(b.historySources, b.issueHistory)
	b.issueProviders()
	b.creatorButtonFuncs = append(b.creatorButtonFuncs, func(handle string) slack.BlockElement {
		return button(actionIssueFromCreate, handle, "Report an issue")
	})
}

func (b *Bot) issueCommand(ctx context.Context, r *Request) error {
	first, rest := splitWord(r.Text)
	switch {
	case first == "":
		return b.openIssueModal(ctx, r, prefillIssue("", ""))
	case strings.EqualFold(first, "list"):
		return b.issueList(ctx, r, rest)
	case strings.EqualFold(first, "export"):
		return b.export(ctx, r, "issues", rest)
	case strings.HasPrefix(first, "@"):
		return b.openIssueModal(ctx, r, prefillIssue(first, rest))
	}
	if id, ok := store.ParseIssueRef(first); ok && rest == "" {
		m, err := b.issueDetailMsg(ctx, id, -1)
		if err != nil {
			return err
		}
		return b.reply(ctx, r, m)
	}
	if up := strings.ToUpper(first); rest == "" && strings.HasPrefix(up, "ISS-") {
		// ISS-0, ISS-abc, ISS-99999999999999999999: a reference, just not
		// one that can exist — not the description of a new issue.
		return errorf("%s is not an issue number. Issue numbers look like ISS-12; /issue list shows them.", quote(first))
	}
	if id, ok := store.ParseIssueRef(first); ok && len(strings.Fields(rest)) == 1 {
		// "/issue ISS-1 reslove": a word after an issue, not a new issue.
		return errorf("I didn't understand %s after ISS-%d. Type `/issue ISS-%d` to see it with its buttons (assign, status, resolve).", quote(rest), id, id)
	}
	if k, ok := closest(first, []string{"list", "export"}); ok && (rest == "" || isIssueListFilter(rest)) {
		// "/issue lsit mine": a mistyped subcommand, not a one-word issue.
		return errorf("I didn't understand %s. Did you mean `%s`? To log an issue, start with the creator: `/issue @handle what happened`.",
			quote(first), codeSample(strings.TrimSpace("/issue "+k+" "+rest)))
	}
	// Free text: the description, with anything recognisable picked out.
	return b.openIssueModal(ctx, r, prefillIssue("", r.Text))
}

// isIssueListFilter: a word /issue list takes after it.
func isIssueListFilter(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "open", "all", "mine", "me", "unassigned", "breached", "overdue", "reported", "resolved", "closed":
		return true
	}
	return false
}

// issueList answers /issue list [open|mine|unassigned|breached|@handle|@user].
func (b *Bot) issueList(ctx context.Context, r *Request, arg string) error {
	arg = strings.TrimSpace(arg)
	if ok, err := b.issueListMore(ctx, r, arg); ok {
		return err
	}
	var (
		issues []store.Issue
		title  string
		err    error
	)
	switch strings.ToLower(arg) {
	case "", "open", "all":
		title = "Open issues"
		issues, err = b.db.ActiveIssues(ctx)
	case "mine", "me":
		title = "Your open issues"
		issues, err = b.db.IssuesByAssignee(ctx, r.UserID, true)
	case "unassigned":
		title = "Unassigned issues"
		issues, err = b.db.UnassignedIssues(ctx)
	case "breached", "overdue":
		title = "Issues past their SLA"
		var all []store.Issue
		all, err = b.db.ActiveIssues(ctx)
		now := b.Now()
		for _, is := range all {
			if is.SLA.Phase(now) == store.SLABreached {
				issues = append(issues, is)
			}
		}
	default:
		if u := userIDFromMention(arg); u != "" {
			title = "Open issues of " + mention(u)
			issues, err = b.db.IssuesByAssignee(ctx, u, true)
			break
		}
		if !strings.HasPrefix(arg, "@") {
			return errorf("I can list: open, mine, unassigned, breached, reported, resolved, closed, a creator (@handle) or a teammate (@name). I didn't understand %s.", quote(arg))
		}
		h, herr := store.NormalizeHandle(arg)
		if herr != nil {
			return herr
		}
		title = "Issues of @" + h
		issues, _, err = b.db.IssuesByCreator(ctx, h, maxListLines+1)
	}
	if err != nil {
		return err
	}
	if !strings.HasPrefix(arg, "@") {
		sortByUrgency(issues, b.Now()) // breached first, then closest to breach
	}
	if len(issues) == 0 {
		text := fmt.Sprintf("*%s:* none. :tada:", title)
		if title == "Your open issues" {
			text += " Issues you reported: `/issue list reported`."
		}
		return b.reply(ctx, r, msg{text: "No issues.", blocks: []slack.Block{section(text)}})
	}
	lines := make([]string, 0, min(len(issues), maxListLines))
	for i := range issues {
		if i == maxListLines {
			break
		}
		lines = append(lines, truncate(b.issueLine(&issues[i]), 500))
	}
	blocks := []slack.Block{section(fmt.Sprintf("*%s: %d*", title, len(issues)))}
	blocks = append(blocks, joinLines(lines)...)
	if len(issues) > maxListLines {
		blocks = append(blocks, contextText(fmt.Sprintf("…and %d more. Narrow it down, e.g. `/issue list mine`.", len(issues)-maxListLines)))
	}
	if title == "Your open issues" {
		blocks = append(blocks, contextText("Issues you reported: `/issue list reported`."))
	}
	return b.reply(ctx, r, msg{text: plural(len(issues), "issue", "issues") + ".", blocks: blocks})
}

// issueDetailMsg is /issue ISS-n: the issue, one page of its timeline
// (offset < 0 = the newest page) with Older/Newer buttons, and the issue's
// buttons.
func (b *Bot) issueDetailMsg(ctx context.Context, id uint64, offset int) (msg, error) {
	is, err := b.db.Issue(ctx, id)
	if err != nil {
		return msg{}, err
	}
	if offset < 0 || offset >= is.Events {
		offset = max(is.Events-issueTimelinePage, 0)
	}
	evs, total, err := b.db.IssueTimeline(ctx, id, offset, issueTimelinePage)
	if err != nil {
		return msg{}, err
	}
	lines := make([]string, 0, len(evs))
	for _, ev := range evs {
		lines = append(lines, truncate(b.eventLine(ev), 400))
	}
	extra := b.issueSampleBlocks(ctx, is)
	extra = append(extra, section(fmt.Sprintf("*Timeline* — %d–%d of %d, oldest first", offset+1, offset+len(evs), total)))
	extra = append(extra, joinLines(lines)...)
	var nav []slack.BlockElement
	ref := strconv.FormatUint(id, 10)
	if offset > 0 {
		nav = append(nav, button(actionIssueOlder, fmt.Sprintf("%s|%d", ref, max(offset-issueTimelinePage, 0)), "◀ Older"))
	}
	if end := offset + len(evs); end < total {
		nav = append(nav, button(actionIssueNewer, fmt.Sprintf("%s|%d", ref, end), "Newer ▶"))
	}
	if len(nav) > 0 {
		extra = append(extra, slack.NewActionBlock("issue_timeline_nav", nav...))
	}
	return msg{text: issueTitle(is) + " · " + is.Status.Label(), blocks: b.issueBlocks(is, extra, true)}, nil
}

// issueTimelinePage answers the Older/Newer buttons by redrawing the reply.
func (b *Bot) issueTimelinePage(ctx context.Context, r *Request) error {
	ref, off, ok := strings.Cut(r.Action.Value, "|")
	id, err1 := strconv.ParseUint(ref, 10, 64)
	n, err2 := strconv.Atoi(off)
	if !ok || err1 != nil || err2 != nil {
		return errorf("That button is damaged; run /issue ISS-n again.")
	}
	m, err := b.issueDetailMsg(ctx, id, n)
	if err != nil {
		return err
	}
	m.replace = true
	return b.reply(ctx, r, m)
}

// issueHistory feeds /creator: one line per issue of the creator.
func (b *Bot) issueHistory(ctx context.Context, h string, limit int) ([]historyItem, int, error) {
	issues, total, err := b.db.IssuesByCreator(ctx, h, limit)
	if err != nil {
		return nil, 0, err
	}
	items := make([]historyItem, 0, len(issues))
	for i := range issues {
		is := &issues[i]
		l := fmt.Sprintf(":rotating_light: %s issue `%s` %s · %s · *%s*", b.when(is.CreatedAt), is.Ref(), is.Category.Label(), is.Priority, is.Status.Label())
		if is.AssigneeID != "" {
			l += " · " + mention(is.AssigneeID)
		}
		l += " — " + esc(truncate(strings.Join(strings.Fields(is.Description), " "), 100))
		items = append(items, historyItem{At: is.CreatedAt, Line: l})
	}
	return items, total, nil
}
