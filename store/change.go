package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Changes to another person's record (issue #13). When someone changes a
// record another person owns, the change is kept here so the owner can be
// told in one grouped DM and can undo it; a request to take over a
// creator waits here for the owner's answer.

var (
	bucketChanges       = []byte("changes")        // itob(id) → Change
	bucketChangeBatches = []byte("change_batches") // "cur:"+owner → batch key; batch key → ChangeBatch
)

// Change kinds. Values are stored.
const (
	ChangePitchStatus   = "pitch.status"   // Subject "pitch:12"; Before/After statuses
	ChangeCreatorOwner  = "creator.owner"  // Subject the handle; Before/After user IDs
	ChangeVoucherRevoke = "voucher.revoke" // Subject the code; After the reason; not undoable
	OwnerRequest        = "owner.request"  // a pending request to own a creator
)

// Change states. "" is a change that stands.
const (
	ChangeUndone   = "undone"
	ChangePending  = "pending"
	ChangeApproved = "approved"
	ChangeDeclined = "declined"
)

// Change is one change made to a record that Owner owns, or one request
// Owner is asked to answer.
type Change struct {
	ID      uint64    `json:"id"`
	At      time.Time `json:"at"`
	By      string    `json:"by"`    // who made it (or asks)
	Owner   string    `json:"owner"` // who is told (or asked)
	Kind    string    `json:"kind"`
	Subject string    `json:"subject"`         // "12" for a pitch, the handle for a creator
	Label   string    `json:"label"`           // the record as people read it: "PIT-2 @sari.beauty"
	Batch   string    `json:"batch,omitempty"` // the DM it was told in (ChangeBatch.Key)
	Before  string    `json:"before,omitempty"`
	After   string    `json:"after,omitempty"`
	State   string    `json:"state,omitempty"`
	DoneBy  string    `json:"done_by,omitempty"` // who undid, approved or declined
	DoneAt  time.Time `json:"done_at,omitzero"`
}

// ChangeBatch is the DM that tells one owner about changes: changes within
// a window of its start are added to it rather than sent alone.
type ChangeBatch struct {
	Key     string    `json:"key"`
	Owner   string    `json:"owner"`
	Started time.Time `json:"started"`
	Channel string    `json:"channel,omitempty"`
	TS      string    `json:"ts,omitempty"`
	IDs     []uint64  `json:"ids"`
}

// RecordChange stores c (with a new ID and the current time) and adds it
// to the owner's batch: the open one if it started within window, else a
// new one (Channel and TS empty: the caller posts it and calls
// SetBatchMessage). Returns the change and its batch.
func (db *DB) RecordChange(ctx context.Context, c Change, window time.Duration) (*Change, *ChangeBatch, error) {
	if err := checkUser(c.By); err != nil {
		return nil, nil, err
	}
	if err := checkUser(c.Owner); err != nil {
		return nil, nil, err
	}
	var batch ChangeBatch
	err := db.batch(ctx, func(tx *bolt.Tx) error {
		batch = ChangeBatch{}
		now := db.Now()
		records := appendBucket(tx, bucketChanges)
		id, err := records.NextSequence()
		if err != nil {
			return err
		}
		c.ID, c.At = id, now
		if c.Kind == OwnerRequest {
			return putJSON(records, itob(id), c)
		}
		batches := tx.Bucket(bucketChangeBatches)
		found := false
		if cur := batches.Get([]byte("cur:" + c.Owner)); cur != nil {
			err := getJSON(batches, cur, &batch)
			if err != nil && err != errMissing {
				return err
			}
			found = err == nil
		}
		if !found || now.Sub(batch.Started) >= window || batch.TS == "" && now.Sub(batch.Started) > time.Minute {
			batch = ChangeBatch{Key: fmt.Sprintf("b:%s/%d", c.Owner, now.UnixNano()), Owner: c.Owner, Started: now}
			if err := batches.Put([]byte("cur:"+c.Owner), []byte(batch.Key)); err != nil {
				return err
			}
		}
		batch.IDs = append(batch.IDs, id)
		c.Batch = batch.Key
		if err := putJSON(records, itob(id), c); err != nil {
			return err
		}
		return putJSON(batches, []byte(batch.Key), batch)
	})
	if err != nil {
		return nil, nil, err
	}
	return &c, &batch, nil
}

// SetBatchMessage records where batch key's DM is. Bookkeeping: not
// audited. Returns NotFound for an unknown batch.
func (db *DB) SetBatchMessage(ctx context.Context, key, channel, ts string) error {
	return db.batch(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketChangeBatches)
		var batch ChangeBatch
		if err := getJSON(b, []byte(key), &batch); err == errMissing {
			return Errorf(NotFound, "That message is no longer on record.")
		} else if err != nil {
			return err
		}
		batch.Channel, batch.TS = channel, ts
		return putJSON(b, []byte(key), batch)
	})
}

// Batch returns the batch with key. Returns NotFound if there is none.
func (db *DB) Batch(ctx context.Context, key string) (*ChangeBatch, error) {
	var batch ChangeBatch
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if err := getJSON(tx.Bucket(bucketChangeBatches), []byte(key), &batch); err == errMissing {
			return Errorf(NotFound, "That message is no longer on record.")
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &batch, nil
}

// Changes returns the changes with the given IDs, in that order.
// Returns NotFound if one is missing.
func (db *DB) Changes(ctx context.Context, ids ...uint64) ([]Change, error) {
	out := make([]Change, 0, len(ids))
	err := db.view(ctx, func(tx *bolt.Tx) error {
		for _, id := range ids {
			var c Change
			if err := getJSON(tx.Bucket(bucketChanges), itob(id), &c); err == errMissing {
				return Errorf(NotFound, "That change is no longer on record.")
			} else if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// SettleChange moves change id from the state from to the state to
// (undone, approved, declined), recording who and when. Returns NotFound,
// or Conflict (with the change as it is) when it is no longer in state from.
func (db *DB) SettleChange(ctx context.Context, id uint64, by, from, to string) (*Change, error) {
	if err := checkUser(by); err != nil {
		return nil, err
	}
	var c Change
	err := db.batch(ctx, func(tx *bolt.Tx) error {
		c = Change{}
		b := tx.Bucket(bucketChanges)
		if err := getJSON(b, itob(id), &c); err == errMissing {
			return Errorf(NotFound, "That change is no longer on record.")
		} else if err != nil {
			return err
		}
		if c.State != from {
			return Errorf(Conflict, "That was already %s.", c.State)
		}
		c.State, c.DoneBy, c.DoneAt = to, by, db.Now()
		return putJSON(b, itob(id), c)
	})
	if err != nil {
		return &c, err
	}
	return &c, nil
}

// PendingOwnerRequest returns the pending request by `by` to move the
// creator handle to newOwner, asked at or after since; nil when there is
// none. It reads the changes newest first and stops at since.
func (db *DB) PendingOwnerRequest(ctx context.Context, handle, by, newOwner string, since time.Time) (*Change, error) {
	var found *Change
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketChanges)
		if b == nil {
			return nil
		}
		cur := b.Cursor()
		for k, v := cur.Last(); k != nil; k, v = cur.Prev() {
			var c Change
			if err := json.Unmarshal(v, &c); err != nil {
				return err
			}
			if c.At.Before(since) {
				return nil
			}
			if c.Kind == OwnerRequest && c.State == ChangePending && c.Subject == handle && c.By == by && c.After == newOwner {
				found = &c
				return nil
			}
		}
		return nil
	})
	return found, err
}
