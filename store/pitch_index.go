package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Pitch index keys (doc.go draws them). Every index is written in the same
// transaction as the pitch record.

// pitchCreatorKey: handle 0x00 itob(id) → empty.
func pitchCreatorKey(p *Pitch) []byte {
	return key(strPrefix(p.Handle), itob(p.ID))
}

// pitchUserKey: userID 0x00 timeKey(CreatedAt) itob(id) → empty.
func pitchUserKey(p *Pitch) []byte {
	return key(strPrefix(p.UserID), timeIDKey(p.CreatedAt, p.ID))
}

// pitchTimeKey: timeKey(CreatedAt) itob(id), the key of both pitches_by_time
// and pitches_open. The pitches_open value is the userID, so one user's
// follow-ups are found without decoding anyone else's pitches.
func pitchTimeKey(p *Pitch) []byte {
	return timeIDKey(p.CreatedAt, p.ID)
}

// pitchTimeValue is the pitches_by_time value: status code ++ userID. It
// lets PitchStats count a range without decoding any pitch.
func pitchTimeValue(p *Pitch) []byte {
	v := make([]byte, 0, 1+len(p.UserID))
	v = append(v, p.Status.code())
	return append(v, p.UserID...)
}

// indexPitch writes every index entry of a new pitch.
func indexPitch(tx *bolt.Tx, p *Pitch) error {
	if err := tx.Bucket(bucketPitchesByCreator).Put(pitchCreatorKey(p), []byte{}); err != nil {
		return fmt.Errorf("index pitch %d by creator: %w", p.ID, err)
	}
	if err := tx.Bucket(bucketPitchesByUser).Put(pitchUserKey(p), []byte{}); err != nil {
		return fmt.Errorf("index pitch %d by user: %w", p.ID, err)
	}
	return indexPitchStatus(tx, p)
}

// indexPitchStatus brings the status-dependent indexes in line with
// p.Status: the by-time value and membership of pitches_open.
func indexPitchStatus(tx *bolt.Tx, p *Pitch) error {
	k := pitchTimeKey(p)
	if err := appendBucket(tx, bucketPitchesByTime).Put(k, pitchTimeValue(p)); err != nil {
		return fmt.Errorf("index pitch %d by time: %w", p.ID, err)
	}
	open := appendBucket(tx, bucketPitchesOpen)
	var err error
	if p.Status.Open() {
		err = open.Put(k, []byte(p.UserID))
	} else {
		err = open.Delete(k) // Deleting a missing key is a no-op.
	}
	if err != nil {
		return fmt.Errorf("index open pitch %d: %w", p.ID, err)
	}
	return indexPitchAgreed(tx, p)
}

// latestPitch returns the creator's newest pitch by creation time, or nil
// if there is none. Pitches logged live get IDs in time order, so it walks
// back from the highest ID only past imported pitches (whose dates are the
// sheet's): usually one index key and one record.
func latestPitch(tx *bolt.Tx, h string) (*Pitch, error) {
	prefix := strPrefix(h)
	var best *Pitch
	err := scanReverse(tx.Bucket(bucketPitchesByCreator), prefix, prefixEnd(prefix), func(k, _ []byte) (bool, error) {
		p, err := getPitch(tx, btoi(k[len(prefix):]))
		if err != nil {
			return false, err
		}
		if best == nil || p.CreatedAt.After(best.CreatedAt) {
			best = p
		}
		return p.Imported, nil
	})
	if err != nil {
		return nil, err
	}
	return best, nil
}

// has reports whether k exists in b. Index values are empty, and Get does
// not distinguish an empty value from a missing key, so use a cursor.
func has(b *bolt.Bucket, k []byte) bool {
	got, _ := b.Cursor().Seek(k)
	return bytes.Equal(got, k)
}

