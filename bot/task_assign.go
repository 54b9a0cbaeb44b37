package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
)

const (
	taskBlockAssignee = "task_assignee"
	taskBlockTitle    = "task_title"
	taskBlockKind     = "task_kind"
	taskBlockQuantity = "task_quantity"
	taskBlockDueDate  = "task_due_date"
	taskBlockDueTime  = "task_due_time"
	taskBlockNote     = "task_note"
)

// taskStoreForm puts CreateTask's errors on the assign form.
var taskStoreForm = storeForm{fields: map[string]string{
	store.FieldAssignee: taskBlockAssignee, store.FieldTitle: taskBlockTitle, store.FieldKind: taskBlockKind,
	store.FieldQuantity: taskBlockQuantity, store.FieldDue: taskBlockDueDate, store.FieldNote: taskBlockNote,
}, fallback: taskBlockTitle}

// taskPrefill fills the task form, e.g. from an overload warning.
type taskPrefill struct {
	Assignee, Title, Quantity, DueDate, DueTime, Note string
	Kind                                              store.TaskKind
	DraftID                                           uint64 // a draft to discard once the form is submitted
	ReassignOf                                        uint64 // the task this form reassigns, if any
}

// prefillFrom fills the form from a task or draft, keeping the due date
// only if it is still ahead.
func (b *Bot) prefillFrom(nt store.TaskInput) taskPrefill {
	p := taskPrefill{Title: nt.Title, Kind: nt.Kind, Note: nt.Note}
	if nt.Quantity > 0 {
		p.Quantity = strconv.Itoa(nt.Quantity)
	}
	if nt.Due.After(b.Now()) {
		t := store.Task{Due: nt.Due, DueHasTime: nt.DueHasTime}
		p.DueDate = b.dueDay(&t).Format("2006-01-02")
		if nt.DueHasTime {
			p.DueTime = nt.Due.In(b.cfg.Location).Format("15:04")
		}
	}
	return p
}

func (b *Bot) taskModal(channelID string, p taskPrefill) slack.ModalViewRequest {
	assignee := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Choose a person…", maxPlaceholder), inputAction)
	assignee.InitialUser = p.Assignee
	var hint *slack.TextBlockObject
	if p.Assignee != "" {
		hint = plain("Suggested: the member with the least open work.", 2000)
	}
	var kinds []*slack.OptionBlockObject
	for _, k := range store.TaskKinds() {
		kinds = append(kinds, option(string(k), k.Label()))
	}
	dp := slack.NewDatePickerBlockElement(inputAction)
	dp.InitialDate = p.DueDate
	if dp.InitialDate == "" {
		dp.InitialDate = b.Now().In(b.cfg.Location).Format("2006-01-02")
	}
	tp := slack.NewTimePickerBlockElement(inputAction)
	tp.InitialTime = p.DueTime
	tp.Timezone = b.cfg.Location.String()
	var ref string
	if p.DraftID != 0 {
		ref = strconv.FormatUint(p.DraftID, 10)
	}
	var extra string
	if p.ReassignOf != 0 {
		extra = "reassign:" + strconv.FormatUint(p.ReassignOf, 10)
	}
	return modal(taskModalID, "Assign a task", "Assign", viewMeta{Channel: channelID, Ref: ref, Extra: extra},
		slack.NewInputBlock(taskBlockAssignee, plain("Assignee", 2000), hint, assignee),
		textInput(taskBlockTitle, "Title", "e.g. Pitch 40 beauty creators", p.Title, false, store.MaxTaskTitleLen, false),
		selectInput(taskBlockKind, "Kind", string(p.Kind), false, kinds...),
		textInput(taskBlockQuantity, "Quantity", "units of work, e.g. 40 (optional)", p.Quantity, false, 6, true),
		slack.NewInputBlock(taskBlockDueDate, plain("Due date", 2000), nil, dp),
		slack.NewInputBlock(taskBlockDueTime, plain("Due time", 2000), nil, tp).WithOptional(true),
		textInput(taskBlockNote, "Note", "Details; name creators as @handle to list the task on their profile", p.Note, true, store.MaxNoteLen, true),
		contextText(fmt.Sprintf("Times are in %s. Without a time the task is due by the end of the day. Capacity: %d units per working day unless an admin set another.",
			b.cfg.Location, b.cfg.DailyCapacity)),
	)
}

