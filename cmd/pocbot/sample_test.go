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

const tiktokURL = "https://www.tiktok.com/@sari.beauty/video/7301234567890123456?is_from_webapp=1"

// dmsSince returns the content clock's DMs (channel D…) posted after the
// first before messages; other jobs' DMs (a follow-up catch-up after a
// restart) are left out.
func (h *harness) dmsSince(before int) []fakeslack.Message {
	var out []fakeslack.Message
	for _, m := range h.Slack.Messages()[before:] {
		clock := strings.HasPrefix(m.Text, "Samples: ") || strings.Contains(m.Text, "past the content deadline")
		if strings.HasPrefix(m.Channel, "D") && m.Kind != "response" && m.Kind != "ephemeral" && clock {
			out = append(out, m)
		}
	}
	return out
}

// latest returns m as it stands now (edited in place or not).
func (h *harness) latest(m fakeslack.Message) fakeslack.Message {
	for _, x := range h.Slack.Messages() {
		if x.Channel == m.Channel && x.TS == m.TS {
			m = x
		}
	}
	return m
}

// auditCount is how many audit entries a voucher has.
func auditCount(t *testing.T, h *harness, code string) int {
	t.Helper()
	a, err := h.Main.DB.AuditLog(context.Background(), store.VoucherEntity(code), 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(a)
}

// TestE2E_SampleLifecycleByText walks one sample through every step by text
// command, with the bad input and out-of-order steps refused and nothing
// changed.
func TestE2E_SampleLifecycleByText(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	h.command("UADMIN", "/voucher", "budget 11.11 1jt")
	m := h.command("U1", "/voucher", "@sari.beauty Glow Serum 150k 11.11")
	code := issuedCode(t, m)
	// The creator message is Indonesian by default, with Rupiah and an
	// Indonesian date.
	mustContain(t, m, "Halo @sari.beauty!", "Glow Serum senilai Rp150.000", "Kode: "+code,
		"Berlaku sampai Senin, 14 Desember 2026 pukul 23.59 WIB", "dalam 14 hari", "Mark redeemed")

	// Steps before redemption: refused, nothing changed.
	for _, step := range []string{"posted " + tiktokURL, "shipped JX1", "delivered", "extend", "nocontent gone"} {
		r := h.command("U1", "/voucher", code+" "+step)
		mustContain(t, r, "has not been redeemed yet", "/voucher redeem "+code)
	}
	if v, _ := h.Main.DB.Voucher(ctx, code); v.Sample != nil || v.Status != store.VoucherIssued {
		t.Fatalf("a refused step changed the voucher: %+v", v)
	}
	if n := auditCount(t, h, code); n != 1 {
		t.Fatalf("audit entries = %d after refused steps, want 1 (the issue)", n)
	}
	// Unknown and mistyped codes, an unknown step.
	mustContain(t, h.command("U1", "/voucher", "SMP-2222-2222-2222 shipped"), "SMP-2222-2222-2222")
	typo := []byte(code)
	typo[len(typo)-1], typo[len(typo)-2] = typo[len(typo)-2], typo[len(typo)-1]
	if typo[len(typo)-1] == typo[len(typo)-2] {
		typo[4], typo[5] = typo[5], typo[4]
	}
	mustContain(t, h.command("U1", "/voucher", string(typo)+" delivered"), "mistyped")
	mustContain(t, h.command("U1", "/voucher", code+" frobbed"), "not a sample step", "posted URL")

	mustContain(t, h.command("U1", "/voucher", "redeem "+code), "redeemed", "Content due by", "Mon 14 Dec")
	mustContain(t, h.command("U1", "/voucher", "list mine"), "*Redeemed* · sample *Ordered* · due *Mon 14 Dec (14 days left)*")
	// Shipped with tracking and courier.
	mustContain(t, h.command("U1", "/voucher", code+" shipped JX1234567890 J&T Express"), "marked shipped", "JX1234567890", "J&amp;T Express")
	// Delivered: a future date and a bad date are refused; the clock
	// restarts from delivery.
	mustContain(t, h.command("U1", "/voucher", code+" delivered 2026-12-05"), "in the future")
	mustContain(t, h.command("U1", "/voucher", code+" delivered 1/12"), "YYYY-MM-DD")
	h.Clock.Set(h.at("2026-12-02", "09:00"))
	m = h.command("U1", "/voucher", code+" delivered 2026-12-01")
	mustContain(t, m, "delivered Tue 1 Dec", "Content due by *Tue 15 Dec", "reminder from Sun 6 Dec")
	mustContain(t, h.command("U1", "/voucher", code+" shipped JX9"), "already delivered")
	// A non-URL, a non-http link.
	mustContain(t, h.command("U1", "/voucher", code+" posted my video"), "is not a link")
	mustContain(t, h.command("U1", "/voucher", code+" posted ftp://x.y/v"), "is not a link")
	mustContain(t, h.command("U1", "/voucher", code+" posted"), "Give the link")
	// The extension moves the deadline once.
	mustContain(t, h.command("U1", "/voucher", code+" extend 99"), "1 to 30 days")
	mustContain(t, h.command("U1", "/voucher", code+" extend"), "extended by 7 days", "Tue 22 Dec")
	mustContain(t, h.command("U1", "/voucher", code+" extend"), "already extended once")
	// Posted: a TikTok link shown by handle and video id.
	m = h.command("U1", "/voucher", code+" posted "+tiktokURL)
	mustContain(t, m, "Content recorded", "TikTok @sari.beauty · video 7301234567890123456", "1 video so far")
	mustContain(t, h.command("U1", "/voucher", code+" posted "+tiktokURL), "already recorded")
	mustContain(t, h.command("U1", "/voucher", code+" posted https://instagram.com/reel/abc"), "2 videos so far")
	mustContain(t, h.command("U1", "/voucher", code+" nocontent gone quiet"), "already has content posted")
	mustContain(t, h.command("U1", "/voucher", code+" extend"), "already") // posted or extended: refused either way

	v, _ := h.Main.DB.Voucher(ctx, code)
	s := v.SampleState()
	if s.Stage != store.SamplePosted || len(s.Posts) != 2 || s.Tracking != "JX1234567890" || s.Courier != "J&T Express" ||
		s.ExtendedDays != 7 || s.Posts[0].VideoID != "7301234567890123456" || s.Posts[0].OwnerID != "U1" {
		t.Fatalf("sample = %+v", s)
	}
	audit, _ := h.Main.DB.AuditLog(ctx, store.VoucherEntity(code), 0)
	actions := map[string]int{}
	for _, a := range audit {
		actions[a.Action]++
	}
	for _, want := range []string{"sample.shipped", "sample.delivered", "sample.extended", "sample.posted"} {
		if actions[want] == 0 {
			t.Errorf("no %s audit entry in %+v", want, actions)
		}
	}
	// The detail shows the whole life; /creator shows every step and the
	// fulfilment line.
	mustContain(t, h.command("U2", "/voucher", code), "Content posted", "tracking `JX1234567890`", "Delivered:* Tue 1 Dec",
		"Extended:* 7 days", "TikTok @sari.beauty", "shipped by <@U1>", "Add another video")
	cm := h.command("U2", "/creator", "@sari.beauty")
	mustContain(t, cm, "1 received · 1 with content (100% posting rate)", "shipped by <@U1>", "delivered by <@U1>",
		"deadline extended by <@U1>", "content posted by <@U1>", "sample *Content posted*")

	// A second sample closed without content needs a reason.
	c2 := issuedCode(t, h.command("U1", "/voucher", "@sari.beauty Lip Tint 80k 11.11"))
	h.command("U1", "/voucher", "redeem "+c2)
	mustContain(t, h.command("U1", "/voucher", c2+" nocontent"), "Say why")
	mustContain(t, h.command("U1", "/voucher", c2+" nocontent \x00\x01\u202e"), "Say why")
	mustContain(t, h.command("U1", "/voucher", c2+" shipped "+strings.Repeat("X", 500)), "at most 80 characters")
	mustContain(t, h.command("U1", "/voucher", c2+" nocontent product arrived broken"), "closed without content", "product arrived broken")
	mustContain(t, h.command("U1", "/voucher", c2+" posted "+tiktokURL), "closed without content")
	mustContain(t, h.command("U1", "/creator", "@sari.beauty"), "2 received · 1 with content (50% posting rate)", "1 closed without content")
	if err := h.Main.DB.Check(); err != nil {
		t.Error(err)
	}
}

// TestE2E_SampleLifecycleByButton presses each step's button: on the
// confirmation, then the forms for shipped and posted (with a bad URL).
func TestE2E_SampleLifecycleByButton(t *testing.T) {
	h := MustRunMain(t, nil, "")
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(h.Logs.String())
		}
	})
	ctx := ctxT(t)
	m := h.command("U1", "/voucher", "@btn.one Serum 100k")
	code := issuedCode(t, m)
	// Pressing a sample step before redemption is impossible: only Mark
	// redeemed is offered.
	mustNotContain(t, m, "sample_shipped", "sample_posted")
	r := h.click("U1", m, "voucher_redeem", code)
	mustContain(t, r, "redeemed", "sample_shipped", "Shipped", "Delivered", "Content posted", "Extend 7 days", "No content")

	// Shipped opens a form; its tracking number is saved.
	u := h.Slack.User("U1")
	rr := r
	if _, err := u.Click(ctx, fakeslack.Target{Message: &rr}, "sample_shipped", code); err != nil {
		t.Fatal(err)
	}
	view, err := h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool { return v.CallbackID == "sample_step_modal" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Submit(ctx, view.ID, map[string]string{"sample_tracking": "SPXID0123", "sample_courier": "SPX"}); err != nil {
		t.Fatal(err)
	}
	if open, _ := h.Slack.OpenView("U1"); open != nil {
		t.Fatalf("shipped form still open: %+v", open.Errors)
	}
	waitFor(t, func() bool { return strings.Contains(all(h.latest(r)), "SPXID0123") })
	// Delivered applies at once.
	r = h.click("U1", h.latest(r), "sample_delivered", code)
	mustContain(t, r, "delivered", "Content due by")
	// Content posted: a bad URL stays on the form.
	rr = r
	if _, err := u.Click(ctx, fakeslack.Target{Message: &rr}, "sample_posted", code); err != nil {
		t.Fatal(err)
	}
	view, err = h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool { return v.CallbackID == "sample_step_modal" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Submit(ctx, view.ID, map[string]string{"sample_url": "see my profile"}); err != nil {
		t.Fatal(err)
	}
	got, _ := h.Slack.OpenView("U1")
	if got == nil || !strings.Contains(got.Errors["sample_url"], "not a link") {
		t.Fatalf("bad URL errors = %+v", got)
	}
	if v, _ := h.Main.DB.Voucher(ctx, code); len(v.SampleState().Posts) != 0 {
		t.Fatal("a bad URL was recorded")
	}
	if _, err := u.Submit(ctx, view.ID, map[string]string{"sample_url": "https://vt.tiktok.com/ZSabc123/"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { v, _ := h.Main.DB.Voucher(ctx, code); return v.SampleState().Stage == store.SamplePosted })
	// Extend and No content on a posted sample are gone; the text form
	// is refused.
	mustContain(t, h.command("U1", "/voucher", code), "Add another video")
	mustNotContain(t, h.command("U1", "/voucher", code), "Extend 7 days")
}

// runClock runs the content clock at date HH:MM with the fake clock there.
func (h *harness) runClock(date, clock string) []fakeslack.Message {
	h.t.Helper()
	at := h.at(date, clock)
	h.Clock.Set(at)
	before := len(h.Slack.Messages())
	if err := h.Bot.RunJob(ctxT(h.t), "content_clock", at); err != nil {
		h.t.Fatalf("content clock %s %s: %v", date, clock, err)
	}
	return h.dmsSince(before)
}

func byChannel(ms []fakeslack.Message) map[string][]fakeslack.Message {
	out := map[string][]fakeslack.Message{}
	for _, m := range ms {
		out[m.Channel] = append(out[m.Channel], m)
	}
	return out
}

// TestE2E_ContentClock: the day-5 reminder once per sample, grouped per
// owner, none on a holiday, none twice across a restart; the deadline
// notice once to the owner and the admins; an extension moves it.
func TestE2E_ContentClock(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	mustContain(t, h.command("U1", "/pitch", "@clk.one Serum"), "Logged") // U1 owns clk.one
	a := issuedCode(t, h.command("U1", "/voucher", "@clk.one Glow Serum 150k"))
	b := issuedCode(t, h.command("U1", "/voucher", "@clk.three Lip Tint 90k"))
	c := issuedCode(t, h.command("U2", "/voucher", "@clk.two Sunscreen 120k"))
	issued := issuedCode(t, h.command("U2", "/voucher", "@clk.four Toner 50k")) // never redeemed: never on the clock
	for _, code := range []string{a, b, c} {
		mustContain(t, h.command("U1", "/voucher", "redeem "+code), "redeemed")
	}
	h.Clock.Set(h.at("2026-12-01", "09:00"))
	mustContain(t, h.command("U1", "/voucher", a+" delivered"), "delivered Tue 1 Dec")

	// Friday 4 Dec: nothing is due a reminder yet (b and c from 5 Dec, a
	// from 6 Dec).
	if dms := h.runClock("2026-12-04", "10:00"); len(dms) != 0 {
		t.Fatalf("reminders before day 5: %+v", dms)
	}
	// Monday 7 Dec is a holiday: nothing.
	mustContain(t, h.command("UADMIN", "/target", "holiday add 2026-12-07"), "holiday")
	if dms := h.runClock("2026-12-07", "10:00"); len(dms) != 0 {
		t.Fatalf("reminders on a holiday: %+v", dms)
	}
	// Tuesday 8 Dec: one DM per owner, each listing all of theirs.
	got := byChannel(h.runClock("2026-12-08", "10:00"))
	if len(got["DU1"]) != 1 || len(got["DU2"]) != 1 || len(got) != 2 {
		t.Fatalf("reminder DMs = %+v, want one to U1 and one to U2", got)
	}
	u1 := got["DU1"][0]
	mustContain(t, u1, "2 samples are due a content reminder", a, b, "@clk.one", "@clk.three",
		"Halo @clk.one! Sampel Glow Serum senilai Rp150.000 sudah kamu terima sejak Selasa, 1 Desember 2026",
		"paling lambat Selasa, 15 Desember 2026", "(7 hari lagi)", "sample_reminded", "Reminded")
	mustNotContain(t, u1, c, issued)
	mustContain(t, got["DU2"][0], "1 sample is due a content reminder", c, "Senin, 14 Desember 2026")
	// Again the same day, and after a restart: nothing twice.
	if dms := h.runClock("2026-12-08", "10:01"); len(dms) != 0 {
		t.Fatalf("second run sent %+v", dms)
	}
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	h = MustRunMain(t, h.Slack, h.DBPath)
	if dms := h.runClock("2026-12-08", "10:02"); len(dms) != 0 {
		t.Fatalf("run after restart sent %+v", dms)
	}
	if dms := h.runClock("2026-12-09", "10:00"); len(dms) != 0 {
		t.Fatalf("the next day listed the samples again: %+v", dms)
	}
	// Reminded is recorded once.
	r := h.click("U1", u1, "sample_reminded", a)
	mustContain(t, r, "Reminder for *"+a+"*", "recorded", "one reminder")
	mustContain(t, h.command("U1", "/voucher", a+" reminded"), "already reminded on 2026-12-09") // its button is gone from the DM
	if v, _ := h.Main.DB.Voucher(ctx, a); v.SampleState().RemindedBy != "U1" {
		t.Errorf("reminded = %+v", v.SampleState())
	}
	// The extension moves a's deadline from 15 to 22 Dec.
	mustContain(t, h.command("U1", "/voucher", a+" extend"), "Tue 22 Dec")

	// Tuesday 15 Dec: b and c passed their 14 Dec deadline. Owners and the
	// admin are told once.
	got = byChannel(h.runClock("2026-12-15", "10:00"))
	if len(got["DU1"]) != 1 || len(got["DU2"]) != 1 || len(got["DUADMIN"]) != 1 {
		t.Fatalf("deadline DMs = %+v", got)
	}
	mustContain(t, got["DU1"][0], "1 sample has passed the content deadline", b, "overdue by 1 day", "sample_nocontent")
	mustNotContain(t, got["DU1"][0], a)
	mustContain(t, got["DUADMIN"][0], b, c, "owner <@U1>", "owner <@U2>")
	// A button in the DM answers separately: the DM keeps its list, with
	// the sample's row marked.
	late := got["DU1"][0]
	mustContain(t, h.click("U1", late, "sample_extended", b), "extended by 7 days", "Mon 21 Dec")
	waitFor(t, func() bool { return strings.Contains(all(h.latest(late)), "Extended by 7 days: due Mon 21 Dec") })
	if l := h.latest(late); !strings.Contains(all(l), "passed the content deadline") || !strings.Contains(all(l), b) {
		t.Errorf("the content DM lost its list: %s", all(l))
	}
	mustNotContain(t, got["DUADMIN"][0], a)
	if dms := h.runClock("2026-12-16", "10:00"); len(dms) != 0 {
		t.Fatalf("deadline told twice: %+v", dms)
	}
	// Wednesday 23 Dec: a's and b's extended deadlines (22 and 21 Dec)
	// have passed.
	got = byChannel(h.runClock("2026-12-23", "10:00"))
	if len(got["DU1"]) != 1 || len(got["DUADMIN"]) != 1 || len(got) != 2 {
		t.Fatalf("extended deadline DMs = %+v", got)
	}
	mustContain(t, got["DU1"][0], a, "Tue 22 Dec", b, "Mon 21 Dec", "2 samples have passed")
	// /creator and the duplicate guard show it.
	mustContain(t, h.command("U2", "/creator", "@clk.three"), "1 overdue since Mon 21 Dec")
	// clk.one was pitched by U1 on 30 Nov, outside the 14-day cooldown:
	// pitching it again logs it and says its sample has no content.
	mustContain(t, h.command("U1", "/pitch", "@clk.one Serum"), "Logged", "1 sample without content since Tue 22 Dec")
}

// TestE2E_DuplicateWarningFulfilment: a creator pitched again within the
// cooldown, with overdue samples, gets the fulfilment line in the
// duplicate warning.
func TestE2E_DuplicateWarningFulfilment(t *testing.T) {
	h := MustRunMain(t, nil, "")
	for _, p := range []string{"Serum", "Toner"} {
		code := issuedCode(t, h.command("U1", "/voucher", "@dup.one "+p+" 50k"))
		h.command("U1", "/voucher", "redeem "+code)
	}
	h.Clock.Set(h.at("2026-12-16", "10:00")) // both due 14 Dec
	mustContain(t, h.command("U1", "/pitch", "@dup.one Serum"), "Logged")
	m := h.command("U2", "/pitch", "@dup.one Lip Tint")
	mustContain(t, m, "was pitched by <@U1>", "Not logged", "2 samples without content since Mon 14 Dec", "Log anyway")
}

// TestE2E_StrikeWarningOnIssue: a creator with POCBOT_SAMPLE_STRIKES
// overdue samples is flagged when someone issues another voucher; the
// issuer may go ahead, and that is recorded.
func TestE2E_StrikeWarningOnIssue(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	for _, p := range []string{"Serum", "Toner", "Mask"} {
		code := issuedCode(t, h.command("U1", "/voucher", "@strike.one "+p+" 50k"))
		h.command("U1", "/voucher", "redeem "+code)
	}
	// Two overdue: not flagged yet.
	h.Clock.Set(h.at("2026-12-15", "10:00"))
	c, _ := h.Main.DB.Vouchers(ctx, store.VoucherFilter{Handle: "strike.one"})
	mustContain(t, h.command("U1", "/voucher", c[0].Code+" nocontent creator unreachable"), "closed")
	mustContain(t, h.command("U2", "/voucher", "@strike.one Lip Tint 40k"), "Voucher issued")
	// Three overdue (a closed sample is not a strike; the new one is on time).
	h.Clock.Set(h.at("2026-11-30", "10:00"))
	for _, p := range []string{"A", "B", "C"} {
		cd := issuedCode(t, h.command("U1", "/voucher", "@strike.two Product"+p+" 50k"))
		h.command("U1", "/voucher", "redeem "+cd)
	}
	h.Clock.Set(h.at("2026-12-15", "10:00"))
	before, _ := h.Main.DB.Vouchers(ctx, store.VoucherFilter{Handle: "strike.two"})
	m := h.command("U2", "/voucher", "@strike.two Lip Tint 40k")
	mustContain(t, m, "@strike.two* has 3 samples without content past their deadline", "since Mon 14 Dec", "POCBOT_SAMPLE_STRIKES",
		"No voucher issued yet", "Issue anyway")
	if after, _ := h.Main.DB.Vouchers(ctx, store.VoucherFilter{Handle: "strike.two"}); len(after) != len(before) {
		t.Fatal("the warning issued a voucher")
	}
	r := h.click("U2", m, "voucher_strike_issue", "")
	issued := issuedCode(t, r)
	mustContain(t, r, "Voucher issued", "Issued despite 3 samples past deadline")
	v, _ := h.Main.DB.Voucher(ctx, issued)
	if v.StrikeOverride != 3 || v.IssuerID != "U2" || v.Product != "Lip Tint" {
		t.Fatalf("voucher = %+v", v)
	}
	audit, _ := h.Main.DB.AuditLog(ctx, store.VoucherEntity(issued), 0)
	if len(audit) != 1 || !strings.Contains(audit[0].After, `"strike_override":3`) {
		t.Errorf("audit = %+v", audit)
	}
	mustContain(t, h.command("U1", "/voucher", issued), "issued despite 3 samples past deadline")
	mustContain(t, h.command("U1", "/creator", "@strike.two"), "issued despite 3 samples past deadline")

	// The form warns on the creator field once; submitting again issues.
	view := openVoucherForm(t, h, "U2")
	vals := map[string]string{"voucher_creator": "@strike.two", "voucher_product": "Toner", "voucher_value": "40k"}
	if _, err := h.Slack.User("U2").Submit(ctxT(t), view.ID, vals); err != nil {
		t.Fatal(err)
	}
	got, _ := h.Slack.OpenView("U2")
	if got == nil || !strings.Contains(got.Errors["voucher_creator"], "3 samples without content") || !strings.Contains(got.Errors["voucher_creator"], "issue anyway") {
		t.Fatalf("form warning = %+v", got)
	}
	if _, err := h.Slack.User("U2").Submit(ctxT(t), view.ID, vals); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		vs, _ := h.Main.DB.Vouchers(ctx, store.VoucherFilter{Handle: "strike.two"})
		return len(vs) == len(before)+2 && vs[0].StrikeOverride == 3
	})
}

