package bot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"pocbot/bot/progress"
	"pocbot/store"
)

// Task action and view IDs.
const (
	taskModalID         = "task_modal"
	taskProgressModalID = "task_progress_modal"
	taskCantDoModalID   = "task_cantdo_modal"

	actionTaskAccept   = "task_accept"
	actionTaskProgress = "task_progress"
	actionTaskDone     = "task_done"
	actionTaskCantDo   = "task_cantdo"
	actionTaskAssign   = "task_assign_anyway" // overload warning: assign the draft
	actionTaskRepick   = "task_pick_other"    // overload warning: reopen the form
	actionTaskReassign = "task_reassign"      // Can't do: reopen the form for someone else
)

func (b *Bot) taskRoutes() {
	b.rt.command(&command{
		Name:    "/task",
		Summary: "assign outsource tasks, track them and balance the load",
		Usage: []usage{
			{"", "open the task form (assignee pre-selected: the outsource member with the least open work; /team keeps the roster)"},
			{"@person TITLE by DUE", "assign quickly; DUE is today, tomorrow, a weekday, next friday or YYYY-MM-DD, optionally with HH:MM"},
			{"load", "per member: open tasks, units outstanding, due today, overdue, capacity"},
			{"list [mine|assigned|@person|overdue|done]", "tasks with their progress; assigned = the tasks you gave others"},
			{"export [period] [open|done|overdue|mine|@person] [xlsx]", "all matching tasks as CSV or Excel in your DM (admins)"},
			{"TSK-7", "one task with its history"},
			{"capacity [@person UNITS|default]", "daily capacity in units (admins set it)"},
			{"help", "this help"},
		},
		Examples: []string{
			"/task @ana Pitch 40 beauty creators by friday",
			"/task @budi Follow up 25 unanswered pitches by tomorrow 16:00",
			"/task load",
			"/task list overdue",
			"/task list assigned",
			"/task capacity @ana 40",
		},
		Run:  b.taskCommand,
		Form: true,
	})
	b.rt.view(taskModalID, b.submitTaskModal)
	b.rt.view(taskProgressModalID, b.submitTaskProgress)
	b.rt.view(taskCantDoModalID, b.submitTaskCantDo)
	b.rt.action(actionTaskAccept, b.taskAccept)
	b.rt.action(actionTaskProgress, b.openTaskProgress)
	b.rt.action(actionTaskDone, b.taskDone)
	b.rt.action(actionTaskCantDo, b.openTaskCantDo)
	b.rt.action(actionTaskAssign, b.taskAssignAnyway)
	b.rt.action(actionTaskRepick, b.taskPickOther)
	b.rt.action(actionTaskReassign, b.taskReassign)
	b.historySources = append(b.historySources, b.taskHistory)
	b.taskConfirmRoutes()
	b.taskProviders()
}

// taskJobs registers the daily reminder at cfg.TaskReminder. The job
// itself skips non-working days.
func (b *Bot) taskJobs() error {
	h, m, err := parseClock(b.cfg.TaskReminder)
	if err != nil {
		return fmt.Errorf("task reminder time %q: %w", b.cfg.TaskReminder, err)
	}
	return b.sched.add("task_reminders", fmt.Sprintf("%d %d * * *", m, h), b.taskReminderJob)
}

// parseClock reads HH:MM.
func parseClock(s string) (h, m int, err error) {
	mm := clockRE.FindStringSubmatch(strings.TrimSpace(s))
	if mm == nil {
		return 0, 0, fmt.Errorf("not a time of day in 24-hour HH:MM")
	}
	h, _ = strconv.Atoi(mm[1]) // the pattern allows digits only
	m, _ = strconv.Atoi(mm[2])
	return h, m, nil
}

var taskRefRE = regexp.MustCompile(`(?i)^(?:tsk-?|#)?(\d{1,12})$`)

