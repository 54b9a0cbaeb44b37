package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"pocbot/bot/fakeslack"
)

// teamDirectory puts the teammates the test sheets name into the fake's
// users.list; Budi's e-mail is found only through users.lookupByEmail.
func teamDirectory(fs *fakeslack.Server) {
	fs.SetUser(fakeslack.DirectoryUser{ID: "U1", Name: "sari", RealName: "Sari Dewi", DisplayName: "Sari", Email: "sari@tim.id"})
	fs.SetUser(fakeslack.DirectoryUser{ID: "U2", Name: "budi", RealName: "Budi Santoso", DisplayName: "Budi"})
	fs.SetUser(fakeslack.DirectoryUser{ID: "U3", Name: "gone", RealName: "Gone", Deleted: true})
}

const creatorsCSV = "Username,Nama,Pengikut,Kategori,PIC,Kontak,Catatan\n" +
	"https://www.tiktok.com/@budi.jkt?lang=id,Budi JKT,120k,beauty,@sari,WA 0812,=HYPERLINK(\"http://x\")\n" +
	"@sari.beauty,Sari Beauty,15.000,skincare,u4@example.com,,\n" +
	"not a handle!,X,1,,,,\n" +
	"ok.follow,X,lots,,,,\n" +
	"ok.owner,X,,,gone,,\n"

const pitchesCSV = "Akun TikTok;Dipitch oleh;Tanggal;Produk;Hasil\n" +
	"@budi.jkt;Sari;2026-11-25;Glow Serum;setuju\n" +
	"sari.beauty;sari@tim.id;02/11/2026;Toner;tidak ada respon\n" +
	"past.one;<@U2>;2026-11-03;Toner;\n" +
	"bad.date;sari;31/11/2026;Toner;\n" +
	"who.knows;nobody;2026-11-03;Toner;\n" +
	"future.one;sari;2027-01-01;Toner;\n"

// importFile runs /creator import as user with the file and returns the
// modal once the check is shown.
func importFile(t *testing.T, h *harness, user, kind, name, content string) *fakeslack.View {
	t.Helper()
	ctx := ctxT(t)
	if _, err := h.Slack.User(user).Command(ctx, "CGENERAL", "/creator", "import"); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, user, func(v *fakeslack.View) bool { return v.CallbackID == "creator_import" })
	if err != nil {
		t.Fatalf("no import modal: %v\n%s", err, h.Logs.String())
	}
	id := h.Slack.User(user).AttachFile(name, []byte(content))
	if _, err := h.Slack.User(user).Submit(ctx, v.ID, map[string]string{"import_kind": kind, "import_file": id}); err != nil {
		t.Fatal(err)
	}
	v, err = h.Slack.WaitView(ctx, user, func(v *fakeslack.View) bool {
		return v.CallbackID == "creator_import_apply" || strings.Contains(string(v.JSON), "could not be checked")
	})
	if err != nil {
		open, _ := h.Slack.OpenView(user)
		calls := h.Slack.Calls("")
		for _, c := range calls[max(0, len(calls)-12):] {
			t.Logf("call %s err=%q at %v", c.Method, c.Error, c.At.Format("15:04:05.000"))
		}
		t.Fatalf("no check result: %v\nopen view: %s\n%s", err, open.JSON, h.Logs.String())
	}
	return v
}

// applyImport presses Import and waits for the done view.
func applyImport(t *testing.T, h *harness, user string, v *fakeslack.View) *fakeslack.View {
	t.Helper()
	ctx := ctxT(t)
	if _, err := h.Slack.User(user).Submit(ctx, v.ID, nil); err != nil {
		t.Fatal(err)
	}
	done, err := h.Slack.WaitView(ctx, user, func(v *fakeslack.View) bool { return strings.Contains(string(v.JSON), "done:") })
	if err != nil {
		t.Fatalf("import not done: %v\n%s", err, h.Logs.String())
	}
	return done
}

