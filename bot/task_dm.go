package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"pocbot/store"
)

const (
	taskBlockProgressQty  = "task_progress_qty"
	taskBlockProgressNote = "task_progress_note"
	taskBlockReason       = "task_reason"
)

// progressStoreForm and cantDoStoreForm put AddTaskProgress' and
// CantDoTask's errors on their forms.
var (
	progressStoreForm = storeForm{fields: map[string]string{
		store.FieldQuantity: taskBlockProgressQty, store.FieldNote: taskBlockProgressNote,
	}, fallback: taskBlockProgressNote}
	cantDoStoreForm = storeForm{fields: map[string]string{store.FieldReason: taskBlockReason}, fallback: taskBlockReason}
)

// taskDMMsg is the assignee's message for a task. It is edited in place as
// the task changes; a closed task loses its buttons.
func (b *Bot) taskDMMsg(t *store.Task) msg {
	blocks := []slack.Block{
		header(fmt.Sprintf("TSK-%d · %s", t.ID, t.Title)),
		section(b.taskFacts(t)),
	}
	if t.Note != "" {
		blocks = append(blocks, section("*Note:* "+esc(truncate(t.Note, 2500))))
	}
	if t.Status.Open() {
		var els []slack.BlockElement
		if t.Status == store.TaskAssigned {
			accept := button(actionTaskAccept, strconv.FormatUint(t.ID, 10), "Accept")
			accept.Style = slack.StylePrimary
			els = append(els, accept)
		}
		id := strconv.FormatUint(t.ID, 10)
		els = append(els, button(actionTaskProgress, id, "Update progress"), button(actionTaskDone, id, "Done"),
			button(actionTaskCantDo, id, "Can't do"))
		blocks = append(blocks, slack.NewActionBlock(fmt.Sprintf("task_%d", t.ID), els...))
		if t.Kind == store.KindPitching {
			blocks = append(blocks, contextText("Pitches you log with /pitch after accepting count toward this task automatically."))
		}
	} else {
		blocks = append(blocks, contextText(fmt.Sprintf("Closed %s.", b.whenAbs(t.ClosedAt))))
	}
	return msg{text: fmt.Sprintf("TSK-%d: %s (due %s, %s)", t.ID, esc(truncate(t.Title, 200)), b.dueTextAbs(t), t.Status.Label()),
		blocks: blocks}
}

// taskFacts is the one-paragraph summary of a task: safe mrkdwn.
func (b *Bot) taskFacts(t *store.Task) string {
	parts := []string{
		fmt.Sprintf("*From:* <@%s>", t.Assigner),
		fmt.Sprintf("*To:* <@%s>", t.Assignee),
		"*Kind:* " + t.Kind.Label(),
		"*Due:* " + b.dueTextAbs(t),
		"*Status:* " + t.Status.Label(),
	}
	if t.Quantity > 0 {
		parts = append(parts, "*Progress:* "+taskProgressText(t))
	} else if p := taskProgressText(t); p != "" {
		parts = append(parts, "*Progress:* "+p)
	}
	if b.overdue(t) {
		parts = append(parts, ":red_circle: *Overdue*")
	}
	if t.Status == store.TaskCantDo && t.Reason != "" {
		parts = append(parts, "*Can't do because:* "+esc(truncate(t.Reason, 500)))
	}
	return strings.Join(parts, " · ")
}

func taskIDFrom(r *Request) (uint64, error) {
	id, err := strconv.ParseUint(r.Action.Value, 10, 64)
	if err != nil {
		return 0, errorf("That button is damaged; look the task up with /task TSK-number.")
	}
	return id, nil
}

// publishTaskChange edits the assignee's message in place and tells the assigner.
func (b *Bot) publishTaskChange(ctx context.Context, t *store.Task, news string) {
	if t.DMChannel != "" && t.DMTS != "" {
		m := b.taskDMMsg(t)
		_, _, _, err := b.api.UpdateMessageContext(ctx, t.DMChannel, t.DMTS,
			slack.MsgOptionText(fallback(m.text), false), slack.MsgOptionBlocks(m.blocks...))
		if err != nil {
			b.log.Warn("task DM update failed", "task", t.ID, "err", slackDetail(err))
		}
	}
	b.refreshHome(ctx, t.Assignee)
	if t.Assigner == t.Assignee {
		return
	}
	blocks := []slack.Block{section(news), contextText(b.taskFacts(t))}
	if !t.Status.Open() {
		blocks = append(blocks, closedTaskButtons(t))
	}
	if _, _, err := b.post(ctx, t.Assigner, msg{text: fmt.Sprintf("TSK-%d: %s", t.ID, t.Status.Label()), blocks: blocks}); err != nil {
		b.log.Warn("task news to assigner failed", "task", t.ID, "err", err)
	}
}

func (b *Bot) taskAccept(ctx context.Context, r *Request) error {
	id, err := taskIDFrom(r)
	if err != nil {
		return err
	}
	t, changed, err := b.db.AcceptTask(ctx, id, r.UserID)
	if err != nil {
		return err
	}
	if changed {
		b.publishTaskChange(ctx, t, fmt.Sprintf(":handshake: <@%s> accepted `TSK-%d` *%s*.", t.Assignee, t.ID, esc(truncate(t.Title, 200))))
	}
	return nil
}

