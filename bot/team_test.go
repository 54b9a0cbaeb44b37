package bot

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEPermissionTable: every row of the permission table in code has
// its row in README's table, and README has no row the code lacks.
func TestREADMEPermissionTable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i := strings.Index(s, "| action | who may | when it is someone else's record |")
	if i < 0 {
		t.Fatal("README has no permission table")
	}
	var rows []string
	for _, l := range strings.Split(s[i:], "\n")[2:] {
		if !strings.HasPrefix(l, "| ") {
			break
		}
		rows = append(rows, strings.TrimSpace(strings.Split(l, "|")[1]))
	}
	if len(rows) != len(permOrder) {
		t.Errorf("README has %d permission rows, code %d", len(rows), len(permOrder))
	}
	for i, p := range permOrder {
		what := strings.ToLower(permissions[p].What[:1]) + permissions[p].What[1:]
		if i < len(rows) && rows[i] != what {
			t.Errorf("row %d: README %q, code %q", i+1, rows[i], what)
		}
	}
}

func TestWhoPhrase(t *testing.T) {
	for w, want := range map[who]string{
		whoAdmin:                     "admins",
		whoOwner | whoAdmin:          "the owner or admins",
		whoOwner | whoAdmin | whoPOC: "the owner, admins or POC staff",
		whoAssigner | whoAdmin:       "the assigner or admins",
	} {
		if got := w.phrase(); got != want {
			t.Errorf("%v.phrase() = %q, want %q", w, got, want)
		}
	}
}