func TestE2E_ImportCreatorsAndPitches(t *testing.T) {
	h := MustRunMain(t, nil, "")
	teamDirectory(h.Slack)
	mustContain(t, h.command("U1", "/creator", "import"), "Only admins")

	v := importFile(t, h, "UADMIN", "creators", "creators.csv", creatorsCSV)
	text := viewText(t, v)
	for _, want := range []string{"5 rows", "2 new creators would be created", "3 rows are rejected", "Import 2 rows",
		"*Line 4:*", "not a valid TikTok handle", "*Line 5:*", "not a follower count", "*Line 6:*", "not a teammate", "creators-rejected.csv"} {
		if !strings.Contains(text, want) {
			t.Errorf("check view lacks %q:\n%s", want, text)
		}
	}
	// The rejected rows, as a CSV in the admin's DM; downloaded with the bot token.
	var rejected *fakeslack.File
	for _, f := range h.Slack.Files() {
		if f.Filename == "creators-rejected.csv" && f.Channel == "DUADMIN" {
			rejected = &f
		}
	}
	if rejected == nil || !strings.HasPrefix(string(rejected.Content), "line,reason,Username,") ||
		!strings.Contains(string(rejected.Content), "\r\n4,") || strings.Count(string(rejected.Content), "\r\n") != 4 {
		t.Fatalf("rejected CSV = %+v", rejected)
	}
	for _, c := range h.Slack.Calls("files-pri") {
		if c.Token != fakeslack.BotToken || c.Error != "" {
			t.Errorf("file download %+v, want the bot token", c)
		}
	}
	if n := len(h.Slack.Calls("files-pri")); n != 1 {
		t.Errorf("%d downloads for the check, want 1", n)
	}
	if len(h.Slack.Calls("users.lookupByEmail")) == 0 {
		t.Error("u4@example.com was not looked up with users.lookupByEmail")
	}
	if _, err := h.Main.DB.Creator(ctxT(t), "budi.jkt"); err == nil {
		t.Fatal("the check (dry run) wrote a creator")
	}

	done := applyImport(t, h, "UADMIN", v)
	if s := viewText(t, done); !strings.Contains(s, "2 creators created, 0 creators updated") {
		t.Errorf("done view:\n%s", s)
	}
	cr := h.command("U1", "/creator", "@budi.jkt")
	mustContain(t, cr, "Budi JKT", "120", "beauty", "<@U1>", "HYPERLINK")
	mustContain(t, h.command("U1", "/creator", "@sari.beauty"), "<@U4>", "skincare")
	audit, _ := h.Main.DB.AuditLog(ctxT(t), "creator:budi.jkt", 0)
	if len(audit) == 0 || audit[0].Action != "creator.import" || audit[0].UserID != "UADMIN" {
		t.Errorf("audit = %+v", audit)
	}

	// Past pitches: stats and the duplicate guard see them on their dates.
	pv := importFile(t, h, "UADMIN", "pitches", "pitches.csv", pitchesCSV)
	ptext := viewText(t, pv)
	for _, want := range []string{"3 new past pitches would be created (and 1 new creator)", "*Line 5:*", "31/11/2026", "*Line 6:*", "nobody", "*Line 7:*", "future"} {
		if !strings.Contains(ptext, want) {
			t.Errorf("pitch check lacks %q:\n%s", want, ptext)
		}
	}
	applyImport(t, h, "UADMIN", pv)
	mustContain(t, h.command("U1", "/pitch", "stats month"), "3 pitched", "1 agreed")
	dup := h.command("U2", "/pitch", "@budi.jkt Serum")
	mustContain(t, dup, "duplicate", "<@U1>")
	if p, _ := h.Main.DB.LatestPitch(ctxT(t), "budi.jkt"); p == nil || p.UserID != "U1" || !p.Imported {
		t.Errorf("budi.jkt latest = %+v, want the imported pitch (the re-pitch was a duplicate)", p)
	}

	// The same file twice changes nothing.
	again := importFile(t, h, "UADMIN", "pitches", "pitches.csv", pitchesCSV)
	if s := viewText(t, again); !strings.Contains(s, "Nothing to import") || !strings.Contains(s, "3 past pitches are already as in the file") || strings.Contains(s, `"submit"`) {
		t.Errorf("second check:\n%s", s)
	}
}

