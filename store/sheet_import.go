package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Spreadsheet imports: creators and past pitches a team already keeps in a
// sheet. Rows come parsed (store/sheet reads the file); this file validates
// them, reports what an import would do (a dry run) and applies it in
// batches, so a 50,000-row file commits in a few transactions while
// progress is shown. Importing the same rows twice changes nothing.

// Audit actions of imports.
const (
	ActionImport        = "import"         // Entity import:N. After: the summary.
	ActionCreatorImport = "creator.import" // After: the fields set (new creator: all).
	ActionPitchImport   = "pitch.import"   // After: the new pitch, or the status change.
)

// ImportEntity is the audit entity of import n, e.g. "import:3".
func ImportEntity(n uint64) string { return fmt.Sprintf("import:%d", n) }

// CreatorRow is one creator line of a sheet. Nil fields were not in the
// sheet (or the cell was empty) and are left as they are.
type CreatorRow struct {
	Line        int // 1-based line in the file, the header being line 1
	Handle      string
	DisplayName *string
	Followers   *int64
	Category    *string
	Contact     *string
	OwnerID     *string
	Note        string // added once: a note already on the creator is not added again
}

// PitchRow is one past pitch of a sheet.
type PitchRow struct {
	Line    int
	Handle  string
	UserID  string    // who pitched
	At      time.Time // when; stored as the pitch's creation time
	Product string
	Status  PitchStatus // "" = pitched
	Note    string
}

// RowError is a row an import rejects, and why.
type RowError struct {
	Line   int
	Reason string
}

// ImportOptions tunes ImportCreatorRows and ImportPitchRows.
type ImportOptions struct {
	DryRun bool // validate and count, write nothing
	// BatchSize is how many rows commit per transaction; default 5000.
	BatchSize int
	// Progress, if set, is called after each batch with the rows done.
	Progress func(done, total int)
	// File names the source in the import's audit entry.
	File string
}

// ImportResult says what an import did (or, for a dry run, would do).
type ImportResult struct {
	ID        uint64 // the import's number (0 for a dry run or if nothing changed)
	Created   int
	Updated   int
	Unchanged int
	Rejected  []RowError // rows the store refused, by line
	// NewCreators counts the creators a pitch import adds.
	NewCreators int

	newSeen map[string]bool
}

// Changed reports whether the import wrote anything.
func (r ImportResult) Changed() int { return r.Created + r.Updated }

