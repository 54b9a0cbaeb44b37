package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"pocbot/bot"
	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// The bots under load each run in their own process, started by pocload
// re-running its own binary with POCLOAD_SERVE set, so each one's memory
// is its own and measurable (peak RSS from /proc), as Bolt's node process is.
const (
	envServe   = "POCLOAD_SERVE"   // "pocbot" or "floor"
	envAPI     = "SLACK_API_URL"   // the fake Slack's Web API URL
	envDB      = "POCLOAD_DB"      // pocbot's database file
	envProfile = "POCLOAD_PROFILE" // directory for pocbot's CPU, mutex and block profiles
)

// serveMode runs the bot named by POCLOAD_SERVE until SIGTERM. It reports
// whether this process is a bot process (and has served).
func serveMode() bool {
	mode := os.Getenv(envServe)
	if mode == "" {
		return false
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	var err error
	switch mode {
	case "pocbot":
		err = servePocbot(ctx)
	case "floor":
		err = serveFloor(ctx)
	default:
		err = fmt.Errorf("unknown %s=%q", envServe, mode)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pocload %s: %v\n", mode, err)
		os.Exit(1)
	}
	return true
}

// servePocbot runs the real bot (store, router, every feature) against the
// fake Slack, with a fresh database.
func servePocbot(ctx context.Context) error {
	bot.TuneGC() // as cmd/pocbot's main does
	if dir := os.Getenv(envProfile); dir != "" {
		stopProfiles, err := startProfiles(dir)
		if err != nil {
			return err
		}
		defer stopProfiles()
	}
	db, err := store.Open(os.Getenv(envDB), store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b, err := bot.New(bot.Config{BotToken: fakeslack.BotToken, AppToken: fakeslack.AppToken, APIURL: os.Getenv(envAPI),
		Location: time.UTC, PingInterval: 30 * time.Second}, db, log)
	if err != nil {
		return err
	}
	return b.Run(ctx)
}

// serveFloor is the floor: a bare slack-go Socket Mode bot that acks each
// slash command and replies through its response_url, doing no work —
// what any Go bot pays for the WebSocket, JSON and HTTP.
func serveFloor(ctx context.Context) error {
	quiet := slog.NewLogLogger(slog.NewTextHandler(io.Discard, nil), slog.LevelDebug)
	api := slack.New(fakeslack.BotToken, slack.OptionAppLevelToken(fakeslack.AppToken), slack.OptionAPIURL(os.Getenv(envAPI)), slack.OptionLog(quiet))
	sm := socketmode.New(api, socketmode.OptionLog(quiet))
	go func() { _ = sm.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case evt := <-sm.Events:
			if evt.Type != socketmode.EventTypeSlashCommand || evt.Request == nil {
				if evt.Request != nil && evt.Request.EnvelopeID != "" {
					_ = sm.Ack(*evt.Request)
				}
				continue
			}
			_ = sm.Ack(*evt.Request)
			cmd, _ := evt.Data.(slack.SlashCommand)
			go func() {
				_ = slack.PostWebhookContext(ctx, cmd.ResponseURL, &slack.WebhookMessage{ResponseType: "ephemeral",
					Text: "Logged pitch: " + cmd.Text})
			}()
		}
	}
}

// startProfiles starts a CPU profile and mutex and block profiling; the
// returned func writes them to dir.
func startProfiles(dir string) (func(), error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cpu, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		return nil, err
	}
	runtime.SetMutexProfileFraction(5)
	runtime.SetBlockProfileRate(int(100 * time.Microsecond))
	return func() {
		pprof.StopCPUProfile()
		_ = cpu.Close()
		for _, name := range []string{"mutex", "block"} {
			if f, err := os.Create(filepath.Join(dir, name+".pprof")); err == nil {
				_ = pprof.Lookup(name).WriteTo(f, 0)
				_ = f.Close()
			}
		}
	}, nil
}
