package store

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

func mustTask(tb testing.TB, db *DB, nt TaskInput) *Task {
	tb.Helper()
	if nt.Assigner == "" {
		nt.Assigner = "ULEAD"
	}
	if nt.Kind == "" {
		nt.Kind = KindOther
	}
	if nt.Title == "" {
		nt.Title = "Check 30 campaign videos"
	}
	if nt.Due.IsZero() {
		nt.Due = t0.Add(48 * time.Hour)
	}
	t, err := db.CreateTask(context.Background(), nt)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestDB_CreateTask(t *testing.T) {
	ctx := context.Background()
	db := MustOpenOptions(t, Options{Now: NewTestClock(t0).Now})
	tk := mustTask(t, db, TaskInput{Assignee: "U1", Title: " Pitch @Sari.Beauty and @budi.jkt, not a@b.com ", Kind: KindPitching,
		Quantity: 40, Note: "also @sari.beauty again and <@U9>"})
	if tk.ID != 1 || tk.Status != TaskAssigned || tk.Title != "Pitch @Sari.Beauty and @budi.jkt, not a@b.com" ||
		!slices.Equal(tk.Creators, []string{"sari.beauty", "budi.jkt"}) || len(tk.History) != 1 {
		t.Errorf("created = %+v", tk)
	}
	got, err := db.Task(ctx, 1)
	if err != nil || got.Title != tk.Title || got.Quantity != 40 || got.Outstanding() != 40 {
		t.Errorf("Task(1) = %+v, %v", got, err)
	}
	if ts, err := db.TasksByCreator(ctx, "@SARI.beauty"); err != nil || len(ts) != 1 {
		t.Errorf("TasksByCreator = %d, %v; want 1", len(ts), err)
	}
	if _, err := db.Task(ctx, 99); ErrorCode(err) != NotFound {
		t.Errorf("Task(99) error = %v, want NotFound", err)
	}
	if es, _ := db.AuditLog(ctx, TaskEntity(1), 0); len(es) != 1 || es[0].Action != ActionTaskCreate {
		t.Errorf("audit = %+v", es)
	}
}

func TestDB_CreateTask_Invalid(t *testing.T) {
	db := MustOpen(t)
	due := t0
	long := string(make([]rune, MaxTaskTitleLen+1))
	tests := []struct {
		name string
		nt   TaskInput
	}{
		{"NoAssignee", TaskInput{Assigner: "U0", Title: "x", Kind: KindOther, Due: due}},
		{"NoTitle", TaskInput{Assigner: "U0", Assignee: "U1", Title: "  ", Kind: KindOther, Due: due}},
		{"LongTitle", TaskInput{Assigner: "U0", Assignee: "U1", Title: long + "x", Kind: KindOther, Due: due}},
		{"BadKind", TaskInput{Assigner: "U0", Assignee: "U1", Title: "x", Kind: "nap", Due: due}},
		{"NegativeQty", TaskInput{Assigner: "U0", Assignee: "U1", Title: "x", Kind: KindOther, Quantity: -1, Due: due}},
		{"NoDue", TaskInput{Assigner: "U0", Assignee: "U1", Title: "x", Kind: KindOther}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := db.CreateTask(context.Background(), tc.nt); ErrorCode(err) != Invalid {
				t.Errorf("CreateTask = %v, want Invalid", err)
			}
		})
	}
}

