package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	bolt "go.etcd.io/bbolt"

	"pocbot/bot"
	"pocbot/bot/fakeslack"
	"pocbot/store"
)

// MustRunMainEnv is MustRunMain with extra environment (e.g. a
// POCBOT_HTTP_ADDR of 127.0.0.1:0).
func MustRunMainEnv(tb testing.TB, fs *fakeslack.Server, dbPath string, extra map[string]string, adjust ...func(*bot.Config)) *harness {
	tb.Helper()
	return runMain(tb, fs, dbPath, extra, adjust)
}

// scrape fetches /metrics and parses it with Prometheus' text parser.
func scrape(t *testing.T, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return mfs
}

// value is the value of the series name{labels} (counter, gauge, or a
// histogram's count), 0 if absent.
func value(mfs map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	mf := mfs[name]
	if mf == nil {
		return 0
	}
	var sum float64
next:
	for _, m := range mf.Metric {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range m.Label {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		}
	}
	return sum
}

func TestE2E_MetricsMoveWithWork(t *testing.T) {
	h := MustRunMainEnv(t, nil, "", map[string]string{"POCBOT_HTTP_ADDR": "127.0.0.1:0"})
	addr := h.Main.HTTPAddr()
	if addr == "" || strings.HasSuffix(addr, ":0") {
		t.Fatalf("HTTPAddr = %q", addr)
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	// The fake sees the connection before the bot's event loop does.
	waitFor(t, func() bool { return value(scrape(t, addr), "pocbot_socket_connected") == 1 })
	before := scrape(t, addr)
	if v := value(before, "pocbot_build_info"); v != 1 {
		t.Errorf("pocbot_build_info = %v", v)
	}

	h.command("U1", "/pitch", "@metric.one Serum")
	h.command("U1", "/voucher", "@metric.one Serum 12xyz") // a typo: a user error, not an alert
	h.Slack.RateLimit("views.open", 1, time.Second)
	reportIssue(t, h, "U1", validIssue("@metric.two"))
	ctx := ctxT(t)
	if err := h.Bot.RunJob(ctx, "issue_sla", h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	// Past the P2 SLA (1 day): the next run reports the breach.
	h.Clock.Advance(25 * time.Hour)
	if err := h.Bot.RunJob(ctx, "issue_sla", h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.Slack.Disconnect("refresh_requested")
	waitFor(t, func() bool { return value(scrape(t, addr), "pocbot_socket_reconnects_total") >= 1 })
	after := scrape(t, addr)

	grew := func(name string, labels ...string) {
		t.Helper()
		if b, a := value(before, name, labels...), value(after, name, labels...); a <= b {
			t.Errorf("%s%v did not move: %v → %v", name, labels, b, a)
		}
	}
	grew("pocbot_socket_envelopes_total", "type", "slash_commands")
	grew("pocbot_socket_envelopes_total", "type", "interactive")
	grew("pocbot_ack_latency_seconds")
	grew("pocbot_handler_duration_seconds", "route", "/pitch")
	grew("pocbot_handler_duration_seconds", "route", "view:issue_modal")
	grew("pocbot_slack_api_calls_total", "method", "chat.postMessage", "outcome", "ok")
	grew("pocbot_slack_api_calls_total", "method", "views.open", "outcome", "ratelimited")
	grew("pocbot_slack_api_calls_total", "method", "response_url", "outcome", "ok")
	grew("pocbot_slack_api_retries_total", "method", "views.open")
	grew("pocbot_socket_reconnects_total")
	grew("pocbot_job_runs_total", "job", "issue_sla")
	grew("pocbot_job_last_success_timestamp_seconds", "job", "issue_sla")
	grew("pocbot_db_commit_duration_seconds")
	grew("pocbot_sla_breaches_total")
	grew("pocbot_outbox_sent_total", "kind", "triage")
	grew("pocbot_outbox_sent_total", "kind", "sla") // the breach DM to UADMIN
	grew("pocbot_handler_user_errors_total", "route", "/voucher")
	if v := value(after, "pocbot_handler_errors_total", "route", "/voucher"); v != 0 {
		t.Errorf("a typo counted as a handler error: %v", v)
	}
	// Acks take well under a millisecond; the histogram can tell.
	var underFast uint64
	if mf := after["pocbot_ack_latency_seconds"]; mf != nil && len(mf.Metric) == 1 {
		for _, bk := range mf.Metric[0].GetHistogram().GetBucket() {
			if bk.GetUpperBound() == 0.0025 {
				underFast = bk.GetCumulativeCount()
			}
		}
	}
	if underFast == 0 {
		t.Errorf("no ack under 2.5 ms in the ack histogram (its buckets must start below 5 ms)")
	}
	if v := value(after, "pocbot_open_issues", "priority", "P2"); v != 1 {
		t.Errorf("open P2 issues = %v, want 1", v)
	}
	if v := value(after, "pocbot_open_issues_sla_breached"); v != 1 {
		t.Errorf("breached open issues = %v, want 1", v)
	}
	if v := value(after, "pocbot_db_size_bytes"); v < 4096 {
		t.Errorf("db size = %v", v)
	}
	if v := value(after, "pocbot_outbox_pending"); v != 0 {
		t.Errorf("outbox pending = %v", v)
	}
	if !strings.Contains(h.Logs.String(), `"reason":"refresh_requested"`) {
		t.Errorf("the disconnect's reason was not logged:\n%s", h.Logs.String())
	}
	// pprof is off by default.
	if resp, err := http.Get("http://" + addr + "/debug/pprof/"); err != nil || resp.StatusCode != 404 {
		t.Errorf("/debug/pprof/ with POCBOT_PPROF off: %v %v", resp.Status, err)
	}
}

// readyz returns /readyz's status code and body.
func readyz(t *testing.T, addr string) (int, bot.Readiness) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r bot.Readiness
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("/readyz body: %v", err)
	}
	return resp.StatusCode, r
}

func TestE2E_ReadyzFailsWhileSlackRefusesAndRecovers(t *testing.T) {
	h := MustRunMainEnv(t, nil, "", map[string]string{"POCBOT_HTTP_ADDR": "127.0.0.1:0"})
	addr := h.Main.HTTPAddr()
	// Ready once the bot has seen its connection (the fake sees it first).
	waitFor(t, func() bool { code, r := readyz(t, addr); return code == 200 && r.Ready })
	h.Slack.RefuseConnections(true)
	deadline := time.Now().Add(10 * time.Second)
	var r bot.Readiness
	code := 0
	for time.Now().Before(deadline) {
		time.Sleep(1100 * time.Millisecond) // past the 1 s result cache
		if code, r = readyz(t, addr); code == 503 {
			break
		}
	}
	if code != 503 || r.Ready || r.Parts["socket"].OK {
		t.Fatalf("/readyz while Slack refuses = %d %+v, want 503 with socket failing", code, r)
	}
	for _, part := range []string{"db_read", "db_write", "scheduler"} {
		if !r.Parts[part].OK {
			t.Errorf("%s failing while only Slack is down: %+v", part, r.Parts[part])
		}
	}
	waitFor(t, func() bool { return strings.Contains(h.Logs.String(), "cannot reach Slack at "+h.Slack.APIURL()) })
	if !strings.Contains(h.Logs.String(), "; retrying in ") {
		t.Errorf("no readable retry line:\n%s", h.Logs.String())
	}
	h.Slack.RefuseConnections(false)
	deadline = time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		if code, r = readyz(t, addr); code == 200 {
			break
		}
	}
	if code != 200 || !r.Ready {
		t.Fatalf("/readyz after Slack is back = %d %+v", code, r)
	}
	mustContain(t, h.command("U1", "/pitch", "@back.again Serum"), "Logged pitch")
}

