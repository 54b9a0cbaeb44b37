package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// lastFile waits for a file named like prefix in the user's DM.
func (h *harness) lastFile(user, prefix string) fakeslack.File {
	h.t.Helper()
	var got fakeslack.File
	waitFor(h.t, func() bool {
		for _, f := range h.Slack.Files() {
			if f.Channel == "D"+user && strings.HasPrefix(f.Filename, prefix) {
				got = f
			}
		}
		return got.ID != ""
	})
	return got
}

func TestE2E_ExportsPitchesIssuesTasks(t *testing.T) {
	h := MustRunMain(t, nil, "")
	seedWork(t, h)
	h.Clock.Set(h.at("2026-11-30", "09:30"))
	h.command("U1", "/pitch", "@evil.one =HYPERLINK(\"http://x\" \"y\") -- +cmd|' /C calc'!A0")
	h.command("U2", "/pitch", "@calm.one Glow Serum")
	h.command("U1", "/pitch", "@calm.one agreed")

	mustContain(t, h.command("U1", "/pitch", "export"), "Only admins", "<@UADMIN>")
	mustContain(t, h.command("UADMIN", "/pitch", "export fortnight"), "didn't understand", "fortnight")
	mustContain(t, h.command("UADMIN", "/pitch", "export 2026-11-30 2026-11-01"), "must not be after")

	m := h.command("UADMIN", "/pitch", "export week")
	mustContain(t, m, "pitches-20261130-20261130.csv", "2 rows")
	f := h.lastFile("UADMIN", "pitches-")
	want := "id,created_at,creator,pitched_by,product,status,status_changed_at,commission_pct,channel,note,forced,imported\r\n" +
		"1,2026-11-30 09:30,evil.one,U1,\"'=HYPERLINK(\"\"http://x\"\" \"\"y\"\")\",pitched,,,,'+cmd|' /C calc'!A0,,\r\n" +
		"2,2026-11-30 09:30,calm.one,U2,Glow Serum,agreed,2026-11-30 09:30,,,,,\r\n"
	if string(f.Content) != want {
		t.Errorf("pitch export =\n%q\nwant\n%q", f.Content, want)
	}
	if !strings.Contains(f.InitialComment, "2 pitches (this week") || !strings.Contains(f.InitialComment, "Asia/Jakarta") {
		t.Errorf("comment = %q", f.InitialComment)
	}
	h.command("UADMIN", "/pitch", "export agreed <@U2>")
	if f := h.lastFile("UADMIN", "pitches-agreed-u2"); strings.Count(string(f.Content), "\r\n") != 2 || !strings.Contains(string(f.Content), "calm.one") {
		t.Errorf("filtered export = %q", f.Content)
	}

	h.command("UADMIN", "/issue", "export done")
	iss := h.lastFile("UADMIN", "issues-done")
	if lines := strings.Split(strings.TrimSpace(string(iss.Content)), "\r\n"); len(lines) != 2 ||
		!strings.HasPrefix(lines[0], "id,created_at,creator,category,priority,status,") || !strings.HasPrefix(lines[1], "ISS-2,2026-11-27 09:00,fixed.one,") ||
		!strings.Contains(lines[1], ",P2,resolved,U1,,") {
		t.Errorf("issue export:\n%s", iss.Content)
	}

	// Hostile text in an issue and a task: exact bytes, formulas neutralised.
	h.Clock.Set(h.at("2026-11-30", "09:40"))
	if _, err := h.Main.DB.CreateIssue(ctxT(t), store.IssueInput{Handle: "evil.one", Category: store.CatOther, Priority: store.P3,
		Description: "=1+2\t@SUM(A1)\nsecond line, \"quoted\"", ReporterID: "U1", SLA: store.DefaultSLAPolicy().For(store.P3)}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Main.DB.CreateTask(ctxT(t), store.TaskInput{Assignee: "U2", Assigner: "UADMIN", Title: "-2+3 @evil.one", Kind: store.KindOther,
		Due: h.at("2026-12-02", "00:00")}); err != nil {
		t.Fatal(err)
	}
	h.command("UADMIN", "/issue", "export today")
	wantIssues := "id,created_at,creator,category,priority,status,reporter,assignee,sla_due,sla_breached,resolved_at,resolved_by,reason,resolution,order_id,link,description\r\n" +
		"ISS-4,2026-11-30 08:00,new.one,sample_missing,P3,open,U1,,2026-12-03 08:00,,,,,,,,Sample not arrived\r\n" +
		"ISS-5,2026-11-30 09:40,evil.one,other,P3,open,U1,,2026-12-03 09:40,,,,,,,,\"'=1+2\t@SUM(A1)\r\nsecond line, \"\"quoted\"\"\"\r\n"
	if f := h.lastFile("UADMIN", "issues-2026"); string(f.Content) != wantIssues {
		t.Errorf("issue export =\n%q\nwant\n%q", f.Content, wantIssues)
	}
	h.command("UADMIN", "/task", "export today <@U2>")
	wantTasks := "id,created_at,title,kind,assignee,assigned_by,quantity,done,due,status,accepted_at,closed_at,reason,creators,note\r\n" +
		"TSK-5,2026-11-30 09:40,'-2+3 @evil.one,other,U2,UADMIN,,0,2026-12-02 00:00,assigned,,,,evil.one,\r\n"
	if f := h.lastFile("UADMIN", "tasks-2026"); string(f.Content) != wantTasks {
		t.Errorf("task export =\n%q\nwant\n%q", f.Content, wantTasks)
	}

	h.command("UADMIN", "/task", "export open xlsx")
	x := h.lastFile("UADMIN", "tasks-open.xlsx")
	wb, err := excelize.OpenReader(bytes.NewReader(x.Content))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := wb.GetRows("tasks")
	if len(rows) != 5 || rows[0][0] != "id" || rows[1][0] != "TSK-1" || rows[1][2] != "Follow up 10 creators" {
		t.Errorf("task xlsx rows = %q", rows)
	}

	// The same files from the command line, with the bot stopped.
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := getenvFrom(testEnv(h.Slack, h.DBPath))
	if code := run(context.Background(), []string{"export", "pitches", "2026-11-30..2026-11-30"}, env, &out, &errb); code != 0 {
		t.Fatalf("cli export = %d: %s", code, errb.String())
	}
	if out.String() != want {
		t.Errorf("cli pitch export =\n%q\nwant\n%q", out.String(), want)
	}
	out.Reset()
	if code := run(context.Background(), []string{"export", "tasks", "mine"}, env, &out, &errb); code != 2 || !strings.Contains(errb.String(), "needs a Slack user") {
		t.Errorf("cli mine = %d: %s", code, errb.String())
	}
}
