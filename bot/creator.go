package bot

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

const (
	actionCreatorPitch = "creator_pitch"
	actionCreatorNewer = "creator_page_newer" // action_ids must differ within a block
	actionCreatorOlder = "creator_page_older"
	creatorPageSize    = 15
)

// historyItem is one line of a creator's history, from any feature.
type historyItem struct {
	At   time.Time
	Line string // safe mrkdwn
}

// historySource lists the newest limit history items of one kind for a
// creator, newest first, and how many there are in all; features register
// theirs in historySources. Sources page in the store, so a creator with
// thousands of pitches costs one page, not thousands of records.
type historySource func(ctx context.Context, handle string, limit int) (items []historyItem, total int, err error)

// newest keeps the first limit items (sources return newest first).
func newest(items []historyItem, limit int) ([]historyItem, int) {
	sort.SliceStable(items, func(i, j int) bool { return items[i].At.After(items[j].At) })
	total := len(items)
	if limit >= 0 && len(items) > limit {
		items = items[:limit]
	}
	return items, total
}

func (b *Bot) creatorRoutes() {
	b.rt.command(&command{
		Name:    "/creator",
		Summary: "a creator's profile and whole history",
		Usage: []usage{
			{"@handle", "profile and history, newest first (pitches, notes and more)"},
			{"@handle note TEXT", "add a note to the creator"},
			{"@handle set followers 120k category beauty owner @user name Sari contact WA 0812…", "edit the profile (any of the keys)"},
			{"find TEXT", "search handles and names"},
			{"import [creators|pitches]", "import a CSV or XLSX spreadsheet of creators or past pitches (admins)"},
			{"help", "this help"},
		},
		Examples: []string{"/creator @sari.beauty", "/creator @sari.beauty note prefers WhatsApp", "/creator @sari.beauty set followers 120k category beauty", "/creator find sari"},
		Run:      b.creatorCommand,
	})
	b.rt.action(actionCreatorPitch, func(ctx context.Context, r *Request) error {
		return b.openPitchModal(ctx, r, "@"+r.Action.Value)
	})
	b.rt.action(actionCreatorNewer, b.creatorPage)
	b.rt.action(actionCreatorOlder, b.creatorPage)
	b.historySources = append(b.historySources, b.pitchHistory, b.noteHistory)
}

func (b *Bot) creatorCommand(ctx context.Context, r *Request) error {
	first, rest := splitWord(r.Text)
	if first == "" {
		return b.reply(ctx, r, b.helpMsg(b.rt.commands["/creator"], "Which creator? Type their handle."))
	}
	if strings.EqualFold(first, "find") {
		return b.creatorFind(ctx, r, rest)
	}
	if strings.EqualFold(first, "import") {
		return b.creatorImport(ctx, r, rest)
	}
	if !strings.HasPrefix(first, "@") {
		if _, near := closest(first, commandKeywords(b.rt.commands["/creator"])); near {
			return b.notUnderstood(r, first, rest)
		}
		if _, err := store.NormalizeHandle(first); err != nil || strings.EqualFold(first, "help") {
			return b.notUnderstood(r, first, rest)
		}
		// "sari.beauty" is the same creator as "@sari.beauty".
	}
	h, err := store.NormalizeHandle(first)
	if err != nil {
		return err
	}
	verb, arg := splitWord(rest)
	switch strings.ToLower(verb) {
	case "":
		return b.creatorShow(ctx, r, h, 0, false)
	case "note":
		if strings.TrimSpace(arg) == "" {
			return errorf("Write the note after the word note, like: /creator @%s note prefers WhatsApp", h)
		}
		if _, err := b.db.AddCreatorNote(ctx, h, r.UserID, arg); err != nil {
			return err
		}
		text := fmt.Sprintf(":memo: Note added to *@%s*.", h)
		return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
	case "set":
		upd, err := parseCreatorSet(arg)
		if err != nil {
			return err
		}
		asked, told, err := b.creatorOwnerRule(ctx, r, h, &upd)
		if err != nil {
			return err
		}
		if upd == (store.CreatorUpdate{}) {
			return b.reply(ctx, r, msg{text: asked, blocks: []slack.Block{section(asked)}})
		}
		c, err := b.db.UpdateCreator(ctx, h, r.UserID, upd)
		if err != nil {
			return err
		}
		if told != nil {
			b.tellOwner(ctx, *told)
		}
		if upd.OwnerID != nil {
			b.tellNewOwner(ctx, r.UserID, c.Handle, *upd.OwnerID)
		}
		text := fmt.Sprintf(":pencil2: Updated *@%s*.", c.Handle)
		if asked != "" {
			text += " " + asked
		}
		return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text), section(b.creatorFacts(c))}})
	}
	if k, ok := closest(verb, []string{"note", "set"}); ok {
		return errorf("I didn't understand %s after the handle. Did you mean `/creator @%s %s %s`?", quote(verb), h, k, codeSample(arg))
	}
	return errorf("I didn't understand %s after the handle. Add a note with `/creator @%s note …`, edit with `/creator @%s set followers 120k`, or type just `/creator @%s`.",
		quote(verb), h, h, h)
}

