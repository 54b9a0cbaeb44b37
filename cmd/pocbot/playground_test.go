package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestCheckLoopback(t *testing.T) {
	for _, ok := range []string{"127.0.0.1:8080", "localhost:8080", "[::1]:9000", "127.0.0.2:80", "127.0.0.1:0"} {
		if err := checkLoopback(ok); err != nil {
			t.Errorf("checkLoopback(%q) = %v, want ok", ok, err)
		}
	}
	for _, bad := range []string{"0.0.0.0:8080", ":8080", "192.168.1.5:8080", "example.com:80", "127.0.0.1", "127.0.0.1:http", "[::]:8080"} {
		if err := checkLoopback(bad); err == nil {
			t.Errorf("checkLoopback(%q) = nil, want a refusal", bad)
		}
	}
}

func TestPlaygroundRefusesNonLoopback(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"playground", "-addr", "0.0.0.0:8080"}, func(string) string { return "" }, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "not a loopback address") {
		t.Fatalf("code %d, stderr %q", code, errOut.String())
	}
}

// TestNoTokensMentionsPlayground: a newcomer who runs pocbot without a
// Slack app learns that the playground needs none.
func TestNoTokensMentionsPlayground(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, func(string) string { return "" }, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "pocbot playground") {
		t.Fatalf("code %d, stderr:\n%s", code, errOut.String())
	}
}

// postJSON posts like the page does.
func postJSON(t *testing.T, url string, body any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return out
}

type screenJSON struct {
	Messages []struct {
		Channel, Text, Kind string
		Blocks              json.RawMessage
	}
	Files []struct {
		Filename, URL, Channel string
	}
}

