package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// msg is a reply: fallback text plus optional blocks.
type msg struct {
	text      string
	blocks    []slack.Block
	inChannel bool // visible to everyone in the channel (response_url only)
	replace   bool // replace the message the button was on
}

// errorf is a user error in plain text; replyError escapes it for display.
func errorf(format string, args ...any) error {
	return store.Errorf(store.Invalid, format, args...)
}

// mdError is a user error whose text is already safe mrkdwn (it may hold
// mentions such as <@U123> built by the bot, never raw user text).
type mdError struct{ md string }

func (e *mdError) Error() string { return e.md }

func mdErrorf(format string, args ...any) error { return &mdError{md: fmt.Sprintf(format, args...)} }

// reply answers the user who triggered r, privately: through the
// response_url when Slack gave one (it works in any channel, DMs included),
// otherwise as an ephemeral message, otherwise as a DM.
func (b *Bot) reply(ctx context.Context, r *Request, m msg) error {
	m.text = fallback(m.text)
	m.blocks = fitBlocks(m.blocks, maxMessageBlocks, "…more than fits in one message; narrow the query to see the rest.")
	if r.ResponseURL != "" {
		wm := &slack.WebhookMessage{Text: m.text, ReplaceOriginal: m.replace}
		if len(m.blocks) > 0 {
			wm.Blocks = &slack.Blocks{BlockSet: m.blocks}
		}
		if m.inChannel {
			wm.ResponseType = slack.ResponseTypeInChannel
		} else {
			wm.ResponseType = slack.ResponseTypeEphemeral
		}
		err := slack.PostWebhookCustomHTTPContext(ctx, r.ResponseURL, b.httpClient, wm)
		if err == nil {
			return nil
		}
		r.log.Warn("response_url failed, falling back", "err", slackDetail(err))
	}
	opts := []slack.MsgOption{slack.MsgOptionText(m.text, false)}
	if len(m.blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.blocks...))
	}
	if r.ChannelID != "" && r.UserID != "" {
		_, err := b.api.PostEphemeralContext(ctx, r.ChannelID, r.UserID, opts...)
		if err == nil {
			return nil
		}
		r.log.Warn("ephemeral failed, falling back to DM", "err", slackDetail(err))
	}
	if r.UserID == "" {
		return fmt.Errorf("reply: no one to reply to")
	}
	_, _, err := b.api.PostMessageContext(ctx, r.UserID, opts...)
	if err != nil {
		return fmt.Errorf("reply by DM: %w", slackDetail(err))
	}
	return nil
}

// post sends a message to a channel (or a user ID, which lands in the
// bot's DM with them) and returns its ts.
func (b *Bot) post(ctx context.Context, channel string, m msg, extra ...slack.MsgOption) (string, string, error) {
	opts := []slack.MsgOption{slack.MsgOptionText(fallback(m.text), false)}
	if len(m.blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(fitBlocks(m.blocks, maxMessageBlocks, "…continued in the thread.")...))
	}
	opts = append(opts, extra...)
	ch, ts, err := b.api.PostMessageContext(ctx, channel, opts...)
	if err != nil {
		return "", "", fmt.Errorf("post to %s: %w", channel, slackDetail(err))
	}
	return ch, ts, nil
}

// replyError is the one place an error becomes what the user reads. Coded
// errors show their message; anything else is logged with a reference the
// user can quote, and the user sees a generic line.
func (b *Bot) replyError(ctx context.Context, r *Request, err error) {
	var text string
	var me *mdError
	if errors.As(err, &me) {
		text = ":x: " + me.md
	} else if store.ErrorCode(err) == store.Internal {
		ref := newRef()
		r.log.ErrorContext(ctx, "internal error", "err", err, "ref", ref)
		text = fmt.Sprintf(":warning: Something went wrong on our side, nothing was saved by this step. Try again in a moment; if it keeps failing, give an admin this reference: `%s`.", ref)
		if errors.Is(err, context.DeadlineExceeded) {
			text = fmt.Sprintf(":hourglass: That took too long and was stopped. Try again in a moment (reference `%s`).", ref)
		}
	} else {
		text = store.ErrorMessage(err)
		r.log.InfoContext(ctx, "user error", "code", store.ErrorCode(err), "reply", text)
		text = ":x: " + esc(text)
	}
	if rerr := b.reply(context.WithoutCancel(ctx), r, msg{text: text, blocks: []slack.Block{section(text)}}); rerr != nil {
		r.log.ErrorContext(ctx, "reply failed", "err", rerr)
	}
}

// isUserError reports whether err is bad input the user is told how to fix
// (a coded store error or an mdError), not a failure on our side.
func isUserError(err error) bool {
	var me *mdError
	return errors.As(err, &me) || store.ErrorCode(err) != store.Internal
}

func newRef() string {
	var p [4]byte
	_, _ = rand.Read(p[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(p[:])
}

// slackDetail adds Slack's response_metadata messages (which say which
// block broke which limit) to an API error; slack-go's Error() omits them.
func slackDetail(err error) error {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && len(se.ResponseMetadata.Messages) > 0 {
		return fmt.Errorf("%w: %s", err, strings.Join(se.ResponseMetadata.Messages, "; "))
	}
	return err
}

// postOnce posts m to channel (or a user's DM) unless key was already
// claimed: notification jobs claim each (person, day) before sending, so a
// catch-up or a retry never sends twice, and release the claim when the
// post fails so the next run tries again. The message is built only when
// it will be sent.
func (b *Bot) postOnce(ctx context.Context, key, channel string, build func() msg) error {
	first, err := b.db.ClaimOnce(ctx, key)
	if err != nil || !first {
		return err
	}
	// Through the outbox: a temporary failure is retried there and keeps
	// the claim; a permanent one releases it for the next run.
	kind, _, _ := strings.Cut(key, "/")
	if _, _, _, err := b.send(ctx, outPost{key: key, kind: kind, channel: channel, m: build()}); err != nil {
		if rerr := b.db.ReleaseOnce(context.WithoutCancel(ctx), key); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	return nil
}
