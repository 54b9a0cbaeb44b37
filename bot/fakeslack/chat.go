package fakeslack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is a message as the workspace shows it. chat.postMessage,
// chat.postEphemeral, chat.update, response_url posts and slash-command ack
// payloads all land here.
type Message struct {
	Channel         string
	TS              string
	ThreadTS        string
	User            string // the user an ephemeral message or response is shown to
	Text            string
	Blocks          json.RawMessage // as the app sent them
	Kind            string          // "message", "ephemeral" or "response"
	Updates         int             // edits by chat.update and replace_original
	ResponseType    string          // of a "response": "ephemeral" or "in_channel"
	ReplaceOriginal bool            // the post that created or last edited it had replace_original
	Attachments     json.RawMessage // as the app sent them (not validated)
	Metadata        json.RawMessage // chat.postMessage metadata, as the app sent it
}

// message is a stored Message plus its blocks as Slack keeps them (every
// block and element with an ID).
type message struct {
	m      Message
	blocks []any
}

// responseURL is one issued response_url.
type responseURL struct {
	channel, user string
	created       time.Time
	uses          int
	original      *message // what replace_original and delete_original act on
}

// maxResponseURLUses and responseURLTTL are Slack's response_url limits.
const (
	maxResponseURLUses = 5
	responseURLTTL     = 30 * time.Minute
)

// content is validated message text and blocks.
type content struct {
	text        string
	blocksRaw   json.RawMessage
	blocks      []any // normalized; nil if blocksRaw is nil
	attachments json.RawMessage
	truncated   bool
}

// parseContent validates a message's text, blocks and attachments like
// chat.postMessage and truncates the text. It returns the error response
// on failure. Callers check empty (no_text) themselves.
func parseContent(text string, blocksRaw json.RawMessage, hasBlocks bool, attachments json.RawMessage) (content, map[string]any) {
	c := content{text: text, attachments: attachments}
	if hasBlocks {
		blocks, err := parseBlocks(blocksRaw)
		if err != nil {
			return c, errResp("invalid_blocks_format")
		}
		if errs := checkMessageBlocks(blocks); len(errs) > 0 {
			return c, map[string]any{
				"ok":                false,
				"error":             "invalid_blocks",
				"errors":            errs,
				"response_metadata": map[string]any{"messages": errs},
			}
		}
		normalizeBlocks(blocks)
		c.blocksRaw, c.blocks = blocksRaw, blocks
	}
	if utf8.RuneCountInString(text) > maxMessageText {
		c.text = string([]rune(text)[:maxMessageText])
		c.truncated = true
	}
	return c, nil
}

// empty reports whether there is nothing to show, which Slack rejects
// with no_text.
func (c content) empty() bool {
	return c.text == "" && len(c.blocks) == 0 && !hasItems(c.attachments)
}

func hasItems(raw json.RawMessage) bool {
	var arr []any
	return json.Unmarshal(raw, &arr) == nil && len(arr) > 0
}

// warn adds Slack's truncation warning to resp if the text was truncated.
func (c content) warn(resp map[string]any) map[string]any {
	if c.truncated {
		resp["warning"] = "message_truncated"
		resp["response_metadata"] = map[string]any{"warnings": []string{"message_truncated"}}
	}
	return resp
}

// contentFrom reads a new message's content from a chat.* call.
func contentFrom(r *apiRequest) (content, map[string]any) {
	blocks, hasBlocks := r.jsonParam("blocks")
	attachments, _ := r.jsonParam("attachments")
	c, fail := parseContent(r.str("text"), blocks, hasBlocks, attachments)
	if fail == nil && c.empty() {
		fail = errResp("no_text")
	}
	return c, fail
}

func (s *Server) chatPostMessage(r *apiRequest) map[string]any {
	ch, ok := resolveChannel(r.str("channel"))
	if !ok {
		return errResp("channel_not_found")
	}
	c, fail := contentFrom(r)
	if fail != nil {
		return fail
	}
	m := &message{m: Message{
		Kind: "message", Channel: ch, TS: s.nextTSLocked(), ThreadTS: r.str("thread_ts"),
		Text: c.text, Blocks: c.blocksRaw, Attachments: c.attachments,
	}, blocks: c.blocks}
	if md, ok := r.jsonParam("metadata"); ok {
		if fail := checkMetadata(md); fail != nil {
			return fail
		}
		m.m.Metadata = md
	}
	s.messages = append(s.messages, m)
	return c.warn(okResp("channel", ch, "ts", m.m.TS, "message", messageObject(m)))
}

