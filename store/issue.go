package store

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// IssueStatus is where a creator issue stands. Values are stored; never
// rename one.
type IssueStatus string

// Issue statuses. Open, InProgress and Waiting are active (the SLA applies,
// they appear in the open list); Resolved and Closed are done.
const (
	IssueOpen       IssueStatus = "open"
	IssueInProgress IssueStatus = "in_progress"
	IssueWaiting    IssueStatus = "waiting" // waiting on the creator: the SLA clock is paused
	IssueResolved   IssueStatus = "resolved"
	IssueClosed     IssueStatus = "closed"
)

// issueStatuses lists every status in menu order with its label and the
// one-byte code of the status index (stored: never change a code).
var issueStatuses = []struct {
	status IssueStatus
	label  string
	code   byte
}{
	{IssueOpen, "Open", 1},
	{IssueInProgress, "In progress", 2},
	{IssueWaiting, "Waiting on creator", 3},
	{IssueResolved, "Resolved", 4},
	{IssueClosed, "Closed", 5},
}

// IssueStatuses returns every status in menu order.
func IssueStatuses() []IssueStatus {
	out := make([]IssueStatus, len(issueStatuses))
	for i, s := range issueStatuses {
		out[i] = s.status
	}
	return out
}

// Label returns the status as shown to people, e.g. "Waiting on creator".
func (s IssueStatus) Label() string {
	for _, st := range issueStatuses {
		if st.status == s {
			return st.label
		}
	}
	return string(s)
}

// Valid reports whether s is a defined status.
func (s IssueStatus) Valid() bool { return s.code() != 0 }

// Active reports whether the issue still needs work: open, in progress or
// waiting on the creator.
func (s IssueStatus) Active() bool {
	return s == IssueOpen || s == IssueInProgress || s == IssueWaiting
}

// Done reports whether the issue is resolved or closed.
func (s IssueStatus) Done() bool { return s == IssueResolved || s == IssueClosed }

// paused reports whether the SLA clock stands still in status s: while
// waiting on the creator and while the issue is done.
func (s IssueStatus) paused() bool { return s == IssueWaiting || s.Done() }

func (s IssueStatus) code() byte {
	for _, st := range issueStatuses {
		if st.status == s {
			return st.code
		}
	}
	return 0
}

// IssueCategory is what kind of problem a creator has. Values are stored.
type IssueCategory string

// Issue categories, in menu order.
const (
	CatSampleMissing IssueCategory = "sample_missing"
	CatSampleDamaged IssueCategory = "sample_damaged"
	CatVoucher       IssueCategory = "voucher"
	CatCommission    IssueCategory = "commission"
	CatContent       IssueCategory = "content"
	CatAccess        IssueCategory = "access"
	CatOther         IssueCategory = "other"
)

var issueCategories = []struct {
	cat   IssueCategory
	label string
}{
	{CatSampleMissing, "Sample not received"},
	{CatSampleDamaged, "Wrong or damaged sample"},
	{CatVoucher, "Voucher not working"},
	{CatCommission, "Commission or payment"},
	{CatContent, "Content or video problem"},
	{CatAccess, "Account or affiliate access"},
	{CatOther, "Other"},
}

// IssueCategories returns every category in menu order.
func IssueCategories() []IssueCategory {
	out := make([]IssueCategory, len(issueCategories))
	for i, c := range issueCategories {
		out[i] = c.cat
	}
	return out
}

// Label returns the category as shown to people.
func (c IssueCategory) Label() string {
	for _, ic := range issueCategories {
		if ic.cat == c {
			return ic.label
		}
	}
	return string(c)
}

// Valid reports whether c is a defined category.
func (c IssueCategory) Valid() bool {
	for _, ic := range issueCategories {
		if ic.cat == c {
			return true
		}
	}
	return false
}

// Priority is P1 (urgent) to P4 (low); it sets the SLA.
type Priority int

// Priorities.
const (
	P1 Priority = 1
	P2 Priority = 2
	P3 Priority = 3
	P4 Priority = 4
)

// Priorities returns P1 to P4.
func Priorities() []Priority { return []Priority{P1, P2, P3, P4} }