func TestE2E_HTTPPortInUseNamesTheSetting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	fs := fakeslack.New(fakeslack.Options{})
	t.Cleanup(fs.Close)
	env := testEnv(fs, filepath.Join(t.TempDir(), "p.db"))
	env["POCBOT_HTTP_ADDR"] = ln.Addr().String()
	var out, errb bytes.Buffer
	code := run(context.Background(), nil, getenvFrom(env), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "POCBOT_HTTP_ADDR "+ln.Addr().String()+" is already in use") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	// A bad value is a configuration error.
	env["POCBOT_HTTP_ADDR"] = "9102"
	errb.Reset()
	if code := run(context.Background(), nil, getenvFrom(env), &out, &errb); code != 2 || !strings.Contains(errb.String(), "POCBOT_HTTP_ADDR \"9102\" is not host:port") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// cli runs the pocbot command line and returns exit code, stdout, stderr.
func cli(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, getenvFrom(env), &out, &errb)
	return code, out.String(), errb.String()
}

func TestE2E_ToolsThroughAdminSocketMatchOffline(t *testing.T) {
	h := MustRunMain(t, nil, "")
	h.command("UADMIN", "/voucher", "budget live 1jt")
	issuedCode(t, h.command("U1", "/voucher", "@live.one Serum 150k live"))
	h.command("U1", "/pitch", "@live.two Toner")
	reportIssue(t, h, "U1", validIssue("@live.three"))
	timeNow = h.Clock.Now
	t.Cleanup(func() { timeNow = time.Now })

	sock := h.Main.Config.Serve.AdminSocket
	fi, err := os.Stat(sock)
	if err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin socket %s: %v %v", sock, fi.Mode(), err)
	}
	if filepath.Dir(sock) != filepath.Dir(h.DBPath) {
		t.Errorf("admin socket %s is not next to the database %s", sock, h.DBPath)
	}
	env := testEnv(h.Slack, h.DBPath)
	dir := t.TempDir()
	cmds := [][]string{
		{"export", "vouchers"},
		{"export", "vouchers", "--campaign", "live", "--from", "2026-11-30", "--to", "2026-11-30"},
		{"export", "vouchers", "--campaign", "nope"},
		{"digest", "--print"},
		{"digest", "--print", "--date", "2026-11-27"},
		{"digest", "--print", "--date", "30/11"},
		{"check"},
		{"export", "pitches", "all"},
	}
	type result struct {
		code        int
		out, stderr string
	}
	live := map[int]result{}
	for i, args := range cmds {
		code, out, errs := cli(t, env, args...)
		live[i] = result{code, out, errs}
	}
	if r := live[0]; r.code != 0 || !strings.Contains(r.out, "live.one") {
		t.Fatalf("live export = %d %q %q", r.code, r.out, r.stderr)
	}
	if r := live[3]; r.code != 0 || !strings.Contains(r.out, "live.two") && !strings.Contains(r.out, "1 ") {
		t.Logf("live digest = %d %q %q", r.code, r.out, r.stderr)
	}
	if r := live[7]; r.code != 0 || !strings.Contains(r.out, "live.two") {
		t.Fatalf("live pitch export = %d %q %q", r.code, r.out, r.stderr)
	}
	if r := live[6]; r.code != 0 || !strings.Contains(r.out, "OK:") || !strings.Contains(r.out, "1 vouchers") {
		t.Fatalf("live check = %d %q %q", r.code, r.out, r.stderr)
	}
	liveCopy := filepath.Join(dir, "live.db")
	if code, _, errs := cli(t, env, "backup", liveCopy); code != 0 || !strings.Contains(errs, "wrote") {
		t.Fatalf("live backup = %d %q", code, errs)
	}
	// Onto an existing file: refused, with the way to overwrite.
	code, _, errs := cli(t, env, "backup", liveCopy)
	if code != 1 || !strings.Contains(errs, "already exists") || !strings.Contains(errs, "pocbot backup -f "+liveCopy) {
		t.Errorf("backup onto an existing file = %d %q", code, errs)
	}
	if code, _, errs := cli(t, env, "backup", "-f", liveCopy); code != 0 {
		t.Errorf("backup -f = %d %q", code, errs)
	}
	if code, _, errs := cli(t, env, "backup", liveCopy, "-f"); code != 0 {
		t.Errorf("backup FILE -f = %d %q", code, errs)
	}
	// A directory is not a file to overwrite: the message says what to type.
	bdir := t.TempDir()
	for _, args := range [][]string{{"backup", bdir}, {"backup", "-f", bdir}} {
		if code, _, errs := cli(t, env, args...); code != 2 || !strings.Contains(errs, "is a directory") || !strings.Contains(errs, "pocbot backup "+bdir+"/pocbot-") {
			t.Errorf("%v = %d %q", args, code, errs)
		}
	}
	// Never onto the live database, even with -f.
	if code, _, errs := cli(t, env, "backup", "-f", h.DBPath); code != 2 || !strings.Contains(errs, "is the database itself") {
		t.Errorf("backup -f onto the database = %d %q", code, errs)
	}
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("admin socket left behind after shutdown: %v", err)
	}
	for i, args := range cmds {
		code, out, errs := cli(t, env, args...)
		if l := live[i]; code != l.code || out != l.out || errs != l.stderr {
			t.Errorf("%v: live (%d, %q, %q) != offline (%d, %q, %q)", args, l.code, l.out, l.stderr, code, out, errs)
		}
	}
	offCopy := filepath.Join(dir, "offline.db")
	if code, _, errs := cli(t, env, "backup", offCopy); code != 0 {
		t.Fatalf("offline backup = %d %q", code, errs)
	}
	for _, p := range []string{liveCopy, offCopy} {
		r, err := store.Inspect(p)
		if err != nil || r.Problem != nil || r.Counts.Vouchers != 1 || r.Counts.Pitches != 1 || r.Counts.Issues != 1 {
			t.Errorf("backup %s: %+v %v", p, r, err)
		}
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("backup %s mode: %v %v", p, fi.Mode(), err)
		}
	}
}

