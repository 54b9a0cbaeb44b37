package store

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// MustCurrency returns the currency with the given code or fails the test.
func MustCurrency(tb testing.TB, code string) Currency {
	tb.Helper()
	cur, err := CurrencyFor(code)
	if err != nil {
		tb.Fatalf("CurrencyFor(%q): %v", code, err)
	}
	return cur
}

// allCurrencies returns every known currency in code order.
func allCurrencies(tb testing.TB) []Currency {
	codes := make([]string, 0, len(currencies))
	for c := range currencies {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	curs := make([]Currency, len(codes))
	for i, c := range codes {
		curs[i] = MustCurrency(tb, c)
	}
	return curs
}

func TestCurrencyFor(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Currency
	}{
		{"IDR", Currency{"IDR", "Rp", 0}},
		{" idr ", Currency{"IDR", "Rp", 0}},
		{"usd", Currency{"USD", "$", 2}},
		{"SGD", Currency{"SGD", "S$", 2}},
		{"MYR", Currency{"MYR", "RM", 2}},
		{"THB", Currency{"THB", "฿", 2}},
		{"PHP", Currency{"PHP", "₱", 2}},
		{"VND", Currency{"VND", "₫", 0}},
	} {
		if got, err := CurrencyFor(tc.in); err != nil || got != tc.want {
			t.Errorf("CurrencyFor(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "EUR", "Rp", "IDRX"} {
		_, err := CurrencyFor(in)
		if ErrorCode(err) != Invalid || !strings.Contains(ErrorMessage(err), "IDR, MYR, PHP, SGD, THB, USD or VND") {
			t.Errorf("CurrencyFor(%q) error = %v; want Invalid listing the currencies", in, err)
		}
	}
}

func TestCurrency_Max(t *testing.T) {
	for _, tc := range []struct {
		code string
		want Money
		text string
	}{
		{"IDR", 1_000_000_000_000, "Rp1.000.000.000.000"},
		{"VND", 1_000_000_000_000, "1.000.000.000.000 ₫"},
		{"USD", 10_000_000_000, "$100,000,000.00"},
	} {
		cur := MustCurrency(t, tc.code)
		if got := cur.Max(); got != tc.want || got.Format(cur) != tc.text {
			t.Errorf("%s Max() = %d (%s); want %d (%s)", tc.code, got, got.Format(cur), tc.want, tc.text)
		}
	}
}

var goodAmounts = []struct {
	cur  string
	in   string
	want Money
}{
	{"IDR", "150000", 150000},
	{"IDR", "150.000", 150000},
	{"IDR", "150,000", 150000},
	{"IDR", "150k", 150000},
	{"IDR", "150K", 150000},
	{"IDR", "150 k", 150000},
	{"IDR", "150rb", 150000},
	{"IDR", "150 ribu", 150000},
	{"IDR", "Rp150.000", 150000},
	{"IDR", "Rp 150.000", 150000},
	{"IDR", "rp150000", 150000},
	{"IDR", "RP150.000", 150000},
	{"IDR", "Rp. 150.000", 150000},
	{"IDR", "Rp.150.000,-", 150000}, // Price-tag style.
	{"IDR", "Rp 150.000 ,-", 150000},
	{"IDR", "Rp150.000,00", 150000},
	{"IDR", "IDR 150000", 150000},
	{"IDR", "idr150k", 150000},
	{"IDR", "150000 IDR", 150000},
	{"IDR", "150.000rp", 150000},
	{"IDR", "Rp150rb", 150000},
	{"IDR", "  150000\t", 150000},
	{"IDR", "\u00a0Rp\u00a0150.000\u00a0", 150000}, // Non-breaking spaces from a copied price.
	{"IDR", "150000.00", 150000},                   // Zero cents are not a fraction.
	{"IDR", "0,15jt", 150000},
	{"IDR", "1.5jt", 1_500_000},
	{"IDR", "1,5jt", 1_500_000},
	{"IDR", "1,5 juta", 1_500_000},
	{"IDR", "2,5jt", 2_500_000},
	{"IDR", "2,5JT", 2_500_000},
	{"IDR", "1.5m", 1_500_000},
	{"IDR", "1.5M", 1_500_000},
	{"IDR", "1.2345jt", 1_234_500},
	{"IDR", "1.500.000", 1_500_000},
	{"IDR", "1,500,000", 1_500_000},
	{"IDR", "1.234.567,0", 1_234_567},
	{"IDR", "1,234,567.0", 1_234_567},
	{"IDR", "1.500.000k", 1_500_000_000},
	{"IDR", "007", 7},
	{"IDR", "1", 1},
	{"IDR", "1.000.000.000.000", 1_000_000_000_000}, // The maximum.
	{"IDR", "1000000jt", 1_000_000_000_000},
	{"VND", "150.000 ₫", 150000},
	{"VND", "150000đ", 150000},
	{"VND", "VND 150.000", 150000},
	{"USD", "12.50", 1250},
	{"USD", "$12.50", 1250},
	{"USD", "$ 12.5", 1250},
	{"USD", "12,50", 1250}, // Decimal comma.
	{"USD", "12.5000", 1250},
	{"USD", "0.01", 1},
	{"USD", "12", 1200},
	{"USD", "usd 12", 1200},
	{"USD", "US$12", 1200},
	{"USD", "1,500", 150000}, // A lone comma before three digits groups thousands.
	{"USD", "$1,500.00", 150000},
	{"USD", "1.500,00", 150000},
	{"USD", "1.5k", 150000},
	{"USD", "1,234,567.89", 123456789},
	{"USD", "100,000,000", 10_000_000_000}, // The maximum.
	{"SGD", "S$12.50", 1250},
	{"SGD", "$12.50", 1250},
	{"SGD", "SGD 12.50", 1250},
	{"MYR", "RM12.50", 1250},
	{"MYR", "rm 12.50", 1250},
	{"THB", "฿12.50", 1250},
	{"PHP", "₱12.50", 1250},
	{"PHP", "Php 12.50", 1250},
}

func TestParseAmount(t *testing.T) {
	for _, tc := range goodAmounts {
		t.Run(tc.cur+"/"+tc.in, func(t *testing.T) {
			got, err := ParseAmount(tc.in, MustCurrency(t, tc.cur))
			if err != nil || got != tc.want {
				t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d", tc.in, tc.cur, got, err, tc.want)
			}
		})
	}
}

var badAmounts = []struct {
	cur  string
	in   string
	want string // A fragment of the message.
}{
	{"IDR", "", "The value is required. Type the value as a whole amount, like 150000, 150.000, 150k or Rp150.000."},
	{"IDR", " \t ", "The value is required."},
	{"IDR", "abc", `"abc" is not an amount. Type the value as a whole amount, like 150000, 150.000, 150k or Rp150.000.`},
	{"IDR", "1e5", "is not an amount"},
	{"IDR", "0x10", "is not an amount"},
	{"IDR", "∞", "is not an amount"},
	{"IDR", "١٢٣", "is not an amount"}, // Arabic-Indic digits.
	{"IDR", "１５０", "is not an amount"}, // Full-width digits.
	{"IDR", "NaN", "is not an amount"},
	{"IDR", "1_000", "is not an amount"},
	{"IDR", "+150000", "is not an amount"},
	{"IDR", "150 000", "is not an amount"},
	{"IDR", "150.", "is not an amount"},
	{"IDR", ".5jt", "is not an amount"},
	{"IDR", "k", "is not an amount"},
	{"IDR", "Rp", "is not an amount"},
	{"IDR", "150kk", "is not an amount"},
	{"IDR", "150 rupiah", "is not an amount"},
	{"IDR", "Rp150.000 IDR", "is not an amount"},
	{"IDR", "150000-", "is not an amount"},
	{"IDR", strings.Repeat("1", 65), "is not an amount"},
	{"IDR", "0", `"0" is zero; the value must be more than zero. Type an amount like 150000.`},
	{"IDR", "0,0", "is zero"},
	{"IDR", "0k", "is zero"},
	{"IDR", "-0", "is zero"},
	{"IDR", "-150000", `"-150000" is negative; the value must be more than zero. Type it without the minus sign, like 150000.`},
	{"IDR", "−150000", "is negative"}, // U+2212 minus sign.
	{"IDR", "–150000", "is negative"}, // En dash, as phones type it.
	{"IDR", "-Rp150.000", "is negative"},
	{"IDR", "Rp-150.000", "is negative"},
	{"IDR", "Rp - 150k", "is negative"},
	{"IDR", "-1.5", "is negative"},
	{"IDR", "150000.5", "IDR has no cents — type a whole amount like 150000."},
	{"IDR", "150000,50", "IDR has no cents"},
	{"IDR", "0,5", "IDR has no cents"},
	{"IDR", "1.2345k", "IDR has no cents"},
	{"IDR", "1.0000001jt", "IDR has no cents"},
	{"VND", "1,5", "VND has no cents"},
	{"IDR", "1.000.000.000.001", `is more than the largest value allowed, Rp1.000.000.000.000. Type a smaller amount.`},
	{"IDR", "1000001jt", "largest value allowed"},
	{"IDR", "99999999999999999999999999999999999999", "largest value allowed"},
	{"IDR", "1.50.000", `"1.50.000" has a misplaced thousands separator. Put one every three digits, like 1.500.000, or leave them out, like 1500000.`},
	{"IDR", "1,50,000", "misplaced thousands separator"}, // Lakh grouping.
	{"IDR", "1..000", "misplaced thousands separator"},
	{"IDR", "1.234.56", "misplaced thousands separator"},
	{"IDR", "1.234,567,890", "misplaced thousands separator"},
	{"IDR", "1,5.000", "misplaced thousands separator"},
	{"IDR", "1500.000", "misplaced thousands separator"},
	{"IDR", "0.150", "misplaced thousands separator"},
	{"IDR", "1.500k", `"1.500k" could mean 1.5k or 1500k. Type one of those.`},
	{"IDR", "2,000jt", `could mean 2jt or 2000jt`},
	{"IDR", "$150", "Amounts here are in IDR, so type the value without $, like 150000."},
	{"IDR", "150000 usd", "type the value without usd"},
	{"IDR", "RM150", "without RM"},
	{"USD", "Rp150.000", "Amounts here are in USD, so type the value without Rp, like 12.50."},
	{"USD", "S$12", "without S$"},
	{"SGD", "US$12", "without US$"},
	{"USD", "12.500", `In USD a point marks the cents, so "12.500" is ambiguous. For thousands, type 12500 or 12,500.00; for cents, use 2 decimal places, like 12.50.`},
	{"USD", "0.001", "is ambiguous"},
	{"USD", "1.2345", "USD has only 2 decimal places — type an amount like 12.50."},
	{"USD", "0.000001k", "has only 2 decimal places"},
	{"USD", "0.005k", `"0.005k" could mean 0.005k or 5k.`},
	{"IDR", "0.000k", "is zero"},
	{"USD", "abc", "Type the value as an amount, like 12.50, 1,500, 1.5k or $12.50."},
	{"USD", "100,000,000.01", "more than the largest value allowed, $100,000,000.00."},
	{"USD", "1.50.000", "like 1,500,000, or leave them out"},
	{"USD", "0", "Type an amount like 12.50."},
}

func TestParseAmount_Invalid(t *testing.T) {
	for _, tc := range badAmounts {
		t.Run(tc.cur+"/"+tc.in, func(t *testing.T) {
			got, err := ParseAmount(tc.in, MustCurrency(t, tc.cur))
			if err == nil {
				t.Fatalf("ParseAmount(%q, %s) = %d; want an error containing %q", tc.in, tc.cur, got, tc.want)
			}
			if code, msg := ErrorCode(err), ErrorMessage(err); code != Invalid || !strings.Contains(msg, tc.want) {
				t.Errorf("ParseAmount(%q, %s) error = %s %q; want invalid containing %q", tc.in, tc.cur, code, msg, tc.want)
			}
		})
	}
}

func TestParseAmount_BadCurrency(t *testing.T) {
	_, err := ParseAmount("1", Currency{Code: "KWD", Symbol: "KD", Decimals: 3})
	if err == nil || ErrorCode(err) != Internal {
		t.Errorf("ParseAmount with 3 decimals: error = %v; want an internal error", err)
	}
}

func TestMoney_Format(t *testing.T) {
	for _, tc := range []struct {
		cur  string
		m    Money
		want string
	}{
		{"IDR", 150000, "Rp150.000"},
		{"IDR", 0, "Rp0"},
		{"IDR", 1, "Rp1"},
		{"IDR", 999, "Rp999"},
		{"IDR", 1000, "Rp1.000"},
		{"IDR", 1_500_000, "Rp1.500.000"},
		{"IDR", -150000, "-Rp150.000"},
		{"IDR", math.MaxInt64, "Rp9.223.372.036.854.775.807"},
		{"IDR", math.MinInt64, "-Rp9.223.372.036.854.775.808"},
		{"VND", 150000, "150.000 ₫"},
		{"USD", 1250, "$12.50"},
		{"USD", 5, "$0.05"},
		{"USD", 100, "$1.00"},
		{"USD", 150000, "$1,500.00"},
		{"USD", 123456789, "$1,234,567.89"},
		{"USD", -1, "-$0.01"},
		{"SGD", 1250, "S$12.50"},
		{"MYR", 1250, "RM12.50"},
		{"THB", 1250, "฿12.50"},
		{"PHP", 1250, "₱12.50"},
	} {
		if got := tc.m.Format(MustCurrency(t, tc.cur)); got != tc.want {
			t.Errorf("Money(%d).Format(%s) = %q; want %q", tc.m, tc.cur, got, tc.want)
		}
	}
	if got, want := Money(150000).Format(Currency{Code: "XYZ"}), "XYZ 150,000"; got != want {
		t.Errorf("Format with an unknown currency = %q; want %q", got, want)
	}
}

// TestMoney_FormatRoundTrip checks that ParseAmount reads back whatever
// Format writes, across magnitudes and for every currency.
func TestMoney_FormatRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, cur := range allCurrencies(t) {
		vals := []Money{1, 9, 10, 99, 100, 999, 1000, 1001, 12345, cur.Max() - 1, cur.Max()}
		for p := Money(1); p <= cur.Max(); p *= 10 {
			vals = append(vals, p, p+1, 2*p-1)
		}
		for range 2000 {
			vals = append(vals, 1+Money(rng.Int64N(int64(cur.Max()))))
		}
		for _, m := range vals {
			if m <= 0 || m > cur.Max() {
				continue
			}
			s := m.Format(cur)
			if got, err := ParseAmount(s, cur); err != nil || got != m {
				t.Fatalf("ParseAmount(%q, %s) = %d, %v; want %d", s, cur.Code, got, err, m)
			}
		}
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, tc := range goodAmounts {
		f.Add(tc.in)
	}
	for _, tc := range badAmounts {
		f.Add(tc.in)
	}
	curs := allCurrencies(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, cur := range curs {
			m, err := ParseAmount(s, cur)
			if err != nil {
				msg := ErrorMessage(err)
				if ErrorCode(err) != Invalid || msg == "" || !strings.HasSuffix(msg, ".") {
					t.Fatalf("ParseAmount(%q, %s) error = %s %q; want an invalid full sentence", s, cur.Code, ErrorCode(err), msg)
				}
				continue
			}
			if m <= 0 || m > cur.Max() {
				t.Fatalf("ParseAmount(%q, %s) = %d; want 0 < m ≤ %d", s, cur.Code, m, cur.Max())
			}
			f := m.Format(cur)
			if back, err := ParseAmount(f, cur); err != nil || back != m {
				t.Fatalf("ParseAmount(%q, %s) = %d, but ParseAmount(Format = %q) = %d, %v", s, cur.Code, m, f, back, err)
			}
		}
	})
}
