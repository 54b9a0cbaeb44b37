package store

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// codeRE matches a canonical code with the default prefix.
var codeRE = regexp.MustCompile(`^SMP(-[` + codeAlphabet + `]{4}){3}$`)

func TestVoucherCode_Alphabet(t *testing.T) {
	if codeBase != 31 {
		t.Fatalf("alphabet has %d symbols; want 31, a prime", codeBase)
	}
	seen := map[rune]bool{}
	for _, r := range codeAlphabet {
		if seen[r] {
			t.Errorf("alphabet repeats %q", r)
		}
		seen[r] = true
		if strings.ContainsRune("0O1IL", r) || !('2' <= r && r <= '9' || 'A' <= r && r <= 'Z') {
			t.Errorf("alphabet contains %q", r)
		}
	}
	if err := ValidateVoucherCode(exampleVoucherCode); err != nil {
		t.Errorf("exampleVoucherCode %s: %v", exampleVoucherCode, err)
	}
}

func TestNewVoucherCode(t *testing.T) {
	code, err := NewVoucherCode("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !codeRE.MatchString(code) {
		t.Errorf("NewVoucherCode = %q; want the form SMP-XXXX-XXXX-XXXX", code)
	}
	if got, err := NormalizeVoucherCode(code); err != nil || got != code {
		t.Errorf("NormalizeVoucherCode(%q) = %q, %v; want it unchanged", code, got, err)
	}
	if code, err := NewVoucherCode("GFT", nil); err != nil || !strings.HasPrefix(code, "GFT-") {
		t.Errorf(`NewVoucherCode("GFT") = %q, %v; want a GFT- code`, code, err)
	}
}

func TestNewVoucherCode_Deterministic(t *testing.T) {
	// Bytes from 248 up are rejected; the rest map to b % 31.
	r := bytes.NewReader([]byte{0, 255, 1, 2, 248, 3, 4, 5, 6, 7, 8, 9, 31 + 10})
	code, err := NewVoucherCode("", r)
	if err != nil {
		t.Fatal(err)
	}
	vals := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	want := "SMP-2345-6789-ABC" + string(codeAlphabet[codeCheck(vals)])
	if code != want {
		t.Errorf("NewVoucherCode = %q; want %q", code, want)
	}
}

func TestNewVoucherCode_Errors(t *testing.T) {
	for _, prefix := range []string{"smp", "VIP", "LOL", "S0", "TOOLONG", "SM-P", "ÄB"} {
		_, err := NewVoucherCode(prefix, nil)
		if ErrorCode(err) != Invalid || !strings.Contains(ErrorMessage(err), "prefix") {
			t.Errorf("NewVoucherCode(%q) error = %v; want Invalid about the prefix", prefix, err)
		}
	}
	// A reader that fails, or that only yields rejected bytes, is an
	// internal error, never a code.
	for name, r := range map[string]io.Reader{
		"empty":    bytes.NewReader(nil),
		"short":    bytes.NewReader([]byte{1, 2, 3}),
		"rejected": bytes.NewReader(bytes.Repeat([]byte{255}, 100)),
	} {
		code, err := NewVoucherCode("", r)
		if err == nil || ErrorCode(err) != Internal || !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			t.Errorf("%s reader: NewVoucherCode = %q, %v; want an internal EOF error", name, code, err)
		}
	}
}

// cycleReader yields 0, 1, …, 255, 0, 1, … forever.
type cycleReader struct{ n byte }

func (r *cycleReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.n
		r.n++
	}
	return len(p), nil
}

