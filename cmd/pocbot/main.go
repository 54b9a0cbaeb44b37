// Command pocbot runs the pocbot Slack app: the point-of-contact assistant
// of a creator-collaboration team. It connects to Slack in Socket Mode and
// serves until SIGINT or SIGTERM.
//
// Usage:
//
//	pocbot [run]            serve (the default)
//	pocbot backup [-f] FILE copy the database to FILE (through the running bot's admin socket, or the file)
//	pocbot export vouchers  voucher CSV to stdout
//	pocbot digest --print [--date YYYY-MM-DD]   print a day's digest as plain text, from the database alone
//	pocbot check            check the database's pages and indexes
//	pocbot restore FILE     put a backup in place of the database (bot stopped)
//	pocbot version          module version and VCS revision of this binary
//	pocbot playground       the bot against a fake Slack, in the browser (no Slack needed)
//	pocbot -h               list every setting with its default
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // POCBOT_TZ must work on machines without zoneinfo

	"pocbot/bot"
	"pocbot/store"
)

func main() {
	bot.TuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usageText = `pocbot — the point-of-contact assistant for a creator-collaboration team.

Usage:
  pocbot [run]          connect to Slack (Socket Mode) and serve until SIGINT/SIGTERM
  pocbot backup [-f] FILE
                        write a consistent copy of the database to FILE ("-" for stdout);
                        -f overwrites an existing FILE
  pocbot export vouchers [--campaign X] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                        write the vouchers as CSV to stdout (the same file as /voucher export)
  pocbot export pitches|issues|tasks [period] [filters] [xlsx]
                        the file of /pitch|/issue|/task export (same words) to stdout
  pocbot digest --print [--date YYYY-MM-DD]
                        print the daily digest of today (or that date) as plain text from the
                        database; no Slack needed
  pocbot import creators|pitches FILE [--dry-run] [--rejected OUT.csv]
                        import a CSV or XLSX sheet of creators or past pitches (as /creator import),
                        with a progress bar; needs the bot stopped
  pocbot check          check the database: bbolt's page check and every index, with counts
  pocbot restore FILE   check a backup, show its schema version and counts, and put it in place
                        of the database (needs the bot stopped; the old file is kept beside it)
  pocbot version        module version, VCS revision and time of this binary
  pocbot playground [-addr 127.0.0.1:8080] [-db FILE] [-demo=false]
                        try pocbot without Slack: the real bot against a fake Slack, in the
                        browser, with a demo team (see pocbot playground -h)
  pocbot -h             this help

backup, export, digest and check work the same whether the bot runs or not: while it
runs they go through its admin socket (POCBOT_ADMIN_SOCKET) and it does the work.

Settings (environment variables):
`

// run is main without the process: tests call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	sub := "run"
	if len(args) > 0 {
		sub = args[0]
		args = args[1:]
	}
	switch sub {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usageText)
		printSettings(stdout)
		return 0
	case "run":
		if len(args) > 0 {
			fmt.Fprintf(stderr, "pocbot run takes no arguments (got %q); configure it with environment variables, see pocbot -h.\n", args)
			return 2
		}
	case "backup":
		return runBackup(ctx, args, getenv, stdout, stderr)
	case "check":
		return runCheck(ctx, args, getenv, stdout, stderr)
	case "restore":
		return runRestore(ctx, args, getenv, stdout, stderr)
	case "version", "-version", "--version":
		return runVersion(args, stdout, stderr)
	case "export":
		return runExport(ctx, args, getenv, stdout, stderr)
	case "digest":
		return runDigest(ctx, args, getenv, stdout, stderr)
	case "import":
		return runImportCmd(ctx, args, getenv, stdout, stderr)
	case "playground":
		return runPlayground(ctx, args, getenv, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "pocbot: unknown command %q. Run pocbot -h for the list.\n", sub)
		return 2
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "pocbot cannot start:\n%v\n", err)
		if strings.TrimSpace(getenv("SLACK_BOT_TOKEN")) == "" || strings.TrimSpace(getenv("SLACK_APP_TOKEN")) == "" {
			fmt.Fprintln(stderr, "No Slack app yet? `pocbot playground` runs pocbot without Slack: the real bot against a fake Slack in your browser, with a demo team.")
		}
		return 2
	}
	m := NewMain(cfg, newLogger(stderr, cfg.LogLevel))
	slog.SetDefault(m.Logger)
	if err := m.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "pocbot: %v\n", err)
		return 1
	}
	return 0
}

// Main is the whole program wired as in production, so end-to-end tests can
// run it against the fake Slack.
type Main struct {
	Config *Config
	Logger *slog.Logger
	DB     *store.DB
	Bot    *bot.Bot

	// BotConfig, if set, adjusts the bot's configuration before it starts
	// (tests shorten timeouts with it).
	BotConfig func(*bot.Config)
	// OnReady, if set, is called once the bot is built, before it connects.
	OnReady func(*bot.Bot)
	// Now, if set, is the clock of the store and the bot (tests use a fake
	// clock; production uses time.Now).
	Now func() time.Time

	ops opsState // health and metrics listener, admin socket (adminsock.go)
}

// NewMain returns a Main for cfg.
func NewMain(cfg *Config, log *slog.Logger) *Main {
	return &Main{Config: cfg, Logger: log}
}

// Run opens the database, runs the bot until ctx ends, then closes the
// database. A database held by another pocbot fails within seconds.
func (m *Main) Run(ctx context.Context) error {
	stopOps, err := m.startOps(ctx)
	if err != nil {
		return err
	}
	defer stopOps()
	db, err := store.Open(m.Config.DB, store.Options{Now: m.Now})
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return fmt.Errorf("%w (%s); stop it first, or point POCBOT_DB at another file", store.ErrLocked, m.Config.DB)
		}
		if errors.Is(err, store.ErrSchemaTooNew) {
			return fmt.Errorf("%w; the file was not changed. Run the newer pocbot again, or restore a backup made by this version (pocbot restore FILE). %s is %s", err, "this binary", readBuildInfo())
		}
		return fmt.Errorf("open database %s: %w", m.Config.DB, err)
	}
	m.DB = db
	if db.MigrationBackup != "" {
		m.Logger.Info("database schema upgraded; the file as it was is backed up next to it", "backup", db.MigrationBackup)
	}
	defer func() {
		if err := db.Close(); err != nil {
			m.Logger.Error("close database", "err", err)
		}
	}()
	bc := m.Config.botConfig()
	if m.BotConfig != nil {
		m.BotConfig(&bc)
	}
	b, err := bot.New(bc, db, m.Logger)
	if err != nil {
		return err
	}
	if m.Now != nil {
		b.Now = m.Now
	}
	m.Bot = b
	registerBuildInfo(b.Metrics())
	stopAdmin, err := m.startAdmin()
	if err != nil {
		return err
	}
	defer stopAdmin()
	m.ops.bot.Store(b)
	if m.OnReady != nil {
		m.OnReady(b)
	}
	m.Logger.Info("pocbot starting", "db", m.Config.DB, "tz", m.Config.Location.String(), "api_url", m.Config.APIURL,
		"bot_token", m.Config.BotToken, "app_token", m.Config.AppToken)
	return b.Run(ctx)
}

// mustExist stops the offline tools (backup, export, digest) from creating
// an empty database when POCBOT_DB points at the wrong place.
func mustExist(path string) error {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("there is no database at %s; set POCBOT_DB to the bot's database file", path)
		}
		return err
	}
	return nil
}
