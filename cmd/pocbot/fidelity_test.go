package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"pocbot/bot"
	"pocbot/bot/fakeslack"

	"pocbot/store"
)

// Issue #13, "Wrong counts and labels": /creator find states the true
// total and says how to narrow; counts read "1 pitch", not "1 pitch(es)".
func TestE2E_CreatorFindTrueTotal(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	var cs []store.Creator
	for i := range 100 {
		cs = append(cs, store.Creator{Handle: fmt.Sprintf("bulk%03d", i)})
	}
	if err := h.Main.DB.ImportCreators(ctx, "U1", cs); err != nil {
		t.Fatal(err)
	}
	m := h.command("U1", "/creator", "find bulk")
	mustContain(t, m, "100 creators match", "Showing the best 30 of 100", "narrow")
	mustNotContain(t, m, "(s)", "30 creators match")
	m = h.command("U1", "/creator", "find bulk042")
	mustContain(t, m, "1 creator matches", "@bulk042")
	mustNotContain(t, m, "Showing the best")
}

// Issue #13, "The pitch ID cannot be used": /pitch PIT-n takes an outcome,
// shows detail and history, takes a note, and a mistaken pitch can be
// deleted by its owner or an admin (audited, gone from counts, Check ok).
func TestE2E_PitchByID(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	h.command("U2", "/pitch", "@id.test Glow Serum -- first contact")
	p, _ := h.Main.DB.LatestPitch(ctx, "id.test")
	id := fmt.Sprintf("PIT-%d", p.ID)
	mustContain(t, h.command("U1", "/pitch", id+" declined"), "Pitched → *Declined*")
	mustContain(t, h.command("U1", "/pitch", strings.ToLower(id)+" setuju"), "Declined → *Agreed*")
	m := h.command("U1", "/pitch", id)
	mustContain(t, m, id+" · @id.test", "Glow Serum", "first contact", "*History*", "logged the pitch",
		"Pitched → *Declined*", "Declined → *Agreed*", "✓ Agreed")
	mustNotContain(t, m, "Delete…") // U1 neither owns it nor is an admin
	// Its outcome buttons redraw the detail view in place, history included.
	r := h.click("U1", m, "pitch_status_interested", fmt.Sprint(p.ID))
	if r.TS != m.TS {
		t.Error("the detail view's button posted a new message")
	}
	mustContain(t, r, id+" · @id.test", "*History*", "Agreed → *Interested*", "✓ Interested")
	h.command("U1", "/pitch", id+" agreed")
	mustContain(t, h.command("U1", "/pitch", id+" note sent, again"), "Only <@U2>")
	mustContain(t, h.command("U2", "/pitch", id+" note sent the link, WA 0812; will call Fri"), "Note on *"+id+"*")
	if got, _ := h.Main.DB.Pitch(ctx, p.ID); got.Note != "sent the link, WA 0812; will call Fri" {
		t.Errorf("note = %q, want it as typed", got.Note)
	}
	mustContain(t, h.command("U2", "/pitch", id), "changed the note to “sent the link, WA 0812; will call Fri”")
	mustContain(t, h.command("U2", "/pitch", id+" frobnicate"), "Did you mean `/pitch "+id+" agreed`")

	// Delete: U1 may not; U2 (owner) is asked, confirms; the pitch leaves counts.
	mustContain(t, h.command("U1", "/pitch", id+" delete"), "Only <@U2>")
	ask := h.command("U2", "/pitch", id+" delete")
	mustContain(t, ask, "Delete PIT-", "Keep it", "leaves every count")
	done := h.click("U2", ask, "pitch_delete", fmt.Sprint(p.ID))
	mustContain(t, done, "Deleted *"+id+"*", "was *Agreed*")
	if _, err := h.Main.DB.Pitch(ctx, p.ID); store.ErrorCode(err) != store.NotFound {
		t.Errorf("pitch still there: %v", err)
	}
	if st, _ := h.Main.DB.PitchStats(ctx, h.Clock.Now().Add(-time.Hour), h.Clock.Now().Add(time.Hour)); st.Team.Pitched != 0 || st.Team.Agreed != 0 {
		t.Errorf("stats after delete = %+v", st.Team)
	}
	if err := h.Main.DB.Check(); err != nil {
		t.Errorf("Check after delete: %v", err)
	}
	mustContain(t, h.command("U1", "/pitch", id), id+" was deleted by <@U2>")
	audit, _ := h.Main.DB.AuditLog(ctx, store.PitchEntity(p.ID), 1)
	if len(audit) != 1 || audit[0].Action != store.ActionPitchDelete || audit[0].UserID != "U2" {
		t.Errorf("audit = %+v", audit)
	}
	// An admin may delete anyone's pitch.
	h.command("U2", "/pitch", "@id.two Serum")
	p2, _ := h.Main.DB.LatestPitch(ctx, "id.two")
	ask = h.command("UADMIN", "/pitch", fmt.Sprintf("PIT-%d delete", p2.ID))
	mustContain(t, h.click("UADMIN", ask, "pitch_delete", fmt.Sprint(p2.ID)), "Deleted")
}

