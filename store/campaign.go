package store

import (
	"context"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Campaign lifecycle (issue #13): a finished campaign can be closed
// (archived: no new vouchers, kept out of the digest, still listed and
// exported), and a campaign can have an end date after which new vouchers
// are refused. Vouchers issued outside any campaign are totalled as "no
// campaign".

// Audit actions of the campaign lifecycle.
const (
	ActionCampaignClose = "campaign.close" // Before/After: "open" / "closed".
	ActionCampaignEnd   = "campaign.end"   // Before/After: the end date, YYYY-MM-DD or "".
)

// ErrCampaignClosed is the refusal kind of a voucher in a closed or ended
// campaign (an *Error with Code Conflict, on the campaign field).
var ErrCampaignClosed = errors.New("campaign closed")

// Closed reports whether the campaign was closed by an admin.
func (c *Campaign) Closed() bool { return !c.ClosedAt.IsZero() }

// Ended reports whether the campaign's end date has passed at now in loc:
// vouchers may be issued through the end date, not after it.
func (c *Campaign) Ended(now time.Time, loc *time.Location) bool {
	if c.EndsOn == "" {
		return false
	}
	if loc == nil {
		loc = time.UTC
	}
	return now.In(loc).Format("2006-01-02") > c.EndsOn
}

// checkCampaignOpen refuses a new voucher in a closed or ended campaign.
func checkCampaignOpen(c *Campaign, now time.Time, loc *time.Location) error {
	switch {
	case c.Closed():
		return refusal(ErrCampaignClosed, FieldCampaign, "Campaign %s is closed: it takes no new vouchers. Pick another campaign, or ask an admin to reopen it with /voucher budget %s reopen.", c.Name, c.Name)
	case c.Ended(now, loc):
		return refusal(ErrCampaignClosed, FieldCampaign, "Campaign %s ended on %s: it takes no new vouchers. Pick another campaign, or ask an admin to move the end with /voucher budget %s ends YYYY-MM-DD.", c.Name, c.EndsOn, c.Name)
	}
	return nil
}

// CloseCampaign closes (closed true) or reopens a campaign and audits it.
// The caller checks that userID is an admin. Closing a closed campaign, or
// reopening an open one, changes nothing.
// Returns Invalid for a bad name and NotFound for an unknown campaign.
func (db *DB) CloseCampaign(ctx context.Context, name, userID string, closed bool) (c *Campaign, changed bool, err error) {
	return db.changeCampaign(ctx, name, userID, func(c *Campaign, now time.Time) (*AuditEntry, error) {
		if c.Closed() == closed {
			return nil, nil
		}
		e := &AuditEntry{Action: ActionCampaignClose, Before: "open", After: "closed"}
		if closed {
			c.ClosedAt, c.ClosedBy = now, userID
		} else {
			c.ClosedAt, c.ClosedBy = time.Time{}, ""
			e.Before, e.After = "closed", "open"
		}
		return e, nil
	})
}

// SetCampaignEnd sets the last day (YYYY-MM-DD) a campaign takes new
// vouchers; "" removes the end date. The caller checks that userID is an
// admin. Returns Invalid for a bad name or date, NotFound for an unknown
// campaign.
func (db *DB) SetCampaignEnd(ctx context.Context, name, userID, date string) (c *Campaign, changed bool, err error) {
	if date != "" {
		if _, err := ParseDate(date); err != nil {
			return nil, false, err
		}
	}
	return db.changeCampaign(ctx, name, userID, func(c *Campaign, now time.Time) (*AuditEntry, error) {
		if c.EndsOn == date {
			return nil, nil
		}
		e := &AuditEntry{Action: ActionCampaignEnd, Before: c.EndsOn, After: date}
		c.EndsOn = date
		return e, nil
	})
}

func (db *DB) changeCampaign(ctx context.Context, name, userID string, fn func(c *Campaign, now time.Time) (*AuditEntry, error)) (*Campaign, bool, error) {
	n, err := NormalizeCampaign(name)
	if err != nil {
		return nil, false, err
	}
	if err := checkUser(userID); err != nil {
		return nil, false, err
	}
	var c *Campaign
	changed := false
	err = db.batch(ctx, func(tx *bolt.Tx) error {
		changed = false
		var err error
		if c, err = getCampaign(tx, n); err != nil {
			return err
		}
		now := db.Now()
		e, err := fn(c, now)
		if err != nil || e == nil {
			return err
		}
		changed = true
		c.UpdatedAt, c.UpdatedBy = now, userID
		if err := putCampaign(tx, c); err != nil {
			return err
		}
		e.At, e.UserID, e.Entity = now, userID, CampaignEntity(n)
		return audit(tx, *e)
	})
	if err != nil {
		return nil, false, err
	}
	return c, changed, nil
}

// NoCampaignTotals totals the vouchers issued outside any campaign the way
// a campaign is totalled: Issued and Count leave out revoked vouchers,
// Redeemed is the redeemed ones. Name is "" and Budget 0. It reads the
// campaign index's no-campaign entries and those vouchers.
func (db *DB) NoCampaignTotals(ctx context.Context) (*Campaign, error) {
	c := &Campaign{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		p := strPrefix("")
		records := tx.Bucket(bucketVouchers)
		return scan(tx.Bucket(bucketVouchersByCampaign), p, prefixEnd(p), func(k, _ []byte) (bool, error) {
			v, err := loadVoucher(records, k[len(p)+8:]) // strPrefix("") ++ timeKey ++ code
			if err != nil {
				return false, err
			}
			switch v.Status {
			case VoucherRevoked:
				return true, nil
			case VoucherRedeemed:
				c.Redeemed += v.Value
			}
			c.Issued += v.Value
			c.Count++
			return true, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
