package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

const (
	actionVoucherRedeem  = "voucher_redeem"
	actionCreatorVoucher = "creator_voucher"
	maxVoucherList       = 30
)

func (b *Bot) voucherRoutes() {
	b.rt.command(&command{
		Name:    "/voucher",
		Summary: "issue sample vouchers within campaign budgets, redeem, revoke and export them",
		Usage: []usage{
			{"", "open the voucher form (creator, product, value, campaign, expiry, note)"},
			{"@handle PRODUCT VALUE [campaign]", "issue a voucher at once; VALUE like 150000, 150.000, 150k or Rp150.000"},
			{"CODE", "a voucher's details, its sample's progress and history"},
			{"redeem CODE", "mark a voucher as used (the sample is ordered; its content clock starts)"},
			{"CODE shipped [TRACKING [COURIER]]", "the sample is on its way"},
			{"CODE delivered [YYYY-MM-DD]", "the sample arrived (default today); the content clock restarts from delivery"},
			{"CODE posted URL", "the creator posted a video (TikTok links are recognised); add more the same way"},
			{"CODE extend [DAYS]", "move the content deadline once (default 7 days)"},
			{"CODE nocontent REASON", "close the sample without content"},
			{"CODE reminded", "record the one content reminder sent to the creator"},
			{"template [NAME [TEXT|reset]]", "the creator messages (voucher, reminder) with a preview; admins replace them"},
			{"revoke CODE REASON", "cancel a voucher and return its value to the budget (admins)"},
			{"list [@handle|campaign|mine]", "recent vouchers"},
			{"budget", "each campaign's budget, issued, redeemed and remaining; vouchers outside any campaign as \"no campaign\""},
			{"budget CAMPAIGN AMOUNT [until YYYY-MM-DD]", "create a campaign or set its budget, optionally its last day (admins)"},
			{"budget CAMPAIGN close|reopen|ends YYYY-MM-DD|ends none", "close (archive) a finished campaign, reopen it, or set its end date (admins)"},
			{"export [campaign] [from to]", "CSV of vouchers sent to you; dates as YYYY-MM-DD (admins)"},
			{"help", "this help"},
		},
		Examples: []string{
			voucherQuickExample,
			"/voucher budget 11.11 5jt",
			"/voucher redeem SMP-7KQ3-9XF2-M4T9",
			"/voucher SMP-7KQ3-9XF2-M4T9 posted https://www.tiktok.com/@sari.beauty/video/7301234567890123456",
			"/voucher list @sari.beauty",
			"/voucher export 11.11 2026-11-01 2026-11-30",
		},
		Run:  b.voucherCommand,
		Form: true,
	})
	b.rt.view(voucherModalID, b.submitVoucherModal)
	b.rt.action(actionVoucherRedeem, func(ctx context.Context, r *Request) error {
		return b.voucherRedeem(ctx, r, r.Action.Value)
	})
	b.rt.action(actionCreatorVoucher, func(ctx context.Context, r *Request) error {
		return b.openVoucherModal(ctx, r, voucherPrefill{Handle: "@" + r.Action.Value})
	})
	b.historySources = append(b.historySources, b.voucherHistory)
	b.voucherProviders()
	b.sampleRoutes()
	b.creatorButtonFuncs = append(b.creatorButtonFuncs, func(handle string) slack.BlockElement {
		return button(actionCreatorVoucher, handle, "Issue a voucher")
	})
}

func (b *Bot) voucherCommand(ctx context.Context, r *Request) error {
	first, rest := splitWord(r.Text)
	switch strings.ToLower(first) {
	case "":
		return b.openVoucherModal(ctx, r, voucherPrefill{})
	case "budget", "budgets":
		return b.voucherBudget(ctx, r, rest)
	case "list":
		return b.voucherList(ctx, r, rest)
	case "redeem":
		return b.voucherRedeem(ctx, r, rest)
	case "revoke":
		return b.voucherRevoke(ctx, r, rest)
	case "export":
		return b.voucherExport(ctx, r, rest)
	case "template", "templates":
		return b.voucherTemplate(ctx, r, rest)
	}
	if strings.HasPrefix(first, "@") || strings.HasPrefix(first, "<@") {
		return b.voucherQuick(ctx, r)
	}
	if looksLikeCode(r.Text) {
		return b.voucherCodeCommand(ctx, r)
	}
	return b.notUnderstood(r, first, rest)
}

