package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// MustOpen opens a fresh database in tb.TempDir. Cleanup runs Check (bbolt
// consistency plus our indexes) and closes it.
func MustOpen(tb testing.TB) *DB {
	tb.Helper()
	return MustOpenOptions(tb, Options{})
}

// MustOpenOptions is MustOpen with options, e.g. a TestClock's Now.
func MustOpenOptions(tb testing.TB, opt Options) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "pocbot.db"), opt)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Check(); err != nil {
			tb.Errorf("check: %v", err)
		}
		if err := db.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return db
}

// TestClock is a settable clock for Options.Now.
type TestClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewTestClock returns a clock stopped at t.
func NewTestClock(t time.Time) *TestClock { return &TestClock{t: t} }

// Now returns the clock's time.
func (c *TestClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock by d.
func (c *TestClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// t0 is the tests' epoch: 09:00 in Jakarta (UTC+7).
var t0 = time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC)

func TestOpen_FileMode(t *testing.T) {
	db := MustOpen(t)
	fi, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fi.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Errorf("mode = %v, want %v", got, want)
	}
}

func TestOpen_Locked(t *testing.T) {
	db := MustOpen(t)
	const timeout = 200 * time.Millisecond
	start := time.Now()
	db2, err := Open(db.Path(), Options{LockTimeout: timeout})
	elapsed := time.Since(start)
	if err == nil {
		db2.Close()
		t.Fatal("second Open succeeded, want ErrLocked")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	for _, want := range []string{db.Path(), "POCBOT_DB", "stop the other pocbot"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %q, want it to mention %q", err, want)
		}
	}
	if elapsed > timeout+time.Second {
		t.Errorf("Open took %v with LockTimeout %v", elapsed, timeout)
	}
	// The first DB is unaffected.
	if _, _, err := db.EnsureCreator(context.Background(), "budi", "U1"); err != nil {
		t.Fatal(err)
	}
}

