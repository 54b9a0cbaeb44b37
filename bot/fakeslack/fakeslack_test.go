package fakeslack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// tbWriter sends slog output to t.Log.
type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Helper()
	w.tb.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// mustServer starts a fake Slack that logs to t and closes with the test.
func mustServer(tb testing.TB, opts Options) *Server {
	tb.Helper()
	opts.Logger = slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s := New(opts)
	tb.Cleanup(s.Close)
	return s
}

func testCtx(tb testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	tb.Cleanup(cancel)
	return ctx
}

func newAPI(s *Server, opts ...slack.Option) *slack.Client {
	opts = append([]slack.Option{slack.OptionAppLevelToken(AppToken), slack.OptionAPIURL(s.APIURL())}, opts...)
	return slack.New(BotToken, opts...)
}

// testBot is a minimal app on slack-go's socketmode client, the way the
// real bot connects.
type testBot struct {
	api *slack.Client
	smc *socketmode.Client

	mu     sync.Mutex
	events []socketmode.Event
}

func (b *testBot) seen(typ socketmode.EventType) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, e := range b.events {
		if e.Type == typ {
			n++
		}
	}
	return n
}

// startBot runs a socketmode client against s and calls handle for every
// event until the test ends.
func startBot(tb testing.TB, s *Server, handle func(b *testBot, evt socketmode.Event), opts ...socketmode.Option) *testBot {
	tb.Helper()
	b := &testBot{api: newAPI(s)}
	b.smc = socketmode.New(b.api, opts...)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = b.smc.RunContext(ctx) })
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-b.smc.Events:
				b.mu.Lock()
				b.events = append(b.events, evt)
				b.mu.Unlock()
				if handle != nil {
					handle(b, evt)
				}
			}
		}
	})
	tb.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return b
}

func ackAll(b *testBot, evt socketmode.Event) {
	if evt.Request != nil && evt.Request.EnvelopeID != "" {
		_ = b.smc.Ack(*evt.Request)
	}
}

func slackErr(t *testing.T, err error) slack.SlackErrorResponse {
	t.Helper()
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want slack.SlackErrorResponse", err, err)
	}
	return se
}

func TestSocketMode_SlashCommand(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	ctx := testCtx(t, 10*time.Second)
	var got slack.SlashCommand
	bot := startBot(t, s, func(b *testBot, evt socketmode.Event) {
		if evt.Type != socketmode.EventTypeSlashCommand {
			return
		}
		got = evt.Data.(slack.SlashCommand)
		if err := b.smc.Ack(*evt.Request, map[string]any{"text": "pitched: " + got.Text}); err != nil {
			t.Errorf("Ack: %v", err)
		}
	})
	if err := s.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	res, err := s.User("U123").Command(ctx, "C1", "/pitch", "hello world")
	if err != nil {
		t.Fatalf("Command: %v", err)
	}
	if got.UserID != "U123" || got.UserName != "u123" || got.ChannelID != "C1" || got.Text != "hello world" ||
		got.TriggerID != res.TriggerID || got.ResponseURL != res.ResponseURL || got.TeamID != TeamID || got.APIAppID != AppID {
		t.Errorf("slash command = %+v", got)
	}
	if res.Ack.Latency <= 0 || res.Ack.Latency > AckTimeout {
		t.Errorf("ack latency = %v", res.Ack.Latency)
	}
	msgs := s.Messages()
	if len(msgs) != 1 || msgs[0].Kind != "response" || msgs[0].Text != "pitched: hello world" ||
		msgs[0].User != "U123" || msgs[0].Channel != "C1" || msgs[0].ResponseType != "ephemeral" {
		t.Errorf("messages = %+v, want the ack payload as an ephemeral response", msgs)
	}
	if n := bot.seen(socketmode.EventTypeHello); n != 1 {
		t.Errorf("hello events = %d, want 1", n)
	}
	calls := s.Calls("apps.connections.open")
	if len(calls) != 1 || calls[0].Token != AppToken || calls[0].Error != "" {
		t.Errorf("apps.connections.open calls = %+v", calls)
	}
	if s.Connections() != 1 {
		t.Errorf("Connections() = %d, want 1", s.Connections())
	}
}

func TestSocketMode_NoAck(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	ctx := testCtx(t, 10*time.Second)
	startBot(t, s, nil) // never acks
	start := time.Now()
	_, err := s.User("U1").Command(ctx, "C1", "/pitch", "")
	if !errors.Is(err, ErrNoAck) {
		t.Fatalf("Command err = %v, want ErrNoAck", err)
	}
	if d := time.Since(start); d < AckTimeout || d > AckTimeout+time.Second {
		t.Errorf("gave up after %v, want about %v", d, AckTimeout)
	}
}

func TestSocketMode_InvalidAppToken(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	ctx := testCtx(t, 5*time.Second)
	api := slack.New(BotToken, slack.OptionAppLevelToken("xapp-wrong"), slack.OptionAPIURL(s.APIURL()))
	smc := socketmode.New(api)
	go func() {
		for range smc.Events {
		}
	}()
	err := smc.RunContext(ctx)
	if err == nil || err.Error() != "invalid_auth" {
		t.Fatalf("RunContext = %v, want invalid_auth", err)
	}
}

