package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// issueLocks serialises triage-message refreshes per issue, so that the
// last chat.update always shows the latest committed state.
type issueLocks struct {
	mu sync.Mutex
	m  map[uint64]*sync.Mutex
}

func (l *issueLocks) lock(id uint64) func() {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[uint64]*sync.Mutex{}
	}
	m := l.m[id]
	if m == nil {
		m = &sync.Mutex{}
		l.m[id] = m
	}
	l.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// issueAssignMe is "Assign to me": compare-and-set from unassigned, so of
// two people clicking at once one wins and the other is told who has it.
func (b *Bot) issueAssignMe(ctx context.Context, r *Request) error {
	id, ok := issueIDFromAction(r.Action)
	if !ok {
		return errorf("That button is damaged; open the issue again with /issue ISS-n.")
	}
	ch, err := b.db.AssignIssue(ctx, id, r.UserID, "", r.UserID)
	if store.ErrorCode(err) == store.Conflict && ch != nil {
		return mdErrorf(":lock: *%s* is already assigned to %s. Ask them, or use Reassign if it should move.", ch.Issue.Ref(), mention(ch.Issue.AssigneeID))
	}
	if err != nil {
		return err
	}
	if ch.Event == nil {
		text := fmt.Sprintf("*%s* is already yours.", ch.Issue.Ref())
		return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
	}
	b.publishIssueChange(ctx, r, ch)
	return nil
}

// issueReassign is the users select: an explicit choice, so no
// compare-and-set.
func (b *Bot) issueReassign(ctx context.Context, r *Request) error {
	id, ok := issueIDFromAction(r.Action)
	if !ok || r.Action.SelectedUser == "" {
		return errorf("Pick a person in the Reassign menu.")
	}
	ch, err := b.db.ReassignIssue(ctx, id, r.UserID, r.Action.SelectedUser)
	if err != nil {
		return err
	}
	if ch.Event != nil {
		b.publishIssueChange(ctx, r, ch)
	}
	return nil
}

// issueStatus is the status select. Resolved and Closed open the resolve
// modal, which asks what was done and why.
func (b *Bot) issueStatus(ctx context.Context, r *Request) error {
	id, ok := issueIDFromAction(r.Action)
	to := store.IssueStatus(r.Action.SelectedOption.Value)
	if !ok || !to.Valid() {
		return errorf("Pick a status from the menu.")
	}
	if to.Done() {
		return b.openResolveModal(ctx, r, id, to)
	}
	ch, err := b.db.SetIssueStatus(ctx, id, r.UserID, to)
	if err != nil {
		return err
	}
	if ch.Event != nil {
		b.publishIssueChange(ctx, r, ch)
	}
	return nil
}

// issueResolveButton opens the resolve modal.
func (b *Bot) issueResolveButton(ctx context.Context, r *Request) error {
	id, ok := issueIDFromAction(r.Action)
	if !ok {
		return errorf("That button is damaged; open the issue again with /issue ISS-n.")
	}
	return b.openResolveModal(ctx, r, id, store.IssueResolved)
}

func (b *Bot) openResolveModal(ctx context.Context, r *Request, id uint64, to store.IssueStatus) error {
	// The store read is fast and local; the modal still opens well within
	// the trigger's 3 seconds.
	is, err := b.db.Issue(ctx, id)
	if err != nil {
		return err
	}
	if is.Status.Done() {
		return errorf("%s is already %s. Press Reopen first if it needs more work.", is.Ref(), strings.ToLower(is.Status.Label()))
	}
	return b.openModal(ctx, r, resolveModal(is, to, b.resolveSampleBlock(ctx, is)...))
}

// issueReopen is the Reopen button on a resolved or closed issue.
func (b *Bot) issueReopen(ctx context.Context, r *Request) error {
	id, ok := issueIDFromAction(r.Action)
	if !ok {
		return errorf("That button is damaged; open the issue again with /issue ISS-n.")
	}
	ch, err := b.db.ReopenIssue(ctx, id, r.UserID)
	if err != nil {
		return err
	}
	b.publishIssueChange(ctx, r, ch)
	return nil
}

// publishIssueChange shows a committed change everywhere: the triage message is edited
// in place, the change is added to its thread, and if the change was made
// from another copy of the issue (a /issue reply), that copy is redrawn.
func (b *Bot) publishIssueChange(ctx context.Context, r *Request, ch *store.IssueChange) {
	is := ch.Issue
	b.tellReporter(ctx, ch)
	b.tellAssignee(ctx, ch)
	b.refreshIssueHomes(ctx, r, ch)
	if is.TriageTS != "" {
		if err := b.refreshTriage(ctx, is.ID); err != nil {
			b.log.Warn("triage message not updated", "issue", is.ID, "err", err)
		}
		if ch.Event != nil {
			if _, _, err := b.post(ctx, is.TriageChannel, msg{text: is.Ref() + ": " + b.eventLine(*ch.Event)},
				slack.MsgOptionTS(is.TriageTS)); err != nil {
				b.log.Warn("timeline line not posted", "issue", is.ID, "err", err)
			}
		}
	}
	if r == nil || r.Callback == nil || r.Action == nil {
		return
	}
	c := r.Callback.Container
	if c.MessageTs != "" && (c.MessageTs != is.TriageTS || c.ChannelID != is.TriageChannel) {
		m, err := b.issueDetailMsg(ctx, is.ID, -1)
		if err == nil {
			m.replace = true
			err = b.reply(ctx, r, m)
		}
		if err != nil {
			b.log.Warn("issue reply not redrawn", "issue", is.ID, "err", err)
		}
	}
}

// refreshTriage redraws the triage message from the stored issue.
func (b *Bot) refreshTriage(ctx context.Context, id uint64) error {
	unlock := b.issueLocks.lock(id)
	defer unlock()
	is, err := b.db.Issue(ctx, id)
	if err != nil {
		return err
	}
	if is.TriageTS == "" {
		return nil
	}
	evs, _, err := b.db.IssueTimeline(ctx, id, is.Events-issueRecentEvents, issueRecentEvents)
	if err != nil {
		return err
	}
	m := b.triageMsg(is, evs, b.issueSampleBlocks(ctx, is))
	_, _, _, err = b.api.UpdateMessageContext(ctx, is.TriageChannel, is.TriageTS,
		slack.MsgOptionText(fallback(m.text), false), slack.MsgOptionBlocks(m.blocks...))
	if err != nil {
		return fmt.Errorf("chat.update %s: %w", is.Ref(), slackDetail(err))
	}
	return nil
}
