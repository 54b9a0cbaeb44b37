package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

var idr = Currency{Code: "IDR", Symbol: "Rp", Decimals: 0}

func mustCampaign(tb testing.TB, db *DB, name string, budget Money) {
	tb.Helper()
	if _, err := db.SetCampaignBudget(context.Background(), name, budget, idr, "UADMIN"); err != nil {
		tb.Fatal(err)
	}
}

func newVoucher(db *DB, issuer, handle, product string, value Money, campaign string) VoucherInput {
	return VoucherInput{IssuerID: issuer, Handle: handle, Product: product, Value: value, Currency: idr,
		Campaign: campaign, ExpiresAt: db.Now().Add(14 * 24 * time.Hour)}
}

func mustCheck(tb testing.TB, db *DB) {
	tb.Helper()
	if err := db.Check(); err != nil {
		tb.Fatalf("Check: %v", err)
	}
}

func TestDB_IssueVoucher(t *testing.T) {
	ctx := context.Background()
	db := MustOpenOptions(t, Options{Now: NewTestClock(t0).Now})
	mustCampaign(t, db, "11.11", 1_000_000)
	v, existed, err := db.IssueVoucher(ctx, newVoucher(db, "U1", "@Sari.Beauty", " Glow Serum ", 150_000, "11.11"))
	if err != nil || existed {
		t.Fatalf("IssueVoucher = %v, %v", existed, err)
	}
	if err := ValidateVoucherCode(v.Code); err != nil || !strings.HasPrefix(v.Code, "SMP-") {
		t.Errorf("code %q: %v", v.Code, err)
	}
	if v.Handle != "sari.beauty" || v.Product != "Glow Serum" || v.Status != VoucherIssued || !v.IssuedAt.Equal(t0) ||
		v.Currency != "IDR" || v.IssuerID != "U1" || len(v.History) != 1 {
		t.Errorf("voucher = %+v", v)
	}
	got, err := db.Voucher(ctx, strings.ToLower(strings.ReplaceAll(v.Code, "-", " ")))
	if err != nil || got.Code != v.Code {
		t.Errorf("Voucher(typed loosely) = %+v, %v", got, err)
	}
	c, _ := db.Campaign(ctx, "11.11")
	if c.Issued != 150_000 || c.Remaining() != 850_000 || c.Count != 1 {
		t.Errorf("campaign = %+v", c)
	}
	if _, err := db.Creator(ctx, "sari.beauty"); err != nil {
		t.Errorf("creator not recorded: %v", err)
	}
	if a, _ := db.AuditLog(ctx, VoucherEntity(v.Code), 0); len(a) != 1 || a[0].Action != ActionVoucherIssue {
		t.Errorf("audit = %+v", a)
	}
	mustCheck(t, db)
}