func TestSocketMode_Reconnect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		break_ func(s *Server)
	}{
		{"Disconnect", func(s *Server) { s.Disconnect("refresh_requested") }},
		{"DisconnectLinkDisabled", func(s *Server) { s.Disconnect("link_disabled") }},
		{"Drop", func(s *Server) { s.DropConnections() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustServer(t, Options{})
			ctx := testCtx(t, 10*time.Second)
			startBot(t, s, ackAll)
			if err := s.WaitConnected(ctx, 1); err != nil {
				t.Fatal(err)
			}
			tc.break_(s)
			if err := s.WaitConnected(ctx, 2); err != nil {
				t.Fatalf("no reconnect: %v", err)
			}
			if _, err := s.User("U1").Command(ctx, "C1", "/pitch", "again"); err != nil {
				t.Fatalf("Command after reconnect: %v", err)
			}
			if n := len(s.Calls("apps.connections.open")); n != 2 {
				t.Errorf("apps.connections.open calls = %d, want 2", n)
			}
		})
	}
}

func TestSocketMode_PingWatchdog(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{PingInterval: 50 * time.Millisecond})
	ctx := testCtx(t, 10*time.Second)
	startBot(t, s, ackAll, socketmode.OptionPingInterval(400*time.Millisecond))
	if err := s.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond) // pings keep the connection up
	if n := s.Connections(); n != 1 {
		t.Fatalf("Connections() = %d with pings on, want 1", n)
	}
	s.SetPings(false)
	if err := s.WaitConnected(ctx, 2); err != nil {
		t.Fatalf("client did not reconnect without pings: %v", err)
	}
	s.SetPings(true)
	if _, err := s.User("U1").Command(ctx, "C1", "/pitch", ""); err != nil {
		t.Fatalf("Command: %v", err)
	}
}

