package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Issue buckets (doc.go draws them). Indexes are written in the same
// transaction as the record.
var (
	bucketIssues           = []byte("issues")             // itob(id) → Issue JSON
	bucketIssuesByStatus   = []byte("issues_by_status")   // status code, itob(id) → ·
	bucketIssuesByAssignee = []byte("issues_by_assignee") // userID 0x00 itob(id) → ·
	bucketIssuesByCreator  = []byte("issues_by_creator")  // handle 0x00 itob(id) → ·
	bucketIssuesUnassigned = []byte("issues_unassigned")  // itob(id) → · (active and unassigned only)
	bucketIssueEvents      = []byte("issue_events")       // itob(id) itob(seq) → IssueEvent JSON
)

// Audit actions of issues; also the Action of timeline entries.
const (
	ActionIssueCreate     = "issue.create"      // After: the new issue.
	ActionIssueAssign     = "issue.assign"      // Before/After: {"assignee_id"}.
	ActionIssueStatus     = "issue.status"      // Before/After: {"status"}.
	ActionIssueResolve    = "issue.resolve"     // Before/After: status, resolution, reason.
	ActionIssueReopen     = "issue.reopen"      // Before/After: status, resolution, reason.
	ActionIssueSLAWarn    = "issue.sla_warn"    // After: {"warned_at"}; user "" (pocbot).
	ActionIssueSLABreach  = "issue.sla_breach"  // After: {"breached_at"}; user "" (pocbot).
	ActionIssueSLARelease = "issue.sla_release" // a warn/breach mark undone because no one could be told.
	ActionIssueTriage     = "issue.triage"      // After: {"channel","ts"} of the triage message.
)

// IssueEntity returns the audit entity of an issue, e.g. "issue:12".
func IssueEntity(id uint64) string { return fmt.Sprintf("issue:%d", id) }

// CreateIssue validates n, gives the issue the next ID and stores it with
// status Open, its SLA clock started, its first timeline entry, its index
// entries and its audit entry. The creator is recorded (owned by the
// reporter) if this is their first mention.
// Returns Invalid (see IssueInput.Validate) if n cannot be stored.
func (db *DB) CreateIssue(ctx context.Context, n IssueInput) (*Issue, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	h, _ := NormalizeHandle(n.Handle)       // validated
	order, _ := NormalizeOrderID(n.OrderID) // validated
	var is *Issue
	err := db.batch(ctx, func(tx *bolt.Tx) error {
		is = nil
		now := db.Now()
		if _, _, err := ensureCreator(tx, h, n.ReporterID, now); err != nil {
			return err
		}
		id, err := tx.Bucket(bucketIssues).NextSequence()
		if err != nil {
			return fmt.Errorf("issue sequence: %w", err)
		}
		is = &Issue{
			ID: id, Handle: h, Category: n.Category, Priority: n.Priority,
			Description: strings.TrimSpace(n.Description), OrderID: order,
			Link: strings.TrimSpace(n.Link), SourceLink: strings.TrimSpace(n.SourceLink),
			ReporterID: n.ReporterID, Status: IssueOpen, CreatedAt: now, UpdatedAt: now,
			SLA: NewSLA(now, n.SLA).withCal(slaCalendar(tx)),
		}
		if err := addIssueEvent(tx, is, IssueEvent{At: now, UserID: n.ReporterID, Action: ActionIssueCreate, To: string(IssueOpen)}); err != nil {
			return err
		}
		if err := putIssue(tx, is); err != nil {
			return err
		}
		if err := indexIssue(tx, is, true); err != nil {
			return err
		}
		return auditChange(tx, AuditEntry{At: now, UserID: n.ReporterID, Action: ActionIssueCreate, Entity: IssueEntity(id)}, nil, is)
	})
	if err != nil {
		return nil, err
	}
	return is, nil
}

// IssueChange is the result of a change: the issue as stored afterwards
// and the timeline entry it added, nil if nothing changed.
type IssueChange struct {
	Issue *Issue
	Event *IssueEvent
}

