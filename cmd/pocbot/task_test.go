package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// dms returns the bot's messages in user's DM channel, in order.
func dms(h *harness, user string) []fakeslack.Message {
	var out []fakeslack.Message
	for _, m := range h.Slack.Messages() {
		if m.Channel == "D"+user && m.Kind == "message" {
			out = append(out, m)
		}
	}
	return out
}

// waitDM waits for a DM to user (posted after the first `after` DMs) that
// contains sub.
func waitDM(t *testing.T, h *harness, user string, after int, sub string) fakeslack.Message {
	t.Helper()
	var got fakeslack.Message
	waitFor(t, func() bool {
		ms := dms(h, user)
		for i := after; i < len(ms); i++ {
			if strings.Contains(all(ms[i]), sub) {
				got = ms[i]
				return true
			}
		}
		return false
	})
	return got
}

// press clicks a button in m as user (no reply expected: the bot edits
// messages and DMs people instead).
func press(t *testing.T, h *harness, user string, m fakeslack.Message, actionID string) {
	t.Helper()
	mm := m
	if _, err := h.Slack.User(user).Click(ctxT(t), fakeslack.Target{Message: &mm}, actionID, ""); err != nil {
		t.Fatalf("click %s: %v", actionID, err)
	}
}

func waitLatest(t *testing.T, h *harness, m fakeslack.Message, sub string) fakeslack.Message {
	t.Helper()
	waitFor(t, func() bool { return strings.Contains(all(latest(h, m)), sub) })
	return latest(h, m)
}

func TestE2E_TaskQuickFormDMButtonsAndPitchProgress(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	r := h.command("ULEAD", "/task", "<@U1|ana> Pitch 40 beauty creators by friday")
	mustContain(t, r, "Assigned `TSK-1` to <@U1>", "Pitch 40 beauty creators", "due Fri 4 Dec")

	dm := waitDM(t, h, "U1", 0, "TSK-1")
	mustContain(t, dm, "Pitch 40 beauty creators", "<@ULEAD>", "Pitching", "0/40 done", "Accept", "Update progress", "Done", "Can't do")

	press(t, h, "U1", dm, "task_accept")
	dm = waitLatest(t, h, dm, "Accepted")
	mustNotContain(t, dm, `"task_accept"`)
	waitDM(t, h, "ULEAD", 0, "<@U1> accepted `TSK-1`")

	// Three pitches logged after accepting count toward the quantity.
	mustContain(t, h.command("U1", "/pitch", "@sari.beauty @budi.jkt @rina.glow Serum"), "Logged 3 pitches")
	if tk, _ := h.Main.DB.Task(ctx, 1); tk.Pitched != 3 || tk.Outstanding() != 37 {
		t.Errorf("after 3 pitches: Pitched = %d, Outstanding = %d; want 3, 37", tk.Pitched, tk.Outstanding())
	}
	// The assignee's task DM shows the new count without any task action.
	dm = waitLatest(t, h, dm, "3/40 done (3 from /pitch)")

	// Update progress: the modal adds units not logged with /pitch.
	press(t, h, "U1", dm, "task_progress")
	v, err := h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool { return v.CallbackID == "task_progress_modal" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(v.JSON), "3 already counted from /pitch") {
		t.Errorf("progress modal does not show the /pitch count:\n%s", v.JSON)
	}
	ack, err := h.Slack.User("U1").Submit(ctx, v.ID, map[string]string{"task_progress_qty": "lots"})
	if err != nil {
		t.Fatal(err)
	}
	if open, _ := h.Slack.OpenView("U1"); open == nil || open.Errors["task_progress_qty"] == "" {
		t.Fatalf("bad quantity: modal closed or no field error (ack %s)", ack.Payload)
	}
	if _, err := h.Slack.User("U1").Submit(ctx, v.ID, map[string]string{"task_progress_qty": "1000"}); err != nil {
		t.Fatal(err)
	}
	if open, _ := h.Slack.OpenView("U1"); open == nil || !strings.Contains(open.Errors["task_progress_qty"], "Check the number") {
		t.Fatalf("1000 units on a small task: errors = %+v", open)
	}
	if _, err := h.Slack.User("U1").Submit(ctx, v.ID, map[string]string{"task_progress_qty": "2", "task_progress_note": "two via <!channel> WA"}); err != nil {
		t.Fatal(err)
	}
	dm = waitLatest(t, h, dm, "5/40 done (3 from /pitch)")
	mustContain(t, dm, "In progress")
	news := waitDM(t, h, "ULEAD", 0, "updated `TSK-1`")
	mustContain(t, news, "+2", "5/40 done", "two via &lt;!channel&gt; WA")
	mustNotContain(t, news, "<!channel>")

	press(t, h, "U1", dm, "task_done")
	// 5/40: Done asks first (issue #13) and records what was confirmed.
	q := h.newMessage(0, func(m fakeslack.Message) bool { return strings.Contains(all(m), "35 short. Mark it done anyway?") })
	press(t, h, "U1", q, "task_done_confirm")
	dm = waitLatest(t, h, dm, "Closed")
	mustNotContain(t, dm, `"task_done"`, `"task_progress"`)
	waitDM(t, h, "ULEAD", 0, "<@U1> finished `TSK-1`")

	// Detail with history.
	d := h.command("ULEAD", "/task", "TSK-1")
	mustContain(t, d, "History", "assigned it to <@U1>", "Assigned → *Accepted*", "(+2)", "*Done*", "marked done at 5/40")
}

