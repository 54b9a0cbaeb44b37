package bot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"pocbot/store"
)

const (
	issueModalID        = "issue_modal"
	issueResolveModalID = "issue_resolve_modal"
	// shortcutLogIssue is the message shortcut "Log creator issue".
	shortcutLogIssue = "log_creator_issue"

	issueBlockCreator     = "issue_creator"
	issueBlockCategory    = "issue_category"
	issueBlockPriority    = "issue_priority"
	issueBlockDescription = "issue_description"
	issueBlockOrder       = "issue_order"
	issueBlockLink        = "issue_link"
	issueBlockSource      = "issue_source"

	issueBlockResolution = "issue_resolution"
	issueBlockReason     = "issue_reason"
)

// issueStoreForm puts CreateIssue's errors on the report form, each on its
// field; resolveStoreForm puts ResolveIssue's on the resolve form (an issue
// resolved meanwhile is shown on its one text input).
var (
	issueStoreForm = storeForm{fields: map[string]string{
		store.FieldCreator:     issueBlockCreator,
		store.FieldCategory:    issueBlockCategory,
		store.FieldPriority:    issueBlockPriority,
		store.FieldDescription: issueBlockDescription,
		store.FieldOrderID:     issueBlockOrder,
		store.FieldLink:        issueBlockLink,
	}, fallback: issueBlockDescription}
	resolveStoreForm = storeForm{fields: map[string]string{
		store.FieldStatus: issueBlockResolution, store.FieldResolution: issueBlockResolution, store.FieldReason: issueBlockReason,
	}, fallback: issueBlockResolution}
)

// issueForm is what the report modal starts with.
type issueForm struct {
	Handle, Description, OrderID, Link string
	Category                           store.IssueCategory
	Priority                           store.Priority
	Source                             string // permalink of the message it came from
}

var (
	// slackLink is <https://…> or <https://…|label> as Slack sends links.
	slackLink   = regexp.MustCompile(`<(https?://[^|>\s]+)(?:\|[^>]*)?>`)
	bareLink    = regexp.MustCompile(`https?://[^\s<>|"]+`)
	handleInTxt = regexp.MustCompile(`(?:^|[\s(,:])@([A-Za-z0-9_.]{2,24})\b`)
	orderInTxt  = regexp.MustCompile(`\b\d{12,24}\b`)
	// linkLabel is the label of a Slack link, <https://…|@rina_3>.
	linkLabel = regexp.MustCompile(`<https?://[^|>\s]+\|@([A-Za-z0-9_.]{2,24})>`)
	// tiktokURL is a profile or video URL naming its creator.
	tiktokURL = regexp.MustCompile(`(?i)tiktok\.com/@([A-Za-z0-9_.]{2,24})`)
)

// categoryWords guess a category from the text; the reporter can change it.
var categoryWords = []struct {
	cat   store.IssueCategory
	words []string
}{
	{store.CatVoucher, []string{"voucher", "code", "kode", "discount"}},
	{store.CatCommission, []string{"commission", "payment", "paid", "payout", "komisi", "bayar"}},
	{store.CatSampleDamaged, []string{"damaged", "broken", "wrong sample", "wrong item", "rusak", "salah"}},
	{store.CatSampleMissing, []string{"sample", "not arrived", "never arrived", "belum sampai", "paket", "tracking"}},
	{store.CatContent, []string{"video", "taken down", "takedown", "violation", "content", "konten"}},
	{store.CatAccess, []string{"account", "access", "login", "affiliate center", "banned", "akun"}},
}

