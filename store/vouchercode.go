package store

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// Voucher codes look like SMP-7KQ3-9XF2-M4T9: a prefix, then twelve symbols
// in groups of four for reading aloud. The first eleven are random and the
// last is a check character.
//
// Alphabet. Digits 2–9 and the letters without I, L and O: 8 + 23 = 31
// symbols. 0/O and 1/I/L are left out because they are confused on screen
// and on the phone; codes are always upper case.
//
// Entropy. Eleven random symbols give 31^11 ≈ 2.5·10^16 codes (54.5 bits).
// The example, SMP-7KQ3-9XF2, has only seven random symbols
// (31^7 ≈ 2.75·10^10, 34.7 bits), which is too few on two counts:
//   - Uniqueness: by the birthday bound, a million codes from 31^7 would
//     contain about n²/2N ≈ 18 duplicates, so the required property test
//     could not pass. With 31^11 the expected number is 2·10^-5.
//   - Guessing: the check character adds nothing against an attacker, who can
//     compute it. With 10,000 live codes, a guess hits one with probability
//     3.6·10^-7 at 31^7 — about one hit per 2.75 million guesses, within
//     reach of a script even at a few guesses a second — but 3.9·10^-13 at
//     31^11, out of reach even without rate limiting.
//
// One more group of four keeps the code readable. Uniqueness for all time is
// still the store's job: it must refuse a code that already exists and draw
// again.
//
// Check character. With values v_0 … v_11 (the index in the alphabet) and
// weights w_i = i+1, a code is valid when
//
//	Σ w_i·v_i ≡ 0 (mod 31).
//
// 31 is prime, so every non-zero residue has an inverse, and
//   - a single substitution at position i, v_i → v_i + d with d ≢ 0 (the
//     values differ and |d| < 31), changes the sum by w_i·d; w_i is in 1…12,
//     so w_i ≢ 0, and the product of two non-zero residues mod a prime is
//     non-zero: the sum is no longer 0 and the error is caught;
//   - swapping adjacent v_i = a and v_{i+1} = b with a ≠ b changes the sum by
//     w_i·b + w_{i+1}·a − w_i·a − w_{i+1}·b = (w_{i+1} − w_i)·(a − b) = a − b,
//     which is non-zero for the same reason.
//
// This holds for every position, the check character's own included, and
// it is why the alphabet must have a prime size: with 32 symbols, weight 2
// and d = 16 would cancel. TestVoucherCode_DetectsSubstitutions and
// TestVoucherCode_DetectsTranspositions check both claims exhaustively.
const (
	codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	codeBase     = len(codeAlphabet) // 31, a prime.
	codeRandom   = 11                // Random symbols per code.
	codeLen      = codeRandom + 1    // Symbols after the prefix, check included.
	codeGroup    = 4                 // Symbols between dashes.

	// codeRejectAbove: a random byte b below it maps to b % 31 without bias,
	// since 248 = 8·31; bytes from 248 up are discarded and drawn again.
	codeRejectAbove = 256 / codeBase * codeBase

	maxCodePrefixLen = 6
)

// DefaultVoucherPrefix starts sample voucher codes.
const DefaultVoucherPrefix = "SMP"

// exampleVoucherCode is a valid code for messages.
const exampleVoucherCode = "SMP-7KQ3-9XF2-M4T9"

// codeValue maps a byte to its value in codeAlphabet, or -1.
var codeValue = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := 0; i < codeBase; i++ {
		v[codeAlphabet[i]] = int8(i)
	}
	return v
}()

// Voucher code error kinds. Every error from NormalizeVoucherCode is an
// *Error with Code Invalid whose message says what went wrong, and matches
// exactly one of these with errors.Is:
//
//	errors.Is(err, ErrCodeMalformed) // not shaped like a code at all
//	errors.Is(err, ErrCodeChecksum)  // shaped right, but a character is wrong
//
// Telling "looks mistyped" from "unknown code" gives an attacker nothing:
// the check character is public arithmetic, not a secret.
var (
	ErrCodeMalformed = errors.New("malformed voucher code")
	ErrCodeChecksum  = errors.New("voucher code check character does not match")
)

// codeError is an *Error that also matches one of the kinds above.
type codeError struct {
	kind error
	err  *Error
}

func (e *codeError) Error() string   { return e.err.Error() }
func (e *codeError) Unwrap() []error { return []error{e.err, e.kind} }

func errCode(kind error, format string, args ...any) error {
	return &codeError{kind: kind, err: Errorf(Invalid, format, args...)}
}

