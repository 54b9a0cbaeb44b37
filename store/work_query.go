package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Queries for the digest, the realism check and App Home.

// Overdue is one person's overdue tasks: how many, and the oldest few.
type Overdue struct {
	Assignee string
	Count    int
	Oldest   []Task // soonest due first, at most the limit asked for
}

// OverdueTasks returns, per assignee, the open tasks due at or before asOf
// (a task is overdue from its deadline instant on): their number and the
// oldest `oldest` of them. People are sorted by count, most first, then by
// user ID. It reads the keys and values of tasks_due and decodes only the
// tasks it returns.
func (db *DB) OverdueTasks(ctx context.Context, asOf time.Time, oldest int) ([]Overdue, error) {
	var out []Overdue
	err := db.view(ctx, func(tx *bolt.Tx) error {
		now := db.Now()
		byUser := map[string]*Overdue{}
		ids := map[string][]uint64{}
		err := scan(tx.Bucket(bucketTasksDue), nil, timeKey(asOf.Add(time.Nanosecond)), func(k, v []byte) (bool, error) {
			u := string(v)
			o := byUser[u]
			if o == nil {
				o = &Overdue{Assignee: u}
				byUser[u] = o
			}
			o.Count++
			if len(ids[u]) < oldest {
				ids[u] = append(ids[u], btoi(k[8:]))
			}
			return true, nil
		})
		if err != nil {
			return err
		}
		for u, o := range byUser {
			for _, id := range ids[u] {
				t, err := getTask(tx, id, now)
				if err != nil {
					return err
				}
				o.Oldest = append(o.Oldest, *t)
			}
			out = append(out, *o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Assignee < out[j].Assignee
	})
	return out, nil
}

// OpenTaskCounts returns the number of open tasks per assignee, from the
// values of tasks_due alone.
func (db *DB) OpenTaskCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTasksDue).ForEach(func(_, v []byte) error {
			out[string(v)]++
			return nil
		})
	})
	return out, err
}

// ActiveIssuesFor returns the open, in-progress and waiting issues assigned
// to userID, oldest first, and decodes no other issue: for each of the
// user's issues_by_assignee keys it checks issues_by_status first.
// Returns Invalid for an empty userID.
func (db *DB) ActiveIssuesFor(ctx context.Context, userID string) ([]Issue, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	active := []byte{IssueOpen.code(), IssueInProgress.code(), IssueWaiting.code()}
	var out []Issue
	err := db.view(ctx, func(tx *bolt.Tx) error {
		byStatus := tx.Bucket(bucketIssuesByStatus)
		p := strPrefix(userID)
		return scan(tx.Bucket(bucketIssuesByAssignee), p, prefixEnd(p), func(k, _ []byte) (bool, error) {
			id := k[len(p):]
			for _, c := range active {
				if byStatus.Get(key([]byte{c}, id)) == nil {
					continue
				}
				is, err := getIssue(tx, btoi(id))
				if err != nil {
					return false, err
				}
				out = append(out, *is)
				break
			}
			return true, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// VoucherCountByIssuer returns how many vouchers userID has issued in all,
// counting index keys only.
func (db *DB) VoucherCountByIssuer(ctx context.Context, userID string) (int, error) {
	if err := checkUser(userID); err != nil {
		return 0, err
	}
	n := 0
	err := db.view(ctx, func(tx *bolt.Tx) error {
		p := strPrefix(userID)
		return scan(tx.Bucket(bucketVouchersByIssuer), p, prefixEnd(p), func(_, _ []byte) (bool, error) {
			n++
			return true, nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("count vouchers of %s: %w", userID, err)
	}
	return n, nil
}