func TestOpen_Durability(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pocbot.db")
	clock := NewTestClock(t0)
	db, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.CreatePitches(ctx, PitchInput{UserID: "U1", Handles: []string{"@Budi"}, Product: "Serum"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetPitchStatus(ctx, res.Created[0].ID, "U1", PitchAgreed); err != nil {
		t.Fatal(err)
	}
	if err := db.SetJobLastRun(ctx, "digest", t0); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.Pitch(ctx, res.Created[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Handle != "budi" || p.Product != "Serum" || p.Status != PitchAgreed || !p.CreatedAt.Equal(t0) {
		t.Errorf("pitch after reopen = %+v", p)
	}
	if c, err := db.Creator(ctx, "budi"); err != nil || c.OwnerID != "U1" {
		t.Errorf("Creator = %+v, %v; want owner U1", c, err)
	}
	if last, ok, err := db.JobLastRun(ctx, "digest"); err != nil || !ok || !last.Equal(t0) {
		t.Errorf("JobLastRun = %v, %v, %v; want %v", last, ok, err, t0)
	}
	if err := db.Check(); err != nil {
		t.Error(err)
	}
}

func TestOpen_Migrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pocbot.db")
	runs := make([]int, 4)
	mig := func(i int) migration {
		return func(tx *bolt.Tx) error {
			runs[i]++
			// A migration sees the buckets and the previous version.
			if v, _ := schemaVersion(tx); v != i {
				t.Errorf("migration %d saw version %d", i, v)
			}
			return tx.Bucket(bucketMeta).Put([]byte("ran"), itob(uint64(i)))
		}
	}
	reopen := func(n int) {
		t.Helper()
		db, err := open(path, Options{}, []migration{mig(0), mig(1), mig(2), mig(3)}[:n])
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if v, err := db.SchemaVersion(ctx); err != nil || v != n {
			t.Errorf("SchemaVersion = %d, %v; want %d", v, err, n)
		}
	}
	reopen(3)
	reopen(3)
	if want := []int{1, 1, 1, 0}; !equalInts(runs, want) {
		t.Errorf("runs after two opens = %v, want %v", runs, want)
	}
	reopen(4)
	if want := []int{1, 1, 1, 1}; !equalInts(runs, want) {
		t.Errorf("runs after upgrade = %v, want %v", runs, want)
	}

	// A failing migration leaves the version where it was.
	failing := []migration{mig(0), mig(1), mig(2), mig(3), func(*bolt.Tx) error { return errors.New("boom") }}
	if _, err := open(path, Options{}, failing); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("open with failing migration: err = %v", err)
	}
	reopen(4)
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestOpen_MigrateOpenPitchUsers upgrades a version-1 file, whose
// pitches_open values were empty, and checks the indexes afterwards.
func TestOpen_MigrateOpenPitchUsers(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pocbot.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePitches(ctx, PitchInput{UserID: "U1", Handles: []string{"budi", "sari"}}); err != nil {
		t.Fatal(err)
	}
	mustPitch(t, db, "U2", "rina")
	// Rewrite the file as version 1 wrote it.
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		open := tx.Bucket(bucketPitchesOpen)
		var keys [][]byte
		err := open.ForEach(func(k, _ []byte) error { keys = append(keys, bytes.Clone(k)); return nil })
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := open.Put(k, []byte{}); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keyVersion, itob(1))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err == nil {
		t.Fatal("Check passed on a version-1 layout; the test does not simulate it")
	}
	db.Close()

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := db.SchemaVersion(ctx); v != len(migrations) {
		t.Errorf("SchemaVersion = %d, want %d", v, len(migrations))
	}
	if err := db.Check(); err != nil {
		t.Error(err)
	}
	if ps, _ := db.OpenPitchesByUserBefore(ctx, "U2", time.Now().Add(time.Hour)); len(ps) != 1 || ps[0].Handle != "rina" {
		t.Errorf("OpenPitchesByUserBefore(U2) after migration = %v", pitchHandles(ps))
	}
}

func TestOpen_SchemaTooNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pocbot.db")
	noop := func(*bolt.Tx) error { return nil }
	db, err := open(path, Options{}, []migration{noop, noop, noop})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)

	_, err = open(path, Options{}, []migration{noop})
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("err = %v, want ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), "version 3") {
		t.Errorf("err = %q, want it to name version 3", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("refused open modified the file")
	}
}

func TestOpen_NotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, bytes.Repeat([]byte("not bolt "), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open(text file) err = %v, want an error naming the path", err)
	}
}

func TestDB_SchemaVersion(t *testing.T) {
	db := MustOpen(t)
	if v, err := db.SchemaVersion(context.Background()); err != nil || v != len(migrations) {
		t.Errorf("SchemaVersion = %d, %v; want %d", v, err, len(migrations))
	}
}

func TestDB_Backup(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	if _, err := db.CreatePitches(ctx, PitchInput{UserID: "U1", Handles: []string{"budi", "sari"}}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.OpenFile(backup, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.Backup(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(backup); fi.Size() != n {
		t.Errorf("Backup returned %d bytes, file has %d", n, fi.Size())
	}

	// The backup is usable while the original is still open.
	b, err := Open(backup, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Check(); err != nil {
		t.Fatal(err)
	}
	ps, total, err := b.PitchesByCreator(ctx, "sari", 0, 10)
	if err != nil || total != 1 || len(ps) != 1 {
		t.Errorf("backup PitchesByCreator = %v, %d, %v; want 1 pitch", ps, total, err)
	}
}

func TestDB_ContextCanceled(t *testing.T) {
	db := MustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := db.CreatePitches(ctx, PitchInput{UserID: "U1", Handles: []string{"budi"}})
	if !errors.Is(err, context.Canceled) || ErrorCode(err) != Internal {
		t.Errorf("err = %v (code %q), want context.Canceled (internal)", err, ErrorCode(err))
	}
	if _, err := db.Pitch(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Pitch err = %v, want context.Canceled", err)
	}
}
