package bot

import "strings"

// Mentions: reading a user from <@U…> and writing one safely. User text
// never becomes a mention by accident: anything that is not a user ID is
// escaped.

// userIDFromMention reads <@U123> or <@U123|name>.
func userIDFromMention(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "<@") || !strings.HasSuffix(s, ">") {
		return ""
	}
	id, _, _ := strings.Cut(s[2:len(s)-1], "|")
	if len(id) < 2 || (id[0] != 'U' && id[0] != 'W') {
		return ""
	}
	for _, r := range id[1:] {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return ""
		}
	}
	return id
}

// mention formats a Slack user ID as a mention; anything that is not a
// user ID is shown escaped, never as markup.
func mention(id string) string {
	if userIDFromMention("<@"+id+">") == id && id != "" {
		return "<@" + id + ">"
	}
	return esc(id)
}

// scopeName is "<@U1>" or "the team".
func scopeName(userID string) string {
	if userID == "" {
		return "the team"
	}
	return "<@" + userID + ">"
}
