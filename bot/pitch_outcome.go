package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"pocbot/store"
)

const (
	actionPitchForce = "pitch_force" // "Log anyway" on a duplicate
	actionPitchSkip  = "pitch_skip"
)

// statusAction is the action_id of the button that sets status s.
func statusAction(s store.PitchStatus) string { return "pitch_status_" + string(s) }

// outcomeStatuses are the buttons on a pitch confirmation.
var outcomeStatuses = []store.PitchStatus{store.PitchInterested, store.PitchAgreed, store.PitchDeclined, store.PitchNoResponse}

func (b *Bot) pitchOutcomeRoutes() {
	for _, s := range outcomeStatuses {
		s := s
		b.rt.action(statusAction(s), func(ctx context.Context, r *Request) error {
			id, err := strconv.ParseUint(r.Action.Value, 10, 64)
			if err != nil {
				return errorf("That button is damaged; use `/pitch @handle %s` instead.", s)
			}
			return b.setPitchStatus(ctx, r, id, s)
		})
	}
	for i := range maxPickPitches {
		b.rt.action(pickAction(i), b.pitchPick)
	}
	b.rt.action(actionPitchDelete, b.pitchDeleteConfirmed)
	b.rt.action(actionPitchKeep, b.pitchKeep)
	b.rt.action(actionPitchDelete+"_ask", func(ctx context.Context, r *Request) error {
		id, err := strconv.ParseUint(r.Action.Value, 10, 64)
		if err != nil {
			return errorf("That button is damaged; use `/pitch PIT-n delete` instead.")
		}
		return b.pitchDeleteAsk(ctx, r, id)
	})
	b.rt.action(actionPitchForce, b.pitchForce)
	b.rt.action(actionPitchSkip, b.pitchSkip)
}

// outcomeButtons is the actions block under a logged pitch. The button of
// the current outcome is marked (✓, primary), so the message shows where
// the pitch stands; a pitch without an outcome yet has Agreed as primary.
// rows is the context for an in-place update (see outcomeBlockID).
func outcomeButtons(p store.Pitch, rows ...string) *slack.ActionBlock {
	var els []slack.BlockElement
	for _, s := range outcomeStatuses {
		label := s.Label()
		if s == p.Status {
			label = "✓ " + label
		}
		btn := button(statusAction(s), strconv.FormatUint(p.ID, 10), label)
		if s == p.Status || (p.Status == store.PitchPitched && s == store.PitchAgreed) {
			btn.Style = slack.StylePrimary
		}
		els = append(els, btn)
	}
	return slack.NewActionBlock(outcomeBlockID(p.ID, rows...), els...)
}

// setPitchStatus records an outcome and confirms it: a click on outcome
// buttons updates their own message in place (see outcomeInPlace), a
// command gets a reply.
func (b *Bot) setPitchStatus(ctx context.Context, r *Request, id uint64, s store.PitchStatus) error {
	before, err := b.db.Pitch(ctx, id)
	if err != nil {
		return b.deletedPitchErr(ctx, id, err)
	}
	if !b.may(ctx, r.UserID, permPitchOutcome, before.UserID, "") {
		return notAllowed(permPitchOutcome, mention(before.UserID))
	}
	p, err := b.db.SetPitchStatus(ctx, id, r.UserID, s)
	if err != nil {
		return b.deletedPitchErr(ctx, id, err)
	}
	text := fmt.Sprintf("*PIT-%d* *@%s*: %s → *%s*", p.ID, p.Handle, before.Status.Label(), p.Status.Label())
	if before.Status == p.Status {
		text = fmt.Sprintf("*PIT-%d* *@%s* is already *%s*.", p.ID, p.Handle, p.Status.Label())
	}
	if p.UserID != r.UserID {
		text += fmt.Sprintf(" (pitch by <@%s>)", p.UserID)
		if before.Status != p.Status {
			b.tellOwner(ctx, store.Change{By: r.UserID, Owner: p.UserID, Kind: store.ChangePitchStatus, Subject: strconv.FormatUint(p.ID, 10),
				Label: fmt.Sprintf("PIT-%d @%s", p.ID, p.Handle), Before: string(before.Status), After: string(p.Status)})
			text += fmt.Sprintf(" — <@%s> is told, with Undo.", p.UserID)
			b.refreshHome(ctx, p.UserID)
		}
	}
	b.refreshHome(ctx, r.UserID)
	if m, ok := b.outcomeInPlace(ctx, r, p, text); ok {
		return b.reply(ctx, r, m)
	}
	return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
}

