package manifest_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pocbot/bot/manifest"
)

// schemaDir is Slack's manifest JSON Schema, kept in shared/ beside the
// repository's clone (../shared/slack from the repository root), relative to
// this package's directory.
const schemaDir = "../../../shared/slack"

// mustSchemaDir skips the test when the shared schema folder is absent.
func mustSchemaDir(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(filepath.Join(schemaDir, "manifest.schema.json")); err != nil {
		abs, _ := filepath.Abs(schemaDir)
		tb.Skipf("Slack manifest schema not found at %s (shared/slack beside the repository clone): %v", abs, err)
	}
	return schemaDir
}

func TestValidateSchema_RealManifest(t *testing.T) {
	dir := mustSchemaDir(t)
	if err := manifest.ValidateSchema(realManifest, dir); err != nil {
		t.Fatalf("ValidateSchema(%q) error:\n%v", realManifest, err)
	}
}

// minimal is the smallest manifest the schema accepts; the cases below
// append to it.
const minimal = "_metadata:\n  major_version: 1\ndisplay_information:\n  name: pocbot\n"

func TestValidateSchema(t *testing.T) {
	dir := mustSchemaDir(t)
	tests := []struct {
		name string
		body string
		// want are the violations ("location: message" fragments) the
		// error must list; none means the manifest is valid.
		want []string
	}{
		{name: "Minimal", body: minimal},
		{name: "NoMetadata", body: "display_information:\n  name: pocbot\n"},
		{name: "MajorVersion2", body: "_metadata:\n  major_version: 2\ndisplay_information:\n  name: pocbot\n"},
		{
			name: "ErrCommandDescriptionTooLong",
			body: minimal + "features:\n  slash_commands:\n    - command: /pitch\n      description: ok\n    - command: /issue\n      description: " + strings.Repeat("x", 2001) + "\n",
			want: []string{"/features/slash_commands/1/description: maxLength: got 2,001, want 2,000"},
		},
		{
			name: "ErrUnknownTopLevelKey",
			body: minimal + "slash_commands:\n  - command: /pitch\n",
			want: []string{"/: additional properties 'slash_commands' not allowed"},
		},
		{
			name: "ErrSeveral",
			body: "_metadata:\n  major_version: 1\ndisplay_information:\n  description: no name\n" +
				"features:\n  shortcuts:\n    - name: Log creator issue from a message\n      type: message\n      callback_id: x\n      description: d\n" +
				"settings:\n  interactivity: {}\n",
			want: []string{
				"/display_information: missing property 'name'",
				"/features/shortcuts/0/name: maxLength: got 32, want 24",
				"/settings/interactivity: missing property 'is_enabled'",
			},
		},
		{
			// The pattern uses lookahead, so this also proves the ECMAScript
			// regexp engine is in use.
			name: "ErrUnfurlDomainLookahead",
			body: minimal + "features:\n  unfurl_domains: [example.com, .example.com]\n",
			want: []string{"/features/unfurl_domains/1: "},
		},
		{name: "UnfurlDomainOK", body: minimal + "features:\n  unfurl_domains: [example.com]\n"},
		{
			name: "ErrUnsupportedMajorVersion",
			body: "_metadata:\n  major_version: 3\ndisplay_information:\n  name: pocbot\n",
			want: []string{"/_metadata/major_version: unsupported major version 3"},
		},
		{
			name: "ErrYAMLTimestampStaysString",
			body: minimal + "settings:\n  org_deploy_enabled: 2024-01-01\n",
			want: []string{"/settings/org_deploy_enabled: got string, want boolean"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "manifest.yaml")
			if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
				t.Fatal(err)
			}
			err := manifest.ValidateSchema(path, dir)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("ValidateSchema error:\n%v\nwant nil", err)
				}
				return
			}
			var se *manifest.SchemaError
			if !errors.As(err, &se) {
				t.Fatalf("ValidateSchema error = %v, want a *SchemaError", err)
			}
			t.Log(err)
			if len(se.Violations) != len(tc.want) {
				t.Errorf("got %d violations, want %d:\n%v", len(se.Violations), len(tc.want), err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ValidateSchema error:\n%v\nwant it to list %q", err, w)
				}
			}
		})
	}
}

func TestValidateSchema_Errors(t *testing.T) {
	dir := mustSchemaDir(t)
	tmp := t.TempDir()
	good := filepath.Join(tmp, "manifest.yaml")
	if err := os.WriteFile(good, []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	dup := filepath.Join(tmp, "dup.yaml")
	if err := os.WriteFile(dup, []byte(minimal+"display_information:\n  name: again\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	inf := filepath.Join(tmp, "inf.yaml")
	if err := os.WriteFile(inf, []byte(minimal+"x: .inf\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, manifest, schemaDir, wantErr string
	}{
		{"MissingManifest", filepath.Join(tmp, "missing.yaml"), dir, "no such file"},
		{"MissingSchemaDir", good, filepath.Join(tmp, "no-schemas"), "compile manifest schema"},
		{"DuplicateKey", dup, dir, "already defined"},
		{"NonFiniteNumber", inf, dir, "no JSON equivalent"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := manifest.ValidateSchema(tc.manifest, tc.schemaDir)
			var se *manifest.SchemaError
			if err == nil || errors.As(err, &se) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ValidateSchema error = %v, want a plain error containing %q", err, tc.wantErr)
			}
		})
	}
}
