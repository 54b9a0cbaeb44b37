package main

import (
	"encoding/json"
	"strings"
	"testing"

	"pocbot/bot"
)

// TestE2E_StoreRefusalsLandOnTheirField submits voucher forms the store
// refuses (the form itself checks nothing of this) and checks that each
// refusal is shown on the field the store tagged it with, and nowhere else.
func TestE2E_StoreRefusalsLandOnTheirField(t *testing.T) {
	h := MustRunMain(t, nil, "", func(c *bot.Config) { c.VoucherDailyCap = 2 })
	h.command("UADMIN", "/voucher", "budget ramadan 500k")
	u := h.Slack.User("U1")
	submit := func(fields map[string]string) map[string]string {
		t.Helper()
		v := openVoucherForm(t, h, "U1")
		ack, err := u.Submit(ctxT(t), v.ID, fields)
		if err != nil {
			t.Fatal(err)
		}
		var resp struct {
			Errors map[string]string `json:"errors"`
		}
		_ = json.Unmarshal(ack.Payload, &resp) // an empty ack (success) leaves Errors nil
		return resp.Errors
	}
	form := func(creator, value string) map[string]string {
		return map[string]string{"voucher_creator": creator, "voucher_product": "Serum", "voucher_value": value, "voucher_campaign": "ramadan"}
	}

	// The campaign budget refuses the value.
	if errs := submit(form("@budget.one", "600k")); len(errs) != 1 || !strings.Contains(errs["voucher_value"], "budget rule") {
		t.Errorf("over budget: errors = %v, want one on voucher_value", errs)
	}
	// The per-creator limit refuses the creator.
	if errs := submit(form("@limit.one", "100k")); len(errs) != 0 {
		t.Fatalf("first voucher refused: %v", errs)
	}
	if errs := submit(form("@limit.one", "100k")); len(errs) != 1 || !strings.Contains(errs["voucher_creator"], "per-creator limit") {
		t.Errorf("second voucher for the creator: errors = %v, want one on voucher_creator", errs)
	}
	// The daily cap (2) is shown with the value it refused.
	if errs := submit(form("@cap.two", "100k")); len(errs) != 0 {
		t.Fatalf("second voucher of the day refused: %v", errs)
	}
	if errs := submit(form("@cap.three", "100k")); len(errs) != 1 || !strings.Contains(errs["voucher_value"], "daily cap") {
		t.Errorf("third voucher of the day: errors = %v, want one on voucher_value", errs)
	}
}
