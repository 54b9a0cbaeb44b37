package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"pocbot/store"
)

const backupUsage = `usage: pocbot backup [-f] FILE   (FILE "-" writes to stdout; -f overwrites an existing FILE)`

// runBackup is `pocbot backup [-f] FILE`: a consistent copy of the
// database (bbolt's Tx.WriteTo), from the running bot through the admin
// socket or from the file when the bot is stopped. FILE is written through
// a temporary file, fsynced and moved into place; an existing FILE is left
// alone unless -f.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pocbot backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	force := fs.Bool("f", false, "overwrite FILE if it exists")
	if n := len(args); n == 2 && args[1] == "-f" {
		args = []string{"-f", args[0]} // pocbot backup FILE -f, as people type it after the refusal
	}
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, backupUsage)
		return 2
	}
	dst := fs.Arg(0)
	dbPath := dbPathFor(getenv)
	if dst != "-" && sameFile(dst, dbPath) {
		fmt.Fprintf(stderr, "pocbot backup: %s is the database itself; write the backup to another file.\n", dst)
		return 2
	}
	if dst == "-" {
		if isTerminal(stdout) {
			fmt.Fprintln(stderr, "pocbot backup: - writes the database to stdout, which is a terminal here; redirect it: pocbot backup - > copy.db")
			return 2
		}
	} else if fi, err := os.Stat(filepath.Dir(dst)); err != nil || !fi.IsDir() {
		fmt.Fprintf(stderr, "pocbot backup: cannot write %s: the directory %s does not exist.\n", dst, filepath.Dir(dst))
		return 1
	}
	if fi, err := os.Stat(dst); dst != "-" && err == nil && fi.IsDir() {
		fmt.Fprintf(stderr, "pocbot backup: %s is a directory; give a file name in it, e.g. pocbot backup %s\n",
			dst, filepath.Join(dst, "pocbot-"+time.Now().Format("20060102-150405")+".db"))
		return 2
	}
	if dst != "-" && !*force {
		if _, err := os.Lstat(dst); err == nil {
			fmt.Fprintf(stderr, "pocbot backup: %s already exists; nothing was written. Choose a new name, or overwrite it with: pocbot backup -f %s\n", dst, dst)
			return 1
		}
	}
	// source writes the database to w: through the bot if it runs.
	source := func(w io.Writer) (int64, error) {
		cw := &countingWriter{w: w}
		var errb strings.Builder
		code, live := viaBot(ctx, getenv, "backup", nil, cw, &errb)
		if live {
			if code != 0 {
				return cw.n, errors.New(strings.TrimSpace(strings.TrimPrefix(errb.String(), "pocbot backup: ")))
			}
			return cw.n, nil
		}
		path := dbPath
		if err := mustExist(path); err != nil {
			return 0, err
		}
		db, err := store.Open(path, store.Options{LockTimeout: time.Second})
		if errors.Is(err, store.ErrLocked) {
			return 0, fmt.Errorf("%s is in use by a pocbot that does not answer on its admin socket (%s); stop it and run this again", path, adminSocketFor(getenv))
		} else if err != nil {
			return 0, err
		}
		defer db.Close()
		return db.Backup(w)
	}
	var n int64
	var err error
	if dst == "-" {
		n, err = source(stdout)
	} else {
		err = store.WriteFileAtomic(dst, *force, func(w io.Writer) (int64, error) {
			var werr error
			n, werr = source(w)
			return n, werr
		})
	}
	if errors.Is(err, store.ErrExists) {
		fmt.Fprintf(stderr, "pocbot backup: %s already exists; nothing was written. Choose a new name, or overwrite it with: pocbot backup -f %s\n", dst, dst)
		return 1
	} else if err != nil {
		fmt.Fprintf(stderr, "pocbot backup: %v\n", err)
		return 1
	}
	if dst == "-" {
		fmt.Fprintf(stderr, "pocbot backup: wrote %d bytes\n", n)
	} else {
		fmt.Fprintf(stderr, "pocbot backup: wrote %d bytes to %s\n", n, dst)
	}
	return 0
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// liveBackup streams a hot copy of the live database (admin socket).
func (m *Main) liveBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if _, err := m.DB.Backup(stdout); err != nil {
		fmt.Fprintf(stderr, "pocbot backup: %v\n", err)
		return 1
	}
	return 0
}

// runCheck is `pocbot check`: bbolt's page check and pocbot's index checks,
// with the schema version and record counts.
func runCheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: pocbot check   (checks POCBOT_DB, through the running bot if there is one)")
		return 2
	}
	if code, ok := viaBot(ctx, getenv, "check", args, stdout, stderr); ok {
		return code
	}
	path := dbPathFor(getenv)
	if err := mustExist(path); err != nil {
		fmt.Fprintf(stderr, "pocbot check: %v\n", err)
		return 1
	}
	r, err := store.Inspect(path)
	if errors.Is(err, store.ErrLocked) {
		fmt.Fprintf(stderr, "pocbot check: %s is in use by a pocbot that does not answer on its admin socket (%s); stop it and run this again\n", path, adminSocketFor(getenv))
		return 1
	} else if err != nil {
		fmt.Fprintf(stderr, "pocbot check: %v\n", err)
		return 1
	}
	return printCheck(r, stdout)
}

// liveCheck checks the live database (admin socket). Writers wait while
// the check runs.
func (m *Main) liveCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	r, err := m.DB.Report(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "pocbot check: %v\n", err)
		return 1
	}
	return printCheck(r, stdout)
}

