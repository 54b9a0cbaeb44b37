package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestWorkHours_Parse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
		ok   bool
	}{{"09:00-18:00", "09:00-18:00", true}, {" 8:30 - 17:15 ", "08:30-17:15", true}, {"off", "", true}, {"", "", true},
		{"18:00-09:00", "", false}, {"9-18", "", false}, {"09:00-24:01", "", false}, {"09:00-09:00", "", false}} {
		w, err := ParseWorkHours(c.in)
		if (err == nil) != c.ok || err == nil && w.String() != c.want {
			t.Errorf("ParseWorkHours(%q) = %q, %v", c.in, w.String(), err)
		}
	}
}

// The working-time calendar counts 09:00–18:00 on Mon–Fri minus holidays.
func TestWorkCal_WorkAndAdd(t *testing.T) {
	jkt, _ := time.LoadLocation("Asia/Jakarta")
	c := &workCal{WorkHours: WorkHours{Start: 9 * 60, End: 18 * 60, Days: [7]bool{false, true, true, true, true, true, false}, loc: jkt},
		holidays: map[string]bool{"2026-12-01": true}}
	at := func(d, hm string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", d+" "+hm, jkt)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, x := range []struct {
		a, b time.Time
		want time.Duration
	}{
		{at("2026-11-30", "10:00"), at("2026-11-30", "12:30"), 150 * time.Minute},
		{at("2026-11-30", "07:00"), at("2026-11-30", "20:00"), 9 * time.Hour},
		{at("2026-11-30", "16:00"), at("2026-12-02", "11:00"), 4 * time.Hour}, // Tue is a holiday
		{at("2026-12-04", "17:00"), at("2026-12-07", "10:00"), 2 * time.Hour}, // over a weekend
		{at("2026-12-05", "10:00"), at("2026-12-06", "10:00"), 0},             // Saturday to Sunday
		{at("2026-11-30", "12:00"), at("2026-11-30", "11:00"), 0},
	} {
		if got := c.work(x.a, x.b); got != x.want {
			t.Errorf("work(%v, %v) = %v, want %v", x.a, x.b, got, x.want)
		}
		if x.want > 0 {
			if got := c.add(x.a, x.want); got.Before(x.a) || c.work(x.a, got) != x.want {
				t.Errorf("add(%v, %v) = %v: work back = %v", x.a, x.want, got, c.work(x.a, got))
			}
		}
	}
	if got, want := c.add(at("2026-11-30", "16:00"), 4*time.Hour), at("2026-12-02", "11:00"); !got.Equal(want) {
		t.Errorf("add = %v, want %v", got.In(jkt), want)
	}
	if got, want := c.add(at("2026-12-05", "03:00"), time.Minute), at("2026-12-07", "09:01"); !got.Equal(want) {
		t.Errorf("add from Saturday = %v, want %v", got.In(jkt), want)
	}
}

