package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Voucher buckets (doc.go draws their keys).
var (
	bucketVouchers           = []byte("vouchers")
	bucketVouchersByCreator  = []byte("vouchers_by_creator")
	bucketVouchersByCampaign = []byte("vouchers_by_campaign")
	bucketVouchersByIssuer   = []byte("vouchers_by_issuer")
	bucketVouchersByTime     = []byte("vouchers_by_time")
	bucketVouchersByExpiry   = []byte("vouchers_by_expiry")
	bucketVoucherIdem        = []byte("voucher_idem")
	bucketCampaigns          = []byte("campaigns")
)

// VoucherStatus is where a voucher stands. Values are stored; never rename.
type VoucherStatus string

// Voucher statuses. A voucher starts Issued and ends in one of the others.
const (
	VoucherIssued   VoucherStatus = "issued"
	VoucherRedeemed VoucherStatus = "redeemed"
	VoucherExpired  VoucherStatus = "expired"
	VoucherRevoked  VoucherStatus = "revoked"
)

// Label returns the status as shown to people.
func (s VoucherStatus) Label() string {
	switch s {
	case VoucherIssued:
		return "Issued"
	case VoucherRedeemed:
		return "Redeemed"
	case VoucherExpired:
		return "Expired"
	case VoucherRevoked:
		return "Revoked"
	}
	return string(s)
}

// VoucherEvent is one step in a voucher's life. UserID is empty for the
// expiry job.
type VoucherEvent struct {
	At     time.Time     `json:"at"`
	UserID string        `json:"user_id,omitempty"`
	Status VoucherStatus `json:"status"`
	Reason string        `json:"reason,omitempty"`
}

// Voucher is a sample voucher: money the team gives one creator for one
// product. Code is its key. Campaign is "" for a voucher outside any
// campaign. ExpiresAt is the first instant it is no longer valid. History
// holds every status change, the issue included, oldest first.
type Voucher struct {
	Code      string         `json:"code"`
	Handle    string         `json:"handle"`
	Product   string         `json:"product"`
	Value     Money          `json:"value"`
	Currency  string         `json:"currency"`
	Campaign  string         `json:"campaign,omitempty"`
	ExpiresAt time.Time      `json:"expires_at"`
	Note      string         `json:"note,omitempty"`
	IssuerID  string         `json:"issuer_id"`
	IssuedAt  time.Time      `json:"issued_at"`
	Status    VoucherStatus  `json:"status"`
	UpdatedAt time.Time      `json:"updated_at"`
	History   []VoucherEvent `json:"history"`
	IdemKey   string         `json:"idem_key,omitempty"`
	// Sample is the sample's life after redemption (sample.go); nil until
	// its first step.
	Sample *Sample `json:"sample,omitempty"`
	// StrikeOverride is how many overdue samples the creator had when the
	// issuer chose to issue anyway; 0 when there was no warning.
	StrikeOverride int `json:"strike_override,omitempty"`
}

// Last returns the newest history event.
func (v *Voucher) Last() VoucherEvent {
	if len(v.History) == 0 {
		return VoucherEvent{}
	}
	return v.History[len(v.History)-1]
}

