package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// A sample's life after its voucher is redeemed: shipped, delivered,
// content posted, extended, closed without content, reminded. Each step is
// a text form (/voucher CODE STEP …) and a button on the voucher's
// confirmation and detail messages; steps needing input open a small form.

const (
	actionSampleReminded = "sample_reminded" // value: code
	actionStrikeIssue    = "voucher_strike_issue"
	sampleModalID        = "sample_step_modal"
	sampleBlockTracking  = "sample_tracking"
	sampleBlockCourier   = "sample_courier"
	sampleBlockURL       = "sample_url"
	sampleBlockReason    = "sample_reason"
	sampleStepsHelp      = "shipped [TRACKING [COURIER]], delivered [YYYY-MM-DD], posted URL, extend [DAYS], nocontent REASON, reminded"
)

func (b *Bot) sampleRoutes() {
	for _, st := range []string{store.StepShipped, store.StepDelivered, store.StepPosted, store.StepExtended, store.StepNoContent} {
		b.rt.action(sampleAction(st), func(ctx context.Context, r *Request) error { return b.sampleStepButton(ctx, r, st) })
	}
	b.rt.action(actionSampleReminded, func(ctx context.Context, r *Request) error {
		return b.sampleStep(ctx, r, store.SampleStep{Code: r.Action.Value, UserID: r.UserID, Step: store.StepReminded})
	})
	b.rt.action(actionStrikeIssue, b.strikeIssue)
	b.rt.action(actionTemplateEdit, b.openTemplateModal)
	b.rt.view(templateModalID, b.submitTemplateModal)
	b.rt.view(sampleModalID, b.submitSampleModal)
	b.historySources = append(b.historySources, b.sampleHistory)
	b.registerMetric(metricSource{Name: store.MetricContentPosted, Label: "content posted", CountDays: b.db.ContentPostedByDay})
	b.registerDigestSection(sectionSamples, b.digestSampleFunnels)
}

// campaignFunnels returns each campaign's sample funnel at asOf, in
// campaign name order, leaving out campaigns without vouchers.
func (b *Bot) campaignFunnels(ctx context.Context, asOf time.Time) ([]*store.SampleFunnel, error) {
	m, err := b.db.SampleFunnels(ctx, b.samplePolicy(), asOf)
	if err != nil {
		return nil, err
	}
	out := make([]*store.SampleFunnel, 0, len(m))
	for _, f := range m {
		if f.Issued > 0 {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Campaign < out[j].Campaign })
	return out, nil
}

// funnelText is one campaign's samples: issued → delivered → posted,
// overdue, posting rate and cost per posted video.
func (b *Bot) funnelText(f *store.SampleFunnel) string {
	l := fmt.Sprintf("%d issued → %d delivered → %d posted", f.Issued, f.Delivered, f.Posted)
	if f.Videos != f.Posted {
		l += fmt.Sprintf(" (%s)", plural(f.Videos, "video", "videos"))
	}
	l += fmt.Sprintf(" · %d overdue", f.Overdue)
	if r := f.Rate(); r >= 0 {
		l += fmt.Sprintf(" · posting rate %d%%", r)
	}
	if f.Closed > 0 {
		l += fmt.Sprintf(" · %d closed without content", f.Closed)
	}
	if c, ok := f.CostPerVideo(); ok {
		l += fmt.Sprintf(" · *%s per posted video* (%s spent)", b.money(c), b.money(f.Spend))
	} else if f.Spend > 0 {
		l += fmt.Sprintf(" · no video yet for %s spent", b.money(f.Spend))
	}
	return l
}

// digestSampleFunnels is the digest's samples section, as of the end of
// day (or now, for today).
func (b *Bot) digestSampleFunnels(ctx context.Context, day time.Time) ([]string, error) {
	asOf := day.AddDate(0, 0, 1)
	if now := b.Now(); now.Before(asOf) {
		asOf = now
	}
	fs, err := b.campaignFunnels(ctx, asOf)
	if err != nil {
		return nil, err
	}
	lines := make([]string, 0, len(fs))
	for _, f := range fs {
		lines = append(lines, "*"+f.Campaign+"* — "+b.funnelText(f))
	}
	return lines, nil
}