func (b *Bot) openTaskModal(ctx context.Context, r *Request, p taskPrefill) error {
	if p.Assignee == "" {
		// Build the suggestion from the store before the trigger expires:
		// two local reads, well inside Slack's 3 seconds.
		u, err := b.leastLoaded(ctx, "")
		if err != nil {
			return err
		}
		p.Assignee = u
	}
	return b.openModal(ctx, r, b.taskModal(r.ChannelID, p))
}

// submitTaskModal validates the form and commits the task (or, if it would
// overload the assignee, a draft) before the ack.
func (b *Bot) submitTaskModal(ctx context.Context, r *Request) (*slack.ViewSubmissionResponse, func(context.Context) error, error) {
	st := viewState(r)
	errs := fieldErrors{}
	nt := store.TaskInput{Assignee: st.text(taskBlockAssignee), Assigner: r.UserID, Title: st.text(taskBlockTitle),
		Kind: store.TaskKind(st.text(taskBlockKind)), Note: st.text(taskBlockNote), IdemKey: viewKey(r.Callback)}
	if x := decodeMeta(r.Callback.View.PrivateMetadata).Extra; strings.HasPrefix(x, "reassign:") {
		nt.IdemKey = x // one task may be reassigned once; its replacement has its own Reassign
	}
	if nt.Assignee == "" {
		errs[taskBlockAssignee] = "Pick the person who should do it."
	}
	if nt.Title == "" {
		errs[taskBlockTitle] = "Say what the task is, like: Pitch 40 beauty creators."
	}
	if !nt.Kind.Valid() {
		errs[taskBlockKind] = "Pick a kind."
	}
	if q := st.text(taskBlockQuantity); q != "" {
		n, err := strconv.Atoi(strings.TrimSpace(q))
		if err != nil || n < 1 || n > store.MaxTaskQuantity {
			errs[taskBlockQuantity] = fmt.Sprintf("A whole number of units from 1 to %d, like 40. Leave it empty if the task has no count.", store.MaxTaskQuantity)
		}
		nt.Quantity = n
	}
	due, hasTime, msg := b.formDue(st.text(taskBlockDueDate), st.text(taskBlockDueTime))
	if msg != "" {
		errs[taskBlockDueDate] = msg
	}
	nt.Due, nt.DueHasTime = due, hasTime
	if len(errs) > 0 {
		return errs.response(), nil, nil
	}
	res, err := b.commitTask(ctx, nt)
	if fe := taskStoreForm.errors(err); fe != nil {
		return fe.response(), nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	meta := decodeMeta(r.Callback.View.PrivateMetadata)
	if id, err := strconv.ParseUint(meta.Ref, 10, 64); err == nil {
		if err := b.db.DeleteTaskDraft(ctx, id); err != nil {
			r.log.Warn("discard replaced task draft", "draft", id, "err", err)
		}
	}
	r.ChannelID = meta.Channel
	return nil, func(ctx context.Context) error { return b.replyTaskCommit(ctx, r, res) }, nil
}

// formDue turns the date and time pickers into a deadline; msg explains a
// problem for the date field.
func (b *Bot) formDue(date, clock string) (time.Time, bool, string) {
	if date == "" {
		return time.Time{}, false, "Pick the day the task is due."
	}
	d, err := time.ParseInLocation("2006-01-02", date, b.cfg.Location)
	if err != nil {
		return time.Time{}, false, "Pick the day from the calendar."
	}
	now := b.Now()
	if clock == "" {
		if d.Before(progress.DayStart(now, b.cfg.Location)) {
			return time.Time{}, false, "That day is in the past. Pick today or later."
		}
		return d.AddDate(0, 0, 1), false, ""
	}
	h, m, err := parseClock(clock)
	if err != nil {
		return time.Time{}, false, "Pick the time from the list."
	}
	due := time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, b.cfg.Location)
	if !due.After(now) {
		return time.Time{}, false, "That time is in the past. Pick a later day or time."
	}
	return due, true, ""
}

