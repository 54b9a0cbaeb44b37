package fakeslack

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// maxModalStack is how many modals Slack stacks.
const maxModalStack = 3

// View is a modal or Home tab as Slack holds it.
type View struct {
	ID              string
	Hash            string
	UserID          string
	CallbackID      string
	PrivateMetadata string
	Type            string            // "modal" or "home"
	JSON            json.RawMessage   // the full view object as the app sent it
	Errors          map[string]string // the last response_action errors, by block_id
	ExternalID      string
	RootViewID      string // modals only
	PreviousViewID  string // modals only; "" for the root
}

// view is a stored View plus the view object as Slack keeps it (every
// block and element with an ID).
type view struct {
	v   View
	obj map[string]any
}

func (v *view) snapshot() *View {
	c := v.v
	c.Errors = maps.Clone(v.v.Errors)
	return &c
}

// parseView decodes and validates a view argument of type want. It
// returns the error response on failure.
func parseView(raw json.RawMessage, want string) (map[string]any, map[string]any) {
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, invalidArgs(pointerf("/view", "must be a JSON object"))
	}
	if errs := checkView(obj, want); len(errs) > 0 {
		return nil, invalidArgs(errs...)
	}
	blocks, _ := obj["blocks"].([]any)
	normalizeBlocks(blocks)
	return obj, nil
}

func (s *Server) newViewLocked(userID string, obj map[string]any, raw json.RawMessage) *view {
	typ, _ := obj["type"].(string)
	v := &view{v: View{ID: s.nextIDLocked("V"), UserID: userID, Type: typ}}
	setViewContent(v, obj, raw)
	return v
}

// setViewContent replaces a view's content, as views.update and
// response_action update do; the ID stays, the hash changes and errors go.
func setViewContent(v *view, obj map[string]any, raw json.RawMessage) {
	v.obj = obj
	v.v.JSON = raw
	v.v.CallbackID, _ = obj["callback_id"].(string)
	v.v.PrivateMetadata, _ = obj["private_metadata"].(string)
	v.v.ExternalID, _ = obj["external_id"].(string)
	v.v.Hash = fmt.Sprintf("%d.%s", time.Now().Unix(), randAlnum(8))
	v.v.Errors = nil
}

// viewObject is a view the way Slack returns it from views.* and in
// payloads. state holds state.values (nil: empty).
func viewObject(v *view, state map[string]any) map[string]any {
	if state == nil {
		state = map[string]any{}
	}
	nilIfEmpty := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	o := map[string]any{
		"id":                    v.v.ID,
		"team_id":               TeamID,
		"type":                  v.v.Type,
		"blocks":                v.obj["blocks"],
		"private_metadata":      v.v.PrivateMetadata,
		"callback_id":           v.v.CallbackID,
		"state":                 map[string]any{"values": state},
		"hash":                  v.v.Hash,
		"title":                 v.obj["title"],
		"close":                 v.obj["close"],
		"submit":                v.obj["submit"],
		"clear_on_close":        v.obj["clear_on_close"] == true,
		"notify_on_close":       v.obj["notify_on_close"] == true,
		"previous_view_id":      nilIfEmpty(v.v.PreviousViewID),
		"root_view_id":          nilIfEmpty(v.v.RootViewID),
		"app_id":                AppID,
		"external_id":           v.v.ExternalID,
		"app_installed_team_id": TeamID,
		"bot_id":                BotID,
	}
	if o["blocks"] == nil {
		o["blocks"] = []any{}
	}
	return o
}

// findViewLocked finds a modal in any stack or a Home tab by ID, or by
// external_id if id is "".
func (s *Server) findViewLocked(id, externalID string) *view {
	match := func(v *view) bool {
		if id != "" {
			return v.v.ID == id
		}
		return externalID != "" && v.v.ExternalID == externalID
	}
	for _, stack := range s.modals {
		for _, v := range stack {
			if match(v) {
				return v
			}
		}
	}
	for _, v := range s.homes {
		if match(v) {
			return v
		}
	}
	return nil
}

func (s *Server) externalIDTakenLocked(obj map[string]any, except *view) bool {
	ext, _ := obj["external_id"].(string)
	if ext == "" {
		return false
	}
	v := s.findViewLocked("", ext)
	return v != nil && v != except
}