func TestE2E_TaskCantDoAndReassign(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	mustContain(t, h.command("ULEAD", "/task", "<@U2|budi> Review 30 videos of @sari.beauty by tomorrow 16:00"), "Assigned `TSK-1`", "due tomorrow 16:00")
	dm := waitDM(t, h, "U2", 0, "TSK-1")
	mustContain(t, dm, "Content review")

	// Only the assignee can use the buttons.
	press(t, h, "U3", fakeslack.Message{Channel: dm.Channel, TS: dm.TS}, "task_accept")
	waitFor(t, func() bool {
		for _, m := range h.Slack.Messages() {
			if m.User == "U3" && strings.Contains(m.Text+string(m.Blocks), "Only the person the task is assigned to") {
				return true
			}
		}
		return false
	})

	press(t, h, "U2", dm, "task_cantdo")
	v, err := h.Slack.WaitView(ctx, "U2", func(v *fakeslack.View) bool { return v.CallbackID == "task_cantdo_modal" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.User("U2").Submit(ctx, v.ID, map[string]string{"task_reason": "On leave tomorrow"}); err != nil {
		t.Fatal(err)
	}
	dm = waitLatest(t, h, dm, "Can't do because:* On leave tomorrow")
	mustNotContain(t, dm, `"task_accept"`)
	back := waitDM(t, h, "ULEAD", 0, "can't do `TSK-1`")
	mustContain(t, back, "On leave tomorrow", "Reassign")

	// Another member exists with no open work: the reassign form suggests them.
	if err := h.Main.DB.SetTaskCapacity(ctx, "UADMIN", "U5", 30); err != nil {
		t.Fatal(err)
	}
	press(t, h, "ULEAD", back, "task_reassign")
	rv, err := h.Slack.WaitView(ctx, "ULEAD", func(v *fakeslack.View) bool { return v.CallbackID == "task_modal" })
	if err != nil {
		t.Fatal(err)
	}
	js := string(rv.JSON)
	for _, want := range []string{`"initial_user":"U5"`, "Review 30 videos of @sari.beauty", `"initial_time":"16:00"`} {
		if !strings.Contains(js, want) {
			t.Errorf("reassign form lacks %s:\n%s", want, js)
		}
	}
	// Reassign, then press Reassign on the same message again and submit:
	// one replacement task, and the second submission is told which.
	if _, err := h.Slack.User("ULEAD").Submit(ctx, rv.ID, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { ts, _ := h.Main.DB.TasksByAssignee(ctx, "U5", true, 0); return len(ts) == 1 })
	mustContain(t, h.command("ULEAD", "/task", "TSK-1"), "Reassigned as TSK-")
	press(t, h, "ULEAD", back, "task_reassign")
	rv2, err := h.Slack.WaitView(ctx, "ULEAD", func(v *fakeslack.View) bool { return v.CallbackID == "task_modal" && v.ID != rv.ID })
	if err != nil {
		t.Fatal(err)
	}
	before := len(h.Slack.Messages())
	if _, err := h.Slack.User("ULEAD").Submit(ctx, rv2.ID, nil); err != nil {
		t.Fatal(err)
	}
	mustContain(t, h.newMessage(before, func(m fakeslack.Message) bool { return strings.Contains(m.Text, "already done") }), "TSK-")
	if ts, _ := h.Main.DB.TasksByAssignee(ctx, "U5", true, 0); len(ts) != 1 {
		t.Errorf("U5 has %d open tasks after reassigning the same task twice, want 1", len(ts))
	}

	// The task named a creator: it shows in /creator once the creator exists.
	h.command("ULEAD", "/pitch", "@sari.beauty Serum")
	mustContain(t, h.command("ULEAD", "/creator", "@sari.beauty"), "task `TSK-1` for <@U2>", "Can't do")
}

func TestE2E_TaskModal(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	// U1 has 30 units open, U2 has 5: the form suggests U2.
	h.command("ULEAD", "/task", "<@U1> Pitch 30 creators by friday")
	h.command("ULEAD", "/task", "<@U2> Follow up 5 pitches by friday")
	if _, err := h.Slack.User("ULEAD").Command(ctx, "CGENERAL", "/task", ""); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, "ULEAD", func(v *fakeslack.View) bool { return v.CallbackID == "task_modal" })
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"initial_user":"U2"`, `"type":"datepicker"`, `"type":"timepicker"`, `"timezone":"Asia/Jakarta"`, `"initial_date":"2026-11-30"`} {
		if !strings.Contains(string(v.JSON), want) {
			t.Errorf("task modal lacks %s:\n%s", want, v.JSON)
		}
	}
	u := h.Slack.User("ULEAD")
	if _, err := u.Submit(ctx, v.ID, map[string]string{"task_title": "Check 12 samples", "task_kind": "sample_check",
		"task_quantity": "-3", "task_due_date": "2026-11-27"}); err != nil {
		t.Fatal(err)
	}
	open, _ := h.Slack.OpenView("ULEAD")
	if open == nil || open.Errors["task_quantity"] == "" || !strings.Contains(open.Errors["task_due_date"], "past") {
		t.Fatalf("want quantity and past-date errors, got %+v", open)
	}
	before := len(dms(h, "U2"))
	if _, err := u.Submit(ctx, v.ID, map[string]string{"task_title": "Check 12 samples <!here>", "task_kind": "sample_check",
		"task_quantity": "12", "task_due_date": "2026-12-02", "task_due_time": "11:30", "task_note": "Gudang B, ask @rina.glow"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Slack.OpenView("ULEAD"); ok {
		t.Error("modal still open after a valid submission")
	}
	dm := waitDM(t, h, "U2", before, "TSK-3")
	mustContain(t, dm, "Sample check", "0/12 done", "Wed 2 Dec 11:30", "Gudang B")
	if strings.Contains(dm.Text, "<!here>") || strings.Contains(all(dm), `"mrkdwn","text":"<!here>`) {
		t.Errorf("hostile title reached mrkdwn unescaped: %s", all(dm))
	}
	tk, err := h.Main.DB.Task(ctx, 3)
	if err != nil || tk.Assignee != "U2" || tk.Quantity != 12 || !tk.DueHasTime ||
		!tk.Due.Equal(time.Date(2026, 12, 2, 11, 30, 0, 0, h.Main.Config.Location)) || len(tk.Creators) != 1 {
		t.Errorf("stored task = %+v, %v", tk, err)
	}
	waitFor(t, func() bool {
		for _, m := range h.Slack.Messages() {
			if m.User == "ULEAD" && strings.Contains(all(m), "Assigned `TSK-3` to <@U2>") {
				return true
			}
		}
		return false
	})
}