func getScreen(t *testing.T, base, user string) screenJSON {
	t.Helper()
	resp, err := http.Get(base + "api/screen?user=" + user)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s screenJSON
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitScreen polls user's screen until match accepts it.
func waitScreen(t *testing.T, base, user string, match func(screenJSON) bool) screenJSON {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := getScreen(t, base, user)
		if match(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("screen of %s never matched; last: %+v", user, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func anyText(s screenJSON, sub string) bool {
	for _, m := range s.Messages {
		if strings.Contains(m.Text, sub) || strings.Contains(string(m.Blocks), sub) {
			return true
		}
	}
	return false
}

// TestPlaygroundDemoAndEmpty: the default workspace has the demo history;
// -demo=false has the same people and no history. The page's API refuses
// posts from other origins; the voucher CSV downloads.
func TestPlaygroundDemoAndEmpty(t *testing.T) {
	demoURL := startPlayground(t)
	emptyURL := startPlayground(t, "-demo=false")
	var people [2][]any
	for i, base := range []string{demoURL, emptyURL} {
		resp, err := http.Get(base + "api/workspace")
		if err != nil {
			t.Fatal(err)
		}
		var ws map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&ws)
		resp.Body.Close()
		people[i], _ = ws["people"].([]any)
		if r := postJSON(t, base+"api/command", map[string]any{"user": "U0LEAD", "channel": "C0SALES", "command": "/issue", "text": "list"}); r["ok"] != true {
			t.Fatalf("/issue list: %v", r)
		}
	}
	if len(people[0]) != 7 || len(people[1]) != 7 {
		t.Fatalf("people: demo %d, empty %d; want 7 each", len(people[0]), len(people[1]))
	}
	waitScreen(t, demoURL, "U0LEAD", func(s screenJSON) bool { return anyText(s, "ISS-") })
	s := waitScreen(t, emptyURL, "U0LEAD", func(s screenJSON) bool { return len(s.Messages) > 0 })
	if anyText(s, "ISS-") {
		t.Errorf("-demo=false has issues: %+v", s.Messages)
	}

	// The CSV export arrives as a file the page can download.
	if r := postJSON(t, demoURL+"api/command", map[string]any{"user": "U0LEAD", "channel": "C0SALES", "command": "/voucher", "text": "export"}); r["ok"] != true {
		t.Fatalf("/voucher export: %v", r)
	}
	s = waitScreen(t, demoURL, "U0LEAD", func(s screenJSON) bool { return len(s.Files) > 0 })
	resp, err := http.Get(strings.TrimSuffix(demoURL, "/") + s.Files[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") || !bytes.Contains(body, []byte("SMP-")) {
		t.Errorf("download: %s %q…", resp.Header.Get("Content-Disposition"), body[:min(len(body), 200)])
	}

	// Another site's page cannot drive the playground.
	req, _ := http.NewRequest(http.MethodPost, demoURL+"api/command", strings.NewReader(`{"user":"U0LEAD","channel":"C0SALES","command":"/pitch","text":"help"}`))
	req.Header.Set("Origin", "http://evil.example")
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin POST: %d, want 403", resp.StatusCode)
	}
	// Unknown users and commands get a plain answer.
	if r := postJSON(t, demoURL+"api/command", map[string]any{"user": "U0LEAD", "channel": "C0SALES", "command": "/nope"}); r["ok"] != false || !strings.Contains(r["error"].(string), "not a valid command") {
		t.Errorf("/nope: %v", r)
	}
	if r := postJSON(t, demoURL+"api/command", map[string]any{"user": "UNOBODY", "channel": "C0SALES", "command": "/pitch"}); r["ok"] != false {
		t.Errorf("unknown user: %v", r)
	}
}

// TestPlaygroundCommandsMatchManifest keeps the page's command list (with
// descriptions and usage hints) and shortcuts in step with manifest.yaml.
func TestPlaygroundCommandsMatchManifest(t *testing.T) {
	data, err := os.ReadFile("../../manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			SlashCommands []struct {
				Command     string `yaml:"command"`
				Description string `yaml:"description"`
				UsageHint   string `yaml:"usage_hint"`
			} `yaml:"slash_commands"`
			Shortcuts []struct {
				Name       string `yaml:"name"`
				Type       string `yaml:"type"`
				CallbackID string `yaml:"callback_id"`
			} `yaml:"shortcuts"`
		} `yaml:"features"`
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Features.SlashCommands) != len(playgroundCommands) {
		t.Fatalf("manifest has %d commands, the playground %d", len(m.Features.SlashCommands), len(playgroundCommands))
	}
	for i, c := range m.Features.SlashCommands {
		p := playgroundCommands[i]
		if p.Command != c.Command || p.Description != c.Description || p.UsageHint != c.UsageHint {
			t.Errorf("command %d: manifest %+v, playground %+v (update playgroundCommands in cmd/pocbot/playground.go)", i, c, p)
		}
	}
	var shortcuts []string
	for _, s := range m.Features.Shortcuts {
		if s.Type == "message" {
			shortcuts = append(shortcuts, s.CallbackID+"="+s.Name)
		}
	}
	var ours []string
	for _, s := range playgroundShortcuts {
		ours = append(ours, s.CallbackID+"="+s.Name)
	}
	if strings.Join(shortcuts, ",") != strings.Join(ours, ",") {
		t.Errorf("message shortcuts: manifest %v, playground %v", shortcuts, ours)
	}
}

// TestProductionPathKnowsNoPlayground is the dependency rule: the bot and
// the store (what `pocbot run` executes) import neither the fake Slack,
// the playground page nor the demo seeder, and the playground reaches the
// bot only through cmd/pocbot's Main, as production does.
func TestProductionPathKnowsNoPlayground(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to list dependencies")
	}
	out, err := exec.Command("go", "list", "-deps", "pocbot/bot", "pocbot/store").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch dep {
		case "pocbot/bot/fakeslack", "pocbot/bot/playground", "pocbot/store/demo":
			t.Errorf("the production path imports %s", dep)
		}
	}
	out, err = exec.Command("go", "list", "-deps", "pocbot/bot/playground").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "pocbot/bot" || dep == "pocbot/store" {
			t.Errorf("bot/playground imports %s: it must only drive the fake Slack", dep)
		}
	}
	// Nothing in the bot's or the store's own code mentions the playground
	// or the fake.
	list, err := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{.Dir}}|{{join .GoFiles " "}}`, "pocbot/bot/...", "pocbot/store/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, list)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		f := strings.SplitN(line, "|", 3)
		if len(f) != 3 {
			continue
		}
		switch f[0] {
		case "pocbot/bot/fakeslack", "pocbot/bot/playground", "pocbot/store/demo":
			continue
		}
		for _, name := range strings.Fields(f[2]) {
			src, err := os.ReadFile(f[1] + "/" + name)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			low := strings.ToLower(string(src))
			if strings.Contains(low, "playground") || strings.Contains(low, "fakeslack") {
				t.Errorf("%s/%s mentions the playground or the fake Slack", f[0], name)
			}
		}
	}
	if checked < 20 {
		t.Errorf("checked only %d files", checked)
	}
}

// TestPlaygroundJobsAndClock: every scheduled job runs from Run now, and
// moving the clock a day runs the jobs that fell due (the next digest).
func TestPlaygroundJobsAndClock(t *testing.T) {
	base := startPlayground(t)
	resp, err := http.Get(base + "api/workspace")
	if err != nil {
		t.Fatal(err)
	}
	var ws struct{ Jobs []string }
	_ = json.NewDecoder(resp.Body).Decode(&ws)
	resp.Body.Close()
	want := []string{"digest", "followups", "issue_sla", "nudges", "task_reminders", "voucher_expiry"}
	for _, j := range want {
		if !strings.Contains(strings.Join(ws.Jobs, ","), j) {
			t.Errorf("jobs %v lack %s", ws.Jobs, j)
		}
	}
	for _, j := range ws.Jobs {
		if r := postJSON(t, base+"api/run", map[string]any{"job": j}); r["ok"] != true {
			t.Errorf("run %s: %v", j, r)
		}
	}
	if r := postJSON(t, base+"api/run", map[string]any{"job": "nope"}); r["ok"] != false {
		t.Errorf("run nope: %v", r)
	}
	before := getScreen(t, base, "U0LEAD")
	posted := false
	for range 4 { // a weekend day may have nothing due; a working day has
		r := postJSON(t, base+"api/clock", map[string]any{"advance": "1d"})
		if r["ok"] != true {
			t.Fatalf("advance: %v", r)
		}
		if r["posts"].(float64) > 0 {
			posted = true
			break
		}
	}
	if !posted {
		t.Errorf("four days passed and no job posted anything")
	}
	after := getScreen(t, base, "U0LEAD")
	if len(after.Messages) <= len(before.Messages) {
		t.Errorf("messages %d → %d after a day", len(before.Messages), len(after.Messages))
	}
	if r := postJSON(t, base+"api/clock", map[string]any{"advance": "-1d"}); r["ok"] != false {
		t.Errorf("advance -1d: %v", r)
	}
}

// An operator trying /readyz and /metrics sets POCBOT_HTTP_ADDR; the
// playground serves them there (without it, it serves none).
func TestPlaygroundServesOpsWhenAsked(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := startPlaygroundEnv(t, map[string]string{"POCBOT_HTTP_ADDR": addr}, "-demo=false")
	if r := postJSON(t, base+"api/command", map[string]any{"user": "U0RINA", "channel": "C0SALES", "command": "/pitch", "text": "@ops_check lipstick"}); r["ok"] != true {
		t.Fatalf("/pitch: %v", r)
	}
	for path, want := range map[string]string{"/readyz": `"ready": true`, "/metrics": `pocbot_handler_duration_seconds_count{route="/pitch"} 1`} {
		var body []byte
		var resp *http.Response
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if resp, err = http.Get("http://" + addr + path); err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && strings.Contains(string(body), want) || time.Now().After(deadline) {
				break
			}
		}
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s = %d, want %q in:\n%.2000s", path, resp.StatusCode, want, body)
		}
	}
}
