package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pocbot/bot"
	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// replyTo waits for a message to user (ephemeral, response or DM) that
// contains sub, posted after the first `before` messages.
func replyTo(t *testing.T, h *harness, user string, before int, sub string) fakeslack.Message {
	t.Helper()
	return h.newMessage(before, func(m fakeslack.Message) bool {
		return (m.User == user || m.Channel == "D"+user) && strings.Contains(all(m), sub)
	})
}

// Issue #13, "No roster": admins keep a roster; POCBOT_OUTSOURCE seeds it;
// suggestions and /task load use its outsource members, not an admin who
// once gave themself a task.
func TestE2E_TrustRosterDrivesSuggestions(t *testing.T) {
	h := MustRunMain(t, nil, "", func(c *bot.Config) { c.Outsource = []string{"U8"} })
	ctx := ctxT(t)
	// The admin once gave themself a task; U8 (seeded) and U7 have none.
	mustContain(t, h.command("UADMIN", "/task", "<@UADMIN|boss> Check budget by friday"), "Assigned `TSK-1`")

	mustContain(t, h.command("U2", "/team", "add <@U7|out> outsource"), "Only admins can change the team roster")
	mustContain(t, h.command("UADMIN", "/team", "add <@U7|out> <@U2|poc> outsource"), "<@U7>: not on the roster → *outsource*", "<@U2>: not on the roster → *outsource*")
	mustContain(t, h.command("UADMIN", "/team", "add <@U2|poc> poc"), "<@U2>: outsource → *POC staff*")
	mustContain(t, h.command("UADMIN", "/team", "add <@U2|poc> staff"), "<@U2> is already POC staff.")
	mustContain(t, h.command("UADMIN", "/team", "add <@U9|x> vendors"), "is neither a person")
	mustContain(t, h.command("UADMIN", "/team", "add <@U9|x>"), "Which role?")
	var many []string
	for i := range 60 {
		many = append(many, fmt.Sprintf("<@U%03d|p>", i))
	}
	mustContain(t, h.command("UADMIN", "/team", "add "+strings.Join(many, " ")+" outsource"), "That is 60 people; change at most 50 at once.")
	mustContain(t, h.command("U2", "/team", ""), "*Admins:* <@UADMIN>", "*POC staff:* <@U2>", "*Outsource:* <@U7>, <@U8>")

	// The task form suggests an outsource member, never the admin.
	if _, err := h.Slack.User("ULEAD").Command(ctx, "CGENERAL", "/task", ""); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, "ULEAD", func(v *fakeslack.View) bool { return v.CallbackID == "task_modal" })
	if err != nil {
		t.Fatal(err)
	}
	if js := string(v.JSON); !strings.Contains(js, `"initial_user":"U7"`) && !strings.Contains(js, `"initial_user":"U8"`) {
		t.Errorf("task form does not suggest an outsource member:\n%s", js)
	}
	load := h.command("ULEAD", "/task", "load")
	mustContain(t, load, "<@U7> — *0* open", "<@U8> — *0* open", "<@UADMIN> — *1* open · *0* units outstanding · not on the outsource roster")

	// Removed members are not seeded back at the next start.
	mustContain(t, h.command("UADMIN", "/team", "remove <@U8|x>"), "<@U8>: outsource → off the roster")
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	h2 := MustRunMain(t, nil, h.DBPath, func(c *bot.Config) { c.Outsource = []string{"U8"} })
	mustContain(t, h2.command("U2", "/team", ""), "*Outsource:* <@U7>")
	mustNotContain(t, h2.command("U2", "/team", ""), "<@U8>")
	mustContain(t, h2.command("U2", "/team", "permissions"), "Change a pitch's outcome", "owner, admins, POC staff", "Reopen a done or handed-back task", "assigner, admins")
}

