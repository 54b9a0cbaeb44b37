package store

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Assignments at the same moment are decided one after the other on the
// load each transaction reads: with room for 60 units, ten 10-unit tasks
// sent at once make exactly six tasks and four drafts.
func TestDB_CreateTaskWithinCapacity_Concurrent(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	over := func(l TaskLoad) bool {
		sum := 10 // the new task
		for _, tk := range l.Open {
			sum += tk.Outstanding()
		}
		return sum > 60
	}
	const n = 10
	var wg sync.WaitGroup
	start := make(chan struct{})
	type res struct {
		t     *Task
		draft uint64
		err   error
	}
	out := make(chan res, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tk, d, err := db.CreateTaskWithinCapacity(ctx, TaskInput{Assigner: "ULEAD", Assignee: "U1", Title: "Pitch 10", Kind: KindOther,
				Quantity: 10, Due: t0.Add(48 * time.Hour)}, over)
			out <- res{tk, d, err}
		}()
	}
	close(start)
	wg.Wait()
	close(out)
	tasks, drafts := 0, 0
	for r := range out {
		switch {
		case r.err != nil:
			t.Fatal(r.err)
		case (r.t == nil) == (r.draft == 0):
			t.Fatalf("want a task or a draft, got %+v", r)
		case r.t != nil:
			tasks++
		default:
			drafts++
		}
	}
	if tasks != 6 || drafts != 4 {
		t.Errorf("tasks = %d, drafts = %d; want 6 and 4 (the load was read outside the deciding transaction)", tasks, drafts)
	}
	open, _ := db.TasksByAssignee(ctx, "U1", true, 0)
	if len(open) != 6 {
		t.Errorf("open tasks = %d, want 6", len(open))
	}
	mustCheck(t, db)
}

func TestDB_CreateTaskWithinCapacity_LoadAndIdempotency(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	if err := db.SetTaskCapacity(ctx, "UADMIN", "U1", 25); err != nil {
		t.Fatal(err)
	}
	mustTask(t, db, TaskInput{Assignee: "U1", Quantity: 30})
	var got TaskLoad
	nt := TaskInput{Assigner: "ULEAD", Assignee: "U1", Title: "More", Kind: KindOther, Quantity: 5, Due: t0.Add(24 * time.Hour), IdemKey: "form-1"}
	tk, draft, err := db.CreateTaskWithinCapacity(ctx, nt, func(l TaskLoad) bool { got = l; return false })
	if err != nil || tk == nil || draft != 0 {
		t.Fatalf("CreateTaskWithinCapacity = %v, %d, %v", tk, draft, err)
	}
	if got.Capacity != 25 || len(got.Open) != 1 || got.Open[0].Quantity != 30 {
		t.Errorf("load = %+v, want U1's one open task and capacity 25", got)
	}
	called := false
	if _, _, err := db.CreateTaskWithinCapacity(ctx, nt, func(TaskLoad) bool { called = true; return true }); ErrorCode(err) != Conflict || called {
		t.Errorf("redelivered form: err = %v, rule called = %v; want Conflict before any decision", err, called)
	}
}

func TestDB_AddTaskProgress_RefusesTwiceTheTask(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	tk := mustTask(t, db, TaskInput{Assignee: "U1", Quantity: 10})
	if _, err := db.AddTaskProgress(ctx, tk.ID, "U1", 15, "", ""); err != nil {
		t.Fatal(err)
	}
	_, err := db.AddTaskProgress(ctx, tk.ID, "U1", 6, "", "")
	if ErrorCode(err) != Invalid || ErrorField(err) != FieldQuantity {
		t.Errorf("21 of 10: err = %v (field %q), want Invalid on %s", err, ErrorField(err), FieldQuantity)
	}
	if got, _ := db.Task(ctx, tk.ID); got.DoneQty != 15 {
		t.Errorf("DoneQty = %d after a refused update, want 15", got.DoneQty)
	}
	if _, err := db.AddTaskProgress(ctx, tk.ID, "U1", 5, "", ""); err != nil {
		t.Errorf("exactly twice the task: %v", err)
	}
}
