package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"pocbot/bot"
	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// resolveIssue presses Resolve on tm as user and submits text.
func resolveIssue(t *testing.T, h *harness, user string, tm fakeslack.Message, text string) {
	t.Helper()
	clickOn(t, h, user, tm, "issue_resolve", "")
	v, err := h.Slack.WaitView(ctxT(t), user, func(v *fakeslack.View) bool { return v.CallbackID == "issue_resolve_modal" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.User(user).Submit(ctxT(t), v.ID, map[string]string{"issue_resolution": text, "issue_reason": "voucher_replaced"}); err != nil {
		t.Fatal(err)
	}
}

// Issue #13, "The reporter is never told": the reporter gets a DM when
// their issue is assigned, waiting on the creator, resolved (with the
// resolution to pass on) and reopened; they can list what they reported,
// and resolved and closed issues can be listed with time to resolve.
func TestE2E_TrustReporterInTheLoop(t *testing.T) {
	h := MustRunMain(t, nil, "")
	tm := reportIssue(t, h, "U1", validIssue("@budi.jkt"))

	clickOn(t, h, "U2", tm, "issue_assign_me", "")
	waitIssue(t, h, 1, func(is *store.Issue) bool { return is.AssigneeID == "U2" })
	waitDM(t, h, "U1", 0, "`ISS-1` *@budi.jkt* (Voucher not working) that you reported is now with <@U2>.")
	clickOn(t, h, "U2", tm, "issue_status", "waiting")
	waitDM(t, h, "U1", 0, "is waiting on the creator (<@U2>); the SLA clock is paused.")

	h.Clock.Advance(90 * time.Minute)
	resolveIssue(t, h, "U2", tm, "Sent new code SALE11 <!channel>")
	done := waitDM(t, h, "U1", 0, "was resolved by <@U2> (Voucher replaced) after 1h30m. Please tell @budi.jkt:")
	mustContain(t, done, ">Sent new code SALE11 &lt;!channel&gt;")
	mustNotContain(t, done, "<!channel>")

	waitContains(t, h, tm, `"issue_reopen"`)
	clickOn(t, h, "U3", tm, "issue_reopen", "")
	waitDM(t, h, "U1", 0, "`ISS-1` *@budi.jkt* (Voucher not working) that you reported was reopened by <@U3>.")
	// Nobody is told about their own change: U1 reports and takes ISS-2.
	tm2 := reportIssue(t, h, "U1", validIssue("@sari.beauty"))
	n := len(dms(h, "U1"))
	clickOn(t, h, "U1", tm2, "issue_assign_me", "")
	waitIssue(t, h, 2, func(is *store.Issue) bool { return is.AssigneeID == "U1" })
	reportIssue(t, h, "U4", validIssue("@rina.glow"))

	rep := h.command("U1", "/issue", "list reported")
	mustContain(t, rep, "*Issues you reported: 2*", "ISS-1", "ISS-2")
	mustNotContain(t, rep, "ISS-3")

	// Resolved and closed lists, with time to resolve and the median.
	h.Clock.Advance(30 * time.Minute)
	waitContains(t, h, tm2, "<@U1> took it")
	resolveIssue(t, h, "U1", tm2, "Code re-sent")
	waitIssue(t, h, 2, func(is *store.Issue) bool { return is.Status == store.IssueResolved })
	waitContains(t, h, tm, `"issue_resolve"`)
	resolveIssue(t, h, "U3", tm, "Second code works")
	waitIssue(t, h, 1, func(is *store.Issue) bool { return is.Status == store.IssueResolved })
	res := h.command("U2", "/issue", "list resolved week")
	mustContain(t, res, "*Resolved in the last 7 days: 2*", "resolved in *2h*", "resolved in *30m*", "median time to resolve *1h15m*")
	if i, j := strings.Index(all(res), "ISS-1"), strings.Index(all(res), "ISS-2"); i < 0 || j < 0 {
		t.Errorf("resolved list lacks ISS-1 or ISS-2")
	}
	h.Clock.Advance(10 * 24 * time.Hour)
	mustContain(t, h.command("U2", "/issue", "list resolved"), "*Resolved in the last 7 days:* none.")
	mustContain(t, h.command("U2", "/issue", "list resolved month"), "*Resolved in the last 30 days: 2*")
	mustContain(t, h.command("U2", "/issue", "list resolved year"), "Use /issue list resolved week or /issue list resolved month.")
	mustContain(t, h.command("U2", "/issue", "list closed"), "*Closed issues:* none.")
	if len(dms(h, "U1")) < n {
		t.Fatal("DMs vanished")
	}
	for _, m := range dms(h, "U1")[n:] {
		if strings.Contains(all(m), "ISS-2") && strings.Contains(all(m), "that you reported") {
			t.Errorf("U1 was told about their own change: %s", all(m))
		}
	}
}

// Issue #13, "lists sorted by urgency": breached first, then closest to
// breach, whatever the order they were reported in.
func TestE2E_TrustIssueListsByUrgency(t *testing.T) {
	h := MustRunMain(t, nil, "")
	p4 := validIssue("@slow.one")
	p4["issue_priority"] = "P4"
	reportIssue(t, h, "U1", p4)                     // ISS-1: 7d
	reportIssue(t, h, "U1", validIssue("@mid.one")) // ISS-2: P2, 1d
	p1 := validIssue("@fast.one")
	p1["issue_priority"] = "P1"
	reportIssue(t, h, "U1", p1)    // ISS-3: 4h
	h.Clock.Advance(5 * time.Hour) // ISS-3 breached
	l := all(h.command("U1", "/issue", "list"))
	i1, i2, i3 := strings.Index(l, "ISS-1"), strings.Index(l, "ISS-2"), strings.Index(l, "ISS-3")
	if !(i3 >= 0 && i3 < i2 && i2 < i1) {
		t.Errorf("want ISS-3 (breached), ISS-2, ISS-1; got positions %d %d %d:\n%s", i3, i2, i1, l)
	}
}

// Issue #13, "SLA in working time": with POCBOT_SLA_HOURS 09:00-18:00 the
// clock counts working hours on working days and skips holidays.
func TestE2E_TrustSLAWorkingHours(t *testing.T) {
	h := MustRunMain(t, nil, "", func(c *bot.Config) { c.SLAHours = store.WorkHours{Start: 9 * 60, End: 18 * 60} })
	ctx := context.Background()
	loc := h.Clock.Now().Location()
	mustContain(t, h.command("UADMIN", "/target", "holiday add 2026-12-01"), "Tue 1 Dec 2026 is a holiday")
	// Monday 16:00 Jakarta: a P1 (4h) issue has 2h today, then Tuesday is a
	// holiday, so it is due Wednesday 11:00.
	h.Clock.Set(time.Date(2026, 11, 30, 16, 0, 0, 0, loc))
	p1 := validIssue("@urgent.one")
	p1["issue_priority"] = "P1"
	tm := reportIssue(t, h, "U1", p1)
	is, _ := h.Main.DB.Issue(ctx, 1)
	if want := time.Date(2026, 12, 2, 11, 0, 0, 0, loc); !is.SLA.DueAt(h.Clock.Now()).Equal(want) {
		t.Fatalf("due %v, want %v", is.SLA.DueAt(h.Clock.Now()).In(loc), want)
	}
	run := func() {
		t.Helper()
		if err := h.Bot.RunJob(ctx, "issue_sla", h.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// Wall-clock it would breach Monday 20:00; in working time it has not.
	h.Clock.Set(time.Date(2026, 12, 1, 23, 0, 0, 0, loc))
	run()
	if n := len(slaNotices(h, "CDIGEST", "breached")) + len(slaNotices(h, "CDIGEST", "80%")); n != 0 {
		t.Fatalf("%d SLA notices overnight and on a holiday", n)
	}
	waitContains(t, h, tm, "SLA 4h of working hours · due Wed 2 Dec")
	// Wednesday 10:13: 3h13m of working time used → the 80% warning.
	h.Clock.Set(time.Date(2026, 12, 2, 10, 13, 0, 0, loc))
	run()
	waitFor(t, func() bool { return len(slaNotices(h, "CDIGEST", "80%")) == 1 })
	h.Clock.Set(time.Date(2026, 12, 2, 11, 0, 0, 0, loc))
	run()
	waitFor(t, func() bool { is, _ := h.Main.DB.Issue(ctx, 1); return !is.SLA.BreachedAt.IsZero() })
}
