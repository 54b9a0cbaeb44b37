package bot

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// Creator-facing text: the voucher message and the content reminder, in
// Bahasa Indonesia by default (POCBOT_CREATOR_LANG=id|en). Admins replace
// either with /voucher template NAME TEXT; placeholders in braces are
// checked on save and a preview is shown.

const (
	actionTemplateEdit = "template_edit" // value: the template name
	templateModalID    = "template_modal"
	templateBlockText  = "template_text"
)

// Template names.
const (
	tmplVoucher  = "voucher"
	tmplReminder = "reminder"
)

// templateSpec is one creator-facing message.
type templateSpec struct {
	Name     string
	What     string
	Allowed  []string // placeholders it may use
	Required []string // placeholders it must use
	Default  map[string]string
	// Ordered is the built-in text for a sample with no delivery
	// recorded, whose clock runs from the order: it must not tell the
	// creator they received it that day.
	Ordered map[string]string
}

var templateSpecs = []templateSpec{
	{
		Name: tmplVoucher, What: "the voucher message the POC copies to the creator",
		Allowed:  []string{"handle", "product", "value", "code", "valid_until", "content_days"},
		Required: []string{"code"},
		Default: map[string]string{
			"id": "Halo @{handle}! Ini voucher sampel gratis untuk {product} senilai {value}.\n" +
				"Kode: {code}\n" +
				"Berlaku sampai {valid_until}. Masukkan kode saat checkout di TikTok Shop kami waktu memesan sampel; kode hanya bisa dipakai sekali. " +
				"Setelah sampel diterima, mohon unggah videonya dalam {content_days} hari. Kabari saya kalau ada kendala ya!",
			"en": "Hi @{handle}! Here is your sample voucher for {product}, worth {value}.\n" +
				"Code: {code}\n" +
				"Valid until {valid_until}. Enter the code at checkout in our TikTok Shop when you order the sample; it works once. " +
				"Once the sample arrives, please post your video within {content_days} days. Reply to me if anything goes wrong.",
		},
	},
	{
		Name: tmplReminder, What: "the content reminder the POC sends once per sample",
		Allowed:  []string{"handle", "product", "value", "code", "received_date", "due_date", "days_left"},
		Required: []string{"due_date"},
		Default: map[string]string{
			"id": "Halo @{handle}! Sampel {product} senilai {value} sudah kamu terima sejak {received_date}. " +
				"Jangan lupa unggah videonya paling lambat {due_date} ya ({days_left} hari lagi). " +
				"Kalau ada kendala dengan produknya, kabari saya. Terima kasih!",
			"en": "Hi @{handle}! You received the {product} sample, worth {value}, on {received_date}. " +
				"Please post your video by {due_date} ({days_left} days left). " +
				"If anything is wrong with the product, let me know. Thank you!",
		},
		Ordered: map[string]string{
			"id": "Halo @{handle}! Semoga sampel {product} senilai {value} yang kamu pesan pada {received_date} sudah sampai ya. " +
				"Jangan lupa unggah videonya paling lambat {due_date} ya ({days_left} hari lagi). " +
				"Kalau sampelnya belum sampai atau ada kendala, kabari saya. Terima kasih!",
			"en": "Hi @{handle}! I hope the {product} sample, worth {value}, that you ordered on {received_date} has arrived. " +
				"Please post your video by {due_date} ({days_left} days left). " +
				"If it has not arrived or anything is wrong, let me know. Thank you!",
		},
	},
}

func templateSpecFor(name string) (templateSpec, bool) {
	for _, s := range templateSpecs {
		if s.Name == strings.ToLower(name) {
			return s, true
		}
	}
	return templateSpec{}, false
}

// placeholders returns the names in braces in text, or an error for a
// brace that does not open or close a placeholder.
func placeholders(text string) ([]string, error) {
	var out []string
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '}':
			return nil, errorf("There is a } without its {. Placeholders look like {handle}.")
		case '{':
			j := strings.IndexByte(text[i:], '}')
			if j < 0 {
				return nil, errorf("There is a { that is never closed. Placeholders look like {handle}.")
			}
			name := text[i+1 : i+j]
			if strings.ContainsAny(name, "{ \n") || name == "" {
				return nil, errorf("%s is not a placeholder. Placeholders look like {handle}.", quote(truncate(text[i:i+j+1], 40)))
			}
			out = append(out, name)
			i += j
		}
	}
	return out, nil
}

