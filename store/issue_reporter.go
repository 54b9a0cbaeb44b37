package store

import (
	"bytes"
	"context"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Issue lists for the reporter loop (issue #13): issues someone reported,
// and resolved or closed issues.

// IssuesByStatus returns the issues in any of statuses, read through the
// status index. Order: by ID.
func (db *DB) IssuesByStatus(ctx context.Context, statuses ...IssueStatus) ([]Issue, error) {
	var out []Issue
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		out, err = issuesInStatuses(tx, statuses...)
		return err
	})
	slices.SortFunc(out, func(a, b Issue) int { return cmpID(a.ID, b.ID) })
	return out, err
}

// issuesInStatuses reads the issues in statuses through the status index
// (invalid statuses are skipped), in index order.
func issuesInStatuses(tx *bolt.Tx, statuses ...IssueStatus) ([]Issue, error) {
	var out []Issue
	for _, s := range statuses {
		if !s.Valid() {
			continue
		}
		p := []byte{s.code()}
		err := scan(tx.Bucket(bucketIssuesByStatus), p, prefixEnd(p), func(k, _ []byte) (bool, error) {
			is, err := getIssue(tx, btoi(k[1:]))
			if err != nil {
				return false, err
			}
			out = append(out, *is)
			return true, nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// IssuesByReporter returns the issues userID reported, newest first. There
// is no reporter index: it scans every issue record's bytes once and
// decodes only those that name userID (BenchmarkIssuesByReporter).
// Returns Invalid for an empty userID.
func (db *DB) IssuesByReporter(ctx context.Context, userID string) ([]Issue, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	var out []Issue
	err := db.view(ctx, func(tx *bolt.Tx) error {
		// Skip other people's issues cheaply: a quoted user ID appears in
		// the record's JSON only if someone on it is that user; only
		// those records are decoded.
		needle := []byte(`"` + userID + `"`)
		return tx.Bucket(bucketIssues).ForEach(func(k, v []byte) error {
			if !bytes.Contains(v, needle) {
				return nil
			}
			is, err := getIssue(tx, btoi(k))
			if err != nil {
				return err
			}
			if is.ReporterID == userID {
				out = append(out, *is)
			}
			return nil
		})
	})
	slices.SortFunc(out, func(a, b Issue) int { return cmpID(b.ID, a.ID) })
	return out, err
}

func cmpID(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
