package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"pocbot/store"
)

// telemetry is the bot's Prometheus metrics and the state /readyz reports.
// Each Bot has its own registry, so tests can run several bots in one
// process. (metrics.go is something else: the target metrics of /target.)
type telemetry struct {
	reg *prometheus.Registry

	envelopes      *prometheus.CounterVec
	ackLatency     prometheus.Histogram
	handlerLatency *prometheus.HistogramVec
	handlerErrors  *prometheus.CounterVec
	userErrors     *prometheus.CounterVec
	apiCalls       *prometheus.CounterVec
	apiRetries     *prometheus.CounterVec
	reconnects     prometheus.Counter
	connected      prometheus.Gauge
	jobRuns        *prometheus.CounterVec
	jobFailures    *prometheus.CounterVec
	jobLastSuccess *prometheus.GaugeVec
	commitLatency  prometheus.Histogram
	slaBreaches    prometheus.Counter
	outboxSent     *prometheus.CounterVec
	outboxRetries  *prometheus.CounterVec
	outboxGiveUps  *prometheus.CounterVec

	received sync.Map // envelope ID → time the event loop got it

	mu           sync.Mutex
	socketUp     bool
	socketSince  time.Time
	socketReason string // why it is down
	dropReason   string // why the last connection ended, from slack-go's debug lines
	everUp       bool
	schedBeat    time.Time // the scheduler's last heartbeat
	schedStarted bool
}

func newTelemetry(db *store.DB) *telemetry {
	t := &telemetry{reg: prometheus.NewRegistry(), socketReason: "not connected yet"}
	f := prometheus.WrapRegistererWithPrefix("pocbot_", t.reg)
	lat := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5, 10, 30}
	// An ack takes tens of microseconds: its buckets start well below 5 ms.
	ackLat := []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 3}
	t.envelopes = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "socket_envelopes_total",
		Help: "Socket Mode envelopes received, by type (slash_commands, interactive, events_api, …)."}, []string{"type"})
	t.ackLatency = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ack_latency_seconds",
		Help: "Time from receiving an envelope to acking it (Slack allows 3 s).", Buckets: ackLat})
	t.handlerLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "handler_duration_seconds",
		Help: "Time a handler took, by route (command, action_id, view or event).", Buckets: lat}, []string{"route"})
	t.handlerErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "handler_errors_total",
		Help: "Handlers that failed on our side (logged with a reference the user can quote), by route. Alert on this."}, []string{"route"})
	t.userErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "handler_user_errors_total",
		Help: "Handlers that refused bad input with a message saying what to type instead (a typo, an unknown code), by route."}, []string{"route"})
	t.apiCalls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "slack_api_calls_total",
		Help: "Slack Web API HTTP requests by method and outcome: ok, error (ok:false), ratelimited (429), http_5xx, http_other, network."},
		[]string{"method", "outcome"})
	t.apiRetries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "slack_api_retries_total",
		Help: "Web API requests retried after HTTP 429, by method."}, []string{"method"})
	t.reconnects = prometheus.NewCounter(prometheus.CounterOpts{Name: "socket_reconnects_total",
		Help: "Socket Mode connections opened after the first one."})
	t.connected = prometheus.NewGauge(prometheus.GaugeOpts{Name: "socket_connected",
		Help: "1 while the Socket Mode connection is up."})
	t.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "job_runs_total",
		Help: "Scheduled job runs, by job."}, []string{"job"})
	t.jobFailures = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "job_failures_total",
		Help: "Scheduled job runs that failed, by job."}, []string{"job"})
	t.jobLastSuccess = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "job_last_success_timestamp_seconds",
		Help: "Unix time of each job's last successful run in this process."}, []string{"job"})
	t.commitLatency = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "db_commit_duration_seconds",
		Help: "Write transaction time including fsync.", Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}})
	t.slaBreaches = prometheus.NewCounter(prometheus.CounterOpts{Name: "sla_breaches_total",
		Help: "Creator issues that breached their SLA (counted when the breach is reported)."})
	t.outboxSent = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "outbox_sent_total",
		Help: "Outbox posts Slack took, by kind."}, []string{"kind"})
	t.outboxRetries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "outbox_retries_total",
		Help: "Outbox attempts that failed and will be retried, by kind."}, []string{"kind"})
	t.outboxGiveUps = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "outbox_giveups_total",
		Help: "Outbox posts given up (permanent error or too many attempts), by kind."}, []string{"kind"})
	f.MustRegister(t.envelopes, t.ackLatency, t.handlerLatency, t.handlerErrors, t.userErrors, t.apiCalls, t.apiRetries,
		t.reconnects, t.connected, t.jobRuns, t.jobFailures, t.jobLastSuccess, t.commitLatency, t.slaBreaches,
		t.outboxSent, t.outboxRetries, t.outboxGiveUps, &storeCollector{db: db})
	t.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	db.ObserveCommits(func(d time.Duration) { t.commitLatency.Observe(d.Seconds()) })
	return t
}

