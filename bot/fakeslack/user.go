package fakeslack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"
)

// User is a simulated Slack user who acts in the Slack client.
type User struct {
	ID string
	s  *Server
}

// User returns the simulated user id (like "U123"). users.info answers for
// any U-id with name = lowercase id and tz Asia/Jakarta, and with the
// display and real names SetUserProfile gave it.
func (s *Server) User(id string) *User { return &User{ID: id, s: s} }

// CommandResult is what a slash command or shortcut produced.
type CommandResult struct {
	Ack                    *Ack
	TriggerID, ResponseURL string
}

// NewTriggerID issues a fresh trigger_id for the user, as an interaction
// would, without sending anything to the app.
func (u *User) NewTriggerID() string {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	return u.s.newTriggerLocked(u.ID)
}

func (u *User) userObject() map[string]any {
	name := userName(u.ID)
	return map[string]any{"id": u.ID, "username": name, "name": name, "team_id": TeamID}
}

func teamObject() map[string]any { return map[string]any{"id": TeamID, "domain": TeamDomain} }

// interactive delivers an interactive payload and waits for its ack.
func (u *User) interactive(ctx context.Context, payload map[string]any) (*Ack, error) {
	return u.s.Deliver(ctx, Envelope{Type: "interactive", Payload: payload, AcceptsResponsePayload: true})
}

// Command runs a slash command in channelID, the way Slack delivers it in
// Socket Mode (every field a string, is_enterprise_install included), and
// waits for the ack. A text/blocks ack payload is shown like a
// response_url post (a Message of Kind "response"); if Slack would reject
// it the error says so. On ErrNoAck the result still carries the trigger
// and response URL.
func (u *User) Command(ctx context.Context, channelID, command, text string) (*CommandResult, error) {
	s := u.s
	s.mu.Lock()
	trig := s.newTriggerLocked(u.ID)
	respURL, ru := s.newResponseURLLocked(channelID, u.ID, nil)
	s.mu.Unlock()

	payload := map[string]any{
		"token":                 VerificationToken,
		"team_id":               TeamID,
		"team_domain":           TeamDomain,
		"channel_id":            channelID,
		"channel_name":          channelName(channelID),
		"user_id":               u.ID,
		"user_name":             userName(u.ID),
		"command":               command,
		"text":                  text,
		"api_app_id":            AppID,
		"is_enterprise_install": "false",
		"response_url":          respURL,
		"trigger_id":            trig,
	}
	ack, err := s.Deliver(ctx, Envelope{Type: "slash_commands", Payload: payload, AcceptsResponsePayload: true})
	res := &CommandResult{Ack: ack, TriggerID: trig, ResponseURL: respURL}
	if err != nil {
		return res, err
	}
	if isEmptyPayload(ack.Payload) {
		return res, nil
	}
	var b responseBody
	if err := json.Unmarshal(ack.Payload, &b); err != nil {
		return res, fmt.Errorf("%w: slash command ack payload is not a message: %v", ErrTroubleConnecting, err)
	}
	b.ReplaceOriginal, b.DeleteOriginal = false, false
	s.mu.Lock()
	fail := s.postResponseLocked(ru, b)
	s.notifyLocked()
	s.mu.Unlock()
	if fail != nil {
		return res, fmt.Errorf("fakeslack: Slack rejects the slash command ack payload: %s", describe(fail))
	}
	return res, nil
}

func isEmptyPayload(p json.RawMessage) bool {
	p = bytes.TrimSpace(p)
	return len(p) == 0 || string(p) == "null" || string(p) == "{}"
}