var creatorKeys = map[string]bool{"followers": true, "category": true, "owner": true, "name": true, "contact": true}

// parseCreatorSet reads "followers 120k category beauty owner <@U1> name Sari Dewi".
// A key's value runs until the next key.
func parseCreatorSet(s string) (store.CreatorUpdate, error) {
	var upd store.CreatorUpdate
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return upd, errorf("Say what to set: followers, category, owner, name or contact. Example: set followers 120k category beauty")
	}
	for i := 0; i < len(fields); {
		k := strings.ToLower(strings.TrimSuffix(fields[i], ":"))
		if !creatorKeys[k] {
			return upd, errorf("%s is not something I can set. Use followers, category, owner, name or contact.", quote(fields[i]))
		}
		j := i + 1
		for j < len(fields) && !creatorKeys[strings.ToLower(strings.TrimSuffix(fields[j], ":"))] {
			j++
		}
		v := strings.Join(fields[i+1:j], " ")
		if v == "" {
			return upd, errorf("Give a value after %s.", k)
		}
		switch k {
		case "followers":
			n, err := store.ParseFollowers(v)
			if err != nil {
				return upd, err
			}
			upd.Followers = &n
		case "category":
			upd.Category = &v
		case "name":
			upd.DisplayName = &v
		case "contact":
			upd.Contact = &v
		case "owner":
			u := userIDFromMention(v)
			if u == "" {
				return upd, errorf("Pick the owner with @ so Slack links the person (I read %s).", quote(v))
			}
			upd.OwnerID = &u
		}
		i = j
	}
	return upd, nil
}

func (b *Bot) creatorFacts(c *store.Creator) string {
	var parts []string
	if c.DisplayName != "" {
		parts = append(parts, "*Name:* "+esc(c.DisplayName))
	}
	if c.Followers > 0 {
		parts = append(parts, "*Followers:* "+humanCount(c.Followers))
	}
	if c.Category != "" {
		parts = append(parts, "*Category:* "+esc(c.Category))
	}
	if c.OwnerID != "" {
		parts = append(parts, fmt.Sprintf("*Owner:* <@%s>", c.OwnerID))
	}
	if !c.FirstSeen.IsZero() {
		parts = append(parts, "*First seen:* "+c.FirstSeen.In(b.cfg.Location).Format("2 Jan 2006"))
	}
	if c.Contact != "" {
		parts = append(parts, "*Contact:* "+esc(c.Contact))
	}
	if len(parts) == 0 {
		return "_No profile details yet._"
	}
	return strings.Join(parts, " · ")
}

