package bot

import (
	"context"

	"github.com/slack-go/slack"
)

const actionHomeNudges = "home_nudges" // value "on" or "off"

func (b *Bot) homeTargetRoutes() {
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
	now := b.Now()
	in, err := b.digestInput(ctx, now, now, false)
	if err != nil {
		return nil, err
	}
	text := progressText("*My progress today*", newScorer(in).board(userID), in.Metrics)
	if !in.Cal.working(in.Day) {
		text += "\n:palm_tree: Today is a day off."
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

// homeProviderSections are my issues, tasks and vouchers from the features
// that registered them, or "not tracked yet".
func (b *Bot) homeProviderSections(ctx context.Context, userID string) ([]slack.Block, error) {
	var out []slack.Block
	for _, h := range homeOrder {
		out = append(out, slack.NewDividerBlock())
		f, ok := b.prov.home[h.name]
		if !ok {
			out = append(out, section("*"+h.title+":* _not tracked yet_"))
			continue
		}
		blocks, err := f(ctx, userID)
		if err != nil {
			return nil, err
		}
		if len(blocks) == 0 {
			out = append(out, section("*"+h.title+":* none :white_check_mark:"))
			continue
		}
		out = append(out, section("*"+h.title+"*"))
		out = append(out, fitBlocks(blocks, 20, "…more; use the feature's command to see all.")...)
	}
	return out, nil
}