func (b *Bot) taskCommand(ctx context.Context, r *Request) error {
	first, rest := splitWord(r.Text)
	switch strings.ToLower(first) {
	case "":
		return b.openTaskModal(ctx, r, taskPrefill{})
	case "load":
		return b.taskLoad(ctx, r)
	case "list":
		return b.taskList(ctx, r, rest)
	case "export":
		return b.export(ctx, r, "tasks", rest)
	case "capacity":
		return b.taskCapacity(ctx, r, rest)
	}
	if m := taskRefRE.FindStringSubmatch(first); m != nil && rest == "" {
		id, err := strconv.ParseUint(m[1], 10, 64)
		if err != nil {
			return errorf("%s is not a task number.", quote(first))
		}
		return b.taskDetail(ctx, r, id)
	}
	if !strings.HasPrefix(first, "<@") {
		return b.notUnderstood(r, first, rest)
	}
	a, err := parseTaskArgs(r.Text, b.Now(), b.cfg.Location)
	if err != nil {
		return err
	}
	nt := store.TaskInput{Assignee: a.Assignee, Assigner: r.UserID, Title: a.Title, Kind: a.Kind, Quantity: a.Quantity,
		Due: a.Due, DueHasTime: a.HasTime}
	res, err := b.commitTask(ctx, nt)
	if err != nil {
		return err
	}
	return b.replyTaskCommit(ctx, r, res)
}

// isWorkday reports whether t's local day is one of POCBOT_WORKDAYS (for
// capacity; holidays are checked where a calendar is at hand).
func (b *Bot) isWorkday(t time.Time) bool {
	return b.cfg.Workdays[t.In(b.cfg.Location).Weekday()]
}

// dueDay is the local day a task is due: for a date-only task, the day
// before its deadline instant (the following midnight).
func (b *Bot) dueDay(t *store.Task) time.Time {
	d := t.Due
	if !t.DueHasTime {
		d = d.Add(-time.Nanosecond)
	}
	return progress.DayStart(d, b.cfg.Location)
}

// dueTextAbs is dueText without "today"/"tomorrow", for the task DM, which
// stays in place for days.
func (b *Bot) dueTextAbs(t *store.Task) string {
	day := b.dueDay(t)
	s := day.Format("Mon 2 Jan")
	if day.Year() != progress.DayStart(b.Now(), b.cfg.Location).Year() {
		s = day.Format("Mon 2 Jan 2006")
	}
	if t.DueHasTime {
		s += " " + t.Due.In(b.cfg.Location).Format("15:04")
	}
	return s
}

// dueText formats a task's due date for people, e.g. "Fri 4 Dec" or
// "Fri 4 Dec 17:00", with "today"/"tomorrow" where that reads better.
func (b *Bot) dueText(t *store.Task) string {
	day := b.dueDay(t)
	today := progress.DayStart(b.Now(), b.cfg.Location)
	var s string
	switch day.Sub(today) / (24 * time.Hour) {
	case 0:
		s = "today"
	case 1:
		s = "tomorrow"
	default:
		s = day.Format("Mon 2 Jan")
		if day.Year() != today.Year() {
			s = day.Format("Mon 2 Jan 2006")
		}
	}
	if t.DueHasTime {
		s += " " + t.Due.In(b.cfg.Location).Format("15:04")
	}
	return s
}

// overdue reports whether an open task is past its deadline.
func (b *Bot) overdue(t *store.Task) bool {
	return t.Status.Open() && !b.Now().Before(t.Due)
}

// taskProgressText is "12/40 done" or "" for a task without a quantity.
func taskProgressText(t *store.Task) string {
	if t.Quantity <= 0 {
		if d := t.Done(); d > 0 {
			return fmt.Sprintf("%d done", d)
		}
		return ""
	}
	s := fmt.Sprintf("%d/%d done", t.Done(), t.Quantity)
	if t.Pitched > 0 {
		s += fmt.Sprintf(" (%d from /pitch)", t.Pitched)
	}
	return s
}

// taskLine is one task in a list: safe mrkdwn.
func (b *Bot) taskLine(t *store.Task, withAssignee bool) string {
	l := fmt.Sprintf("`TSK-%d` *%s*", t.ID, esc(truncate(t.Title, 120)))
	if withAssignee {
		l += fmt.Sprintf(" · <@%s>", t.Assignee)
	}
	if p := taskProgressText(t); p != "" {
		l += " · " + p
	}
	l += " · due " + b.dueText(t) + " · " + t.Status.Label()
	if b.overdue(t) {
		l += " · :red_circle: *overdue*"
	}
	return l
}

// workdaysBetween counts working days from a's day through b's day.
func (b *Bot) workdaysBetween(from, to time.Time) int {
	n := 0
	for d := progress.DayStart(from, b.cfg.Location); !d.After(to); d = d.AddDate(0, 0, 1) {
		if b.isWorkday(d) {
			n++
		}
		if n > 3660 { // ten years: no honest due date is further out
			break
		}
	}
	return n
}
