package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"pocbot/bot/fakeslack"
	"pocbot/store"
)

var codeRE = regexp.MustCompile(`SMP-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}`)

// issuedCode returns the voucher code in a confirmation.
func issuedCode(t testing.TB, m fakeslack.Message) string {
	t.Helper()
	c := codeRE.FindString(all(m))
	if c == "" {
		t.Fatalf("no voucher code in:\n%s", all(m))
	}
	return c
}

// openVoucherForm runs /voucher as user and returns the modal.
func openVoucherForm(t testing.TB, h *harness, user string) *fakeslack.View {
	t.Helper()
	ctx := ctxT(t)
	if _, err := h.Slack.User(user).Command(ctx, "CGENERAL", "/voucher", ""); err != nil {
		t.Fatal(err)
	}
	v, err := h.Slack.WaitView(ctx, user, func(v *fakeslack.View) bool { return v.CallbackID == "voucher_modal" })
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestE2E_VoucherQuickFormDetailRedeem(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()

	// Only admins set budgets; a non-admin is told who can.
	m := h.command("U1", "/voucher", "budget 11.11 1jt")
	mustContain(t, m, "Only admins", "<@UADMIN>")
	if _, err := h.Main.DB.Campaign(ctx, "11.11"); store.ErrorCode(err) != store.NotFound {
		t.Fatalf("non-admin created a campaign: %v", err)
	}
	mustContain(t, h.command("UADMIN", "/voucher", "budget 11.11 1jt"), "Rp1.000.000")

	m = h.command("U1", "/voucher", "@Sari.Beauty Glow Serum <!channel> 150.000 11.11")
	code := issuedCode(t, m)
	mustContain(t, m, "Voucher issued", "@sari.beauty", "Rp150.000", "Message for the creator", "Valid until",
		"WIB", "Rp850.000 left", "&lt;!channel&gt;", "Mark redeemed")
	mustNotContain(t, m, "<!channel>")
	v, err := h.Main.DB.Voucher(ctx, code)
	if err != nil || v.Campaign != "11.11" || v.Value != 150_000 || v.IssuerID != "U1" {
		t.Fatalf("stored = %+v, %v", v, err)
	}
	// Default expiry: end of the day 14 days ahead in Jakarta.
	want := time.Date(2026, 12, 15, 0, 0, 0, 0, h.Main.Config.Location)
	if !v.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %v, want %v", v.ExpiresAt, want)
	}

	// Per-creator limit names the rule and the remaining budget.
	mustContain(t, h.command("U2", "/voucher", "@sari.beauty glow serum <!channel> 10k 11.11"), "per-creator limit", "Rp850.000 left")
	// Bad values and an unknown campaign.
	mustContain(t, h.command("U1", "/voucher", "@x.y Serum 0"), "more than zero")
	mustContain(t, h.command("U1", "/voucher", "@x.y Serum -5000"), "negative")
	mustContain(t, h.command("U1", "/voucher", "@x.y Serum 150000.5"), "whole amount")
	mustContain(t, h.command("U1", "/voucher", "@x.y Serum 150k nope"), "no campaign nope")

	// Detail; a mistyped code is told so.
	mustContain(t, h.command("U3", "/voucher", strings.ToLower(code)), code, "Issued", "History", "<@U1>")
	// Swap the last two neighbouring characters that differ (a code like
	// SMP-77B9-CBSY-GYVV has equal pairs: swapping those is no typo).
	typo := []byte(code)
	for i := len(typo) - 1; i > 4; i-- {
		if typo[i] != typo[i-1] && typo[i] != '-' && typo[i-1] != '-' {
			typo[i], typo[i-1] = typo[i-1], typo[i]
			break
		}
	}
	mustContain(t, h.command("U3", "/voucher", string(typo)), "looks mistyped")
	mustContain(t, h.command("U3", "/voucher", "SMP-7KQ3-9XF2-M4TO"), "mistyped")

	// Redeem with the button, then again by command.
	r := h.click("U1", m, "voucher_redeem", code)
	mustContain(t, r, "redeemed", code)
	mustContain(t, h.command("U2", "/voucher", "redeem "+code), "already redeemed", "*Redeemed* by <@U1>")
	if v, _ := h.Main.DB.Voucher(ctx, code); v.Status != store.VoucherRedeemed {
		t.Errorf("status = %s", v.Status)
	}
	mustContain(t, h.command("U1", "/voucher", "budget"), "11.11", "issued Rp150.000 (1)", "redeemed Rp150.000", "remaining Rp850.000")
	mustContain(t, h.command("U1", "/voucher", "list @sari.beauty"), code)
	mustContain(t, h.command("U1", "/voucher", "list mine"), code)
	mustContain(t, h.command("U1", "/voucher", "list 11.11"), code)

	// /creator shows the voucher and offers a prefilled form.
	cm := h.command("U1", "/creator", "@sari.beauty")
	mustContain(t, cm, code, "Issue a voucher")
	mm := cm
	if _, err := h.Slack.User("U1").Click(ctxT(t), fakeslack.Target{Message: &mm}, "creator_voucher", "sari.beauty"); err != nil {
		t.Fatal(err)
	}
	view, err := h.Slack.WaitView(ctxT(t), "U1", func(v *fakeslack.View) bool { return v.CallbackID == "voucher_modal" })
	if err != nil || !strings.Contains(string(view.JSON), `"initial_value":"@sari.beauty"`) {
		t.Errorf("prefilled modal: %v\n%s", err, view.JSON)
	}
	audit, _ := h.Main.DB.AuditLog(ctx, store.VoucherEntity(code), 0)
	if len(audit) != 2 || audit[0].UserID != "U1" || audit[0].Action != store.ActionVoucherRedeem {
		t.Errorf("audit = %+v", audit)
	}
}