func (s *Server) viewsOpen(r *apiRequest) map[string]any {
	t, code := s.checkTriggerLocked(r.str("trigger_id"))
	if code != "" {
		return errResp(code)
	}
	raw, ok := r.jsonParam("view")
	if !ok {
		return invalidArgs(pointerf("/view", "missing required field: view"))
	}
	obj, fail := parseView(raw, "modal")
	if fail != nil {
		return fail
	}
	if s.externalIDTakenLocked(obj, nil) {
		return errResp("duplicate_external_id")
	}
	t.used = true
	v := s.newViewLocked(t.userID, obj, raw)
	v.v.RootViewID = v.v.ID
	s.modals[t.userID] = []*view{v}
	return okResp("view", viewObject(v, nil))
}

func (s *Server) viewsPush(r *apiRequest) map[string]any {
	t, code := s.checkTriggerLocked(r.str("trigger_id"))
	if code != "" {
		return errResp(code)
	}
	raw, ok := r.jsonParam("view")
	if !ok {
		return invalidArgs(pointerf("/view", "missing required field: view"))
	}
	obj, fail := parseView(raw, "modal")
	if fail != nil {
		return fail
	}
	stack := s.modals[t.userID]
	switch {
	case len(stack) == 0:
		return invalidArgs(pointerf("/trigger_id", "views.push needs an open modal; use views.open"))
	case len(stack) >= maxModalStack:
		return errResp("push_limit_reached")
	case s.externalIDTakenLocked(obj, nil):
		return errResp("duplicate_external_id")
	}
	t.used = true
	v := s.pushLocked(t.userID, obj, raw)
	return okResp("view", viewObject(v, nil))
}

// pushLocked pushes a new modal onto userID's (non-empty) stack.
func (s *Server) pushLocked(userID string, obj map[string]any, raw json.RawMessage) *view {
	stack := s.modals[userID]
	v := s.newViewLocked(userID, obj, raw)
	v.v.RootViewID = stack[0].v.ID
	v.v.PreviousViewID = stack[len(stack)-1].v.ID
	s.modals[userID] = append(stack, v)
	return v
}

func (s *Server) viewsUpdate(r *apiRequest) map[string]any {
	id, ext := r.str("view_id"), r.str("external_id")
	if id == "" && ext == "" {
		return invalidArgs(pointerf("/view_id", "one of view_id or external_id is required"))
	}
	v := s.findViewLocked(id, ext)
	if v == nil {
		return errResp("not_found")
	}
	if h := r.str("hash"); h != "" && h != v.v.Hash {
		return errResp("hash_conflict")
	}
	raw, ok := r.jsonParam("view")
	if !ok {
		return invalidArgs(pointerf("/view", "missing required field: view"))
	}
	obj, fail := parseView(raw, v.v.Type)
	if fail != nil {
		return fail
	}
	if s.externalIDTakenLocked(obj, v) {
		return errResp("duplicate_external_id")
	}
	setViewContent(v, obj, raw)
	return okResp("view", viewObject(v, nil))
}

func (s *Server) viewsPublish(r *apiRequest) map[string]any {
	user := r.str("user_id")
	if !isUserID(user) {
		return errResp("user_not_found")
	}
	raw, ok := r.jsonParam("view")
	if !ok {
		return invalidArgs(pointerf("/view", "missing required field: view"))
	}
	obj, fail := parseView(raw, "home")
	if fail != nil {
		return fail
	}
	old := s.homes[user]
	if h := r.str("hash"); h != "" && old != nil && h != old.v.Hash {
		return errResp("hash_conflict")
	}
	if old == nil {
		old = s.newViewLocked(user, obj, raw)
		s.homes[user] = old
	} else {
		setViewContent(old, obj, raw)
	}
	return okResp("view", viewObject(old, nil))
}

// OpenView returns the modal on top of the user's stack.
func (s *Server) OpenView(userID string) (*View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stack := s.modals[userID]
	if len(stack) == 0 {
		return nil, false
	}
	return stack[len(stack)-1].snapshot(), true
}

// ViewStack returns the user's modal stack, root first.
func (s *Server) ViewStack(userID string) []*View {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*View
	for _, v := range s.modals[userID] {
		out = append(out, v.snapshot())
	}
	return out
}

// HomeView returns the user's published Home tab.
func (s *Server) HomeView(userID string) (*View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.homes[userID]
	if v == nil {
		return nil, false
	}
	return v.snapshot(), true
}

// WaitView waits until one of the user's views matches: the top modal
// first, then the modals under it, then the Home tab. match runs without
// the server's lock held.
func (s *Server) WaitView(ctx context.Context, userID string, match func(*View) bool) (*View, error) {
	return waitFor(s, ctx, func() []*View {
		var out []*View
		for _, v := range slices.Backward(s.modals[userID]) {
			out = append(out, v.snapshot())
		}
		if h := s.homes[userID]; h != nil {
			out = append(out, h.snapshot())
		}
		return out
	}, match)
}
