package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// seedWork records, through the store at the times it happened, the issue
// desk's, vouchers' and tasks' part of the seeded week (see seedTeam):
//
//   - vouchers: on Fri 27 Nov U1 issues two in 11.11 (one revoked later
//     that day: it does not count) and U2 one in ramadan (90% of its budget);
//   - issues: ISS-1 (P1, Thu, assigned to U2) is past its SLA; ISS-2 (P2)
//     resolved by U1 on Friday; ISS-3 (P2) resolved by U2 on Friday and
//     reopened this morning (not counted); ISS-4 (P3) unassigned, today;
//   - tasks: TSK-1 and TSK-2 of U2 overdue; TSK-3 done by U1 on Friday;
//     TSK-4 of U1 due next Friday.
//
// It leaves the clock at Monday 09:00.
func seedWork(t *testing.T, h *harness) {
	t.Helper()
	ctx := context.Background()
	db := h.Main.DB
	cur := h.Main.Config.Currency
	at := func(date, clock string) { h.Clock.Set(h.at(date, clock)) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name   string
		budget store.Money
	}{{"11.11", 5_000_000}, {"ramadan", 1_000_000}} {
		_, err := db.SetCampaignBudget(ctx, c.name, c.budget, cur, "UADMIN")
		must(err)
	}
	voucher := func(issuer, handle, campaign string, value store.Money) *store.Voucher {
		t.Helper()
		v, _, err := db.IssueVoucher(ctx, store.VoucherInput{IssuerID: issuer, Handle: handle, Product: "Glow Serum", Value: value,
			Currency: cur, Campaign: campaign, ExpiresAt: h.at("2026-12-14", "00:00")})
		must(err)
		return v
	}
	issue := func(handle string, p store.Priority) *store.Issue {
		t.Helper()
		is, err := db.CreateIssue(ctx, store.IssueInput{Handle: handle, Category: store.CatSampleMissing, Priority: p,
			Description: "Sample not arrived", ReporterID: "U1", SLA: store.DefaultSLAPolicy().For(p)})
		must(err)
		return is
	}
	task := func(assignee, title, due string) *store.Task {
		t.Helper()
		tk, err := db.CreateTask(ctx, store.TaskInput{Assignee: assignee, Assigner: "UADMIN", Title: title, Kind: store.KindFollowUp,
			Due: h.at(due, "00:00").AddDate(0, 0, 1)})
		must(err)
		return tk
	}
	resolved := store.Resolution{Status: store.IssueResolved, Text: "Resent the sample", Reason: "resent"}

	at("2026-11-26", "10:00")
	iss1 := issue("@late.sample", store.P1)
	_, err := db.AssignIssue(ctx, iss1.ID, "U2", "", "U2")
	must(err)
	task("U2", "Follow up 10 creators", "2026-11-25")
	task("U2", "Check samples of @late.sample", "2026-11-26")

	at("2026-11-27", "09:00")
	iss2 := issue("@fixed.one", store.P2)
	iss3 := issue("@fixed.two", store.P2)
	_, err = db.AssignIssue(ctx, iss3.ID, "U2", "", "U2")
	must(err)
	tsk3 := task("U1", "Review 5 videos", "2026-11-27")
	task("U1", "Pitch 40 beauty creators", "2026-12-04")
	at("2026-11-27", "10:00")
	voucher("U1", "@v.one", "11.11", 150_000)
	revoked := voucher("U1", "@v.two", "11.11", 150_000)
	voucher("U2", "@v.three", "ramadan", 900_000)
	at("2026-11-27", "15:00")
	_, err = db.ResolveIssue(ctx, iss2.ID, "U1", resolved)
	must(err)
	_, err = db.ResolveIssue(ctx, iss3.ID, "U2", resolved)
	must(err)
	_, _, err = db.CompleteTask(ctx, tsk3.ID, "U1")
	must(err)
	_, err = db.RevokeVoucher(ctx, revoked.Code, "UADMIN", "wrong product")
	must(err)

	at("2026-11-30", "08:00")
	issue("@new.one", store.P3)
	_, err = db.ReopenIssue(ctx, iss3.ID, "U1")
	must(err)
	at("2026-11-30", "09:00")
}

