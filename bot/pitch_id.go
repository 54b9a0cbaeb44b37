package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// Pitch IDs everywhere: "/pitch PIT-12" (detail and history), "/pitch
// PIT-12 agreed", "/pitch PIT-12 note …", "/pitch PIT-12 delete"; outcome
// buttons that update their own message; and the question "which pitch?"
// when a creator has several open ones.

const (
	actionPitchPick   = "pitch_pick"   // value "id:status": the pitch chosen for an outcome
	actionPitchDelete = "pitch_delete" // value id: confirmed deletion
	actionPitchKeep   = "pitch_keep"   // value id: deletion cancelled
)

// maxPickPitches is how many open pitches the "which one?" question names.
const maxPickPitches = 10

// pickAction is the action_id of the i-th "which pitch?" button: action
// IDs must be unique within an actions block.
func pickAction(i int) string { return fmt.Sprintf("%s_%d", actionPitchPick, i) }

var pitchIDRE = regexp.MustCompile(`(?i)^(?:PIT-?|#)(\d{1,12})$`)

// parsePitchID reads "PIT-12", "pit12" or "#12".
func parsePitchID(s string) (uint64, bool) {
	m := pitchIDRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	id, err := strconv.ParseUint(m[1], 10, 64)
	return id, err == nil && id > 0
}

var pitchIDLikeRE = regexp.MustCompile(`(?i)^PIT-?\d+$`)

// looksLikePitchID: "PIT-0" or "PIT-0000", an ID no pitch can have — not a
// creator or a command word.
func looksLikePitchID(s string) bool { return pitchIDLikeRE.MatchString(s) }

// pitchByID handles "/pitch PIT-12 [outcome|note …|delete]".
func (b *Bot) pitchByID(ctx context.Context, r *Request, id uint64, rest string) error {
	verb, arg := splitWord(rest)
	switch strings.ToLower(verb) {
	case "":
		return b.pitchDetail(ctx, r, id)
	case "note":
		return b.pitchNote(ctx, r, id, arg)
	case "delete", "remove", "hapus":
		return b.pitchDeleteAsk(ctx, r, id)
	}
	s, err := parseOutcome(rest)
	if err != nil {
		return errorf("I didn't understand %s after PIT-%d. Did you mean `%s`? (Or `note …`, `delete`, or nothing for its history.)",
			quote(rest), id, nearPitchIDForm(id, verb, arg, rest))
	}
	if s == store.PitchPitched {
		return errorf("An outcome is interested, agreed, declined or no response — for example `/pitch PIT-%d agreed`.", id)
	}
	return b.setPitchStatus(ctx, r, id, s)
}

// nearPitchIDForm is the correct form closest to what was typed after
// PIT-n: "delet" → delete, "notes x" → note x, "setju" → setuju; an
// outcome when nothing is near.
func nearPitchIDForm(id uint64, verb, arg, rest string) string {
	if w, ok := closest(verb, []string{"note", "delete"}); ok {
		if w == "note" {
			if arg = strings.TrimSpace(arg); arg == "" {
				arg = "…"
			}
			return fmt.Sprintf("/pitch PIT-%d note %s", id, arg)
		}
		if strings.TrimSpace(arg) == "" {
			return fmt.Sprintf("/pitch PIT-%d delete", id)
		}
	}
	if w, ok := nearOutcome(rest); ok {
		return fmt.Sprintf("/pitch PIT-%d %s", id, w)
	}
	return fmt.Sprintf("/pitch PIT-%d agreed", id)
}

// parseOutcome is store.ParsePitchStatus (which knows the Indonesian words
// too) for text typed after a handle or an ID.
func parseOutcome(s string) (store.PitchStatus, error) {
	return store.ParsePitchStatus(s)
}

// mayEditPitch: a pitch's owner or an admin may edit its note or delete it.
func (b *Bot) mayEditPitch(userID string, p *store.Pitch) error {
	if b.may(context.Background(), userID, permPitchEdit, p.UserID, "") { // owner or admin: no roster read
		return nil
	}
	return mdErrorf("Only <@%s>, who logged PIT-%d, or an admin can change its note or delete it.", p.UserID, p.ID)
}

// pitchDetail is "/pitch PIT-12": the pitch, its outcome buttons, and its
// history from the audit log (creation, outcomes, note edits).
func (b *Bot) pitchDetail(ctx context.Context, r *Request, id uint64) error {
	p, err := b.db.Pitch(ctx, id)
	if err != nil {
		return b.deletedPitchErr(ctx, id, err)
	}
	m, err := b.pitchDetailMsg(ctx, r.UserID, p)
	if err != nil {
		return err
	}
	return b.reply(ctx, r, m)
}

