package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Group commit. Every write a user drives at volume (pitches, outcomes,
// vouchers, issues, task progress) goes through db.batch: writers that
// arrive while a commit is in flight queue up and share the next
// transaction and its one fsync, and each caller returns only after that
// shared commit is on disk. Durability is unchanged — a nil return still
// means committed and fsynced — only the fsync is shared.
//
// It follows bbolt's DB.Batch contract, and differs in one way that the
// measurements in README (Performance) decided: DB.Batch holds the first
// writer of every batch for MaxBatchDelay in case others join, so a lone
// writer pays that delay on every write, and under load batches are cut
// by the timer rather than by the disk. Here a writer that finds no commit
// in flight commits at once; the ones that arrive during its fsync form
// the next batch. Under load the batch size follows the fsync time by
// itself, with nothing to tune but the cap.
//
// The contract shapes every function passed to db.batch:
//
//   - It may run more than once. If any function in a batch fails, the whole
//     transaction is rolled back, the others run again together and the
//     failing one runs alone. So a function must (re)set every result it
//     captures at its start, and must not have effects outside tx.
//   - Its validation must live inside it, against tx: another function in
//     the same batch may have changed what it checks.
//   - A function that returns an error costs its batch a second commit, so
//     input that can be checked without the database is checked before.

// maxBatch caps the functions in one transaction, so one commit's work
// (and the latency of its first writer) stays bounded during a flood.
const maxBatch = 256

// committer is the commit queue of one DB.
type committer struct {
	mu      sync.Mutex
	queue   []*batchCall
	leading bool // a goroutine is committing batches
	last    int  // size of the last batch
}

type batchCall struct {
	fn  func(*bolt.Tx) error
	err chan error
}

// errTrySolo tells a caller that its function failed inside a batch and must
// run again in a transaction of its own.
var errTrySolo = errors.New("store: batched function failed; run it alone")

// testBatchFault, when a test sets it, runs after each batched function
// succeeded; an error it returns fails that call, as a late validation
// error would, so tests can prove a retried batch applies each write once.
var testBatchFault func() error

// batch runs fn in a read-write transaction shared with concurrent callers
// (see above) after checking ctx. A nil return means committed and fsynced.
// fn may run more than once: it must reset what it captures, and validate
// inside tx.
func (db *DB) batch(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	wrapped := func(tx *bolt.Tx) error {
		// Re-check: we may have waited for other writers.
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		if f := testBatchFault; f != nil {
			return f()
		}
		return nil
	}
	c := &batchCall{fn: wrapped, err: make(chan error, 1)}
	q := db.commits
	q.mu.Lock()
	q.queue = append(q.queue, c)
	lead := !q.leading
	q.leading = true
	q.mu.Unlock()
	if lead {
		db.commitQueued()
	}
	err := <-c.err
	if err == errTrySolo {
		start := time.Now()
		err = db.bolt.Update(wrapped)
		db.observeCommit(start)
	}
	return err
}

// commitQueued commits one batch of queued calls, then hands the lead to a
// new goroutine if more queued meanwhile, so no caller waits for batches
// other than its own.
func (db *DB) commitQueued() {
	q := db.commits
	q.mu.Lock()
	// The writers of the batch just committed were released a moment ago
	// and often write again at once: let them join this batch rather than
	// leave it half full, without waiting on a timer.
	for i := 0; i < 4 && len(q.queue) < q.last; i++ {
		q.mu.Unlock()
		runtime.Gosched()
		q.mu.Lock()
	}
	n := min(len(q.queue), maxBatch)
	q.last = n
	calls := q.queue[:n:n]
	q.queue = q.queue[n:]
	if len(q.queue) == 0 {
		q.queue = nil // let the backing array go
	}
	q.mu.Unlock()

	start := time.Now()
	runBatch(db.bolt, calls)
	db.observeCommit(start) // one shared commit, one observation

	q.mu.Lock()
	more := len(q.queue) > 0
	if !more {
		q.leading = false
	}
	q.mu.Unlock()
	if more {
		go db.commitQueued()
	}
}

// runBatch runs calls in one transaction. A failing call is taken out and
// told to run alone; the rest run again. Success, or an error of the
// commit itself, goes to every remaining caller.
func runBatch(bdb *bolt.DB, calls []*batchCall) {
	for len(calls) > 0 {
		failed := -1
		err := bdb.Update(func(tx *bolt.Tx) error {
			for i, c := range calls {
				if err := safeCall(c.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed >= 0 {
			calls[failed].err <- errTrySolo
			calls = append(calls[:failed:failed], calls[failed+1:]...)
			continue
		}
		for _, c := range calls {
			c.err <- err
		}
		return
	}
}

// safeCall runs fn, turning a panic into an error so one bad call cannot
// take down the writers sharing its batch. The solo re-run panics for real.
func safeCall(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in batched write: %v", p)
		}
	}()
	return fn(tx)
}