// Submit submits the user's top modal viewID with values keyed by block_id
// (or action_id): a view_submission like the Slack client's, with
// state.values in Slack's shape for each input element. Multi-selects take
// comma-separated values. It refuses, as the client does, to submit a view
// with an empty required input or a value the element does not allow.
// Then it applies the ack like Slack: response_action errors keeps the
// view open with View.Errors set, clear closes the stack, update replaces
// the view, push pushes one (at most 3), and an empty ack closes the view.
// A response Slack cannot use returns ErrTroubleConnecting.
func (u *User) Submit(ctx context.Context, viewID string, values map[string]string) (*Ack, error) {
	s := u.s
	s.mu.Lock()
	v := s.topModalLocked(u.ID)
	if v == nil || v.v.ID != viewID {
		s.mu.Unlock()
		return nil, fmt.Errorf("fakeslack: view %s is not the open modal of %s", viewID, u.ID)
	}
	if v.obj["submit"] == nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("fakeslack: view %s has no submit button: the Slack client cannot submit it", viewID)
	}
	state, err := buildState(v.obj, values, true)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	payload := map[string]any{
		"type":                  "view_submission",
		"team":                  teamObject(),
		"user":                  u.userObject(),
		"api_app_id":            AppID,
		"token":                 VerificationToken,
		"trigger_id":            s.newTriggerLocked(u.ID),
		"view":                  viewObject(v, state),
		"response_urls":         []any{},
		"is_enterprise_install": false,
		"enterprise":            nil,
	}
	s.mu.Unlock()
	return u.submit(ctx, viewID, payload)
}

// SubmitRaw delivers payload as an interactive envelope, for hostile or
// odd payloads. If payload is a view_submission of an open view, the ack
// is applied as Submit does.
func (u *User) SubmitRaw(ctx context.Context, payload any) (*Ack, error) {
	var probe struct {
		Type string `json:"type"`
		View struct {
			ID string `json:"id"`
		} `json:"view"`
	}
	if b, err := json.Marshal(payload); err == nil {
		_ = json.Unmarshal(b, &probe) // odd payloads are the point
	}
	if probe.Type != "view_submission" || probe.View.ID == "" {
		return u.s.Deliver(ctx, Envelope{Type: "interactive", Payload: payload, AcceptsResponsePayload: true})
	}
	return u.submit(ctx, probe.View.ID, payload)
}

// submit delivers a view_submission. Slack applies its ack (close,
// update, errors…) the moment the ack arrives, before any Web API call the
// app makes after acking, so the fake applies it in the socket reader,
// under the lock, not when Deliver returns.
func (u *User) submit(ctx context.Context, viewID string, payload any) (*Ack, error) {
	env := Envelope{ID: newEnvelopeID(), Type: "interactive", Payload: payload, AcceptsResponsePayload: true}
	var applyErr error
	u.s.mu.Lock()
	if u.s.onAck == nil {
		u.s.onAck = map[string]func(json.RawMessage){}
	}
	u.s.onAck[env.ID] = func(p json.RawMessage) { applyErr = u.s.applySubmissionAckLocked(u.ID, viewID, p) }
	u.s.mu.Unlock()
	ack, err := u.s.Deliver(ctx, env)
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	delete(u.s.onAck, env.ID)
	if err != nil {
		return ack, err
	}
	return ack, applyErr
}

func (s *Server) topModalLocked(userID string) *view {
	stack := s.modals[userID]
	if len(stack) == 0 {
		return nil
	}
	return stack[len(stack)-1]
}

// applySubmissionAckLocked does what Slack does with a view_submission ack.
func (s *Server) applySubmissionAckLocked(userID, viewID string, payload json.RawMessage) error {
	stack := s.modals[userID]
	i := slices.IndexFunc(stack, func(v *view) bool { return v.v.ID == viewID })
	if i < 0 {
		return nil // the app closed it meanwhile
	}
	v := stack[i]
	if isEmptyPayload(payload) {
		s.modals[userID] = slices.Delete(stack, i, i+1)
		return nil
	}
	var resp struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
		View           json.RawMessage   `json:"view"`
	}
	if err := json.Unmarshal(payload, &resp); err != nil {
		return fmt.Errorf("%w: ack payload is not a response_action: %v", ErrTroubleConnecting, err)
	}
	switch resp.ResponseAction {
	case "errors":
		if len(resp.Errors) == 0 {
			return fmt.Errorf("%w: response_action errors without errors", ErrTroubleConnecting)
		}
		inputs := inputBlockIDs(v.obj)
		for k := range resp.Errors {
			if !slices.Contains(inputs, k) {
				return fmt.Errorf("%w: errors key %q is not the block_id of an input block (have %v)", ErrTroubleConnecting, k, inputs)
			}
		}
		v.v.Errors = maps.Clone(resp.Errors)
		return nil
	case "clear":
		delete(s.modals, userID)
		return nil
	case "update", "push":
		if len(resp.View) == 0 {
			return fmt.Errorf("%w: response_action %s without a view", ErrTroubleConnecting, resp.ResponseAction)
		}
		obj, fail := parseView(resp.View, "modal")
		if fail != nil {
			return fmt.Errorf("%w: response_action %s with an invalid view: %s", ErrTroubleConnecting, resp.ResponseAction, describe(fail))
		}
		if resp.ResponseAction == "update" {
			setViewContent(v, obj, resp.View)
			return nil
		}
		if len(stack) >= maxModalStack {
			return fmt.Errorf("%w: response_action push onto a stack of %d views", ErrTroubleConnecting, len(stack))
		}
		s.pushLocked(userID, obj, resp.View)
		return nil
	}
	return fmt.Errorf("%w: unknown response_action %q", ErrTroubleConnecting, resp.ResponseAction)
}

