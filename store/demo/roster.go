// Package demo seeds a store with a realistic demo team: a lead, three POC
// staff and three outsource members in Jakarta, ~300 creators and two
// working weeks of pitches, vouchers, creator issues, tasks, targets and a
// holiday. The playground (`pocbot playground`) starts with it so a
// newcomer sees the bot at work without typing anything first.
//
// Everything is written through the store's exported API at the times the
// history says (a view of the store with its clock set to each moment, see
// store.DB.WithClock): the calls the commands and buttons make, except that
// the creator sheet (ImportCreators) and each day's pitches with their
// outcomes (ImportPitches) go in as bulk imports to keep Seed fast. So every
// record, index, timeline and audit entry is a real one. The data depends
// only on the seed and the end time: the same pair gives the same database.
package demo

// Person is one member of the demo team, as Slack knows them.
type Person struct {
	ID       string // Slack user ID, e.g. "U0LEAD"
	Name     string // Slack handle, e.g. "dewi"
	RealName string // e.g. "Dewi Lestari"
	Role     string // "lead", "poc" or "outsource"
	Admin    bool
}

// Channel is one of the demo workspace's channels. Purpose is "digest"
// (the morning digest), "triage" (creator issues) or "sales" (where POC
// staff talk to sellers and log pitches).
type Channel struct {
	ID, Name string
	Purpose  string
}

// Team is the demo workspace: its people and channels.
type Team struct {
	People   []Person
	Channels []Channel
}

// Roles of Person.Role.
const (
	RoleLead      = "lead"
	RolePOC       = "poc"
	RoleOutsource = "outsource"
)

// Channel purposes.
const (
	PurposeDigest = "digest"
	PurposeTriage = "triage"
	PurposeSales  = "sales"
)

// Roster returns the demo team and channels without touching any database.
// Every call returns a fresh copy.
func Roster() *Team {
	return &Team{
		People: []Person{
			{ID: "U0LEAD", Name: "dewi", RealName: "Dewi Lestari", Role: RoleLead, Admin: true},
			{ID: "U0RINA", Name: "rina", RealName: "Rina Wulandari", Role: RolePOC},
			{ID: "U0BAYU", Name: "bayu", RealName: "Bayu Pratama", Role: RolePOC},
			{ID: "U0SARI", Name: "sari", RealName: "Sari Hidayati", Role: RolePOC},
			{ID: "U0ANA", Name: "ana", RealName: "Ana Kusuma", Role: RoleOutsource},
			{ID: "U0AGUS", Name: "agus", RealName: "Agus Setiawan", Role: RoleOutsource},
			{ID: "U0PUTRI", Name: "putri", RealName: "Putri Maharani", Role: RoleOutsource},
		},
		Channels: []Channel{
			{ID: "C0DIGEST", Name: "poc-digest", Purpose: PurposeDigest},
			{ID: "C0TRIAGE", Name: "creator-issues", Purpose: PurposeTriage},
			{ID: "C0SALES", Name: "sales-jkt", Purpose: PurposeSales},
		},
	}
}

// role returns the people of one role, in roster order.
func (t *Team) role(r string) []Person {
	var out []Person
	for _, p := range t.People {
		if p.Role == r {
			out = append(out, p)
		}
	}
	return out
}

// channel returns the ID of the channel with the purpose.
func (t *Team) channel(purpose string) string {
	for _, c := range t.Channels {
		if c.Purpose == purpose {
			return c.ID
		}
	}
	return ""
}