// Valid reports whether p is P1 to P4.
func (p Priority) Valid() bool { return p >= P1 && p <= P4 }

// String returns "P1" to "P4".
func (p Priority) String() string { return "P" + strconv.Itoa(int(p)) }

// Label returns e.g. "P1 urgent".
func (p Priority) Label() string {
	switch p {
	case P1:
		return "P1 urgent"
	case P2:
		return "P2 high"
	case P3:
		return "P3 normal"
	case P4:
		return "P4 low"
	}
	return p.String()
}

// ParsePriority reads "P2", "p2" or "2". Returns Invalid otherwise.
func ParsePriority(s string) (Priority, error) {
	t := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "P")
	n, err := strconv.Atoi(t)
	if err != nil || !Priority(n).Valid() {
		return 0, Errorf(Invalid, "%s is not a priority. Use P1 (urgent), P2 (high), P3 (normal) or P4 (low).", quoteInput(s))
	}
	return Priority(n), nil
}

// ResolveReason says why an issue was resolved or closed. Values are stored.
type ResolveReason string

var resolveReasons = []struct {
	reason ResolveReason
	label  string
}{
	{"fixed", "Fixed"},
	{"resent", "Sample resent"},
	{"refunded", "Refunded or compensated"},
	{"voucher_replaced", "Voucher replaced"},
	{"paid", "Commission paid"},
	{"no_action", "No action needed"},
	{"duplicate", "Duplicate"},
	{"unresponsive", "Creator unresponsive"},
	{"other", "Other"},
}

// ResolveReasons returns every reason in menu order.
func ResolveReasons() []ResolveReason {
	out := make([]ResolveReason, len(resolveReasons))
	for i, r := range resolveReasons {
		out[i] = r.reason
	}
	return out
}

// Label returns the reason as shown to people.
func (r ResolveReason) Label() string {
	for _, rr := range resolveReasons {
		if rr.reason == r {
			return rr.label
		}
	}
	return string(r)
}

// Valid reports whether r is a defined reason.
func (r ResolveReason) Valid() bool {
	for _, rr := range resolveReasons {
		if rr.reason == r {
			return true
		}
	}
	return false
}

// Limits of an issue's text fields, in runes.
const (
	MaxIssueDescLen       = 12000 // four form boxes of 3,000
	MaxIssueResolutionLen = 1000
	MaxOrderIDLen         = 32
	MaxIssueLinkLen       = 1000
)

// Issue is one creator problem tracked until it is closed. Its timeline
// lives in its own bucket (IssueTimeline); Events counts its entries.
type Issue struct {
	ID          uint64        `json:"id"`
	Handle      string        `json:"handle"`
	Category    IssueCategory `json:"category"`
	Priority    Priority      `json:"priority"`
	Description string        `json:"description"`
	OrderID     string        `json:"order_id,omitempty"`
	Link        string        `json:"link,omitempty"`
	SourceLink  string        `json:"source_link,omitempty"` // permalink of the Slack message it was logged from
	ReporterID  string        `json:"reporter_id"`
	AssigneeID  string        `json:"assignee_id,omitempty"`
	Status      IssueStatus   `json:"status"`
	Resolution  string        `json:"resolution,omitempty"`
	Reason      ResolveReason `json:"reason,omitempty"`
	ResolvedBy  string        `json:"resolved_by,omitempty"`
	ResolvedAt  time.Time     `json:"resolved_at,omitzero"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`

	// Where the triage message is, once posted.
	TriageChannel string `json:"triage_channel,omitempty"`
	TriageTS      string `json:"triage_ts,omitempty"`

	SLA    SLA `json:"sla"`
	Events int `json:"events"` // number of timeline entries
}

// Ref returns the issue's display ID, e.g. "ISS-12".
func (is *Issue) Ref() string { return IssueRef(is.ID) }

// IssueRef returns the display ID of issue id, e.g. "ISS-12".
func IssueRef(id uint64) string { return "ISS-" + strconv.FormatUint(id, 10) }

