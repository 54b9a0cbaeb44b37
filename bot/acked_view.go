package bot

import (
	"context"
	"errors"
	"time"

	"github.com/slack-go/slack"
)

// ackedView is a modal a view_submission ack replaced (response_action
// update) while work goes on after the ack. Slack applies an ack when it
// arrives, but slack-go sends acks from its own writer goroutine, so a
// views.update made right after acking can reach Slack first and be
// overwritten by the ack's view a moment later. The ack's view therefore
// carries a fresh external_id, and updates address the view by it: until
// Slack shows the ack's view it answers not_found, and the update is
// retried for a few seconds. Once an update has landed, not_found means
// the user closed the modal.
type ackedView struct {
	ext   string
	shown bool
}

func newAckedView() *ackedView { return &ackedView{ext: "pocbot-" + newRef() + newRef()} }

// view marks v as the ack's view.
func (a *ackedView) view(v *slack.ModalViewRequest) *slack.ModalViewRequest {
	v.ExternalID = a.ext
	return v
}

// update replaces the view with v (keeping the external_id).
func (b *Bot) updateAcked(ctx context.Context, a *ackedView, v slack.ModalViewRequest) error {
	v.ExternalID = a.ext
	for try := 0; ; try++ {
		_, err := b.api.UpdateViewContext(ctx, v, a.ext, "", "")
		if err == nil {
			a.shown = true
			return nil
		}
		var se slack.SlackErrorResponse
		if a.shown || !errors.As(err, &se) || se.Err != "not_found" || try == 40 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(75 * time.Millisecond):
		}
	}
}
