package bot

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
)

// maxTaskLines bounds a task list reply.
const maxTaskLines = 40

// memberLoad is one member's open work.
type memberLoad struct {
	User                           string
	Open, Units, DueToday, Overdue int
	Capacity                       int
	CapacitySet                    bool
	OffRoster                      bool // has open tasks but is not an outsource member on the roster
}

// memberLoads returns the load of every member (everyone who has had a task
// or has a capacity set), from one read of the open-task index.
func (b *Bot) memberLoads(ctx context.Context) ([]memberLoad, error) {
	members, err := b.loadMembers(ctx)
	if err != nil {
		return nil, err
	}
	open, err := b.db.OpenTasks(ctx)
	if err != nil {
		return nil, err
	}
	caps, err := b.db.TaskCapacities(ctx)
	if err != nil {
		return nil, err
	}
	today := progress.DayStart(b.Now(), b.cfg.Location)
	by := map[string]*memberLoad{}
	out := make([]memberLoad, len(members))
	for i, u := range members {
		_, set := caps[u.id]
		out[i] = memberLoad{User: u.id, Capacity: b.capacityOf(caps, u.id), CapacitySet: set, OffRoster: u.offRoster}
		by[u.id] = &out[i]
	}
	for i := range open {
		t := &open[i]
		l := by[t.Assignee]
		if l == nil {
			continue // cannot happen: every assignee with open work is listed
		}
		l.Open++
		l.Units += t.Outstanding()
		switch {
		case b.overdue(t):
			l.Overdue++
		case b.dueDay(t).Equal(today):
			l.DueToday++
		}
	}
	return out, nil
}

// leastLoaded suggests the member with the fewest outstanding units (then
// fewest open tasks), other than exclude; "" if there is nobody.
func (b *Bot) leastLoaded(ctx context.Context, exclude string) (string, error) {
	loads, err := b.memberLoads(ctx)
	if err != nil {
		return "", err
	}
	best := -1
	for i, l := range loads {
		if l.User == exclude || l.OffRoster {
			continue
		}
		if best < 0 || l.Units < loads[best].Units || l.Units == loads[best].Units && l.Open < loads[best].Open {
			best = i
		}
	}
	if best < 0 {
		return "", nil
	}
	return loads[best].User, nil
}

// taskLoad handles "/task load".
func (b *Bot) taskLoad(ctx context.Context, r *Request) error {
	loads, err := b.memberLoads(ctx)
	if err != nil {
		return err
	}
	if len(loads) == 0 {
		text := "No one has had a task yet. Assign the first with `/task`."
		return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
	}
	sort.SliceStable(loads, func(i, j int) bool {
		if loads[i].OffRoster != loads[j].OffRoster {
			return !loads[i].OffRoster
		}
		return loads[i].Units > loads[j].Units
	})
	var lines []string
	for _, l := range loads {
		if l.OffRoster {
			line := fmt.Sprintf(":white_circle: <@%s> — *%d* open · *%d* units outstanding · not on the outsource roster", l.User, l.Open, l.Units)
			lines = append(lines, line)
			continue
		}
		line := fmt.Sprintf("<@%s> — *%d* open · *%d* units outstanding · %d due today · %d overdue · capacity %d/day",
			l.User, l.Open, l.Units, l.DueToday, l.Overdue, l.Capacity)
		if l.Overdue > 0 {
			line = ":red_circle: " + line
		} else if l.Units > l.Capacity {
			line = ":large_orange_circle: " + line
		} else {
			line = ":large_green_circle: " + line
		}
		lines = append(lines, line)
	}
	blocks := []slack.Block{header("Outsource workload")}
	blocks = append(blocks, joinLines(lines)...)
	who := "Members: everyone who has had a task (set an outsource roster with /team)."
	if roster, err := b.outsourceRoster(ctx); err == nil && len(roster) > 0 {
		who = "Members: the outsource roster (/team)."
	}
	blocks = append(blocks, contextText(fmt.Sprintf("%s Units are task quantities not yet done. Capacity is per working day (%s); default %d.",
		who, b.workdayNames(), b.cfg.DailyCapacity)))
	return b.reply(ctx, r, msg{text: "Workload of " + plural(len(loads), "member", "members") + ".", blocks: blocks})
}

func (b *Bot) workdayNames() string {
	return strings.ReplaceAll(b.cfg.Workdays.String(), ",", " ")
}

// taskCapacity handles "/task capacity [@person UNITS|default]".
func (b *Bot) taskCapacity(ctx context.Context, r *Request, arg string) error {
	who, val := splitWord(arg)
	if who == "" {
		caps, err := b.db.TaskCapacities(ctx)
		if err != nil {
			return err
		}
		text := fmt.Sprintf("Daily capacity is *%d units* per working day (%s).", b.cfg.DailyCapacity, b.workdayNames())
		var lines []string
		for u, c := range caps {
			lines = append(lines, fmt.Sprintf("<@%s>: %d", u, c))
		}
		sort.Strings(lines)
		if len(lines) > 0 {
			text += " Set per person: " + strings.Join(lines, ", ") + "."
		}
		return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
	}
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("set capacities")
	}
	u := userIDFromMention(who)
	if u == "" {
		return errorf("Pick the person with @ so Slack links them: /task capacity @ana 40")
	}
	units := 0
	if !strings.EqualFold(val, "default") {
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 || n > store.MaxCapacity {
			return errorf("Give the capacity as a whole number of units per working day from 1 to %d, or the word default: /task capacity @ana 40", store.MaxCapacity)
		}
		units = n
	}
	if err := b.db.SetTaskCapacity(ctx, r.UserID, u, units); err != nil {
		return err
	}
	b.refreshHome(ctx, r.UserID)
	text := fmt.Sprintf(":gear: <@%s> can now take *%d units* a working day.", u, units)
	if units == 0 {
		text = fmt.Sprintf(":gear: <@%s> is back on the default of *%d units* a working day.", u, b.cfg.DailyCapacity)
	}
	return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
}

