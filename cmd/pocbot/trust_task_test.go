package main

import (
	"strings"
	"testing"
	"time"

	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// Issue #13, "Done without doing": Done on a 0/200 task that was never
// accepted asks first and records what was confirmed; the assigner's news
// carries Reopen, and reopening takes the task out of the done count.
// Progress past the quantity asks "did you mean…?".
func TestE2E_TrustTaskDoneNeedsAcceptAndReopen(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	mustContain(t, h.command("ULEAD", "/task", "<@U7|out> Follow up 200 creators by friday"), "Assigned `TSK-1` to <@U7>")
	dm := waitDM(t, h, "U7", 0, "TSK-1")

	press(t, h, "U7", dm, "task_done")
	q := h.newMessage(0, func(m fakeslack.Message) bool {
		return m.User == "U7" && strings.Contains(all(m), "You haven't accepted `TSK-1`, and it is *0/200* done. Mark it done anyway?")
	})
	mustContain(t, q, "Mark done without accepting, at 0/200", "Not yet", "<@ULEAD> will see what you confirmed")
	if tk, _ := h.Main.DB.Task(ctx, 1); tk.Status != store.TaskAssigned {
		t.Fatalf("asking changed the task: %s", tk.Status)
	}
	// "Not yet" keeps it open.
	mustContain(t, h.click("U7", q, "task_done_cancel", "1"), "`TSK-1` stays open.")

	press(t, h, "U7", dm, "task_done")
	q = h.newMessage(0, func(m fakeslack.Message) bool {
		return m.User == "U7" && strings.Contains(all(m), "Mark it done anyway?") && strings.Contains(all(m), "task_done_confirm")
	})
	press(t, h, "U7", q, "task_done_confirm")
	news := waitDM(t, h, "ULEAD", 0, "<@U7> finished `TSK-1`")
	mustContain(t, news, "0/200 done", "They confirmed it was done without accepting, at 0/200.", `"action_id":"task_reopen"`, "Reopen")
	tk, _ := h.Main.DB.Task(ctx, 1)
	if tk.Status != store.TaskDone || !strings.Contains(tk.History[len(tk.History)-1].Note, "without accepting, at 0/200") {
		t.Fatalf("task after confirmed Done: %s %+v", tk.Status, tk.History)
	}
	doneCount := func() int {
		now := h.Clock.Now()
		c, err := h.Main.DB.TasksDoneByDay(ctx, []time.Time{now.Add(-48 * time.Hour), now.Add(48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return c[0]["U7"]
	}
	if n := doneCount(); n != 1 {
		t.Fatalf("tasks done = %d, want 1", n)
	}

	// Only the assigner (or an admin) may reopen.
	press(t, h, "U9", news, "task_reopen")
	waitFor(t, func() bool {
		for _, m := range h.Slack.Messages() {
			if m.User == "U9" && strings.Contains(all(m), "Only whoever assigned TSK-1, or an admin, can reopen it.") {
				return true
			}
		}
		return false
	})
	r := h.click("ULEAD", news, "task_reopen", "1")
	mustContain(t, r, "Reopened `TSK-1` (Assigned); <@U7> is told.")
	back := waitDM(t, h, "U7", 0, "<@ULEAD> reopened `TSK-1`")
	mustContain(t, back, "back to *Assigned*")
	dm = waitLatest(t, h, dm, `"task_accept"`)
	mustContain(t, dm, `"task_done"`)
	if n := doneCount(); n != 0 {
		t.Errorf("tasks done after reopen = %d, want 0", n)
	}

	// Progress past the quantity: 250 on a 200 task asks first.
	press(t, h, "U7", dm, "task_accept")
	dm = waitLatest(t, h, dm, "Accepted")
	press(t, h, "U7", dm, "task_progress")
	v, err := h.Slack.WaitView(ctx, "U7", func(v *fakeslack.View) bool { return v.CallbackID == "task_progress_modal" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.User("U7").Submit(ctx, v.ID, map[string]string{"task_progress_qty": "250"}); err != nil {
		t.Fatal(err)
	}
	open, _ := h.Slack.OpenView("U7")
	if open == nil || !strings.Contains(string(open.JSON), "+250 makes *250/200* — 50 more than the task. Did you mean *200* (to reach 200)?") {
		t.Fatalf("no did-you-mean on 250/200: %+v", open)
	}
	if tk, _ := h.Main.DB.Task(ctx, 1); tk.DoneQty != 0 {
		t.Fatalf("asking saved progress: %d", tk.DoneQty)
	}
	// Save again with the same number records it.
	if _, err := h.Slack.User("U7").Submit(ctx, open.ID, map[string]string{"task_progress_qty": "250"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { tk, _ := h.Main.DB.Task(ctx, 1); return tk.DoneQty == 250 })
	// Done at or past the quantity, accepted: no question.
	press(t, h, "U7", dm, "task_done")
	waitDM(t, h, "ULEAD", 1, "<@U7> finished `TSK-1` *Follow up 200 creators* — 250/200 done.")
}
