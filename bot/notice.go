package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// Changes to another person's record (issue #13). When someone changes a
// record another person owns, the owner is told in one DM per short
// window: changes within noticeWindow of the DM's first are added to it
// (the DM is edited), each with who, what, before → after and an Undo
// button that works for undoWindow. Taking over someone's creator asks
// them first (Approve / Decline).

const (
	noticeWindow = 10 * time.Minute
	undoWindow   = 30 * time.Minute

	actionChangeUndo   = "change_undo"
	actionOwnerApprove = "owner_approve"
	actionOwnerDecline = "owner_decline"
)

// ownerLocks serialises one owner's notices, so two changes at once edit
// one DM instead of posting two.
var ownerLocks struct {
	mu sync.Mutex
	m  map[string]*sync.Mutex
}

func lockOwner(key string) func() {
	ownerLocks.mu.Lock()
	if ownerLocks.m == nil {
		ownerLocks.m = map[string]*sync.Mutex{}
	}
	m := ownerLocks.m[key]
	if m == nil {
		m = &sync.Mutex{}
		ownerLocks.m[key] = m
	}
	ownerLocks.mu.Unlock()
	m.Lock()
	return m.Unlock
}

func (b *Bot) noticeRoutes() {
	b.rt.action(actionChangeUndo, b.changeUndo)
	b.rt.action(actionOwnerApprove, func(ctx context.Context, r *Request) error { return b.ownerAnswer(ctx, r, true) })
	b.rt.action(actionOwnerDecline, func(ctx context.Context, r *Request) error { return b.ownerAnswer(ctx, r, false) })
}

// tellOwner records c and tells c.Owner: a new DM, or the open one edited.
// Failures are logged: the change itself has been made.
func (b *Bot) tellOwner(ctx context.Context, c store.Change) {
	if c.Owner == "" || c.Owner == c.By {
		return
	}
	defer lockOwner(fmt.Sprintf("%p/%s", b, c.Owner))()
	_, batch, err := b.db.RecordChange(ctx, c, noticeWindow)
	if err != nil {
		b.log.Error("record change for owner", "owner", c.Owner, "err", err)
		return
	}
	if err := b.renderBatch(ctx, batch); err != nil {
		b.log.Warn("change notice failed", "owner", c.Owner, "err", err)
	}
}

// renderBatch posts or edits the batch's DM.
func (b *Bot) renderBatch(ctx context.Context, batch *store.ChangeBatch) error {
	changes, err := b.db.Changes(ctx, batch.IDs...)
	if err != nil {
		return err
	}
	m := b.batchMsg(changes)
	if batch.TS == "" {
		ch, ts, err := b.post(ctx, batch.Owner, m)
		if err != nil {
			return err
		}
		return b.db.SetBatchMessage(ctx, batch.Key, ch, ts)
	}
	_, _, _, err = b.api.UpdateMessageContext(ctx, batch.Channel, batch.TS,
		slack.MsgOptionText(fallback(m.text), false), slack.MsgOptionBlocks(fitBlocks(m.blocks, maxMessageBlocks, "…and more; see /creator for the history.")...))
	return slackDetail(err)
}

// changeLine is one change as its owner reads it.
func (b *Bot) changeLine(c store.Change) string {
	var what string
	switch c.Kind {
	case store.ChangePitchStatus:
		what = fmt.Sprintf("your pitch *%s*: %s → *%s*", esc(c.Label), pitchLabel(c.Before), pitchLabel(c.After))
		switch agreed := string(store.PitchAgreed); {
		case c.Before == agreed:
			what += " (no longer counts toward your agreed target)"
		case c.After == agreed:
			what += " (now counts toward your agreed target)"
		}
	case store.ChangeCreatorOwner:
		what = fmt.Sprintf("the owner of your creator *%s*: %s → %s", esc(c.Label), mention(c.Before), mention(c.After))
	case store.ChangeVoucherRevoke:
		return fmt.Sprintf("<@%s> revoked your voucher *%s*: %s · %s", c.By, esc(c.Label), esc(truncate(c.After, 300)), b.when(c.At))
	default:
		what = esc(c.Label)
	}
	l := fmt.Sprintf("<@%s> changed %s · %s", c.By, what, b.when(c.At))
	switch c.State {
	case store.ChangeUndone:
		l = "~" + l + "~\n:leftwards_arrow_with_hook: undone by " + mention(c.DoneBy)
	}
	return l
}

func pitchLabel(s string) string { return store.PitchStatus(s).Label() }

