package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Request is what every handler receives: who, where, and the raw payload.
type Request struct {
	UserID      string
	ChannelID   string
	TriggerID   string
	ResponseURL string
	// Text is a slash command's text with the leading subcommand, if the
	// command has subcommands, still in place.
	Text     string
	Command  *slack.SlashCommand
	Callback *slack.InteractionCallback
	Action   *slack.BlockAction
	Event    any

	log *slog.Logger
}

type (
	cmdFunc    func(ctx context.Context, r *Request) error
	actionFunc func(ctx context.Context, r *Request) error
	eventFunc  func(ctx context.Context, r *Request) error
	// submitFunc validates and commits a view_submission before its ack.
	// It returns the ack payload (nil closes the modal) and optional work to
	// run after the ack, such as posting a confirmation.
	submitFunc func(ctx context.Context, r *Request) (resp *slack.ViewSubmissionResponse, after func(context.Context) error, err error)
)

// command is one slash command: the help text is generated from these fields.
type command struct {
	Name     string // "/pitch"
	Summary  string
	Usage    []usage
	Examples []string
	Run      cmdFunc
	Form     bool // the command alone opens a form
}

type usage struct{ Syntax, Desc string }

// router maps Slack's identifiers to handlers. It is filled before Run and
// read-only afterwards.
type router struct {
	commands  map[string]*command
	views     map[string]submitFunc // view callback_id
	actions   map[string]actionFunc // action_id
	shortcuts map[string]actionFunc // shortcut callback_id (global and message)
	events    map[string]eventFunc  // inner event type
}

func newRouter() *router {
	return &router{
		commands:  map[string]*command{},
		views:     map[string]submitFunc{},
		actions:   map[string]actionFunc{},
		shortcuts: map[string]actionFunc{},
		events:    map[string]eventFunc{},
	}
}

func mustUnique[T any](m map[string]T, kind, id string) {
	if id == "" {
		panic("router: empty " + kind + " id")
	}
	if _, ok := m[id]; ok {
		panic("router: duplicate " + kind + " " + id)
	}
}

func (rt *router) command(c *command) {
	mustUnique(rt.commands, "command", c.Name)
	rt.commands[c.Name] = c
}
func (rt *router) view(id string, f submitFunc) { mustUnique(rt.views, "view", id); rt.views[id] = f }
func (rt *router) action(id string, f actionFunc) {
	mustUnique(rt.actions, "action", id)
	rt.actions[id] = f
}
func (rt *router) shortcut(id string, f actionFunc) {
	mustUnique(rt.shortcuts, "shortcut", id)
	rt.shortcuts[id] = f
}
func (rt *router) event(typ string, f eventFunc) {
	mustUnique(rt.events, "event", typ)
	rt.events[typ] = f
}

// Commands lists the slash commands the router handles, sorted.
func (b *Bot) Commands() []string { return sortedKeys(b.rt.commands) }

// Shortcuts lists the shortcut callback IDs the router handles, sorted.
func (b *Bot) Shortcuts() []string { return sortedKeys(b.rt.shortcuts) }

// Events lists the Events API event types the router handles, sorted.
func (b *Bot) Events() []string { return sortedKeys(b.rt.events) }

func sortedKeys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// seen remembers envelope and event IDs so a redelivery is handled once.
// Slack redelivers within minutes, so memory with a TTL is enough; durable
// idempotency for money lives in the store.
type seen struct {
	mu   sync.Mutex
	ttl  time.Duration
	ids  map[string]time.Time
	last time.Time
}

func newSeen(ttl time.Duration) *seen { return &seen{ttl: ttl, ids: map[string]time.Time{}} }

// first reports whether id has not been seen within the TTL, and records it.
func (s *seen) first(id string, now time.Time) bool {
	if id == "" {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.last) > s.ttl/4 { // prune occasionally, never on every call
		for k, t := range s.ids {
			if now.Sub(t) > s.ttl {
				delete(s.ids, k)
			}
		}
		s.last = now
	}
	if t, ok := s.ids[id]; ok && now.Sub(t) <= s.ttl {
		return false
	}
	s.ids[id] = now
	return true
}

