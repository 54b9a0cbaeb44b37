package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A redeemed voucher is a sample on its way to a creator, who owes a
// video. Its lifecycle after redemption lives in Voucher.Sample:
//
//	redeemed → shipped (optional) → delivered → posted (one or more videos)
//	        ↘ extended once (moves the deadline)   ↘ closed without content
//
// Two indexes serve the content clock and the content_posted metric, both
// written in the same transaction as the voucher:
//
//	samples_open     code                      → itob(clock start ns) itob(extended days) campaign
//	                                             (redeemed, no content yet, not closed)
//	samples_posted   itob(first post ns) code  → owner userID credited
var (
	bucketSamplesOpen   = []byte("samples_open")
	bucketSamplesPosted = []byte("samples_posted")
	bucketTemplates     = []byte("templates")
)

// SampleStage is how far a sample has gone. Values are stored; never rename.
type SampleStage string

// Sample stages. The zero stage is "redeemed, nothing recorded since".
const (
	SampleOrdered   SampleStage = ""
	SampleShipped   SampleStage = "shipped"
	SampleDelivered SampleStage = "delivered"
	SamplePosted    SampleStage = "posted"
	SampleNoContent SampleStage = "no_content"
)

// Label returns the stage as shown to people.
func (s SampleStage) Label() string {
	switch s {
	case SampleOrdered:
		return "Ordered"
	case SampleShipped:
		return "Shipped"
	case SampleDelivered:
		return "Delivered"
	case SamplePosted:
		return "Content posted"
	case SampleNoContent:
		return "Closed without content"
	}
	return string(s)
}

// Sample steps, as recorded in SampleEvent.Step and audited as "sample.STEP".
const (
	StepShipped   = "shipped"
	StepDelivered = "delivered"
	StepPosted    = "posted"
	StepExtended  = "extended"
	StepNoContent = "nocontent"
	StepReminded  = "reminded"
	StepForced    = "issued_despite_strikes"
)

// SampleEvent is one recorded step of a sample.
type SampleEvent struct {
	At     time.Time `json:"at"`
	UserID string    `json:"user_id"`
	Step   string    `json:"step"`
	Detail string    `json:"detail,omitempty"`
}

// ContentPost is one video the creator posted for the sample.
type ContentPost struct {
	URL     string    `json:"url"`
	Handle  string    `json:"handle,omitempty"`   // TikTok links: the poster's handle
	VideoID string    `json:"video_id,omitempty"` // TikTok links: the video id
	At      time.Time `json:"at"`
	UserID  string    `json:"user_id"`
	OwnerID string    `json:"owner_id,omitempty"` // credited with content_posted (first post only)
}

// Sample is the life of a redeemed voucher's sample.
type Sample struct {
	Stage        SampleStage   `json:"stage,omitempty"`
	ShippedAt    time.Time     `json:"shipped_at,omitzero"`
	Tracking     string        `json:"tracking,omitempty"`
	Courier      string        `json:"courier,omitempty"`
	DeliveredAt  time.Time     `json:"delivered_at,omitzero"`
	ExtendedDays int           `json:"extended_days,omitempty"`
	Posts        []ContentPost `json:"posts,omitempty"`
	ClosedReason string        `json:"closed_reason,omitempty"`
	RemindedAt   time.Time     `json:"reminded_at,omitzero"`
	RemindedBy   string        `json:"reminded_by,omitempty"`
	Events       []SampleEvent `json:"events,omitempty"`
}

// RedeemedAt is when v was marked redeemed (zero if it was not).
func (v *Voucher) RedeemedAt() time.Time {
	for _, e := range v.History {
		if e.Status == VoucherRedeemed {
			return e.At
		}
	}
	return time.Time{}
}

// SampleState returns v's sample, never nil for a redeemed voucher.
func (v *Voucher) SampleState() *Sample {
	if v.Sample == nil {
		return &Sample{}
	}
	return v.Sample
}