// pitchStatusByText handles "/pitch @handle agreed": the creator's one
// open pitch, or — with several open — a question naming each (product and
// date) with a button, so the outcome never lands on the wrong pitch. With
// none open it corrects the newest pitch.
func (b *Bot) pitchStatusByText(ctx context.Context, r *Request, handle string, s store.PitchStatus) error {
	ps, _, err := b.db.PitchesByCreator(ctx, handle, 0, maxPickPitches*4)
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return errorf("@%s has no pitch yet. Log one first: /pitch @%s PRODUCT", handle, handle)
	}
	var open []store.Pitch
	for _, p := range ps {
		if p.Status.Open() {
			open = append(open, p)
		}
	}
	switch len(open) {
	case 0:
		return b.setPitchStatus(ctx, r, ps[0].ID, s)
	case 1:
		return b.setPitchStatus(ctx, r, open[0].ID, s)
	}
	return b.reply(ctx, r, b.pickPitchMsg(handle, open, s))
}

// forceValue is what "Log anyway" carries: the pitch to log again.
type forceValue struct {
	Handle     string `json:"h"`
	Product    string `json:"p,omitempty"`
	Note       string `json:"n,omitempty"`
	Contact    string `json:"k,omitempty"`
	Commission int    `json:"c,omitempty"`
}

// encodeForce fits the value in a button's 2000 characters, shortening the
// note if it has to.
func encodeForce(v forceValue) string {
	for {
		b, _ := json.Marshal(v) // strings and ints always marshal
		if len(b) <= 2000 || v.Note == "" {
			return string(b)
		}
		v.Note = truncate(v.Note, len([]rune(v.Note))*3/4)
	}
}

func duplicateButtons(d store.Duplicate, np store.PitchInput) *slack.ActionBlock {
	v := encodeForce(forceValue{Handle: d.Handle, Product: np.Product, Note: np.Note, Contact: np.Channel, Commission: np.CommissionPct})
	force := button(actionPitchForce, v, "Log anyway")
	force.Style = slack.StyleDanger
	return slack.NewActionBlock("dup_"+d.Handle, force, button(actionPitchSkip, d.Handle, "Skip"))
}

func (b *Bot) pitchForce(ctx context.Context, r *Request) error {
	var v forceValue
	if err := json.Unmarshal([]byte(r.Action.Value), &v); err != nil || v.Handle == "" {
		return errorf("That button is damaged; log the pitch again with /pitch.")
	}
	// A double click (two envelopes, before the message is replaced) must
	// log one forced pitch: claim this button of this message first.
	key := "pitch-force/" + r.Callback.Container.MessageTs + "/" + r.UserID + "/" + v.Handle
	if r.Callback.Container.MessageTs != "" {
		first, err := b.db.ClaimOnce(ctx, key)
		if err != nil {
			return err
		}
		if !first {
			text := fmt.Sprintf("*@%s* is already logged from this button — once.", v.Handle)
			return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
		}
	}
	res, err := b.db.CreatePitches(ctx, store.PitchInput{UserID: r.UserID, Handles: []string{v.Handle}, Product: v.Product,
		Note: v.Note, Channel: v.Contact, CommissionPct: v.Commission, Force: true, Cooldown: b.cfg.PitchCooldown})
	if err != nil {
		if r.Callback.Container.MessageTs != "" {
			if rerr := b.db.ReleaseOnce(context.WithoutCancel(ctx), key); rerr != nil {
				r.log.Error("release claim", "err", rerr)
			}
		}
		return err
	}
	m := b.pitchResultMsg(ctx, res, store.PitchInput{}, nil)
	m.replace = true
	b.refreshHome(ctx, r.UserID)
	return b.reply(ctx, r, m)
}

func (b *Bot) pitchSkip(ctx context.Context, r *Request) error {
	text := fmt.Sprintf("Skipped *@%s* — nothing logged.", strings.TrimPrefix(r.Action.Value, "@"))
	return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}, replace: true})
}
