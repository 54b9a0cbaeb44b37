package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"pocbot/bot"
	"pocbot/bot/fakeslack"
	"pocbot/bot/playground"
	"pocbot/store"
)

const playgroundUsage = `Usage: pocbot playground [-addr 127.0.0.1:8080] [-db FILE] [-demo=false]

Runs pocbot against a fake Slack on this machine and serves a Slack-like
workspace in the browser: no Slack app, tokens or internet needed. It prints
the URL to open; Ctrl-C stops it.

Flags:
`

// playClock is the playground's clock: real time plus an offset the page
// moves forward. The store, the bot and the page all read it.
type playClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *playClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *playClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// runPlayground is `pocbot playground`. It builds the environment a real
// deployment would have (tokens, API URL, channels, admins) for the fake
// Slack and runs Main exactly as `pocbot run` does.
func runPlayground(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("playground", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprint(stderr, playgroundUsage)
		fl.PrintDefaults()
	}
	addr := fl.String("addr", "127.0.0.1:8080", "where the page is served; loopback addresses only (127.0.0.1, ::1, localhost)")
	dbPath := fl.String("db", "", "database file (default: a fresh file in a new temporary folder, removed at exit)")
	withDemo := fl.Bool("demo", true, "start with the demo team's two weeks of history (-demo=false: the same people, an empty workspace)")
	seed := fl.Int64("seed", 1, "seed of the demo history (the same seed gives the same history)")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "pocbot playground takes flags only (got %q); see pocbot playground -h.\n", fl.Args())
		return 2
	}
	if err := checkLoopback(*addr); err != nil {
		fmt.Fprintf(stderr, "pocbot playground: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "pocbot playground: cannot serve on %s (%v); pick another port with -addr 127.0.0.1:8081.\n", *addr, err)
		return 1
	}
	defer ln.Close()

	dir := ""
	if *dbPath == "" {
		if dir, err = os.MkdirTemp("", "pocbot-playground-"); err != nil {
			fmt.Fprintf(stderr, "pocbot playground: %v\n", err)
			return 1
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "pocbot.db")
	}
	logDir := filepath.Dir(*dbPath)
	logFile, err := os.OpenFile(filepath.Join(logDir, "pocbot-playground.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		fmt.Fprintf(stderr, "pocbot playground: %v\n", err)
		return 1
	}
	defer logFile.Close()

	clock := &playClock{}
	team := demoRoster()
	_, statErr := os.Stat(*dbPath)
	fresh := errors.Is(statErr, os.ErrNotExist)
	switch {
	case *withDemo && fresh:
		fmt.Fprintln(stdout, "pocbot playground: seeding the demo team's last two weeks…")
		if err := seedDemo(*dbPath, clock.Now(), *seed); err != nil {
			fmt.Fprintf(stderr, "pocbot playground: seeding the demo: %v\n", err)
			return 1
		}
	case *withDemo:
		fmt.Fprintf(stdout, "pocbot playground: %s already exists; using it as it is (no demo seeding).\n", *dbPath)
	}

	logger := slog.New(slog.NewJSONHandler(logFile, &slog.HandlerOptions{Level: slog.LevelInfo}))
	fake := fakeslack.New(fakeslack.Options{Logger: logger})
	defer fake.Close()
	for _, p := range team.People {
		// The team is the workspace's directory, as in Slack: users.info
		// answers with the names the page shows (without this the digest
		// says "u0ana"), users.list and users.lookupByEmail let an import
		// name teammates by handle or e-mail.
		fake.SetUser(fakeslack.DirectoryUser{ID: p.ID, Name: p.Name, RealName: p.RealName,
			DisplayName: p.Name, Email: p.Name + "@demo.pocbot.test"})
	}

	env := playgroundEnv(team, fake.APIURL(), *dbPath)
	cfg, err := LoadConfig(func(k string) string {
		if v := getenv(k); k == "POCBOT_HTTP_ADDR" && v != "" {
			return v // an operator trying /healthz and /metrics against the playground
		}
		if v, ok := env[k]; ok {
			return v
		}
		if strings.HasPrefix(k, "POCBOT_") {
			return getenv(k) // the user's own settings (POCBOT_TZ, POCBOT_CURRENCY…) apply here too
		}
		return ""
	})
	if err != nil {
		fmt.Fprintf(stderr, "pocbot playground cannot start:\n%v\n", err)
		return 2
	}
	m := NewMain(cfg, logger)
	m.Now = clock.Now
	ready := make(chan *bot.Bot, 1)
	m.OnReady = func(b *bot.Bot) { ready <- b }
	botCtx, stopBot := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBot()
	runErr := make(chan error, 1)
	go func() { runErr <- m.Run(botCtx) }()

	var b *bot.Bot
	select {
	case b = <-ready:
	case err := <-runErr:
		fmt.Fprintf(stderr, "pocbot playground: the bot did not start: %v\n", err)
		return 1
	}
	waitCtx, cancelWait := context.WithTimeout(ctx, 30*time.Second)
	err = fake.WaitConnected(waitCtx, 1)
	cancelWait()
	if err != nil {
		fmt.Fprintf(stderr, "pocbot playground: the bot did not connect to the fake Slack: %v (log: %s)\n", err, logFile.Name())
		return 1
	}

	web := playground.New(playground.Options{
		Slack: fake, People: team.People, Channels: team.Channels,
		Commands: playgroundCommands, Shortcuts: playgroundShortcuts,
		BotName: "pocbot", Location: cfg.Location, Jobs: b.JobNames(), Logger: logger, Now: clock.Now,
		RunJob: func(ctx context.Context, name string) error {
			return b.RunJob(ctx, name, clock.Now().In(cfg.Location).Truncate(time.Second))
		},
		Advance: func(ctx context.Context, d time.Duration) error {
			clock.Advance(d)
			return b.CatchUpJobs(ctx)
		},
	})
	defer web.Close()
	srv := &http.Server{Handler: web, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(stdout, "pocbot playground is running: open %s\n", url)
	fmt.Fprintf(stdout, "  database %s%s\n  bot log  %s\n  Ctrl-C stops it.\n", *dbPath, map[bool]string{true: " (temporary: removed at exit; keep one with -db FILE)"}[dir != ""], logFile.Name())

	code := 0
	select {
	case <-ctx.Done():
	case err := <-runErr:
		fmt.Fprintf(stderr, "pocbot playground: the bot stopped: %v\n", err)
		code = 1
		runErr <- nil
	case err := <-serveErr:
		fmt.Fprintf(stderr, "pocbot playground: serving the page stopped: %v\n", err)
		code = 1
	}
	fmt.Fprintln(stdout, "pocbot playground: stopping…")
	web.Close() // ends the pages' event streams, so Shutdown need not wait for them
	shutCtx, cancelShut := context.WithTimeout(context.Background(), 5*time.Second)
	_ = srv.Shutdown(shutCtx)
	cancelShut()
	stopBot()
	if err := <-runErr; err != nil && code == 0 {
		fmt.Fprintf(stderr, "pocbot playground: %v\n", err)
		code = 1
	}
	return code
}

// checkLoopback refuses addresses other machines could reach: the
// playground has no authentication and acts as anyone on the team.
func checkLoopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q is not host:port; use 127.0.0.1:8080", addr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("-addr %q has no valid port; use 127.0.0.1:8080", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-addr %q is not a loopback address: the playground lets anyone act as any team member, so it only serves this machine (use 127.0.0.1:PORT)", addr)
}