func humanCount(n int64) string {
	switch {
	case n >= 1_000_000:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + "M"
	case n >= 10_000:
		return strconv.FormatInt(n/1000, 10) + "k"
	}
	return strconv.FormatInt(n, 10)
}

// creatorHistory merges the newest limit items of every feature's history
// of h, newest first, and returns the total count of all entries.
func (b *Bot) creatorHistory(ctx context.Context, h string, limit int) ([]historyItem, int, error) {
	var all []historyItem
	total := 0
	for _, src := range b.historySources {
		items, n, err := src(ctx, h, limit)
		if err != nil {
			return nil, 0, err
		}
		all = append(all, items...)
		total += n
	}
	all, _ = newest(all, limit)
	return all, total, nil
}

func (b *Bot) pitchHistory(ctx context.Context, h string, limit int) ([]historyItem, int, error) {
	ps, total, err := b.db.PitchesByCreator(ctx, h, 0, limit)
	if err != nil {
		return nil, 0, err
	}
	items := make([]historyItem, 0, len(ps))
	for _, p := range ps {
		l := fmt.Sprintf(":mega: %s pitch `PIT-%d` by <@%s>", b.when(p.CreatedAt), p.ID, p.UserID)
		if p.Product != "" {
			l += " — " + esc(truncate(p.Product, 80))
		}
		if p.Channel != "" {
			l += " · via " + esc(contactLabel(p.Channel))
		}
		if p.CommissionPct > 0 {
			l += fmt.Sprintf(" · %d%% commission", p.CommissionPct)
		}
		l += " · *" + p.Status.Label() + "*"
		if p.Forced {
			l += " _(logged anyway despite a recent pitch)_"
		}
		if n := len(p.History); n > 0 {
			last := p.History[n-1]
			l += fmt.Sprintf(" (<@%s>, %s)", last.UserID, b.when(last.At))
		}
		if p.Note != "" {
			// No italics around user text: an underscore inside it would
			// end them early.
			l += "\n      ↳ " + esc(truncate(strings.Join(strings.Fields(p.Note), " "), 200))
		}
		items = append(items, historyItem{At: p.CreatedAt, Line: l})
	}
	return items, total, nil
}

