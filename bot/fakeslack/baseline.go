package fakeslack

import (
	"context"
	"io"
	"log/slog"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// RunAckOnlyClient connects a bare slack-go Socket Mode client to s that
// acks every envelope and does nothing else, until ctx ends. Benchmarks and
// the load command use it as the baseline a real bot is measured against:
// the cost of the WebSocket and slack-go alone.
func RunAckOnlyClient(ctx context.Context, s *Server) {
	quiet := slog.NewLogLogger(slog.NewTextHandler(io.Discard, nil), slog.LevelDebug)
	api := slack.New(BotToken, slack.OptionAppLevelToken(AppToken), slack.OptionAPIURL(s.APIURL()), slack.OptionLog(quiet))
	sm := socketmode.New(api, socketmode.OptionLog(quiet))
	go func() { _ = sm.RunContext(ctx) }()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-sm.Events:
				if evt.Request != nil && evt.Request.EnvelopeID != "" {
					_ = sm.Ack(*evt.Request)
				}
			}
		}
	}()
}
