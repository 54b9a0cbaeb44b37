package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// days returns n+1 bounds of consecutive 24-hour days from t0.
func days(n int) []time.Time {
	out := make([]time.Time, n+1)
	for i := range out {
		out[i] = t0.Add(time.Duration(i) * 24 * time.Hour)
	}
	return out
}

func TestDB_VoucherCountsByDay(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	mustCampaign(t, db, "11.11", 1_000_000)
	var codes []string
	for _, c := range []struct {
		issuer, handle string
		after          time.Duration
	}{{"U1", "a.one", 0}, {"U1", "a.two", time.Hour}, {"U2", "a.three", 2 * time.Hour}, {"U1", "a.four", 25 * time.Hour}} {
		clock.Add(c.after - (clock.Now().Sub(t0)))
		v, _, err := db.IssueVoucher(ctx, newVoucher(db, c.issuer, c.handle, "Serum", 10_000, "11.11"))
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, v.Code)
	}
	// A revoked voucher stops counting; a redeemed one keeps counting.
	if _, err := db.RevokeVoucher(ctx, codes[1], "UADMIN", "issued by mistake"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RedeemVoucher(ctx, codes[0], "U1"); err != nil {
		t.Fatal(err)
	}
	got, err := db.VoucherCountsByDay(ctx, days(2))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0]["U1"] != 1 || got[0]["U2"] != 1 || got[1]["U1"] != 1 || len(got[1]) != 1 {
		t.Fatalf("counts = %v", got)
	}
	mustCheck(t, db)
}

