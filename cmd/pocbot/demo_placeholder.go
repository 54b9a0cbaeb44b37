package main

// PLACEHOLDER until pocbot/store/demo lands (branch i12-demo): the demo
// roster with no history. Deleted when that package is merged.

import (
	"time"

	"pocbot/bot/playground"
	"pocbot/store"
)

func demoRoster() *playgroundTeam {
	return &playgroundTeam{
		People: []playground.Person{
			{ID: "U0LEAD", Name: "dewi", RealName: "Dewi Lestari", Role: "lead", Admin: true},
			{ID: "U0RINA", Name: "rina", RealName: "Rina Wulandari", Role: "poc"},
			{ID: "U0BAYU", Name: "bayu", RealName: "Bayu Pratama", Role: "poc"},
			{ID: "U0SARI", Name: "sari", RealName: "Sari Hidayati", Role: "poc"},
			{ID: "U0ANA", Name: "ana", RealName: "Ana Kusuma", Role: "outsource"},
			{ID: "U0AGUS", Name: "agus", RealName: "Agus Setiawan", Role: "outsource"},
			{ID: "U0PUTRI", Name: "putri", RealName: "Putri Maharani", Role: "outsource"},
		},
		Channels: []playground.Channel{
			{ID: "C0DIGEST", Name: "poc-digest", Purpose: "digest"},
			{ID: "C0TRIAGE", Name: "creator-issues", Purpose: "triage"},
			{ID: "C0SALES", Name: "sales-jkt", Purpose: "sales"},
		},
	}
}

func seedDemo(path string, now time.Time, seed int64) error {
	return seedDemoInto(path, now, func(*store.DB) error { return nil })
}
