package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
)

// taskReminderJob runs daily at POCBOT_TASK_REMINDER. On working days it
// sends each assignee ONE DM listing their open tasks due today and those
// overdue — never one DM per task. A per-person, per-day claim makes a
// re-run (catch-up, retry after a partial failure) skip people already
// reminded, so a task due today is reminded once, and an overdue one once
// a day.
func (b *Bot) taskReminderJob(ctx context.Context, due time.Time) error {
	cal, err := b.calendar(ctx)
	if err != nil {
		return err
	}
	if !cal.Working(due) { // weekends and /target holidays
		return nil
	}
	today := progress.DayStart(due, b.cfg.Location)
	// Date-only tasks due today have their deadline at tomorrow 00:00.
	open, err := b.db.OpenTasksDueBefore(ctx, today.AddDate(0, 0, 1).Add(time.Nanosecond))
	if err != nil {
		return err
	}
	byUser := map[string][]store.Task{}
	for _, t := range open {
		if b.dueDay(&t).After(today) {
			continue
		}
		byUser[t.Assignee] = append(byUser[t.Assignee], t)
	}
	users := make([]string, 0, len(byUser))
	for u := range byUser {
		users = append(users, u)
	}
	sort.Strings(users)
	day := today.Format("2006-01-02")
	var errs []error
	for _, u := range users {
		errs = append(errs, b.postOnce(ctx, "task-remind/"+day+"/"+u, u, func() msg {
			return b.taskReminderMsg(byUser[u], today)
		}))
	}
	return errors.Join(errs...)
}

// taskReminderMsg is one person's reminder: due today, then overdue.
func (b *Bot) taskReminderMsg(ts []store.Task, today time.Time) msg {
	var dueToday, overdue []string
	for i := range ts {
		t := &ts[i]
		if b.dueDay(t).Before(today) || b.overdue(t) {
			overdue = append(overdue, b.taskLine(t, false))
		} else {
			dueToday = append(dueToday, b.taskLine(t, false))
		}
	}
	var blocks []slack.Block
	if len(dueToday) > 0 {
		blocks = append(blocks, section(fmt.Sprintf(":alarm_clock: *Due today (%d)*", len(dueToday))))
		blocks = append(blocks, joinLines(capLines(dueToday))...)
	}
	if len(overdue) > 0 {
		blocks = append(blocks, section(fmt.Sprintf(":red_circle: *Overdue (%d)*", len(overdue))))
		blocks = append(blocks, joinLines(capLines(overdue))...)
	}
	blocks = append(blocks, contextText("Update each task from its message (Update progress, Done, Can't do), or see them all with `/task list`."))
	return msg{text: fmt.Sprintf("Task reminder: %d due today, %d overdue.", len(dueToday), len(overdue)), blocks: blocks}
}

// capLines keeps a reminder short; /task list has the rest.
func capLines(lines []string) []string {
	if len(lines) <= maxTaskLines {
		return lines
	}
	return append(lines[:maxTaskLines:maxTaskLines], fmt.Sprintf("…and %d more: `/task list`", len(lines)-maxTaskLines))
}
