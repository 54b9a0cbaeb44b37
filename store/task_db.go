package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Task buckets; doc.go draws their keys.
var (
	bucketTasks           = []byte("tasks")
	bucketTasksByAssignee = []byte("tasks_by_assignee")
	bucketTasksDue        = []byte("tasks_due")
	bucketTasksByCreator  = []byte("tasks_by_creator")
	bucketTaskDrafts      = []byte("task_drafts")
	bucketTaskCapacity    = []byte("task_capacity")
)

// CreateTask assigns nt and returns the new task (status Assigned). The
// record, its index entries and its audit entry commit together.
// Returns Invalid if nt fails Validate.
func (db *DB) CreateTask(ctx context.Context, nt TaskInput) (*Task, error) {
	t, _, err := db.CreateTaskWithinCapacity(ctx, nt, nil)
	return t, err
}

// TaskLoad is what an overload rule decides on: the assignee's open tasks
// (soonest due first) and their own daily capacity in units (0 = none set,
// the team default applies).
type TaskLoad struct {
	Open     []Task
	Capacity int
}

// CreateTaskWithinCapacity assigns nt like CreateTask unless overloaded
// says the assignee's load, with nt added, is too much; then it keeps nt as
// a draft (see SaveTaskDraft) and returns the draft's ID instead of a task.
// The load is read, decided on and written in one write transaction, so two
// assignments at the same moment cannot both slip under the limit.
// overloaded runs inside that transaction: it must be quick and must not
// use db. A nil overloaded never holds a task back.
// Returns Invalid if nt fails Validate, Conflict if its IdemKey was used.
func (db *DB) CreateTaskWithinCapacity(ctx context.Context, nt TaskInput, overloaded func(TaskLoad) bool) (t *Task, draftID uint64, err error) {
	if err := nt.Validate(); err != nil {
		return nil, 0, err
	}
	err = db.batch(ctx, func(tx *bolt.Tx) error {
		t, draftID = nil, 0
		now := db.Now()
		if id, seen := idemLookup(tx, "task", nt.IdemKey); seen {
			return Errorf(Conflict, "That was already done: it created TSK-%d.", id)
		}
		if overloaded != nil {
			open, err := openTasksOf(tx, nt.Assignee, now)
			if err != nil {
				return err
			}
			if overloaded(TaskLoad{Open: open, Capacity: taskCapacity(tx, nt.Assignee)}) {
				draftID, err = putDraft(tx, nt)
				return err
			}
		}
		var err error
		if t, err = createTask(tx, nt, now); err != nil {
			return err
		}
		if err := linkReassigned(tx, nt, t, now); err != nil {
			return err
		}
		return idemRecord(tx, "task", nt.IdemKey, t.ID)
	})
	if err != nil {
		return nil, 0, err
	}
	return t, draftID, nil
}

// SaveTaskDraft keeps nt, not yet assigned, until the assigner confirms an
// overload warning, and returns the draft's ID. Returns Invalid if nt fails
// Validate.
func (db *DB) SaveTaskDraft(ctx context.Context, nt TaskInput) (uint64, error) {
	if err := nt.Validate(); err != nil {
		return 0, err
	}
	var id uint64
	err := db.update(ctx, func(tx *bolt.Tx) (err error) {
		id, err = putDraft(tx, nt)
		return err
	})
	return id, err
}

func putDraft(tx *bolt.Tx, nt TaskInput) (uint64, error) {
	b := tx.Bucket(bucketTaskDrafts)
	id, err := b.NextSequence()
	if err != nil {
		return 0, fmt.Errorf("draft sequence: %w", err)
	}
	return id, putJSON(b, itob(id), nt)
}

// TaskDraft returns a saved draft. Returns NotFound if it was assigned or
// discarded.
func (db *DB) TaskDraft(ctx context.Context, id uint64) (*TaskInput, error) {
	var nt TaskInput
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return getDraft(tx, id, &nt)
	})
	if err != nil {
		return nil, err
	}
	return &nt, nil
}