// storeCollector reads gauges from the database at scrape time.
type storeCollector struct{ db *store.DB }

var (
	descDBSize     = prometheus.NewDesc("db_size_bytes", "Size of the bbolt database.", nil, nil)
	descOpenIssues = prometheus.NewDesc("open_issues", "Open creator issues by priority.", []string{"priority"}, nil)
	descBreached   = prometheus.NewDesc("open_issues_sla_breached", "Open creator issues past their SLA now.", nil, nil)
	descPending    = prometheus.NewDesc("outbox_pending", "Posts waiting in the outbox for Slack.", nil, nil)
	descFailed     = prometheus.NewDesc("outbox_failed", "Posts in the outbox that were given up (kept 30 days).", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descDBSize, descOpenIssues, descBreached, descPending, descFailed} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ch <- prometheus.MustNewConstMetric(descDBSize, prometheus.GaugeValue, float64(c.db.Size()))
	if issues, err := c.db.ActiveIssues(ctx); err == nil {
		byPrio := map[string]int{}
		for _, p := range store.Priorities() {
			byPrio[p.String()] = 0
		}
		breached := 0
		now := c.db.Now() // the store's clock, as the SLA job uses
		for i := range issues {
			byPrio[issues[i].Priority.String()]++
			if issues[i].SLA.Phase(now) == store.SLABreached {
				breached++
			}
		}
		for p, n := range byPrio {
			ch <- prometheus.MustNewConstMetric(descOpenIssues, prometheus.GaugeValue, float64(n), p)
		}
		ch <- prometheus.MustNewConstMetric(descBreached, prometheus.GaugeValue, float64(breached))
	}
	if pending, failed, err := c.db.OutboxCounts(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(pending))
		ch <- prometheus.MustNewConstMetric(descFailed, prometheus.GaugeValue, float64(failed))
	}
}

// Metrics is the bot's Prometheus registry, for /metrics.
func (b *Bot) Metrics() *prometheus.Registry { return b.tel.reg }

// socketEvent follows the connection's state from slack-go's events and
// logs one readable line per retry and per disconnect.
func (b *Bot) socketEvent(evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected, socketmode.EventTypeConnecting,
		socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
	default:
		return // envelopes: the event loop acks them without taking t.mu
	}
	t := b.tel
	t.mu.Lock()
	defer t.mu.Unlock()
	switch evt.Type {
	case socketmode.EventTypeConnected:
		if t.everUp {
			t.reconnects.Inc()
		}
		t.everUp, t.socketUp, t.socketSince, t.socketReason = true, true, time.Now(), ""
		t.connected.Set(1)
	case socketmode.EventTypeConnecting:
		if t.socketUp {
			// slack-go reconnects without an event saying why; socketLog
			// picked the reason out of its debug lines.
			reason := t.dropReason
			if reason == "" {
				reason = "socket closed"
			}
			b.log.Warn("socket disconnected; reconnecting", "reason", reason)
			t.socketReason = "disconnected (" + reason + "); reconnecting"
		}
		t.dropReason = ""
		t.socketUp = false
		t.connected.Set(0)
	case socketmode.EventTypeConnectionError:
		reason := "cannot reach Slack"
		if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			b.log.Warn("cannot reach Slack at " + b.cfg.APIURL + ": " + errText(ce.ErrorObj) + "; retrying in " + ce.Backoff.Round(100*time.Millisecond).String())
			reason = "cannot reach Slack: " + errText(ce.ErrorObj)
		}
		t.socketUp, t.socketReason = false, reason
		t.connected.Set(0)
	case socketmode.EventTypeInvalidAuth:
		t.socketUp, t.socketReason = false, "invalid app token (SLACK_APP_TOKEN)"
		t.connected.Set(0)
	}
}

func errText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

// envelopeIn counts an envelope and notes when it arrived, for the ack
// latency.
func (t *telemetry) envelopeIn(evt socketmode.Event) {
	if evt.Request == nil || evt.Request.EnvelopeID == "" {
		return
	}
	t.envelopes.WithLabelValues(evt.Request.Type).Inc()
	t.received.Store(evt.Request.EnvelopeID, time.Now())
}

