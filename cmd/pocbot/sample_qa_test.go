package main

import (
	"context"
	"strings"
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

// TestE2E_ContentDMRowMarked: pressing Reminded (or Extend) in the content
// DM marks that sample's row in the DM, so an owner working down a list of
// reminders sees which ones are done; the other rows keep their buttons.
func TestE2E_ContentDMRowMarked(t *testing.T) {
	h := MustRunMain(t, nil, "")
	a := issuedCode(t, h.command("U1", "/voucher", "@row.one Glow Serum 150k"))
	b := issuedCode(t, h.command("U1", "/voucher", "@row.two Lip Tint 90k"))
	for _, code := range []string{a, b} {
		mustContain(t, h.command("U1", "/voucher", "redeem "+code), "redeemed")
	}
	got := byChannel(h.runClock("2026-12-07", "10:00"))
	if len(got["DU1"]) != 1 {
		t.Fatalf("reminder DMs = %+v", got)
	}
	dm := got["DU1"][0]
	mustContain(t, h.click("U1", dm, "sample_reminded", a), "Reminder for *"+a+"*", "recorded")
	waitFor(t, func() bool { return h.latest(dm).Updates > dm.Updates })
	l := h.latest(dm)
	mustContain(t, l, a, b, ":white_check_mark: Reminded today", `"value":"`+b+`"`)
	if strings.Contains(all(l), `"action_id":"sample_reminded","text":{"emoji":false,"text":"Reminded","type":"plain_text"},"type":"button","value":"`+a+`"`) {
		t.Fatalf("the Reminded button of %s is still in the DM: %s", a, all(l))
	}
	// The other row still works; when both are done no Reminded is left.
	mustContain(t, h.click("U1", l, "sample_reminded", b), "Reminder for *"+b+"*")
	waitFor(t, func() bool { return !strings.Contains(all(h.latest(dm)), `"action_id":"sample_reminded"`) })
}

// TestE2E_ReminderTextTruthful: the built-in reminder names the value in
// Rupiah, and for a sample with no delivery recorded it does not tell the
// creator they received it on the day they ordered it.
func TestE2E_ReminderTextTruthful(t *testing.T) {
	h := MustRunMain(t, nil, "")
	a := issuedCode(t, h.command("U1", "/voucher", "@txt.one Glow Serum 150k"))
	b := issuedCode(t, h.command("U1", "/voucher", "@txt.two Lip Tint 90k"))
	for _, code := range []string{a, b} {
		mustContain(t, h.command("U1", "/voucher", "redeem "+code), "redeemed")
	}
	h.Clock.Set(h.at("2026-12-01", "09:00"))
	mustContain(t, h.command("U1", "/voucher", a+" delivered"), "delivered Tue 1 Dec")
	got := byChannel(h.runClock("2026-12-07", "10:00"))
	if len(got["DU1"]) != 1 {
		t.Fatalf("reminder DMs = %+v", got)
	}
	dm := got["DU1"][0]
	mustContain(t, dm, "Semoga sampel Lip Tint senilai Rp90.000 yang kamu pesan pada Senin, 30 November 2026 sudah sampai ya",
		"Kalau sampelnya belum sampai",
		"Sampel Glow Serum senilai Rp150.000 sudah kamu terima sejak Selasa, 1 Desember 2026")
	mustNotContain(t, dm, "Sampel Lip Tint senilai Rp90.000 sudah kamu terima", "Sampel Lip Tint sudah kamu terima")
	mustContain(t, h.command("U1", "/voucher", "template reminder"), "Preview when no delivery is recorded", "yang kamu pesan pada")
}