func TestE2E_RestoreBackup(t *testing.T) {
	h := MustRunMain(t, nil, "")
	h.command("U1", "/pitch", "@kept.one Serum")
	env := testEnv(h.Slack, h.DBPath)
	backup := filepath.Join(t.TempDir(), "b.db")
	if code, _, errs := cli(t, env, "backup", backup); code != 0 {
		t.Fatalf("backup = %d %q", code, errs)
	}
	h.command("U1", "/pitch", "@after.backup Serum")
	// Refused while the bot runs, saying how to stop it.
	code, _, errs := cli(t, env, "restore", backup)
	if code != 1 || !strings.Contains(errs, "the bot is running") || !strings.Contains(errs, "systemctl stop pocbot") {
		t.Fatalf("restore while running = %d %q", code, errs)
	}
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	// A file that is not a backup is refused and changes nothing.
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, bytes.Repeat([]byte("x"), 8192), 0o600)
	if code, _, errs := cli(t, env, "restore", junk); code != 1 || !strings.Contains(errs, "not a pocbot database") {
		t.Errorf("restore junk = %d %q", code, errs)
	}
	// A mistyped backup path says so in words, not as a stat error.
	if code, _, errs := cli(t, env, "restore", filepath.Join(t.TempDir(), "typo.db")); code != 1 || !strings.Contains(errs, "there is no file") || strings.Contains(errs, "stat ") {
		t.Errorf("restore of a missing file = %d %q", code, errs)
	}
	code, out, errs := cli(t, env, "restore", backup)
	if code != 0 {
		t.Fatalf("restore = %d %q %q", code, out, errs)
	}
	for _, want := range []string{fmt.Sprintf("schema version %d\n", store.CurrentSchemaVersion()), "1 pitches", "restored " + h.DBPath, "before-restore-"} {
		if !strings.Contains(out, want) {
			t.Errorf("restore output lacks %q:\n%s", want, out)
		}
	}
	h2 := MustRunMain(t, h.Slack, h.DBPath)
	ctx := ctxT(t)
	if _, err := h2.Main.DB.LatestPitch(ctx, "kept.one"); err != nil {
		t.Errorf("pitch from the backup missing: %v", err)
	}
	if _, err := h2.Main.DB.LatestPitch(ctx, "after.backup"); err == nil {
		t.Error("a pitch made after the backup is still there")
	}
}