func inputBlockIDs(obj map[string]any) []string {
	var ids []string
	blocks, _ := obj["blocks"].([]any)
	for _, b := range blocks {
		if m, _ := b.(map[string]any); m["type"] == "input" {
			id, _ := m["block_id"].(string)
			ids = append(ids, id)
		}
	}
	return ids
}

// Target is where a user clicks: a message or a view.
type Target struct {
	Message *Message
	View    *View
}

// Click clicks the button or picks in the select with actionID (and value,
// if not "") in a message (found again by channel and ts) or in one of the
// user's views, and waits for the ack. For selects, value is the selected
// option value or user/conversation/channel ID; comma-separated for
// multi-selects and checkboxes. The block_actions payload carries what
// Slack's does: for messages container, channel, message (not for
// ephemeral messages, as in Slack) and a fresh response_url; for views
// container and view with its state.
func (u *User) Click(ctx context.Context, where Target, actionID, value string) (*Ack, error) {
	s := u.s
	s.mu.Lock()
	payload, err := u.blockActionsLocked(where, actionID, value)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return u.interactive(ctx, payload)
}

func (u *User) blockActionsLocked(where Target, actionID, value string) (map[string]any, error) {
	s := u.s
	payload := map[string]any{
		"type":                  "block_actions",
		"user":                  u.userObject(),
		"api_app_id":            AppID,
		"token":                 VerificationToken,
		"team":                  teamObject(),
		"enterprise":            nil,
		"is_enterprise_install": false,
		"state":                 map[string]any{"values": map[string]any{}},
	}
	var blocks []any
	switch {
	case where.Message != nil:
		m := s.findMessageLocked(where.Message.Channel, where.Message.TS)
		if m == nil {
			return nil, fmt.Errorf("fakeslack: no message %s in %s", where.Message.TS, where.Message.Channel)
		}
		ephemeral := m.m.Kind == "ephemeral" || m.m.Kind == "response" && m.m.ResponseType != "in_channel"
		if ephemeral && m.m.User != u.ID {
			return nil, fmt.Errorf("fakeslack: %s cannot see the ephemeral message %s", u.ID, m.m.TS)
		}
		blocks = m.blocks
		payload["container"] = map[string]any{
			"type": "message", "message_ts": m.m.TS, "channel_id": m.m.Channel, "is_ephemeral": ephemeral,
		}
		payload["channel"] = map[string]any{"id": m.m.Channel, "name": channelName(m.m.Channel)}
		if !ephemeral {
			payload["message"] = messageObject(m)
		}
		payload["response_url"], _ = s.newResponseURLLocked(m.m.Channel, u.ID, m)
	case where.View != nil:
		v := s.findViewLocked(where.View.ID, "")
		if v == nil || v.v.UserID != u.ID {
			return nil, fmt.Errorf("fakeslack: %s has no view %s", u.ID, where.View.ID)
		}
		if v.v.Type == "modal" && s.topModalLocked(u.ID) != v {
			return nil, fmt.Errorf("fakeslack: view %s is not the top modal of %s", v.v.ID, u.ID)
		}
		state, err := buildState(v.obj, nil, false)
		if err != nil {
			return nil, err
		}
		blocks, _ = v.obj["blocks"].([]any)
		payload["container"] = map[string]any{"type": "view", "view_id": v.v.ID}
		payload["view"] = viewObject(v, state)
	default:
		return nil, errors.New("fakeslack: Click needs a Message or a View")
	}
	el, blockID, err := findElement(blocks, actionID, value)
	if err != nil {
		return nil, err
	}
	action, err := buildAction(el, blockID, value)
	if err != nil {
		return nil, err
	}
	payload["actions"] = []any{action}
	payload["trigger_id"] = s.newTriggerLocked(u.ID)
	return payload, nil
}

