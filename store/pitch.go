package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// PitchStatus is where a pitch stands. Values are stored; never rename one.
type PitchStatus string

// Pitch statuses, prefixed like IssueOpen, TaskDone and VoucherIssued. A
// pitch starts as PitchPitched; PitchPitched and PitchInterested are open
// (waiting on the creator), the others are closed.
const (
	PitchPitched    PitchStatus = "pitched"
	PitchInterested PitchStatus = "interested"
	PitchAgreed     PitchStatus = "agreed"
	PitchDeclined   PitchStatus = "declined"
	PitchNoResponse PitchStatus = "no_response"
)

// pitchStatuses lists every status in funnel order, with its label and the
// one-byte code used in index values (stored: never change a code).
var pitchStatuses = []struct {
	status PitchStatus
	label  string
	code   byte
}{
	{PitchPitched, "Pitched", 1},
	{PitchInterested, "Interested", 2},
	{PitchAgreed, "Agreed", 3},
	{PitchDeclined, "Declined", 4},
	{PitchNoResponse, "No response", 5},
}

// PitchStatuses returns every status in funnel order, e.g. for a menu.
func PitchStatuses() []PitchStatus {
	out := make([]PitchStatus, len(pitchStatuses))
	for i, s := range pitchStatuses {
		out[i] = s.status
	}
	return out
}

// pitchStatusWords are the Indonesian (and common short) words for an
// outcome, normalised like ParsePitchStatus's input.
var pitchStatusWords = map[string]PitchStatus{
	"tertarik": PitchInterested, "minat": PitchInterested, "berminat": PitchInterested,
	"setuju": PitchAgreed, "sepakat": PitchAgreed,
	"tolak": PitchDeclined, "menolak": PitchDeclined, "ditolak": PitchDeclined, "nolak": PitchDeclined,
	"tidakadarespon": PitchNoResponse, "tidakadarespons": PitchNoResponse, "tidakrespon": PitchNoResponse,
	"tidakmerespon": PitchNoResponse, "gakrespon": PitchNoResponse, "norespon": PitchNoResponse,
	"noreply": PitchNoResponse,
}

// ParsePitchStatus parses a status as typed, in English or Indonesian
// (setuju, tertarik, tolak, tidak ada respon), ignoring case, spaces, "-" and
// "_": "Agreed", "no response", "no_response" and "noresponse" all work.
// Returns Invalid, listing the choices, for anything else.
func ParsePitchStatus(s string) (PitchStatus, error) {
	norm := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_', '\t':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(s)))
	for _, st := range pitchStatuses {
		if norm == strings.ReplaceAll(string(st.status), "_", "") {
			return st.status, nil
		}
	}
	if st, ok := pitchStatusWords[norm]; ok {
		return st, nil
	}
	return "", Errorf(Invalid, "%s is not a pitch status. Use one of: pitched, interested, agreed, declined, no response. In Bahasa: tertarik, setuju, tolak, tidak ada respon.",
		quoteInput(s))
}

// Label returns the status as shown to people, e.g. "No response". An
// unknown status is returned as is.
func (s PitchStatus) Label() string {
	for _, st := range pitchStatuses {
		if st.status == s {
			return st.label
		}
	}
	return string(s)
}

// Open reports whether the pitch still waits on the creator: pitched or
// interested. Open pitches are the follow-up list.
func (s PitchStatus) Open() bool {
	return s == PitchPitched || s == PitchInterested
}

// Valid reports whether s is one of the defined statuses.
func (s PitchStatus) Valid() bool {
	return s.code() != 0
}

// code returns the index code of s, 0 if s is unknown.
func (s PitchStatus) code() byte {
	for _, st := range pitchStatuses {
		if st.status == s {
			return st.code
		}
	}
	return 0
}

// statusFromCode is the inverse of code.
func statusFromCode(c byte) (PitchStatus, bool) {
	for _, st := range pitchStatuses {
		if st.code == c {
			return st.status, true
		}
	}
	return "", false
}

// StatusChange is one step in a pitch's history.
type StatusChange struct {
	At     time.Time   `json:"at"`
	UserID string      `json:"user_id"`
	From   PitchStatus `json:"from"`
	To     PitchStatus `json:"to"`
}