// TestNewVoucherCode_NoModuloBias feeds every byte value equally often and
// checks that every symbol comes out equally often. Plain b % 31 would make
// the first 8 symbols (from 248–255) 9/8 as likely as the rest.
func TestNewVoucherCode_NoModuloBias(t *testing.T) {
	// 248 codes use 248·11 accepted bytes: 11 passes over 0–255, the last
	// one ending at 247.
	r := &cycleReader{}
	counts := map[byte]int{}
	for range codeRejectAbove {
		code, err := NewVoucherCode("", r)
		if err != nil {
			t.Fatal(err)
		}
		body := strings.ReplaceAll(strings.TrimPrefix(code, "SMP-"), "-", "")
		for i := 0; i < codeRandom; i++ {
			counts[body[i]]++
		}
	}
	if int(r.n) != codeRejectAbove {
		t.Fatalf("reader stopped before byte %d; want %d", r.n, codeRejectAbove)
	}
	for i := 0; i < codeBase; i++ {
		if got, want := counts[codeAlphabet[i]], codeRandom*codeRejectAbove/codeBase; got != want {
			t.Errorf("symbol %c drawn %d times; want %d", codeAlphabet[i], got, want)
		}
	}
}

// TestVoucherCode_Million is the property test from the issue: a million
// codes from crypto/rand (50,000 with -short) are unique, use only the
// alphabet and carry a valid check character.
func TestVoucherCode_Million(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 50_000
	}
	seen := make(map[string]struct{}, n)
	for range n {
		code, err := NewVoucherCode("", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !codeRE.MatchString(code) {
			t.Fatalf("NewVoucherCode = %q; want the form SMP-XXXX-XXXX-XXXX over %s", code, codeAlphabet)
		}
		if err := ValidateVoucherCode(code); err != nil {
			t.Fatalf("ValidateVoucherCode(%q) = %v", code, err)
		}
		if _, dup := seen[code]; dup {
			t.Fatalf("NewVoucherCode repeated %q after %d codes", code, len(seen))
		}
		seen[code] = struct{}{}
	}
}

// codeWith returns a valid code whose symbol values at the positions in
// fixed (0–11, 11 being the check character) are as given, and random
// elsewhere. When the check position is fixed, the first free position is
// solved for instead.
func codeWith(t *testing.T, rng *rand.Rand, fixed map[int]int) string {
	t.Helper()
	var vals [codeLen]int
	for i := range vals {
		if v, ok := fixed[i]; ok {
			vals[i] = v
		} else {
			vals[i] = rng.IntN(codeBase)
		}
	}
	if _, ok := fixed[codeLen-1]; !ok {
		vals[codeLen-1] = codeCheck(vals[:codeRandom])
	} else {
		free := 0
		for ; ; free++ {
			if _, ok := fixed[free]; !ok {
				break
			}
		}
		for vals[free] = 0; codeSum(vals[:])%codeBase != 0; vals[free]++ {
		}
	}
	code := formatCode(DefaultVoucherPrefix, vals[:])
	if err := ValidateVoucherCode(code); err != nil {
		t.Fatalf("codeWith(%v) = %s: %v", fixed, code, err)
	}
	return code
}

func codeSum(vals []int) int {
	sum := 0
	for i, v := range vals {
		sum += (i + 1) * v
	}
	return sum
}

// symbolIndex returns the index in a canonical default-prefix code of
// symbol position p.
func symbolIndex(p int) int {
	return len(DefaultVoucherPrefix) + 1 + p + p/codeGroup
}

// TestVoucherCode_DetectsSubstitutions replaces, at every position, every
// symbol value with every other one — all 12·31·30 cases, each in an
// otherwise random code — and expects ErrCodeChecksum every time.
func TestVoucherCode_DetectsSubstitutions(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 0
	for p := 0; p < codeLen; p++ {
		for a := 0; a < codeBase; a++ {
			code := []byte(codeWith(t, rng, map[int]int{p: a}))
			for b := 0; b < codeBase; b++ {
				if b == a {
					continue
				}
				code[symbolIndex(p)] = codeAlphabet[b]
				if err := ValidateVoucherCode(string(code)); !errors.Is(err, ErrCodeChecksum) {
					t.Fatalf("substituting %c for %c at %d gives %s: error %v; want ErrCodeChecksum",
						codeAlphabet[b], codeAlphabet[a], p, code, err)
				}
				n++
			}
		}
	}
	if want := codeLen * codeBase * (codeBase - 1); n != want {
		t.Errorf("checked %d substitutions; want %d", n, want)
	}
}

