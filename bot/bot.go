package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"pocbot/store"
)

// Config is everything the bot needs from outside. cmd/pocbot fills it from
// the environment; tests fill it directly. A zero field takes its value from
// Defaults.
type Config struct {
	BotToken string // xoxb-…; never logged
	AppToken string // xapp-…; never logged
	APIURL   string // Web API base, ending in "/"

	Location      *time.Location // nil = UTC
	DigestChannel string
	TriageChannel string // "" = DigestChannel
	DigestCron    string
	// DigestMentionsMax: a digest listing at most this many people
	// mentions them; otherwise (and at 0) it shows names.
	DigestMentionsMax int
	BackupCron        string // "" disables the scheduled hot backup
	BackupDir         string
	BackupKeep        int
	Admins            []string
	Outsource         []string  // seeds the roster's outsource members once (issue #13)
	SLAHours          WorkHours // working hours the SLA clock counts; zero = wall clock

	PitchCooldown time.Duration
	FollowupDays  int
	FollowupCron  string   // the daily follow-up DM
	NudgeCron     string   // the "you are behind" DMs
	ReportCron    string   // the weekly report with charts (report.go)
	Workdays      Workdays // working weekdays

	Currency          store.Currency  // voucher values
	VoucherDays       int             // default validity of a voucher
	VoucherDailyCap   int             // vouchers per issuer per day; 0 = no cap
	VoucherMax        store.Money     // most one voucher may be worth; 0 = the currency's absolute maximum
	VoucherExpiryCron string          // the daily expiry job
	DailyCapacity     int             // task units a person can do per working day
	TaskReminder      string          // HH:MM local time of the daily task reminder
	IssueSLA          store.SLAPolicy // time allowed per issue priority

	ContentDays       int    // days from delivery (or redemption) to post content
	ContentRemindDays int    // days after delivery before the one reminder
	ContentCron       string // the daily content clock
	CreatorLang       string // creator-facing text: "id" or "en"
	SampleStrikes     int    // overdue samples that flag a creator on issuing; < 0 = off

	HandlerTimeout  time.Duration // per handler
	SubmitTimeout   time.Duration // view_submission validate+commit before ack
	ShutdownTimeout time.Duration // wait for in-flight handlers
	PingInterval    time.Duration // socket watchdog
	MaxRetries      int           // Web API retries on HTTP 429

	Ops OpsConfig // admin group, outbox, heartbeat (ops.go)
}

// maxBusy bounds concurrent handler work. Handlers mostly wait on a shared
// commit and on HTTP, and writers that wait together commit together
// (store's group commit), so the bound is well above the cores: with 4 per
// core, 2 cores capped every commit at 8 writes and kept 3 of 4 commands
// of a 32-user load queued (pocload, README Performance). The event loop
// that acks is one goroutine and is never behind this bound.
var maxBusy = 32 * runtime.GOMAXPROCS(0)

// Bot is the running Slack app.
type Bot struct {
	cfg Config
	db  *store.DB
	log *slog.Logger
	// Now is the bot's clock; tests replace it.
	Now func() time.Time

	api        *slack.Client
	sm         *socketmode.Client
	httpClient *http.Client
	rt         *router
	sched      *scheduler
	seen       *seen
	busy       chan struct{} // semaphore: handlers running at once
	// historySources feed /creator; each feature appends its own.
	historySources []historySource
	// creatorButtons adds feature buttons (report an issue, issue a
	// voucher) to /creator; nil until those features register.
	creatorButtonFuncs []func(handle string) slack.BlockElement
	botUserID          string
	handlers           sync.WaitGroup
	issueLocks         issueLocks // per-issue triage refreshes
	refresh            refresher  // secondary updates after replies (refresh.go)
	strikeWarned       sync.Map   // voucher form view ID + handle → warned once (sample.go)
	// prov holds the metric, digest, workload and Home providers (metrics.go).
	prov providers
	// names caches display names (names.go).
	names nameCache

	tel        *telemetry // Prometheus metrics and readiness (telemetry.go)
	bootID     string     // this process, in outbox leases
	outboxKick chan struct{}
	adminGroup adminGroup // POCBOT_ADMIN_GROUP members (ops.go)
}

// New wires a bot. It does not connect; Run does.
func New(cfg Config, db *store.DB, log *slog.Logger) (*Bot, error) {
	cfg.setDefaults()
	b := &Bot{cfg: cfg, db: db, log: log, Now: time.Now, rt: newRouter(), seen: newSeen(30 * time.Minute),
		busy:       make(chan struct{}, maxBusy),
		httpClient: &http.Client{Timeout: 15 * time.Second}}
	b.tel, b.bootID, b.outboxKick = newTelemetry(db), newBootID(), make(chan struct{}, 1)
	b.httpClient.Transport = &apiTransport{next: newTransport(), t: b.tel}
	libLog := slog.NewLogLogger(log.Handler(), slog.LevelDebug)
	b.api = slack.New(cfg.BotToken,
		slack.OptionAppLevelToken(cfg.AppToken),
		slack.OptionAPIURL(cfg.APIURL),
		slack.OptionLog(libLog),
		slack.OptionHTTPClient(b.httpClient),
		// After OptionHTTPClient so it wraps it: waits Retry-After on 429
		// (counted in pocbot_slack_api_retries_total).
		slack.OptionRetryConfig(b.retryConfig()),
	)
	b.sm = socketmode.New(b.api,
		// Debug lines carry the reason of each disconnect (telemetry.go).
		socketmode.OptionLog(&socketLog{b: b, next: libLog}), socketmode.OptionDebug(true),
		socketmode.OptionPingInterval(cfg.PingInterval),
	)
	sched, err := newScheduler(db, cfg.Location, log, func() time.Time { return b.Now() })
	if err != nil {
		return nil, err
	}
	b.sched = sched
	sched.observe = b.tel.jobDone
	if err := b.routes(); err != nil {
		return nil, err
	}
	return b, nil
}

