package bot

import (
	"context"

	"github.com/slack-go/slack"
)

const actionHomeNudges = "home_nudges" // value "on" or "off"

func (b *Bot) homeTargetRoutes() {
	b.registerHomeSection(homeTargets, b.homeProgress)
	b.registerHomeSection(homeLeadView, b.homeLeadSection)
	b.rt.action(actionHomeNudges, func(ctx context.Context, r *Request) error {
		on := r.Action.Value == "on"
		if err := b.db.SetNudges(ctx, r.UserID, on); err != nil {
			return err
		}
		b.refreshHome(ctx, r.UserID)
		return nil
	})
}

// homeProgress is "my progress today" against targets, with a nudge toggle.
func (b *Bot) homeProgress(ctx context.Context, userID string) ([]slack.Block, error) {
	in, bd, err := b.userBoard(ctx, userID, b.Now())
	if err != nil {
		return nil, err
	}
	text := progressText("*My progress today*", bd, in.Metrics)
	if !in.Cal.Working(in.Day) {
		text += "\n:palm_tree: Today is a day off."
	}
	hs, err := b.db.Holidays(ctx)
	if err != nil {
		return nil, err
	}
	if h := upcomingHolidays(hs, b.Now(), b.cfg.Location); h != "" {
		text += "\n" + h
	}
	optOut, err := b.db.NudgeOptOuts(ctx)
	if err != nil {
		return nil, err
	}
	btn := button(actionHomeNudges, "off", "Turn nudges off")
	if optOut[userID] {
		btn = button(actionHomeNudges, "on", "Turn nudges on")
	}
	return []slack.Block{section(text), slack.NewActionBlock("home_progress", btn)}, nil
}