// acked observes the ack latency of an envelope.
func (t *telemetry) acked(envelopeID string) {
	if v, ok := t.received.LoadAndDelete(envelopeID); ok {
		t.ackLatency.Observe(time.Since(v.(time.Time)).Seconds())
	}
}

// handled observes a handler's time and outcome. route names a
// registered command, action, view or event (unknown ones share a label,
// so no user input becomes a label).
func (b *Bot) handled(kind string, r *Request, start time.Time, err error) {
	route := b.routeOf(kind, r)
	b.tel.handlerLatency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	switch {
	case err == nil:
	case isUserError(err):
		b.tel.userErrors.WithLabelValues(route).Inc()
	default:
		b.tel.handlerErrors.WithLabelValues(route).Inc()
	}
}

func (b *Bot) routeOf(kind string, r *Request) string {
	switch {
	case r == nil:
		return kind
	case r.Command != nil:
		if _, ok := b.rt.commands[r.Command.Command]; ok {
			return r.Command.Command
		}
		return "command:unknown"
	case r.Action != nil:
		if _, ok := b.rt.actions[r.Action.ActionID]; ok {
			return "action:" + r.Action.ActionID
		}
		return "action:unknown"
	case r.Callback != nil && r.Callback.View.CallbackID != "" && r.Callback.Type == slack.InteractionTypeViewSubmission:
		if _, ok := b.rt.views[r.Callback.View.CallbackID]; ok {
			return "view:" + r.Callback.View.CallbackID
		}
		return "view:unknown"
	case r.Callback != nil && r.Callback.CallbackID != "":
		if _, ok := b.rt.shortcuts[r.Callback.CallbackID]; ok {
			return "shortcut:" + r.Callback.CallbackID
		}
		return "shortcut:unknown"
	}
	return kind
}

// jobDone is the scheduler's report of one run.
func (t *telemetry) jobDone(name string, err error) {
	t.jobRuns.WithLabelValues(name).Inc()
	if err != nil {
		t.jobFailures.WithLabelValues(name).Inc()
		return
	}
	t.jobLastSuccess.WithLabelValues(name).SetToCurrentTime()
}

// apiTransport counts every Web API request by method and outcome.
type apiTransport struct {
	next http.RoundTripper
	t    *telemetry
}

func (a *apiTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	method := apiMethod(req)
	resp, err := a.next.RoundTrip(req)
	outcome := "ok"
	switch {
	case err != nil:
		outcome = "network"
	case resp.StatusCode == http.StatusTooManyRequests:
		outcome = "ratelimited"
	case resp.StatusCode >= 500:
		outcome = "http_5xx"
	case resp.StatusCode != http.StatusOK:
		outcome = "http_other"
	default:
		// ok:false answers come with HTTP 200: peek at the small body.
		// (Web API answers are small; the whole body is kept and handed on.)
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(body))
			if rerr != nil {
				outcome = "network"
				resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{rerr}))
			}
			var r struct {
				OK *bool `json:"ok"`
			}
			if rerr == nil && json.Unmarshal(body, &r) == nil && r.OK != nil && !*r.OK {
				outcome = "error"
			}
		}
	}
	a.t.apiCalls.WithLabelValues(method, outcome).Inc()
	return resp, err
}

// errReader hands on a read error after the bytes read before it.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// apiMethod is the Web API method of a request ("chat.postMessage"), or
// "response_url" / "upload" / "other" for the other URLs the bot calls.
func apiMethod(req *http.Request) string {
	p := req.URL.Path
	if i := strings.LastIndex(p, "/api/"); i >= 0 {
		m := p[i+len("/api/"):]
		if m != "" && !strings.Contains(m, "/") && len(m) < 64 {
			return m
		}
	}
	switch {
	case strings.Contains(p, "/response") || strings.Contains(req.URL.Host, "hooks."):
		return "response_url"
	case strings.Contains(p, "upload"):
		return "upload"
	}
	return "other"
}

// countingRetry wraps slack-go's 429 handler to count the retries it makes.
type countingRetry struct {
	next slack.RetryHandler
	t    *telemetry
}

func (c countingRetry) ShouldRetry(state *slack.RetryState, req *http.Request, resp *http.Response, err error) (bool, time.Duration) {
	retry, wait := c.next.ShouldRetry(state, req, resp, err)
	if retry {
		c.t.apiRetries.WithLabelValues(apiMethod(req)).Inc()
	}
	return retry, wait
}

