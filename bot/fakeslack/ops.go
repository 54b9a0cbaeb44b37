package fakeslack

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// This file fakes what operations tests need: network failures (HTTP 5xx,
// answers lost after the work was done, a Slack that refuses connections),
// message metadata with conversations.history / conversations.replies to
// find a post whose answer was lost, and user groups
// (usergroups.users.list).

// opsState is the Server's state for this file, guarded by Server.mu.
type opsState struct {
	httpFails  map[string][]int // method → queued HTTP status codes to answer instead of serving
	loseAnswer map[string]int   // method → calls to serve whose answer is then lost
	refusing   bool
	userGroups map[string]*userGroup
}

type userGroup struct {
	users    []string
	disabled bool
}

func init() {
	methods["conversations.history"] = (*Server).conversationsHistory
	methods["conversations.replies"] = (*Server).conversationsReplies
	methods["usergroups.users.list"] = (*Server).usergroupsUsersList
}

// FailHTTP makes the next `times` calls of method answer HTTP status (for
// example 500 or 503) with an HTML body, as a load balancer in front of
// Slack does, without doing the call's work. The calls are recorded with
// Error "http_<status>".
func (s *Server) FailHTTP(method string, times, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ops.httpFails == nil {
		s.ops.httpFails = map[string][]int{}
	}
	for range times {
		s.ops.httpFails[method] = append(s.ops.httpFails[method], status)
	}
}

// LoseAnswer makes the next `times` calls of method do their work (a
// message is posted) and then answer HTTP 504 instead of the result, as
// when a proxy times out after Slack acted: the app cannot know whether
// the call took effect.
func (s *Server) LoseAnswer(method string, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ops.loseAnswer == nil {
		s.ops.loseAnswer = map[string]int{}
	}
	s.ops.loseAnswer[method] += times
}

// RefuseConnections(true) makes the fake unreachable: every open Socket Mode
// connection is dropped and every new HTTP request (Web API and WebSocket)
// has its TCP connection closed without an answer, as when Slack or the
// network is down. RefuseConnections(false) lets clients back in.
func (s *Server) RefuseConnections(on bool) {
	s.mu.Lock()
	s.ops.refusing = on
	var conns []*wsConn
	if on {
		conns = s.conns
		s.conns = nil
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.kill()
	}
}

// refuse closes the client's connection without an answer if the fake is
// refusing connections, and reports whether it did.
func (s *Server) refuse(w http.ResponseWriter) bool {
	s.mu.Lock()
	on := s.ops.refusing
	s.mu.Unlock()
	if !on {
		return false
	}
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			_ = c.Close()
			return true
		}
	}
	http.Error(w, "fakeslack: refusing connections", http.StatusServiceUnavailable)
	return true
}

// takeHTTPFailLocked pops an injected HTTP failure for method.
func (s *Server) takeHTTPFailLocked(method string) (int, bool) {
	q := s.ops.httpFails[method]
	if len(q) == 0 {
		return 0, false
	}
	s.ops.httpFails[method] = q[1:]
	return q[0], true
}

// takeLostAnswerLocked reports whether this call's answer is to be lost.
func (s *Server) takeLostAnswerLocked(method string) bool {
	if s.ops.loseAnswer[method] <= 0 {
		return false
	}
	s.ops.loseAnswer[method]--
	return true
}

// SetUserGroup creates or replaces the user group id (like S0614TZR7)
// with the given members, in order. disabled marks the group disabled:
// usergroups.users.list then answers it only with include_disabled.
func (s *Server) SetUserGroup(id string, users []string, disabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ops.userGroups == nil {
		s.ops.userGroups = map[string]*userGroup{}
	}
	s.ops.userGroups[id] = &userGroup{users: slices.Clone(users), disabled: disabled}
}

// usergroupsUsersList is usergroups.users.list: usergroup (required),
// include_disabled. It answers {"ok":true,"users":[…]}; an unknown group
// is no_such_subteam, a missing argument invalid_arguments... Slack answers
// a missing usergroup with no_such_subteam too.
func (s *Server) usergroupsUsersList(r *apiRequest) map[string]any {
	id := r.str("usergroup")
	g := s.ops.userGroups[id]
	if id == "" || g == nil {
		return errResp("no_such_subteam")
	}
	if g.disabled && !r.boolParam("include_disabled") {
		return errResp("no_such_subteam")
	}
	users := slices.Clone(g.users)
	if users == nil {
		users = []string{}
	}
	return okResp("users", users)
}