// sampleOpen reports whether v awaits content: redeemed, nothing posted,
// not closed. Only open samples are on the content clock.
func sampleOpen(v *Voucher) bool {
	if v.Status != VoucherRedeemed {
		return false
	}
	s := v.SampleState()
	return s.Stage != SamplePosted && s.Stage != SampleNoContent
}

// SamplePolicy is the content clock's configuration.
type SamplePolicy struct {
	ContentDays int // days from delivery (or redemption) to post; default 14
	RemindDays  int // days after delivery before the one reminder; default 5
	Location    *time.Location
}

func (p SamplePolicy) norm() SamplePolicy {
	if p.ContentDays <= 0 {
		p.ContentDays = 14
	}
	if p.RemindDays <= 0 {
		p.RemindDays = 5
	}
	if p.Location == nil {
		p.Location = time.UTC
	}
	return p
}

func localDay(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
}

// ClockStart is when v's content clock started: delivery, or redemption
// when no delivery is recorded. Zero for a voucher not redeemed.
func (v *Voucher) ClockStart() time.Time {
	if v.Status != VoucherRedeemed {
		return time.Time{}
	}
	if s := v.SampleState(); !s.DeliveredAt.IsZero() {
		return s.DeliveredAt
	}
	return v.RedeemedAt()
}

// DueDate is the last day (local midnight) on which the content is on
// time: the clock start's day plus ContentDays, plus an extension. Zero
// when v is not redeemed.
func (v *Voucher) DueDate(p SamplePolicy) time.Time {
	start := v.ClockStart()
	if start.IsZero() {
		return time.Time{}
	}
	p = p.norm()
	return localDay(start, p.Location).AddDate(0, 0, p.ContentDays+v.SampleState().ExtendedDays)
}

// RemindFrom is the first day the post reminder may be sent: RemindDays
// after delivery (or redemption).
func (v *Voucher) RemindFrom(p SamplePolicy) time.Time {
	start := v.ClockStart()
	if start.IsZero() {
		return time.Time{}
	}
	p = p.norm()
	return localDay(start, p.Location).AddDate(0, 0, p.RemindDays)
}

// Overdue reports whether v's sample is open and its due date has passed
// at now.
func (v *Voucher) Overdue(p SamplePolicy, now time.Time) bool {
	if !sampleOpen(v) {
		return false
	}
	p = p.norm()
	return !now.Before(v.DueDate(p).AddDate(0, 0, 1))
}

// SampleOpen reports whether v awaits content.
func (v *Voucher) SampleOpen() bool { return sampleOpen(v) }

// Limits of sample steps.
const (
	MaxTrackingLen   = 80
	MaxContentURLLen = 500
	MaxExtendDays    = 30
	DefaultExtend    = 7
	maxPostsPerVideo = 20
)

// tiktokVideo matches https://www.tiktok.com/@handle/video/123…
var tiktokVideo = regexp.MustCompile(`^/@([A-Za-z0-9._]{1,24})/(?:video|photo)/([0-9]{6,25})/?$`)

