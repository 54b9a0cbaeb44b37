package bot

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// TestOutboxThreadReplyFollowsRefusedHead: the head of a thread is refused,
// its reply waits, and both arrive in order with the reply under the head.
func TestOutboxThreadReplyFollowsRefusedHead(t *testing.T) {
	fs := fakeslack.New(fakeslack.Options{})
	t.Cleanup(fs.Close)
	db, err := store.Open(filepath.Join(t.TempDir(), "o.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b, err := New(Config{BotToken: fakeslack.BotToken, AppToken: fakeslack.AppToken, APIURL: fs.APIURL(),
		Ops: OpsConfig{OutboxBackoff: time.Millisecond}}, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	fs.FailHTTP("chat.postMessage", 1, 500)
	if _, _, res, err := b.send(ctx, outPost{key: "digest/d", kind: "digest", channel: "CD", m: msg{text: "head"}}); res != postQueued || err != nil {
		t.Fatalf("head = %v, %v; want queued", res, err)
	}
	if _, _, res, err := b.send(ctx, outPost{key: "digest/d/part/2", kind: "digest", channel: "CD", m: msg{text: "part 2"}, parentKey: "digest/d"}); res != postQueued || err != nil {
		t.Fatalf("reply = %v, %v; want queued", res, err)
	}
	for i := 0; i < 100 && len(fs.Messages()) < 2; i++ {
		time.Sleep(5 * time.Millisecond)
		b.outboxPass(ctx)
	}
	ms := fs.Messages()
	if len(ms) != 2 || ms[0].Text != "head" || ms[1].Text != "part 2" || ms[1].ThreadTS != ms[0].TS {
		t.Fatalf("messages = %+v", ms)
	}
	// A key already sent is not posted again.
	if _, ts, res, _ := b.send(ctx, outPost{key: "digest/d", kind: "digest", channel: "CD", m: msg{text: "head"}}); res != postedBefore || ts != ms[0].TS {
		t.Errorf("resend = %v %q", res, ts)
	}
	if n := len(fs.Messages()); n != 2 {
		t.Errorf("messages = %d after a resend of a sent key", n)
	}
}
