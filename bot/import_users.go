package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"pocbot/store/sheet"
)

// teammates resolves the teammate cells of a sheet (owner, pitched by)
// with b's Slack client.
func (b *Bot) teammates(ctx context.Context, refs []string) (sheet.Resolver, error) {
	return Teammates(ctx, b.api, refs)
}

// Teammates returns a resolver for the teammates a sheet names: a member
// ID (U…, or a pasted mention <@U…>), a Slack handle or display name
// (with or without @, ignoring case) or an e-mail address. It reads
// users.list once, then asks users.lookupByEmail for each e-mail the list
// did not show (the list has e-mails only with users:read.email).
// Deactivated users and bots are nobody's teammates. A display name two
// people share resolves to no one.
func Teammates(ctx context.Context, api *slack.Client, refs []string) (sheet.Resolver, error) {
	if len(refs) == 0 {
		return func(string) (string, bool) { return "", false }, nil
	}
	users, err := api.GetUsersContext(ctx, slack.GetUsersOptionLimit(200))
	if err != nil {
		return nil, fmt.Errorf("users.list: %w", slackDetail(err))
	}
	ids := map[string]string{}   // ID → ID
	names := map[string]string{} // handle, e-mail → ID
	display := map[string][]string{}
	for _, u := range users {
		if u.Deleted || u.IsBot || u.ID == "USLACKBOT" {
			continue
		}
		ids[u.ID] = u.ID
		names[strings.ToLower(u.Name)] = u.ID
		if e := strings.ToLower(u.Profile.Email); e != "" {
			names[e] = u.ID
		}
		for _, d := range []string{u.Profile.DisplayName, u.Profile.RealName, u.RealName} {
			if d = strings.ToLower(strings.TrimSpace(d)); d != "" && !contains(display[d], u.ID) {
				display[d] = append(display[d], u.ID)
			}
		}
	}
	for _, ref := range refs {
		key := normRef(ref)
		if id, ok := refID(ref); ok && ids[id] == "" {
			// A member ID the list did not return (a guest, a newer
			// member): ask users.info.
			if u, err := api.GetUserInfoContext(ctx, id); err == nil && !u.Deleted && !u.IsBot {
				ids[u.ID] = u.ID
			}
			continue
		}
		if !strings.Contains(key, "@") || names[key] != "" {
			continue
		}
		u, err := api.GetUserByEmailContext(ctx, key)
		if err != nil {
			continue // users_not_found: the row is rejected as unknown
		}
		if !u.Deleted && !u.IsBot {
			names[key] = u.ID
			ids[u.ID] = u.ID
		}
	}
	return func(ref string) (string, bool) {
		if id, ok := refID(ref); ok {
			id, known := ids[id]
			return id, known
		}
		key := normRef(ref)
		if id, ok := names[key]; ok {
			return id, true
		}
		if ds := display[key]; len(ds) == 1 {
			return ds[0], true
		}
		return "", false
	}, nil
}

// refID returns the member ID a cell gives as such: a pasted mention
// <@U…> or an ID as Slack shows it, in capitals (a lower-case "u2" is a
// handle).
func refID(ref string) (string, bool) {
	s := strings.TrimSpace(ref)
	if strings.HasPrefix(s, "<@") && strings.HasSuffix(s, ">") {
		s, _, _ = strings.Cut(strings.TrimSuffix(strings.TrimPrefix(s, "<@"), ">"), "|")
		s = strings.ToUpper(s)
	}
	return s, looksLikeUserID(s)
}

// looksLikeUserID reports whether s has the shape of a Slack member ID.
func looksLikeUserID(s string) bool {
	if len(s) < 2 || len(s) > 20 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	for _, r := range s[1:] {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// normRef lower-cases a teammate cell and unwraps "@sari", "<@U123|sari>"
// and "mailto:" forms.
func normRef(ref string) string {
	s := strings.TrimSpace(ref)
	if strings.HasPrefix(s, "<@") && strings.HasSuffix(s, ">") {
		s, _, _ = strings.Cut(strings.TrimSuffix(strings.TrimPrefix(s, "<@"), ">"), "|")
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "mailto:"), "@")
	return strings.ToLower(s)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
