package store

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Exports of pitches, issues and tasks: each becomes a Table (header and
// rows of text, oldest first, times in the team's zone) that WriteCSV
// writes injection-safe and store/sheet writes as XLSX.

// Table is an export: a header and rows of cells. Numeric marks the
// columns an XLSX export stores as numbers (the CSV has them as digits).
type Table struct {
	Header  []string
	Numeric []bool
	Rows    [][]string
}

// WriteCSV writes t as RFC 4180 CSV through CSVWriter: every cell passes
// SafeCell, so none runs as a formula in a spreadsheet.
func (t *Table) WriteCSV(w io.Writer) error {
	cw := NewCSVWriter(w)
	if err := cw.WriteHeader(t.Header); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	return cw.Flush()
}

func fmtTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(exportTimeLayout)
}

func numeric(header []string, cols ...string) []bool {
	out := make([]bool, len(header))
	for i, h := range header {
		out[i] = slices.Contains(cols, h)
	}
	return out
}

// PitchHeader is the header of a pitch export.
var PitchHeader = []string{"id", "created_at", "creator", "pitched_by", "product", "status", "status_changed_at",
	"commission_pct", "channel", "note", "forced", "imported"}

// PitchTable is the export of ps, oldest first.
func PitchTable(ps []Pitch, loc *time.Location) *Table {
	sorted := slices.Clone(ps)
	slices.SortStableFunc(sorted, func(a, b Pitch) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return int(a.ID) - int(b.ID)
	})
	t := &Table{Header: PitchHeader, Numeric: numeric(PitchHeader, "id", "commission_pct")}
	for _, p := range sorted {
		changed := ""
		if n := len(p.History); n > 0 {
			changed = fmtTime(p.History[n-1].At, loc)
		}
		comm := ""
		if p.CommissionPct > 0 {
			comm = strconv.Itoa(p.CommissionPct)
		}
		t.Rows = append(t.Rows, []string{strconv.FormatUint(p.ID, 10), fmtTime(p.CreatedAt, loc), p.Handle, p.UserID,
			p.Product, string(p.Status), changed, comm, p.Channel, p.Note, yes(p.Forced), yes(p.Imported)})
	}
	return t
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

// IssueHeader is the header of an issue export.
var IssueHeader = []string{"id", "created_at", "creator", "category", "priority", "status", "reporter", "assignee",
	"sla_due", "sla_breached", "resolved_at", "resolved_by", "reason", "resolution", "order_id", "link", "description"}

// IssueTable is the export of issues, oldest first. sla_breached says
// whether the issue is (or, if resolved, was) past its SLA as of now.
func IssueTable(issues []Issue, loc *time.Location, now time.Time) *Table {
	sorted := slices.Clone(issues)
	slices.SortStableFunc(sorted, func(a, b Issue) int { return int(a.ID) - int(b.ID) })
	t := &Table{Header: IssueHeader, Numeric: numeric(IssueHeader, "id")}
	for _, is := range sorted {
		breached := ""
		if !is.SLA.BreachedAt.IsZero() || (!is.Status.Done() && is.SLA.Phase(now) == SLABreached) ||
			(is.Status.Done() && !is.SLA.Due.IsZero() && is.ResolvedAt.After(is.SLA.Due)) {
			breached = "yes"
		}
		t.Rows = append(t.Rows, []string{is.Ref(), fmtTime(is.CreatedAt, loc), is.Handle, string(is.Category), is.Priority.String(),
			string(is.Status), is.ReporterID, is.AssigneeID, fmtTime(is.SLA.Due, loc), breached, fmtTime(is.ResolvedAt, loc),
			is.ResolvedBy, string(is.Reason), is.Resolution, is.OrderID, is.Link, is.Description})
	}
	return t
}

// TaskHeader is the header of a task export.
var TaskHeader = []string{"id", "created_at", "title", "kind", "assignee", "assigned_by", "quantity", "done", "due",
	"status", "accepted_at", "closed_at", "reason", "creators", "note"}

// TaskTable is the export of ts, oldest first.
func TaskTable(ts []Task, loc *time.Location) *Table {
	sorted := slices.Clone(ts)
	slices.SortStableFunc(sorted, func(a, b Task) int { return int(a.ID) - int(b.ID) })
	t := &Table{Header: TaskHeader, Numeric: numeric(TaskHeader, "quantity", "done")}
	for _, k := range sorted {
		qty := ""
		if k.Quantity > 0 {
			qty = strconv.Itoa(k.Quantity)
		}
		t.Rows = append(t.Rows, []string{fmt.Sprintf("TSK-%d", k.ID), fmtTime(k.CreatedAt, loc), k.Title, string(k.Kind),
			k.Assignee, k.Assigner, qty, strconv.Itoa(k.Done()), fmtTime(k.Due, loc), string(k.Status),
			fmtTime(k.AcceptedAt, loc), fmtTime(k.ClosedAt, loc), k.Reason, strings.Join(k.Creators, " "), k.Note})
	}
	return t
}

// AllIssues returns every issue, in ID order.
func (db *DB) AllIssues(ctx context.Context) ([]Issue, error) {
	var out []Issue
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketIssues).ForEach(func(k, v []byte) error {
			var is Issue
			if err := json.Unmarshal(v, &is); err != nil {
				return fmt.Errorf("issue %d: %w", btoi(k), err)
			}
			out = append(out, is)
			return ctx.Err()
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AllTasks returns every task (not drafts), in ID order, with Pitched
// counted as of now.
func (db *DB) AllTasks(ctx context.Context) ([]Task, error) {
	var out []Task
	err := db.view(ctx, func(tx *bolt.Tx) error {
		now := db.Now()
		return tx.Bucket(bucketTasks).ForEach(func(k, _ []byte) error {
			t, err := getTask(tx, btoi(k), now)
			if err != nil {
				return err
			}
			out = append(out, *t)
			return ctx.Err()
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
