package fakeslack

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"sync"
	"time"
)

// Identities of the fake workspace and app.
const (
	BotToken  = "xoxb-fake-bot-token"
	AppToken  = "xapp-1-fake-app-token"
	BotUserID = "UBOT"
	TeamID    = "T0FAKE"

	// BotID is the bot_id of messages the bot posts.
	BotID = "B0FAKE"
	// AppID is the api_app_id of every payload and the hello's app_id.
	AppID = "A0FAKE"
	// TeamDomain is the team_domain of slash commands and team.domain of
	// interactive payloads.
	TeamDomain = "fake"
	// VerificationToken is the legacy "token" field of payloads.
	VerificationToken = "fake-verification-token"
)

// AckTimeout is how long Slack waits for an envelope's ack before it shows
// the user an error (or, for events, schedules a retry).
const AckTimeout = 3 * time.Second

var (
	// ErrNoAck is returned when an envelope was not acked within AckTimeout.
	ErrNoAck = errors.New("fakeslack: no ack within 3s")
	// ErrClosed is returned by waits that end because the Server was closed.
	ErrClosed = errors.New("fakeslack: server closed")
	// ErrTroubleConnecting is returned by User methods when Slack would show
	// the user "We had some trouble connecting. Try again?", for example for
	// an invalid response_action.
	ErrTroubleConnecting = errors.New(`fakeslack: Slack would show "We had some trouble connecting. Try again?"`)
)

// Options configures a Server. The zero value is usable.
type Options struct {
	PingInterval time.Duration // how often the WS server sends WebSocket PING frames; default 5s
	TriggerTTL   time.Duration // default 3s: trigger_id older than this → expired_trigger_id
	// Now is the clock trigger_ids age by; default time.Now. A test that
	// checks expiry moves its own clock instead of sleeping.
	Now    func() time.Time
	Logger *slog.Logger // optional

	// OnResponse, if set, is called after each post to a response URL has
	// been applied, with the URL and the time it arrived, without the
	// server's lock held (the load tool times replies with it).
	OnResponse func(responseURL string, at time.Time)
}

// Server is a fake Slack: Web API, Socket Mode and the simulated users'
// side. All methods are safe for concurrent use. Its goroutines (the HTTP
// server, one handler and one ping loop per WebSocket connection) end in
// Close, which waits for them.
type Server struct {
	opts Options
	log  *slog.Logger
	ln   net.Listener
	srv  *http.Server
	base string // "http://127.0.0.1:PORT"
	done chan struct{}
	wg   sync.WaitGroup // the HTTP server, WebSocket handlers and ping loops

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every state change
	closed  bool
	seq     int // for IDs
	tsSeq   int // for message timestamps

	// Socket Mode.
	ticketSeq int
	tickets   map[string]bool
	conns     []*wsConn // open connections, oldest first
	hellos    int
	pingsOn   bool
	sentAt    map[string]time.Time // envelope ID → last write
	acks      []Ack
	ackIdx    map[string][]int // envelope ID → indexes into acks

	// Web API.
	calls      []Call
	rateLimits map[string]*rateLimit
	failNext   map[string][]string
	triggers   map[string]*trigger
	responses  map[string]*responseURL
	messages   []*message
	modals     map[string][]*view // user ID → modal stack, root first
	homes      map[string]*view   // user ID → Home tab
	profiles   map[string]Profile // users.info names set by tests
	files      []*file
	openedDMs  map[string]bool
	directory  map[string]DirectoryUser                 // users.list and users.lookupByEmail (file_input.go)
	onAck      map[string]func(payload json.RawMessage) // envelope ID → applied on receipt, s.mu held

	ops opsState // ops.go: injected network failures, user groups
}

type rateLimit struct {
	times      int
	retryAfter int // seconds
}

type trigger struct {
	userID string
	issued time.Time
	used   bool
}

// New starts a fake Slack listening on 127.0.0.1 on a free port. It panics
// if it cannot listen, as httptest.NewServer does.
func New(opts Options) *Server {
	if opts.PingInterval <= 0 {
		opts.PingInterval = 5 * time.Second
	}
	if opts.TriggerTTL <= 0 {
		opts.TriggerTTL = 3 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("fakeslack: listen: %v", err))
	}
	s := &Server{
		opts:       opts,
		log:        log.With("component", "fakeslack"),
		ln:         ln,
		base:       "http://" + ln.Addr().String(),
		done:       make(chan struct{}),
		changed:    make(chan struct{}),
		pingsOn:    true,
		tickets:    map[string]bool{},
		sentAt:     map[string]time.Time{},
		rateLimits: map[string]*rateLimit{},
		failNext:   map[string][]string{},
		triggers:   map[string]*trigger{},
		responses:  map[string]*responseURL{},
		modals:     map[string][]*view{},
		homes:      map[string]*view{},
		openedDMs:  map[string]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.handleAPI)
	mux.HandleFunc("/ws", s.handleWS)
	mux.HandleFunc("/response/", s.handleResponseURL)
	mux.HandleFunc("/upload/", s.handleUpload)
	mux.HandleFunc("/files-pri/", s.handleFilePrivate)
	mux.HandleFunc("/signin", s.handleSignin)
	s.srv = &http.Server{Handler: s.track(mux), ReadHeaderTimeout: 10 * time.Second}
	s.wg.Go(func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", "err", err)
		}
	})
	return s
}

