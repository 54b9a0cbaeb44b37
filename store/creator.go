package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Creator is an influencer the team pitches, keyed by normalised TikTok
// handle. OwnerID is the Slack user who owns the relationship: the first
// person who pitched or recorded the creator, unless changed.
type Creator struct {
	Handle      string    `json:"handle"`
	DisplayName string    `json:"display_name,omitempty"`
	Followers   int64     `json:"followers,omitempty"`
	Category    string    `json:"category,omitempty"`
	Contact     string    `json:"contact,omitempty"`
	OwnerID     string    `json:"owner_id,omitempty"`
	FirstSeen   time.Time `json:"first_seen"`
	UpdatedAt   time.Time `json:"updated_at"`

	// Notes, oldest first. Stored in their own bucket, not in the record.
	Notes []Note `json:"-"`
}

// Note is a free-text remark about a creator.
type Note struct {
	At     time.Time `json:"at"`
	UserID string    `json:"user_id"`
	Text   string    `json:"text"`
}

// CreatorUpdate lists the fields to change; nil means leave as is. Strings
// are trimmed; an empty string clears the field, except OwnerID.
type CreatorUpdate struct {
	DisplayName *string
	Followers   *int64
	Category    *string
	Contact     *string
	OwnerID     *string

	// IfOwnerID, if set, makes the update apply only while the creator's
	// owner is still this user (a Conflict otherwise): an Undo or an
	// approved owner request checks and writes in one transaction.
	IfOwnerID *string
}

// Validate returns Invalid if a field breaks its limit.
func (u CreatorUpdate) Validate() error {
	texts := []struct {
		what string
		v    *string
		max  int
	}{
		{"The display name", u.DisplayName, MaxDisplayNameLen},
		{"The category", u.Category, MaxCategoryLen},
		{"The contact", u.Contact, MaxContactLen},
	}
	for _, t := range texts {
		if t.v == nil {
			continue
		}
		if err := checkLen(t.what, strings.TrimSpace(*t.v), t.max); err != nil {
			return err
		}
	}
	if u.Followers != nil && (*u.Followers < 0 || *u.Followers > MaxFollowers) {
		return Errorf(Invalid, "The follower count must be between 0 and 10 billion.")
	}
	if u.OwnerID != nil && strings.TrimSpace(*u.OwnerID) == "" {
		return Errorf(Invalid, "A creator's owner must be a Slack user.")
	}
	return nil
}

// apply changes c and returns the changed fields' old and new values, keyed
// by JSON name, for the audit log. Both maps are empty if nothing changed.
func (u CreatorUpdate) apply(c *Creator) (before, after map[string]any) {
	before, after = map[string]any{}, map[string]any{}
	setString := func(name string, dst *string, v *string) {
		if v == nil {
			return
		}
		if nv := strings.TrimSpace(*v); nv != *dst {
			before[name], after[name] = *dst, nv
			*dst = nv
		}
	}
	setString("display_name", &c.DisplayName, u.DisplayName)
	setString("category", &c.Category, u.Category)
	setString("contact", &c.Contact, u.Contact)
	setString("owner_id", &c.OwnerID, u.OwnerID)
	if u.Followers != nil && *u.Followers != c.Followers {
		before["followers"], after["followers"] = c.Followers, *u.Followers
		c.Followers = *u.Followers
	}
	return before, after
}