// conversationsHistory is conversations.history: channel (required),
// oldest, latest, inclusive, limit (default 100, at most 999), cursor and
// include_all_metadata. Messages come newest first; thread replies are not
// in a channel's history. metadata is returned only with
// include_all_metadata, as Slack does.
func (s *Server) conversationsHistory(r *apiRequest) map[string]any {
	ch := r.str("channel")
	if _, ok := resolveChannel(ch); !ok || isUserID(ch) {
		return errResp("channel_not_found")
	}
	return s.listMessagesLocked(r, func(m *message) bool {
		return m.m.Kind == "message" && m.m.Channel == ch && (m.m.ThreadTS == "" || m.m.ThreadTS == m.m.TS)
	})
}

// conversationsReplies is conversations.replies: channel and ts (the
// parent) required; the parent comes first, then its replies, oldest first.
func (s *Server) conversationsReplies(r *apiRequest) map[string]any {
	ch, ts := r.str("channel"), r.str("ts")
	if _, ok := resolveChannel(ch); !ok || isUserID(ch) {
		return errResp("channel_not_found")
	}
	if s.findMessageLocked(ch, ts) == nil {
		return errResp("thread_not_found")
	}
	resp := s.listMessagesLocked(r, func(m *message) bool {
		return m.m.Kind == "message" && m.m.Channel == ch && (m.m.TS == ts || m.m.ThreadTS == ts)
	})
	if msgs, ok := resp["messages"].([]map[string]any); ok {
		slices.Reverse(msgs) // oldest first
	}
	return resp
}

func (s *Server) listMessagesLocked(r *apiRequest, match func(*message) bool) map[string]any {
	limit := 100
	if v := r.str("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return errResp("invalid_limit")
		}
		limit = min(n, 999)
	}
	oldest, latest := r.str("oldest"), r.str("latest")
	incl := r.boolParam("inclusive")
	skip := 0
	if c := r.str("cursor"); c != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(c, "bmV4dF90czo"))
		if err != nil || n < 0 {
			return errResp("invalid_cursor")
		}
		skip = n
	}
	meta := r.boolParam("include_all_metadata")
	var out []map[string]any
	matched := 0
	for i := len(s.messages) - 1; i >= 0; i-- { // newest first
		m := s.messages[i]
		if !match(m) || !inRange(m.m.TS, oldest, latest, incl) {
			continue
		}
		matched++
		if matched <= skip || len(out) >= limit {
			continue
		}
		o := messageObject(m)
		if meta && len(m.m.Metadata) > 0 {
			o["metadata"] = m.m.Metadata
		}
		out = append(out, o)
	}
	if out == nil {
		out = []map[string]any{}
	}
	more := matched > skip+len(out)
	next := ""
	if more {
		next = "bmV4dF90czo" + strconv.Itoa(skip+len(out))
	}
	return okResp("messages", out, "has_more", more, "pin_count", 0,
		"response_metadata", map[string]any{"next_cursor": next})
}

// inRange compares Slack timestamps ("1700000000.000100") exactly.
func inRange(ts, oldest, latest string, inclusive bool) bool {
	t := tsMicros(ts)
	if oldest != "" {
		if o := tsMicros(oldest); t < o || (!inclusive && t == o) {
			return false
		}
	}
	if latest != "" {
		if l := tsMicros(latest); t > l || (!inclusive && t == l) {
			return false
		}
	}
	return true
}

func tsMicros(ts string) int64 {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	frac = (frac + "000000")[:6]
	f, _ := strconv.ParseInt(frac, 10, 64)
	return s*1_000_000 + f
}

// checkMetadata validates chat.postMessage's metadata argument the way
// Slack does: an object with a string event_type and an object
// event_payload, else invalid_metadata_format / invalid_metadata_schema.
func checkMetadata(raw json.RawMessage) map[string]any {
	var md map[string]json.RawMessage
	if json.Unmarshal(raw, &md) != nil {
		return errResp("invalid_metadata_format")
	}
	var typ string
	var payload map[string]any
	if json.Unmarshal(md["event_type"], &typ) != nil || typ == "" || json.Unmarshal(md["event_payload"], &payload) != nil || payload == nil {
		return errResp("invalid_metadata_schema")
	}
	return nil
}
