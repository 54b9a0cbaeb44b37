// Package bot is pocbot's Slack layer: the Socket Mode runtime, the router
// that owns the ack policy, one file per feature, Block Kit views and the
// scheduler. It speaks to storage only through package store, and keeps
// the Slack-free progress model (targets, scores, streaks, nudges) in
// package bot/progress.
//
// # Core files
//
//   - bot.go: Config, New, Run (connect, serve, graceful shutdown), the
//     routes and jobs each feature adds; defaults.go: every Config default,
//     written once (cmd/pocbot's settings table shows and parses them).
//   - router.go: the router. Commands, actions, views, shortcuts and events
//     are tables filled by the features; dispatch acks and hands off.
//   - reply.go: msg, reply and post, and the one place an error becomes a
//     reply (replyError): coded store errors show their message, anything
//     else is logged with a reference the user can quote.
//   - blocks.go: Block Kit builders and limits; esc and clean for every
//     piece of user text; notifyText (a message's notification fallback),
//     plural and pct. views.go: modals, their state and field errors;
//     storeform.go: where a store error lands on a form.
//   - timefmt.go: times as people read them (when, whenAbs, endOfDay), in
//     the team's time zone. mention.go: reading and writing <@U…> safely.
//     admin.go: isAdmin and the one reply a non-admin gets. help.go:
//     command help rendered from the command tables.
//   - schedule.go: the cron scheduler with catch-up of missed runs (each
//     job's last run is in the store); backup.go: the backup job.
//   - Operations: outbox.go sends the posts the team depends on through the
//     store's outbox (retried, never twice); telemetry.go holds the
//     Prometheus metrics, readiness and the connection's log lines; ops.go
//     the admin user group and the background work (outbox worker,
//     heartbeat).
//   - refresh.go: the reply first. Home and task-DM refreshes a handler
//     asks for (refreshHome, refreshPitchingDMs) run after its reply,
//     coalesced per user. gc.go: the bot process's GC target (TuneGC).
//
// # The seam
//
// metrics.go is where features meet targets, the digest and App Home: a
// feature registers what it can count (registerMetric), a digest section
// (registerDigestSection), open workload for the realism check
// (registerWorkload) and an App Home section (registerHomeSection), all from
// its routes function; anything unregistered shows as "not tracked yet".
// digestAsOf is the moment every digest section judges open work at.
// progress_load.go loads the progress model's input: the team's window
// for the digest, nudges and /target, one user's window for App Home, so
// a Home refresh never reads the team's work.
//
// # Features
//
// One file, or a few named with its prefix, per feature:
//
//   - pitch*.go: /pitch (command, form, outcomes, lists, follow-ups) and
//     pitch_providers.go (pitch metrics, follow-ups in the digest and Home);
//     pitch_id.go: /pitch PIT-n (detail, outcome, note, delete), "which
//     pitch?", and outcome buttons that redraw their own message.
//   - didyoumean.go: the one-line "did you mean" answer to a word a command
//     did not understand (closest subcommand, missing @, first example).
//   - creator.go: /creator, the creator's history across features.
//   - voucher*.go: /voucher (issue, budgets, redeem, revoke, export).
//   - sample*.go: a redeemed voucher's sample to content (steps by text,
//     button and form; fulfilment, strikes, funnels, content_posted) and
//     sample_clock.go, the daily reminder and deadline DMs;
//     creator_text.go: the creator-facing templates (Bahasa Indonesia by
//     default, /voucher template); issue_samples.go: the issue desk's
//     voucher and sample lookups.
//   - issue*.go: /issue (form, triage message and buttons, SLA job).
//   - task*.go: /task (assign, DMs, reminders, workload).
//   - target*.go, digest*.go, nudge.go, home*.go: /target and holidays, the
//     morning digest, the afternoon nudges, and App Home.
//     target_realism.go loads and words the realism check (the rule is
//     progress.Judge), target_scope.go asks whom a target is for,
//     home_lead.go is an admin's team view, names.go the display names the
//     digest shows instead of mentions.
//   - followup.go: the daily follow-up DM.
//   - team.go: /team, the roster and the permission table (may);
//     notice.go: the grouped change DM to a record's owner with Undo,
//     and owner requests (Approve/Decline). task_confirm.go, issue_reporter.go
//     and voucher_campaign.go: task Done/Reopen questions, the reporter's
//     DMs and lists, campaign close/end (issue #13).
//   - sheet_routes.go registers the spreadsheet features: import*.go
//     (/creator import: the file_input form, the check, the batched import
//     with progress; teammates by handle or e-mail), acked_view.go
//     (updating a modal that a submission ack replaced, without racing the
//     ack), work_export.go (/pitch, /issue and /task export, CSV or XLSX)
//     and weekly_report.go (the weekly report job and /target report; the
//     model and charts are package bot/report).
//
// # Ack policy
//
// Every envelope is acked first, on the event loop, before any work:
// commands, actions, shortcuts and events are acked empty and handled on
// their own goroutine (goHandle: a timeout, panic recovery, at most maxBusy
// at once). A view_submission is the one exception Slack requires: it is
// validated and committed before its ack, because the ack carries the
// form's field errors or closes it; SubmitTimeout keeps that inside
// Slack's 3 s. Redelivered envelopes and events are recognised by ID and
// dropped. A failure of secondary work (App Home refreshes, triage and DM
// updates) is logged, never shown: the action itself succeeded.
package bot
