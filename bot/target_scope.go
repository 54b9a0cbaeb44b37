package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

// "/target METRIC N" without a scope asks whom it is for instead of
// guessing: Team, Me, or a person picked from a users select.

const (
	actionTargetScopeTeam   = "target_scope_team"
	actionTargetScopeMe     = "target_scope_me"
	actionTargetScopePerson = "target_scope_person" // users select; the proposal travels in the block ID
	targetScopeBlockPrefix  = "target_scope:"
)

func scopeQuestion(a targetArgs, label string) msg {
	text := fmt.Sprintf(":question: Who is *%d %s %s* for? Pick one (next time add `team` or @person to the command).", a.Value, label, periodWord(a.Period))
	if a.Value == 0 {
		text = fmt.Sprintf(":question: Whose *%s* target should go? Pick one (next time add `team` or @person to the command).", label)
	}
	team := button(actionTargetScopeTeam, a.encode(), "The team")
	me := button(actionTargetScopeMe, a.encode(), "Me")
	person := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("A person…", maxPlaceholder), actionTargetScopePerson)
	// The select's value is the user picked, so the proposal rides in the
	// block ID (at most 255 characters: the encoded proposal is short).
	return msg{text: notifyText(text), blocks: []slack.Block{section(text),
		slack.NewActionBlock(targetScopeBlockPrefix+a.encode(), team, me, person)}}
}

func (b *Bot) targetScopeRoutes() {
	pick := func(who func(r *Request) string) actionFunc {
		return func(ctx context.Context, r *Request) error {
			if !b.isAdmin(r.UserID) {
				return b.notAdmin("set targets")
			}
			val := r.Action.Value
			if r.Action.ActionID == actionTargetScopePerson {
				val = strings.TrimPrefix(r.Action.BlockID, targetScopeBlockPrefix)
			}
			a, err := decodePending(val)
			if err != nil {
				return err
			}
			a.UserID, a.ScopeSet = who(r), true
			return b.proposeTarget(ctx, r, a, true)
		}
	}
	b.rt.action(actionTargetScopeTeam, pick(func(*Request) string { return "" }))
	b.rt.action(actionTargetScopeMe, pick(func(r *Request) string { return r.UserID }))
	b.rt.action(actionTargetScopePerson, pick(func(r *Request) string { return r.Action.SelectedUser }))
}
