package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Keys are built so that byte order is the order we scan in: numbers and
// times are 8-byte big-endian, and a string part (a handle, a user ID, an
// entity) is followed by a 0x00 separator, which no handle, Slack ID or
// entity name contains. See doc.go for every encoding.

// sep ends the string part of a composite key.
const sep = 0x00

// itob encodes v as 8 big-endian bytes, so byte order matches numeric order.
func itob(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// btoi decodes the first 8 bytes of b. It returns 0 if b is too short.
func btoi(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// timeNanos maps t to an unsigned nanosecond count since the Unix epoch.
// Times before 1970 clamp to 0 and times past year 2262 (where UnixNano
// overflows) clamp to the maximum, so the zero time.Time works as "from the
// beginning". RFC 3339 text is not used in keys: RFC3339Nano drops trailing
// zeros and therefore does not sort.
func timeNanos(t time.Time) uint64 {
	switch {
	case t.Before(minKeyTime):
		return 0
	case t.After(maxKeyTime):
		return math.MaxInt64
	}
	return uint64(t.UnixNano())
}

// The range of times that UnixNano represents.
var (
	minKeyTime = time.Unix(0, 0)
	maxKeyTime = time.Unix(0, math.MaxInt64)
)

// timeKey returns the 8-byte big-endian form of timeNanos(t).
func timeKey(t time.Time) []byte {
	return itob(timeNanos(t))
}

// appendFill is the FillPercent for buckets whose new keys always sort
// last (IDs from NextSequence, creation times). bbolt splits full pages at
// its default 50%, which leaves every page of an append-only bucket half
// empty; 0.9 nearly halves the file and still leaves room for the records
// that grow later (a pitch gains history as its status changes).
const appendFill = 0.9

// appendBucket returns the named top-level bucket of a write tx, set up for
// appends. The setting lasts for the tx, which caches the bucket.
func appendBucket(tx *bolt.Tx, name []byte) *bolt.Bucket {
	b := tx.Bucket(name)
	b.FillPercent = appendFill
	return b
}

// key concatenates parts into a new slice.
func key(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	for _, p := range parts {
		k = append(k, p...)
	}
	return k
}

// strPrefix returns s followed by the separator: the prefix shared by every
// composite key whose string part is s.
func strPrefix(s string) []byte {
	p := make([]byte, 0, len(s)+1)
	p = append(p, s...)
	return append(p, sep)
}

// timeIDKey returns timeKey(t) ++ itob(id), the key of the by-time indexes.
func timeIDKey(t time.Time, id uint64) []byte {
	return key(timeKey(t), itob(id))
}

// prefixEnd returns the smallest key greater than every key that starts with
// prefix, or nil when there is none (the prefix is all 0xff).
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// scan calls fn for each key in [lo, hi) in ascending order until fn returns
// false or an error. A nil hi means no upper bound. k and v are only valid
// until fn returns; fn must not modify the bucket.
func scan(b *bolt.Bucket, lo, hi []byte, fn func(k, v []byte) (bool, error)) error {
	c := b.Cursor()
	for k, v := c.Seek(lo); k != nil; k, v = c.Next() {
		if hi != nil && bytes.Compare(k, hi) >= 0 {
			return nil
		}
		if more, err := fn(k, v); err != nil || !more {
			return err
		}
	}
	return nil
}

// scanReverse is scan in descending order: newest first for time and ID keys.
func scanReverse(b *bolt.Bucket, lo, hi []byte, fn func(k, v []byte) (bool, error)) error {
	c := b.Cursor()
	var k, v []byte
	if hi == nil {
		k, v = c.Last()
	} else if k, _ = c.Seek(hi); k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil; k, v = c.Prev() {
		if bytes.Compare(k, lo) < 0 {
			return nil
		}
		if more, err := fn(k, v); err != nil || !more {
			return err
		}
	}
	return nil
}

// putJSON stores v as JSON under k.
func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

// getJSON decodes the JSON under k into v. A missing key is errMissing.
// json.Unmarshal copies what it keeps, so v does not alias tx memory.
func getJSON(b *bolt.Bucket, k []byte, v any) error {
	data := b.Get(k)
	if data == nil {
		return errMissing
	}
	return json.Unmarshal(data, v)
}
