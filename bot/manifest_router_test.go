package bot

import (
	"os"
	"slices"
	"strings"
	"testing"

	"pocbot/bot/manifest"
)

// TestManifestMatchesRouter: every command, shortcut and event the router
// handles is declared in manifest.yaml, and everything declared is handled.
func TestManifestMatchesRouter(t *testing.T) {
	m, err := manifest.Load("../manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b := mustBot(t)
	cmds := slices.Sorted(slices.Values(m.Commands))
	if got := b.Commands(); !slices.Equal(got, cmds) {
		t.Errorf("router commands %q, manifest commands %q", got, cmds)
	}
	var scs []string
	for _, s := range m.Shortcuts {
		scs = append(scs, s.CallbackID)
	}
	slices.Sort(scs)
	if got := b.Shortcuts(); !slices.Equal(got, scs) && !(len(got) == 0 && len(scs) == 0) {
		t.Errorf("router shortcuts %q, manifest shortcuts %q", got, scs)
	}
	evs := slices.Sorted(slices.Values(m.BotEvents))
	if got := b.Events(); !slices.Equal(got, evs) {
		t.Errorf("router events %q, manifest bot events %q", got, evs)
	}
	if !m.SocketMode || !m.Interactivity {
		t.Error("manifest must enable Socket Mode and interactivity")
	}
	if len(b.Events()) > 0 && slices.Contains(b.Events(), "app_home_opened") && !m.HomeTab {
		t.Error("the router publishes App Home but the manifest has no Home tab")
	}
}

func mustBot(t *testing.T) *Bot {
	t.Helper()
	b, err := New(Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: "http://127.0.0.1:1/api/"}, mustDB(t, ""), quiet)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestREADMEDocumentsEveryCommand: each slash command has its section.
func TestREADMEDocumentsEveryCommand(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range mustBot(t).Commands() {
		if !strings.Contains(string(readme), "### `"+c+"`") {
			t.Errorf("README has no section for %s", c)
		}
	}
}