func TestE2E_ImportRefusesOtherFiles(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	if _, err := h.Slack.User("UADMIN").Command(ctx, "CGENERAL", "/creator", "import pitches"); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, "UADMIN", func(v *fakeslack.View) bool { return v.CallbackID == "creator_import" })
	if err != nil {
		t.Fatal(err)
	}
	// The client itself refuses a .png (filetypes); a renamed binary is caught by the bot.
	png := h.Slack.User("UADMIN").AttachFile("photo.png", []byte("\x89PNG"))
	if _, err := h.Slack.User("UADMIN").Submit(ctx, v.ID, map[string]string{"import_file": png}); err == nil {
		t.Error("the fake client accepted a .png for a csv/xlsx file_input")
	}
	junk := h.Slack.User("UADMIN").AttachFile("junk.csv", []byte("\x00\x01\x02"))
	if _, err := h.Slack.User("UADMIN").Submit(ctx, v.ID, map[string]string{"import_file": junk}); err != nil {
		t.Fatal(err)
	}
	res, err := h.Slack.WaitView(ctx, "UADMIN", func(v *fakeslack.View) bool { return strings.Contains(string(v.JSON), "could not be checked") })
	if err != nil {
		t.Fatalf("no failure view: %v\n%s", err, h.Logs.String())
	}
	if s := viewText(t, res); !strings.Contains(s, "handle") || !strings.Contains(s, "Attach a corrected file") {
		t.Errorf("failure view:\n%s", s)
	}
	// The form is back: attach a good file, check it, then choose another file.
	good := h.Slack.User("UADMIN").AttachFile("p.csv", []byte("handle,pitched by,date\n@a.b,UADMIN,2026-11-02\n"))
	if _, err := h.Slack.User("UADMIN").Submit(ctx, res.ID, map[string]string{"import_file": good}); err != nil {
		t.Fatal(err)
	}
	checked, err := h.Slack.WaitView(ctx, "UADMIN", func(v *fakeslack.View) bool { return v.CallbackID == "creator_import_apply" })
	if err != nil {
		t.Fatal(err)
	}
	if s := viewText(t, checked); !strings.Contains(s, "1 new past pitch would be created") {
		t.Errorf("check:\n%s", s)
	}
	if _, err := h.Slack.User("UADMIN").Click(ctx, fakeslack.Target{View: checked}, "import_again", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.WaitView(ctx, "UADMIN", func(v *fakeslack.View) bool {
		return v.CallbackID == "creator_import" && v.ID == checked.ID && !strings.Contains(string(v.JSON), "could not")
	}); err != nil {
		t.Fatalf("the form did not come back: %v", err)
	}
}