// Issue #13: "/pitch @h agreed" with several open pitches asks which one,
// naming product and date; the chosen button records it on that pitch.
func TestE2E_PitchOutcomeAsksWhichPitch(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	h.command("U1", "/pitch", "@two.open Glow Serum")
	h.Clock.Advance(15 * 24 * time.Hour)
	h.command("U2", "/pitch", "@two.open Lip Tint")
	ps, _, _ := h.Main.DB.PitchesByCreator(ctx, "two.open", 0, 10)
	newest, oldest := ps[0], ps[1]
	m := h.command("U1", "/pitch", "@two.open agreed")
	mustContain(t, m, "has 2 open pitches", "Which one is *Agreed*", fmt.Sprintf("PIT-%d · Glow Serum · 30 Nov", oldest.ID),
		fmt.Sprintf("PIT-%d · Lip Tint · 15 Dec", newest.ID))
	if got, _ := h.Main.DB.Pitch(ctx, oldest.ID); got.Status != store.PitchPitched {
		t.Fatalf("asking changed the pitch: %s", got.Status)
	}
	r := h.click("U1", m, "pitch_pick_1", fmt.Sprintf("%d:agreed", oldest.ID))
	mustContain(t, r, fmt.Sprintf("PIT-%d", oldest.ID), "Pitched → *Agreed*")
	if got, _ := h.Main.DB.Pitch(ctx, oldest.ID); got.Status != store.PitchAgreed {
		t.Errorf("picked pitch = %s", got.Status)
	}
	if got, _ := h.Main.DB.Pitch(ctx, newest.ID); got.Status != store.PitchPitched {
		t.Errorf("the other pitch changed: %s", got.Status)
	}
	// One open pitch left: no question.
	mustContain(t, h.command("U1", "/pitch", "@two.open tolak"), fmt.Sprintf("PIT-%d", newest.ID), "Pitched → *Declined*")
}