// printCheck is check's report; it exits 1 if the file has a problem.
func printCheck(r store.Report, w io.Writer) int {
	fmt.Fprintf(w, "database %s\n", r.Path)
	printReport(r, w)
	if r.Problem != nil {
		fmt.Fprintf(w, "PROBLEM: %v\nRestore the newest good backup (pocbot restore FILE) or ask a developer; do not keep writing to this file.\n", r.Problem)
		return 1
	}
	switch cur := store.CurrentSchemaVersion(); {
	case r.SchemaVersion == cur:
		fmt.Fprintln(w, "OK: every page is consistent and every index matches its records.")
	case r.SchemaVersion > cur:
		fmt.Fprintln(w, "OK: every page is consistent (this pocbot cannot check the indexes of a newer schema).")
	default:
		fmt.Fprintln(w, "OK: every page is consistent (index checks need the current schema; the bot migrates the file when it starts).")
	}
	return 0
}

func printReport(r store.Report, w io.Writer) {
	note := ""
	switch cur := store.CurrentSchemaVersion(); {
	case r.SchemaVersion > cur:
		note = fmt.Sprintf(" — NEWER than this pocbot (%d): it cannot open it", cur)
	case r.SchemaVersion < cur:
		note = fmt.Sprintf(" — older; this pocbot (%d) migrates it on start, after backing it up", cur)
	}
	fmt.Fprintf(w, "schema version %d%s\n", r.SchemaVersion, note)
	c := r.Counts
	fmt.Fprintf(w, "records: %d creators, %d pitches, %d vouchers, %d campaigns, %d tasks, %d issues, %d targets; %d posts waiting for Slack\n",
		c.Creators, c.Pitches, c.Vouchers, c.Campaigns, c.Tasks, c.Issues, c.Targets, c.OutboxPending)
}

// runRestore is `pocbot restore FILE`: checks the backup, shows what is in
// it, and puts it in place of POCBOT_DB, keeping the current file beside
// it. It refuses while the bot runs.
func runRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "usage: pocbot restore FILE   (the bot must be stopped; the current database is kept as <db>.before-restore-<time>)")
		return 2
	}
	src := args[0]
	path := dbPathFor(getenv)
	stopHint := "Stop it first (systemctl stop pocbot, docker stop <container>, or Ctrl-C where it runs), then run pocbot restore again."
	if pid, err := runningBot(getenv); err == nil {
		fmt.Fprintf(stderr, "pocbot restore: the bot is running on %s (pid %d); nothing was changed. %s\n", path, pid, stopHint)
		return 1
	}
	r, err := store.Inspect(src)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "pocbot restore: there is no file %s; nothing was changed. Give the path of a backup (pocbot backup FILE wrote it).\n", src)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "pocbot restore: %v; nothing was changed.\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "backup %s (%d bytes)\n", src, r.Size)
	printReport(r, stdout)
	switch {
	case r.Problem != nil:
		fmt.Fprintf(stderr, "pocbot restore: the backup fails its checks (%v); nothing was changed. Try an older backup.\n", r.Problem)
		return 1
	case r.SchemaVersion > store.CurrentSchemaVersion():
		fmt.Fprintf(stderr, "pocbot restore: the backup was written by a newer pocbot (schema %d; this one knows up to %d); nothing was changed. Restore it with that newer pocbot.\n",
			r.SchemaVersion, store.CurrentSchemaVersion())
		return 1
	}
	abs, _ := filepath.Abs(src)
	dbAbs, _ := filepath.Abs(path)
	if abs == dbAbs {
		fmt.Fprintf(stderr, "pocbot restore: %s is the database itself; nothing to do.\n", src)
		return 1
	}
	// Hold the database's lock while swapping, so a bot cannot start on
	// the old file halfway through.
	unlock, err := lockFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "pocbot restore: %s is in use (%v); nothing was changed. %s\n", path, err, stopHint)
		return 1
	}
	defer unlock()
	in, err := os.Open(src)
	if err != nil {
		fmt.Fprintf(stderr, "pocbot restore: %v\n", err)
		return 1
	}
	defer in.Close()
	tmp := path + ".restoring"
	os.Remove(tmp)
	if err := store.WriteFileAtomic(tmp, false, func(w io.Writer) (int64, error) { return io.Copy(w, in) }); err != nil {
		fmt.Fprintf(stderr, "pocbot restore: copy %s: %v; nothing was changed.\n", src, err)
		return 1
	}
	kept := ""
	if _, err := os.Stat(path); err == nil {
		kept = fmt.Sprintf("%s.before-restore-%s", path, time.Now().UTC().Format("20060102-150405"))
		if err := os.Rename(path, kept); err != nil {
			os.Remove(tmp)
			fmt.Fprintf(stderr, "pocbot restore: %v; nothing was changed.\n", err)
			return 1
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		fmt.Fprintf(stderr, "pocbot restore: %v; the previous database is at %s\n", err, kept)
		return 1
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	fmt.Fprintf(stdout, "restored %s from %s.\n", path, src)
	if kept != "" {
		fmt.Fprintf(stdout, "The database it replaced is kept at %s.\n", kept)
	}
	fmt.Fprintln(stdout, "Start the bot again (systemctl start pocbot).")
	return 0
}

// lockFile takes the exclusive flock bbolt takes on the database file, if
// the file exists; a running bot holds it.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return func() {}, nil
	} else if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("locked by another process")
	}
	return func() { f.Close() }, nil
}

// sameFile reports whether a and b name the same file (or the same path,
// if neither exists yet).
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	absA, _ := filepath.Abs(a)
	absB, _ := filepath.Abs(b)
	return absA == absB
}

// dbPathFor is POCBOT_DB as the settings table reads it.
func dbPathFor(getenv func(string) string) string {
	cfg, _ := loadSettings(getenv, "POCBOT_DB") // a path: never an error
	return cfg.DB
}