// checkIndexes verifies that every index entry matches a record and every
// record has its index entries. It reads the whole database.
func checkIndexes(tx *bolt.Tx) error {
	pitches := tx.Bucket(bucketPitches)
	byCreator := tx.Bucket(bucketPitchesByCreator)
	byUser := tx.Bucket(bucketPitchesByUser)
	byTime := tx.Bucket(bucketPitchesByTime)
	open := tx.Bucket(bucketPitchesOpen)
	creators := tx.Bucket(bucketCreators)
	var nPitches, nOpen int
	err := pitches.ForEach(func(k, v []byte) error {
		var p Pitch
		if err := json.Unmarshal(v, &p); err != nil {
			return fmt.Errorf("pitch %x: %w", k, err)
		}
		nPitches++
		switch {
		case p.ID != btoi(k):
			return fmt.Errorf("pitch %x has ID %d", k, p.ID)
		case !p.Status.Valid():
			return fmt.Errorf("pitch %d has status %q", p.ID, p.Status)
		case creators.Get([]byte(p.Handle)) == nil:
			return fmt.Errorf("pitch %d: creator %q missing", p.ID, p.Handle)
		case !has(byCreator, pitchCreatorKey(&p)):
			return fmt.Errorf("pitch %d missing from %s", p.ID, bucketPitchesByCreator)
		case !has(byUser, pitchUserKey(&p)):
			return fmt.Errorf("pitch %d missing from %s", p.ID, bucketPitchesByUser)
		case !bytes.Equal(byTime.Get(pitchTimeKey(&p)), pitchTimeValue(&p)):
			return fmt.Errorf("pitch %d: wrong or missing %s entry", p.ID, bucketPitchesByTime)
		case has(open, pitchTimeKey(&p)) != p.Status.Open():
			return fmt.Errorf("pitch %d (%s): wrong %s membership", p.ID, p.Status, bucketPitchesOpen)
		case p.Status.Open() && string(open.Get(pitchTimeKey(&p))) != p.UserID:
			return fmt.Errorf("pitch %d: wrong %s value", p.ID, bucketPitchesOpen)
		}
		if p.Status.Open() {
			nOpen++
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = checkCounts(tx,
		indexCount{bucketPitchesByCreator, nPitches},
		indexCount{bucketPitchesByUser, nPitches},
		indexCount{bucketPitchesByTime, nPitches},
		indexCount{bucketPitchesOpen, nOpen},
		indexCount{bucketAuditByEntity, tx.Bucket(bucketAudit).Stats().KeyN},
	)
	if err != nil {
		return err
	}
	for _, check := range []func(*bolt.Tx) error{checkCreatorIndexes, checkVoucherIndexes, checkTaskIndexes,
		checkIssueIndexes, checkAgreedIndex, checkWorkIndexes, checkSampleIndexes, checkAuditIndex} {
		if err := check(tx); err != nil {
			return err
		}
	}
	return nil
}

// indexCount is how many entries an index bucket must hold.
type indexCount struct {
	bucket []byte
	want   int
}

// checkCounts is the tail of every index check: once each record's entries
// are known to be present, an index with as many entries as the records
// imply has no stray ones.
func checkCounts(tx *bolt.Tx, counts ...indexCount) error {
	for _, c := range counts {
		if got := tx.Bucket(c.bucket).Stats().KeyN; got != c.want {
			return fmt.Errorf("%s has %d entries, want %d", c.bucket, got, c.want)
		}
	}
	return nil
}

// checkCreatorIndexes verifies creator_names and that notes belong to a
// known creator.
func checkCreatorIndexes(tx *bolt.Tx) error {
	creators := tx.Bucket(bucketCreators)
	names := tx.Bucket(bucketCreatorNames)
	err := creators.ForEach(func(k, v []byte) error {
		var c Creator
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("creator %s: %w", k, err)
		}
		if c.Handle != string(k) {
			return fmt.Errorf("creator %s has handle %q", k, c.Handle)
		}
		if !has(names, k) || !bytes.Equal(names.Get(k), searchName(&c)) {
			return fmt.Errorf("creator %s: wrong or missing %s entry", k, bucketCreatorNames)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := checkCounts(tx, indexCount{bucketCreatorNames, creators.Stats().KeyN}); err != nil {
		return err
	}
	return tx.Bucket(bucketCreatorNotes).ForEach(func(k, _ []byte) error {
		i := bytes.IndexByte(k, sep)
		if i < 0 || len(k) != i+9 || creators.Get(k[:i]) == nil {
			return fmt.Errorf("note %x: bad key or unknown creator", k)
		}
		return nil
	})
}

// checkAuditIndex verifies that each audit index entry names its entry's
// entity.
func checkAuditIndex(tx *bolt.Tx) error {
	records := tx.Bucket(bucketAudit)
	return tx.Bucket(bucketAuditByEntity).ForEach(func(k, _ []byte) error {
		i := bytes.IndexByte(k, sep)
		if i < 0 || len(k) != i+9 {
			return fmt.Errorf("bad %s key %x", bucketAuditByEntity, k)
		}
		var e AuditEntry
		if err := getJSON(records, k[i+1:], &e); err != nil {
			return fmt.Errorf("audit %d: %w", btoi(k[i+1:]), err)
		}
		if e.Entity != string(k[:i]) {
			return fmt.Errorf("audit %d indexed under %q, is %q", e.ID, k[:i], e.Entity)
		}
		return nil
	})
}