func (s *Server) chatPostEphemeral(r *apiRequest) map[string]any {
	ch, ok := resolveChannel(r.str("channel"))
	if !ok {
		return errResp("channel_not_found")
	}
	user := r.str("user")
	if !isUserID(user) {
		return errResp("user_not_in_channel")
	}
	c, fail := contentFrom(r)
	if fail != nil {
		return fail
	}
	m := &message{m: Message{
		Kind: "ephemeral", Channel: ch, TS: s.nextTSLocked(), ThreadTS: r.str("thread_ts"), User: user,
		Text: c.text, Blocks: c.blocksRaw, Attachments: c.attachments,
	}, blocks: c.blocks}
	s.messages = append(s.messages, m)
	return c.warn(okResp("message_ts", m.m.TS))
}

// chatUpdate edits a bot message in place. Like Slack, blocks and
// attachments that are not sent are kept; an empty blocks array removes
// them.
func (s *Server) chatUpdate(r *apiRequest) map[string]any {
	ch, ts := r.str("channel"), r.str("ts")
	m := s.findMessageLocked(ch, ts)
	if m == nil || m.m.Kind != "message" {
		if _, ok := resolveChannel(ch); !ok {
			return errResp("channel_not_found")
		}
		return errResp("message_not_found")
	}
	text := m.m.Text
	if _, ok := r.params["text"]; ok {
		text = r.str("text")
	}
	attachments, ok := r.jsonParam("attachments")
	if !ok {
		attachments = m.m.Attachments
	}
	blocks, hasBlocks := r.jsonParam("blocks")
	c, fail := parseContent(text, blocks, hasBlocks, attachments)
	if fail != nil {
		return fail
	}
	if !hasBlocks {
		c.blocksRaw, c.blocks = m.m.Blocks, m.blocks
	}
	if c.empty() {
		return errResp("no_text")
	}
	m.m.Text, m.m.Blocks, m.blocks, m.m.Attachments = c.text, c.blocksRaw, c.blocks, c.attachments
	m.m.Updates++
	return c.warn(okResp("channel", ch, "ts", ts, "text", c.text, "message", messageObject(m)))
}

func (s *Server) chatDelete(r *apiRequest) map[string]any {
	ch, ts := r.str("channel"), r.str("ts")
	m := s.findMessageLocked(ch, ts)
	if m == nil || m.m.Kind != "message" {
		return errResp("message_not_found")
	}
	s.removeMessageLocked(m)
	return okResp("channel", ch, "ts", ts)
}

func (s *Server) chatGetPermalink(r *apiRequest) map[string]any {
	ch, ts := r.str("channel"), r.str("message_ts")
	if s.findMessageLocked(ch, ts) == nil {
		return errResp("message_not_found")
	}
	link := fmt.Sprintf("https://%s.slack.com/archives/%s/p%s", TeamDomain, ch, strings.Replace(ts, ".", "", 1))
	return okResp("channel", ch, "permalink", link)
}

func (s *Server) findMessageLocked(channel, ts string) *message {
	for _, m := range s.messages {
		if m.m.Channel == channel && m.m.TS == ts {
			return m
		}
	}
	return nil
}

func (s *Server) removeMessageLocked(m *message) {
	if i := slices.Index(s.messages, m); i >= 0 {
		s.messages = slices.Delete(s.messages, i, i+1)
	}
}

// messageObject is a message the way Slack returns it from chat.* and in
// interactive payloads.
func messageObject(m *message) map[string]any {
	o := map[string]any{
		"type":   "message",
		"text":   m.m.Text,
		"user":   BotUserID,
		"bot_id": BotID,
		"app_id": AppID,
		"ts":     m.m.TS,
		"team":   TeamID,
		"bot_profile": map[string]any{
			"id": BotID, "app_id": AppID, "name": "pocbot", "team_id": TeamID, "deleted": false,
		},
	}
	if m.blocks != nil {
		o["blocks"] = m.blocks
	}
	if m.m.Attachments != nil {
		o["attachments"] = m.m.Attachments
	}
	if m.m.ThreadTS != "" {
		o["thread_ts"] = m.m.ThreadTS
	}
	if m.m.Updates > 0 {
		o["edited"] = map[string]any{"user": BotUserID, "ts": m.m.TS}
	}
	return o
}

// newResponseURLLocked issues a response_url for a user's action in
// channel. original is the message replace_original acts on, if any.
func (s *Server) newResponseURLLocked(channel, user string, original *message) (string, *responseURL) {
	id := s.nextIDLocked("R") + "/" + randHex(12)
	ru := &responseURL{channel: channel, user: user, created: time.Now(), original: original}
	s.responses[id] = ru
	return s.base + "/response/" + id, ru
}