// detailRows marks the outcome buttons of a pitch's detail view: a click
// there redraws the whole view.
const detailRows = "detail"

func (b *Bot) pitchDetailMsg(ctx context.Context, userID string, p *store.Pitch) (msg, error) {
	id := p.ID
	blocks := []slack.Block{header(fmt.Sprintf("PIT-%d · @%s", p.ID, p.Handle))}
	facts := []string{
		fmt.Sprintf("*Status:* %s", p.Status.Label()),
		fmt.Sprintf("*Pitched by:* <@%s>, %s", p.UserID, b.whenAbs(p.CreatedAt)),
	}
	if p.Product != "" {
		facts = append(facts, "*Product:* "+esc(truncate(p.Product, 500)))
	}
	if p.CommissionPct > 0 {
		facts = append(facts, fmt.Sprintf("*Commission:* %d%%", p.CommissionPct))
	}
	if p.Channel != "" {
		facts = append(facts, fmt.Sprintf("*Logged in:* <#%s>", p.Channel))
	}
	blocks = append(blocks, section(strings.Join(facts, "\n")))
	if p.Note != "" {
		blocks = append(blocks, section("*Note:*\n"+escFitShown(p.Note, maxTextLen-200)))
	}
	blocks = append(blocks, outcomeButtons(*p, detailRows))
	hist, err := b.db.AuditLog(ctx, store.PitchEntity(id), 20)
	if err != nil {
		return msg{}, err
	}
	var lines []string
	for i := len(hist) - 1; i >= 0; i-- {
		lines = append(lines, b.pitchHistoryLine(hist[i]))
	}
	if len(lines) > 0 {
		blocks = append(blocks, section("*History*"))
		blocks = append(blocks, joinLines(lines)...)
	}
	hint := fmt.Sprintf("`/pitch PIT-%d note …` replaces the note", p.ID)
	if b.mayEditPitch(userID, p) == nil {
		blocks = append(blocks, slack.NewActionBlock(fmt.Sprintf("pitch_edit_%d", p.ID), dangerButton(actionPitchDelete+"_ask", p.ID, "Delete…")))
		hint += fmt.Sprintf("; `/pitch PIT-%d delete` removes a pitch logged by mistake", p.ID)
	}
	blocks = append(blocks, contextText(hint+"."))
	return msg{text: fmt.Sprintf("PIT-%d @%s: %s.", p.ID, p.Handle, p.Status.Label()), blocks: blocks}, nil
}

func dangerButton(actionID string, id uint64, label string) *slack.ButtonBlockElement {
	btn := button(actionID, strconv.FormatUint(id, 10), label)
	btn.Style = slack.StyleDanger
	return btn
}

// fitShown clips text for display and says so: the stored text stays
// whole, the view never cuts silently.
func fitShown(s string, n int) string {
	total := utf8.RuneCountInString(s)
	if total <= n {
		return s
	}
	tail := fmt.Sprintf(" … [%d of %d characters shown; the rest is stored]", n-60, total)
	return string([]rune(s)[:n-60]) + tail
}

// escFitShown is fitShown for mrkdwn: escaped, at most n characters
// after escaping (each < becomes &lt;), so the "characters shown" note is
// never itself clipped off by the block limit.
func escFitShown(s string, n int) string {
	out := esc(fitShown(s, n))
	for m := n; utf8.RuneCountInString(out) > n; {
		// Shrink in proportion to how much escaping grew the text.
		m = max(100, m*n/utf8.RuneCountInString(out)-1)
		out = esc(fitShown(s, m))
		if m == 100 {
			return truncate(out, n)
		}
	}
	return out
}

// pitchHistoryLine renders one audit entry of a pitch.
func (b *Bot) pitchHistoryLine(e store.AuditEntry) string {
	what := e.Action
	switch e.Action {
	case store.ActionPitchCreate:
		what = "logged the pitch"
	case store.ActionPitchStatus:
		what = fmt.Sprintf("%s → *%s*", store.PitchStatus(e.Before).Label(), store.PitchStatus(e.After).Label())
	case store.ActionPitchNote:
		var n struct {
			Note string `json:"note"`
		}
		what = "changed the note"
		if json.Unmarshal([]byte(e.After), &n) == nil && n.Note != "" {
			what += " to “" + esc(truncate(strings.Join(strings.Fields(n.Note), " "), 80)) + "”"
		}
	case store.ActionPitchDelete:
		what = "deleted the pitch"
	}
	return fmt.Sprintf("• %s · <@%s> %s", b.whenAbs(e.At), e.UserID, what)
}

