package store

import (
	"context"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ReopenTask puts a closed task (Done or Can't do) back to work: In
// progress if units were reported, else Accepted if it was accepted, else
// Assigned. The step, with the optional reason, goes in the history and
// the audit log; a reopened Done task leaves tasks_done, so it no longer
// counts as done until it is finished again.
//
// Only the assigner may reopen a task, or anyone when asAdmin is set (the
// caller checks POCBOT_ADMINS). Returns NotFound, Forbidden for anyone
// else, Conflict if the task is still open, Invalid for a reason longer
// than MaxTaskReasonLen.
func (db *DB) ReopenTask(ctx context.Context, id uint64, userID string, asAdmin bool, reason string) (*Task, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if err := checkLen("The reason", reason, MaxTaskReasonLen); err != nil {
		return nil, err
	}
	var t *Task
	err := db.batch(ctx, func(tx *bolt.Tx) error {
		now := db.Now()
		var err error
		if t, err = getTask(tx, id, now); err != nil {
			return err
		}
		if t.Assigner != userID && !asAdmin {
			return Errorf(Forbidden, "Only whoever assigned TSK-%d, or an admin, can reopen it.", id)
		}
		if t.Status.Open() {
			return Errorf(Conflict, "TSK-%d is still open (%s): there is nothing to reopen.", id, t.Status.Label())
		}
		before := *t
		to := TaskAssigned
		switch {
		case t.DoneQty > 0:
			to = TaskInProgress
		case !t.AcceptedAt.IsZero():
			to = TaskAccepted
		}
		t.Status, t.ClosedAt, t.Reason, t.UpdatedAt = to, time.Time{}, "", now
		t.History = append(t.History, TaskEvent{At: now, UserID: userID, From: before.Status, To: to, Note: reason})
		if err := putTask(tx, t); err != nil {
			return err
		}
		if k, ok := taskDoneKey(&before); ok {
			if err := tx.Bucket(bucketTasksDone).Delete(k); err != nil {
				return err
			}
		}
		if err := reindexTask(tx, &before, t); err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{At: now, UserID: userID, Action: ActionTaskStatus, Entity: TaskEntity(id),
			Before: string(before.Status), After: string(to)}); err != nil {
			return err
		}
		t.Pitched = countPitched(tx, t, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}