// AssignTaskDraft turns draft id into a task and deletes the draft, in one
// transaction, so pressing "Assign anyway" twice assigns once.
// Returns NotFound if the draft is gone and Forbidden if userID is not the
// draft's assigner.
func (db *DB) AssignTaskDraft(ctx context.Context, id uint64, userID string) (*Task, error) {
	var t *Task
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var nt TaskInput
		if err := getDraft(tx, id, &nt); err != nil {
			return err
		}
		if nt.Assigner != userID {
			return Errorf(Forbidden, "Only the person who wrote this task can assign it.")
		}
		if err := tx.Bucket(bucketTaskDrafts).Delete(itob(id)); err != nil {
			return err
		}
		var err error
		t, err = createTask(tx, nt, db.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteTaskDraft discards a draft. A missing draft is not an error.
func (db *DB) DeleteTaskDraft(ctx context.Context, id uint64) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTaskDrafts).Delete(itob(id))
	})
}

func getDraft(tx *bolt.Tx, id uint64, nt *TaskInput) error {
	err := getJSON(tx.Bucket(bucketTaskDrafts), itob(id), nt)
	if err == errMissing {
		return Errorf(NotFound, "That task was already assigned or discarded.")
	} else if err != nil {
		return fmt.Errorf("task draft %d: %w", id, err)
	}
	return nil
}

