package store

import (
	"context"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The team roster (issue #13): who is POC staff and who is an outsource
// member. Admins are not stored here: POCBOT_ADMINS names them.

// ActionTeamRole is the audit action of a roster change; Before/After are
// bare roles ("" = not on the roster).
const ActionTeamRole = "team.role"

// TeamEntity is the audit entity of a person's roster entry.
func TeamEntity(userID string) string { return "team:" + userID }

// Role is a person's part in the team. Values are stored.
type Role string

// Roles on the roster. RoleNone is "not on the roster".
const (
	RoleNone      Role = ""
	RolePOC       Role = "poc"
	RoleOutsource Role = "outsource"
)

// Label is the role as people read it.
func (r Role) Label() string {
	switch r {
	case RolePOC:
		return "POC staff"
	case RoleOutsource:
		return "outsource"
	}
	return "not on the roster"
}

// ParseRole reads poc, staff, outsource (and a few plurals and synonyms).
func ParseRole(s string) (Role, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "poc", "pocs", "staff", "poc-staff", "poc_staff":
		return RolePOC, nil
	case "outsource", "outsourced", "outsource-member", "os", "vendor":
		return RoleOutsource, nil
	}
	return RoleNone, Errorf(Invalid, "%s is not a role. Use poc (POC staff) or outsource.", quoteInput(s))
}

// Member is one roster entry. A removed member keeps an entry with Role
// RoleNone, so a seed (POCBOT_OUTSOURCE) does not add them back.
type Member struct {
	UserID string    `json:"user_id"`
	Role   Role      `json:"role"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

var bucketTeam = []byte("team")

func init() { allBuckets = append(allBuckets, bucketTeam, bucketChanges, bucketChangeBatches) }

// SetRole puts userID on the roster with role (RoleNone removes them) and
// audits the change. It returns the role before; setting the same role
// again changes nothing.
// Returns Invalid for an empty user or an unknown role.
func (db *DB) SetRole(ctx context.Context, by, userID string, role Role) (before Role, err error) {
	if err := checkUser(by); err != nil {
		return "", err
	}
	if err := checkUser(userID); err != nil {
		return "", err
	}
	if role != RoleNone && role != RolePOC && role != RoleOutsource {
		return "", Errorf(Invalid, "%s is not a role. Use poc or outsource.", quoteInput(string(role)))
	}
	err = db.batch(ctx, func(tx *bolt.Tx) error {
		before = RoleNone // may run again (group commit): reset what it captures
		b := tx.Bucket(bucketTeam)
		var m Member
		if err := getJSON(b, []byte(userID), &m); err == nil {
			before = m.Role
		} else if err != errMissing {
			return err
		}
		if before == role && err == nil {
			return nil
		}
		now := db.Now()
		if err := putJSON(b, []byte(userID), Member{UserID: userID, Role: role, By: by, At: now}); err != nil {
			return err
		}
		return audit(tx, AuditEntry{At: now, UserID: by, Action: ActionTeamRole, Entity: TeamEntity(userID),
			Before: string(before), After: string(role)})
	})
	return before, err
}

// SeedRole puts each of ids on the roster with role unless they already
// have an entry (even a removed one), and returns those it added.
func (db *DB) SeedRole(ctx context.Context, by string, ids []string, role Role) ([]string, error) {
	var added []string
	err := db.batch(ctx, func(tx *bolt.Tx) error {
		added = nil
		b := tx.Bucket(bucketTeam)
		now := db.Now()
		for _, id := range ids {
			if id == "" || b.Get([]byte(id)) != nil {
				continue
			}
			if err := putJSON(b, []byte(id), Member{UserID: id, Role: role, By: by, At: now}); err != nil {
				return err
			}
			if err := audit(tx, AuditEntry{At: now, UserID: by, Action: ActionTeamRole, Entity: TeamEntity(id), After: string(role)}); err != nil {
				return err
			}
			added = append(added, id)
		}
		return nil
	})
	return added, err
}

// Team returns the roster: everyone with a role, by user ID.
func (db *DB) Team(ctx context.Context) ([]Member, error) {
	var out []Member
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTeam).ForEach(func(k, v []byte) error {
			var m Member
			if err := getJSON(tx.Bucket(bucketTeam), k, &m); err != nil {
				return err
			}
			if m.Role != RoleNone {
				out = append(out, m)
			}
			return nil
		})
	})
	slices.SortFunc(out, func(a, b Member) int { return strings.Compare(a.UserID, b.UserID) })
	return out, err
}