// forget removes id, so it is handled again next time.
func (s *seen) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ids, id)
}

// viewKey identifies one submission of one state of a modal: a double
// click or a redelivery under a new envelope_id has the same key.
func viewKey(cb *slack.InteractionCallback) string {
	if cb.View.ID == "" {
		return ""
	}
	return cb.View.ID + ":" + cb.View.Hash
}

// dispatch handles one Socket Mode event. It runs on the event loop, so it
// only acks and starts goroutines; it never blocks on handler work.
func (b *Bot) dispatch(ctx context.Context, evt socketmode.Event) {
	b.tel.envelopeIn(evt)
	b.socketEvent(evt) // connection state, retry and disconnect logs (telemetry.go)
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.log.Debug("socket connecting")
	case socketmode.EventTypeConnected:
		b.log.Info("socket connected")
	case socketmode.EventTypeHello:
		n := 0
		if evt.Request != nil {
			n = evt.Request.NumConnections
		}
		b.log.Info("socket hello", "num_connections", n)
	case socketmode.EventTypeConnectionError:
		// Logged by socketEvent, one line per retry.
	case socketmode.EventTypeInvalidAuth:
		b.log.Error("socket invalid auth: check SLACK_APP_TOKEN")
	case socketmode.EventTypeIncomingError:
		// The "socket disconnected" line that follows says why (telemetry.go).
		b.log.Debug("socket read error", "err", evt.Data)
	case socketmode.EventTypeErrorBadMessage:
		b.badMessage(evt)
	case socketmode.EventTypeErrorWriteFailed:
		b.log.Error("socket write failed", "err", evt.Data)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !b.ackFirst(evt, ok) {
			return
		}
		b.goHandle(ctx, "command", cmd.UserID, func(ctx context.Context) (*Request, error) {
			r := &Request{UserID: cmd.UserID, ChannelID: cmd.ChannelID, TriggerID: cmd.TriggerID,
				ResponseURL: cmd.ResponseURL, Text: unescapeCommand(cmd.Text), Command: &cmd}
			r.log = b.log.With("cmd", cmd.Command, "user", cmd.UserID, "channel", cmd.ChannelID)
			return r, b.runCommand(ctx, r)
		})
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			b.ackFirst(evt, false)
			return
		}
		if cb.Type == slack.InteractionTypeViewSubmission {
			b.viewSubmission(ctx, evt, &cb)
			return
		}
		if !b.ackFirst(evt, true) {
			return
		}
		b.goHandle(ctx, string(cb.Type), cb.User.ID, func(ctx context.Context) (*Request, error) {
			return b.interaction(ctx, &cb)
		})
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !b.ackFirst(evt, ok) {
			return
		}
		if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok && !b.seen.first("event:"+cb.EventID, b.Now()) {
			b.log.Info("duplicate event ignored", "event_id", cb.EventID, "retry_attempt", evt.Request.RetryAttempt)
			return
		}
		b.goHandle(ctx, "event", "", func(ctx context.Context) (*Request, error) {
			return b.event(ctx, ev)
		})
	default:
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			b.ack(evt.Request, nil)
		}
		b.log.Debug("socket event ignored", "type", evt.Type)
	}
}

// ackFirst acks an envelope and reports whether it should be handled: not a
// redelivery and well-formed.
func (b *Bot) ackFirst(evt socketmode.Event, ok bool) bool {
	if evt.Request == nil {
		b.log.Warn("event without envelope", "type", evt.Type)
		return false
	}
	b.ack(evt.Request, nil)
	if !ok {
		b.log.Warn("unexpected payload type", "type", evt.Type)
		return false
	}
	if !b.seen.first(evt.Request.EnvelopeID, b.Now()) {
		b.log.Info("duplicate envelope ignored", "envelope_id", evt.Request.EnvelopeID)
		return false
	}
	return true
}

func (b *Bot) ack(req *socketmode.Request, payload any) {
	defer b.tel.acked(req.EnvelopeID)
	if err := b.sm.Ack(*req, payload); err != nil {
		b.log.Error("ack failed", "envelope_id", req.EnvelopeID, "err", err)
	}
}