// playgroundEnv is the environment a real deployment would set, pointed at
// the fake Slack: only the API URL and the tokens differ from production.
func playgroundEnv(team *playgroundTeam, apiURL, dbPath string) map[string]string {
	env := map[string]string{
		"SLACK_BOT_TOKEN": fakeslack.BotToken,
		"SLACK_APP_TOKEN": fakeslack.AppToken,
		"SLACK_API_URL":   apiURL,
		"POCBOT_DB":       dbPath,
		// No health listener unless POCBOT_HTTP_ADDR is set: a bot already
		// serving 127.0.0.1:9102 on this machine must not stop the
		// playground, nor tests collide.
		"POCBOT_HTTP_ADDR": "off",
	}
	var admins []string
	for _, p := range team.People {
		if p.Admin {
			admins = append(admins, p.ID)
		}
	}
	env["POCBOT_ADMINS"] = strings.Join(admins, ",")
	for _, c := range team.Channels {
		switch c.Purpose {
		case "digest":
			env["POCBOT_DIGEST_CHANNEL"] = c.ID
		case "triage":
			env["POCBOT_TRIAGE_CHANNEL"] = c.ID
		}
	}
	return env
}

// playgroundTeam is the workspace the page shows.
type playgroundTeam struct {
	People   []playground.Person
	Channels []playground.Channel
}

// playgroundCommands are manifest.yaml's slash commands (a test keeps them
// in step).
var playgroundCommands = []playground.Command{
	{Command: "/pitch", Description: "Log a creator pitch, see follow-ups due, your pipeline or pitch stats", UsageHint: "@creator [@more…] [product] [-- note] | followups | list | stats | export [period] [xlsx] | help"},
	{Command: "/creator", Description: "Look up a creator's profile and history, add a note, set details, search, or import a spreadsheet", UsageHint: "@handle | @handle note TEXT | @handle set followers 120k category beauty | find TEXT | import"},
	{Command: "/voucher", Description: "Issue a sample voucher within a campaign budget; track the sample to posted content; budgets, CSV export", UsageHint: "@creator PRODUCT VALUE [campaign] | CODE [shipped|delivered|posted URL|extend|nocontent REASON] | redeem CODE | list | budget | template | export | help"},
	{Command: "/task", Description: "Assign an outsource task, see the team's load, list tasks or set capacity", UsageHint: "@person TITLE by friday | load | list [mine|@person|overdue|done] | TSK-7 | capacity @person 40 | export"},
	{Command: "/issue", Description: "Log a creator's problem (sample, voucher, commission…) and track it with an owner and SLA", UsageHint: "[@handle] [what happened] | list [open|mine|unassigned|breached|@handle] | ISS-12 | export"},
	{Command: "/target", Description: "Your and the team's progress against targets, the report with charts; admins set targets and holidays", UsageHint: "| METRIC N [@person|team] [daily|weekly] | holiday add YYYY-MM-DD | nudges off | report [week|month]"},
	{Command: "/team", Description: "The team roster (POC staff, outsource members) and who may change what", UsageHint: "| add @person outsource|poc | remove @person | permissions"},
}

// playgroundShortcuts are manifest.yaml's message shortcuts.
var playgroundShortcuts = []playground.Shortcut{{CallbackID: "log_creator_issue", Name: "Log creator issue"}}

// seedDemoInto opens path, seeds it with seed and closes it.
func seedDemoInto(path string, now time.Time, seed func(*store.DB) error) error {
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return err
	}
	if err := seed(db); err != nil {
		db.Close()
		return err
	}
	return db.Close()
}
