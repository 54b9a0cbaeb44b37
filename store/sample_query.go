package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Reads of samples (the content clock's open samples, fulfilment, campaign
// funnels, the pitch funnel's extension), creator templates, and claims
// taken several at a time.

// ContentPostedByDay counts, per credited owner, the samples whose first
// video was recorded in each interval [bounds[i], bounds[i+1]). It reads
// samples_posted only.
func (db *DB) ContentPostedByDay(ctx context.Context, bounds []time.Time) ([]map[string]int, error) {
	return db.countByDay(ctx, bucketSamplesPosted, bounds, func(v []byte) []byte { return v })
}

// OpenSamples returns every voucher whose sample awaits content, oldest
// clock first. It reads samples_open and the records it names.
func (db *DB) OpenSamples(ctx context.Context) ([]Voucher, error) {
	var out []Voucher
	err := db.view(ctx, func(tx *bolt.Tx) error {
		records := tx.Bucket(bucketVouchers)
		return tx.Bucket(bucketSamplesOpen).ForEach(func(k, _ []byte) error {
			v, err := loadVoucher(records, k)
			if err != nil {
				return err
			}
			out = append(out, v)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sortByClock(out)
	return out, nil
}

// sortByClock orders vouchers by clock start; equal starts stay in code
// order (the bucket's).
func sortByClock(vs []Voucher) {
	slices.SortStableFunc(vs, func(a, b Voucher) int { return a.ClockStart().Compare(b.ClockStart()) })
}

// Fulfilment is how a creator has honoured samples received.
type Fulfilment struct {
	Received int // redeemed samples
	Posted   int // samples with content
	Videos   int
	Overdue  int // open and past their due date
	Open     int // open and still on time
	Closed   int // closed without content
	// OverdueSince is the earliest due date passed by an overdue sample.
	OverdueSince time.Time
}

// Rate is the posting rate in whole percent: samples with content among
// those whose outcome is known (posted, overdue, or closed without
// content), so a sample still within its window counts for nothing yet;
// -1 when no outcome is known.
func (f Fulfilment) Rate() int {
	n := f.Posted + f.Overdue + f.Closed
	if n == 0 {
		return -1
	}
	return (f.Posted*100 + n/2) / n
}

// Add counts one voucher.
func (f *Fulfilment) Add(v *Voucher, p SamplePolicy, now time.Time) {
	if v.Status != VoucherRedeemed {
		return
	}
	f.Received++
	s := v.SampleState()
	switch {
	case s.Stage == SamplePosted:
		f.Posted++
		f.Videos += len(s.Posts)
	case s.Stage == SampleNoContent:
		f.Closed++
	case v.Overdue(p, now):
		f.Overdue++
		if d := v.DueDate(p); f.OverdueSince.IsZero() || d.Before(f.OverdueSince) {
			f.OverdueSince = d
		}
	default:
		f.Open++
	}
}

// CreatorFulfilment counts a creator's samples at now. Returns Invalid for
// a bad handle.
func (db *DB) CreatorFulfilment(ctx context.Context, handle string, p SamplePolicy, now time.Time) (Fulfilment, error) {
	var f Fulfilment
	vs, err := db.Vouchers(ctx, VoucherFilter{Handle: handle})
	if err != nil {
		return f, err
	}
	for i := range vs {
		f.Add(&vs[i], p, now)
	}
	return f, nil
}

// SampleFunnel is one campaign's samples from issue to content.
type SampleFunnel struct {
	Campaign  string
	Issued    int // vouchers not revoked
	Delivered int // delivery recorded, or content posted
	Fulfilment
	Spend Money // value of redeemed vouchers
}

// CostPerVideo is the spend per posted video; ok is false with no video.
func (f SampleFunnel) CostPerVideo() (Money, bool) {
	if f.Videos == 0 {
		return 0, false
	}
	return Money(int64(f.Spend) / int64(f.Videos)), true
}

// SampleFunnels returns the funnel of every campaign (vouchers outside a
// campaign are left out), by campaign name. It reads the campaign records
// (their counters) and the samples_open index values, never a voucher.
func (db *DB) SampleFunnels(ctx context.Context, p SamplePolicy, now time.Time) (map[string]*SampleFunnel, error) {
	p = p.norm()
	out := map[string]*SampleFunnel{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketCampaigns).ForEach(func(k, raw []byte) error {
			var c Campaign
			if err := json.Unmarshal(raw, &c); err != nil {
				return fmt.Errorf("campaign %s: %w", k, err)
			}
			f := &SampleFunnel{Campaign: c.Name, Issued: c.Count, Delivered: c.Delivered, Spend: c.Redeemed}
			f.Received, f.Posted, f.Videos = c.Received, c.Posted, c.Videos
			out[c.Name] = f
			return nil
		})
		if err != nil {
			return err
		}
		// A sample is overdue at now iff its clock started before today
		// minus its allowance (content days + extension), in local days;
		// the cutoffs are computed once per allowance, not per entry.
		today := localDay(now, p.Location)
		cutoffs := map[uint64]uint64{}
		type first struct {
			at  uint64 // clock start + extension, ordering the due dates
			val []byte
		}
		oldest := map[string]first{}
		err = tx.Bucket(bucketSamplesOpen).ForEach(func(k, val []byte) error {
			if len(val) < 16 {
				return fmt.Errorf("%s %s: value of %d bytes", bucketSamplesOpen, k, len(val))
			}
			f := out[string(val[16:])]
			if f == nil || len(val) == 16 {
				return nil
			}
			ext := btoi(val[8:16])
			cut, ok := cutoffs[ext]
			if !ok {
				cut = timeNanos(today.AddDate(0, 0, -(p.ContentDays + int(ext))))
				cutoffs[ext] = cut
			}
			if btoi(val[:8]) < cut {
				f.Overdue++
				at := btoi(val[:8]) + ext*uint64(24*time.Hour)
				if o, ok := oldest[f.Campaign]; !ok || at < o.at {
					oldest[f.Campaign] = first{at, bytes.Clone(val)}
				}
			} else {
				f.Open++
			}
			return nil
		})
		for _, f := range out {
			f.Closed = max(f.Received-f.Posted-f.Open-f.Overdue, 0)
		}
		for c, o := range oldest {
			start, ext, _, _ := parseOpenValue(o.val)
			out[c].OverdueSince = localDay(start, p.Location).AddDate(0, 0, p.ContentDays+ext)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PitchSampleFunnel extends a pitch funnel past agreement: of the agreed
// pitches logged in [from, to), for how many creators a sample voucher was
// then issued (at or after the pitch, not revoked), and how many of those
// posted content.
type PitchSampleFunnel struct {
	Sampled, Posted int
}

// PitchSampleFunnels counts, for the team ("") and per pitcher, the
// creators with an agreed pitch logged in [from, to) who were sent a
// sample and who posted. A creator counts once per pitcher, from that
// pitcher's first agreed pitch in the range. Only agreed pitches are
// decoded (their status is in pitches_by_time's value); vouchers are read
// from index keys alone.
func (db *DB) PitchSampleFunnels(ctx context.Context, from, to time.Time) (map[string]PitchSampleFunnel, error) {
	out := map[string]PitchSampleFunnel{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		type pk struct{ user, handle string }
		first := map[pk]time.Time{}
		var order []pk
		agreed := PitchAgreed.code()
		err := scan(tx.Bucket(bucketPitchesByTime), timeKey(from), timeKey(to), func(k, val []byte) (bool, error) {
			if len(val) == 0 || val[0] != agreed {
				return true, nil
			}
			var p Pitch
			if err := getJSON(tx.Bucket(bucketPitches), k[8:16], &p); err != nil {
				return false, fmt.Errorf("pitch %x: %w", k[8:16], err)
			}
			pkey := pk{p.UserID, p.Handle}
			if _, ok := first[pkey]; !ok {
				first[pkey] = p.CreatedAt
				order = append(order, pkey)
			}
			return true, nil
		})
		if err != nil {
			return err
		}
		teamSeen := map[string]int{} // handle → 1 sampled, 2 posted
		// Index keys only: vouchers_credited holds the vouchers not
		// revoked (by issue time and code, as vouchers_by_creator's tail),
		// samples_posted the codes with content.
		credited := tx.Bucket(bucketVouchersCredited)
		var posted map[string]bool
		isPosted := func(code []byte) bool {
			if posted == nil {
				posted = map[string]bool{}
				_ = tx.Bucket(bucketSamplesPosted).ForEach(func(k, _ []byte) error {
					posted[string(k[8:])] = true
					return nil
				})
			}
			return posted[string(code)]
		}
		for _, pkey := range order {
			since := first[pkey]
			prefix := strPrefix(pkey.handle)
			state := 0
			err := scan(tx.Bucket(bucketVouchersByCreator), key(prefix, timeKey(since)), prefixEnd(prefix), func(k, _ []byte) (bool, error) {
				tail := k[len(prefix):]
				if credited.Get(tail) == nil {
					return true, nil
				}
				state = max(state, 1)
				if isPosted(tail[8:]) {
					state = 2
					return false, nil
				}
				return true, nil
			})
			if err != nil {
				return err
			}
			u := out[pkey.user]
			if state >= 1 {
				u.Sampled++
			}
			if state == 2 {
				u.Posted++
			}
			out[pkey.user] = u
			teamSeen[pkey.handle] = max(teamSeen[pkey.handle], state)
		}
		var team PitchSampleFunnel
		for _, s := range teamSeen {
			if s >= 1 {
				team.Sampled++
			}
			if s == 2 {
				team.Posted++
			}
		}
		out[""] = team
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Template is an admin's replacement for a creator-facing message.
type Template struct {
	Name      string    `json:"name"`
	Text      string    `json:"text"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// MaxTemplateLen bounds a template's text.
const MaxTemplateLen = 2000

// ActionTemplateSet is the audit action of a template change; Before and
// After are the texts ("" = the built-in default).
const ActionTemplateSet = "template.set"

// Templates returns every replaced template by name.
func (db *DB) Templates(ctx context.Context) (map[string]Template, error) {
	out := map[string]Template{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTemplates).ForEach(func(k, raw []byte) error {
			var t Template
			if err := json.Unmarshal(raw, &t); err != nil {
				return fmt.Errorf("template %s: %w", k, err)
			}
			out[string(k)] = t
			return nil
		})
	})
	return out, err
}

// SetTemplate replaces template name with text, or restores the built-in
// one when text is "", and audits the change. The caller validates the
// text and checks that userID is an admin.
func (db *DB) SetTemplate(ctx context.Context, name, text, userID string) error {
	if err := checkUser(userID); err != nil {
		return err
	}
	if name == "" || len(name) > 40 {
		return fmt.Errorf("template name %q", name)
	}
	if err := checkLen("The template", text, MaxTemplateLen); err != nil {
		return err
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTemplates)
		var old Template
		if err := getJSON(b, []byte(name), &old); err != nil && err != errMissing {
			return fmt.Errorf("template %s: %w", name, err)
		}
		now := db.Now()
		if text == "" {
			if err := b.Delete([]byte(name)); err != nil {
				return err
			}
		} else if err := putJSON(b, []byte(name), Template{Name: name, Text: text, UpdatedBy: userID, UpdatedAt: now}); err != nil {
			return fmt.Errorf("put template %s: %w", name, err)
		}
		return audit(tx, AuditEntry{At: now, UserID: userID, Action: ActionTemplateSet, Entity: "template:" + name, Before: old.Text, After: text})
	})
}

// ClaimAll claims every key in one transaction and reports, per key,
// whether this call was the first to claim it. Invalid for an empty key.
func (db *DB) ClaimAll(ctx context.Context, keys []string) ([]bool, error) {
	for _, k := range keys {
		if k == "" || len(k) > 512 {
			return nil, Errorf(Invalid, "A claim key must have 1 to 512 bytes.")
		}
	}
	var fresh []bool
	err := db.update(ctx, func(tx *bolt.Tx) error {
		fresh = make([]bool, len(keys))
		b := tx.Bucket(bucketOnce)
		at := itob(timeNanos(db.Now()))
		for i, k := range keys {
			if b.Get([]byte(k)) != nil {
				continue
			}
			fresh[i] = true
			if err := b.Put([]byte(k), at); err != nil {
				return fmt.Errorf("claim %s: %w", k, err)
			}
		}
		return nil
	})
	return fresh, err
}

// ReleaseAll releases claims in one transaction, after the claimed work
// failed.
func (db *DB) ReleaseAll(ctx context.Context, keys []string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOnce)
		for _, k := range keys {
			if err := b.Delete([]byte(k)); err != nil {
				return err
			}
		}
		return nil
	})
}