func TestE2E_NewerSchemaRefusedAndMigrationBackedUp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "new.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	setVersion := func(v uint64) {
		t.Helper()
		bdb, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := bdb.Update(func(tx *bolt.Tx) error {
			b := make([]byte, 8)
			for i := 7; i >= 0; i-- {
				b[i] = byte(v)
				v >>= 8
			}
			return tx.Bucket([]byte("meta")).Put([]byte("version"), b)
		}); err != nil {
			t.Fatal(err)
		}
		bdb.Close()
	}
	setVersion(99)
	before, _ := os.ReadFile(path)
	fs := fakeslack.New(fakeslack.Options{})
	t.Cleanup(fs.Close)
	code, _, errs := cli(t, testEnv(fs, path))
	if code != 1 || !strings.Contains(errs, "newer pocbot") || !strings.Contains(errs, "schema version 99") || !strings.Contains(errs, "not changed") {
		t.Fatalf("start on a newer schema = %d %q", code, errs)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the newer file was changed")
	}
	// An older schema is migrated, after a backup of the file as it was.
	setVersion(3)
	h := MustRunMain(t, fs, path)
	if h.Main.DB.MigrationBackup == "" || !strings.Contains(h.Logs.String(), "backed up") {
		t.Fatalf("no migration backup; logs:\n%s", h.Logs.String())
	}
	r, err := store.Inspect(h.Main.DB.MigrationBackup)
	if err != nil || r.SchemaVersion != 3 {
		t.Errorf("migration backup: %+v %v", r, err)
	}
	if v, _ := h.Main.DB.SchemaVersion(ctxT(t)); v != store.CurrentSchemaVersion() {
		t.Errorf("schema after migration = %d", v)
	}
}

