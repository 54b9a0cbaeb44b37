package bot

import (
	"strings"
	"unicode/utf8"

	"pocbot/store"
)

// maxPitchHandles is TikTok's own batch-invite limit.
const maxPitchHandles = 100

// maxCommandText bounds what we even try to parse; Slack allows more, but no
// honest /pitch is longer (100 handles, a product and a 3000-character note).
const maxCommandText = 8000

// pitchArgs is a parsed "/pitch @a @b product -- note".
type pitchArgs struct {
	Handles []string // normalised, de-duplicated, in the order typed
	Invalid []string // tokens that looked like handles but are not valid
	Product string
	Note    string
}

// parsePitchArgs parses the logging form of /pitch:
//
//	@a @b, @c\n@d  product or campaign words  -- note
//
// Leading tokens starting with @ are handles (separated by spaces, commas or
// new lines); the words after them up to "--" are the product or campaign;
// everything after "--" is the note. A pasted list without @ (commas or new
// lines, nothing else) is read as handles only. Invalid handles are reported
// in Invalid rather than failing the batch; the caller decides.
func parsePitchArgs(text string) (*pitchArgs, error) {
	text = clean(text)
	if utf8.RuneCountInString(text) > maxCommandText {
		return nil, errorf("That is %d characters — too long for one /pitch. Send at most %d handles at a time, with a short product and note.",
			utf8.RuneCountInString(text), maxPitchHandles)
	}
	head, note, _ := cutNote(text)
	a := &pitchArgs{Note: strings.TrimSpace(note)}
	isSep := func(r rune) bool {
		return r == ' ' || r == ',' || r == '\n' || r == '\t' || r == '\r' || r == ';' || r == '\u00a0'
	}
	tokens := strings.FieldsFunc(head, isSep)
	if len(tokens) == 0 {
		return nil, errorf("Tell me who you pitched: `/pitch @handle [product or campaign] [-- note]`, for example `/pitch @sari.beauty Serum X -- sent via DM`.")
	}
	pasted := !strings.Contains(head, "@") && strings.ContainsAny(strings.TrimSpace(head), ",\n;")
	if pasted {
		// A pasted list without @: one handle per segment between commas,
		// semicolons or new lines; the last segment may carry the product
		// after its handle ("sari2, budi2 Glow Serum"). A space inside an
		// earlier segment is ambiguous, so it is refused rather than
		// guessed (product words must never become creators).
		segs := strings.FieldsFunc(head, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' })
		var words [][]string
		for _, s := range segs {
			if f := strings.Fields(s); len(f) > 0 {
				words = append(words, f)
			}
		}
		for k, f := range words[:len(words)-1] {
			if len(f) > 1 {
				return nil, errorf("I can't tell handles from product words in %s. Put @ before each handle, like `/pitch @%s, @%s Glow Serum`.",
					quote(strings.Join(f, " ")), strings.TrimPrefix(f[0], "@"), strings.TrimPrefix(words[k+1][0], "@"))
			}
		}
		tokens = nil
		for _, f := range words {
			tokens = append(tokens, f[0])
		}
		a, err := collectHandles(a, tokens, len(tokens))
		if err == nil {
			// The product is the last segment after its handle, as typed.
			lastSeg := strings.TrimSpace(segs[len(segs)-1])
			for strings.TrimSpace(lastSeg) == "" && len(segs) > 1 {
				segs = segs[:len(segs)-1]
				lastSeg = strings.TrimSpace(segs[len(segs)-1])
			}
			_, prod, _ := strings.Cut(lastSeg, words[len(words)-1][0])
			a.Product = strings.TrimSpace(prod)
		}
		return a, err
	}
	if !strings.HasPrefix(tokens[0], "@") {
		return nil, errorf("Start with the creator's handle, like `/pitch @handle Serum X`. I read %s as the first word, and handles start with @.", quote(tokens[0]))
	}
	// The handles are the leading words that start with @. In a list
	// (commas, semicolons or new lines) they run to the last word with @,
	// and words without @ among them ("@e1, bad handle!, @e2 Serum") are
	// reported as not valid rather than swallowing @e2 into the product.
	i := 0
	for i < len(tokens) && strings.HasPrefix(tokens[i], "@") {
		i++
	}
	if strings.ContainsAny(head, ",;\n") {
		for j, t := range tokens {
			if strings.HasPrefix(t, "@") {
				i = j + 1
			}
		}
	}
	var stray []string
	kept := tokens[:0:0]
	for _, t := range tokens[:i] {
		if strings.HasPrefix(t, "@") {
			kept = append(kept, t)
		} else {
			stray = append(stray, t)
		}
	}
	a.Invalid = append(a.Invalid, stray...)
	a, err := collectHandles(a, kept, len(kept), len(stray))
	if err == nil {
		a.Product = productAfter(head, i, isSep)
	}
	return a, err
}

// productAfter returns head after its first n separator-delimited tokens,
// as typed: "@a Glow Serum, 30ml, pink" keeps its commas. Separators right
// after the last handle ("@a, @b, Serum") are dropped.
func productAfter(head string, n int, isSep func(rune) bool) string {
	inTok, seen := false, 0
	for i, r := range head {
		switch {
		case isSep(r):
			inTok = false
		case !inTok:
			inTok = true
			if seen == n {
				return strings.TrimSpace(head[i:])
			}
			seen++
		}
	}
	return ""
}

// collectHandles takes tokens[:n] as handles (valid ones normalised and
// de-duplicated, the rest kept in Invalid) and tokens[n:] as the product.
func collectHandles(a *pitchArgs, tokens []string, n int, alsoTyped ...int) (*pitchArgs, error) {
	seen := map[string]bool{}
	for _, t := range tokens[:n] {
		h, err := store.NormalizeHandle(t)
		if err != nil {
			a.Invalid = append(a.Invalid, t)
			continue
		}
		if !seen[h] {
			seen[h] = true
			a.Handles = append(a.Handles, h)
		}
	}
	a.Product = strings.Join(tokens[n:], " ")
	typed := n
	for _, k := range alsoTyped {
		typed += k
	}
	if typed > maxPitchHandles {
		return nil, errorf("That is %d handles; one /pitch takes at most %d (TikTok's batch-invite limit). Split the list and send the rest in a second /pitch.", typed, maxPitchHandles)
	}
	if len(a.Handles) == 0 {
		return nil, errorf("None of those is a valid creator handle (%s). A handle has 2–24 letters, digits, underscores or dots, like @sari.beauty.", quote(strings.Join(a.Invalid, " ")))
	}
	return a, nil
}

// cutNote splits "head -- note" at the first standalone "--" (an em dash,
// which phones type for "--", counts too).
func cutNote(s string) (head, note string, found bool) {
	for _, sep := range []string{" -- ", "\n-- ", " —", "\n—"} {
		if i := strings.Index(s, sep); i >= 0 {
			return s[:i], s[i+len(sep):], true
		}
	}
	if strings.HasPrefix(s, "-- ") || strings.HasSuffix(s, " --") {
		h, n, _ := strings.Cut(s, "--")
		return h, n, true
	}
	return s, "", false
}