func TestE2E_DigestWithIssuesTasksVouchers(t *testing.T) {
	h, m := seededMondayDigest(t)
	ctx := ctxT(t)
	mustContain(t, m,
		// Metrics counted on Friday: U1 one voucher (the revoked one is not
		// counted), one issue resolved and one task done; U2 one voucher
		// and no resolved issue (ISS-3 was reopened).
		"vouchers issued 2, issues resolved 1, tasks done 1",
		"vouchers issued 1 (no target) · issues resolved 1 (no target) · tasks done 1 (no target)",
		"vouchers issued 1 (no target) · issues resolved 0 (no target) · tasks done 0 (no target)",
		// Open issues by priority, the breach named with creator and assignee.
		"*Open issues by priority:*", "*P1 urgent*: 1 open, :red_circle: *1 past SLA*: `ISS-1` @late.sample → <@U2>",
		"*P2 high*: 1 open, none past SLA", "*P3 normal*: 1 open (1 unassigned), none past SLA",
		// Overdue tasks per person, oldest first.
		"*Overdue tasks:*", "Budi Santoso: *2 overdue* — oldest `TSK-1` Follow up 10 creators (due Wed 25 Nov), `TSK-2` Check samples of @late.sample (due Thu 26 Nov)",
		// Voucher budgets, the most used first.
		"*Voucher budget used per campaign:*", "*ramadan* — budget Rp1.000.000 · issued Rp900.000 (1) · remaining Rp100.000 · *90% used* :warning:",
		"*11.11* — budget Rp5.000.000 · issued Rp150.000 (1) · remaining Rp4.850.000 · *3% used*")
	mustNotContain(t, m, "not tracked yet", "TSK-4", "ISS-2")
	if i, j := strings.Index(all(m), "*ramadan*"), strings.Index(all(m), "*11.11*"); i < 0 || j < i {
		t.Error("campaigns not sorted by share used")
	}

	// The same figures from the file: pocbot digest --print.
	text, err := h.Bot.DigestText(ctx, h.at("2026-11-30", "00:00"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"P1 urgent: 1 open, 🔴 1 past SLA", "@U2: 2 overdue", "ramadan — budget Rp1.000.000", "90% used ⚠"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest text lacks %q:\n%s", want, text)
		}
	}
}

