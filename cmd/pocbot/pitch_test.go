package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"pocbot/bot/fakeslack"
	"pocbot/store"
)

func TestE2E_PitchBulkWithDuplicatesAndInvalid(t *testing.T) {
	h := MustRunMain(t, nil, "")
	mustContain(t, h.command("U2", "/pitch", "@old.one Serum"), "Logged")
	m := h.command("U1", "/pitch", "@new.one, @old.one\n@x @bad!name @new.two 11.11 campaign -- bulk")
	mustContain(t, m, "Logged 2 pitches, skipped 1 recent duplicate, 2 invalid handles.",
		"@new.one", "@new.two", "@old.one", "<@U2>", "Not valid handles", "@x", "@bad!name", "Log anyway", "Skip")
	ctx := context.Background()
	for _, hdl := range []string{"new.one", "new.two"} {
		p, err := h.Main.DB.LatestPitch(ctx, hdl)
		if err != nil || p.Product != "11.11 campaign" || p.Note != "bulk" {
			t.Errorf("%s: %+v %v", hdl, p, err)
		}
	}
	if ps, _, _ := h.Main.DB.PitchesByCreator(ctx, "old.one", 0, 10); len(ps) != 1 {
		t.Errorf("old.one has %d pitches, want 1 (the duplicate must not be logged)", len(ps))
	}
}

func TestE2E_PitchCooldownBoundary(t *testing.T) {
	h := MustRunMain(t, nil, "")
	mustContain(t, h.command("U1", "/pitch", "@cool.down Serum"), "Logged")
	h.Clock.Advance(14*24*time.Hour - time.Second)
	mustContain(t, h.command("U2", "/pitch", "@cool.down Serum"), "was pitched by", "Not logged")
	h.Clock.Advance(time.Second) // exactly 14 days: no longer a duplicate
	mustContain(t, h.command("U2", "/pitch", "@cool.down Serum"), "Logged pitch")
}

func TestE2E_PitchLogAnywayAndSkip(t *testing.T) {
	h := MustRunMain(t, nil, "")
	h.command("U1", "/pitch", "@dupe.me Serum")
	m := h.command("U2", "/pitch", "@dupe.me Lipstick -- second try")
	mustContain(t, m, "Log anyway")
	ctx := ctxT(t)
	mm := m
	if _, err := h.Slack.User("U2").Click(ctx, fakeslack.Target{Message: &mm}, "pitch_skip", ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(latest(h, m).Text+string(latest(h, m).Blocks), "Skipped") })
	if ps, _, _ := h.Main.DB.PitchesByCreator(ctx, "dupe.me", 0, 10); len(ps) != 1 {
		t.Fatalf("after Skip: %d pitches, want 1", len(ps))
	}
	m = h.command("U2", "/pitch", "@dupe.me Lipstick -- second try")
	mm = m
	if _, err := h.Slack.User("U2").Click(ctx, fakeslack.Target{Message: &mm}, "pitch_force", ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		ps, _, _ := h.Main.DB.PitchesByCreator(ctx, "dupe.me", 0, 10)
		return len(ps) == 2
	})
	p, _ := h.Main.DB.LatestPitch(ctx, "dupe.me")
	if p.UserID != "U2" || p.Product != "Lipstick" || p.Note != "second try" || !p.Forced {
		t.Errorf("forced pitch = %+v", p)
	}
	waitFor(t, func() bool { return strings.Contains(all(latest(h, m)), "logged anyway") })
}

// latest returns the current state of message m (after in-place edits).
func latest(h *harness, m fakeslack.Message) fakeslack.Message {
	for _, x := range h.Slack.Messages() {
		if x.Channel == m.Channel && x.TS == m.TS {
			return x
		}
	}
	return m
}

