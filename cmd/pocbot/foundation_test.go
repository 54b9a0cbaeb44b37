package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pocbot/bot"
	"pocbot/bot/fakeslack"
	"pocbot/store"
)

func TestE2E_ConnectAndHello(t *testing.T) {
	h := MustRunMain(t, nil, "")
	if n := h.Slack.Connections(); n != 1 {
		t.Errorf("connections = %d, want 1", n)
	}
	if calls := h.Slack.Calls("apps.connections.open"); len(calls) != 1 || calls[0].Token != fakeslack.AppToken {
		t.Errorf("apps.connections.open calls = %+v, want one with the app token", calls)
	}
}

func TestE2E_Help(t *testing.T) {
	h := MustRunMain(t, nil, "")
	for _, text := range []string{"help", "HELP me"} {
		m := h.command("U1", "/pitch", text)
		mustContain(t, m, "/pitch", "@handle", "Examples")
	}
	// Issue #13: a word that is not understood gets one line and the
	// closest form, not the whole help page.
	m := h.command("U1", "/pitch", "frobnicate")
	mustContain(t, m, "I didn't understand", "frobnicate", "`/pitch help`")
	mustNotContain(t, m, "Examples")
}

func TestE2E_PitchStoredAndConfirmed(t *testing.T) {
	h := MustRunMain(t, nil, "")
	m := h.command("U1", "/pitch", "@Sari.Beauty Glow Serum -- DM on TikTok")
	mustContain(t, m, "Logged pitch", "@sari.beauty", "Glow Serum")
	if m.ResponseType != "ephemeral" {
		t.Errorf("response_type = %q, want ephemeral", m.ResponseType)
	}
	p, err := h.Main.DB.LatestPitch(context.Background(), "sari.beauty")
	if err != nil {
		t.Fatalf("LatestPitch: %v", err)
	}
	if p.UserID != "U1" || p.Product != "Glow Serum" || p.Note != "DM on TikTok" {
		t.Errorf("stored pitch = %+v", p)
	}
}

