package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Audit actions. Action names are stable: they are stored.
const (
	ActionCreatorCreate = "creator.create" // After: the new creator.
	ActionCreatorUpdate = "creator.update" // Before/After: the changed fields only.
	ActionCreatorNote   = "creator.note"   // After: the note.
	ActionPitchCreate   = "pitch.create"   // After: the new pitch.
	ActionPitchStatus   = "pitch.status"   // Before/After: the status, e.g. "pitched" → "agreed".
)

// AuditEntry records one change: who made it, when, to what, and the state
// before and after. Before and After hold JSON, except for pitch.status,
// whose Before and After are bare status values. Before is "" for creations.
type AuditEntry struct {
	ID     uint64    `json:"id"`
	At     time.Time `json:"at"`
	UserID string    `json:"user_id"`
	Action string    `json:"action"`
	Entity string    `json:"entity"` // "pitch:12", "creator:budi.jkt"
	Before string    `json:"before,omitempty"`
	After  string    `json:"after,omitempty"`
}

// PitchEntity returns the audit entity name of a pitch, e.g. "pitch:12".
func PitchEntity(id uint64) string {
	return "pitch:" + strconv.FormatUint(id, 10)
}

// CreatorEntity returns the audit entity name of a creator, e.g.
// "creator:budi.jkt". handle must already be normalised.
func CreatorEntity(handle string) string {
	return "creator:" + handle
}

// AuditLog returns the audit entries of entity (see PitchEntity and
// CreatorEntity), newest first. limit <= 0 returns all of them. It reads
// only that entity's entries. Returns Invalid if entity is empty.
func (db *DB) AuditLog(ctx context.Context, entity string, limit int) ([]AuditEntry, error) {
	if entity == "" {
		return nil, Errorf(Invalid, "An audit entity is required.")
	}
	var entries []AuditEntry
	err := db.view(ctx, func(tx *bolt.Tx) error {
		records := tx.Bucket(bucketAudit)
		prefix := strPrefix(entity)
		return scanReverse(tx.Bucket(bucketAuditByEntity), prefix, prefixEnd(prefix), func(k, _ []byte) (bool, error) {
			id := k[len(prefix):]
			var e AuditEntry
			if err := getJSON(records, id, &e); err != nil {
				return false, fmt.Errorf("audit %d: %w", btoi(id), err)
			}
			entries = append(entries, e)
			return limit <= 0 || len(entries) < limit, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return entries, nil
}

// auditChange audits e with before and after, each JSON-encoded (nil is
// left out: a creation has no before).
func auditChange(tx *bolt.Tx, e AuditEntry, before, after any) error {
	for _, f := range []struct {
		v   any
		out *string
	}{{before, &e.Before}, {after, &e.After}} {
		if f.v == nil {
			continue
		}
		b, err := json.Marshal(f.v)
		if err != nil {
			return fmt.Errorf("audit %s: %w", e.Action, err)
		}
		*f.out = string(b)
	}
	return audit(tx, e)
}

// audit writes e (with a new ID) and its entity index entry. Callers pass
// the tx of the change itself, so the change and its record commit together.
func audit(tx *bolt.Tx, e AuditEntry) error {
	records := appendBucket(tx, bucketAudit)
	id, err := records.NextSequence()
	if err != nil {
		return fmt.Errorf("audit sequence: %w", err)
	}
	e.ID = id
	e.At = e.At.UTC()
	if err := putJSON(records, itob(id), e); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return tx.Bucket(bucketAuditByEntity).Put(key(strPrefix(e.Entity), itob(id)), nil)
}
