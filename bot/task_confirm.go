package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// Task states that mean what they say (issue #13): Done on a task that was
// never accepted, or that is short of its quantity, asks first and records
// what was confirmed; the assigner can Reopen a closed task; progress past
// the quantity asks "did you mean…?" before it is saved.

const (
	actionTaskDoneConfirm = "task_done_confirm"
	actionTaskDoneCancel  = "task_done_cancel"
	actionTaskReopen      = "task_reopen"

	// progressConfirmPrefix marks a progress form whose over-quantity
	// figure the assignee was asked about: Save again with the same
	// number records it.
	progressConfirmPrefix = "over:"
)

func (b *Bot) taskConfirmRoutes() {
	b.rt.action(actionTaskDoneConfirm, b.taskDoneConfirm)
	b.rt.action(actionTaskDoneCancel, b.taskDoneCancel)
	b.rt.action(actionTaskReopen, b.taskReopen)
}

// doneCaveats lists what is odd about marking t done now: never accepted,
// short of its quantity. Empty means Done needs no question.
func doneCaveats(t *store.Task) []string {
	var out []string
	if t.Status == store.TaskAssigned {
		out = append(out, "without accepting")
	}
	if t.Quantity > 0 && t.Done() < t.Quantity {
		out = append(out, fmt.Sprintf("at %d/%d", t.Done(), t.Quantity))
	}
	return out
}

// taskDone handles Done: straight through for an accepted task at its
// quantity, a question otherwise.
func (b *Bot) taskDone(ctx context.Context, r *Request) error {
	id, err := taskIDFrom(r)
	if err != nil {
		return err
	}
	t, err := b.db.Task(ctx, id)
	if err != nil {
		return err
	}
	if c := doneCaveats(t); len(c) > 0 && t.Status.Open() && t.Assignee == r.UserID {
		var q string
		switch {
		case t.Status == store.TaskAssigned && t.Quantity > 0 && t.Done() < t.Quantity:
			q = fmt.Sprintf("You haven't accepted `TSK-%d`, and it is *%d/%d* done. Mark it done anyway?", t.ID, t.Done(), t.Quantity)
		case t.Status == store.TaskAssigned:
			q = fmt.Sprintf("You haven't accepted `TSK-%d`. Mark it done without accepting?", t.ID)
		default:
			q = fmt.Sprintf("`TSK-%d` is *%d/%d* done — %d short. Mark it done anyway?", t.ID, t.Done(), t.Quantity, t.Quantity-t.Done())
		}
		ok := button(actionTaskDoneConfirm, strconv.FormatUint(t.ID, 10), "Mark done "+strings.Join(c, ", "))
		ok.Style = slack.StyleDanger
		blocks := []slack.Block{section(q),
			contextText(fmt.Sprintf("<@%s> will see what you confirmed, and can reopen the task.", t.Assigner)),
			slack.NewActionBlock(fmt.Sprintf("task_done_q_%d", t.ID), ok, button(actionTaskDoneCancel, strconv.FormatUint(t.ID, 10), "Not yet"))}
		return b.reply(ctx, r, msg{text: fmt.Sprintf("Mark TSK-%d done %s?", t.ID, strings.Join(c, ", ")), blocks: blocks})
	}
	return b.finishTask(ctx, r, id, false)
}

func (b *Bot) taskDoneConfirm(ctx context.Context, r *Request) error {
	id, err := taskIDFrom(r)
	if err != nil {
		return err
	}
	return b.finishTask(ctx, r, id, true)
}

func (b *Bot) taskDoneCancel(ctx context.Context, r *Request) error {
	text := fmt.Sprintf("`TSK-%s` stays open.", r.Action.Value)
	return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}, replace: true})
}

// finishTask marks the task done, recording in its history what the
// assignee confirmed (re-read now: the task may have moved since the
// question), and tells the assigner with a Reopen button.
func (b *Bot) finishTask(ctx context.Context, r *Request, id uint64, confirmed bool) error {
	var note string
	if confirmed {
		t, err := b.db.Task(ctx, id)
		if err != nil {
			return err
		}
		if c := doneCaveats(t); len(c) > 0 {
			note = "marked done " + strings.Join(c, ", ")
		}
	}
	t, _, err := b.db.CompleteTaskNoted(ctx, id, r.UserID, note)
	if err != nil {
		return err
	}
	news := fmt.Sprintf(":white_check_mark: <@%s> finished `TSK-%d` *%s*", t.Assignee, t.ID, esc(truncate(t.Title, 200)))
	if p := taskProgressText(t); p != "" {
		news += " — " + p
	}
	news += "."
	if note != "" {
		news += fmt.Sprintf("\n:warning: They confirmed it was %s.", strings.TrimPrefix(note, "marked "))
	}
	b.publishTaskChange(ctx, t, news)
	if confirmed {
		text := fmt.Sprintf("Marked `TSK-%d` done (%s); <@%s> is told.", t.ID, strings.TrimPrefix(note, "marked done "), t.Assigner)
		if note == "" {
			text = fmt.Sprintf("Marked `TSK-%d` done.", t.ID)
		}
		return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}, replace: true})
	}
	return nil
}