// sampleAction is the action_id of a step's button; its value is the code.
// One ID per step: action IDs must be unique within an actions block.
func sampleAction(step string) string { return "sample_" + step }

// samplePolicy is the content clock as configured.
func (b *Bot) samplePolicy() store.SamplePolicy {
	return store.SamplePolicy{ContentDays: b.cfg.ContentDays, RemindDays: b.cfg.ContentRemindDays, Location: b.cfg.Location}
}

// voucherCodeCommand handles "/voucher CODE [STEP …]".
func (b *Bot) voucherCodeCommand(ctx context.Context, r *Request) error {
	code, rest := splitCodeRest(r.Text)
	if strings.TrimSpace(rest) == "" {
		return b.voucherShow(ctx, r, code)
	}
	word, arg := splitWord(clean(rest)) // no control characters in stored reasons and tracking numbers
	st := store.SampleStep{Code: code, UserID: r.UserID}
	switch strings.ToLower(word) {
	case "redeem", "redeemed":
		return b.voucherRedeem(ctx, r, code)
	case "shipped", "ship", "sent":
		st.Step = store.StepShipped
		st.Tracking, st.Courier = splitWord(arg)
	case "delivered", "received":
		st.Step = store.StepDelivered
		if arg != "" {
			d, err := b.parseDay(arg)
			if err != nil {
				return err
			}
			st.Date = d
		}
	case "posted", "post", "content":
		st.Step, st.URL = store.StepPosted, arg
	case "extend", "extended":
		st.Step = store.StepExtended
		if arg != "" {
			n, err := parseDaysArg(arg, code)
			if err != nil {
				return err
			}
			st.Days = n
		}
	case "nocontent", "no-content", "closed":
		st.Step, st.Reason = store.StepNoContent, arg
	case "reminded":
		st.Step = store.StepReminded
	default:
		return errorf("%s is not a sample step. After the code type one of: %s.", quote(truncate(word, 40)), sampleStepsHelp)
	}
	return b.sampleStep(ctx, r, st)
}

// parseDay reads YYYY-MM-DD, today or yesterday in the team's zone; the
// result is noon that day, so it stays the same date everywhere.
func (b *Bot) parseDay(s string) (time.Time, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	today := sampleDay(b.Now(), b.cfg.Location)
	switch s {
	case "today", "hari ini":
		return b.Now(), nil
	case "yesterday", "kemarin":
		return today.AddDate(0, 0, -1).Add(12 * time.Hour), nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, b.cfg.Location)
	if err != nil {
		return time.Time{}, errorf("%s is not a date; write it as YYYY-MM-DD, like %s.", quote(truncate(s, 40)), today.Format("2006-01-02"))
	}
	if d.Equal(today) {
		return b.Now(), nil
	}
	return d.Add(12 * time.Hour), nil
}

// parseDaysArg reads the days of "extend DAYS". Zero is refused rather
// than taken as the default: a sample gets one extension, not to be spent
// on a typo.
func parseDaysArg(s, code string) (int, error) {
	s = strings.TrimSuffix(strings.ToLower(strings.Fields(s)[0]), "d")
	s = strings.TrimSuffix(s, "days")
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || strings.TrimLeft(fmt.Sprint(n), "0") != strings.TrimLeft(s, "0") || n < 1 {
		return 0, errorf("An extension is 1 to %d days, like: /voucher %s extend 7", store.MaxExtendDays, code)
	}
	return n, nil
}

// sampleStep applies one step and answers with the voucher's detail. A
// refused step shows the voucher as it stands, with the reason first.
func (b *Bot) sampleStep(ctx context.Context, r *Request, st store.SampleStep) error {
	v, err := b.db.ApplySampleStep(ctx, st)
	if store.ErrorCode(err) == store.Conflict {
		cur, gerr := b.db.Voucher(ctx, st.Code)
		if gerr != nil {
			return err
		}
		return b.reply(ctx, r, b.voucherDetailMsg(ctx, cur, ":x: "+esc(store.ErrorMessage(err))))
	}
	if err != nil {
		return err
	}
	b.refreshVoucherHomes(ctx, r.UserID, v)
	lead := b.stepDoneLine(v, st.Step)
	if r.Action != nil && !onVoucherMessage(r) {
		// Pressed in a content DM that lists several samples: answer
		// separately rather than replace the whole list, and mark the
		// sample's row so the owner sees which ones are done.
		err := b.reply(ctx, r, msg{text: lead, blocks: []slack.Block{section(lead)}})
		b.markClockRow(ctx, r, v, st.Step)
		return err
	}
	m := b.voucherDetailMsg(ctx, v, lead)
	m.replace = r.Action != nil
	return b.reply(ctx, r, m)
}

