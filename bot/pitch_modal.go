package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"pocbot/store"
)

const (
	pitchModalID = "pitch_modal"

	pitchBlockCreators   = "pitch_creators"
	pitchBlockProduct    = "pitch_product"
	pitchBlockCommission = "pitch_commission"
	pitchBlockChannel    = "pitch_channel"
	pitchBlockNote       = "pitch_note"
)

// pitchStoreForm puts CreatePitches' errors on the pitch form.
var pitchStoreForm = storeForm{fields: map[string]string{
	store.FieldCreator: pitchBlockCreators, store.FieldProduct: pitchBlockProduct,
	store.FieldCommission: pitchBlockCommission, store.FieldNote: pitchBlockNote,
}, fallback: pitchBlockNote}

// contactChannels are the ways a creator gets pitched.
var contactChannels = []struct{ value, label string }{
	{"tiktok_dm", "TikTok DM"},
	{"target_invite", "Affiliate Center target invite"},
	{"whatsapp", "WhatsApp"},
	{"email", "E-mail"},
	{"other", "Other"},
}

func contactLabel(v string) string {
	for _, c := range contactChannels {
		if c.value == v {
			return c.label
		}
	}
	return v
}

// pitchModal is the /pitch form; creators may be prefilled (from /creator).
func pitchModal(channelID, creators string) slack.ModalViewRequest {
	var opts []*slack.OptionBlockObject
	for _, c := range contactChannels {
		opts = append(opts, option(c.value, c.label))
	}
	return modal(pitchModalID, "Log a pitch", "Log pitch", viewMeta{Channel: channelID},
		textInput(pitchBlockCreators, "Creators", "@handle — or paste up to 100, one per line", creators, true, 3000, false),
		textInput(pitchBlockProduct, "Product or campaign", "e.g. Glow Serum, or 11.11 campaign", "", false, 200, true),
		textInput(pitchBlockCommission, "Commission %", "1–80", "", false, 3, true),
		selectInput(pitchBlockChannel, "Contact channel", "tiktok_dm", true, opts...),
		textInput(pitchBlockNote, "Note", "What you offered, what they said", "", true, 3000, true),
	)
}

func (b *Bot) openPitchModal(ctx context.Context, r *Request, creators string) error {
	return b.openModal(ctx, r, pitchModal(r.ChannelID, creators))
}

// submitPitchModal validates the form, stores the pitches, then confirms.
func (b *Bot) submitPitchModal(ctx context.Context, r *Request) (*slack.ViewSubmissionResponse, func(context.Context) error, error) {
	st := viewState(r)
	errs := fieldErrors{}
	raw := st.text(pitchBlockCreators)
	var handles, invalid []string
	seen := map[string]bool{}
	var toks []string
	// One handle per line or comma-separated item; several on one line
	// only if each starts with @ — so "rina3 Glow Serum" is refused, never
	// read as the creators @glow and @serum.
	for _, item := range strings.FieldsFunc(raw, func(c rune) bool { return strings.ContainsRune(",;\n\r", c) }) {
		f := strings.Fields(strings.ReplaceAll(item, "\u00a0", " "))
		allAt := true
		for _, w := range f {
			allAt = allAt && strings.HasPrefix(w, "@")
		}
		if len(f) > 1 && !allAt {
			invalid = append(invalid, strings.Join(f, " "))
			continue
		}
		toks = append(toks, f...)
	}
	for _, tok := range toks {
		h, err := store.NormalizeHandle(tok)
		if err != nil {
			invalid = append(invalid, tok)
			continue
		}
		if !seen[h] {
			seen[h] = true
			handles = append(handles, h)
		}
	}
	switch {
	case len(handles)+len(invalid) == 0:
		errs[pitchBlockCreators] = "Type at least one creator handle, like @sari.beauty."
	case len(invalid) > 0:
		var q []string
		for _, s := range invalid {
			q = append(q, quote(s))
		}
		errs[pitchBlockCreators] = "Not valid handles: " + strings.Join(q, ", ") + ". Put one handle per line (2–24 letters, digits, underscores or dots); the product goes in its own field below."
	case len(handles) > maxPitchHandles:
		errs[pitchBlockCreators] = fmt.Sprintf("That is %d creators; log at most %d at a time (TikTok's batch-invite limit).", len(handles), maxPitchHandles)
	}
	commission := 0
	if c := strings.TrimSuffix(st.text(pitchBlockCommission), "%"); c != "" {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 || n > 80 {
			errs[pitchBlockCommission] = "Commission is a whole percentage from 1 to 80, like 15. Leave it empty if not agreed yet."
		}
		commission = n
	}
	if len(errs) > 0 {
		return errs.response(), nil, nil
	}
	meta := decodeMeta(r.Callback.View.PrivateMetadata)
	np := store.PitchInput{
		UserID: r.UserID, Handles: handles, Product: st.text(pitchBlockProduct), Note: st.text(pitchBlockNote),
		Channel: st.text(pitchBlockChannel), CommissionPct: commission, Cooldown: b.cfg.PitchCooldown,
	}
	res, err := b.db.CreatePitches(ctx, np)
	if err != nil {
		if fe := pitchStoreForm.errors(err); fe != nil {
			return fe.response(), nil, nil
		}
		return nil, nil, err
	}
	r.ChannelID = meta.Channel
	return nil, func(ctx context.Context) error {
		b.refreshHome(ctx, r.UserID)
		if len(res.Created) > 0 {
			b.refreshPitchingDMs(ctx, r.UserID)
		}
		return b.reply(ctx, r, b.pitchResultMsg(ctx, res, np, nil))
	}, nil
}