// closedTaskButtons are the assigner's buttons under news of a closed task.
func closedTaskButtons(t *store.Task) *slack.ActionBlock {
	id := strconv.FormatUint(t.ID, 10)
	els := []slack.BlockElement{button(actionTaskReopen, id, "Reopen")}
	if t.Status == store.TaskCantDo {
		els = append(els, button(actionTaskReassign, id, "Reassign"))
	}
	return slack.NewActionBlock(fmt.Sprintf("task_back_%d", t.ID), els...)
}

// taskReopen handles Reopen: the assigner (or an admin) puts the task back
// to work; the assignee's task message gets its buttons back and they are
// told.
func (b *Bot) taskReopen(ctx context.Context, r *Request) error {
	id, err := taskIDFrom(r)
	if err != nil {
		return err
	}
	t, err := b.db.ReopenTask(ctx, id, r.UserID, b.isAdmin(r.UserID), "reopened")
	if err != nil {
		return err
	}
	if t.DMChannel != "" && t.DMTS != "" {
		m := b.taskDMMsg(t)
		if _, _, _, err := b.api.UpdateMessageContext(ctx, t.DMChannel, t.DMTS,
			slack.MsgOptionText(fallback(m.text), false), slack.MsgOptionBlocks(m.blocks...)); err != nil {
			b.log.Warn("task DM update failed", "task", t.ID, "err", slackDetail(err))
		}
	}
	b.refreshHome(ctx, t.Assignee)
	if t.Assignee != r.UserID {
		news := fmt.Sprintf(":arrows_counterclockwise: <@%s> reopened `TSK-%d` *%s*: it is back to *%s*", r.UserID, t.ID, esc(truncate(t.Title, 200)), t.Status.Label())
		if p := taskProgressText(t); p != "" {
			news += ", " + p
		}
		news += ". Your task message above has its buttons again."
		if _, _, err := b.post(ctx, t.Assignee, msg{text: fmt.Sprintf("TSK-%d reopened", t.ID), blocks: []slack.Block{section(news)}}); err != nil {
			b.log.Warn("task reopen DM failed", "task", t.ID, "err", err)
		}
	}
	text := fmt.Sprintf(":arrows_counterclockwise: Reopened `TSK-%d` (%s); <@%s> is told.", t.ID, t.Status.Label(), t.Assignee)
	return b.reply(ctx, r, msg{text: fmt.Sprintf("Reopened TSK-%d.", t.ID), blocks: []slack.Block{section(text)}, replace: true})
}

// overQuantity reports whether adding added to t passes its quantity (but
// stays within what the store accepts, twice the task), and if so the
// question to ask.
func overQuantity(t *store.Task, added int) (string, bool) {
	if t.Quantity <= 0 || added <= 0 {
		return "", false
	}
	total := t.Done() + added
	if total <= t.Quantity || total > 2*t.Quantity {
		return "", false
	}
	q := fmt.Sprintf(":warning: +%d makes *%d/%d* — %d more than the task.", added, total, t.Quantity, total-t.Quantity)
	if rest := t.Quantity - t.Done(); rest > 0 {
		q += fmt.Sprintf(" Did you mean *%d* (to reach %d)?", rest, t.Quantity)
	}
	return q + fmt.Sprintf(" Change the number, or press Save again to record %d.", added), true
}

// progressModal is the Update progress form; note, when set, is a
// question shown above the fields and extra its metadata.
func (b *Bot) progressModal(t *store.Task, question, extra, qty, noteText string) slack.ModalViewRequest {
	label, hint := "Units done since your last update", "e.g. 10"
	if t.Kind == store.KindPitching {
		label = "Pitches NOT logged with /pitch"
		hint = fmt.Sprintf("%d already counted from /pitch", t.Pitched)
	}
	intro := fmt.Sprintf("*TSK-%d* %s", t.ID, esc(truncate(t.Title, 200)))
	if p := taskProgressText(t); p != "" {
		intro += " — " + p
	}
	blocks := []slack.Block{section(intro)}
	if question != "" {
		blocks = append(blocks, section(question))
	}
	blocks = append(blocks,
		textInput(taskBlockProgressQty, label, hint, qty, false, 6, true),
		textInput(taskBlockProgressNote, "Note", "Anything the assigner should know", noteText, true, store.MaxNoteLen, true))
	return modal(taskProgressModalID, "Update progress", "Save", viewMeta{Ref: strconv.FormatUint(t.ID, 10), Extra: extra}, blocks...)
}