// deletedPitchErr turns NotFound for a deleted pitch into a line saying
// who deleted it and when.
func (b *Bot) deletedPitchErr(ctx context.Context, id uint64, err error) error {
	if store.ErrorCode(err) != store.NotFound {
		return err
	}
	if hist, herr := b.db.AuditLog(ctx, store.PitchEntity(id), 1); herr == nil && len(hist) == 1 && hist[0].Action == store.ActionPitchDelete {
		return mdErrorf("PIT-%d was deleted by <@%s> %s.", id, hist[0].UserID, b.when(hist[0].At))
	}
	return errorf("There is no PIT-%d. `/pitch list` shows recent pitches with their IDs.", id)
}

// pitchNote handles "/pitch PIT-12 note …": the note, stored as typed.
func (b *Bot) pitchNote(ctx context.Context, r *Request, id uint64, note string) error {
	p, err := b.db.Pitch(ctx, id)
	if err != nil {
		return b.deletedPitchErr(ctx, id, err)
	}
	if err := b.mayEditPitch(r.UserID, p); err != nil {
		return err
	}
	note = strings.TrimSpace(clean(note))
	if note == "" {
		return errorf("Write the new note after `note`, like `/pitch PIT-%d note sent the sample link on WhatsApp`.", id)
	}
	p, err = b.db.SetPitchNote(ctx, id, r.UserID, note)
	if err != nil {
		return err
	}
	text := fmt.Sprintf(":memo: Note on *PIT-%d* *@%s* saved: %s", p.ID, p.Handle, escFitShown(p.Note, 2500))
	return b.reply(ctx, r, msg{text: fmt.Sprintf("Note on PIT-%d saved.", p.ID), blocks: []slack.Block{section(text)}})
}

// pitchDeleteAsk asks before deleting: the pitch leaves every count.
func (b *Bot) pitchDeleteAsk(ctx context.Context, r *Request, id uint64) error {
	p, err := b.db.Pitch(ctx, id)
	if err != nil {
		return b.deletedPitchErr(ctx, id, err)
	}
	if err := b.mayEditPitch(r.UserID, p); err != nil {
		return err
	}
	line := b.pitchLine(*p, true)
	text := ":wastebasket: Delete " + line + "?\nIt leaves every count, list, target and the digest. The audit log keeps a record."
	confirm := dangerButton(actionPitchDelete, p.ID, fmt.Sprintf("Delete PIT-%d", p.ID))
	confirm.Confirm = slack.NewConfirmationBlockObject(plain("Delete this pitch?", 100),
		plain(fmt.Sprintf("PIT-%d @%s will be removed from counts and lists.", p.ID, p.Handle), 300),
		plain("Delete", 30), plain("Keep it", 30))
	return b.reply(ctx, r, msg{text: fmt.Sprintf("Delete PIT-%d?", p.ID), blocks: []slack.Block{section(text),
		slack.NewActionBlock(fmt.Sprintf("pitch_del_%d", p.ID), confirm, button(actionPitchKeep, strconv.FormatUint(p.ID, 10), "Keep it"))}})
}

func (b *Bot) pitchDeleteConfirmed(ctx context.Context, r *Request) error {
	id, err := strconv.ParseUint(r.Action.Value, 10, 64)
	if err != nil {
		return errorf("That button is damaged; use `/pitch PIT-n delete` instead.")
	}
	p, err := b.db.Pitch(ctx, id)
	if err != nil {
		return b.deletedPitchErr(ctx, id, err)
	}
	if err := b.mayEditPitch(r.UserID, p); err != nil {
		return err
	}
	if _, err := b.db.DeletePitch(ctx, id, r.UserID); err != nil {
		return b.deletedPitchErr(ctx, id, err)
	}
	r.log.Info("pitch deleted", "pitch", id, "owner", p.UserID)
	b.refreshHome(ctx, r.UserID)
	if p.UserID != r.UserID {
		b.refreshHome(ctx, p.UserID)
	}
	text := fmt.Sprintf(":wastebasket: Deleted *PIT-%d* *@%s* (was *%s*). It no longer counts anywhere; the audit log keeps a record.",
		p.ID, p.Handle, p.Status.Label())
	return b.reply(ctx, r, msg{text: fmt.Sprintf("Deleted PIT-%d.", p.ID), blocks: []slack.Block{section(text)}, replace: true})
}

