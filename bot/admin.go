package bot

import (
	"fmt"
	"slices"
	"strings"
)

// Admins (POCBOT_ADMINS): who may set targets, budgets and holidays, and
// the one reply a non-admin gets.

// isAdmin reports whether userID is listed in POCBOT_ADMINS or is a member
// of POCBOT_ADMIN_GROUP (ops.go).
func (b *Bot) isAdmin(userID string) bool {
	return slices.Contains(b.cfg.Admins, userID) || b.adminGroup.has(userID)
}

// notAdmin tells a non-admin who can do what they tried.
func (b *Bot) notAdmin(what string) error {
	admins := slices.Clone(b.cfg.Admins)
	for _, u := range b.AdminGroupMembers() {
		if !slices.Contains(admins, u) {
			admins = append(admins, u)
		}
	}
	if len(admins) == 0 {
		return errorf("Only admins can %s, and none is configured: ask whoever runs pocbot to set POCBOT_ADMINS or POCBOT_ADMIN_GROUP.", what)
	}
	var ms []string
	for i, a := range admins {
		if i == 10 {
			ms = append(ms, fmt.Sprintf("or %d more", len(admins)-10))
			break
		}
		ms = append(ms, "<@"+a+">")
	}
	return mdErrorf("Only admins can %s. Ask one of: %s.", what, strings.Join(ms, ", "))
}
