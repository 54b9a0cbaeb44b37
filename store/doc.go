// Package store is pocbot's storage: domain types (creators, pitches, audit
// entries), their validation, and their persistence in one bbolt file.
//
// It knows nothing about Slack or cron. Errors that a user may see are
// *Error values with a Code and a full-sentence Message (see ErrorCode and
// ErrorMessage); anything uncoded is an internal error to log. An error about
// one input field also names it (Field, see ErrorField), so a form can show
// the message on that field without reading its text.
//
// # Transactions
//
// Every exported DB method runs in exactly one bbolt transaction: Update for
// writes, View for reads. When a write method returns nil, the change, its
// index entries and its audit entry have all been committed and fsynced;
// when it returns an error, none of them has. Lowercase helpers take the
// *bolt.Tx so that they compose inside one transaction.
//
// # Buckets and keys
//
// All buckets are top-level and created by Open. Integers and times in keys
// are 8-byte big-endian (times as Unix nanoseconds, UTC), so byte order is
// numeric and chronological order and range scans work. A string part of a
// composite key is followed by 0x00, which never occurs in a handle, Slack
// ID or entity name. Values are JSON unless noted; "·" is an empty value.
// IDs come from the record bucket's NextSequence and start at 1.
//
//	meta                                (its sequence numbers spreadsheet imports: import:N)
//	  "version"                         → itob(schema version)
//	  "health_probe"                    → itob(Unix ns of the last readiness write check)
//	jobs
//	  job name                          → {"last_run": time}
//
//	creators                            (record; key = normalised handle)
//	  handle                            → Creator JSON, without notes
//	creator_names                       (FindCreators scans this, not the records)
//	  handle                            → lower-case display name (raw bytes)
//	creator_notes                       (notes of a creator, oldest first)
//	  handle 0x00 itob(seq)             → Note JSON
//
//	pitches                             (record)
//	  itob(id)                          → Pitch JSON
//	pitches_by_creator                  (history of a creator: prefix scan, reverse = newest first)
//	  handle 0x00 itob(id)              → ·
//	pitches_by_user                     (a user's pitches in a time range)
//	  userID 0x00 itob(ns) itob(id)     → ·
//	pitches_by_time                     (every pitch by creation time)
//	  itob(ns) itob(id)                 → status code (1 byte) ++ userID
//	pitches_open                        (only pitched/interested; the follow-up list)
//	  itob(ns) itob(id)                 → userID
//
//	once                                (claims of at-most-once work; see once.go)
//	  claim key                         → itob(claim time, Unix ns)
//	  "idem/pitch-import/" sha256(handle, pitcher, day, product)[:16] hex → itob(pitch id)
//	                                    (a past pitch from a sheet, so importing it again finds it)
//
//	outbox                              (Slack posts until Slack took them; see outbox.go)
//	  post key ("triage/12", …)         → Post JSON (pending, sent or failed; pruned after 30 days)
//	outbox_pending                      (what the outbox worker scans)
//	  post key                          → ·
//
//	vouchers                            (record; key = canonical code, e.g. SMP-7KQ3-9XF2-M4T9)
//	  code                              → Voucher JSON
//	vouchers_by_creator                 (a creator's vouchers; the per-creator limit scans it)
//	  handle 0x00 itob(ns) code         → ·
//	vouchers_by_campaign                (a campaign's vouchers; "" = no campaign)
//	  campaign 0x00 itob(ns) code       → ·
//	vouchers_by_issuer                  (the daily cap counts one issuer's day of keys)
//	  userID 0x00 itob(ns) code         → ·
//	vouchers_by_time                    (every voucher by issue time; export ranges)
//	  itob(ns) code                     → ·
//	vouchers_by_expiry                  (only status issued; the expiry job scans [0, now])
//	  itob(expires ns) code             → ·
//	voucher_idem                        (idempotency: a view ID+hash or trigger ID → its voucher)
//	  key                               → code (raw bytes)
//	campaigns                           (record; key = lower-case name; totals kept in the same tx)
//	  name                              → Campaign JSON {budget, issued, redeemed, count}
//	samples_open                        (redeemed vouchers awaiting content, not closed; the content clock reads it)
//	  code                              → ·
//	samples_posted                      (the "content_posted" metric: first video of a sample)
//	  itob(first post ns) code          → credited owner userID
//	templates                           (admin-replaced creator messages)
//	  name                              → Template JSON
//
//	tasks                               (record)
//	  itob(id)                          → Task JSON (Pitched is computed on read)
//	tasks_by_assignee                   (a person's tasks; open ones under flag 1)
//	  userID 0x00 flag itob(id)         → ·   flag: 1 open, 0 closed
//	tasks_due                           (open tasks only, soonest due first)
//	  itob(due ns) itob(id)             → assignee userID
//	tasks_by_creator                    (tasks naming @handle in title or note)
//	  handle 0x00 itob(id)              → ·
//	task_drafts                         (tasks held back by an overload warning)
//	  itob(id)                          → TaskInput JSON
//	task_capacity                       (per-person daily capacity override)
//	  userID                            → itob(units per day)
//
//	issues                              (record; ISS-<id>)
//	  itob(id)                          → Issue JSON, without its timeline
//	issues_by_status                    (ActiveIssues: the open/in progress/waiting prefixes)
//	  status code (1 byte) itob(id)     → ·
//	issues_by_assignee                  (/issue list mine)
//	  userID 0x00 itob(id)              → ·
//	issues_by_creator                   (a creator's issues: reverse = newest first)
//	  handle 0x00 itob(id)              → ·
//	issues_unassigned                   (active issues nobody has)
//	  itob(id)                          → ·
//	issue_events                        (an issue's timeline, oldest first)
//	  itob(id) itob(seq)                → IssueEvent JSON
//
//	pitches_agreed                      (agreed pitches by when they became agreed)
//	  itob(agreed ns) itob(id)          → userID of the pitch's owner
//	vouchers_credited                   (the "vouchers" metric: vouchers not revoked, by issue time)
//	  itob(issued ns) code              → issuer userID
//	issues_resolved                     (the "issues_resolved" metric: status resolved only, by resolution time)
//	  itob(resolved ns) itob(id)        → resolver userID
//	tasks_done                          (the "tasks_done" metric: status done only, by closing time)
//	  itob(closed ns) itob(id)          → assignee userID
//
//	targets                             (target history, append-only)
//	  itob(id)                          → Target JSON {metric, user_id ("" = team), period, value, from YYYY-MM-DD, set_by, set_at}
//	holidays                            (team days off)
//	  "YYYY-MM-DD"                      → Holiday JSON
//	nudge_optout                        (users who turned nudges off)
//	  userID                            → itob(time, Unix ns)
//	team                                (the roster, team.go; a removed member keeps role "")
//	  userID                            → Member JSON {user_id, role (poc|outsource|""), by, at}
//	changes                             (changes told to a record's owner, and owner requests: change.go)
//	  itob(id)                          → Change JSON {by, owner, kind, subject, label, before, after, state, batch}
//	change_batches                      (the owner's grouped DM)
//	  "cur:" owner                      → the key of the owner's latest batch
//	  "b:" owner "/" started ns         → ChangeBatch JSON {owner, started, channel, ts, ids}
//	meta "sla_hours"                    → WorkHours JSON, when POCBOT_SLA_HOURS is set (sla_hours.go)
//	once                                (at-most-once claims: "digest/2026-11-30", "report/2026-11-23", "nudge/2026-11-30/U1", …)
//	  key                               → itob(claim time, Unix ns)
//
//	audit                               (record)
//	  itob(id)                          → AuditEntry JSON
//	audit_by_entity                     (history of one entity: reverse = newest first)
//	  entity 0x00 itob(id)              → ·
//
// where ns is the pitch's CreatedAt (a voucher's IssuedAt in the voucher
// indexes) and the status codes are pitched=1,
// interested=2, agreed=3, declined=4, no_response=5.
//
// pitches_by_time carries status and user in its value so that PitchStats
// counts a week of pitches without decoding a single record; SetPitchStatus
// rewrites that value and adds or removes the pitches_open entry in the
// same transaction as the record. Check verifies that every index matches
// its records. Buckets whose keys only ever grow (pitches, pitches_by_time,
// pitches_open, audit) are written with FillPercent 0.9 instead of bbolt's
// 0.5, which nearly halves the file.
//
// Audit entities are "creator:<handle>", "pitch:<id>", "voucher:<code>" and
// "campaign:<name>" (CreatorEntity, PitchEntity, VoucherEntity,
// CampaignEntity); actions are the Action* constants.
//
// IssueVoucher checks the campaign budget against the campaign record's
// Issued total, the per-creator limit against vouchers_by_creator and the
// daily cap against vouchers_by_issuer, and writes the voucher, its indexes,
// the new totals and the audit entry, all in one Update: bbolt serialises
// writers, so two concurrent issues can never both see the same remaining
// budget. Check verifies the campaign totals against the vouchers.
//
// A Pitching task's progress from /pitch is not stored: every read counts
// the assignee's pitches_by_user keys from AcceptedAt to ClosedAt (or now).
// Status changes move the task's tasks_by_assignee flag and its tasks_due
// entry in the same transaction as the record.
//
// Task audit entities are "task:<id>" and "capacity:<userID>" (TaskEntity,
// CapacityEntity).
//
// Issue status codes are open=1, in_progress=2, waiting=3, resolved=4,
// closed=5. Every issue change (changeIssue) rewrites the status and
// assignee entries, appends to issue_events and audits, in one transaction;
// AssignIssue compares the assignee inside that transaction, so concurrent
// "Assign to me" clicks serialise on bbolt's writer lock and one wins.
//
// Issue audit entities are "issue:<id>" (IssueEntity).
//
// pitches_agreed feeds the "agreed" target metric: PitchCountsByDay and
// AgreedCountsByDay count per user and per day from index values alone.
// vouchers_credited, issues_resolved and tasks_done do the same for the
// other three metrics (VoucherCountsByDay, IssuesResolvedByDay,
// TasksDoneByDay). Each is written in the same transaction as its record:
// a revoke removes the voucher's entry, a reopen removes the (it
// counts again, for whoever resolves it, when it is resolved again), and a
// closed task never changes.
//
// Target audit entities are "target:<id>", "holiday:<date>" and
// "nudges:<user>" (TargetEntity).
//
// # Schema versions
//
// meta/version counts the migrations applied (version 2: pitches_open
// values gained the userID; version 3: pitches_agreed was backfilled;
// version 4: vouchers_credited, issues_resolved and tasks_done were; version
// 5: samples_open and samples_posted were). Open
// runs the missing ones, each in its own
// transaction together with its version bump, and refuses a file whose
// version is newer than the code (ErrSchemaTooNew).
package store
