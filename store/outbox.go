package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The outbox holds the Slack posts the team depends on (triage posts,
// assignment and reminder DMs, the digest, SLA notices) until Slack has
// taken them. Each post has a key chosen by the caller ("triage/12",
// "digest/2026-11-30"): a key is posted at most once.
//
//	outbox
//	  key → JSON Post
//	outbox_pending
//	  key → nil, for every post not yet sent nor given up
var (
	bucketOutbox        = []byte("outbox")
	bucketOutboxPending = []byte("outbox_pending")
)

// PostStatus is where an outbox post is.
type PostStatus string

const (
	PostPending PostStatus = "pending" // waiting to be sent or retried
	PostSent    PostStatus = "sent"    // Slack took it: Channel and TS are set
	PostFailed  PostStatus = "failed"  // given up: a permanent error or too many attempts
)

// Post is one outbox entry.
type Post struct {
	Key       string          `json:"key"`
	Kind      string          `json:"kind"`    // "triage", "task_dm", "reminder", "digest", "sla", … (metric label)
	Channel   string          `json:"channel"` // channel or user ID to post to
	Text      string          `json:"text"`
	Blocks    json.RawMessage `json:"blocks,omitempty"`
	ParentKey string          `json:"parent_key,omitempty"` // a thread reply: posted after the parent, under it
	ThreadTS  string          `json:"thread_ts,omitempty"`  // a reply to an existing message
	Then      string          `json:"then,omitempty"`       // what to record once sent, e.g. "issue_triage:12"

	Status    PostStatus `json:"status"`
	Attempts  int        `json:"attempts"`
	CreatedAt time.Time  `json:"created_at"`
	NextAt    time.Time  `json:"next_at"`         // a pending post is not tried before this
	Lease     string     `json:"lease,omitempty"` // the process whose attempt is in flight
	LeaseEnd  time.Time  `json:"lease_end"`
	// Uncertain: the last attempt may have been taken by Slack although its
	// answer never arrived (a timeout, a 5xx, a crash mid-call). Before the
	// next attempt the sender looks for the post in the conversation.
	Uncertain bool      `json:"uncertain,omitempty"`
	LastError string    `json:"last_error,omitempty"`
	SentAt    time.Time `json:"sent_at"`
	SentCh    string    `json:"sent_channel,omitempty"`
	SentTS    string    `json:"sent_ts,omitempty"`
}

// maxPostKey bounds a key (it is part of message metadata too).
const maxPostKey = 300

// EnqueuePost stores p as pending and leases it to the caller (owner,
// until now+lease) for its first attempt, which the caller makes right
// away. If p.Key is already pending or sent, nothing changes and the stored
// post is returned with created false; a failed post with that key is
// replaced, since it never reached Slack.
func (db *DB) EnqueuePost(ctx context.Context, p Post, owner string, now time.Time, lease time.Duration) (stored Post, created bool, err error) {
	if p.Key == "" || len(p.Key) > maxPostKey || p.Channel == "" {
		return Post{}, false, Errorf(Invalid, "An outbox post needs a key of 1 to %d bytes and a channel.", maxPostKey)
	}
	err = db.update(ctx, func(tx *bolt.Tx) error {
		ob := tx.Bucket(bucketOutbox)
		var old Post
		switch err := getJSON(ob, []byte(p.Key), &old); err {
		case nil:
			if old.Status != PostFailed {
				stored = old
				return nil
			}
		case errMissing:
		default:
			return fmt.Errorf("outbox %s: %w", p.Key, err)
		}
		p.Status, p.Attempts, p.CreatedAt = PostPending, 1, now.UTC()
		p.NextAt, p.Lease, p.LeaseEnd = now.UTC(), owner, now.Add(lease).UTC()
		p.Uncertain, p.LastError, p.SentCh, p.SentTS = true, "", "", "" // in flight
		created, stored = true, p
		return putPost(tx, &p)
	})
	return stored, created, err
}

// LeasePost takes a pending post that is due at now for one attempt by
// owner: it must be pending, not before NextAt, and not leased by another
// live attempt (a lease of another process, from before a restart, has
// expired with that process: owner names the process). A post with a
// parent waits until the parent is sent and then takes its ts as ThreadTS;
// if the parent was given up, so is the post. ok is false if the post is
// not to be tried now. checkFirst (also p.Uncertain) says that an earlier
// attempt may have reached Slack: look for the post before sending again.
func (db *DB) LeasePost(ctx context.Context, key, owner string, now time.Time, lease time.Duration) (p Post, ok, checkFirst bool, err error) {
	err = db.update(ctx, func(tx *bolt.Tx) error {
		ob := tx.Bucket(bucketOutbox)
		if err := getJSON(ob, []byte(key), &p); err != nil {
			if err == errMissing {
				return nil
			}
			return fmt.Errorf("outbox %s: %w", key, err)
		}
		if p.Status != PostPending || now.Before(p.NextAt) || (p.Lease == owner && now.Before(p.LeaseEnd)) {
			return nil
		}
		if p.ParentKey != "" && p.ThreadTS == "" {
			var parent Post
			if err := getJSON(ob, []byte(p.ParentKey), &parent); err != nil && err != errMissing {
				return fmt.Errorf("outbox %s: parent: %w", key, err)
			}
			switch parent.Status {
			case PostSent:
				p.ThreadTS = parent.SentTS
				if p.Channel == parent.Channel && parent.SentCh != "" {
					p.Channel = parent.SentCh
				}
			case PostFailed, "":
				p.Status, p.LastError = PostFailed, "parent post "+p.ParentKey+" was not sent"
				return putPost(tx, &p)
			default:
				return nil // the parent first
			}
		}
		// An attempt is in flight from its lease until it is recorded; a
		// lease still set here is an attempt that never finished (the
		// process died), so Slack may have taken it.
		p.Uncertain = p.Uncertain || !p.LeaseEnd.IsZero()
		checkFirst = p.Uncertain
		p.Attempts++
		p.Lease, p.LeaseEnd = owner, now.Add(lease).UTC()
		ok = true
		stored := p
		stored.Uncertain = true // until this attempt is recorded
		return putPost(tx, &stored)
	})
	return p, ok, checkFirst, err
}

// PostSent records that Slack took the post (channel and ts of the message).
func (db *DB) PostSent(ctx context.Context, key, channel, ts string, now time.Time) (Post, error) {
	return db.finishPost(ctx, key, func(p *Post) {
		p.Status, p.SentAt, p.SentCh, p.SentTS = PostSent, now.UTC(), channel, ts
		p.Uncertain, p.LastError = false, ""
	})
}

// RetryPost records a failed attempt to be retried at next. uncertain says
// whether Slack may have taken it anyway.
func (db *DB) RetryPost(ctx context.Context, key string, next time.Time, uncertain bool, errText string) (Post, error) {
	return db.finishPost(ctx, key, func(p *Post) {
		p.NextAt, p.Uncertain, p.LastError = next.UTC(), uncertain, truncateErr(errText)
	})
}

// GiveUpPost records that the post will not be sent.
func (db *DB) GiveUpPost(ctx context.Context, key, errText string) (Post, error) {
	return db.finishPost(ctx, key, func(p *Post) {
		p.Status, p.LastError = PostFailed, truncateErr(errText)
	})
}

func (db *DB) finishPost(ctx context.Context, key string, f func(p *Post)) (Post, error) {
	var p Post
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := getJSON(tx.Bucket(bucketOutbox), []byte(key), &p); err != nil {
			return fmt.Errorf("outbox %s: %w", key, err)
		}
		f(&p)
		p.Lease, p.LeaseEnd = "", time.Time{}
		return putPost(tx, &p)
	})
	return p, err
}

