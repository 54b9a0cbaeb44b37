// Package fakeslack is an in-process fake of the parts of Slack that pocbot
// uses, for end-to-end tests and a local playground. The real bot talks to
// it through slack-go, unchanged, by pointing slack.OptionAPIURL at
// Server.APIURL and giving it AppToken and BotToken.
//
// What it fakes:
//
//   - Socket Mode: apps.connections.open (app-level token, single-use
//     ticket), the WebSocket at /ws with Slack's hello, WebSocket PING frames
//     every Options.PingInterval, envelopes (slash_commands, interactive,
//     events_api wrapped in an event_callback), acks with their latency,
//     disconnect messages and hard drops. Envelopes go to the newest live
//     connection; a connection that was told to disconnect gets no more.
//     Acks of 20 KB or more are dropped, as Slack does.
//   - The Web API methods pocbot calls (see the method table in webapi.go):
//     form-encoded calls carry the token in the form, JSON calls in an
//     Authorization: Bearer header. Every call is recorded as a Call. Rate
//     limits (HTTP 429 + Retry-After) and one-off errors can be injected.
//   - Block Kit limits from Slack's documentation (blocks.go): invalid_blocks
//     for messages and invalid_arguments for views, with json-pointer
//     messages like Slack's; 40,000-character text truncation.
//   - trigger_id rules (unknown, expired after Options.TriggerTTL, single
//     use), response_url rules (5 uses in 30 minutes), the modal stack (at
//     most 3), view hashes, Home tabs per user, file uploads the way
//     slack-go's UploadFileContext does them.
//   - Operations (ops.go): HTTP 5xx answers (FailHTTP), answers lost after
//     the work was done (LoseAnswer), a Slack that refuses connections
//     (RefuseConnections), chat.postMessage metadata with
//     conversations.history / conversations.replies (include_all_metadata,
//     cursors), and user groups for usergroups.users.list (SetUserGroup).
//   - A simulated user (User) who runs slash commands, submits modals the
//     way the Slack client does (required inputs, state.values shapes,
//     response_action handling), clicks buttons and selects, uses shortcuts
//     and opens the Home tab.
//   - What a client drawing the workspace needs (browser.go, used by the
//     browser playground): ScreenFor (messages, modal stack, Home tab and
//     files a user sees), Changed, people's own messages (PostMessage),
//     clicks in a modal with what was typed so far (ClickInView) and
//     closing a modal (CloseView, with view_closed for notify_on_close).
//
// What it does not fake: channel membership and scopes (every channel
// accepts posts), Events API retries on its own (DeliverEvent lets a test
// send them), message events back to the bot, mrkdwn rendering,
// attachments validation, block_suggestion, view_closed, files shown as
// messages, users other than the synthetic ones users.info makes up, more
// than one delivering connection, and real-time limits other than the ones
// a test injects with RateLimit.
//
// Timing: Slack gives an app 3 seconds to ack (AckTimeout); Deliver and the
// User methods wait that long and then return ErrNoAck. A client's
// socketmode.OptionPingInterval must be comfortably longer than
// Options.PingInterval, because slack-go drops a connection that has not
// been pinged for that long.
//
// Nothing here imports testing, so the playground binary can use it too.
package fakeslack