func (b *Bot) pitchKeep(ctx context.Context, r *Request) error {
	text := fmt.Sprintf("Kept *PIT-%s* — nothing deleted.", strings.TrimSpace(r.Action.Value))
	return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}, replace: true})
}

// pickPitchMsg asks which open pitch gets outcome s, one button each
// naming product and date.
func (b *Bot) pickPitchMsg(handle string, open []store.Pitch, s store.PitchStatus) msg {
	text := fmt.Sprintf("*@%s* has %s. Which one is *%s*?", handle, plural(len(open), "open pitch", "open pitches"), s.Label())
	var els []slack.BlockElement
	for i, p := range open {
		if i == maxPickPitches {
			break
		}
		label := fmt.Sprintf("PIT-%d", p.ID)
		if p.Product != "" {
			label += " · " + truncate(strings.Join(strings.Fields(p.Product), " "), 30)
		}
		label += " · " + p.CreatedAt.In(b.cfg.Location).Format("2 Jan")
		els = append(els, button(pickAction(i), fmt.Sprintf("%d:%s", p.ID, s), label))
	}
	blocks := []slack.Block{section(text), slack.NewActionBlock("pitch_pick_"+handle, els...)}
	hint := fmt.Sprintf("Or type the ID: `/pitch PIT-%d %s`.", open[0].ID, strings.ReplaceAll(string(s), "_", " "))
	if len(open) > maxPickPitches {
		hint = fmt.Sprintf("Showing the newest %d of %d. ", maxPickPitches, len(open)) + hint
	}
	blocks = append(blocks, contextText(hint))
	return msg{text: fmt.Sprintf("@%s has %d open pitches: which one?", handle, len(open)), blocks: blocks}
}

func (b *Bot) pitchPick(ctx context.Context, r *Request) error {
	idText, st, _ := strings.Cut(r.Action.Value, ":")
	id, err := strconv.ParseUint(idText, 10, 64)
	s := store.PitchStatus(st)
	if err != nil || !s.Valid() {
		return errorf("That button is damaged; use `/pitch PIT-n agreed` instead.")
	}
	before, err := b.db.Pitch(ctx, id)
	if err != nil {
		return b.deletedPitchErr(ctx, id, err)
	}
	p, err := b.db.SetPitchStatus(ctx, id, r.UserID, s)
	if err != nil {
		return b.deletedPitchErr(ctx, id, err)
	}
	b.refreshHome(ctx, r.UserID)
	text := fmt.Sprintf("*PIT-%d* *@%s*: %s → *%s*", p.ID, p.Handle, before.Status.Label(), p.Status.Label())
	if before.Status == p.Status { // set meanwhile, by a command or another click
		text = fmt.Sprintf("*PIT-%d* *@%s* is already *%s*.", p.ID, p.Handle, p.Status.Label())
	}
	blocks := []slack.Block{section(text + "\n" + b.pitchLine(*p, p.UserID != r.UserID)), outcomeButtons(*p, strconv.FormatUint(p.ID, 10))}
	return b.reply(ctx, r, msg{text: toPlain(text), blocks: blocks, replace: true})
}

// outcomeBlockID names the actions block of pitch id. With rows (the IDs
// of every pitch with buttons in the same message) and optional duplicate
// handles it is "pitch_12;10,11,12;dup1,dup2", so a click on an ephemeral
// message — whose blocks Slack does not send back — can rebuild it. A
// block_id holds at most 255 characters; duplicates are dropped first.
func outcomeBlockID(id uint64, rows ...string) string {
	base := fmt.Sprintf("pitch_%d", id)
	if len(rows) == 0 {
		return base
	}
	full := base + ";" + strings.Join(rows, ";")
	if len(full) <= 255 {
		return full
	}
	if full = base + ";" + rows[0]; len(full) <= 255 {
		return full
	}
	return base
}