// An issue's SLA follows the stored working hours; pauses count in working
// time; clearing the setting returns to the wall clock.
func TestDB_SLAWorkingHours(t *testing.T) {
	ctx := context.Background()
	jkt, _ := time.LoadLocation("Asia/Jakarta")
	mon16 := time.Date(2026, 11, 30, 16, 0, 0, 0, jkt)
	clk := NewTestClock(mon16)
	db := MustOpenOptions(t, Options{Now: clk.Now})
	if err := db.SetSLAHours(ctx, WorkHours{Start: 540, End: 1080, Days: [7]bool{1: true, 2: true, 3: true, 4: true, 5: true}, Zone: "Asia/Jakarta"}); err != nil {
		t.Fatal(err)
	}
	is, err := db.CreateIssue(ctx, IssueInput{Handle: "sari.beauty", Category: IssueCategories()[0], Priority: P1, Description: "x", ReporterID: "U1", SLA: 4 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 1, 11, 0, 0, 0, jkt); !is.SLA.DueAt(mon16).Equal(want) || !is.SLA.WorkingTime() {
		t.Fatalf("due %v, want %v", is.SLA.DueAt(mon16).In(jkt), want)
	}
	// Waiting on creator from Mon 17:00 to Tue 10:00 pauses 2 working hours
	// (Mon 17–18, Tue 9–10), not 17 wall-clock hours.
	clk.Add(time.Hour)
	if _, err := db.SetIssueStatus(ctx, is.ID, "U2", IssueWaiting); err != nil {
		t.Fatal(err)
	}
	clk.Add(17 * time.Hour)
	ch, err := db.SetIssueStatus(ctx, is.ID, "U2", IssueInProgress)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ch.Issue.SLA.Paused, 2*time.Hour; got != want {
		t.Errorf("paused %v, want %v", got, want)
	}
	if want := time.Date(2026, 12, 1, 13, 0, 0, 0, jkt); !ch.Issue.SLA.DueAt(clk.Now()).Equal(want) {
		t.Errorf("due after the pause %v, want %v", ch.Issue.SLA.DueAt(clk.Now()).In(jkt), want)
	}
	if err := db.SetSLAHours(ctx, WorkHours{}); err != nil {
		t.Fatal(err)
	}
	is, _ = db.Issue(ctx, is.ID)
	if is.SLA.WorkingTime() {
		t.Error("still working time after clearing the setting")
	}
	if err := db.SetSLAHours(ctx, WorkHours{Start: 540, End: 1080, Zone: "Asia/Jakarta"}); ErrorCode(err) != Invalid {
		t.Errorf("no working days: %v", err)
	}
}

func TestDB_RosterSeedAndRemove(t *testing.T) {
	ctx := context.Background()
	db := MustOpenOptions(t, Options{Now: NewTestClock(t0).Now})
	if added, err := db.SeedRole(ctx, "USYSTEM", []string{"U7", "U8"}, RoleOutsource); err != nil || len(added) != 2 {
		t.Fatalf("seed = %v, %v", added, err)
	}
	if before, err := db.SetRole(ctx, "UADMIN", "U8", RoleNone); err != nil || before != RoleOutsource {
		t.Fatalf("remove = %v, %v", before, err)
	}
	if added, _ := db.SeedRole(ctx, "USYSTEM", []string{"U7", "U8", "U9"}, RoleOutsource); len(added) != 1 || added[0] != "U9" {
		t.Errorf("second seed added %v, want [U9] (U8 was removed, U7 is there)", added)
	}
	team, _ := db.Team(ctx)
	if len(team) != 2 || team[0].UserID != "U7" || team[1].UserID != "U9" {
		t.Errorf("team = %+v", team)
	}
	if es, _ := db.AuditLog(ctx, TeamEntity("U8"), 0); len(es) != 2 {
		t.Errorf("U8 audit = %d entries, want 2", len(es))
	}
	if _, err := ParseRole("boss"); ErrorCode(err) != Invalid {
		t.Errorf("ParseRole(boss) = %v", err)
	}
}

func TestDB_RecordChangeBatches(t *testing.T) {
	ctx := context.Background()
	clk := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clk.Now})
	c := Change{By: "U3", Owner: "U2", Kind: ChangePitchStatus, Subject: "1", Before: "agreed", After: "declined"}
	_, b1, err := db.RecordChange(ctx, c, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetBatchMessage(ctx, b1.Key, "DU2", "1.1"); err != nil {
		t.Fatal(err)
	}
	clk.Add(9 * time.Minute)
	_, b2, _ := db.RecordChange(ctx, c, 10*time.Minute)
	if b2.Key != b1.Key || len(b2.IDs) != 2 || b2.TS != "1.1" {
		t.Errorf("within the window: %+v, want the first batch with 2 changes", b2)
	}
	clk.Add(2 * time.Minute)
	_, b3, _ := db.RecordChange(ctx, c, 10*time.Minute)
	if b3.Key == b1.Key || len(b3.IDs) != 1 || b3.TS != "" {
		t.Errorf("after the window: %+v, want a new batch", b3)
	}
	if _, err := db.SettleChange(ctx, 1, "U2", "", ChangeUndone); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SettleChange(ctx, 1, "U2", "", ChangeUndone); ErrorCode(err) != Conflict {
		t.Errorf("second undo = %v, want Conflict", err)
	}
	cs, _ := db.Changes(ctx, 1)
	if cs[0].State != ChangeUndone || cs[0].DoneBy != "U2" || cs[0].Batch != b1.Key {
		t.Errorf("change 1 = %+v", cs[0])
	}
}

