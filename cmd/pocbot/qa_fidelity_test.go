package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// After PIT-n, a typo gets the closest correct form: "delet" → delete,
// "notes x" → note x, "setju" → setuju; not always "agreed".
func TestE2E_PitchIDTypoSuggestsClosestForm(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	h.command("U2", "/pitch", "@typo.test Glow Serum")
	p, _ := h.Main.DB.LatestPitch(ctx, "typo.test")
	id := fmt.Sprintf("PIT-%d", p.ID)
	for typed, want := range map[string]string{
		"delet":         "Did you mean `/pitch " + id + " delete`?",
		"notes called":  "Did you mean `/pitch " + id + " note called`?",
		"setju":         "Did you mean `/pitch " + id + " setuju`?",
		"declned":       "Did you mean `/pitch " + id + " declined`?",
		"frobnicate it": "Did you mean `/pitch " + id + " agreed`?",
	} {
		mustContain(t, h.command("U2", "/pitch", id+" "+typed), want)
	}
	// PIT-0 is a pitch ID no pitch has, not an unknown word.
	m := h.command("U2", "/pitch", "PIT-0")
	mustContain(t, m, "There is no `PIT-0`", "/pitch list")
	mustNotContain(t, m, "didn't understand")
}

// An outcome typed or clicked for a deleted pitch says it was deleted and
// by whom, in the PIT-n form, like the detail and note do.
func TestE2E_OutcomeOnDeletedPitch(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	logged := h.command("U2", "/pitch", "@gone.test Glow Serum")
	p, _ := h.Main.DB.LatestPitch(ctx, "gone.test")
	id := fmt.Sprintf("PIT-%d", p.ID)
	ask := h.command("U2", "/pitch", id+" delete")
	h.click("U2", ask, "pitch_delete", fmt.Sprint(p.ID))
	m := h.command("U2", "/pitch", id+" agreed")
	mustContain(t, m, id+" was deleted by <@U2>")
	mustNotContain(t, m, "#")
	m = h.click("U2", logged, "pitch_status_agreed", fmt.Sprint(p.ID))
	mustContain(t, m, id+" was deleted by <@U2>")
}

// /target's own words get a "did you mean" too, for anyone: "reprot" is
// report, "holday add …" is holiday add, not a metric or "admins only".
func TestE2E_TargetKeywordTypo(t *testing.T) {
	h := MustRunMain(t, nil, "")
	mustContain(t, h.command("U2", "/target", "reprot week"), "Did you mean `/target report week`?")
	mustContain(t, h.command("U1", "/target", "holday add 2026-12-25"), "Did you mean `/target holiday add 2026-12-25`?")
	mustContain(t, h.command("U1", "/target", "nudge off"), "Nudges") // an accepted spelling still works
}

// A "which pitch?" button pressed after that pitch got the same outcome
// some other way says it already has it, not "Interested → Interested".
func TestE2E_PitchPickAlreadySet(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	h.command("U2", "/pitch", "@pick.same Glow Serum")
	h.Clock.Advance(15 * 24 * time.Hour)
	h.command("U2", "/pitch", "@pick.same Lip Tint")
	ps, _, _ := h.Main.DB.PitchesByCreator(ctx, "pick.same", 0, 10)
	newest := ps[0]
	ask := h.command("U2", "/pitch", "@pick.same tertarik")
	mustContain(t, ask, "Which one is *Interested*")
	h.command("U1", "/pitch", fmt.Sprintf("PIT-%d interested", newest.ID))
	r := h.click("U2", ask, "pitch_pick_0", fmt.Sprintf("%d:interested", newest.ID))
	mustContain(t, r, fmt.Sprintf("*PIT-%d* *@pick.same* is already *Interested*", newest.ID))
	mustNotContain(t, r, "Interested → *Interested*")
}

// The first words of a multi-word outcome ("tidak ada", "no") are a
// truncated outcome, not a product: no pitch is logged, a did-you-mean is.
func TestE2E_TruncatedOutcomeIsNotAProduct(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	h.command("U2", "/pitch", "@cut.test Glow Serum")
	for typed, want := range map[string]string{"tidak": "tidak ada respon", "tidak ada": "tidak ada respon", "no": "no response"} {
		mustContain(t, h.command("U2", "/pitch", "@cut.test "+typed), "Did you mean `/pitch @cut.test "+want+"`?")
	}
	if ps, _, _ := h.Main.DB.PitchesByCreator(ctx, "cut.test", 0, 10); len(ps) != 1 {
		t.Errorf("%d pitches for @cut.test, want 1 (no pitch for a product called tidak)", len(ps))
	}
}

// A mistyped /issue subcommand ("lsit mine", "exprt") or a word after an
// issue ID ("ISS-1 reslove") gets one line saying what to type, instead of
// the new-issue form with that text as its description.
func TestE2E_IssueTypoIsNotANewIssue(t *testing.T) {
	h := MustRunMain(t, nil, "")
	for typed, want := range map[string]string{
		"lsit mine":     "Did you mean `/issue list mine`?",
		"lst":           "Did you mean `/issue list`?",
		"exprt":         "Did you mean `/issue export`?",
		"ISS-1 reslove": "Type `/issue ISS-1` to see it",
	} {
		m := h.command("U2", "/issue", typed)
		mustContain(t, m, want)
		if n := len(h.Slack.ViewStack("U2")); n != 0 {
			t.Fatalf("/issue %s opened %d forms", typed, n)
		}
	}
	// A description still opens the form.
	openIssueForm(t, h, "U2", "sampel belum sampai")
}

// A long note full of characters Slack escapes (< > &) still shows the
// "N of M characters shown" line in the pitch's detail: escaping must not
// push it past the block limit, where it would be clipped off silently.
func TestE2E_PitchDetailLongEscapedNoteSaysWhatIsCut(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	h.command("U2", "/pitch", "@esc.note Glow Serum")
	p, _ := h.Main.DB.LatestPitch(ctx, "esc.note")
	note := strings.Repeat("a<b>&c ", 420)[:2940]
	h.command("U2", "/pitch", fmt.Sprintf("PIT-%d note %s", p.ID, note))
	m := h.command("U2", "/pitch", fmt.Sprintf("PIT-%d", p.ID))
	mustContain(t, m, "characters shown; the rest is stored")
}