// Pitch is one offer of a product to one creator by one staff member.
// History holds status changes after creation, oldest first. Forced is set
// when the pitch was created with PitchInput.Force although the creator had
// been pitched within the cooldown.
type Pitch struct {
	ID            uint64         `json:"id"`
	Handle        string         `json:"handle"`
	Product       string         `json:"product,omitempty"`
	Note          string         `json:"note,omitempty"`
	Channel       string         `json:"channel,omitempty"`
	CommissionPct int            `json:"commission_pct,omitempty"`
	UserID        string         `json:"user_id"`
	CreatedAt     time.Time      `json:"created_at"`
	Status        PitchStatus    `json:"status"`
	UpdatedAt     time.Time      `json:"updated_at"`
	History       []StatusChange `json:"history,omitempty"`
	Forced        bool           `json:"forced,omitempty"`
	// Imported is set on a past pitch from a spreadsheet import: its
	// CreatedAt is the sheet's date, so its ID is out of time order.
	Imported bool `json:"imported,omitempty"`
}

// Limits of a PitchInput.
const (
	MaxPitchHandles  = 100
	MaxCommissionPct = 80
)

// PitchInput asks CreatePitches to pitch one product to several creators.
type PitchInput struct {
	UserID string
	// Handles may be raw or normalised; they are normalised again. Blank
	// entries are skipped and repeats collapse to the first occurrence.
	Handles []string
	Product string
	Note    string
	Channel string // Slack channel ID the pitch was logged from, if any.
	// CommissionPct is the offered commission: 0 = not set, else 1–80.
	CommissionPct int
	// Force creates pitches even for creators pitched within Cooldown.
	Force bool
	// Cooldown is how long after a creator's newest pitch (by anyone) a new
	// pitch counts as a duplicate. Zero disables the check.
	Cooldown time.Duration
}

// Validate returns Invalid, with a message for the user, if np cannot be
// created.
func (np PitchInput) Validate() error {
	_, err := np.handles()
	return err
}

// handles validates np and returns its normalised, de-duplicated handles.
func (np PitchInput) handles() ([]string, error) {
	if err := checkUser(np.UserID); err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(np.Handles))
	var hs []string
	for _, raw := range np.Handles {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		h, err := NormalizeHandle(raw)
		if err != nil {
			return nil, onField(FieldCreator, err)
		}
		if !seen[h] {
			seen[h] = true
			hs = append(hs, h)
		}
	}
	switch {
	case len(hs) == 0:
		return nil, onField(FieldCreator, Errorf(Invalid, "List at least one creator handle to pitch, for example @budi.jkt."))
	case len(hs) > MaxPitchHandles:
		return nil, onField(FieldCreator, Errorf(Invalid, "You can pitch at most %d creators at once; this list has %d.", MaxPitchHandles, len(hs)))
	}
	if err := checkLen("The product", strings.TrimSpace(np.Product), MaxProductLen); err != nil {
		return nil, onField(FieldProduct, err)
	}
	if err := checkLen("The note", strings.TrimSpace(np.Note), MaxNoteLen); err != nil {
		return nil, onField(FieldNote, err)
	}
	if np.CommissionPct != 0 && (np.CommissionPct < 1 || np.CommissionPct > MaxCommissionPct) {
		return nil, onField(FieldCommission, Errorf(Invalid, "The commission must be between 1%% and %d%%, or left empty; %d%% is not possible.",
			MaxCommissionPct, np.CommissionPct))
	}
	if np.Cooldown < 0 {
		return nil, Errorf(Invalid, "The duplicate cooldown cannot be negative.")
	}
	return hs, nil
}

// Duplicate is a creator that CreatePitches skipped because Previous, its
// newest pitch, is younger than the cooldown.
type Duplicate struct {
	Handle   string
	Previous Pitch
}

// PitchResult reports a CreatePitches call, in the order of the handles.
type PitchResult struct {
	Created    []Pitch
	Duplicates []Duplicate
}

