package bot

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// What vouchers give targets, the digest and App Home (metrics.go).

// homeMaxVouchers caps "My recent vouchers": one block each.
const homeMaxVouchers = 5

func (b *Bot) voucherProviders() {
	b.registerMetric(metricSource{Name: store.MetricVouchers, Label: "vouchers issued", CountDays: b.db.VoucherCountsByDay})
	b.registerDigestSection(sectionVouchers, b.digestVoucherBudgets)
	b.registerHomeSection(homeVouchers, b.homeMyVouchers)
}

// digestVoucherBudgets is one line per campaign: budget, issued,
// remaining and the share used, the most used first. Budgets are as they
// stand now, for a past day too.
func (b *Bot) digestVoucherBudgets(ctx context.Context, _ time.Time) ([]string, error) {
	cs, err := b.db.Campaigns(ctx)
	if err != nil {
		return nil, err
	}
	pct := func(c store.Campaign) int {
		if c.Budget <= 0 {
			return 100
		}
		return int(int64(c.Issued) * 100 / int64(c.Budget))
	}
	sort.SliceStable(cs, func(i, j int) bool { return pct(cs[i]) > pct(cs[j]) })
	lines := make([]string, 0, len(cs)+1)
	for _, c := range cs {
		if c.Closed() {
			continue // archived: /voucher budget still lists it
		}
		mark := ""
		if p := pct(c); p >= 90 {
			mark = " :warning:"
		}
		lines = append(lines, fmt.Sprintf("*%s* — budget %s · issued %s (%d) · remaining %s · *%d%% used*%s",
			c.Name, b.money(c.Budget), b.money(c.Issued), c.Count, b.money(c.Remaining()), pct(c), mark))
	}
	if l, err := b.digestNoCampaign(ctx); err != nil {
		return nil, err
	} else if l != "" {
		lines = append(lines, l)
	}
	return lines, nil
}

// homeMyVouchers lists the last vouchers I issued, newest first, with a
// Mark redeemed button on those still issued.
func (b *Bot) homeMyVouchers(ctx context.Context, userID string) ([]slack.Block, error) {
	vs, err := b.db.Vouchers(ctx, store.VoucherFilter{IssuerID: userID, Limit: homeMaxVouchers})
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	var out []slack.Block
	for i := range vs {
		v := &vs[i]
		s := section(fmt.Sprintf("`%s` *@%s* · %s · %s · *%s* · %s", v.Code, v.Handle, esc(truncate(v.Product, 120)),
			b.money(v.Value), b.voucherState(v), b.when(v.IssuedAt)))
		if v.Status == store.VoucherIssued {
			s.Accessory = slack.NewAccessory(button(actionVoucherRedeem, v.Code, "Mark redeemed"))
		}
		out = append(out, s)
	}
	if len(vs) == homeMaxVouchers {
		n, err := b.db.VoucherCountByIssuer(ctx, userID)
		if err != nil {
			return nil, err
		}
		if n > len(vs) {
			out = append(out, contextText(fmt.Sprintf("…and %d more: `/voucher list mine`", n-len(vs))))
		}
	}
	return out, nil
}

// refreshVoucherHomes refreshes the Home of whoever acted on a voucher and
// of its issuer, whose recent vouchers show it.
func (b *Bot) refreshVoucherHomes(ctx context.Context, userID string, v *store.Voucher) {
	b.refreshHome(ctx, userID)
	if v != nil && v.IssuerID != userID {
		b.refreshHome(ctx, v.IssuerID)
	}
}
