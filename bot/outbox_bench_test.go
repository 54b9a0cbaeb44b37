package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// outboxBot is a bot on a fresh database talking to a fake Slack (not
// connected: only the Web API is used).
func outboxBot(b *testing.B) *Bot {
	b.Helper()
	fs := fakeslack.New(fakeslack.Options{})
	b.Cleanup(fs.Close)
	db, err := store.Open(filepath.Join(b.TempDir(), "o.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	bot, err := New(Config{BotToken: fakeslack.BotToken, AppToken: fakeslack.AppToken, APIURL: fs.APIURL()}, db,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	return bot
}

var benchMsg = msg{text: "ISS-1 · @sari.beauty · Voucher", blocks: nil}

// BenchmarkPost_Direct is chat.postMessage with nothing stored: the
// baseline.
func BenchmarkPost_Direct(b *testing.B) {
	bot := outboxBot(b)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if _, _, err := bot.post(ctx, "CT", benchMsg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPost_Outbox is the same post through the outbox: stored
// (fsync), posted with its metadata key, recorded as sent (fsync).
func BenchmarkPost_Outbox(b *testing.B) {
	bot := outboxBot(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		if _, _, res, err := bot.send(ctx, outPost{key: fmt.Sprintf("bench/%d", i), kind: "bench", channel: "CT", m: benchMsg}); err != nil || res != postedNow {
			b.Fatal(res, err)
		}
	}
}
