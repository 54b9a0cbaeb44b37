package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"pocbot/bot"
	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// End-to-end tests of issue 14, one per point of what was seen: the
// realism check on active days, no warning without history, the headline
// with a weekly team target, honest team figures, a scope question and
// "nothing to remove", and a digest of names, not mentions.

// pitchDays imports user's pitches: n[date] on each date, at 10:00.
func pitchDays(t *testing.T, h *harness, user string, n map[string]int) {
	t.Helper()
	var ps []store.Pitch
	for date, k := range n {
		for j := 0; j < k; j++ {
			ps = append(ps, store.Pitch{Handle: fmt.Sprintf("%s%sn%d", strings.ToLower(user), strings.ReplaceAll(date, "-", ""), j),
				UserID: user, CreatedAt: h.at(date, "10:00").Add(time.Duration(j) * time.Minute), Status: store.PitchDeclined, Product: "Serum"})
		}
	}
	if err := h.Main.DB.ImportPitches(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
}

// workingDaysBefore lists the n working days (Mon–Fri) before date, newest first.
func workingDaysBefore(h *harness, date string, n int) []string {
	d := h.at(date, "00:00")
	var out []string
	for len(out) < n {
		d = d.AddDate(0, 0, -1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			out = append(out, d.Format("2006-01-02"))
		}
	}
	return out
}

func TestE2E_RealismJudgedOnActiveDays(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	days := workingDaysBefore(h, "2026-11-30", 14)
	// U2 pitched on 2 of the last 14 working days, 3 on the best day.
	pitchDays(t, h, "U2", map[string]int{days[2]: 3, days[9]: 1})
	// U1 is a steady teammate: 6 a day.
	u1 := map[string]int{}
	for _, d := range days {
		u1[d] = 6
	}
	pitchDays(t, h, "U1", u1)

	// Seen: "⚠ This target looks unrealistic. 3 pitches a day for @U2 …
	// median day was 0". Now: too little history is no verdict; the
	// target is set, saying what it will compare with.
	m := h.command("UADMIN", "/target", "pitches 3 <@U2>")
	mustContain(t, m, "Target set", "3 pitches a day", "Not judged against history yet", "on 2 of the last 20 working days",
		"best day 3", "With 5 active days", "teammates with history (1) do a median of *6* pitches", "Workload fits: 3 of 60 units a day")
	mustNotContain(t, m, "unrealistic", "median day was 0", "Set anyway")

	// A steady performer is judged on their days: 6 is fine, 9 is not,
	// and the closest realistic value is one click.
	mustContain(t, h.command("UADMIN", "/target", "pitches 6 <@U1>"), "Target set", "Within reach", "allows up to 7")
	m = h.command("UADMIN", "/target", "pitches 9 <@U1>")
	mustContain(t, m, "9 pitches a day looks unrealistic for <@U1>", "on *14* of the last 20 working days", "*6 a day*", "here above *7*",
		"Set 7 instead", "Set 9 anyway")
	mm := m
	if _, err := h.Slack.User("UADMIN").Click(ctx, fakeslack.Target{Message: &mm}, "target_set_suggested", ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(all(latest(h, m)), "Target set") })
	mustContain(t, latest(h, m), "7 pitches a day", "(was 6)")

	// Heavy task load: U3's other tasks need 55 units a day to meet their
	// due date (165 units by Wednesday), so 10 pitches only fits if nothing
	// else is done — history or not.
	if err := h.Main.DB.ImportTasks(ctx, []store.Task{{Assignee: "U3", Assigner: "UADMIN", Title: "Review 165 videos", Kind: store.KindContentReview,
		Quantity: 165, Due: h.at("2026-12-03", "00:00"), Status: store.TaskAccepted, CreatedAt: h.at("2026-11-30", "08:00")}}); err != nil {
		t.Fatal(err)
	}
	m = h.command("UADMIN", "/target", "pitches 10 <@U3>")
	mustContain(t, m, "10 pitches a day for <@U3> only fits if nothing else is done", "10 pitches plus 55 units a day their open tasks need",
		"1 task, 165 units outstanding", "*65 units a working day*", "capacity of *60*", "Set 5 instead")
	mustNotContain(t, m, "looks unrealistic")
	if ts, _ := h.Main.DB.Targets(ctx); len(ts) != 3 {
		t.Errorf("%d targets, want 3 (U2's, U1's two; U3's waits for a choice)", len(ts))
	}
}

