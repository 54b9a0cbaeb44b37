package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// The team roster and who may change what (issue #13). Admins come from
// POCBOT_ADMINS; POC staff and outsource members are on the roster, which
// admins keep with /team and POCBOT_OUTSOURCE seeds. Someone on neither
// list counts as POC staff, so a team that never sets a roster keeps
// working as before.

// who is a set of people a permission names.
type who uint8

const (
	whoOwner     who = 1 << iota // the record's own person: pitcher, owner, assignee, issuer
	whoAssigner                  // a task's assigner
	whoAdmin                     // POCBOT_ADMINS
	whoPOC                       // POC staff on the roster (and anyone not on it)
	whoOutsource                 // outsource members on the roster
)

// perm names one thing a person may do to a record.
type perm int

const (
	permPitchOutcome perm = iota
	permPitchEdit
	permCreatorOwner
	permCreatorEdit
	permTaskWork
	permTaskReopen
	permVoucherRedeem
	permVoucherRevoke
	permIssueWork
	permTeam
)

// permission is one row of the permission table: what, who may, and what
// happens when it is someone else's record. README's table is this one.
type permission struct {
	What string
	May  who
	// Others says what happens when someone other than the owner does it.
	Others string
}

// permissions is the permission table. /team permissions shows it.
var permissions = map[perm]permission{
	permPitchOutcome: {"Change a pitch's outcome", whoOwner | whoAdmin | whoPOC,
		"the pitcher gets one grouped DM with who, what, before → after and Undo (30 min)"},
	permPitchEdit: {"Edit a pitch's note or delete a pitch", whoOwner | whoAdmin, "— (audited; a deleted pitch leaves every count)"},
	permCreatorOwner: {"Change a creator's owner", whoOwner | whoAdmin,
		"anyone else asks: the current owner gets Approve / Decline; an admin's change is told to the old owner with Undo; the new owner is told"},
	permCreatorEdit: {"Edit a creator's details, add a note", whoOwner | whoAdmin | whoPOC | whoOutsource, "—"},
	permTaskWork: {"Accept, update, finish or hand back a task", whoOwner,
		"— (only the assignee); Done before Accept or short of the quantity asks first"},
	permTaskReopen:    {"Reopen a done or handed-back task", whoAssigner | whoAdmin, "the assignee is told and gets the buttons back"},
	permVoucherRedeem: {"Mark a voucher redeemed", whoOwner | whoAdmin | whoPOC, "—"},
	permVoucherRevoke: {"Revoke a voucher", whoAdmin, "the issuer is told in the same grouped DM (no Undo: a revoke is final)"},
	permIssueWork: {"Claim, assign, resolve or reopen an issue", whoAdmin | whoPOC | whoOutsource,
		"the reporter is told when it is assigned, waiting on the creator, resolved and reopened; the assignee when someone else gives it to them or reopens it"},
	permTeam: {"Change the roster, targets, budgets, holidays, capacity", whoAdmin, "—"},
}

// permOrder is the order the table is shown in.
var permOrder = []perm{permPitchOutcome, permPitchEdit, permCreatorOwner, permCreatorEdit, permTaskWork, permTaskReopen,
	permVoucherRedeem, permVoucherRevoke, permIssueWork, permTeam}

func (w who) String() string {
	var out []string
	for _, x := range []struct {
		w    who
		name string
	}{{whoOwner, "owner"}, {whoAssigner, "assigner"}, {whoAdmin, "admins"}, {whoPOC, "POC staff"}, {whoOutsource, "outsource"}} {
		if w&x.w != 0 {
			out = append(out, x.name)
		}
	}
	return strings.Join(out, ", ")
}

// roleOf is userID's roster role; someone not on the roster is POC staff.
func (b *Bot) roleOf(ctx context.Context, userID string) store.Role {
	team, err := b.db.Team(ctx)
	if err != nil {
		b.log.Warn("read roster", "err", err)
		return store.RolePOC
	}
	for _, m := range team {
		if m.UserID == userID {
			return m.Role
		}
	}
	return store.RolePOC
}

// may reports whether userID may do p to a record owned by owner (and,
// for tasks, assigned by assigner).
func (b *Bot) may(ctx context.Context, userID string, p perm, owner, assigner string) bool {
	w := permissions[p].May
	switch {
	case w&whoOwner != 0 && userID == owner:
		return true
	case w&whoAssigner != 0 && userID == assigner:
		return true
	case w&whoAdmin != 0 && b.isAdmin(userID):
		return true
	case w&(whoPOC|whoOutsource) == 0:
		return false // no role can: the roster need not be read
	}
	switch b.roleOf(ctx, userID) {
	case store.RolePOC:
		return w&whoPOC != 0
	case store.RoleOutsource:
		return w&whoOutsource != 0
	}
	return false
}

