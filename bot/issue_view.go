package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// Action IDs on issue messages. The actions block's ID is issueBlockID(id),
// so selects (whose value is the choice) know their issue too.
const (
	actionIssueAssignMe   = "issue_assign_me"
	actionIssueReassign   = "issue_reassign"
	actionIssueStatus     = "issue_status"
	actionIssueResolve    = "issue_resolve"
	actionIssueReopen     = "issue_reopen"
	actionIssueOlder      = "issue_timeline_older"
	actionIssueNewer      = "issue_timeline_newer"
	actionIssueFromCreate = "issue_report_creator" // "Report an issue" on /creator
)

const (
	// issueRecentEvents is how many timeline entries the triage message
	// shows; the whole timeline is its thread.
	issueRecentEvents = 5
	// issueTimelinePage is how many entries /issue ISS-n shows at a time.
	issueTimelinePage = 20
	// maxDescChunk bounds one description section (escaped), leaving room
	// for its heading within the 3000-character text limit.
	maxDescChunk = 2900
	// maxDescBlocks bounds the description's sections: 3000 characters of
	// "&" escape to 15000.
	maxDescBlocks = 6
)

func issueBlockID(id uint64) string { return "issue|" + strconv.FormatUint(id, 10) }

// issueIDFromAction reads the issue ID from a button value or, for selects,
// from the actions block ID.
func issueIDFromAction(a *slack.BlockAction) (uint64, bool) {
	if a == nil {
		return 0, false
	}
	if id, err := strconv.ParseUint(a.Value, 10, 64); err == nil && id > 0 {
		return id, true
	}
	if s, ok := strings.CutPrefix(a.BlockID, "issue|"); ok {
		id, err := strconv.ParseUint(s, 10, 64)
		return id, err == nil && id > 0
	}
	return 0, false
}

// safeLink renders a URL that store.CheckIssueLink accepted as a Slack
// link; anything else is shown as escaped text.
func safeLink(u, label string) string {
	if u == "" {
		return ""
	}
	if store.CheckIssueLink(u) != nil {
		return esc(u)
	}
	return "<" + strings.ReplaceAll(u, "&", "&amp;") + "|" + label + ">"
}

