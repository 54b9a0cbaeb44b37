package main

import (
	"strings"
	"testing"
)

// TestE2E_TeamBadInput: /team answers a typo or a wrong role with one line
// saying what to type, and /team help lists its forms.
func TestE2E_TeamBadInput(t *testing.T) {
	h := MustRunMain(t, nil, "")
	mustContain(t, h.command("UADMIN", "/team", "help"), "/team add", "/team remove", "/team permissions")
	for _, text := range []string{"ad <@U7|ana> outsource", "add <@U7|ana> manager", "add"} {
		r := h.command("UADMIN", "/team", text)
		mustContain(t, r, ":x:")
		if n := strings.Count(r.Text, "\n"); n > 1 {
			t.Errorf("/team %s: %d lines, want one:\n%s", text, n+1, r.Text)
		}
	}
}
