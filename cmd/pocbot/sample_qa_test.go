package main

import (
	"context"
	"testing"
)

// TestE2E_SampleExtendZeroRefused: "extend 0" is not a silent default
// extension — the one extension a sample gets must not be spent on a typo.
func TestE2E_SampleExtendZeroRefused(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	code := issuedCode(t, h.command("U1", "/voucher", "@sari.beauty Glow Serum 150k"))
	h.command("U1", "/voucher", "redeem "+code)
	for _, arg := range []string{"0", "0d", "-3", "00"} {
		mustContain(t, h.command("U1", "/voucher", code+" extend "+arg), "1 to 30 days")
	}
	if v, _ := h.Main.DB.Voucher(ctx, code); v.SampleState().ExtendedDays != 0 {
		t.Fatalf("a refused extension was recorded: %+v", v.SampleState())
	}
	mustContain(t, h.command("U1", "/voucher", code+" extend 3"), "extended by 3 days")
}