func TestDB_ReopenTask(t *testing.T) {
	ctx := context.Background()
	db := MustOpenOptions(t, Options{Now: NewTestClock(t0).Now})
	tk := mustTask(t, db, TaskInput{Assignee: "U1", Quantity: 10})
	if _, _, err := db.CompleteTaskNoted(ctx, tk.ID, "U1", "marked done without accepting, at 0/10"); err != nil {
		t.Fatal(err)
	}
	bounds := []time.Time{t0.Add(-time.Hour), t0.Add(time.Hour)}
	if c, _ := db.TasksDoneByDay(ctx, bounds); c[0]["U1"] != 1 {
		t.Fatalf("done count = %v", c)
	}
	if _, err := db.ReopenTask(ctx, tk.ID, "U2", false, ""); ErrorCode(err) != Forbidden {
		t.Errorf("reopen by a stranger = %v, want Forbidden", err)
	}
	got, err := db.ReopenTask(ctx, tk.ID, "ULEAD", false, "")
	if err != nil || got.Status != TaskAssigned || !got.ClosedAt.IsZero() {
		t.Fatalf("reopen = %+v, %v", got, err)
	}
	if c, _ := db.TasksDoneByDay(ctx, bounds); c[0]["U1"] != 0 {
		t.Errorf("done count after reopen = %v", c)
	}
	if _, err := db.ReopenTask(ctx, tk.ID, "ULEAD", false, ""); ErrorCode(err) != Conflict {
		t.Errorf("reopen an open task = %v, want Conflict", err)
	}
	if err := db.Check(); err != nil {
		t.Errorf("Check after reopen: %v", err)
	}
}

func TestDB_CampaignCloseEndAndNoCampaign(t *testing.T) {
	ctx := context.Background()
	clk := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clk.Now})
	cur, _ := CurrencyFor("IDR")
	if _, err := db.SetCampaignBudget(ctx, "12.12", 1_000_000, cur, "UADMIN"); err != nil {
		t.Fatal(err)
	}
	issue := func(campaign, h string) error {
		_, _, err := db.IssueVoucher(ctx, VoucherInput{IssuerID: "U1", Handle: h, Product: "Serum", Value: 100_000, Campaign: campaign,
			Currency: cur, ExpiresAt: clk.Now().Add(72 * time.Hour)})
		return err
	}
	if err := issue("", "a.one"); err != nil {
		t.Fatal(err)
	}
	if err := issue("", "b.two"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CloseCampaign(ctx, "12.12", "UADMIN", true); err != nil {
		t.Fatal(err)
	}
	if err := issue("12.12", "c.three"); !errors.Is(err, ErrCampaignClosed) {
		t.Errorf("issue in a closed campaign = %v", err)
	}
	if _, _, err := db.CloseCampaign(ctx, "12.12", "UADMIN", false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SetCampaignEnd(ctx, "12.12", "UADMIN", t0.Format("2006-01-02")); err != nil {
		t.Fatal(err)
	}
	if err := issue("12.12", "c.three"); err != nil {
		t.Errorf("issue on the last day = %v", err)
	}
	clk.Add(24 * time.Hour)
	if err := issue("12.12", "d.four"); !errors.Is(err, ErrCampaignClosed) {
		t.Errorf("issue after the end = %v", err)
	}
	if v, _ := db.Vouchers(ctx, VoucherFilter{Handle: "a.one"}); len(v) == 1 {
		if _, err := db.RevokeVoucher(ctx, v[0].Code, "UADMIN", "mistake"); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.NoCampaignTotals(ctx)
	if err != nil || n.Count != 1 || n.Issued != 100_000 {
		t.Errorf("no campaign = %+v, %v; want 1 voucher, 100000", n, err)
	}
}

// TestUpdateCreator_IfOwnerID: the owner precondition is checked in the
// write's own transaction; a stale one changes nothing.
func TestUpdateCreator_IfOwnerID(t *testing.T) {
	db := MustOpenOptions(t, Options{})
	ctx := context.Background()
	u1, u2, u3 := "U1", "U2", "U3"
	if _, err := db.UpdateCreator(ctx, "if.owner", u1, CreatorUpdate{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateCreator(ctx, "if.owner", u1, CreatorUpdate{OwnerID: &u2, IfOwnerID: &u3}); ErrorCode(err) != Conflict {
		t.Fatalf("stale precondition: err = %v, want Conflict", err)
	}
	if c, _ := db.Creator(ctx, "if.owner"); c.OwnerID != u1 {
		t.Fatalf("owner after a refused update = %s, want U1", c.OwnerID)
	}
	if c, err := db.UpdateCreator(ctx, "if.owner", u1, CreatorUpdate{OwnerID: &u2, IfOwnerID: &u1}); err != nil || c.OwnerID != u2 {
		t.Fatalf("matching precondition: %+v %v", c, err)
	}
	if _, err := db.UpdateCreator(ctx, "no.such", u1, CreatorUpdate{OwnerID: &u2, IfOwnerID: &u1}); ErrorCode(err) != NotFound {
		t.Fatalf("missing creator with a precondition: err = %v, want NotFound", err)
	}
}