func TestDB_IssuesResolvedByDay(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	a := mustIssue(t, db, newIssue("@res.one"))
	c := mustIssue(t, db, newIssue("@res.two"))
	res := Resolution{Status: IssueResolved, Text: "resent", Reason: "resent"}
	clock.Add(time.Hour)
	if _, err := db.ResolveIssue(ctx, a.ID, "U2", res); err != nil {
		t.Fatal(err)
	}
	// Closed is not resolved.
	if _, err := db.ResolveIssue(ctx, c.ID, "U2", Resolution{Status: IssueClosed, Text: "dup", Reason: "duplicate"}); err != nil {
		t.Fatal(err)
	}
	count := func() []map[string]int {
		t.Helper()
		got, err := db.IssuesResolvedByDay(ctx, days(2))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := count(); got[0]["U2"] != 1 || len(got[0]) != 1 || len(got[1]) != 0 {
		t.Fatalf("after resolve: %v", got)
	}
	// Reopened: no longer counted. Resolved again the next day by U3:
	// counted for U3 on that day.
	clock.Add(24 * time.Hour)
	if _, err := db.ReopenIssue(ctx, a.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	if got := count(); len(got[0]) != 0 || len(got[1]) != 0 {
		t.Fatalf("after reopen: %v", got)
	}
	mustCheck(t, db)
	if _, err := db.ResolveIssue(ctx, a.ID, "U3", res); err != nil {
		t.Fatal(err)
	}
	if got := count(); len(got[0]) != 0 || got[1]["U3"] != 1 {
		t.Fatalf("after second resolve: %v", got)
	}
	// A status change on a resolved issue is refused (Reopen is explicit)
	// and keeps the credit; Reopen removes it.
	if _, err := db.SetIssueStatus(ctx, a.ID, "U3", IssueInProgress); ErrorCode(err) != Conflict {
		t.Fatalf("status change on a resolved issue: %v, want Conflict", err)
	}
	if got := count(); got[1]["U3"] != 1 {
		t.Fatalf("after refused status change: %v", got)
	}
	if _, err := db.ReopenIssue(ctx, a.ID, "U3"); err != nil {
		t.Fatal(err)
	}
	if got := count(); len(got[1]) != 0 {
		t.Fatalf("after reopen: %v", got)
	}
	mustCheck(t, db)
}

func TestDB_TasksDoneAndOverdue(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	mk := func(assignee string, due time.Duration) *Task {
		t.Helper()
		tk, err := db.CreateTask(ctx, TaskInput{Assignee: assignee, Assigner: "UADMIN", Title: "Follow up", Kind: KindFollowUp, Due: t0.Add(due)})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	t1 := mk("U1", time.Hour)
	mk("U1", 2*time.Hour)
	mk("U1", 3*time.Hour)
	t4 := mk("U2", time.Hour)
	mk("U2", 72*time.Hour)
	clock.Add(30 * time.Minute)
	if _, _, err := db.CompleteTask(ctx, t1.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CantDoTask(ctx, t4.ID, "U2", "sick"); err != nil {
		t.Fatal(err)
	}
	got, err := db.TasksDoneByDay(ctx, days(1))
	if err != nil || got[0]["U1"] != 1 || len(got[0]) != 1 {
		t.Fatalf("done = %v, %v", got, err)
	}
	open, err := db.OpenTaskCounts(ctx)
	if err != nil || open["U1"] != 2 || open["U2"] != 1 {
		t.Fatalf("open = %v, %v", open, err)
	}
	od, err := db.OverdueTasks(ctx, t0.Add(3*time.Hour), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(od) != 1 || od[0].Assignee != "U1" || od[0].Count != 2 || len(od[0].Oldest) != 1 || !od[0].Oldest[0].Due.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("overdue = %+v", od)
	}
	mustCheck(t, db)
}

func TestDB_ActiveIssuesFor(t *testing.T) {
	ctx := context.Background()
	db := MustOpenOptions(t, Options{Now: NewTestClock(t0).Now})
	var ids []uint64
	for _, h := range []string{"@m.one", "@m.two", "@m.three"} {
		is := mustIssue(t, db, newIssue(h))
		if _, err := db.AssignIssue(ctx, is.ID, "U1", "", "U1"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, is.ID)
	}
	if _, err := db.ResolveIssue(ctx, ids[1], "U1", Resolution{Status: IssueResolved, Text: "ok", Reason: "fixed"}); err != nil {
		t.Fatal(err)
	}
	got, err := db.ActiveIssuesFor(ctx, "U1")
	if err != nil || len(got) != 2 || got[0].ID != ids[0] || got[1].ID != ids[2] {
		t.Fatalf("ActiveIssuesFor = %+v, %v", got, err)
	}
	if got, _ := db.ActiveIssuesFor(ctx, "U9"); len(got) != 0 {
		t.Fatalf("U9 has %d", len(got))
	}
	if _, err := db.ActiveIssuesFor(ctx, ""); ErrorCode(err) != Invalid {
		t.Fatalf("empty user: %v", err)
	}
}

func TestDB_ImportWork(t *testing.T) {
	ctx := context.Background()
	db := MustOpenOptions(t, Options{Now: NewTestClock(t0).Now})
	mustCampaign(t, db, "ramadan", 100_000)
	err := db.ImportIssues(ctx, []Issue{
		{Handle: "@imp.one", Category: CatOther, Priority: P1, Description: "x", ReporterID: "U1", Status: IssueOpen,
			AssigneeID: "U2", CreatedAt: t0, SLA: NewSLA(t0, time.Hour)},
		{Handle: "@imp.two", Category: CatOther, Priority: P3, Description: "y", ReporterID: "U1", Status: IssueResolved,
			AssigneeID: "U2", ResolvedBy: "U2", ResolvedAt: t0.Add(time.Hour), CreatedAt: t0, SLA: NewSLA(t0, time.Hour)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ImportIssues(ctx, []Issue{{Handle: "@imp.three", Category: CatOther, Priority: P1, Description: "x",
		ReporterID: "U1", Status: IssueResolved, CreatedAt: t0}}); ErrorCode(err) != Invalid {
		t.Fatalf("resolved without resolver: %v", err)
	}
	err = db.ImportVouchers(ctx, []Voucher{
		{Handle: "@imp.one", Product: "Serum", Value: 40_000, Currency: "IDR", Campaign: "ramadan", IssuerID: "U1",
			IssuedAt: t0, ExpiresAt: t0.Add(48 * time.Hour), Status: VoucherIssued},
		{Handle: "@imp.two", Product: "Serum", Value: 50_000, Currency: "IDR", Campaign: "ramadan", IssuerID: "U1",
			IssuedAt: t0, ExpiresAt: t0.Add(48 * time.Hour), Status: VoucherRevoked},
		{Handle: "@imp.two", Product: "Toner", Value: 30_000, Currency: "IDR", Campaign: "ramadan", IssuerID: "U2",
			IssuedAt: t0, ExpiresAt: t0.Add(48 * time.Hour), Status: VoucherRedeemed},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ImportVouchers(ctx, []Voucher{{Handle: "@imp.one", Product: "Big", Value: 90_000, Campaign: "ramadan",
		IssuerID: "U1", IssuedAt: t0, ExpiresAt: t0.Add(time.Hour), Status: VoucherIssued}}, nil); ErrorCode(err) != Conflict {
		t.Fatalf("over budget: %v", err)
	}
	c, _ := db.Campaign(ctx, "ramadan")
	if c.Issued != 70_000 || c.Redeemed != 30_000 || c.Count != 2 {
		t.Fatalf("campaign = %+v", c)
	}
	err = db.ImportTasks(ctx, []Task{
		{Assignee: "U1", Assigner: "UADMIN", Title: "Check @imp.one", Kind: KindOther, Due: t0, Status: TaskDone, CreatedAt: t0, ClosedAt: t0.Add(time.Hour)},
		{Assignee: "U1", Assigner: "UADMIN", Title: "Open", Kind: KindOther, Due: t0, Status: TaskAccepted, CreatedAt: t0},
	})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := db.VoucherCountsByDay(ctx, days(1))
	r, _ := db.IssuesResolvedByDay(ctx, days(1))
	d, _ := db.TasksDoneByDay(ctx, days(1))
	if v[0]["U1"] != 1 || v[0]["U2"] != 1 || r[0]["U2"] != 1 || d[0]["U1"] != 1 {
		t.Fatalf("counts: vouchers %v, resolved %v, done %v", v, r, d)
	}
	mustCheck(t, db)
}

// TestOpen_BackfillWorkIndexes: a file at schema 3, whose records predate
// the three per-day indexes, gets them at open.
func TestOpen_BackfillWorkIndexes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pocbot.db")
	clock := NewTestClock(t0)
	db, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	mustCampaign(t, db, "11.11", 1_000_000)
	if _, _, err := db.IssueVoucher(ctx, newVoucher(db, "U1", "b.one", "Serum", 10_000, "11.11")); err != nil {
		t.Fatal(err)
	}
	is := mustIssue(t, db, newIssue("@b.two"))
	if _, err := db.ResolveIssue(ctx, is.ID, "U2", Resolution{Status: IssueResolved, Text: "ok", Reason: "fixed"}); err != nil {
		t.Fatal(err)
	}
	tk, err := db.CreateTask(ctx, TaskInput{Assignee: "U3", Assigner: "UADMIN", Title: "t", Kind: KindOther, Due: t0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CompleteTask(ctx, tk.ID, "U3"); err != nil {
		t.Fatal(err)
	}
	// Back to schema 3 without the indexes.
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketVouchersCredited, bucketIssuesResolved, bucketTasksDone} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keyVersion, itob(3))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := db.SchemaVersion(ctx); v != len(migrations) {
		t.Fatalf("schema %d, want %d", v, len(migrations))
	}
	mustCheck(t, db)
	v, _ := db.VoucherCountsByDay(ctx, days(1))
	r, _ := db.IssuesResolvedByDay(ctx, days(1))
	d, _ := db.TasksDoneByDay(ctx, days(1))
	if v[0]["U1"] != 1 || r[0]["U2"] != 1 || d[0]["U3"] != 1 {
		t.Fatalf("backfilled counts: %v %v %v", v, r, d)
	}
}