// prefillIssue reads what it can from free text: Slack's link markup is
// turned back into plain URLs, and a creator handle, a long order number
// and a link are picked out. handle, if set, wins over one in the text.
func prefillIssue(handle, text string) issueForm {
	raw := text
	text = strings.TrimSpace(slackLink.ReplaceAllString(text, "$1"))
	f := issueForm{Handle: strings.TrimSpace(handle), Description: text, Priority: store.P3}
	if f.Handle == "" {
		// A handle typed in the text, a Slack link labelled with one
		// (<https://www.tiktok.com/@rina_3|@rina_3>), or a TikTok URL.
		for _, m := range [][]string{handleInTxt.FindStringSubmatch(text), linkLabel.FindStringSubmatch(raw), tiktokURL.FindStringSubmatch(text)} {
			if m == nil {
				continue
			}
			if h, err := store.NormalizeHandle(m[1]); err == nil {
				f.Handle = "@" + h
				break
			}
		}
	}
	if m := orderInTxt.FindString(text); m != "" {
		f.OrderID = m
	}
	if m := bareLink.FindString(text); m != "" && store.CheckIssueLink(m) == nil {
		f.Link = m
	}
	low := strings.ToLower(text)
	for _, cw := range categoryWords {
		for _, w := range cw.words {
			if strings.Contains(low, w) {
				f.Category = cw.cat
				break
			}
		}
		if f.Category != "" {
			break
		}
	}
	return f
}

// issueModal is the report form.
func issueModal(channelID string, f issueForm) slack.ModalViewRequest {
	var cats, prios []*slack.OptionBlockObject
	for _, c := range store.IssueCategories() {
		cats = append(cats, option(string(c), c.Label()))
	}
	for _, p := range store.Priorities() {
		prios = append(prios, option(p.String(), p.Label()))
	}
	parts := splitForInputs(f.Description, maxInputLen, maxDescInputs)
	blocks := []slack.Block{
		textInput(issueBlockCreator, "Creator", "@handle", f.Handle, false, 100, false),
		selectInput(issueBlockCategory, "Category", string(f.Category), false, cats...),
		selectInput(issueBlockPriority, "Priority", f.Priority.String(), false, prios...),
		textInput(issueBlockDescription, "Description", "What happened, since when, what the creator asked for",
			parts[0], true, maxInputLen, false),
	}
	if n := utf8.RuneCountInString(f.Description); len(parts) > 1 {
		blocks = append(blocks, slack.NewContextBlock("issue_description_note", md(fmt.Sprintf(
			"This text is %s characters, more than one box holds (%s): it continues below, and all of it is stored with the issue.",
			humanInt(n), humanInt(maxInputLen)))))
		for i, p := range parts[1:] {
			blocks = append(blocks, textInput(descPartBlock(i+2), fmt.Sprintf("Description (part %d)", i+2), "", p, true, maxInputLen, true))
		}
	}
	blocks = append(blocks,
		textInput(issueBlockOrder, "Order ID", "digits only, e.g. 577123456789012345", f.OrderID, false, store.MaxOrderIDLen+8, true),
		textInput(issueBlockLink, "Link", "https://… (video, order or chat)", f.Link, false, store.MaxIssueLinkLen, true),
	)
	if f.Source != "" {
		blocks = append(blocks, slack.NewContextBlock(issueBlockSource, md("Logged from "+safeLink(f.Source, "this message"))))
	}
	return modal(issueModalID, "Report creator issue", "Log issue", viewMeta{Channel: channelID, Extra: f.Source}, blocks...)
}

// openIssueModal opens the report form; it is the first thing a handler
// does, inside the trigger_id's 3 seconds.
func (b *Bot) openIssueModal(ctx context.Context, r *Request, f issueForm) error {
	return b.openModal(ctx, r, issueModal(r.ChannelID, f))
}

// logIssueShortcut is the message shortcut: the modal opens at once with
// the message's text, then the message's permalink is looked up and added.
func (b *Bot) logIssueShortcut(ctx context.Context, r *Request) error {
	cb := r.Callback
	ts := cb.Message.Timestamp
	if ts == "" {
		ts = cb.MessageTs
	}
	f := prefillIssue("", cb.Message.Text)
	if r.TriggerID == "" {
		return errorf("This shortcut cannot open a form here. Use /issue instead.")
	}
	resp, err := b.api.OpenViewContext(ctx, r.TriggerID, issueModal(r.ChannelID, f))
	if err != nil {
		return fmt.Errorf("views.open %s: %w", issueModalID, err)
	}
	link, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: r.ChannelID, Ts: ts})
	if err != nil || store.CheckIssueLink(link) != nil {
		r.log.Warn("no permalink for the shortcut's message; issue logged without it", "err", err)
		return nil
	}
	f.Source = link
	if _, err := b.api.UpdateViewContext(ctx, issueModal(r.ChannelID, f), "", resp.Hash, resp.ID); err != nil {
		r.log.Warn("could not add the permalink to the issue form", "err", slackDetail(err))
	}
	return nil
}

