package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"pocbot/store"
)

func (b *Bot) pitchRoutes() {
	b.pitchProviders()
	b.rt.command(&command{
		Name:    "/pitch",
		Summary: "log pitches to creators and track their outcome",
		Usage: []usage{
			{"", "open the pitch form (creators, product, commission, contact channel, note)"},
			{"@handle [@more…] [product or campaign] [-- note]", "log a pitch; up to 100 handles separated by spaces, commas or new lines"},
			{"handle1, handle2 [product]", "a pasted list without @: one handle per line or comma; only the last item may carry the product"},
			{"@handle interested|agreed|declined|no response", "record the outcome of the creator's open pitch (asks which one if there are several); Bahasa works too: tertarik, setuju, tolak, tidak ada respon"},
			{"PIT-12 interested|agreed|declined|no response", "record the outcome of that pitch"},
			{"PIT-12", "one pitch with its history and outcome buttons"},
			{"PIT-12 note TEXT", "replace the pitch's note (its owner or an admin)"},
			{"PIT-12 delete", "delete a pitch logged by mistake (its owner or an admin; asks first, audited, leaves every count)"},
			{"followups", "your open pitches that need a follow-up"},
			{"list [mine|@user|today|week]", "recent pitches with their status"},
			{"stats [today|week|month]", "the funnel pitched → interested → agreed → sample → posted, per person and team"},
			{"export [period] [@user] [@handle] [status] [xlsx]", "all matching pitches as CSV or Excel in your DM (admins)"},
			{"help", "this help"},
		},
		Examples: []string{
			"/pitch @sari.beauty Glow Serum -- DM'd on TikTok",
			"/pitch @sari.beauty, @budi.jkt, @rina_3 11.11 campaign",
			"/pitch @sari.beauty agreed",
			"/pitch @sari.beauty setuju",
			"/pitch PIT-1 interested",
			"/pitch PIT-1 note sent the sample link on WhatsApp",
			"/pitch PIT-1",
			"/pitch stats week",
		},
		Run:  b.pitchCommand,
		Form: true,
	})
	b.rt.view(pitchModalID, b.submitPitchModal)
	b.pitchOutcomeRoutes()
}

func (b *Bot) pitchCommand(ctx context.Context, r *Request) error {
	first, rest := splitWord(r.Text)
	switch strings.ToLower(first) {
	case "":
		return b.openPitchModal(ctx, r, "")
	case "followups", "followup", "follow-ups":
		return b.pitchFollowups(ctx, r)
	case "list":
		return b.pitchList(ctx, r, rest)
	case "stats":
		return b.pitchStats(ctx, r, rest)
	case "export":
		return b.export(ctx, r, "pitches", rest)
	}
	if id, ok := parsePitchID(first); ok {
		return b.pitchByID(ctx, r, id, rest)
	}
	if looksLikePitchID(first) {
		return errorf("There is no %s: pitch IDs start at PIT-1. `/pitch list` shows recent pitches with their IDs.", quote(first))
	}
	if !strings.HasPrefix(first, "@") && !strings.ContainsAny(r.Text, ",\n;") {
		return b.notUnderstood(r, first, rest)
	}
	// "/pitch @handle agreed" records an outcome.
	if s, err := parseOutcome(rest); err == nil && rest != "" && !strings.Contains(rest, "@") {
		h, err := store.NormalizeHandle(first)
		if err != nil {
			return err
		}
		if s == store.PitchPitched {
			return errorf("An outcome is interested, agreed, declined or no response — for example `/pitch @%s agreed`.", h)
		}
		return b.pitchStatusByText(ctx, r, h, s)
	}
	if w, ok := nearOutcome(rest); ok && strings.HasPrefix(first, "@") {
		h, _ := store.NormalizeHandle(first)
		return errorf("I didn't understand %s after @%s. Did you mean `/pitch @%s %s`? (To log a pitch for a product called that, add a note: `/pitch @%s %s -- …`.)",
			quote(rest), h, h, w, h, codeSample(rest))
	}
	args, err := parsePitchArgs(r.Text)
	if err != nil {
		return err
	}
	np := store.PitchInput{UserID: r.UserID, Handles: args.Handles, Product: args.Product, Note: args.Note,
		Cooldown: b.cfg.PitchCooldown}
	res, err := b.db.CreatePitches(ctx, np)
	if err != nil {
		return err
	}
	b.refreshHome(ctx, r.UserID)
	if len(res.Created) > 0 {
		b.refreshPitchingDMs(ctx, r.UserID)
	}
	return b.reply(ctx, r, b.pitchResultMsg(ctx, res, np, args.Invalid))
}