// NewVoucherCode returns a new code with the given prefix ("" means
// DefaultVoucherPrefix), drawing randomness from r, or from crypto/rand
// when r is nil. Symbols are drawn by rejection sampling, so each of the 31
// is equally likely. Tests may pass a deterministic reader.
//
// The prefix must be 1 to 6 characters from the code alphabet, so the whole
// code reads unambiguously. Returns Invalid for a bad prefix, and the
// reader's error, wrapped, if r fails.
func NewVoucherCode(prefix string, r io.Reader) (string, error) {
	if prefix == "" {
		prefix = DefaultVoucherPrefix
	}
	if !validCodePrefix(prefix) {
		return "", Errorf(Invalid, "A voucher code prefix is 1 to %d characters from %s; %s is not.",
			maxCodePrefixLen, codeAlphabet, quoteInput(prefix))
	}
	if r == nil {
		r = rand.Reader
	}
	var vals [codeLen]int
	var buf [codeRandom]byte
	for n := 0; n < codeRandom; {
		if _, err := io.ReadFull(r, buf[:codeRandom-n]); err != nil {
			return "", fmt.Errorf("voucher code: read random: %w", err)
		}
		for _, b := range buf[:codeRandom-n] {
			if int(b) < codeRejectAbove {
				vals[n] = int(b) % codeBase
				n++
			}
		}
	}
	vals[codeRandom] = codeCheck(vals[:codeRandom])
	return formatCode(prefix, vals[:]), nil
}

// NormalizeVoucherCode turns a code as a person typed it into canonical
// form: case is ignored and dashes, spaces and other separators may be
// missing or extra, so " smp 7kq3 9xf2 m4t9" gives "SMP-7KQ3-9XF2-M4T9".
// The prefix is whatever comes before the last twelve symbols.
//
// Returns an Invalid error matching ErrCodeMalformed when the input has
// characters that never occur in codes (0, O, 1, I, L and anything that is
// not a letter or digit) or the wrong length, and one matching
// ErrCodeChecksum when the check character fails, which means a typo.
func NormalizeVoucherCode(s string) (string, error) {
	b := make([]byte, 0, maxCodePrefixLen+codeLen)
	for _, r := range s {
		switch {
		case isCodeSeparator(r):
			continue
		case r >= 0x80 || !isASCIIDigit(byte(r)) && !isASCIILetter(byte(r)):
			return "", errCode(ErrCodeMalformed, "%s is not a voucher code: codes have only letters and digits, like %s.",
				quoteInput(s), exampleVoucherCode)
		}
		if len(b) == maxCodePrefixLen+codeLen {
			return "", errCode(ErrCodeMalformed, "%s is too long for a voucher code; codes look like %s.",
				quoteInput(s), exampleVoucherCode)
		}
		c := byte(unicode.ToUpper(r))
		if codeValue[c] < 0 {
			return "", errCode(ErrCodeMalformed, "%s has a character voucher codes never contain (0, O, 1, I or L), "+
				"so it is mistyped. Check the code and try again.", quoteInput(s))
		}
		b = append(b, c)
	}
	if len(b) < 1+codeLen {
		return "", errCode(ErrCodeMalformed, "%s is too short for a voucher code; codes look like %s, prefix included.",
			quoteInput(s), exampleVoucherCode)
	}
	prefix, body := string(b[:len(b)-codeLen]), b[len(b)-codeLen:]
	var vals [codeLen]int
	sum := 0
	for i, c := range body {
		vals[i] = int(codeValue[c])
		sum += (i + 1) * vals[i]
	}
	if sum%codeBase != 0 {
		return "", errCode(ErrCodeChecksum, "%s looks mistyped: a character is wrong or two are swapped. "+
			"Check the code and try again.", quoteInput(s))
	}
	return formatCode(prefix, vals[:]), nil
}

// ValidateVoucherCode reports whether s is a valid code as typed, with the
// same errors as NormalizeVoucherCode. Use that instead when the canonical
// form is needed, as for a store lookup.
func ValidateVoucherCode(s string) error {
	_, err := NormalizeVoucherCode(s)
	return err
}

// codeCheck returns the check value for the random values vals: the c that
// makes Σ (i+1)·v_i + 12·c ≡ 0 (mod 31). Trying all 31 is simpler to trust
// than a modular inverse and costs nothing.
func codeCheck(vals []int) int {
	sum := 0
	for i, v := range vals {
		sum += (i + 1) * v
	}
	for c := 0; c < codeBase; c++ {
		if (sum+codeLen*c)%codeBase == 0 {
			return c
		}
	}
	panic("unreachable: 12 is invertible mod 31")
}

// formatCode writes prefix and the symbol values in canonical form.
func formatCode(prefix string, vals []int) string {
	var b strings.Builder
	b.Grow(len(prefix) + codeLen + codeLen/codeGroup)
	b.WriteString(prefix)
	for i, v := range vals {
		if i%codeGroup == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(codeAlphabet[v])
	}
	return b.String()
}

func validCodePrefix(p string) bool {
	if len(p) < 1 || len(p) > maxCodePrefixLen {
		return false
	}
	for i := 0; i < len(p); i++ {
		if codeValue[p[i]] < 0 {
			return false
		}
	}
	return true
}

// isCodeSeparator reports whether r may appear between code symbols: space
// of any kind, dashes (phones turn "-" into "–"), "_", "." and the invisible
// characters that copy and paste brings along.
func isCodeSeparator(r rune) bool {
	switch r {
	case '-', '_', '.', '‐', '‑', '‒', '–', '—', '―', '−', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}