// ParseIssueRef reads "ISS-12", "iss12", "#12" or "12".
func ParseIssueRef(s string) (uint64, bool) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "#")
	if rest, ok := strings.CutPrefix(t, "ISS"); ok {
		t = strings.TrimPrefix(rest, "-")
	}
	if t == "" || len(t) > 19 {
		return 0, false
	}
	id, err := strconv.ParseUint(t, 10, 64)
	return id, err == nil && id > 0
}

// IssueEvent is one timeline entry. Action is the audit action of the
// change; From/To carry the old and new status or assignee.
type IssueEvent struct {
	At     time.Time     `json:"at"`
	UserID string        `json:"user_id,omitempty"` // "" for pocbot itself (SLA events)
	Action string        `json:"action"`
	From   string        `json:"from,omitempty"`
	To     string        `json:"to,omitempty"`
	Reason ResolveReason `json:"reason,omitempty"`
	Note   string        `json:"note,omitempty"`
}

// IssueInput asks CreateIssue to record an issue.
type IssueInput struct {
	Handle      string // raw or normalised
	Category    IssueCategory
	Priority    Priority
	Description string
	OrderID     string
	Link        string
	SourceLink  string
	ReporterID  string
	// SLA is the time allowed for the priority (see SLAPolicy.For).
	SLA time.Duration
}

// FieldErrors checks every field and returns the problems keyed by field
// name (Field*), each a user-facing *Error about that field; nil when n is
// valid.
func (n IssueInput) FieldErrors() map[string]error {
	errs := map[string]error{}
	check := func(field string, err error) {
		if err != nil {
			errs[field] = onField(field, err)
		}
	}
	_, err := NormalizeHandle(n.Handle)
	check(FieldCreator, err)
	if !n.Category.Valid() {
		check(FieldCategory, Errorf(Invalid, "Pick a category from the list."))
	}
	if !n.Priority.Valid() {
		check(FieldPriority, Errorf(Invalid, "Pick a priority from P1 (urgent) to P4 (low)."))
	}
	check(FieldDescription, CheckIssueDescription(n.Description))
	_, err = NormalizeOrderID(n.OrderID)
	check(FieldOrderID, err)
	check(FieldLink, CheckIssueLink(n.Link))
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// fieldOrder is the order in which Validate reports field errors.
var fieldOrder = []string{FieldCreator, FieldCategory, FieldPriority, FieldDescription, FieldOrderID, FieldLink}

// Validate returns the first field error (in form order), Invalid if the
// reporter or SLA is missing, or nil.
func (n IssueInput) Validate() error {
	errs := n.FieldErrors()
	for _, f := range fieldOrder {
		if err := errs[f]; err != nil {
			return err
		}
	}
	if err := checkUser(n.ReporterID); err != nil {
		return err
	}
	if n.SLA <= 0 {
		return Errorf(Invalid, "An issue needs a positive SLA.")
	}
	if n.SourceLink != "" && CheckIssueLink(n.SourceLink) != nil {
		return Errorf(Invalid, "The source message link is not a web address.")
	}
	return nil
}

// CheckIssueDescription returns Invalid if s (trimmed) is empty or longer
// than MaxIssueDescLen runes.
func CheckIssueDescription(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return Errorf(Invalid, "Describe the problem: what happened, since when, and what the creator asked for.")
	}
	return checkLen("The description", s, MaxIssueDescLen)
}

// NormalizeOrderID trims s and removes spaces and dashes people paste
// ("5771 2345-6789" → "577123456789"). The result must be digits only, at
// most MaxOrderIDLen of them; "" is allowed (the field is optional).
// Returns Invalid otherwise.
func NormalizeOrderID(s string) (string, error) {
	t := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if t == "" {
		return "", nil
	}
	for _, r := range t {
		if r < '0' || r > '9' {
			return "", Errorf(Invalid, "The order ID has only digits (TikTok Shop order IDs look like 577123456789012345); %s has %s.",
				quoteInput(s), describeRune(r))
		}
	}
	if len(t) > MaxOrderIDLen {
		return "", Errorf(Invalid, "That order ID has %d digits; TikTok Shop order IDs have at most %d.", len(t), MaxOrderIDLen)
	}
	return t, nil
}

