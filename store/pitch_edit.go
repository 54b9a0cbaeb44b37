package store

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Audit actions of pitch edits (stored: never rename).
const (
	ActionPitchNote   = "pitch.note"   // Before/After: {"note": …}.
	ActionPitchDelete = "pitch.delete" // Before: the deleted pitch.
)

// SetPitchNote replaces the note of pitch id (an empty note clears it),
// auditing the change with the old and new note. Setting the same note
// again changes nothing. Returns Invalid for an empty userID or a note
// longer than MaxNoteLen, NotFound for an unknown pitch. Permission is the
// caller's decision.
func (db *DB) SetPitchNote(ctx context.Context, id uint64, userID, note string) (*Pitch, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if err := checkLen("The note", note, MaxNoteLen); err != nil {
		return nil, onField(FieldNote, err)
	}
	var p *Pitch
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var err error
		if p, err = getPitch(tx, id); err != nil {
			return err
		}
		if p.Note == note {
			return nil
		}
		before := p.Note
		p.Note, p.UpdatedAt = note, db.Now()
		if err := putPitch(tx, p); err != nil {
			return err
		}
		type noteJSON struct {
			Note string `json:"note"`
		}
		return auditChange(tx, AuditEntry{At: p.UpdatedAt, UserID: userID, Action: ActionPitchNote, Entity: PitchEntity(id)},
			noteJSON{before}, noteJSON{note})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeletePitch removes pitch id — a pitch logged by mistake — with every
// index entry it has (by creator, by user, by time, open, agreed), so it
// leaves every count, list and target; the creator record stays. The
// deletion is audited with the whole pitch as Before, and the pitch's
// earlier audit entries stay, so its history can still be read with
// AuditLog(PitchEntity(id)). Returns the deleted pitch; NotFound if there
// is none. Permission is the caller's decision.
func (db *DB) DeletePitch(ctx context.Context, id uint64, userID string) (*Pitch, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	var p *Pitch
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var err error
		if p, err = getPitch(tx, id); err != nil {
			return err
		}
		k := pitchTimeKey(p)
		for _, d := range []struct {
			bucket []byte
			key    []byte
		}{
			{bucketPitches, itob(p.ID)},
			{bucketPitchesByCreator, pitchCreatorKey(p)},
			{bucketPitchesByUser, pitchUserKey(p)},
			{bucketPitchesByTime, k},
			{bucketPitchesOpen, k},
		} {
			if err := tx.Bucket(d.bucket).Delete(d.key); err != nil {
				return fmt.Errorf("delete pitch %d from %s: %w", p.ID, d.bucket, err)
			}
		}
		// indexPitchAgreed deletes every agreed key the pitch ever had and
		// re-adds the current one; with the status cleared it only deletes.
		gone := *p
		gone.Status = PitchDeclined
		if err := indexPitchAgreed(tx, &gone); err != nil {
			return err
		}
		return auditChange(tx, AuditEntry{At: db.Now(), UserID: userID, Action: ActionPitchDelete, Entity: PitchEntity(id)}, p, nil)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