func TestSocketMode_RawAndEvents(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	ctx := testCtx(t, 10*time.Second)
	var mu sync.Mutex
	var reqs []socketmode.Request
	bot := startBot(t, s, func(b *testBot, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeEventsAPI {
			mu.Lock()
			reqs = append(reqs, *evt.Request)
			mu.Unlock()
		}
		ackAll(b, evt)
	})
	if err := s.SendRaw(ctx, `{"envelope_id":"x","type":"slash_commands","payload":`); err != nil {
		t.Fatal(err)
	}
	if err := s.SendRaw(ctx, `{"envelope_id":"y","type":"no_such_type","payload":{}}`); err != nil {
		t.Fatal(err)
	}
	ack, err := s.DeliverEvent(ctx, "Ev1", map[string]any{"type": "app_mention", "user": "U1", "text": "hi", "channel": "C1"}, 2)
	if err != nil {
		t.Fatalf("DeliverEvent: %v", err)
	}
	if _, err := s.User("U9").OpenHome(ctx); err != nil {
		t.Fatalf("OpenHome: %v", err)
	}
	if s.Connections() != 1 {
		t.Errorf("malformed frames reconnected the client: Connections() = %d", s.Connections())
	}
	// slack-go skips the truncated frame silently and reports the unknown type.
	if n := bot.seen(socketmode.EventTypeErrorBadMessage); n != 1 {
		t.Errorf("ErrorBadMessage events = %d, want 1", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reqs) != 2 || reqs[0].EnvelopeID != ack.EnvelopeID || reqs[0].RetryAttempt != 2 || reqs[0].RetryReason != "timeout" ||
		reqs[0].AcceptsResponsePayload {
		t.Fatalf("events_api requests = %+v", reqs)
	}
	var outer struct {
		Type    string `json:"type"`
		EventID string `json:"event_id"`
		Event   struct {
			Type, User, Channel, Tab string
		} `json:"event"`
	}
	if err := json.Unmarshal(reqs[1].Payload, &outer); err != nil {
		t.Fatal(err)
	}
	if outer.Type != "event_callback" || !strings.HasPrefix(outer.EventID, "Ev") || outer.Event.Type != "app_home_opened" ||
		outer.Event.User != "U9" || outer.Event.Channel != "DU9" || outer.Event.Tab != "home" {
		t.Errorf("app_home_opened = %+v", outer)
	}
}

func TestWebAPI_Auth(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	for _, tc := range []struct {
		token, want string
	}{
		{"xoxb-wrong", "invalid_auth"},
		{AppToken, "invalid_auth"},
		{"", "not_authed"},
	} {
		api := slack.New(tc.token, slack.OptionAPIURL(s.APIURL()))
		_, err := api.AuthTest()
		if se := slackErr(t, err); se.Err != tc.want {
			t.Errorf("auth.test with %q = %v, want %s", tc.token, err, tc.want)
		}
	}
	resp, err := newAPI(s).AuthTest()
	if err != nil || resp.UserID != BotUserID || resp.TeamID != TeamID {
		t.Errorf("auth.test = %+v, %v", resp, err)
	}
	u, err := newAPI(s).GetUserInfo("U42")
	if err != nil || u.Name != "u42" || u.TZ != "Asia/Jakarta" {
		t.Errorf("users.info = %+v, %v", u, err)
	}
	// A profile set by the test: an empty display name stays empty, as in
	// Slack, and the real name is set.
	s.SetUserProfile("U42", Profile{RealName: "Budi Santoso"})
	if u, err := newAPI(s).GetUserInfo("U42"); err != nil || u.Profile.DisplayName != "" || u.Profile.RealName != "Budi Santoso" || u.RealName != "Budi Santoso" || u.Name != "u42" {
		t.Errorf("users.info with a profile = %+v, %v", u.Profile, err)
	}
	s.SetUserProfile("U42", Profile{DisplayName: "budi", RealName: "Budi Santoso"})
	if u, _ := newAPI(s).GetUserInfo("U42"); u.Profile.DisplayName != "budi" {
		t.Errorf("renamed display name = %q", u.Profile.DisplayName)
	}
	ch, _, _, err := newAPI(s).OpenConversation(&slack.OpenConversationParameters{Users: []string{"U42"}})
	if err != nil || ch.ID != "DU42" {
		t.Errorf("conversations.open = %+v, %v", ch, err)
	}
	s.FailNext("chat.postMessage", "channel_not_found")
	_, _, err = newAPI(s).PostMessage("C1", slack.MsgOptionText("x", false))
	if se := slackErr(t, err); se.Err != "channel_not_found" {
		t.Errorf("FailNext: err = %v", err)
	}
	if c := s.Calls("chat.postMessage"); len(c) != 1 || c[0].Error != "channel_not_found" || c[0].Params["text"] != "x" {
		t.Errorf("calls = %+v", c)
	}
	if _, _, err = newAPI(s).PostMessage("C1", slack.MsgOptionText("x", false)); err != nil {
		t.Errorf("after FailNext: %v", err)
	}
}

func TestWebAPI_Messages(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	api := newAPI(s)
	ch, ts, err := api.PostMessage("U7", slack.MsgOptionText("hi", false))
	if err != nil || ch != "DU7" {
		t.Fatalf("PostMessage to a user = %s, %v; want DU7", ch, err)
	}
	_, ts2, err := api.PostMessage(ch, slack.MsgOptionText("reply", false), slack.MsgOptionTS(ts))
	if err != nil {
		t.Fatal(err)
	}
	if ts2 <= ts {
		t.Errorf("ts %s not after %s", ts2, ts)
	}
	if _, _, _, err := api.UpdateMessage(ch, ts, slack.MsgOptionText("edited", false)); err != nil {
		t.Fatalf("UpdateMessage: %v", err)
	}
	th := s.Thread(ch, ts)
	if len(th) != 2 || th[0].Text != "edited" || th[0].Updates != 1 || th[1].ThreadTS != ts {
		t.Errorf("thread = %+v", th)
	}
	if _, err := api.PostEphemeral("C1", "U7", slack.MsgOptionText("psst", false)); err != nil {
		t.Fatal(err)
	}
	m, err := s.WaitMessage(testCtx(t, time.Second), func(m Message) bool { return m.Kind == "ephemeral" })
	if err != nil || m.User != "U7" || m.Text != "psst" {
		t.Errorf("ephemeral = %+v, %v", m, err)
	}
	if _, _, _, err := api.UpdateMessage("U7", ts, slack.MsgOptionText("x", false)); err == nil {
		t.Error("chat.update with a user ID as channel succeeded; Slack wants the DM's ID")
	}
	link, err := api.GetPermalink(&slack.PermalinkParameters{Channel: ch, Ts: ts})
	if err != nil || !strings.Contains(link, "/archives/DU7/p") {
		t.Errorf("permalink = %q, %v", link, err)
	}
	// slack-go's PostMessage drops warnings (OptionOnWarning is not called
	// for chat.*), so read the raw response.
	long := strings.Repeat("é", maxMessageText+10)
	hr, err := http.PostForm(s.APIURL()+"chat.postMessage", url.Values{"token": {BotToken}, "channel": {"C1"}, "text": {long}})
	if err != nil {
		t.Fatal(err)
	}
	defer hr.Body.Close()
	var body struct {
		OK               bool   `json:"ok"`
		Warning          string `json:"warning"`
		ResponseMetadata struct {
			Warnings []string `json:"warnings"`
		} `json:"response_metadata"`
	}
	if err := json.NewDecoder(hr.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if !body.OK || body.Warning != "message_truncated" || len(body.ResponseMetadata.Warnings) != 1 {
		t.Errorf("long text response = %+v, want ok with warning message_truncated", body)
	}
	msgs := s.Messages()
	if last := msgs[len(msgs)-1]; len([]rune(last.Text)) != maxMessageText {
		t.Errorf("long text kept %d runes, want %d", len([]rune(last.Text)), maxMessageText)
	}
}

func TestWebAPI_BlockLimits(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	api := newAPI(s)
	section := func(text string) slack.Block {
		return slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", text, false, false), nil, nil)
	}
	many := make([]slack.Block, 51)
	for i := range many {
		many[i] = slack.NewDividerBlock()
	}
	for _, tc := range []struct {
		name    string
		opts    []slack.MsgOption
		code    string
		pointer string
	}{
		{"HeaderTooLong", []slack.MsgOption{slack.MsgOptionBlocks(slack.NewHeaderBlock(
			slack.NewTextBlockObject("plain_text", strings.Repeat("x", 151), false, false)))},
			"invalid_blocks", "/blocks/0/text/text"},
		{"SectionTooLong", []slack.MsgOption{slack.MsgOptionBlocks(section(strings.Repeat("x", 3001)))},
			"invalid_blocks", "/blocks/0/text/text"},
		{"EmptyText", []slack.MsgOption{slack.MsgOptionBlocks(section(""))}, "invalid_blocks", "/blocks/0/text/text"},
		{"TooManyBlocks", []slack.MsgOption{slack.MsgOptionBlocks(many...)}, "invalid_blocks", "/blocks"},
		{"DuplicateBlockID", []slack.MsgOption{slack.MsgOptionBlocks(
			slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "a", false, false), nil, nil, slack.SectionBlockOptionBlockID("b")),
			slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "b", false, false), nil, nil, slack.SectionBlockOptionBlockID("b")),
		)}, "invalid_blocks", "/blocks/1/block_id"},
		{"NoText", nil, "no_text", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := api.PostMessage("C1", tc.opts...)
			se := slackErr(t, err)
			if se.Err != tc.code {
				t.Fatalf("error = %s, want %s", se.Err, tc.code)
			}
			if tc.pointer != "" && !strings.Contains(strings.Join(se.ResponseMetadata.Messages, "\n"), "[json-pointer:"+tc.pointer+"]") {
				t.Errorf("messages = %q, want pointer %s", se.ResponseMetadata.Messages, tc.pointer)
			}
			if tc.pointer != "" && (len(se.Errors) == 0 || se.Errors[0].Message == nil) {
				t.Errorf("errors = %+v, want strings", se.Errors)
			}
		})
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("%d rejected messages were stored", n)
	}
}

