package fakeslack

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// This file is what a Slack client drawing the workspace needs (the
// browser playground, bot/playground): a snapshot of everything on
// screen, a change signal, people's own messages, clicks in a modal with
// what the user has typed so far, and closing a modal.

// Changed returns a channel that is closed at the next change of the
// workspace (a message, view, file or ack). Call it again after it fires.
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// ScreenMessage is a message as a client draws it.
type ScreenMessage struct {
	Channel      string          `json:"channel"`
	TS           string          `json:"ts"`
	ThreadTS     string          `json:"thread_ts,omitempty"`
	User         string          `json:"user,omitempty"` // author of a "user" message; viewer of an ephemeral or response
	Text         string          `json:"text"`
	Blocks       json.RawMessage `json:"blocks,omitempty"` // as Slack keeps them: every block and element has an ID
	Kind         string          `json:"kind"`             // "message", "ephemeral", "response" or "user"
	Ephemeral    bool            `json:"ephemeral"`        // shown only to User
	Edited       bool            `json:"edited"`
	Attachments  json.RawMessage `json:"attachments,omitempty"`
	ResponseType string          `json:"response_type,omitempty"`
}

// ScreenView is a modal or Home tab as a client draws it.
type ScreenView struct {
	ID     string            `json:"id"`
	Type   string            `json:"type"`
	View   json.RawMessage   `json:"view"` // the view object as Slack keeps it: every block and element has an ID
	Errors map[string]string `json:"errors,omitempty"`
}

// ScreenFile is a shared file (without its content).
type ScreenFile struct {
	ID             string `json:"id"`
	Filename       string `json:"filename"`
	Title          string `json:"title"`
	Channel        string `json:"channel"`
	ThreadTS       string `json:"thread_ts,omitempty"`
	InitialComment string `json:"initial_comment,omitempty"`
	Size           int    `json:"size"`
	AltText        string `json:"alt_text,omitempty"` // alt_txt of an image
}

// Screen is what userID sees: every message they may see, their modal
// stack (root first), their Home tab and the shared files.
type Screen struct {
	Messages []ScreenMessage `json:"messages"`
	Modals   []ScreenView    `json:"modals"`
	Home     *ScreenView     `json:"home,omitempty"`
	Files    []ScreenFile    `json:"files"`
}

// ScreenFor returns what userID sees now.
func (s *Server) ScreenFor(userID string) Screen {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := Screen{Messages: []ScreenMessage{}, Modals: []ScreenView{}, Files: []ScreenFile{}}
	for _, m := range s.messages {
		eph := m.m.Kind == "ephemeral" || m.m.Kind == "response" && m.m.ResponseType != "in_channel"
		if eph && m.m.User != userID {
			continue
		}
		var blocks json.RawMessage
		if m.blocks != nil {
			blocks, _ = json.Marshal(m.blocks) // decoded JSON: always marshals
		}
		sc.Messages = append(sc.Messages, ScreenMessage{
			Channel: m.m.Channel, TS: m.m.TS, ThreadTS: m.m.ThreadTS, User: m.m.User, Text: m.m.Text,
			Blocks: blocks, Kind: m.m.Kind, Ephemeral: eph, Edited: m.m.Updates > 0,
			Attachments: m.m.Attachments, ResponseType: m.m.ResponseType,
		})
	}
	for _, v := range s.modals[userID] {
		sc.Modals = append(sc.Modals, screenView(v))
	}
	if h := s.homes[userID]; h != nil {
		hv := screenView(h)
		sc.Home = &hv
	}
	for _, f := range s.files {
		if f.completed && f.f.Channel != "" {
			sc.Files = append(sc.Files, ScreenFile{
				ID: f.f.ID, Filename: f.f.Filename, Title: f.f.Title, Channel: f.f.Channel,
				ThreadTS: f.f.ThreadTS, InitialComment: f.f.InitialComment, Size: len(f.f.Content), AltText: f.f.AltText,
			})
		}
	}
	return sc
}

func screenView(v *view) ScreenView {
	obj, _ := json.Marshal(viewObject(v, nil)) // decoded JSON: always marshals
	sv := ScreenView{ID: v.v.ID, Type: v.v.Type, View: obj}
	if len(v.v.Errors) > 0 {
		sv.Errors = v.v.Errors
	}
	return sv
}

// FileByID returns a completed upload, content included.
func (s *Server) FileByID(id string) (File, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.findFileLocked(id)
	if f == nil || !f.completed {
		return File{}, false
	}
	return f.f, true
}

// PostMessage posts text as the user, as typing in the Slack client does.
// The app gets no event for it (pocbot subscribes to none); it is there to
// be read, threaded and used with message shortcuts. Its Kind is "user"
// and User is its author.
func (u *User) PostMessage(channel, text, threadTS string) (Message, error) {
	s := u.s
	if text == "" {
		return Message{}, fmt.Errorf("fakeslack: empty message")
	}
	ch, ok := resolveChannel(channel)
	if !ok {
		return Message{}, fmt.Errorf("fakeslack: no channel %q", channel)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &message{m: Message{Kind: "user", Channel: ch, TS: s.nextTSLocked(), ThreadTS: threadTS, User: u.ID, Text: text}}
	s.messages = append(s.messages, m)
	s.notifyLocked()
	return m.m, nil
}

// ClickInView is Click on an element of one of the user's views, with
// values (keyed by block_id, as Submit takes them) standing for what the
// user has typed or picked in the view's inputs so far: Slack sends that
// as view.state. nil values means the initial values.
func (u *User) ClickInView(ctx context.Context, viewID, actionID, value string, values map[string]string) (*Ack, error) {
	s := u.s
	s.mu.Lock()
	payload, err := u.blockActionsLocked(Target{View: &View{ID: viewID}}, actionID, value)
	if err == nil && values != nil {
		v := s.findViewLocked(viewID, "")
		var state map[string]any
		if state, err = buildState(v.obj, values, false); err == nil {
			payload["view"] = viewObject(v, state)
		}
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return u.interactive(ctx, payload)
}

// CloseView closes the user's top modal viewID as the Slack client's
// Cancel button does: it goes back to the view under it, or closes the
// modal if it was the root (all closes the whole stack, as the X does).
// A view with notify_on_close sends the app a view_closed.
func (u *User) CloseView(ctx context.Context, viewID string, all bool) error {
	s := u.s
	s.mu.Lock()
	stack := s.modals[u.ID]
	top := s.topModalLocked(u.ID)
	if top == nil || top.v.ID != viewID {
		s.mu.Unlock()
		return fmt.Errorf("fakeslack: view %s is not the open modal of %s", viewID, u.ID)
	}
	notify := top.obj["notify_on_close"] == true
	cleared := all || len(stack) == 1
	var payload map[string]any
	if notify {
		payload = map[string]any{
			"type":                  "view_closed",
			"team":                  teamObject(),
			"user":                  u.userObject(),
			"api_app_id":            AppID,
			"token":                 VerificationToken,
			"view":                  viewObject(top, nil),
			"is_cleared":            cleared && len(stack) > 1,
			"is_enterprise_install": false,
			"enterprise":            nil,
		}
	}
	if all {
		delete(s.modals, u.ID)
	} else {
		s.modals[u.ID] = slices.Delete(stack, len(stack)-1, len(stack))
	}
	s.notifyLocked()
	s.mu.Unlock()
	if payload == nil {
		return nil
	}
	_, err := u.interactive(ctx, payload)
	return err
}
