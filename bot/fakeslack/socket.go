package fakeslack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// maxAckSize is Slack's limit on a Socket Mode response: responses of
// 20 KB or more are silently dropped, and longer frames close the socket
// with 1009 "Max frame length of 20480 has been exceeded".
const maxAckSize = 20480

// Envelope is a Socket Mode request Slack sends to the app.
type Envelope struct {
	ID                     string // "" = a fresh UUID
	Type                   string // slash_commands|interactive|events_api
	Payload                any    // events_api payloads that are not already an event_callback get wrapped in one
	AcceptsResponsePayload bool
	RetryAttempt           int // sent for events_api only, as Slack does
	RetryReason            string
}

// Ack is an acknowledgement the app sent back.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // nil if the ack had none
	Latency    time.Duration   // from the (last) write of the envelope; 0 for unknown envelopes
	At         time.Time
}

// wsConn is one Socket Mode connection. Gorilla connections allow one
// writer at a time, so every write holds wmu.
type wsConn struct {
	id       int
	ws       *websocket.Conn
	wmu      sync.Mutex
	draining bool // told to disconnect; guarded by Server.mu
	once     sync.Once
	done     chan struct{}
}

func (c *wsConn) write(data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

func (c *wsConn) ping() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(5*time.Second))
}

// kill closes the TCP connection without a close frame.
func (c *wsConn) kill() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

var upgrader = websocket.Upgrader{
	// slack-go sends Origin: https://api.slack.com.
	CheckOrigin: func(*http.Request) bool { return true },
}

func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	ok := s.tickets[ticket]
	delete(s.tickets, ticket)
	s.mu.Unlock()
	if !ok {
		s.log.Warn("websocket with unknown or used ticket", "ticket", ticket)
		http.Error(w, "invalid_ticket", http.StatusUnauthorized)
		return
	}

	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Warn("websocket upgrade", "err", err)
		return
	}
	ws.SetReadLimit(maxAckSize)
	c := &wsConn{ws: ws, done: make(chan struct{})}

	s.mu.Lock()
	numConns := len(s.conns) + 1
	s.mu.Unlock()
	hello, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": numConns,
		"debug_info": map[string]any{
			"host":                        "applink-fake-1",
			"build_number":                1,
			"approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": AppID},
	})
	// hello goes out before the connection is live, so no envelope can
	// overtake it.
	if err := c.write(hello); err != nil {
		s.log.Warn("write hello", "err", err)
		c.kill()
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.kill()
		return
	}
	s.hellos++
	c.id = s.hellos
	s.conns = append(s.conns, c)
	s.notifyLocked()
	s.mu.Unlock()
	log := s.log.With("conn", c.id)
	log.Info("socket mode connected", "num_connections", numConns)

	s.wg.Go(func() { s.pingLoop(c) })
	s.readLoop(c, log)

	c.kill()
	s.mu.Lock()
	s.removeConnLocked(c)
	s.mu.Unlock()
	log.Info("socket mode connection closed")
}

func (s *Server) removeConnLocked(c *wsConn) {
	if i := slices.Index(s.conns, c); i >= 0 {
		s.conns = slices.Delete(s.conns, i, i+1)
		s.notifyLocked()
	}
}

func (s *Server) pingLoop(c *wsConn) {
	t := time.NewTicker(s.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-s.done:
			return
		case <-t.C:
			s.mu.Lock()
			on := s.pingsOn
			s.mu.Unlock()
			if !on {
				continue
			}
			if err := c.ping(); err != nil {
				return
			}
		}
	}
}

// readLoop records acks until the connection fails.
func (s *Server) readLoop(c *wsConn, log *slog.Logger) {
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		at := time.Now()
		if typ != websocket.TextMessage {
			continue
		}
		if len(data) >= maxAckSize {
			log.Warn("dropped socket mode response of 20 KB or more, as Slack does", "bytes", len(data))
			continue
		}
		var a struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(data, &a); err != nil || a.EnvelopeID == "" {
			log.Warn("ignored socket mode frame that is not an ack", "frame", string(data))
			continue
		}
		ack := Ack{EnvelopeID: a.EnvelopeID, Payload: a.Payload, At: at}
		s.mu.Lock()
		if sent, ok := s.sentAt[a.EnvelopeID]; ok {
			ack.Latency = at.Sub(sent)
		} else {
			log.Warn("ack for unknown envelope", "envelope_id", a.EnvelopeID)
		}
		s.acks = append(s.acks, ack)
		if s.ackIdx == nil {
			s.ackIdx = map[string][]int{}
		}
		s.ackIdx[ack.EnvelopeID] = append(s.ackIdx[ack.EnvelopeID], len(s.acks)-1)
		if f := s.onAck[a.EnvelopeID]; f != nil {
			delete(s.onAck, a.EnvelopeID) // the first ack counts, as in Slack
			f(a.Payload)
		}
		s.notifyLocked()
		s.mu.Unlock()
	}
}

// newestLiveLocked returns the connection envelopes go to, or nil.
func (s *Server) newestLiveLocked() *wsConn {
	for i := len(s.conns) - 1; i >= 0; i-- {
		if !s.conns[i].draining {
			return s.conns[i]
		}
	}
	return nil
}

// writeToLive writes frame to the newest live connection, waiting for one
// if there is none and moving on to the next one if a write fails. If id is
// not "", the write time is recorded for ack latency.
func (s *Server) writeToLive(ctx context.Context, id string, frame []byte) error {
	for {
		var c *wsConn
		err := s.wait(ctx, func() bool {
			c = s.newestLiveLocked()
			if c != nil && id != "" {
				s.sentAt[id] = time.Now()
			}
			return c != nil
		})
		if err != nil {
			return err
		}
		if err := c.write(frame); err != nil {
			s.log.Warn("socket mode write failed; waiting for the next connection", "conn", c.id, "err", err)
			c.kill()
			s.mu.Lock()
			s.removeConnLocked(c)
			s.mu.Unlock()
			continue
		}
		return nil
	}
}

