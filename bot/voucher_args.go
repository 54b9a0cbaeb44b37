package bot

import (
	"strings"
	"time"

	"pocbot/store"
)

// voucherArgs is the quick form "/voucher @handle PRODUCT VALUE [campaign]".
type voucherArgs struct {
	Handle   string
	Product  string
	Value    store.Money
	Campaign string // "" for none
}

const voucherQuickExample = "/voucher @sari.beauty Glow Serum 150k 11.11"

// parseVoucherArgs reads the quick form. The value is the last word (or the
// last two, for "Rp 150.000"), unless the last word is a campaign: a name
// isCampaign knows, or any word that is not an amount after a valid amount,
// so that an unknown campaign is reported as such rather than as a bad
// value. Everything between the handle and the value is the product.
func parseVoucherArgs(text string, cur store.Currency, isCampaign func(string) bool) (voucherArgs, error) {
	var a voucherArgs
	f := strings.Fields(text)
	if len(f) < 3 {
		return a, errorf("Give the creator, the product and the value, like: %s (the campaign is optional). Or type /voucher alone for the form.", voucherQuickExample)
	}
	a.Handle = f[0]
	rest := f[1:]
	if len(rest) >= 3 {
		last := rest[len(rest)-1]
		p, v, err := productValue(rest[:len(rest)-1], cur)
		if err == nil && p != "" {
			_, notAmount := store.ParseAmount(last, cur)
			if isCampaign(last) || notAmount != nil && isCampaignWord(last) {
				a.Product, a.Value, a.Campaign = p, v, last
				return a, nil
			}
		} else if err != nil && isCampaign(last) {
			// "Lipstick 0 11.11": 11.11 is a known campaign, so the value
			// before it is what is wrong, not "11.11" read as an amount.
			return a, err
		}
	}
	p, v, err := productValue(rest, cur)
	if err != nil {
		return a, err
	}
	if p == "" {
		return a, errorf("Say which product the voucher is for, between the handle and the value, like: %s", voucherQuickExample)
	}
	a.Product, a.Value = p, v
	return a, nil
}

// productValue splits words into a product and a trailing amount.
func productValue(words []string, cur store.Currency) (string, store.Money, error) {
	n := len(words)
	// Two words first, so "Rp 150.000" does not leave "Rp" in the product.
	if n >= 3 {
		if v, err := store.ParseAmount(words[n-2]+" "+words[n-1], cur); err == nil {
			return strings.Join(words[:n-2], " "), v, nil
		}
	}
	v, err := store.ParseAmount(words[n-1], cur)
	if err != nil {
		return "", 0, err
	}
	return strings.Join(words[:n-1], " "), v, nil
}

// isCampaignWord reports whether w could be a campaign name: it has a
// letter or is shaped like a date campaign ("11.11", "12.12").
func isCampaignWord(w string) bool {
	if _, err := store.NormalizeCampaign(w); err != nil {
		return false
	}
	return true
}

// parseExportArgs reads "/voucher export [campaign] [from to]" with dates
// as YYYY-MM-DD in loc. to is inclusive: the range ends at the start of the
// day after it.
func parseExportArgs(text string, loc *time.Location) (campaign string, from, to time.Time, err error) {
	var dates []time.Time
	for _, w := range strings.Fields(text) {
		if d, derr := time.ParseInLocation("2006-01-02", w, loc); derr == nil {
			dates = append(dates, d)
			continue
		}
		if looksLikeDate(w) {
			return "", from, to, errorf("%s is not a date; write dates as YYYY-MM-DD, like 2026-11-01.", quote(w))
		}
		if campaign != "" {
			return "", from, to, errorf("Export takes one campaign and two dates, like: /voucher export 11.11 2026-11-01 2026-11-30")
		}
		campaign = w
	}
	switch len(dates) {
	case 0:
	case 2:
		from, to = dates[0], dates[1].AddDate(0, 0, 1)
		if !from.Before(to) {
			return "", from, to, errorf("The first date must not be after the second, like: 2026-11-01 2026-11-30")
		}
	default:
		return "", from, to, errorf("Give both dates, from and to, like: /voucher export 2026-11-01 2026-11-30")
	}
	return campaign, from, to, nil
}

// looksLikeDate reports whether w is digits and dashes with two dashes.
func looksLikeDate(w string) bool {
	return strings.Count(w, "-") == 2 && strings.Trim(w, "0123456789-") == ""
}
