package bot

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// The content clock: once a day (POCBOT_CONTENT_CRON, working days only)
// each owner gets one DM listing their samples that are due the one post
// reminder, with the copy-ready reminder and a Reminded button, and the
// samples whose deadline passed; the admins get the deadline list too.
// Every sample is claimed in the store before anything is sent, so a
// sample is listed for its reminder once and its deadline is announced
// once, across restarts and overlapping runs.

// maxClockRows is how many samples one DM shows with their buttons (three
// blocks each, within Slack's 50); the rest are listed as lines.
const maxClockRows = 12

// maxClockRest caps the lines listed after the rows, so the DM stays
// within Slack's block limit however many samples fall due.
const maxClockRest = 60

// clockStartText says what started a sample's clock: "delivered Tue 1 Dec"
// or "ordered Mon 30 Nov (no delivery recorded)".
func (b *Bot) clockStartText(v *store.Voucher) string {
	if d := v.SampleState().DeliveredAt; !d.IsZero() {
		return "delivered " + b.dayText(d)
	}
	return "ordered " + b.dayText(v.RedeemedAt()) + " (no delivery recorded)"
}

func remindKey(code string) string { return "sample-remind/" + code }
func deadlineKey(code string, due time.Time) string {
	return "sample-deadline/" + code + "/" + due.Format("2006-01-02")
}

// sampleOwner is who answers for a sample: the creator's owner, else the
// voucher's issuer.
func (b *Bot) sampleOwner(ctx context.Context, v *store.Voucher, cache map[string]string) string {
	if o, ok := cache[v.Handle]; ok {
		return o
	}
	o := v.IssuerID
	if c, err := b.db.Creator(ctx, v.Handle); err == nil && c.OwnerID != "" {
		o = c.OwnerID
	}
	cache[v.Handle] = o
	return o
}

// contentClockJob runs the day's reminders and deadline notices.
func (b *Bot) contentClockJob(ctx context.Context, due time.Time) error {
	loc := b.cfg.Location
	now := b.Now()
	day := sampleDay(due, loc)
	log := b.log.With("job", "content_clock", "day", day.Format("2006-01-02"))
	if !sampleDay(now, loc).Equal(day) {
		log.Info("content clock day is over; not sending it late")
		return nil
	}
	cal, err := b.calendar(ctx)
	if err != nil {
		return err
	}
	if !cal.Working(day) {
		log.Info("day off; no content reminders")
		return nil
	}
	vs, err := b.db.OpenSamples(ctx)
	if err != nil {
		return err
	}
	p := b.samplePolicy()
	owners := map[string]string{}
	type dueSet struct{ remind, late []*store.Voucher }
	per := map[string]*dueSet{}
	var keys []string
	var cand []*store.Voucher
	for i := range vs {
		v := &vs[i]
		switch {
		case v.Overdue(p, now):
			keys = append(keys, deadlineKey(v.Code, v.DueDate(p)))
		case v.SampleState().RemindedAt.IsZero() && !now.Before(v.RemindFrom(p)):
			keys = append(keys, remindKey(v.Code))
		default:
			continue
		}
		cand = append(cand, v)
	}
	if len(keys) == 0 {
		return nil
	}
	fresh, err := b.db.ClaimAll(ctx, keys)
	if err != nil {
		return err
	}
	keyOf := map[string]string{}
	for i, v := range cand {
		if !fresh[i] {
			continue
		}
		keyOf[v.Code] = keys[i]
		o := b.sampleOwner(ctx, v, owners)
		s := per[o]
		if s == nil {
			s = &dueSet{}
			per[o] = s
		}
		if v.Overdue(p, now) {
			s.late = append(s.late, v)
		} else {
			s.remind = append(s.remind, v)
		}
	}
	users := make([]string, 0, len(per))
	for u := range per {
		users = append(users, u)
	}
	sort.Strings(users)
	var allLate []*store.Voucher
	sent := map[string]bool{} // codes whose notice reached someone
	for _, u := range users {
		s := per[u]
		allLate = append(allLate, s.late...)
		if _, _, err := b.post(ctx, u, b.clockDM(ctx, s.remind, s.late, now)); err != nil {
			log.Error("content DM failed; will retry next run", "user", u, "err", err)
			continue
		}
		for _, v := range append(append([]*store.Voucher(nil), s.remind...), s.late...) {
			sent[v.Code] = true
		}
	}
	if len(allLate) > 0 {
		for _, a := range b.cfg.Admins {
			var theirs []*store.Voucher
			for _, v := range allLate {
				if b.sampleOwner(ctx, v, owners) != a {
					theirs = append(theirs, v)
				}
			}
			if len(theirs) == 0 {
				continue
			}
			if _, _, err := b.post(ctx, a, b.adminDeadlineDM(ctx, theirs, owners)); err != nil {
				log.Error("deadline notice to admin failed", "admin", a, "err", err)
				continue
			}
			for _, v := range theirs {
				sent[v.Code] = true
			}
		}
	}
	var release []string
	for code, k := range keyOf {
		if !sent[code] {
			release = append(release, k)
		}
	}
	if len(release) > 0 {
		if err := b.db.ReleaseAll(context.WithoutCancel(ctx), release); err != nil {
			return err
		}
		return fmt.Errorf("content clock: %d notices not delivered; released for the next run", len(release))
	}
	log.Info("content clock sent", "owners", len(users), "late", len(allLate))
	return nil
}