// Issue #13, "Silent changes to someone else's results": a teammate's
// outcome change reaches the pitcher in one grouped DM with Undo; an
// outsource member may not change it; taking over a creator asks its owner.
func TestE2E_TrustChangesToldGroupedWithUndo(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	mustContain(t, h.command("U2", "/pitch", "@sari.beauty Serum"), "Logged")
	mustContain(t, h.command("U2", "/pitch", "@budi.jkt Serum"), "Logged")
	mustContain(t, h.command("U2", "/pitch", "@sari.beauty agreed"), "Pitched → *Agreed*")

	r := h.command("U3", "/pitch", "@sari.beauty declined")
	mustContain(t, r, "Agreed → *Declined* (pitch by <@U2>) — <@U2> is told, with Undo.")
	dm := waitDM(t, h, "U2", 0, "<@U3> changed your pitch *PIT-1 @sari.beauty*: Agreed → *Declined* (no longer counts toward your agreed target)")
	mustContain(t, dm, `"action_id":"change_undo"`, "Undo works for 30m")

	// A second change a minute later edits the same DM: one DM, two lines.
	h.Clock.Advance(time.Minute)
	mustContain(t, h.command("U3", "/pitch", "@budi.jkt interested"), "<@U2> is told")
	dm = waitLatest(t, h, dm, "2 changes were made to your records")
	mustContain(t, dm, "PIT-1 @sari.beauty", "PIT-2 @budi.jkt*: Pitched → *Interested*")
	if n := len(dms(h, "U2")); n != 1 {
		t.Errorf("U2 got %d DMs, want one grouped DM", n)
	}

	// Undo by the owner puts the outcome back and tells who made it.
	press(t, h, "U2", dm, "change_undo") // the first Undo button: PIT-1
	waitFor(t, func() bool { p, _ := h.Main.DB.Pitch(ctx, 1); return p.Status == store.PitchAgreed })
	waitDM(t, h, "U3", 0, "<@U2> undid your change to the outcome of *PIT-1 @sari.beauty* (Agreed → Declined): it is back to *Agreed*.")
	dm = waitLatest(t, h, dm, "undone by <@U2>")

	// Past the undo window: refused, nothing changes.
	h.Clock.Advance(31 * time.Minute)
	before := len(h.Slack.Messages())
	dm = latest(h, dm)
	press(t, h, "U2", dm, "change_undo") // PIT-2's button
	replyTo(t, h, "U2", before, "Undo works for 30m after a change, and this one is older.")
	if p, _ := h.Main.DB.Pitch(ctx, 2); p.Status != store.PitchInterested {
		t.Errorf("late undo changed PIT-2: %s", p.Status)
	}
	// A later change starts a new DM.
	mustContain(t, h.command("U3", "/pitch", "@budi.jkt agreed"), "<@U2> is told")
	waitFor(t, func() bool { return len(dms(h, "U2")) == 2 })

	// An outsource member may not change a teammate's outcome.
	mustContain(t, h.command("UADMIN", "/team", "add <@U7|out> outsource"), "*outsource*")
	mustContain(t, h.command("U7", "/pitch", "@sari.beauty declined"), "Only the owner, admins or POC staff can change a pitch's outcome. Ask <@U2>, or an admin.")
	if p, _ := h.Main.DB.Pitch(ctx, 1); p.Status != store.PitchAgreed {
		t.Errorf("outsource member changed PIT-1: %s", p.Status)
	}
}

