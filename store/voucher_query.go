package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Voucher returns the voucher with the given code as typed (see
// NormalizeVoucherCode). Returns Invalid, matching ErrCodeMalformed or
// ErrCodeChecksum, for a malformed or mistyped code and NotFound for a
// well-formed code that was never issued.
func (db *DB) Voucher(ctx context.Context, code string) (*Voucher, error) {
	c, err := NormalizeVoucherCode(code)
	if err != nil {
		return nil, err
	}
	var v *Voucher
	err = db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		v, err = getVoucher(tx, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Campaign returns one campaign. Returns Invalid for a bad name and
// NotFound for an unknown one.
func (db *DB) Campaign(ctx context.Context, name string) (*Campaign, error) {
	n, err := NormalizeCampaign(name)
	if err != nil {
		return nil, err
	}
	var c *Campaign
	err = db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		c, err = getCampaign(tx, n)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Campaigns returns every campaign, by name.
func (db *DB) Campaigns(ctx context.Context) ([]Campaign, error) {
	var out []Campaign
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCampaigns).ForEach(func(k, v []byte) error {
			var c Campaign
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("campaign %s: %w", k, err)
			}
			out = append(out, c)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// VoucherFilter selects vouchers by issue time in [From, To) (zero values
// mean unbounded) and at most one of Handle, Campaign and IssuerID.
type VoucherFilter struct {
	Handle   string // Raw or normalised.
	Campaign string
	IssuerID string
	From, To time.Time
	// Limit caps the result (newest kept); 0 means all.
	Limit int
}

// Vouchers returns the vouchers matching f, newest first. It scans only
// the matching index range: by creator, campaign, issuer or issue time.
// Returns Invalid for a bad handle or campaign name, or more than one of
// Handle, Campaign and IssuerID.
func (db *DB) Vouchers(ctx context.Context, f VoucherFilter) ([]Voucher, error) {
	idx, prefix := bucketVouchersByTime, []byte{}
	n := 0
	if f.Handle != "" {
		h, err := NormalizeHandle(f.Handle)
		if err != nil {
			return nil, err
		}
		idx, prefix, n = bucketVouchersByCreator, strPrefix(h), n+1
	}
	if f.Campaign != "" {
		c, err := NormalizeCampaign(f.Campaign)
		if err != nil {
			return nil, err
		}
		idx, prefix, n = bucketVouchersByCampaign, strPrefix(c), n+1
	}
	if f.IssuerID != "" {
		idx, prefix, n = bucketVouchersByIssuer, strPrefix(f.IssuerID), n+1
	}
	if n > 1 {
		return nil, Errorf(Invalid, "Filter vouchers by one of creator, campaign or issuer at a time.")
	}
	lo := key(prefix, timeKey(f.From))
	hi := prefixEnd(prefix)
	if !f.To.IsZero() {
		hi = key(prefix, timeKey(f.To))
	}
	var out []Voucher
	err := db.view(ctx, func(tx *bolt.Tx) error {
		records := tx.Bucket(bucketVouchers)
		return scanReverse(tx.Bucket(idx), lo, hi, func(k, _ []byte) (bool, error) {
			v, err := loadVoucher(records, k[len(prefix)+8:])
			if err != nil {
				return false, err
			}
			out = append(out, v)
			return f.Limit <= 0 || len(out) < f.Limit, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkVoucherIndexes verifies that every voucher has its index entries,
// that no index entry is stray, and that each campaign's totals match its
// vouchers. Check calls it.
func checkVoucherIndexes(tx *bolt.Tx) error {
	type totals struct {
		issued, redeemed Money
		count            int
		samples          Campaign // only the sample counters
	}
	sums := map[string]*totals{}
	nVouchers, nLive := 0, 0
	byIdem := map[string]bool{}
	err := tx.Bucket(bucketVouchers).ForEach(func(k, raw []byte) error {
		var v Voucher
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("voucher %s: %w", k, err)
		}
		nVouchers++
		if v.Code != string(k) {
			return fmt.Errorf("voucher %s has code %q", k, v.Code)
		}
		for _, e := range []struct {
			b []byte
			k []byte
		}{
			{bucketVouchersByCreator, voucherCreatorKey(&v)},
			{bucketVouchersByCampaign, voucherCampaignKey(&v)},
			{bucketVouchersByIssuer, voucherIssuerKey(&v)},
			{bucketVouchersByTime, voucherTimeKey(&v)},
		} {
			if !has(tx.Bucket(e.b), e.k) {
				return fmt.Errorf("voucher %s missing from %s", v.Code, e.b)
			}
		}
		if has(tx.Bucket(bucketVouchersByExpiry), voucherExpiryKey(&v)) != (v.Status == VoucherIssued) {
			return fmt.Errorf("voucher %s (%s): wrong %s membership", v.Code, v.Status, bucketVouchersByExpiry)
		}
		if v.Status == VoucherIssued {
			nLive++
		}
		if v.IdemKey != "" {
			ik, _, _ := bytes.Cut([]byte(v.IdemKey), []byte("#"))
			if string(tx.Bucket(bucketVoucherIdem).Get(ik)) != v.Code {
				return fmt.Errorf("voucher %s: idempotency key not indexed", v.Code)
			}
			byIdem[string(ik)] = true
		}
		if v.Campaign != "" && v.Status != VoucherRevoked {
			t := sums[v.Campaign]
			if t == nil {
				t = &totals{}
				sums[v.Campaign] = t
			}
			t.issued += v.Value
			t.count++
			if v.Status == VoucherRedeemed {
				t.redeemed += v.Value
			}
			t.samples.countSample(nil, &v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = checkCounts(tx,
		indexCount{bucketVouchersByCreator, nVouchers}, indexCount{bucketVouchersByCampaign, nVouchers},
		indexCount{bucketVouchersByIssuer, nVouchers}, indexCount{bucketVouchersByTime, nVouchers},
		indexCount{bucketVouchersByExpiry, nLive}, indexCount{bucketVoucherIdem, len(byIdem)},
	)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketCampaigns).ForEach(func(k, raw []byte) error {
		var c Campaign
		if err := json.Unmarshal(raw, &c); err != nil {
			return fmt.Errorf("campaign %s: %w", k, err)
		}
		t := sums[c.Name]
		if t == nil {
			t = &totals{}
		}
		if c.Issued != t.issued || c.Redeemed != t.redeemed || c.Count != t.count {
			return fmt.Errorf("campaign %s totals %d/%d/%d, vouchers say %d/%d/%d", c.Name,
				c.Issued, c.Redeemed, c.Count, t.issued, t.redeemed, t.count)
		}
		if s := t.samples; c.Received != s.Received || c.Delivered != s.Delivered || c.Posted != s.Posted || c.Videos != s.Videos {
			return fmt.Errorf("campaign %s sample counters %d/%d/%d/%d, vouchers say %d/%d/%d/%d", c.Name,
				c.Received, c.Delivered, c.Posted, c.Videos, s.Received, s.Delivered, s.Posted, s.Videos)
		}
		if c.Issued > c.Budget {
			return fmt.Errorf("campaign %s issued %d over its budget %d", c.Name, c.Issued, c.Budget)
		}
		return nil
	})
}
