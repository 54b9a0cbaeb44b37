package bot

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
)

// maxListLines bounds a list reply; the rest is counted, not shown.
const maxListLines = 60

func (b *Bot) pitchLine(p store.Pitch, withOwner bool) string {
	l := fmt.Sprintf("`PIT-%d` *@%s*", p.ID, p.Handle)
	if p.Product != "" {
		l += " — " + esc(truncate(p.Product, 80))
	}
	l += fmt.Sprintf(" · *%s* · %s", p.Status.Label(), b.when(p.CreatedAt))
	if withOwner {
		l += fmt.Sprintf(" · <@%s>", p.UserID)
	}
	return l
}

// followupCutoff: open pitches created before it need a follow-up.
func (b *Bot) followupCutoff() time.Time {
	return b.Now().Add(-time.Duration(b.cfg.FollowupDays) * 24 * time.Hour)
}

// myFollowups returns userID's open pitches older than FollowupDays,
// oldest first.
func (b *Bot) myFollowups(ctx context.Context, userID string) ([]store.Pitch, error) {
	mine, err := b.db.OpenPitchesByUserBefore(ctx, userID, b.followupCutoff())
	if err != nil {
		return nil, err
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].CreatedAt.Before(mine[j].CreatedAt) })
	return mine, nil
}

func (b *Bot) pitchFollowups(ctx context.Context, r *Request) error {
	ps, err := b.myFollowups(ctx, r.UserID)
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		text := fmt.Sprintf(":tada: No follow-ups due: none of your pitches has been open for more than %d days.", b.cfg.FollowupDays)
		return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
	}
	return b.reply(ctx, r, b.followupMsg(ps))
}

// followupMsg lists pitches to follow up, with outcome buttons for the
// oldest few.
func (b *Bot) followupMsg(ps []store.Pitch) msg {
	head := fmt.Sprintf("*%s %s a follow-up* (open for more than %s):", plural(len(ps), "pitch", "pitches"), verbS(len(ps), "needs", "need"), plural(b.cfg.FollowupDays, "day", "days"))
	blocks := []slack.Block{section(head)}
	var rest, ids []string
	for i, p := range ps {
		if i < 10 {
			ids = append(ids, strconv.FormatUint(p.ID, 10))
		}
	}
	for i, p := range ps {
		if i < 10 {
			blocks = append(blocks, section(b.pitchLine(p, false)), outcomeButtons(p, strings.Join(ids, ",")))
			continue
		}
		if len(rest) < maxListLines {
			rest = append(rest, b.pitchLine(p, false))
		}
	}
	blocks = append(blocks, joinLines(rest)...)
	if len(ps) > 10+maxListLines {
		blocks = append(blocks, contextText(fmt.Sprintf("…and %d more.", len(ps)-10-maxListLines)))
	}
	return msg{text: fmt.Sprintf("%s %s a follow-up.", plural(len(ps), "pitch", "pitches"), verbS(len(ps), "needs", "need")), blocks: blocks}
}

// pitchList handles "/pitch list [mine|@user|today|week]".
func (b *Bot) pitchList(ctx context.Context, r *Request, arg string) error {
	now := b.Now()
	arg = strings.TrimSpace(arg)
	var (
		ps    []store.Pitch
		title string
		err   error
	)
	weekAgo := now.AddDate(0, 0, -7)
	switch {
	case arg == "" || strings.EqualFold(arg, "mine"):
		title = "Your pitches, last 7 days"
		ps, err = b.db.PitchesByUser(ctx, r.UserID, weekAgo, now.Add(time.Second))
	case strings.HasPrefix(arg, "<@"):
		u := userIDFromMention(arg)
		if u == "" {
			return errorf("I couldn't read %s as a person. Pick them with @ so Slack links the name.", quote(arg))
		}
		title = fmt.Sprintf("Pitches by <@%s>, last 7 days", u)
		ps, err = b.db.PitchesByUser(ctx, u, weekAgo, now.Add(time.Second))
	default:
		p, ok := progress.ParsePeriod(arg, "", now, b.cfg.Location)
		if !ok {
			return errorf("I can list `mine`, `@person`, `today` or `week` — not %s. Example: /pitch list today", quote(arg))
		}
		title = "Team pitches " + p.Name
		ps, err = b.db.PitchesBetween(ctx, p.From, p.To)
	}
	if err != nil {
		return err
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].CreatedAt.After(ps[j].CreatedAt) })
	if len(ps) == 0 {
		text := title + ": none."
		return b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}})
	}
	var lines []string
	for i, p := range ps {
		if i == maxListLines {
			break
		}
		lines = append(lines, b.pitchLine(p, true))
	}
	blocks := []slack.Block{section(fmt.Sprintf("*%s* (%d)", title, len(ps)))}
	blocks = append(blocks, joinLines(lines)...)
	if len(ps) > maxListLines {
		blocks = append(blocks, contextText(fmt.Sprintf("Showing the newest %d of %d.", maxListLines, len(ps))))
	}
	return b.reply(ctx, r, msg{text: fmt.Sprintf("%s: %s.", title, plural(len(ps), "pitch", "pitches")), blocks: blocks})
}

