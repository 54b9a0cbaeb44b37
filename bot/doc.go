// Package bot is pocbot's Slack layer: the Socket Mode runtime, the router
// that owns the ack policy, one file per feature, Block Kit views and the
// scheduler.
package bot