func TestE2E_VoucherModal(t *testing.T) {
	h := MustRunMain(t, nil, "")
	h.command("UADMIN", "/voucher", "budget ramadan 500k")
	ctx := ctxT(t)
	u := h.Slack.User("U1")
	v := openVoucherForm(t, h, "U1")
	if !strings.Contains(string(v.JSON), `"initial_date":"2026-12-14"`) || !strings.Contains(string(v.JSON), "ramadan — Rp500.000 left") {
		t.Errorf("modal:\n%s", v.JSON)
	}
	ack, err := u.Submit(ctx, v.ID, map[string]string{"voucher_creator": "@bad!", "voucher_product": "Serum",
		"voucher_value": "1.50.000", "voucher_campaign": "ramadan", "voucher_expires": "2026-11-01"})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := h.Slack.OpenView("U1")
	if got == nil || got.Errors["voucher_creator"] == "" || got.Errors["voucher_value"] == "" || !strings.Contains(got.Errors["voucher_expires"], "passed") {
		t.Fatalf("field errors = %+v (ack %s)", got, ack.Payload)
	}
	if _, err := u.Submit(ctx, v.ID, map[string]string{"voucher_creator": "@modal.one", "voucher_product": "Serum",
		"voucher_value": "150k", "voucher_campaign": "ramadan", "voucher_expires": "2030-01-01"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.Slack.OpenView("U1"); got == nil || !strings.Contains(got.Errors["voucher_expires"], "at most 365 days") {
		t.Fatalf("expiry in 2030: errors = %+v", got)
	}
	before := len(h.Slack.Messages())
	if _, err := u.Submit(ctx, v.ID, map[string]string{"voucher_creator": "@modal.one", "voucher_product": "Serum",
		"voucher_value": "Rp150.000", "voucher_campaign": "ramadan", "voucher_expires": "2026-12-20", "voucher_note": "via form"}); err != nil {
		t.Fatal(err)
	}
	if open, _ := h.Slack.OpenView("U1"); open != nil {
		t.Fatalf("modal still open: %+v", open.Errors)
	}
	m := h.newMessage(before, func(m fakeslack.Message) bool { return strings.Contains(m.Text, "Voucher SMP-") })
	code := issuedCode(t, m)
	mustContain(t, m, "Sun 20 Dec 2026, 23:59 WIB", "Rp350.000 left", "via form")
	if m.Channel != "CGENERAL" && m.Channel != "DU1" {
		t.Errorf("confirmation in %s", m.Channel)
	}
	vv, _ := h.Main.DB.Voucher(context.Background(), code)
	if want := time.Date(2026, 12, 21, 0, 0, 0, 0, h.Main.Config.Location); !vv.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %v, want %v", vv.ExpiresAt, want)
	}
}

// TestE2E_VoucherConcurrentBudget: 50 people submit the form at once
// against a budget that fits 10 vouchers.
func TestE2E_VoucherConcurrentBudget(t *testing.T) {
	h := MustRunMain(t, nil, "")
	mustContain(t, h.command("UADMIN", "/voucher", "budget flash 1jt"), "Rp1.000.000")
	const n = 50
	views := make([]*fakeslack.View, n)
	for i := range n {
		views[i] = openVoucherForm(t, h, fmt.Sprintf("U%03d", i))
	}
	acks := make([]*fakeslack.Ack, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			acks[i], errs[i] = h.Slack.User(fmt.Sprintf("U%03d", i)).Submit(ctxT(t), views[i].ID, map[string]string{
				"voucher_creator": fmt.Sprintf("@flash%02d", i), "voucher_product": "Serum",
				"voucher_value": "100k", "voucher_campaign": "flash"})
		}()
	}
	wg.Wait()
	issued, refused := 0, 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("submit %d: %v", i, errs[i])
		}
		var resp struct {
			Action string            `json:"response_action"`
			Errors map[string]string `json:"errors"`
		}
		_ = json.Unmarshal(acks[i].Payload, &resp)
		switch e := resp.Errors["voucher_value"]; {
		case len(acks[i].Payload) == 0 || string(acks[i].Payload) == "null":
			issued++
		case strings.Contains(e, "budget rule") && strings.Contains(e, "Rp0 left") && strings.Contains(e, "Rp100.000"):
			refused++
		default:
			t.Errorf("ack %d = %s", i, acks[i].Payload)
		}
	}
	ctx := context.Background()
	c, _ := h.Main.DB.Campaign(ctx, "flash")
	vs, _ := h.Main.DB.Vouchers(ctx, store.VoucherFilter{Campaign: "flash"})
	if issued != 10 || refused != 40 || len(vs) != 10 || c.Issued != 1_000_000 || c.Issued > c.Budget {
		t.Errorf("issued=%d refused=%d stored=%d campaign=%+v", issued, refused, len(vs), c)
	}
	codes := map[string]bool{}
	for _, v := range vs {
		codes[v.Code] = true
	}
	if len(codes) != 10 {
		t.Errorf("%d distinct codes", len(codes))
	}
	if err := h.Main.DB.Check(); err != nil {
		t.Error(err)
	}
}