func modal(title string, blocks ...slack.Block) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		Title:      slack.NewTextBlockObject("plain_text", title, false, false),
		Submit:     slack.NewTextBlockObject("plain_text", "Save", false, false),
		CallbackID: "pitch_modal",
		Blocks:     slack.Blocks{BlockSet: blocks},
	}
}

func TestWebAPI_ViewsOpenTrigger(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	clock := time.Now()
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	s := mustServer(t, Options{TriggerTTL: 200 * time.Millisecond, Now: now})
	api := newAPI(s)
	u := s.User("U1")
	v := modal("Pitch", slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "hi", false, false), nil, nil))

	trig := u.NewTriggerID()
	resp, err := api.OpenView(trig, v)
	if err != nil {
		t.Fatalf("fresh trigger: %v", err)
	}
	open, ok := s.OpenView("U1")
	if !ok || open.ID != resp.ID || open.Hash != resp.Hash || open.CallbackID != "pitch_modal" || open.Type != "modal" {
		t.Errorf("OpenView = %+v, response %+v", open, resp.View)
	}
	for _, tc := range []struct {
		name, trigger, want string
	}{
		{"Reused", trig, "exchanged_trigger_id"},
		{"Unknown", "123.456.abc", "invalid_trigger_id"},
	} {
		_, err := api.OpenView(tc.trigger, v)
		if se := slackErr(t, err); se.Err != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
	old := u.NewTriggerID()
	mu.Lock()
	clock = clock.Add(250 * time.Millisecond) // past the 200 ms TriggerTTL
	mu.Unlock()
	if _, err := api.OpenView(old, v); slackErr(t, err).Err != "expired_trigger_id" {
		t.Errorf("expired: %v", err)
	}

	// View limits.
	_, err = api.OpenView(u.NewTriggerID(), modal(strings.Repeat("t", 25)))
	se := slackErr(t, err)
	if se.Err != "invalid_arguments" || !strings.Contains(strings.Join(se.ResponseMetadata.Messages, ""), "[json-pointer:/view/title/text]") {
		t.Errorf("long title: %v %q", err, se.ResponseMetadata.Messages)
	}
	noSubmit := modal("x", slack.NewInputBlock("b", slack.NewTextBlockObject("plain_text", "L", false, false), nil,
		slack.NewPlainTextInputBlockElement(nil, "a")))
	noSubmit.Submit = nil
	if _, err := api.OpenView(u.NewTriggerID(), noSubmit); slackErr(t, err).Err != "invalid_arguments" {
		t.Errorf("input without submit: %v", err)
	}

	// views.update and hashes.
	divider := slack.NewDividerBlock()
	upd, err := api.UpdateView(modal("Pitch 2", divider), "", resp.Hash, resp.ID)
	if err != nil || upd.ID != resp.ID || upd.Hash == resp.Hash {
		t.Fatalf("views.update = %+v, %v", upd, err)
	}
	if _, err := api.UpdateView(modal("Pitch 3", divider), "", resp.Hash, resp.ID); slackErr(t, err).Err != "hash_conflict" {
		t.Errorf("stale hash: %v", err)
	}
	if _, err := api.UpdateView(modal("Pitch 3", divider), "", "", "V404"); slackErr(t, err).Err != "not_found" {
		t.Errorf("unknown view: %v", err)
	}

	// views.push: at most 3.
	for i := range 3 {
		_, err := api.PushView(u.NewTriggerID(), modal(fmt.Sprint("Level ", i+2), divider))
		if want := i < 2; (err == nil) != want {
			t.Errorf("push %d: %v", i+2, err)
		}
	}
	if st := s.ViewStack("U1"); len(st) != 3 || st[2].PreviousViewID != st[1].ID || st[2].RootViewID != st[0].ID {
		t.Errorf("stack = %+v", st)
	}

	// views.publish.
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}}
	hv, err := api.PublishView("U1", home, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.PublishView("U1", home, "stale"); slackErr(t, err).Err != "hash_conflict" {
		t.Errorf("publish with stale hash: %v", err)
	}
	if h, ok := s.HomeView("U1"); !ok || h.ID != hv.ID || h.Type != "home" {
		t.Errorf("HomeView = %+v", h)
	}
}