func TestDB_IssueVoucher_Refusals(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	mustCampaign(t, db, "ramadan", 300_000)

	t.Run("Budget", func(t *testing.T) {
		_, _, err := db.IssueVoucher(ctx, newVoucher(db, "U1", "a.one", "Serum", 300_001, "ramadan"))
		if !errors.Is(err, ErrVoucherBudget) || ErrorCode(err) != Conflict ||
			!strings.Contains(ErrorMessage(err), "Rp300.000 left") || !strings.Contains(ErrorMessage(err), "budget rule") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("PerCreator", func(t *testing.T) {
		if _, _, err := db.IssueVoucher(ctx, newVoucher(db, "U1", "b.two", "Serum", 100_000, "ramadan")); err != nil {
			t.Fatal(err)
		}
		_, _, err := db.IssueVoucher(ctx, newVoucher(db, "U2", "b.two", "SERUM", 100_000, "ramadan"))
		if !errors.Is(err, ErrVoucherCreatorLimit) || !strings.Contains(ErrorMessage(err), "Rp200.000 left") {
			t.Errorf("err = %v", err)
		}
		// Other product or other campaign: allowed.
		if _, _, err := db.IssueVoucher(ctx, newVoucher(db, "U2", "b.two", "Lipstick", 100_000, "ramadan")); err != nil {
			t.Error(err)
		}
		if _, _, err := db.IssueVoucher(ctx, newVoucher(db, "U2", "b.two", "Serum", 100_000, "")); err != nil {
			t.Error(err)
		}
	})
	t.Run("DailyCap", func(t *testing.T) {
		nv := newVoucher(db, "U3", "c.one", "Serum", 1000, "")
		nv.DailyCap, nv.Location = 2, time.FixedZone("WIB", 7*3600)
		for _, h := range []string{"c.one", "c.two"} {
			nv.Handle = h
			if _, _, err := db.IssueVoucher(ctx, nv); err != nil {
				t.Fatal(err)
			}
		}
		nv.Handle = "c.three"
		if _, _, err := db.IssueVoucher(ctx, nv); !errors.Is(err, ErrVoucherDailyCap) {
			t.Errorf("third = %v, want daily cap", err)
		}
		clock.Add(22 * time.Hour) // t0 is 09:00 WIB; 07:00 WIB the next day.
		nv.ExpiresAt = db.Now().Add(24 * time.Hour)
		if _, _, err := db.IssueVoucher(ctx, nv); err != nil {
			t.Errorf("next day = %v", err)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		tests := []struct {
			name string
			mod  func(*VoucherInput)
			code Code
		}{
			{"ZeroValue", func(nv *VoucherInput) { nv.Value = 0 }, Invalid},
			{"Huge", func(nv *VoucherInput) { nv.Value = idr.Max() + 1 }, Invalid},
			{"NoProduct", func(nv *VoucherInput) { nv.Product = " " }, Invalid},
			{"BadHandle", func(nv *VoucherInput) { nv.Handle = "a b!" }, Invalid},
			{"PastExpiry", func(nv *VoucherInput) { nv.ExpiresAt = db.Now() }, Invalid},
			{"FarExpiry", func(nv *VoucherInput) { nv.ExpiresAt = db.Now().AddDate(2, 0, 0) }, Invalid},
			{"UnknownCampaign", func(nv *VoucherInput) { nv.Campaign = "nope" }, NotFound},
			{"BadCampaign", func(nv *VoucherInput) { nv.Campaign = "<!channel>" }, Invalid},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				nv := newVoucher(db, "U9", "d.one", "Serum", 1000, "")
				tc.mod(&nv)
				if _, _, err := db.IssueVoucher(ctx, nv); ErrorCode(err) != tc.code {
					t.Errorf("err = %v (%s), want %s", err, ErrorCode(err), tc.code)
				}
			})
		}
	})
	mustCheck(t, db)
}

// TestDB_IssueVoucher_ConcurrentBudget: 50 concurrent issues against a
// budget that fits 10 give exactly 10 vouchers and 40 budget refusals.
func TestDB_IssueVoucher_ConcurrentBudget(t *testing.T) {
	ctx := context.Background()
	db := MustOpenOptions(t, Options{Now: NewTestClock(t0).Now})
	mustCampaign(t, db, "flash", 1_000_000)
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = db.IssueVoucher(ctx, newVoucher(db, "U1", fmt.Sprintf("creator%02d", i), "Serum", 100_000, "flash"))
		}()
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrVoucherBudget):
			refused++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	c, _ := db.Campaign(ctx, "flash")
	if ok != 10 || refused != 40 || c.Issued != 1_000_000 || c.Count != 10 {
		t.Errorf("ok=%d refused=%d campaign=%+v", ok, refused, c)
	}
	mustCheck(t, db)
}

func TestDB_IssueVoucher_Idempotent(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	nv := newVoucher(db, "U1", "idem.one", "Serum", 50_000, "")
	nv.IdemKey = "view:V1:h1"
	v1, existed, err := db.IssueVoucher(ctx, nv)
	if err != nil || existed {
		t.Fatal(existed, err)
	}
	v2, existed, err := db.IssueVoucher(ctx, nv)
	if err != nil || !existed || v2.Code != v1.Code {
		t.Fatalf("second = %+v, %v, %v", v2, existed, err)
	}
	nv.Value = 60_000
	if _, _, err := db.IssueVoucher(ctx, nv); !errors.Is(err, ErrVoucherIdemConflict) {
		t.Errorf("reused key with other input = %v", err)
	}
	if vs, _ := db.Vouchers(ctx, VoucherFilter{}); len(vs) != 1 {
		t.Errorf("%d vouchers, want 1", len(vs))
	}
	mustCheck(t, db)
}

