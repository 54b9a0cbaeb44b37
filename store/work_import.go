package store

import (
	"context"
	"fmt"
	"io"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Bulk imports of already-made issues, vouchers and tasks (a spreadsheet
// migration, or a test fixture), each in one transaction like
// ImportPitches: every record gets its ID or code, its index entries and
// an audit entry, and times and statuses are kept as given.

// ImportIssues stores issues as given: CreatedAt, Status, AssigneeID,
// ResolvedBy/ResolvedAt and SLA are kept. Each gets the next ID, a
// timeline (its creation, and its resolution if done), its creator if new,
// its index entries and an audit entry. Returns Invalid, and writes
// nothing, for a bad handle, reporter, status or priority.
func (db *DB) ImportIssues(ctx context.Context, issues []Issue) error {
	for i := range issues {
		is := &issues[i]
		h, err := NormalizeHandle(is.Handle)
		if err != nil {
			return err
		}
		is.Handle = h
		if err := checkUser(is.ReporterID); err != nil {
			return err
		}
		if !is.Status.Valid() || !is.Priority.Valid() || !is.Category.Valid() {
			return Errorf(Invalid, "Issue %d has an unknown status, priority or category.", i+1)
		}
		if is.Status.Done() && (is.ResolvedBy == "" || is.ResolvedAt.IsZero()) {
			return Errorf(Invalid, "Issue %d is %s but says nobody resolved it.", i+1, is.Status)
		}
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		for i := range issues {
			is := &issues[i]
			if _, _, err := ensureCreator(tx, is.Handle, is.ReporterID, is.CreatedAt); err != nil {
				return err
			}
			id, err := tx.Bucket(bucketIssues).NextSequence()
			if err != nil {
				return fmt.Errorf("issue sequence: %w", err)
			}
			is.ID, is.Events = id, 0
			is.CreatedAt = is.CreatedAt.UTC()
			if is.UpdatedAt.IsZero() {
				is.UpdatedAt = is.CreatedAt
			}
			if err := addIssueEvent(tx, is, IssueEvent{At: is.CreatedAt, UserID: is.ReporterID, Action: ActionIssueCreate, To: string(IssueOpen)}); err != nil {
				return err
			}
			if is.Status.Done() {
				ev := IssueEvent{At: is.ResolvedAt, UserID: is.ResolvedBy, Action: ActionIssueResolve, From: string(IssueOpen),
					To: string(is.Status), Reason: is.Reason, Note: is.Resolution}
				if err := addIssueEvent(tx, is, ev); err != nil {
					return err
				}
			}
			if err := putIssue(tx, is); err != nil {
				return err
			}
			if err := indexIssue(tx, is, true); err != nil {
				return err
			}
			if err := reindexIssueResolved(tx, nil, is); err != nil {
				return err
			}
			if err := audit(tx, AuditEntry{At: is.CreatedAt, UserID: is.ReporterID, Action: ActionIssueCreate,
				Entity: IssueEntity(id), After: "imported"}); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportVouchers stores vouchers as given: IssuedAt, ExpiresAt, Status and
// History are kept; a voucher without a Code gets a new one drawn from r
// (nil: crypto/rand). A voucher's campaign must exist; its totals grow by
// the vouchers that are not revoked. Returns Invalid for a bad handle,
// issuer or status, NotFound for an unknown campaign and Conflict, writing
// nothing, if the vouchers exceed a campaign's budget.
func (db *DB) ImportVouchers(ctx context.Context, vs []Voucher, r io.Reader) error {
	for i := range vs {
		v := &vs[i]
		h, err := NormalizeHandle(v.Handle)
		if err != nil {
			return err
		}
		v.Handle = h
		if err := checkUser(v.IssuerID); err != nil {
			return err
		}
		switch v.Status {
		case VoucherIssued, VoucherRedeemed, VoucherExpired, VoucherRevoked:
		default:
			return Errorf(Invalid, "Voucher %d has the unknown status %s.", i+1, quoteInput(string(v.Status)))
		}
		if v.Campaign != "" {
			if v.Campaign, err = NormalizeCampaign(v.Campaign); err != nil {
				return err
			}
		}
		if strings.TrimSpace(v.Product) == "" || v.Value <= 0 {
			return Errorf(Invalid, "Voucher %d needs a product and a positive value.", i+1)
		}
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		camps := map[string]*Campaign{}
		for i := range vs {
			v := &vs[i]
			if v.Code == "" {
				code, err := newUniqueCode(tx, r)
				if err != nil {
					return err
				}
				v.Code = code
			} else if tx.Bucket(bucketVouchers).Get([]byte(v.Code)) != nil {
				return Errorf(Conflict, "Voucher %s already exists.", v.Code)
			}
			v.IssuedAt, v.ExpiresAt = v.IssuedAt.UTC(), v.ExpiresAt.UTC()
			if v.UpdatedAt.IsZero() {
				v.UpdatedAt = v.IssuedAt
			}
			if len(v.History) == 0 {
				v.History = []VoucherEvent{{At: v.IssuedAt, UserID: v.IssuerID, Status: VoucherIssued}}
			}
			if v.Campaign != "" {
				c := camps[v.Campaign]
				if c == nil {
					var err error
					if c, err = getCampaign(tx, v.Campaign); err != nil {
						return err
					}
					camps[v.Campaign] = c
				}
				if v.Status != VoucherRevoked {
					c.Issued += v.Value
					c.Count++
					if c.Issued > c.Budget {
						return Errorf(Conflict, "The imported vouchers exceed campaign %s's budget.", c.Name)
					}
				}
				if v.Status == VoucherRedeemed {
					c.Redeemed += v.Value
				}
				c.countSample(nil, v)
			}
			if _, _, err := ensureCreator(tx, v.Handle, v.IssuerID, v.IssuedAt); err != nil {
				return err
			}
			if err := createVoucher(tx, v); err != nil {
				return err
			}
			if v.Status != VoucherIssued {
				if err := tx.Bucket(bucketVouchersByExpiry).Delete(voucherExpiryKey(v)); err != nil {
					return err
				}
			}
		}
		for _, c := range camps {
			if err := putCampaign(tx, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportTasks stores tasks as given: CreatedAt, Status, Due, AcceptedAt and
// ClosedAt are kept (a closed task without ClosedAt is closed at its
// UpdatedAt or CreatedAt). Each gets the next ID, its index entries and an
// audit entry. Returns Invalid for a task that fails TaskInput.Validate or
// has an unknown status.
func (db *DB) ImportTasks(ctx context.Context, ts []Task) error {
	for i := range ts {
		t := &ts[i]
		nt := TaskInput{Assignee: t.Assignee, Assigner: t.Assigner, Title: t.Title, Kind: t.Kind, Quantity: t.Quantity, Due: t.Due}
		if err := nt.Validate(); err != nil {
			return err
		}
		if !t.Status.Valid() {
			return Errorf(Invalid, "Task %d has the unknown status %s.", i+1, quoteInput(string(t.Status)))
		}
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		for i := range ts {
			t := &ts[i]
			id, err := tx.Bucket(bucketTasks).NextSequence()
			if err != nil {
				return fmt.Errorf("task sequence: %w", err)
			}
			t.ID, t.Due, t.CreatedAt = id, t.Due.UTC(), t.CreatedAt.UTC()
			if t.UpdatedAt.IsZero() {
				t.UpdatedAt = t.CreatedAt
			}
			if !t.Status.Open() && t.ClosedAt.IsZero() {
				t.ClosedAt = t.UpdatedAt
			}
			t.Creators = taskCreators(t.Title, t.Note)
			if len(t.History) == 0 {
				t.History = []TaskEvent{{At: t.CreatedAt, UserID: t.Assigner, To: TaskAssigned}}
				if t.Status != TaskAssigned {
					t.History = append(t.History, TaskEvent{At: t.UpdatedAt, UserID: t.Assignee, From: TaskAssigned, To: t.Status})
				}
			}
			if err := putTask(tx, t); err != nil {
				return err
			}
			if err := reindexTask(tx, nil, t); err != nil {
				return err
			}
			if err := audit(tx, AuditEntry{At: t.CreatedAt, UserID: t.Assigner, Action: ActionTaskCreate,
				Entity: TaskEntity(id), After: "imported"}); err != nil {
				return err
			}
		}
		return nil
	})
}