func TestWebAPI_RateLimit(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	s.RateLimit("chat.postMessage", 1, 300*time.Millisecond)
	_, _, err := newAPI(s).PostMessage("C1", slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("err = %v, want RateLimitedError after 1s", err)
	}

	s.RateLimit("chat.postMessage", 1, time.Second)
	start := time.Now()
	if _, _, err := newAPI(s, slack.OptionRetry(2)).PostMessage("C1", slack.MsgOptionText("y", false)); err != nil {
		t.Fatalf("with OptionRetry: %v", err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("retried after %v, before Retry-After", d)
	}
	calls := s.Calls("chat.postMessage")
	if len(calls) != 3 || calls[1].Error != "ratelimited" || calls[2].Error != "" || calls[2].Params["text"] != "y" {
		t.Errorf("calls = %+v", calls)
	}
}

// pitchBot opens a modal on /pitch and validates its submission.
func pitchBot(t *testing.T) func(b *testBot, evt socketmode.Event) {
	return func(b *testBot, evt socketmode.Event) {
		switch evt.Type {
		case socketmode.EventTypeSlashCommand:
			cmd := evt.Data.(slack.SlashCommand)
			_ = b.smc.Ack(*evt.Request)
			opts := []*slack.OptionBlockObject{
				slack.NewOptionBlockObject("p1", slack.NewTextBlockObject("plain_text", "P1", false, false), nil),
				slack.NewOptionBlockObject("p2", slack.NewTextBlockObject("plain_text", "P2", false, false), nil),
			}
			v := modal("Pitch",
				slack.NewInputBlock("title", slack.NewTextBlockObject("plain_text", "Title", false, false), nil,
					slack.NewPlainTextInputBlockElement(nil, "title_input")),
				slack.NewInputBlock("prio", slack.NewTextBlockObject("plain_text", "Priority", false, false), nil,
					slack.NewOptionsSelectBlockElement("static_select", nil, "prio_select", opts...)),
				slack.NewInputBlock("who", slack.NewTextBlockObject("plain_text", "Who", false, false), nil,
					slack.NewOptionsMultiSelectBlockElement("multi_users_select", nil, "who_select")).WithOptional(true),
			)
			if _, err := b.api.OpenView(cmd.TriggerID, v); err != nil {
				t.Errorf("OpenView: %v", err)
			}
		case socketmode.EventTypeInteractive:
			cb := evt.Data.(slack.InteractionCallback)
			if cb.Type != slack.InteractionTypeViewSubmission {
				_ = b.smc.Ack(*evt.Request)
				return
			}
			vals := cb.View.State.Values
			title := vals["title"]["title_input"].Value
			prio := vals["prio"]["prio_select"].SelectedOption.Value
			who := vals["who"]["who_select"].SelectedUsers
			if title == "bad" {
				_ = b.smc.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"title": "Too bad"}))
				return
			}
			_ = b.smc.Ack(*evt.Request)
			text := fmt.Sprintf("%s %s %s by %s", title, prio, strings.Join(who, "+"), cb.User.ID)
			if _, _, err := b.api.PostMessage(cb.User.ID, slack.MsgOptionText(text, false)); err != nil {
				t.Errorf("PostMessage: %v", err)
			}
		}
	}
}

