package store

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// Money is an amount in the minor unit of a currency: rupiah for IDR, which
// has no cents, and cents for USD. Which currency applies comes from the
// configuration (POCBOT_CURRENCY), not from the value. Floats are never used
// for money: parsing works on digit strings and arithmetic is exact.
type Money int64

// Currency says how amounts are typed and shown. Use CurrencyFor rather than
// building one, so Format and ParseAmount also know the separators.
type Currency struct {
	Code     string // ISO 4217 code, upper case: "IDR".
	Symbol   string // Written by Format: "Rp".
	Decimals int    // Digits of the minor unit: 0 for IDR, 2 for USD.
}

// DefaultCurrency is the code to use when none is configured.
const DefaultCurrency = "IDR"

// maxAmountDecimals is the most decimals ParseAmount supports. With three,
// "1.500" could be a valid amount either way; see ParseAmount.
const maxAmountDecimals = 2

// maxAmountLen bounds the input ParseAmount looks at, in bytes. Anything
// longer is not an amount anyone types, and the bound keeps the big-number
// arithmetic cheap.
const maxAmountLen = 64

// currencyStyle is a Currency plus how people write it.
type currencyStyle struct {
	Currency
	group   byte     // Thousands separator written by Format.
	point   byte     // Decimal separator written by Format.
	suffix  bool     // Format writes the symbol after the number: "150.000 ₫".
	aliases []string // Also accepted by ParseAmount, besides Code and Symbol.
}

// currencies are the currencies CurrencyFor knows.
var currencies = map[string]currencyStyle{
	"IDR": {Currency{"IDR", "Rp", 0}, '.', ',', false, []string{"Rp."}}, // "Rp. 150.000" is common.
	"VND": {Currency{"VND", "₫", 0}, '.', ',', true, []string{"đ"}},
	"USD": {Currency{"USD", "$", 2}, ',', '.', false, []string{"US$"}},
	"SGD": {Currency{"SGD", "S$", 2}, ',', '.', false, []string{"SG$", "$"}}, // Singaporeans write "$12".
	"MYR": {Currency{"MYR", "RM", 2}, ',', '.', false, nil},
	"THB": {Currency{"THB", "฿", 2}, ',', '.', false, nil},
	"PHP": {Currency{"PHP", "₱", 2}, ',', '.', false, nil},
}

// CurrencyFor returns the currency with the given ISO 4217 code, in any
// case. Returns Invalid for an empty or unsupported code.
func CurrencyFor(code string) (Currency, error) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if st, ok := currencies[c]; ok {
		return st.Currency, nil
	}
	codes := CurrencyCodes()
	list := strings.Join(codes[:len(codes)-1], ", ") + " or " + codes[len(codes)-1]
	if c == "" {
		return Currency{}, Errorf(Invalid, "A currency code is required: one of %s.", list)
	}
	return Currency{}, Errorf(Invalid, "%s is not a supported currency. Use one of %s.", quoteInput(code), list)
}

// CurrencyCodes lists the supported ISO 4217 codes, sorted.
func CurrencyCodes() []string {
	codes := make([]string, 0, len(currencies))
	for k := range currencies {
		codes = append(codes, k)
	}
	slices.Sort(codes)
	return codes
}

// Max returns the largest amount ParseAmount accepts: 10^(12−Decimals)
// minor units, which is Rp1.000.000.000.000 for IDR and $100,000,000.00 for
// USD — roughly a trillion rupiah either way. It is far above any sample
// budget; it exists to reject pasted card numbers and runaway suffixes
// ("150000jt"), and it leaves int64 plenty of headroom for sums.
func (c Currency) Max() Money {
	return Money(pow10(12 - clampDecimals(c.Decimals)))
}

// styleFor returns the style of cur. A Currency that CurrencyFor does not
// know is written with "," for thousands and "." for decimals.
func styleFor(cur Currency) currencyStyle {
	st, ok := currencies[cur.Code]
	if !ok {
		st = currencyStyle{group: ',', point: '.'}
	}
	st.Currency = cur
	return st
}

// Format writes m the way people in the currency's country read it:
// "Rp150.000", "$12.50", "150.000 ₫". Negative amounts get a leading "-".
// ParseAmount reads every positive result back to the same value.
func (m Money) Format(cur Currency) string {
	st := styleFor(cur)
	abs, sign := uint64(m), ""
	if m < 0 {
		abs, sign = -uint64(m), "-" // Two's complement: correct for MinInt64 too.
	}
	num := st.formatNumber(abs)
	switch {
	case st.suffix && st.Symbol != "":
		return sign + num + " " + st.Symbol
	case st.Symbol != "":
		return sign + st.Symbol + num
	default:
		return sign + st.Code + " " + num
	}
}