func TestE2E_TaskOverloadWarning(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	// Monday: 50 units due today fits the default 60.
	mustContain(t, h.command("ULEAD", "/task", "<@U1> Pitch 50 creators by today"), "Assigned `TSK-1`")
	mustContain(t, h.command("ULEAD", "/task", "<@U2> Pitch 5 creators by today"), "Assigned `TSK-2`")
	before := len(dms(h, "U1"))

	w := h.command("ULEAD", "/task", "<@U1> Follow up 20 pitches by today")
	mustContain(t, w, "<@U1> would be over capacity", "*70 units*", "50 already assigned + 20 in this task",
		"capacity of *60* (60 a day × 1 working day)", "<@U2> has the least open work", "Assign anyway", "Pick someone else")
	if tk, err := h.Main.DB.Task(ctx, 3); store.ErrorCode(err) != store.NotFound {
		t.Fatalf("task created before confirmation: %+v", tk)
	}
	if n := len(dms(h, "U1")); n != before {
		t.Fatalf("U1 got %d DM(s) before the assigner confirmed", n-before)
	}

	// Over several days the limit is capacity × working days: by Wednesday
	// (Mon, Tue, Wed) U1 can take 180 − 50 = 130 more.
	mustContain(t, h.command("ULEAD", "/task", "<@U1> Pitch 130 creators by wednesday"), "Assigned `TSK-3`")
	w2 := h.command("ULEAD", "/task", "<@U1> Pitch 1 creator by wednesday")
	mustContain(t, w2, "*181 units*", "(60 a day × 3 working days)")

	press(t, h, "ULEAD", w, "task_assign_anyway")
	dm := waitDM(t, h, "U1", before, "Follow up 20 pitches")
	mustContain(t, dm, "TSK-4")
	waitLatest(t, h, w, "Assigned `TSK-4` to <@U1>")
	mustNotContain(t, latest(h, w), `"task_assign_anyway"`) // a second press is impossible
	if n := len(dms(h, "U1")); n != before+2 {
		t.Errorf("U1 has %d new DMs, want 2", n-before)
	}

	// Pick someone else reopens the form with the same task and U2.
	press(t, h, "ULEAD", w2, "task_pick_other")
	v, err := h.Slack.WaitView(ctx, "ULEAD", func(v *fakeslack.View) bool { return v.CallbackID == "task_modal" })
	if err != nil {
		t.Fatal(err)
	}
	if js := string(v.JSON); !strings.Contains(js, `"initial_user":"U2"`) || !strings.Contains(js, "Pitch 1 creator") {
		t.Errorf("pick-other form:\n%s", js)
	}
	if _, err := h.Slack.User("ULEAD").Submit(ctx, v.ID, map[string]string{}); err != nil {
		t.Fatal(err)
	}
	waitDM(t, h, "U2", 0, "Pitch 1 creator")

	// Per-person capacity: admins only.
	mustContain(t, h.command("U1", "/task", "capacity <@U2> 5"), "Only admins")
	mustContain(t, h.command("UADMIN", "/task", "capacity <@U2|budi> 5"), "<@U2> can now take *5 units*")
	mustContain(t, h.command("ULEAD", "/task", "<@U2> Pitch 10 by today"), "would be over capacity", "(5 a day × 1 working day)")
	mustContain(t, h.command("UADMIN", "/task", "capacity <@U2> default"), "back on the default of *60 units*")
	mustContain(t, h.command("ULEAD", "/task", "capacity"), "*60 units*")
}

