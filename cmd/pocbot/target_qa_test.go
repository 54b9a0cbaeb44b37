package main

import (
	"strings"
	"testing"

	"pocbot/bot/fakeslack"
)

// TestE2E_TargetRefusesTheBot: a lead who types @pocbot (or picks it in
// the "A person…" select) gets a plain answer, and no target is stored
// for the bot — it would otherwise sit in the digest, the lead's Home and
// the team's sum for ever.
func TestE2E_TargetRefusesTheBot(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	bot := "<@" + fakeslack.BotUserID + "|pocbot>"
	mustContain(t, h.command("UADMIN", "/target", "pitches 10 "+bot), "is a bot", "/target pitches 10 @person")
	mustContain(t, h.command("UADMIN", "/target", "pitches 0 "+bot), "is a bot")

	m := h.command("UADMIN", "/target", "pitches 10")
	mm := m
	if _, err := h.Slack.User("UADMIN").Click(ctx, fakeslack.Target{Message: &mm}, "target_scope_person", fakeslack.BotUserID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		for _, x := range h.Slack.Messages() {
			if strings.Contains(all(x), "is a bot: targets are for people") && x.TS != mm.TS || strings.Contains(all(latest(h, m)), "is a bot") {
				return true
			}
		}
		return false
	})
	if ts, _ := h.Main.DB.Targets(ctx); len(ts) != 0 {
		t.Errorf("targets stored for the bot: %+v", ts)
	}
}

// TestE2E_TargetAdjustZeroKeepsPeriod: in the Adjust form, 0 with
// "Weekly" picked ends the weekly target — it must not end the daily one
// the person has, which the lead did not choose.
func TestE2E_TargetAdjustZeroKeepsPeriod(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	mustContain(t, h.command("UADMIN", "/target", "pitches 8 <@U5>"), "Target set")
	m := h.command("UADMIN", "/target", "pitches 900 <@U5>") // above any capacity: the question
	mustContain(t, m, "Adjust")
	mm := m
	if _, err := h.Slack.User("UADMIN").Click(ctx, fakeslack.Target{Message: &mm}, "target_adjust", ""); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, "UADMIN", func(v *fakeslack.View) bool { return v.CallbackID == "target_adjust_modal" })
	if err != nil {
		t.Fatal(err)
	}
	before := len(h.Slack.Messages())
	if _, err := h.Slack.User("UADMIN").Submit(ctx, v.ID, map[string]string{"target_value": "0", "target_period": "weekly"}); err != nil {
		t.Fatal(err)
	}
	mustContain(t, h.newMessage(before, func(m fakeslack.Message) bool { return strings.Contains(m.Text, "target") }),
		"no weekly pitches target for <@U5>")
	ts, _ := h.Main.DB.Targets(ctx)
	if len(ts) != 1 || ts[0].Value != 8 {
		t.Errorf("the daily target was touched: %+v", ts)
	}
}
