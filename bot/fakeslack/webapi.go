package fakeslack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Call is one recorded Web API call.
type Call struct {
	Method string
	Token  string
	Params map[string]string // form fields, or top-level JSON fields re-encoded as JSON strings (strings unquoted)
	Body   []byte
	At     time.Time
	Error  string // the error code answered, "" if ok
}

// apiRequest is a parsed Web API request.
type apiRequest struct {
	token  string
	params map[string]string
	raw    map[string]json.RawMessage // top-level JSON fields; nil for forms
	body   []byte
}

// str returns a parameter as a string.
func (r *apiRequest) str(name string) string { return r.params[name] }

// jsonParam returns a parameter that holds JSON: a JSON value in a JSON
// body (a JSON string holding JSON is unwrapped), or a form field's text.
func (r *apiRequest) jsonParam(name string) (json.RawMessage, bool) {
	if r.raw != nil {
		v, ok := r.raw[name]
		if !ok || string(v) == "null" {
			return nil, false
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			return json.RawMessage(s), s != ""
		}
		return v, true
	}
	v, ok := r.params[name]
	if !ok || v == "" {
		return nil, false
	}
	return json.RawMessage(v), true
}

// boolParam reads true/false/1/0 from a form or a JSON body.
func (r *apiRequest) boolParam(name string) bool {
	b, _ := strconv.ParseBool(r.params[name])
	return b
}

type apiHandler func(s *Server, r *apiRequest) map[string]any

// methods are the Web API methods the fake answers. Anything else answers
// unknown_method, as Slack does for a misspelt method.
var methods = map[string]apiHandler{
	"auth.test":                    (*Server).authTest,
	"apps.connections.open":        (*Server).appsConnectionsOpen,
	"chat.postMessage":             (*Server).chatPostMessage,
	"chat.postEphemeral":           (*Server).chatPostEphemeral,
	"chat.update":                  (*Server).chatUpdate,
	"chat.delete":                  (*Server).chatDelete,
	"chat.getPermalink":            (*Server).chatGetPermalink,
	"conversations.open":           (*Server).conversationsOpen,
	"conversations.info":           (*Server).conversationsInfo,
	"users.info":                   (*Server).usersInfo,
	"views.open":                   (*Server).viewsOpen,
	"views.push":                   (*Server).viewsPush,
	"views.update":                 (*Server).viewsUpdate,
	"views.publish":                (*Server).viewsPublish,
	"files.getUploadURLExternal":   (*Server).filesGetUploadURLExternal,
	"files.completeUploadExternal": (*Server).filesCompleteUploadExternal,
}

