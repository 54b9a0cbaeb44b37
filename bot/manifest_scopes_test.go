package bot

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"pocbot/bot/manifest"
)

// apiScopes maps each slack-go call the bot makes to the bot scopes it
// needs (https://api.slack.com/methods, each method's "Required scopes").
// A call missing here fails the test, so a new call brings its scope.
var apiScopes = map[string][]string{
	"AuthTestContext":               nil,
	"PostMessageContext":            {"chat:write"},
	"PostEphemeralContext":          {"chat:write"},
	"UpdateMessageContext":          {"chat:write"},
	"GetPermalinkContext":           nil,
	"OpenConversationContext":       {"im:write"},
	"OpenViewContext":               nil,
	"UpdateViewContext":             nil,
	"PublishViewContext":            nil,
	"UploadFileContext":             {"files:write"},
	"GetUploadURLExternalContext":   {"files:write"},
	"UploadToURL":                   {"files:write"},
	"CompleteUploadExternalContext": {"files:write"},
	"GetFileContext":                {"files:read"},
	"GetUsersContext":               {"users:read"},
	"GetUserInfoContext":            {"users:read"},
	"GetUserByEmailContext":         {"users:read.email"},
	"GetUserGroupMembersContext":    {"usergroups:read"},
	// The outbox looks for a post whose answer was lost, in channels, private
	// channels and DMs alike.
	"GetConversationHistoryContext": {"channels:history", "groups:history", "im:history"},
	"GetConversationRepliesContext": {"channels:history", "groups:history", "im:history"},
}

// TestManifestScopesMatchCalls: the manifest grants every scope the bot's
// Web API calls need, and no scope that no call (or feature) needs.
func TestManifestScopesMatchCalls(t *testing.T) {
	m, err := manifest.Load("../manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	call := regexp.MustCompile(`\bapi\.([A-Z][A-Za-z]+)\(`)
	need := map[string]bool{"commands": true, "chat:write.public": true} // slash commands; posting to channels without joining
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, mm := range call.FindAllStringSubmatch(string(src), -1) {
			scopes, ok := apiScopes[mm[1]]
			if !ok {
				t.Errorf("%s calls api.%s, which apiScopes does not list: add it with its scopes", f, mm[1])
			}
			for _, s := range scopes {
				need[s] = true
			}
		}
	}
	if need["users:read.email"] {
		need["users:read"] = true // Slack grants users:read.email only together with users:read
	}
	var missing, extra []string
	for s := range need {
		if !slices.Contains(m.Scopes, s) {
			missing = append(missing, s)
		}
	}
	for _, s := range m.Scopes {
		if !need[s] {
			extra = append(extra, s)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("manifest scopes: missing %q, not needed by any call %q", missing, extra)
	}
}