// taskList handles "/task list [mine|@person|overdue|done]".
func (b *Bot) taskList(ctx context.Context, r *Request, arg string) error {
	arg = strings.TrimSpace(arg)
	var (
		ts    []store.Task
		title string
		err   error
		who   = true
	)
	switch {
	case arg == "" || strings.EqualFold(arg, "mine"):
		title, who = "Your open tasks", false
		ts, err = b.db.TasksByAssignee(ctx, r.UserID, true, 0)
	case strings.HasPrefix(arg, "<@"):
		u := userIDFromMention(arg)
		if u == "" {
			return errorf("I couldn't read %s as a person. Pick them with @ so Slack links the name.", quote(arg))
		}
		title, who = fmt.Sprintf("Open tasks of <@%s>", u), false
		ts, err = b.db.TasksByAssignee(ctx, u, true, 0)
	case strings.EqualFold(arg, "overdue"):
		title = "Overdue tasks"
		ts, err = b.db.OpenTasksDueBefore(ctx, b.Now().Add(1))
	case strings.EqualFold(arg, "done"):
		title = "Recently closed tasks"
		ts, err = b.db.ClosedTasks(ctx, maxTaskLines)
	case strings.EqualFold(arg, "assigned") || strings.EqualFold(arg, "delegated"):
		title = "Tasks you assigned"
		ts, err = b.tasksAssignedBy(ctx, r.UserID)
	default:
		return errorf("I can list `mine`, `assigned` (what you delegated), `@person`, `overdue` or `done` — not %s. Example: /task list overdue", quote(arg))
	}
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		text := title + ": none."
		return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
	}
	var lines []string
	for i := range ts {
		if i == maxTaskLines {
			break
		}
		lines = append(lines, b.taskLine(&ts[i], who))
	}
	blocks := []slack.Block{section(fmt.Sprintf("*%s* (%d)", title, len(ts)))}
	blocks = append(blocks, joinLines(lines)...)
	if len(ts) > maxTaskLines {
		blocks = append(blocks, contextText(fmt.Sprintf("Showing %d of %d.", maxTaskLines, len(ts))))
	}
	return b.reply(ctx, r, msg{text: fmt.Sprintf("%s: %s.", strings.ReplaceAll(title, "*", ""), plural(len(ts), "task", "tasks")), blocks: blocks})
}

// taskDetail handles "/task TSK-7": the task and its history.
func (b *Bot) taskDetail(ctx context.Context, r *Request, id uint64) error {
	t, err := b.db.Task(ctx, id)
	if err != nil {
		return err
	}
	blocks := []slack.Block{header(fmt.Sprintf("TSK-%d · %s", t.ID, t.Title)), section(b.taskFacts(t))}
	if t.Note != "" {
		blocks = append(blocks, section("*Note:* "+esc(truncate(t.Note, 2500))))
	}
	var lines []string
	for _, e := range t.History {
		l := fmt.Sprintf("• %s <@%s>", b.when(e.At), e.UserID)
		switch {
		case e.From == "" && e.To == store.TaskAssigned:
			l += fmt.Sprintf(" assigned it to <@%s>", t.Assignee)
		case e.To != "" && e.To != e.From:
			l += fmt.Sprintf(": %s → *%s*", e.From.Label(), e.To.Label())
		default:
			l += " reported progress"
		}
		if e.Added > 0 {
			l += fmt.Sprintf(" (+%d)", e.Added)
		}
		if e.Note != "" {
			l += ": " + esc(truncate(e.Note, 300))
		}
		lines = append(lines, l)
	}
	if len(lines) > 30 { // keep the newest: the block limit would cut them
		lines = append([]string{fmt.Sprintf("_…%d earlier entries_", len(lines)-30)}, lines[len(lines)-30:]...)
	}
	blocks = append(blocks, section("*History*"))
	blocks = append(blocks, joinLines(lines)...)
	return b.reply(ctx, r, msg{text: fmt.Sprintf("TSK-%d: %s", t.ID, t.Status.Label()), blocks: blocks})
}

// taskHistory lists the tasks that name a creator, for /creator.
func (b *Bot) taskHistory(ctx context.Context, h string, limit int) ([]historyItem, int, error) {
	ts, err := b.db.TasksByCreator(ctx, h)
	if err != nil {
		return nil, 0, err
	}
	items := make([]historyItem, 0, len(ts))
	for i := range ts {
		t := &ts[i]
		l := fmt.Sprintf(":clipboard: %s task `TSK-%d` for <@%s> — %s · *%s*", b.when(t.CreatedAt), t.ID, t.Assignee,
			esc(truncate(t.Title, 80)), t.Status.Label())
		items = append(items, historyItem{At: t.CreatedAt, Line: l})
	}
	items, total := newest(items, limit)
	return items, total, nil
}

// tasksAssignedBy is what userID delegated: their open tasks (oldest due
// first), then the recently closed ones.
func (b *Bot) tasksAssignedBy(ctx context.Context, userID string) ([]store.Task, error) {
	open, err := b.db.OpenTasks(ctx)
	if err != nil {
		return nil, err
	}
	closed, err := b.db.ClosedTasks(ctx, 4*maxTaskLines)
	if err != nil {
		return nil, err
	}
	var out []store.Task
	for _, t := range append(open, closed...) {
		if t.Assigner == userID {
			out = append(out, t)
		}
	}
	return out, nil
}
