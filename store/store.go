package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrLocked is returned (wrapped) by Open when another process, or another
// DB in this process, holds the database file.
var ErrLocked = errors.New("database is in use by another pocbot")

// ErrSchemaTooNew is returned (wrapped) by Open when the file was written by
// a newer pocbot whose schema this build does not know.
var ErrSchemaTooNew = errors.New("database was written by a newer pocbot")

// DefaultLockTimeout is how long Open waits for the file lock by default.
const DefaultLockTimeout = 2 * time.Second

// fileMode keeps the database private to the bot's user: it holds creator
// contacts.
const fileMode = 0o600

// Top-level buckets, all created by Open. doc.go draws their keys.
var (
	bucketMeta             = []byte("meta")
	bucketJobs             = []byte("jobs")
	bucketAudit            = []byte("audit")
	bucketAuditByEntity    = []byte("audit_by_entity")
	bucketCreators         = []byte("creators")
	bucketCreatorNotes     = []byte("creator_notes")
	bucketCreatorNames     = []byte("creator_names")
	bucketPitches          = []byte("pitches")
	bucketPitchesByCreator = []byte("pitches_by_creator")
	bucketPitchesByUser    = []byte("pitches_by_user")
	bucketPitchesByTime    = []byte("pitches_by_time")
	bucketPitchesOpen      = []byte("pitches_open")

	allBuckets = [][]byte{
		bucketMeta, bucketJobs, bucketAudit, bucketAuditByEntity,
		bucketCreators, bucketCreatorNotes, bucketCreatorNames,
		bucketPitches, bucketPitchesByCreator, bucketPitchesByUser,
		bucketPitchesByTime, bucketPitchesOpen, bucketOnce,
		bucketVouchers, bucketVouchersByCreator, bucketVouchersByCampaign, bucketVouchersByIssuer,
		bucketVouchersByTime, bucketVouchersByExpiry, bucketVoucherIdem, bucketCampaigns,
		bucketTasks, bucketTasksByAssignee, bucketTasksDue, bucketTasksByCreator, bucketTaskDrafts, bucketTaskCapacity,
		bucketIssues, bucketIssuesByStatus, bucketIssuesByAssignee, bucketIssuesByCreator, bucketIssuesUnassigned, bucketIssueEvents,
		bucketPitchesAgreed, bucketTargets, bucketHolidays, bucketNudgeOptOut,
		bucketVouchersCredited, bucketIssuesResolved, bucketTasksDone,
		bucketSamplesOpen, bucketSamplesPosted, bucketTemplates,
		bucketOutbox, bucketOutboxPending,
	}
)

// keyVersion in bucketMeta holds the schema version as itob(version).
var keyVersion = []byte("version")

// Options configures Open. The zero value is ready to use.
type Options struct {
	// LockTimeout is how long Open waits for the file lock held by another
	// process before it fails with ErrLocked. Zero means DefaultLockTimeout.
	LockTimeout time.Duration

	// Now returns the current time. Defaults to time.Now. Tests set it.
	Now func() time.Time
}

// DB is pocbot's store: one bbolt file. It is safe for concurrent use. Each
// exported method runs in exactly one bbolt transaction, so a method that
// returns nil has committed (and fsynced) everything it did.
type DB struct {
	bolt *bolt.DB
	path string
	now  func() time.Time

	commitObs *atomic.Pointer[func(time.Duration)] // ops.go: ObserveCommits; shared by WithClock copies
	// MigrationBackup is the automatic backup Open wrote before migrating
	// the schema, "" if there was no migration.
	MigrationBackup string
	// commits is the group-commit queue of db.batch (batch.go), shared by
	// WithClock's copies.
	commits *committer
}

// Open opens or creates the database at path (mode 0600), creates any
// missing bucket and migrates the schema to the current version.
//
// If another process holds the file, Open fails after opt.LockTimeout with
// an error wrapping ErrLocked. If the file's schema is newer than this build,
// it fails with an error wrapping ErrSchemaTooNew and leaves the file as is.
func Open(path string, opt Options) (*DB, error) {
	return open(path, opt, migrations)
}

