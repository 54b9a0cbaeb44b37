package store

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

func newIssue(handle string) IssueInput {
	return IssueInput{Handle: handle, Category: CatVoucher, Priority: P2, Description: "Voucher code says expired",
		ReporterID: "U1", SLA: 24 * time.Hour}
}

func mustIssue(tb testing.TB, db *DB, n IssueInput) *Issue {
	tb.Helper()
	is, err := db.CreateIssue(context.Background(), n)
	if err != nil {
		tb.Fatal(err)
	}
	return is
}

func TestNewIssue_FieldErrors(t *testing.T) {
	ok := newIssue("@sari.beauty")
	tests := []struct {
		name  string
		edit  func(n *IssueInput)
		field string
		want  string
	}{
		{"MissingCreator", func(n *IssueInput) { n.Handle = " " }, FieldCreator, "handle is required"},
		{"SlackMention", func(n *IssueInput) { n.Handle = "<@U123|sari>" }, FieldCreator, "Slack user mention"},
		{"BadHandle", func(n *IssueInput) { n.Handle = "sari beauty" }, FieldCreator, "space"},
		{"EmptyDescription", func(n *IssueInput) { n.Description = " \n " }, FieldDescription, "Describe the problem"},
		{"LongDescription", func(n *IssueInput) { n.Description = strings.Repeat("é", 12001) }, FieldDescription, "at most 12000"},
		{"OrderLetters", func(n *IssueInput) { n.OrderID = "5771ABC" }, FieldOrderID, "only digits"},
		{"OrderTooLong", func(n *IssueInput) { n.OrderID = strings.Repeat("9", 33) }, FieldOrderID, "33 digits"},
		{"LinkNoScheme", func(n *IssueInput) { n.Link = "tiktok.com/@x" }, FieldLink, "not a web address"},
		{"LinkJavascript", func(n *IssueInput) { n.Link = "javascript:alert(1)" }, FieldLink, "not a web address"},
		{"LinkSlackMarkup", func(n *IssueInput) { n.Link = "https://x.com/a|<!channel>" }, FieldLink, "not a web address"},
		{"NoCategory", func(n *IssueInput) { n.Category = "" }, FieldCategory, "category"},
		{"BadPriority", func(n *IssueInput) { n.Priority = 9 }, FieldPriority, "priority"},
	}
	if errs := ok.FieldErrors(); errs != nil {
		t.Fatalf("valid issue has errors %v", errs)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := ok
			tc.edit(&n)
			errs := n.FieldErrors()
			if len(errs) != 1 || errs[tc.field] == nil || !strings.Contains(errs[tc.field].Error(), tc.want) {
				t.Fatalf("FieldErrors = %v, want only %s containing %q", errs, tc.field, tc.want)
			}
			if ErrorCode(n.Validate()) != Invalid {
				t.Errorf("Validate = %v, want Invalid", n.Validate())
			}
		})
	}
	for in, want := range map[string]string{"": "", " 5771 2345-6789 ": "577123456789", "0012": "0012"} {
		if got, err := NormalizeOrderID(in); err != nil || got != want {
			t.Errorf("NormalizeOrderID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestDB_CreateIssue(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	n := newIssue("@Sari.Beauty")
	n.OrderID, n.Link, n.SourceLink = "5771 2345", "https://www.tiktok.com/@sari/video/1", "https://fake.slack.com/archives/C1/p1"
	is := mustIssue(t, db, n)
	if is.ID != 1 || is.Ref() != "ISS-1" || is.Handle != "sari.beauty" || is.OrderID != "57712345" || is.Status != IssueOpen ||
		!is.SLA.Due.Equal(t0.Add(24*time.Hour)) || is.Events != 1 {
		t.Fatalf("issue = %+v", is)
	}
	if c, err := db.Creator(ctx, "sari.beauty"); err != nil || c.OwnerID != "" { // reported, not pitched: no owner yet
		t.Errorf("creator = %+v, %v", c, err)
	}
	is2 := mustIssue(t, db, newIssue("budi"))
	if is2.ID != 2 {
		t.Errorf("second ID = %d", is2.ID)
	}
	if _, err := db.CreateIssue(ctx, IssueInput{Handle: "x!"}); ErrorCode(err) != Invalid {
		t.Errorf("bad issue: %v", err)
	}
	got, _, _ := db.IssuesByCreator(ctx, "@SARI.BEAUTY", 0)
	if len(got) != 1 || got[0].ID != 1 {
		t.Errorf("IssuesByCreator = %+v", got)
	}
	un, _ := db.UnassignedIssues(ctx)
	act, _ := db.ActiveIssues(ctx)
	if len(un) != 2 || len(act) != 2 {
		t.Errorf("unassigned %d, active %d; want 2, 2", len(un), len(act))
	}
	audit, _ := db.AuditLog(ctx, IssueEntity(1), 0)
	if len(audit) != 1 || audit[0].Action != ActionIssueCreate {
		t.Errorf("audit = %+v", audit)
	}
	if _, err := db.Issue(ctx, 99); ErrorCode(err) != NotFound || !strings.Contains(err.Error(), "ISS-99") {
		t.Errorf("Issue(99) = %v", err)
	}
}

func TestDB_AssignIssue_CompareAndSet(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	is := mustIssue(t, db, newIssue("sari"))

	// Twenty people press "Assign to me" at once: exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners, conflicts := 0, 0
	for i := 0; i < 20; i++ {
		u := "U" + string(rune('A'+i))
		wg.Go(func() {
			ch, err := db.AssignIssue(ctx, is.ID, u, "", u)
			mu.Lock()
			defer mu.Unlock()
			switch ErrorCode(err) {
			case "":
				winners++
			case Conflict:
				conflicts++
				if ch == nil || ch.Issue.AssigneeID == "" || ch.Issue.AssigneeID == u {
					t.Errorf("conflict for %s does not name the winner: %+v", u, ch)
				}
			default:
				t.Errorf("%s: %v", u, err)
			}
		})
	}
	wg.Wait()
	if winners != 1 || conflicts != 19 {
		t.Fatalf("winners %d, conflicts %d", winners, conflicts)
	}
	got, _ := db.Issue(ctx, is.ID)
	mine, _ := db.IssuesByAssignee(ctx, got.AssigneeID, true)
	if len(mine) != 1 {
		t.Errorf("IssuesByAssignee = %d issues", len(mine))
	}
	if un, _ := db.UnassignedIssues(ctx); len(un) != 0 {
		t.Errorf("still unassigned: %+v", un)
	}
	// Assigning to the current assignee is a no-op; Reassign ignores who has it.
	ch, err := db.AssignIssue(ctx, is.ID, got.AssigneeID, "", got.AssigneeID)
	if err != nil || ch.Event != nil {
		t.Errorf("self re-assign = %+v, %v", ch, err)
	}
	ch, err = db.ReassignIssue(ctx, is.ID, "U1", "UZ")
	if err != nil || ch.Issue.AssigneeID != "UZ" || ch.Event.From != got.AssigneeID || ch.Event.To != "UZ" {
		t.Errorf("reassign = %+v, %v", ch, err)
	}
	if old, _ := db.IssuesByAssignee(ctx, got.AssigneeID, false); len(old) != 0 {
		t.Errorf("old assignee still indexed: %+v", old)
	}
	if _, err := db.ReassignIssue(ctx, is.ID, "U1", ""); ErrorCode(err) != Invalid {
		t.Errorf("reassign to nobody: %v", err)
	}
	evs, total, _ := db.IssueTimeline(ctx, is.ID, 0, 0)
	if total != 3 || len(evs) != 3 || evs[1].Action != ActionIssueAssign || evs[2].To != "UZ" {
		t.Errorf("timeline = %d %+v", total, evs)
	}
	audit, _ := db.AuditLog(ctx, IssueEntity(is.ID), 0)
	if len(audit) != 3 {
		t.Errorf("audit has %d entries, want create + 2 assigns", len(audit))
	}
}

func TestDB_IssueStatusPauseResolveReopen(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	is := mustIssue(t, db, newIssue("sari")) // P2: 24h
	id := is.ID

	clock.Add(2 * time.Hour)
	if _, err := db.SetIssueStatus(ctx, id, "U1", IssueInProgress); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Hour)
	ch, err := db.SetIssueStatus(ctx, id, "U1", IssueWaiting)
	if err != nil || !ch.Issue.SLA.IsPaused() {
		t.Fatalf("waiting: %+v %v", ch, err)
	}
	clock.Add(10 * time.Hour) // waiting on the creator: the clock stands still
	ch, _ = db.SetIssueStatus(ctx, id, "U2", IssueInProgress)
	if got, want := ch.Issue.SLA.Due, t0.Add(34*time.Hour); !got.Equal(want) || ch.Issue.SLA.Paused != 10*time.Hour {
		t.Errorf("after 10h waiting: due %v (paused %v), want %v", got, ch.Issue.SLA.Paused, want)
	}
	if e := ch.Issue.SLA.Elapsed(clock.Now()); e != 3*time.Hour {
		t.Errorf("elapsed = %v, want 3h", e)
	}
	if _, err := db.SetIssueStatus(ctx, id, "U1", IssueResolved); ErrorCode(err) != Invalid {
		t.Errorf("status resolved without a resolution: %v", err)
	}
	if _, err := db.ReopenIssue(ctx, id, "U1"); ErrorCode(err) != Invalid {
		t.Errorf("reopen an open issue: %v", err)
	}
	if _, err := db.ResolveIssue(ctx, id, "U1", Resolution{Status: IssueResolved, Text: " ", Reason: "resent"}); ErrorCode(err) != Invalid {
		t.Errorf("empty resolution: %v", err)
	}
	if _, err := db.ResolveIssue(ctx, id, "U1", Resolution{Status: IssueResolved, Text: "x", Reason: "bogus"}); ErrorCode(err) != Invalid {
		t.Errorf("bad reason: %v", err)
	}
	ch, err = db.ResolveIssue(ctx, id, "U2", Resolution{Status: IssueResolved, Text: "Resent, tracking JX1", Reason: "resent"})
	if err != nil || ch.Issue.Status != IssueResolved || ch.Issue.Resolution != "Resent, tracking JX1" || !ch.Issue.SLA.IsPaused() {
		t.Fatalf("resolve: %+v %v", ch, err)
	}
	if _, err := db.ResolveIssue(ctx, id, "U2", Resolution{Status: IssueClosed, Text: "again", Reason: "other"}); ErrorCode(err) != Conflict {
		t.Errorf("resolve twice: %v", err)
	}
	if _, err := db.AssignIssue(ctx, id, "U3", "", "U3"); ErrorCode(err) != Invalid {
		t.Errorf("assign a resolved issue: %v", err)
	}
	if act, _ := db.ActiveIssues(ctx); len(act) != 0 {
		t.Errorf("resolved issue still active")
	}
	clock.Add(5 * time.Hour)
	ch, err = db.ReopenIssue(ctx, id, "U1")
	if err != nil || ch.Issue.Status != IssueOpen || ch.Issue.Resolution != "" || ch.Event.Action != ActionIssueReopen {
		t.Fatalf("reopen: %+v %v", ch, err)
	}
	if got, want := ch.Issue.SLA.Due, t0.Add(39*time.Hour); !got.Equal(want) {
		t.Errorf("after 5h resolved: due %v, want %v", got, want)
	}
	if un, _ := db.UnassignedIssues(ctx); len(un) != 1 {
		t.Errorf("reopened unassigned issue not in the unassigned index")
	}
	_, total, _ := db.IssueTimeline(ctx, id, 0, 0)
	if total != 6 { // create, in progress, waiting, in progress, resolve, reopen
		t.Errorf("timeline has %d entries, want 6", total)
	}
}

func TestDB_MarkIssueSLA_Once(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	is := mustIssue(t, db, newIssue("sari")) // 24h
	if first, _, err := db.MarkIssueSLA(ctx, is.ID, SLAWarning); err != nil || first {
		t.Fatalf("warning before 80%%: %v %v", first, err)
	}
	clock.Add(19*time.Hour + 12*time.Minute)
	if first, _, _ := db.MarkIssueSLA(ctx, is.ID, SLABreached); first {
		t.Fatal("breach at 80%")
	}
	first, got, err := db.MarkIssueSLA(ctx, is.ID, SLAWarning)
	if err != nil || !first || got.SLA.WarnedAt.IsZero() {
		t.Fatalf("warning at 80%%: %v %+v %v", first, got, err)
	}
	if first, _, _ := db.MarkIssueSLA(ctx, is.ID, SLAWarning); first {
		t.Fatal("warned twice")
	}
	if err := db.UnmarkIssueSLA(ctx, is.ID, SLAWarning); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := db.MarkIssueSLA(ctx, is.ID, SLAWarning); !first {
		t.Fatal("unmark did not allow a retry")
	}
	clock.Add(5 * time.Hour)
	if _, err := db.SetIssueStatus(ctx, is.ID, "U1", IssueWaiting); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := db.MarkIssueSLA(ctx, is.ID, SLABreached); first {
		t.Fatal("breach marked while paused")
	}
	if _, err := db.SetIssueStatus(ctx, is.ID, "U1", IssueOpen); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := db.MarkIssueSLA(ctx, is.ID, SLABreached); !first {
		t.Fatal("breach not marked")
	}
	if first, _, _ := db.MarkIssueSLA(ctx, is.ID, SLABreached); first {
		t.Fatal("breach marked twice")
	}
}

func TestDB_IssueTimelinePages(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	is := mustIssue(t, db, newIssue("sari"))
	for i := 0; i < 150; i++ {
		st := IssueInProgress
		if i%2 == 1 {
			st = IssueOpen
		}
		if _, err := db.SetIssueStatus(ctx, is.ID, "U1", st); err != nil {
			t.Fatal(err)
		}
	}
	evs, total, err := db.IssueTimeline(ctx, is.ID, 141, 20)
	if err != nil || total != 151 || len(evs) != 10 || evs[9].To != string(IssueOpen) {
		t.Fatalf("page = %d entries of %d, %v", len(evs), total, err)
	}
	evs, _, _ = db.IssueTimeline(ctx, is.ID, 0, 1)
	if len(evs) != 1 || evs[0].Action != ActionIssueCreate {
		t.Errorf("first = %+v", evs)
	}
}

func TestParseIssueRef(t *testing.T) {
	for in, want := range map[string]uint64{"ISS-12": 12, "iss12": 12, "#7": 7, "3": 3, " iss-0004 ": 4} {
		if got, ok := ParseIssueRef(in); !ok || got != want {
			t.Errorf("ParseIssueRef(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "ISS-", "ISS-0", "abc", "12a", "-5", "ISS--5", "99999999999999999999"} {
		if _, ok := ParseIssueRef(in); ok {
			t.Errorf("ParseIssueRef(%q) ok", in)
		}
	}
}