// formatNumber writes abs minor units with the style's separators and no
// symbol: "150.000", "1,234.50".
func (st currencyStyle) formatNumber(abs uint64) string {
	d := clampDecimals(st.Decimals)
	p := uint64(pow10(d))
	whole := strconv.FormatUint(abs/p, 10)
	var b strings.Builder
	for i := 0; i < len(whole); i++ {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(st.group)
		}
		b.WriteByte(whole[i])
	}
	if d > 0 {
		frac := strconv.FormatUint(abs%p, 10)
		b.WriteByte(st.point)
		b.WriteString(strings.Repeat("0", d-len(frac)))
		b.WriteString(frac)
	}
	return b.String()
}

// amountMultipliers are the suffixes ParseAmount understands. Indonesian
// "rb"/"ribu" is a thousand and "jt"/"juta" a million. "m" is a million as in
// English; Indonesians also write M for miliar (a billion), but reading it
// as a million can only make a voucher smaller than meant, never larger, and
// the confirmation shows the full amount.
var amountMultipliers = map[string]int64{
	"k": 1e3, "rb": 1e3, "ribu": 1e3,
	"m": 1e6, "jt": 1e6, "juta": 1e6,
}

// ParseAmount parses an amount as people type it and returns it in minor
// units of cur. For IDR, "150000", "150.000", "150,000", "150k", "150rb",
// "Rp150.000", "Rp. 150.000,-", "IDR 150000" and "0,15jt" are all 150000.
//
// The number may be preceded or followed by the currency's code or symbol in
// any case, with or without a space, and followed by a multiplier: k, rb or
// ribu (thousand) or m, jt or juta (million). Only ASCII digits count.
//
// A "." or "," is a thousands separator or a decimal point, decided so that
// no input means two different amounts:
//
//  1. Both kinds present: the one that comes last is the decimal point and
//     may appear only once; the other separates thousands ("1.234,50",
//     "1,234.50").
//  2. One kind, more than once: it separates thousands ("1.500.000").
//  3. One kind, once, not followed by exactly three digits: it is the decimal
//     point ("12.50", "1,5jt").
//  4. One kind, once, followed by exactly three digits and a multiplier:
//     rejected as ambiguous, since "1.500k" could be 1.5k or 1500k.
//  5. The same without a multiplier, in a currency without cents (IDR, VND):
//     it separates thousands. "150.000" is 150000; a decimal point there
//     would be pointless.
//  6. The same in a currency with cents: "," separates thousands ("1,500" is
//     $1,500, as those countries write it) and "." is rejected as ambiguous,
//     since "1.500" could be one and a half or fifteen hundred.
//
// Thousands groups must be well formed: one to three digits without a
// leading zero, then groups of exactly three ("1.50.000" is rejected).
// Decimals beyond the minor unit must be zero after applying the multiplier:
// "1,5jt" is fine in IDR, "150000.5" is not.
//
// Returns Invalid, with a message that says what to type instead, for empty
// input, junk ("abc", "1e5", "0x10", "١٢٣"), another currency, zero,
// negative amounts, fractions of the minor unit, ambiguous or misgrouped
// separators and amounts above cur.Max(). cur.Decimals must be 0 to 2.
func ParseAmount(s string, cur Currency) (Money, error) {
	if cur.Decimals < 0 || cur.Decimals > maxAmountDecimals {
		return 0, fmt.Errorf("parse amount: %s has %d decimals, want 0 to %d", cur.Code, cur.Decimals, maxAmountDecimals)
	}
	st := styleFor(cur)
	in := s
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, Errorf(Invalid, "The value is required. %s", st.howTo())
	}
	if len(s) > maxAmountLen {
		return 0, st.errJunk(in)
	}

	// A minus sign may come before or after the currency: "-Rp5", "Rp -5".
	s, neg := cutMinus(s)
	s, _ = cutAffix(s, st.affixes())
	if !neg {
		s, neg = cutMinus(s)
	}
	if other := st.otherCurrency(s); other != "" {
		return 0, Errorf(Invalid, "Amounts here are in %s, so type the value without %s, like %s.",
			st.Code, other, st.Currency.example())
	}
	// Indonesian price tags end whole amounts with ",-": "Rp150.000,-".
	if t, ok := strings.CutSuffix(s, ",-"); ok {
		s = strings.TrimSpace(t)
	} else if t, ok := strings.CutSuffix(s, ".-"); ok {
		s = strings.TrimSpace(t)
	}
	s, word, mult, ok := cutMultiplier(s)
	if !ok {
		return 0, st.errJunk(in)
	}

	whole, frac, err := st.splitNumber(s, word, in)
	if err != nil {
		return 0, err
	}
	v, _ := new(big.Int).SetString(whole+frac, 10) // Only digits, so it parses.
	v.Mul(v, big.NewInt(mult))
	v.Mul(v, bigPow10(st.Decimals))
	q, r := new(big.Int).QuoRem(v, bigPow10(len(frac)), new(big.Int))
	switch {
	case v.Sign() == 0:
		return 0, st.errZero(in)
	case neg:
		return 0, Errorf(Invalid, "%s is negative; the value must be more than zero. Type it without the minus sign, like %s.",
			quoteInput(in), st.Currency.example())
	case r.Sign() != 0 && st.Decimals == 0:
		return 0, Errorf(Invalid, "%s has no cents — type a whole amount like %s.", st.Code, st.Currency.example())
	case r.Sign() != 0:
		return 0, Errorf(Invalid, "%s has only %d decimal places — type an amount like %s.",
			st.Code, st.Decimals, st.Currency.example())
	case q.Cmp(big.NewInt(int64(cur.Max()))) > 0:
		return 0, Errorf(Invalid, "%s is more than the largest value allowed, %s. Type a smaller amount.",
			quoteInput(in), cur.Max().Format(cur))
	}
	return Money(q.Int64()), nil
}