func TestCLI_ImportWithDryRunProgressAndRejected(t *testing.T) {
	fs := fakeslack.New(fakeslack.Options{})
	t.Cleanup(fs.Close)
	teamDirectory(fs)
	dir := t.TempDir()
	env := testEnv(fs, filepath.Join(dir, "pocbot.db"))
	file := filepath.Join(dir, "creators.csv")
	if err := os.WriteFile(file, []byte(creatorsCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var out, errb bytes.Buffer
	// A dry run on a database that does not exist yet refuses, creating nothing.
	if code := run(ctx, []string{"import", "creators", file, "--dry-run"}, getenvFrom(env), &out, &errb); code != 1 || !strings.Contains(errb.String(), "no database") {
		t.Fatalf("dry run without db = %d %q", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	rej := filepath.Join(dir, "rejected.csv")
	if code := run(ctx, []string{"import", "creators", file, "--rejected", rej}, getenvFrom(env), &out, &errb); code != 0 {
		t.Fatalf("import = %d: %s %s", code, out.String(), errb.String())
	}
	for _, want := range []string{"5 rows: 2 new creators, 0 updated, 0 unchanged, 3 rejected", "line 4:", "line 5:", "line 6:", "Import #1: 2 created"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errb.String(), "100%  2/2 rows") {
		t.Errorf("no progress bar: %q", errb.String())
	}
	if b, err := os.ReadFile(rej); err != nil || !strings.HasPrefix(string(b), "line,reason,Username") {
		t.Errorf("rejected file: %q %v", b, err)
	}
	out.Reset()
	if code := run(ctx, []string{"import", "creators", "--dry-run", file}, getenvFrom(env), &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "0 new creators, 0 updated, 2 unchanged") || !strings.Contains(out.String(), "Dry run") {
		t.Errorf("second dry run = %d:\n%s", code, out.String())
	}
	out.Reset()
	if code := run(ctx, []string{"import", "creators", file}, getenvFrom(env), &out, &errb); code != 0 || !strings.Contains(out.String(), "Nothing to import") {
		t.Errorf("second import = %d:\n%s", code, out.String())
	}
	if code := run(ctx, []string{"import", "vouchers", file}, getenvFrom(env), &out, &errb); code != 2 {
		t.Errorf("import vouchers = %d", code)
	}
	// Offline (no token), a handle cannot be looked up: the row is rejected, not guessed.
	delete(env, "SLACK_BOT_TOKEN")
	out.Reset()
	pf := filepath.Join(dir, "pitches.csv")
	os.WriteFile(pf, []byte("handle,pitched by,date\nzz.top,@sari,2026-11-02\nzz.two,U1,2026-11-02\n"), 0o600)
	if code := run(ctx, []string{"import", "pitches", pf}, getenvFrom(env), &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "1 new past pitch (and 1 new creator),") || !strings.Contains(out.String(), `line 2: Pitched by "@sari" is not a teammate`) {
		t.Errorf("offline import = %d:\n%s", code, out.String())
	}
	// …and the output says why, instead of leaving "not a teammate" as the
	// last word on someone who is one.
	if !strings.Contains(out.String(), `SLACK_BOT_TOKEN is not set, so teammates named by handle, name or e-mail (like "@sari") cannot be looked up`) {
		t.Errorf("offline import does not say names need SLACK_BOT_TOKEN:\n%s", out.String())
	}
}

// TestE2E_ImportBigFileWithProgress: a 50,000-row pitch sheet (5,000
// under the race detector) checked and imported through Slack, with the
// modal showing progress.
func TestE2E_ImportBigFileWithProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	n, limit := 50_000, 30*time.Second
	if raceEnabled {
		n, limit = 5_000, 30*time.Second
	}
	h := MustRunMain(t, nil, "")
	teamDirectory(h.Slack)
	var b strings.Builder
	b.WriteString("Handle,Pitched by,Date,Product,Status\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "big.%d,%s,2026-11-%02d,Serum,%s\n", i, []string{"sari", "budi"}[i%2], 2+i%25, []string{"pitched", "agreed"}[i%2])
	}
	start := time.Now()
	v := importFile(t, h, "UADMIN", "pitches", "big.csv", b.String())
	if s := viewText(t, v); !strings.Contains(s, fmt.Sprintf("%d new past pitches would be created", n)) || !strings.Contains(s, "0 rows are rejected") {
		t.Fatalf("check:\n%s", s)
	}
	before := len(h.Slack.Calls("views.update"))
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	if _, err := h.Slack.User("UADMIN").Submit(ctx, v.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Slack.WaitView(ctx, "UADMIN", func(v *fakeslack.View) bool { return strings.Contains(string(v.JSON), "done:") }); err != nil {
		t.Fatalf("not imported within %v: %v", limit, err)
	}
	t.Logf("%d rows checked and imported through Slack in %v", n, time.Since(start))
	progress := 0
	for _, c := range h.Slack.Calls("views.update")[before:] {
		if strings.Contains(c.Params["view"], "% \\\"") || strings.Contains(c.Params["view"], "rows done") {
			progress++
		}
	}
	if progress == 0 {
		t.Error("the modal never showed the import's progress")
	}
	st, err := h.Main.DB.PitchStats(ctxT(t), h.at("2026-11-01", "00:00"), h.at("2026-11-30", "00:00"))
	if err != nil || st.Team.Pitched != n || st.Team.Agreed != n/2 {
		t.Errorf("stats = %+v, %v", st, err)
	}
}

func TestE2E_ImportXLSXCreators(t *testing.T) {
	h := MustRunMain(t, nil, "")
	teamDirectory(h.Slack)
	f := excelize.NewFile()
	for i, r := range [][]any{
		{"TikTok Username", "Full Name", "Follower Count", "Owner"},
		{"https://tiktok.com/@xl.one", "Excel One", 250000, "sari@tim.id"},
		{"@xl.two", "Excel Two", "1,5jt", "<@U2>"},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	v := importFile(t, h, "UADMIN", "creators", "creators.xlsx", buf.String())
	if s := viewText(t, v); !strings.Contains(s, "2 new creators would be created") || !strings.Contains(s, "0 rows are rejected") {
		t.Fatalf("check:\n%s", s)
	}
	applyImport(t, h, "UADMIN", v)
	mustContain(t, h.command("U1", "/creator", "@xl.one"), "Excel One", "250k", "<@U1>")
	mustContain(t, h.command("U1", "/creator", "@xl.two"), "1.5M", "<@U2>")
}
