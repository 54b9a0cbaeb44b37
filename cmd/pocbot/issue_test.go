package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot"
	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// validIssue is a complete, valid report form.
func validIssue(handle string) map[string]string {
	return map[string]string{
		"issue_creator": handle, "issue_category": "voucher", "issue_priority": "P2",
		"issue_description": "Voucher code SALE10 says expired",
	}
}

// openIssueForm runs /issue text as user and returns the modal it opened.
func openIssueForm(t *testing.T, h *harness, user, text string) *fakeslack.View {
	t.Helper()
	ctx := ctxT(t)
	res, err := h.Slack.User(user).Command(ctx, "CGENERAL", "/issue", text)
	if err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, user, func(v *fakeslack.View) bool { return v.CallbackID == "issue_modal" })
	if err != nil {
		t.Fatalf("no issue modal: %v (trigger %s)\nlogs:\n%s", err, res.TriggerID, h.Logs.String())
	}
	return v
}

// reportIssue files an issue through the modal and returns its triage
// message.
func reportIssue(t *testing.T, h *harness, user string, values map[string]string) fakeslack.Message {
	t.Helper()
	v := openIssueForm(t, h, user, "")
	n := len(issueTriageMessages(h))
	if _, err := h.Slack.User(user).Submit(ctxT(t), v.ID, values); err != nil {
		t.Fatal(err)
	}
	if open, ok := h.Slack.OpenView(user); ok && open.CallbackID == "issue_modal" {
		t.Fatalf("modal still open, errors %v", open.Errors)
	}
	waitFor(t, func() bool { return len(issueTriageMessages(h)) > n })
	tm := issueTriageMessages(h)[n]
	// The bot saves the triage message's ts just after posting it; a click
	// before that (no person is that fast, parallel tests are) would find
	// no triage message to update. Wait until it is saved.
	var id uint64
	if _, err := fmt.Sscanf(tm.Text, "ISS-%d", &id); err != nil {
		t.Fatalf("triage message %q: %v", tm.Text, err)
	}
	waitFor(t, func() bool {
		is, err := h.Main.DB.Issue(context.Background(), id)
		return err == nil && is.TriageTS == tm.TS
	})
	return tm
}

// issueTriageMessages are the top-level messages in the triage channel.
func issueTriageMessages(h *harness) []fakeslack.Message {
	var out []fakeslack.Message
	for _, m := range h.Slack.Messages() {
		if m.Channel == "CDIGEST" && m.ThreadTS == "" && strings.HasPrefix(m.Text, "ISS-") {
			out = append(out, m)
		}
	}
	return out
}

// clickOn clicks on the current version of message m as user.
func clickOn(t *testing.T, h *harness, user string, m fakeslack.Message, actionID, value string) {
	t.Helper()
	mm := latest(h, m)
	if _, err := h.Slack.User(user).Click(ctxT(t), fakeslack.Target{Message: &mm}, actionID, value); err != nil {
		t.Fatalf("click %s: %v", actionID, err)
	}
}

// waitIssue waits until issue id satisfies cond.
func waitIssue(t *testing.T, h *harness, id uint64, cond func(*store.Issue) bool) *store.Issue {
	t.Helper()
	var is *store.Issue
	waitFor(t, func() bool {
		var err error
		is, err = h.Main.DB.Issue(context.Background(), id)
		return err == nil && cond(is)
	})
	return is
}

// waitContains waits until the current version of m contains every sub.
func waitContains(t *testing.T, h *harness, m fakeslack.Message, subs ...string) fakeslack.Message {
	t.Helper()
	var cur fakeslack.Message
	if !h.wait(func() bool {
		cur = latest(h, m)
		s := all(cur)
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				return false
			}
		}
		return true
	}) {
		t.Fatalf("message never contained %q:\n%s", subs, all(cur))
	}
	return cur
}