// markClockRow replaces the buttons of v's row in the content DM the
// button was pressed in with what was done; other rows keep theirs. A
// failed edit only leaves the buttons (a second press is refused).
func (b *Bot) markClockRow(ctx context.Context, r *Request, v *store.Voucher, step string) {
	cb := r.Callback
	bid := r.Action.BlockID
	if cb == nil || cb.Container.MessageTs == "" || bid != "remind_"+v.Code && bid != "late_"+v.Code {
		return
	}
	var line string
	switch step {
	case store.StepReminded:
		line = ":white_check_mark: Reminded " + b.when(b.Now())
	case store.StepExtended:
		line = fmt.Sprintf(":hourglass_flowing_sand: Extended by %d days: due %s", v.SampleState().ExtendedDays, b.sampleDueText(v))
	default:
		return
	}
	blocks := make([]slack.Block, 0, len(cb.Message.Blocks.BlockSet))
	found := false
	for _, bl := range cb.Message.Blocks.BlockSet {
		if a, ok := bl.(*slack.ActionBlock); ok && a.BlockID == bid {
			blocks = append(blocks, contextText(line))
			found = true
			continue
		}
		blocks = append(blocks, bl)
	}
	if !found {
		return
	}
	_, _, _, err := b.api.UpdateMessageContext(ctx, cb.Container.ChannelID, cb.Container.MessageTs,
		slack.MsgOptionText(fallback(cb.Message.Text), false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		r.log.Warn("content DM row not marked", "code", v.Code, "err", slackDetail(err))
	}
}

// onVoucherMessage reports whether the button was pressed on one voucher's
// own message (its confirmation or detail), which a step's answer may
// replace; a content DM lists several samples and must stay.
func onVoucherMessage(r *Request) bool {
	return r.Action != nil && strings.HasPrefix(r.Action.BlockID, "voucher_actions_")
}

// stepDoneLine confirms a committed step.
func (b *Bot) stepDoneLine(v *store.Voucher, step string) string {
	s := v.SampleState()
	p := b.samplePolicy()
	due := b.sampleDueText(v)
	switch step {
	case store.StepShipped:
		l := fmt.Sprintf(":truck: *%s* marked shipped", v.Code)
		if s.Tracking != "" {
			l += " — tracking " + codeSpan(s.Tracking)
		}
		if s.Courier != "" {
			l += " via " + esc(s.Courier)
		}
		return l + "."
	case store.StepDelivered:
		return fmt.Sprintf(":package: *%s* delivered %s. Content due by *%s*; reminder from %s.", v.Code,
			b.dayText(s.DeliveredAt), due, b.dayText(v.RemindFrom(p)))
	case store.StepPosted:
		last := s.Posts[len(s.Posts)-1]
		return fmt.Sprintf(":clapper: Content recorded for *%s* (@%s): %s. %s", v.Code, v.Handle, postLink(last),
			plural(len(s.Posts), "video", "videos")+" so far.")
	case store.StepExtended:
		return fmt.Sprintf(":hourglass_flowing_sand: *%s* extended by %d days: content now due by *%s*. A sample gets one extension.", v.Code, s.ExtendedDays, due)
	case store.StepNoContent:
		return fmt.Sprintf(":no_entry_sign: *%s* closed without content: %s.", v.Code, esc(truncate(s.ClosedReason, 300)))
	case store.StepReminded:
		return fmt.Sprintf(":bell: Reminder for *%s* (@%s) recorded. It was the one reminder this sample gets; content is due by *%s*.", v.Code, v.Handle, due)
	}
	return v.Code + " updated."
}

func (b *Bot) dayText(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	l := t.In(b.cfg.Location)
	if l.Year() != b.Now().In(b.cfg.Location).Year() {
		return l.Format("Mon 2 Jan 2006")
	}
	return l.Format("Mon 2 Jan")
}

// sampleDueText is the due date with what is left: "Mon 14 Dec (5 days left)".
func (b *Bot) sampleDueText(v *store.Voucher) string {
	due := v.DueDate(b.samplePolicy())
	if due.IsZero() {
		return "—"
	}
	days := daysBetween(sampleDay(b.Now(), b.cfg.Location), due)
	switch {
	case !v.SampleOpen():
		return b.dayText(due)
	case days > 1:
		return fmt.Sprintf("%s (%d days left)", b.dayText(due), days)
	case days == 1:
		return b.dayText(due) + " (tomorrow)"
	case days == 0:
		return b.dayText(due) + " (today)"
	}
	return fmt.Sprintf("%s (:red_circle: overdue by %s)", b.dayText(due), plural(-days, "day", "days"))
}

// postLink shows a video: TikTok links by handle and video id.
func postLink(p store.ContentPost) string {
	label := p.URL
	if p.IsTikTok() {
		label = "TikTok @" + p.Handle + " · video " + p.VideoID
	} else if u, err := url.Parse(p.URL); err == nil {
		label = u.Host + truncate(u.Path, 40)
	}
	return safeLink(p.URL, label)
}

// sampleFacts is the sample part of a voucher's detail; "" before
// redemption.
func (b *Bot) sampleFacts(v *store.Voucher) string {
	if v.Status != store.VoucherRedeemed {
		return ""
	}
	s := v.SampleState()
	lines := []string{fmt.Sprintf("*Sample:* %s · *Content due:* %s", s.Stage.Label(), b.sampleDueText(v))}
	var parts []string
	parts = append(parts, "*Ordered:* "+b.dayText(v.RedeemedAt()))
	if !s.ShippedAt.IsZero() {
		t := "*Shipped:* " + b.dayText(s.ShippedAt)
		if s.Tracking != "" {
			t += " · tracking " + codeSpan(s.Tracking)
		}
		if s.Courier != "" {
			t += " (" + esc(s.Courier) + ")"
		}
		parts = append(parts, t)
	}
	if !s.DeliveredAt.IsZero() {
		parts = append(parts, "*Delivered:* "+b.dayText(s.DeliveredAt))
	}
	if s.ExtendedDays > 0 {
		parts = append(parts, fmt.Sprintf("*Extended:* %d days", s.ExtendedDays))
	}
	if !s.RemindedAt.IsZero() {
		parts = append(parts, fmt.Sprintf("*Reminded:* %s by <@%s>", b.dayText(s.RemindedAt), s.RemindedBy))
	}
	lines = append(lines, strings.Join(parts, " · "))
	for _, p := range s.Posts {
		lines = append(lines, "*Video:* "+postLink(p)+" · "+b.dayText(p.At))
	}
	if s.ClosedReason != "" {
		lines = append(lines, "*Closed without content:* "+esc(truncate(s.ClosedReason, 300)))
	}
	return strings.Join(lines, "\n")
}

// sampleButtons are the next steps a voucher can take, for its messages.
func sampleButtons(v *store.Voucher) []slack.BlockElement {
	switch v.Status {
	case store.VoucherIssued:
		return []slack.BlockElement{button(actionVoucherRedeem, v.Code, "Mark redeemed")}
	case store.VoucherRedeemed:
	default:
		return nil
	}
	s := v.SampleState()
	step := func(st, label string) slack.BlockElement { return button(sampleAction(st), v.Code, label) }
	var out []slack.BlockElement
	switch s.Stage {
	case store.SampleOrdered:
		out = append(out, step(store.StepShipped, "Shipped"), step(store.StepDelivered, "Delivered"))
	case store.SampleShipped:
		out = append(out, step(store.StepDelivered, "Delivered"))
	case store.SampleNoContent:
		return nil
	}
	label := "Content posted"
	if s.Stage == store.SamplePosted {
		return []slack.BlockElement{step(store.StepPosted, "Add another video")}
	}
	out = append(out, step(store.StepPosted, label))
	if s.ExtendedDays == 0 {
		out = append(out, step(store.StepExtended, fmt.Sprintf("Extend %d days", store.DefaultExtend)))
	}
	return append(out, step(store.StepNoContent, "No content"))
}

// sampleStepButton applies a step pressed on a message, or opens its form.
func (b *Bot) sampleStepButton(ctx context.Context, r *Request, step string) error {
	code := r.Action.Value
	st := store.SampleStep{Code: code, UserID: r.UserID, Step: step}
	var blocks []slack.Block
	title := ""
	switch step {
	case store.StepDelivered, store.StepExtended:
		return b.sampleStep(ctx, r, st)
	case store.StepShipped:
		title = "Sample shipped"
		blocks = []slack.Block{
			textInput(sampleBlockTracking, "Tracking number", "e.g. JX1234567890", "", false, store.MaxTrackingLen, true),
			textInput(sampleBlockCourier, "Courier", "e.g. J&T, JNE, SiCepat", "", false, store.MaxTrackingLen, true),
		}
	case store.StepPosted:
		title = "Content posted"
		blocks = []slack.Block{textInput(sampleBlockURL, "Video link", "https://www.tiktok.com/@handle/video/…", "", false, store.MaxContentURLLen, false)}
	case store.StepNoContent:
		title = "Close without content"
		blocks = []slack.Block{textInput(sampleBlockReason, "Reason", "e.g. creator stopped replying", "", true, store.MaxVoucherReason, false)}
	default:
		return errorf("That button is damaged; run /voucher CODE again.")
	}
	respURL := ""
	if onVoucherMessage(r) {
		respURL = r.ResponseURL // the answer replaces the voucher's message
	}
	meta := viewMeta{Channel: r.ChannelID, Ref: code, Extra: step + "|" + respURL}
	blocks = append([]slack.Block{section("*" + code + "*")}, blocks...)
	return b.openModal(ctx, r, modal(sampleModalID, title, "Save", meta, blocks...))
}

// submitSampleModal records the step typed in the form. Input errors are
// shown on the form; refusals (a step out of order) too.
func (b *Bot) submitSampleModal(ctx context.Context, r *Request) (*slack.ViewSubmissionResponse, func(context.Context) error, error) {
	st := viewState(r)
	meta := decodeMeta(r.Callback.View.PrivateMetadata)
	step, respURL, _ := strings.Cut(meta.Extra, "|")
	s := store.SampleStep{Code: meta.Ref, UserID: r.UserID, Step: step,
		Tracking: clean(st.text(sampleBlockTracking)), Courier: clean(st.text(sampleBlockCourier)),
		URL: clean(st.text(sampleBlockURL)), Reason: clean(st.text(sampleBlockReason))}
	block := map[string]string{store.StepShipped: sampleBlockTracking, store.StepPosted: sampleBlockURL, store.StepNoContent: sampleBlockReason}[step]
	if block == "" {
		return nil, nil, errorf("That form is damaged; press the button on the voucher again.")
	}
	v, err := b.db.ApplySampleStep(ctx, s)
	switch store.ErrorCode(err) {
	case "":
	case store.Invalid, store.Conflict, store.NotFound:
		return fieldErrors{block: store.ErrorMessage(err)}.response(), nil, nil
	default:
		return nil, nil, err
	}
	r.ChannelID = meta.Channel
	if strings.HasPrefix(respURL, "https://") || strings.HasPrefix(respURL, "http://") {
		r.ResponseURL = respURL
	}
	return nil, func(ctx context.Context) error {
		b.refreshVoucherHomes(ctx, r.UserID, v)
		m := b.voucherDetailMsg(ctx, v, b.stepDoneLine(v, step))
		m.replace = r.ResponseURL != ""
		return b.reply(ctx, r, m)
	}, nil
}

// sampleHistory feeds /creator one line per sample step.
func (b *Bot) sampleHistory(ctx context.Context, h string, limit int) ([]historyItem, int, error) {
	vs, err := b.db.Vouchers(ctx, store.VoucherFilter{Handle: h})
	if err != nil {
		return nil, 0, err
	}
	var items []historyItem
	for i := range vs {
		v := &vs[i]
		if v.Status == store.VoucherRedeemed {
			items = append(items, historyItem{At: v.RedeemedAt(), Line: fmt.Sprintf(":shopping_trolley: %s sample `%s` ordered (voucher redeemed) · content due %s",
				b.when(v.RedeemedAt()), v.Code, b.sampleDueText(v))})
		}
		for _, e := range v.SampleState().Events {
			items = append(items, historyItem{At: e.At, Line: b.sampleEventLine(v, e)})
		}
	}
	items, total := newest(items, limit)
	return items, total, nil
}

func (b *Bot) sampleEventLine(v *store.Voucher, e store.SampleEvent) string {
	icon, what := ":package:", e.Step
	switch e.Step {
	case store.StepShipped:
		icon, what = ":truck:", "shipped"
	case store.StepDelivered:
		icon, what = ":package:", "delivered"
	case store.StepPosted:
		icon, what = ":clapper:", "content posted"
	case store.StepExtended:
		icon, what = ":hourglass_flowing_sand:", "deadline extended"
	case store.StepNoContent:
		icon, what = ":no_entry_sign:", "closed without content"
	case store.StepReminded:
		icon, what = ":bell:", "creator reminded"
	}
	l := fmt.Sprintf("%s %s sample `%s` %s by <@%s>", icon, b.when(e.At), v.Code, what, e.UserID)
	switch {
	case e.Step == store.StepPosted:
		if p, err := store.ParseContentURL(e.Detail); err == nil {
			l += ": " + postLink(p)
		}
	case e.Step == store.StepDelivered:
	case e.Detail != "":
		l += ": " + esc(truncate(e.Detail, 200))
	}
	return l
}

// fulfilmentLine sums up a creator's samples; "" when none was received.
func (b *Bot) fulfilmentLine(f store.Fulfilment) string {
	if f.Received == 0 {
		return ""
	}
	l := fmt.Sprintf("*Samples:* %d received · %d with content (%s)", f.Received, f.Posted, rateText(f))
	if f.Open > 0 {
		l += fmt.Sprintf(" · %d waiting", f.Open)
	}
	if f.Overdue > 0 {
		l += fmt.Sprintf(" · :red_circle: %d overdue since %s", f.Overdue, b.dayText(f.OverdueSince))
	}
	if f.Closed > 0 {
		l += fmt.Sprintf(" · %d closed without content", f.Closed)
	}
	return l
}

// overdueWarning is the duplicate-guard phrase: "2 samples without content
// since 3 Nov"; "" when none is overdue.
func (b *Bot) overdueWarning(ctx context.Context, handle string) string {
	f, err := b.db.CreatorFulfilment(ctx, handle, b.samplePolicy(), b.Now())
	if err != nil || f.Overdue == 0 {
		return ""
	}
	return fmt.Sprintf("%s without content since %s", plural(f.Overdue, "sample", "samples"), b.dayText(f.OverdueSince))
}

// strikeFor returns the creator's overdue count when it reaches
// POCBOT_SAMPLE_STRIKES (0 otherwise).
func (b *Bot) strikeFor(ctx context.Context, handle string) (store.Fulfilment, bool, error) {
	f, err := b.db.CreatorFulfilment(ctx, handle, b.samplePolicy(), b.Now())
	if err != nil {
		return f, false, err
	}
	return f, b.cfg.SampleStrikes > 0 && f.Overdue >= b.cfg.SampleStrikes, nil
}

func (b *Bot) strikeText(handle string, f store.Fulfilment) string {
	return fmt.Sprintf(":warning: *@%s* has %d samples without content past their deadline (since %s; %s). "+
		"The team flags creators at %d (POCBOT_SAMPLE_STRIKES).", handle, f.Overdue, b.dayText(f.OverdueSince), rateText(f), b.cfg.SampleStrikes)
}

// strikePlain is the strike warning as a form field error (plain text).
func (b *Bot) strikePlain(handle string, f store.Fulfilment) string {
	return fmt.Sprintf("@%s has %d samples without content past their deadline (since %s; %s), the most before the team flags a creator (POCBOT_SAMPLE_STRIKES=%d). "+
		"Press Issue again to issue anyway; it is recorded.", handle, f.Overdue, b.dayText(f.OverdueSince), rateText(f), b.cfg.SampleStrikes)
}

// strikeArgs is what the Issue anyway button carries.
type strikeArgs struct {
	H string      `json:"h"`
	P string      `json:"p"`
	V store.Money `json:"v"`
	C string      `json:"c,omitempty"`
}

// strikeWarnMsg asks the issuer to confirm a voucher for a flagged creator.
func (b *Bot) strikeWarnMsg(a voucherArgs, f store.Fulfilment) msg {
	raw, _ := json.Marshal(strikeArgs{H: a.Handle, P: a.Product, V: a.Value, C: a.Campaign}) // plain strings and an int
	text := b.strikeText(strings.TrimPrefix(strings.ToLower(a.Handle), "@"), f) + " No voucher issued yet."
	return msg{text: "Creator flagged: samples without content.", blocks: []slack.Block{
		section(text),
		slack.NewActionBlock("voucher_strike", button(actionStrikeIssue, string(raw), "Issue anyway")),
		contextText("Issuing anyway is recorded on the voucher and in the audit log."),
	}}
}

// strikeIssue is "Issue anyway" on a strike warning.
func (b *Bot) strikeIssue(ctx context.Context, r *Request) error {
	var a strikeArgs
	if err := json.Unmarshal([]byte(r.Action.Value), &a); err != nil || a.H == "" {
		return errorf("That button is damaged; issue the voucher again with /voucher.")
	}
	if err := b.checkVoucherMax(a.V); err != nil {
		return err
	}
	f, _, err := b.strikeFor(ctx, a.H)
	if err != nil {
		return err
	}
	idem := "strike:" + r.Callback.Container.ChannelID + ":" + r.Callback.Container.MessageTs + ":" + r.Callback.Container.ThreadTs
	if r.Callback.Container.MessageTs == "" {
		idem = "strike:" + r.TriggerID
	}
	nv := b.newVoucher(r.UserID, a.H, a.P, a.V, a.C, b.defaultExpiry(), "", idem)
	nv.StrikeOverride = max(f.Overdue, 1)
	v, existed, err := b.db.IssueVoucher(ctx, nv)
	if err != nil {
		return err
	}
	b.refreshHome(ctx, r.UserID)
	m := b.voucherIssuedMsg(ctx, v, existed)
	m.replace = true
	return b.reply(ctx, r, m)
}

// mergedHistory is a voucher's status changes and sample steps, oldest
// first, as lines.
func (b *Bot) mergedHistory(v *store.Voucher) []string {
	type line struct {
		at time.Time
		s  string
	}
	var ls []line
	for _, e := range v.History {
		ls = append(ls, line{e.At, b.voucherEventLine(e)})
	}
	if v.StrikeOverride > 0 {
		ls = append(ls, line{v.IssuedAt.Add(time.Nanosecond), fmt.Sprintf("• %s — issued despite %s past deadline (recorded)", b.when(v.IssuedAt),
			plural(v.StrikeOverride, "sample", "samples"))})
	}
	for _, e := range v.SampleState().Events {
		l := strings.TrimPrefix(b.sampleEventLine(v, e), "")
		ls = append(ls, line{e.At, "• " + l})
	}
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].at.Before(ls[j].at) })
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.s
	}
	return out
}