func (b *Bot) openTaskProgress(ctx context.Context, r *Request) error {
	id, err := taskIDFrom(r)
	if err != nil {
		return err
	}
	t, err := b.db.Task(ctx, id)
	if err != nil {
		return err
	}
	return b.openModal(ctx, r, b.progressModal(t, "", "", "", ""))
}

func (b *Bot) submitTaskProgress(ctx context.Context, r *Request) (*slack.ViewSubmissionResponse, func(context.Context) error, error) {
	st := viewState(r)
	id, err := strconv.ParseUint(decodeMeta(r.Callback.View.PrivateMetadata).Ref, 10, 64)
	if err != nil {
		return nil, nil, errorf("That form is damaged; press Update progress again.")
	}
	added := 0
	if q := st.text(taskBlockProgressQty); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 0 || n > store.MaxTaskQuantity {
			return fieldErrors{taskBlockProgressQty: "A whole number of units done since your last update, like 10."}.response(), nil, nil
		}
		added = n
	}
	note := st.text(taskBlockProgressNote)
	if added == 0 && note == "" {
		return fieldErrors{taskBlockProgressQty: "Type how many units you did since your last update, or write a note."}.response(), nil, nil
	}
	// Past the quantity: ask once, "did you mean…?"; Save again records it.
	if cur, err := b.db.Task(ctx, id); err == nil && cur.Assignee == r.UserID {
		meta := decodeMeta(r.Callback.View.PrivateMetadata)
		if q, over := overQuantity(cur, added); over && meta.Extra != progressConfirmPrefix+strconv.Itoa(added) {
			v := b.progressModal(cur, q, progressConfirmPrefix+strconv.Itoa(added), strconv.Itoa(added), note)
			return slack.NewUpdateViewSubmissionResponse(&v), nil, nil
		}
	}
	t, err := b.db.AddTaskProgress(ctx, id, r.UserID, added, note, viewKey(r.Callback))
	if fe := progressStoreForm.errors(err); fe != nil {
		return fe.response(), nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	return nil, func(ctx context.Context) error {
		news := fmt.Sprintf(":chart_with_upwards_trend: <@%s> updated `TSK-%d` *%s*", t.Assignee, t.ID, esc(truncate(t.Title, 200)))
		if added > 0 {
			news += fmt.Sprintf(": +%d", added)
		}
		if p := taskProgressText(t); p != "" {
			news += " — " + p
		}
		if note != "" {
			news += "\n>" + esc(truncate(note, 1000))
		}
		b.publishTaskChange(ctx, t, news)
		return nil
	}, nil
}

func (b *Bot) openTaskCantDo(ctx context.Context, r *Request) error {
	id, err := taskIDFrom(r)
	if err != nil {
		return err
	}
	return b.openModal(ctx, r, modal(taskCantDoModalID, "Can't do it", "Send back", viewMeta{Ref: strconv.FormatUint(id, 10)},
		section(fmt.Sprintf("`TSK-%d` goes back to whoever assigned it, with your reason.", id)),
		textInput(taskBlockReason, "Why not?", "e.g. on leave Friday; only 20 left in the list", "", true, store.MaxTaskReasonLen, false),
	))
}

func (b *Bot) submitTaskCantDo(ctx context.Context, r *Request) (*slack.ViewSubmissionResponse, func(context.Context) error, error) {
	id, err := strconv.ParseUint(decodeMeta(r.Callback.View.PrivateMetadata).Ref, 10, 64)
	if err != nil {
		return nil, nil, errorf("That form is damaged; press Can't do again.")
	}
	t, _, err := b.db.CantDoTask(ctx, id, r.UserID, viewState(r).text(taskBlockReason))
	if fe := cantDoStoreForm.errors(err); fe != nil {
		return fe.response(), nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	return nil, func(ctx context.Context) error {
		b.publishTaskChange(ctx, t, fmt.Sprintf(":leftwards_arrow_with_hook: <@%s> can't do `TSK-%d` *%s* and handed it back:\n>%s",
			t.Assignee, t.ID, esc(truncate(t.Title, 200)), esc(truncate(t.Reason, 1000))))
		return nil
	}, nil
}

// refreshPitchingDMs edits the DMs of userID's open Pitching tasks after
// they logged pitches, so "12/40 done (12 from /pitch)" is current where
// they look at it: after the reply, coalesced per user (refresh.go).
func (b *Bot) refreshPitchingDMs(ctx context.Context, userID string) {
	b.refreshLater(ctx, userID, kindPitchDMs)
}

// refreshPitchingDMsNow does it. Failures are logged: the pitches are
// stored either way.
func (b *Bot) refreshPitchingDMsNow(ctx context.Context, userID string) {
	ts, err := b.db.TasksByAssignee(ctx, userID, true, 0)
	if err != nil {
		b.log.Warn("refresh pitching task DMs", "user", userID, "err", err)
		return
	}
	for i := range ts {
		t := &ts[i]
		if t.Kind != store.KindPitching || t.AcceptedAt.IsZero() || t.DMChannel == "" || t.DMTS == "" {
			continue
		}
		m := b.taskDMMsg(t)
		if _, _, _, err := b.api.UpdateMessageContext(ctx, t.DMChannel, t.DMTS,
			slack.MsgOptionText(fallback(m.text), false), slack.MsgOptionBlocks(m.blocks...)); err != nil {
			b.log.Warn("task DM update failed", "task", t.ID, "err", slackDetail(err))
		}
	}
}
