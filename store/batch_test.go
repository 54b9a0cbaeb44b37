package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// queueCalls makes the test the batch leader: it marks a commit as in
// flight, starts n writers with start(i), waits until all n are queued,
// then commits them as one batch.
func queueCalls(t *testing.T, db *DB, n int, start func(i int)) {
	t.Helper()
	q := db.commits
	q.mu.Lock()
	q.leading = true
	q.mu.Unlock()
	for i := range n {
		go start(i)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		q.mu.Lock()
		queued := len(q.queue)
		q.mu.Unlock()
		if queued == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d writers queued", queued, n)
		}
		time.Sleep(time.Millisecond)
	}
	db.commitQueued()
}

// A batch whose last function fails after the others have written is
// rolled back; the others run again and the failing one runs alone. Each
// write must land exactly once, with the results its caller was given.
func TestBatchRetriedWriteAppliedOnce(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	const n = 20
	var calls atomic.Int64
	injected := errors.New("injected late validation error")
	testBatchFault = func() error {
		// The n-th function of the first attempt fails once: n-1 writes
		// are in the transaction by then.
		if calls.Add(1) == n {
			return injected
		}
		return nil
	}
	defer func() { testBatchFault = nil }()

	results := make([]*PitchResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	wg.Add(n)
	queueCalls(t, db, n, func(i int) {
		defer wg.Done()
		results[i], errs[i] = db.CreatePitches(ctx, PitchInput{UserID: "U1", Handles: []string{fmt.Sprintf("batch.%02d", i)},
			Product: "Serum", Cooldown: time.Hour})
	})
	wg.Wait()

	// n in the first attempt, n-1 in the retry, 1 alone.
	if got := calls.Load(); got != 2*n {
		t.Errorf("batched functions ran %d times, want %d (the batch was not retried as expected)", got, 2*n)
	}
	ids := map[uint64]string{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("writer %d: %v", i, errs[i])
		}
		if len(results[i].Created) != 1 || len(results[i].Duplicates) != 0 {
			t.Fatalf("writer %d: result %+v, want exactly one created pitch (captured results not reset on retry?)", i, results[i])
		}
		p := results[i].Created[0]
		if prev, dup := ids[p.ID]; dup {
			t.Fatalf("PIT-%d returned to both %s and %s", p.ID, prev, p.Handle)
		}
		ids[p.ID] = p.Handle
		stored, err := db.Pitch(ctx, p.ID)
		if err != nil || stored.Handle != p.Handle {
			t.Fatalf("PIT-%d stored as %+v (%v), confirmed as @%s", p.ID, stored, err, p.Handle)
		}
	}
	// Exactly n pitches, IDs 1..n without gaps from the rolled-back attempt,
	// one creator and one audit entry each, indexes consistent.
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if got := tx.Bucket(bucketPitches).Stats().KeyN; got != n {
			return fmt.Errorf("%d pitches stored, want %d", got, n)
		}
		if seq := tx.Bucket(bucketPitches).Sequence(); seq != n {
			return fmt.Errorf("pitch sequence %d, want %d", seq, n)
		}
		if got := tx.Bucket(bucketCreators).Stats().KeyN; got != n {
			return fmt.Errorf("%d creators stored, want %d", got, n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for id := range ids {
		if a, err := db.AuditLog(ctx, PitchEntity(id), 10); err != nil || len(a) != 1 {
			t.Errorf("PIT-%d has %d audit entries (%v), want 1", id, len(a), err)
		}
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// A caller whose own validation fails inside a batch gets its error, and
// the writers sharing its batch are not affected.
func TestBatchFailingCallDoesNotSinkOthers(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	wg.Add(n)
	queueCalls(t, db, n, func(i int) {
		defer wg.Done()
		if i == 3 {
			_, errs[i] = db.SetPitchStatus(ctx, 999, "U1", PitchAgreed) // no such pitch
			return
		}
		_, errs[i] = db.CreatePitches(ctx, PitchInput{UserID: "U1", Handles: []string{fmt.Sprintf("ok.%d", i)}})
	})
	wg.Wait()
	for i, err := range errs {
		if i == 3 {
			if ErrorCode(err) != NotFound {
				t.Errorf("status of a missing pitch: %v, want NotFound", err)
			}
		} else if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	ps, err := db.PitchesByUser(ctx, "U1", time.Time{}, time.Now().Add(time.Hour))
	if err != nil || len(ps) != n-1 {
		t.Fatalf("%d pitches (%v), want %d", len(ps), err, n-1)
	}
}

// A panic in one batched function fails that call only.
func TestBatchPanicIsContained(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	err := db.batch(ctx, func(tx *bolt.Tx) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if p := recover(); p == nil {
			t.Error("a panicking function alone should panic in its caller")
		}
	}()
	_ = db.batch(ctx, func(tx *bolt.Tx) error { panic("boom") })
}

// Writers in one batch see each other's writes: ten pitches of the same
// creator committed together log it once and report nine duplicates,
// because the cooldown check runs inside the shared transaction.
func TestBatchValidationSeesEarlierWritesOfTheBatch(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	const n = 10
	results := make([]*PitchResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	wg.Add(n)
	queueCalls(t, db, n, func(i int) {
		defer wg.Done()
		results[i], errs[i] = db.CreatePitches(ctx, PitchInput{UserID: fmt.Sprintf("U%d", i), Handles: []string{"same.creator"},
			Cooldown: 24 * time.Hour})
	})
	wg.Wait()
	created, dups := 0, 0
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		created += len(results[i].Created)
		dups += len(results[i].Duplicates)
	}
	if created != 1 || dups != n-1 {
		t.Errorf("%d created, %d duplicates; want 1 and %d", created, dups, n-1)
	}
}