// ParseContentURL checks a posted video link: an http(s) URL with a host.
// TikTok video links are recognised, with the poster's handle and the video
// id filled in. Returns Invalid otherwise.
func ParseContentURL(s string) (ContentPost, error) {
	s = strings.Trim(strings.TrimSpace(s), "<>")
	if i := strings.IndexByte(s, '|'); i > 0 { // Slack's <url|label>
		s = s[:i]
	}
	var p ContentPost
	if s == "" {
		return p, Errorf(Invalid, "Give the link of the video the creator posted, like: /voucher %s posted https://www.tiktok.com/@sari.beauty/video/7301234567890123456", exampleVoucherCode)
	}
	if len(s) > MaxContentURLLen {
		return p, Errorf(Invalid, "That link is %d characters; a video link has at most %d.", len(s), MaxContentURLLen)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(s, " \t\n") {
		return p, Errorf(Invalid, "%s is not a link. Paste the video's http(s) address, like https://www.tiktok.com/@sari.beauty/video/7301234567890123456", quoteInput(s))
	}
	p.URL = u.String()
	host := strings.ToLower(strings.TrimPrefix(u.Hostname(), "www."))
	if host == "tiktok.com" || host == "m.tiktok.com" {
		if m := tiktokVideo.FindStringSubmatch(u.Path); m != nil {
			p.Handle, p.VideoID = strings.ToLower(m[1]), m[2]
			u.RawQuery, u.Fragment = "", "" // tracking parameters say nothing about the video
			p.URL = u.String()
		}
	}
	return p, nil
}

// IsTikTok reports whether p is a recognised TikTok video link.
func (p ContentPost) IsTikTok() bool { return p.VideoID != "" }

// SampleStep asks ApplySampleStep to record one step.
type SampleStep struct {
	Code   string
	UserID string
	Step   string // StepShipped, StepDelivered, StepPosted, StepExtended, StepNoContent or StepReminded
	// Tracking and Courier, for StepShipped (both optional).
	Tracking, Courier string
	// Date, for StepDelivered: the delivery day; zero means now.
	Date time.Time
	// URL, for StepPosted.
	URL string
	// Days, for StepExtended: 0 means DefaultExtend.
	Days int
	// Reason, for StepNoContent (required).
	Reason string
}

// ApplySampleStep records one step of a redeemed voucher's sample, with its
// audit entry, in one transaction. A step out of order is refused with
// Conflict saying where the sample stands and what to do instead, and
// nothing changes. Returns Invalid for a malformed code or input and
// NotFound for an unknown code.
func (db *DB) ApplySampleStep(ctx context.Context, st SampleStep) (*Voucher, error) {
	c, err := NormalizeVoucherCode(st.Code)
	if err != nil {
		return nil, err
	}
	if err := checkUser(st.UserID); err != nil {
		return nil, err
	}
	var post ContentPost
	switch st.Step {
	case StepShipped:
		st.Tracking = strings.TrimSpace(st.Tracking)
		st.Courier = strings.TrimSpace(st.Courier)
		if err := checkLen("The tracking number", st.Tracking, MaxTrackingLen); err != nil {
			return nil, err
		}
		if err := checkLen("The courier", st.Courier, MaxTrackingLen); err != nil {
			return nil, err
		}
	case StepPosted:
		if post, err = ParseContentURL(st.URL); err != nil {
			return nil, err
		}
	case StepExtended:
		if st.Days == 0 {
			st.Days = DefaultExtend
		}
		if st.Days < 1 || st.Days > MaxExtendDays {
			return nil, Errorf(Invalid, "An extension is 1 to %d days, like: /voucher %s extend 7", MaxExtendDays, exampleVoucherCode)
		}
	case StepNoContent:
		st.Reason = strings.TrimSpace(st.Reason)
		if st.Reason == "" {
			return nil, Errorf(Invalid, "Say why the sample is closed without content, like: /voucher %s nocontent creator stopped replying", exampleVoucherCode)
		}
		if err := checkLen("The reason", st.Reason, MaxVoucherReason); err != nil {
			return nil, err
		}
	case StepDelivered, StepReminded:
	default:
		return nil, fmt.Errorf("sample step %q", st.Step)
	}
	var v *Voucher
	err = db.update(ctx, func(tx *bolt.Tx) error {
		var err error
		if v, err = getVoucher(tx, c); err != nil {
			return err
		}
		now := db.Now()
		old := *v
		if v.Sample != nil {
			s := *v.Sample
			old.Sample = &s
		}
		if err := applyStep(tx, v, st, post, now); err != nil {
			return err
		}
		return saveSample(tx, &old, v, st.UserID, "sample."+st.Step, now)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// applyStep changes v in memory, or returns the refusal.
func applyStep(tx *bolt.Tx, v *Voucher, st SampleStep, post ContentPost, now time.Time) error {
	switch v.Status {
	case VoucherIssued:
		return Errorf(Conflict, "%s has not been redeemed yet, so there is no sample to %s. When the creator has ordered it, mark it redeemed first: /voucher redeem %s", v.Code, stepVerb(st.Step), v.Code)
	case VoucherExpired:
		return Errorf(Conflict, "%s expired unused, so no sample was sent; nothing to %s.", v.Code, stepVerb(st.Step))
	case VoucherRevoked:
		return Errorf(Conflict, "%s was revoked (%s), so it has no sample; nothing to %s.", v.Code, v.Last().Reason, stepVerb(st.Step))
	}
	if v.Sample == nil {
		v.Sample = &Sample{}
	}
	s := v.Sample
	closed := func() error {
		if s.Stage == SampleNoContent {
			return Errorf(Conflict, "%s was closed without content (%s); it takes no more steps.", v.Code, s.ClosedReason)
		}
		return nil
	}
	detail := ""
	switch st.Step {
	case StepShipped:
		if err := closed(); err != nil {
			return err
		}
		if s.Stage != SampleOrdered && s.Stage != SampleShipped {
			return Errorf(Conflict, "%s is already %s, so it cannot be marked shipped.", v.Code, strings.ToLower(s.Stage.Label()))
		}
		s.Stage, s.ShippedAt = SampleShipped, now
		if st.Tracking != "" {
			s.Tracking = st.Tracking
		}
		if st.Courier != "" {
			s.Courier = st.Courier
		}
		switch {
		case s.Tracking != "" && s.Courier != "":
			detail = "tracking " + s.Tracking + " via " + s.Courier
		case s.Tracking != "":
			detail = "tracking " + s.Tracking
		case s.Courier != "":
			detail = "via " + s.Courier
		}
	case StepDelivered:
		if err := closed(); err != nil {
			return err
		}
		if s.Stage != SampleOrdered && s.Stage != SampleShipped {
			return Errorf(Conflict, "%s is already %s, so it cannot be marked delivered.", v.Code, strings.ToLower(s.Stage.Label()))
		}
		at := now
		if !st.Date.IsZero() {
			at = st.Date
			if at.After(now) {
				return Errorf(Invalid, "The delivery date is in the future; give today or an earlier day.")
			}
			if red := v.RedeemedAt(); at.Before(localDayStart(red)) {
				return Errorf(Invalid, "%s was redeemed on %s, so it cannot have been delivered before that.", v.Code, red.Format("2006-01-02"))
			}
		}
		s.Stage, s.DeliveredAt = SampleDelivered, at
		detail = at.Format(time.RFC3339)
	case StepPosted:
		if err := closed(); err != nil {
			return err
		}
		for _, p := range s.Posts {
			if p.URL == post.URL {
				return Errorf(Conflict, "That video is already recorded for %s.", v.Code)
			}
		}
		if len(s.Posts) >= maxPostsPerVideo {
			return Errorf(Conflict, "%s already has %d videos recorded, the most one sample keeps.", v.Code, maxPostsPerVideo)
		}
		post.At, post.UserID = now, st.UserID
		if len(s.Posts) == 0 {
			owner, err := creditedOwner(tx, v)
			if err != nil {
				return err
			}
			post.OwnerID = owner
		}
		s.Posts = append(s.Posts, post)
		s.Stage = SamplePosted
		detail = post.URL
	case StepExtended:
		if err := closed(); err != nil {
			return err
		}
		if s.Stage == SamplePosted {
			return Errorf(Conflict, "%s already has content posted; there is no deadline to extend.", v.Code)
		}
		if s.ExtendedDays > 0 {
			return Errorf(Conflict, "%s was already extended once, by %d days; a sample gets one extension.", v.Code, s.ExtendedDays)
		}
		s.ExtendedDays = st.Days
		detail = fmt.Sprintf("%d days", st.Days)
	case StepNoContent:
		if err := closed(); err != nil {
			return err
		}
		if s.Stage == SamplePosted {
			return Errorf(Conflict, "%s already has content posted, so it cannot be closed without content.", v.Code)
		}
		s.Stage, s.ClosedReason = SampleNoContent, st.Reason
		detail = st.Reason
	case StepReminded:
		if !sampleOpen(v) {
			return Errorf(Conflict, "%s is %s; it needs no reminder.", v.Code, strings.ToLower(s.Stage.Label()))
		}
		if !s.RemindedAt.IsZero() {
			return Errorf(Conflict, "%s was already reminded on %s; a sample gets one reminder.", v.Code, s.RemindedAt.Format("2006-01-02"))
		}
		s.RemindedAt, s.RemindedBy = now, st.UserID
	}
	s.Events = append(s.Events, SampleEvent{At: now, UserID: st.UserID, Step: st.Step, Detail: detail})
	v.UpdatedAt = now
	return nil
}

// localDayStart is the start of t's UTC day minus 14 h: a generous lower
// bound for "that day" in any time zone, so a delivery date typed as the
// local redemption day is never refused.
func localDayStart(t time.Time) time.Time {
	return t.UTC().Truncate(24 * time.Hour).Add(-14 * time.Hour)
}

func stepVerb(step string) string {
	switch step {
	case StepShipped:
		return "mark shipped"
	case StepDelivered:
		return "mark delivered"
	case StepPosted:
		return "record content for"
	case StepExtended:
		return "extend"
	case StepNoContent:
		return "close"
	case StepReminded:
		return "remind about"
	}
	return step
}

// creditedOwner is who gets content_posted for v: the creator's owner, or
// the issuer when the creator has none.
func creditedOwner(tx *bolt.Tx, v *Voucher) (string, error) {
	c, err := getCreator(tx, v.Handle)
	if ErrorCode(err) == NotFound {
		return v.IssuerID, nil
	} else if err != nil {
		return "", err
	}
	if c.OwnerID != "" {
		return c.OwnerID, nil
	}
	return v.IssuerID, nil
}

// sampleCounts is what v adds to its campaign's sample counters.
func sampleCounts(v *Voucher) (delivered, posted, videos int) {
	if v == nil || v.Status != VoucherRedeemed {
		return 0, 0, 0
	}
	s := v.SampleState()
	if !s.DeliveredAt.IsZero() || len(s.Posts) > 0 {
		delivered = 1
	}
	if len(s.Posts) > 0 {
		posted = 1
	}
	return delivered, posted, len(s.Posts)
}

// countSample moves c's delivered, posted and videos counters from old
// (nil for none) to v. Received moves with the redemption itself.
func (c *Campaign) countSample(old, v *Voucher) {
	d0, p0, n0 := sampleCounts(old)
	d1, p1, n1 := sampleCounts(v)
	c.Delivered += d1 - d0
	c.Posted += p1 - p0
	c.Videos += n1 - n0
	if old == nil && v.Status == VoucherRedeemed {
		c.Received++
	}
}

// saveSample writes v after a sample step: the record, its campaign's
// counters, the two sample indexes and the audit entry (stages before and
// after, with the detail).
func saveSample(tx *bolt.Tx, old, v *Voucher, userID, action string, now time.Time) error {
	if err := putVoucher(tx, v); err != nil {
		return err
	}
	if v.Campaign != "" {
		c, err := getCampaign(tx, v.Campaign)
		if err != nil {
			return err
		}
		c.countSample(old, v)
		if err := putCampaign(tx, c); err != nil {
			return err
		}
	}
	if err := indexSample(tx, v); err != nil {
		return err
	}
	before, after := string(old.SampleState().Stage), string(v.Sample.Stage)
	if before == "" {
		before = "ordered"
	}
	if after == "" {
		after = "ordered"
	}
	if ev := v.Sample.Events; len(ev) > 0 && ev[len(ev)-1].Detail != "" {
		after += ": " + ev[len(ev)-1].Detail
	}
	return audit(tx, AuditEntry{At: now, UserID: userID, Action: action, Entity: VoucherEntity(v.Code), Before: before, After: after})
}

func samplePostedKey(v *Voucher) ([]byte, []byte, bool) {
	s := v.SampleState()
	if v.Status != VoucherRedeemed || len(s.Posts) == 0 {
		return nil, nil, false
	}
	p := s.Posts[0]
	return key(timeKey(p.At), []byte(v.Code)), []byte(p.OwnerID), true
}

// openValue is v's samples_open value: what the overdue count of a
// campaign needs, so it is computed from index values alone.
func openValue(v *Voucher) []byte {
	return key(itob(timeNanos(v.ClockStart())), itob(uint64(v.SampleState().ExtendedDays)), []byte(v.Campaign))
}

// parseOpenValue reads an openValue.
func parseOpenValue(b []byte) (start time.Time, extended int, campaign string, ok bool) {
	if len(b) < 16 {
		return time.Time{}, 0, "", false
	}
	return time.Unix(0, int64(btoi(b[:8]))).UTC(), int(btoi(b[8:16])), string(b[16:]), true
}

// indexSample sets v's membership of samples_open (with its value) and
// samples_posted. A first post never changes, so a posted entry is only
// ever added.
func indexSample(tx *bolt.Tx, v *Voucher) error {
	open := tx.Bucket(bucketSamplesOpen)
	if sampleOpen(v) {
		if err := open.Put([]byte(v.Code), openValue(v)); err != nil {
			return fmt.Errorf("index open sample %s: %w", v.Code, err)
		}
	} else if err := open.Delete([]byte(v.Code)); err != nil {
		return err
	}
	if k, owner, ok := samplePostedKey(v); ok {
		if err := tx.Bucket(bucketSamplesPosted).Put(k, owner); err != nil {
			return fmt.Errorf("index posted sample %s: %w", v.Code, err)
		}
	}
	return nil
}

// backfillSamples is the migration that puts every redeemed voucher on the
// content clock and counts each campaign's samples.
func backfillSamples(tx *bolt.Tx) error {
	camps := map[string]*Campaign{}
	err := tx.Bucket(bucketVouchers).ForEach(func(k, raw []byte) error {
		var v Voucher
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("voucher %s: %w", k, err)
		}
		if v.Campaign != "" {
			c := camps[v.Campaign]
			if c == nil {
				var err error
				if c, err = getCampaign(tx, v.Campaign); err != nil {
					return err
				}
				c.Received, c.Delivered, c.Posted, c.Videos = 0, 0, 0, 0
				camps[v.Campaign] = c
			}
			c.countSample(nil, &v)
		}
		return indexSample(tx, &v)
	})
	if err != nil {
		return err
	}
	for _, c := range camps {
		if err := putCampaign(tx, c); err != nil {
			return err
		}
	}
	return nil
}

// checkSampleIndexes verifies samples_open and samples_posted against the
// vouchers. Check calls it.
func checkSampleIndexes(tx *bolt.Tx) error {
	nOpen, nPosted := 0, 0
	open, posted := tx.Bucket(bucketSamplesOpen), tx.Bucket(bucketSamplesPosted)
	err := tx.Bucket(bucketVouchers).ForEach(func(k, raw []byte) error {
		var v Voucher
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("voucher %s: %w", k, err)
		}
		if sampleOpen(&v) {
			nOpen++
			if !bytes.Equal(open.Get(k), openValue(&v)) {
				return fmt.Errorf("voucher %s: open sample missing or stale in %s", k, bucketSamplesOpen)
			}
		}
		if pk, owner, ok := samplePostedKey(&v); ok {
			nPosted++
			if !bytes.Equal(posted.Get(pk), owner) {
				return fmt.Errorf("voucher %s: wrong or missing %s entry", k, bucketSamplesPosted)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if got := open.Stats().KeyN; got != nOpen {
		return fmt.Errorf("%s has %d entries, want %d", bucketSamplesOpen, got, nOpen)
	}
	if got := posted.Stats().KeyN; got != nPosted {
		return fmt.Errorf("%s has %d entries, want %d", bucketSamplesPosted, got, nPosted)
	}
	return nil
}