// AssignIssue is compare-and-set: it assigns issue id to `to` only if its
// assignee is still `from` ("" = unassigned), so two people pressing
// "Assign to me" at once cannot both win. Assigning to the current
// assignee changes nothing.
// Returns Conflict if the assignee is no longer `from` (the IssueChange
// then holds the issue as it is, naming who has it), Invalid for an empty
// user or a resolved/closed issue, NotFound for an unknown issue.
func (db *DB) AssignIssue(ctx context.Context, id uint64, by, from, to string) (*IssueChange, error) {
	return db.assign(ctx, id, by, to, func(is *Issue) error {
		if is.AssigneeID != from {
			return Errorf(Conflict, "%s is already assigned to someone else.", is.Ref())
		}
		return nil
	})
}

// ReassignIssue assigns issue id to `to` whoever has it now (the Reassign
// menu: an explicit choice). Errors as AssignIssue, without Conflict.
func (db *DB) ReassignIssue(ctx context.Context, id uint64, by, to string) (*IssueChange, error) {
	return db.assign(ctx, id, by, to, nil)
}

func (db *DB) assign(ctx context.Context, id uint64, by, to string, check func(*Issue) error) (*IssueChange, error) {
	if err := checkUser(by); err != nil {
		return nil, err
	}
	if strings.TrimSpace(to) == "" {
		return nil, Errorf(Invalid, "Pick the person to assign the issue to.")
	}
	return db.changeIssue(ctx, id, by, func(is *Issue, now time.Time) (*IssueEvent, error) {
		if is.AssigneeID == to {
			return nil, nil
		}
		if check != nil {
			if err := check(is); err != nil {
				return nil, err
			}
		}
		if is.Status.Done() {
			return nil, Errorf(Invalid, "%s is %s; reopen it before assigning it.", is.Ref(), strings.ToLower(is.Status.Label()))
		}
		ev := &IssueEvent{At: now, UserID: by, Action: ActionIssueAssign, From: is.AssigneeID, To: to}
		is.AssigneeID = to
		return ev, nil
	})
}

// SetIssueStatus moves issue id to an active status: Open, In progress or
// Waiting on creator. Waiting pauses the SLA clock and leaving it resumes
// the clock, extending the due time by the pause. Moving a resolved or
// closed issue to an active status reopens it (action issue.reopen) and
// clears its resolution. Setting the current status changes nothing.
// Returns Invalid for Resolved/Closed (use ResolveIssue) or an unknown
// status or user, NotFound for an unknown issue.
func (db *DB) SetIssueStatus(ctx context.Context, id uint64, by string, to IssueStatus) (*IssueChange, error) {
	if err := checkUser(by); err != nil {
		return nil, err
	}
	if !to.Active() {
		if to.Done() {
			return nil, Errorf(Invalid, "To resolve or close an issue, say what was done: press Resolve.")
		}
		return nil, Errorf(Invalid, "%s is not an issue status. Use open, in progress or waiting.", quoteInput(string(to)))
	}
	return db.changeIssue(ctx, id, by, func(is *Issue, now time.Time) (*IssueEvent, error) {
		if is.Status == to {
			return nil, nil
		}
		if is.Status.Done() {
			// A status menu on an old message must not silently undo a
			// resolution: reopening is its own, explicit step.
			return nil, Errorf(Conflict, "%s is already %s. Press Reopen first if it needs more work.", is.Ref(), strings.ToLower(is.Status.Label()))
		}
		ev := &IssueEvent{At: now, UserID: by, Action: ActionIssueStatus, From: string(is.Status), To: string(to)}
		moveStatus(is, to, now)
		return ev, nil
	})
}

// ReopenIssue moves a resolved or closed issue back to Open; its SLA clock
// runs again from where it stopped. Returns Invalid if the issue is not
// resolved or closed, NotFound for an unknown issue.
func (db *DB) ReopenIssue(ctx context.Context, id uint64, by string) (*IssueChange, error) {
	if err := checkUser(by); err != nil {
		return nil, err
	}
	return db.changeIssue(ctx, id, by, func(is *Issue, now time.Time) (*IssueEvent, error) {
		if !is.Status.Done() {
			return nil, Errorf(Invalid, "%s is %s, not resolved; there is nothing to reopen.", is.Ref(), strings.ToLower(is.Status.Label()))
		}
		ev := &IssueEvent{At: now, UserID: by, Action: ActionIssueReopen, From: string(is.Status), To: string(IssueOpen)}
		is.Resolution, is.Reason, is.ResolvedBy, is.ResolvedAt = "", "", "", time.Time{}
		moveStatus(is, IssueOpen, now)
		return ev, nil
	})
}