// Creator returns the creator with its notes. handle may be raw input.
// Returns Invalid for a malformed handle and NotFound for an unknown one.
func (db *DB) Creator(ctx context.Context, handle string) (*Creator, error) {
	h, err := NormalizeHandle(handle)
	if err != nil {
		return nil, err
	}
	var c *Creator
	err = db.view(ctx, func(tx *bolt.Tx) error {
		if c, err = getCreator(tx, h); err != nil {
			return err
		}
		c.Notes, err = creatorNotes(tx, h)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// EnsureCreator returns the creator, recording it first (owned by userID,
// audited) if this is its first mention; created reports which happened.
// Returns Invalid for a malformed handle or an empty userID.
func (db *DB) EnsureCreator(ctx context.Context, handle, userID string) (c *Creator, created bool, err error) {
	h, err := NormalizeHandle(handle)
	if err != nil {
		return nil, false, err
	}
	if err := checkUser(userID); err != nil {
		return nil, false, err
	}
	err = db.update(ctx, func(tx *bolt.Tx) error {
		if c, created, err = ensureOwnedCreator(tx, h, userID, db.Now()); err != nil {
			return err
		}
		c.Notes, err = creatorNotes(tx, h)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return c, created, nil
}

// UpdateCreator changes the fields set in upd, recording the creator first
// if it is new (owner userID unless upd sets one). The audit entry holds the
// changed fields before and after; nothing is written if nothing changed.
// Returns Invalid for a malformed handle, empty userID or a bad field.
func (db *DB) UpdateCreator(ctx context.Context, handle, userID string, upd CreatorUpdate) (*Creator, error) {
	h, err := NormalizeHandle(handle)
	if err != nil {
		return nil, err
	}
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	var c *Creator
	err = db.update(ctx, func(tx *bolt.Tx) error {
		now := db.Now()
		var err error
		c, err = getCreator(tx, h)
		if ErrorCode(err) == NotFound && upd.IfOwnerID == nil {
			c = &Creator{Handle: h, OwnerID: userID, FirstSeen: now, UpdatedAt: now}
			upd.apply(c)
			if err := createCreator(tx, c, userID); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if upd.IfOwnerID != nil && c.OwnerID != *upd.IfOwnerID {
			return Errorf(Conflict, "The owner of @%s has changed since; nothing changed.", h)
		}
		if before, after := upd.apply(c); len(after) > 0 {
			c.UpdatedAt = now
			if err := putCreator(tx, c); err != nil {
				return err
			}
			e := AuditEntry{At: now, UserID: userID, Action: ActionCreatorUpdate, Entity: CreatorEntity(h)}
			if err := auditChange(tx, e, before, after); err != nil {
				return err
			}
		}
		c.Notes, err = creatorNotes(tx, h)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AddCreatorNote appends a note, recording the creator first if it is new.
// Returns Invalid for a malformed handle, an empty userID, or a note that
// is empty or longer than MaxNoteLen.
func (db *DB) AddCreatorNote(ctx context.Context, handle, userID, text string) (*Creator, error) {
	h, err := NormalizeHandle(handle)
	if err != nil {
		return nil, err
	}
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, Errorf(Invalid, "The note is empty. Write something about the creator.")
	}
	if err := checkLen("A note", text, MaxNoteLen); err != nil {
		return nil, err
	}
	var c *Creator
	err = db.update(ctx, func(tx *bolt.Tx) error {
		now := db.Now()
		var err error
		if c, _, err = ensureCreator(tx, h, userID, now); err != nil {
			return err
		}
		n := Note{At: now, UserID: userID, Text: text}
		notes := tx.Bucket(bucketCreatorNotes)
		seq, err := notes.NextSequence()
		if err != nil {
			return fmt.Errorf("note sequence: %w", err)
		}
		if err := putJSON(notes, key(strPrefix(h), itob(seq)), n); err != nil {
			return fmt.Errorf("put note: %w", err)
		}
		c.UpdatedAt = now
		if err := putCreator(tx, c); err != nil {
			return err
		}
		e := AuditEntry{At: now, UserID: userID, Action: ActionCreatorNote, Entity: CreatorEntity(h)}
		if err := auditChange(tx, e, nil, n); err != nil {
			return err
		}
		c.Notes, err = creatorNotes(tx, h)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// FindCreators returns up to limit creators (all if limit <= 0) whose handle
// or display name contains query, ignoring case and a leading "@". Exact
// handle matches come first, then handle prefixes, then other handle
// matches, then display-name matches; ties sort by handle. Notes are not
// loaded. It scans the small creator_names index, not the records, and
// decodes only the creators it returns. Returns Invalid for an empty query.
func (db *DB) FindCreators(ctx context.Context, query string, limit int) ([]Creator, error) {
	cs, _, err := db.FindCreatorsTotal(ctx, query, limit)
	return cs, err
}

// FindCreatorsTotal is FindCreators that also returns how many creators
// match in all, so a capped list can say "30 of 100".
func (db *DB) FindCreatorsTotal(ctx context.Context, query string, limit int) ([]Creator, int, error) {
	q := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(query), "@"))
	if q == "" {
		return nil, 0, Errorf(Invalid, "Type part of a handle or name to search for.")
	}
	type hit struct {
		rank   int
		handle string
	}
	var out []Creator
	total := 0
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var hits []hit
		qb := []byte(q)
		err := tx.Bucket(bucketCreatorNames).ForEach(func(k, v []byte) error {
			rank := -1
			switch {
			case bytes.Equal(k, qb):
				rank = 0
			case bytes.HasPrefix(k, qb):
				rank = 1
			case bytes.Contains(k, qb):
				rank = 2
			case bytes.Contains(v, qb):
				rank = 3
			}
			if rank >= 0 {
				hits = append(hits, hit{rank, string(k)})
			}
			return nil
		})
		if err != nil {
			return err
		}
		// ForEach yields handles in order, so a stable sort keeps ties by handle.
		slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(a.rank, b.rank) })
		total = len(hits)
		if limit > 0 && len(hits) > limit {
			hits = hits[:limit]
		}
		out = make([]Creator, 0, len(hits))
		for _, h := range hits {
			c, err := getCreator(tx, h.handle)
			if err != nil {
				return err
			}
			out = append(out, *c)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// getCreator loads the creator record without notes; NotFound if missing.
func getCreator(tx *bolt.Tx, h string) (*Creator, error) {
	var c Creator
	err := getJSON(tx.Bucket(bucketCreators), []byte(h), &c)
	if err == errMissing {
		return nil, Errorf(NotFound, "There is no creator @%s yet.", h)
	} else if err != nil {
		return nil, fmt.Errorf("creator %s: %w", h, err)
	}
	return &c, nil
}

// ensureCreator loads the creator or creates it owned by userID.
func ensureCreator(tx *bolt.Tx, h, userID string, now time.Time) (*Creator, bool, error) {
	c, err := getCreator(tx, h)
	if ErrorCode(err) != NotFound {
		return c, false, err
	}
	// No owner yet: the owner is the first person to pitch the creator
	// (ensureOwnedCreator), not whoever first noted or reported them.
	c = &Creator{Handle: h, FirstSeen: now, UpdatedAt: now}
	if err := createCreator(tx, c, userID); err != nil {
		return nil, false, err
	}
	return c, true, nil
}

// ensureOwnedCreator is ensureCreator for a pitch: a creator without an
// owner gets userID as owner, audited.
func ensureOwnedCreator(tx *bolt.Tx, h, userID string, now time.Time) (*Creator, bool, error) {
	c, err := getCreator(tx, h)
	if ErrorCode(err) == NotFound {
		c = &Creator{Handle: h, OwnerID: userID, FirstSeen: now, UpdatedAt: now}
		if err := createCreator(tx, c, userID); err != nil {
			return nil, false, err
		}
		return c, true, nil
	}
	if err != nil || c.OwnerID != "" {
		return c, false, err
	}
	c.OwnerID, c.UpdatedAt = userID, now
	if err := putCreator(tx, c); err != nil {
		return nil, false, err
	}
	return c, false, audit(tx, AuditEntry{At: now, UserID: userID, Action: ActionCreatorUpdate, Entity: CreatorEntity(h),
		Before: `{"owner_id":""}`, After: fmt.Sprintf(`{"owner_id":%q}`, userID)})
}

// createCreator writes a new creator and audits it.
func createCreator(tx *bolt.Tx, c *Creator, userID string) error {
	if err := putCreator(tx, c); err != nil {
		return err
	}
	return auditChange(tx, AuditEntry{At: c.FirstSeen, UserID: userID, Action: ActionCreatorCreate,
		Entity: CreatorEntity(c.Handle)}, nil, c)
}

// putCreator writes the creator record (notes live elsewhere) and its
// creator_names search entry.
func putCreator(tx *bolt.Tx, c *Creator) error {
	if err := putJSON(tx.Bucket(bucketCreators), []byte(c.Handle), c); err != nil {
		return fmt.Errorf("put creator %s: %w", c.Handle, err)
	}
	if err := tx.Bucket(bucketCreatorNames).Put([]byte(c.Handle), searchName(c)); err != nil {
		return fmt.Errorf("index creator name %s: %w", c.Handle, err)
	}
	return nil
}

// searchName is the creator_names value: the display name in lower case.
func searchName(c *Creator) []byte {
	return []byte(strings.ToLower(c.DisplayName))
}

// creatorNotes returns the creator's notes, oldest first.
func creatorNotes(tx *bolt.Tx, h string) ([]Note, error) {
	var notes []Note
	prefix := strPrefix(h)
	err := scan(tx.Bucket(bucketCreatorNotes), prefix, prefixEnd(prefix), func(k, v []byte) (bool, error) {
		var n Note
		if err := json.Unmarshal(v, &n); err != nil {
			return false, fmt.Errorf("note %x: %w", k, err)
		}
		notes = append(notes, n)
		return true, nil
	})
	return notes, err
}

// checkUser returns Invalid if userID is empty. The bot always has one, so
// this guards against wiring mistakes rather than user input.
func checkUser(userID string) error {
	if strings.TrimSpace(userID) == "" {
		return Errorf(Invalid, "A Slack user is required.")
	}
	return nil
}