func TestE2E_PitchOutcomeButtonsAndText(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	m := h.command("U1", "/pitch", "@out.come Serum")
	p, _ := h.Main.DB.LatestPitch(ctx, "out.come")
	for _, s := range []store.PitchStatus{store.PitchInterested, store.PitchAgreed, store.PitchDeclined, store.PitchNoResponse} {
		// Issue #13: the buttons update their own message in place.
		r := h.click("U1", m, "pitch_status_"+string(s), fmt.Sprint(p.ID))
		if r.TS != m.TS {
			t.Errorf("%s: the click posted a new message instead of updating its own", s)
		}
		mustContain(t, r, "PIT-", s.Label(), "✓ "+s.Label())
		m = r
		got, _ := h.Main.DB.Pitch(ctx, p.ID)
		if got.Status != s {
			t.Errorf("after %s button: status %s", s, got.Status)
		}
	}
	got, _ := h.Main.DB.Pitch(ctx, p.ID)
	if n := len(got.History); n != 4 || got.History[0].UserID != "U1" || got.History[3].To != store.PitchNoResponse {
		t.Errorf("history = %+v", got.History)
	}
	mustContain(t, h.command("U1", "/pitch", "@out.come agreed"), "No response → *Agreed*")
	mustContain(t, h.command("U1", "/pitch", "@out.come no response"), "*No response*")
	mustContain(t, h.command("U1", "/pitch", "@never.pitched agreed"), "has no pitch yet")
	audit, err := h.Main.DB.AuditLog(ctx, store.PitchEntity(p.ID), 50)
	if err != nil || len(audit) < 7 {
		t.Errorf("audit entries = %d (%v), want create + 6 status changes", len(audit), err)
	}
}