// routes registers every feature. Each feature file owns its table entries.
func (b *Bot) routes() error {
	b.pitchRoutes()
	b.creatorRoutes()
	b.homeRoutes()
	b.voucherRoutes()
	b.taskRoutes()
	b.issueRoutes()
	b.targetRoutes()
	b.teamRoutes()
	if err := b.sheetRoutes(); err != nil { // import, exports, weekly report
		return err
	}
	return b.jobs()
}

// jobs registers the scheduled jobs.
func (b *Bot) jobs() error {
	if err := b.sched.add("followups", b.cfg.FollowupCron, b.followupJob); err != nil {
		return err
	}
	if err := b.sched.add("voucher_expiry", b.cfg.VoucherExpiryCron, b.voucherExpiryJob); err != nil {
		return err
	}
	if err := b.taskJobs(); err != nil {
		return err
	}
	if err := b.sched.add("issue_sla", issueSLASpec, b.issueSLAJob); err != nil {
		return err
	}
	if err := b.sched.add("content_clock", b.cfg.ContentCron, b.contentClockJob); err != nil {
		return err
	}
	if err := b.targetJobs(); err != nil {
		return err
	}
	if b.cfg.BackupCron != "" {
		if err := b.sched.add("backup", b.cfg.BackupCron, b.backupJob); err != nil {
			return err
		}
	}
	return nil
}

// API returns the Web API client (used by tests and tools).
func (b *Bot) API() *slack.Client { return b.api }

// Run connects and serves until ctx is cancelled, then shuts down: it stops
// taking envelopes, lets in-flight handlers finish within ShutdownTimeout,
// and stops the scheduler. It returns an error only for a fatal condition,
// such as a revoked token.
func (b *Bot) Run(ctx context.Context) error {
	// Handlers outlive ctx so a shutdown lets them finish; hcancel ends them
	// once the shutdown deadline passes.
	hctx, hcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer hcancel()

	// Check the bot token before connecting: a wrong one should stop the
	// program with a clear message, not fail on the first reply.
	auth, err := b.api.AuthTestContext(ctx)
	if err != nil {
		if slices.Contains(fatalAuth, slackErrorCode(err)) {
			return fmt.Errorf("SLACK_BOT_TOKEN was rejected by Slack (%v): copy the Bot User OAuth Token again from your app's OAuth & Permissions page", err)
		}
		if ctx.Err() != nil {
			return nil
		}
		b.log.Warn("auth.test failed; continuing", "err", err)
	} else {
		b.botUserID = auth.UserID
		b.log.Info("authenticated", "team", auth.Team, "bot_user", auth.UserID)
	}

	// Before anything can run: the roster seed, and the SLA calendar the
	// scheduler's catch-up of the SLA job must already count by.
	b.seedRoster(hctx)
	b.startSLAHours(hctx)

	sockCtx, stopSock := context.WithCancel(ctx)
	defer stopSock()
	sockErr := make(chan error, 1)
	go func() { sockErr <- b.runSocket(sockCtx) }()

	b.sched.start(hctx)
	stopOps := b.startOps(hctx)

	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-sockErr:
			runErr = err
			break loop
		case evt := <-b.sm.Events:
			b.dispatch(hctx, evt)
		}
	}
	stopSock()
	b.log.Info("shutting down: waiting for in-flight handlers", "timeout", b.cfg.ShutdownTimeout)
	deadline := time.NewTimer(b.cfg.ShutdownTimeout)
	defer deadline.Stop()
	done := make(chan struct{})
	go func() { b.handlers.Wait(); close(done) }()
	select {
	case <-done:
	case <-deadline.C:
		b.log.Warn("shutdown deadline passed; cancelling remaining handlers")
		hcancel()
		<-done
	}
	stopOps()
	stopped := b.sched.stop()
	select {
	case <-stopped.Done():
	case <-time.After(b.cfg.ShutdownTimeout):
		b.log.Warn("scheduler jobs still running at exit")
	}
	rctx, rcancel := context.WithTimeout(context.Background(), b.cfg.ShutdownTimeout)
	b.waitRefreshes(rctx)
	rcancel()
	b.log.Info("bot stopped")
	return runErr
}

// fatalAuth are apps.connections.open errors that no reconnect will fix.
var fatalAuth = []string{"invalid_auth", "account_inactive", "not_authed", "token_revoked"}

// slackErrorCode is the error code of a Slack Web API refusal
// ("invalid_auth"), or "" for any other error. It reads the code slack-go
// decoded, never the error's text.
func slackErrorCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// runSocket keeps the Socket Mode connection up. slack-go reconnects by
// itself on disconnects, drops and missed pings; RunContext returns only on
// a fatal auth error or when ctx ends, and other returns are retried.
func (b *Bot) runSocket(ctx context.Context) error {
	backoff := time.Second
	for {
		err := b.sm.RunContext(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var se slack.StatusCodeError
		if err != nil && (slices.Contains(fatalAuth, slackErrorCode(err)) || (errors.As(err, &se) && se.Code == http.StatusNotFound)) {
			return fmt.Errorf("socket mode: %w: check SLACK_APP_TOKEN (an app-level token with connections:write) and that Socket Mode is enabled", err)
		}
		b.log.Warn("socket mode stopped; reconnecting", "err", err, "backoff", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, time.Minute)
	}
}

// newTransport is http.DefaultTransport with enough idle connections per
// host for every handler: the default keeps 2, so under load nearly every
// reply dialled a new TCP (and, with Slack, TLS) connection to the same
// host (pocload's CPU profile, README Performance).
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = maxBusy
	return t
}
