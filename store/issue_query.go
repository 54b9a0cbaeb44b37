package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Issue returns issue id. Returns NotFound if there is none.
func (db *DB) Issue(ctx context.Context, id uint64) (*Issue, error) {
	var is *Issue
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		is, err = getIssue(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return is, nil
}

// IssueTimeline returns the timeline entries of issue id numbered
// [offset, offset+limit) (oldest is 0; limit <= 0 means all) and the total
// number of entries. It reads only those entries.
// Returns NotFound for an unknown issue.
func (db *DB) IssueTimeline(ctx context.Context, id uint64, offset, limit int) ([]IssueEvent, int, error) {
	var evs []IssueEvent
	total := 0
	err := db.view(ctx, func(tx *bolt.Tx) error {
		is, err := getIssue(tx, id)
		if err != nil {
			return err
		}
		total = is.Events
		offset = max(offset, 0)
		lo := key(itob(id), itob(uint64(offset)+1))
		return scan(tx.Bucket(bucketIssueEvents), lo, prefixEnd(itob(id)), func(k, v []byte) (bool, error) {
			if limit > 0 && len(evs) >= limit {
				return false, nil
			}
			var ev IssueEvent
			if err := getJSON(tx.Bucket(bucketIssueEvents), k, &ev); err != nil {
				return false, fmt.Errorf("issue %d event %d: %w", id, btoi(k[8:]), err)
			}
			evs = append(evs, ev)
			return true, nil
		})
	})
	if err != nil {
		return nil, 0, err
	}
	return evs, total, nil
}

// ActiveIssues returns every open, in-progress and waiting issue, oldest
// first. It reads the status index and those records only.
func (db *DB) ActiveIssues(ctx context.Context) ([]Issue, error) {
	var out []Issue
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		out, err = issuesInStatuses(tx, IssueOpen, IssueInProgress, IssueWaiting)
		return err
	})
	if err != nil {
		return nil, err
	}
	sortIssues(out)
	return out, nil
}

// UnassignedIssues returns the active issues nobody has, oldest first.
func (db *DB) UnassignedIssues(ctx context.Context) ([]Issue, error) {
	var out []Issue
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return scan(tx.Bucket(bucketIssuesUnassigned), nil, nil, func(k, _ []byte) (bool, error) {
			is, err := getIssue(tx, btoi(k))
			if err != nil {
				return false, err
			}
			out = append(out, *is)
			return true, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// IssuesByAssignee returns the issues assigned to userID, newest first;
// only active ones if activeOnly. Returns Invalid for an empty userID.
func (db *DB) IssuesByAssignee(ctx context.Context, userID string, activeOnly bool) ([]Issue, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	var out []Issue
	err := db.view(ctx, func(tx *bolt.Tx) error {
		p := strPrefix(userID)
		return scanReverse(tx.Bucket(bucketIssuesByAssignee), p, prefixEnd(p), func(k, _ []byte) (bool, error) {
			is, err := getIssue(tx, btoi(k[len(p):]))
			if err != nil {
				return false, err
			}
			if !activeOnly || is.Status.Active() {
				out = append(out, *is)
			}
			return true, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// IssuesByCreator returns up to limit (all if limit <= 0) of the creator's
// issues, newest first, and how many there are in all. An unknown creator
// has none. Returns Invalid for a malformed handle.
func (db *DB) IssuesByCreator(ctx context.Context, handle string, limit int) ([]Issue, int, error) {
	h, err := NormalizeHandle(handle)
	if err != nil {
		return nil, 0, err
	}
	var out []Issue
	total := 0
	err = db.view(ctx, func(tx *bolt.Tx) error {
		p := strPrefix(h)
		return scanReverse(tx.Bucket(bucketIssuesByCreator), p, prefixEnd(p), func(k, _ []byte) (bool, error) {
			total++
			if limit > 0 && len(out) >= limit {
				return true, nil
			}
			is, err := getIssue(tx, btoi(k[len(p):]))
			if err != nil {
				return false, err
			}
			out = append(out, *is)
			return true, nil
		})
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// sortIssues orders issues by ID (creation order).
func sortIssues(is []Issue) {
	slices.SortFunc(is, func(a, b Issue) int { return cmp.Compare(a.ID, b.ID) })
}