// validateTemplate checks text against spec.
func validateTemplate(spec templateSpec, text string) error {
	names, err := placeholders(text)
	if err != nil {
		return err
	}
	allowed := "{" + strings.Join(spec.Allowed, "}, {") + "}"
	for _, n := range names {
		ok := false
		for _, a := range spec.Allowed {
			ok = ok || a == n
		}
		if !ok {
			return errorf("{%s} is not a placeholder of the %s template. Use: %s.", truncate(n, 40), spec.Name, allowed)
		}
	}
	for _, r := range spec.Required {
		found := false
		for _, n := range names {
			found = found || n == r
		}
		if !found {
			return errorf("The %s template must contain {%s}, or the creator never gets it.", spec.Name, r)
		}
	}
	return nil
}

// renderTemplate fills values into text. It runs on validated text, so
// every placeholder has a value; an unknown one is left as typed.
func renderTemplate(text string, values map[string]string) string {
	var sb strings.Builder
	for i := 0; i < len(text); i++ {
		if text[i] == '{' {
			if j := strings.IndexByte(text[i:], '}'); j > 0 {
				if v, ok := values[text[i+1:i+j]]; ok {
					sb.WriteString(v)
					i += j
					continue
				}
			}
		}
		sb.WriteByte(text[i])
	}
	return sb.String()
}

// lang is the creator language: "id" unless configured "en".
func (b *Bot) lang() string {
	if b.cfg.CreatorLang == "en" {
		return "en"
	}
	return "id"
}

// templateText returns the template in force: the admin's, else the
// default in the creator language.
func (b *Bot) templateText(ctx context.Context, name string) (text string, custom bool) {
	spec, _ := templateSpecFor(name)
	ts, err := b.db.Templates(ctx)
	if err != nil {
		b.log.Warn("templates not read; using the default", "err", err)
	}
	if t, ok := ts[name]; ok && t.Text != "" {
		return t.Text, true
	}
	return spec.Default[b.lang()], false
}

var (
	idDays   = []string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
	idMonths = []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}
)

// creatorDate formats a day for the creator: "Senin, 14 Desember 2026" in
// Indonesian, "Mon 14 Dec 2026" in English.
func (b *Bot) creatorDate(t time.Time) string {
	t = t.In(b.cfg.Location)
	if b.lang() == "id" {
		return fmt.Sprintf("%s, %d %s %d", idDays[t.Weekday()], t.Day(), idMonths[t.Month()-1], t.Year())
	}
	return t.Format("Mon 2 Jan 2006")
}

// creatorDateTime adds the time: "Senin, 14 Desember 2026 pukul 23.59 WIB".
func (b *Bot) creatorDateTime(t time.Time) string {
	l := t.In(b.cfg.Location)
	if b.lang() == "id" {
		return b.creatorDate(t) + " pukul " + l.Format("15.04 MST")
	}
	return l.Format("Mon 2 Jan 2006, 15:04 MST")
}

// codeBlockSafe keeps text whole inside a ``` block and free of mentions.
func codeBlockSafe(s string) string {
	return strings.ReplaceAll(esc(s), "`", "'")
}

// voucherValues are the voucher template's values for v.
func (b *Bot) voucherValues(v *store.Voucher) map[string]string {
	return map[string]string{
		"handle": v.Handle, "product": truncate(v.Product, 200), "value": b.money(v.Value), "code": v.Code,
		"valid_until":  b.creatorDateTime(v.ExpiresAt.Add(-time.Minute)),
		"content_days": strconv.Itoa(b.cfg.ContentDays),
	}
}

