package bot

import (
	"context"
	"sync"
	"time"
)

// People are shown by name where a mention would notify them for nothing
// (the digest): display names from users.info, cached and refreshed.

// nameTTL is how long a fetched name is used before users.info is asked
// again; a failed refresh keeps the old name.
const nameTTL = 6 * time.Hour

type nameCache struct {
	mu sync.Mutex
	m  map[string]cachedName
}

type cachedName struct {
	name string
	at   time.Time
}

// displayNames returns a name for each of ids: the profile's display
// name, else its real name, else the user name; a user users.info cannot
// answer for keeps a cached name or is left out (the digest then shows
// "@U123" as plain text, never a mention).
func (b *Bot) displayNames(ctx context.Context, ids []string) map[string]string {
	now := b.Now()
	out := make(map[string]string, len(ids))
	c := &b.names
	for _, id := range ids {
		if _, done := out[id]; done || id == "" {
			continue
		}
		c.mu.Lock()
		e, ok := c.m[id]
		c.mu.Unlock()
		if ok && now.Sub(e.at) < nameTTL {
			out[id] = e.name
			continue
		}
		u, err := b.api.GetUserInfoContext(ctx, id)
		if err != nil {
			b.log.Warn("users.info failed; showing the cached name or ID", "user", id, "err", slackDetail(err))
			if ok {
				out[id] = e.name
			}
			continue
		}
		name := u.Profile.DisplayName
		if name == "" {
			name = u.Profile.RealName
		}
		if name == "" {
			name = u.RealName
		}
		if name == "" {
			name = u.Name
		}
		if name == "" {
			continue
		}
		c.mu.Lock()
		if c.m == nil {
			c.m = map[string]cachedName{}
		}
		c.m[id] = cachedName{name, now}
		c.mu.Unlock()
		out[id] = name
	}
	return out
}