// looksLikeCode reports whether s was probably meant as a voucher code:
// it starts with the code prefix or is long and has dashes, so a mistyped
// code gets the code's own error rather than the help.
func looksLikeCode(s string) bool {
	s = strings.TrimSpace(s)
	u := strings.ToUpper(s)
	return strings.HasPrefix(u, store.DefaultVoucherPrefix) || strings.Count(s, "-") >= 2 && len(s) >= 12
}

func (b *Bot) voucherQuick(ctx context.Context, r *Request) error {
	if strings.HasPrefix(r.Text, "<@") {
		return errorf("That is a Slack user; vouchers are for creators. Type their TikTok handle, like: %s", voucherQuickExample)
	}
	camps, err := b.db.Campaigns(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, c := range camps {
		known[c.Name] = true
	}
	a, err := parseVoucherArgs(r.Text, b.cfg.Currency, func(w string) bool { return known[strings.ToLower(w)] })
	if err != nil {
		return err
	}
	if err := b.checkVoucherMax(a.Value); err != nil {
		return err
	}
	if f, flagged, err := b.strikeFor(ctx, a.Handle); err != nil {
		return err
	} else if flagged {
		return b.reply(ctx, r, b.strikeWarnMsg(a, f))
	}
	v, existed, err := b.db.IssueVoucher(ctx, b.newVoucher(r.UserID, a.Handle, a.Product, a.Value, a.Campaign,
		b.defaultExpiry(), "", "cmd:"+r.TriggerID))
	if err != nil {
		return err
	}
	b.refreshHome(ctx, r.UserID)
	return b.reply(ctx, r, b.voucherIssuedMsg(ctx, v, existed))
}

// newVoucher fills the configured rules into a store request.
func (b *Bot) newVoucher(userID, handle, product string, value store.Money, campaign string, expires time.Time, note, idem string) store.VoucherInput {
	return store.VoucherInput{
		IssuerID: userID, Handle: handle, Product: product, Value: value, Currency: b.cfg.Currency,
		Campaign: campaign, ExpiresAt: expires, Note: note, DailyCap: b.cfg.VoucherDailyCap,
		Location: b.cfg.Location, IdemKey: idem,
	}
}

// defaultExpiry is the end of the day VoucherDays from today, in the team's
// time zone.
func (b *Bot) defaultExpiry() time.Time {
	return endOfDay(b.Now().In(b.cfg.Location).AddDate(0, 0, b.cfg.VoucherDays), b.cfg.Location)
}

// money formats an amount in the configured currency.
func (b *Bot) money(m store.Money) string { return m.Format(b.cfg.Currency) }

// validUntil shows the last valid moment of a voucher, e.g. "Mon 14 Dec
// 2026, 23:59 WIB".
func (b *Bot) validUntil(v *store.Voucher) string {
	return v.ExpiresAt.Add(-time.Minute).In(b.cfg.Location).Format("Mon 2 Jan 2006, 15:04 MST")
}

// voucherIssuedMsg confirms an issued voucher (the transaction has
// committed) with a message ready to copy to the creator.
func (b *Bot) voucherIssuedMsg(ctx context.Context, v *store.Voucher, existed bool) msg {
	title := ":ticket: Voucher issued: *" + v.Code + "*"
	if existed {
		title = ":ticket: This request was already handled; it issued *" + v.Code + "* (no second voucher)."
	}
	facts := fmt.Sprintf("*Creator:* @%s · *Product:* %s · *Value:* %s\n*Valid until:* %s · *Issued by:* <@%s>",
		v.Handle, esc(truncate(v.Product, 200)), b.money(v.Value), b.validUntil(v), v.IssuerID)
	if v.Campaign != "" {
		facts += " · *Campaign:* " + v.Campaign
		if c, err := b.db.Campaign(ctx, v.Campaign); err == nil {
			facts += fmt.Sprintf(" (%s left of %s)", b.money(c.Remaining()), b.money(c.Budget))
		}
	}
	if v.Note != "" {
		facts += "\n*Note:* " + esc(truncate(v.Note, 500))
	}
	if v.StrikeOverride > 0 {
		facts += fmt.Sprintf("\n:warning: Issued despite %s past deadline (recorded).", plural(v.StrikeOverride, "sample", "samples"))
	}
	blocks := []slack.Block{
		section(title),
		section(facts),
		section("*Message for the creator* (copy and send):\n```" + b.creatorMessage(ctx, v) + "```"),
	}
	if els := sampleButtons(v); len(els) > 0 {
		blocks = append(blocks, slack.NewActionBlock("voucher_actions_"+v.Code, els...))
	}
	return msg{text: fmt.Sprintf("Voucher %s for @%s: %s, %s.", v.Code, v.Handle, esc(truncate(v.Product, 80)), b.money(v.Value)), blocks: blocks}
}

// voucherShow answers "/voucher CODE": details and history.
func (b *Bot) voucherShow(ctx context.Context, r *Request, code string) error {
	v, err := b.db.Voucher(ctx, code)
	if err != nil {
		return err
	}
	return b.reply(ctx, r, b.voucherDetailMsg(ctx, v, ""))
}

// voucherDetailMsg shows a voucher; lead, if set, is safe mrkdwn shown first.
func (b *Bot) voucherDetailMsg(ctx context.Context, v *store.Voucher, lead string) msg {
	var blocks []slack.Block
	if lead != "" {
		blocks = append(blocks, section(lead))
	}
	blocks = append(blocks, header(v.Code+" — "+v.Status.Label()))
	facts := fmt.Sprintf("*Creator:* @%s · *Product:* %s · *Value:* %s\n*Campaign:* %s · *Valid until:* %s",
		v.Handle, esc(truncate(v.Product, 200)), b.money(v.Value), orNone(v.Campaign), b.validUntil(v))
	if v.Note != "" {
		facts += "\n*Note:* " + esc(truncate(v.Note, 500))
	}
	blocks = append(blocks, section(facts))
	if sf := b.sampleFacts(v); sf != "" {
		blocks = append(blocks, section(sf))
	}
	if v.SampleOpen() && !b.Now().Before(v.RemindFrom(b.samplePolicy())) && v.SampleState().RemindedAt.IsZero() {
		blocks = append(blocks, section("*Content reminder for the creator* (send once, then press Reminded):\n```"+b.reminderMessage(ctx, v, b.Now())+"```"))
	}
	blocks = append(blocks, section("*History*"))
	blocks = append(blocks, joinLines(b.mergedHistory(v))...)
	if els := sampleButtons(v); len(els) > 0 {
		if v.SampleOpen() && v.SampleState().RemindedAt.IsZero() && !b.Now().Before(v.RemindFrom(b.samplePolicy())) {
			els = append(els, button(actionSampleReminded, v.Code, "Reminded"))
		}
		blocks = append(blocks, slack.NewActionBlock("voucher_actions_"+v.Code, els...))
	}
	return msg{text: fmt.Sprintf("%s: %s, @%s, %s.", v.Code, v.Status.Label(), v.Handle, b.money(v.Value)), blocks: blocks}
}

func orNone(s string) string {
	if s == "" {
		return "_none_"
	}
	return s
}

func (b *Bot) voucherEventLine(e store.VoucherEvent) string {
	who := "the expiry job"
	if e.UserID != "" {
		who = "<@" + e.UserID + ">"
	}
	l := fmt.Sprintf("• %s — *%s* by %s", b.when(e.At), e.Status.Label(), who)
	if e.Reason != "" {
		l += ": " + esc(truncate(e.Reason, 300))
	}
	return l
}

// voucherRedeem marks a voucher redeemed (command or button).
func (b *Bot) voucherRedeem(ctx context.Context, r *Request, code string) error {
	code = strings.TrimSpace(code)
	if code == "" {
		return errorf("Give the code to redeem, like: /voucher redeem SMP-7KQ3-9XF2-M4T9")
	}
	if cur, err := b.db.Voucher(ctx, code); err == nil && !b.may(ctx, r.UserID, permVoucherRedeem, cur.IssuerID, "") {
		return notAllowed(permVoucherRedeem, mention(cur.IssuerID))
	}
	v, err := b.db.RedeemVoucher(ctx, code, r.UserID)
	if store.ErrorCode(err) == store.Conflict {
		cur, gerr := b.db.Voucher(ctx, code)
		if gerr != nil {
			return err
		}
		return b.reply(ctx, r, b.voucherDetailMsg(ctx, cur, ":x: "+esc(store.ErrorMessage(err))))
	}
	if err != nil {
		return err
	}
	b.refreshVoucherHomes(ctx, r.UserID, v)
	text := fmt.Sprintf(":white_check_mark: *%s* redeemed — @%s, %s, %s.", v.Code, v.Handle, esc(truncate(v.Product, 200)), b.money(v.Value))
	if r.Action != nil {
		// Pressed on a message: replace it, so its Mark redeemed button
		// goes away instead of inviting a second press.
		m := b.voucherDetailMsg(ctx, v, text)
		m.replace = true
		return b.reply(ctx, r, m)
	}
	text += fmt.Sprintf(" Content due by *%s*. Record the next steps with `/voucher %s shipped|delivered|posted …`.", b.sampleDueText(v), v.Code)
	m := b.voucherDetailMsg(ctx, v, text)
	m.text = fmt.Sprintf("%s redeemed.", v.Code)
	return b.reply(ctx, r, m)
}

// voucherRevoke: "/voucher revoke CODE REASON", admins only.
func (b *Bot) voucherRevoke(ctx context.Context, r *Request, rest string) error {
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("revoke vouchers")
	}
	code, reason := splitCodeRest(rest)
	if code == "" {
		return errorf("Give the code and a reason, like: /voucher revoke SMP-7KQ3-9XF2-M4T9 creator cancelled")
	}
	v, err := b.db.RevokeVoucher(ctx, code, r.UserID, reason)
	if store.ErrorCode(err) == store.Conflict {
		if cur, gerr := b.db.Voucher(ctx, code); gerr == nil {
			return b.reply(ctx, r, b.voucherDetailMsg(ctx, cur, ":x: "+esc(store.ErrorMessage(err))))
		}
	}
	if err != nil {
		return err
	}
	b.refreshVoucherHomes(ctx, r.UserID, v)
	b.tellOwner(ctx, store.Change{By: r.UserID, Owner: v.IssuerID, Kind: store.ChangeVoucherRevoke, Subject: v.Code,
		Label: fmt.Sprintf("%s @%s, %s", v.Code, v.Handle, b.money(v.Value)), After: reason})
	text := fmt.Sprintf(":no_entry: *%s* revoked (@%s, %s): %s.", v.Code, v.Handle, b.money(v.Value), esc(truncate(reason, 300)))
	if v.Campaign != "" {
		if c, err := b.db.Campaign(ctx, v.Campaign); err == nil {
			text += fmt.Sprintf(" %s returned to %s: %s left of %s.", b.money(v.Value), v.Campaign, b.money(c.Remaining()), b.money(c.Budget))
		}
	}
	return b.reply(ctx, r, msg{text: v.Code + " revoked.", blocks: []slack.Block{section(text)}})
}

