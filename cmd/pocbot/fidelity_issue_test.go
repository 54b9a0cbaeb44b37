package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// Issue #13, "Small things": the message shortcut reads the creator from a
// Slack link label or a TikTok URL, and a 5,700-character message is kept
// whole: the form spreads it over boxes and says so, the issue stores all
// of it, and the triage message says it shows only part.
func TestE2E_IssueShortcutLinkLabelAndLongText(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	long := "creator <https://www.tiktok.com/@rina_3|@rina_3> bilang sampel belum sampai. " + strings.Repeat("Detail percakapan & kronologi paket. ", 150)
	long = strings.TrimSpace(long)
	_, ts, err := h.Bot.API().PostMessageContext(ctx, "CGENERAL", slack.MsgOptionText(long, false))
	if err != nil {
		t.Fatal(err)
	}
	src := fakeslack.Message{Channel: "CGENERAL", TS: ts, Text: long, User: "U5"}
	if _, err := h.Slack.User("U1").MessageShortcut(ctx, "log_creator_issue", src); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool {
		return v.CallbackID == "issue_modal" && strings.Contains(string(v.JSON), "/archives/")
	})
	if err != nil {
		t.Fatalf("no modal: %v", err)
	}
	js := string(v.JSON)
	for _, want := range []string{`"@rina_3"`, "issue_description_2", "it continues below, and all of it is stored"} {
		if !strings.Contains(js, want) {
			t.Errorf("modal lacks %q", want)
		}
	}
	if _, err := h.Slack.User("U1").Submit(ctx, v.ID, map[string]string{"issue_category": "sample_missing"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(issueTriageMessages(h)) == 1 })
	is, err := h.Main.DB.Issue(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	want := slackLinkPlain(long)
	if is.Handle != "rina_3" || is.Description != want {
		t.Errorf("issue handle %q, description %d chars (want %d, whole)", is.Handle, len([]rune(is.Description)), len([]rune(want)))
	}
	if n := len([]rune(is.Description)); n < 5500 {
		t.Errorf("description is %d characters; the test needs a long one", n)
	}

	// A bare TikTok URL names the creator too.
	_, ts, _ = h.Bot.API().PostMessageContext(ctx, "CGENERAL", slack.MsgOptionText("lihat https://www.tiktok.com/@budi.jkt/video/123 kode voucher tidak bisa", false))
	src = fakeslack.Message{Channel: "CGENERAL", TS: ts, Text: "lihat <https://www.tiktok.com/@budi.jkt/video/123> kode voucher tidak bisa", User: "U5"}
	if _, err := h.Slack.User("U2").MessageShortcut(ctx, "log_creator_issue", src); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.WaitView(ctx, "U2", func(v *fakeslack.View) bool {
		return v.CallbackID == "issue_modal" && strings.Contains(string(v.JSON), `"@budi.jkt"`)
	}); err != nil {
		t.Errorf("the TikTok URL's creator is not in the form: %v", err)
	}
}

// slackLinkPlain is what the form shows for Slack link markup: the URL.
func slackLinkPlain(s string) string {
	return strings.Replace(s, "<https://www.tiktok.com/@rina_3|@rina_3>", "https://www.tiktok.com/@rina_3", 1)
}

// Issue #13: SLA notices link to the triage message and carry its buttons;
// the warning reads "…, 48m left. Open the triage message. Nobody has it
// yet…" rather than "(0m left). <#CDIGEST> Nobody has it yet"; the
// assignee is not offered Assign to me in their DM or on their Home.
func TestE2E_IssueSLANoticesLinkAndButtons(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	run := func() {
		t.Helper()
		if err := h.Bot.RunJob(ctx, "issue_sla", h.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	p1 := validIssue("@sla.link")
	p1["issue_priority"] = "P1" // 4h: warn at 3h12m
	tm := reportIssue(t, h, "U1", p1)
	tm2 := reportIssue(t, h, "U1", p1)
	clickOn(t, h, "U3", tm2, "issue_assign_me", "")
	waitIssue(t, h, 2, func(is *store.Issue) bool { return is.AssigneeID == "U3" })
	h.Clock.Advance(3*time.Hour + 12*time.Minute)
	run()
	link1 := "https://fake.slack.com/archives/CDIGEST/p" + strings.Replace(tm.TS, ".", "", 1)
	link2 := "https://fake.slack.com/archives/CDIGEST/p" + strings.Replace(tm2.TS, ".", "", 1)
	w := slaNotices(h, "CDIGEST", "80%")
	if len(w) != 1 {
		t.Fatalf("%d warnings in triage", len(w))
	}
	mustContain(t, w[0], "48m left", "<"+link1+"|Open the triage message>.", "Nobody has it yet: press *Assign to me* below.",
		`"issue_assign_me"`, `"issue_resolve"`)
	mustNotContain(t, w[0], "(0m left)", "<#CDIGEST> Nobody")
	dm := slaNotices(h, "DU3", "80%")
	if len(dm) != 1 {
		t.Fatalf("%d warnings to the assignee", len(dm))
	}
	mustContain(t, dm[0], link2, `"issue_resolve"`, `"issue_reassign"`)
	mustNotContain(t, dm[0], `"issue_assign_me"`)

	h.Clock.Advance(48 * time.Minute) // breached
	run()
	br := slaNotices(h, "DUADMIN", "breached")
	if len(br) != 2 {
		t.Fatalf("%d breach DMs to the admin, want 2", len(br))
	}
	for _, m := range br {
		mustContain(t, m, "|Open the triage message>", `"issue_resolve"`)
	}

	// The assignee's Home lists the issue without Assign to me.
	waitFor(t, func() bool {
		v, ok := h.Slack.HomeView("U3")
		return ok && strings.Contains(string(v.JSON), "ISS-2")
	})
	v, _ := h.Slack.HomeView("U3")
	if strings.Contains(string(v.JSON), "issue_assign_me") {
		t.Errorf("the assignee's Home offers them Assign to me")
	}
	if !strings.Contains(string(v.JSON), "issue_resolve") {
		t.Errorf("the assignee's Home lost the issue's other buttons")
	}
}

// Issue #13: "a lead cannot list the tasks they assigned" — /task list
// assigned shows what I delegated, with assignees, and nobody else's.
func TestE2E_TaskListAssigned(t *testing.T) {
	h := MustRunMain(t, nil, "")
	h.command("ULEAD", "/task", "<@U1|ana> Pitch 40 beauty creators by friday")
	h.command("ULEAD", "/task", "<@U2|budi> Follow up 25 pitches by tomorrow")
	h.command("U3", "/task", "<@U1|ana> Someone else's task by friday")
	m := h.command("ULEAD", "/task", "list assigned")
	mustContain(t, m, "Tasks you assigned", "(2)", "Pitch 40 beauty creators", "Follow up 25 pitches", "<@U1>", "<@U2>", "2 tasks")
	mustNotContain(t, m, "Someone else's task")
	mustContain(t, h.command("U9", "/task", "list assigned"), "Tasks you assigned: none.")
	mustContain(t, h.command("ULEAD", "/task", "list asigned"), "`assigned`")
}