func TestUser_Submit(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	ctx := testCtx(t, 10*time.Second)
	startBot(t, s, pitchBot(t))
	u := s.User("U1")
	if _, err := u.Command(ctx, "C1", "/pitch", ""); err != nil {
		t.Fatal(err)
	}
	v, err := s.WaitView(ctx, "U1", func(v *View) bool { return v.CallbackID == "pitch_modal" })
	if err != nil {
		t.Fatal(err)
	}

	if _, err := u.Submit(ctx, v.ID, map[string]string{"title": "x"}); err == nil || !strings.Contains(err.Error(), "required") {
		t.Errorf("submit without required prio: %v", err)
	}
	if _, err := u.Submit(ctx, v.ID, map[string]string{"title": "x", "prio": "p9"}); err == nil {
		t.Error("submit with an unknown option succeeded")
	}
	if _, err := u.Submit(ctx, "V404", nil); err == nil {
		t.Error("submit of a view that is not open succeeded")
	}

	ack, err := u.Submit(ctx, v.ID, map[string]string{"title": "bad", "prio": "p1"})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if !strings.Contains(string(ack.Payload), `"response_action":"errors"`) {
		t.Errorf("ack payload = %s", ack.Payload)
	}
	open, ok := s.OpenView("U1")
	if !ok || open.ID != v.ID || open.Errors["title"] != "Too bad" {
		t.Fatalf("after errors: view = %+v, %v; want it open with errors", open, ok)
	}

	if _, err := u.Submit(ctx, v.ID, map[string]string{"title": "good", "prio": "p2", "who_select": "U2,U3"}); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if _, ok := s.OpenView("U1"); ok {
		t.Error("view still open after an empty ack")
	}
	m, err := s.WaitMessage(ctx, func(m Message) bool { return m.Channel == "DU1" })
	if err != nil || m.Text != "good p2 U2+U3 by U1" {
		t.Errorf("message = %+v, %v", m, err)
	}
}

func TestUser_SubmitBadErrorsKey(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	ctx := testCtx(t, 10*time.Second)
	startBot(t, s, func(b *testBot, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeInteractive {
			_ = b.smc.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"intro": "no"}))
		}
	})
	u := s.User("U1")
	v := modal("M",
		slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "hi", false, false), nil, nil, slack.SectionBlockOptionBlockID("intro")),
		slack.NewInputBlock("in", slack.NewTextBlockObject("plain_text", "L", false, false), nil, slack.NewPlainTextInputBlockElement(nil, "a")))
	resp, err := newAPI(s).OpenView(u.NewTriggerID(), v)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Submit(ctx, resp.ID, map[string]string{"in": "x"}); !errors.Is(err, ErrTroubleConnecting) {
		t.Errorf("errors keyed by a section block: %v, want ErrTroubleConnecting", err)
	}
}

func TestUser_ClickAndResponseURL(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	ctx := testCtx(t, 10*time.Second)
	var mu sync.Mutex
	var got slack.InteractionCallback
	startBot(t, s, func(b *testBot, evt socketmode.Event) {
		if evt.Type != socketmode.EventTypeInteractive {
			return
		}
		_ = b.smc.Ack(*evt.Request)
		cb := evt.Data.(slack.InteractionCallback)
		mu.Lock()
		got = cb
		mu.Unlock()
		a := cb.ActionCallback.BlockActions[0]
		if _, _, err := b.api.PostMessage(cb.Channel.ID, slack.MsgOptionReplaceOriginal(cb.ResponseURL),
			slack.MsgOptionText("voted "+a.Value, false)); err != nil {
			t.Errorf("response_url: %v", err)
		}
	})
	api := newAPI(s)
	btn := slack.NewButtonBlockElement("vote", "yes", slack.NewTextBlockObject("plain_text", "Yes", false, false))
	ch, ts, err := api.PostMessage("C1", slack.MsgOptionText("Vote?", false),
		slack.MsgOptionBlocks(slack.NewActionBlock("vote_block", btn)))
	if err != nil {
		t.Fatal(err)
	}
	msg := s.Messages()[0]
	if _, err := s.User("U1").Click(ctx, Target{Message: &msg}, "vote", "no"); err == nil {
		t.Error("click on a missing value succeeded")
	}
	if _, err := s.User("U1").Click(ctx, Target{Message: &msg}, "vote", "yes"); err != nil {
		t.Fatal(err)
	}
	m, err := s.WaitMessage(ctx, func(m Message) bool { return m.TS == ts && m.Updates == 1 })
	if err != nil || m.Text != "voted yes" || !m.ReplaceOriginal || m.Kind != "message" {
		t.Errorf("replaced message = %+v, %v", m, err)
	}
	mu.Lock()
	a := got.ActionCallback.BlockActions[0]
	if got.Type != slack.InteractionTypeBlockActions || got.Container.MessageTs != ts || got.Container.ChannelID != ch ||
		got.Message.Timestamp != ts || got.TriggerID == "" || a.ActionID != "vote" || a.BlockID != "vote_block" ||
		a.Type != "button" || got.User.ID != "U1" {
		t.Errorf("block_actions = %+v", got)
	}
	respURL := got.ResponseURL
	mu.Unlock()

	// A response_url takes 5 posts; the click used one.
	for i := range 5 {
		_, _, err := api.PostMessage("C1", slack.MsgOptionResponseURL(respURL, slack.ResponseTypeInChannel),
			slack.MsgOptionText(fmt.Sprint("r", i), false))
		if want := i < 4; (err == nil) != want {
			t.Errorf("response_url post %d: %v", i+2, err)
		}
	}
	if c := s.Calls("response_url"); len(c) != 6 || c[5].Error != "used_url" {
		t.Errorf("response_url calls = %+v", c)
	}
}