// responseBody is what apps post to a response_url (and what a slash
// command's ack payload may carry).
type responseBody struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	Attachments     json.RawMessage `json:"attachments"`
	ThreadTS        string          `json:"thread_ts"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
}

// handleResponseURL answers posts to a response_url. Like Slack's hooks it
// answers errors with a 4xx status.
func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/response/")
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	params := map[string]string{}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) == nil {
		for k, v := range top {
			var str string
			if json.Unmarshal(v, &str) == nil {
				params[k] = str
			} else {
				params[k] = string(v)
			}
		}
	}

	s.mu.Lock()
	status, resp := s.respondLocked(r.Method, id, body)
	code, _ := resp["error"].(string)
	at := time.Now()
	s.calls = append(s.calls, Call{Method: "response_url", Params: params, Body: body, At: at, Error: code})
	s.notifyLocked()
	s.mu.Unlock()
	if f := s.opts.OnResponse; f != nil && code == "" {
		f(s.base+r.URL.Path, at)
	}

	if code != "" {
		s.log.Info("response_url error", "error", code, "resp", resp)
	}
	writeJSON(w, status, resp)
}

func (s *Server) respondLocked(method, id string, body []byte) (int, map[string]any) {
	ru := s.responses[id]
	switch {
	case ru == nil:
		return http.StatusNotFound, errResp("no_service")
	case method != http.MethodPost:
		return http.StatusMethodNotAllowed, errResp("invalid_method")
	case time.Since(ru.created) > responseURLTTL:
		return http.StatusNotFound, errResp("expired_url")
	case ru.uses >= maxResponseURLUses:
		return http.StatusNotFound, errResp("used_url")
	}
	var b responseBody
	if err := json.Unmarshal(body, &b); err != nil {
		return http.StatusBadRequest, errResp("invalid_payload")
	}
	if fail := s.postResponseLocked(ru, b); fail != nil {
		return http.StatusBadRequest, fail
	}
	ru.uses++
	return http.StatusOK, okResp()
}

// postResponseLocked applies a response_url post or a slash command's ack
// payload. It returns the error response if Slack would reject it.
func (s *Server) postResponseLocked(ru *responseURL, b responseBody) map[string]any {
	orig := ru.original
	if orig != nil && !slices.Contains(s.messages, orig) {
		orig = nil
	}
	if b.DeleteOriginal {
		if orig != nil {
			s.removeMessageLocked(orig)
		}
		return nil
	}
	hasBlocks := len(b.Blocks) > 0 && string(b.Blocks) != "null"
	c, fail := parseContent(b.Text, b.Blocks, hasBlocks, b.Attachments)
	if fail != nil {
		return fail
	}
	if c.empty() {
		return errResp("no_text")
	}
	if b.ReplaceOriginal && orig != nil {
		orig.m.Text, orig.m.Blocks, orig.blocks, orig.m.Attachments = c.text, c.blocksRaw, c.blocks, c.attachments
		orig.m.Updates++
		orig.m.ReplaceOriginal = true
		return nil
	}
	rt := b.ResponseType
	if rt == "" {
		rt = "ephemeral"
	}
	m := &message{m: Message{
		Kind: "response", Channel: ru.channel, User: ru.user, TS: s.nextTSLocked(), ThreadTS: b.ThreadTS,
		Text: c.text, Blocks: c.blocksRaw, Attachments: c.attachments,
		ResponseType: rt, ReplaceOriginal: b.ReplaceOriginal,
	}, blocks: c.blocks}
	s.messages = append(s.messages, m)
	if ru.original == nil {
		ru.original = m
	}
	return nil
}

// Messages returns the messages as they are now, oldest first (chat.update
// edits in place, deleted messages are gone).
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagesLocked()
}

func (s *Server) messagesLocked() []Message {
	out := make([]Message, len(s.messages))
	for i, m := range s.messages {
		out[i] = m.m
	}
	return out
}

// WaitMessage waits until a message, new, edited or already there, matches
// and returns it. match runs without the server's lock held.
func (s *Server) WaitMessage(ctx context.Context, match func(Message) bool) (Message, error) {
	return waitFor(s, ctx, s.messagesLocked, match)
}

// Thread returns the message channel/ts and its replies, oldest first.
func (s *Server) Thread(channel, ts string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.m.Channel == channel && (m.m.TS == ts || m.m.ThreadTS == ts) {
			out = append(out, m.m)
		}
	}
	return out
}

// waitFor waits until match accepts an item of snapshot, which runs with
// s.mu held; match runs without it.
func waitFor[T any](s *Server, ctx context.Context, snapshot func() []T, match func(T) bool) (T, error) {
	var zero T
	for {
		s.mu.Lock()
		items := snapshot()
		closed := s.closed
		ch := s.changed
		s.mu.Unlock()
		for _, it := range items {
			if match(it) {
				return it, nil
			}
		}
		if closed {
			return zero, ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return zero, ctx.Err()
		case <-s.done:
		}
	}
}