func TestE2E_IssueModalValidationAndTriage(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	u := h.Slack.User("U1")
	v := openIssueForm(t, h, "U1", "@Sari.Beauty sample never arrived, order 577123456789012345 <https://www.tiktok.com/@sari/video/1>")
	if calls := h.Slack.Calls("views.open"); len(calls) != 1 || calls[0].Error != "" {
		t.Fatalf("views.open calls = %+v", calls)
	}
	for _, want := range []string{"@Sari.Beauty", "577123456789012345", "https://www.tiktok.com/@sari/video/1", "sample never arrived", "sample_missing", "P3"} {
		if !strings.Contains(string(v.JSON), want) {
			t.Errorf("prefilled modal lacks %q: %s", want, v.JSON)
		}
	}

	// Each validation error lands on its field.
	if _, err := u.Submit(ctx, v.ID, map[string]string{"issue_creator": "<@U9|budi>", "issue_category": "voucher", "issue_priority": "P1",
		"issue_description": "   ", "issue_order": "5771-ABC", "issue_link": "tiktok dot com"}); err != nil {
		t.Fatal(err)
	}
	open, _ := h.Slack.OpenView("U1")
	wantErrs := map[string]string{"issue_creator": "Slack user mention", "issue_description": "Describe the problem",
		"issue_order": "only digits", "issue_link": "not a web address"}
	for block, want := range wantErrs {
		if !strings.Contains(open.Errors[block], want) {
			t.Errorf("error on %s = %q, want %q (all: %v)", block, open.Errors[block], want, open.Errors)
		}
	}
	if len(open.Errors) != len(wantErrs) {
		t.Errorf("errors = %v", open.Errors)
	}
	if _, err := u.Submit(ctx, v.ID, map[string]string{"issue_creator": "@x", "issue_description": "ok"}); err != nil {
		t.Fatal(err)
	}
	if open, _ := h.Slack.OpenView("U1"); !strings.Contains(open.Errors["issue_creator"], "too short") || len(open.Errors) != 1 {
		t.Errorf("errors = %v", open.Errors)
	}

	// A valid submission is stored, posted to triage and confirmed.
	before := len(h.Slack.Messages())
	if _, err := u.Submit(ctx, v.ID, map[string]string{"issue_creator": "@Sari.Beauty", "issue_description": "Sample <!channel> never arrived & creator is upset",
		"issue_order": "5771 2345 6789", "issue_priority": "P2"}); err != nil {
		t.Fatal(err)
	}
	conf := h.newMessage(before, func(m fakeslack.Message) bool { return m.User == "U1" || m.Channel == "DU1" })
	mustContain(t, conf, "ISS-1", "@sari.beauty", "<#CDIGEST>")
	waitFor(t, func() bool { return len(issueTriageMessages(h)) == 1 })
	tm := issueTriageMessages(h)[0]
	mustContain(t, tm, "ISS-1 · @sari.beauty · Sample not received · P2", "P2 high", "*Open*", "_unassigned_", "<@U1>",
		"577123456789", "open link", "&lt;!channel&gt; never arrived &amp; creator", "Assign to me", "Reassign", "Resolve", "SLA 1d")
	mustNotContain(t, tm, "<!channel>")
	is, err := h.Main.DB.Issue(context.Background(), 1)
	if err != nil || is.TriageTS != tm.TS || is.TriageChannel != "CDIGEST" || is.OrderID != "577123456789" || is.Priority != store.P2 {
		t.Fatalf("stored issue = %+v, %v", is, err)
	}
	if c, err := h.Main.DB.Creator(context.Background(), "sari.beauty"); err != nil || c.OwnerID != "" { // reported, never pitched: no owner yet
		t.Errorf("creator not recorded: %+v %v", c, err)
	}
}