// TestE2E_VoucherRedelivery: Slack delivering the same view_submission
// again (same envelope, or a new envelope for the same view) issues one
// voucher.
func TestE2E_VoucherRedelivery(t *testing.T) {
	h := MustRunMain(t, nil, "")
	v := openVoucherForm(t, h, "U1")
	payload := map[string]any{
		"type": "view_submission",
		"team": map[string]any{"id": fakeslack.TeamID, "domain": fakeslack.TeamDomain},
		"user": map[string]any{"id": "U1", "username": "u1", "name": "u1", "team_id": fakeslack.TeamID},
		"view": map[string]any{
			"id": v.ID, "hash": v.Hash, "type": "modal", "callback_id": v.CallbackID, "private_metadata": v.PrivateMetadata,
			"state": map[string]any{"values": map[string]any{
				"voucher_creator":  map[string]any{"v": map[string]any{"type": "plain_text_input", "value": "@re.deliver"}},
				"voucher_product":  map[string]any{"v": map[string]any{"type": "plain_text_input", "value": "Serum"}},
				"voucher_value":    map[string]any{"v": map[string]any{"type": "plain_text_input", "value": "75k"}},
				"voucher_campaign": map[string]any{"v": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "(none)"}}},
				"voucher_expires":  map[string]any{"v": map[string]any{"type": "datepicker", "selected_date": "2026-12-10"}},
			}},
		},
	}
	ctx := ctxT(t)
	// The same envelope twice, then the same view state under a new
	// envelope_id: the router handles the first and drops the others.
	for i, id := range []string{"env-1", "env-1", "env-2"} {
		ack, err := h.Slack.Deliver(ctx, fakeslack.Envelope{ID: id, Type: "interactive", Payload: payload, AcceptsResponsePayload: true})
		if err != nil {
			t.Fatalf("delivery %d: %v", i, err)
		}
		if p := strings.TrimSpace(string(ack.Payload)); p != "" && p != "null" {
			t.Errorf("delivery %d ack = %s, want an empty ack (modal closes)", i, p)
		}
	}
	// After a restart the router has forgotten the view, and the store's
	// idempotency key (view id + hash) answers instead.
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	h = MustRunMain(t, h.Slack, h.DBPath)
	before := len(h.Slack.Messages())
	if _, err := h.Slack.Deliver(ctx, fakeslack.Envelope{ID: "env-3", Type: "interactive", Payload: payload, AcceptsResponsePayload: true}); err != nil {
		t.Fatal(err)
	}
	m := h.newMessage(before, func(m fakeslack.Message) bool { return strings.Contains(all(m), "already handled") })
	mustContain(t, m, "no second voucher")
	vs, err := h.Main.DB.Vouchers(context.Background(), store.VoucherFilter{Handle: "re.deliver"})
	if err != nil || len(vs) != 1 {
		t.Fatalf("vouchers = %d, %v; want exactly 1", len(vs), err)
	}
}

