package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// Category-aware issue help: an issue about a creator shows their open
// samples in its triage post; "Voucher not working" states the status of
// the code the reporter gave (or the creator's latest voucher); "Sample
// not received" states the days since redemption and shipping and the
// tracking number; resolving such an issue can mark the sample delivered
// in the same step.

const (
	issueBlockSample   = "issue_sample"
	maxIssueOpenSample = 5
)

// voucherCodeInText finds a voucher code typed in free text, dashes
// optional, any case.
var voucherCodeInText = regexp.MustCompile(`(?i)\bSMP-?[0-9A-Z]{4}-?[0-9A-Z]{4}-?[0-9A-Z]{4}\b`)

// issueVoucher is the voucher an issue is about: a code in its text
// (given is true), else the creator's latest voucher, or for a missing
// sample the latest redeemed one not yet delivered.
func (b *Bot) issueVoucher(ctx context.Context, is *store.Issue) (v *store.Voucher, given string, err error) {
	for _, s := range []string{is.OrderID, is.Description, is.Link} {
		if c := voucherCodeInText.FindString(s); c != "" {
			given = strings.ToUpper(c)
			v, err = b.db.Voucher(ctx, given)
			if store.ErrorCode(err) == store.Internal {
				return nil, given, err
			}
			return v, given, nil
		}
	}
	vs, err := b.db.Vouchers(ctx, store.VoucherFilter{Handle: is.Handle})
	if err != nil || len(vs) == 0 {
		return nil, "", err
	}
	if is.Category == store.CatSampleMissing {
		for i := range vs {
			s := vs[i].SampleState()
			if vs[i].Status == store.VoucherRedeemed && (s.Stage == store.SampleOrdered || s.Stage == store.SampleShipped) {
				return &vs[i], "", nil
			}
		}
		for i := range vs {
			if vs[i].Status == store.VoucherRedeemed {
				return &vs[i], "", nil
			}
		}
	}
	return &vs[0], "", nil
}

// voucherStatusLine says where a voucher stands, for the voucher desk.
func (b *Bot) voucherStatusLine(v *store.Voucher) string {
	now := b.Now()
	head := fmt.Sprintf("`%s` (%s, %s)", v.Code, esc(truncate(v.Product, 60)), b.money(v.Value))
	last := v.Last()
	switch {
	case v.Status == store.VoucherRevoked:
		return fmt.Sprintf("%s was *revoked* by <@%s> on %s for: %s", head, last.UserID, b.dayText(last.At), esc(truncate(last.Reason, 200)))
	case v.Status == store.VoucherRedeemed:
		return fmt.Sprintf("%s was *already redeemed* on %s; sample %s", head, b.dayText(v.RedeemedAt()),
			strings.ToLower(v.SampleState().Stage.Label()))
	case v.Status == store.VoucherExpired || !now.Before(v.ExpiresAt):
		return fmt.Sprintf("%s *expired* on %s", head, b.validUntil(v))
	}
	return fmt.Sprintf("%s is *valid* until %s and not yet redeemed: check the creator typed it exactly, at checkout in our shop", head, b.validUntil(v))
}

// sampleWaitLine states how long a sample has been on its way.
func (b *Bot) sampleWaitLine(v *store.Voucher) string {
	if v.Status != store.VoucherRedeemed {
		return fmt.Sprintf("`%s` is %s: no sample was ordered with it yet.", v.Code, strings.ToLower(v.Status.Label()))
	}
	today := sampleDay(b.Now(), b.cfg.Location)
	ago := func(t time.Time) string {
		return plural(daysBetween(sampleDay(t, b.cfg.Location), today), "day", "days") + " ago"
	}
	s := v.SampleState()
	l := fmt.Sprintf("Sample `%s` (%s): ordered %s (%s)", v.Code, esc(truncate(v.Product, 60)), ago(v.RedeemedAt()), b.dayText(v.RedeemedAt()))
	if !s.ShippedAt.IsZero() {
		l += fmt.Sprintf("; shipped %s (%s)", ago(s.ShippedAt), b.dayText(s.ShippedAt))
		if s.Courier != "" {
			l += " via " + esc(s.Courier)
		}
		if s.Tracking != "" {
			l += ", tracking " + codeSpan(s.Tracking)
		} else {
			l += ", no tracking number recorded"
		}
	} else {
		l += "; no shipment recorded yet"
	}
	if !s.DeliveredAt.IsZero() {
		l += fmt.Sprintf("; marked *delivered* %s", b.dayText(s.DeliveredAt))
	}
	return l + "."
}