// pitchStats handles "/pitch stats [today|week|month]".
func (b *Bot) pitchStats(ctx context.Context, r *Request, arg string) error {
	p, ok := progress.ParsePeriod(strings.TrimSpace(arg), "week", b.Now(), b.cfg.Location)
	if !ok {
		return errorf("Stats cover `today`, `week` or `month` — not %s. Example: /pitch stats week", quote(arg))
	}
	st, err := b.db.PitchStats(ctx, p.From, p.To)
	if err != nil {
		return err
	}
	sf, err := b.db.PitchSampleFunnels(ctx, p.From, p.To)
	if err != nil {
		return err
	}
	return b.reply(ctx, r, b.statsMsg(p, st, sf))
}

func funnelLine(f store.Funnel) string {
	return fmt.Sprintf("%d pitched → %d interested (%s) → %d agreed (%s) · %d declined · %d no response",
		f.Pitched, f.Interested, pct(f.Interested, f.Pitched), f.Agreed, pct(f.Agreed, f.Pitched), f.Declined, f.NoResponse)
}

// funnelToPosted is funnelLine run on to sample and posted (creators with an
// agreed pitch in the period who were then sent a sample, and who posted).
func funnelToPosted(f store.Funnel, s store.PitchSampleFunnel) string {
	return fmt.Sprintf("%d pitched → %d interested (%s) → %d agreed (%s) → %d sample (%s) → %d posted (%s) · %d declined · %d no response",
		f.Pitched, f.Interested, pct(f.Interested, f.Pitched), f.Agreed, pct(f.Agreed, f.Pitched),
		s.Sampled, pct(s.Sampled, f.Pitched), s.Posted, pct(s.Posted, f.Pitched), f.Declined, f.NoResponse)
}

func (b *Bot) statsMsg(p progress.Period, st *store.PitchStats, sf map[string]store.PitchSampleFunnel) msg {
	head := fmt.Sprintf("*Pitch funnel, %s* (%s – %s)", p.Name, p.From.In(b.cfg.Location).Format("Mon 2 Jan"),
		p.To.Add(-time.Nanosecond).In(b.cfg.Location).Format("Mon 2 Jan 15:04"))
	blocks := []slack.Block{section(head), section("*Team:* " + funnelToPosted(st.Team, sf[""]))}
	users := make([]string, 0, len(st.PerUser))
	for u := range st.PerUser {
		users = append(users, u)
	}
	sort.Slice(users, func(i, j int) bool {
		a, c := st.PerUser[users[i]], st.PerUser[users[j]]
		if a.Agreed != c.Agreed {
			return a.Agreed > c.Agreed
		}
		if a.Pitched != c.Pitched {
			return a.Pitched > c.Pitched
		}
		return users[i] < users[j]
	})
	var lines []string
	for _, u := range users {
		lines = append(lines, fmt.Sprintf("<@%s>: %s", u, funnelToPosted(st.PerUser[u], sf[u])))
	}
	blocks = append(blocks, joinLines(lines)...)
	blocks = append(blocks, contextText("Interested counts pitches that reached interested or agreed; sample and posted count creators with an agreed pitch in the period who were then sent a sample voucher, and who posted content for it; rates are of pitches logged in the period."))
	return msg{text: fmt.Sprintf("Pitch funnel %s: %d pitched, %d interested, %d agreed.", p.Name, st.Team.Pitched, st.Team.Interested, st.Team.Agreed), blocks: blocks}
}