// Task returns task id with its pitch count filled in. Returns NotFound if
// there is none.
func (db *DB) Task(ctx context.Context, id uint64) (*Task, error) {
	var t *Task
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		t, err = getTask(tx, id, db.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// AcceptTask records that the assignee took the task on. From then on a
// Pitching task counts the assignee's pitches. Accepting an accepted task
// changes nothing (changed is false).
// Returns NotFound, Forbidden if userID is not the assignee, Conflict if
// the task is closed.
func (db *DB) AcceptTask(ctx context.Context, id uint64, userID string) (t *Task, changed bool, err error) {
	return db.changeTask(ctx, id, userID, func(t *Task, now time.Time) (bool, error) {
		if t.Status != TaskAssigned {
			return false, nil
		}
		t.AcceptedAt = now
		return true, t.setStatus(TaskAccepted, userID, now, "")
	})
}

// CompleteTask marks the task done. Returns NotFound, Forbidden if userID
// is not the assignee, Conflict if the task is already closed.
func (db *DB) CompleteTask(ctx context.Context, id uint64, userID string) (*Task, bool, error) {
	return db.CompleteTaskNoted(ctx, id, userID, "")
}

// CompleteTaskNoted is CompleteTask with a note kept in the task's history,
// such as what the assignee confirmed ("done without accepting", "done at
// 12/40"). Same errors as CompleteTask, plus Invalid for a note longer than
// MaxNoteLen.
func (db *DB) CompleteTaskNoted(ctx context.Context, id uint64, userID, note string) (*Task, bool, error) {
	if err := checkLen("The note", note, MaxNoteLen); err != nil {
		return nil, false, err
	}
	return db.changeTask(ctx, id, userID, func(t *Task, now time.Time) (bool, error) {
		return true, t.setStatus(TaskDone, userID, now, note)
	})
}

// CantDoTask hands the task back with a reason. Returns Invalid for an
// empty or too long reason, NotFound, Forbidden if userID is not the
// assignee, Conflict if the task is already closed.
func (db *DB) CantDoTask(ctx context.Context, id uint64, userID, reason string) (*Task, bool, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, false, onField(FieldReason, Errorf(Invalid, "Say why you can't do it, so the assigner can decide what to do."))
	}
	if err := checkLen("The reason", reason, MaxTaskReasonLen); err != nil {
		return nil, false, onField(FieldReason, err)
	}
	return db.changeTask(ctx, id, userID, func(t *Task, now time.Time) (bool, error) {
		t.Reason = reason
		return true, t.setStatus(TaskCantDo, userID, now, reason)
	})
}

// AddTaskProgress adds units done (and an optional note) to an open task
// and moves it to In progress. The read, the addition and the write happen
// in one bbolt write transaction, and bbolt runs one writer at a time, so
// two updates sent at the same moment both count.
// Returns Invalid for a negative amount, an empty update or one that would
// take a task with a quantity past twice it, NotFound, Forbidden if userID
// is not the assignee, Conflict if the task is closed.
//
// idemKey, if set, makes the update idempotent: a redelivered progress form
// with the same key changes nothing the second time.
func (db *DB) AddTaskProgress(ctx context.Context, id uint64, userID string, added int, note, idemKey string) (*Task, error) {
	note = strings.TrimSpace(note)
	switch {
	case added < 0 || added > MaxTaskQuantity:
		return nil, onField(FieldQuantity, Errorf(Invalid, "Progress is a whole number of units done since your last update, from 0 to %d.", MaxTaskQuantity))
	case added == 0 && note == "":
		return nil, onField(FieldQuantity, Errorf(Invalid, "Type how many units you did since your last update, or a note."))
	}
	if err := checkLen("The note", note, MaxNoteLen); err != nil {
		return nil, onField(FieldNote, err)
	}
	t, _, err := db.changeTaskKeyed(ctx, id, userID, idemKey, func(t *Task, now time.Time) (bool, error) {
		// More than the whole task in one update is a typo (1000 for 10),
		// not progress; a little over-delivery is fine. Decided on the
		// task as this transaction reads it, so two updates at once cannot
		// both pass.
		if t.Quantity > 0 && added > 0 && t.Done()+added > 2*t.Quantity {
			return false, onField(FieldQuantity, Errorf(Invalid, "TSK-%d is %d units and %d are done; %d more would make %d. Check the number — units done since your last update.",
				t.ID, t.Quantity, t.Done(), added, t.Done()+added))
		}
		if t.AcceptedAt.IsZero() {
			t.AcceptedAt = now // reporting progress is taking the task on
		}
		t.DoneQty += added
		if t.Status != TaskInProgress {
			from := t.Status
			t.Status = TaskInProgress
			t.History = append(t.History, TaskEvent{At: now, UserID: userID, From: from, To: TaskInProgress, Added: added, Note: note})
		} else {
			t.History = append(t.History, TaskEvent{At: now, UserID: userID, Added: added, Note: note})
		}
		return true, nil
	})
	return t, err
}

// setStatus moves t to an open or closed status and records the step.
func (t *Task) setStatus(to TaskStatus, userID string, now time.Time, note string) error {
	from := t.Status
	t.Status = to
	if !to.Open() {
		t.ClosedAt = now
	}
	t.History = append(t.History, TaskEvent{At: now, UserID: userID, From: from, To: to, Note: note})
	return nil
}

// changeTask loads task id, checks that userID is its assignee and that it
// is open, applies fn and, if fn changed it, writes the record, moves its
// index entries and audits the change, all in one transaction.
func (db *DB) changeTask(ctx context.Context, id uint64, userID string, fn func(t *Task, now time.Time) (bool, error)) (*Task, bool, error) {
	return db.changeTaskKeyed(ctx, id, userID, "", fn)
}

// changeTaskKeyed is changeTask with an optional idempotency key: if key
// was recorded by an earlier change, nothing changes; otherwise it is
// recorded in the same transaction as the change.
func (db *DB) changeTaskKeyed(ctx context.Context, id uint64, userID, key string, fn func(t *Task, now time.Time) (bool, error)) (*Task, bool, error) {
	if err := checkUser(userID); err != nil {
		return nil, false, err
	}
	var t *Task
	var changed bool
	err := db.batch(ctx, func(tx *bolt.Tx) error {
		t, changed = nil, false
		now := db.Now()
		var err error
		if t, err = getTask(tx, id, now); err != nil {
			return err
		}
		if _, seen := idemLookup(tx, "task-change", key); seen {
			return nil
		}
		if t.Assignee != userID {
			return Errorf(Forbidden, "Only the person the task is assigned to can update TSK-%d.", id)
		}
		if !t.Status.Open() {
			return Errorf(Conflict, "TSK-%d is already closed (%s).", id, t.Status.Label())
		}
		before := *t
		if changed, err = fn(t, now); err != nil || !changed {
			return err
		}
		t.UpdatedAt = now
		if err := putTask(tx, t); err != nil {
			return err
		}
		if err := idemRecord(tx, "task-change", key, id); err != nil {
			return err
		}
		if err := reindexTask(tx, &before, t); err != nil {
			return err
		}
		e := AuditEntry{At: now, UserID: userID, Entity: TaskEntity(id)}
		if before.Status != t.Status {
			e.Action, e.Before, e.After = ActionTaskStatus, string(before.Status), string(t.Status)
			err = audit(tx, e)
		} else {
			last := t.History[len(t.History)-1]
			e.Action = ActionTaskProgress
			err = auditChange(tx, e, nil, map[string]any{"added": last.Added, "done": t.DoneQty, "note": last.Note})
		}
		if err != nil {
			return err
		}
		t.Pitched = countPitched(tx, t, now)
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return t, changed, nil
}

// SetTaskDM records where the assignee's task message is, so later changes
// edit it in place. Bookkeeping, not a user's change: not audited.
// Returns NotFound for an unknown task.
func (db *DB) SetTaskDM(ctx context.Context, id uint64, channel, ts string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		t, err := getTask(tx, id, db.Now())
		if err != nil {
			return err
		}
		t.DMChannel, t.DMTS = channel, ts
		return putTask(tx, t)
	})
}

// createTask writes a new task, its index entries and its audit entry.
func createTask(tx *bolt.Tx, nt TaskInput, now time.Time) (*Task, error) {
	id, err := tx.Bucket(bucketTasks).NextSequence()
	if err != nil {
		return nil, fmt.Errorf("task sequence: %w", err)
	}
	t := &Task{
		ID: id, Assignee: nt.Assignee, Assigner: nt.Assigner, Title: strings.TrimSpace(nt.Title), Kind: nt.Kind,
		Quantity: nt.Quantity, Due: nt.Due.UTC(), DueHasTime: nt.DueHasTime, Note: strings.TrimSpace(nt.Note),
		Status: TaskAssigned, CreatedAt: now, UpdatedAt: now,
		History: []TaskEvent{{At: now, UserID: nt.Assigner, To: TaskAssigned}},
	}
	t.Creators = taskCreators(t.Title, t.Note)
	if err := putTask(tx, t); err != nil {
		return nil, err
	}
	if err := reindexTask(tx, nil, t); err != nil {
		return nil, err
	}
	if err := auditChange(tx, AuditEntry{At: now, UserID: nt.Assigner, Action: ActionTaskCreate, Entity: TaskEntity(id)}, nil, t); err != nil {
		return nil, err
	}
	return t, nil
}

func putTask(tx *bolt.Tx, t *Task) error {
	if err := putJSON(tx.Bucket(bucketTasks), itob(t.ID), t); err != nil {
		return fmt.Errorf("put task %d: %w", t.ID, err)
	}
	return nil
}

// getTask loads a task and fills in Pitched as of now; NotFound if missing.
func getTask(tx *bolt.Tx, id uint64, now time.Time) (*Task, error) {
	var t Task
	err := getJSON(tx.Bucket(bucketTasks), itob(id), &t)
	if err == errMissing {
		return nil, Errorf(NotFound, "There is no task TSK-%d.", id)
	} else if err != nil {
		return nil, fmt.Errorf("task %d: %w", id, err)
	}
	t.Pitched = countPitched(tx, &t, now)
	return &t, nil
}

// countPitched is how many of the assignee's pitches count toward Pitching
// task t (see pitchAllocation). It reads index keys and the assignee's
// Pitching task records, never a pitch record.
//
// Progress is computed here rather than kept as a counter that /pitch
// bumps: /pitch needs no knowledge of tasks, and the count can never drift
// from the pitches that exist.
func countPitched(tx *bolt.Tx, t *Task, now time.Time) int {
	if t.Kind != KindPitching || t.AcceptedAt.IsZero() {
		return 0
	}
	return pitchAllocation(tx, t.Assignee, now)[t.ID]
}

// pitchAllocation splits an assignee's pitches between their accepted
// Pitching tasks so that each pitch counts toward exactly one task. Pitches
// are taken in time order; a pitch goes to the task, among those accepted
// and not yet closed at that moment, that is due soonest (then the older
// one) and still has units left; when every candidate is full it counts
// toward the first of them (over-delivery shows as more than 100%).
func pitchAllocation(tx *bolt.Tx, assignee string, now time.Time) map[uint64]int {
	type window struct {
		id       uint64
		from, to time.Time
		due      time.Time
		qty      int
	}
	var ws []window
	prefix := strPrefix(assignee)
	_ = scan(tx.Bucket(bucketTasksByAssignee), prefix, prefixEnd(prefix), func(k, _ []byte) (bool, error) {
		var t Task
		if len(k) < len(prefix)+9 || getJSON(tx.Bucket(bucketTasks), k[len(prefix)+1:], &t) != nil {
			return true, nil // a broken entry is Check's business, not progress's
		}
		if t.Kind != KindPitching || t.AcceptedAt.IsZero() {
			return true, nil
		}
		end := now // inclusive: a pitch logged this instant counts
		if !t.ClosedAt.IsZero() {
			end = t.ClosedAt
		}
		ws = append(ws, window{id: t.ID, from: t.AcceptedAt, to: end, due: t.Due, qty: t.Quantity})
		return true, nil
	}) // the callback never fails
	out := make(map[uint64]int, len(ws))
	if len(ws) == 0 {
		return out
	}
	sort.Slice(ws, func(i, j int) bool {
		if !ws[i].due.Equal(ws[j].due) {
			return ws[i].due.Before(ws[j].due)
		}
		return ws[i].id < ws[j].id
	})
	lo, hi := ws[0].from, ws[0].to
	for _, w := range ws[1:] {
		if w.from.Before(lo) {
			lo = w.from
		}
		if w.to.After(hi) {
			hi = w.to
		}
	}
	_ = scan(tx.Bucket(bucketPitchesByUser), key(prefix, timeKey(lo)), key(prefix, timeKey(hi.Add(time.Nanosecond))), func(k, _ []byte) (bool, error) {
		at := time.Unix(0, int64(btoi(k[len(prefix):len(prefix)+8])))
		first := -1
		for i, w := range ws {
			if at.Before(w.from) || at.After(w.to) {
				continue
			}
			if first < 0 {
				first = i
			}
			if w.qty == 0 || out[w.id] < w.qty {
				out[w.id]++
				return true, nil
			}
		}
		if first >= 0 {
			out[ws[first].id]++
		}
		return true, nil
	}) // the callback never fails
	return out
}

// linkReassigned notes on the task that nt reassigns (IdemKey
// "reassign:<id>") which task replaced it, and on the new task which one
// it replaces, so both histories tell the story.
func linkReassigned(tx *bolt.Tx, nt TaskInput, t *Task, now time.Time) error {
	idText, ok := strings.CutPrefix(nt.IdemKey, "reassign:")
	if !ok {
		return nil
	}
	oldID, err := strconv.ParseUint(idText, 10, 64)
	if err != nil {
		return nil
	}
	var old Task
	if err := getJSON(tx.Bucket(bucketTasks), itob(oldID), &old); err != nil {
		return nil // gone: nothing to link
	}
	old.History = append(old.History, TaskEvent{At: now, UserID: nt.Assigner, Note: fmt.Sprintf("Reassigned as TSK-%d.", t.ID)})
	old.UpdatedAt = now
	if err := putTask(tx, &old); err != nil {
		return err
	}
	t.History = append(t.History, TaskEvent{At: now, UserID: nt.Assigner, Note: fmt.Sprintf("Replaces TSK-%d.", oldID)})
	return putTask(tx, t)
}