func TestDB_VoucherLifecycle(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	mustCampaign(t, db, "life", 500_000)
	issue := func(h string, days int) *Voucher {
		nv := newVoucher(db, "U1", h, "Serum", 100_000, "life")
		nv.ExpiresAt = db.Now().Add(time.Duration(days) * 24 * time.Hour)
		v, _, err := db.IssueVoucher(ctx, nv)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	a, b, c := issue("life.a", 3), issue("life.b", 3), issue("life.c", 10)

	if _, err := db.RedeemVoucher(ctx, a.Code, "U2"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RedeemVoucher(ctx, a.Code, "U2"); ErrorCode(err) != Conflict || !strings.Contains(ErrorMessage(err), "already redeemed") {
		t.Errorf("second redeem = %v", err)
	}
	if _, err := db.RevokeVoucher(ctx, a.Code, "UADMIN", "oops"); ErrorCode(err) != Conflict {
		t.Errorf("revoke redeemed = %v", err)
	}
	if _, err := db.RevokeVoucher(ctx, c.Code, "UADMIN", " "); ErrorCode(err) != Invalid {
		t.Errorf("revoke without reason = %v", err)
	}
	v, err := db.RevokeVoucher(ctx, c.Code, "UADMIN", "creator cancelled")
	if err != nil || v.Status != VoucherRevoked || v.Last().Reason != "creator cancelled" {
		t.Fatalf("revoke = %+v, %v", v, err)
	}
	camp, _ := db.Campaign(ctx, "life")
	if camp.Issued != 200_000 || camp.Redeemed != 100_000 || camp.Count != 2 {
		t.Errorf("after revoke campaign = %+v, want issued 200000 (budget returned)", camp)
	}
	// Mistyped: swap two characters of a real code.
	r := []byte(b.Code)
	i := len(r) - 2
	if r[i] == r[i+1] {
		i -= 2
	}
	r[i], r[i+1] = r[i+1], r[i]
	if _, err := db.RedeemVoucher(ctx, string(r), "U2"); !errors.Is(err, ErrCodeChecksum) {
		t.Errorf("mistyped = %v", err)
	}
	if _, err := db.Voucher(ctx, "SMP-2222-2222-2222"); ErrorCode(err) != NotFound && !errors.Is(err, ErrCodeChecksum) {
		t.Errorf("unknown = %v", err)
	}

	// Expiry: nothing before the time, b exactly at it.
	clock.Add(3*24*time.Hour - time.Second)
	if got, err := db.ExpireVouchers(ctx); err != nil || len(got) != 0 {
		t.Errorf("early expire = %v, %v", got, err)
	}
	clock.Add(time.Second)
	if _, err := db.RedeemVoucher(ctx, b.Code, "U2"); ErrorCode(err) != Conflict || !strings.Contains(ErrorMessage(err), "expired") {
		t.Errorf("redeem at expiry = %v", err)
	}
	got, err := db.ExpireVouchers(ctx)
	if err != nil || len(got) != 1 || got[0].Code != b.Code || got[0].Status != VoucherExpired {
		t.Errorf("expire = %+v, %v", got, err)
	}
	if got, _ := db.ExpireVouchers(ctx); len(got) != 0 {
		t.Errorf("second run expired %d", len(got))
	}
	audit, _ := db.AuditLog(ctx, VoucherEntity(b.Code), 0)
	if len(audit) != 2 || audit[0].Action != ActionVoucherExpire {
		t.Errorf("audit = %+v", audit)
	}
	mustCheck(t, db)
}

func TestDB_SetCampaignBudget(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustCampaign(t, db, "B1", 200_000)
	if _, _, err := db.IssueVoucher(ctx, newVoucher(db, "U1", "bud.one", "Serum", 150_000, "b1")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetCampaignBudget(ctx, "b1", 100_000, idr, "UADMIN"); ErrorCode(err) != Conflict {
		t.Errorf("below issued = %v", err)
	}
	c, err := db.SetCampaignBudget(ctx, "b1", 150_000, idr, "UADMIN")
	if err != nil || c.Remaining() != 0 {
		t.Errorf("freeze = %+v, %v", c, err)
	}
	for _, bad := range []string{"", "a b", strings.Repeat("x", 41), "ü"} {
		if _, err := db.SetCampaignBudget(ctx, bad, 1, idr, "UADMIN"); ErrorCode(err) != Invalid {
			t.Errorf("name %q = %v", bad, err)
		}
	}
	if _, err := db.SetCampaignBudget(ctx, "b2", 0, idr, "UADMIN"); ErrorCode(err) != Invalid {
		t.Errorf("zero budget = %v", err)
	}
	cs, _ := db.Campaigns(ctx)
	if len(cs) != 1 || cs[0].Name != "b1" {
		t.Errorf("campaigns = %+v", cs)
	}
	if a, _ := db.AuditLog(ctx, CampaignEntity("b1"), 0); len(a) != 2 {
		t.Errorf("audit = %+v", a)
	}
}

func TestDB_Vouchers_Filters(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	mustCampaign(t, db, "f1", 1_000_000)
	for i, h := range []string{"f.a", "f.b", "f.a"} {
		camp := "f1"
		if i == 1 {
			camp = ""
		}
		if _, _, err := db.IssueVoucher(ctx, newVoucher(db, fmt.Sprintf("U%d", i%2), h, fmt.Sprint("P", i), 1000, camp)); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Hour)
	}
	tests := []struct {
		name string
		f    VoucherFilter
		want int
	}{
		{"All", VoucherFilter{}, 3},
		{"Creator", VoucherFilter{Handle: "@F.A"}, 2},
		{"Campaign", VoucherFilter{Campaign: "F1"}, 2},
		{"Issuer", VoucherFilter{IssuerID: "U1"}, 1},
		{"Range", VoucherFilter{From: t0.Add(time.Hour), To: t0.Add(2 * time.Hour)}, 1},
		{"Limit", VoucherFilter{Limit: 2}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vs, err := db.Vouchers(ctx, tc.f)
			if err != nil || len(vs) != tc.want {
				t.Errorf("Vouchers(%+v) = %d, %v; want %d", tc.f, len(vs), err, tc.want)
			}
			for i := 1; i < len(vs); i++ {
				if vs[i].IssuedAt.After(vs[i-1].IssuedAt) {
					t.Errorf("not newest first")
				}
			}
		})
	}
	if _, err := db.Vouchers(ctx, VoucherFilter{Handle: "f.a", Campaign: "f1"}); ErrorCode(err) != Invalid {
		t.Errorf("two filters = %v", err)
	}
}

func TestWriteVoucherCSV(t *testing.T) {
	at := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	vs := []Voucher{
		{Code: "SMP-BBBB-BBBB-BBBB", Handle: "b", Product: "=HYPERLINK(\"http://x\")", Value: 150000, Currency: "IDR",
			Campaign: "11.11", IssuedAt: at.Add(time.Hour), IssuerID: "U1", ExpiresAt: at.Add(48 * time.Hour), Status: VoucherRevoked,
			History: []VoucherEvent{{At: at.Add(time.Hour), UserID: "U1", Status: VoucherIssued}, {At: at.Add(2 * time.Hour), UserID: "UADMIN", Status: VoucherRevoked, Reason: "dup, sorry"}},
			Note:    "+62 812\r\nline2"},
		{Code: "SMP-AAAA-AAAA-AAAA", Handle: "a", Product: "Serum", Value: 50000, Currency: "IDR", IssuedAt: at, IssuerID: "U2",
			ExpiresAt: at.Add(24 * time.Hour), Status: VoucherIssued, Note: "@mention -1"},
	}
	var buf bytes.Buffer
	if err := WriteVoucherCSV(&buf, vs, idr, time.FixedZone("WIB", 7*3600)); err != nil {
		t.Fatal(err)
	}
	want := "code,status,creator,product,value,currency,campaign,issued_at,issued_by,valid_until,closed_at,closed_by,revoke_reason,note\r\n" +
		"SMP-AAAA-AAAA-AAAA,issued,a,Serum,50000,IDR,,2026-11-30 10:00,U2,2026-12-01,,,,'@mention -1\r\n" +
		"SMP-BBBB-BBBB-BBBB,revoked,b,\"'=HYPERLINK(\"\"http://x\"\")\",150000,IDR,11.11,2026-11-30 11:00,U1,2026-12-02,2026-11-30 12:00,UADMIN,\"dup, sorry\",\"'+62 812\r\nline2\"\r\n"
	if got := buf.String(); got != want {
		t.Errorf("CSV =\n%q\nwant\n%q", got, want)
	}
	if got := plainAmount(1250, Currency{Code: "USD", Decimals: 2}); got != "12.50" {
		t.Errorf("plainAmount = %q", got)
	}
	if got := plainAmount(5, Currency{Code: "USD", Decimals: 2}); got != "0.05" {
		t.Errorf("plainAmount = %q", got)
	}
}

func TestDB_VoucherMistypedPrefix(t *testing.T) {
	db := MustOpen(t)
	code, err := NewVoucherCode("SNP", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Voucher(context.Background(), code)
	if ErrorCode(err) != Invalid || !strings.Contains(ErrorMessage(err), "looks mistyped") {
		t.Errorf("Voucher(%s) = %v, want a 'looks mistyped' Invalid error", code, err)
	}
}
