package bot

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
	"pocbot/store/sheet"
)

// /pitch export, /issue export and /task export (admins): the records as
// a CSV (or, with "xlsx", an Excel workbook) uploaded to the admin's DM.
// They take a period and the filters of the list commands:
//
//	/pitch export [today|yesterday|week|lastweek|month|YYYY-MM-DD YYYY-MM-DD] [@user] [@handle] [status|open] [xlsx]
//	/issue export [period] [open|done|breached|unassigned|mine|@user|@handle] [xlsx]
//	/task  export [period] [open|done|overdue|mine|@user] [xlsx]
//
// The period is of creation and defaults to all time.

// exportFilter is what an export's words asked for.
type exportFilter struct {
	From, To time.Time // zero: all time
	Period   string    // "this week", "2026-11-01 to 2026-11-30", "" = all time
	User     string    // <@U…>
	Handle   string    // @creator
	Status   string    // a kind-specific word
	XLSX     bool
}

// parseExportFilter reads an export's words; statuses lists the status
// words the kind takes (values are the normalised word).
func parseExportFilter(text string, now time.Time, loc *time.Location, statuses map[string]string, example string) (exportFilter, error) {
	var f exportFilter
	var dates []time.Time
	words := strings.Fields(text)
	for i := 0; i < len(words); i++ {
		w := words[i]
		lw := strings.ToLower(w)
		if lw == "no" && i+1 < len(words) && strings.EqualFold(words[i+1], "response") {
			lw, i = "noresponse", i+1
		}
		switch {
		case lw == "xlsx" || lw == "excel":
			f.XLSX = true
		case lw == "csv":
		case lw == "all" || lw == "alltime":
		case strings.Contains(w, ".."):
			a, b, _ := strings.Cut(w, "..")
			for _, s := range []string{a, b} {
				d, err := time.ParseInLocation("2006-01-02", s, loc)
				if err != nil {
					return f, errorf("%s is not a date; write a range as 2026-11-01..2026-11-30.", quote(s))
				}
				dates = append(dates, d)
			}
		case looksLikeDate(w):
			d, err := time.ParseInLocation("2006-01-02", w, loc)
			if err != nil {
				return f, errorf("%s is not a date; write dates as YYYY-MM-DD, like 2026-11-01.", quote(w))
			}
			dates = append(dates, d)
		case strings.HasPrefix(w, "<@"):
			if f.User = userIDFromMention(w); f.User == "" {
				return f, errorf("I couldn't read %s as a person. Pick them with @ so Slack links the name.", quote(w))
			}
		case strings.HasPrefix(w, "@"):
			h, err := store.NormalizeHandle(w)
			if err != nil {
				return f, err
			}
			f.Handle = h
		case statuses[lw] != "":
			f.Status = statuses[lw]
		default:
			p, ok := progress.ParsePeriod(lw, "", now, loc)
			if !ok {
				return f, errorf("I didn't understand %s. Try for example: %s", quote(w), example)
			}
			f.From, f.To, f.Period = p.From, p.To, p.Name
		}
	}
	switch len(dates) {
	case 0:
	case 2:
		if dates[1].Before(dates[0]) {
			return f, errorf("The first date must not be after the second, like: 2026-11-01 2026-11-30")
		}
		f.From, f.To = dates[0], dates[1].AddDate(0, 0, 1)
		f.Period = dates[0].Format("2 Jan 2006") + " to " + dates[1].Format("2 Jan 2006")
	default:
		return f, errorf("Give both dates, from and to, like: 2026-11-01 2026-11-30")
	}
	return f, nil
}

func (f exportFilter) within(t time.Time) bool {
	return (f.From.IsZero() || !t.Before(f.From)) && (f.To.IsZero() || t.Before(f.To))
}

// fileSuffix is the part of the file name the filter adds.
func (f exportFilter) fileSuffix(loc *time.Location) string {
	s := ""
	if !f.From.IsZero() {
		s += "-" + f.From.In(loc).Format("20060102") + "-" + f.To.Add(-time.Nanosecond).In(loc).Format("20060102")
	}
	if f.Status != "" {
		s += "-" + f.Status
	}
	if f.Handle != "" {
		s += "-" + f.Handle
	}
	if f.User != "" {
		s += "-" + strings.ToLower(f.User)
	}
	if f.XLSX {
		return s + ".xlsx"
	}
	return s + ".csv"
}

// describe is the filter in words, for the reply.
func (f exportFilter) describe() string {
	var parts []string
	if f.Period != "" {
		parts = append(parts, f.Period)
	} else {
		parts = append(parts, "all time")
	}
	if f.Status != "" {
		parts = append(parts, f.Status)
	}
	if f.Handle != "" {
		parts = append(parts, "@"+f.Handle)
	}
	if f.User != "" {
		parts = append(parts, "<@"+f.User+">")
	}
	return strings.Join(parts, ", ")
}

var (
	pitchExportStatuses = map[string]string{"open": "open", "pitched": "pitched", "interested": "interested", "agreed": "agreed",
		"declined": "declined", "noresponse": "no_response", "no_response": "no_response", "closed": "closed"}
	issueExportStatuses = map[string]string{"open": "open", "active": "open", "done": "done", "resolved": "done", "closed": "done",
		"breached": "breached", "overdue": "breached", "unassigned": "unassigned", "mine": "mine"}
	taskExportStatuses = map[string]string{"open": "open", "done": "done", "closed": "done", "overdue": "overdue", "mine": "mine"}
)

// exportKind is one of the three exports.
type exportKind struct {
	one, what, command, example string
	statuses                    map[string]string
	table                       func(ctx context.Context, f exportFilter, userID string) (*store.Table, error)
}