// parseOutcomeBlockID is the inverse of outcomeBlockID.
func parseOutcomeBlockID(blockID string) (ids []uint64, dups []string, ok bool) {
	rest, found := strings.CutPrefix(blockID, "pitch_")
	if !found {
		return nil, nil, false
	}
	parts := strings.Split(rest, ";")
	if _, err := strconv.ParseUint(parts[0], 10, 64); err != nil {
		return nil, nil, false
	}
	list := parts[0]
	if len(parts) > 1 {
		list = parts[1]
	}
	for _, s := range strings.Split(list, ",") {
		if id, err := strconv.ParseUint(s, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if len(parts) > 2 && parts[2] != "" {
		dups = strings.Split(parts[2], ",")
	}
	return ids, dups, true
}

// outcomeInPlace is the message an outcome button's own message becomes
// after the click: the clicked pitch's row shows its new status and its
// buttons mark it. A channel or DM message comes back with the payload and
// only its two blocks change; an ephemeral one is rebuilt from the block
// ID's rows. A button on Home (no message) is not updated in place.
func (b *Bot) outcomeInPlace(ctx context.Context, r *Request, p *store.Pitch, change string) (msg, bool) {
	if r.Callback == nil || r.Action == nil || r.Callback.Container.Type != "message" || r.ResponseURL == "" {
		return msg{}, false
	}
	ids, dups, ok := parseOutcomeBlockID(r.Action.BlockID)
	if !ok {
		return msg{}, false
	}
	rowsCtx := blockIDRows(r.Action.BlockID)
	if len(rowsCtx) == 1 && rowsCtx[0] == detailRows {
		m, err := b.pitchDetailMsg(ctx, r.UserID, p)
		if err != nil {
			return msg{}, false
		}
		m.text, m.replace = toPlain(change), true
		return m, true
	}
	if old := r.Callback.Message.Blocks.BlockSet; len(old) > 0 {
		out := make([]slack.Block, 0, len(old))
		for i, blk := range old {
			if ab, isAction := blk.(*slack.ActionBlock); isAction && ab.BlockID == r.Action.BlockID {
				if i > 0 {
					if _, isSection := old[i-1].(*slack.SectionBlock); isSection {
						out[len(out)-1] = section(b.pitchLine(*p, p.UserID != r.UserID))
					}
				}
				out = append(out, outcomeButtons(*p, rowsCtx...))
				continue
			}
			out = append(out, blk)
		}
		return msg{text: toPlain(change), blocks: out, replace: true}, true
	}
	var blocks []slack.Block
	var proto *store.Pitch
	for _, id := range ids {
		q := p
		if id != p.ID {
			var err error
			if q, err = b.db.Pitch(ctx, id); err != nil {
				blocks = append(blocks, section(fmt.Sprintf("~PIT-%d~ is no longer there.", id)))
				continue
			}
		}
		if proto == nil {
			proto = q
		}
		blocks = append(blocks, section(b.pitchLine(*q, q.UserID != r.UserID)), outcomeButtons(*q, rowsCtx...))
	}
	if proto != nil {
		for _, h := range dups {
			prev, err := b.db.LatestPitch(ctx, h)
			if err != nil {
				continue
			}
			d := store.Duplicate{Handle: h, Previous: *prev}
			l := fmt.Sprintf(":warning: *@%s* was pitched by <@%s> %s — status *%s*. Not logged.", h, prev.UserID, b.when(prev.CreatedAt), prev.Status.Label())
			blocks = append([]slack.Block{section(l), duplicateButtons(d, store.PitchInput{Product: proto.Product, Note: proto.Note,
				Channel: proto.Channel, CommissionPct: proto.CommissionPct})}, blocks...)
		}
	}
	blocks = append(blocks, contextText(change))
	return msg{text: toPlain(change), blocks: blocks, replace: true}, true
}

// blockIDRows returns the row context of an outcome block ID, to carry it
// over to the rebuilt buttons.
func blockIDRows(blockID string) []string {
	parts := strings.Split(blockID, ";")
	return parts[1:]
}

// outcomeWords are what nearOutcome compares a typo with.
var outcomeWords = []string{"interested", "agreed", "declined", "no response", "tertarik", "setuju", "tolak", "tidak ada respon"}

// nearOutcome reports whether rest, one or a few words after a single
// handle, is a typo of an outcome ("agred", "declned") rather than a
// product, and which outcome it nearly spelled. Exact outcomes and a note
// ("--") are never typos.
func nearOutcome(rest string) (string, bool) {
	rest = strings.ToLower(strings.TrimSpace(rest))
	if rest == "" || strings.ContainsAny(rest, "@,;\n") || strings.Contains(rest, "--") || len(strings.Fields(rest)) > 4 {
		return "", false
	}
	if _, err := parseOutcome(rest); err == nil {
		return "", false
	}
	for _, w := range outcomeWords {
		// The first words of a two- or three-word outcome: "no", "tidak", "tidak ada".
		if strings.HasPrefix(w, rest+" ") {
			return w, true
		}
	}
	best, d := "", 1<<30
	for _, w := range outcomeWords {
		if x := editDistance(rest, w); x < d {
			best, d = w, x
		}
	}
	limit := 1 // "Tonik" is a product, not "tolak"
	if len([]rune(rest)) >= 8 {
		limit = 2
	}
	return best, len([]rune(rest)) >= 4 && d <= limit
}
