// Package playground serves a Slack-like workspace in the browser on top of
// the fake Slack (bot/fakeslack): channels, DMs with the bot, the App Home,
// a composer for slash commands with @ and # autocomplete, Block Kit and
// mrkdwn rendering, modals, threads, files, and controls for the bot's
// scheduled jobs and clock. The page is embedded (go:embed) and loads
// nothing from anywhere but the server that serves it.
//
// The package knows the fake Slack and what it is told in Options; it does
// not import the bot. cmd/pocbot's playground subcommand wires the real bot
// to the same fake Slack.
package playground

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"pocbot/bot/fakeslack"
)

//go:embed static
var static embed.FS

// Person is a member of the workspace.
type Person struct {
	ID       string `json:"id"`
	Name     string `json:"name"`      // handle, e.g. "dewi"
	RealName string `json:"real_name"` // e.g. "Dewi Lestari"
	Role     string `json:"role"`      // "lead", "poc" or "outsource"
	Admin    bool   `json:"admin"`
}

// Channel is a channel of the workspace.
type Channel struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Purpose string `json:"purpose"` // "digest", "triage", "sales"
}

// Command is a slash command as the manifest declares it.
type Command struct {
	Command     string `json:"command"`
	Description string `json:"description"`
	UsageHint   string `json:"usage_hint"`
}

// Shortcut is a message shortcut as the manifest declares it.
type Shortcut struct {
	CallbackID string `json:"callback_id"`
	Name       string `json:"name"`
}

// Options is what the page shows and controls.
type Options struct {
	Slack     *fakeslack.Server
	People    []Person
	Channels  []Channel
	Commands  []Command
	Shortcuts []Shortcut
	BotName   string // "pocbot"
	Location  *time.Location

	// Jobs are the scheduled jobs' names; RunJob runs one now through the
	// bot's scheduler.
	Jobs   []string
	RunJob func(ctx context.Context, name string) error
	// Now is the bot's clock; Advance moves it (and the page's) forward and
	// returns after any catch-up the bot does.
	Now     func() time.Time
	Advance func(ctx context.Context, d time.Duration) error

	Logger *slog.Logger
}

// Server is the playground's HTTP handler.
type Server struct {
	o   Options
	log *slog.Logger
	mux *http.ServeMux

	mu    sync.Mutex
	seen  map[string]time.Time // message channel+ts or file ID → clock time first seen
	order map[string]int       // file ID → number of messages in its channel when first seen
	wake  chan struct{}        // closed and replaced when the page should refresh (clock moved)
	stop  chan struct{}
	wg    sync.WaitGroup
}

// New returns the playground server. Close stops its watcher.
func New(o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.BotName == "" {
		o.BotName = "pocbot"
	}
	s := &Server{o: o, log: o.Logger.With("component", "playground"), seen: map[string]time.Time{},
		order: map[string]int{}, wake: make(chan struct{}), stop: make(chan struct{})}
	s.mux = http.NewServeMux()
	sub, _ := fs.Sub(static, "static") // a constant path: never fails
	files := http.FileServer(http.FS(sub))
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", noCache(files)))
	s.mux.HandleFunc("GET /{$}", s.index)
	s.mux.HandleFunc("GET /api/workspace", s.workspace)
	s.mux.HandleFunc("GET /api/screen", s.screen)
	s.mux.HandleFunc("GET /api/events", s.events)
	s.mux.HandleFunc("GET /files/{id}", s.file)
	s.mux.HandleFunc("POST /api/command", s.command)
	s.mux.HandleFunc("POST /api/message", s.message)
	s.mux.HandleFunc("POST /api/click", s.click)
	s.mux.HandleFunc("POST /api/submit", s.submit)
	s.mux.HandleFunc("POST /api/close", s.closeView)
	s.mux.HandleFunc("POST /api/shortcut", s.shortcut)
	s.mux.HandleFunc("POST /api/home", s.home)
	s.mux.HandleFunc("POST /api/run", s.run)
	s.mux.HandleFunc("POST /api/clock", s.clock)
	s.mux.HandleFunc("POST /api/attach", s.attach)
	s.note()
	s.wg.Go(s.watch)
	return s
}

// Close stops the watcher.
func (s *Server) Close() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.wg.Wait()
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The page is for this machine only: no framing, no third-party anything.
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if !loopbackHost(r.Host) {
		// A page elsewhere whose name was made to point at 127.0.0.1 (DNS
		// rebinding) sends its own name as Host: refuse it.
		http.Error(w, "the playground answers to 127.0.0.1, localhost or [::1] only", http.StatusMisdirectedRequest)
		return
	}
	if r.Method == http.MethodPost && !sameOrigin(r) {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// sameOrigin refuses posts from other sites (a page elsewhere posting to
// 127.0.0.1:8080): the browser sends Origin on every cross-site POST.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	return o == "" || o == "http://"+r.Host
}