// Close closes every WebSocket connection and stops the server. Pending
// waits return ErrClosed. Close waits for the server's goroutines to end.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	conns := s.conns
	s.conns = nil
	s.notifyLocked()
	s.mu.Unlock()

	for _, c := range conns {
		c.kill()
	}
	if err := s.srv.Close(); err != nil {
		s.log.Warn("close http server", "err", err)
	}
	s.wg.Wait() // in-flight handlers too, so none logs after Close returns
}

// track counts every request in s.wg, so Close can wait for handlers
// (WebSocket ones included, which http.Server forgets once hijacked).
func (s *Server) track(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			http.Error(w, "fakeslack: closed", http.StatusServiceUnavailable)
			return
		}
		s.wg.Add(1) // Close has not started waiting: it sets closed first.
		s.mu.Unlock()
		defer s.wg.Done()
		if s.refuse(w) {
			return
		}
		h.ServeHTTP(w, r)
	})
}

// APIURL is the value for slack.OptionAPIURL: "http://127.0.0.1:PORT/api/".
func (s *Server) APIURL() string { return s.base + "/api/" }

// notifyLocked wakes every wait. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// wait blocks until cond, evaluated with s.mu held, is true, or ctx ends,
// or the server closes.
func (s *Server) wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		if cond() {
			s.mu.Unlock()
			return nil
		}
		if s.closed {
			s.mu.Unlock()
			return ErrClosed
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
		}
	}
}

// Wait blocks until cond is true, re-checking it each time the fake's
// state changes (a Web API or response_url call, a message, an ack, a
// connection), or until ctx ends or the server closes. cond runs without
// the server's lock, so it may call the server's methods. Tests use it
// instead of sleeping: the fake says when something happened.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		if closed {
			return ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
		}
	}
}

// nextIDLocked returns a Slack-looking ID such as "V0000000A3".
func (s *Server) nextIDLocked(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%08X", prefix, s.seq)
}

// tsEpoch is where message timestamps start, so they look like Slack's.
const tsEpoch = 1700000000

// nextTSLocked returns increasing message timestamps: "1700000000.000100",
// "1700000000.000200", ...
func (s *Server) nextTSLocked() string {
	s.tsSeq++
	return fmt.Sprintf("%d.%06d", tsEpoch+s.tsSeq/10000, (s.tsSeq%10000)*100)
}

// newTriggerLocked issues a fresh trigger_id for userID.
func (s *Server) newTriggerLocked(userID string) string {
	s.seq++
	id := fmt.Sprintf("%d.%d.%s", 1700000000000+s.seq, 1234567890123, randHex(16))
	s.triggers[id] = &trigger{userID: userID, issued: s.opts.Now()}
	return id
}

// checkTriggerLocked returns the trigger or the error code Slack gives for
// it. It does not use the trigger up.
func (s *Server) checkTriggerLocked(id string) (*trigger, string) {
	t := s.triggers[id]
	switch {
	case t == nil:
		return nil, "invalid_trigger_id"
	case t.used:
		return nil, "exchanged_trigger_id"
	case s.opts.Now().Sub(t.issued) > s.opts.TriggerTTL:
		return nil, "expired_trigger_id"
	}
	return t, ""
}

// Calls returns the recorded Web API calls of method, or all of them if
// method is "". Posts to response URLs are recorded as method
// "response_url" and file uploads to the upload URL as "upload".
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// RateLimit makes the next `times` calls of method answer HTTP 429 with a
// Retry-After of retryAfter rounded up to whole seconds (at least 1) and
// the body {"ok":false,"error":"ratelimited"}.
func (s *Server) RateLimit(method string, times int, retryAfter time.Duration) {
	secs := max(1, int(math.Ceil(retryAfter.Seconds())))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimits[method] = &rateLimit{times: times, retryAfter: secs}
}

// FailNext makes the next call of method answer {"ok":false,"error":errorCode}.
// Calls queue: two FailNext fail the next two calls.
func (s *Server) FailNext(method, errorCode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext[method] = append(s.failNext[method], errorCode)
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails
	return fmt.Sprintf("%x", b)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randAlnum returns n random letters and digits, like the block_id and
// action_id values Slack makes up for blocks that have none.
func randAlnum(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

// newEnvelopeID returns a random UUID, as Slack's envelope IDs are.
func newEnvelopeID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