// issueSampleBlocks is what the triage post shows about the creator's
// samples, by category. Errors are logged, never fatal to the post.
func (b *Bot) issueSampleBlocks(ctx context.Context, is *store.Issue) []slack.Block {
	var lines []string
	switch is.Category {
	case store.CatVoucher:
		v, given, err := b.issueVoucher(ctx, is)
		switch {
		case err != nil:
			b.log.Warn("issue voucher lookup failed", "issue", is.ID, "err", err)
		case v == nil && given != "":
			lines = append(lines, fmt.Sprintf(":mag: The reporter gave `%s`, but pocbot issued no such voucher: check the code with the creator.", esc(given)))
		case v == nil:
			lines = append(lines, fmt.Sprintf(":mag: pocbot has issued no voucher to @%s.", is.Handle))
		case v.Handle != is.Handle:
			lines = append(lines, ":mag: "+b.voucherStatusLine(v)+fmt.Sprintf(" — note: it was issued to @%s, not @%s.", v.Handle, is.Handle))
		case given != "":
			lines = append(lines, ":mag: "+b.voucherStatusLine(v)+".")
		default:
			lines = append(lines, ":mag: Latest voucher of @"+is.Handle+": "+b.voucherStatusLine(v)+".")
		}
	case store.CatSampleMissing:
		v, given, err := b.issueVoucher(ctx, is)
		switch {
		case err != nil:
			b.log.Warn("issue sample lookup failed", "issue", is.ID, "err", err)
		case v == nil && given != "":
			lines = append(lines, fmt.Sprintf(":mag: The reporter gave `%s`, but pocbot issued no such voucher.", esc(given)))
		case v == nil:
			lines = append(lines, fmt.Sprintf(":mag: pocbot has issued no sample voucher to @%s.", is.Handle))
		default:
			lines = append(lines, ":mag: "+b.sampleWaitLine(v))
		}
	}
	vs, err := b.db.Vouchers(ctx, store.VoucherFilter{Handle: is.Handle})
	if err != nil {
		b.log.Warn("issue open samples failed", "issue", is.ID, "err", err)
	}
	var open []string
	for i := range vs {
		if v := &vs[i]; v.SampleOpen() {
			open = append(open, fmt.Sprintf("`%s` %s · %s · due %s", v.Code, esc(truncate(v.Product, 50)),
				v.SampleState().Stage.Label(), b.sampleDueText(v)))
		}
	}
	if len(open) > 0 {
		l := fmt.Sprintf(":package: Open samples of @%s: %s", is.Handle, strings.Join(open[:min(len(open), maxIssueOpenSample)], " · "))
		if len(open) > maxIssueOpenSample {
			l += fmt.Sprintf(" · …%d more (`/creator @%s`)", len(open)-maxIssueOpenSample, is.Handle)
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		return nil
	}
	return []slack.Block{section(truncate(strings.Join(lines, "\n"), maxTextLen))}
}

// resolveSampleBlock offers, when resolving a "Sample not received"
// issue, to mark its sample delivered in the same step.
func (b *Bot) resolveSampleBlock(ctx context.Context, is *store.Issue) []slack.Block {
	if is.Category != store.CatSampleMissing {
		return nil
	}
	v, _, err := b.issueVoucher(ctx, is)
	if err != nil || v == nil || v.Status != store.VoucherRedeemed {
		return nil
	}
	if st := v.SampleState().Stage; st != store.SampleOrdered && st != store.SampleShipped {
		return nil
	}
	return []slack.Block{selectInput(issueBlockSample, "Also update the sample", "", true,
		option(store.StepDelivered+"|"+v.Code, "Mark "+v.Code+" delivered today"))}
}

// resolveSampleStep applies the sample update chosen in the resolve form;
// it returns a form error message, or "".
func (b *Bot) resolveSampleStep(ctx context.Context, r *Request, choice string) (string, error) {
	step, code, ok := strings.Cut(choice, "|")
	if !ok || step != store.StepDelivered {
		return "", nil
	}
	v, err := b.db.ApplySampleStep(ctx, store.SampleStep{Code: code, UserID: r.UserID, Step: step})
	switch store.ErrorCode(err) {
	case "":
		b.refreshVoucherHomes(ctx, r.UserID, v)
		return "", nil
	case store.Invalid, store.Conflict, store.NotFound:
		return store.ErrorMessage(err), nil
	}
	return "", err
}