// submitIssueModal validates, stores the issue, then posts it to triage
// and confirms to the reporter.
func (b *Bot) submitIssueModal(ctx context.Context, r *Request) (*slack.ViewSubmissionResponse, func(context.Context) error, error) {
	st := viewState(r)
	meta := decodeMeta(r.Callback.View.PrivateMetadata)
	prio, _ := store.ParsePriority(st.text(issueBlockPriority))
	n := store.IssueInput{
		Handle:      st.text(issueBlockCreator),
		Category:    store.IssueCategory(st.text(issueBlockCategory)),
		Priority:    prio,
		Description: issueDescription(st),
		OrderID:     st.text(issueBlockOrder),
		Link:        st.text(issueBlockLink),
		SourceLink:  meta.Extra,
		ReporterID:  r.UserID,
		SLA:         b.cfg.IssueSLA.For(prio),
	}
	if store.CheckIssueLink(n.SourceLink) != nil {
		n.SourceLink = ""
	}
	if errs := n.FieldErrors(); errs != nil {
		fe := fieldErrors{}
		for _, err := range errs {
			issueStoreForm.put(fe, err)
		}
		return fe.response(), nil, nil
	}
	is, err := b.db.CreateIssue(ctx, n)
	if err != nil {
		if fe := issueStoreForm.errors(err); fe != nil {
			return fe.response(), nil, nil
		}
		return nil, nil, err
	}
	r.ChannelID = meta.Channel
	return nil, func(ctx context.Context) error { return b.announceIssue(ctx, r, is) }, nil
}

// announceIssue posts the triage message and confirms to the reporter.
// The issue is already stored: a failed post is reported, not undone.
func (b *Bot) announceIssue(ctx context.Context, r *Request, is *store.Issue) error {
	ch := b.cfg.TriageChannel
	var text string
	switch {
	case ch == "":
		text = fmt.Sprintf(":white_check_mark: Saved *%s* for *@%s*, but no triage channel is configured (POCBOT_TRIAGE_CHANNEL), so nobody has been told. Ask an admin to set it; meanwhile manage it with `/issue %s`.",
			is.Ref(), is.Handle, is.Ref())
	default:
		evs, _, err := b.db.IssueTimeline(ctx, is.ID, 0, issueRecentEvents)
		if err != nil {
			return err
		}
		// Through the outbox: if Slack refuses the post now, it is retried
		// until it lands, and the issue records it then (issue_triage).
		pch, _, res, err := b.send(ctx, outPost{key: fmt.Sprintf("triage/%d", is.ID), kind: "triage", channel: ch,
			m: b.triageMsg(is, evs, b.issueSampleBlocks(ctx, is)), then: fmt.Sprintf("issue_triage:%d", is.ID)})
		if res == postQueued {
			text = fmt.Sprintf(":white_check_mark: Saved *%s* for *@%s*. Slack did not take the post to <#%s> just now; I will keep trying and it will appear there by itself. Meanwhile manage it with `/issue %s`.", is.Ref(), is.Handle, ch, is.Ref())
			break
		}
		if err != nil {
			r.log.Error("triage post failed", "issue", is.ID, "err", err)
			text = fmt.Sprintf(":warning: Saved *%s* for *@%s*, but I could not post it to <#%s>. Manage it with `/issue %s`.", is.Ref(), is.Handle, ch, is.Ref())
			break
		}
		text = fmt.Sprintf(":white_check_mark: Logged *%s* for *@%s* (%s, %s) and posted it to <#%s> for triage.",
			is.Ref(), is.Handle, is.Category.Label(), is.Priority, pch)
	}
	b.refreshHome(ctx, r.UserID)
	return b.reply(ctx, r, msg{text: fmt.Sprintf("Logged %s for @%s.", is.Ref(), is.Handle), blocks: []slack.Block{section(text)}})
}