// ImportCreatorRows creates or updates a creator per row, as userID.
// A creator that exists gets only the fields the row sets; one whose row
// sets nothing new is Unchanged. Rows with a bad handle, a field over its
// limit or a handle already seen in the file are Rejected and skipped.
// Every change is audited as creator.import by userID, plus one import
// entry with the summary.
func (db *DB) ImportCreatorRows(ctx context.Context, userID string, rows []CreatorRow, opt ImportOptions) (*ImportResult, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	res := &ImportResult{}
	seen := make(map[string]int, len(rows))
	good := make([]CreatorRow, 0, len(rows))
	for _, r := range rows {
		h, err := NormalizeHandle(r.Handle)
		if err != nil {
			res.Rejected = append(res.Rejected, RowError{r.Line, ErrorMessage(err)})
			continue
		}
		if first, dup := seen[h]; dup {
			res.Rejected = append(res.Rejected, RowError{r.Line, fmt.Sprintf("@%s is already on line %d.", h, first)})
			continue
		}
		upd := CreatorUpdate{DisplayName: r.DisplayName, Followers: r.Followers, Category: r.Category, Contact: r.Contact, OwnerID: r.OwnerID}
		if err := upd.Validate(); err != nil {
			res.Rejected = append(res.Rejected, RowError{r.Line, ErrorMessage(err)})
			continue
		}
		if err := checkLen("The note", strings.TrimSpace(r.Note), MaxNoteLen); err != nil {
			res.Rejected = append(res.Rejected, RowError{r.Line, ErrorMessage(err)})
			continue
		}
		seen[h] = r.Line
		r.Handle = h
		good = append(good, r)
	}
	err := db.batches(ctx, userID, "creators", len(good), opt, res, func(tx *bolt.Tx, lo, hi int, importID func() (uint64, error), now time.Time) error {
		for _, r := range good[lo:hi] {
			if err := importCreator(tx, userID, r, importID, now, opt.DryRun, res); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func importCreator(tx *bolt.Tx, userID string, r CreatorRow, nextID func() (uint64, error), now time.Time, dry bool, res *ImportResult) error {
	upd := CreatorUpdate{DisplayName: r.DisplayName, Followers: r.Followers, Category: r.Category, Contact: r.Contact, OwnerID: r.OwnerID}
	note := strings.TrimSpace(r.Note)
	c, err := getCreator(tx, r.Handle)
	isNew := ErrorCode(err) == NotFound
	if err != nil && !isNew {
		return err
	}
	if isNew {
		c = &Creator{Handle: r.Handle, FirstSeen: now, UpdatedAt: now}
	}
	_, after := upd.apply(c)
	addNote := false
	if note != "" {
		addNote = true
		if !isNew {
			notes, err := creatorNotes(tx, r.Handle)
			if err != nil {
				return err
			}
			addNote = !slices.ContainsFunc(notes, func(n Note) bool { return n.Text == note })
		}
	}
	switch {
	case isNew:
		res.Created++
	case len(after) > 0 || addNote:
		res.Updated++
	default:
		res.Unchanged++
		return nil
	}
	if dry {
		return nil
	}
	importID, err := nextID()
	if err != nil {
		return err
	}
	if addNote {
		after["note"] = note
	}
	after["import"] = importID
	if !isNew {
		c.UpdatedAt = now
	}
	if err := putCreator(tx, c); err != nil {
		return err
	}
	if addNote {
		notes := tx.Bucket(bucketCreatorNotes)
		seq, err := notes.NextSequence()
		if err != nil {
			return fmt.Errorf("note sequence: %w", err)
		}
		if err := putJSON(notes, key(strPrefix(r.Handle), itob(seq)), Note{At: now, UserID: userID, Text: note}); err != nil {
			return fmt.Errorf("put note: %w", err)
		}
	}
	return auditChange(tx, AuditEntry{At: now, UserID: userID, Action: ActionCreatorImport, Entity: CreatorEntity(r.Handle)}, nil, after)
}

// pitchImportKey identifies a past pitch across imports: the same creator,
// pitcher, day and product is the same pitch, whatever its status.
func pitchImportKey(r PitchRow) string {
	sum := sha256.Sum256([]byte(r.Handle + "\x00" + r.UserID + "\x00" + r.At.UTC().Format("2006-01-02") + "\x00" +
		strings.ToLower(strings.TrimSpace(r.Product))))
	return hex.EncodeToString(sum[:16])
}

const idemPitchImport = "pitch-import"

// ImportPitchRows records past pitches as userID: each becomes a pitch by
// its row's UserID created at its At, so it counts in stats, targets and
// the duplicate guard as if it had been logged then. Its creator is
// created if new (owned by the pitcher, if it has no owner). A row whose
// pitch was imported before is Unchanged, or Updated if its status
// changed. Rows with a bad handle, status, text over its limit, a time in
// the future or the same pitch as an earlier row are Rejected.
func (db *DB) ImportPitchRows(ctx context.Context, userID string, rows []PitchRow, opt ImportOptions) (*ImportResult, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	res := &ImportResult{}
	now := db.Now()
	seen := make(map[string]int, len(rows))
	good := make([]PitchRow, 0, len(rows))
	for _, r := range rows {
		h, err := NormalizeHandle(r.Handle)
		if err != nil {
			res.Rejected = append(res.Rejected, RowError{r.Line, ErrorMessage(err)})
			continue
		}
		r.Handle = h
		if r.Status == "" {
			r.Status = PitchPitched
		}
		var reason string
		switch {
		case strings.TrimSpace(r.UserID) == "":
			reason = "No teammate says who pitched."
		case !r.Status.Valid():
			reason = fmt.Sprintf("%s is not a pitch status.", quoteInput(string(r.Status)))
		case r.At.IsZero():
			reason = "The date is missing."
		case r.At.After(now):
			reason = "The date is in the future; only past pitches can be imported."
		}
		if reason == "" {
			if err := checkLen("The product", strings.TrimSpace(r.Product), MaxProductLen); err != nil {
				reason = ErrorMessage(err)
			} else if err := checkLen("The note", strings.TrimSpace(r.Note), MaxNoteLen); err != nil {
				reason = ErrorMessage(err)
			}
		}
		if reason != "" {
			res.Rejected = append(res.Rejected, RowError{r.Line, reason})
			continue
		}
		k := pitchImportKey(r)
		if first, dup := seen[k]; dup {
			res.Rejected = append(res.Rejected, RowError{r.Line, fmt.Sprintf("The same pitch (creator, teammate, day and product) is on line %d.", first)})
			continue
		}
		seen[k] = r.Line
		good = append(good, r)
	}
	err := db.batches(ctx, userID, "pitches", len(good), opt, res, func(tx *bolt.Tx, lo, hi int, importID func() (uint64, error), now time.Time) error {
		for _, r := range good[lo:hi] {
			if err := importPitch(tx, userID, r, importID, now, opt.DryRun, res); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func importPitch(tx *bolt.Tx, userID string, r PitchRow, nextID func() (uint64, error), now time.Time, dry bool, res *ImportResult) error {
	k := pitchImportKey(r)
	var importID uint64
	if id, ok := idemLookup(tx, idemPitchImport, k); ok {
		p, err := getPitch(tx, id)
		if err != nil {
			return err
		}
		if p.Status == r.Status {
			res.Unchanged++
			return nil
		}
		res.Updated++
		if dry {
			return nil
		}
		if importID, err = nextID(); err != nil {
			return err
		}
		from := p.Status
		p.Status, p.UpdatedAt = r.Status, now
		p.History = append(p.History, StatusChange{At: now, UserID: userID, From: from, To: r.Status})
		if err := putPitch(tx, p); err != nil {
			return err
		}
		if err := indexPitchStatus(tx, p); err != nil {
			return err
		}
		return audit(tx, AuditEntry{At: now, UserID: userID, Action: ActionPitchImport, Entity: PitchEntity(p.ID),
			Before: fmt.Sprintf(`{"status":%q}`, from), After: fmt.Sprintf(`{"status":%q,"import":%d}`, r.Status, importID)})
	}
	res.Created++
	if _, err := getCreator(tx, r.Handle); ErrorCode(err) == NotFound && !res.newSeen[r.Handle] {
		if res.newSeen == nil {
			res.newSeen = map[string]bool{}
		}
		res.newSeen[r.Handle] = true
		res.NewCreators++
	}
	if dry {
		return nil
	}
	importID, err := nextID()
	if err != nil {
		return err
	}
	at := r.At.UTC()
	if err := importPitchCreator(tx, userID, r, at, importID, now); err != nil {
		return err
	}
	p := &Pitch{
		Handle: r.Handle, Product: strings.TrimSpace(r.Product), Note: strings.TrimSpace(r.Note),
		UserID: r.UserID, CreatedAt: at, Status: PitchPitched, UpdatedAt: at, Imported: true,
	}
	if r.Status != PitchPitched {
		p.Status = r.Status
		p.History = []StatusChange{{At: at, UserID: r.UserID, From: PitchPitched, To: r.Status}}
	}
	id, err := appendBucket(tx, bucketPitches).NextSequence()
	if err != nil {
		return fmt.Errorf("pitch sequence: %w", err)
	}
	p.ID = id
	if err := putPitch(tx, p); err != nil {
		return err
	}
	if err := indexPitch(tx, p); err != nil {
		return err
	}
	if err := idemRecord(tx, idemPitchImport, k, id); err != nil {
		return err
	}
	return auditChange(tx, AuditEntry{At: now, UserID: userID, Action: ActionPitchImport, Entity: PitchEntity(id)}, nil, struct {
		*Pitch
		Import uint64 `json:"import"`
	}{p, importID})
}

// importPitchCreator records a past pitch's creator if new, or gives an
// ownerless one its pitcher as owner, as ensureOwnedCreator does for a live
// pitch, but audited as part of the import by the importer.
func importPitchCreator(tx *bolt.Tx, userID string, r PitchRow, at time.Time, importID uint64, now time.Time) error {
	c, err := getCreator(tx, r.Handle)
	switch {
	case ErrorCode(err) == NotFound:
		c = &Creator{Handle: r.Handle, OwnerID: r.UserID, FirstSeen: at, UpdatedAt: at}
	case err != nil:
		return err
	case c.OwnerID != "":
		return nil
	default:
		c.OwnerID, c.UpdatedAt = r.UserID, now
	}
	if err := putCreator(tx, c); err != nil {
		return err
	}
	return auditChange(tx, AuditEntry{At: now, UserID: userID, Action: ActionCreatorImport, Entity: CreatorEntity(r.Handle)}, nil,
		map[string]any{"owner_id": r.UserID, "first_seen": c.FirstSeen, "import": importID})
}

// batches runs apply over [0, n) in transactions of opt.BatchSize rows (a
// single read-only one for a dry run), then audits the import's summary.
// The import's number (the meta bucket's sequence) is taken by the first
// change, so an import that changes nothing writes nothing at all:
// importing a file twice leaves the store as the first import left it.
func (db *DB) batches(ctx context.Context, userID, kind string, n int, opt ImportOptions, res *ImportResult,
	apply func(tx *bolt.Tx, lo, hi int, importID func() (uint64, error), now time.Time) error) error {
	size := opt.BatchSize
	if size <= 0 {
		size = 5000
	}
	if opt.DryRun {
		err := db.view(ctx, func(tx *bolt.Tx) error {
			return apply(tx, 0, n, func() (uint64, error) { return 0, nil }, db.Now())
		})
		if err == nil && opt.Progress != nil {
			opt.Progress(n, n)
		}
		return err
	}
	var importID uint64
	for lo := 0; lo < n; lo += size {
		hi := min(lo+size, n)
		err := db.update(ctx, func(tx *bolt.Tx) error {
			taken := importID
			err := apply(tx, lo, hi, func() (uint64, error) {
				if taken != 0 {
					return taken, nil
				}
				id, err := tx.Bucket(bucketMeta).NextSequence()
				if err != nil {
					return 0, fmt.Errorf("import sequence: %w", err)
				}
				taken = id
				return id, nil
			}, db.Now())
			if err == nil {
				importID = taken
			}
			return err
		})
		if err != nil {
			return err
		}
		if opt.Progress != nil {
			opt.Progress(hi, n)
		}
	}
	if importID == 0 {
		return nil
	}
	res.ID = importID
	return db.update(ctx, func(tx *bolt.Tx) error {
		return auditChange(tx, AuditEntry{At: db.Now(), UserID: userID, Action: ActionImport, Entity: ImportEntity(importID)}, nil,
			map[string]any{"kind": kind, "file": opt.File, "created": res.Created,
				"updated": res.Updated, "unchanged": res.Unchanged, "rejected": len(res.Rejected)})
	})
}