func TestE2E_TrustCreatorOwnerAsksTheOwner(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	mustContain(t, h.command("U1", "/pitch", "@rina.glow Serum"), "Logged")
	owner := func() string { c, _ := h.Main.DB.Creator(ctx, "rina.glow"); return c.OwnerID }

	r := h.command("U2", "/creator", "@rina.glow set owner <@U2|me> category beauty")
	mustContain(t, r, "Updated *@rina.glow*", "is owned by <@U1>: I asked them to approve moving it to you")
	if owner() != "U1" {
		t.Fatalf("owner changed without asking: %s", owner())
	}
	if c, _ := h.Main.DB.Creator(ctx, "rina.glow"); c.Category != "beauty" {
		t.Errorf("the other fields were not saved: %+v", c)
	}
	ask := waitDM(t, h, "U1", 0, "<@U2> asks to move your creator *@rina.glow* to them.")
	// Someone else cannot answer.
	before := len(h.Slack.Messages())
	press(t, h, "U3", ask, "owner_approve")
	replyTo(t, h, "U3", before, "Only <@U1>, the owner, or an admin can answer this.")
	mustContain(t, h.click("U1", ask, "owner_approve", ""), "Approved: *@rina.glow* is now owned by <@U2>.")
	if owner() != "U2" {
		t.Fatalf("owner after approve = %s", owner())
	}
	waitDM(t, h, "U2", 0, "<@U1> approved: *@rina.glow* is now owned by <@U2>.")

	// Declined: the owner stays.
	h.command("U3", "/creator", "@rina.glow set owner <@U3|me>")
	ask = waitDM(t, h, "U2", 0, "<@U3> asks to move your creator *@rina.glow*")
	mustContain(t, h.click("U2", ask, "owner_decline", ""), "Declined: *@rina.glow* stays with <@U2>.")
	waitDM(t, h, "U3", 0, "<@U2> declined moving *@rina.glow* to <@U3>")
	if owner() != "U2" {
		t.Fatalf("owner after decline = %s", owner())
	}

	// An admin changes it directly; the old owner is told, with Undo.
	mustContain(t, h.command("UADMIN", "/creator", "@rina.glow set owner <@U4|x>"), "<@U2>, the owner until now, is told, with Undo.")
	told := waitDM(t, h, "U2", 0, "<@UADMIN> changed the owner of your creator *@rina.glow*: <@U2> → <@U4>")
	press(t, h, "U2", told, "change_undo")
	waitFor(t, func() bool { return owner() == "U2" })
}

// When the owner cannot be reached by DM, the admins are asked instead.
func TestE2E_TrustOwnerRequestFallsBackToAdmins(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	mustContain(t, h.command("U1", "/pitch", "@gone.owner Serum"), "Logged")
	h.Slack.FailNext("chat.postMessage", "channel_not_found")
	mustContain(t, h.command("U2", "/creator", "@gone.owner set owner <@U2|me>"), "whom I could not reach, so I asked the admins")
	ask := waitDM(t, h, "UADMIN", 0, "<@U2> asks to move *@gone.owner* to them. It is owned by <@U1>, whom I could not reach by DM")
	mustContain(t, h.click("UADMIN", ask, "owner_approve", ""), "Approved: *@gone.owner* is now owned by <@U2>.")
	if c, _ := h.Main.DB.Creator(ctx, "gone.owner"); c.OwnerID != "U2" {
		t.Errorf("owner = %s", c.OwnerID)
	}
}

// TestE2E_NewOwnerIsTold: whoever is made a creator's owner by someone else
// is told, once; nobody is told of their own change.
func TestE2E_NewOwnerIsTold(t *testing.T) {
	h := MustRunMain(t, nil, "")
	mustContain(t, h.command("U1", "/pitch", "@owner.new Serum"), "Logged") // U1 owns it
	before := len(h.Slack.Messages())
	mustContain(t, h.command("U1", "/creator", "@owner.new set owner <@U2|budi>"), "Updated *@owner.new*")
	waitDM(t, h, "U2", 0, "<@U1> made you the owner of *@owner.new*")
	for _, m := range h.dmsSince(before) {
		if m.Channel == "DU1" && strings.Contains(m.Text, "made you the owner") {
			t.Errorf("U1 was told of their own change: %q", m.Text)
		}
	}
	// Taking it for yourself (as its owner's admin would) tells nobody new.
	before = len(h.Slack.Messages())
	mustContain(t, h.command("U2", "/creator", "@owner.new set owner <@U2|budi>"), "Updated")
	for _, m := range h.dmsSince(before) {
		if strings.Contains(m.Text, "made you the owner") {
			t.Errorf("a no-op owner change told someone: %q", m.Text)
		}
	}
}