func TestE2E_TargetRealismWithVoucherHistory(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	db := h.Main.DB
	// U1 issued vouchers on each of the last 14 working days (2–27 Nov):
	// 1 or 2 a day, 3 on the best day; plus open work now.
	var vs []store.Voucher
	d := h.at("2026-11-27", "10:00")
	for i := 0; i < 14; {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n := 1 + i%2
			if i == 5 {
				n = 3
			}
			for j := 0; j < n; j++ {
				vs = append(vs, store.Voucher{Handle: fmt.Sprintf("@rv%s%d", d.Format("0102"), j), Product: "Serum", Value: 50_000,
					Currency: "IDR", IssuerID: "U1", IssuedAt: d.Add(time.Duration(j) * time.Minute), ExpiresAt: d.AddDate(0, 0, 14),
					Status: store.VoucherRedeemed})
			}
			i++
		}
		d = d.AddDate(0, 0, -1)
	}
	// A revoked voucher on the best day does not raise it.
	vs = append(vs, store.Voucher{Handle: "@rv.revoked", Product: "Serum", Value: 50_000, Currency: "IDR", IssuerID: "U1",
		IssuedAt: h.at("2026-11-20", "12:00"), ExpiresAt: h.at("2026-12-20", "00:00"), Status: store.VoucherRevoked})
	if err := db.ImportVouchers(ctx, vs, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.ImportTasks(ctx, []store.Task{
		{Assignee: "U1", Assigner: "UADMIN", Title: "a", Kind: store.KindOther, Due: h.at("2026-12-04", "00:00"), Status: store.TaskAccepted, CreatedAt: h.at("2026-11-30", "08:00")},
		{Assignee: "U1", Assigner: "UADMIN", Title: "b", Kind: store.KindOther, Due: h.at("2026-12-04", "00:00"), Status: store.TaskAssigned, CreatedAt: h.at("2026-11-30", "08:00")},
		{Assignee: "U2", Assigner: "UADMIN", Title: "c", Kind: store.KindOther, Due: h.at("2026-12-04", "00:00"), Status: store.TaskAssigned, CreatedAt: h.at("2026-11-30", "08:00")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.ImportIssues(ctx, []store.Issue{
		{Handle: "@rv.issue", Category: store.CatVoucher, Priority: store.P2, Description: "code rejected", ReporterID: "U2",
			AssigneeID: "U1", Status: store.IssueInProgress, CreatedAt: h.at("2026-11-30", "08:00"), SLA: store.NewSLA(h.at("2026-11-30", "08:00"), 24*time.Hour)},
	}); err != nil {
		t.Fatal(err)
	}
	m := h.command("UADMIN", "/target", "vouchers 5 <@U1|ana>")
	mustContain(t, m, "unrealistic", "5 vouchers issued a day", "<@U1>", "median 1.5, best 3", "level was *2 a day*",
		"here above *3*", "2 tasks", "1 open issue,", "Set 3 instead", "Set 5 anyway", "Adjust")
	mustNotContain(t, m, "not tracked yet")
	// Within U1's capacity: set at once.
	mustContain(t, h.command("UADMIN", "/target", "vouchers 2 <@U1|ana>"), "Target set", "2 vouchers issued a day")
	// The team: 3 open tasks, 1 open issue.
	mustContain(t, h.command("UADMIN", "/target", "tasks_done 9 team"), "Team workload now: 3 open tasks", "1 open issue,", "tasks done a day")
}

// viewText is a view's JSON without HTML escaping, as the user's text
// reaches Slack: "&lt;" stays "&lt;" rather than "\u0026lt;".
func viewText(t *testing.T, v *fakeslack.View) string {
	t.Helper()
	var x any
	if err := json.Unmarshal(v.JSON, &x); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// homeJSON is the user's published Home tab as JSON text.
func homeJSON(t *testing.T, h *harness, user string) string {
	t.Helper()
	v, ok := h.Slack.HomeView(user)
	if !ok {
		t.Fatalf("%s has no Home", user)
	}
	return string(v.JSON)
}

func TestE2E_HomeIssuesTasksVouchers(t *testing.T) {
	h := MustRunMain(t, nil, "")
	seedWork(t, h)
	h.Clock.Set(h.at("2026-11-30", "10:00"))
	ctx := ctxT(t)
	if _, err := h.Slack.User("U2").OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, "U2", func(v *fakeslack.View) bool { return v.Type == "home" })
	if err != nil {
		t.Fatal(err)
	}
	home := viewText(t, v)
	for _, want := range []string{"*My open issues*", "`ISS-1` *@late.sample*", ":red_circle: breached", `"action_id":"issue_resolve"`,
		`"action_id":"home_issue_view"`, "*My tasks*", "`TSK-1` *Follow up 10 creators*", "*overdue*", `"action_id":"task_done"`,
		`"action_id":"task_accept"`, "*My recent vouchers*", "*@v.three*", "Rp900.000", `"action_id":"voucher_redeem"`,
		"vouchers issued today 0"} {
		if !strings.Contains(home, want) {
			t.Errorf("U2's Home lacks %q:\n%s", want, home)
		}
	}
	if strings.Contains(home, "not tracked yet") {
		t.Errorf("Home still says not tracked yet:\n%s", home)
	}
	if strings.Contains(home, `"action_id":"issue_assign_me"`) {
		t.Errorf("U2's Home offers U2 Assign to me on U2's own issues (issue #13)")
	}
	// Breaching first: ISS-1 before ISS-3.
	if i, j := strings.Index(home, "ISS-1"), strings.Index(home, "ISS-3"); i < 0 || j < 0 || j < i {
		t.Errorf("ISS-1 (breached) should come before ISS-3: %d, %d", i, j)
	}

	// Done on a task from Home: the task closes and Home refreshes.
	hv, _ := h.Slack.HomeView("U2")
	if _, err := h.Slack.User("U2").Click(ctx, fakeslack.Target{View: hv}, "task_done", "1"); err != nil {
		t.Fatal(err)
	}
	// TSK-1 was never accepted: Done asks first (issue #13).
	q := h.newMessage(0, func(m fakeslack.Message) bool {
		return (m.User == "U2" || m.Channel == "DU2") && strings.Contains(all(m), "You haven't accepted `TSK-1`")
	})
	press(t, h, "U2", q, "task_done_confirm")
	if _, err := h.Slack.WaitView(ctx, "U2", func(v *fakeslack.View) bool {
		return v.Type == "home" && !strings.Contains(string(v.JSON), "TSK-1") && strings.Contains(string(v.JSON), "tasks done today 1")
	}); err != nil {
		t.Fatalf("Home not refreshed after Done: %v\n%s", err, homeJSON(t, h, "U2"))
	}
	// Mark redeemed from Home.
	hv, _ = h.Slack.HomeView("U2")
	var code string
	if vs, _ := h.Main.DB.Vouchers(ctx, store.VoucherFilter{IssuerID: "U2"}); len(vs) == 1 {
		code = vs[0].Code
	}
	if _, err := h.Slack.User("U2").Click(ctx, fakeslack.Target{View: hv}, "voucher_redeem", code); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.WaitView(ctx, "U2", func(v *fakeslack.View) bool {
		return v.Type == "home" && strings.Contains(string(v.JSON), "*Redeemed*")
	}); err != nil {
		t.Fatalf("Home not refreshed after redeem: %v\n%s", err, homeJSON(t, h, "U2"))
	}
	// U1 takes the unassigned ISS-4 from the triage copy: U1's Home
	// now shows it.
	m := h.command("U1", "/issue", "ISS-4")
	mm := m
	if _, err := h.Slack.User("U1").Click(ctx, fakeslack.Target{Message: &mm}, "issue_assign_me", "4"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool {
		return v.Type == "home" && strings.Contains(string(v.JSON), "`ISS-4`")
	}); err != nil {
		t.Fatalf("U1's Home not refreshed after Assign to me: %v", err)
	}
	// U1 reassigns ISS-1 away from U2: U2's Home drops it.
	m = h.command("U1", "/issue", "ISS-1")
	mm = m
	if _, err := h.Slack.User("U1").Click(ctx, fakeslack.Target{Message: &mm}, "issue_reassign", "U3"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.WaitView(ctx, "U2", func(v *fakeslack.View) bool {
		return v.Type == "home" && !strings.Contains(string(v.JSON), "ISS-1")
	}); err != nil {
		t.Fatalf("U2's Home not refreshed after the reassignment: %v", err)
	}
	// View from Home DMs the issue with its timeline.
	hv, _ = h.Slack.HomeView("U1")
	before := len(h.Slack.Messages())
	if _, err := h.Slack.User("U1").Click(ctx, fakeslack.Target{View: hv}, "home_issue_view", "4"); err != nil {
		t.Fatal(err)
	}
	dm := h.newMessage(before, func(x fakeslack.Message) bool { return x.Channel == "DU1" && strings.Contains(x.Text, "ISS-4") })
	mustContain(t, dm, "Timeline", "issue_resolve")
}

// TestE2E_HomeManyItemsStaysUnder100Blocks: with dozens of follow-ups,
// issues, tasks and vouchers, every section is capped and says how many
// more there are.
func TestE2E_HomeManyItemsStaysUnder100Blocks(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	db := h.Main.DB
	now := h.at("2026-11-30", "10:00")
	var ps []store.Pitch
	var issues []store.Issue
	var tasks []store.Task
	var vs []store.Voucher
	for i := 0; i < 40; i++ {
		ps = append(ps, store.Pitch{Handle: fmt.Sprintf("@many.p%02d", i), UserID: "U1", CreatedAt: now.AddDate(0, 0, -10), Status: store.PitchPitched})
		issues = append(issues, store.Issue{Handle: fmt.Sprintf("@many.i%02d", i), Category: store.CatOther, Priority: store.P3,
			Description: "<!channel> " + strings.Repeat("x", 3000), ReporterID: "U2", AssigneeID: "U1", Status: store.IssueOpen,
			CreatedAt: now.Add(-time.Duration(i) * time.Hour), SLA: store.NewSLA(now.Add(-time.Duration(i)*time.Hour), 24*time.Hour)})
		tasks = append(tasks, store.Task{Assignee: "U1", Assigner: "UADMIN", Title: "<!here> " + strings.Repeat("t", 190), Kind: store.KindOther,
			Due: now.AddDate(0, 0, i-5), Status: store.TaskAssigned, CreatedAt: now.AddDate(0, 0, -6)})
		vs = append(vs, store.Voucher{Handle: fmt.Sprintf("@many.v%02d", i), Product: "<@U9> " + strings.Repeat("p", 150), Value: 1000,
			Currency: "IDR", IssuerID: "U1", IssuedAt: now.Add(-time.Duration(i) * time.Minute), ExpiresAt: now.AddDate(0, 0, 7), Status: store.VoucherIssued})
	}
	if err := db.ImportPitches(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if err := db.ImportIssues(ctx, issues); err != nil {
		t.Fatal(err)
	}
	if err := db.ImportTasks(ctx, tasks); err != nil {
		t.Fatal(err)
	}
	if err := db.ImportVouchers(ctx, vs, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.User("U1").OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool { return v.Type == "home" })
	if err != nil {
		t.Fatal(err)
	}
	var view struct {
		Blocks []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(v.JSON, &view); err != nil {
		t.Fatal(err)
	}
	t.Logf("Home with 40 of everything: %d blocks, %d bytes", len(view.Blocks), len(v.JSON))
	if len(view.Blocks) >= 100 {
		t.Errorf("Home has %d blocks", len(view.Blocks))
	}
	home := viewText(t, v)
	for _, want := range []string{"…and 20 more: `/pitch followups`", "…and 35 more: `/issue list mine`", "…and 35 more: `/task list mine`",
		"…and 35 more: `/voucher list mine`", "&lt;!channel&gt;", "&lt;!here&gt;", "&lt;@U9&gt;"} {
		if !strings.Contains(home, want) {
			t.Errorf("Home lacks %q", want)
		}
	}
	for _, bad := range []string{"<!channel>", "<!here>", "<@U9>"} {
		if strings.Contains(home, bad) {
			t.Errorf("Home has unescaped %q", bad)
		}
	}
}
