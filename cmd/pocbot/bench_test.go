package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"pocbot/bot/fakeslack"
)

// slashEnvelope is a /pitch help command as Slack delivers it.
func slashEnvelope(i int) fakeslack.Envelope {
	return fakeslack.Envelope{Type: "slash_commands", AcceptsResponsePayload: true, Payload: map[string]any{
		"token": "x", "team_id": fakeslack.TeamID, "channel_id": "CGENERAL", "user_id": "U1", "user_name": "u1",
		"command": "/pitch", "text": "help", "trigger_id": fmt.Sprintf("1.%d.1", i), "api_app_id": fakeslack.AppID,
		"response_url": "http://127.0.0.1:1/nowhere",
	}}
}

// BenchmarkAck_Pocbot measures the round trip envelope → ack through the
// whole bot (router, dedupe, ack), over the fake's WebSocket.
func BenchmarkAck_Pocbot(b *testing.B) {
	h := MustRunMain(b, nil, "")
	benchAcks(b, h.Slack)
}

// BenchmarkAck_Baseline is the same round trip with a bare slack-go
// socketmode client that acks every envelope and does nothing else: the
// floor set by the WebSocket and slack-go. pocbot's overhead is the ratio.
func BenchmarkAck_Baseline(b *testing.B) {
	fs := fakeslack.New(fakeslack.Options{PingInterval: 500 * time.Millisecond})
	b.Cleanup(fs.Close)
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	fakeslack.RunAckOnlyClient(ctx, fs)
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := fs.WaitConnected(wctx, 1); err != nil {
		b.Fatal(err)
	}
	benchAcks(b, fs)
}

func benchAcks(b *testing.B, fs *fakeslack.Server) {
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ack, err := fs.Deliver(ctx, slashEnvelope(i))
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, ack.Latency)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "µs-p50-ack")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "µs-p99-ack")
}