// OutboxPost returns the post with key; ok is false if there is none.
func (db *DB) OutboxPost(ctx context.Context, key string) (p Post, ok bool, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		switch err := getJSON(tx.Bucket(bucketOutbox), []byte(key), &p); err {
		case nil:
			ok = true
		case errMissing:
		default:
			return err
		}
		return nil
	})
	return p, ok, err
}

// PendingPosts returns the keys of posts not yet sent nor given up, in
// key order, at most limit (0 = all).
func (db *DB) PendingPosts(ctx context.Context, limit int) ([]string, error) {
	var keys []string
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutboxPending).Cursor()
		for k, _ := c.First(); k != nil && (limit <= 0 || len(keys) < limit); k, _ = c.Next() {
			keys = append(keys, string(k))
		}
		return nil
	})
	return keys, err
}

// OutboxCounts returns how many posts are pending and how many were given up.
func (db *DB) OutboxCounts(ctx context.Context) (pending, failed int, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		pending = tx.Bucket(bucketOutboxPending).Stats().KeyN
		return tx.Bucket(bucketOutbox).ForEach(func(_, v []byte) error {
			var p struct {
				Status PostStatus `json:"status"`
			}
			if json.Unmarshal(v, &p) == nil && p.Status == PostFailed {
				failed++
			}
			return nil
		})
	})
	return pending, failed, err
}

// PruneOutbox deletes sent and failed posts created before cutoff; their
// keys can then be posted again. It returns how many it deleted.
func (db *DB) PruneOutbox(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	err := db.update(ctx, func(tx *bolt.Tx) error {
		ob := tx.Bucket(bucketOutbox)
		var old [][]byte
		err := ob.ForEach(func(k, v []byte) error {
			var p Post
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("outbox %s: %w", k, err)
			}
			if p.Status != PostPending && p.CreatedAt.Before(cutoff) {
				old = append(old, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range old {
			if err := ob.Delete(k); err != nil {
				return err
			}
		}
		n = len(old)
		return nil
	})
	return n, err
}

func putPost(tx *bolt.Tx, p *Post) error {
	k := []byte(p.Key)
	if err := putJSON(tx.Bucket(bucketOutbox), k, p); err != nil {
		return fmt.Errorf("put outbox %s: %w", p.Key, err)
	}
	pend := tx.Bucket(bucketOutboxPending)
	if p.Status == PostPending {
		return pend.Put(k, nil)
	}
	return pend.Delete(k)
}

func truncateErr(s string) string {
	if len(s) > 500 {
		return s[:500] + "…"
	}
	return s
}
