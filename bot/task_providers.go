package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// What tasks give targets, the digest and App Home (metrics.go).

const (
	// homeMaxTasks caps "My tasks": each takes two blocks.
	homeMaxTasks = 5
	// digestOldestTasks is how many overdue tasks the digest names per person.
	digestOldestTasks = 3
	// digestMaxTaskPeople caps the people listed with overdue tasks.
	digestMaxTaskPeople = 30
)

func (b *Bot) taskProviders() {
	b.registerMetric(metricSource{Name: store.MetricTasksDone, Label: "tasks done", CountDays: b.db.TasksDoneByDay})
	b.registerDigestSection(sectionTasks, b.digestOverdueTasks)
	// Open tasks per person (not units: a task without a quantity has none).
	b.registerWorkload(workloadTasks, func(ctx context.Context, _ time.Time) (map[string]int, error) {
		return b.db.OpenTaskCounts(ctx)
	})
	b.registerHomeSection(homeTasks, b.homeMyTasks)
}

// digestOverdueTasks is one line per person with overdue tasks: how many
// and the oldest few, the person with the most first.
func (b *Bot) digestOverdueTasks(ctx context.Context, day time.Time) ([]string, error) {
	asOf := b.digestAsOf(day)
	od, err := b.db.OverdueTasks(ctx, asOf, digestOldestTasks)
	if err != nil {
		return nil, err
	}
	var lines []string
	for i, o := range od {
		if i == digestMaxTaskPeople {
			lines = append(lines, fmt.Sprintf("…and %d more people: `/task list overdue`", len(od)-i))
			break
		}
		var names []string
		for _, t := range o.Oldest {
			names = append(names, fmt.Sprintf("`TSK-%d` %s (due %s)", t.ID, esc(truncate(t.Title, 60)), b.dueDay(&t).Format("Mon 2 Jan")))
		}
		l := fmt.Sprintf("%s: *%d overdue* — oldest %s", mention(o.Assignee), o.Count, strings.Join(names, ", "))
		if o.Count > len(o.Oldest) {
			l += ", …"
		}
		lines = append(lines, l)
	}
	return lines, nil
}

// homeMyTasks lists my open tasks, soonest due (so overdue) first, each
// with the buttons of the task's DM.
func (b *Bot) homeMyTasks(ctx context.Context, userID string) ([]slack.Block, error) {
	ts, err := b.db.TasksByAssignee(ctx, userID, true, 0)
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	var out []slack.Block
	for i := range ts {
		if i == homeMaxTasks {
			out = append(out, contextText(fmt.Sprintf("…and %d more: `/task list mine`", len(ts)-i)))
			break
		}
		t := &ts[i]
		out = append(out, section(b.taskLine(t, false)), slack.NewActionBlock(fmt.Sprintf("home_task_%d", t.ID), taskButtons(t)...))
	}
	return out, nil
}

// taskButtons are the buttons of an open task, as on its DM: Accept while
// assigned, then Update progress, Done and Can't do.
func taskButtons(t *store.Task) []slack.BlockElement {
	id := strconv.FormatUint(t.ID, 10)
	var els []slack.BlockElement
	if t.Status == store.TaskAssigned {
		accept := button(actionTaskAccept, id, "Accept")
		accept.Style = slack.StylePrimary
		els = append(els, accept)
	}
	return append(els, button(actionTaskProgress, id, "Update progress"), button(actionTaskDone, id, "Done"),
		button(actionTaskCantDo, id, "Can't do"))
}
