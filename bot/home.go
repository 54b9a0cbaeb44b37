package bot

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

func (b *Bot) homeRoutes() {
	b.rt.event(string(slackevents.AppHomeOpened), b.appHomeOpened)
	b.homeTargetRoutes()
}

func (b *Bot) appHomeOpened(ctx context.Context, r *Request) error {
	if e, ok := r.Event.(*slackevents.AppHomeOpenedEvent); ok && e.Tab != "" && e.Tab != "home" {
		return nil // the Messages tab needs no view
	}
	return b.publishHome(ctx, r.UserID)
}

// refreshHome refreshes the user's App Home after one of their actions:
// after the handler's reply, coalesced per user (refresh.go). A failure is
// logged, never shown: the action itself succeeded.
func (b *Bot) refreshHome(ctx context.Context, userID string) {
	b.refreshLater(ctx, userID, kindHome)
}

// homeView builds the Home tab for userID.
func (b *Bot) homeView(ctx context.Context, userID string) (slack.HomeTabViewRequest, error) {
	now := b.Now()
	blocks := []slack.Block{
		header("Your pocbot"),
		contextText(fmt.Sprintf("Updated %s · times in %s", now.In(b.cfg.Location).Format("Mon 2 Jan 15:04"), b.cfg.Location)),
	}
	progress, err := b.homeProgress(ctx, userID)
	if err != nil {
		return slack.HomeTabViewRequest{}, err
	}
	blocks = append(blocks, progress...)
	// Pitches this week.
	ps, err := b.db.PitchesByUser(ctx, userID, weekStart(now, b.cfg.Location), now.Add(time.Second))
	if err != nil {
		return slack.HomeTabViewRequest{}, err
	}
	agreed := 0
	for _, p := range ps {
		if p.Status == "agreed" {
			agreed++
		}
	}
	blocks = append(blocks, section(fmt.Sprintf("*This week:* %d pitch(es) logged, %d agreed so far.", len(ps), agreed)))
	// Follow-ups.
	fu, err := b.myFollowups(ctx, userID)
	if err != nil {
		return slack.HomeTabViewRequest{}, err
	}
	blocks = append(blocks, slack.NewDividerBlock())
	if len(fu) == 0 {
		blocks = append(blocks, section(":white_check_mark: *Follow-ups:* none due."))
	} else {
		blocks = append(blocks, section(fmt.Sprintf(":hourglass_flowing_sand: *Follow-ups due: %d*", len(fu))))
		sort.Slice(fu, func(i, j int) bool { return fu[i].CreatedAt.Before(fu[j].CreatedAt) })
		for i, p := range fu {
			if i == 20 {
				blocks = append(blocks, contextText(fmt.Sprintf("…and %d more: `/pitch followups`", len(fu)-20)))
				break
			}
			blocks = append(blocks, section(b.pitchLine(p, false)), outcomeButtons(p))
		}
	}
	more, err := b.homeProviderSections(ctx, userID)
	if err != nil {
		return slack.HomeTabViewRequest{}, err
	}
	blocks = append(blocks, more...)
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: fitBlocks(blocks, maxViewBlocks, "…")}}, nil
}

func (b *Bot) publishHome(ctx context.Context, userID string) error {
	v, err := b.homeView(ctx, userID)
	if err != nil {
		return err
	}
	if _, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: v}); err != nil {
		return fmt.Errorf("views.publish: %w", err)
	}
	return nil
}