// outboxFast retries the outbox quickly.
func outboxFast(c *bot.Config) {
	c.Ops.OutboxInterval = 50 * time.Millisecond
	c.Ops.OutboxBackoff = 100 * time.Millisecond
}

func triagePostsOf(h *harness, ref string) int {
	n := 0
	for _, m := range issueTriageMessages(h) {
		if strings.HasPrefix(m.Text, ref+" ") || strings.HasPrefix(m.Text, ref+":") || strings.HasPrefix(m.Text, ref+"·") || strings.HasPrefix(m.Text, ref) {
			n++
		}
	}
	return n
}

func TestE2E_TriagePostRefusedTwiceArrivesOnce(t *testing.T) {
	h := MustRunMain(t, nil, "", outboxFast)
	h.Slack.FailHTTP("chat.postMessage", 2, 500)
	v := openIssueForm(t, h, "U1", "")
	before := len(h.Slack.Messages())
	if _, err := h.Slack.User("U1").Submit(ctxT(t), v.ID, validIssue("@refused.twice")); err != nil {
		t.Fatal(err)
	}
	reply := h.newMessage(before, func(m fakeslack.Message) bool { return m.User == "U1" && strings.Contains(m.Text, "ISS-1") })
	mustContain(t, reply, "ISS-1", "did not take the post", "keep trying")
	waitFor(t, func() bool { return len(issueTriageMessages(h)) == 1 })
	time.Sleep(500 * time.Millisecond) // a wrong second post would land now
	if n := len(issueTriageMessages(h)); n != 1 {
		t.Fatalf("triage posts = %d, want exactly 1", n)
	}
	ctx := ctxT(t)
	waitFor(t, func() bool {
		is, err := h.Main.DB.Issue(ctx, 1)
		return err == nil && is.TriageTS != ""
	})
	is, _ := h.Main.DB.Issue(ctx, 1)
	if is.TriageTS != issueTriageMessages(h)[0].TS {
		t.Errorf("issue's triage ts %q is not the post's %q", is.TriageTS, issueTriageMessages(h)[0].TS)
	}
	if fails := 0; true {
		for _, c := range h.Slack.Calls("chat.postMessage") {
			if c.Error == "http_500" {
				fails++
			}
		}
		if fails != 2 {
			t.Errorf("HTTP 500 answers = %d, want 2", fails)
		}
	}
	// The triage buttons work on the post that arrived late.
	clickOn(t, h, "U2", issueTriageMessages(h)[0], "issue_assign_me", "")
	waitFor(t, func() bool { is, _ := h.Main.DB.Issue(ctx, 1); return is.AssigneeID == "U2" })
	// …and its timeline line is in the thread before the next post's
	// answer gets lost.
	waitFor(t, func() bool {
		for _, m := range h.Slack.Messages() {
			if m.ThreadTS == is.TriageTS && m.TS != is.TriageTS {
				return true
			}
		}
		return false
	})

	// The answer is lost after Slack posted: the retry finds the post by
	// its metadata key instead of posting again.
	h.Slack.LoseAnswer("chat.postMessage", 1)
	reportIssueNoWait(t, h, "U1", validIssue("@answer.lost"))
	waitFor(t, func() bool {
		is, err := h.Main.DB.Issue(ctx, 2)
		return err == nil && is.TriageTS != ""
	})
	time.Sleep(500 * time.Millisecond)
	if n := len(issueTriageMessages(h)); n != 2 {
		t.Fatalf("triage posts after a lost answer = %d, want 2 (one per issue)", n)
	}
	if len(h.Slack.Calls("conversations.history")) == 0 {
		t.Error("the lost answer was not checked with conversations.history")
	}
	if !strings.Contains(h.Logs.String(), "not sending it again") {
		t.Errorf("no log line for the found post")
	}
}

