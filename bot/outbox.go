package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// The outbox: posts the team depends on (triage posts, assignment and
// reminder DMs, the digest, SLA notices) are stored before they are sent.
// A 5xx, a timeout or a network error leaves the post pending; a worker
// retries it with exponential backoff until OutboxMaxAttempts, and the
// post survives restarts. Each post has a key, sent along as message
// metadata (event_type pocbot_post); before retrying a post whose answer
// was lost, the worker looks for that key in the conversation, so a post
// Slack took is never sent twice.

// postMetaType is the message metadata event_type of outbox posts.
const postMetaType = "pocbot_post"

// outPost is a post to make through the outbox.
type outPost struct {
	key, kind, channel string
	m                  msg
	threadTS           string // reply under this message
	parentKey          string // reply under the outbox post with this key, once it is sent
	then               string // what to record once sent (see delivered)
}

// sendResult is what happened to an outbox post.
type sendResult int

const (
	postedNow    sendResult = iota // Slack took it just now
	postedBefore                   // the key was posted before: nothing sent
	postQueued                     // Slack did not take it yet; the outbox will retry
	postFailed                     // permanent failure (or given up); err says why
)

// newBootID names this process in outbox leases.
func newBootID() string {
	var p [8]byte
	_, _ = rand.Read(p[:])
	return hex.EncodeToString(p[:])
}

// send posts p through the outbox: stored first, then tried at once. On a
// temporary failure it returns postQueued and a nil error.
func (b *Bot) send(ctx context.Context, p outPost) (ch, ts string, res sendResult, err error) {
	blocks := fitBlocks(p.m.blocks, maxMessageBlocks, "…continued in the thread.")
	var raw json.RawMessage
	if len(blocks) > 0 {
		if raw, err = json.Marshal(blocks); err != nil {
			return "", "", postFailed, fmt.Errorf("outbox %s: encode blocks: %w", p.key, err)
		}
	}
	dbctx := context.WithoutCancel(ctx)
	post := store.Post{Key: p.key, Kind: p.kind, Channel: p.channel, Text: fallback(p.m.text), Blocks: raw,
		ParentKey: p.parentKey, ThreadTS: p.threadTS, Then: p.then}
	stored, created, err := b.db.EnqueuePost(dbctx, post, b.bootID, time.Now(), b.cfg.Ops.OutboxLease)
	if err != nil {
		return "", "", postFailed, err
	}
	if !created {
		if stored.Status == store.PostSent {
			return stored.SentCh, stored.SentTS, postedBefore, nil
		}
		return "", "", postQueued, nil
	}
	if p.parentKey != "" {
		// A reply waits for its parent's ts: the worker sends it.
		if _, err := b.db.RetryPost(dbctx, p.key, time.Now(), false, ""); err != nil {
			return "", "", postFailed, err
		}
		b.kickOutbox()
		return "", "", postQueued, nil
	}
	return b.attempt(ctx, stored, false)
}

// attempt makes one attempt at a leased post and records its outcome.
func (b *Bot) attempt(ctx context.Context, p store.Post, checkFirst bool) (string, string, sendResult, error) {
	dbctx := context.WithoutCancel(ctx)
	log := b.log.With("outbox", p.Key, "kind", p.Kind, "attempt", p.Attempts)
	if checkFirst {
		ch, ts, found, err := b.findPosted(ctx, p)
		switch {
		case found:
			log.Info("post whose answer was lost is in Slack; not sending it again", "ts", ts)
			return b.delivered(ctx, p, ch, ts, true)
		case err != nil && retryable(err):
			return b.retryLater(dbctx, p, true, fmt.Errorf("checking for an earlier copy: %w", err))
		case err != nil:
			// Without the history scopes (or outside the channel) the check
			// cannot be made: send again, at least once rather than never.
			log.Warn("cannot check whether an earlier attempt was posted; sending again", "err", slackDetail(err))
		}
	}
	opts := []slack.MsgOption{slack.MsgOptionText(p.Text, false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: postMetaType, EventPayload: map[string]any{"key": p.Key}})}
	if len(p.Blocks) > 0 {
		var bs slack.Blocks
		if err := json.Unmarshal(p.Blocks, &bs); err != nil {
			return b.giveUp(dbctx, p, fmt.Errorf("decode stored blocks: %w", err))
		}
		opts = append(opts, slack.MsgOptionBlocks(bs.BlockSet...))
	}
	if p.ThreadTS != "" {
		opts = append(opts, slack.MsgOptionTS(p.ThreadTS))
	}
	ch, ts, err := b.api.PostMessageContext(ctx, p.Channel, opts...)
	if err == nil {
		return b.delivered(ctx, p, ch, ts, checkFirst || p.Attempts > 1)
	}
	err = slackDetail(err)
	if retryable(err) && p.Attempts < b.cfg.Ops.OutboxMaxAttempts {
		return b.retryLater(dbctx, p, uncertain(err), err)
	}
	return b.giveUp(dbctx, p, err)
}