func (b *Bot) batchMsg(changes []store.Change) msg {
	now := b.Now()
	head := ":bell: *A change was made to your records*"
	if len(changes) > 1 {
		head = fmt.Sprintf(":bell: *%d changes were made to your records*", len(changes))
	}
	blocks := []slack.Block{section(head)}
	for _, c := range changes {
		s := section(b.changeLine(c))
		if c.State == "" && now.Sub(c.At) < undoWindow && c.Kind != store.ChangeVoucherRevoke {
			s.Accessory = slack.NewAccessory(button(actionChangeUndo, strconv.FormatUint(c.ID, 10), "Undo"))
		}
		s.BlockID = fmt.Sprintf("change_%d", c.ID)
		blocks = append(blocks, s)
	}
	blocks = append(blocks, contextText(fmt.Sprintf("Undo works for %s after each change. Changes within %s come in this one message.",
		store.FormatDuration(undoWindow), store.FormatDuration(noticeWindow))))
	text := plural(len(changes), "change", "changes") + " to your records"
	if len(changes) == 1 {
		text = b.changeLine(changes[0])
	}
	return msg{text: text, blocks: blocks}
}

// changeUndo handles Undo: the owner, whoever made the change, or an admin
// puts the record back, if it has not moved on since.
func (b *Bot) changeUndo(ctx context.Context, r *Request) error {
	id, err := strconv.ParseUint(r.Action.Value, 10, 64)
	if err != nil {
		return errorf("That button is damaged.")
	}
	cs, err := b.db.Changes(ctx, id)
	if err != nil {
		return err
	}
	c := cs[0]
	switch {
	case r.UserID != c.Owner && r.UserID != c.By && !b.isAdmin(r.UserID):
		return mdErrorf("Only <@%s>, <@%s> or an admin can undo this change.", c.Owner, c.By)
	case c.State != "":
		return errorf("That change was already %s.", c.State)
	case b.Now().Sub(c.At) >= undoWindow:
		return mdErrorf("Undo works for %s after a change, and this one is older. %s", store.FormatDuration(undoWindow), undoByHand(c))
	}
	switch c.Kind {
	case store.ChangePitchStatus:
		pid, _ := strconv.ParseUint(c.Subject, 10, 64)
		p, err := b.db.Pitch(ctx, pid)
		if err != nil {
			return err
		}
		if string(p.Status) != c.After {
			return errorf("%s has changed since (it is now %s); nothing undone.", c.Label, p.Status.Label())
		}
		if _, err := b.db.SetPitchStatus(ctx, pid, r.UserID, store.PitchStatus(c.Before)); err != nil {
			return err
		}
	case store.ChangeCreatorOwner:
		owner, was := c.Before, c.After
		_, err := b.db.UpdateCreator(ctx, c.Subject, r.UserID, store.CreatorUpdate{OwnerID: &owner, IfOwnerID: &was})
		if store.ErrorCode(err) == store.Conflict {
			return errorf("The owner of %s has changed since; nothing undone.", c.Label)
		} else if err != nil {
			return err
		}
	default:
		return errorf("That change cannot be undone.")
	}
	if _, err := b.db.SettleChange(ctx, c.ID, r.UserID, "", store.ChangeUndone); err != nil {
		return err
	}
	b.refreshHome(ctx, c.Owner)
	if c.Batch != "" {
		if batch, err := b.db.Batch(ctx, c.Batch); err == nil && batch.TS != "" {
			if err := b.renderBatch(ctx, batch); err != nil {
				b.log.Warn("change notice update failed", "err", err)
			}
		}
	}
	if r.UserID != c.By {
		var what string
		switch c.Kind {
		case store.ChangePitchStatus:
			what = fmt.Sprintf("the outcome of *%s* (%s → %s): it is back to *%s*", esc(c.Label), pitchLabel(c.Before), pitchLabel(c.After), pitchLabel(c.Before))
		default:
			what = fmt.Sprintf("the owner of *%s* (%s → %s): it is back with %s", esc(c.Label), mention(c.Before), mention(c.After), mention(c.Before))
		}
		text := fmt.Sprintf(":leftwards_arrow_with_hook: <@%s> undid your change to %s.", r.UserID, what)
		if _, _, err := b.post(ctx, c.By, msg{text: "Your change was undone", blocks: []slack.Block{section(text)}}); err != nil {
			b.log.Warn("undo news failed", "err", err)
		}
	}
	return nil
}

// ownerRequestRepeat is how long a request waits before asking the same
// thing again DMs the owner again.
const ownerRequestRepeat = 7 * 24 * time.Hour