// retryConfig is slack-go's default (HTTP 429 with Retry-After only) with
// the retries counted.
func (b *Bot) retryConfig() slack.RetryConfig {
	cfg := slack.DefaultRetryConfig()
	cfg.MaxRetries = b.cfg.MaxRetries
	cfg.Handlers = []slack.RetryHandler{countingRetry{next: slack.NewRateLimitErrorRetryHandler(cfg), t: b.tel}}
	return cfg
}

// Part is one readiness check.
type Part struct {
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// Readiness is /readyz: ready when every part is OK.
type Readiness struct {
	Ready bool            `json:"ready"`
	Parts map[string]Part `json:"checks"`
}

// schedulerStale is how old the scheduler's heartbeat may be.
const schedulerStale = 30 * time.Second

// Ready checks the Socket Mode connection, a database read and write, and
// the scheduler's heartbeat.
func (b *Bot) Ready(ctx context.Context) Readiness {
	t := b.tel
	t.mu.Lock()
	sock := Part{OK: t.socketUp}
	if t.socketUp {
		sock.Detail = "connected since " + t.socketSince.UTC().Format(time.RFC3339)
	} else {
		sock.Detail = t.socketReason
	}
	sched := Part{OK: t.schedStarted && time.Since(t.schedBeat) < schedulerStale}
	switch {
	case !t.schedStarted:
		sched.Detail = "not started"
	case !sched.OK:
		sched.Detail = "no heartbeat for " + time.Since(t.schedBeat).Round(time.Second).String()
	default:
		sched.Detail = "alive"
	}
	t.mu.Unlock()
	rd, wr := Part{OK: true}, Part{OK: true}
	rerr, werr := b.db.HealthCheck(ctx)
	if rerr != nil {
		rd = Part{Detail: rerr.Error()}
	}
	if werr != nil {
		wr = Part{Detail: werr.Error()}
	}
	r := Readiness{Parts: map[string]Part{"socket": sock, "db_read": rd, "db_write": wr, "scheduler": sched}}
	r.Ready = sock.OK && rd.OK && wr.OK && sched.OK
	return r
}

// beat records the scheduler's heartbeat.
func (t *telemetry) beat() {
	t.mu.Lock()
	t.schedStarted, t.schedBeat = true, time.Now()
	t.mu.Unlock()
}

// isNetErr reports whether err is a transport failure (no HTTP answer).
func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, context.DeadlineExceeded)
}

// socketLog is slack-go socketmode's logger. socketmode runs with debug on
// so that its lines say why a connection ended — Slack's disconnect
// message (reason refresh_requested, warning, link_disabled), a ping
// timeout or a closed socket — which no event carries. Those reasons are
// kept for the next "socket disconnected" line; the raw message lines
// (they hold user text) are dropped; the rest goes to the debug log.
type socketLog struct {
	b    *Bot
	next interface{ Output(int, string) error }
}

func (l *socketLog) Output(depth int, s string) error {
	t := l.b.tel
	switch {
	case strings.HasPrefix(s, "Received WebSocket message: "):
		if strings.Contains(s, `"type":"disconnect"`) {
			var m struct {
				Reason string `json:"reason"`
			}
			_ = json.Unmarshal([]byte(strings.TrimPrefix(s, "Received WebSocket message: ")), &m)
			if m.Reason == "" {
				m.Reason = "disconnect requested"
			}
			t.mu.Lock()
			t.dropReason = m.Reason
			t.mu.Unlock()
		}
		return nil
	case strings.HasPrefix(s, "Reconnecting due to "):
		cause := strings.TrimSpace(strings.TrimPrefix(s, "Reconnecting due to "))
		t.mu.Lock()
		if t.dropReason == "" {
			switch {
			case strings.Contains(cause, "ping timeout"):
				t.dropReason = "no ping from Slack (ping timeout)"
			case strings.Contains(cause, "closed network connection"), strings.Contains(cause, "close 1006"), strings.Contains(cause, "EOF"):
				t.dropReason = "socket closed: " + cause
			default:
				t.dropReason = cause
			}
		}
		t.mu.Unlock()
	case strings.HasPrefix(s, "Sending Socket Mode response"), strings.HasPrefix(s, "Finished sending"), strings.HasPrefix(s, "Scheduling Socket Mode response"):
		return nil // one per envelope: noise
	}
	return l.next.Output(depth+1, s)
}