func TestWebAPI_Upload(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	sum, err := newAPI(s).UploadFileContext(context.Background(), slack.UploadFileParameters{
		Filename: "report.csv", Content: "a,b\n1,2\n", FileSize: 8, Channel: "C1", InitialComment: "here",
	})
	if err != nil {
		t.Fatalf("UploadFileContext: %v", err)
	}
	files := s.Files()
	if len(files) != 1 || files[0].ID != sum.ID || string(files[0].Content) != "a,b\n1,2\n" ||
		files[0].Channel != "C1" || files[0].InitialComment != "here" || files[0].Title != "report.csv" {
		t.Errorf("files = %+v", files)
	}
}

func TestCheckMessageBlocks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, blocks, want string // want: a pointer in the first error, or "" for valid
	}{
		{"Valid", `[{"type":"section","text":{"type":"mrkdwn","text":"hi"}}]`, ""},
		{"HeaderMrkdwn", `[{"type":"header","text":{"type":"mrkdwn","text":"hi"}}]`, "/blocks/0/text/type"},
		{"TooManyFields", `[{"type":"section","fields":[` + strings.Repeat(`{"type":"mrkdwn","text":"f"},`, 10) + `{"type":"mrkdwn","text":"f"}]}]`, "/blocks/0/fields"},
		{"LongButtonText", `[{"type":"actions","elements":[{"type":"button","action_id":"a","text":{"type":"plain_text","text":"` + strings.Repeat("b", 76) + `"}}]}]`, "/blocks/0/elements/0/text/text"},
		{"DuplicateActionID", `[{"type":"actions","elements":[{"type":"button","action_id":"a","text":{"type":"plain_text","text":"x"}},{"type":"button","action_id":"a","text":{"type":"plain_text","text":"y"}}]}]`, "/blocks/0/elements/1/action_id"},
		{"LongOptionValue", `[{"type":"section","text":{"type":"mrkdwn","text":"x"},"accessory":{"type":"static_select","action_id":"s","options":[{"text":{"type":"plain_text","text":"o"},"value":"` + strings.Repeat("v", 151) + `"}]}}]`, "/blocks/0/accessory/options/0/value"},
		{"InitialOptionMismatch", `[{"type":"section","text":{"type":"mrkdwn","text":"x"},"accessory":{"type":"static_select","action_id":"s","options":[{"text":{"type":"plain_text","text":"o"},"value":"a"}],"initial_option":{"text":{"type":"plain_text","text":"o"},"value":"b"}}}]`, "/blocks/0/accessory/initial_option"},
		{"LongContext", `[{"type":"context","elements":[` + strings.Repeat(`{"type":"mrkdwn","text":"c"},`, 10) + `{"type":"mrkdwn","text":"c"}]}]`, "/blocks/0/elements"},
		{"LongMarkdown", `[{"type":"markdown","text":"` + strings.Repeat("m", 12001) + `"}]`, "/blocks/0/text"},
		{"LongBlockID", `[{"type":"divider","block_id":"` + strings.Repeat("i", 256) + `"}]`, "/blocks/0/block_id"},
		{"PlaceholderTooLong", `[{"type":"input","label":{"type":"plain_text","text":"l"},"element":{"type":"plain_text_input","action_id":"p","placeholder":{"type":"plain_text","text":"` + strings.Repeat("p", 151) + `"}}}]`, "/blocks/0/element/placeholder/text"},
		{"MaxLengthTooBig", `[{"type":"input","label":{"type":"plain_text","text":"l"},"element":{"type":"plain_text_input","action_id":"p","max_length":3001}}]`, "/blocks/0/element/max_length"},
		{"UnknownType", `[{"type":"sectoin"}]`, "/blocks/0/type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			blocks, err := parseBlocks(json.RawMessage(tc.blocks))
			if err != nil {
				t.Fatal(err)
			}
			errs := checkMessageBlocks(blocks)
			if tc.want == "" {
				if len(errs) > 0 {
					t.Errorf("checkMessageBlocks = %q, want no errors", errs)
				}
				return
			}
			if len(errs) == 0 || !strings.HasSuffix(errs[0], "[json-pointer:"+tc.want+"]") {
				t.Errorf("checkMessageBlocks = %q, want first error at %s", errs, tc.want)
			}
		})
	}
}