// maxOutcomeRows is how many logged pitches get their own outcome buttons
// in one reply (two blocks each, within the 50-block message limit).
const maxOutcomeRows = 15

// pitchResultMsg confirms what was stored (the transaction has committed).
// What needs the user's attention comes first — handles that were not
// valid, then duplicates with Log anyway / Skip — and the logged pitches
// last, with outcome buttons while they fit in Slack's 50 blocks, so a
// long list can never push the skipped ones out of the message.
func (b *Bot) pitchResultMsg(ctx context.Context, res *store.PitchResult, np store.PitchInput, invalid []string) msg {
	var blocks []slack.Block
	if len(invalid) > 0 {
		var q []string
		for _, s := range invalid {
			q = append(q, esc(quote(s)))
		}
		blocks = append(blocks, section(truncate(":x: Not valid handles, not logged: "+strings.Join(q, ", "), maxTextLen-100)+
			". A handle has 2–24 letters, digits, underscores or dots."))
	}
	dupButtons := len(res.Duplicates) <= 8
	var dupLines []string
	for _, d := range res.Duplicates {
		l := fmt.Sprintf(":warning: *@%s* was pitched by <@%s> %s", d.Handle, d.Previous.UserID, b.when(d.Previous.CreatedAt))
		if d.Previous.Product != "" {
			l += " for " + esc(truncate(d.Previous.Product, 60))
		}
		l += fmt.Sprintf(" — status *%s*. Not logged.", d.Previous.Status.Label())
		if w := b.overdueWarning(ctx, d.Handle); w != "" {
			l += " :red_circle: " + w + "."
		}
		if dupButtons {
			blocks = append(blocks, section(l), duplicateButtons(d, np))
		} else {
			dupLines = append(dupLines, l)
		}
	}
	if len(dupLines) > 0 {
		blocks = append(blocks, joinLines(dupLines)...)
		blocks = append(blocks, contextText("To pitch one of these anyway, log it on its own: `/pitch @handle …` and press Log anyway."))
	}
	// Outcome buttons take two blocks a pitch; keep room for the rest.
	withButtons := len(res.Created) <= maxOutcomeRows && len(blocks)+2*len(res.Created) <= maxMessageBlocks-2
	rows := resultRows(res, dupButtons)
	var plainLines []string
	for _, p := range res.Created {
		l := fmt.Sprintf(":white_check_mark: Logged *PIT-%d* *@%s*", p.ID, p.Handle)
		if p.Product != "" {
			l += " — " + esc(truncate(p.Product, 60))
		}
		if p.Forced {
			l += " _(logged anyway despite a recent pitch)_"
		}
		if w := b.overdueWarning(ctx, p.Handle); w != "" {
			l += " · :red_circle: " + w
		}
		if withButtons {
			blocks = append(blocks, section(l), outcomeButtons(p, rows...))
		} else {
			plainLines = append(plainLines, l)
		}
	}
	if len(plainLines) > 0 {
		blocks = append(blocks, joinLines(plainLines)...)
		blocks = append(blocks, contextText("Record outcomes with `/pitch @handle agreed` (or interested, declined, no response)."))
	}
	text := "Logged " + plural(len(res.Created), "pitch", "pitches")
	if len(res.Created) == 0 {
		text = "Logged no pitches"
	}
	if len(res.Duplicates) > 0 {
		text += ", skipped " + plural(len(res.Duplicates), "recent duplicate", "recent duplicates")
	}
	if len(invalid) > 0 {
		text += ", " + plural(len(invalid), "invalid handle", "invalid handles")
	}
	text += "."
	if len(res.Created) == 1 && len(res.Duplicates) == 0 {
		text = fmt.Sprintf("Logged pitch PIT-%d: @%s.", res.Created[0].ID, res.Created[0].Handle)
	}
	return msg{text: text, blocks: blocks}
}

// resultRows is the in-place context of a logged-pitches reply: the IDs
// with buttons and the handles of duplicates with Log anyway buttons.
func resultRows(res *store.PitchResult, dupButtons bool) []string {
	var ids, dups []string
	for _, p := range res.Created {
		ids = append(ids, strconv.FormatUint(p.ID, 10))
	}
	if dupButtons {
		for _, d := range res.Duplicates {
			dups = append(dups, d.Handle)
		}
	}
	rows := []string{strings.Join(ids, ",")}
	if len(dups) > 0 {
		rows = append(rows, strings.Join(dups, ","))
	}
	return rows
}
