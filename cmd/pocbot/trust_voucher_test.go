package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"pocbot/store"
)

// Issue #13, "Campaign-less vouchers are invisible; a finished campaign
// cannot be closed": vouchers outside any campaign appear as "no campaign"
// in /voucher budget and the digest; campaigns close, reopen and end.
func TestE2E_TrustCampaignsCloseEndAndNoCampaign(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	mustContain(t, h.command("UADMIN", "/voucher", "budget 12.12 5jt"), "Rp5.000.000")
	issuedCode(t, h.command("U1", "/voucher", "@sari.beauty Glow Serum 150rb 12.12"))
	issuedCode(t, h.command("U1", "/voucher", "@budi.jkt Lip Tint 200rb"))
	toner := issuedCode(t, h.command("U2", "/voucher", "@rina.glow Toner 100rb"))

	bud := h.command("U1", "/voucher", "budget")
	mustContain(t, bud, "*12.12* — budget Rp5.000.000 · issued Rp150.000 (1)", "_no campaign_ — issued Rp300.000 (2) · redeemed Rp0 · no budget applies")

	// A budget of 0 is refused with the way to close.
	mustContain(t, h.command("UADMIN", "/voucher", "budget 12.12 0"), "A budget cannot be 0. To close campaign 12.12", "/voucher budget 12.12 close")
	mustContain(t, h.command("U1", "/voucher", "budget 12.12 close"), "Only admins")
	mustContain(t, h.command("UADMIN", "/voucher", "budget 12.12 close"), "Campaign *12.12* closed: no new vouchers. Its Rp150.000 issued (1)")
	mustContain(t, h.command("UADMIN", "/voucher", "budget 12.12 close"), "already closed")
	mustContain(t, h.command("U1", "/voucher", "@new.one Serum 100rb 12.12"), "Campaign 12.12 is closed: it takes no new vouchers.")
	bud = h.command("U1", "/voucher", "budget")
	mustContain(t, bud, "*Closed campaigns*", ":lock: *12.12* closed — issued Rp150.000 (1) · redeemed Rp0")

	// The digest: no campaign line, the closed campaign left out.
	h.sinceSunday("digest")
	if err := h.Bot.RunJob(ctx, "digest", h.at("2026-11-30", "09:00")); err != nil {
		t.Fatal(err)
	}
	var digest string
	waitFor(t, func() bool {
		for _, m := range h.Slack.Messages() {
			if m.Channel == "CDIGEST" && strings.Contains(all(m), "no campaign") {
				digest = all(m)
				return true
			}
		}
		return false
	})
	if !strings.Contains(digest, "_no campaign_ — issued Rp300.000 (2)") || strings.Contains(digest, "*12.12* — budget") {
		t.Errorf("digest voucher section:\n%s", digest)
	}

	// Reopen; an end date refuses vouchers from the day after it.
	mustContain(t, h.command("UADMIN", "/voucher", "budget 12.12 reopen"), "Campaign *12.12* is open again: Rp4.850.000 left")
	mustContain(t, h.command("UADMIN", "/voucher", "budget 12.12 6jt until 2026-12-01"), "budget set to Rp6.000.000", "ends 2026-12-01")
	mustContain(t, h.command("UADMIN", "/voucher", "budget 12.12 ends 12/31"), "is not a date")
	h.Clock.Advance(24 * time.Hour) // Tuesday 1 Dec: the last day
	issuedCode(t, h.command("U1", "/voucher", "@last.day Serum 100rb 12.12"))
	h.Clock.Advance(24 * time.Hour) // Wednesday
	mustContain(t, h.command("U1", "/voucher", "@too.late Serum 100rb 12.12"), "Campaign 12.12 ended on 2026-12-01")
	mustContain(t, h.command("U1", "/voucher", "budget"), ":lock: ended 2026-12-01")
	mustContain(t, h.command("UADMIN", "/voucher", "budget 12.12 ends none"), "has no end date")
	issuedCode(t, h.command("U1", "/voucher", "@too.late Serum 100rb 12.12"))
	// An admin revoking U2's voucher tells U2, without Undo.
	mustContain(t, h.command("UADMIN", "/voucher", "revoke "+toner+" creator cancelled"), "revoked")
	told := waitDM(t, h, "U2", 0, "<@UADMIN> revoked your voucher *"+toner+" @rina.glow, Rp100.000*: creator cancelled")
	mustNotContain(t, told, `"change_undo"`)
	if es, _ := h.Main.DB.AuditLog(ctx, store.CampaignEntity("12.12"), 0); len(es) < 5 {
		t.Errorf("campaign audit has %d entries, want budget, close, reopen, budget, end, end", len(es))
	}
}