// ResolveIssue resolves or closes issue id with a resolution text and a
// reason; the SLA clock stops. Returns Invalid for a bad resolution,
// Conflict if the issue is already resolved or closed, NotFound for an
// unknown issue.
func (db *DB) ResolveIssue(ctx context.Context, id uint64, by string, res Resolution) (*IssueChange, error) {
	if err := checkUser(by); err != nil {
		return nil, err
	}
	if err := res.validate(); err != nil {
		return nil, err
	}
	text := strings.TrimSpace(res.Text)
	return db.changeIssue(ctx, id, by, func(is *Issue, now time.Time) (*IssueEvent, error) {
		if is.Status.Done() {
			return nil, onField(FieldStatus, Errorf(Conflict, "%s is already %s.", is.Ref(), strings.ToLower(is.Status.Label())))
		}
		ev := &IssueEvent{At: now, UserID: by, Action: ActionIssueResolve, From: string(is.Status), To: string(res.Status),
			Reason: res.Reason, Note: text}
		is.Resolution, is.Reason, is.ResolvedBy, is.ResolvedAt = text, res.Reason, by, now
		moveStatus(is, res.Status, now)
		return ev, nil
	})
}

// moveStatus sets the status and pauses or resumes the SLA clock.
func moveStatus(is *Issue, to IssueStatus, now time.Time) {
	switch {
	case to.paused() && !is.Status.paused():
		is.SLA = is.SLA.Pause(now)
	case !to.paused() && is.Status.paused():
		is.SLA = is.SLA.Resume(now)
	}
	is.Status = to
}

// MarkIssueSLA records, at most once per issue, that the SLA reached phase
// (SLAWarning or SLABreached): it sets WarnedAt or BreachedAt and adds a
// timeline entry. first is false, and nothing is written, if the mark was
// already set or the issue no longer qualifies at the store's current time
// (done, paused, or not yet at that phase). Jobs mark before they notify.
func (db *DB) MarkIssueSLA(ctx context.Context, id uint64, phase SLAPhase) (first bool, is *Issue, err error) {
	if phase != SLAWarning && phase != SLABreached {
		return false, nil, Errorf(Invalid, "Only the warning and breach of an SLA can be marked.")
	}
	ch, err := db.changeIssue(ctx, id, "", func(is *Issue, now time.Time) (*IssueEvent, error) {
		if !is.Status.Active() || is.SLA.IsPaused() || is.SLA.Phase(now) < phase {
			return nil, nil
		}
		ev := &IssueEvent{At: now, Action: ActionIssueSLAWarn}
		flag := &is.SLA.WarnedAt
		if phase == SLABreached {
			ev.Action, flag = ActionIssueSLABreach, &is.SLA.BreachedAt
		}
		if !flag.IsZero() {
			return nil, nil
		}
		*flag = now
		return ev, nil
	})
	if err != nil {
		return false, nil, err
	}
	return ch.Event != nil, ch.Issue, nil
}

// UnmarkIssueSLA clears a mark set by MarkIssueSLA, so the next check
// tries again (used when nobody could be notified). Audited; the timeline
// keeps its entry.
func (db *DB) UnmarkIssueSLA(ctx context.Context, id uint64, phase SLAPhase) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		is, err := getIssue(tx, id)
		if err != nil {
			return err
		}
		if phase == SLABreached {
			is.SLA.BreachedAt = time.Time{}
		} else {
			is.SLA.WarnedAt = time.Time{}
		}
		if err := putIssue(tx, is); err != nil {
			return err
		}
		return audit(tx, AuditEntry{At: db.Now(), Action: ActionIssueSLARelease, Entity: IssueEntity(id),
			After: fmt.Sprintf(`{"phase":%d}`, phase)})
	})
}

