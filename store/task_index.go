package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Task index keys (doc.go draws them). Every index is written in the same
// transaction as the task record.

// Open flags in tasks_by_assignee keys: open tasks sort after closed ones,
// so "assignee 0x00 0x01" is the prefix of a person's open work.
const (
	flagClosed byte = 0
	flagOpen   byte = 1
)

func openFlag(s TaskStatus) byte {
	if s.Open() {
		return flagOpen
	}
	return flagClosed
}

// taskAssigneeKey: assignee 0x00 flag itob(id) → ·.
func taskAssigneeKey(t *Task) []byte {
	return key(strPrefix(t.Assignee), []byte{openFlag(t.Status)}, itob(t.ID))
}

// taskDueKey: timeKey(Due) itob(id) → assignee; open tasks only.
func taskDueKey(t *Task) []byte { return timeIDKey(t.Due, t.ID) }

// taskCreatorKey: handle 0x00 itob(id) → ·.
func taskCreatorKey(h string, id uint64) []byte { return key(strPrefix(h), itob(id)) }

// reindexTask brings the indexes from before (nil for a new task) to t.
// Only the status changes after creation, so only the open flag and the
// due index move.
func reindexTask(tx *bolt.Tx, before, t *Task) error {
	byAssignee := tx.Bucket(bucketTasksByAssignee)
	due := tx.Bucket(bucketTasksDue)
	if before != nil {
		if err := byAssignee.Delete(taskAssigneeKey(before)); err != nil {
			return err
		}
		if err := due.Delete(taskDueKey(before)); err != nil {
			return err
		}
	} else {
		for _, h := range t.Creators {
			if err := tx.Bucket(bucketTasksByCreator).Put(taskCreatorKey(h, t.ID), []byte{}); err != nil {
				return fmt.Errorf("index task %d by creator: %w", t.ID, err)
			}
		}
	}
	if err := byAssignee.Put(taskAssigneeKey(t), []byte{}); err != nil {
		return fmt.Errorf("index task %d by assignee: %w", t.ID, err)
	}
	if t.Status.Open() {
		if err := due.Put(taskDueKey(t), []byte(t.Assignee)); err != nil {
			return fmt.Errorf("index task %d by due: %w", t.ID, err)
		}
	}
	return indexTaskDone(tx, t)
}

// OpenTasks returns every open task, soonest due first. It reads the
// open-task due index, never a closed task.
func (db *DB) OpenTasks(ctx context.Context) ([]Task, error) {
	return db.openTasksBefore(ctx, time.Time{})
}

// OpenTasksDueBefore returns the open tasks due before t, soonest first.
func (db *DB) OpenTasksDueBefore(ctx context.Context, t time.Time) ([]Task, error) {
	if t.IsZero() {
		return nil, nil
	}
	return db.openTasksBefore(ctx, t)
}

func (db *DB) openTasksBefore(ctx context.Context, before time.Time) ([]Task, error) {
	var ts []Task
	err := db.view(ctx, func(tx *bolt.Tx) error {
		now := db.Now()
		var hi []byte
		if !before.IsZero() {
			hi = timeKey(before)
		}
		return scan(tx.Bucket(bucketTasksDue), []byte{}, hi, func(k, _ []byte) (bool, error) {
			t, err := getTask(tx, btoi(k[8:]), now)
			if err != nil {
				return false, err
			}
			ts = append(ts, *t)
			return true, nil
		})
	})
	return ts, err
}