// undoByHand says how to put a change back once Undo has expired.
func undoByHand(c store.Change) string {
	switch c.Kind {
	case store.ChangePitchStatus:
		if store.PitchStatus(c.Before) == store.PitchPitched {
			// No command sets a pitch back to Pitched: name the outcomes.
			return fmt.Sprintf("Set its outcome with `/pitch PIT-%s interested|agreed|declined|no response`.", c.Subject)
		}
		return fmt.Sprintf("Change it back with `/pitch PIT-%s %s`.", c.Subject, strings.ReplaceAll(c.Before, "_", " "))
	case store.ChangeCreatorOwner:
		return fmt.Sprintf("Change it back with `/creator %s set owner` followed by %s.", esc(c.Label), mention(c.Before))
	}
	return "Change it back by hand."
}

// requestOwner asks the creator's current owner to hand it to newOwner.
func (b *Bot) requestOwner(ctx context.Context, r *Request, cr *store.Creator, newOwner string) (string, error) {
	// The same request still waiting: the owner is not asked twice.
	if p, err := b.db.PendingOwnerRequest(ctx, cr.Handle, r.UserID, newOwner, b.Now().Add(-ownerRequestRepeat)); err != nil {
		return "", err
	} else if p != nil && p.Owner == cr.OwnerID {
		to := "to you"
		if newOwner != r.UserID {
			to = "to " + mention(newOwner)
		}
		return fmt.Sprintf(":hourglass_flowing_sand: You already asked <@%s> (%s) to move *@%s* %s; still waiting for their answer, so I did not ask again.", cr.OwnerID, b.when(p.At), cr.Handle, to), nil
	}
	c, _, err := b.db.RecordChange(ctx, store.Change{By: r.UserID, Owner: cr.OwnerID, Kind: store.OwnerRequest,
		Subject: cr.Handle, Label: "@" + cr.Handle, Before: cr.OwnerID, After: newOwner, State: store.ChangePending}, 0)
	if err != nil {
		return "", err
	}
	id := strconv.FormatUint(c.ID, 10)
	approve := button(actionOwnerApprove, id, "Approve")
	approve.Style = slack.StylePrimary
	// to is how the owner reads where it goes; toYou how the asker does.
	to, toYou := "to them", "to you"
	if newOwner != r.UserID {
		to = "to " + mention(newOwner)
		toYou = to
	}
	text := fmt.Sprintf(":raising_hand: <@%s> asks to move your creator *@%s* %s.", r.UserID, cr.Handle, to)
	blocks := []slack.Block{section(text), slack.NewActionBlock("owner_req_"+id, approve, button(actionOwnerDecline, id, "Decline")),
		contextText("Until you answer, you stay the owner. An admin can also change it with /creator @handle set owner @person.")}
	m := msg{text: fmt.Sprintf("%s asks to take over @%s", mention(r.UserID), cr.Handle), blocks: blocks}
	if _, _, err := b.post(ctx, cr.OwnerID, m); err != nil {
		// The owner cannot be reached (left the workspace, DMs closed):
		// the admins answer instead.
		b.log.Warn("owner request DM failed; asking admins", "err", err)
		asked := 0
		m.blocks[0] = section(fmt.Sprintf(":raising_hand: <@%s> asks to move *@%s* %s. It is owned by <@%s>, whom I could not reach by DM, so an admin answers.", r.UserID, cr.Handle, to, cr.OwnerID))
		for _, a := range b.cfg.Admins {
			if a == r.UserID {
				continue
			}
			if _, _, err := b.post(ctx, a, m); err == nil {
				asked++
			}
		}
		if asked == 0 {
			return "", err
		}
		return fmt.Sprintf(":hourglass_flowing_sand: *@%s* is owned by <@%s>, whom I could not reach, so I asked the admins to approve moving it %s. You'll get a DM with the answer.", cr.Handle, cr.OwnerID, toYou), nil
	}
	return fmt.Sprintf(":hourglass_flowing_sand: *@%s* is owned by <@%s>: I asked them to approve moving it %s. You'll get a DM with the answer.", cr.Handle, cr.OwnerID, toYou), nil
}

