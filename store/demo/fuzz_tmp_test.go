package demo

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"pocbot/store"
)

func TestTmpManySeeds(t *testing.T) {
	if os.Getenv("DEMO_MANY") == "" {
		t.Skip()
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, jakarta)
	for seed := int64(0); seed < 80; seed++ {
		now := base.Add(time.Duration(seed*7919) * time.Minute * 37)
		dir, _ := os.MkdirTemp("/dev/shm", "demo")
		db, err := store.Open(filepath.Join(dir, "d.db"), store.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		team, err := Seed(db, now, seed)
		if err != nil {
			t.Errorf("seed %d now %s: %v", seed, now, err)
		} else if err := db.Check(); err != nil {
			t.Errorf("seed %d: check %v", seed, err)
		} else {
			t.Run(now.Format(time.RFC3339), func(t *testing.T) {
				h := readHistory(t, db, now, seed)
				checkContent(t, db, team, h, now)
				checkTimes(t, h, now)
			})
		}
		db.Close()
		os.RemoveAll(dir)
	}
}
