package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// The limited query returns the same oldest pitches, in the same order, as
// the full one, and the full count.
func TestOldestOpenPitchesByUserBefore(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	for i := range 30 {
		user := "U1"
		if i%3 == 0 {
			user = "U2"
		}
		if _, err := db.CreatePitches(ctx, PitchInput{UserID: user, Handles: []string{fmt.Sprintf("open.%02d", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := db.OpenPitchesByUserBefore(ctx, "U1", time.Now().Add(time.Hour))
	if err != nil || len(all) != 20 {
		t.Fatalf("%d open pitches (%v), want 20", len(all), err)
	}
	some, total, err := db.OldestOpenPitchesByUserBefore(ctx, "U1", time.Now().Add(time.Hour), 5)
	if err != nil || total != 20 || len(some) != 5 {
		t.Fatalf("got %d of %d (%v), want 5 of 20", len(some), total, err)
	}
	for i := range some {
		if some[i].ID != all[i].ID {
			t.Errorf("pitch %d: PIT-%d, want PIT-%d (oldest first)", i, some[i].ID, all[i].ID)
		}
	}
	if _, _, err := db.OldestOpenPitchesByUserBefore(ctx, "", time.Now(), 5); ErrorCode(err) != Invalid {
		t.Errorf("empty user: %v, want Invalid", err)
	}
}