func TestDB_TaskLifecycle(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	tk := mustTask(t, db, TaskInput{Assignee: "U1", Quantity: 30})

	if _, _, err := db.AcceptTask(ctx, tk.ID, "U2"); ErrorCode(err) != Forbidden {
		t.Errorf("AcceptTask by U2 = %v, want Forbidden", err)
	}
	clock.Add(time.Minute)
	got, changed, err := db.AcceptTask(ctx, tk.ID, "U1")
	if err != nil || !changed || got.Status != TaskAccepted || !got.AcceptedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("AcceptTask = %+v, %v, %v", got, changed, err)
	}
	if _, changed, _ := db.AcceptTask(ctx, tk.ID, "U1"); changed {
		t.Error("second AcceptTask changed the task")
	}
	got, err = db.AddTaskProgress(ctx, tk.ID, "U1", 12, "half the batch", "")
	if err != nil || got.Status != TaskInProgress || got.DoneQty != 12 || got.Outstanding() != 18 {
		t.Fatalf("AddTaskProgress = %+v, %v", got, err)
	}
	if _, err := db.AddTaskProgress(ctx, tk.ID, "U1", 0, "", ""); ErrorCode(err) != Invalid {
		t.Errorf("empty progress = %v, want Invalid", err)
	}
	if ts, _ := db.TasksByAssignee(ctx, "U1", true, 0); len(ts) != 1 {
		t.Errorf("open tasks of U1 = %d, want 1", len(ts))
	}
	got, _, err = db.CompleteTask(ctx, tk.ID, "U1")
	if err != nil || got.Status != TaskDone || got.ClosedAt.IsZero() || got.Outstanding() != 0 {
		t.Fatalf("CompleteTask = %+v, %v", got, err)
	}
	if _, _, err := db.CantDoTask(ctx, tk.ID, "U1", "too late"); ErrorCode(err) != Conflict {
		t.Errorf("CantDo after Done = %v, want Conflict", err)
	}
	if ts, _ := db.TasksByAssignee(ctx, "U1", true, 0); len(ts) != 0 {
		t.Errorf("open tasks of U1 after done = %d, want 0", len(ts))
	}
	if ts, _ := db.TasksByAssignee(ctx, "U1", false, 0); len(ts) != 1 {
		t.Errorf("closed tasks of U1 = %d, want 1", len(ts))
	}
	if ts, _ := db.OpenTasks(ctx); len(ts) != 0 {
		t.Errorf("OpenTasks = %d, want 0", len(ts))
	}
	if ts, _ := db.ClosedTasks(ctx, 10); len(ts) != 1 {
		t.Errorf("ClosedTasks = %d, want 1", len(ts))
	}
	if got.History[len(got.History)-1].To != TaskDone || len(got.History) != 4 {
		t.Errorf("history = %+v", got.History)
	}

	tk2 := mustTask(t, db, TaskInput{Assignee: "U1"})
	if _, _, err := db.CantDoTask(ctx, tk2.ID, "U1", "  "); ErrorCode(err) != Invalid {
		t.Errorf("CantDo without reason = %v, want Invalid", err)
	}
	got, _, err = db.CantDoTask(ctx, tk2.ID, "U1", "on leave Friday")
	if err != nil || got.Status != TaskCantDo || got.Reason != "on leave Friday" {
		t.Errorf("CantDoTask = %+v, %v", got, err)
	}
}

// Two progress updates to one task at the same moment both survive: the
// read-modify-write runs inside one bbolt write transaction.
func TestDB_AddTaskProgress_Concurrent(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	tk := mustTask(t, db, TaskInput{Assignee: "U1", Quantity: 1000})
	const n = 20
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := db.AddTaskProgress(ctx, tk.ID, "U1", i+1, "", "")
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, _ := db.Task(ctx, tk.ID)
	if want := n * (n + 1) / 2; got.DoneQty != want {
		t.Errorf("DoneQty = %d, want %d (an update was lost)", got.DoneQty, want)
	}
	if len(got.History) != n+1 {
		t.Errorf("history has %d entries, want %d", len(got.History), n+1)
	}
}