// reminderValues are the reminder template's values for v at now.
func (b *Bot) reminderValues(v *store.Voucher, now time.Time) map[string]string {
	m := b.voucherValues(v)
	due := v.DueDate(b.samplePolicy())
	left := daysBetween(sampleDay(now, b.cfg.Location), due)
	m["received_date"] = b.creatorDate(v.ClockStart())
	m["due_date"] = b.creatorDate(due)
	m["days_left"] = strconv.Itoa(max(left, 0))
	return m
}

// creatorMessage is the voucher text the POC sends the creator, ready for
// a code block.
func (b *Bot) creatorMessage(ctx context.Context, v *store.Voucher) string {
	t, _ := b.templateText(ctx, tmplVoucher)
	return codeBlockSafe(renderTemplate(t, b.voucherValues(v)))
}

// reminderMessage is the content reminder for v, ready for a code block.
func (b *Bot) reminderMessage(ctx context.Context, v *store.Voucher, now time.Time) string {
	t, custom := b.templateText(ctx, tmplReminder)
	if spec, _ := templateSpecFor(tmplReminder); !custom && v.SampleState().DeliveredAt.IsZero() {
		t = spec.Ordered[b.lang()]
	}
	return codeBlockSafe(renderTemplate(t, b.reminderValues(v, now)))
}

// exampleVoucher is what a template preview is rendered with.
func (b *Bot) exampleVoucher() *store.Voucher {
	now := b.Now()
	red := now.AddDate(0, 0, -6)
	return &store.Voucher{Code: "SMP-7KQ3-9XF2-M4T9", Handle: "sari.beauty", Product: "Glow Serum 30ml", Value: 150_000,
		Status: store.VoucherRedeemed, ExpiresAt: endOfDay(now.AddDate(0, 0, b.cfg.VoucherDays), b.cfg.Location),
		History: []store.VoucherEvent{{At: red.AddDate(0, 0, -2), Status: store.VoucherIssued}, {At: red, Status: store.VoucherRedeemed}}}
}

// voucherTemplate handles "/voucher template [NAME [TEXT|reset]]".
func (b *Bot) voucherTemplate(ctx context.Context, r *Request, rest string) error {
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return b.templateList(ctx, r)
	}
	name, text := splitWord(clean(rest))
	spec, ok := templateSpecFor(name)
	if !ok {
		return errorf("There is no template %s. The templates are: voucher, reminder. Type /voucher template to see them.", quote(name))
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return b.reply(ctx, r, b.templateMsg(ctx, spec, ""))
	}
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("change the creator message templates")
	}
	lead := ""
	if strings.EqualFold(text, "reset") || strings.EqualFold(text, "default") {
		if err := b.db.SetTemplate(ctx, spec.Name, "", r.UserID); err != nil {
			return err
		}
		lead = fmt.Sprintf(":leftwards_arrow_with_hook: The *%s* template is back to the built-in text.", spec.Name)
	} else {
		if err := validateTemplate(spec, text); err != nil {
			return err
		}
		if err := b.db.SetTemplate(ctx, spec.Name, text, r.UserID); err != nil {
			return err
		}
		lead = fmt.Sprintf(":white_check_mark: Saved the *%s* template. This is how it reads now:", spec.Name)
	}
	return b.reply(ctx, r, b.templateMsg(ctx, spec, lead))
}

func (b *Bot) templateList(ctx context.Context, r *Request) error {
	var blocks []slack.Block
	for _, s := range templateSpecs {
		blocks = append(blocks, b.templateMsg(ctx, s, "").blocks...)
		blocks = append(blocks, slack.NewDividerBlock())
	}
	blocks = append(blocks, contextText("Admins replace one with `/voucher template NAME TEXT` (placeholders in braces), or restore it with `/voucher template NAME reset`."))
	return b.reply(ctx, r, msg{text: "Creator message templates.", blocks: blocks})
}