// taskCommit is the outcome of commitTask: a task, or a draft held back by
// an overload warning.
type taskCommit struct {
	task    *store.Task
	nt      store.TaskInput
	draftID uint64
	ov      *overload
}

// commitTask assigns nt unless that pushes the assignee past capacity; then
// it keeps nt as a draft so the assigner can confirm or pick someone else.
// Nothing reaches the assignee before that choice. The store reads the
// assignee's load, applies overloadOf and writes in one transaction.
func (b *Bot) commitTask(ctx context.Context, nt store.TaskInput) (*taskCommit, error) {
	var ov *overload
	now := b.Now()
	t, draft, err := b.db.CreateTaskWithinCapacity(ctx, nt, func(l store.TaskLoad) bool {
		ov = b.overloadOf(nt, l, now)
		return ov != nil
	})
	if err != nil {
		return nil, err
	}
	if t == nil {
		return &taskCommit{nt: nt, draftID: draft, ov: ov}, nil
	}
	return &taskCommit{task: t, nt: nt}, nil
}

// replyTaskCommit tells the assignee and confirms to the assigner, or shows
// the overload warning.
func (b *Bot) replyTaskCommit(ctx context.Context, r *Request, c *taskCommit) error {
	if c.ov != nil {
		m, err := b.overloadMsg(ctx, c)
		if err != nil {
			return err
		}
		return b.reply(ctx, r, m)
	}
	return b.reply(ctx, r, b.announceTask(ctx, c.task))
}

// announceTask DMs the assignee the task with its buttons, remembers the
// message so it can be edited in place, and returns the confirmation for
// the assigner.
func (b *Bot) announceTask(ctx context.Context, t *store.Task) msg {
	text := fmt.Sprintf(":white_check_mark: Assigned `TSK-%d` to <@%s>: *%s*, due %s.", t.ID, t.Assignee, esc(truncate(t.Title, 200)), b.dueText(t))
	_, _, res, err := b.send(ctx, outPost{key: fmt.Sprintf("task-dm/%d", t.ID), kind: "task_dm", channel: t.Assignee,
		m: b.taskDMMsg(t), then: fmt.Sprintf("task_dm:%d", t.ID)})
	if res == postQueued {
		text += fmt.Sprintf(" Slack did not take the DM to <@%s> just now; I will keep trying.", t.Assignee)
	} else if err != nil {
		b.log.Error("task DM failed", "task", t.ID, "err", err)
		text += fmt.Sprintf(" :warning: I could not DM <@%s>; please tell them yourself.", t.Assignee)
	}
	b.refreshHome(ctx, t.Assignee)
	if t.Assigner != t.Assignee {
		b.refreshHome(ctx, t.Assigner)
	}
	return msg{text: fmt.Sprintf("Assigned TSK-%d.", t.ID), blocks: []slack.Block{section(text)}}
}

// overload is the figures of a capacity warning.
type overload struct {
	Assignee string
	By       time.Time // the due day
	Existing int       // units already outstanding by that day
	Added    int       // units in the new task
	PerDay   int       // the assignee's capacity
	Days     int       // working days from today through the due day
}

func (o *overload) limit() int { return o.PerDay * o.Days }

// overloadOf returns the figures if nt pushes its assignee past their
// capacity by its due day, nil otherwise: outstanding units due by that day
// (overdue included) plus nt's, against capacity × working days from today
// through the due day (at least one day). It only computes: the store calls
// it inside the transaction that assigns.
func (b *Bot) overloadOf(nt store.TaskInput, l store.TaskLoad, now time.Time) *overload {
	if nt.Quantity <= 0 {
		return nil
	}
	by := b.dueDay(&store.Task{Due: nt.Due, DueHasTime: nt.DueHasTime})
	ov := &overload{Assignee: nt.Assignee, By: by, Added: nt.Quantity, PerDay: b.capacityOr(l.Capacity),
		Days: max(1, b.workdaysBetween(now, by))}
	for i := range l.Open {
		if !b.dueDay(&l.Open[i]).After(by) {
			ov.Existing += l.Open[i].Outstanding()
		}
	}
	if ov.Existing+ov.Added <= ov.limit() {
		return nil
	}
	return ov
}

