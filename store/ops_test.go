package store

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOutboxLifecycle(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	p := Post{Key: "triage/1", Kind: "triage", Channel: "CT", Text: "ISS-1"}
	got, created, err := db.EnqueuePost(ctx, p, "boot1", now, time.Minute)
	if err != nil || !created || got.Attempts != 1 || got.Status != PostPending {
		t.Fatalf("enqueue = %+v %v %v", got, created, err)
	}
	// A second enqueue of the key changes nothing.
	if _, created, _ := db.EnqueuePost(ctx, p, "boot1", now, time.Minute); created {
		t.Error("same key enqueued twice")
	}
	// Leased by this process until the attempt is recorded.
	if _, ok, _, _ := db.LeasePost(ctx, p.Key, "boot1", now, time.Minute); ok {
		t.Error("leased while its first attempt is in flight")
	}
	if _, err := db.RetryPost(ctx, p.Key, now.Add(10*time.Second), true, "HTTP 504"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _, _ := db.LeasePost(ctx, p.Key, "boot1", now.Add(5*time.Second), time.Minute); ok {
		t.Error("leased before its retry time")
	}
	got, ok, check, err := db.LeasePost(ctx, p.Key, "boot1", now.Add(11*time.Second), time.Minute)
	if err != nil || !ok || !check || got.Attempts != 2 {
		t.Fatalf("lease after a lost answer = %+v ok=%v check=%v %v", got, ok, check, err)
	}
	// The process dies mid-attempt: a new process may take it, and must
	// check first.
	got, ok, check, _ = db.LeasePost(ctx, p.Key, "boot2", now.Add(12*time.Second), time.Minute)
	if !ok || !check || got.Attempts != 3 {
		t.Fatalf("lease by the next process = %+v ok=%v check=%v", got, ok, check)
	}
	if _, err := db.PostSent(ctx, p.Key, "CT", "1.2", now); err != nil {
		t.Fatal(err)
	}
	if keys, _ := db.PendingPosts(ctx, 0); len(keys) != 0 {
		t.Errorf("pending after sent = %v", keys)
	}
	if got, created, _ := db.EnqueuePost(ctx, p, "boot2", now, time.Minute); created || got.SentTS != "1.2" {
		t.Errorf("a sent key was enqueued again: %+v", got)
	}
	// A failed post is never sent; its key may be tried again later.
	q := Post{Key: "sla/1/breach/U1", Kind: "sla", Channel: "U1", Text: "x"}
	db.EnqueuePost(ctx, q, "boot2", now, time.Minute)
	db.GiveUpPost(ctx, q.Key, "channel_not_found")
	if pending, failed, _ := db.OutboxCounts(ctx); pending != 0 || failed != 1 {
		t.Errorf("counts = %d pending, %d failed", pending, failed)
	}
	if _, created, _ := db.EnqueuePost(ctx, q, "boot2", now, time.Minute); !created {
		t.Error("a failed key could not be re-armed")
	}
	if err := db.Check(); err != nil {
		t.Error(err)
	}
	if n, _ := db.PruneOutbox(ctx, now.Add(time.Hour)); n != 1 {
		t.Errorf("pruned %d, want 1 (the sent post; the re-armed one is pending)", n)
	}
}

func TestOutboxThreadReplyWaitsForParent(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	now := time.Now()
	db.EnqueuePost(ctx, Post{Key: "digest/d", Channel: "CD", Text: "head"}, "b", now, time.Minute)
	db.EnqueuePost(ctx, Post{Key: "digest/d/part/2", Channel: "CD", Text: "part", ParentKey: "digest/d"}, "b", now, time.Minute)
	db.RetryPost(ctx, "digest/d/part/2", now, false, "")
	if _, ok, _, _ := db.LeasePost(ctx, "digest/d/part/2", "b", now.Add(time.Second), time.Minute); ok {
		t.Fatal("reply leased before its parent was sent")
	}
	db.PostSent(ctx, "digest/d", "CD", "100.1", now)
	p, ok, check, err := db.LeasePost(ctx, "digest/d/part/2", "b", now.Add(time.Second), time.Minute)
	if err != nil || !ok || check || p.ThreadTS != "100.1" {
		t.Fatalf("reply lease = %+v ok=%v check=%v %v", p, ok, check, err)
	}
	// A reply whose parent was given up is given up too.
	db.EnqueuePost(ctx, Post{Key: "x", Channel: "CD", Text: "head"}, "b", now, time.Minute)
	db.GiveUpPost(ctx, "x", "boom")
	db.EnqueuePost(ctx, Post{Key: "x/2", Channel: "CD", Text: "part", ParentKey: "x"}, "b", now, time.Minute)
	db.RetryPost(ctx, "x/2", now, false, "")
	if _, ok, _, _ := db.LeasePost(ctx, "x/2", "b", now.Add(time.Second), time.Minute); ok {
		t.Error("reply of a failed parent leased")
	}
	if p, _, _ := db.OutboxPost(ctx, "x/2"); p.Status != PostFailed {
		t.Errorf("reply of a failed parent: %s", p.Status)
	}
}

func TestMigrationWritesBackupFirst(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.db")
	old, err := open(path, Options{}, migrations[:3])
	if err != nil {
		t.Fatal(err)
	}
	if old.MigrationBackup != "" {
		t.Errorf("a new file was backed up: %s", old.MigrationBackup)
	}
	old.Close()
	// Reopening at the same version writes no backup.
	same, err := open(path, Options{}, migrations[:3])
	if err != nil || same.MigrationBackup != "" {
		t.Fatalf("reopen: %v %q", err, same.MigrationBackup)
	}
	same.Close()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !strings.HasPrefix(db.MigrationBackup, path+".schema-v3-") {
		t.Fatalf("backup = %q", db.MigrationBackup)
	}
	r, err := Inspect(db.MigrationBackup)
	if err != nil || r.SchemaVersion != 3 || r.Problem != nil {
		t.Errorf("backup report = %+v %v", r, err)
	}
	if fi, _ := os.Stat(db.MigrationBackup); fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v", fi.Mode())
	}
}

func TestWriteFileAtomicNeverClobbers(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	write := func(s string) error {
		return WriteFileAtomic(p, false, func(w io.Writer) (int64, error) { n, err := w.Write([]byte(s)); return int64(n), err })
	}
	if err := write("one"); err != nil {
		t.Fatal(err)
	}
	if err := write("two"); !errors.Is(err, ErrExists) {
		t.Errorf("second write: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Errorf("content %q", b)
	}
	if err := WriteFileAtomic(p, true, func(w io.Writer) (int64, error) { return 0, errors.New("boom") }); err == nil {
		t.Error("a failed write succeeded")
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Errorf("a failed overwrite changed the file: %q", b)
	}
	if ents, _ := os.ReadDir(filepath.Dir(p)); len(ents) != 1 {
		t.Errorf("temp files left: %v", ents)
	}
}

func TestInspectRefusesJunkAndReportsNewer(t *testing.T) {
	p := filepath.Join(t.TempDir(), "junk")
	os.WriteFile(p, []byte(strings.Repeat("x", 10000)), 0o600)
	if _, err := Inspect(p); err == nil || !strings.Contains(err.Error(), "not a pocbot database") {
		t.Errorf("junk: %v", err)
	}
}
