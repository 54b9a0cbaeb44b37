package main

import (
	"fmt"
	"testing"

	"pocbot/store"
)

// Issue #13, "Wrong counts and labels": /creator find states the true
// total and says how to narrow; counts read "1 pitch", not "1 pitch(es)".
func TestE2E_CreatorFindTrueTotal(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := ctxT(t)
	var cs []store.Creator
	for i := range 100 {
		cs = append(cs, store.Creator{Handle: fmt.Sprintf("bulk%03d", i)})
	}
	if err := h.Main.DB.ImportCreators(ctx, "U1", cs); err != nil {
		t.Fatal(err)
	}
	m := h.command("U1", "/creator", "find bulk")
	mustContain(t, m, "100 creators match", "Showing the best 30 of 100", "narrow")
	mustNotContain(t, m, "(s)", "30 creators match")
	m = h.command("U1", "/creator", "find bulk042")
	mustContain(t, m, "1 creator matches", "@bulk042")
	mustNotContain(t, m, "Showing the best")
}
