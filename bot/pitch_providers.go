package bot

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/store"
)

// pitchProviders registers what the pitch feature can count and show.
func (b *Bot) pitchProviders() {
	b.registerMetric(metricSource{Name: store.MetricPitches, Label: "pitches", CountDays: b.db.PitchCountsByDay,
		CountUser: b.db.UserPitchCountsByDay})
	b.registerMetric(metricSource{Name: store.MetricAgreed, Label: "agreed", CountDays: b.db.AgreedCountsByDay})
	b.registerDigestSection(sectionFollowups, b.digestFollowups)
	b.registerWorkload(workloadFollowups, func(ctx context.Context, now time.Time) (map[string]int, error) {
		c, _, err := b.db.OpenPitchCounts(ctx, b.followupCutoffAt(now))
		return c, err
	})
	b.registerHomeSection(homePitches, b.homeMyPitches)
	b.registerHomeSection(homeFollowups, b.homeMyFollowups)
}

// followupCutoffAt is followupCutoff for an arbitrary now.
func (b *Bot) followupCutoffAt(now time.Time) time.Time {
	return now.Add(-time.Duration(b.cfg.FollowupDays) * 24 * time.Hour)
}

// digestFollowups lists, per owner, the open pitches due a follow-up.
func (b *Bot) digestFollowups(ctx context.Context, day time.Time) ([]string, error) {
	asOf := b.digestAsOf(day)
	counts, oldest, err := b.db.OpenPitchCounts(ctx, b.followupCutoffAt(asOf))
	if err != nil {
		return nil, err
	}
	users := make([]string, 0, len(counts))
	for u := range counts {
		users = append(users, u)
	}
	sort.Slice(users, func(i, j int) bool {
		if counts[users[i]] != counts[users[j]] {
			return counts[users[i]] > counts[users[j]]
		}
		return users[i] < users[j]
	})
	var lines []string
	for _, u := range users {
		days := int(asOf.Sub(oldest[u]).Hours() / 24)
		lines = append(lines, fmt.Sprintf("<@%s>: %s to follow up, oldest %s", u, plural(counts[u], "open pitch", "open pitches"), plural(days, "day", "days")))
	}
	return lines, nil
}

// homeMyPitches is my pitches this week, and how many are agreed so far.
func (b *Bot) homeMyPitches(ctx context.Context, userID string) ([]slack.Block, error) {
	now := b.Now()
	ps, err := b.db.PitchesByUser(ctx, userID, progress.WeekStart(now, b.cfg.Location), now.Add(time.Second))
	if err != nil {
		return nil, err
	}
	agreed := 0
	for _, p := range ps {
		if p.Status == store.PitchAgreed {
			agreed++
		}
	}
	return []slack.Block{section(fmt.Sprintf("*This week:* %s logged, %d agreed so far.", plural(len(ps), "pitch", "pitches"), agreed))}, nil
}

// homeFollowupRows is how many follow-ups Home lists, each with its
// outcome buttons; the rest are counted.
const homeFollowupRows = 20

// homeMyFollowups is my open pitches due a follow-up, oldest first, each
// with its outcome buttons. Only the ones shown are read; the rest are
// counted from the index, so a long list does not slow the Home down.
func (b *Bot) homeMyFollowups(ctx context.Context, userID string) ([]slack.Block, error) {
	fu, total, err := b.db.OldestOpenPitchesByUserBefore(ctx, userID, b.followupCutoff(), homeFollowupRows)
	if err != nil {
		return nil, err
	}
	blocks := []slack.Block{slack.NewDividerBlock()}
	if total == 0 {
		return append(blocks, section(":white_check_mark: *Follow-ups:* none due.")), nil
	}
	blocks = append(blocks, section(fmt.Sprintf(":hourglass_flowing_sand: *Follow-ups due: %d*", total)))
	for _, p := range fu {
		blocks = append(blocks, section(b.pitchLine(p, false)), outcomeButtons(p))
	}
	if total > len(fu) {
		blocks = append(blocks, contextText(fmt.Sprintf("…and %d more: `/pitch followups`", total-len(fu))))
	}
	return blocks, nil
}