// splitCodeRest splits "SMP-7KQ3 9XF2-M4T9 reason…": a code may have been
// typed with spaces, so the code is the shortest prefix of words that is
// code-shaped (prefix plus 12 symbols), else the first word.
func splitCodeRest(s string) (code, rest string) {
	f := strings.Fields(s)
	for i := 1; i <= len(f) && i <= 5; i++ {
		c := strings.Join(f[:i], "")
		if _, err := store.NormalizeVoucherCode(c); err == nil || errors.Is(err, store.ErrCodeChecksum) {
			return strings.Join(f[:i], " "), strings.Join(f[i:], " ")
		}
	}
	first, rest := splitWord(s)
	return first, rest
}

// voucherBudget: "/voucher budget" lists, "/voucher budget NAME AMOUNT" sets.
func (b *Bot) voucherBudget(ctx context.Context, r *Request, rest string) error {
	if strings.TrimSpace(rest) == "" {
		return b.voucherBudgets(ctx, r)
	}
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("set campaign budgets")
	}
	name, amount := splitWord(rest)
	if amount == "" {
		return errorf("Give the campaign and the amount, like: /voucher budget 11.11 5jt")
	}
	if ok, err := b.campaignLifecycle(ctx, r, name, amount); ok {
		return err
	}
	amount, until := splitUntil(amount)
	m, err := store.ParseAmount(amount, b.cfg.Currency)
	if err != nil {
		return err
	}
	if until != "" {
		if _, err := store.ParseDate(until); err != nil {
			return err // before the budget changes: nothing half-done
		}
	}
	c, err := b.db.SetCampaignBudget(ctx, name, m, b.cfg.Currency, r.UserID)
	if err != nil {
		return err
	}
	if until != "" {
		if c, _, err = b.db.SetCampaignEnd(ctx, name, r.UserID, until); err != nil {
			return err
		}
	}
	b.refreshHome(ctx, r.UserID)
	text := fmt.Sprintf(":moneybag: Campaign *%s* budget set to %s: %s issued, %s left%s.", c.Name, b.money(c.Budget), b.money(c.Issued), b.money(c.Remaining()), b.campaignState(c))
	return b.reply(ctx, r, msg{text: fmt.Sprintf("Campaign %s budget set.", c.Name), blocks: []slack.Block{section(text)}})
}