func TestDB_TaskPitchedCount(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	tk := mustTask(t, db, TaskInput{Assignee: "U1", Kind: KindPitching, Quantity: 5})
	mustPitch(t, db, "U1", "before.accept") // not accepted yet: does not count
	clock.Add(time.Minute)
	if _, _, err := db.AcceptTask(ctx, tk.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	mustPitch(t, db, "U1", "same.instant") // logged the instant it was accepted: counts
	clock.Add(time.Minute)
	mustPitch(t, db, "U1", "after.one")
	mustPitch(t, db, "U2", "someone.else")
	got, _ := db.Task(ctx, tk.ID)
	if got.Pitched != 2 || got.Done() != 2 || got.Outstanding() != 3 {
		t.Errorf("Pitched = %d, Done = %d, Outstanding = %d; want 2, 2, 3", got.Pitched, got.Done(), got.Outstanding())
	}
	if _, err := db.AddTaskProgress(ctx, tk.ID, "U1", 1, "one via WhatsApp", ""); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	if _, _, err := db.CompleteTask(ctx, tk.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	mustPitch(t, db, "U1", "after.done") // after closing: does not count
	got, _ = db.Task(ctx, tk.ID)
	if got.Pitched != 2 || got.Done() != 3 {
		t.Errorf("after done: Pitched = %d, Done = %d; want 2, 3", got.Pitched, got.Done())
	}
}

// TestDB_PitchAllocation: with two Pitching tasks open, each pitch counts
// toward one task only — the one due soonest while it has units left.
func TestDB_PitchAllocation(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	soon := mustTask(t, db, TaskInput{Assignee: "U1", Kind: KindPitching, Quantity: 2, Due: t0.Add(24 * time.Hour)})
	later := mustTask(t, db, TaskInput{Assignee: "U1", Kind: KindPitching, Quantity: 10, Due: t0.Add(72 * time.Hour)})
	for _, id := range []uint64{later.ID, soon.ID} {
		if _, _, err := db.AcceptTask(ctx, id, "U1"); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range []string{"p.one", "p.two", "p.three"} {
		clock.Add(time.Minute)
		mustPitch(t, db, "U1", h)
	}
	s, _ := db.Task(ctx, soon.ID)
	l, _ := db.Task(ctx, later.ID)
	if s.Pitched != 2 || l.Pitched != 1 {
		t.Errorf("Pitched = %d (due soon, qty 2) and %d (later); want 2 and 1 — each pitch counts once", s.Pitched, l.Pitched)
	}
}

func TestDB_TaskDraftsMembersCapacity(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	nt := TaskInput{Assignee: "U2", Assigner: "ULEAD", Title: "Follow up 25", Kind: KindFollowUp, Quantity: 25, Due: t0}
	id, err := db.SaveTaskDraft(ctx, nt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AssignTaskDraft(ctx, id, "UOTHER"); ErrorCode(err) != Forbidden {
		t.Errorf("AssignTaskDraft by another = %v, want Forbidden", err)
	}
	tk, err := db.AssignTaskDraft(ctx, id, "ULEAD")
	if err != nil || tk.Assignee != "U2" || tk.Quantity != 25 {
		t.Fatalf("AssignTaskDraft = %+v, %v", tk, err)
	}
	if _, err := db.AssignTaskDraft(ctx, id, "ULEAD"); ErrorCode(err) != NotFound {
		t.Errorf("second AssignTaskDraft = %v, want NotFound", err)
	}
	mustTask(t, db, TaskInput{Assignee: "U1"})
	mustTask(t, db, TaskInput{Assignee: "U1"})
	if err := db.SetTaskCapacity(ctx, "UADMIN", "U3", 40); err != nil {
		t.Fatal(err)
	}
	if err := db.SetTaskCapacity(ctx, "UADMIN", "U3", -1); ErrorCode(err) != Invalid {
		t.Errorf("negative capacity = %v, want Invalid", err)
	}
	members, err := db.TaskMembers(ctx)
	if err != nil || !slices.Equal(members, []string{"U1", "U2", "U3"}) {
		t.Errorf("TaskMembers = %q, %v", members, err)
	}
	caps, _ := db.TaskCapacities(ctx)
	if caps["U3"] != 40 || len(caps) != 1 {
		t.Errorf("capacities = %v", caps)
	}
	if err := db.SetTaskCapacity(ctx, "UADMIN", "U3", 0); err != nil {
		t.Fatal(err)
	}
	if caps, _ := db.TaskCapacities(ctx); len(caps) != 0 {
		t.Errorf("capacities after reset = %v", caps)
	}
	if ts, _ := db.OpenTasksDueBefore(ctx, t0.Add(time.Hour)); len(ts) != 1 || ts[0].ID != tk.ID {
		t.Errorf("OpenTasksDueBefore = %+v", ts)
	}
}