// MessageShortcut uses the message shortcut callbackID on msg (a stored
// message, or one a test makes up with User as its author).
func (u *User) MessageShortcut(ctx context.Context, callbackID string, msg Message) (*CommandResult, error) {
	s := u.s
	s.mu.Lock()
	trig := s.newTriggerLocked(u.ID)
	respURL, _ := s.newResponseURLLocked(msg.Channel, u.ID, nil)
	s.mu.Unlock()
	m := map[string]any{"type": "message", "ts": msg.TS, "text": msg.Text}
	if msg.Kind == "" {
		m["user"] = msg.User
	} else {
		m["user"], m["bot_id"] = BotUserID, BotID
	}
	if msg.Blocks != nil {
		m["blocks"] = msg.Blocks
	}
	if msg.ThreadTS != "" {
		m["thread_ts"] = msg.ThreadTS
	}
	payload := map[string]any{
		"type":                  "message_action",
		"token":                 VerificationToken,
		"action_ts":             actionTS(),
		"team":                  teamObject(),
		"user":                  u.userObject(),
		"channel":               map[string]any{"id": msg.Channel, "name": channelName(msg.Channel)},
		"is_enterprise_install": false,
		"enterprise":            nil,
		"callback_id":           callbackID,
		"trigger_id":            trig,
		"response_url":          respURL,
		"message_ts":            msg.TS,
		"message":               m,
	}
	ack, err := u.interactive(ctx, payload)
	return &CommandResult{Ack: ack, TriggerID: trig, ResponseURL: respURL}, err
}

// Shortcut uses the global shortcut callbackID. Global shortcuts carry no
// response_url.
func (u *User) Shortcut(ctx context.Context, callbackID string) (*CommandResult, error) {
	trig := u.NewTriggerID()
	payload := map[string]any{
		"type":                  "shortcut",
		"token":                 VerificationToken,
		"action_ts":             actionTS(),
		"team":                  teamObject(),
		"user":                  u.userObject(),
		"is_enterprise_install": false,
		"enterprise":            nil,
		"callback_id":           callbackID,
		"trigger_id":            trig,
	}
	ack, err := u.interactive(ctx, payload)
	return &CommandResult{Ack: ack, TriggerID: trig}, err
}

// OpenHome opens the app's Home tab: an app_home_opened event with the
// published Home view, if any.
func (u *User) OpenHome(ctx context.Context) (*Ack, error) {
	s := u.s
	s.mu.Lock()
	event := map[string]any{
		"type":     "app_home_opened",
		"user":     u.ID,
		"channel":  "D" + u.ID,
		"tab":      "home",
		"event_ts": actionTS(),
	}
	if h := s.homes[u.ID]; h != nil {
		event["view"] = viewObject(h, nil)
	}
	s.mu.Unlock()
	return s.DeliverEvent(ctx, "", event, 0)
}

// DeliverEvent delivers event wrapped in an event_callback (event_id
// eventID, or a fresh "Ev…" if ""), as an events_api envelope. A
// retryAttempt above 0 sets retry_reason "timeout", as Slack's retries do.
// Slack itself does not retry here; a test redelivers by calling again.
func (s *Server) DeliverEvent(ctx context.Context, eventID string, event map[string]any, retryAttempt int) (*Ack, error) {
	if _, ok := event["event_ts"]; !ok {
		event = maps.Clone(event)
		event["event_ts"] = strconv.FormatFloat(float64(time.Now().UnixMicro())/1e6, 'f', 6, 64)
	}
	env := Envelope{Type: "events_api", Payload: outerEvent(eventID, event), RetryAttempt: retryAttempt}
	if retryAttempt > 0 {
		env.RetryReason = "timeout"
	}
	return s.Deliver(ctx, env)
}
