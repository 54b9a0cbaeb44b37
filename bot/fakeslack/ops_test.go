package fakeslack

import (
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestUsergroupsUsersList(t *testing.T) {
	s := mustServer(t, Options{})
	api := slack.New(BotToken, slack.OptionAPIURL(s.APIURL()))
	ctx := testCtx(t, 5*time.Second)
	s.SetUserGroup("S1", []string{"U1", "U2"}, false)
	s.SetUserGroup("S2", []string{"U3"}, true)
	if got, err := api.GetUserGroupMembersContext(ctx, "S1"); err != nil || len(got) != 2 || got[0] != "U1" {
		t.Errorf("S1 = %v, %v", got, err)
	}
	if _, err := api.GetUserGroupMembersContext(ctx, "S9"); err == nil || err.Error() != "no_such_subteam" {
		t.Errorf("unknown group: %v", err)
	}
	if _, err := api.GetUserGroupMembersContext(ctx, "S2"); err == nil {
		t.Error("a disabled group answered without include_disabled")
	}
	if got, err := api.GetUserGroupMembersContext(ctx, "S2", slack.GetUserGroupMembersOptionIncludeDisabled(true)); err != nil || len(got) != 1 {
		t.Errorf("disabled group with include_disabled = %v, %v", got, err)
	}
}

func TestHistoryMetadataAndInjectedFailures(t *testing.T) {
	s := mustServer(t, Options{})
	api := slack.New(BotToken, slack.OptionAPIURL(s.APIURL()))
	ctx := testCtx(t, 5*time.Second)
	meta := slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "pocbot_post", EventPayload: map[string]any{"key": "k1"}})
	_, ts1, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("one", false), meta)
	if err != nil {
		t.Fatal(err)
	}
	api.PostMessageContext(ctx, "C1", slack.MsgOptionText("reply", false), slack.MsgOptionTS(ts1))
	api.PostMessageContext(ctx, "C1", slack.MsgOptionText("two", false))
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", IncludeAllMetadata: true})
	if err != nil || len(h.Messages) != 2 || h.Messages[0].Text != "two" || h.Messages[1].Metadata.EventPayload["key"] != "k1" {
		t.Fatalf("history = %+v, %v", h, err)
	}
	h, _ = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if h.Messages[1].Metadata.EventType != "" {
		t.Error("metadata returned without include_all_metadata")
	}
	h, _ = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", Limit: 1})
	if len(h.Messages) != 1 || !h.HasMore || h.ResponseMetaData.NextCursor == "" {
		t.Errorf("page = %+v", h)
	}
	msgs, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: ts1})
	if err != nil || len(msgs) != 2 || msgs[0].Text != "one" || msgs[1].Text != "reply" {
		t.Errorf("replies = %+v, %v", msgs, err)
	}
	// Bad metadata is refused as Slack does.
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false), slack.MsgOptionMetadata(slack.SlackMetadata{})); err == nil {
		t.Error("empty metadata accepted")
	}

	// HTTP 500: nothing posted. A lost answer: posted, but the app sees 504.
	n := len(s.Messages())
	s.FailHTTP("chat.postMessage", 1, 500)
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("refused", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != 500 || len(s.Messages()) != n {
		t.Errorf("FailHTTP: %v, %d messages", err, len(s.Messages())-n)
	}
	s.LoseAnswer("chat.postMessage", 1)
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("lost", false))
	if !errors.As(err, &sc) || sc.Code != 504 || len(s.Messages()) != n+1 {
		t.Errorf("LoseAnswer: %v, %d messages", err, len(s.Messages())-n)
	}
	// Refusing connections: no answer at all.
	s.RefuseConnections(true)
	if _, err := api.AuthTestContext(ctx); err == nil || errors.As(err, &sc) {
		t.Errorf("auth.test while refusing: %v", err)
	}
	s.RefuseConnections(false)
	if _, err := api.AuthTestContext(ctx); err != nil {
		t.Errorf("auth.test after: %v", err)
	}
}