func (b *Bot) exportKinds() map[string]exportKind {
	return map[string]exportKind{
		"pitches": {one: "pitch", what: "pitches", command: "/pitch export", example: "/pitch export month agreed xlsx", statuses: pitchExportStatuses,
			table: b.pitchExportTable},
		"issues": {one: "issue", what: "issues", command: "/issue export", example: "/issue export 2026-11-01 2026-11-30 breached", statuses: issueExportStatuses,
			table: b.issueExportTable},
		"tasks": {one: "task", what: "tasks", command: "/task export", example: "/task export week done", statuses: taskExportStatuses,
			table: b.taskExportTable},
	}
}

// Export builds the file of kind (pitches, issues or tasks) that the
// words ask for, as userID ("" from the command line, where "mine" means
// nobody): its name, bytes and row count. `pocbot export` uses it too.
func (b *Bot) Export(ctx context.Context, kind, words, userID string) (name string, data []byte, rows int, err error) {
	k, ok := b.exportKinds()[kind]
	if !ok {
		return "", nil, 0, errorf("I can export pitches, issues or tasks, not %s.", quote(kind))
	}
	f, err := parseExportFilter(words, b.Now(), b.cfg.Location, k.statuses, k.example)
	if err != nil {
		return "", nil, 0, err
	}
	if f.Status == "mine" && userID == "" {
		return "", nil, 0, errorf("\"mine\" needs a Slack user; name the person instead.")
	}
	t, err := k.table(ctx, f, userID)
	if err != nil {
		return "", nil, 0, err
	}
	var buf bytes.Buffer
	if f.XLSX {
		err = sheet.WriteXLSX(&buf, t, k.what)
	} else {
		err = t.WriteCSV(&buf)
	}
	if err != nil {
		return "", nil, 0, err
	}
	return k.what + f.fileSuffix(b.cfg.Location), buf.Bytes(), len(t.Rows), nil
}

// export runs "/pitch|issue|task export …" for kind.
func (b *Bot) export(ctx context.Context, r *Request, kind, rest string) error {
	k := b.exportKinds()[kind]
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("export " + k.what)
	}
	name, data, rows, err := b.Export(ctx, kind, rest, r.UserID)
	if err != nil {
		return err
	}
	f, _ := parseExportFilter(rest, b.Now(), b.cfg.Location, k.statuses, k.example) // parsed fine above
	note := " Cells that a spreadsheet would run as a formula start with an apostrophe."
	if f.XLSX {
		note = " Every cell is stored as text or a number, never as a formula."
	}
	comment := fmt.Sprintf("%s (%s), times in %s.%s", plural(rows, k.one, k.what),
		f.describe(), b.cfg.Location, note)
	if err := b.sendFileToDM(ctx, r.UserID, name, data, comment); err != nil {
		return err
	}
	text := fmt.Sprintf(":page_facing_up: Sent `%s` (%s) to your DM with me.", name, plural(rows, "row", "rows"))
	return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
}

func (b *Bot) pitchExportTable(ctx context.Context, f exportFilter, _ string) (*store.Table, error) {
	ps, err := b.db.PitchesBetween(ctx, f.From, orForever(f.To))
	if err != nil {
		return nil, err
	}
	kept := ps[:0]
	for _, p := range ps {
		switch {
		case f.User != "" && p.UserID != f.User, f.Handle != "" && p.Handle != f.Handle:
			continue
		case f.Status == "open" && !p.Status.Open(), f.Status == "closed" && p.Status.Open():
			continue
		case f.Status != "" && f.Status != "open" && f.Status != "closed" && string(p.Status) != f.Status:
			continue
		}
		kept = append(kept, p)
	}
	return store.PitchTable(kept, b.cfg.Location), nil
}

func orForever(t time.Time) time.Time {
	if t.IsZero() {
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}

func (b *Bot) issueExportTable(ctx context.Context, f exportFilter, userID string) (*store.Table, error) {
	all, err := b.db.AllIssues(ctx)
	if err != nil {
		return nil, err
	}
	now := b.Now()
	if f.Status == "mine" {
		f.User = userID
	}
	var kept []store.Issue
	for _, is := range all {
		switch {
		case !f.within(is.CreatedAt), f.User != "" && is.AssigneeID != f.User, f.Handle != "" && is.Handle != f.Handle:
			continue
		case f.Status == "open" && !is.Status.Active(), f.Status == "done" && !is.Status.Done():
			continue
		case f.Status == "unassigned" && (is.AssigneeID != "" || !is.Status.Active()):
			continue
		case f.Status == "breached" && is.SLA.BreachedAt.IsZero() && !(is.Status.Active() && is.SLA.Phase(now) == store.SLABreached):
			continue
		}
		kept = append(kept, is)
	}
	return store.IssueTable(kept, b.cfg.Location, now), nil
}

func (b *Bot) taskExportTable(ctx context.Context, f exportFilter, userID string) (*store.Table, error) {
	all, err := b.db.AllTasks(ctx)
	if err != nil {
		return nil, err
	}
	now := b.Now()
	if f.Status == "mine" {
		f.User = userID
	}
	if f.Handle != "" {
		return nil, errorf("Tasks are filtered by teammate, not by creator: use @person (picked so Slack links the name), open, done or overdue.")
	}
	var kept []store.Task
	for _, t := range all {
		switch {
		case !f.within(t.CreatedAt), f.User != "" && t.Assignee != f.User:
			continue
		case f.Status == "open" && !t.Status.Open(), f.Status == "done" && t.Status.Open():
			continue
		case f.Status == "overdue" && (!t.Status.Open() || !t.Due.Before(now)):
			continue
		}
		kept = append(kept, t)
	}
	return store.TaskTable(kept, b.cfg.Location), nil
}