// SetIssueTriage records where the issue's triage message is.
// Returns NotFound for an unknown issue.
func (db *DB) SetIssueTriage(ctx context.Context, id uint64, channel, ts string) (*Issue, error) {
	var is *Issue
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var err error
		if is, err = getIssue(tx, id); err != nil {
			return err
		}
		is.TriageChannel, is.TriageTS = channel, ts
		if err := putIssue(tx, is); err != nil {
			return err
		}
		return auditChange(tx, AuditEntry{At: db.Now(), UserID: is.ReporterID, Action: ActionIssueTriage, Entity: IssueEntity(id)},
			nil, map[string]string{"channel": channel, "ts": ts})
	})
	if err != nil {
		return nil, err
	}
	return is, nil
}

// issueAuditView is what the audit log keeps of a change.
type issueAuditView struct {
	Status     IssueStatus   `json:"status"`
	AssigneeID string        `json:"assignee_id,omitempty"`
	Resolution string        `json:"resolution,omitempty"`
	Reason     ResolveReason `json:"reason,omitempty"`
	SLA        SLA           `json:"sla"`
}

func auditView(is *Issue) issueAuditView {
	return issueAuditView{Status: is.Status, AssigneeID: is.AssigneeID, Resolution: is.Resolution, Reason: is.Reason, SLA: is.SLA}
}

// changeIssue runs fn on issue id in one transaction. fn returns the
// timeline entry of its change, or nil for no change (nothing is written).
// On success the issue, its indexes, the timeline entry and the audit entry
// commit together. If fn fails, the change holds the issue as it was.
func (db *DB) changeIssue(ctx context.Context, id uint64, by string, fn func(is *Issue, now time.Time) (*IssueEvent, error)) (*IssueChange, error) {
	var ch *IssueChange
	var fnErr error
	err := db.batch(ctx, func(tx *bolt.Tx) error {
		ch, fnErr = nil, nil
		is, err := getIssue(tx, id)
		if err != nil {
			return err
		}
		old := *is
		now := db.Now()
		ev, err := fn(is, now)
		if err != nil {
			ch, fnErr = &IssueChange{Issue: &old}, err
			return err
		}
		ch = &IssueChange{Issue: is}
		if ev == nil {
			return nil
		}
		is.UpdatedAt = now
		if err := addIssueEvent(tx, is, *ev); err != nil {
			return err
		}
		if err := deindexIssue(tx, &old); err != nil {
			return err
		}
		if err := indexIssue(tx, is, false); err != nil {
			return err
		}
		if err := reindexIssueResolved(tx, &old, is); err != nil {
			return err
		}
		if err := putIssue(tx, is); err != nil {
			return err
		}
		ch.Event = ev
		return auditChange(tx, AuditEntry{At: now, UserID: by, Action: ev.Action, Entity: IssueEntity(id)}, auditView(&old), auditView(is))
	})
	if fnErr != nil && err == fnErr {
		return ch, err
	}
	if err != nil {
		return nil, err
	}
	return ch, nil
}

// addIssueEvent appends ev to the issue's timeline and counts it.
func addIssueEvent(tx *bolt.Tx, is *Issue, ev IssueEvent) error {
	is.Events++
	ev.At = ev.At.UTC()
	if err := putJSON(tx.Bucket(bucketIssueEvents), key(itob(is.ID), itob(uint64(is.Events))), ev); err != nil {
		return fmt.Errorf("issue %d event: %w", is.ID, err)
	}
	return nil
}

// Issue index keys.
func issueStatusKey(is *Issue) []byte { return key([]byte{is.Status.code()}, itob(is.ID)) }
func issueCreatorKey(is *Issue) []byte {
	return key(strPrefix(is.Handle), itob(is.ID))
}
func issueAssigneeKey(is *Issue) []byte {
	return key(strPrefix(is.AssigneeID), itob(is.ID))
}

// indexIssue writes the index entries of is.
func indexIssue(tx *bolt.Tx, is *Issue, isNew bool) error {
	if err := tx.Bucket(bucketIssuesByStatus).Put(issueStatusKey(is), []byte{}); err != nil {
		return fmt.Errorf("index issue %d by status: %w", is.ID, err)
	}
	if isNew {
		if err := tx.Bucket(bucketIssuesByCreator).Put(issueCreatorKey(is), []byte{}); err != nil {
			return fmt.Errorf("index issue %d by creator: %w", is.ID, err)
		}
	}
	if is.AssigneeID != "" {
		if err := tx.Bucket(bucketIssuesByAssignee).Put(issueAssigneeKey(is), []byte{}); err != nil {
			return fmt.Errorf("index issue %d by assignee: %w", is.ID, err)
		}
	} else if is.Status.Active() {
		if err := tx.Bucket(bucketIssuesUnassigned).Put(itob(is.ID), []byte{}); err != nil {
			return fmt.Errorf("index unassigned issue %d: %w", is.ID, err)
		}
	}
	return nil
}