func TestE2E_TaskReminders(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	loc := h.Main.Config.Location
	mon := time.Date(2026, 11, 30, 0, 0, 0, 0, loc)
	mk := func(user, title string, due time.Time, hasTime bool) {
		t.Helper()
		if _, err := h.Main.DB.CreateTask(ctx, store.TaskInput{Assignee: user, Assigner: "ULEAD", Title: title,
			Kind: store.KindOther, Due: due, DueHasTime: hasTime}); err != nil {
			t.Fatal(err)
		}
	}
	mk("U1", "Due today A", mon.AddDate(0, 0, 1), false)
	mk("U1", "Due today B 17:00", mon.Add(17*time.Hour), true)
	mk("U1", "Overdue since Friday", mon, false) // due by the end of Sunday
	mk("U2", "Due today C", mon.AddDate(0, 0, 1), false)
	mk("U3", "Due tomorrow", mon.AddDate(0, 0, 2), false)

	run := func(at time.Time) {
		t.Helper()
		h.Clock.Set(at)
		if err := h.Bot.RunJob(ctx, "task_reminders", at); err != nil {
			t.Fatal(err)
		}
	}
	run(mon.Add(15 * time.Hour))
	u1 := waitDM(t, h, "U1", 0, "Task reminder")
	mustContain(t, u1, "Due today (2)", "Due today A", "Due today B 17:00", "Overdue (1)", "Overdue since Friday")
	waitDM(t, h, "U2", 0, "Due today C")
	if n := len(dms(h, "U1")); n != 1 {
		t.Errorf("U1 got %d reminder DMs, want 1 (grouped)", n)
	}
	if n := len(dms(h, "U3")); n != 0 {
		t.Errorf("U3 got %d DMs, want none (due tomorrow)", n)
	}
	// A re-run the same day (catch-up, retry) sends nothing again.
	run(mon.Add(15*time.Hour + time.Minute)) // RunJob returns after the job's posts
	if n1, n2 := len(dms(h, "U1")), len(dms(h, "U2")); n1 != 1 || n2 != 1 {
		t.Errorf("after a re-run: U1 %d, U2 %d DMs; want 1 each", n1, n2)
	}
	// Tuesday: what is still open is overdue, reminded once that day.
	run(mon.AddDate(0, 0, 1).Add(15 * time.Hour))
	tue := waitDM(t, h, "U1", 1, "Task reminder")
	mustContain(t, tue, "Overdue (3)")
	mustNotContain(t, tue, "Due today (")
	waitDM(t, h, "U3", 0, "Due today (1)")
	// Saturday: no reminders on non-working days.
	before := len(h.Slack.Messages())
	run(mon.AddDate(0, 0, 5).Add(15 * time.Hour))
	if n := len(h.Slack.Messages()); n != before {
		t.Errorf("Saturday sent %d message(s), want none", n-before)
	}

	// The workload and lists see the same tasks.
	load := h.command("ULEAD", "/task", "load")
	mustContain(t, load, "<@U1>", "*3* open", "3 overdue")
	mustContain(t, h.command("ULEAD", "/task", "list overdue"), "Overdue tasks", "Overdue since Friday", "<@U2>")
	mustContain(t, h.command("U1", "/task", "list"), "Your open tasks", "(3)")
	mustContain(t, h.command("ULEAD", "/task", "list <@U3>"), "Due tomorrow")
	mustContain(t, h.command("ULEAD", "/task", "list done"), "none")
}