func (b *Bot) retryLater(ctx context.Context, p store.Post, maybeTaken bool, err error) (string, string, sendResult, error) {
	wait := b.outboxBackoff(p.Attempts)
	if _, rerr := b.db.RetryPost(ctx, p.Key, time.Now().Add(wait), maybeTaken, err.Error()); rerr != nil {
		return "", "", postFailed, errors.Join(err, rerr)
	}
	b.tel.outboxRetries.WithLabelValues(p.Kind).Inc()
	b.log.Warn(fmt.Sprintf("Slack did not take %s post %s (attempt %d of %d): %v; retrying in %s",
		p.Kind, p.Key, p.Attempts, b.cfg.Ops.OutboxMaxAttempts, err, wait.Round(100*time.Millisecond)))
	return "", "", postQueued, nil
}

func (b *Bot) giveUp(ctx context.Context, p store.Post, err error) (string, string, sendResult, error) {
	if _, rerr := b.db.GiveUpPost(ctx, p.Key, err.Error()); rerr != nil {
		err = errors.Join(err, rerr)
	}
	b.tel.outboxGiveUps.WithLabelValues(p.Kind).Inc()
	b.log.Error(fmt.Sprintf("gave up posting %s post %s to %s after %s: %v", p.Kind, p.Key, p.Channel, plural(p.Attempts, "attempt", "attempts"), err),
		"outbox", p.Key, "kind", p.Kind)
	if kind, arg, _ := strings.Cut(p.Then, ":"); kind == "issue_triage" && p.Attempts > 1 {
		// The reporter was told it would appear; say that it did not.
		id, _ := strconv.ParseUint(arg, 10, 64)
		if is, ierr := b.db.Issue(ctx, id); ierr == nil && is.ReporterID != "" {
			text := fmt.Sprintf(":warning: I could not post *%s* to <#%s>: Slack kept refusing it. Tell the team yourself, and manage it with `/issue %s`.", is.Ref(), p.Channel, is.Ref())
			if _, _, perr := b.post(ctx, is.ReporterID, msg{text: text, blocks: []slack.Block{section(text)}}); perr != nil {
				b.log.Warn("could not tell the reporter about a triage post given up", "issue", id, "err", perr)
			}
		}
	}
	return "", "", postFailed, err
}

// delivered records a sent post and what follows from it. late says the
// post went out after its first attempt, so what it announces may have
// changed meanwhile.
func (b *Bot) delivered(ctx context.Context, p store.Post, ch, ts string, late bool) (string, string, sendResult, error) {
	dbctx := context.WithoutCancel(ctx)
	if _, err := b.db.PostSent(dbctx, p.Key, ch, ts, time.Now()); err != nil {
		return ch, ts, postedNow, err
	}
	b.tel.outboxSent.WithLabelValues(p.Kind).Inc()
	if late {
		b.log.Info("outbox post delivered", "outbox", p.Key, "kind", p.Kind, "attempts", p.Attempts)
	}
	kind, arg, _ := strings.Cut(p.Then, ":")
	id, _ := strconv.ParseUint(arg, 10, 64)
	var err error
	switch kind {
	case "":
	case "issue_triage":
		if _, err = b.db.SetIssueTriage(dbctx, id, ch, ts); err == nil && late {
			// The issue may have changed while the post waited.
			err = b.refreshTriage(dbctx, id)
		}
	case "task_dm":
		err = b.db.SetTaskDM(dbctx, id, ch, ts)
	default:
		err = fmt.Errorf("outbox %s: unknown follow-up %q", p.Key, p.Then)
	}
	return ch, ts, postedNow, err
}