// WaitConnected waits until at least n connections have ever been greeted
// with hello (the first connection is 1).
func (s *Server) WaitConnected(ctx context.Context, n int) error {
	return s.wait(ctx, func() bool { return s.hellos >= n })
}

// Connections returns how many connections have been accepted (hello sent).
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hellos
}

// Disconnect sends {"type":"disconnect","reason":reason,...} on every live
// connection, e.g. "refresh_requested", "warning" or "link_disabled".
// Those connections get no more envelopes: deliveries wait for the client
// to reconnect.
func (s *Server) Disconnect(reason string) {
	s.mu.Lock()
	var targets []*wsConn
	for _, c := range s.conns {
		if !c.draining {
			c.draining = true
			targets = append(targets, c)
		}
	}
	s.notifyLocked()
	s.mu.Unlock()
	msg, _ := json.Marshal(map[string]any{
		"type":       "disconnect",
		"reason":     reason,
		"debug_info": map[string]any{"host": "applink-fake-1"},
	})
	for _, c := range targets {
		if err := c.write(msg); err != nil {
			s.log.Warn("write disconnect", "conn", c.id, "err", err)
		}
	}
}

// DropConnections closes the TCP connection of every open connection
// without a close frame, like a network failure.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := s.conns
	s.conns = nil
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.kill()
	}
}

// SetPings stops (false) or resumes (true) the WebSocket PING frames.
func (s *Server) SetPings(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pingsOn = on
}

// SendRaw writes text as one text frame to the newest live connection,
// waiting for one.
func (s *Server) SendRaw(ctx context.Context, text string) error {
	return s.writeToLive(ctx, "", []byte(text))
}

// DeliverNoWait writes env to the newest live connection (waiting for one)
// and returns its envelope ID without waiting for the ack.
func (s *Server) DeliverNoWait(ctx context.Context, env Envelope) (string, error) {
	if env.ID == "" {
		env.ID = newEnvelopeID()
	}
	frame, err := encodeEnvelope(env)
	if err != nil {
		return "", err
	}
	return env.ID, s.writeToLive(ctx, env.ID, frame)
}

// Deliver writes env like DeliverNoWait and waits for its ack. If no ack
// comes within AckTimeout of the write it returns ErrNoAck; acks that come
// later are still recorded in Acks.
func (s *Server) Deliver(ctx context.Context, env Envelope) (*Ack, error) {
	id, err := s.DeliverNoWait(ctx, env)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	sent := s.sentAt[id]
	s.mu.Unlock()
	actx, cancel := context.WithDeadline(ctx, sent.Add(AckTimeout))
	defer cancel()
	ack, err := s.waitAck(actx, id, sent)
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("%w: envelope %s (%s)", ErrNoAck, id, env.Type)
	}
	return ack, err
}

// Acks returns every ack received, in order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acks)
}

// WaitAck waits for the first ack of envelopeID.
func (s *Server) WaitAck(ctx context.Context, envelopeID string) (*Ack, error) {
	return s.waitAck(ctx, envelopeID, time.Time{})
}

// waitAck waits for the first ack of envelopeID received at or after
// after, so a redelivered envelope is not matched by an older ack.
func (s *Server) waitAck(ctx context.Context, envelopeID string, after time.Time) (*Ack, error) {
	var found *Ack
	err := s.wait(ctx, func() bool {
		// By index: a load of many envelopes in flight wakes every waiter on
		// every ack, and a scan of all acks each time is quadratic.
		for _, i := range s.ackIdx[envelopeID] {
			if !s.acks[i].At.Before(after) {
				a := s.acks[i]
				found = &a
				return true
			}
		}
		return false
	})
	return found, err
}

func encodeEnvelope(env Envelope) ([]byte, error) {
	payload := env.Payload
	if env.Type == "events_api" {
		p, err := wrapEvent(payload)
		if err != nil {
			return nil, err
		}
		payload = p
	}
	m := map[string]any{
		"envelope_id":              env.ID,
		"type":                     env.Type,
		"payload":                  payload,
		"accepts_response_payload": env.AcceptsResponsePayload,
	}
	if env.Type == "events_api" {
		m["retry_attempt"] = env.RetryAttempt
		m["retry_reason"] = env.RetryReason
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("fakeslack: encode envelope: %w", err)
	}
	return b, nil
}

// wrapEvent wraps an inner event in Slack's event_callback outer event,
// unless payload already is an outer event.
func wrapEvent(payload any) (any, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("fakeslack: encode event: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("fakeslack: events_api payload must be a JSON object: %w", err)
	}
	switch m["type"] {
	case "event_callback", "app_rate_limited":
		return json.RawMessage(b), nil
	}
	return outerEvent("", m), nil
}

// outerEvent is the event_callback wrapper Slack puts around every event.
func outerEvent(eventID string, event map[string]any) map[string]any {
	if eventID == "" {
		eventID = "Ev" + randAlnum(10)
	}
	return map[string]any{
		"token":           VerificationToken,
		"team_id":         TeamID,
		"context_team_id": TeamID,
		"api_app_id":      AppID,
		"event":           event,
		"type":            "event_callback",
		"event_id":        eventID,
		"event_time":      time.Now().Unix(),
		"authorizations": []any{map[string]any{
			"enterprise_id":         nil,
			"team_id":               TeamID,
			"user_id":               BotUserID,
			"is_bot":                true,
			"is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-" + randAlnum(24),
	}
}