func TestE2E_IssueButtonsResolveReopen(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	tm := reportIssue(t, h, "U1", validIssue("@budi.jkt"))

	clickOn(t, h, "U2", tm, "issue_assign_me", "")
	waitIssue(t, h, 1, func(is *store.Issue) bool { return is.AssigneeID == "U2" })
	waitContains(t, h, tm, "*Assignee*\\n<@U2>", "<@U2> took it")

	clickOn(t, h, "U2", tm, "issue_reassign", "U3")
	waitIssue(t, h, 1, func(is *store.Issue) bool { return is.AssigneeID == "U3" })
	waitContains(t, h, tm, "*Assignee*\\n<@U3>", "reassigned it from <@U2> to <@U3>")

	clickOn(t, h, "U3", tm, "issue_status", "in_progress")
	waitContains(t, h, tm, "*In progress*")
	clickOn(t, h, "U3", tm, "issue_status", "waiting")
	waitContains(t, h, tm, "*Waiting on creator*", "paused while waiting on the creator")

	// Resolve asks for a resolution and a reason.
	clickOn(t, h, "U3", tm, "issue_resolve", "")
	v, err := h.Slack.WaitView(ctxT(t), "U3", func(v *fakeslack.View) bool { return v.CallbackID == "issue_resolve_modal" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.User("U3").Submit(ctxT(t), v.ID, map[string]string{"issue_resolution": "  ", "issue_reason": "voucher_replaced"}); err != nil {
		t.Fatal(err)
	}
	if open, _ := h.Slack.OpenView("U3"); open == nil || !strings.Contains(open.Errors["issue_resolution"], "Say what was done") {
		t.Fatalf("resolution error = %+v", open)
	}
	if _, err := h.Slack.User("U3").Submit(ctxT(t), v.ID, map[string]string{"issue_resolution": "Sent new code SALE11", "issue_reason": "voucher_replaced"}); err != nil {
		t.Fatal(err)
	}
	is := waitIssue(t, h, 1, func(is *store.Issue) bool { return is.Status == store.IssueResolved })
	if is.Reason != "voucher_replaced" || is.Resolution != "Sent new code SALE11" || is.ResolvedBy != "U3" {
		t.Errorf("resolved issue = %+v", is)
	}
	tm = waitContains(t, h, tm, "*Resolved*", "Voucher replaced", "Sent new code SALE11", "Reopen")
	mustNotContain(t, tm, "Assign to me")

	clickOn(t, h, "U1", tm, "issue_reopen", "")
	waitIssue(t, h, 1, func(is *store.Issue) bool { return is.Status == store.IssueOpen && is.Resolution == "" })
	tm = waitContains(t, h, tm, "*reopened* it", "Assign to me")

	// "Closed" in the status menu also asks why.
	clickOn(t, h, "U1", tm, "issue_status", "closed")
	v, err = h.Slack.WaitView(ctxT(t), "U1", func(v *fakeslack.View) bool { return v.CallbackID == "issue_resolve_modal" })
	if err != nil || !strings.Contains(string(v.JSON), "Close ISS-1") {
		t.Fatalf("close modal: %v %s", err, v.JSON)
	}
	if _, err := h.Slack.User("U1").Submit(ctxT(t), v.ID, map[string]string{"issue_resolution": "Creator stopped answering", "issue_reason": "unresponsive"}); err != nil {
		t.Fatal(err)
	}
	waitIssue(t, h, 1, func(is *store.Issue) bool { return is.Status == store.IssueClosed })
	waitContains(t, h, tm, "*Closed*", "Creator unresponsive")

	// Every change is in the thread (the timeline) and in the audit log.
	waitFor(t, func() bool { return len(h.Slack.Thread("CDIGEST", tm.TS)) == 1+7 })
	thread := h.Slack.Thread("CDIGEST", tm.TS)
	if !strings.Contains(thread[1].Text, "took it") || !strings.Contains(thread[7].Text, "closed") {
		t.Errorf("thread = %+v", thread)
	}
	audit, _ := h.Main.DB.AuditLog(ctx, store.IssueEntity(1), 0)
	if len(audit) != 1+1+7 { // create, triage, 7 changes
		t.Errorf("audit has %d entries", len(audit))
	}
	if tm := latest(h, tm); tm.Updates != 7 {
		t.Errorf("triage message edited %d times, want 7", tm.Updates)
	}
}

func TestE2E_IssueConcurrentAssign(t *testing.T) {
	h := MustRunMain(t, nil, "")
	tm := reportIssue(t, h, "U1", validIssue("@race.me"))
	before := len(h.Slack.Messages())
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, u := range []string{"U7", "U8"} {
		wg.Go(func() {
			mm := tm
			<-start
			if _, err := h.Slack.User(u).Click(ctxT(t), fakeslack.Target{Message: &mm}, "issue_assign_me", ""); err != nil {
				t.Errorf("%s click: %v", u, err)
			}
		})
	}
	close(start)
	wg.Wait()
	is := waitIssue(t, h, 1, func(is *store.Issue) bool { return is.AssigneeID != "" })
	loser := map[string]string{"U7": "U8", "U8": "U7"}[is.AssigneeID]
	m := h.newMessage(before, func(m fakeslack.Message) bool { return m.User == loser && strings.Contains(m.Text, "already assigned") })
	mustContain(t, m, "ISS-1", "already assigned to <@"+is.AssigneeID+">")
	waitContains(t, h, tm, "<@"+is.AssigneeID+"> took it")
	// The winner's last step is the timeline line in the triage thread; the
	// loser's is the reply waited for above. Once both are out, both
	// handlers are done.
	if !h.wait(func() bool {
		th := h.Slack.Thread(tm.Channel, tm.TS)
		return len(th) > 1 && strings.Contains(th[len(th)-1].Text, "took it")
	}) {
		t.Fatalf("no timeline line in the triage thread (%d messages)\nlogs:\n%s", len(h.Slack.Thread(tm.Channel, tm.TS)), h.Logs.String())
	}
	evs, _, _ := h.Main.DB.IssueTimeline(context.Background(), 1, 0, 0)
	if n := len(evs); n != 2 {
		t.Errorf("timeline has %d entries, want create + one assignment", n)
	}
	for _, m := range h.Slack.Messages() {
		if m.User == is.AssigneeID && strings.Contains(m.Text, "already") {
			t.Errorf("the winner was told it lost: %q", m.Text)
		}
	}
}

func TestE2E_IssueMessageShortcutPrefill(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	// A creator's complaint pasted into a channel.
	_, ts, err := h.Bot.API().PostMessageContext(ctx, "CGENERAL", slack.MsgOptionText(
		"From @budi.jkt on WhatsApp: commission for order 577123456789012345 not paid yet", false))
	if err != nil {
		t.Fatal(err)
	}
	src := fakeslack.Message{Channel: "CGENERAL", TS: ts, Text: "From @budi.jkt on WhatsApp: commission for order 577123456789012345 not paid yet", User: "U5"}
	res, err := h.Slack.User("U1").MessageShortcut(ctx, "log_creator_issue", src)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ack.Latency > 200*time.Millisecond {
		t.Errorf("shortcut ack took %v", res.Ack.Latency)
	}
	permalink := "https://fake.slack.com/archives/CGENERAL/p" + strings.Replace(ts, ".", "", 1)
	v, err := h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool {
		return v.CallbackID == "issue_modal" && strings.Contains(string(v.JSON), permalink)
	})
	if err != nil {
		t.Fatalf("no prefilled modal with the permalink: %v\nlogs:\n%s", err, h.Logs.String())
	}
	for _, want := range []string{"@budi.jkt", "commission for order", "577123456789012345", `"commission"`} {
		if !strings.Contains(string(v.JSON), want) {
			t.Errorf("modal lacks %q: %s", want, v.JSON)
		}
	}
	if _, err := h.Slack.User("U1").Submit(ctx, v.ID, map[string]string{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(issueTriageMessages(h)) == 1 })
	is, _ := h.Main.DB.Issue(context.Background(), 1)
	if is.SourceLink != permalink || is.Handle != "budi.jkt" || is.Category != store.CatCommission || is.OrderID != "577123456789012345" {
		t.Errorf("issue from shortcut = %+v", is)
	}
	mustContain(t, issueTriageMessages(h)[0], "source message", permalink)
}

// slaNotices returns the messages in channel whose text contains sub.
func slaNotices(h *harness, channel, sub string) []fakeslack.Message {
	var out []fakeslack.Message
	for _, m := range h.Slack.Messages() {
		if m.Channel == channel && m.ThreadTS == "" && strings.Contains(m.Text, sub) {
			out = append(out, m)
		}
	}
	return out
}

func TestE2E_IssueSLAWarningAndBreachOnce(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	run := func() {
		t.Helper()
		if err := h.Bot.RunJob(ctx, "issue_sla", h.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	p1 := validIssue("@urgent.one")
	p1["issue_priority"] = "P1" // 4h: warn at 3h12m
	tm := reportIssue(t, h, "U1", p1)
	tm2 := reportIssue(t, h, "U1", p1)
	clickOn(t, h, "U3", tm2, "issue_assign_me", "")
	waitIssue(t, h, 2, func(is *store.Issue) bool { return is.AssigneeID == "U3" })

	h.Clock.Advance(3*time.Hour + 11*time.Minute)
	run()
	if n := len(slaNotices(h, "CDIGEST", "80%")) + len(slaNotices(h, "DU3", "80%")); n != 0 {
		t.Fatalf("%d warnings before 80%%", n)
	}
	h.Clock.Advance(time.Minute)
	run()
	h.Clock.Advance(time.Minute)
	run() // a second run sends nothing again
	if w := slaNotices(h, "CDIGEST", "80%"); len(w) != 1 {
		t.Fatalf("unassigned: %d warnings in the triage channel, want 1", len(w))
	} else {
		mustContain(t, w[0], "ISS-1", "Assign to me")
	}
	if w := slaNotices(h, "DU3", "80%"); len(w) != 1 {
		t.Fatalf("assigned: %d warnings to the assignee, want 1", len(w))
	} else {
		mustContain(t, w[0], "ISS-2", "due")
	}
	waitContains(t, h, tm, "80% of the SLA used", ":warning: SLA 4h")

	h.Clock.Advance(47 * time.Minute) // 4h in: breached
	run()
	h.Clock.Advance(time.Minute)
	run()
	if b := slaNotices(h, "DUADMIN", "SLA breached"); len(b) != 2 {
		t.Fatalf("admin got %d breach DMs, want one per issue", len(b))
	}
	mustContain(t, slaNotices(h, "DUADMIN", "ISS-2")[0], "assigned to <@U3>")
	// The assignee, who must act, is told too: once, for their issue only.
	if b := slaNotices(h, "DU3", "SLA breached"); len(b) != 1 {
		t.Fatalf("assignee got %d breach DMs, want 1", len(b))
	} else {
		mustContain(t, b[0], "ISS-2")
	}
	waitContains(t, h, tm, "*SLA breached*")
	if w := slaNotices(h, "CDIGEST", "80%"); len(w) != 1 {
		t.Errorf("warnings after breach: %d", len(w))
	}
	h.Clock.Advance(time.Hour)
	run()
	if b := slaNotices(h, "DUADMIN", "SLA breached"); len(b) != 2 {
		t.Errorf("an hour later the admin has %d breach DMs, want still 2", len(b))
	}
	mustContain(t, h.command("U1", "/issue", "list breached"), "ISS-1", "ISS-2", "breached")
}

func TestE2E_IssueSLAPausedWhileWaitingOnCreator(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	run := func() {
		t.Helper()
		if err := h.Bot.RunJob(ctx, "issue_sla", h.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	p1 := validIssue("@slow.reply")
	p1["issue_priority"] = "P1"
	tm := reportIssue(t, h, "U1", p1)
	h.Clock.Advance(time.Hour)
	clickOn(t, h, "U1", tm, "issue_status", "waiting")
	waitIssue(t, h, 1, func(is *store.Issue) bool { return is.SLA.IsPaused() })
	h.Clock.Advance(10 * time.Hour) // far past the 4h SLA on the wall clock
	run()
	if n := len(slaNotices(h, "CDIGEST", "80%")) + len(slaNotices(h, "DUADMIN", "breached")); n != 0 {
		t.Fatalf("%d SLA notices while waiting on the creator", n)
	}
	mustNotContain(t, h.command("U1", "/issue", "list breached"), "ISS-1")
	clickOn(t, h, "U1", tm, "issue_status", "in_progress")
	is := waitIssue(t, h, 1, func(is *store.Issue) bool { return !is.SLA.IsPaused() })
	if want := h.Clock.Now().Add(3 * time.Hour); !is.SLA.Due.Equal(want) {
		t.Errorf("due after the pause = %v, want %v (extended by 10h)", is.SLA.Due, want)
	}
	h.Clock.Advance(2*time.Hour + 11*time.Minute) // 3h11m used
	run()
	if n := len(slaNotices(h, "CDIGEST", "80%")); n != 0 {
		t.Fatalf("warning at 3h11m of 4h")
	}
	h.Clock.Advance(time.Minute)
	run()
	if n := len(slaNotices(h, "CDIGEST", "80%")); n != 1 {
		t.Fatalf("%d warnings at 80%% after the pause, want 1", n)
	}
}

func TestE2E_IssueListDetailAndCreator(t *testing.T) {
	h := MustRunMain(t, nil, "")
	tm := reportIssue(t, h, "U1", validIssue("@sari.beauty"))
	reportIssue(t, h, "U2", validIssue("@budi.jkt"))
	clickOn(t, h, "U1", tm, "issue_assign_me", "")
	waitIssue(t, h, 1, func(is *store.Issue) bool { return is.AssigneeID == "U1" })

	mustContain(t, h.command("U1", "/issue", "list"), "Open issues: 2", "ISS-1", "ISS-2")
	m := h.command("U1", "/issue", "list mine")
	mustContain(t, m, "ISS-1")
	mustNotContain(t, m, "ISS-2")
	m = h.command("U1", "/issue", "list unassigned")
	mustContain(t, m, "ISS-2")
	mustNotContain(t, m, "ISS-1")
	mustContain(t, h.command("U1", "/issue", "list breached"), "none")
	mustContain(t, h.command("U1", "/issue", "list @budi.jkt"), "ISS-2")
	mustContain(t, h.command("U3", "/issue", "list <@U1|one>"), "ISS-1")
	mustContain(t, h.command("U1", "/issue", "list someday"), "I can list")
	mustContain(t, h.command("U1", "/issue", "ISS-99"), "There is no issue ISS-99")
	d := h.command("U1", "/issue", "iss-1")
	mustContain(t, d, "ISS-1 · @sari.beauty", "Timeline", "reported by <@U1>", "<@U1> took it", "Assign to me")
	mustContain(t, h.command("U1", "/issue", "help"), "/issue list")

	// The creator's history shows their issues and offers "Report an issue".
	c := h.command("U3", "/creator", "@sari.beauty")
	mustContain(t, c, "ISS-1", "Voucher not working", "Report an issue")
	clickOn(t, h, "U3", c, "issue_report_creator", "")
	v, err := h.Slack.WaitView(ctxT(t), "U3", func(v *fakeslack.View) bool { return v.CallbackID == "issue_modal" })
	if err != nil || !strings.Contains(string(v.JSON), `"@sari.beauty"`) {
		t.Fatalf("Report an issue modal: %v %s", err, v.JSON)
	}

	// A button on the /issue reply works too and redraws that reply.
	clickOn(t, h, "U1", d, "issue_status", "in_progress")
	waitContains(t, h, d, "*In progress*")
	waitContains(t, h, tm, "*In progress*")
}

func TestE2E_IssueTriageWithinBlockKitLimits(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	vals := validIssue("@huge.input")
	vals["issue_description"] = strings.Repeat("&<>@channel ", 250) // 3000 characters that escape to far more
	vals["issue_link"] = "https://example.com/a?b=1&c=" + strings.Repeat("x", 900)
	tm := reportIssue(t, h, "U1", vals)
	mustContain(t, tm, "&amp;&lt;&gt;@\u2060channel", "…")
	for i := 0; i < 300; i++ {
		st := store.IssueInProgress
		if i%2 == 1 {
			st = store.IssueWaiting
		}
		if _, err := h.Main.DB.SetIssueStatus(ctx, 1, "U2", st); err != nil {
			t.Fatal(err)
		}
	}
	// One more change by button redraws the message: chat.update must pass
	// the fake's Block Kit checks.
	clickOn(t, h, "U2", tm, "issue_status", "open")
	tm = waitContains(t, h, tm, "*Open*", "297 earlier entries in the thread")
	var blocks []any
	_ = json.Unmarshal(tm.Blocks, &blocks)
	t.Logf("triage message: %d blocks, %d bytes of block JSON, %d-character fallback text", len(blocks), len(tm.Blocks), len([]rune(tm.Text)))
	if calls := h.Slack.Calls("chat.update"); len(calls) == 0 || calls[len(calls)-1].Error != "" {
		t.Fatalf("chat.update failed: %+v", calls)
	}
	d := h.command("U1", "/issue", "ISS-1")
	mustContain(t, d, "283–302 of 302", "Older")
	mm := d
	if _, err := h.Slack.User("U1").Click(ctxT(t), fakeslack.Target{Message: &mm}, "issue_timeline_older", ""); err != nil {
		t.Fatal(err)
	}
	waitContains(t, h, d, "263–282 of 302", "Newer")
}

func TestE2E_IssueWithoutTriageChannel(t *testing.T) {
	h := MustRunMain(t, nil, "", func(c *bot.Config) { c.DigestChannel, c.TriageChannel = "", "" })
	v := openIssueForm(t, h, "U1", "@no.channel voucher broken")
	before := len(h.Slack.Messages())
	if _, err := h.Slack.User("U1").Submit(ctxT(t), v.ID, map[string]string{}); err != nil {
		t.Fatal(err)
	}
	m := h.newMessage(before, func(m fakeslack.Message) bool { return m.User == "U1" || m.Channel == "DU1" })
	mustContain(t, m, "Saved *ISS-1*", "no triage channel is configured", "POCBOT_TRIAGE_CHANNEL")
	if n := len(h.Slack.Calls("chat.postMessage")); n != 0 {
		t.Errorf("%d posts without a triage channel", n)
	}
}
