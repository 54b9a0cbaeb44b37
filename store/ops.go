package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the schema this build writes: files with a higher
// version are refused, lower ones are migrated on Open.
func CurrentSchemaVersion() int { return len(migrations) }

// Counts are the numbers of records of each kind, as `pocbot check` and
// `pocbot restore` show them.
type Counts struct {
	Creators, Pitches, Vouchers, Campaigns, Tasks, Issues, Targets int
	OutboxPending                                                  int
}

// countBuckets are the buckets Counts reads; a missing one (an old file)
// counts as empty.
var countBuckets = []struct {
	bucket []byte
	field  func(*Counts) *int
}{
	{bucketCreators, func(c *Counts) *int { return &c.Creators }},
	{bucketPitches, func(c *Counts) *int { return &c.Pitches }},
	{bucketVouchers, func(c *Counts) *int { return &c.Vouchers }},
	{bucketCampaigns, func(c *Counts) *int { return &c.Campaigns }},
	{bucketTasks, func(c *Counts) *int { return &c.Tasks }},
	{bucketIssues, func(c *Counts) *int { return &c.Issues }},
	{bucketTargets, func(c *Counts) *int { return &c.Targets }},
	{bucketOutboxPending, func(c *Counts) *int { return &c.OutboxPending }},
}

func countsOf(tx *bolt.Tx) Counts {
	var c Counts
	for _, cb := range countBuckets {
		if b := tx.Bucket(cb.bucket); b != nil {
			*cb.field(&c) = b.Stats().KeyN
		}
	}
	return c
}

// Counts returns the record counts.
func (db *DB) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c = countsOf(tx)
		return nil
	})
	return c, err
}

// Report is what Inspect and DB.Report find in a file.
type Report struct {
	Path          string
	Size          int64
	SchemaVersion int
	Counts        Counts
	// Problem is nil if bbolt's page check and pocbot's index checks pass
	// (index checks run only on a file of the current schema).
	Problem error
}

// Report checks the open database (see Check) and counts its records.
func (db *DB) Report(ctx context.Context) (Report, error) {
	r := Report{Path: db.path}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		r.SchemaVersion, err = schemaVersion(tx)
		r.Counts = countsOf(tx)
		r.Size = tx.Size()
		return err
	})
	if err != nil {
		return r, err
	}
	r.Problem = db.Check()
	return r, nil
}

// Inspect opens the file at path read-only, without creating or migrating
// anything, and reports on it. It fails if path is not a bbolt file or is
// held by a running pocbot.
func Inspect(path string) (Report, error) {
	r := Report{Path: path}
	fi, err := os.Stat(path)
	if err != nil {
		return r, err
	}
	r.Size = fi.Size()
	bdb, err := bolt.Open(path, fileMode, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return r, fmt.Errorf("%s: %w", path, ErrLocked)
	} else if err != nil {
		return r, fmt.Errorf("%s is not a pocbot database: %w", path, err)
	}
	defer bdb.Close()
	err = bdb.View(func(tx *bolt.Tx) error {
		v, err := schemaVersion(tx)
		if err != nil {
			return err
		}
		r.SchemaVersion = v
		r.Counts = countsOf(tx)
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			r.Problem = fmt.Errorf("bbolt check: %w", errors.Join(errs...))
			return nil
		}
		if v == len(migrations) {
			r.Problem = checkIndexes(tx)
		}
		return nil
	})
	return r, err
}

// HealthCheck proves the database answers a read and a write: it reads
// the schema version, then commits a small probe record (fsynced like
// every write). Readiness probes call it.
func (db *DB) HealthCheck(ctx context.Context) (readErr, writeErr error) {
	if _, err := db.SchemaVersion(ctx); err != nil {
		return err, fmt.Errorf("not tried: read failed")
	}
	return nil, db.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put([]byte("health_probe"), itob(timeNanos(time.Now())))
	})
}

// ObserveCommits sets f to be called with the duration of every write
// transaction, fsync included (metrics). nil stops it.
func (db *DB) ObserveCommits(f func(time.Duration)) { db.commitObs.Store(&f) }

func (db *DB) observeCommit(start time.Time) {
	if f := db.commitObs.Load(); f != nil && *f != nil {
		(*f)(time.Since(start))
	}
}

// Size returns the database file's size in bytes.
func (db *DB) Size() int64 {
	var n int64
	_ = db.bolt.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
	return n
}

// preMigrationBackup copies the file, before any change, next to it as
// NAME.schema-vN-YYYYMMDD-HHMMSS.bak (temp file, fsync, rename) and
// returns the backup's path.
func preMigrationBackup(bdb *bolt.DB, path string, version int, now time.Time) (string, error) {
	name := fmt.Sprintf("%s.schema-v%d-%s.bak", path, version, now.UTC().Format("20060102-150405"))
	err := WriteFileAtomic(name, false, func(w io.Writer) (int64, error) {
		var n int64
		err := bdb.View(func(tx *bolt.Tx) error {
			var err error
			n, err = tx.WriteTo(w)
			return err
		})
		return n, err
	})
	return name, err
}

// ErrExists is returned by WriteFileAtomic when the file exists and
// overwrite is false.
var ErrExists = errors.New("file exists")

// WriteFileAtomic writes a file through a temporary file in the same
// directory (mode 0600), fsyncs it, and moves it to path: readers never
// see half a file. Without overwrite an existing path is left alone and
// ErrExists returned. The directory is fsynced too, so the new name
// survives a crash.
func WriteFileAtomic(path string, overwrite bool, write func(io.Writer) (int64, error)) error {
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s: %w", path, ErrExists)
		}
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed or linked and removed
	if err := f.Chmod(fileMode); err != nil {
		f.Close()
		return err
	}
	if _, err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if overwrite {
		err = os.Rename(tmp, path)
	} else {
		// link fails if path appeared meanwhile: never clobber.
		if err = os.Link(tmp, path); errors.Is(err, os.ErrExist) {
			err = fmt.Errorf("%s: %w", path, ErrExists)
		}
	}
	if err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