func TestE2E_TaskBadInput(t *testing.T) {
	h := MustRunMain(t, nil, "")
	tests := []struct{ text, want string }{
		{"<@U1> Pitch 5 by someday", "today, tomorrow, a weekday"},
		{"<@U1> Pitch 5 by 2020-01-01", "in the past"},
		{"<@U1> Pitch 5 creators", `after "by"`},
		{"ana Pitch 5 by friday", "I didn't understand"},
		{"list everything", "not `everything`"},
		{"TSK-99", "There is no task TSK-99."},
		{"capacity <@U1> lots", "Only admins"},
		{"<@U1> " + strings.Repeat("x", 300) + " by friday", "at most 200 characters"},
	}
	for _, tc := range tests {
		mustContain(t, h.command("ULEAD", "/task", tc.text), tc.want)
	}
	mustContain(t, h.command("UADMIN", "/task", "capacity <@U1> lots"), "whole number")
	mustContain(t, h.command("ULEAD", "/task", "load"), "No one has had a task yet")
	mustContain(t, h.command("ULEAD", "/task", "help"), "/task — assign outsource tasks")
}

func TestE2E_TaskHugeInput(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	if _, err := h.Slack.User("ULEAD").Command(ctx, "CGENERAL", "/task", ""); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, "ULEAD", func(v *fakeslack.View) bool { return v.CallbackID == "task_modal" })
	if err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("<&>", 1000) // 3000 characters that triple when escaped
	if _, err := h.Slack.User("ULEAD").Submit(ctx, v.ID, map[string]string{"task_assignee": "U1", "task_title": strings.Repeat("&", 200),
		"task_kind": "other", "task_due_date": "2026-12-01", "task_note": huge}); err != nil {
		t.Fatal(err)
	}
	dm := waitDM(t, h, "U1", 0, "TSK-1")
	press(t, h, "U1", dm, "task_progress")
	pv, err := h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool { return v.CallbackID == "task_progress_modal" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.User("U1").Submit(ctx, pv.ID, map[string]string{"task_progress_note": huge}); err != nil {
		t.Fatal(err)
	}
	waitDM(t, h, "ULEAD", 0, "updated `TSK-1`")
	mustContain(t, h.command("ULEAD", "/task", "TSK-1"), "Assigned → *In progress*: &lt;&amp;&gt;")
	for _, c := range h.Slack.Calls("chat.postMessage") {
		if c.Error != "" {
			t.Errorf("chat.postMessage failed: %s", c.Error)
		}
	}
	for _, c := range h.Slack.Calls("chat.update") {
		if c.Error != "" {
			t.Errorf("chat.update failed: %s", c.Error)
		}
	}
}