// loopbackHost reports whether a Host header names this machine.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func noCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	b, err := static.ReadFile("static/index.html")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

// watch records when each message and file first appeared, by the bot's
// clock, so the page can show times and place files among messages.
func (s *Server) watch() {
	for {
		ch := s.o.Slack.Changed()
		s.note()
		select {
		case <-ch:
		case <-s.stop:
			return
		}
	}
}

func (s *Server) note() {
	now := s.now()
	msgs := s.o.Slack.Messages()
	files := s.o.Slack.Files()
	s.mu.Lock()
	defer s.mu.Unlock()
	count := map[string]int{} // visible-to-all messages per channel, for the files' places
	for _, m := range msgs {
		top := m.ThreadTS == "" || m.ThreadTS == m.TS
		if top && (m.Kind == "message" || m.Kind == "user" || m.Kind == "response" && m.ResponseType == "in_channel") {
			count[m.Channel]++
		}
		k := m.Channel + "/" + m.TS
		if _, ok := s.seen[k]; !ok {
			s.seen[k] = now
		}
	}
	for _, f := range files {
		if _, ok := s.seen["F/"+f.ID]; !ok && f.Channel != "" {
			s.seen["F/"+f.ID] = now
			s.order[f.ID] = count[f.Channel]
		}
	}
}

func (s *Server) now() time.Time {
	if s.o.Now != nil {
		return s.o.Now()
	}
	return time.Now()
}

// workspace is everything that does not change while the page is open.
func (s *Server) workspace(w http.ResponseWriter, r *http.Request) {
	tz := s.o.Location.String()
	writeJSON(w, http.StatusOK, map[string]any{
		"people": s.o.People, "channels": s.o.Channels, "commands": s.o.Commands, "shortcuts": s.o.Shortcuts,
		"bot": map[string]string{"id": fakeslack.BotUserID, "name": s.o.BotName}, "jobs": s.o.Jobs, "tz": tz,
	})
}

type screenMessage struct {
	fakeslack.ScreenMessage
	At time.Time `json:"at"`
}

type screenFile struct {
	fakeslack.ScreenFile
	At    time.Time `json:"at"`
	Index int       `json:"index"` // shown after this many messages of its channel
	URL   string    `json:"url"`
}

// screen is what one user sees now.
func (s *Server) screen(w http.ResponseWriter, r *http.Request) {
	user := r.URL.Query().Get("user")
	if !s.isPerson(user) {
		writeErr(w, http.StatusBadRequest, "unknown user %q", user)
		return
	}
	s.note()
	sc := s.o.Slack.ScreenFor(user)
	s.mu.Lock()
	msgs := make([]screenMessage, len(sc.Messages))
	for i, m := range sc.Messages {
		msgs[i] = screenMessage{m, s.seen[m.Channel+"/"+m.TS]}
	}
	files := make([]screenFile, len(sc.Files))
	for i, f := range sc.Files {
		files[i] = screenFile{f, s.seen["F/"+f.ID], s.order[f.ID], "/files/" + f.ID}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"now": s.now(), "messages": msgs, "modals": sc.Modals, "home": sc.Home, "files": files,
	})
}

// events is a Server-Sent Events stream: one "change" event whenever the
// workspace or the clock changes; the page then fetches /api/screen.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	n := 0
	send := func() {
		n++
		fmt.Fprintf(w, "event: change\ndata: %d\n\n", n)
		fl.Flush()
	}
	send()
	beat := time.NewTicker(15 * time.Second)
	defer beat.Stop()
	for {
		ch := s.o.Slack.Changed()
		s.mu.Lock()
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-ch:
		case <-wake:
		case <-beat.C:
			fmt.Fprint(w, ": keep-alive\n\n")
			fl.Flush()
			continue
		case <-r.Context().Done():
			return
		case <-s.stop:
			return
		}
		// Coalesce bursts (a job posting many DMs) into one refresh.
		select {
		case <-time.After(30 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		send()
	}
}

func (s *Server) poke() {
	s.mu.Lock()
	close(s.wake)
	s.wake = make(chan struct{})
	s.mu.Unlock()
}