// Issue #13, "Small things": Indonesian outcome words; handles without @
// get a "did you mean"; products and notes are stored as typed; outcome
// buttons update their own message and mark the current outcome.
func TestE2E_PitchFidelity(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	m := h.command("U1", "/pitch", "@comma.test Glow Serum, 30ml, pink -- sent DM, no reply; try WA")
	if p, _ := h.Main.DB.LatestPitch(ctx, "comma.test"); p.Product != "Glow Serum, 30ml, pink" || p.Note != "sent DM, no reply; try WA" {
		t.Errorf("stored product %q note %q", p.Product, p.Note)
	}
	mustContain(t, m, "Glow Serum, 30ml, pink")
	h.command("U1", "/pitch", "@a1.x, @b2.x Serum")
	for _, hd := range []string{"a1.x", "b2.x"} {
		if p, err := h.Main.DB.LatestPitch(ctx, hd); err != nil || p.Product != "Serum" {
			t.Errorf("%s: %+v %v (comma list of handles must still work)", hd, p, err)
		}
	}
	for word, want := range map[string]string{"tertarik": "Interested", "setuju": "Agreed", "tolak": "Declined", "tidak ada respon": "No response"} {
		mustContain(t, h.command("U1", "/pitch", "@comma.test "+word), "*"+want+"*")
	}
	r := h.command("U1", "/pitch", "sari.beauty")
	mustContain(t, r, "Did you mean `/pitch @sari.beauty`?")
	mustNotContain(t, r, "Examples") // one line, not the help page
	mustContain(t, h.command("U1", "/pitch", "sari.beauty agreed"), "Did you mean `/pitch @sari.beauty agreed`?")
	mustContain(t, h.command("U1", "/pitch", "lsit today"), "Did you mean `/pitch list today`?")
	mustContain(t, h.command("U1", "/pitch", "@comma.test agred"), "Did you mean `/pitch @comma.test agreed`?")
	mustContain(t, h.command("U1", "/creator", "fnd sari"), "Did you mean `/creator find sari`?")
	mustContain(t, h.command("U1", "/voucher", "budgt"), "Did you mean `/voucher budget`?")

	// Buttons on a two-pitch ephemeral reply: a click rewrites that message,
	// both rows stay, the clicked one shows its outcome.
	m = h.command("U1", "/pitch", "@row.one, @row.two Toner")
	one, _ := h.Main.DB.LatestPitch(ctx, "row.one")
	before := len(h.Slack.Messages())
	r = h.click("U1", m, "pitch_status_agreed", fmt.Sprint(one.ID))
	if r.TS != m.TS || len(h.Slack.Messages()) != before {
		t.Errorf("the click posted a new message (ts %s vs %s)", r.TS, m.TS)
	}
	mustContain(t, r, "@row.one", "@row.two", "*Agreed*", "✓ Agreed", "Pitched → *Agreed*")
	if n := strings.Count(all(r), "pitch_status_agreed"); n != 2 {
		t.Errorf("%d rows of buttons after the click, want 2:\n%s", n, all(r))
	}
}

// Issue #13, "Help that refuses its own example": every example in every
// command's help is run through the real bot, as an admin (so permission
// never masks a parse failure), and must not come back as a parse error —
// no Invalid user error in the log, no "didn't understand". People in
// /task and /target examples are typed with @, which Slack turns into a
// mention; the test does the same.
func TestE2E_HelpExamplesAreValidInput(t *testing.T) {
	const users = 40
	var admins []string
	for i := range users {
		admins = append(admins, fmt.Sprintf("UEX%02d", i))
	}
	h := MustRunMain(t, nil, "", func(c *bot.Config) { c.Admins = append(c.Admins, admins...) })
	person := regexp.MustCompile(`@([a-z]+)\b`)
	ran := 0
	for _, name := range h.Bot.Commands() {
		examples := h.Bot.HelpExamples(name)
		if len(examples) == 0 {
			t.Errorf("%s has no examples in its help", name)
		}
		for _, ex := range examples {
			cmd, text, _ := strings.Cut(ex, " ")
			if cmd != name {
				t.Errorf("example %q of %s runs another command", ex, name)
				continue
			}
			if name == "/task" || name == "/target" || name == "/team" {
				text = person.ReplaceAllString(text, "<@U2|$1>")
			}
			if ran == users {
				t.Fatal("more examples than test users")
			}
			u := admins[ran]
			ran++
			before, logsBefore := len(h.Slack.Messages()), len(h.Logs.String())
			ctx := ctxT(t)
			if _, err := h.Slack.User(u).Command(ctx, "CGENERAL", cmd, text); err != nil {
				t.Fatal(err)
			}
			// The answer is a reply or a form (each example has its own user,
			// so any modal of theirs is this example's).
			got := make(chan string, 2)
			go func() {
				if v, err := h.Slack.WaitView(ctx, u, func(v *fakeslack.View) bool { return v.Type == "modal" }); err == nil {
					got <- "form " + v.CallbackID
				}
			}()
			go func() {
				var reply string
				if h.Slack.Wait(ctx, func() bool {
					ms := h.Slack.Messages()
					for i := before; i < len(ms); i++ {
						if ms[i].User == u && ms[i].Kind == "response" {
							reply = all(ms[i])
							return true
						}
					}
					return false
				}) == nil {
					got <- reply
				}
			}()
			var answer string
			select {
			case answer = <-got:
			case <-ctx.Done():
				t.Fatalf("example %q: no reply and no form", ex)
			}
			logs := h.Logs.String()[logsBefore:]
			if strings.Contains(logs, `"code":"invalid"`) || strings.Contains(answer, "didn't understand") || strings.Contains(answer, "Did you mean") {
				t.Errorf("help example %q is refused:\n%s\nlog: %s", ex, answer, logs)
			}
			if m := lazyPluralRE.FindString(answer); m != "" {
				t.Errorf("help example %q answers with a lazy plural %q:\n%s", ex, m, answer)
			}
		}
	}
	if ran < 15 {
		t.Errorf("ran %d examples; the help texts have more", ran)
	}
}