// findPosted looks for the post's key in its conversation (the newest 600
// messages, or its thread).
func (b *Bot) findPosted(ctx context.Context, p store.Post) (ch, ts string, found bool, err error) {
	ch = p.Channel
	if isUser(ch) {
		c, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{ch}})
		if err != nil {
			return "", "", false, err
		}
		ch = c.ID
	}
	cursor := ""
	for page := 0; page < 3; page++ {
		var msgs []slack.Message
		var more bool
		if p.ThreadTS != "" {
			msgs, more, cursor, err = b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: ch, Timestamp: p.ThreadTS, Limit: 200, Cursor: cursor, IncludeAllMetadata: true})
		} else {
			var h *slack.GetConversationHistoryResponse
			h, err = b.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: ch, Limit: 200, Cursor: cursor, IncludeAllMetadata: true})
			if h != nil {
				msgs, more, cursor = h.Messages, h.HasMore, h.ResponseMetaData.NextCursor
			}
		}
		if err != nil {
			return "", "", false, err
		}
		for _, m := range msgs {
			if m.Metadata.EventType == postMetaType && fmt.Sprint(m.Metadata.EventPayload["key"]) == p.Key {
				return ch, m.Timestamp, true, nil
			}
		}
		if !more || cursor == "" {
			break
		}
	}
	return ch, "", false, nil
}

func isUser(id string) bool { return len(id) > 1 && (id[0] == 'U' || id[0] == 'W') }

// retryable reports whether a failed post may succeed later: HTTP 429 and
// 5xx, timeouts and network errors, and Slack's own temporary errors.
func retryable(err error) bool {
	var sc slack.StatusCodeError
	var rl *slack.RateLimitedError
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &rl):
		return true
	case errors.As(err, &sc):
		return sc.Code >= 500 || sc.Code == http.StatusTooManyRequests || sc.Code == http.StatusRequestTimeout
	case errors.As(err, &se):
		return slices.Contains([]string{"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited", "team_added_to_org"}, se.Err)
	}
	return true // no answer at all: timeouts, resets, DNS, a truncated body
}

// uncertain reports whether Slack may have taken a call that failed: it
// did not answer with a decision of its own.
func uncertain(err error) bool {
	var sc slack.StatusCodeError
	var rl *slack.RateLimitedError
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &rl), errors.As(err, &se):
		return false
	case errors.As(err, &sc):
		return sc.Code != http.StatusTooManyRequests
	}
	return true
}

// outboxBackoff is base·2^(attempt-1), at most 10 minutes, ±10% jitter.
func (b *Bot) outboxBackoff(attempt int) time.Duration {
	d := float64(b.cfg.Ops.OutboxBackoff) * math.Pow(2, float64(max(attempt-1, 0)))
	d = min(d, float64(10*time.Minute))
	return time.Duration(d * (0.9 + 0.2*mrand.Float64()))
}

// kickOutbox wakes the worker.
func (b *Bot) kickOutbox() {
	select {
	case b.outboxKick <- struct{}{}:
	default:
	}
}

// runOutbox sends due posts until ctx ends: at start (posts left by a
// previous run), every OutboxInterval, and when kicked. Sent and failed
// posts are pruned after 30 days.
func (b *Bot) runOutbox(ctx context.Context) {
	tick := time.NewTicker(b.cfg.Ops.OutboxInterval)
	defer tick.Stop()
	var pruned time.Time
	for {
		if time.Since(pruned) > 6*time.Hour {
			if n, err := b.db.PruneOutbox(ctx, time.Now().AddDate(0, 0, -30)); err != nil {
				b.log.Warn("outbox prune failed", "err", err)
			} else if n > 0 {
				b.log.Info("outbox pruned", "posts", n)
			}
			pruned = time.Now()
		}
		b.outboxPass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-b.outboxKick:
		}
	}
}

// outboxPass tries every post that is due.
func (b *Bot) outboxPass(ctx context.Context) {
	keys, err := b.db.PendingPosts(ctx, 500)
	if err != nil {
		if ctx.Err() == nil {
			b.log.Warn("outbox read failed", "err", err)
		}
		return
	}
	for _, k := range keys {
		if ctx.Err() != nil {
			return
		}
		p, ok, check, err := b.db.LeasePost(ctx, k, b.bootID, time.Now(), b.cfg.Ops.OutboxLease)
		if err != nil || !ok {
			if err != nil {
				b.log.Warn("outbox lease failed", "outbox", k, "err", err)
			}
			continue
		}
		actx, cancel := context.WithTimeout(ctx, b.cfg.HandlerTimeout)
		if _, _, _, err := b.attempt(actx, p, check); err != nil {
			b.log.Warn("outbox attempt", "outbox", k, "err", err)
		}
		cancel()
	}
}