// reportIssueNoWait submits the issue form without waiting for the
// triage post.
func reportIssueNoWait(t *testing.T, h *harness, user string, values map[string]string) {
	t.Helper()
	v := openIssueForm(t, h, user, "")
	if _, err := h.Slack.User(user).Submit(ctxT(t), v.ID, values); err != nil {
		t.Fatal(err)
	}
}

func TestE2E_TriagePostRefusedAcrossRestartArrivesOnce(t *testing.T) {
	fs := fakeslack.New(fakeslack.Options{PingInterval: 500 * time.Millisecond})
	t.Cleanup(fs.Close)
	// The first run retries only after it has stopped.
	h := MustRunMain(t, fs, "", func(c *bot.Config) { c.Ops.OutboxBackoff = 1500 * time.Millisecond })
	fs.FailHTTP("chat.postMessage", 1, 503)
	reportIssueNoWait(t, h, "U1", validIssue("@across.restart"))
	ctx := ctxT(t)
	waitFor(t, func() bool { keys, _ := h.Main.DB.PendingPosts(ctx, 0); return len(keys) == 1 })
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(issueTriageMessages(h)); n != 0 {
		t.Fatalf("triage posts before restart = %d", n)
	}
	h2 := MustRunMain(t, fs, h.DBPath, outboxFast)
	waitFor(t, func() bool { return len(issueTriageMessages(h2)) == 1 })
	waitFor(t, func() bool { is, err := h2.Main.DB.Issue(ctx, 1); return err == nil && is.TriageTS != "" })
	time.Sleep(500 * time.Millisecond)
	if n := len(issueTriageMessages(h2)); n != 1 {
		t.Fatalf("triage posts after restart = %d, want exactly 1", n)
	}
	if keys, _ := h2.Main.DB.PendingPosts(ctx, 0); len(keys) != 0 {
		t.Errorf("still pending: %v", keys)
	}
}

func TestE2E_OutboxGivesUpWithMetricAndLog(t *testing.T) {
	h := MustRunMainEnv(t, nil, "", map[string]string{"POCBOT_HTTP_ADDR": "127.0.0.1:0"}, outboxFast, func(c *bot.Config) {
		c.Ops.OutboxMaxAttempts = 3
	})
	h.Slack.FailHTTP("chat.postMessage", 3, 502)
	reportIssueNoWait(t, h, "U1", validIssue("@given.up"))
	waitFor(t, func() bool {
		return value(scrape(t, h.Main.HTTPAddr()), "pocbot_outbox_giveups_total", "kind", "triage") == 1
	})
	if !strings.Contains(h.Logs.String(), "gave up posting triage post triage/1") {
		t.Errorf("no give-up log line:\n%s", h.Logs.String())
	}
	// The reporter, told it would appear, is told that it did not.
	waitFor(t, func() bool {
		for _, m := range h.Slack.Messages() {
			if m.Channel == "DU1" && strings.Contains(m.Text, "could not post *ISS-1*") {
				return true
			}
		}
		return false
	})
	if v := value(scrape(t, h.Main.HTTPAddr()), "pocbot_outbox_failed"); v != 1 {
		t.Errorf("pocbot_outbox_failed = %v", v)
	}
}

