package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
)

const (
	voucherModalID = "voucher_modal"

	voucherBlockCreator  = "voucher_creator"
	voucherBlockProduct  = "voucher_product"
	voucherBlockValue    = "voucher_value"
	voucherBlockCampaign = "voucher_campaign"
	voucherBlockExpires  = "voucher_expires"
	voucherBlockNote     = "voucher_note"

	// noCampaign is the select value for "no campaign"; campaign names
	// cannot contain a space, so it never clashes.
	noCampaign = "(none)"
	// maxCampaignOptions: a static select holds at most 100 options, one
	// of which is "No campaign".
	maxCampaignOptions = 99
)

// voucherPrefill fills the form, e.g. from /creator.
type voucherPrefill struct {
	Handle string
}

// voucherModal builds the /voucher form.
func (b *Bot) voucherModal(channelID string, p voucherPrefill, camps []store.Campaign) slack.ModalViewRequest {
	opts := []*slack.OptionBlockObject{option(noCampaign, "No campaign")}
	for i, c := range camps {
		if i == maxCampaignOptions {
			break
		}
		opts = append(opts, option(c.Name, fmt.Sprintf("%s — %s left", c.Name, b.money(max(c.Remaining(), 0)))))
	}
	expires := slack.NewDatePickerBlockElement(inputAction)
	expires.InitialDate = b.defaultExpiry().Add(-time.Minute).In(b.cfg.Location).Format("2006-01-02")
	return modal(voucherModalID, "Issue a voucher", "Issue", viewMeta{Channel: channelID},
		textInput(voucherBlockCreator, "Creator", "@handle", p.Handle, false, 30, false),
		textInput(voucherBlockProduct, "Product", "Name or SKU, e.g. Glow Serum 30ml", "", false, store.MaxProductLen, false),
		textInput(voucherBlockValue, "Value ("+b.cfg.Currency.Code+")", "e.g. 150000, 150.000 or 150k", "", false, 40, false),
		selectInput(voucherBlockCampaign, "Campaign", noCampaign, true, opts...),
		slack.NewInputBlock(voucherBlockExpires, plain("Valid until (end of day, "+b.cfg.Location.String()+")", 2000), nil, expires),
		textInput(voucherBlockNote, "Note", "Anything the team should know", "", true, store.MaxNoteLen, true),
	)
}

func (b *Bot) openVoucherModal(ctx context.Context, r *Request, p voucherPrefill) error {
	camps, err := b.db.Campaigns(ctx)
	if err != nil {
		return err
	}
	return b.openModal(ctx, r, b.voucherModal(r.ChannelID, p, b.openCampaigns(camps)))
}

// submitVoucherModal validates the form and issues the voucher before the
// ack, so a refusal shows on the form itself. The idempotency key is the
// view's ID and hash: Slack redelivering the same submission (a lost ack)
// gets the first voucher back instead of a second one.
func (b *Bot) submitVoucherModal(ctx context.Context, r *Request) (*slack.ViewSubmissionResponse, func(context.Context) error, error) {
	st := viewState(r)
	errs := fieldErrors{}
	handle, err := store.NormalizeHandle(st.text(voucherBlockCreator))
	if err != nil {
		errs[voucherBlockCreator] = store.ErrorMessage(err)
	}
	product := st.text(voucherBlockProduct)
	if product == "" {
		errs[voucherBlockProduct] = "Type the product name or SKU."
	}
	value, err := store.ParseAmount(st.text(voucherBlockValue), b.cfg.Currency)
	if err == nil {
		err = b.checkVoucherMax(value)
	}
	if err != nil {
		errs[voucherBlockValue] = store.ErrorMessage(err)
	}
	campaign := st.text(voucherBlockCampaign)
	if campaign == noCampaign {
		campaign = ""
	}
	expires := b.defaultExpiry()
	if d := st.text(voucherBlockExpires); d != "" {
		day, err := time.ParseInLocation("2006-01-02", d, b.cfg.Location)
		switch {
		case err != nil:
			errs[voucherBlockExpires] = "Pick a date."
		case day.Before(progress.DayStart(b.Now(), b.cfg.Location)):
			errs[voucherBlockExpires] = "That date has passed; pick today or later."
		case day.After(progress.DayStart(b.Now(), b.cfg.Location).AddDate(0, 0, store.MaxVoucherDays)):
			errs[voucherBlockExpires] = fmt.Sprintf("A sample voucher can be valid for at most %d days; pick an earlier date.", store.MaxVoucherDays)
		default:
			expires = endOfDay(day, b.cfg.Location)
		}
	}
	if len(errs) > 0 {
		return errs.response(), nil, nil
	}
	view := r.Callback.View
	idem := "view:" + view.ID + ":" + view.Hash
	nv := b.newVoucher(r.UserID, handle, product, value, campaign, expires, st.text(voucherBlockNote), idem)
	f, flagged, err := b.strikeFor(ctx, handle)
	if err != nil {
		return nil, nil, err
	}
	if flagged {
		// Warned once per form and creator: submitting again issues anyway.
		if _, warned := b.strikeWarned.LoadOrStore(view.ID+"|"+handle, true); !warned {
			return fieldErrors{voucherBlockCreator: b.strikePlain(handle, f)}.response(), nil, nil
		}
		nv.StrikeOverride = f.Overdue
	}
	v, existed, err := b.db.IssueVoucher(ctx, nv)
	if err != nil {
		if fe := voucherStoreForm.errors(err); fe != nil {
			return fe.response(), nil, nil
		}
		return nil, nil, err
	}
	r.ChannelID = decodeMeta(view.PrivateMetadata).Channel
	return nil, func(ctx context.Context) error {
		b.refreshHome(ctx, r.UserID)
		return b.reply(ctx, r, b.voucherIssuedMsg(ctx, v, existed))
	}, nil
}

// voucherStoreForm puts IssueVoucher's errors on the voucher form. The
// daily cap is shown with the value it refused; a form submitted before with
// other details (its idempotency key reused), at the top.
var voucherStoreForm = storeForm{fields: map[string]string{
	store.FieldCreator: voucherBlockCreator, store.FieldProduct: voucherBlockProduct,
	store.FieldValue: voucherBlockValue, store.FieldDailyCap: voucherBlockValue,
	store.FieldCampaign: voucherBlockCampaign, store.FieldExpires: voucherBlockExpires,
	store.FieldNote: voucherBlockNote, store.FieldIdemKey: voucherBlockCreator,
}, fallback: voucherBlockValue}