func TestE2E_VoucherRevokeAndExpiry(t *testing.T) {
	h := MustRunMain(t, nil, "")
	ctx := context.Background()
	h.command("UADMIN", "/voucher", "budget rv 300k")
	a := issuedCode(t, h.command("U1", "/voucher", "@rv.one Serum 100k rv"))
	b := issuedCode(t, h.command("U1", "/voucher", "@rv.two Serum 200k rv"))
	mustContain(t, h.command("U1", "/voucher", "@rv.three Serum 1k rv"), "budget rule", "Rp0 left")

	mustContain(t, h.command("U1", "/voucher", "revoke "+a+" wrong creator"), "Only admins", "<@UADMIN>")
	mustContain(t, h.command("UADMIN", "/voucher", "revoke "+a), "reason")
	m := h.command("UADMIN", "/voucher", "revoke "+a+" wrong creator <!here>")
	mustContain(t, m, "revoked", "Rp100.000 returned to rv", "Rp100.000 left of Rp300.000", "&lt;!here&gt;")
	c, _ := h.Main.DB.Campaign(ctx, "rv")
	if c.Remaining() != 100_000 {
		t.Errorf("remaining = %d after revoke", c.Remaining())
	}
	mustContain(t, h.command("U1", "/voucher", a), "Revoked", "<@UADMIN>", "wrong creator")
	mustContain(t, h.command("U1", "/voucher", "@rv.three Serum 100k rv"), "Voucher issued")

	// Expiry: the daily job under the fake clock. b expires at the end of
	// 14 Dec (Jakarta).
	due := time.Date(2026, 12, 14, 0, 5, 0, 0, h.Main.Config.Location)
	h.Clock.Set(due)
	if err := h.Bot.RunJob(ctx, "voucher_expiry", due); err != nil {
		t.Fatal(err)
	}
	if v, _ := h.Main.DB.Voucher(ctx, b); v.Status != store.VoucherIssued {
		t.Errorf("expired a day early: %s", v.Status)
	}
	due = due.AddDate(0, 0, 1)
	h.Clock.Set(due)
	if err := h.Bot.RunJob(ctx, "voucher_expiry", due); err != nil {
		t.Fatal(err)
	}
	if v, _ := h.Main.DB.Voucher(ctx, b); v.Status != store.VoucherExpired {
		t.Errorf("status = %s, want expired", v.Status)
	}
	mustContain(t, h.command("U1", "/voucher", "redeem "+b), "expired", "the expiry job")
	if err := h.Main.DB.Check(); err != nil {
		t.Error(err)
	}
}