// open is Open with the migration list as a parameter, for tests.
func open(path string, opt Options, migs []migration) (*DB, error) {
	if opt.LockTimeout <= 0 {
		opt.LockTimeout = DefaultLockTimeout
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	bdb, err := bolt.Open(path, fileMode, &bolt.Options{Timeout: opt.LockTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w (waited %s): stop the other pocbot process or set POCBOT_DB to a different file",
			path, ErrLocked, opt.LockTimeout)
	} else if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{bolt: bdb, path: path, now: opt.Now, commitObs: new(atomic.Pointer[func(time.Duration)]), commits: &committer{}}
	if err := db.init(migs); err != nil {
		_ = bdb.Close() // The init error is the one worth reporting.
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// migration upgrades the schema by one version inside the given tx.
type migration func(tx *bolt.Tx) error

// migrations[i] upgrades a database from version i to version i+1, so the
// current schema version is len(migrations). Append only: never edit or
// reorder a released migration. Each runs in its own transaction together
// with the version bump, so a crash leaves the file at a whole version.
var migrations = []migration{
	// 0 → 1: the initial schema. Open has already created every bucket.
	func(tx *bolt.Tx) error { return nil },
	// 1 → 2: pitches_open values carry the pitcher's userID.
	migrateOpenPitchUsers,
	// 2 → 3: pitches_agreed, for the "agreed" target metric.
	backfillAgreed,
	// 3 → 4: vouchers_credited, issues_resolved and tasks_done, for those target metrics.
	backfillWorkIndexes,
	// 4 → 5: samples_open and samples_posted, for the content clock and content_posted.
	backfillSamples,
}

// migrateOpenPitchUsers fills in the userID of every pitches_open entry.
// Keys are collected first: a bucket must not change under its cursor.
func migrateOpenPitchUsers(tx *bolt.Tx) error {
	open := tx.Bucket(bucketPitchesOpen)
	var keys [][]byte
	err := open.ForEach(func(k, _ []byte) error {
		keys = append(keys, bytes.Clone(k))
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		p, err := getPitch(tx, btoi(k[8:]))
		if err != nil {
			return err
		}
		if err := open.Put(k, []byte(p.UserID)); err != nil {
			return err
		}
	}
	return nil
}

// init creates the buckets and runs pending migrations. Before it changes
// an existing file whose schema is older, it writes a backup next to it.
func (db *DB) init(migs []migration) error {
	var version int
	var existing bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		version, err = schemaVersion(tx)
		existing = tx.Bucket(bucketMeta) != nil
		return err
	})
	if err != nil {
		return err
	}
	if existing && version < len(migs) {
		name, err := preMigrationBackup(db.bolt, db.path, version, time.Now())
		if err != nil {
			return fmt.Errorf("backup before migrating schema %d to %d: %w (nothing was changed)", version, len(migs), err)
		}
		db.MigrationBackup = name
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		v, err := schemaVersion(tx)
		if err != nil {
			return err
		}
		if v > len(migs) {
			return fmt.Errorf("%w: schema version %d, this build knows up to %d: upgrade pocbot or restore a backup",
				ErrSchemaTooNew, v, len(migs))
		}
		version = v
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for v := version; v < len(migs); v++ {
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			if err := migs[v](tx); err != nil {
				return err
			}
			return tx.Bucket(bucketMeta).Put(keyVersion, itob(uint64(v+1)))
		})
		if err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
		}
	}
	return nil
}

// schemaVersion reads the version; a file without a meta bucket is version 0.
func schemaVersion(tx *bolt.Tx) (int, error) {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return 0, nil
	}
	v := b.Get(keyVersion)
	if v == nil {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("meta/version has %d bytes, want 8", len(v))
	}
	return int(btoi(v)), nil
}

// Close closes the database. It waits for open transactions to finish.
func (db *DB) Close() error {
	return db.bolt.Close()
}

// Path returns the file the database was opened from.
func (db *DB) Path() string {
	return db.path
}

// Now returns the current time from Options.Now, in UTC. Every timestamp the
// store writes comes from here.
func (db *DB) Now() time.Time {
	return db.now().UTC()
}

// SchemaVersion returns the schema version recorded in the file.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		v, err = schemaVersion(tx)
		return err
	})
	return v, err
}

// Backup writes a consistent copy of the database to w and returns the
// number of bytes written. It runs in a read transaction, so the bot keeps
// reading and writing meanwhile; the copy is the state at its start.
func (db *DB) Backup(w io.Writer) (int64, error) {
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	return n, nil
}

// Check verifies the file: bbolt's page-level consistency check, then that
// every secondary index matches its records (see checkIndexes). It reads the
// whole database, so it is meant for tests and operations, not requests.
//
// It runs in a write transaction that is rolled back: bbolt's check is not
// safe in a read transaction while another goroutine writes, so Check holds
// off writers until it is done.
func (db *DB) Check() error {
	tx, err := db.bolt.Begin(true)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	defer tx.Rollback() // Nothing to commit; the error is irrelevant.
	var errs []error
	for err := range tx.Check() {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("bbolt check: %w", errors.Join(errs...))
	}
	return checkIndexes(tx)
}

// update runs fn in a read-write transaction after checking ctx. A nil
// return means committed and fsynced.
func (db *DB) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer db.observeCommit(time.Now())
	return db.bolt.Update(func(tx *bolt.Tx) error {
		// Re-check: we may have waited for other writers.
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(tx)
	})
}

// view runs fn in a read-only transaction after checking ctx.
func (db *DB) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.View(fn)
}
