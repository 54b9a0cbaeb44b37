package bot

import (
	"context"
	"sync"
	"time"
)

// The reply first. After a user's action the confirmation is what they
// wait for; their App Home, the DMs of their Pitching tasks and the Homes
// of others the action touched are secondary. Handlers ask for those with
// refreshHome and refreshPitchingDMs, which only record the request on the
// handler's context; when the handler has returned — its reply posted — the
// requests go to a per-user refresher that runs them on its own goroutine.
// Outside a handler (scheduled jobs) they go to the refresher at once.
//
// Per user, at most one refresh runs at a time, and a refresh that was asked
// for while one ran (or within refreshGap after it) merges with every other
// request of that window: a burst of 100 pitches publishes the Home a few
// times, never 100 times. A refresh also waits (up to refreshHold) while
// the user has handlers still working, so a Home never shows a pitch whose
// confirmation has not been posted yet. refreshSlots bounds the refreshes
// running at once across users, so under load they wait (and merge
// further) instead of taking CPU from replies.

// refreshKind is a set of secondary updates for one user.
type refreshKind uint8

const (
	kindHome     refreshKind = 1 << iota // views.publish of the App Home
	kindPitchDMs                         // chat.update of open Pitching task DMs
)

// refreshGap is the least time between two refreshes of one user: the
// first after a quiet spell runs at once, later ones merge for this long.
var refreshGap = time.Second

// refreshHold is the longest a refresh waits for the user's handlers in
// flight to reply: a user who keeps several commands in flight for longer
// gets a Home that may be a moment ahead of their confirmations.
const refreshHold = 10 * time.Second

// refreshSlots is how many refreshes may run at once across users: one, so
// secondary work never takes more than one core from replies and acks.
const refreshSlots = 1

type refresher struct {
	mu      sync.Mutex
	pending map[string]refreshKind   // users with a refresher goroutine
	active  map[string]int           // users' handlers that have not replied yet
	started map[string]uint64        // users' handlers started so far (a generation)
	idle    map[string]chan struct{} // closed when the user's active count drops to 0
	slots   chan struct{}
	wg      sync.WaitGroup
	stop    chan struct{} // closed at shutdown: run what is pending now
	stopped bool
}

// deferredKey marks a handler's context: secondary updates asked for on it
// wait until the handler returns.
type deferredKey struct{}

type deferred struct {
	user  string // whose handler it is; "" for events
	mu    sync.Mutex
	users map[string]refreshKind
	order []string
}

// withDeferred returns ctx carrying a fresh set of deferred updates for a
// handler acting for userID, and counts the handler as in flight until
// flush.
func (b *Bot) withDeferred(ctx context.Context, userID string) (context.Context, *deferred) {
	d := &deferred{user: userID, users: map[string]refreshKind{}}
	if userID != "" {
		rf := &b.refresh
		rf.mu.Lock()
		rf.init()
		rf.active[userID]++
		rf.started[userID]++
		rf.mu.Unlock()
	}
	return context.WithValue(ctx, deferredKey{}, d), d
}

// init makes the maps and channels; rf.mu must be held.
func (rf *refresher) init() {
	if rf.pending == nil {
		rf.pending = map[string]refreshKind{}
		rf.active = map[string]int{}
		rf.started = map[string]uint64{}
		rf.idle = map[string]chan struct{}{}
		rf.slots = make(chan struct{}, refreshSlots)
		rf.stop = make(chan struct{})
	}
}

// refreshLater asks for secondary updates of userID: after the current
// handler returns if ctx is a handler's, else now.
func (b *Bot) refreshLater(ctx context.Context, userID string, what refreshKind) {
	if userID == "" {
		return
	}
	if d, ok := ctx.Value(deferredKey{}).(*deferred); ok {
		d.mu.Lock()
		if _, seen := d.users[userID]; !seen {
			d.order = append(d.order, userID)
		}
		d.users[userID] |= what
		d.mu.Unlock()
		return
	}
	b.enqueueRefresh(ctx, userID, what)
}

// flush hands the deferred updates to the refresher. Handlers call it once
// their reply is posted.
func (b *Bot) flush(ctx context.Context, d *deferred) {
	d.mu.Lock()
	order, users := d.order, d.users
	d.order, d.users = nil, map[string]refreshKind{}
	d.mu.Unlock()
	if d.user != "" {
		rf := &b.refresh
		rf.mu.Lock()
		if rf.active[d.user]--; rf.active[d.user] <= 0 {
			delete(rf.active, d.user)
			if ch, ok := rf.idle[d.user]; ok {
				close(ch)
				delete(rf.idle, d.user)
			}
		}
		rf.mu.Unlock()
		d.user = ""
	}
	for _, u := range order {
		b.enqueueRefresh(ctx, u, users[u])
	}
}