func TestE2E_AdminGroupMembersAreAdmins(t *testing.T) {
	fs := fakeslack.New(fakeslack.Options{PingInterval: 500 * time.Millisecond})
	t.Cleanup(fs.Close)
	fs.SetUserGroup("SLEADS", []string{"ULEAD"}, false)
	h := MustRunMainEnv(t, fs, "", map[string]string{"POCBOT_ADMIN_GROUP": "SLEADS"}, func(c *bot.Config) {
		c.Ops.AdminGroupRefresh = 100 * time.Millisecond
	})
	waitFor(t, func() bool { return len(h.Bot.AdminGroupMembers()) == 1 })
	mustContain(t, h.command("ULEAD", "/voucher", "budget grp 1jt"), "Rp1.000.000")
	mustContain(t, h.command("UOTHER", "/voucher", "budget grp2 1jt"), "Only admins")
	// Membership changes are picked up at the next refresh.
	fs.SetUserGroup("SLEADS", []string{"UOTHER"}, false)
	waitFor(t, func() bool { m := h.Bot.AdminGroupMembers(); return len(m) == 1 && m[0] == "UOTHER" })
	mustContain(t, h.command("UOTHER", "/voucher", "budget grp2 1jt"), "Rp1.000.000")
	mustContain(t, h.command("ULEAD", "/voucher", "budget grp3 1jt"), "Only admins")
	// POCBOT_ADMINS still counts.
	mustContain(t, h.command("UADMIN", "/voucher", "budget grp4 1jt"), "Rp1.000.000")
	if len(fs.Calls("usergroups.users.list")) < 2 {
		t.Error("the group was not re-read")
	}
	env := testEnv(fs, h.DBPath)
	env["POCBOT_ADMIN_GROUP"] = "@leads"
	if _, err := LoadConfig(getenvFrom(env)); err == nil || !strings.Contains(err.Error(), "not a user group ID") {
		t.Errorf("POCBOT_ADMIN_GROUP=@leads: %v", err)
	}
}

func TestVersionFromBuildInfo(t *testing.T) {
	code, out, _ := cli(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "pocbot ") || !strings.Contains(out, "revision ") || !strings.Contains(out, "built with go") {
		t.Errorf("version = %d %q", code, out)
	}
	buildRevision = "abc123"
	defer func() { buildRevision = "" }()
	if _, out, _ := cli(t, nil, "version"); !strings.Contains(out, "revision abc123") {
		t.Errorf("version with -X main.buildRevision = %q", out)
	}
}

