package main

import (
	"strings"
	"testing"
	"time"

	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// Asking twice to take over a creator does not DM the owner twice; a
// stale request declined after the creator moved names who has it now.
func TestE2E_TrustOwnerRequestOnceAndDeclineNamesCurrentOwner(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	mustContain(t, h.command("U1", "/pitch", "@sari.beauty Serum"), "Logged")

	mustContain(t, h.command("U2", "/creator", "@sari.beauty set owner <@U2|me>"), "I asked them to approve moving it to you.")
	first := waitDM(t, h, "U1", 0, "<@U2> asks to move your creator *@sari.beauty* to them.")
	mustContain(t, h.command("U2", "/creator", "@sari.beauty set owner <@U2|me>"), "You already asked <@U1>", "still waiting for their answer")
	if n := len(dms(h, "U1")); n != 1 {
		t.Errorf("the owner got %d DMs for the same request, want 1", n)
	}

	// Another request, to U3, is approved first; then the first is declined.
	mustContain(t, h.command("U4", "/creator", "@sari.beauty set owner <@U3|x>"), "I asked them to approve moving it to <@U3>.")
	second := waitDM(t, h, "U1", 1, "<@U4> asks to move your creator *@sari.beauty* to <@U3>.")
	mustContain(t, h.click("U1", second, "owner_approve", ""), "is now owned by <@U3>")
	r := h.click("U1", first, "owner_decline", "")
	mustContain(t, r, "Declined: *@sari.beauty* stays with <@U3>.")
	mustNotContain(t, r, "stays with <@U1>")
	waitDM(t, h, "U2", 0, "<@U1> declined moving *@sari.beauty* to <@U2>; it stays with <@U3>.")
	if c, _ := h.Main.DB.Creator(ctx, "sari.beauty"); c.OwnerID != "U3" {
		t.Errorf("owner = %s, want U3", c.OwnerID)
	}
}

// An issue resolved within its first minute reads "within a minute" in the
// reporter's DM and "under 1m" in /issue list resolved, not "0m".
func TestE2E_TrustResolvedWithinAMinuteReadsUnder1m(t *testing.T) {
	h := MustRunMain(t, nil, "")
	tm := reportIssue(t, h, "U1", validIssue("@budi.jkt"))
	resolveIssue(t, h, "U2", tm, "New code sent")
	dm := waitDM(t, h, "U1", 0, "was resolved by <@U2>")
	mustContain(t, dm, "within a minute. Please tell @budi.jkt:")
	mustNotContain(t, dm, "after 0m")
	l := h.command("U1", "/issue", "list resolved")
	mustContain(t, l, "median time to resolve *under 1m*", "resolved in *under 1m*")
	mustNotContain(t, l, "*0m*")
}

// /team permissions reads as sentences: README's "—" (nobody else) column
// marker does not leak into the message as "owner, admins; — (…)".
func TestE2E_TrustPermissionsHaveNoDashMarker(t *testing.T) {
	h := MustRunMain(t, nil, "")
	p := h.command("U2", "/team", "permissions")
	mustContain(t, p, "*Edit a pitch's note or delete a pitch* — owner, admins (audited; a deleted pitch leaves every count)",
		"*Accept, update, finish or hand back a task* — owner (only the assignee); Done before Accept")
	mustNotContain(t, p, "; —")
}

// The bot itself cannot be put on the roster (it would be suggested for
// outsource tasks and listed in /task load).
func TestE2E_TrustRosterRefusesTheBot(t *testing.T) {
	h := MustRunMain(t, nil, "")
	r := h.command("UADMIN", "/team", "add <@"+fakeslack.BotUserID+"|pocbot> <@U7|ana> outsource")
	mustContain(t, r, "is pocbot itself; the roster is for people on the team.")
	mustNotContain(t, h.command("UADMIN", "/team", ""), "<@"+fakeslack.BotUserID+">", "<@U7>")
}

// A late Undo says which command puts the change back, and that command
// works; a change from Pitched (no command sets it back) names the outcomes.
func TestE2E_TrustLateUndoNamesTheCommand(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	mustContain(t, h.command("U2", "/pitch", "@sari.beauty Serum"), "Logged")
	mustContain(t, h.command("U2", "/pitch", "PIT-1 no response"), "Pitched → *No response*")
	mustContain(t, h.command("U3", "/pitch", "PIT-1 declined"), "<@U2> is told")
	dm := waitDM(t, h, "U2", 0, "<@U3> changed your pitch *PIT-1 @sari.beauty*: No response → *Declined*")
	h.Clock.Advance(31 * time.Minute)
	before := len(h.Slack.Messages())
	press(t, h, "U2", dm, "change_undo")
	replyTo(t, h, "U2", before, "this one is older. Change it back with `/pitch PIT-1 no response`.")
	mustContain(t, h.command("U2", "/pitch", "PIT-1 no response"), "Declined → *No response*")
	if p, _ := h.Main.DB.Pitch(ctx, 1); p.Status != store.PitchNoResponse {
		t.Errorf("PIT-1 = %s, want no_response", p.Status)
	}

	mustContain(t, h.command("U2", "/pitch", "@budi.jkt Serum"), "Logged *PIT-2*")
	mustContain(t, h.command("U3", "/pitch", "PIT-2 agreed"), "<@U2> is told")
	dm = waitDM(t, h, "U2", 1, "PIT-2 @budi.jkt*: Pitched → *Agreed*")
	h.Clock.Advance(31 * time.Minute)
	before = len(h.Slack.Messages())
	press(t, h, "U2", dm, "change_undo")
	replyTo(t, h, "U2", before, "Set its outcome with `/pitch PIT-2 interested|agreed|declined|no response`.")
}

// A reopened task's history says it was reopened, not just Done → Assigned.
func TestE2E_TrustTaskHistorySaysReopened(t *testing.T) {
	h := MustRunMain(t, nil, "")
	mustContain(t, h.command("ULEAD", "/task", "<@U7|out> Follow up 20 creators by friday"), "Assigned `TSK-1`")
	dm := waitDM(t, h, "U7", 0, "TSK-1")
	press(t, h, "U7", dm, "task_done")
	q := h.newMessage(0, func(m fakeslack.Message) bool {
		return m.User == "U7" && strings.Contains(all(m), "task_done_confirm")
	})
	press(t, h, "U7", q, "task_done_confirm")
	news := waitDM(t, h, "ULEAD", 0, "<@U7> finished `TSK-1`")
	mustContain(t, h.click("ULEAD", news, "task_reopen", "1"), "Reopened `TSK-1`")
	mustContain(t, h.command("ULEAD", "/task", "TSK-1"), "<@ULEAD>: Done → *Assigned*: reopened")
}

// The person who must act on an issue is told when someone else gives it
// to them or reopens it (the triage thread names nobody); never of their
// own change, and a reporter-assignee only once.
func TestE2E_TrustAssigneeToldOfReassignAndReopen(t *testing.T) {
	h := MustRunMain(t, nil, "")
	tm := reportIssue(t, h, "U1", validIssue("@budi.jkt"))
	clickOn(t, h, "U2", tm, "issue_assign_me", "")
	waitIssue(t, h, 1, func(is *store.Issue) bool { return is.AssigneeID == "U2" })
	clickOn(t, h, "U2", tm, "issue_reassign", "U3")
	waitIssue(t, h, 1, func(is *store.Issue) bool { return is.AssigneeID == "U3" })
	dm := waitDM(t, h, "U3", 0, "<@U2> gave you `ISS-1` *@budi.jkt* (Voucher not working) · due")
	mustContain(t, dm, "`/issue list mine`")
	if n := len(dms(h, "U2")); n != 0 {
		t.Errorf("U2 got %d DMs about their own changes", n)
	}

	resolveIssue(t, h, "U3", tm, "New code sent")
	waitContains(t, h, tm, `"issue_reopen"`)
	clickOn(t, h, "U4", tm, "issue_reopen", "")
	waitDM(t, h, "U3", 0, "<@U4> reopened `ISS-1` *@budi.jkt* (Voucher not working), which is with you: it is open again")
	waitDM(t, h, "U1", 0, "that you reported was reopened by <@U4>.")
	if n := len(dms(h, "U4")); n != 0 {
		t.Errorf("U4 got %d DMs about their own reopen", n)
	}
}
