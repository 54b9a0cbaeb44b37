package manifest_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pocbot/bot/manifest"
)

// realManifest is the repository's manifest.yaml, relative to this package.
const realManifest = "../../manifest.yaml"

func TestLoad(t *testing.T) {
	m, err := manifest.Load(realManifest)
	if err != nil {
		t.Fatalf("Load(%q) error: %v", realManifest, err)
	}

	// The lists of commands, shortcuts and events are checked against the
	// router in package bot (TestManifestMatchesRouter).
	for _, c := range m.Commands {
		if !strings.HasPrefix(c, "/") {
			t.Errorf("command %q does not start with /", c)
		}
	}
	if len(m.Commands) == 0 || len(m.BotEvents) == 0 {
		t.Errorf("Commands = %q, BotEvents = %q: want some of each", m.Commands, m.BotEvents)
	}
	// Least privilege: exactly these, so a new scope is a deliberate edit here too.
	wantScopes := []string{"commands", "chat:write", "chat:write.public", "files:write", "files:read", "users:read", "users:read.email", "im:write",
		"channels:history", "groups:history", "im:history", "usergroups:read"}
	if got := m.Scopes; !slices.Equal(got, wantScopes) {
		t.Errorf("Scopes = %q, want %q", got, wantScopes)
	}
	if !m.SocketMode || !m.Interactivity || !m.HomeTab {
		t.Errorf("SocketMode, Interactivity, HomeTab = %v, %v, %v, want all true", m.SocketMode, m.Interactivity, m.HomeTab)
	}
}

func TestLoad_Errors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, body, wantErr string
	}{
		{"Empty", "", "empty"},
		{"BadYAML", "features: [unclosed\n", "yaml"},
		{"WrongType", "features:\n  slash_commands: /pitch\n", "cannot unmarshal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".yaml")
			if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := manifest.Load(path)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Load(%s) error = %v, want one containing %q", tc.name, err, tc.wantErr)
			}
		})
	}

	if _, err := manifest.Load(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("Load(missing file) error = nil, want an error")
	}
}
