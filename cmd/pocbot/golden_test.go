package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"pocbot/bot/fakeslack"
)

// TestE2E_MessagesGolden pins, beside the digest and modal goldens, what
// people see most: the App Home, the triage message and each feature's
// confirmation, as the bot sent them to the fake Slack (fallback text on
// the first line, then the blocks). go test ./cmd/pocbot -run
// MessagesGolden -update rewrites them.
func TestE2E_MessagesGolden(t *testing.T) {
	h := MustRunMain(t, nil, "")
	seedTeam(t, h)
	seedWork(t, h)
	h.Clock.Set(h.at("2026-11-30", "10:00"))
	ctx := ctxT(t)

	// App Home first, before any action of U2 publishes it again.
	if _, err := h.Slack.User("U2").OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	hv, err := h.Slack.WaitView(ctx, "U2", func(v *fakeslack.View) bool { return v.Type == "home" })
	if err != nil {
		t.Fatal(err)
	}
	goldenJSON(t, "home_U2", "", hv.JSON)

	msgGolden := func(name string, m fakeslack.Message) {
		t.Helper()
		goldenJSON(t, name, m.Text, m.Blocks)
	}
	msgGolden("pitch_confirm", h.command("U1", "/pitch", "@golden.one, @golden.two Glow Serum -- liked the <b>demo</b>"))
	msgGolden("voucher_confirm", h.command("U1", "/voucher", "@golden.one Glow Serum 150.000 11.11"))
	// Too little history to judge U1 by (4 active days), but 70 a day is
	// above their capacity: the workload warning.
	warn := h.command("UADMIN", "/target", "pitches 70 <@U1|ana>")
	msgGolden("target_realism", warn)
	msgGolden("target_confirm", h.click("UADMIN", warn, "target_set_anyway", ""))
	msgGolden("task_confirm", h.command("ULEAD", "/task", "<@U2|budi> Review 30 videos of @sari.beauty by tomorrow 16:00"))

	before := len(h.Slack.Messages())
	tm := reportIssue(t, h, "U1", validIssue("@golden.one"))
	msgGolden("issue_triage", tm)
	msgGolden("issue_confirm", h.newMessage(before, func(m fakeslack.Message) bool {
		return strings.HasPrefix(m.Text, "Logged ISS-")
	}))
}

// goldenJSON compares text and indented blocks (voucher codes, which are
// random, as SMP-XXXX-XXXX-XXXX) with testdata/name.golden.json.
func goldenJSON(t *testing.T, name, text string, blocks json.RawMessage) {
	t.Helper()
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, blocks, "", "  "); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	got := codeRE.ReplaceAll(append([]byte(text+"\n"), pretty.Bytes()...), []byte("SMP-XXXX-XXXX-XXXX"))
	golden(t, name+".golden.json", append(got, '\n'))
}
