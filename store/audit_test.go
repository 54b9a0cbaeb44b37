package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

func TestDB_AuditLog(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	p := mustPitch(t, db, "U1", "budi")
	clock.Add(time.Minute)
	if _, err := db.SetPitchStatus(ctx, p.ID, "U2", PitchDeclined); err != nil {
		t.Fatal(err)
	}

	log, err := db.AuditLog(ctx, PitchEntity(p.ID), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 {
		t.Fatalf("audit = %+v, want 2 entries", log)
	}
	status, create := log[0], log[1] // Newest first.
	if status.Action != ActionPitchStatus || status.UserID != "U2" || status.Before != "pitched" ||
		status.After != "declined" || !status.At.Equal(t0.Add(time.Minute)) || status.Entity != "pitch:1" {
		t.Errorf("status entry = %+v", status)
	}
	var after Pitch
	if err := json.Unmarshal([]byte(create.After), &after); err != nil || after.ID != p.ID || after.Handle != "budi" {
		t.Errorf("create entry After = %q (%v), want the pitch JSON", create.After, err)
	}
	if create.Action != ActionPitchCreate || create.Before != "" || create.UserID != "U1" || create.ID >= status.ID {
		t.Errorf("create entry = %+v", create)
	}

	// Pitching a new creator also audits the creator, in the same tx.
	clog, _ := db.AuditLog(ctx, CreatorEntity("budi"), 0)
	if len(clog) != 1 || clog[0].Action != ActionCreatorCreate || clog[0].UserID != "U1" {
		t.Errorf("creator audit = %+v", clog)
	}
	if log, _ := db.AuditLog(ctx, PitchEntity(p.ID), 1); len(log) != 1 || log[0].Action != ActionPitchStatus {
		t.Errorf("limit 1 = %+v, want only the newest", log)
	}
	// "pitch:1" must not match "pitch:10".
	for i := 0; i < 10; i++ {
		mustPitch(t, db, "U1", "c"+string(rune('a'+i)))
	}
	if log, _ := db.AuditLog(ctx, "pitch:1", 0); len(log) != 2 {
		t.Errorf("pitch:1 has %d entries after pitch:10 exists, want 2", len(log))
	}
	if _, err := db.AuditLog(ctx, "", 10); ErrorCode(err) != Invalid {
		t.Errorf("empty entity err = %v, want Invalid", err)
	}
}