// voucherList: "/voucher list [@handle|campaign|mine]".
func (b *Bot) voucherList(ctx context.Context, r *Request, rest string) error {
	f := store.VoucherFilter{Limit: maxVoucherList}
	what := "Recent vouchers"
	arg := strings.TrimSpace(rest)
	switch {
	case arg == "":
	case strings.EqualFold(arg, "mine"):
		f.IssuerID, what = r.UserID, "Vouchers you issued"
	case strings.HasPrefix(arg, "<@"):
		u := userIDFromMention(arg)
		if u == "" {
			return errorf("I could not read that user; pick them with @.")
		}
		f.IssuerID, what = u, "Vouchers issued by <@"+u+">"
	case strings.HasPrefix(arg, "@"):
		h, err := store.NormalizeHandle(arg)
		if err != nil {
			return err
		}
		f.Handle, what = h, "Vouchers for @"+h
	default:
		c, err := b.db.Campaign(ctx, arg)
		if err != nil {
			return err
		}
		f.Campaign, what = c.Name, "Vouchers of campaign "+c.Name
	}
	vs, err := b.db.Vouchers(ctx, f)
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		text := what + ": none yet."
		return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
	}
	lines := []string{fmt.Sprintf("*%s* — newest first, up to %d", what, maxVoucherList)}
	for _, v := range vs {
		l := fmt.Sprintf("• `%s` @%s — %s · %s · *%s*", v.Code, v.Handle, esc(truncate(v.Product, 60)), b.money(v.Value), b.voucherState(&v))
		if v.Status != store.VoucherRedeemed { // a redeemed voucher's validity no longer matters
			l += " · until " + b.validUntil(&v)
		}
		lines = append(lines, l)
	}
	return b.reply(ctx, r, msg{text: plural(len(vs), "voucher", "vouchers") + ".", blocks: joinLines(lines)})
}