// splitNumber applies the separator rules of ParseAmount to s, a number
// without currency or multiplier, and returns its whole and fraction digits.
// word is the multiplier as typed ("" for none); in is the whole input, for
// messages.
func (st currencyStyle) splitNumber(s, word, in string) (whole, frac string, err error) {
	if s == "" || !isASCIIDigit(s[0]) || !isASCIIDigit(s[len(s)-1]) {
		return "", "", st.errJunk(in)
	}
	var dots, commas, lastDot, lastComma int
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			dots, lastDot = dots+1, i
		case c == ',':
			commas, lastComma = commas+1, i
		case !isASCIIDigit(c):
			return "", "", st.errJunk(in)
		}
	}

	var point byte // The decimal point, or 0 for none.
	switch {
	case dots > 0 && commas > 0:
		point = ','
		if lastDot > lastComma {
			point = '.'
		}
		if (point == '.' && dots > 1) || (point == ',' && commas > 1) {
			return "", "", st.errGrouping(in)
		}
	case dots+commas == 1:
		sep, i := byte('.'), lastDot
		if commas == 1 {
			sep, i = ',', lastComma
		}
		switch {
		case len(s)-i-1 != 3:
			point = sep
		case word != "":
			w, f := s[:i], strings.TrimRight(s[i+1:], "0")
			short := w + word
			if f != "" {
				short = w + string(sep) + f + word
			}
			long := strings.TrimLeft(w+s[i+1:], "0")
			if long == "" {
				return "", "", st.errZero(in)
			}
			return "", "", Errorf(Invalid, "%s could mean %s or %s. Type one of those.",
				quoteInput(in), short, long+word)
		case st.Decimals > 0 && sep == '.':
			digits := strings.TrimLeft(s[:i]+s[i+1:], "0")
			if digits == "" {
				return "", "", st.errZero(in)
			}
			if len(digits) > 12 {
				digits = "1500" // Far too large either way; show the pattern instead.
			}
			n, _ := strconv.ParseUint(digits, 10, 64)
			return "", "", Errorf(Invalid, "In %s a point marks the cents, so %s is ambiguous. "+
				"For thousands, type %s or %s; for cents, use %d decimal places, like %s.",
				st.Code, quoteInput(in), digits, st.formatNumber(n*uint64(pow10(st.Decimals))),
				st.Decimals, st.Currency.example())
		}
	}

	whole = s
	if point != 0 {
		i := strings.LastIndexByte(s, point)
		whole, frac = s[:i], s[i+1:]
	}
	if g := strings.IndexAny(whole, ".,"); g >= 0 {
		groups := strings.Split(whole, whole[g:g+1])
		if len(groups[0]) > 3 || groups[0][0] == '0' {
			return "", "", st.errGrouping(in)
		}
		for _, grp := range groups[1:] {
			if len(grp) != 3 || strings.ContainsAny(grp, ".,") {
				return "", "", st.errGrouping(in)
			}
		}
		whole = strings.Join(groups, "")
	}
	return whole, frac, nil
}

// example returns a typical amount written plainly: "150000" or "12.50".
func (c Currency) example() string {
	if c.Decimals == 0 {
		return "150000"
	}
	return "12." + strings.Repeat("50", c.Decimals)[:c.Decimals]
}