func TestLoadConfig_TaskSettings(t *testing.T) {
	t.Parallel()
	base := map[string]string{"SLACK_BOT_TOKEN": "xoxb-12345678901", "SLACK_APP_TOKEN": "xapp-12345678901"}
	for _, tc := range []struct {
		k, v string
		ok   bool
	}{
		{"POCBOT_TASK_REMINDER", "15:00", true}, {"POCBOT_TASK_REMINDER", "9:30", true},
		{"POCBOT_TASK_REMINDER", "+5:00", false}, {"POCBOT_TASK_REMINDER", "24:00", false}, {"POCBOT_TASK_REMINDER", "3pm", false},
		{"POCBOT_DAILY_CAPACITY", "40", true}, {"POCBOT_DAILY_CAPACITY", "0", false}, {"POCBOT_DAILY_CAPACITY", "lots", false},
	} {
		env := map[string]string{tc.k: tc.v}
		for k, v := range base {
			env[k] = v
		}
		_, err := LoadConfig(getenvFrom(env))
		if (err == nil) != tc.ok || err != nil && !strings.Contains(err.Error(), tc.k) {
			t.Errorf("LoadConfig(%s=%q) error = %v, want ok=%v", tc.k, tc.v, err, tc.ok)
		}
	}
}

func TestE2E_TaskFormRedeliveredOnce(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	if _, err := h.Slack.User("U1").Command(ctx, "CGENERAL", "/task", ""); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, "U1", func(v *fakeslack.View) bool { return v.CallbackID != "" })
	if err != nil {
		t.Fatal(err)
	}
	payload := map[string]any{
		"type": "view_submission",
		"team": map[string]any{"id": fakeslack.TeamID},
		"user": map[string]any{"id": "U1", "username": "u1", "team_id": fakeslack.TeamID},
		"view": map[string]any{
			"id": v.ID, "hash": v.Hash, "type": "modal", "callback_id": v.CallbackID, "private_metadata": v.PrivateMetadata,
			"state": map[string]any{"values": map[string]any{
				"task_assignee": map[string]any{"v": map[string]any{"type": "users_select", "selected_user": "U2"}},
				"task_title":    map[string]any{"v": map[string]any{"type": "plain_text_input", "value": "Check 5 videos"}},
				"task_kind":     map[string]any{"v": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "content_review"}}},
				"task_due_date": map[string]any{"v": map[string]any{"type": "datepicker", "selected_date": "2026-12-04"}},
			}},
		},
	}
	for _, id := range []string{"task-env-1", "task-env-2"} {
		if _, err := h.Slack.Deliver(ctx, fakeslack.Envelope{ID: id, Type: "interactive", Payload: payload, AcceptsResponsePayload: true}); err != nil {
			t.Fatal(err)
		}
	}
	// After a restart the store's idempotency key answers.
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	h = MustRunMain(t, h.Slack, h.DBPath)
	if _, err := h.Slack.Deliver(ctx, fakeslack.Envelope{ID: "task-env-3", Type: "interactive", Payload: payload, AcceptsResponsePayload: true}); err != nil {
		t.Fatal(err)
	}
	// A form is validated and committed before its ack (Deliver returns the
	// ack), so the store already holds whatever this delivery wrote.
	tasks, err := h.Main.DB.TasksByAssignee(context.Background(), "U2", true, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 {
		t.Fatalf("U2 has %d tasks after three deliveries of one form, want 1", len(tasks))
	}
}