// voucherHistory feeds /creator.
func (b *Bot) voucherHistory(ctx context.Context, h string, limit int) ([]historyItem, int, error) {
	vs, err := b.db.Vouchers(ctx, store.VoucherFilter{Handle: h})
	if err != nil {
		return nil, 0, err
	}
	items := make([]historyItem, 0, len(vs))
	for _, v := range vs {
		l := fmt.Sprintf(":ticket: %s voucher `%s` by <@%s> — %s, %s · *%s*", b.when(v.IssuedAt), v.Code, v.IssuerID,
			esc(truncate(v.Product, 80)), b.money(v.Value), v.Status.Label())
		if v.Status == store.VoucherRedeemed {
			l += " · sample *" + v.SampleState().Stage.Label() + "*"
		}
		if v.StrikeOverride > 0 {
			l += fmt.Sprintf(" _(issued despite %s past deadline)_", plural(v.StrikeOverride, "sample", "samples"))
		}
		items = append(items, historyItem{At: v.IssuedAt, Line: l})
	}
	items, total := newest(items, limit)
	return items, total, nil
}

// voucherExpiryJob marks overdue vouchers expired, once a day.
func (b *Bot) voucherExpiryJob(ctx context.Context, due time.Time) error {
	vs, err := b.db.ExpireVouchers(ctx)
	if err != nil {
		return err
	}
	if len(vs) > 0 {
		b.log.Info("vouchers expired", "count", len(vs), "due", due)
	}
	return nil
}

// checkVoucherMax refuses a value above POCBOT_VOUCHER_MAX: a sample
// voucher worth more is almost certainly a typo (an extra 0, "150jt" for
// "150rb") and it is money.
func (b *Bot) checkVoucherMax(v store.Money) error {
	if b.cfg.VoucherMax > 0 && v > b.cfg.VoucherMax {
		return errorf("%s is more than a sample voucher may be worth here (at most %s, set by POCBOT_VOUCHER_MAX). Check the amount — an extra zero?",
			v.Format(b.cfg.Currency), b.cfg.VoucherMax.Format(b.cfg.Currency))
	}
	return nil
}