// TestE2E_DigestCostPerPostedVideo: the digest and /voucher budget show
// each campaign's samples issued → delivered → posted, overdue, posting
// rate and cost per posted video; content_posted is credited to the
// creator's owner, not the issuer.
func TestE2E_DigestCostPerPostedVideo(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	h.command("UADMIN", "/voucher", "budget glow 2jt")
	h.command("UADMIN", "/voucher", "budget quiet 1jt")
	mustContain(t, h.command("U1", "/pitch", "@gold.one, @gold.two, @gold.three Glow Serum"), "Logged 3")
	var codes []string
	for _, c := range []string{"@gold.one", "@gold.two", "@gold.three", "@gold.four"} {
		codes = append(codes, issuedCode(t, h.command("U2", "/voucher", c+" Glow Serum 150k glow")))
	}
	issuedCode(t, h.command("U2", "/voucher", "@gold.five Toner 100k quiet"))
	for _, c := range codes[:3] {
		h.command("U2", "/voucher", "redeem "+c)
	}
	h.Clock.Set(h.at("2026-12-02", "11:00"))
	h.command("U2", "/voucher", codes[0]+" delivered 2026-12-01")
	h.command("U2", "/voucher", codes[1]+" delivered")
	h.Clock.Set(h.at("2026-12-04", "15:00"))
	h.command("U2", "/voucher", codes[0]+" posted https://www.tiktok.com/@gold.one/video/7300000000000000001")
	h.command("U2", "/voucher", codes[0]+" posted https://www.tiktok.com/@gold.one/video/7300000000000000002")
	h.command("U2", "/voucher", codes[1]+" posted https://www.tiktok.com/@gold.two/video/7300000000000000003")
	// gold.three: redeemed 30 Nov, never delivered: due 14 Dec, overdue by 16 Dec.

	counts, err := h.Main.DB.ContentPostedByDay(ctx, []time.Time{h.at("2026-12-04", "00:00"), h.at("2026-12-05", "00:00")})
	if err != nil || counts[0]["U1"] != 2 || counts[0]["U2"] != 0 {
		t.Fatalf("content_posted 4 Dec = %+v, %v; want 2 credited to U1 (the owner)", counts, err)
	}

	h.Clock.Set(h.at("2026-12-16", "09:00"))
	mustContain(t, h.command("U1", "/voucher", "budget"), "*glow*", "samples: 4 issued → 2 delivered → 2 posted (3 videos) · 1 overdue · posting rate 67% · *Rp150.000 per posted video* (Rp450.000 spent)",
		"samples: 1 issued → 0 delivered → 0 posted · 0 overdue")
	before := len(h.Slack.Messages())
	if err := h.Bot.RunJob(ctx, "digest", h.at("2026-12-16", "09:00")); err != nil {
		t.Fatal(err)
	}
	m := h.newMessage(before, func(m fakeslack.Message) bool { return m.Channel == "CDIGEST" })
	mustContain(t, m, "Samples to content per campaign", "Rp150.000 per posted video")
	txt, err := h.Bot.DigestText(ctx, h.at("2026-12-04", "12:00"))
	if err != nil {
		t.Fatal(err)
	}
	txt16, err := h.Bot.DigestText(ctx, h.at("2026-12-16", "12:00"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "digest_samples.golden.txt", []byte(txt+"\n"+txt16))
}

// TestE2E_PitchStatsToPosted: /pitch stats runs the funnel on to sample
// and posted.
func TestE2E_PitchStatsToPosted(t *testing.T) {
	h := MustRunMain(t, nil, "")
	mustContain(t, h.command("U1", "/pitch", "@ps.one, @ps.two, @ps.three Serum"), "Logged 3")
	mustContain(t, h.command("U2", "/pitch", "@ps.four Serum"), "Logged")
	h.command("U1", "/pitch", "@ps.one agreed")
	h.command("U1", "/pitch", "@ps.two agreed")
	a := issuedCode(t, h.command("U1", "/voucher", "@ps.one Serum 50k"))
	issuedCode(t, h.command("U1", "/voucher", "@ps.two Serum 50k"))
	h.command("U1", "/voucher", "redeem "+a)
	h.command("U1", "/voucher", a+" posted https://www.tiktok.com/@ps.one/video/7300000000000000009")
	m := h.command("U1", "/pitch", "stats week")
	mustContain(t, m, "*Team:* 4 pitched", "2 agreed (50%) → 2 sample (50%) → 1 posted (25%)", "<@U1>: 3 pitched", "2 sample (67%) → 1 posted (33%)",
		"<@U2>: 1 pitched", "0 sample (0%) → 0 posted (0%)")
}

// TestE2E_CreatorTemplates: the built-in Indonesian templates, an admin's
// edit validated on save with a preview, a bad placeholder refused, reset,
// and English by configuration.
func TestE2E_CreatorTemplates(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	m := h.command("U1", "/voucher", "template")
	mustContain(t, m, "Template voucher", "Template reminder", "built-in, Bahasa Indonesia", "Preview", "Halo @sari.beauty!",
		"Rp150.000", "{due_date}", "Desember 2026")
	mustContain(t, h.command("U1", "/voucher", "template reminder Hai {handle}"), "Only admins", "<@UADMIN>")
	for _, tc := range []struct{ text, want string }{
		{"reminder Hai @{handle}, unggah sebelum {tanggal}", "{tanggal} is not a placeholder of the reminder template"},
		{"reminder Hai @{handle}, unggah sebelum {due_date", "never closed"},
		{"reminder Hai @{handle} } {due_date}", "without its {"},
		{"reminder Hai @{handle}", "must contain {due_date}"},
		{"voucher Hai {handle}, ini untukmu", "must contain {code}"},
		{"nope Hai", "no template"},
	} {
		mustContain(t, h.command("UADMIN", "/voucher", "template "+tc.text), tc.want)
	}
	if ts, _ := h.Main.DB.Templates(ctx); len(ts) != 0 {
		t.Fatalf("a refused template was saved: %+v", ts)
	}
	m = h.command("UADMIN", "/voucher", "template reminder Kak @{handle}, videonya ditunggu sebelum {due_date} ya! Kode {code}, produk {product} ({value}). <!channel>")
	mustContain(t, m, "Saved the *reminder* template", "replaced by an admin", "Kak @sari.beauty, videonya ditunggu sebelum", "Glow Serum 30ml (Rp150.000)", "&lt;!channel&gt;")
	mustNotContain(t, m, "<!channel>")
	// The new text is what the content reminder uses.
	code := issuedCode(t, h.command("U1", "/voucher", "@tpl.one Sunscreen 75k"))
	h.command("U1", "/voucher", "redeem "+code)
	h.Clock.Set(h.at("2026-12-07", "10:00"))
	mustContain(t, h.command("U1", "/voucher", code), "Kak @tpl.one, videonya ditunggu sebelum Senin, 14 Desember 2026 ya! Kode "+code+", produk Sunscreen (Rp75.000)", "Reminded")
	audit, _ := h.Main.DB.AuditLog(ctx, "template:reminder", 0)
	if len(audit) != 1 || audit[0].UserID != "UADMIN" {
		t.Errorf("template audit = %+v", audit)
	}
	mustContain(t, h.command("UADMIN", "/voucher", "template reminder reset"), "back to the built-in text", "Halo @sari.beauty!")

	// The Edit button's form: for admins, validated on save.
	list := h.command("UADMIN", "/voucher", "template")
	mustContain(t, h.click("U1", h.command("U1", "/voucher", "template"), "template_edit", "voucher"), "Only admins")
	ll := list
	if _, err := h.Slack.User("UADMIN").Click(ctxT(t), fakeslack.Target{Message: &ll}, "template_edit", "voucher"); err != nil {
		t.Fatal(err)
	}
	view, err := h.Slack.WaitView(ctxT(t), "UADMIN", func(v *fakeslack.View) bool { return v.CallbackID == "template_modal" })
	if err != nil || !strings.Contains(string(view.JSON), "Halo @{handle}!") {
		t.Fatalf("template form: %v\n%s", err, view.JSON)
	}
	if _, err := h.Slack.User("UADMIN").Submit(ctxT(t), view.ID, map[string]string{"template_text": "Hai {handle}, kode {kode}"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.Slack.OpenView("UADMIN"); got == nil || !strings.Contains(got.Errors["template_text"], "{kode} is not a placeholder of the voucher template") {
		t.Fatalf("form errors = %+v", got)
	}
	before := len(h.Slack.Messages())
	if _, err := h.Slack.User("UADMIN").Submit(ctxT(t), view.ID, map[string]string{"template_text": "Hai {handle}!\nKode: {code} ({value})"}); err != nil {
		t.Fatal(err)
	}
	mustContain(t, h.newMessage(before, func(m fakeslack.Message) bool { return strings.Contains(all(m), "Saved the *voucher* template") }),
		"Hai sari.beauty!\\nKode: SMP-7KQ3-9XF2-M4T9 (Rp150.000)")
	mustContain(t, h.command("U1", "/voucher", "@tpl.three Serum 20k"), "Hai tpl.three!\\nKode: SMP-")
	h.command("UADMIN", "/voucher", "template voucher reset")

	// English creators.
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	h2 := MustRunMain(t, h.Slack, h.DBPath, func(c *bot.Config) { c.CreatorLang = "en" })
	m = h2.command("U1", "/voucher", "@tpl.two Toner 50k")
	mustContain(t, m, "Hi @tpl.two! Here is your sample voucher for Toner, worth Rp50.000.", "Valid until Mon 14 Dec 2026, 23:59 WIB")
}

func TestSampleSettings(t *testing.T) {
	env := goodEnv()
	c, err := LoadConfig(getenvFrom(env))
	if err != nil || c.ContentDays != 14 || c.ContentRemindDays != 5 || c.ContentCron != "0 10 * * *" || c.CreatorLang != "id" || c.SampleStrikes != 3 {
		t.Fatalf("defaults = %+v, %v", c, err)
	}
	env["POCBOT_SAMPLE_STRIKES"] = "0"
	env["POCBOT_CREATOR_LANG"] = "EN"
	if c, err = LoadConfig(getenvFrom(env)); err != nil || c.SampleStrikes >= 0 || c.CreatorLang != "en" {
		t.Fatalf("strikes off, English = %+v, %v", c, err)
	}
	for _, kv := range [][2]string{{"POCBOT_CREATOR_LANG", "jv"}, {"POCBOT_CONTENT_DAYS", "0"}, {"POCBOT_CONTENT_REMIND_DAYS", "x"},
		{"POCBOT_CONTENT_CRON", "every day"}, {"POCBOT_SAMPLE_STRIKES", "-1"}, {"POCBOT_CONTENT_REMIND_DAYS", "14"}} {
		k, v := kv[0], kv[1]
		env := goodEnv()
		env[k] = v
		if _, err := LoadConfig(getenvFrom(env)); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: err = %v", k, v, err)
		}
	}
}

// TestE2E_IssueDeskVoucherLookup: a "Voucher not working" issue states
// the status of the code the reporter gave, or of the creator's latest.
func TestE2E_IssueDeskVoucherLookup(t *testing.T) {
	h := MustRunMain(t, nil, "")
	revoked := issuedCode(t, h.command("U1", "/voucher", "@desk.one Serum 50k"))
	h.command("UADMIN", "/voucher", "revoke "+revoked+" wrong shade")
	redeemed := issuedCode(t, h.command("U1", "/voucher", "@desk.one Toner 40k"))
	h.command("U1", "/voucher", "redeem "+redeemed)
	valid := issuedCode(t, h.command("U1", "/voucher", "@desk.two Mask 30k"))

	issue := func(handle, desc string) fakeslack.Message {
		v := validIssue(handle)
		v["issue_description"] = desc
		return reportIssue(t, h, "U2", v)
	}
	mustContain(t, issue("@desk.one", "Code "+strings.ToLower(revoked)+" says invalid"), "*revoked* by <@UADMIN>", "wrong shade")
	mustContain(t, issue("@desk.one", "code "+strings.ReplaceAll(redeemed, "-", "")+" does not work"), "*already redeemed* on Mon 30 Nov",
		"Open samples of @desk.one", redeemed)
	mustContain(t, issue("@desk.two", "the code does not work at checkout"), "Latest voucher of @desk.two", valid, "*valid* until Mon 14 Dec 2026")
	mustContain(t, issue("@desk.two", "SMP-2222-2222-2222 fails"), "no such voucher")
	h.Clock.Set(h.at("2026-12-16", "10:00"))
	mustContain(t, issue("@desk.two", "voucher "+valid+" rejected"), "*expired* on Mon 14 Dec 2026, 23:59 WIB")
}

// TestE2E_IssueDeskSampleNotReceived: a "Sample not received" issue states
// the days since redemption and shipping and the tracking number; its
// resolve form can mark the sample delivered in the same step.
func TestE2E_IssueDeskSampleNotReceived(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	code := issuedCode(t, h.command("U1", "/voucher", "@late.one Serum 50k"))
	h.command("U1", "/voucher", "redeem "+code)
	h.Clock.Set(h.at("2026-12-01", "10:00"))
	mustContain(t, h.command("U1", "/voucher", code+" shipped JX998877 JNE"), "marked shipped")
	h.Clock.Set(h.at("2026-12-04", "10:00"))
	v := validIssue("@late.one")
	v["issue_category"] = "sample_missing"
	v["issue_description"] = "Creator says the serum never arrived"
	tm := reportIssue(t, h, "U2", v)
	mustContain(t, tm, "Sample `"+code+"` (Serum): ordered 4 days ago (Mon 30 Nov); shipped 3 days ago (Tue 1 Dec) via JNE, tracking `JX998877`",
		"Open samples of @late.one")

	clickOn(t, h, "U2", tm, "issue_resolve", "")
	view, err := h.Slack.WaitView(ctxT(t), "U2", func(v *fakeslack.View) bool { return v.CallbackID == "issue_resolve_modal" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(view.JSON), "Mark "+code+" delivered today") {
		t.Fatalf("resolve form has no sample option:\n%s", view.JSON)
	}
	if _, err := h.Slack.User("U2").Submit(ctxT(t), view.ID, map[string]string{"issue_resolution": "Courier found it; delivered",
		"issue_reason": "fixed", "issue_sample": "delivered|" + code}); err != nil {
		t.Fatal(err)
	}
	is := waitIssue(t, h, 1, func(is *store.Issue) bool { return is.Status == store.IssueResolved })
	if is.ResolvedBy != "U2" {
		t.Errorf("resolved by %s", is.ResolvedBy)
	}
	got, _ := h.Main.DB.Voucher(ctx, code)
	if s := got.SampleState(); s.Stage != store.SampleDelivered || s.Events[len(s.Events)-1].UserID != "U2" {
		t.Fatalf("sample after resolve = %+v", s)
	}
	waitContains(t, h, tm, "marked *delivered* Fri 4 Dec")
	mustContain(t, h.command("U3", "/issue", "ISS-1"), "marked *delivered* Fri 4 Dec", "tracking `JX998877`")
}

// TestE2E_ContentClockManySamples: 80 samples due for one owner fit one DM
// within Block Kit's limits; the first 12 have buttons, the rest are lines.
func TestE2E_ContentClockManySamples(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	for i := range 80 {
		v, _, err := h.Main.DB.IssueVoucher(ctx, store.VoucherInput{IssuerID: "U3", Handle: fmt.Sprintf("@bulk.%02d", i), Product: strings.Repeat("Serum ", 30),
			Value: 10_000, Currency: h.Main.Config.Currency, ExpiresAt: h.at("2026-12-14", "00:00")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Main.DB.RedeemVoucher(ctx, v.Code, "U3"); err != nil {
			t.Fatal(err)
		}
	}
	dms := h.runClock("2026-12-08", "10:00")
	if len(dms) != 1 || dms[0].Channel != "DU3" {
		t.Fatalf("DMs = %d, want one to U3", len(dms))
	}
	mustContain(t, dms[0], "80 samples are due a content reminder", "reminded`", "…and 8 more")
	if n := strings.Count(string(dms[0].Blocks), `"sample_reminded"`); n != 12 {
		t.Errorf("%d Reminded buttons, want 12", n)
	}
}