// clockDM is an owner's daily DM: reminders due, then deadlines passed.
func (b *Bot) clockDM(ctx context.Context, remind, late []*store.Voucher, now time.Time) msg {
	var blocks []slack.Block
	rows := 0
	var rest []string
	if len(remind) > 0 {
		blocks = append(blocks, section(fmt.Sprintf(":bell: *%s due a content reminder.* A sample gets one reminder: send the message, then press *Reminded*.",
			plural(len(remind), "sample is", "samples are"))))
		for _, v := range remind {
			line := fmt.Sprintf("*@%s* — %s · `%s` · %s · content due *%s*", v.Handle, esc(truncate(v.Product, 80)), v.Code,
				b.clockStartText(v), b.sampleDueText(v))
			if rows >= maxClockRows {
				rest = append(rest, "• "+line+fmt.Sprintf(" — `/voucher %s reminded`", v.Code))
				continue
			}
			rows++
			blocks = append(blocks, section(line+"\n```"+b.reminderMessage(ctx, v, now)+"```"),
				slack.NewActionBlock("remind_"+v.Code, button(actionSampleReminded, v.Code, "Reminded"),
					button(sampleAction(store.StepPosted), v.Code, "Content posted")))
		}
	}
	if len(late) > 0 {
		blocks = append(blocks, section(fmt.Sprintf(":alarm_clock: *%s passed the content deadline* with no video recorded. Record the video, extend once, or close it without content.",
			plural(len(late), "sample has", "samples have"))))
		for _, v := range late {
			line := fmt.Sprintf("*@%s* — %s · `%s` · due *%s*", v.Handle, esc(truncate(v.Product, 80)), v.Code, b.sampleDueText(v))
			if rows >= maxClockRows {
				rest = append(rest, "• "+line)
				continue
			}
			rows++
			els := []slack.BlockElement{button(sampleAction(store.StepPosted), v.Code, "Content posted")}
			if v.SampleState().ExtendedDays == 0 {
				els = append(els, button(sampleAction(store.StepExtended), v.Code, fmt.Sprintf("Extend %d days", store.DefaultExtend)))
			}
			els = append(els, button(sampleAction(store.StepNoContent), v.Code, "No content"))
			blocks = append(blocks, section(line), slack.NewActionBlock("late_"+v.Code, els...))
		}
	}
	if len(rest) > maxClockRest {
		more := len(rest) - maxClockRest
		rest = append(rest[:maxClockRest], fmt.Sprintf("…and %d more: `/voucher list mine` and `/creator @handle` show them.", more))
	}
	if len(rest) > 0 {
		blocks = append(blocks, joinLines(rest)...)
	}
	text := fmt.Sprintf("Samples: %d due a reminder, %d past the content deadline.", len(remind), len(late))
	return msg{text: text, blocks: blocks}
}

// adminDeadlineDM lists other owners' samples whose deadline passed.
func (b *Bot) adminDeadlineDM(ctx context.Context, late []*store.Voucher, owners map[string]string) msg {
	lines := []string{fmt.Sprintf(":alarm_clock: *%s passed the content deadline today* (their owners were told):", plural(len(late), "sample has", "samples have"))}
	for _, v := range late {
		lines = append(lines, fmt.Sprintf("• *@%s* — %s · `%s` · due %s · owner <@%s>", v.Handle, esc(truncate(v.Product, 80)), v.Code,
			b.dayText(v.DueDate(b.samplePolicy())), b.sampleOwner(ctx, v, owners)))
	}
	return msg{text: plural(len(late), "sample", "samples") + " past the content deadline.", blocks: joinLines(lines)}
}