func TestE2E_PitchModal(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	u := h.Slack.User("U1")
	if _, err := u.Command(ctx, "CGENERAL", "/pitch", ""); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool { return v.CallbackID == "pitch_modal" })
	if err != nil {
		t.Fatal(err)
	}
	ack, err := u.Submit(ctx, v.ID, map[string]string{"pitch_creators": "@ok.one @no!", "pitch_commission": "95"})
	if err != nil {
		t.Fatal(err)
	}
	open, _ := h.Slack.OpenView("U1")
	if open == nil || !strings.Contains(open.Errors["pitch_creators"], "no!") || !strings.Contains(open.Errors["pitch_commission"], "1 to 80") {
		t.Fatalf("errors = %+v (ack %s)", open, ack.Payload)
	}
	// Product words in the creators field are refused, never read as creators.
	if _, err := u.Submit(ctx, v.ID, map[string]string{"pitch_creators": "sari2\nrina3 Glow Serum"}); err != nil {
		t.Fatal(err)
	}
	if open, _ := h.Slack.OpenView("U1"); open == nil || !strings.Contains(open.Errors["pitch_creators"], "rina3 Glow Serum") {
		t.Fatalf("product words in the creators field: errors = %+v", open)
	}
	before := len(h.Slack.Messages())
	if _, err := u.Submit(ctx, v.ID, map[string]string{"pitch_creators": "@ok.one\n@ok.two", "pitch_product": "Glow Serum",
		"pitch_commission": "15%", "pitch_channel": "whatsapp", "pitch_note": "via WA"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Slack.OpenView("U1"); ok {
		t.Error("modal still open after a valid submission")
	}
	m := h.newMessage(before, func(m fakeslack.Message) bool { return m.User == "U1" || m.Channel == "DU1" })
	mustContain(t, m, "Logged 2 pitches", "@ok.one", "@ok.two")
	p, _ := h.Main.DB.LatestPitch(context.Background(), "ok.two")
	if p.CommissionPct != 15 || p.Channel != "whatsapp" || p.Note != "via WA" || p.Product != "Glow Serum" {
		t.Errorf("pitch from modal = %+v", p)
	}
}

func TestE2E_PitchListStatsFollowups(t *testing.T) {
	h := MustRunMain(t, nil, "")
	h.command("U1", "/pitch", "@f.one Serum")
	h.command("U1", "/pitch", "@f.two Serum")
	h.command("U2", "/pitch", "@f.three Serum")
	mustContain(t, h.command("U1", "/pitch", "@f.two agreed"), "Agreed")
	mustContain(t, h.command("U1", "/pitch", "list"), "@f.one", "@f.two")
	mustNotContain(t, h.command("U1", "/pitch", "list mine"), "@f.three")
	mustContain(t, h.command("U1", "/pitch", "list <@U2|two>"), "@f.three")
	mustContain(t, h.command("U1", "/pitch", "list today"), "@f.one", "@f.three")
	mustContain(t, h.command("U1", "/pitch", "list yesterdayish"), "I can list")
	st := h.command("U1", "/pitch", "stats week")
	mustContain(t, st, "*Team:* 3 pitched → 1 interested (33%) → 1 agreed (33%)", "<@U1>: 2 pitched → 1 interested (50%) → 1 agreed (50%)")
	mustContain(t, h.command("U1", "/pitch", "stats decade"), "Stats cover")

	mustContain(t, h.command("U1", "/pitch", "followups"), "No follow-ups due")
	h.Clock.Advance(3*24*time.Hour + time.Minute)
	fu := h.command("U1", "/pitch", "followups")
	mustContain(t, fu, "1 pitch needs a follow-up", "@f.one")
	mustNotContain(t, fu, "@f.two", "@f.three")
}

func TestE2E_FollowupDMOncePerDayPerOwner(t *testing.T) {
	h := MustRunMain(t, nil, "")
	h.command("U1", "/pitch", "@d.one Serum")
	h.command("U1", "/pitch", "@d.two Serum")
	h.command("U2", "/pitch", "@d.three Serum")
	h.Clock.Advance(4 * 24 * time.Hour)
	ctx := context.Background()
	due := h.Clock.Now()
	for i := 0; i < 2; i++ { // a second run of the same slot (catch-up, retry) sends nothing
		if err := h.Bot.RunJob(ctx, "followups", due.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	dms := func(u string) []fakeslack.Message {
		var out []fakeslack.Message
		for _, m := range h.Slack.Messages() {
			if m.Channel == "D"+u && strings.Contains(m.Text, "follow-up") {
				out = append(out, m)
			}
		}
		return out
	}
	if d := dms("U1"); len(d) != 1 {
		t.Fatalf("U1 got %d follow-up DMs, want 1", len(d))
	} else {
		mustContain(t, d[0], "2 pitches need a follow-up", "@d.one", "@d.two")
	}
	if d := dms("U2"); len(d) != 1 {
		t.Fatalf("U2 got %d follow-up DMs, want 1", len(d))
	}
	h.Clock.Advance(24 * time.Hour) // Saturday: not a working day
	if err := h.Bot.RunJob(ctx, "followups", h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if d := dms("U1"); len(d) != 1 {
		t.Errorf("on Saturday U1 has %d DMs in all, want still 1", len(d))
	}
	h.Clock.Advance(2 * 24 * time.Hour) // Monday
	if err := h.Bot.RunJob(ctx, "followups", h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if d := dms("U1"); len(d) != 2 {
		t.Errorf("on Monday U1 has %d DMs in all, want 2", len(d))
	}
}

func TestE2E_Creator(t *testing.T) {
	h := MustRunMain(t, nil, "")
	mustContain(t, h.command("U1", "/creator", "@nobody.yet"), "nothing on *@nobody.yet*")
	h.command("U1", "/pitch", "@Sari.Beauty Glow Serum")
	mustContain(t, h.command("U2", "/creator", "@sari.beauty note prefers <!channel> WhatsApp"), "Note added")
	mustContain(t, h.command("U2", "/creator", "@sari.beauty set followers 120k category beauty owner <@U2|two> name Sari Dewi"),
		// U1 owns the creator: U2's owner change asks U1 first (issue #13).
		"Updated", "120k", "beauty", "Sari Dewi", "is owned by <@U1>: I asked them to approve")
	m := h.command("U3", "/creator", "@SARI.beauty")
	mustContain(t, m, "@sari.beauty", "PIT-1", "Glow Serum", "prefers &lt;!channel&gt; WhatsApp", "Sari Dewi", "Log a pitch")
	mustNotContain(t, m, "<!channel>")
	mustContain(t, h.command("U3", "/creator", "find dewi"), "@sari.beauty")
	mustContain(t, h.command("U3", "/creator", "find zz"), "No creator matches")
	mustContain(t, h.command("U3", "/creator", "@sari.beauty set mood happy"), "not something I can set")
	mustContain(t, h.command("U3", "/creator", "@sari.beauty set followers lots"), "follower")
	mustContain(t, h.command("U3", "/creator", "@bad!handle"), "handle")

	// "Log a pitch" opens the pitch modal prefilled.
	mm := m
	if _, err := h.Slack.User("U3").Click(ctxT(t), fakeslack.Target{Message: &mm}, "creator_pitch", ""); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctxT(t), "U3", func(v *fakeslack.View) bool { return v.CallbackID == "pitch_modal" })
	if err != nil || !strings.Contains(string(v.JSON), "@sari.beauty") {
		t.Errorf("prefilled pitch modal: %v %s", err, v.JSON)
	}
}

func TestE2E_CreatorWith500EntriesPaginates(t *testing.T) {
	t.Parallel()
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	// 250 pitches in one transaction, then 250 notes (each its own commit).
	var ps []store.Pitch
	for i := 0; i < 250; i++ {
		ps = append(ps, store.Pitch{UserID: "U1", Handle: "busy.creator", Product: strings.Repeat("Long product name ", 10),
			Status: store.PitchPitched, CreatedAt: h.Clock.Now().Add(time.Duration(i-250) * time.Minute)})
	}
	if err := h.Main.DB.ImportPitches(ctx, ps); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 250; i++ {
		if _, err := h.Main.DB.AddCreatorNote(ctx, "busy.creator", "U2", strings.Repeat("n", 2900)); err != nil {
			t.Fatal(err)
		}
	}
	m := h.command("U1", "/creator", "@busy.creator")
	mustContain(t, m, "1–15 of 500", "Older")
	for page := 0; page < 3; page++ {
		before := m.Updates
		mm := m
		if _, err := h.Slack.User("U1").Click(ctxT(t), fakeslack.Target{Message: &mm}, "creator_page_older", ""); err != nil {
			t.Fatal(err)
		}
		h.wait(func() bool { return latest(h, m).Updates > before })
		if latest(h, m).Updates <= before {
			t.Fatalf("page %d: message not updated\ncalls: %+v\nlogs:\n%s", page, h.Slack.Calls("response_url"), h.Logs.String())
		}
		m = latest(h, m)
	}
	mustContain(t, m, "46–60 of 500", "Newer")
}

// TestE2E_PitchBulkReplyKeepsSkippedVisible: 97 new handles with a long,
// escape-heavy product still leave the duplicates and invalid handles in
// the one reply (they come first), within Slack's limits.
func TestE2E_PitchBulkReplyKeepsSkippedVisible(t *testing.T) {
	h := MustRunMain(t, nil, "")
	h.command("U2", "/pitch", "@dup.one @dup.two Serum")
	var b strings.Builder
	for i := 0; i < 97; i++ {
		fmt.Fprintf(&b, "@bulk.%02d ", i)
	}
	b.WriteString("@dup.one @dup.two @x ")
	b.WriteString(strings.Repeat("&", 200))
	m := h.command("U1", "/pitch", b.String())
	mustContain(t, m, "Logged 97 pitches, skipped 2 recent duplicates, 1 invalid handle.", "@dup.one", "@dup.two", "Not valid handles", "@bulk.96")
}

func TestE2E_PitchLogAnywayDoubleClickLogsOnce(t *testing.T) {
	h := MustRunMain(t, nil, "")
	h.command("U1", "/pitch", "@twice.click Serum")
	m := h.command("U2", "/pitch", "@twice.click Lipstick")
	ctx := ctxT(t)
	replies := len(h.Slack.Calls("response_url"))
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mm := m
			if _, err := h.Slack.User("U2").Click(ctx, fakeslack.Target{Message: &mm}, "pitch_force", ""); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// Each click's handler ends with its reply on the response_url (the
	// forced pitch, or "already logged from this button"): wait for both.
	if !h.wait(func() bool { return len(h.Slack.Calls("response_url")) >= replies+2 }) {
		t.Fatalf("response_url calls = %d, want %d", len(h.Slack.Calls("response_url")), replies+2)
	}
	if ps, _, _ := h.Main.DB.PitchesByCreator(context.Background(), "twice.click", 0, 10); len(ps) != 2 {
		t.Errorf("pitches = %d after a double click on Log anyway, want 2 (the first and one forced)", len(ps))
	}
}