// CreatePitches records a pitch for each handle in np, in one transaction:
// either every pitch and duplicate in the result is final or none is.
//
// Unless np.Force is set, a creator whose newest pitch (by any user) was
// created less than np.Cooldown ago is reported in Duplicates and gets no
// pitch. The boundary is exclusive: a pitch exactly Cooldown old no longer
// blocks. Creators seen for the first time are recorded with the pitcher as
// owner. Every creation is audited.
//
// Returns Invalid if np fails Validate; nothing is written then.
func (db *DB) CreatePitches(ctx context.Context, np PitchInput) (*PitchResult, error) {
	hs, err := np.handles()
	if err != nil {
		return nil, err
	}
	var res *PitchResult
	err = db.batch(ctx, func(tx *bolt.Tx) error {
		res = &PitchResult{}
		// Read the clock inside the tx: writers are serialised, so creation
		// order, ID order and CreatedAt order agree.
		now := db.Now()
		for _, h := range hs {
			prev, err := latestPitch(tx, h)
			if err != nil {
				return err
			}
			recent := prev != nil && np.Cooldown > 0 && now.Sub(prev.CreatedAt) < np.Cooldown
			if recent && !np.Force {
				res.Duplicates = append(res.Duplicates, Duplicate{Handle: h, Previous: *prev})
				continue
			}
			if _, _, err := ensureOwnedCreator(tx, h, np.UserID, now); err != nil {
				return err
			}
			p := &Pitch{
				Handle:        h,
				Product:       strings.TrimSpace(np.Product),
				Note:          strings.TrimSpace(np.Note),
				Channel:       np.Channel,
				CommissionPct: np.CommissionPct,
				UserID:        np.UserID,
				CreatedAt:     now,
				Status:        PitchPitched,
				UpdatedAt:     now,
				Forced:        recent,
			}
			if err := createPitch(tx, p); err != nil {
				return err
			}
			res.Created = append(res.Created, *p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// SetPitchStatus moves pitch id to status to, appending to its history,
// updating the indexes and auditing the change. Setting the current status
// again changes nothing and is not an error.
// Returns Invalid for an unknown status or empty userID, NotFound for an
// unknown pitch.
func (db *DB) SetPitchStatus(ctx context.Context, id uint64, userID string, to PitchStatus) (*Pitch, error) {
	if !to.Valid() {
		return nil, Errorf(Invalid, "%s is not a pitch status. Use one of: pitched, interested, agreed, declined, no response.",
			quoteInput(string(to)))
	}
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	var p *Pitch
	err := db.batch(ctx, func(tx *bolt.Tx) error {
		var err error
		if p, err = getPitch(tx, id); err != nil {
			return err
		}
		if p.Status == to {
			return nil
		}
		now := db.Now()
		from := p.Status
		p.Status, p.UpdatedAt = to, now
		p.History = append(p.History, StatusChange{At: now, UserID: userID, From: from, To: to})
		if err := putPitch(tx, p); err != nil {
			return err
		}
		if err := indexPitchStatus(tx, p); err != nil {
			return err
		}
		return audit(tx, AuditEntry{At: now, UserID: userID, Action: ActionPitchStatus, Entity: PitchEntity(id),
			Before: string(from), After: string(to)})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// createPitch assigns p an ID, then writes it, its index entries and its
// audit entry.
func createPitch(tx *bolt.Tx, p *Pitch) error {
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
	return auditChange(tx, AuditEntry{At: p.CreatedAt, UserID: p.UserID, Action: ActionPitchCreate,
		Entity: PitchEntity(p.ID)}, nil, p)
}

// putPitch writes the pitch record.
func putPitch(tx *bolt.Tx, p *Pitch) error {
	if err := putJSON(appendBucket(tx, bucketPitches), itob(p.ID), p); err != nil {
		return fmt.Errorf("put pitch %d: %w", p.ID, err)
	}
	return nil
}

// getPitch loads a pitch; NotFound if missing.
func getPitch(tx *bolt.Tx, id uint64) (*Pitch, error) {
	var p Pitch
	err := getJSON(tx.Bucket(bucketPitches), itob(id), &p)
	if err == errMissing {
		return nil, Errorf(NotFound, "There is no pitch #%d.", id)
	} else if err != nil {
		return nil, fmt.Errorf("pitch %d: %w", id, err)
	}
	return &p, nil
}