func TestE2E_DuplicateEnvelopeHandledOnce(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	payload := map[string]any{
		"token": "x", "team_id": fakeslack.TeamID, "channel_id": "CGENERAL", "user_id": "U1", "user_name": "u1",
		"command": "/pitch", "text": "@twice.only Serum", "trigger_id": "1.2.3", "api_app_id": "AFAKE",
	}
	env := fakeslack.Envelope{ID: "env-dup-1", Type: "slash_commands", Payload: payload, AcceptsResponsePayload: true}
	for i := 0; i < 2; i++ {
		if _, err := h.Slack.Deliver(ctx, env); err != nil {
			t.Fatalf("deliver %d: %v", i, err)
		}
	}
	// An event redelivered with a new envelope but the same event_id.
	ev := map[string]any{"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}
	for i := 0; i < 2; i++ {
		if _, err := h.Slack.DeliverEvent(ctx, "Ev-dup-1", ev, i); err != nil {
			t.Fatalf("deliver event %d: %v", i, err)
		}
	}
	waitFor(t, func() bool {
		ps, _, _ := h.Main.DB.PitchesByCreator(ctx, "twice.only", 0, 10)
		return len(ps) == 1
	})
	// Each duplicate is dropped at dispatch with a log line: once both lines
	// are there, a wrongly handled duplicate would already have been started.
	waitFor(t, func() bool {
		l := h.Logs.String()
		return strings.Contains(l, "duplicate envelope ignored") && strings.Contains(l, "duplicate event ignored")
	})
	ps, _, err := h.Main.DB.PitchesByCreator(ctx, "twice.only", 0, 10)
	if err != nil || len(ps) != 1 {
		t.Fatalf("pitches = %d (%v), want exactly 1", len(ps), err)
	}
	if n := strings.Count(h.Logs.String(), "duplicate envelope ignored"); n != 1 {
		t.Errorf("duplicate envelope log lines = %d, want 1", n)
	}
	if n := strings.Count(h.Logs.String(), "duplicate event ignored"); n != 1 {
		t.Errorf("duplicate event log lines = %d, want 1", n)
	}
}

func TestE2E_Reconnects(t *testing.T) {
	t.Parallel()
	// The fake pings every 500 ms; a 1 s watchdog notices missing pings
	// sooner than the harness's 3 s, so the last step waits less.
	h := MustRunMain(t, nil, "", func(c *bot.Config) { c.PingInterval = time.Second })
	ctx := ctxT(t)
	steps := []struct {
		name  string
		cause func()
	}{
		{"refresh_requested", func() { h.Slack.Disconnect("refresh_requested") }},
		{"warning", func() { h.Slack.Disconnect("warning") }},
		{"link_disabled", func() { h.Slack.Disconnect("link_disabled") }},
		{"tcp drop", func() { h.Slack.DropConnections() }},
		{"missing pings", func() { h.Slack.SetPings(false) }},
	}
	for i, s := range steps {
		before := h.Slack.Connections()
		s.cause()
		if err := h.Slack.WaitConnected(ctx, before+1); err != nil {
			t.Fatalf("%s: no reconnect: %v", s.name, err)
		}
		h.Slack.SetPings(true)
		handle := "after.step" + string(rune('a'+i))
		m := h.command("U1", "/pitch", "@"+handle+" Serum")
		mustContain(t, m, "Logged pitch", "@"+handle)
	}
}

func TestE2E_RateLimitedCallRetried(t *testing.T) {
	t.Parallel()
	fs := fakeslack.New(fakeslack.Options{PingInterval: 500 * time.Millisecond})
	t.Cleanup(fs.Close)
	fs.RateLimit("auth.test", 1, time.Second)
	h := MustRunMain(t, fs, "")
	calls := h.Slack.Calls("auth.test")
	if len(calls) != 2 || calls[0].Error != "ratelimited" || calls[1].Error != "" {
		t.Fatalf("auth.test calls = %+v, want a 429 then a success", calls)
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < time.Second {
		t.Errorf("retry came %v after the 429, want ≥ Retry-After (1s)", gap)
	}
}

func TestE2E_RestartKeepsData(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "keep.db")
	fs := fakeslack.New(fakeslack.Options{PingInterval: 500 * time.Millisecond})
	t.Cleanup(fs.Close)
	h := MustRunMain(t, fs, dbPath)
	mustContain(t, h.command("U1", "/pitch", "@kept.creator Serum"), "Logged pitch")
	if err := h.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	h2 := MustRunMain(t, fs, dbPath)
	m := h2.command("U2", "/pitch", "@kept.creator Lipstick")
	mustContain(t, m, "@kept.creator", "<@U1>")
	mustNotContain(t, m, "Logged pitch")
}

// TestHelperProcess is not a test: the locked-DB test runs the real program
// in a second process through it.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("POCBOT_HELPER_PROCESS") != "1" {
		t.Skip("helper process only")
	}
	var stderr strings.Builder
	code := run(context.Background(), []string{"run"}, os.Getenv, os.Stdout, &stderr)
	os.Stderr.WriteString(stderr.String())
	os.Exit(code)
}

func TestE2E_SecondProcessOnLockedDB(t *testing.T) {
	t.Parallel()
	h := MustRunMain(t, nil, "")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "POCBOT_HELPER_PROCESS=1")
	for k, v := range testEnv(h.Slack, h.DBPath) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err == nil {
		t.Fatalf("second process succeeded; output:\n%s", out)
	}
	if !strings.Contains(string(out), "database is in use by another pocbot") {
		t.Errorf("second process output does not explain the lock:\n%s", out)
	}
	if took > 8*time.Second {
		t.Errorf("second process took %v to fail, want a few seconds", took)
	}
	if strings.Contains(string(out), "goroutine ") {
		t.Errorf("second process printed a stack trace:\n%s", out)
	}
	// The first bot is unaffected.
	mustContain(t, h.command("U1", "/pitch", "@still.serving Serum"), "Logged pitch")
}

func TestE2E_GracefulShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	// views.open is rate limited for 1 s (slack-go waits Retry-After plus up
	// to 1 s of jitter, inside the 3 s trigger window), so the handler is
	// still in flight when the shutdown starts.
	h.Slack.RateLimit("views.open", 1, time.Second)
	res, err := h.Slack.User("U1").Command(ctx, "CGENERAL", "/pitch", "")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(h.Slack.Calls("views.open")) == 1 })
	start := time.Now()
	if err := h.Stop(); err != nil {
		t.Fatalf("Run returned %v", err)
	}
	if took := time.Since(start); took < 800*time.Millisecond {
		t.Errorf("shutdown took %v: it did not wait for the in-flight handler", took)
	}
	if _, ok := h.Slack.OpenView("U1"); !ok {
		t.Errorf("the in-flight handler did not finish (no modal opened); trigger %s; calls %+v", res.TriggerID, h.Slack.Calls("views.open"))
	}
}

func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("condition not met within 10s")
}

var (
	_ = bot.Config{}
	_ = store.ErrLocked
)