// templateMsg shows a template, where it comes from, its placeholders and
// a preview with example values.
func (b *Bot) templateMsg(ctx context.Context, spec templateSpec, lead string) msg {
	text, custom := b.templateText(ctx, spec.Name)
	src := fmt.Sprintf("built-in, %s (POCBOT_CREATOR_LANG)", map[string]string{"id": "Bahasa Indonesia", "en": "English"}[b.lang()])
	if custom {
		src = "replaced by an admin"
	}
	ex := b.exampleVoucher()
	values := b.voucherValues(ex)
	if spec.Name == tmplReminder {
		values = b.reminderValues(ex, b.Now())
	}
	var blocks []slack.Block
	if lead != "" {
		blocks = append(blocks, section(lead))
	}
	names := append([]string(nil), spec.Allowed...)
	sort.Strings(names)
	head := section(fmt.Sprintf("*Template %s* — %s · %s\n```%s```", spec.Name, esc(spec.What), src, codeBlockSafe(text)))
	head.Accessory = slack.NewAccessory(button(actionTemplateEdit, spec.Name, "Edit"))
	blocks = append(blocks, head, section("*Preview*\n```"+codeBlockSafe(renderTemplate(text, values))+"```"))
	if alt := spec.Ordered[b.lang()]; alt != "" && !custom {
		blocks = append(blocks, section("*Preview when no delivery is recorded* (the built-in text then says the sample was ordered that day)\n```"+
			codeBlockSafe(renderTemplate(alt, values))+"```"))
	}
	blocks = append(blocks,
		contextText("Placeholders: {"+strings.Join(names, "}, {")+"} · required: {"+strings.Join(spec.Required, "}, {")+"}"),
	)
	return msg{text: "Template " + spec.Name + ".", blocks: blocks}
}

// openTemplateModal is Edit on a template: a form with the text in force,
// for admins.
func (b *Bot) openTemplateModal(ctx context.Context, r *Request) error {
	spec, ok := templateSpecFor(r.Action.Value)
	if !ok {
		return errorf("That button is damaged; type /voucher template again.")
	}
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("change the creator message templates")
	}
	text, _ := b.templateText(ctx, spec.Name)
	names := "{" + strings.Join(spec.Allowed, "}, {") + "}"
	return b.openModal(ctx, r, modal(templateModalID, "Template "+spec.Name, "Save", viewMeta{Channel: r.ChannelID, Ref: spec.Name},
		section(esc("The "+spec.What+".")),
		textInput(templateBlockText, "Text", "", text, true, store.MaxTemplateLen, false),
		contextText("Placeholders: "+names+" · required: {"+strings.Join(spec.Required, "}, {")+"}. Type reset to restore the built-in text."),
	))
}

// submitTemplateModal validates and saves the edited template; a bad
// placeholder stays on the form.
func (b *Bot) submitTemplateModal(ctx context.Context, r *Request) (*slack.ViewSubmissionResponse, func(context.Context) error, error) {
	meta := decodeMeta(r.Callback.View.PrivateMetadata)
	spec, ok := templateSpecFor(meta.Ref)
	if !ok {
		return nil, nil, errorf("That form is damaged; press Edit on the template again.")
	}
	if !b.isAdmin(r.UserID) {
		return nil, nil, b.notAdmin("change the creator message templates")
	}
	text := clean(viewState(r).text(templateBlockText))
	lead := fmt.Sprintf(":white_check_mark: Saved the *%s* template. This is how it reads now:", spec.Name)
	if strings.EqualFold(text, "reset") || strings.EqualFold(text, "default") {
		text = ""
		lead = fmt.Sprintf(":leftwards_arrow_with_hook: The *%s* template is back to the built-in text.", spec.Name)
	} else if err := validateTemplate(spec, text); err != nil {
		return fieldErrors{templateBlockText: store.ErrorMessage(err)}.response(), nil, nil
	}
	if err := b.db.SetTemplate(ctx, spec.Name, text, r.UserID); err != nil {
		if store.ErrorCode(err) == store.Invalid {
			return fieldErrors{templateBlockText: store.ErrorMessage(err)}.response(), nil, nil
		}
		return nil, nil, err
	}
	r.ChannelID = meta.Channel
	return nil, func(ctx context.Context) error { return b.reply(ctx, r, b.templateMsg(ctx, spec, lead)) }, nil
}