// CheckIssueLink returns Invalid unless s is empty or an absolute http(s)
// URL with a host and none of the characters that would break a Slack link
// (spaces, <, >, |, quotes).
func CheckIssueLink(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	bad := Errorf(Invalid, "%s is not a web address. Paste a full link starting with https://, like https://www.tiktok.com/@creator/video/123.", quoteInput(s))
	if utf8.RuneCountInString(s) > MaxIssueLinkLen {
		return Errorf(Invalid, "That link is %d characters long; the limit is %d.", utf8.RuneCountInString(s), MaxIssueLinkLen)
	}
	if strings.ContainsAny(s, " \t\r\n<>|\"'`") {
		return bad
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.HasPrefix(u.Host, ".") {
		return bad
	}
	return nil
}

// Resolution is what ResolveIssue records.
type Resolution struct {
	Status IssueStatus // IssueResolved or IssueClosed
	Text   string      // what was done, required
	Reason ResolveReason
}

// validate returns Invalid with a message for the user.
func (r Resolution) validate() error {
	if !r.Status.Done() {
		return onField(FieldStatus, Errorf(Invalid, "An issue can only be resolved or closed this way."))
	}
	if !r.Reason.Valid() {
		return onField(FieldReason, Errorf(Invalid, "Pick a reason from the list."))
	}
	text := strings.TrimSpace(r.Text)
	if text == "" {
		return onField(FieldResolution, Errorf(Invalid, "Say what was done, for example: resent the sample, tracking JX123."))
	}
	return onField(FieldResolution, checkLen("The resolution", text, MaxIssueResolutionLen))
}

// SLAPolicy is the time allowed per priority, index 0 = P1.
type SLAPolicy [4]time.Duration

// DefaultSLAPolicy is P1 4 h, P2 24 h, P3 72 h, P4 7 days.
func DefaultSLAPolicy() SLAPolicy {
	return SLAPolicy{4 * time.Hour, 24 * time.Hour, 72 * time.Hour, 7 * 24 * time.Hour}
}

// For returns the SLA of p; an invalid p gets P4's.
func (p SLAPolicy) For(pr Priority) time.Duration {
	if !pr.Valid() {
		return p[3]
	}
	return p[pr-1]
}

// String formats the policy the way ParseSLAPolicy reads it.
func (p SLAPolicy) String() string {
	parts := make([]string, 4)
	for i, d := range p {
		parts[i] = fmt.Sprintf("P%d=%s", i+1, FormatDuration(d))
	}
	return strings.Join(parts, ",")
}

// MaxSLA bounds a configured SLA.
const MaxSLA = 90 * 24 * time.Hour

// ParseSLAPolicy reads "P1=4h,P2=24h,P3=72h,P4=7d": comma-separated
// priority=duration pairs, durations in Go syntax (30m, 4h) or whole days
// (7d), from 1 minute to 90 days. Priorities not listed keep the default.
// Returns Invalid with a message naming the bad part.
func ParseSLAPolicy(s string) (SLAPolicy, error) {
	p := DefaultSLAPolicy()
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return p, Errorf(Invalid, "%s is not PRIORITY=DURATION; write it like P1=4h.", quoteInput(part))
		}
		pr, err := ParsePriority(k)
		if err != nil {
			return p, err
		}
		d, err := parseSLADuration(strings.TrimSpace(v))
		if err != nil || d < time.Minute || d > MaxSLA {
			return p, Errorf(Invalid, "The SLA for %s, %s, is not a duration from 1m to 90d; use hours like 24h or days like 7d.", pr, quoteInput(v))
		}
		p[pr-1] = d
	}
	return p, nil
}

func parseSLADuration(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil {
			return 0, err
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// FormatDuration shows d compactly for people: "7d", "4h", "1h30m", "45m".
// Seconds are dropped; negative durations get a leading "-".
func FormatDuration(d time.Duration) string {
	if d < 0 {
		return "-" + FormatDuration(-d)
	}
	d = d.Truncate(time.Minute)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	m := (d - h*time.Hour) / time.Minute
	var b strings.Builder
	if days > 0 {
		fmt.Fprintf(&b, "%dd", days)
	}
	if h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if m > 0 && days == 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	if b.Len() == 0 {
		return "0m"
	}
	return b.String()
}
