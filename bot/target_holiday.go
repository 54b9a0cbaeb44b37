package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
)

// Team holidays, with names: /target holiday add 2026-12-25 Natal.

// holidayAhead is how far ahead the digest and App Home announce holidays.
const holidayAhead = 14

func (b *Bot) targetHoliday(ctx context.Context, r *Request, rest string) error {
	verb, arg := splitWord(rest)
	date, name := splitWord(arg)
	switch strings.ToLower(verb) {
	case "", "list":
		return b.holidayList(ctx, r)
	case "add", "remove", "delete", "rm":
	default:
		return errorf("Write /target holiday add YYYY-MM-DD [name], /target holiday remove YYYY-MM-DD or /target holiday list.")
	}
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("change holidays")
	}
	d, err := store.ParseDate(date)
	if err != nil {
		return err
	}
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, b.cfg.Location)
	today := b.Now().In(b.cfg.Location).Format("2006-01-02")
	hs, err := b.db.Holidays(ctx)
	if err != nil {
		return err
	}
	var existing *store.Holiday
	for i := range hs {
		if hs[i].Date == date {
			existing = &hs[i]
		}
	}
	var text string
	if strings.ToLower(verb) == "add" {
		switch {
		case date < today:
			return errorf("%s is in the past: a holiday counts from today on, and past days keep the targets they were judged by. Pick today or a later date.", day.Format("Mon 2 Jan 2006"))
		case existing != nil:
			return mdErrorf("%s is already a holiday%s. Nothing changed.", day.Format("Mon 2 Jan 2006"), holidaySuffix(existing.Name))
		case !progress.NewCalendar(b.cfg.Location, b.cfg.Workdays, nil).Working(day):
			return errorf("%s is already a day off (working days: %s), so there is nothing to add.", day.Format("Mon 2 Jan 2006"), b.workdayNames())
		}
		if err := b.db.AddNamedHoliday(ctx, date, name, r.UserID); err != nil {
			return err
		}
		text = fmt.Sprintf(":palm_tree: %s is a holiday%s: no targets, streaks, nudges or digest that day.", day.Format("Mon 2 Jan 2006"), holidaySuffix(holidayShown(name)))
	} else {
		if err := b.db.RemoveHoliday(ctx, date, r.UserID); err != nil {
			return err
		}
		text = fmt.Sprintf(":white_check_mark: %s is a normal day again.", date)
	}
	return b.reply(ctx, r, msg{text: notifyText(text), blocks: []slack.Block{section(text)}})
}

// holidayShown is a holiday name as typed, as the store keeps it.
func holidayShown(name string) string {
	name = strings.Join(strings.Fields(name), " ")
	if r := []rune(name); len(r) > store.MaxHolidayName {
		name = string(r[:store.MaxHolidayName])
	}
	return name
}

// holidaySuffix is " (Natal)" for a named holiday, escaped.
func holidaySuffix(name string) string {
	if name == "" {
		return ""
	}
	return " (" + esc(name) + ")"
}

func (b *Bot) holidayList(ctx context.Context, r *Request) error {
	hs, err := b.db.Holidays(ctx)
	if err != nil {
		return err
	}
	today := b.Now().In(b.cfg.Location).Format("2006-01-02")
	var lines []string
	for _, h := range hs {
		if h.Date >= today {
			d, _ := time.Parse("2006-01-02", h.Date)
			l := fmt.Sprintf("• %s (%s)", h.Date, d.Format("Monday"))
			if h.Name != "" {
				l += " — " + esc(h.Name)
			}
			lines = append(lines, l)
		}
	}
	text := "*Upcoming holidays*\n" + strings.Join(lines, "\n")
	if len(lines) == 0 {
		text = "No upcoming holidays. Admins add one with `/target holiday add YYYY-MM-DD name`, e.g. `/target holiday add 2026-12-25 Natal`."
	}
	return b.reply(ctx, r, msg{text: notifyText(text), blocks: joinLines([]string{text})})
}

// upcomingHolidays is a line naming today's holiday and those in the next
// holidayAhead days ("" when none), for the digest and App Home.
func upcomingHolidays(hs []store.Holiday, now time.Time, loc *time.Location) string {
	today := now.In(loc).Format("2006-01-02")
	until := now.In(loc).AddDate(0, 0, holidayAhead).Format("2006-01-02")
	var parts []string
	for _, h := range hs {
		if h.Date < today || h.Date > until {
			continue
		}
		d, _ := time.ParseInLocation("2006-01-02", h.Date, loc)
		p := d.Format("Mon 2 Jan")
		if h.Date == today {
			p = "today"
		}
		if h.Name != "" {
			p += " — " + esc(h.Name)
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return ""
	}
	return ":palm_tree: Holidays: " + strings.Join(parts, " · ")
}
