package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Per-day indexes of the vouchers, issues_resolved and tasks_done target
// metrics. Like pitches_agreed, each is keyed by the time the work counts
// and holds the credited user as its value, so a day is counted from index
// entries alone; each is written in the same transaction as its record.
//
//	vouchers_credited   itob(issued ns) code      → issuer userID   (vouchers not revoked)
//	issues_resolved     itob(resolved ns) itob(id) → resolver userID (status resolved only)
//	tasks_done          itob(closed ns) itob(id)   → assignee userID (status done only)
var (
	bucketVouchersCredited = []byte("vouchers_credited")
	bucketIssuesResolved   = []byte("issues_resolved")
	bucketTasksDone        = []byte("tasks_done")
)

// voucherCredited reports whether v counts toward its issuer's "vouchers"
// metric: every voucher issued, redeemed or expired; a revoked one does not
// (it was withdrawn, and its value went back to the budget).
func voucherCredited(v *Voucher) bool { return v.Status != VoucherRevoked }

// indexVoucherCredited puts v in vouchers_credited, or removes it once
// revoked. The key never changes: IssuedAt is fixed.
func indexVoucherCredited(tx *bolt.Tx, v *Voucher) error {
	b := tx.Bucket(bucketVouchersCredited)
	k := voucherTimeKey(v)
	if !voucherCredited(v) {
		return b.Delete(k)
	}
	if err := b.Put(k, []byte(v.IssuerID)); err != nil {
		return fmt.Errorf("index credited voucher %s: %w", v.Code, err)
	}
	return nil
}

// issueResolvedKey is the issues_resolved key of is; ok is false unless it
// is resolved. A closed issue (duplicate, no action, …) is not "resolved".
func issueResolvedKey(is *Issue) ([]byte, bool) {
	if is.Status != IssueResolved || is.ResolvedAt.IsZero() || is.ResolvedBy == "" {
		return nil, false
	}
	return timeIDKey(is.ResolvedAt, is.ID), true
}

// reindexIssueResolved moves the issues_resolved entry from old (nil for
// a new issue) to is. A reopen clears ResolvedAt, so it removes the entry.
func reindexIssueResolved(tx *bolt.Tx, old, is *Issue) error {
	b := tx.Bucket(bucketIssuesResolved)
	if old != nil {
		if k, ok := issueResolvedKey(old); ok {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
	}
	if k, ok := issueResolvedKey(is); ok {
		if err := b.Put(k, []byte(is.ResolvedBy)); err != nil {
			return fmt.Errorf("index resolved issue %d: %w", is.ID, err)
		}
	}
	return nil
}

// taskDoneKey is the tasks_done key of t; ok is false unless it is done.
func taskDoneKey(t *Task) ([]byte, bool) {
	if t.Status != TaskDone || t.ClosedAt.IsZero() {
		return nil, false
	}
	return timeIDKey(t.ClosedAt, t.ID), true
}

// indexTaskDone puts a done task in tasks_done. A closed task never
// changes again, so there is nothing to remove.
func indexTaskDone(tx *bolt.Tx, t *Task) error {
	if k, ok := taskDoneKey(t); ok {
		if err := tx.Bucket(bucketTasksDone).Put(k, []byte(t.Assignee)); err != nil {
			return fmt.Errorf("index done task %d: %w", t.ID, err)
		}
	}
	return nil
}

// VoucherCountsByDay counts, per issuer, the vouchers issued in each
// interval [bounds[i], bounds[i+1]) that are not revoked. It reads
// vouchers_credited only.
func (db *DB) VoucherCountsByDay(ctx context.Context, bounds []time.Time) ([]map[string]int, error) {
	return db.countByDay(ctx, bucketVouchersCredited, bounds, func(v []byte) []byte { return v })
}

// IssuesResolvedByDay counts, per resolver, the issues resolved in each
// interval and still resolved (a reopened issue counts again only when it
// is resolved again, on that day, for whoever resolves it). It reads
// issues_resolved only.
func (db *DB) IssuesResolvedByDay(ctx context.Context, bounds []time.Time) ([]map[string]int, error) {
	return db.countByDay(ctx, bucketIssuesResolved, bounds, func(v []byte) []byte { return v })
}

// TasksDoneByDay counts, per assignee, the tasks marked done in each
// interval. It reads tasks_done only.
func (db *DB) TasksDoneByDay(ctx context.Context, bounds []time.Time) ([]map[string]int, error) {
	return db.countByDay(ctx, bucketTasksDone, bounds, func(v []byte) []byte { return v })
}

// backfillWorkIndexes is the migration that builds vouchers_credited,
// issues_resolved and tasks_done from the records.
func backfillWorkIndexes(tx *bolt.Tx) error {
	err := tx.Bucket(bucketVouchers).ForEach(func(k, raw []byte) error {
		var v Voucher
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("voucher %s: %w", k, err)
		}
		return indexVoucherCredited(tx, &v)
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketIssues).ForEach(func(k, raw []byte) error {
		var is Issue
		if err := json.Unmarshal(raw, &is); err != nil {
			return fmt.Errorf("issue %x: %w", k, err)
		}
		return reindexIssueResolved(tx, nil, &is)
	})
	if err != nil {
		return err
	}
	return tx.Bucket(bucketTasks).ForEach(func(k, raw []byte) error {
		var t Task
		if err := json.Unmarshal(raw, &t); err != nil {
			return fmt.Errorf("task %x: %w", k, err)
		}
		return indexTaskDone(tx, &t)
	})
}

// checkWorkIndexes verifies the three per-day indexes against the records:
// every record that counts has its entry with the right user, and there
// are no others.
func checkWorkIndexes(tx *bolt.Tx) error {
	type entry struct{ k, user []byte }
	check := func(records, idx []byte, want func(raw []byte) (*entry, error)) error {
		b := tx.Bucket(idx)
		n := 0
		err := tx.Bucket(records).ForEach(func(k, raw []byte) error {
			e, err := want(raw)
			if err != nil {
				return fmt.Errorf("%s %x: %w", records, k, err)
			}
			if e == nil {
				return nil
			}
			n++
			if !bytes.Equal(b.Get(e.k), e.user) {
				return fmt.Errorf("%s %x: wrong or missing %s entry", records, k, idx)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return checkCounts(tx, indexCount{idx, n})
	}
	err := check(bucketVouchers, bucketVouchersCredited, func(raw []byte) (*entry, error) {
		var v Voucher
		if err := json.Unmarshal(raw, &v); err != nil || !voucherCredited(&v) {
			return nil, err
		}
		return &entry{voucherTimeKey(&v), []byte(v.IssuerID)}, nil
	})
	if err != nil {
		return err
	}
	err = check(bucketIssues, bucketIssuesResolved, func(raw []byte) (*entry, error) {
		var is Issue
		if err := json.Unmarshal(raw, &is); err != nil {
			return nil, err
		}
		k, ok := issueResolvedKey(&is)
		if !ok {
			return nil, nil
		}
		return &entry{k, []byte(is.ResolvedBy)}, nil
	})
	if err != nil {
		return err
	}
	return check(bucketTasks, bucketTasksDone, func(raw []byte) (*entry, error) {
		var t Task
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, err
		}
		k, ok := taskDoneKey(&t)
		if !ok {
			return nil, nil
		}
		return &entry{k, []byte(t.Assignee)}, nil
	})
}