func TestE2E_TargetFirstDayNoWarning(t *testing.T) {
	h := MustRunMain(t, nil, "")
	// Seen: a warning and "no history" in the same breath on a team's
	// first day. Now: set, with what the check will compare it with.
	m := h.command("UADMIN", "/target", "tasks_done 1 team")
	mustContain(t, m, "Target set", "1 tasks done a day", "the team", "Not judged against history yet", "on 0 of the last 20 working days",
		"the team's upper quartile", "Team workload now: 0 open tasks")
	mustNotContain(t, m, "unrealistic", "Set anyway", ":warning:")
}

func TestE2E_DigestHeadlineWeeklyTeamTarget(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	seedTeam(t, h)
	h.sinceSunday("digest")
	h.Clock.Set(h.at("2026-11-30", "08:00"))
	mustContain(t, h.command("UADMIN", "/target", "agreed 8 team weekly"), "Target set", "8 agreed a week")
	h.Clock.Set(h.at("2026-11-30", "09:00").Add(30 * time.Second))
	if err := h.Bot.RunJob(ctx, "digest", h.at("2026-11-30", "09:00")); err != nil {
		t.Fatal(err)
	}
	ms := digestMessages(h)
	if len(ms) != 1 {
		t.Fatalf("%d digests", len(ms))
	}
	// Seen: "No team targets yet … Set one with /target pitches 10 team".
	// The team's pitches target (10 since 2 Nov) gives Friday's figure;
	// the weekly agreed target shows as the week.
	mustContain(t, ms[0], "Team attainment Fri 27 Nov", "Week to date: pitches 1/50, pace 10% · agreed 0/8, pace 0%")
	mustNotContain(t, ms[0], "No team targets yet", "agreed 0/2")

	// Tuesday's digest judges Monday's week so far against the part due.
	h.Clock.Set(h.at("2026-12-01", "09:00").Add(30 * time.Second))
	if err := h.Bot.RunJob(ctx, "digest", h.at("2026-12-01", "09:00")); err != nil {
		t.Fatal(err)
	}
	ms = digestMessages(h)
	mustContain(t, ms[len(ms)-1], "agreed 0/2 due by Mon 30 Nov (week 8)")

	// With only a weekly team target in force from today, the headline
	// names it instead of "no team targets".
	h2 := MustRunMain(t, nil, "")
	h2.Clock.Set(h2.at("2026-11-30", "08:00"))
	mustContain(t, h2.command("UADMIN", "/target", "agreed 8 team weekly"), "Target set")
	txt, err := h2.Bot.DigestText(ctx, h2.at("2026-11-30", "00:00"))
	if err != nil || !strings.Contains(txt, "Team targets from today: agreed 8 this week") || strings.Contains(txt, "No team targets yet") {
		t.Errorf("digest headline with a weekly team target from today:\n%s (%v)", txt, err)
	}
}

func TestE2E_TeamFiguresHonest(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	for _, tg := range []store.Target{
		{Metric: store.MetricPitches, UserID: "U1", Period: store.Daily, Value: 10, From: "2026-11-02", SetBy: "UADMIN"},
		{Metric: store.MetricPitches, UserID: "U2", Period: store.Daily, Value: 2, From: "2026-11-02", SetBy: "UADMIN"},
		{Metric: store.MetricAgreed, UserID: "U4", Period: store.Weekly, Value: 8, From: "2026-11-02", SetBy: "UADMIN"},
	} {
		if _, err := h.Main.DB.SetTarget(ctx, tg); err != nil {
			t.Fatal(err)
		}
	}
	pitchDays(t, h, "U1", map[string]int{"2026-11-30": 4})
	pitchDays(t, h, "U2", map[string]int{"2026-11-30": 1})
	pitchDays(t, h, "U3", map[string]int{"2026-11-30": 110}) // no target
	// Seen: "pitches today 115/12 ██████████ 958%". Now the team's figure
	// is the targeted people's work against their targets; U3's apart.
	m := h.command("U1", "/target", "")
	mustContain(t, m, "*Team*", "pitches today 5/12 `████░░░░░░` 41%", "by people without a target: 110 today, 110 this week")
	mustNotContain(t, m, "115/12", "958%")
	// Seen: a weekly 8 as a daily "2/2". Now the week with its pace.
	m = h.command("U4", "/target", "")
	mustContain(t, m, "agreed this week 0/8", "pace 0% (2 due by today)")
	mustNotContain(t, m, "agreed today 0/2")
}