func okResp(kv ...any) map[string]any {
	m := map[string]any{"ok": true}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func errResp(code string) map[string]any {
	return map[string]any{"ok": false, "error": code}
}

// describe renders an error response for a Go error message.
func describe(resp map[string]any) string {
	msg, _ := resp["error"].(string)
	if md, ok := resp["response_metadata"].(map[string]any); ok {
		if msgs, ok := md["messages"].([]string); ok && len(msgs) > 0 {
			msg += ": " + strings.Join(msgs, "; ")
		}
	}
	return msg
}

// invalidArgs is how Slack reports bad view arguments.
func invalidArgs(messages ...string) map[string]any {
	return map[string]any{
		"ok":                false,
		"error":             "invalid_arguments",
		"response_metadata": map[string]any{"messages": messages},
	}
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	req, parseErr := parseAPIRequest(r, body)

	s.mu.Lock()
	httpFail, failed := s.takeHTTPFailLocked(method)
	var (
		status int
		resp   map[string]any
		header map[string]string
	)
	if failed {
		status, resp = httpFail, errResp("http_"+strconv.Itoa(httpFail))
	} else {
		status, resp, header = s.serveLocked(method, req, parseErr)
	}
	lost := !failed && s.takeLostAnswerLocked(method)
	code := ""
	if ok, _ := resp["ok"].(bool); !ok {
		code, _ = resp["error"].(string)
	}
	s.calls = append(s.calls, Call{
		Method: method, Token: req.token, Params: req.params, Body: body, At: time.Now(), Error: code,
	})
	s.notifyLocked()
	s.mu.Unlock()

	if code != "" {
		s.log.Info("web api error", "method", method, "error", code, "resp", resp)
	} else {
		s.log.Debug("web api", "method", method)
	}
	if failed || lost {
		// What a proxy in front of Slack answers: not JSON.
		if lost {
			status = http.StatusGatewayTimeout
		}
		http.Error(w, "<html><body><h1>"+strconv.Itoa(status)+" "+http.StatusText(status)+"</h1></body></html>", status)
		return
	}
	for k, v := range header {
		w.Header().Set(k, v)
	}
	writeJSON(w, status, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// A fakeslack bug, not an app error: say so loudly.
		http.Error(w, "fakeslack: encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// serveLocked answers one call: injected rate limits first, then request
// errors, unknown methods, auth, injected failures and the method itself.
func (s *Server) serveLocked(method string, r *apiRequest, parseErr string) (int, map[string]any, map[string]string) {
	if rl := s.rateLimits[method]; rl != nil && rl.times > 0 {
		rl.times--
		return http.StatusTooManyRequests, errResp("ratelimited"),
			map[string]string{"Retry-After": strconv.Itoa(rl.retryAfter)}
	}
	if parseErr != "" {
		return http.StatusOK, errResp(parseErr), nil
	}
	h, ok := methods[method]
	if !ok {
		resp := errResp("unknown_method")
		resp["req_method"] = method
		return http.StatusOK, resp, nil
	}
	if code := checkToken(method, r.token); code != "" {
		return http.StatusOK, errResp(code), nil
	}
	if q := s.failNext[method]; len(q) > 0 {
		s.failNext[method] = q[1:]
		return http.StatusOK, errResp(q[0]), nil
	}
	return http.StatusOK, h(s, r), nil
}

// checkToken returns the auth error for token, or "". apps.connections.open
// wants the app-level token, everything else the bot token.
func checkToken(method, token string) string {
	if method == "apps.connections.open" {
		if token != AppToken {
			return "invalid_auth"
		}
		return ""
	}
	switch token {
	case BotToken:
		return ""
	case "":
		return "not_authed"
	}
	return "invalid_auth"
}

// parseAPIRequest reads the token and parameters the way Slack does: query
// string and form fields (token in the form or in Authorization: Bearer),
// or a JSON body (token only in the header). It returns an error code if
// the body cannot be parsed.
func parseAPIRequest(r *http.Request, body []byte) (*apiRequest, string) {
	req := &apiRequest{params: map[string]string{}, body: body}
	for k, v := range r.URL.Query() {
		req.params[k] = v[0]
	}
	bearer := ""
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		bearer = strings.TrimPrefix(h, "Bearer ")
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case ct == "application/json":
		req.token = bearer
		if len(bytes.TrimSpace(body)) == 0 {
			return req, ""
		}
		if err := json.Unmarshal(body, &req.raw); err != nil {
			return req, "invalid_json"
		}
		for k, v := range req.raw {
			var s string
			if json.Unmarshal(v, &s) == nil {
				req.params[k] = s
			} else {
				req.params[k] = string(v)
			}
		}
	case ct == "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err == nil {
			for k, v := range r.MultipartForm.Value {
				req.params[k] = v[0]
			}
		}
		req.token = firstNonEmpty(req.params["token"], bearer)
	default:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return req, "invalid_form_data"
		}
		for k, v := range form {
			req.params[k] = v[0]
		}
		req.token = firstNonEmpty(req.params["token"], bearer)
	}
	return req, ""
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func (s *Server) authTest(*apiRequest) map[string]any {
	return okResp(
		"url", "https://"+TeamDomain+".slack.com/",
		"team", "Fake Team",
		"user", "pocbot",
		"team_id", TeamID,
		"user_id", BotUserID,
		"bot_id", BotID,
		"is_enterprise_install", false,
	)
}

func (s *Server) appsConnectionsOpen(*apiRequest) map[string]any {
	s.ticketSeq++
	ticket := strconv.Itoa(s.ticketSeq)
	s.tickets[ticket] = true
	return okResp("url", "ws://"+strings.TrimPrefix(s.base, "http://")+"/ws?ticket="+ticket)
}

// isUserID reports whether id looks like a Slack user ID.
func isUserID(id string) bool {
	return len(id) > 1 && (id[0] == 'U' || id[0] == 'W')
}

// resolveChannel maps a chat.* channel argument to the conversation the
// message lands in: a user ID means the DM with that user.
func resolveChannel(ch string) (string, bool) {
	switch {
	case isUserID(ch):
		return "D" + ch, true
	case len(ch) > 1 && strings.ContainsRune("CDG", rune(ch[0])):
		return ch, true
	}
	return "", false
}

// channelName is what slash commands and payloads call a channel.
func channelName(id string) string {
	switch {
	case strings.HasPrefix(id, "D"):
		return "directmessage"
	case strings.HasPrefix(id, "G"):
		return "privategroup"
	}
	return strings.ToLower(id)
}

// userName is the user name of a synthetic user.
func userName(id string) string {
	if id == BotUserID {
		return "pocbot"
	}
	return strings.ToLower(id)
}

func userObject(id string, locale bool) map[string]any {
	name := userName(id)
	isBot := id == BotUserID
	profile := map[string]any{
		"real_name":               name,
		"real_name_normalized":    name,
		"display_name":            name,
		"display_name_normalized": name,
		"team":                    TeamID,
	}
	if isBot {
		profile["bot_id"] = BotID
	} else {
		profile["email"] = name + "@example.com"
	}
	u := map[string]any{
		"id":                  id,
		"team_id":             TeamID,
		"name":                name,
		"deleted":             false,
		"color":               "9f69e7",
		"real_name":           name,
		"tz":                  "Asia/Jakarta",
		"tz_label":            "Western Indonesia Time",
		"tz_offset":           7 * 3600,
		"profile":             profile,
		"is_admin":            false,
		"is_owner":            false,
		"is_primary_owner":    false,
		"is_restricted":       false,
		"is_ultra_restricted": false,
		"is_bot":              isBot,
		"is_app_user":         false,
		"updated":             tsEpoch,
		"is_email_confirmed":  !isBot,
	}
	if locale {
		u["locale"] = "en-US"
	}
	return u
}

func (s *Server) usersInfo(r *apiRequest) map[string]any {
	id := r.str("user")
	if !isUserID(id) {
		return errResp("user_not_found")
	}
	return okResp("user", s.profileObjectLocked(id, r.boolParam("include_locale")))
}

func (s *Server) conversationsOpen(r *apiRequest) map[string]any {
	if ch := r.str("channel"); ch != "" {
		if _, ok := resolveChannel(ch); !ok {
			return errResp("channel_not_found")
		}
		return okResp("no_op", true, "already_open", true, "channel", map[string]any{"id": ch})
	}
	var users []string
	for u := range strings.SplitSeq(r.str("users"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			users = append(users, u)
		}
	}
	if len(users) == 0 {
		return errResp("users_list_not_supplied")
	}
	for _, u := range users {
		if !isUserID(u) {
			return errResp("user_not_found")
		}
	}
	id := "D" + users[0]
	if len(users) > 1 {
		id = "G" + strings.Join(users, "")
	}
	already := s.openedDMs[id]
	s.openedDMs[id] = true
	ch := map[string]any{"id": id}
	if r.boolParam("return_im") {
		ch = conversationObject(id)
	}
	return okResp("no_op", already, "already_open", already, "channel", ch)
}

func conversationObject(id string) map[string]any {
	c := map[string]any{
		"id":          id,
		"created":     tsEpoch,
		"is_channel":  strings.HasPrefix(id, "C"),
		"is_group":    false,
		"is_im":       strings.HasPrefix(id, "D"),
		"is_mpim":     strings.HasPrefix(id, "G"),
		"is_private":  !strings.HasPrefix(id, "C"),
		"is_member":   true,
		"is_archived": false,
	}
	if strings.HasPrefix(id, "D") {
		c["user"] = strings.TrimPrefix(id, "D")
	} else {
		c["name"] = channelName(id)
	}
	return c
}

func (s *Server) conversationsInfo(r *apiRequest) map[string]any {
	id, ok := resolveChannel(r.str("channel"))
	if !ok || id != r.str("channel") {
		return errResp("channel_not_found")
	}
	return okResp("channel", conversationObject(id))
}

// pointerf builds a Slack validation message.
func pointerf(ptr, format string, args ...any) string {
	return fmt.Sprintf("[ERROR] %s [json-pointer:%s]", fmt.Sprintf(format, args...), ptr)
}