func TestE2E_VoucherExportSlackAndCLI(t *testing.T) {
	h := MustRunMain(t, nil, "")
	h.command("UADMIN", "/voucher", "budget ex 1jt")
	code := issuedCode(t, h.command("U1", "/voucher", "@ex.one =HYPERLINK(\"http://evil\",\"x\") 150k ex"))
	mustContain(t, h.command("U1", "/voucher", "export"), "Only admins", "<@UADMIN>")
	mustContain(t, h.command("UADMIN", "/voucher", "export ex 2026-13-01 2026-12-01"), "not a date")

	m := h.command("UADMIN", "/voucher", "export ex 2026-11-30 2026-11-30")
	mustContain(t, m, "vouchers-ex-20261130-20261130.csv", "(1 voucher)")
	files := h.Slack.Files()
	if len(files) != 1 || files[0].Channel != "DUADMIN" {
		t.Fatalf("files = %+v", files)
	}
	wantCSV := "code,status,creator,product,value,currency,campaign,issued_at,issued_by,valid_until,closed_at,closed_by,revoke_reason,note\r\n" +
		code + `,issued,ex.one,"'=HYPERLINK(""http://evil"",""x"")",150000,IDR,ex,2026-11-30 10:00,U1,2026-12-14,,,,` + "\r\n"
	if got := string(files[0].Content); got != wantCSV {
		t.Errorf("uploaded CSV =\n%q\nwant\n%q", got, wantCSV)
	}
	// Outside the dates: header only.
	h.command("UADMIN", "/voucher", "export 2026-12-01 2026-12-31")
	if fs := h.Slack.Files(); len(fs) != 2 || strings.Count(string(fs[1].Content), "\r\n") != 1 {
		t.Errorf("second export = %q", fs[len(fs)-1].Content)
	}

	// While the bot runs, the CLI works through its admin socket.
	env := getenvFrom(testEnv(h.Slack, h.DBPath))
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"export", "vouchers", "--campaign", "ex", "--from", "2026-11-30", "--to", "2026-11-30"}, env, &out, &errb); code != 0 || out.String() != wantCSV {
		t.Errorf("export while running = %d, %q, stderr %q", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"export", "vouchers", "--campaign", "ex", "--from", "2026-11-30", "--to", "2026-11-30"}, env, &out, &errb); code != 0 {
		t.Fatalf("export = %d: %s", code, errb.String())
	}
	if out.String() != wantCSV {
		t.Errorf("CLI CSV =\n%q\nwant\n%q", out.String(), wantCSV)
	}
	if code := run(context.Background(), []string{"export", "vouchers", "--from", "30/11"}, env, &out, &errb); code != 2 {
		t.Errorf("bad date exit = %d", code)
	}
}

func TestE2E_VoucherBadInput(t *testing.T) {
	h := MustRunMain(t, nil, "")
	for _, tc := range []struct{ name, text, want string }{
		{"HugeProduct", "@big.one " + strings.Repeat("x", 3000) + " 150k", "at most 200 characters"},
		{"Binary", "\x00\x01\xff@bin\x07 Serum 150k", "handle"},
		{"HugeAmount", "@big.one Serum 999999999999999999", "largest value"},
		{"UserNotCreator", "<@U123|ana> Serum 150k", "creators"},
		{"Unknown", "frobnicate", "I didn't understand"},
		{"BudgetNoAmount", "budget x", "Only admins"},
		{"ListUnknownCampaign", "list nope", "no campaign nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := h.command("U1", "/voucher", tc.text)
			mustContain(t, m, tc.want)
			if len(all(m)) > 20000 {
				t.Errorf("reply is %d bytes", len(all(m)))
			}
		})
	}
	mustContain(t, h.command("UADMIN", "/voucher", "budget x"), "Give the campaign and the amount")
	mustContain(t, h.command("UADMIN", "/voucher", "budget <!channel> 5jt"), "not a campaign name")
}

func TestE2E_VoucherMaxRefusesTypos(t *testing.T) {
	h := MustRunMain(t, nil, "")
	mustContain(t, h.command("U1", "/voucher", "@rich.two Serum 999.999.999.999"), "more than a sample voucher may be worth", "Rp10.000.000", "POCBOT_VOUCHER_MAX")
	mustContain(t, h.command("U1", "/voucher", "@rich.two Serum 10jt"), "Voucher issued")
}
