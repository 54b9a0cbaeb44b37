package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pocbot/bot/fakeslack"
	"pocbot/store"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files in testdata")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (use -update if intentional)\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// at is a wall-clock time in the harness's zone (Asia/Jakarta).
func (h *harness) at(date, clock string) time.Time {
	h.t.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, h.Main.Config.Location)
	if err != nil {
		h.t.Fatal(err)
	}
	return t
}

// seedTeam records a small team's week: targets in force since 2 Nov, the
// pitches of Wed 25 – Fri 27 Nov, agreements, and today's first pitch.
func seedTeam(t *testing.T, h *harness) {
	t.Helper()
	ctx := context.Background()
	db := h.Main.DB
	for _, tg := range []store.Target{
		{Metric: store.MetricPitches, Period: store.Daily, Value: 10, From: "2026-11-02", SetBy: "UADMIN"},
		{Metric: store.MetricPitches, UserID: "U1", Period: store.Daily, Value: 6, From: "2026-11-02", SetBy: "UADMIN"},
		{Metric: store.MetricPitches, UserID: "U2", Period: store.Daily, Value: 4, From: "2026-11-02", SetBy: "UADMIN"},
		{Metric: store.MetricAgreed, UserID: "U1", Period: store.Weekly, Value: 5, From: "2026-11-02", SetBy: "UADMIN"},
		// Raised on Friday: Thursday is still judged against 4.
		{Metric: store.MetricPitches, UserID: "U2", Period: store.Daily, Value: 5, From: "2026-11-27", SetBy: "UADMIN"},
	} {
		if _, err := db.SetTarget(ctx, tg); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	pitch := func(user string, at time.Time, status store.PitchStatus, agreedAt time.Time) store.Pitch {
		n++
		p := store.Pitch{Handle: "seed" + string(rune('a'+n/26)) + string(rune('a'+n%26)), UserID: user, CreatedAt: at, Status: status, Product: "Glow Serum"}
		if status == store.PitchAgreed {
			p.History = []store.StatusChange{{At: agreedAt, UserID: user, From: store.PitchPitched, To: store.PitchAgreed}}
		}
		return p
	}
	var ps []store.Pitch
	for _, d := range []struct {
		date   string
		u1, u2 int
	}{{"2026-11-25", 6, 4}, {"2026-11-26", 7, 4}, {"2026-11-27", 5, 3}} {
		for i := 0; i < d.u1; i++ {
			ps = append(ps, pitch("U1", h.at(d.date, "10:00").Add(time.Duration(i)*time.Minute), store.PitchDeclined, time.Time{}))
		}
		for i := 0; i < d.u2; i++ {
			ps = append(ps, pitch("U2", h.at(d.date, "11:00").Add(time.Duration(i)*time.Minute), store.PitchNoResponse, time.Time{}))
		}
	}
	// Friday: two of U1's pitches agreed that afternoon, one interested.
	ps = append(ps, pitch("U1", h.at("2026-11-27", "13:00"), store.PitchAgreed, h.at("2026-11-27", "16:00")))
	ps = append(ps, pitch("U1", h.at("2026-11-20", "13:00"), store.PitchAgreed, h.at("2026-11-27", "17:00")))
	ps = append(ps, pitch("U2", h.at("2026-11-27", "14:00"), store.PitchInterested, time.Time{}))
	// An old open pitch of U2's, due a follow-up.
	ps = append(ps, pitch("U2", h.at("2026-11-23", "09:00"), store.PitchPitched, time.Time{}))
	// Today, before the digest.
	ps = append(ps, pitch("U1", h.at("2026-11-30", "08:30"), store.PitchPitched, time.Time{}))
	if err := db.ImportPitches(ctx, ps); err != nil {
		t.Fatal(err)
	}
}

// sinceSunday records job's last run as Sunday 29 Nov, as if the bot had
// been running all along: the harness starts at Monday 10:00, and a job
// that never ran counts its first slot from the start.
func (h *harness) sinceSunday(job string) {
	h.t.Helper()
	// Wait for the start-up catch-up to record the first start, so it
	// cannot overwrite what we set.
	waitFor(h.t, func() bool {
		_, ok, _ := h.Main.DB.JobLastRun(context.Background(), job)
		return ok
	})
	if err := h.Main.DB.SetJobLastRun(context.Background(), job, h.at("2026-11-29", "09:00")); err != nil {
		h.t.Fatal(err)
	}
}

// digestMessages returns the digest head messages posted to CDIGEST.
func digestMessages(h *harness) []fakeslack.Message {
	var out []fakeslack.Message
	for _, m := range h.Slack.Messages() {
		if m.Channel == "CDIGEST" && m.ThreadTS == "" && strings.Contains(m.Text, "Daily digest") {
			out = append(out, m)
		}
	}
	return out
}

func TestE2E_DigestGolden(t *testing.T) {
	h, m := seededMondayDigest(t)
	ctx := ctxT(t)
	// U1's weekly agreed target is judged as the week (2 of 5 by Friday),
	// not as a rounded daily share (2/1).
	mustContain(t, m, "Team attainment Fri 27 Nov: 70%", "pitches 10/10", "agreed 2/5 (week)", "*Ana* — streak", "*Budi Santoso* — no streak",
		"pitches 4/5 `████████░░` 80% ✗", "agreed 2 (weekly target)", "agreed 0/5, pace 0%", "streak 1 working day", "Open issues by priority:*",
		"`ISS-1` @late.sample → <@U2>", "Overdue tasks:*", "Voucher budget used per campaign:*", "Follow-ups due", "Budi Santoso: 1 open pitch to follow up",
		"vouchers issued 2, issues resolved 1, tasks done 1")
	mustNotContain(t, m, "Posted late", "not tracked yet", "Not tracked yet", "<@U1>", "agreed 2/1")
	// The one mention is the SLA breach's owner, who must act.
	if n := strings.Count(all(m), "<@"); n != 1 {
		t.Errorf("%d mentions in the digest, want 1 (the breach owner)", n)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, m.Blocks, "", "  "); err != nil {
		t.Fatal(err)
	}
	golden(t, "digest_2026-11-30.golden.json", append([]byte(m.Text+"\n"), pretty.Bytes()...))

	// The same day again, from another slot or an overlapping run: nothing.
	var wg sync.WaitGroup
	for _, due := range []string{"09:05", "09:06"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := h.Bot.RunJob(ctx, "digest", h.at("2026-11-30", due)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(digestMessages(h)); n != 1 {
		t.Fatalf("%d digests after re-runs, want 1", n)
	}

	// pocbot digest --print renders the same day from the file, no Slack.
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	defer func(f func() time.Time) { timeNow = f }(timeNow)
	timeNow = func() time.Time { return h.at("2026-11-30", "12:00") }
	env := testEnv(h.Slack, h.DBPath)
	delete(env, "SLACK_BOT_TOKEN")
	if code := run(ctx, []string{"digest", "--print", "--date", "2026-11-30"}, getenvFrom(env), &out, &errb); code != 0 {
		t.Fatalf("digest --print = %d: %s", code, errb.String())
	}
	golden(t, "digest_2026-11-30.golden.txt", out.Bytes())
	for _, want := range []string{"Daily digest — Mon 30 Nov 2026", "@U1", "████", "✓", "✗", "1 past SLA", "2 overdue", "90% used"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("digest --print lacks %q", want)
		}
	}
	// Friday's digest judges Thursday by the target in force then: U2's 4.
	out.Reset()
	if code := run(ctx, []string{"digest", "--print", "--date", "2026-11-27"}, getenvFrom(env), &out, &errb); code != 0 {
		t.Fatalf("digest --print = %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Thu 26 Nov: pitches 4/4 ██████████ 100% ✓") {
		t.Errorf("Friday's digest does not judge U2's Thursday against 4:\n%s", out.String())
	}
	if code := run(ctx, []string{"digest", "--print", "--date", "30/11"}, getenvFrom(env), &out, &errb); code != 2 {
		t.Errorf("bad --date: exit %d, want 2", code)
	}
	if code := run(ctx, []string{"digest"}, getenvFrom(env), &out, &errb); code != 2 {
		t.Errorf("no --print: exit %d, want 2", code)
	}
}

func TestE2E_DigestExactlyOnceAcrossRestart(t *testing.T) {
	h := MustRunMain(t, nil, "")
	seedTeam(t, h)
	ctx := ctxT(t)
	h.sinceSunday("digest")
	h.Clock.Set(h.at("2026-11-30", "09:00"))
	if err := h.Bot.RunJob(ctx, "digest", h.at("2026-11-30", "09:00")); err != nil {
		t.Fatal(err)
	}
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	// As if the process died after posting but before recording the slot:
	// the restart catches the slot up, and the claim stops a second post.
	db, err := store.Open(h.DBPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetJobLastRun(ctx, "digest", h.at("2026-11-29", "09:00")); err != nil {
		t.Fatal(err)
	}
	db.Close()
	h2 := MustRunMain(t, h.Slack, h.DBPath)
	waitFor(t, func() bool { return strings.Contains(h2.Logs.String(), "digest already posted") })
	if n := len(digestMessages(h2)); n != 1 {
		t.Fatalf("%d digests after restart, want 1", n)
	}
}

func TestE2E_DigestCatchUpLate(t *testing.T) {
	h := MustRunMain(t, nil, "")
	seedTeam(t, h)
	ctx := ctxT(t)
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	// Down since Sunday's slot; back at 10:00 on Monday.
	db, err := store.Open(h.DBPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetJobLastRun(ctx, "digest", h.at("2026-11-29", "09:00")); err != nil {
		t.Fatal(err)
	}
	db.Close()
	h2 := MustRunMain(t, h.Slack, h.DBPath)
	m := h2.newMessage(0, func(m fakeslack.Message) bool {
		return m.Channel == "CDIGEST" && strings.Contains(m.Text, "Daily digest")
	})
	mustContain(t, m, "Posted late", "Daily digest — Mon 30 Nov 2026")

	// A slot whose day is over is not posted at all.
	h2.Clock.Set(h2.at("2026-12-01", "08:00"))
	if err := h2.Bot.RunJob(ctx, "digest", h2.at("2026-11-30", "11:00")); err != nil {
		t.Fatal(err)
	}
	if n := len(digestMessages(h2)); n != 1 {
		t.Fatalf("%d digests, want 1 (the day was over)", n)
	}
}

func TestE2E_DigestFailedPostIsRetried(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	h.sinceSunday("digest")
	h.Clock.Set(h.at("2026-11-30", "09:00"))
	h.Slack.FailNext("chat.postMessage", "channel_not_found")
	if err := h.Bot.RunJob(ctx, "digest", h.at("2026-11-30", "09:00")); err == nil {
		t.Fatal("RunJob succeeded although the post failed")
	}
	if err := h.Bot.RunJob(ctx, "digest", h.at("2026-11-30", "09:00")); err != nil {
		t.Fatal(err)
	}
	if n := len(digestMessages(h)); n != 1 {
		t.Fatalf("%d digests, want 1 after the retry", n)
	}
}

func TestE2E_Nudges(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	db := h.Main.DB
	for _, tg := range []store.Target{
		{Metric: store.MetricPitches, UserID: "U1", Period: store.Daily, Value: 10, From: "2026-11-02", SetBy: "UADMIN"},
		{Metric: store.MetricPitches, UserID: "U2", Period: store.Daily, Value: 4, From: "2026-11-02", SetBy: "UADMIN"},
		{Metric: store.MetricPitches, UserID: "U3", Period: store.Daily, Value: 2, From: "2026-11-02", SetBy: "UADMIN"},
	} {
		if _, err := db.SetTarget(ctx, tg); err != nil {
			t.Fatal(err)
		}
	}
	mustContain(t, h.command("U1", "/pitch", "@n.one @n.two @n.three Serum"), "Logged 3")
	mustContain(t, h.command("U2", "/pitch", "@n.four @n.five Serum"), "Logged 2")
	mustContain(t, h.command("U3", "/target", "nudges off"), "Nudges off")
	h.sinceSunday("nudges")
	h.Clock.Set(h.at("2026-11-30", "15:00"))
	before := len(h.Slack.Messages())
	for _, due := range []string{"15:00", "15:01"} { // a second run the same day sends nothing new
		if err := h.Bot.RunJob(ctx, "nudges", h.at("2026-11-30", due)); err != nil {
			t.Fatal(err)
		}
	}
	var dms []fakeslack.Message
	for _, m := range h.Slack.Messages()[before:] {
		if strings.HasPrefix(m.Channel, "D") {
			dms = append(dms, m)
		}
	}
	if len(dms) != 1 || dms[0].Channel != "DU1" {
		t.Fatalf("nudges = %+v, want one DM to U1", dms)
	}
	mustContain(t, dms[0], "3 of 10", "7 to go", "/target nudges off")

	// Tuesday is a holiday: nobody is nudged.
	mustContain(t, h.command("UADMIN", "/target", "holiday add 2026-12-01"), "Tue 1 Dec 2026 is a holiday")
	mustContain(t, h.command("U1", "/target", "holiday list"), "2026-12-01 (Tuesday)")
	h.Clock.Set(h.at("2026-12-01", "15:00"))
	before = len(h.Slack.Messages())
	if err := h.Bot.RunJob(ctx, "nudges", h.at("2026-12-01", "15:00")); err != nil {
		t.Fatal(err)
	}
	for _, m := range h.Slack.Messages()[before:] {
		if strings.HasPrefix(m.Channel, "D") {
			t.Errorf("nudge on a holiday: %+v", m)
		}
	}
	mustContain(t, h.command("U1", "/target", "holiday remove 2026-12-01"), "Only admins")
	mustContain(t, h.command("UADMIN", "/target", "holiday remove 2026-12-01"), "normal day again")
	mustContain(t, h.command("UADMIN", "/target", "holiday add 1-12-2026"), "YYYY-MM-DD")
}

func TestE2E_TargetRealismWarning(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	// U1's last 14 working days (2–27 Nov): 5 or 6 pitches, 9 on the best day.
	var ps []store.Pitch
	d := h.at("2026-11-27", "10:00")
	for i := 0; i < 14; {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n := 5 + i%2
			if i == 3 {
				n = 9
			}
			for j := 0; j < n; j++ {
				ps = append(ps, store.Pitch{Handle: "r" + d.Format("0102") + string(rune('a'+j)), UserID: "U1",
					CreatedAt: d.Add(time.Duration(j) * time.Minute), Status: store.PitchPitched})
			}
			i++
		}
		d = d.AddDate(0, 0, -1)
	}
	if err := h.Main.DB.ImportPitches(ctx, ps); err != nil {
		t.Fatal(err)
	}
	mustContain(t, h.command("U1", "/target", "pitches 20 <@U1|ana>"), "Only admins")
	m := h.command("UADMIN", "/target", "pitches 20 <@U1|ana>")
	mustContain(t, m, "unrealistic", "20 pitches a day", "<@U1>", "on *14* of the last 20 working days", "upper quartile; median 5.5, best 9",
		"sustained level was *6 a day*", "more than 10% above that level: here above *7*", "follow-ups due", "0 tasks",
		"0 open issues", "Set 7 instead", "Set 20 anyway", "Adjust")
	if ts, _ := h.Main.DB.Targets(ctx); len(ts) != 0 {
		t.Fatalf("target set before confirmation: %+v", ts)
	}
	// Adjust: the form opens prefilled; 8 is saved from today.
	mm := m
	if _, err := h.Slack.User("UADMIN").Click(ctx, fakeslack.Target{Message: &mm}, "target_adjust", ""); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, "UADMIN", func(v *fakeslack.View) bool { return v.CallbackID == "target_adjust_modal" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(v.JSON), `"initial_value":"20"`) {
		t.Errorf("Adjust form not prefilled: %s", v.JSON)
	}
	if ack, err := h.Slack.User("UADMIN").Submit(ctx, v.ID, map[string]string{"target_value": "lots"}); err != nil || !strings.Contains(string(ack.Payload), "whole number") {
		t.Fatalf("bad value: %v %s", err, ack.Payload)
	}
	before := len(h.Slack.Messages())
	if _, err := h.Slack.User("UADMIN").Submit(ctx, v.ID, map[string]string{"target_value": "7"}); err != nil {
		t.Fatal(err)
	}
	mustContain(t, h.newMessage(before, func(m fakeslack.Message) bool { return strings.Contains(m.Text, "Target set") }),
		"7 pitches a day", "<@U1>", "from today Mon 30 Nov", "Within reach", "allows up to 7")
	// Set anyway stores the proposed 20.
	m = h.command("UADMIN", "/target", "pitches 20 <@U1|ana>")
	mm = m
	if _, err := h.Slack.User("UADMIN").Click(ctx, fakeslack.Target{Message: &mm}, "target_set_anyway", ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(all(latest(h, m)), "Target set") })
	mustContain(t, latest(h, m), "(was 7)")
	mustNotContain(t, latest(h, m), "Set anyway")
	ts, _ := h.Main.DB.Targets(ctx)
	if len(ts) != 2 || ts[1].Value != 20 || ts[1].UserID != "U1" || ts[1].From != "2026-11-30" {
		t.Fatalf("targets = %+v", ts)
	}
	// A target within capacity is set without a question.
	mustContain(t, h.command("UADMIN", "/target", "pitches 6 <@U1|ana>"), "Target set", "6 pitches a day")
	// Every metric is tracked now; vouchers have no history yet, so the
	// target is set with what the check will compare it with later.
	mustContain(t, h.command("UADMIN", "/target", "vouchers 3 team weekly"), "Target set", "3 vouchers issued a week",
		"Not judged against history yet", "on 0 of the last 20 working days")
	// Bad input is answered, escaped.
	mustContain(t, h.command("UADMIN", "/target", "pitches 10 <!channel>"), "I didn't understand", "&lt;!channel&gt;")
	mustContain(t, h.command("UADMIN", "/target", "pitches 10 @ana"), "Mention the person")
}

func TestE2E_TargetShowAndHome(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	if _, err := h.Main.DB.SetTarget(ctx, store.Target{Metric: store.MetricPitches, UserID: "U1", Period: store.Daily,
		Value: 4, From: "2026-11-30", SetBy: "UADMIN"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.User("U1").OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool { return v.Type == "home" })
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"My progress today", "pitches today 0/4", "vouchers issued today 0",
		"My open issues:* none", "My tasks:* none", "My recent vouchers:* none", "Turn nudges off"} {
		if !strings.Contains(string(v.JSON), want) {
			t.Errorf("home lacks %q:\n%s", want, v.JSON)
		}
	}
	// My action refreshes my Home.
	mustContain(t, h.command("U1", "/pitch", "@h.one @h.two Serum"), "Logged 2")
	if _, err := h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool {
		return v.Type == "home" && strings.Contains(string(v.JSON), "pitches today 2/4")
	}); err != nil {
		t.Fatalf("home not refreshed after /pitch: %v", err)
	}
	hv, _ := h.Slack.HomeView("U1")
	if _, err := h.Slack.User("U1").Click(ctx, fakeslack.Target{View: hv}, "home_nudges", "off"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool {
		return v.Type == "home" && strings.Contains(string(v.JSON), "Turn nudges on")
	}); err != nil {
		t.Fatalf("home not refreshed after the nudge toggle: %v", err)
	}
	if m, _ := h.Main.DB.NudgeOptOuts(ctx); !m["U1"] {
		t.Error("U1 not opted out")
	}
	m := h.command("U1", "/target", "")
	mustContain(t, m, "*You*", "pitches today 2/4", "*Team*", "vouchers issued today 0", "tasks done today 0")
	mustContain(t, h.command("U1", "/target", "nudges maybe"), "nudges off")
	mustContain(t, h.command("U1", "/target", "help"), "/target METRIC N")
}

func TestLoadConfig_WorkdaysAndNudgeCron(t *testing.T) {
	t.Parallel()
	fs := fakeslack.New(fakeslack.Options{})
	defer fs.Close()
	env := testEnv(fs, "x.db")
	env["POCBOT_WORKDAYS"] = "Mon-Sat"
	c, err := LoadConfig(getenvFrom(env))
	if err != nil || c.Workdays.String() != "Mon,Tue,Wed,Thu,Fri,Sat" || c.NudgeCron != "0 15 * * *" {
		t.Fatalf("LoadConfig = %v %q, %v", c.Workdays, c.NudgeCron, err)
	}
	env["POCBOT_WORKDAYS"] = "Mon-Fry"
	env["POCBOT_NUDGE_CRON"] = "at three"
	_, err = LoadConfig(getenvFrom(env))
	if err == nil || !strings.Contains(err.Error(), "POCBOT_WORKDAYS") || !strings.Contains(err.Error(), "POCBOT_NUDGE_CRON") {
		t.Fatalf("LoadConfig err = %v", err)
	}
}

func TestE2E_DigestPrintOnDayOff(t *testing.T) {
	h := MustRunMain(t, nil, "")
	loc := h.Main.Config.Location
	txt, err := h.Bot.DigestText(context.Background(), time.Date(2026, 12, 5, 0, 0, 0, 0, loc)) // a Saturday
	if err != nil || !strings.Contains(txt, "No digest for Sat 5 Dec 2026") {
		t.Errorf("Saturday: %q, %v", txt, err)
	}
	mustContain(t, h.command("UADMIN", "/target", "holiday add 2026-12-25"), "holiday")
	txt, err = h.Bot.DigestText(context.Background(), time.Date(2026, 12, 25, 0, 0, 0, 0, loc))
	if err != nil || !strings.Contains(txt, "a holiday") {
		t.Errorf("holiday: %q, %v", txt, err)
	}
}

// seededMondayDigest runs the program with the seeded team and work
// (seedTeam, seedWork), posts Monday 30 Nov's 09:00 digest and returns it.
func seededMondayDigest(t *testing.T) (*harness, fakeslack.Message) {
	t.Helper()
	h := MustRunMain(t, nil, "")
	seedTeam(t, h)
	seedWork(t, h)
	// Names as users.info gives them: Budi has no display name, so his
	// real name shows.
	h.Slack.SetUserProfile("U1", fakeslack.Profile{DisplayName: "Ana", RealName: "Ana Wijaya"})
	h.Slack.SetUserProfile("U2", fakeslack.Profile{RealName: "Budi Santoso"})
	h.sinceSunday("digest")
	h.Clock.Set(h.at("2026-11-30", "09:00").Add(30 * time.Second))
	if err := h.Bot.RunJob(ctxT(t), "digest", h.at("2026-11-30", "09:00")); err != nil {
		t.Fatal(err)
	}
	ms := digestMessages(h)
	if len(ms) != 1 {
		t.Fatalf("%d digests posted, want 1", len(ms))
	}
	return h, ms[0]
}