// deindexIssue removes the status- and assignee-dependent entries of is
// (the creator entry never changes).
func deindexIssue(tx *bolt.Tx, is *Issue) error {
	if err := tx.Bucket(bucketIssuesByStatus).Delete(issueStatusKey(is)); err != nil {
		return err
	}
	if is.AssigneeID != "" {
		if err := tx.Bucket(bucketIssuesByAssignee).Delete(issueAssigneeKey(is)); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketIssuesUnassigned).Delete(itob(is.ID))
}

func putIssue(tx *bolt.Tx, is *Issue) error {
	if err := putJSON(tx.Bucket(bucketIssues), itob(is.ID), is); err != nil {
		return fmt.Errorf("put issue %d: %w", is.ID, err)
	}
	return nil
}

// getIssue loads an issue; NotFound if missing.
func getIssue(tx *bolt.Tx, id uint64) (*Issue, error) {
	var is Issue
	err := getJSON(tx.Bucket(bucketIssues), itob(id), &is)
	if err == errMissing {
		return nil, Errorf(NotFound, "There is no issue %s. Check the number, or list them with /issue list.", IssueRef(id))
	} else if err != nil {
		return nil, fmt.Errorf("issue %d: %w", id, err)
	}
	is.SLA = is.SLA.withCal(slaCalendar(tx))
	return &is, nil
}

// checkIssueIndexes verifies that the issue indexes and timelines match
// the records.
func checkIssueIndexes(tx *bolt.Tx) error {
	byStatus := tx.Bucket(bucketIssuesByStatus)
	byCreator := tx.Bucket(bucketIssuesByCreator)
	byAssignee := tx.Bucket(bucketIssuesByAssignee)
	unassigned := tx.Bucket(bucketIssuesUnassigned)
	var n, nAssigned, nUnassigned, nEvents int
	err := tx.Bucket(bucketIssues).ForEach(func(k, v []byte) error {
		var is Issue
		if err := json.Unmarshal(v, &is); err != nil {
			return fmt.Errorf("issue %x: %w", k, err)
		}
		n++
		nEvents += is.Events
		switch {
		case is.ID != btoi(k):
			return fmt.Errorf("issue %x has ID %d", k, is.ID)
		case !is.Status.Valid():
			return fmt.Errorf("issue %d has status %q", is.ID, is.Status)
		case !has(byStatus, issueStatusKey(&is)):
			return fmt.Errorf("issue %d missing from %s", is.ID, bucketIssuesByStatus)
		case !has(byCreator, issueCreatorKey(&is)):
			return fmt.Errorf("issue %d missing from %s", is.ID, bucketIssuesByCreator)
		case is.AssigneeID != "" && !has(byAssignee, issueAssigneeKey(&is)):
			return fmt.Errorf("issue %d missing from %s", is.ID, bucketIssuesByAssignee)
		case has(unassigned, itob(is.ID)) != (is.AssigneeID == "" && is.Status.Active()):
			return fmt.Errorf("issue %d: wrong %s membership", is.ID, bucketIssuesUnassigned)
		case tx.Bucket(bucketIssueEvents).Get(key(itob(is.ID), itob(uint64(is.Events)))) == nil && is.Events > 0:
			return fmt.Errorf("issue %d: timeline entry %d missing", is.ID, is.Events)
		}
		if is.AssigneeID != "" {
			nAssigned++
		} else if is.Status.Active() {
			nUnassigned++
		}
		return nil
	})
	if err != nil {
		return err
	}
	return checkCounts(tx, indexCount{bucketIssuesByStatus, n}, indexCount{bucketIssuesByCreator, n},
		indexCount{bucketIssuesByAssignee, nAssigned}, indexCount{bucketIssuesUnassigned, nUnassigned},
		indexCount{bucketIssueEvents, nEvents})
}
