package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// Campaigns (issue #13): close/reopen, an optional end date, and vouchers
// outside any campaign shown as "no campaign" in /voucher budget and the
// digest.

// noCampaignLabel is how vouchers outside any campaign are named.
const noCampaignLabel = "no campaign"

// campaignLifecycle handles "/voucher budget NAME close|archive|reopen|
// ends DATE|ends none" and a zero amount. It reports whether rest was one
// of those.
func (b *Bot) campaignLifecycle(ctx context.Context, r *Request, name, rest string) (bool, error) {
	verb, arg := splitWord(rest)
	switch strings.ToLower(verb) {
	case "0", "0k", "0rb", "0jt", "nol":
		if arg == "" {
			return true, errorf("A budget cannot be 0. To close campaign %s (no new vouchers; its history stays), type /voucher budget %s close.", name, name)
		}
	case "close", "closed", "archive", "end", "stop":
		if strings.ToLower(verb) == "end" && arg != "" {
			break
		}
		if arg != "" {
			return true, errorf("Close takes nothing after it: /voucher budget %s close", name)
		}
		c, changed, err := b.db.CloseCampaign(ctx, name, r.UserID, true)
		if err != nil {
			return true, err
		}
		text := fmt.Sprintf(":lock: Campaign *%s* closed: no new vouchers. Its %s issued (%d) and %s redeemed stay on record; `/voucher budget %s reopen` opens it again.",
			c.Name, b.money(c.Issued), c.Count, b.money(c.Redeemed), c.Name)
		if !changed {
			text = fmt.Sprintf("Campaign *%s* is already closed. `/voucher budget %s reopen` opens it again.", c.Name, c.Name)
		}
		return true, b.reply(ctx, r, msg{text: "Campaign " + c.Name + " closed.", blocks: []slack.Block{section(text)}})
	case "reopen", "open", "unarchive":
		if arg != "" {
			return true, errorf("Reopen takes nothing after it: /voucher budget %s reopen", name)
		}
		c, changed, err := b.db.CloseCampaign(ctx, name, r.UserID, false)
		if err != nil {
			return true, err
		}
		text := fmt.Sprintf(":unlock: Campaign *%s* is open again: %s left of %s.", c.Name, b.money(c.Remaining()), b.money(c.Budget))
		if !changed {
			text = fmt.Sprintf("Campaign *%s* is already open.", c.Name)
		}
		if c.Ended(b.Now(), b.cfg.Location) {
			text += fmt.Sprintf(" Its end date %s has passed, so it still takes no vouchers: `/voucher budget %s ends YYYY-MM-DD` or `ends none`.", c.EndsOn, c.Name)
		}
		return true, b.reply(ctx, r, msg{text: "Campaign " + c.Name + " reopened.", blocks: []slack.Block{section(text)}})
	}
	switch strings.ToLower(verb) {
	case "ends", "until", "end":
		date := strings.TrimSpace(arg)
		if strings.EqualFold(date, "none") || strings.EqualFold(date, "never") {
			date = ""
		} else if date == "" {
			return true, errorf("Give the last day it takes vouchers, like: /voucher budget %s ends 2026-12-31 (or ends none).", name)
		}
		c, _, err := b.db.SetCampaignEnd(ctx, name, r.UserID, date)
		if err != nil {
			return true, err
		}
		text := fmt.Sprintf(":date: Campaign *%s* takes vouchers through %s; from the day after, new ones are refused.", c.Name, c.EndsOn)
		if c.EndsOn == "" {
			text = fmt.Sprintf(":date: Campaign *%s* has no end date.", c.Name)
		}
		return true, b.reply(ctx, r, msg{text: "Campaign " + c.Name + " end date set.", blocks: []slack.Block{section(text)}})
	}
	return false, nil
}

// splitUntil splits "5jt until 2026-12-31" into the amount and the date.
func splitUntil(amount string) (string, string) {
	f := strings.Fields(amount)
	for i, w := range f {
		if (strings.EqualFold(w, "until") || strings.EqualFold(w, "ends")) && i+1 < len(f) {
			return strings.Join(f[:i], " "), strings.Join(f[i+1:], " ")
		}
	}
	return amount, ""
}

// campaignState is " · ends 31 Dec" / " · closed" for a campaign line.
func (b *Bot) campaignState(c *store.Campaign) string {
	switch {
	case c.Closed():
		return " · :lock: closed"
	case c.Ended(b.Now(), b.cfg.Location):
		return " · :lock: ended " + c.EndsOn
	case c.EndsOn != "":
		return " · ends " + c.EndsOn
	}
	return ""
}

// openCampaigns drops closed and ended campaigns (for the voucher form).
func (b *Bot) openCampaigns(cs []store.Campaign) []store.Campaign {
	out := cs[:0:0]
	for _, c := range cs {
		if !c.Closed() && !c.Ended(b.Now(), b.cfg.Location) {
			out = append(out, c)
		}
	}
	return out
}

func (b *Bot) voucherBudgets(ctx context.Context, r *Request) error {
	cs, err := b.db.Campaigns(ctx)
	if err != nil {
		return err
	}
	none, err := b.db.NoCampaignTotals(ctx)
	if err != nil {
		return err
	}
	if len(cs) == 0 && none.Count == 0 {
		text := "No campaigns yet. An admin creates one with `/voucher budget NAME AMOUNT`, like `/voucher budget 11.11 5jt`."
		return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
	}
	lines := []string{"*Campaign budgets* (" + b.cfg.Currency.Code + ")"}
	funnels, err := b.db.SampleFunnels(ctx, b.samplePolicy(), b.Now())
	if err != nil {
		return err
	}
	var closed []string
	for i := range cs {
		c := &cs[i]
		if c.Closed() {
			closed = append(closed, fmt.Sprintf("• :lock: *%s* closed — issued %s (%d) · redeemed %s", c.Name, b.money(c.Issued), c.Count, b.money(c.Redeemed)))
			continue
		}
		l := fmt.Sprintf("• *%s* — budget %s · issued %s (%d) · redeemed %s · *remaining %s*%s",
			c.Name, b.money(c.Budget), b.money(c.Issued), c.Count, b.money(c.Redeemed), b.money(c.Remaining()), b.campaignState(c))
		if f := funnels[c.Name]; f != nil && f.Issued > 0 {
			l += "\n      ↳ samples: " + b.funnelText(f)
		}
		lines = append(lines, l)
	}
	if none.Count > 0 {
		lines = append(lines, fmt.Sprintf("• _%s_ — issued %s (%d) · redeemed %s · no budget applies",
			noCampaignLabel, b.money(none.Issued), none.Count, b.money(none.Redeemed)))
	}
	if len(closed) > 0 {
		lines = append(lines, "*Closed campaigns*")
		lines = append(lines, closed...)
	}
	blocks := joinLines(lines)
	blocks = append(blocks, contextText("Admins: `/voucher budget NAME AMOUNT [until YYYY-MM-DD]` · `NAME close` · `NAME reopen` · `NAME ends YYYY-MM-DD|none`."))
	return b.reply(ctx, r, msg{text: "Campaign budgets", blocks: blocks})
}

// digestNoCampaign is the digest's line for vouchers outside any
// campaign; "" when there are none.
func (b *Bot) digestNoCampaign(ctx context.Context) (string, error) {
	none, err := b.db.NoCampaignTotals(ctx)
	if err != nil || none.Count == 0 {
		return "", err
	}
	return fmt.Sprintf("_%s_ — issued %s (%d) · redeemed %s · no budget applies", noCampaignLabel, b.money(none.Issued), none.Count, b.money(none.Redeemed)), nil
}