// notAllowed is the one reply to someone the table refuses.
func notAllowed(p perm, ownerPhrase string) error {
	what := permissions[p].What
	what = strings.ToLower(what[:1]) + what[1:]
	return mdErrorf("Only %s can %s. Ask %s, or an admin.", permissions[p].May.phrase(), what, ownerPhrase)
}

// phrase is the set as a sentence part: "the owner, admins or POC staff".
func (w who) phrase() string {
	parts := strings.Split(w.String(), ", ")
	for i, p := range parts {
		if p == "owner" || p == "assigner" {
			parts[i] = "the " + p
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// outsourceRoster is the outsource members on the roster, sorted.
func (b *Bot) outsourceRoster(ctx context.Context) ([]string, error) {
	team, err := b.db.Team(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range team {
		if m.Role == store.RoleOutsource {
			out = append(out, m.UserID)
		}
	}
	return out, nil
}

// WorkHours is the type of Config.SLAHours (see store.WorkHours).
type WorkHours = store.WorkHours

// startSLAHours hands the store the SLA's working-time calendar:
// POCBOT_SLA_HOURS on POCBOT_WORKDAYS in POCBOT_TZ, skipping holidays.
func (b *Bot) startSLAHours(ctx context.Context) {
	w := b.cfg.SLAHours
	if !w.IsZero() {
		w.Days = b.cfg.Workdays
		w.Zone = b.cfg.Location.String()
	}
	if err := b.db.SetSLAHours(ctx, w); err != nil {
		b.log.Error("set SLA working hours", "err", err)
	}
}

// maxRosterChange bounds one /team add or remove: each person is one
// write, and the reply names each.
const maxRosterChange = 50

// seedRoster adds POCBOT_OUTSOURCE to the roster once: someone an admin
// removed is not added back at the next start.
func (b *Bot) seedRoster(ctx context.Context) {
	if len(b.cfg.Outsource) == 0 {
		return
	}
	added, err := b.db.SeedRole(ctx, "USYSTEM", b.cfg.Outsource, store.RoleOutsource)
	if err != nil {
		b.log.Error("seed roster from POCBOT_OUTSOURCE", "err", err)
		return
	}
	if len(added) > 0 {
		b.log.Info("roster seeded from POCBOT_OUTSOURCE", "added", len(added))
	}
}

func (b *Bot) teamRoutes() {
	b.rt.command(&command{
		Name:    "/team",
		Summary: "the team roster (POC staff, outsource) and who may change what",
		Usage: []usage{
			{"", "the roster: admins, POC staff, outsource members"},
			{"add @person [@more…] poc|outsource", "put people on the roster with a role (admins)"},
			{"remove @person [@more…]", "take people off the roster (admins)"},
			{"permissions", "who may change an outcome, an owner, a task, a voucher"},
			{"help", "this help"},
		},
		Examples: []string{"/team", "/team add @ana @budi outsource", "/team remove @budi", "/team permissions"},
		Run:      b.teamCommand,
	})
	b.noticeRoutes()
}

func (b *Bot) teamCommand(ctx context.Context, r *Request) error {
	first, rest := splitWord(r.Text)
	switch strings.ToLower(first) {
	case "", "list", "show":
		return b.teamShow(ctx, r)
	case "add", "set":
		return b.teamChange(ctx, r, rest, true)
	case "remove", "rm", "delete":
		return b.teamChange(ctx, r, rest, false)
	case "permissions", "perms", "who":
		return b.reply(ctx, r, permissionsMsg())
	case "help":
		return b.reply(ctx, r, b.helpMsg(b.rt.commands["/team"], ""))
	}
	return errorf("I didn't understand %s. Try /team, /team add @person outsource, /team remove @person or /team permissions.", quote(first))
}

func (b *Bot) teamShow(ctx context.Context, r *Request) error {
	team, err := b.db.Team(ctx)
	if err != nil {
		return err
	}
	list := func(ids []string) string {
		if len(ids) == 0 {
			return "_nobody_"
		}
		var ms []string
		for _, id := range ids {
			ms = append(ms, mention(id))
		}
		return strings.Join(ms, ", ")
	}
	var poc, out []string
	for _, m := range team {
		if m.Role == store.RolePOC {
			poc = append(poc, m.UserID)
		} else {
			out = append(out, m.UserID)
		}
	}
	text := fmt.Sprintf("*Admins:* %s\n*POC staff:* %s\n*Outsource:* %s", list(b.cfg.Admins), list(poc), list(out))
	blocks := []slack.Block{header("Team roster"), section(text),
		contextText("Admins come from POCBOT_ADMINS. Anyone not on the roster counts as POC staff. Task suggestions and /task load use the outsource members. Admins: /team add @person outsource|poc, /team remove @person.")}
	return b.reply(ctx, r, msg{text: "Team roster", blocks: blocks})
}

func (b *Bot) teamChange(ctx context.Context, r *Request, rest string, add bool) error {
	if !b.isAdmin(r.UserID) {
		return b.notAdmin("change the team roster")
	}
	role := store.RoleNone
	var ids []string
	for _, f := range strings.Fields(rest) {
		if id := userIDFromMention(f); id != "" {
			if add && id == b.botUserID {
				return mdErrorf("%s is pocbot itself; the roster is for people on the team.", mention(id))
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
			continue
		}
		if !add {
			return errorf("I read %s as a person; pick people with @ so Slack links them, like /team remove @budi.", quote(f))
		}
		rl, err := store.ParseRole(f)
		if err != nil {
			return errorf("%s is neither a person (pick them with @) nor a role (poc or outsource). Example: /team add @ana outsource", quote(f))
		}
		role = rl
	}
	if len(ids) > maxRosterChange {
		return errorf("That is %d people; change at most %d at once.", len(ids), maxRosterChange)
	}
	if len(ids) == 0 {
		if add {
			return errorf("Who? Example: /team add @ana @budi outsource")
		}
		return errorf("Who? Example: /team remove @budi")
	}
	if add && role == store.RoleNone {
		return errorf("Which role? End with poc or outsource, like: /team add @ana outsource")
	}
	var lines []string
	for _, id := range ids {
		before, err := b.db.SetRole(ctx, r.UserID, id, role)
		if err != nil {
			return err
		}
		switch {
		case before == role && add:
			lines = append(lines, fmt.Sprintf("%s is already %s.", mention(id), role.Label()))
		case before == role:
			lines = append(lines, fmt.Sprintf("%s was not on the roster.", mention(id)))
		case add:
			lines = append(lines, fmt.Sprintf("%s: %s → *%s*.", mention(id), before.Label(), role.Label()))
		default:
			lines = append(lines, fmt.Sprintf("%s: %s → off the roster (counts as POC staff).", mention(id), before.Label()))
		}
	}
	text := ":busts_in_silhouette: " + strings.Join(lines, "\n")
	return b.reply(ctx, r, msg{text: "Roster updated.", blocks: []slack.Block{section(text)}})
}

// permissionsMsg is the permission table as a message.
func permissionsMsg() msg {
	var lines []string
	for _, p := range permOrder {
		row := permissions[p]
		l := fmt.Sprintf("• *%s* — %s", row.What, row.May)
		// Others is README's column: "—" (nobody else) reads as nothing
		// here, and "— (note)" as just the note.
		switch others := strings.TrimSpace(strings.TrimPrefix(row.Others, "—")); {
		case strings.HasPrefix(others, "("):
			l += " " + others
		case others != "":
			l += "; " + others
		}
		lines = append(lines, l)
	}
	blocks := []slack.Block{header("Who may change what")}
	blocks = append(blocks, joinLines(lines)...)
	blocks = append(blocks, contextText("Owner: the pitcher of a pitch, the owner of a creator, the assignee of a task, the issuer of a voucher. Anyone not on the roster counts as POC staff."))
	return msg{text: "Who may change what", blocks: blocks}
}

// member is one person /task load and suggestions consider.
type member struct {
	id        string
	offRoster bool
}

// loadMembers is who task suggestions and /task load consider: without an
// outsource roster, everyone who has had a task or has a capacity set (as
// before); with one, its members, plus anyone else who holds open tasks
// (shown, never suggested).
func (b *Bot) loadMembers(ctx context.Context) ([]member, error) {
	roster, err := b.outsourceRoster(ctx)
	if err != nil {
		return nil, err
	}
	if len(roster) == 0 {
		ids, err := b.db.TaskMembers(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]member, len(ids))
		for i, id := range ids {
			out[i] = member{id: id}
		}
		return out, nil
	}
	out := make([]member, 0, len(roster))
	for _, id := range roster {
		out = append(out, member{id: id})
	}
	open, err := b.db.OpenTasks(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range open {
		if !slices.Contains(roster, t.Assignee) && !slices.ContainsFunc(out, func(m member) bool { return m.id == t.Assignee }) {
			out = append(out, member{id: t.Assignee, offRoster: true})
		}
	}
	return out, nil
}
