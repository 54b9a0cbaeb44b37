package bot

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// voucherExport: "/voucher export [campaign] [from to]", admins only,
// because the file lists every live code and a code is money. The CSV is
// uploaded into the user's DM with the bot: files.completeUploadExternal
// only shares into a conversation ID (C…, G…, D…), never a user ID, so the
// DM is found with conversations.open first.
func (b *Bot) voucherExport(ctx context.Context, r *Request, rest string) error {
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("export vouchers")
	}
	campaign, from, to, err := parseExportArgs(rest, b.cfg.Location)
	if err != nil {
		return err
	}
	if campaign != "" {
		c, err := b.db.Campaign(ctx, campaign)
		if err != nil {
			return err
		}
		campaign = c.Name
	}
	vs, err := b.db.Vouchers(ctx, store.VoucherFilter{Campaign: campaign, From: from, To: to})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := store.WriteVoucherCSV(&buf, vs, b.cfg.Currency, b.cfg.Location); err != nil {
		return err
	}
	name := "vouchers"
	if campaign != "" {
		name += "-" + campaign
	}
	if !from.IsZero() {
		name += "-" + from.Format("20060102") + "-" + to.AddDate(0, 0, -1).Format("20060102")
	}
	name += ".csv"
	dm, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{r.UserID}})
	if err != nil {
		return fmt.Errorf("conversations.open for export: %w", slackDetail(err))
	}
	comment := fmt.Sprintf("%s%s. Cells that a spreadsheet would run as a formula start with an apostrophe.", plural(len(vs), "voucher", "vouchers"), exportScope(campaign, from, to))
	_, err = b.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: bytes.NewReader(buf.Bytes()), FileSize: buf.Len(), Filename: name, Title: name,
		Channel: dm.ID, InitialComment: comment,
	})
	if err != nil {
		return fmt.Errorf("upload export: %w", slackDetail(err))
	}
	text := fmt.Sprintf(":page_facing_up: Sent `%s` (%s) to your DM with me.", name, plural(len(vs), "voucher", "vouchers"))
	return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
}

func exportScope(campaign string, from, to time.Time) string {
	s := ""
	if campaign != "" {
		s += " of campaign " + campaign
	}
	if !from.IsZero() {
		s += fmt.Sprintf(" issued %s to %s", from.Format("2 Jan 2006"), to.AddDate(0, 0, -1).Format("2 Jan 2006"))
	}
	return s
}