// TasksByAssignee returns userID's open tasks (soonest due first) or, with
// open false, their closed tasks (most recently closed first, at most
// limit; all if limit <= 0). Returns Invalid for an empty userID.
func (db *DB) TasksByAssignee(ctx context.Context, userID string, open bool, limit int) ([]Task, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	var ts []Task
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		ts, err = tasksOf(tx, userID, open, db.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	if open {
		sort.SliceStable(ts, func(i, j int) bool { return ts[i].Due.Before(ts[j].Due) })
	} else {
		sort.SliceStable(ts, func(i, j int) bool { return ts[i].ClosedAt.After(ts[j].ClosedAt) })
		if limit > 0 && len(ts) > limit {
			ts = ts[:limit]
		}
	}
	return ts, nil
}

// ClosedTasks returns the team's closed tasks, newest task first, at most
// limit. It walks the records from the newest and stops at limit.
func (db *DB) ClosedTasks(ctx context.Context, limit int) ([]Task, error) {
	var ts []Task
	err := db.view(ctx, func(tx *bolt.Tx) error {
		now := db.Now()
		return scanReverse(tx.Bucket(bucketTasks), []byte{}, nil, func(k, v []byte) (bool, error) {
			var t Task
			if err := json.Unmarshal(v, &t); err != nil {
				return false, fmt.Errorf("task %d: %w", btoi(k), err)
			}
			if !t.Status.Open() {
				t.Pitched = countPitched(tx, &t, now)
				ts = append(ts, t)
			}
			return limit <= 0 || len(ts) < limit, nil
		})
	})
	return ts, err
}

// TasksByCreator returns the tasks that name the creator, newest first.
// Returns Invalid for a malformed handle.
func (db *DB) TasksByCreator(ctx context.Context, handle string) ([]Task, error) {
	h, err := NormalizeHandle(handle)
	if err != nil {
		return nil, err
	}
	var ts []Task
	err = db.view(ctx, func(tx *bolt.Tx) error {
		now := db.Now()
		prefix := strPrefix(h)
		return scanReverse(tx.Bucket(bucketTasksByCreator), prefix, prefixEnd(prefix), func(k, _ []byte) (bool, error) {
			t, err := getTask(tx, btoi(k[len(prefix):]), now)
			if err != nil {
				return false, err
			}
			ts = append(ts, *t)
			return true, nil
		})
	})
	return ts, err
}

// TaskMembers returns the outsource team: everyone who has ever been
// assigned a task or has a capacity set, sorted. It visits one index key
// per person, skipping the rest of their tasks.
func (db *DB) TaskMembers(ctx context.Context) ([]string, error) {
	seen := map[string]bool{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketTasksByAssignee).Cursor()
		for k, _ := c.First(); k != nil; {
			i := bytes.IndexByte(k, sep)
			if i < 0 {
				return fmt.Errorf("bad %s key %x", bucketTasksByAssignee, k)
			}
			seen[string(k[:i])] = true
			next := prefixEnd(k[:i+1])
			if next == nil {
				break
			}
			k, _ = c.Seek(next)
		}
		return tx.Bucket(bucketTaskCapacity).ForEach(func(k, _ []byte) error {
			seen[string(k)] = true
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(seen))
	for u := range seen {
		out = append(out, u)
	}
	sort.Strings(out)
	return out, nil
}

// SetTaskCapacity sets userID's daily capacity in units; 0 removes the
// override so the default applies. Only admins may call it; the caller
// checks that. Returns Invalid for an empty user or a value out of range.
func (db *DB) SetTaskCapacity(ctx context.Context, adminID, userID string, units int) error {
	if err := checkUser(adminID); err != nil {
		return err
	}
	if err := checkUser(userID); err != nil {
		return err
	}
	if units < 0 || units > MaxCapacity {
		return Errorf(Invalid, "A daily capacity is a whole number of units from 1 to %d (or 0 to go back to the default).", MaxCapacity)
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTaskCapacity)
		var before, after string
		if v := b.Get([]byte(userID)); v != nil {
			before = fmt.Sprint(btoi(v))
		}
		var err error
		if units == 0 {
			err = b.Delete([]byte(userID))
		} else {
			after = fmt.Sprint(units)
			err = b.Put([]byte(userID), itob(uint64(units)))
		}
		if err != nil {
			return fmt.Errorf("capacity %s: %w", userID, err)
		}
		return audit(tx, AuditEntry{At: db.Now(), UserID: adminID, Action: ActionTaskCapacity,
			Entity: CapacityEntity(userID), Before: before, After: after})
	})
}

// tasksOf returns userID's open or closed tasks in ID order.
func tasksOf(tx *bolt.Tx, userID string, open bool, now time.Time) ([]Task, error) {
	flag := flagClosed
	if open {
		flag = flagOpen
	}
	var ts []Task
	prefix := key(strPrefix(userID), []byte{flag})
	err := scan(tx.Bucket(bucketTasksByAssignee), prefix, prefixEnd(prefix), func(k, _ []byte) (bool, error) {
		t, err := getTask(tx, btoi(k[len(prefix):]), now)
		if err != nil {
			return false, err
		}
		ts = append(ts, *t)
		return true, nil
	})
	return ts, err
}

// openTasksOf returns userID's open tasks, soonest due first.
func openTasksOf(tx *bolt.Tx, userID string, now time.Time) ([]Task, error) {
	ts, err := tasksOf(tx, userID, true, now)
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Due.Before(ts[j].Due) })
	return ts, err
}

// taskCapacity returns userID's own daily capacity, 0 if none is set.
func taskCapacity(tx *bolt.Tx, userID string) int {
	if v := tx.Bucket(bucketTaskCapacity).Get([]byte(userID)); v != nil {
		return int(btoi(v))
	}
	return 0
}

// TaskCapacities returns the per-person capacity overrides.
func (db *DB) TaskCapacities(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTaskCapacity).ForEach(func(k, v []byte) error {
			out[string(k)] = int(btoi(v))
			return nil
		})
	})
	return out, err
}

// checkTaskIndexes verifies that the task indexes match the records.
func checkTaskIndexes(tx *bolt.Tx) error {
	byAssignee := tx.Bucket(bucketTasksByAssignee)
	due := tx.Bucket(bucketTasksDue)
	byCreator := tx.Bucket(bucketTasksByCreator)
	var n, nOpen, nCreators int
	err := tx.Bucket(bucketTasks).ForEach(func(k, v []byte) error {
		var t Task
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("task %x: %w", k, err)
		}
		n++
		switch {
		case t.ID != btoi(k):
			return fmt.Errorf("task %x has ID %d", k, t.ID)
		case !t.Status.Valid() || !t.Kind.Valid():
			return fmt.Errorf("task %d has status %q kind %q", t.ID, t.Status, t.Kind)
		case !has(byAssignee, taskAssigneeKey(&t)):
			return fmt.Errorf("task %d missing from %s", t.ID, bucketTasksByAssignee)
		case has(due, taskDueKey(&t)) != t.Status.Open():
			return fmt.Errorf("task %d (%s): wrong %s membership", t.ID, t.Status, bucketTasksDue)
		}
		if t.Status.Open() {
			nOpen++
		}
		for _, h := range t.Creators {
			if !has(byCreator, taskCreatorKey(h, t.ID)) {
				return fmt.Errorf("task %d missing from %s under %s", t.ID, bucketTasksByCreator, h)
			}
			nCreators++
		}
		return nil
	})
	if err != nil {
		return err
	}
	return checkCounts(tx, indexCount{bucketTasksByAssignee, n}, indexCount{bucketTasksDue, nOpen},
		indexCount{bucketTasksByCreator, nCreators})
}