func TestSystemdUnitVerifies(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Skip("systemd-analyze not installed; contrib/pocbot.service not verified")
	}
	unit, err := os.ReadFile("../../contrib/pocbot.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Restart=on-failure", "EnvironmentFile=", "StateDirectory=pocbot", "NoNewPrivileges=yes",
		"ProtectSystem=strict", "ReadWritePaths=/var/lib/pocbot", "User=pocbot"} {
		if !bytes.Contains(unit, []byte(want)) {
			t.Errorf("unit lacks %s", want)
		}
	}
	// verify checks that ExecStart exists: point it at this test binary.
	self, _ := os.Executable()
	unit = bytes.ReplaceAll(unit, []byte("/usr/local/bin/pocbot"), []byte(self))
	p := filepath.Join(t.TempDir(), "pocbot.service")
	if err := os.WriteFile(p, unit, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("systemd-analyze", "verify", p).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func TestDockerfileIsMultiStageStaticNonRoot(t *testing.T) {
	df, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	s := string(df)
	for _, want := range []string{"AS build", "FROM scratch", "CGO_ENABLED=0", "USER 65532", "VOLUME /data", "POCBOT_DB=/data/pocbot.db"} {
		if !strings.Contains(s, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if strings.Count(s, "\nFROM ") < 2 {
		t.Error("Dockerfile is not multi-stage")
	}
}

var _ = io.Discard

func TestE2E_DigestAndTaskDMRefusedArriveOnce(t *testing.T) {
	h := MustRunMain(t, nil, "", outboxFast)
	ctx := ctxT(t)
	// The assignment DM: refused once, delivered by the outbox, and the
	// task remembers it so later edits update it in place.
	h.Slack.FailHTTP("chat.postMessage", 1, 500)
	r := h.command("ULEAD", "/task", "<@U1|ana> Pitch 40 beauty creators by friday")
	mustContain(t, r, "Assigned `TSK-1`", "did not take the DM", "keep trying")
	waitFor(t, func() bool { tk, err := h.Main.DB.Task(ctx, 1); return err == nil && tk.DMTS != "" })
	dms := 0
	for _, m := range h.Slack.Messages() {
		if m.Channel == "DU1" && strings.Contains(m.Text, "TSK-1") {
			dms++
		}
	}
	if dms != 1 {
		t.Errorf("assignment DMs = %d, want 1", dms)
	}

	// A DM whose answer is lost is found in the DM (conversations.open,
	// then conversations.history) and not sent again.
	h.Slack.LoseAnswer("chat.postMessage", 1)
	h.command("ULEAD", "/task", "<@U2|budi> Review 30 videos by friday")
	waitFor(t, func() bool { tk, err := h.Main.DB.Task(ctx, 2); return err == nil && tk.DMTS != "" })
	time.Sleep(300 * time.Millisecond)
	dms = 0
	for _, m := range h.Slack.Messages() {
		if m.Channel == "DU2" && strings.Contains(m.Text, "TSK-2") {
			dms++
		}
	}
	if dms != 1 {
		t.Errorf("assignment DMs after a lost answer = %d, want 1", dms)
	}

	// The reminder DM on the due day: refused once, delivered once, and a
	// re-run of the slot sends nothing more.
	friday := h.at("2026-12-04", "15:00")
	h.Clock.Set(friday)
	reminders := func() int {
		n := 0
		for _, m := range h.Slack.Messages() {
			if m.Channel == "DU1" && strings.HasPrefix(m.Text, "Task reminder") {
				n++
			}
		}
		return n
	}
	h.Slack.FailHTTP("chat.postMessage", 1, 502)
	if err := h.Bot.RunJob(ctx, "task_reminders", friday); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return reminders() == 1 })
	if err := h.Main.DB.SetJobLastRun(ctx, "task_reminders", friday.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := h.Bot.RunJob(ctx, "task_reminders", friday); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if n := reminders(); n != 1 {
		t.Errorf("reminder DMs = %d, want 1", n)
	}
	h.Clock.Set(h.at("2026-11-30", "10:00"))

	// The digest: refused once, the job succeeds (the post is queued), the
	// outbox delivers it, and a re-run of the slot posts nothing more.
	h.sinceSunday("digest")
	h.Clock.Set(h.at("2026-11-30", "09:00"))
	h.Slack.FailHTTP("chat.postMessage", 1, 503)
	if err := h.Bot.RunJob(ctx, "digest", h.at("2026-11-30", "09:00")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(digestMessages(h)) == 1 })
	if err := h.Main.DB.SetJobLastRun(ctx, "digest", h.at("2026-11-29", "09:00")); err != nil {
		t.Fatal(err)
	}
	if err := h.Bot.RunJob(ctx, "digest", h.at("2026-11-30", "09:00")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(digestMessages(h)); n != 1 {
		t.Errorf("digests = %d, want 1", n)
	}
}

func TestE2E_PProfOnlyWhenEnabledAndOnAdminSocket(t *testing.T) {
	h := MustRunMainEnv(t, nil, "", map[string]string{"POCBOT_HTTP_ADDR": "127.0.0.1:0", "POCBOT_PPROF": "on"})
	resp, err := http.Get("http://" + h.Main.HTTPAddr() + "/debug/pprof/cmdline")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("pprof on loopback: %v %v", resp, err)
	}
	resp.Body.Close()
	hc, err := adminClient(h.Main.Config.Serve.AdminSocket)
	if err != nil {
		t.Fatal(err)
	}
	resp, err = hc.Get("http://pocbot/debug/pprof/cmdline")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("pprof on the admin socket: %v %v", resp, err)
	}
	resp.Body.Close()
	if isLoopback(":9102") || isLoopback("0.0.0.0:9102") || !isLoopback("localhost:1") || !isLoopback("[::1]:9102") {
		t.Error("isLoopback is wrong")
	}
}

func TestAdminSocketPathFitsASocketAddress(t *testing.T) {
	short := defaultAdminSocket("/var/lib/pocbot/pocbot.db")
	if short != "/var/lib/pocbot/pocbot.db.sock" {
		t.Errorf("short path = %q", short)
	}
	long := "/" + strings.Repeat("deep/", 25) + "pocbot.db"
	p := defaultAdminSocket(long)
	if len(p) > maxSocketPath || !strings.HasPrefix(p, os.TempDir()) || p != defaultAdminSocket(long) {
		t.Errorf("long path = %q (%d bytes)", p, len(p))
	}
	if p == defaultAdminSocket(long+"2") {
		t.Error("two databases share a socket")
	}
	// Set explicitly too long: a clear start-up error.
	if _, err := listenAdmin("/tmp/" + strings.Repeat("x", 120)); err == nil || !strings.Contains(err.Error(), "too long for a Unix socket") {
		t.Errorf("long POCBOT_ADMIN_SOCKET: %v", err)
	}
	if got := adminSocketFor(getenvFrom(map[string]string{"POCBOT_DB": "/x/p.db", "POCBOT_ADMIN_SOCKET": "off"})); got != "" {
		t.Errorf("off = %q", got)
	}
}