// badMessage acks an envelope slack-go could not parse, so Slack does not
// redeliver it forever, and logs it without its content.
func (b *Bot) badMessage(evt socketmode.Event) {
	bad, _ := evt.Data.(*socketmode.ErrorBadMessage)
	if bad == nil {
		b.log.Warn("bad socket message")
		return
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	if json.Unmarshal(bad.Message, &env) == nil && env.EnvelopeID != "" {
		b.ack(&socketmode.Request{EnvelopeID: env.EnvelopeID}, nil)
	}
	b.log.Warn("malformed envelope acked and dropped", "envelope_id", env.EnvelopeID, "type", env.Type, "err", bad.Cause)
}

// goHandle runs work on its own goroutine with a timeout and panic recovery.
// Errors are turned into a reply to the user in one place.
func (b *Bot) goHandle(ctx context.Context, kind, userID string, work func(ctx context.Context) (*Request, error)) {
	b.handlers.Add(1)
	go func() {
		defer b.handlers.Done()
		// Bound the handlers doing work at once, so a burst cannot starve
		// the event loop that acks; the rest wait here without using CPU.
		b.busy <- struct{}{}
		defer func() { <-b.busy }()
		ctx, cancel := context.WithTimeout(ctx, b.cfg.HandlerTimeout)
		defer cancel()
		// Home and task-DM refreshes asked for by the handler run once it
		// has replied (deferred calls run last in, first out).
		ctx, later := b.withDeferred(ctx, userID)
		defer b.flush(ctx, later)
		var r *Request
		defer func() {
			if p := recover(); p != nil {
				b.log.Error("handler panic", "kind", kind, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if r != nil {
					b.replyError(ctx, r, fmt.Errorf("panic: %v", p))
				}
			}
		}()
		var err error
		start := time.Now()
		r, err = work(ctx)
		b.handled(kind, r, start, err)
		if err != nil && r != nil {
			b.replyError(ctx, r, err)
		} else if err != nil {
			b.log.Error("handler failed", "kind", kind, "err", err)
		}
	}()
}

func (b *Bot) runCommand(ctx context.Context, r *Request) error {
	c, ok := b.rt.commands[r.Command.Command]
	if !ok {
		return errorf("I don't know the command %s. Try one of: %s.", quote(r.Command.Command), strings.Join(b.Commands(), ", "))
	}
	if n := utf8.RuneCountInString(r.Text); n > maxCommandText {
		hint := "Split it up."
		if c.Form {
			hint = fmt.Sprintf("Split it up, or use the form: type %s on its own.", c.Name)
		}
		return errorf("That is %d characters — too long for one %s (the limit is %d). %s", n, c.Name, maxCommandText, hint)
	}
	if first, _ := splitWord(r.Text); strings.EqualFold(first, "help") {
		return b.reply(ctx, r, b.helpMsg(c, ""))
	}
	return c.Run(ctx, r)
}

func (b *Bot) interaction(ctx context.Context, cb *slack.InteractionCallback) (*Request, error) {
	r := &Request{UserID: cb.User.ID, ChannelID: cb.Channel.ID, TriggerID: cb.TriggerID,
		ResponseURL: cb.ResponseURL, Callback: cb}
	if r.ChannelID == "" {
		r.ChannelID = cb.Container.ChannelID
	}
	r.log = b.log.With("interaction", cb.Type, "user", cb.User.ID)
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		if len(cb.ActionCallback.BlockActions) == 0 {
			return r, nil
		}
		a := cb.ActionCallback.BlockActions[0]
		r.Action = a
		r.log = r.log.With("action", a.ActionID)
		f, ok := b.rt.actions[a.ActionID]
		if !ok {
			r.log.Warn("unknown action")
			return r, b.reply(ctx, r, msg{text: "That button is from an older version of pocbot and no longer works. Run the command again to get a fresh one."})
		}
		return r, f(ctx, r)
	case slack.InteractionTypeShortcut, slack.InteractionTypeMessageAction:
		r.log = r.log.With("callback_id", cb.CallbackID)
		f, ok := b.rt.shortcuts[cb.CallbackID]
		if !ok {
			r.log.Warn("unknown shortcut")
			return r, b.reply(ctx, r, msg{text: "That shortcut is not handled by this version of pocbot."})
		}
		return r, f(ctx, r)
	case slack.InteractionTypeViewClosed:
		return r, nil
	default:
		r.log.Info("interaction ignored")
		return r, nil
	}
}

// viewSubmission validates and commits on its own goroutine, then acks with
// the handler's response_action: field errors can only travel in the ack.
func (b *Bot) viewSubmission(ctx context.Context, evt socketmode.Event, cb *slack.InteractionCallback) {
	if evt.Request == nil {
		return
	}
	if !b.seen.first(evt.Request.EnvelopeID, b.Now()) {
		b.ack(evt.Request, nil)
		b.log.Info("duplicate view submission ignored", "envelope_id", evt.Request.EnvelopeID)
		return
	}
	req := evt.Request
	b.handlers.Add(1)
	go func() {
		defer b.handlers.Done()
		ctx, later := b.withDeferred(ctx, cb.User.ID)
		defer b.flush(ctx, later)
		acked := false
		r := &Request{UserID: cb.User.ID, TriggerID: cb.TriggerID, Callback: cb}
		r.log = b.log.With("view", cb.View.CallbackID, "user", cb.User.ID)
		defer func() {
			if p := recover(); p != nil {
				r.log.Error("view handler panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if !acked {
					b.ack(req, nil)
				}
				b.replyError(context.WithoutCancel(ctx), r, fmt.Errorf("panic: %v", p))
			}
		}()
		f, ok := b.rt.views[cb.View.CallbackID]
		if !ok {
			b.ack(req, nil)
			acked = true
			r.log.Warn("unknown view callback_id")
			b.replyError(ctx, r, errorf("That form is from an older version of pocbot and could not be saved. Please open it again."))
			return
		}
		// The same modal state submitted twice (a double click, a redelivery
		// under a new envelope_id) is handled once; a submission answered
		// with field errors is forgotten, so the corrected one goes through.
		key := viewKey(cb)
		if key != "" && !b.seen.first("view:"+key, b.Now()) {
			b.ack(req, nil)
			acked = true
			r.log.Info("duplicate view submission ignored", "view_id", cb.View.ID)
			return
		}
		// Slack closes the modal with an error after 3 s; leave room for the ack.
		vctx, cancel := context.WithTimeout(ctx, b.cfg.SubmitTimeout)
		vstart := time.Now()
		resp, after, err := f(vctx, r)
		cancel()
		b.handled("view", r, vstart, err)
		if key != "" && (err != nil || resp != nil && resp.ResponseAction == slack.RAErrors) {
			b.seen.forget("view:" + key)
		}
		if err != nil {
			b.ack(req, nil)
			acked = true
			b.replyError(ctx, r, err)
			return
		}
		if resp != nil {
			b.ack(req, resp)
		} else {
			b.ack(req, nil)
		}
		acked = true
		if after != nil {
			actx, cancel := context.WithTimeout(ctx, b.cfg.HandlerTimeout)
			defer cancel()
			if err := after(actx); err != nil {
				b.replyError(actx, r, err)
			}
		}
	}()
}

func (b *Bot) event(ctx context.Context, ev slackevents.EventsAPIEvent) (*Request, error) {
	typ := ev.InnerEvent.Type
	f, ok := b.rt.events[typ]
	if !ok {
		b.log.Debug("event ignored", "event", typ)
		return nil, nil
	}
	r := &Request{Event: ev.InnerEvent.Data}
	if e, ok := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); ok {
		r.UserID = e.User
	}
	r.log = b.log.With("event", typ, "user", r.UserID)
	// Events have no response_url; errors are logged, not shown.
	if err := f(ctx, r); err != nil {
		r.log.Error("event handler failed", "err", err)
	}
	return nil, nil
}

// splitWord returns the first whitespace-separated word of s and the rest.
func splitWord(s string) (first, rest string) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\r' })
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// commandEntities undoes the escaping Slack applies to slash command text
// when the manifest sets should_escape: user mentions stay as <@U…|name>.
var commandEntities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func unescapeCommand(s string) string { return commandEntities.Replace(s) }
