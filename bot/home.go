package bot

import (
	"context"
	"fmt"

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
	more, err := b.homeSections(ctx, userID)
	if err != nil {
		return slack.HomeTabViewRequest{}, err
	}
	blocks = append(blocks, more...)
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: fitBlocks(blocks, maxViewBlocks, "…")}}, nil
}

// homeSections are the registered App Home sections in homeOrder.
func (b *Bot) homeSections(ctx context.Context, userID string) ([]slack.Block, error) {
	var out []slack.Block
	for _, h := range homeOrder {
		f, ok := b.prov.home[h.name]
		if h.title == "" { // the section draws its own heading
			if ok {
				blocks, err := f(ctx, userID)
				if err != nil {
					return nil, err
				}
				out = append(out, blocks...)
			}
			continue
		}
		out = append(out, slack.NewDividerBlock())
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

func (b *Bot) publishHome(ctx context.Context, userID string) error {
	v, err := b.homeView(ctx, userID)
	if err != nil {
		return err
	}
	return b.publishView(ctx, userID, v)
}

// publishView publishes a built Home tab.
func (b *Bot) publishView(ctx context.Context, userID string, v slack.HomeTabViewRequest) error {
	if _, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: v}); err != nil {
		return fmt.Errorf("views.publish: %w", err)
	}
	return nil
}
