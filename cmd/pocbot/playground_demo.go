package main

import (
	"time"

	"pocbot/bot/playground"
	"pocbot/store"
	"pocbot/store/demo"
)

// demoRoster is the demo team as the page shows it; -demo=false keeps the
// people and leaves the database empty.
func demoRoster() *playgroundTeam {
	t := demo.Roster()
	out := &playgroundTeam{}
	for _, p := range t.People {
		out.People = append(out.People, playground.Person{ID: p.ID, Name: p.Name, RealName: p.RealName, Role: p.Role, Admin: p.Admin})
	}
	for _, c := range t.Channels {
		out.Channels = append(out.Channels, playground.Channel{ID: c.ID, Name: c.Name, Purpose: c.Purpose})
	}
	return out
}

// seedDemo fills a new database at path with the demo team's last two
// weeks, ending at now.
func seedDemo(path string, now time.Time, seed int64) error {
	return seedDemoInto(path, now, func(db *store.DB) error {
		_, err := demo.Seed(db, now, seed)
		return err
	})
}