// ownerAnswer handles Approve / Decline on an owner request.
func (b *Bot) ownerAnswer(ctx context.Context, r *Request, approve bool) error {
	id, err := strconv.ParseUint(r.Action.Value, 10, 64)
	if err != nil {
		return errorf("That button is damaged.")
	}
	cs, err := b.db.Changes(ctx, id)
	if err != nil {
		return err
	}
	c := cs[0]
	if r.UserID != c.Owner && !b.isAdmin(r.UserID) {
		return mdErrorf("Only <@%s>, the owner, or an admin can answer this.", c.Owner)
	}
	if c.State != store.ChangePending {
		return errorf("This request was already %s.", c.State)
	}
	var text, news string
	if approve {
		owner, was := c.After, c.Before
		_, err := b.db.UpdateCreator(ctx, c.Subject, r.UserID, store.CreatorUpdate{OwnerID: &owner, IfOwnerID: &was})
		if store.ErrorCode(err) == store.Conflict {
			return errorf("The owner of @%s has changed since the request; nothing changed.", c.Subject)
		} else if err != nil {
			return err
		}
		if _, err := b.db.SettleChange(ctx, id, r.UserID, store.ChangePending, store.ChangeApproved); err != nil {
			return err
		}
		if c.After != c.By { // asked for someone else: they learn it is theirs now
			b.tellNewOwner(ctx, r.UserID, c.Subject, c.After)
		}
		text = fmt.Sprintf(":white_check_mark: Approved: *@%s* is now owned by %s.", c.Subject, mention(c.After))
		news = fmt.Sprintf(":white_check_mark: <@%s> approved: *@%s* is now owned by %s.", r.UserID, c.Subject, mention(c.After))
		b.refreshHome(ctx, c.After)
	} else {
		if _, err := b.db.SettleChange(ctx, id, r.UserID, store.ChangePending, store.ChangeDeclined); err != nil {
			return err
		}
		// The owner may have changed since the request (another request
		// approved, an admin's change): name who has it now.
		stays := c.Before
		if cr, err := b.db.Creator(ctx, c.Subject); err == nil && cr.OwnerID != "" {
			stays = cr.OwnerID
		}
		text = fmt.Sprintf(":no_entry_sign: Declined: *@%s* stays with %s.", c.Subject, mention(stays))
		news = fmt.Sprintf(":no_entry_sign: <@%s> declined moving *@%s* to %s; it stays with %s.", r.UserID, c.Subject, mention(c.After), mention(stays))
	}
	if c.By != r.UserID {
		if _, _, err := b.post(ctx, c.By, msg{text: fmt.Sprintf("Owner request for @%s answered", c.Subject), blocks: []slack.Block{section(news)}}); err != nil {
			b.log.Warn("owner answer news failed", "err", err)
		}
	}
	return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}, replace: true})
}

// creatorOwnerRule applies the permission table to "set owner": the owner
// or an admin changes it (an admin's change is told to the old owner, with
// Undo); anyone else asks the owner, and the owner field is taken out of
// upd. It returns the line to add to the reply and the change to tell.
func (b *Bot) creatorOwnerRule(ctx context.Context, r *Request, h string, upd *store.CreatorUpdate) (string, *store.Change, error) {
	if upd.OwnerID == nil {
		return "", nil, nil
	}
	cr, err := b.db.Creator(ctx, h)
	if store.ErrorCode(err) == store.NotFound || err == nil && (cr.OwnerID == "" || cr.OwnerID == *upd.OwnerID) {
		return "", nil, nil // a new or unowned creator, or no change of owner
	}
	if err != nil {
		return "", nil, err
	}
	if b.may(ctx, r.UserID, permCreatorOwner, cr.OwnerID, "") {
		if cr.OwnerID == r.UserID {
			return "", nil, nil
		}
		return fmt.Sprintf("<@%s>, the owner until now, is told, with Undo.", cr.OwnerID),
			&store.Change{By: r.UserID, Owner: cr.OwnerID, Kind: store.ChangeCreatorOwner, Subject: cr.Handle,
				Label: "@" + cr.Handle, Before: cr.OwnerID, After: *upd.OwnerID}, nil
	}
	asked, err := b.requestOwner(ctx, r, cr, *upd.OwnerID)
	if err != nil {
		return "", nil, err
	}
	upd.OwnerID = nil
	return asked, nil, nil
}

// tellNewOwner DMs the person who was made a creator's owner by someone
// else: the creator's follow-ups, samples and issues are theirs now. Nobody
// is told of their own change.
func (b *Bot) tellNewOwner(ctx context.Context, by, handle, owner string) {
	if owner == "" || owner == by || !isUser(owner) {
		return
	}
	text := fmt.Sprintf(":inbox_tray: <@%s> made you the owner of *@%s*: their follow-ups, samples and issues are yours now. `/creator @%s` shows the history.", by, handle, handle)
	if _, _, err := b.post(ctx, owner, msg{text: toPlain(text), blocks: []slack.Block{section(text)}}); err != nil {
		b.log.Warn("new owner DM failed", "err", err)
	}
}
