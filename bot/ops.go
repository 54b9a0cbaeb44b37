package bot

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// OpsConfig is the operations part of Config: the admin user group and the
// outbox. Zero values get defaults.
type OpsConfig struct {
	// AdminGroup is a Slack user group ID (S…) whose members are admins in
	// addition to Config.Admins; "" for none.
	AdminGroup        string
	AdminGroupRefresh time.Duration // default 10m

	OutboxInterval    time.Duration // how often the worker looks for due posts; default 2s
	OutboxBackoff     time.Duration // first retry delay, doubled each attempt up to 10m; default 5s
	OutboxMaxAttempts int           // then the post is given up; default 20 (about 2 hours of retrying)
	OutboxLease       time.Duration // an attempt in flight; default 1m
	HeartbeatInterval time.Duration // the scheduler's liveness beat; default 5s
}

func (c *OpsConfig) setDefaults() {
	if c.AdminGroupRefresh <= 0 {
		c.AdminGroupRefresh = 10 * time.Minute
	}
	if c.OutboxInterval <= 0 {
		c.OutboxInterval = 2 * time.Second
	}
	if c.OutboxBackoff <= 0 {
		c.OutboxBackoff = 5 * time.Second
	}
	if c.OutboxMaxAttempts <= 0 {
		c.OutboxMaxAttempts = 20
	}
	if c.OutboxLease <= 0 {
		c.OutboxLease = time.Minute
	}
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = 5 * time.Second
	}
}

// adminGroup holds the members of POCBOT_ADMIN_GROUP, refreshed in the
// background.
type adminGroup struct {
	mu      sync.RWMutex
	members []string
	loaded  bool
}

func (g *adminGroup) has(u string) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return slices.Contains(g.members, u)
}

// refreshAdminGroup reads the group's members with usergroups.users.list.
// On failure the last known members stay (an outage does not demote
// admins), and the error is logged once per refresh.
func (b *Bot) refreshAdminGroup(ctx context.Context) {
	id := b.cfg.Ops.AdminGroup
	users, err := b.api.GetUserGroupMembersContext(ctx, id)
	if err != nil {
		if ctx.Err() == nil {
			b.log.Warn("cannot read POCBOT_ADMIN_GROUP members; keeping the last known list", "group", id,
				"err", slackDetail(err), "hint", "the app needs the usergroups:read scope and the group must exist")
		}
		return
	}
	g := &b.adminGroup
	g.mu.Lock()
	changed := !g.loaded || !slices.Equal(g.members, users)
	g.members, g.loaded = slices.Clone(users), true
	g.mu.Unlock()
	if changed {
		b.log.Info("admin group members loaded", "group", id, "members", len(users))
	}
}

// AdminGroupMembers returns the admin group's members as last read.
func (b *Bot) AdminGroupMembers() []string {
	b.adminGroup.mu.RLock()
	defer b.adminGroup.mu.RUnlock()
	return slices.Clone(b.adminGroup.members)
}

// startOps starts the background work of operations: the outbox worker,
// the admin group refresh and the scheduler heartbeat. The returned
// function stops them and waits.
func (b *Bot) startOps(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { b.runOutbox(ctx) })
	if b.cfg.Ops.AdminGroup != "" {
		wg.Go(func() {
			t := time.NewTicker(b.cfg.Ops.AdminGroupRefresh)
			defer t.Stop()
			for {
				b.refreshAdminGroup(ctx)
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		})
	}
	// The heartbeat runs on the scheduler's own cron, so it stops when the
	// scheduler does.
	b.tel.beat()
	id := b.sched.c.Schedule(cron.Every(b.cfg.Ops.HeartbeatInterval), cron.FuncJob(b.tel.beat))
	return func() {
		b.sched.c.Remove(id)
		cancel()
		wg.Wait()
	}
}