func TestE2E_TargetScopeAskedAndNothingToRemove(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	// Seen: "/target pitches 10" silently set a team target. Now it asks.
	m := h.command("UADMIN", "/target", "pitches 10")
	mustContain(t, m, "Who is *10 pitches a day* for?", "The team", "Me", "A person…")
	if ts, _ := h.Main.DB.Targets(ctx); len(ts) != 0 {
		t.Fatalf("a target was set before the question was answered: %+v", ts)
	}
	mm := m
	// The question is ephemeral: nobody else can answer it.
	if _, err := h.Slack.User("U1").Click(ctx, fakeslack.Target{Message: &mm}, "target_scope_team", ""); err == nil {
		t.Error("U1 answered UADMIN's ephemeral question")
	}
	if _, err := h.Slack.User("UADMIN").Click(ctx, fakeslack.Target{Message: &mm}, "target_scope_person", "U5"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(all(latest(h, m)), "Target set") })
	mustContain(t, latest(h, m), "10 pitches a day", "<@U5>")
	m = h.command("UADMIN", "/target", "agreed 3 weekly")
	mm = m
	if _, err := h.Slack.User("UADMIN").Click(ctx, fakeslack.Target{Message: &mm}, "target_scope_team", ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(all(latest(h, m)), "Target set") })
	mustContain(t, latest(h, m), "3 agreed a week", "the team")
	m = h.command("UADMIN", "/target", "vouchers 2")
	mm = m
	if _, err := h.Slack.User("UADMIN").Click(ctx, fakeslack.Target{Message: &mm}, "target_scope_me", ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(all(latest(h, m)), "Target set") })
	mustContain(t, latest(h, m), "2 vouchers issued a day", "<@UADMIN>")

	mustContain(t, h.command("UADMIN", "/target", "issues_resolved 2 me"), "Target set", "2 issues resolved a day", "<@UADMIN>")

	// Seen: "No daily pitches target for @U9 from today (was 0)."
	mustContain(t, h.command("UADMIN", "/target", "pitches 0 <@U9>"), "There is no pitches target for <@U9> to remove")
	mustContain(t, h.command("UADMIN", "/target", "pitches 0 <@U9> weekly"), "There is no weekly pitches target for <@U9> to remove")
	// 0 without a period ends whichever is in force: the team's weekly one.
	mustContain(t, h.command("UADMIN", "/target", "agreed 0 team"), "No weekly agreed target for the team from today (was 3)")
	if ts, _ := h.Main.DB.Targets(ctx); len(ts) != 5 {
		t.Errorf("%d target entries, want 5", len(ts))
	}
}

func TestE2E_DigestNamesAndMentionsSetting(t *testing.T) {
	// The golden test shows names without mentions; here: names are cached
	// and refreshed, and a small team can choose mentions.
	h, m := seededMondayDigest(t)
	ctx := ctxT(t)
	calls := len(h.Slack.Calls("users.info"))
	if calls != 2 {
		t.Errorf("users.info called %d times for two people, want 2", calls)
	}
	mustContain(t, m, "*Ana* — streak")
	// Ana renames herself; the next day's digest (more than 6 h later)
	// asks again.
	h.Slack.SetUserProfile("U1", fakeslack.Profile{DisplayName: "Ana W.", RealName: "Ana Wijaya"})
	h.Clock.Set(h.at("2026-12-01", "09:00").Add(30 * time.Second))
	if err := h.Bot.RunJob(ctx, "digest", h.at("2026-12-01", "09:00")); err != nil {
		t.Fatal(err)
	}
	ms := digestMessages(h)
	if len(ms) != 2 {
		t.Fatalf("%d digests, want Monday's and Tuesday's", len(ms))
	}
	mustContain(t, ms[1], "*Ana W.* — ")
	// Slack does not answer on Wednesday: the cached names stay.
	h.Slack.FailNext("users.info", "ratelimited")
	h.Slack.FailNext("users.info", "ratelimited")
	h.Clock.Set(h.at("2026-12-02", "09:00").Add(30 * time.Second))
	if err := h.Bot.RunJob(ctx, "digest", h.at("2026-12-02", "09:00")); err != nil {
		t.Fatal(err)
	}
	ms = digestMessages(h)
	mustContain(t, ms[len(ms)-1], "*Ana W.* — ", "*Budi Santoso* — ")

	// POCBOT_DIGEST_MENTIONS_MAX=5: a team of two is mentioned.
	h2 := MustRunMain(t, nil, "", func(c *bot.Config) { c.DigestMentionsMax = 5 })
	seedTeam(t, h2)
	h2.sinceSunday("digest")
	h2.Clock.Set(h2.at("2026-11-30", "09:00").Add(30 * time.Second))
	if err := h2.Bot.RunJob(ctx, "digest", h2.at("2026-11-30", "09:00")); err != nil {
		t.Fatal(err)
	}
	mustContain(t, digestMessages(h2)[0], "*<@U1>* — streak", "<@U2>: 1 open pitch to follow up")
	// The setting is a row of the settings table.
	env := testEnv(h2.Slack, "x.db")
	env["POCBOT_DIGEST_MENTIONS_MAX"] = "many"
	if _, err := LoadConfig(getenvFrom(env)); err == nil || !strings.Contains(err.Error(), "POCBOT_DIGEST_MENTIONS_MAX") {
		t.Errorf("bad POCBOT_DIGEST_MENTIONS_MAX: %v", err)
	}
}