func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	f, ok := s.o.Slack.FileByID(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(f.Filename))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Filename}))
	_, _ = w.Write(f.Content)
}

func (s *Server) isPerson(id string) bool {
	return slices.ContainsFunc(s.o.People, func(p Person) bool { return p.ID == id })
}

// action is the body of every POST.
type action struct {
	User       string            `json:"user"`
	Channel    string            `json:"channel"`
	TS         string            `json:"ts"`
	ThreadTS   string            `json:"thread_ts"`
	Command    string            `json:"command"`
	Text       string            `json:"text"`
	ViewID     string            `json:"view_id"`
	ActionID   string            `json:"action_id"`
	Value      string            `json:"value"`
	Values     map[string]string `json:"values"`
	All        bool              `json:"all"`
	CallbackID string            `json:"callback_id"`
	Job        string            `json:"job"`
	Advance    string            `json:"advance"`
	Filename   string            `json:"filename"`
	Content    []byte            `json:"content"` // base64 in JSON
}

func (s *Server) read(w http.ResponseWriter, r *http.Request, needUser bool) (*action, context.Context, context.CancelFunc, bool) {
	var a action
	if err := json.NewDecoder(io.LimitReader(r.Body, 16<<20)).Decode(&a); err != nil {
		writeErr(w, http.StatusBadRequest, "bad request: %v", err)
		return nil, nil, nil, false
	}
	if needUser && !s.isPerson(a.User) {
		writeErr(w, http.StatusBadRequest, "unknown user %q", a.User)
		return nil, nil, nil, false
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	return &a, ctx, cancel, true
}

// slackError turns the fake's errors into what the Slack client would show.
func slackError(err error) string {
	switch {
	case errors.Is(err, fakeslack.ErrNoAck):
		return "pocbot did not respond within 3 seconds (Slack would show: failed with the error \"operation_timeout\")"
	case errors.Is(err, fakeslack.ErrTroubleConnecting):
		return "We had some trouble connecting. Try again? (" + strings.TrimPrefix(err.Error(), fakeslack.ErrTroubleConnecting.Error()+": ") + ")"
	}
	return strings.TrimPrefix(err.Error(), "fakeslack: ")
}

func (s *Server) done(w http.ResponseWriter, err error, extra ...any) {
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": slackError(err)})
		return
	}
	resp := map[string]any{"ok": true}
	for i := 0; i+1 < len(extra); i += 2 {
		resp[extra[i].(string)] = extra[i+1]
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) command(w http.ResponseWriter, r *http.Request) {
	a, ctx, cancel, ok := s.read(w, r, true)
	if !ok {
		return
	}
	defer cancel()
	if !slices.ContainsFunc(s.o.Commands, func(c Command) bool { return c.Command == a.Command }) {
		s.done(w, fmt.Errorf("%s is not a valid command. The commands here are %s (type / to see them with their usage).", a.Command, s.commandNames()))
		return
	}
	_, err := s.o.Slack.User(a.User).Command(ctx, a.Channel, a.Command, a.Text)
	s.done(w, err)
}

func (s *Server) commandNames() string {
	var names []string
	for _, c := range s.o.Commands {
		names = append(names, c.Command)
	}
	return strings.Join(names, ", ")
}

func (s *Server) message(w http.ResponseWriter, r *http.Request) {
	a, _, cancel, ok := s.read(w, r, true)
	if !ok {
		return
	}
	defer cancel()
	if strings.TrimSpace(a.Text) == "" {
		s.done(w, errors.New("type a message first"))
		return
	}
	m, err := s.o.Slack.User(a.User).PostMessage(a.Channel, a.Text, a.ThreadTS)
	s.done(w, err, "ts", m.TS)
}

func (s *Server) click(w http.ResponseWriter, r *http.Request) {
	a, ctx, cancel, ok := s.read(w, r, true)
	if !ok {
		return
	}
	defer cancel()
	u := s.o.Slack.User(a.User)
	var err error
	if a.ViewID != "" {
		_, err = u.ClickInView(ctx, a.ViewID, a.ActionID, a.Value, a.Values)
	} else {
		_, err = u.Click(ctx, fakeslack.Target{Message: &fakeslack.Message{Channel: a.Channel, TS: a.TS}}, a.ActionID, a.Value)
	}
	s.done(w, err)
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	a, ctx, cancel, ok := s.read(w, r, true)
	if !ok {
		return
	}
	defer cancel()
	_, err := s.o.Slack.User(a.User).Submit(ctx, a.ViewID, a.Values)
	s.done(w, err)
}

func (s *Server) closeView(w http.ResponseWriter, r *http.Request) {
	a, ctx, cancel, ok := s.read(w, r, true)
	if !ok {
		return
	}
	defer cancel()
	s.done(w, s.o.Slack.User(a.User).CloseView(ctx, a.ViewID, a.All))
}

func (s *Server) shortcut(w http.ResponseWriter, r *http.Request) {
	a, ctx, cancel, ok := s.read(w, r, true)
	if !ok {
		return
	}
	defer cancel()
	var msg *fakeslack.ScreenMessage
	for _, m := range s.o.Slack.ScreenFor(a.User).Messages {
		if m.Channel == a.Channel && m.TS == a.TS {
			msg = &m
			break
		}
	}
	if msg == nil {
		s.done(w, errors.New("that message is gone"))
		return
	}
	fm := fakeslack.Message{Channel: msg.Channel, TS: msg.TS, ThreadTS: msg.ThreadTS, Text: msg.Text, Blocks: msg.Blocks, Kind: msg.Kind}
	if msg.Kind == "user" {
		fm.Kind, fm.User = "", msg.User // a person's message: the shortcut payload names its author
	}
	_, err := s.o.Slack.User(a.User).MessageShortcut(ctx, a.CallbackID, fm)
	s.done(w, err)
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	a, ctx, cancel, ok := s.read(w, r, true)
	if !ok {
		return
	}
	defer cancel()
	_, err := s.o.Slack.User(a.User).OpenHome(ctx)
	s.done(w, err)
}

func (s *Server) run(w http.ResponseWriter, r *http.Request) {
	a, ctx, cancel, ok := s.read(w, r, false)
	if !ok {
		return
	}
	defer cancel()
	if !slices.Contains(s.o.Jobs, a.Job) || s.o.RunJob == nil {
		s.done(w, fmt.Errorf("no job %q; the jobs are %s", a.Job, strings.Join(s.o.Jobs, ", ")))
		return
	}
	before := len(s.o.Slack.Calls(""))
	err := s.o.RunJob(ctx, a.Job)
	posts := countPosts(s.o.Slack.Calls("")[before:])
	s.done(w, err, "posts", posts)
}

// countPosts counts the messages and Home tabs a job's calls produced.
func countPosts(calls []fakeslack.Call) int {
	n := 0
	for _, c := range calls {
		switch c.Method {
		case "chat.postMessage", "chat.postEphemeral", "chat.update", "files.completeUploadExternal":
			if c.Error == "" {
				n++
			}
		}
	}
	return n
}

// attacher is a fake Slack user who can choose a file for a file_input
// (fakeslack's User.AttachFile, where the fake has it).
type attacher interface {
	AttachFile(name string, content []byte) string
}

// attach is the user choosing a file in a modal's file_input: the fake
// holds it as Slack would, and the page submits its file ID.
func (s *Server) attach(w http.ResponseWriter, r *http.Request) {
	a, _, cancel, ok := s.read(w, r, true)
	if !ok {
		return
	}
	defer cancel()
	u, ok := any(s.o.Slack.User(a.User)).(attacher)
	switch {
	case !ok:
		s.done(w, errors.New("this fake Slack cannot take files in forms yet"))
	case a.Filename == "" || len(a.Content) == 0:
		s.done(w, errors.New("that file is empty"))
	case len(a.Content) > 10<<20:
		s.done(w, fmt.Errorf("%s is %d MB; Slack takes files up to 10 MB in a form", a.Filename, len(a.Content)>>20))
	default:
		s.done(w, nil, "file_id", u.AttachFile(path.Base(a.Filename), a.Content))
	}
}

// clockSteps are the clock control's choices.
var clockSteps = map[string]time.Duration{"1h": time.Hour, "1d": 24 * time.Hour, "7d": 7 * 24 * time.Hour}

func (s *Server) clock(w http.ResponseWriter, r *http.Request) {
	a, ctx, cancel, ok := s.read(w, r, false)
	if !ok {
		return
	}
	defer cancel()
	d, ok := clockSteps[a.Advance]
	if !ok || s.o.Advance == nil {
		s.done(w, fmt.Errorf("the clock moves by 1h, 1d or 7d, not %q", a.Advance))
		return
	}
	before := len(s.o.Slack.Calls(""))
	err := s.o.Advance(ctx, d)
	posts := countPosts(s.o.Slack.Calls("")[before:])
	s.poke()
	s.done(w, err, "now", s.now(), "posts", posts)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, map[string]any{"ok": false, "error": fmt.Sprintf(format, args...)})
}