// enqueueRefresh merges what into userID's pending updates and starts the
// user's refresher if none runs.
func (b *Bot) enqueueRefresh(ctx context.Context, userID string, what refreshKind) {
	rf := &b.refresh
	rf.mu.Lock()
	rf.init()
	_, running := rf.pending[userID]
	rf.pending[userID] |= what
	if !running {
		rf.wg.Add(1)
	}
	rf.mu.Unlock()
	if !running {
		go b.runRefresher(context.WithoutCancel(ctx), userID)
	}
}

// runRefresher runs userID's pending updates until none came in for a
// whole refreshGap.
func (b *Bot) runRefresher(ctx context.Context, userID string) {
	rf := &b.refresh
	defer rf.wg.Done()
	for first := true; ; first = false {
		if !first {
			t := time.NewTimer(refreshGap)
			select {
			case <-t.C:
			case <-rf.stop:
				t.Stop()
			}
		}
		deadline := time.Now().Add(refreshHold)
		for {
			gen, held := b.holdForReplies(userID, deadline)
			rf.slots <- struct{}{}
			rf.mu.Lock()
			what := rf.pending[userID]
			if what == 0 {
				delete(rf.pending, userID)
				rf.mu.Unlock()
				<-rf.slots
				return
			}
			rf.pending[userID] = 0 // still running: new requests merge
			rf.mu.Unlock()
			again := b.refreshNow(ctx, userID, what, func() bool { return held && rf.startedSince(userID, gen) })
			<-rf.slots
			if !again {
				break
			}
			rf.mu.Lock()
			rf.pending[userID] |= what // build it again once that handler has replied
			rf.mu.Unlock()
		}
	}
}

// startedSince reports whether a handler for userID started after
// generation gen.
func (rf *refresher) startedSince(userID string, gen uint64) bool {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	return rf.started[userID] != gen
}

// holdForReplies waits, until deadline, for userID to have no handler that
// has not replied yet. It returns the user's handler generation at that
// moment, and held = false if it gave up waiting (deadline, shutdown).
func (b *Bot) holdForReplies(userID string, deadline time.Time) (gen uint64, held bool) {
	rf := &b.refresh
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	for {
		rf.mu.Lock()
		if rf.active[userID] == 0 {
			gen := rf.started[userID]
			rf.mu.Unlock()
			return gen, true
		}
		ch, ok := rf.idle[userID]
		if !ok {
			ch = make(chan struct{})
			rf.idle[userID] = ch
		}
		gen := rf.started[userID]
		rf.mu.Unlock()
		select {
		case <-ch: // check again: another handler may have started
		case <-t.C:
			return gen, false
		case <-rf.stop:
			return gen, false
		}
	}
}

// refreshNow runs the updates; failures are logged, never shown: the action
// itself succeeded. The Home is built, then published only if stale() is
// false — no handler of the user started while it was built, so it shows
// nothing whose confirmation is still on its way; otherwise refreshNow
// returns true and publishes nothing.
func (b *Bot) refreshNow(ctx context.Context, userID string, what refreshKind, stale func() bool) (again bool) {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.HandlerTimeout)
	defer cancel()
	if what&kindHome != 0 {
		v, err := b.homeView(ctx, userID)
		if err == nil && stale() {
			return true
		}
		if err == nil {
			err = b.publishView(ctx, userID, v)
		}
		if err != nil {
			b.log.Warn("home refresh failed", "user", userID, "err", err)
		}
	}
	if what&kindPitchDMs != 0 {
		b.refreshPitchingDMsNow(ctx, userID)
	}
	return false
}

// waitRefreshes waits for running refreshers, at most until ctx ends.
func (b *Bot) waitRefreshes(ctx context.Context) {
	rf := &b.refresh
	rf.mu.Lock()
	if rf.stop != nil && !rf.stopped {
		rf.stopped = true
		close(rf.stop)
	}
	rf.mu.Unlock()
	done := make(chan struct{})
	go func() { b.refresh.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		b.log.Warn("home refreshes still running at exit")
	}
}