// TestVoucherCode_DetectsTranspositions swaps every adjacent pair of
// positions for every pair of distinct values — all 11·31·30 cases — and
// expects ErrCodeChecksum every time.
func TestVoucherCode_DetectsTranspositions(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := 0
	for p := 0; p+1 < codeLen; p++ {
		for a := 0; a < codeBase; a++ {
			for b := 0; b < codeBase; b++ {
				if a == b {
					continue
				}
				code := []byte(codeWith(t, rng, map[int]int{p: a, p + 1: b}))
				i, j := symbolIndex(p), symbolIndex(p+1)
				code[i], code[j] = code[j], code[i]
				if err := ValidateVoucherCode(string(code)); !errors.Is(err, ErrCodeChecksum) {
					t.Fatalf("swapping positions %d and %d gives %s: error %v; want ErrCodeChecksum", p, p+1, code, err)
				}
				n++
			}
		}
	}
	if want := (codeLen - 1) * codeBase * (codeBase - 1); n != want {
		t.Errorf("checked %d transpositions; want %d", n, want)
	}
}

var goodCodes = []struct {
	in, want string
}{
	{"SMP-7KQ3-9XF2-M4T9", "SMP-7KQ3-9XF2-M4T9"},
	{"smp-7kq3-9xf2-m4t9", "SMP-7KQ3-9XF2-M4T9"},
	{"SMP7KQ39XF2M4T9", "SMP-7KQ3-9XF2-M4T9"},
	{"  smp 7kq3 9xf2 m4t9 ", "SMP-7KQ3-9XF2-M4T9"},
	{"SMP--7KQ3--9XF2--M4T9", "SMP-7KQ3-9XF2-M4T9"},
	{"SMP-7KQ-39X-F2M-4T9", "SMP-7KQ3-9XF2-M4T9"},
	{"SMP–7KQ3–9XF2–M4T9", "SMP-7KQ3-9XF2-M4T9"},       // En dashes.
	{"SMP-7KQ3\u200b-9XF2-M4T9", "SMP-7KQ3-9XF2-M4T9"}, // Zero-width space from copy and paste.
	{"SMP_7KQ3.9XF2\tM4T9", "SMP-7KQ3-9XF2-M4T9"},
	{"GFT-7KQ3-9XF2-M4T9", "GFT-7KQ3-9XF2-M4T9"}, // The check covers the body only.
	{"S-7KQ3-9XF2-M4T9", "S-7KQ3-9XF2-M4T9"},
}

var badCodes = []struct {
	in   string
	kind error
	want string // A fragment of the message.
}{
	{"", ErrCodeMalformed, `"" is too short for a voucher code; codes look like SMP-7KQ3-9XF2-M4T9, prefix included.`},
	{"SMP", ErrCodeMalformed, "too short"},
	{"SMP-7KQ3-9XF2", ErrCodeMalformed, "too short"}, // The shorter example format.
	{"7KQ3-9XF2-M4T9", ErrCodeMalformed, "prefix included"},
	{"SMPXYZW-7KQ3-9XF2-M4T9", ErrCodeMalformed, "too long"},
	{strings.Repeat("A", 1000), ErrCodeMalformed, "too long"},
	{"SMP-7KQ3-9XF2-M4TO", ErrCodeMalformed, "has a character voucher codes never contain (0, O, 1, I or L), so it is mistyped."},
	{"SMP-7KQ3-9XF2-M4T0", ErrCodeMalformed, "never contain"},
	{"SMP-7KQ3-9XF2-M4T1", ErrCodeMalformed, "never contain"},
	{"SMP-7KQ3-9XF2-M4Ti", ErrCodeMalformed, "never contain"},
	{"SMP-7KQ3-9XF2-M4Tl", ErrCodeMalformed, "never contain"},
	{"LOL-7KQ3-9XF2-M4T9", ErrCodeMalformed, "never contain"},
	{"SMP-7KQ3-9XF2-M4T9!", ErrCodeMalformed, "codes have only letters and digits"},
	{"SMP-7KQ3-9XF2-M4T9🎁", ErrCodeMalformed, "only letters and digits"},
	{"ＳＭＰ-7KQ3-9XF2-M4T9", ErrCodeMalformed, "only letters and digits"}, // Full-width letters.
	{"SMP-7KQ3-9XF2-M4TA", ErrCodeChecksum, `"SMP-7KQ3-9XF2-M4TA" looks mistyped: a character is wrong or two are swapped. Check the code and try again.`},
	{"SMP-K7Q3-9XF2-M4T9", ErrCodeChecksum, "looks mistyped"},
	{"SMP-7KQ3-9XF2-M49T", ErrCodeChecksum, "looks mistyped"},
}