// daysBetween counts calendar days from one local midnight to another
// (negative when to is earlier); DST days of 23 or 25 hours round right.
func daysBetween(from, to time.Time) int {
	return int(math.Round(to.Sub(from).Hours() / 24))
}

// codeSpan shows user text in a code span that its backticks cannot end.
func codeSpan(s string) string {
	return "`" + strings.ReplaceAll(esc(s), "`", "'") + "`"
}

// sampleDay is t's local midnight in loc, the day a sample date falls on.
func sampleDay(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
}

// voucherState is a voucher's status for one-line lists, which wrap it in
// bold; a redeemed one says where its sample stands:
// "Redeemed* · sample *Shipped* · due *Mon 14 Dec (6 days left)".
func (b *Bot) voucherState(v *store.Voucher) string {
	if v.Status != store.VoucherRedeemed {
		return v.Status.Label()
	}
	st := v.SampleState().Stage
	if v.SampleOpen() {
		return fmt.Sprintf("Redeemed* · sample *%s* · due *%s", st.Label(), b.sampleDueText(v))
	}
	return "Redeemed* · sample *" + st.Label()
}

// rateText is a posting rate as shown: "67% posting rate", or that no
// sample's outcome is known yet.
func rateText(f store.Fulfilment) string {
	if r := f.Rate(); r >= 0 {
		return fmt.Sprintf("%d%% posting rate", r)
	}
	return "none due yet"
}
