// Package progress is pocbot's Slack-free model of targets: the team's
// working-day calendar, named periods, the target book (which target is
// in force on a day), scores, boards and streaks, the choice of whom to
// nudge, and the realism statistics that judge a proposed target.
//
// Everything here is a pure function of its arguments: store types and
// the standard library in, plain values out. It knows nothing of Slack,
// cron or the bot; package bot loads the input (one user's window for App
// Home, the team's for the digest) and renders the result as Block Kit.
package progress