// escChunks escapes s and cuts it into at most maxChunks pieces of at most
// max characters each, never inside an entity such as "&amp;"; if it does
// not fit, the last piece ends with "…".
func escChunks(s string, max, maxChunks int) []string {
	e := esc(s)
	var tokens []string // single runes, or whole entities
	for len(e) > 0 {
		if e[0] == '&' {
			if i := strings.IndexByte(e, ';'); i > 0 && i <= 5 {
				tokens, e = append(tokens, e[:i+1]), e[i+1:]
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(e)
		tokens, e = append(tokens, e[:size]), e[size:]
	}
	var chunks []string
	var cur []string
	n := 0
	for _, t := range tokens {
		w := utf8.RuneCountInString(t)
		if n+w > max {
			if len(chunks) == maxChunks-1 {
				// The last allowed chunk: make room for the ellipsis.
				for len(cur) > 0 && n+1 > max {
					n -= utf8.RuneCountInString(cur[len(cur)-1])
					cur = cur[:len(cur)-1]
				}
				return append(chunks, strings.Join(cur, "")+"…")
			}
			chunks = append(chunks, strings.Join(cur, ""))
			cur, n = nil, 0
		}
		cur = append(cur, t)
		n += w
	}
	return append(chunks, strings.Join(cur, ""))
}

// issueTitle is the one-line summary used as header and fallback text.
func issueTitle(is *store.Issue) string {
	return fmt.Sprintf("%s · @%s · %s · %s", is.Ref(), is.Handle, is.Category.Label(), is.Priority)
}

// slaLine describes the SLA clock at now.
func (b *Bot) slaLine(is *store.Issue, now time.Time) string {
	s := is.SLA
	budget := store.FormatDuration(s.Budget)
	if s.WorkingTime() {
		budget += " of working hours" // POCBOT_SLA_HOURS
	}
	switch {
	case is.Status.Done():
		l := fmt.Sprintf(":checkered_flag: SLA %s stopped at %d%% used", budget, s.Percent(now))
		if !s.BreachedAt.IsZero() {
			l += " (it was breached)"
		}
		return l
	case s.IsPaused():
		return fmt.Sprintf(":double_vertical_bar: SLA %s paused while waiting on the creator · %s left", budget, store.FormatDuration(max(s.Remaining(now), 0)))
	case s.Phase(now) == store.SLABreached:
		return fmt.Sprintf(":red_circle: *SLA breached* · %s · was due %s", budget, b.whenAbs(s.DueAt(now)))
	case s.Phase(now) == store.SLAWarning:
		return fmt.Sprintf(":warning: SLA %s · due *%s* · %d%% used", budget, b.whenAbs(s.DueAt(now)), s.Percent(now))
	}
	return fmt.Sprintf(":stopwatch: SLA %s · due %s", budget, b.whenAbs(s.DueAt(now)))
}

// eventLine renders a timeline entry as safe mrkdwn.
func (b *Bot) eventLine(ev store.IssueEvent) string {
	who := mention(ev.UserID)
	var l string
	switch ev.Action {
	case store.ActionIssueCreate:
		l = "reported by " + who
	case store.ActionIssueAssign:
		switch {
		case ev.To == ev.UserID && ev.From == "":
			l = who + " took it"
		case ev.From == "":
			l = who + " assigned it to " + mention(ev.To)
		default:
			l = fmt.Sprintf("%s reassigned it from %s to %s", who, mention(ev.From), mention(ev.To))
		}
	case store.ActionIssueStatus:
		l = fmt.Sprintf("%s: %s → *%s*", who, store.IssueStatus(ev.From).Label(), store.IssueStatus(ev.To).Label())
	case store.ActionIssueResolve:
		l = fmt.Sprintf("%s *%s* it — %s: %s", who, strings.ToLower(store.IssueStatus(ev.To).Label()), ev.Reason.Label(), esc(truncate(ev.Note, 300)))
	case store.ActionIssueReopen:
		l = fmt.Sprintf("%s *reopened* it (was %s)", who, strings.ToLower(store.IssueStatus(ev.From).Label()))
	case store.ActionIssueSLAWarn:
		l = ":warning: 80% of the SLA used"
	case store.ActionIssueSLABreach:
		l = ":red_circle: SLA breached"
	default:
		l = esc(ev.Action)
	}
	return "`" + b.whenAbs(ev.At) + "` " + l
}

// issueBlocks renders an issue: header, fields, description, source, SLA,
// resolution, then extra blocks (a timeline), then the buttons. It stays
// within the 50-block message limit for any input.
func (b *Bot) issueBlocks(is *store.Issue, extra []slack.Block, withActions bool) []slack.Block {
	now := b.Now()
	assignee := "_unassigned_"
	if is.AssigneeID != "" {
		assignee = mention(is.AssigneeID)
	}
	field := func(k, v string) *slack.TextBlockObject {
		return md("*" + k + "*\n" + truncate(v, maxFieldLen-len(k)-4))
	}
	fields := []*slack.TextBlockObject{
		field("Creator", "@"+is.Handle),
		field("Category", is.Category.Label()),
		field("Priority", is.Priority.Label()),
		field("Status", "*"+is.Status.Label()+"*"),
		field("Assignee", assignee),
		field("Reported", mention(is.ReporterID)+", "+b.whenAbs(is.CreatedAt)),
	}
	if is.OrderID != "" {
		fields = append(fields, field("Order ID", "`"+is.OrderID+"`"))
	}
	if is.Link != "" {
		fields = append(fields, field("Link", safeLink(is.Link, "open link")))
	}
	blocks := []slack.Block{
		header(issueTitle(is)),
		slack.NewSectionBlock(nil, fields, nil),
	}
	chunks := escChunks(is.Description, maxDescChunk, maxDescBlocks)
	for i, c := range chunks {
		if i == 0 {
			c = "*Description*\n" + c
		}
		blocks = append(blocks, section(c))
	}
	if shown := utf8.RuneCountInString(toPlainChunks(chunks)); shown < utf8.RuneCountInString(esc(is.Description)) {
		// Never cut silently: the whole text is stored; say how much shows.
		blocks = append(blocks, contextText(fmt.Sprintf("_The description is %s characters; this message shows the start, as much as a Slack message holds. The whole text is stored with the issue._",
			humanInt(utf8.RuneCountInString(is.Description)))))
	}
	ctx := []string{b.slaLine(is, now)}
	if is.SourceLink != "" {
		ctx = append(ctx, safeLink(is.SourceLink, "source message"))
	}
	blocks = append(blocks, contextText(strings.Join(ctx, " · ")))
	if is.Status.Done() && is.Resolution != "" {
		r := fmt.Sprintf(":white_check_mark: *%s* by %s, %s — %s\n%s", is.Status.Label(), mention(is.ResolvedBy), b.whenAbs(is.ResolvedAt),
			is.Reason.Label(), esc(truncate(is.Resolution, store.MaxIssueResolutionLen)))
		blocks = append(blocks, section(r))
	}
	blocks = append(blocks, extra...)
	if withActions {
		blocks = append(blocks, issueActions(is))
	}
	return fitBlocks(blocks, maxMessageBlocks, "…more in the thread.")
}

// issueActions is the buttons block: Assign to me, Reassign, Status,
// Resolve while active; Reopen when done. viewer, if given, is the one
// person who sees it (their Home, their DM): the assignee is not offered
// Assign to me.
func issueActions(is *store.Issue, viewer ...string) *slack.ActionBlock {
	id := strconv.FormatUint(is.ID, 10)
	if is.Status.Done() {
		return slack.NewActionBlock(issueBlockID(is.ID), button(actionIssueReopen, id, "Reopen"))
	}
	var els []slack.BlockElement
	if len(viewer) == 0 || viewer[0] != is.AssigneeID {
		assign := button(actionIssueAssignMe, id, "Assign to me")
		if is.AssigneeID == "" {
			assign.Style = slack.StylePrimary
		}
		els = append(els, assign)
	}
	users := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Reassign…", maxPlaceholder), actionIssueReassign)
	if is.AssigneeID != "" {
		users = users.WithInitialUser(is.AssigneeID)
	}
	var opts []*slack.OptionBlockObject
	for _, s := range store.IssueStatuses() {
		opts = append(opts, option(string(s), s.Label()))
	}
	status := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Status", maxPlaceholder), actionIssueStatus, opts...)
	for _, o := range opts {
		if o.Value == string(is.Status) {
			status.InitialOption = o
		}
	}
	els = append(els, users, status, button(actionIssueResolve, id, "Resolve"))
	return slack.NewActionBlock(issueBlockID(is.ID), els...)
}

// triageMsg is the triage channel message: the issue with its latest
// timeline entries (the full timeline is the thread) and the buttons.
func (b *Bot) triageMsg(is *store.Issue, recent []store.IssueEvent, samples []slack.Block) msg {
	var lines []string
	if n := is.Events - len(recent); n > 0 {
		lines = append(lines, fmt.Sprintf("_%d earlier entries in the thread; full timeline: `/issue %s`_", n, is.Ref()))
	}
	for _, ev := range recent {
		lines = append(lines, truncate(b.eventLine(ev), 400))
	}
	extra := append(samples, contextText(strings.Join(lines, "\n")))
	return msg{text: issueTitle(is) + " · " + is.Status.Label(), blocks: b.issueBlocks(is, extra, true)}
}

// issueLine is one line of /issue list and the creator history.
func (b *Bot) issueLine(is *store.Issue) string {
	l := fmt.Sprintf("`%s` *@%s* · %s · %s · *%s*", is.Ref(), is.Handle, is.Category.Label(), is.Priority, is.Status.Label())
	if is.AssigneeID != "" {
		l += " · " + mention(is.AssigneeID)
	} else if is.Status.Active() {
		l += " · _unassigned_"
	}
	now := b.Now()
	switch {
	case is.Status.Done():
	case is.SLA.IsPaused():
		l += " · :double_vertical_bar: paused"
	case is.SLA.Phase(now) == store.SLABreached:
		l += " · :red_circle: breached"
	default:
		l += " · due " + b.whenAbs(is.SLA.DueAt(now))
	}
	return l + " — " + esc(truncate(strings.Join(strings.Fields(is.Description), " "), 80))
}

// toPlainChunks joins escaped chunks, without the "…" a cut one ends with.
func toPlainChunks(chunks []string) string {
	s := strings.Join(chunks, "")
	return strings.TrimSuffix(s, "…")
}