func TestUser_ViewInteractions(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	ctx := testCtx(t, 10*time.Second)
	var mu sync.Mutex
	var got []slack.InteractionCallback
	startBot(t, s, func(b *testBot, evt socketmode.Event) {
		if evt.Type != socketmode.EventTypeInteractive {
			return
		}
		cb := evt.Data.(slack.InteractionCallback)
		mu.Lock()
		got = append(got, cb)
		mu.Unlock()
		switch cb.Type {
		case slack.InteractionTypeShortcut, slack.InteractionTypeMessageAction:
			_ = b.smc.Ack(*evt.Request)
			opts := []*slack.OptionBlockObject{
				slack.NewOptionBlockObject("a", slack.NewTextBlockObject("plain_text", "A", false, false), nil),
				slack.NewOptionBlockObject("b", slack.NewTextBlockObject("plain_text", "B", false, false), nil),
			}
			v := modal("Pick",
				slack.NewActionBlock("pick", slack.NewOptionsSelectBlockElement("static_select", nil, "pick_select", opts...)),
				slack.NewInputBlock("note", slack.NewTextBlockObject("plain_text", "Note", false, false), nil,
					&slack.PlainTextInputBlockElement{Type: slack.METPlainTextInput, ActionID: "note_input", InitialValue: "draft"}))
			if _, err := b.api.OpenView(cb.TriggerID, v); err != nil {
				t.Errorf("OpenView: %v", err)
			}
		case slack.InteractionTypeBlockActions:
			_ = b.smc.Ack(*evt.Request)
			a := cb.ActionCallback.BlockActions[0]
			v := modal("Picked "+a.SelectedOption.Value, slack.NewInputBlock("note", slack.NewTextBlockObject("plain_text", "Note", false, false), nil,
				slack.NewPlainTextInputBlockElement(nil, "note_input")))
			if _, err := b.api.UpdateView(v, "", cb.View.Hash, cb.View.ID); err != nil {
				t.Errorf("UpdateView: %v", err)
			}
		case slack.InteractionTypeViewSubmission:
			if cb.View.PreviousViewID == "" {
				_ = b.smc.Ack(*evt.Request, slack.NewPushViewSubmissionResponse(ptr(modal("Second", slack.NewDividerBlock()))))
			} else {
				_ = b.smc.Ack(*evt.Request, slack.NewClearViewSubmissionResponse())
			}
		}
	})
	u := s.User("U5")
	res, err := u.Shortcut(ctx, "new_pick")
	if err != nil || res.ResponseURL != "" {
		t.Fatalf("Shortcut = %+v, %v", res, err)
	}
	v, err := s.WaitView(ctx, "U5", func(v *View) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Click(ctx, Target{View: v}, "pick_select", "b"); err != nil {
		t.Fatalf("Click: %v", err)
	}
	v, err = s.WaitView(ctx, "U5", func(v *View) bool { return strings.Contains(string(v.JSON), "Picked b") })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Submit(ctx, v.ID, map[string]string{"note": "n"}); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if st := s.ViewStack("U5"); len(st) != 2 || st[0].ID != v.ID {
		t.Fatalf("after push: stack = %+v", st)
	}
	top, _ := s.OpenView("U5")
	if _, err := u.Submit(ctx, top.ID, nil); err != nil {
		t.Fatalf("Submit second: %v", err)
	}
	if st := s.ViewStack("U5"); len(st) != 0 {
		t.Errorf("after clear: stack = %+v", st)
	}

	if _, err := newAPI(s).PostEphemeral("C1", "U5", slack.MsgOptionText("only you", false)); err != nil {
		t.Fatal(err)
	}
	eph := s.Messages()[0]
	if _, err := u.MessageShortcut(ctx, "quote", Message{Channel: "C1", TS: "1699999999.000100", User: "U8", Text: "quote me"}); err != nil {
		t.Fatalf("MessageShortcut: %v", err)
	}
	if _, err := s.User("U6").Click(ctx, Target{Message: &eph}, "x", ""); err == nil {
		t.Error("another user clicked an ephemeral message")
	}

	mu.Lock()
	defer mu.Unlock()
	if len(got) != 5 {
		t.Fatalf("got %d interactions, want 5", len(got))
	}
	click := got[1]
	if click.Container.Type != "view" || click.Container.ViewID == "" || click.View.State == nil ||
		click.View.State.Values["note"]["note_input"].Value != "draft" || click.ActionCallback.BlockActions[0].SelectedOption.Value != "b" {
		t.Errorf("view block_actions = %+v", click)
	}
	if ms := got[4]; ms.Type != slack.InteractionTypeMessageAction || ms.Message.User != "U8" || ms.Message.Text != "quote me" ||
		ms.CallbackID != "quote" || ms.ResponseURL == "" || ms.Channel.ID != "C1" {
		t.Errorf("message_action = %+v", ms)
	}
}

func ptr[T any](v T) *T { return &v }

// TestServer_Wait: Wait returns as soon as the fake's state makes cond
// true (here a message posted later), and ends with ctx.
func TestServer_Wait(t *testing.T) {
	t.Parallel()
	s := mustServer(t, Options{})
	api := newAPI(s)
	go func() {
		time.Sleep(50 * time.Millisecond)
		api.PostMessage("C1", slack.MsgOptionText("hello", false))
	}()
	if err := s.Wait(testCtx(t, 5*time.Second), func() bool { return len(s.Messages()) == 1 }); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Wait(ctx, func() bool { return false }); err != context.DeadlineExceeded {
		t.Errorf("Wait on a false cond = %v, want the context's error", err)
	}
}