func (b *Bot) noteHistory(ctx context.Context, h string, limit int) ([]historyItem, int, error) {
	c, err := b.db.Creator(ctx, h)
	if store.ErrorCode(err) == store.NotFound {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	items := make([]historyItem, 0, len(c.Notes))
	for _, n := range c.Notes {
		items = append(items, historyItem{At: n.At, Line: fmt.Sprintf(":memo: %s note by <@%s>: %s", b.when(n.At), n.UserID, esc(truncate(n.Text, 500)))})
	}
	items, total := newest(items, limit)
	return items, total, nil
}

// creatorShow renders one page of a creator's profile and history.
func (b *Bot) creatorShow(ctx context.Context, r *Request, h string, offset int, replace bool) error {
	c, err := b.db.Creator(ctx, h)
	if store.ErrorCode(err) == store.NotFound {
		text := fmt.Sprintf("I have nothing on *@%s* yet. They are added the first time someone pitches them, notes them, or logs an issue or a voucher for them.", h)
		blocks := []slack.Block{section(text), slack.NewActionBlock("creator_new", button(actionCreatorPitch, h, "Log a pitch"))}
		return b.reply(ctx, r, msg{text: text, blocks: blocks})
	}
	if err != nil {
		return err
	}
	if offset < 0 {
		offset = 0
	}
	items, total, err := b.creatorHistory(ctx, h, offset+creatorPageSize)
	if err != nil {
		return err
	}
	if offset >= total {
		offset = 0
		if items, total, err = b.creatorHistory(ctx, h, creatorPageSize); err != nil {
			return err
		}
	}
	m := b.creatorMsg(c, items, total, offset, replace)
	if f, err := b.db.CreatorFulfilment(ctx, h, b.samplePolicy(), b.Now()); err != nil {
		return err
	} else if l := b.fulfilmentLine(f); l != "" && len(m.blocks) >= 2 {
		// After the header and the profile facts.
		m.blocks = append(m.blocks[:2], append([]slack.Block{section(l)}, m.blocks[2:]...)...)
	}
	return b.reply(ctx, r, m)
}

// creatorMsg renders items[offset:] (the page) of a history of total
// entries.
func (b *Bot) creatorMsg(c *store.Creator, items []historyItem, total, offset int, replace bool) msg {
	if offset < 0 || offset >= len(items) {
		offset = 0
	}
	end := min(offset+creatorPageSize, len(items))
	blocks := []slack.Block{header("@" + c.Handle), section(b.creatorFacts(c))}
	if len(items) == 0 {
		blocks = append(blocks, section("_No history yet._"))
	} else {
		var lines []string
		for _, it := range items[offset:end] {
			lines = append(lines, truncate(it.Line, 600))
		}
		blocks = append(blocks, section(fmt.Sprintf("*History* — %d–%d of %d, newest first", offset+1, end, total)))
		blocks = append(blocks, joinLines(lines)...)
	}
	els := []slack.BlockElement{button(actionCreatorPitch, c.Handle, "Log a pitch")}
	els = append(els, b.creatorButtons(c.Handle)...)
	if offset > 0 {
		els = append(els, button(actionCreatorNewer, fmt.Sprintf("%s|%d", c.Handle, max(0, offset-creatorPageSize)), "◀ Newer"))
	}
	if end < total {
		els = append(els, button(actionCreatorOlder, fmt.Sprintf("%s|%d", c.Handle, end), "Older ▶"))
	}
	blocks = append(blocks, slack.NewActionBlock("creator_actions", els...))
	return msg{text: fmt.Sprintf("@%s: %s.", c.Handle, plural(total, "history entry", "history entries")), blocks: blocks, replace: replace}
}

func (b *Bot) creatorPage(ctx context.Context, r *Request) error {
	h, off, ok := strings.Cut(r.Action.Value, "|")
	n, err := strconv.Atoi(off)
	if !ok || err != nil {
		return errorf("That button is damaged; run /creator @handle again.")
	}
	return b.creatorShow(ctx, r, h, n, true)
}

func (b *Bot) creatorFind(ctx context.Context, r *Request, q string) error {
	q = strings.TrimSpace(q)
	if len([]rune(q)) < 2 {
		return errorf("Type at least 2 characters to search, like: /creator find sari")
	}
	cs, total, err := b.db.FindCreatorsTotal(ctx, q, 30)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		text := fmt.Sprintf("No creator matches %s.", esc(quote(q)))
		return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
	}
	var lines []string
	for _, c := range cs {
		l := "*@" + c.Handle + "*"
		if c.DisplayName != "" {
			l += " — " + esc(c.DisplayName)
		}
		if c.Followers > 0 {
			l += " · " + humanCount(c.Followers) + " followers"
		}
		lines = append(lines, l)
	}
	head := fmt.Sprintf("*%s %s %s*", plural(total, "creator", "creators"), verbS(total, "matches", "match"), esc(quote(q)))
	blocks := append([]slack.Block{section(head)}, joinLines(lines)...)
	if total > len(cs) {
		blocks = append(blocks, contextText(fmt.Sprintf("Showing the best %d of %d (exact handles first). Type more of the handle or name to narrow it, like `/creator find %s…`.",
			len(cs), total, esc(strings.ReplaceAll(truncate(q, 30), "`", "'")))))
	}
	return b.reply(ctx, r, msg{text: fmt.Sprintf("%s found.", plural(total, "creator", "creators")), blocks: blocks})
}

func (b *Bot) creatorButtons(handle string) []slack.BlockElement {
	var els []slack.BlockElement
	for _, f := range b.creatorButtonFuncs {
		els = append(els, f(handle))
	}
	return els
}