// Campaign is a named budget for vouchers. Issued is the value of every
// voucher of the campaign that is not revoked (expired ones included: the
// money was promised), Redeemed the value of redeemed ones. Both are kept
// in the same transaction as the vouchers, so a budget check reads one
// record.
type Campaign struct {
	Name     string `json:"name"`
	Budget   Money  `json:"budget"`
	Issued   Money  `json:"issued"`
	Redeemed Money  `json:"redeemed"`
	Count    int    `json:"count"` // Vouchers not revoked.
	// Sample counters (sample.go): redeemed vouchers, of which delivery
	// recorded (or content posted), with content, and videos recorded.
	Received  int       `json:"received,omitempty"`
	Delivered int       `json:"delivered,omitempty"`
	Posted    int       `json:"posted,omitempty"`
	Videos    int       `json:"videos,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
	// Lifecycle (campaign.go): closed by an admin, and the last day it
	// takes vouchers (YYYY-MM-DD in the team's zone, "" = no end).
	ClosedAt time.Time `json:"closed_at,omitzero"`
	ClosedBy string    `json:"closed_by,omitempty"`
	EndsOn   string    `json:"ends_on,omitempty"`
}

// Remaining is the budget left to issue.
func (c *Campaign) Remaining() Money { return c.Budget - c.Issued }

// Audit actions of vouchers and campaigns.
const (
	ActionVoucherIssue   = "voucher.issue"   // After: the new voucher.
	ActionVoucherRedeem  = "voucher.redeem"  // Before/After: status.
	ActionVoucherExpire  = "voucher.expire"  // Before/After: status.
	ActionVoucherRevoke  = "voucher.revoke"  // Before/After: status; After ends with the reason.
	ActionCampaignBudget = "campaign.budget" // Before/After: the budget in minor units.
)

// VoucherEntity returns the audit entity of a voucher, "voucher:SMP-…".
func VoucherEntity(code string) string { return "voucher:" + code }

// CampaignEntity returns the audit entity of a campaign, "campaign:11.11".
func CampaignEntity(name string) string { return "campaign:" + name }

// Refusal kinds of IssueVoucher. Each refusal is an *Error with Code
// Conflict whose message names the rule, and matches one of these with
// errors.Is.
var (
	ErrVoucherBudget       = errors.New("campaign budget exceeded")
	ErrVoucherCreatorLimit = errors.New("per-creator voucher limit reached")
	ErrVoucherDailyCap     = errors.New("issuer daily cap reached")
	ErrVoucherIdemConflict = errors.New("idempotency key reused with different input")
)

func refusal(kind error, field, format string, args ...any) error {
	return onField(field, &codeError{kind: kind, err: Errorf(Conflict, format, args...)})
}

// Limits of vouchers and campaigns.
const (
	MaxCampaignLen     = 40
	MaxVoucherDays     = 365
	MaxVoucherReason   = 500
	maxIdemKeyLen      = 256
	maxCodeDraws       = 16
	DefaultPerCreator  = 1
	campaignNameRules  = "A campaign name has 1–40 letters, digits, dots, dashes or underscores, like 11.11 or ramadan-2026."
	exampleVoucherText = "/voucher @sari.beauty Glow Serum 150k"
)

// NormalizeCampaign returns the campaign name in canonical form: trimmed
// and lower case. Returns Invalid for anything else than 1–40 ASCII
// letters, digits, ".", "-" and "_".
func NormalizeCampaign(s string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	if n == "" || len(n) > MaxCampaignLen {
		return "", Errorf(Invalid, "%s is not a campaign name. %s", quoteInput(s), campaignNameRules)
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !isASCIIDigit(c) && !('a' <= c && c <= 'z') && c != '.' && c != '-' && c != '_' {
			return "", Errorf(Invalid, "%s is not a campaign name. %s", quoteInput(s), campaignNameRules)
		}
	}
	return n, nil
}

// VoucherInput asks IssueVoucher for one voucher.
type VoucherInput struct {
	IssuerID string
	Handle   string // Raw or normalised.
	Product  string
	Value    Money
	Currency Currency
	Campaign string // "" for none; else must exist (see SetCampaignBudget).
	// ExpiresAt is the first instant the voucher is invalid; it must be in
	// the future and at most MaxVoucherDays away.
	ExpiresAt time.Time
	Note      string

	// PerCreator is how many live (not revoked) vouchers one creator may
	// hold for the same product in the same campaign; 0 means
	// DefaultPerCreator.
	PerCreator int
	// DailyCap is how many vouchers one issuer may issue per day in
	// Location; 0 turns the cap off.
	DailyCap int
	Location *time.Location

	// IdemKey makes the call idempotent: a second call with the same key
	// returns the voucher of the first instead of issuing another. Callers
	// pass something unique to one user action, such as a view ID and hash.
	IdemKey string
	// Rand is the source of code randomness; nil means crypto/rand.
	Rand io.Reader
	// StrikeOverride, when > 0, records that the issuer was warned of
	// that many overdue samples and issued anyway.
	StrikeOverride int
}

// validate checks nv and returns the normalised handle, campaign, product
// and note.
func (nv VoucherInput) validate() (h, campaign, product, note string, err error) {
	if err = checkUser(nv.IssuerID); err != nil {
		return
	}
	if h, err = NormalizeHandle(nv.Handle); err != nil {
		err = onField(FieldCreator, err)
		return
	}
	product = strings.TrimSpace(nv.Product)
	if product == "" {
		err = onField(FieldProduct, Errorf(Invalid, "Say which product the voucher is for (a name or SKU), like: %s", exampleVoucherText))
		return
	}
	if err = checkLen("The product", product, MaxProductLen); err != nil {
		err = onField(FieldProduct, err)
		return
	}
	note = strings.TrimSpace(nv.Note)
	if err = checkLen("The note", note, MaxNoteLen); err != nil {
		err = onField(FieldNote, err)
		return
	}
	if nv.Currency.Code == "" {
		err = fmt.Errorf("issue voucher: no currency")
		return
	}
	if nv.Value <= 0 || nv.Value > nv.Currency.Max() {
		err = onField(FieldValue, Errorf(Invalid, "The value must be more than zero and at most %s.", nv.Currency.Max().Format(nv.Currency)))
		return
	}
	if nv.Campaign != "" {
		if campaign, err = NormalizeCampaign(nv.Campaign); err != nil {
			err = onField(FieldCampaign, err)
			return
		}
	}
	if len(nv.IdemKey) > maxIdemKeyLen {
		err = fmt.Errorf("issue voucher: idempotency key of %d bytes", len(nv.IdemKey))
		return
	}
	if nv.PerCreator < 0 || nv.DailyCap < 0 {
		err = fmt.Errorf("issue voucher: negative limit")
	}
	return
}

// fingerprint identifies the input of an idempotent request, so a reused
// key with other input is told apart from a redelivery.
func (nv VoucherInput) fingerprint(h, campaign, product string) string {
	s := sha256.Sum256([]byte(strings.Join([]string{h, campaign, strings.ToLower(product),
		fmt.Sprint(int64(nv.Value)), nv.IssuerID}, "\x00")))
	return hex.EncodeToString(s[:8])
}

// IssueVoucher issues one voucher in one transaction, which enforces every
// rule against the state it commits on, so concurrent calls can never
// overspend:
//
//   - the campaign budget: the value must fit in Budget − Issued;
//   - the per-creator limit: at most PerCreator live vouchers per creator
//     for the same product (case-insensitive) in the same campaign;
//   - the issuer's daily cap, if DailyCap > 0.
//
// The code is drawn from crypto/rand and checked for uniqueness against
// every code ever issued, in the same transaction. The creator is recorded
// if new. The issue is audited.
//
// If IdemKey was used before, the first voucher is returned with
// existed = true and nothing is written; if the earlier call had different
// input, Conflict matching ErrVoucherIdemConflict.
//
// Returns Invalid for bad input or an expiry in the past or beyond
// MaxVoucherDays, NotFound for an unknown campaign, and Conflict matching
// ErrVoucherBudget, ErrVoucherCreatorLimit or ErrVoucherDailyCap for a
// refusal, with a message that names the rule and the remaining budget.
func (db *DB) IssueVoucher(ctx context.Context, nv VoucherInput) (v *Voucher, existed bool, err error) {
	h, campaign, product, note, err := nv.validate()
	if err != nil {
		return nil, false, err
	}
	perCreator := nv.PerCreator
	if perCreator == 0 {
		perCreator = DefaultPerCreator
	}
	loc := nv.Location
	if loc == nil {
		loc = time.UTC
	}
	cur := nv.Currency
	fp := nv.fingerprint(h, campaign, product)
	err = db.batch(ctx, func(tx *bolt.Tx) error {
		v, existed = nil, false
		if nv.IdemKey != "" {
			if code := tx.Bucket(bucketVoucherIdem).Get([]byte(nv.IdemKey)); code != nil {
				prev, err := getVoucher(tx, string(code))
				if err != nil {
					return err
				}
				if !bytes.HasSuffix([]byte(prev.IdemKey), []byte("#"+fp)) {
					return refusal(ErrVoucherIdemConflict, FieldIdemKey, "This form already issued %s, with other details. Open a new form to issue another voucher.", prev.Code)
				}
				v, existed = prev, true
				return nil
			}
		}
		now := db.Now()
		switch {
		case !nv.ExpiresAt.After(now):
			return onField(FieldExpires, Errorf(Invalid, "The expiry date has passed; pick a date from today on."))
		case nv.ExpiresAt.Sub(now) > (MaxVoucherDays+1)*24*time.Hour:
			return onField(FieldExpires, Errorf(Invalid, "A voucher can be valid for at most %d days; pick an earlier expiry date.", MaxVoucherDays))
		}
		var camp *Campaign
		if campaign != "" {
			var err error
			if camp, err = getCampaign(tx, campaign); err != nil {
				return onField(FieldCampaign, err)
			}
			if err := checkCampaignOpen(camp, now, loc); err != nil {
				return err
			}
			if nv.Value > camp.Remaining() {
				return refusal(ErrVoucherBudget, FieldValue, "Refused by the campaign budget rule: %s has %s left of its %s budget, and this voucher is %s. "+
					"Issue a smaller value, or ask an admin to raise the budget with /voucher budget %s AMOUNT.",
					campaign, max(camp.Remaining(), 0).Format(cur), camp.Budget.Format(cur), nv.Value.Format(cur), campaign)
			}
		}
		held, err := liveVouchersFor(tx, h, campaign, product)
		if err != nil {
			return err
		}
		if len(held) >= perCreator {
			return refusal(ErrVoucherCreatorLimit, FieldCreator, "Refused by the per-creator limit: @%s already has %s for %s%s (at most %d per creator, product and campaign). "+
				"Revoke it first if it should be replaced.%s",
				h, held[0].Code, product, campaignPhrase(campaign), perCreator, remainingPhrase(camp, cur))
		}
		if nv.DailyCap > 0 {
			n := issuedOn(tx, nv.IssuerID, now, loc)
			if n >= nv.DailyCap {
				return refusal(ErrVoucherDailyCap, FieldDailyCap, "Refused by the daily cap: you have issued %d vouchers today, the most one person may issue per day. "+
					"Try again tomorrow or ask an admin.%s", n, remainingPhrase(camp, cur))
			}
		}
		code, err := newUniqueCode(tx, nv.Rand)
		if err != nil {
			return err
		}
		if _, _, err := ensureCreator(tx, h, nv.IssuerID, now); err != nil {
			return err
		}
		v = &Voucher{
			Code: code, Handle: h, Product: product, Value: nv.Value, Currency: cur.Code, Campaign: campaign,
			ExpiresAt: nv.ExpiresAt.UTC(), Note: note, IssuerID: nv.IssuerID, IssuedAt: now, Status: VoucherIssued,
			UpdatedAt: now, History: []VoucherEvent{{At: now, UserID: nv.IssuerID, Status: VoucherIssued}},
			StrikeOverride: max(nv.StrikeOverride, 0),
		}
		if nv.IdemKey != "" {
			v.IdemKey = nv.IdemKey + "#" + fp
			if err := tx.Bucket(bucketVoucherIdem).Put([]byte(nv.IdemKey), []byte(code)); err != nil {
				return fmt.Errorf("voucher idempotency key: %w", err)
			}
		}
		if camp != nil {
			camp.Issued += v.Value
			camp.Count++
			if err := putCampaign(tx, camp); err != nil {
				return err
			}
		}
		return createVoucher(tx, v)
	})
	if err != nil {
		return nil, false, err
	}
	return v, existed, nil
}

func campaignPhrase(c string) string {
	if c == "" {
		return " outside any campaign"
	}
	return " in campaign " + c
}

func remainingPhrase(c *Campaign, cur Currency) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf(" Campaign %s has %s left of %s.", c.Name, max(c.Remaining(), 0).Format(cur), c.Budget.Format(cur))
}

// newUniqueCode draws codes until one is not in the vouchers bucket. With
// 31^11 codes a second draw is already a near impossibility; the bound
// only guards against a broken random source.
func newUniqueCode(tx *bolt.Tx, r io.Reader) (string, error) {
	b := tx.Bucket(bucketVouchers)
	for range maxCodeDraws {
		code, err := NewVoucherCode(DefaultVoucherPrefix, r)
		if err != nil {
			return "", err
		}
		if b.Get([]byte(code)) == nil {
			return code, nil
		}
	}
	return "", fmt.Errorf("voucher code: %d draws were all taken; is the random source broken?", maxCodeDraws)
}

// liveVouchersFor returns the creator's vouchers in campaign for product
// (case-insensitive) that are not revoked.
func liveVouchersFor(tx *bolt.Tx, h, campaign, product string) ([]Voucher, error) {
	var out []Voucher
	records := tx.Bucket(bucketVouchers)
	prefix := strPrefix(h)
	err := scan(tx.Bucket(bucketVouchersByCreator), prefix, prefixEnd(prefix), func(k, _ []byte) (bool, error) {
		v, err := loadVoucher(records, k[len(prefix)+8:])
		if err != nil {
			return false, err
		}
		if v.Status != VoucherRevoked && v.Campaign == campaign && strings.EqualFold(v.Product, product) {
			out = append(out, v)
		}
		return true, nil
	})
	return out, err
}

// issuedOn counts the vouchers issuerID issued on now's day in loc. It
// reads index keys only.
func issuedOn(tx *bolt.Tx, issuerID string, now time.Time, loc *time.Location) int {
	l := now.In(loc)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	prefix := strPrefix(issuerID)
	n := 0
	_ = scan(tx.Bucket(bucketVouchersByIssuer), key(prefix, timeKey(day)), key(prefix, timeKey(day.AddDate(0, 0, 1))),
		func(_, _ []byte) (bool, error) { n++; return true, nil })
	return n
}

// SetCampaignBudget creates campaign name with the given budget, or
// changes its budget, and audits the change. The caller checks that userID
// is an admin. Returns Invalid for a bad name or a budget that is not
// positive, and Conflict for a budget below what the campaign has already
// issued.
func (db *DB) SetCampaignBudget(ctx context.Context, name string, budget Money, cur Currency, userID string) (*Campaign, error) {
	n, err := NormalizeCampaign(name)
	if err != nil {
		return nil, err
	}
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	if budget <= 0 || budget > cur.Max() {
		return nil, Errorf(Invalid, "A budget must be more than zero and at most %s.", cur.Max().Format(cur))
	}
	var c *Campaign
	err = db.update(ctx, func(tx *bolt.Tx) error {
		now := db.Now()
		var err error
		c, err = getCampaign(tx, n)
		before := ""
		switch {
		case ErrorCode(err) == NotFound:
			c = &Campaign{Name: n, CreatedAt: now}
		case err != nil:
			return err
		default:
			before = fmt.Sprint(int64(c.Budget))
		}
		if budget < c.Issued {
			return Errorf(Conflict, "Campaign %s has already issued %s, so its budget cannot be %s. Set at least %s (exactly that stops new vouchers), or revoke vouchers first.",
				n, c.Issued.Format(cur), budget.Format(cur), c.Issued.Format(cur))
		}
		c.Budget, c.UpdatedAt, c.UpdatedBy = budget, now, userID
		if err := putCampaign(tx, c); err != nil {
			return err
		}
		return audit(tx, AuditEntry{At: now, UserID: userID, Action: ActionCampaignBudget, Entity: CampaignEntity(n),
			Before: before, After: fmt.Sprint(int64(budget))})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// RedeemVoucher marks an issued voucher as redeemed by userID. Returns
// Invalid for a malformed or mistyped code (see NormalizeVoucherCode),
// NotFound for an unknown code, and Conflict if the voucher is not issued
// or has passed its expiry.
func (db *DB) RedeemVoucher(ctx context.Context, code, userID string) (*Voucher, error) {
	return db.changeVoucher(ctx, code, userID, VoucherRedeemed, "", ActionVoucherRedeem)
}

// RevokeVoucher revokes an issued or expired voucher with a reason and
// returns its value to the campaign budget. The caller checks that userID
// is an admin. Returns Invalid for a bad code or an empty reason, NotFound
// for an unknown code and Conflict for a redeemed or revoked voucher.
func (db *DB) RevokeVoucher(ctx context.Context, code, userID, reason string) (*Voucher, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, Errorf(Invalid, "Give a reason after the code, like: /voucher revoke %s creator cancelled", exampleVoucherCode)
	}
	if err := checkLen("The reason", reason, MaxVoucherReason); err != nil {
		return nil, err
	}
	return db.changeVoucher(ctx, code, userID, VoucherRevoked, reason, ActionVoucherRevoke)
}

func (db *DB) changeVoucher(ctx context.Context, code, userID string, to VoucherStatus, reason, action string) (*Voucher, error) {
	c, err := NormalizeVoucherCode(code)
	if err != nil {
		return nil, err
	}
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	var v *Voucher
	err = db.batch(ctx, func(tx *bolt.Tx) error {
		var err error
		if v, err = getVoucher(tx, c); err != nil {
			return err
		}
		now := db.Now()
		if err := transitionAllowed(v, to, now); err != nil {
			return err
		}
		return setVoucherStatus(tx, v, to, userID, reason, action, now)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// transitionAllowed returns Conflict, saying what happened before, when v
// may not move to status to at now.
func transitionAllowed(v *Voucher, to VoucherStatus, now time.Time) error {
	switch {
	case v.Status == VoucherRedeemed:
		return Errorf(Conflict, "%s was already redeemed.", v.Code)
	case v.Status == VoucherRevoked:
		return Errorf(Conflict, "%s was revoked: %s.", v.Code, v.Last().Reason)
	case to == VoucherRedeemed && (v.Status == VoucherExpired || !now.Before(v.ExpiresAt)):
		return Errorf(Conflict, "%s has expired and can no longer be redeemed. Issue a new voucher if the creator still needs one.", v.Code)
	case to == VoucherExpired && v.Status != VoucherIssued:
		return Errorf(Conflict, "%s is %s, not issued.", v.Code, v.Status)
	}
	return nil
}

// setVoucherStatus applies a status change to v with its indexes, campaign
// totals and audit entry.
func setVoucherStatus(tx *bolt.Tx, v *Voucher, to VoucherStatus, userID, reason, action string, now time.Time) error {
	from := v.Status
	v.Status, v.UpdatedAt = to, now
	v.History = append(v.History, VoucherEvent{At: now, UserID: userID, Status: to, Reason: reason})
	if v.Campaign != "" {
		c, err := getCampaign(tx, v.Campaign)
		if err != nil {
			return err
		}
		switch to {
		case VoucherRedeemed:
			c.Redeemed += v.Value
			c.Received++
		case VoucherRevoked:
			c.Issued -= v.Value
			c.Count--
		}
		if err := putCampaign(tx, c); err != nil {
			return err
		}
	}
	if err := putVoucher(tx, v); err != nil {
		return err
	}
	if err := indexVoucherCredited(tx, v); err != nil {
		return err
	}
	if err := indexSample(tx, v); err != nil {
		return err
	}
	if err := tx.Bucket(bucketVouchersByExpiry).Delete(voucherExpiryKey(v)); err != nil {
		return fmt.Errorf("unindex expiry of %s: %w", v.Code, err)
	}
	after := string(to)
	if reason != "" {
		after += ": " + reason
	}
	return audit(tx, AuditEntry{At: now, UserID: userID, Action: action, Entity: VoucherEntity(v.Code),
		Before: string(from), After: after})
}

// ExpireVouchers marks every issued voucher whose expiry is at or before
// now as expired, in one transaction, and returns them. Their value stays
// counted against the campaign: only a revoke returns budget. It reads only
// the expiry index entries that are due.
func (db *DB) ExpireVouchers(ctx context.Context) ([]Voucher, error) {
	var out []Voucher
	err := db.update(ctx, func(tx *bolt.Tx) error {
		out = nil
		now := db.Now()
		var due [][]byte
		err := scan(tx.Bucket(bucketVouchersByExpiry), nil, key(timeKey(now), []byte{0xff}), func(k, _ []byte) (bool, error) {
			due = append(due, bytes.Clone(k[8:]))
			return true, nil
		})
		if err != nil {
			return err
		}
		// Collected first: setVoucherStatus deletes from the scanned index.
		for _, code := range due {
			v, err := getVoucher(tx, string(code))
			if err != nil {
				return err
			}
			if err := setVoucherStatus(tx, v, VoucherExpired, "", "", ActionVoucherExpire, now); err != nil {
				return err
			}
			out = append(out, *v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// createVoucher writes a new voucher, its index entries and its audit
// entry.
func createVoucher(tx *bolt.Tx, v *Voucher) error {
	if err := putVoucher(tx, v); err != nil {
		return err
	}
	idx := []struct {
		b   []byte
		k   []byte
		val []byte
	}{
		{bucketVouchersByCreator, voucherCreatorKey(v), nil},
		{bucketVouchersByCampaign, voucherCampaignKey(v), nil},
		{bucketVouchersByIssuer, voucherIssuerKey(v), nil},
		{bucketVouchersByTime, voucherTimeKey(v), nil},
		{bucketVouchersByExpiry, voucherExpiryKey(v), nil},
	}
	for _, e := range idx {
		if err := tx.Bucket(e.b).Put(e.k, []byte{}); err != nil {
			return fmt.Errorf("index voucher %s in %s: %w", v.Code, e.b, err)
		}
	}
	if err := indexVoucherCredited(tx, v); err != nil {
		return err
	}
	if err := indexSample(tx, v); err != nil { // an imported voucher may already be redeemed
		return err
	}
	return auditChange(tx, AuditEntry{At: v.IssuedAt, UserID: v.IssuerID, Action: ActionVoucherIssue,
		Entity: VoucherEntity(v.Code)}, nil, v)
}

// Voucher index keys. Codes have a fixed shape, so they end keys without a
// separator.
func voucherCreatorKey(v *Voucher) []byte {
	return key(strPrefix(v.Handle), timeKey(v.IssuedAt), []byte(v.Code))
}
func voucherCampaignKey(v *Voucher) []byte {
	return key(strPrefix(v.Campaign), timeKey(v.IssuedAt), []byte(v.Code))
}
func voucherIssuerKey(v *Voucher) []byte {
	return key(strPrefix(v.IssuerID), timeKey(v.IssuedAt), []byte(v.Code))
}
func voucherTimeKey(v *Voucher) []byte   { return key(timeKey(v.IssuedAt), []byte(v.Code)) }
func voucherExpiryKey(v *Voucher) []byte { return key(timeKey(v.ExpiresAt), []byte(v.Code)) }

func putVoucher(tx *bolt.Tx, v *Voucher) error {
	if err := putJSON(tx.Bucket(bucketVouchers), []byte(v.Code), v); err != nil {
		return fmt.Errorf("put voucher %s: %w", v.Code, err)
	}
	return nil
}

// getVoucher loads a voucher by canonical code; NotFound if missing.
func getVoucher(tx *bolt.Tx, code string) (*Voucher, error) {
	v, err := loadVoucher(tx.Bucket(bucketVouchers), []byte(code))
	if err == errMissing {
		// The check character covers the 12 symbols after the prefix, so a
		// typo in the prefix passes it; every code pocbot issues starts
		// with DefaultVoucherPrefix.
		if p, _, ok := strings.Cut(code, "-"); ok && p != DefaultVoucherPrefix {
			return nil, Errorf(Invalid, "%s looks mistyped: every voucher code starts with %s-. Check the code and try again.", code, DefaultVoucherPrefix)
		}
		return nil, Errorf(NotFound, "There is no voucher %s. The code is well formed, so check it with whoever gave it to you.", code)
	} else if err != nil {
		return nil, err
	}
	return &v, nil
}

func loadVoucher(records *bolt.Bucket, code []byte) (Voucher, error) {
	var v Voucher
	if err := getJSON(records, code, &v); err != nil {
		if err == errMissing {
			return v, err
		}
		return v, fmt.Errorf("voucher %s: %w", code, err)
	}
	return v, nil
}

func putCampaign(tx *bolt.Tx, c *Campaign) error {
	if err := putJSON(tx.Bucket(bucketCampaigns), []byte(c.Name), c); err != nil {
		return fmt.Errorf("put campaign %s: %w", c.Name, err)
	}
	return nil
}

// getCampaign loads a campaign by canonical name; NotFound if missing.
func getCampaign(tx *bolt.Tx, name string) (*Campaign, error) {
	var c Campaign
	err := getJSON(tx.Bucket(bucketCampaigns), []byte(name), &c)
	if err == errMissing {
		return nil, Errorf(NotFound, "There is no campaign %s. An admin creates one with /voucher budget %s AMOUNT; /voucher budget lists them.", name, name)
	} else if err != nil {
		return nil, fmt.Errorf("campaign %s: %w", name, err)
	}
	return &c, nil
}
