// Package manifest reads pocbot's Slack app manifest (manifest.yaml at the
// repository root) so tests can check it two ways: against the bot's router
// (every slash command, shortcut callback_id and bot event in the manifest has
// a handler, and vice versa) with [Load], and against Slack's published JSON
// Schema for app manifests with [ValidateSchema].
package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

// Manifest is the parts of manifest.yaml the router cross-check needs.
type Manifest struct {
	// Commands are the slash commands as typed, e.g. "/pitch", in file order.
	Commands []string
	// Shortcuts are the global and message shortcuts, in file order.
	Shortcuts []Shortcut
	// BotEvents are settings.event_subscriptions.bot_events, e.g. "app_home_opened".
	BotEvents []string
	// Scopes are the bot token scopes (oauth_config.scopes.bot).
	Scopes []string
	// SocketMode is settings.socket_mode_enabled.
	SocketMode bool
	// Interactivity is settings.interactivity.is_enabled.
	Interactivity bool
	// HomeTab is features.app_home.home_tab_enabled.
	HomeTab bool
}

// Shortcut is one entry of features.shortcuts.
type Shortcut struct {
	CallbackID string `yaml:"callback_id"`
	Type       string `yaml:"type"` // "message" or "global"
	Name       string `yaml:"name"`
}

// file mirrors the subset of the manifest layout that Load reads. Unknown
// keys are ignored here; ValidateSchema is the strict check.
type file struct {
	Features struct {
		AppHome struct {
			HomeTabEnabled bool `yaml:"home_tab_enabled"`
		} `yaml:"app_home"`
		SlashCommands []struct {
			Command string `yaml:"command"`
		} `yaml:"slash_commands"`
		Shortcuts []Shortcut `yaml:"shortcuts"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			BotEvents []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled bool `yaml:"is_enabled"`
		} `yaml:"interactivity"`
		SocketModeEnabled bool `yaml:"socket_mode_enabled"`
	} `yaml:"settings"`
}

// Load reads the manifest at path. It fails if the file cannot be read, is not
// valid YAML, is empty, or has a value of the wrong type in one of the fields
// it reads; it does not check the manifest against Slack's schema (see
// ValidateSchema).
func Load(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load manifest: %w", err)
	}
	var f file
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("load manifest %s: file is empty", path)
		}
		return nil, fmt.Errorf("load manifest %s: %w", path, err)
	}
	m := &Manifest{
		Shortcuts:     f.Features.Shortcuts,
		BotEvents:     f.Settings.EventSubscriptions.BotEvents,
		Scopes:        f.OAuthConfig.Scopes.Bot,
		SocketMode:    f.Settings.SocketModeEnabled,
		Interactivity: f.Settings.Interactivity.IsEnabled,
		HomeTab:       f.Features.AppHome.HomeTabEnabled,
	}
	for _, c := range f.Features.SlashCommands {
		m.Commands = append(m.Commands, c.Command)
	}
	return m, nil
}
