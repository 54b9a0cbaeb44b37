package bot

import (
	"strings"
	"unicode"

	"pocbot/store"
)

// Errors that help: a command word that was not understood gets one line
// saying so and the one closest correct form — never the whole help page.

// commandKeywords are the literal first words of a command's usage forms
// ("list", "stats", "holiday"), from its help table.
func commandKeywords(c *command) []string {
	var out []string
	for _, u := range c.Usage {
		w, _, _ := strings.Cut(strings.TrimSpace(u.Syntax), " ")
		for _, k := range strings.Split(w, "|") {
			if isKeyword(k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// isKeyword: a lowercase literal word, not a placeholder (METRIC, CODE),
// a handle (@handle) or an option list ([mine]).
func isKeyword(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if !unicode.IsLower(r) && r != '-' {
			return false
		}
	}
	return true
}

// usageFor returns the syntax of c's usage form starting with keyword.
func usageFor(c *command, keyword string) string {
	for _, u := range c.Usage {
		w, _, _ := strings.Cut(strings.TrimSpace(u.Syntax), " ")
		for _, k := range strings.Split(w, "|") {
			if k == keyword {
				return u.Syntax
			}
		}
	}
	return keyword
}

// closest returns the candidate nearest to typed (case-insensitive) if it
// is near enough to be a typo: one edit for short words, two for longer.
func closest(typed string, cands []string) (string, bool) {
	typed = strings.ToLower(typed)
	best, bestD := "", 1<<30
	for _, c := range cands {
		if d := editDistance(typed, c); d < bestD {
			best, bestD = c, d
		}
	}
	limit := 1
	if len([]rune(typed)) >= 5 {
		limit = 2
	}
	if strings.HasPrefix(best, typed) && len([]rune(typed)) >= 3 {
		return best, true
	}
	return best, best != "" && bestD <= limit
}

// editDistance is the optimal-string-alignment distance between a and b,
// in runes: insertions, deletions, substitutions and swaps of two adjacent
// letters ("lsit" → "list") cost one each.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// codeSample makes user text safe inside `…` in a suggestion.
func codeSample(s string) string {
	return strings.ReplaceAll(truncate(strings.Join(strings.Fields(clean(s)), " "), 80), "`", "'")
}

// notUnderstood is the reply to "/cmd WORD rest" when WORD is not a form of
// cmd: what was not understood and the one closest correct form —
// the keyword it nearly spelled, the handle it lacked an @ for, or the
// command's first form.
func (b *Bot) notUnderstood(r *Request, word, rest string) error {
	c := b.rt.commands[r.Command.Command]
	if c == nil {
		return errorf("I didn't understand %s.", quote(word))
	}
	if k, ok := closest(word, commandKeywords(c)); ok {
		form := c.Name + " " + k
		if rest != "" {
			form += " " + rest
		} else if u := usageFor(c, k); u != k {
			form = c.Name + " " + u
		}
		return errorf("I didn't understand %s. Did you mean `%s`?", quote(word), codeSample(form))
	}
	if w := clean(word); takesHandle(c) && looksLikeHandle(w, rest) {
		if h, err := store.NormalizeHandle(w); err == nil {
			form := codeSample(strings.TrimSpace(c.Name + " @" + h + " " + rest))
			if !strings.HasPrefix(w, "@") && !strings.ContainsAny(w, "._0123456789") {
				// A plain word may be a handle or a typo: offer both ways on.
				return errorf("I didn't understand %s. If it is a creator, a handle starts with @: `%s`. `%s help` lists every form.",
					quote(word), form, c.Name)
			}
			return errorf("I didn't understand %s: a creator handle starts with @. Did you mean `%s`?", quote(word), form)
		}
	}
	if takesPerson(c) {
		return errorf("I didn't understand %s. Pick the person with @ so Slack links them, like `%s @name …` — or `%s help` for every form.",
			quote(word), c.Name, c.Name)
	}
	return errorf("I didn't understand %s. Try `%s`, or `%s help` for every form.", quote(word), codeSample(firstForm(c)), c.Name)
}

// looksLikeHandle: a word typed where a handle goes that is one — it has
// an @ after cleaning, a dot, an underscore or a digit (sari.beauty,
// rina_3), or it stands alone or before an outcome ("/pitch rina agreed").
// A capitalised product word ("Serum for everyone") is not guessed at.
func looksLikeHandle(w, rest string) bool {
	if strings.HasPrefix(w, "@") || strings.ContainsAny(w, "._0123456789") {
		return true
	}
	if _, err := store.ParsePitchStatus(rest); err == nil || rest == "" {
		return w == strings.ToLower(w)
	}
	return false
}

func takesHandle(c *command) bool {
	for _, u := range c.Usage {
		if strings.HasPrefix(u.Syntax, "@handle") || strings.HasPrefix(u.Syntax, "[@handle]") {
			return true
		}
	}
	return false
}

func takesPerson(c *command) bool {
	for _, u := range c.Usage {
		if strings.HasPrefix(u.Syntax, "@person") {
			return true
		}
	}
	return false
}

// firstForm is the command's first form that takes arguments, or its
// first example.
func firstForm(c *command) string {
	if len(c.Examples) > 0 {
		return c.Examples[0]
	}
	for _, u := range c.Usage {
		if u.Syntax != "" && u.Syntax != "help" {
			return c.Name + " " + u.Syntax
		}
	}
	return c.Name
}