// Outcome buttons in a DM (a real message, whose blocks Slack sends back
// with the click) update that DM in place: the clicked row changes, the
// header and the other rows stay.
func TestE2E_FollowupDMOutcomeInPlace(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	h.command("U1", "/pitch", "@dm.one Serum")
	h.command("U1", "/pitch", "@dm.two Toner")
	h.Clock.Advance(4 * 24 * time.Hour)
	if err := h.Bot.RunJob(ctx, "followups", h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	var dm fakeslack.Message
	waitFor(t, func() bool {
		for _, m := range h.Slack.Messages() {
			if m.Channel == "DU1" && strings.Contains(m.Text, "follow-up") {
				dm = m
				return true
			}
		}
		return false
	})
	one, _ := h.Main.DB.LatestPitch(ctx, "dm.one")
	before := len(h.Slack.Messages())
	r := h.click("U1", dm, "pitch_status_declined", fmt.Sprint(one.ID))
	if r.TS != dm.TS || len(h.Slack.Messages()) != before {
		t.Fatalf("the click did not update the DM in place")
	}
	mustContain(t, r, "2 pitches need a follow-up", "@dm.one", "*Declined*", "✓ Declined", "@dm.two")
	if got, _ := h.Main.DB.Pitch(ctx, one.ID); got.Status != store.PitchDeclined {
		t.Errorf("status = %s", got.Status)
	}
}

// A reply with a duplicate (Log anyway / Skip) and a logged pitch: an
// outcome click rebuilds the ephemeral message with both, so the pending
// duplicate decision is not lost.
func TestE2E_OutcomeInPlaceKeepsDuplicateRow(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	h.command("U2", "/pitch", "@dup.keep Serum")
	m := h.command("U1", "/pitch", "@dup.keep, @new.keep Serum -- batch")
	mustContain(t, m, "Log anyway", "@new.keep")
	p, _ := h.Main.DB.LatestPitch(ctx, "new.keep")
	r := h.click("U1", m, "pitch_status_interested", fmt.Sprint(p.ID))
	if r.TS != m.TS {
		t.Fatal("not updated in place")
	}
	mustContain(t, r, "✓ Interested", "@dup.keep", "Log anyway", "Skip", "Pitched → *Interested*")
	// Log anyway from the rebuilt message still logs with the batch's product and note.
	r2 := h.click("U1", r, "pitch_force", "")
	_ = r2
	waitFor(t, func() bool {
		ps, _, _ := h.Main.DB.PitchesByCreator(ctx, "dup.keep", 0, 10)
		return len(ps) == 2 && ps[0].UserID == "U1" && ps[0].Product == "Serum" && ps[0].Note == "batch"
	})
}

// lazyPluralRE is "pitch(es)", "issue(s)" in a rendered message.
var lazyPluralRE = regexp.MustCompile(`[A-Za-z]\((s|es)\)`)
