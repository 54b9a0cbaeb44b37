package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"pocbot/store"
)

// CronParser accepts 5-field specs, an optional leading seconds field, and
// descriptors such as @daily or @every 5s. cmd/pocbot validates with it too.
var CronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// jobFunc runs a scheduled job for the slot that fell due at due.
type jobFunc func(ctx context.Context, due time.Time) error

type job struct {
	name  string
	spec  string
	sched cron.Schedule
	run   jobFunc
	mu    sync.Mutex // one run at a time, whether from cron, catch-up or RunJob
}

// scheduler runs jobs on robfig/cron in the bot's time zone and remembers
// each job's last successful slot in the store.
//
// Catch-up rule: at start, a job whose next slot after its last successful
// run is already in the past runs once, for the latest missed slot (several
// missed slots are collapsed into one run). A job that has never run starts
// counting from the first start and does not catch up.
type scheduler struct {
	db   *store.DB
	loc  *time.Location
	log  *slog.Logger
	now  func() time.Time
	c    *cron.Cron
	jobs map[string]*job
	wg   sync.WaitGroup
	// observe, if set, is told of every run's outcome (metrics).
	observe func(job string, err error)
	// caughtUp is closed when every job's start-up catch-up has ended.
	caughtUp chan struct{}
}

func newScheduler(db *store.DB, loc *time.Location, log *slog.Logger, now func() time.Time) (*scheduler, error) {
	l := cronLogger{log: log}
	return &scheduler{
		db: db, loc: loc, log: log, now: now, jobs: map[string]*job{}, caughtUp: make(chan struct{}),
		c: cron.New(cron.WithParser(CronParser), cron.WithLocation(loc),
			cron.WithChain(cron.Recover(l), cron.SkipIfStillRunning(l)), cron.WithLogger(l)),
	}, nil
}

// add registers a job. It must be called before start.
func (s *scheduler) add(name, spec string, run jobFunc) error {
	sched, err := CronParser.Parse(spec)
	if err != nil {
		return fmt.Errorf("job %s: bad schedule %q: %w", name, spec, err)
	}
	if _, dup := s.jobs[name]; dup {
		return fmt.Errorf("job %s registered twice", name)
	}
	s.jobs[name] = &job{name: name, spec: spec, sched: sched, run: run}
	return nil
}

// start registers the jobs with cron, runs due catch-ups in the background
// and starts the clock.
func (s *scheduler) start(ctx context.Context) {
	var catchUps sync.WaitGroup
	for _, j := range s.jobs {
		j := j
		s.c.Schedule(j.sched, cron.FuncJob(func() {
			due := s.now().In(s.loc).Truncate(time.Second)
			if err := s.runJob(ctx, j, due); err != nil {
				s.log.Error("job failed", "job", j.name, "err", err)
			}
		}))
		s.wg.Add(1)
		catchUps.Add(1)
		go func() {
			defer s.wg.Done()
			defer catchUps.Done()
			if err := s.catchUp(ctx, j); err != nil {
				s.log.Error("job catch-up failed", "job", j.name, "err", err)
			}
		}()
	}
	go func() {
		catchUps.Wait()
		close(s.caughtUp)
	}()
	s.c.Start()
}

// stop stops the clock; the returned context is done when running jobs end.
func (s *scheduler) stop() context.Context {
	ctx := s.c.Stop()
	done, cancel := context.WithCancel(context.Background())
	go func() {
		<-ctx.Done()
		s.wg.Wait()
		cancel()
	}()
	return done
}

func (s *scheduler) catchUp(ctx context.Context, j *job) error {
	now := s.now()
	last, ok, err := s.db.JobLastRun(ctx, j.name)
	if err != nil {
		return err
	}
	if !ok {
		return s.db.SetJobLastRun(ctx, j.name, now)
	}
	due, missed := lastMissed(j.sched, last.In(s.loc), now)
	if !missed {
		return nil
	}
	s.log.Info("job missed while down; running once now", "job", j.name, "due", due, "last_run", last)
	return s.runJob(ctx, j, due)
}

// lastMissed returns the latest slot in (last, now], if any.
func lastMissed(sched cron.Schedule, last, now time.Time) (time.Time, bool) {
	next := sched.Next(last)
	if next.IsZero() || next.After(now) {
		return time.Time{}, false
	}
	due := next
	for i := 0; i < 100000; i++ { // bounded: @every 1s over a long outage
		n := sched.Next(due)
		if n.IsZero() || n.After(now) {
			break
		}
		due = n
	}
	return due, true
}

// runJob runs j for due unless that slot already ran, recovering panics and
// recording the slot only on success.
func (s *scheduler) runJob(ctx context.Context, j *job, due time.Time) (err error) {
	if !j.mu.TryLock() {
		s.log.Info("job still running; skipped", "job", j.name, "due", due)
		return nil
	}
	defer j.mu.Unlock()
	last, ok, err := s.db.JobLastRun(ctx, j.name)
	if err != nil {
		return err
	}
	if ok && !due.After(last) {
		s.log.Info("job slot already done; skipped", "job", j.name, "due", due)
		return nil
	}
	if s.observe != nil { // deferred before the recover below, so it sees a panic's error
		defer func() { s.observe(j.name, err) }()
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job %s panicked: %v", j.name, p)
			s.log.Error("job panic", "job", j.name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	start := time.Now()
	if err := j.run(ctx, due); err != nil {
		return err
	}
	s.log.Debug("job done", "job", j.name, "due", due, "took", time.Since(start))
	return s.db.SetJobLastRun(ctx, j.name, due)
}

// RunJob runs a registered job now for the slot due, as the scheduler
// would. Tests use it with a fake clock instead of waiting.
func (b *Bot) RunJob(ctx context.Context, name string, due time.Time) error {
	j, ok := b.sched.jobs[name]
	if !ok {
		return fmt.Errorf("no job %q", name)
	}
	return b.sched.runJob(ctx, j, due)
}

// cronLogger adapts slog to cron's key/value Logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}

// CaughtUp is closed once the scheduler has started and every job's
// start-up catch-up (the missed slot it runs, if any) has ended. Tests wait
// on it so a catch-up's messages never race with what they do next.
func (b *Bot) CaughtUp() <-chan struct{} { return b.sched.caughtUp }
