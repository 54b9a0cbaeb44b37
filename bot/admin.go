package bot

import (
	"slices"
	"strings"
)

// Admins (POCBOT_ADMINS): who may set targets, budgets and holidays, and
// the one reply a non-admin gets.

// isAdmin reports whether userID is listed in POCBOT_ADMINS.
func (b *Bot) isAdmin(userID string) bool { return slices.Contains(b.cfg.Admins, userID) }

// notAdmin tells a non-admin who can do what they tried.
func (b *Bot) notAdmin(what string) error {
	if len(b.cfg.Admins) == 0 {
		return errorf("Only admins can %s, and none is configured: ask whoever runs pocbot to set POCBOT_ADMINS.", what)
	}
	var ms []string
	for _, a := range b.cfg.Admins {
		ms = append(ms, "<@"+a+">")
	}
	return mdErrorf("Only admins can %s. Ask one of: %s.", what, strings.Join(ms, ", "))
}