func TestE2E_HolidaysWithNames(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	mustContain(t, h.command("UADMIN", "/target", "holiday add 2026-12-25 Natal"), "Fri 25 Dec 2026 is a holiday (Natal)")
	mustContain(t, h.command("UADMIN", "/target", "holiday add 2026-12-25 Christmas"), "already a holiday (Natal)")
	mustContain(t, h.command("UADMIN", "/target", "holiday add 2026-11-27 Late"), "in the past")
	mustContain(t, h.command("UADMIN", "/target", "holiday add 2026-12-26 Boxing"), "Sat 26 Dec 2026 is already a day off", "Mon Tue Wed Thu Fri")
	mustContain(t, h.command("UADMIN", "/target", "holiday add 2026-12-31 <!channel> *eve*"), "(&lt;!channel&gt; *eve*)")
	mustContain(t, h.command("U1", "/target", "holiday list"), "2026-12-25 (Friday) — Natal")
	if hs, _ := h.Main.DB.Holidays(ctx); len(hs) != 2 {
		t.Fatalf("holidays = %+v", hs)
	}
	// Within two weeks: announced in the digest and on App Home.
	h.Clock.Set(h.at("2026-12-14", "10:00"))
	txt, err := h.Bot.DigestText(ctx, h.at("2026-12-14", "00:00"))
	if err != nil || !strings.Contains(txt, ":palm_tree: Holidays: Fri 25 Dec — Natal") {
		t.Errorf("digest lacks the holiday:\n%s (%v)", txt, err)
	}
	if _, err := h.Slack.User("U1").OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool {
		return v.Type == "home" && strings.Contains(string(v.JSON), "Holidays: Fri 25 Dec — Natal")
	}); err != nil {
		t.Fatalf("home lacks the holiday: %v", err)
	}
}

func TestE2E_LeadHome(t *testing.T) {
	h, _ := seededMondayDigest(t)
	ctx := ctxT(t)
	h.Clock.Set(h.at("2026-11-30", "12:00"))
	if _, err := h.Slack.User("UADMIN").OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, "UADMIN", func(v *fakeslack.View) bool { return v.Type == "home" })
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Team view (admins)", "*Team today*", "pitches today 1/10", "Personal targets today",
		"<@U2> pitches 0/5", "<@U1> pitches 1/6 · agreed 0/5 this week", "*Issues:* 1 past SLA", "`ISS-1`", "past SLA since",
		"*Overdue tasks:* 2", "<@U2>: 2 overdue", "*Over capacity:*", "My progress today"} {
		if !strings.Contains(viewText(t, v), want) {
			t.Errorf("lead home lacks %q:\n%s", want, viewText(t, v))
		}
	}
	// Not an admin: no team view.
	if _, err := h.Slack.User("U1").OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	v, err = h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool { return v.Type == "home" })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(v.JSON), "Team view") {
		t.Error("a non-admin sees the team view")
	}
}
