package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// TestE2E_ConfirmedWriteSurvivesKill9 runs the real program in a second
// process, confirms a pitch to the user, kills the process with SIGKILL
// and opens the database: what the user saw confirmed is there.
func TestE2E_ConfirmedWriteSurvivesKill9(t *testing.T) {
	t.Parallel()
	fs := fakeslack.New(fakeslack.Options{PingInterval: 500 * time.Millisecond})
	t.Cleanup(fs.Close)
	dbPath := filepath.Join(t.TempDir(), "kill.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "POCBOT_HELPER_PROCESS=1")
	for k, v := range testEnv(fs, dbPath) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := fs.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for i, h := range []string{"survivor.one", "survivor.two", "survivor.three"} {
		if _, err := fs.User("U1").Command(ctx, "CGENERAL", "/pitch", "@"+h+" Serum"); err != nil {
			t.Fatal(err)
		}
		if _, err := fs.WaitMessage(ctx, func(m fakeslack.Message) bool {
			return m.Kind == "response" && strings.Contains(m.Text, "@"+h)
		}); err != nil {
			t.Fatalf("pitch %d not confirmed: %v", i, err)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	db, err := store.Open(dbPath, store.Options{})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Fatalf("database inconsistent after kill -9: %v", err)
	}
	for _, h := range []string{"survivor.one", "survivor.two", "survivor.three"} {
		if _, err := db.LatestPitch(context.Background(), h); err != nil {
			t.Errorf("confirmed pitch for %s lost after kill -9: %v", h, err)
		}
	}
}

// TestE2E_GroupCommittedWritesSurviveKill9 kills the program while a burst
// of pitches from many users is being committed in shared transactions:
// every pitch whose confirmation was posted before the kill is on disk.
func TestE2E_GroupCommittedWritesSurviveKill9(t *testing.T) {
	fs := fakeslack.New(fakeslack.Options{PingInterval: 500 * time.Millisecond})
	t.Cleanup(fs.Close)
	dbPath := filepath.Join(t.TempDir(), "kill.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "POCBOT_HELPER_PROCESS=1")
	for k, v := range testEnv(fs, dbPath) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := fs.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	const users, each = 16, 10
	for u := range users {
		go func() {
			for i := range each {
				// Errors after the kill are expected.
				_, _ = fs.User(fmt.Sprintf("UK%02d", u)).Command(ctx, "CGENERAL", "/pitch", fmt.Sprintf("@kill.%02d.%02d Serum", u, i))
			}
		}()
	}
	confirmed := func() []string {
		var hs []string
		for _, m := range fs.Messages() {
			if m.Kind == "response" && strings.HasPrefix(m.Text, "Logged pitch PIT-") {
				hs = append(hs, strings.TrimSuffix(m.Text[strings.Index(m.Text, "@")+1:], "."))
			}
		}
		return hs
	}
	// Kill mid-burst, once some confirmations are out.
	if _, err := fs.WaitMessage(ctx, func(fakeslack.Message) bool { return len(confirmed()) >= users*each/3 }); err != nil {
		t.Fatalf("only %d confirmations: %v", len(confirmed()), err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	seen := confirmed() // posted before the process died
	db, err := store.Open(dbPath, store.Options{})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Fatalf("database inconsistent after kill -9: %v", err)
	}
	for _, h := range seen {
		if _, err := db.LatestPitch(context.Background(), h); err != nil {
			t.Errorf("confirmed pitch for @%s lost after kill -9: %v", h, err)
		}
	}
	t.Logf("%d pitches confirmed before kill -9, all on disk", len(seen))
}
