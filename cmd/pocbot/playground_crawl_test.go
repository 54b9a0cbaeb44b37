package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

type crawlView struct {
	ID   string          `json:"id"`
	View json.RawMessage `json:"view"`
}

type crawlScreen struct {
	Messages []struct {
		Channel, TS, Text, Kind string
		Blocks                  []map[string]any
	}
	Modals []crawlView
	Home   *crawlView
}

func crawlGet(t *testing.T, base, user string) crawlScreen {
	t.Helper()
	resp, err := http.Get(base + "api/screen?user=" + user)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s crawlScreen
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// clickable lists the buttons, then the last option of each select or
// overflow, a person and a date for the pickers, in blocks, as (action_id,
// value, label). Buttons come first so "Resolve" is pressed before the
// status select closes the issue.
func clickable(blocks []map[string]any) [][3]string {
	var out [][3]string
	add := func(e map[string]any) {
		id, _ := e["action_id"].(string)
		switch e["type"] {
		case "button":
			v, _ := e["value"].(string)
			txt, _ := e["text"].(map[string]any)
			label, _ := txt["text"].(string)
			out = append(out, [3]string{id, v, label})
		case "static_select", "overflow":
			opts, _ := e["options"].([]any)
			if len(opts) > 0 {
				o, _ := opts[len(opts)-1].(map[string]any)
				v, _ := o["value"].(string)
				out = append(out, [3]string{id, v, "option " + v})
			}
		case "users_select":
			out = append(out, [3]string{id, "U0AGUS", "pick @agus"})
		case "datepicker":
			out = append(out, [3]string{id, "2026-12-31", "date"})
		}
	}
	for _, b := range blocks {
		if acc, ok := b["accessory"].(map[string]any); ok {
			add(acc)
		}
		if b["type"] == "actions" {
			els, _ := b["elements"].([]any)
			for _, e := range els {
				if m, ok := e.(map[string]any); ok {
					add(m)
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b [3]string) int {
		btn := func(c [3]string) int {
			if strings.HasPrefix(c[2], "option ") || strings.HasPrefix(c[2], "pick ") || c[2] == "date" {
				return 1
			}
			return 0
		}
		return btn(a) - btn(b)
	})
	return out
}

// TestPlaygroundEveryButton is a crawl, as a curious newcomer would do it:
// run the commands that list things, as the lead and as a POC, then press
// every button and pick in every select of every reply and of the App
// Home. Every press must be answered (no "trouble connecting", no missing
// ack); a modal that opens is closed again.
func TestPlaygroundEveryButton(t *testing.T) {
	if testing.Short() {
		t.Skip("crawl: not in -short")
	}
	base := startPlayground(t)
	commands := []string{"/pitch list", "/pitch followups", "/pitch stats", "/issue list", "/voucher list", "/voucher budget",
		"/task list", "/task load", "/target", "/creator find beauty", "/pitch help", "/voucher help",
		"/issue ISS-20", "/issue ISS-3", "/task TSK-2", "/task TSK-5", "/creator find mua", "/voucher template"}
	pressed := 0
	labels := map[string]bool{}
	forms := map[string]bool{} // the forms buttons opened and the crawl submitted
	for _, user := range []string{"U0RINA", "U0LEAD"} {
		for _, cmd := range commands {
			name, text, _ := strings.Cut(cmd, " ")
			before := len(crawlGet(t, base, user).Messages)
			if r := postJSON(t, base+"api/command", map[string]any{"user": user, "channel": "C0SALES", "command": name, "text": text}); r["ok"] != true {
				t.Errorf("%s %s: %v", user, cmd, r)
				continue
			}
			var s crawlScreen
			crawlWait(t, func() bool { s = crawlGet(t, base, user); return len(s.Messages) > before })
			for _, m := range s.Messages[before:] {
				for _, c := range clickable(m.Blocks) {
					pressed++
					labels[c[2]] = true
					r := postJSON(t, base+"api/click", map[string]any{"user": user, "channel": m.Channel, "ts": m.TS, "action_id": c[0], "value": c[1]})
					if r["ok"] != true {
						if strings.Contains(r["error"].(string), "no message") { // an earlier press replaced or deleted it
							continue
						}
						t.Errorf("%s: %s → %q (%s): %v", user, cmd, c[2], c[0], r["error"])
					}
					if title := submitModal(t, base, user, cmd+" → "+c[2]); title != "" {
						forms[title] = true
					}
				}
			}
		}
		// The App Home's buttons.
		if r := postJSON(t, base+"api/home", map[string]any{"user": user}); r["ok"] != true {
			t.Fatalf("home: %v", r)
		}
		var home *crawlView
		crawlWait(t, func() bool { home = crawlGet(t, base, user).Home; return home != nil })
		var hv struct{ Blocks []map[string]any }
		_ = json.Unmarshal(home.View, &hv)
		for _, c := range clickable(hv.Blocks) {
			h := crawlGet(t, base, user).Home
			pressed++
			labels["Home: "+c[2]] = true
			r := postJSON(t, base+"api/click", map[string]any{"user": user, "view_id": h.ID, "action_id": c[0], "value": c[1]})
			// The Home changes under the crawl as items are pressed (a resolved
			// issue leaves it): a control that has gone is not a failure.
			if r["ok"] != true && !strings.Contains(r["error"].(string), "no interactive element") && !strings.Contains(r["error"].(string), "has no value") {
				t.Errorf("%s: Home → %q (%s): %v", user, c[2], c[0], r["error"])
			}
			if title := submitModal(t, base, user, "Home → "+c[2]); title != "" {
				forms[title] = true
			}
		}
	}
	// An outsource member's task DM: every button, as it changes.
	if r := postJSON(t, base+"api/command", map[string]any{"user": "U0RINA", "channel": "C0SALES", "command": "/task", "text": "<@U0ANA|ana> Pitch 5 food creators by friday"}); r["ok"] != true {
		t.Fatalf("/task: %v", r)
	}
	dm := func() []map[string]any {
		for _, m := range crawlGet(t, base, "U0ANA").Messages {
			if m.Channel == "DU0ANA" && strings.Contains(string(mustJSON(m.Blocks)), "Pitch 5 food creators") {
				return m.Blocks
			}
		}
		return nil
	}
	crawlWait(t, func() bool { return dm() != nil })
	for _, label := range []string{"Accept", "Update progress", "Done"} {
		var ts string
		for _, m := range crawlGet(t, base, "U0ANA").Messages {
			if m.Channel == "DU0ANA" && strings.Contains(string(mustJSON(m.Blocks)), "Pitch 5 food creators") {
				ts = m.TS
			}
		}
		found := false
		for _, c := range clickable(dm()) {
			if c[2] != label {
				continue
			}
			found = true
			pressed++
			labels["Task DM: "+label] = true
			if r := postJSON(t, base+"api/click", map[string]any{"user": "U0ANA", "channel": "DU0ANA", "ts": ts, "action_id": c[0], "value": c[1]}); r["ok"] != true {
				t.Errorf("task DM %q: %v", label, r["error"])
			}
			if title := submitModal(t, base, "U0ANA", "task DM → "+label); title != "" {
				forms[title] = true
			}
		}
		if !found {
			t.Errorf("the task DM has no %q button: %s", label, mustJSON(dm()))
		}
	}
	if pressed < 30 {
		t.Errorf("pressed only %d controls", pressed)
	}
	if len(forms) < 2 {
		t.Errorf("the buttons opened only these forms: %v", forms)
	}
	t.Logf("pressed %d buttons and selects: %v; submitted forms %v", pressed, labels, forms)
}

// submitModal fills the user's top form with plausible values and submits
// it; the bot must answer (closing it, or with field errors), then any
// form still open is closed. It returns the form's title, or "".
func submitModal(t *testing.T, base, user, what string) string {
	t.Helper()
	// The bot opens a form after it acks the press: give it a moment.
	var s crawlScreen
	for range 6 {
		if s = crawlGet(t, base, user); len(s.Modals) > 0 {
			break
		}
		time.Sleep(15 * time.Millisecond)
	}
	if len(s.Modals) == 0 {
		return ""
	}
	top := s.Modals[len(s.Modals)-1]
	var v struct {
		Title  struct{ Text string }
		Blocks []map[string]any
	}
	_ = json.Unmarshal(top.View, &v)
	values := map[string]string{}
	for _, b := range v.Blocks {
		if b["type"] != "input" {
			continue
		}
		id, _ := b["block_id"].(string)
		el, _ := b["element"].(map[string]any)
		switch el["type"] {
		case "plain_text_input":
			switch {
			case strings.Contains(id, "value"):
				values[id] = "100000"
			case strings.Contains(id, "quantity"), strings.Contains(id, "progress"), strings.Contains(id, "done"), strings.Contains(id, "commission"):
				values[id] = "1"
			case strings.Contains(id, "creator"):
				values[id] = "@crawl.test"
			case strings.Contains(id, "order"):
				values[id] = "577123456789012345"
			case strings.Contains(id, "link"):
				values[id] = ""
			default:
				values[id] = "crawl test"
			}
		case "static_select":
			if opts, _ := el["options"].([]any); len(opts) > 0 {
				values[id], _ = opts[0].(map[string]any)["value"].(string)
			}
		case "users_select":
			values[id] = "U0ANA"
		case "datepicker":
			values[id] = time.Now().AddDate(0, 0, 3).Format("2006-01-02")
		case "timepicker":
			values[id] = "15:00"
		}
	}
	r := postJSON(t, base+"api/submit", map[string]any{"user": user, "view_id": top.ID, "values": values})
	if r["ok"] != true {
		t.Errorf("%s: submitting %q: %v", what, v.Title.Text, r["error"])
	}
	closeModals(t, base, user)
	return v.Title.Text
}

func closeModals(t *testing.T, base, user string) {
	t.Helper()
	for _, m := range crawlGet(t, base, user).Modals {
		_ = m
		s := crawlGet(t, base, user)
		if len(s.Modals) == 0 {
			return
		}
		top := s.Modals[len(s.Modals)-1]
		if r := postJSON(t, base+"api/close", map[string]any{"user": user, "view_id": top.ID, "all": true}); r["ok"] != true {
			t.Errorf("close %s: %v", top.ID, r)
		}
	}
}

func crawlWait(t *testing.T, cond func() bool) {
	t.Helper()
	for range 300 {
		if cond() {
			return
		}
		sleepShort()
	}
	t.Fatal("condition never held")
}

func sleepShort() { time.Sleep(50 * time.Millisecond) }

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