// resolveModal asks what was done and why; to is Resolved or Closed.
func resolveModal(is *store.Issue, to store.IssueStatus, extra ...slack.Block) slack.ModalViewRequest {
	var opts []*slack.OptionBlockObject
	for _, r := range store.ResolveReasons() {
		opts = append(opts, option(string(r), r.Label()))
	}
	verb := "Resolve"
	if to == store.IssueClosed {
		verb = "Close"
	}
	blocks := []slack.Block{
		section(fmt.Sprintf("*%s* · *@%s* · %s", is.Ref(), is.Handle, is.Category.Label())),
		textInput(issueBlockResolution, "Resolution", "What was done, e.g. resent the sample, tracking JX123", "", true, store.MaxIssueResolutionLen, false),
		selectInput(issueBlockReason, "Reason", "", false, opts...),
	}
	return modal(issueResolveModalID, verb+" "+is.Ref(), verb, viewMeta{Ref: fmt.Sprint(is.ID), Extra: string(to)}, append(blocks, extra...)...)
}

// submitResolveModal resolves or closes the issue.
func (b *Bot) submitResolveModal(ctx context.Context, r *Request) (*slack.ViewSubmissionResponse, func(context.Context) error, error) {
	st := viewState(r)
	meta := decodeMeta(r.Callback.View.PrivateMetadata)
	id, ok := store.ParseIssueRef(meta.Ref)
	if !ok {
		return nil, nil, errorf("That form is damaged; press Resolve on the issue again.")
	}
	to := store.IssueStatus(meta.Extra)
	if !to.Done() {
		to = store.IssueResolved
	}
	text := st.text(issueBlockResolution)
	if text == "" {
		return fieldErrors{issueBlockResolution: "Say what was done, for example: resent the sample, tracking JX123."}.response(), nil, nil
	}
	if choice := st.text(issueBlockSample); choice != "" {
		// The sample update goes first: if it is refused, nothing is
		// resolved and the form says why.
		if msg, err := b.resolveSampleStep(ctx, r, choice); err != nil {
			return nil, nil, err
		} else if msg != "" {
			return fieldErrors{issueBlockSample: msg}.response(), nil, nil
		}
	}
	ch, err := b.db.ResolveIssue(ctx, id, r.UserID, store.Resolution{Status: to, Text: text, Reason: store.ResolveReason(st.text(issueBlockReason))})
	if fe := resolveStoreForm.errors(err); fe != nil {
		return fe.response(), nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	return nil, func(ctx context.Context) error {
		b.publishIssueChange(ctx, r, ch)
		return nil
	}, nil
}

// A plain_text_input holds at most 3,000 characters; a longer description
// (a pasted chat, a forwarded message) is spread over several boxes of the
// form rather than cut, and joined again on submit.
const (
	maxInputLen   = 3000
	maxDescInputs = store.MaxIssueDescLen / maxInputLen
)

func descPartBlock(n int) string { return fmt.Sprintf("%s_%d", issueBlockDescription, n) }

// splitForInputs cuts s into at most n pieces of at most max runes, each
// ending after a space or new line where one is near, so that joining the
// pieces as submitted gives s back. The last piece takes what is left (the
// store refuses it if it is still too long, saying so).
func splitForInputs(s string, max, n int) []string {
	var parts []string
	r := []rune(s)
	for len(r) > max && len(parts) < n-1 {
		cut := max
		for i := max - 1; i > max-300 && i > 0; i-- {
			if r[i] == ' ' || r[i] == '\n' {
				cut = i + 1
				break
			}
		}
		parts = append(parts, string(r[:cut]))
		r = r[cut:]
	}
	return append(parts, string(r))
}

// issueDescription joins the description boxes as typed (untrimmed, so
// the spaces and new lines at the seams survive).
func issueDescription(st state) string {
	var b strings.Builder
	b.WriteString(st[issueBlockDescription][inputAction].Value)
	for i := 2; i <= maxDescInputs; i++ {
		b.WriteString(st[descPartBlock(i)][inputAction].Value)
	}
	return strings.TrimSpace(b.String())
}

// humanInt writes n with thousands separators: 5,700.
func humanInt(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