// howTo is the sentence that ends most amount messages.
func (st currencyStyle) howTo() string {
	if st.Decimals == 0 {
		return fmt.Sprintf("Type the value as a whole amount, like 150000, %s, 150k or %s.",
			st.formatNumber(150000), Money(150000).Format(st.Currency))
	}
	p := pow10(st.Decimals)
	return fmt.Sprintf("Type the value as an amount, like %s, %s, 1.5k or %s.",
		st.Currency.example(), strings.TrimSuffix(st.formatNumber(uint64(1500*p)), st.fracZeros()),
		Money(1250*p/100).Format(st.Currency))
}

func (st currencyStyle) errJunk(in string) error {
	return Errorf(Invalid, "%s is not an amount. %s", quoteInput(in), st.howTo())
}

func (st currencyStyle) errZero(in string) error {
	return Errorf(Invalid, "%s is zero; the value must be more than zero. Type an amount like %s.",
		quoteInput(in), st.Currency.example())
}

func (st currencyStyle) errGrouping(in string) error {
	p := uint64(pow10(st.Decimals))
	return Errorf(Invalid, "%s has a misplaced thousands separator. Put one every three digits, like %s, "+
		"or leave them out, like 1500000.", quoteInput(in), strings.TrimSuffix(st.formatNumber(1500000*p), st.fracZeros()))
}

// fracZeros is the decimal part Format writes for whole amounts: ".00".
func (st currencyStyle) fracZeros() string {
	if st.Decimals == 0 {
		return ""
	}
	return string(st.point) + strings.Repeat("0", st.Decimals)
}

// affixes returns the strings that may mark an amount as being in the
// style's currency, longest first so "Rp." wins over "Rp".
func (st currencyStyle) affixes() []string {
	a := append([]string{st.Code, st.Symbol}, st.aliases...)
	a = slices.DeleteFunc(a, func(s string) bool { return s == "" })
	slices.SortStableFunc(a, func(x, y string) int { return len(y) - len(x) })
	return a
}

// otherCurrency returns the code or symbol of another known currency that
// s starts or ends with, as typed, or "".
func (st currencyStyle) otherCurrency(s string) string {
	ours := st.affixes()
	codes := make([]string, 0, len(currencies))
	for k := range currencies {
		codes = append(codes, k)
	}
	slices.Sort(codes)
	for _, code := range codes {
		if code == st.Code {
			continue
		}
		for _, a := range currencies[code].affixes() {
			if slices.ContainsFunc(ours, func(o string) bool { return equalFoldASCII(o, a) }) {
				continue
			}
			if len(s) < len(a) {
				continue
			}
			if equalFoldASCII(s[:len(a)], a) {
				return s[:len(a)]
			}
			if equalFoldASCII(s[len(s)-len(a):], a) {
				return s[len(s)-len(a):]
			}
		}
	}
	return ""
}

// cutAffix removes one of affixes from the start of s or, failing that,
// from its end, and trims the space left behind.
func cutAffix(s string, affixes []string) (string, bool) {
	for _, a := range affixes {
		if len(s) >= len(a) && equalFoldASCII(s[:len(a)], a) {
			return strings.TrimSpace(s[len(a):]), true
		}
	}
	for _, a := range affixes {
		if len(s) >= len(a) && equalFoldASCII(s[len(s)-len(a):], a) {
			return strings.TrimSpace(s[:len(s)-len(a)]), true
		}
	}
	return s, false
}

// cutMinus removes a leading minus sign (ASCII, U+2212 or the en dash that
// phones substitute) and the space after it.
func cutMinus(s string) (string, bool) {
	for _, m := range []string{"-", "−", "–"} {
		if t, ok := strings.CutPrefix(s, m); ok {
			return strings.TrimSpace(t), true
		}
	}
	return s, false
}

// cutMultiplier removes a trailing multiplier word and returns it in lower
// case with its value. mult is 1 and word "" when s ends in no letters; ok is
// false when it ends in letters that are not a multiplier.
func cutMultiplier(s string) (rest, word string, mult int64, ok bool) {
	i := len(s)
	for i > 0 && isASCIILetter(s[i-1]) {
		i--
	}
	if i == len(s) {
		return s, "", 1, true
	}
	word = strings.ToLower(s[i:])
	mult, ok = amountMultipliers[word]
	if !ok {
		return s, "", 0, false
	}
	return strings.TrimSpace(s[:i]), word, mult, true
}

// equalFoldASCII reports whether a and b are equal ignoring ASCII case only.
// strings.EqualFold would also match the Kelvin sign to "k" and "ſ" to "s".
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isASCIIDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isASCIILetter(c byte) bool { return 'a' <= lowerASCII(c) && lowerASCII(c) <= 'z' }

// clampDecimals keeps d in the range pow10 can serve without overflow.
func clampDecimals(d int) int {
	return min(max(d, 0), 6)
}

// pow10 returns 10^n for 0 ≤ n ≤ 18.
func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

func bigPow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}
