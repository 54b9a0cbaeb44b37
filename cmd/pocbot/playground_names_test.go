package main

import (
	"strings"
	"testing"
	"time"
)

// TestPlaygroundDigestNamesPeople: the digest names the demo team by the
// names the page shows (users.info answers with them), never by a
// lower-cased user ID such as "u0ana".
func TestPlaygroundDigestNamesPeople(t *testing.T) {
	base := startPlayground(t)
	// A Run now in the same second as the start-up catch-up is skipped as
	// "slot already done"; try again until it posts.
	for i := 0; ; i++ {
		r := postJSON(t, base+"api/run", map[string]any{"job": "digest"})
		if r["ok"] != true {
			t.Fatalf("run digest: %v", r)
		}
		if r["posts"].(float64) > 0 {
			break
		}
		if i == 30 {
			t.Fatalf("the digest never posted: %v", r)
		}
		time.Sleep(200 * time.Millisecond)
	}
	s := waitScreen(t, base, "U0LEAD", func(s screenJSON) bool { return anyText(s, "Daily digest") })
	var digest string
	for _, m := range s.Messages {
		if strings.Contains(string(m.Blocks), "Daily digest") {
			digest = string(m.Blocks)
		}
	}
	for _, id := range []string{"u0ana", "u0agus", "u0putri"} {
		if strings.Contains(digest, id) {
			t.Errorf("the digest names %s by its lower-cased ID: %s", id, digest[:min(len(digest), 2000)])
		}
	}
	if !strings.Contains(digest, "*ana*") {
		t.Errorf("the digest does not name Ana: %s", digest[:min(len(digest), 2000)])
	}
}
