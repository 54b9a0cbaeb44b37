package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pocbot/store"
)

func mustDB(t *testing.T, path string) *store.DB {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "s.db")
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestScheduler_CatchUpOnceAndNoDoubleRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db := mustDB(t, path)
	ctx := context.Background()
	jkt, _ := time.LoadLocation("Asia/Jakarta")
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, jkt) // a Monday, after 09:00
	var runs []time.Time
	var mu sync.Mutex
	newS := func() *scheduler {
		s, _ := newScheduler(db, jkt, quiet, func() time.Time { return now })
		if err := s.add("digest", "0 9 * * *", func(ctx context.Context, due time.Time) error {
			mu.Lock()
			defer mu.Unlock()
			runs = append(runs, due)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// First start ever: no catch-up, the baseline is recorded.
	s := newS()
	if err := s.catchUp(ctx, s.jobs["digest"]); err != nil {
		t.Fatal(err)
	}
	if len(runs) != 0 {
		t.Fatalf("first start ran %d times, want 0", len(runs))
	}
	// Down for three days: one catch-up run, for the latest missed slot.
	now = now.Add(72 * time.Hour)
	s = newS()
	if err := s.catchUp(ctx, s.jobs["digest"]); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 12, 3, 9, 0, 0, 0, jkt)
	if len(runs) != 1 || !runs[0].Equal(want) {
		t.Fatalf("catch-up runs = %v, want one at %v", runs, want)
	}
	// Restart again the same day: nothing more.
	s = newS()
	if err := s.catchUp(ctx, s.jobs["digest"]); err != nil {
		t.Fatal(err)
	}
	// The cron firing for a slot already done is skipped too.
	if err := s.runJob(ctx, s.jobs["digest"], want); err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 {
		t.Fatalf("runs after restart = %d, want 1", len(runs))
	}
}

func TestScheduler_FailureIsRetriedPanicRecoveredOverlapSkipped(t *testing.T) {
	db := mustDB(t, "")
	ctx := context.Background()
	s, _ := newScheduler(db, time.UTC, quiet, time.Now)
	var calls atomic.Int32
	fail := true
	_ = s.add("flaky", "@every 1h", func(ctx context.Context, due time.Time) error {
		calls.Add(1)
		if fail {
			return errors.New("boom")
		}
		return nil
	})
	_ = s.add("panicky", "@every 1h", func(ctx context.Context, due time.Time) error { panic("kaboom") })
	release, started := make(chan struct{}), make(chan struct{})
	var once sync.Once
	_ = s.add("slow", "@every 1h", func(ctx context.Context, due time.Time) error {
		once.Do(func() { close(started) })
		<-release
		return nil
	})

	due := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	if err := s.runJob(ctx, s.jobs["flaky"], due); err == nil {
		t.Fatal("failing job reported success")
	}
	fail = false
	if err := s.runJob(ctx, s.jobs["flaky"], due); err != nil || calls.Load() != 2 {
		t.Fatalf("a failed slot must be retried: err %v calls %d", err, calls.Load())
	}
	if _, ok, _ := db.JobLastRun(ctx, "panicky"); ok {
		t.Fatal("precondition")
	}
	if err := s.runJob(ctx, s.jobs["panicky"], due); err == nil {
		t.Fatal("panic not reported as error")
	}
	if _, ok, _ := db.JobLastRun(ctx, "panicky"); ok {
		t.Error("a panicked run must not be recorded as done")
	}
	done := make(chan error, 1)
	go func() { done <- s.runJob(ctx, s.jobs["slow"], due) }()
	<-started // the first run is in its job: the next one overlaps it
	if err := s.runJob(ctx, s.jobs["slow"], due.Add(time.Hour)); err != nil {
		t.Fatalf("overlapping run: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	last, _, _ := db.JobLastRun(ctx, "slow")
	if !last.Equal(due) {
		t.Errorf("slow last run = %v, want %v (the overlapping run must be skipped)", last, due)
	}
}

func TestScheduler_RealCronFires(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a real tick")
	}
	db := mustDB(t, "")
	s, _ := newScheduler(db, time.UTC, quiet, time.Now)
	fired := make(chan time.Time, 10)
	_ = s.add("tick", "@every 1s", func(ctx context.Context, due time.Time) error { fired <- due; return nil })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.start(ctx)
	select {
	case <-fired:
	case <-time.After(3 * time.Second):
		t.Fatal("@every 1s did not fire within 3s")
	}
	<-s.stop().Done()
}