func TestNormalizeVoucherCode(t *testing.T) {
	for _, tc := range goodCodes {
		if got, err := NormalizeVoucherCode(tc.in); err != nil || got != tc.want {
			t.Errorf("NormalizeVoucherCode(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range badCodes {
		got, err := NormalizeVoucherCode(tc.in)
		if err == nil {
			t.Errorf("NormalizeVoucherCode(%q) = %q; want an error", tc.in, got)
			continue
		}
		if !errors.Is(err, tc.kind) || ErrorCode(err) != Invalid || !strings.Contains(ErrorMessage(err), tc.want) {
			t.Errorf("NormalizeVoucherCode(%q) error = %s %q; want Invalid %v containing %q",
				tc.in, ErrorCode(err), ErrorMessage(err), tc.kind, tc.want)
		}
		if errors.Is(err, ErrCodeMalformed) == errors.Is(err, ErrCodeChecksum) {
			t.Errorf("NormalizeVoucherCode(%q) error %v matches both or neither kind", tc.in, err)
		}
		if ValidateVoucherCode(tc.in) == nil {
			t.Errorf("ValidateVoucherCode(%q) = nil; want an error", tc.in)
		}
	}
}

func FuzzNormalizeVoucherCode(f *testing.F) {
	for _, tc := range goodCodes {
		f.Add(tc.in)
	}
	for _, tc := range badCodes {
		f.Add(tc.in)
	}
	anyRE := regexp.MustCompile(`^[` + codeAlphabet + `]{1,6}(-[` + codeAlphabet + `]{4}){3}$`)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeVoucherCode(s)
		if err != nil {
			malformed, checksum := errors.Is(err, ErrCodeMalformed), errors.Is(err, ErrCodeChecksum)
			if ErrorCode(err) != Invalid || ErrorMessage(err) == "" || malformed == checksum {
				t.Fatalf("NormalizeVoucherCode(%q) error = %s %q (malformed %v, checksum %v)",
					s, ErrorCode(err), ErrorMessage(err), malformed, checksum)
			}
			return
		}
		if !anyRE.MatchString(got) {
			t.Fatalf("NormalizeVoucherCode(%q) = %q; not canonical", s, got)
		}
		if again, err := NormalizeVoucherCode(got); err != nil || again != got {
			t.Fatalf("NormalizeVoucherCode(%q) = %q, %v; want it unchanged", got, again, err)
		}
		// Normalizing only drops separators and upper-cases.
		var kept strings.Builder
		for _, r := range s {
			if !isCodeSeparator(r) {
				kept.WriteRune(r)
			}
		}
		if strings.ToUpper(kept.String()) != strings.ReplaceAll(got, "-", "") {
			t.Fatalf("NormalizeVoucherCode(%q) = %q; symbols changed", s, got)
		}
	})
}