func (b *Bot) capacityOf(caps map[string]int, userID string) int {
	return b.capacityOr(caps[userID])
}

// capacityOr is a person's own daily capacity, or the team's when they
// have none (0).
func (b *Bot) capacityOr(own int) int {
	if own > 0 {
		return own
	}
	return b.cfg.DailyCapacity
}

func (b *Bot) overloadMsg(ctx context.Context, c *taskCommit) (msg, error) {
	ov := c.ov
	text := fmt.Sprintf(":warning: *<@%s> would be over capacity.* By %s they would have *%d units* outstanding "+
		"(%d already assigned + %d in this task) against a capacity of *%d* (%d a day × %s).",
		ov.Assignee, ov.By.Format("Mon 2 Jan"), ov.Existing+ov.Added, ov.Existing, ov.Added, ov.limit(), ov.PerDay, plural(ov.Days, "working day", "working days"))
	blocks := []slack.Block{section(text), section(fmt.Sprintf("Task: *%s*", esc(truncate(c.nt.Title, 200))))}
	if u, err := b.leastLoaded(ctx, ov.Assignee); err != nil {
		return msg{}, err
	} else if u != "" {
		blocks = append(blocks, contextText(fmt.Sprintf("<@%s> has the least open work right now. Nothing has been sent to <@%s> yet.", u, ov.Assignee)))
	} else {
		blocks = append(blocks, contextText(fmt.Sprintf("Nothing has been sent to <@%s> yet.", ov.Assignee)))
	}
	id := strconv.FormatUint(c.draftID, 10)
	anyway := button(actionTaskAssign, id, "Assign anyway")
	anyway.Style = slack.StyleDanger
	other := button(actionTaskRepick, id, "Pick someone else")
	other.Style = slack.StylePrimary
	blocks = append(blocks, slack.NewActionBlock("task_overload", anyway, other))
	return msg{text: fmt.Sprintf("Over capacity: %d units against %d. Assign anyway or pick someone else?", ov.Existing+ov.Added, ov.limit()),
		blocks: blocks}, nil
}

func draftID(r *Request) (uint64, error) {
	id, err := strconv.ParseUint(r.Action.Value, 10, 64)
	if err != nil {
		return 0, errorf("That button is damaged; assign the task again with /task.")
	}
	return id, nil
}

// taskAssignAnyway assigns the held-back draft.
func (b *Bot) taskAssignAnyway(ctx context.Context, r *Request) error {
	id, err := draftID(r)
	if err != nil {
		return err
	}
	t, err := b.db.AssignTaskDraft(ctx, id, r.UserID)
	if err != nil {
		return err
	}
	m := b.announceTask(ctx, t)
	m.replace = true
	return b.reply(ctx, r, m)
}

// taskPickOther reopens the form with the draft's details and the least
// loaded other member; submitting it discards the draft.
func (b *Bot) taskPickOther(ctx context.Context, r *Request) error {
	id, err := draftID(r)
	if err != nil {
		return err
	}
	nt, err := b.db.TaskDraft(ctx, id)
	if err != nil {
		return err
	}
	p := b.prefillFrom(*nt)
	p.DraftID = id
	if p.Assignee, err = b.leastLoaded(ctx, nt.Assignee); err != nil {
		return err
	}
	return b.openModal(ctx, r, b.taskModal(r.ChannelID, p))
}

// taskReassign reopens the form for a task someone could not do.
func (b *Bot) taskReassign(ctx context.Context, r *Request) error {
	id, err := strconv.ParseUint(r.Action.Value, 10, 64)
	if err != nil {
		return errorf("That button is damaged; use /task to assign it again.")
	}
	t, err := b.db.Task(ctx, id)
	if err != nil {
		return err
	}
	p := b.prefillFrom(store.TaskInput{Title: t.Title, Kind: t.Kind, Quantity: max(t.Quantity-t.Done(), 0), Due: t.Due,
		DueHasTime: t.DueHasTime, Note: t.Note})
	if p.Assignee, err = b.leastLoaded(ctx, t.Assignee); err != nil {
		return err
	}
	p.ReassignOf = id
	return b.openModal(ctx, r, b.taskModal(r.ChannelID, p))
}
