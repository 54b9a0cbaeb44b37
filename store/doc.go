// Package store is pocbot's storage: domain types (creators, pitches, audit
// entries), their validation, and their persistence in one bbolt file.
//
// It knows nothing about Slack or cron. Errors that a user may see are
// *Error values with a Code and a full-sentence Message (see ErrorCode and
// ErrorMessage); anything uncoded is an internal error to log.
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
//	meta
//	  "version"                         → itob(schema version)
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
//	  itob(ns) itob(id)                 → ·
//
//	pitches_agreed                      (agreed pitches by when they became agreed)
//	  itob(agreed ns) itob(id)          → userID of the pitch's owner
//
//	targets                             (target history, append-only)
//	  itob(id)                          → Target JSON {metric, user_id ("" = team), period, value, from YYYY-MM-DD, set_by, set_at}
//	holidays                            (team days off)
//	  "YYYY-MM-DD"                      → Holiday JSON
//	nudge_optout                        (users who turned nudges off)
//	  userID                            → itob(time, Unix ns)
//	once                                (at-most-once claims: "digest/2026-11-30", "nudge/2026-11-30/U1", …)
//	  key                               → itob(claim time, Unix ns)
//
//	audit                               (record)
//	  itob(id)                          → AuditEntry JSON
//	audit_by_entity                     (history of one entity: reverse = newest first)
//	  entity 0x00 itob(id)              → ·
//
// where ns is the pitch's CreatedAt and the status codes are pitched=1,
// interested=2, agreed=3, declined=4, no_response=5.
//
// pitches_by_time carries status and user in its value so that PitchStats
// counts a week of pitches without decoding a single record; SetPitchStatus
// rewrites that value and adds or removes the pitches_open entry in the
// same transaction as the record. Check verifies that every index matches
// its records.
//
// pitches_agreed feeds the "agreed" target metric: PitchCountsByDay and
// AgreedCountsByDay count per user and per day from index values alone.
//
// Audit entities are "creator:<handle>", "pitch:<id>", "target:<id>",
// "holiday:<date>" and "nudges:<user>" (CreatorEntity, PitchEntity,
// TargetEntity); actions are the Action* constants.
//
// # Schema versions
//
// meta/version counts the migrations applied. Open runs the missing ones,
// each in its own transaction together with its version bump, and refuses a
// file whose version is newer than the code (ErrSchemaTooNew).
package store
