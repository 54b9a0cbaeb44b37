package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestDB_DeletePitch(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	keep := mustPitch(t, db, "U1", "keep.me")
	gone := mustPitch(t, db, "U1", "gone.one")
	open := mustPitch(t, db, "U2", "gone.two")
	clock.Add(time.Hour)
	if _, err := db.SetPitchStatus(ctx, gone.ID, "U1", PitchAgreed); err != nil {
		t.Fatal(err)
	}
	before, _ := db.PitchStats(ctx, t0.Add(-time.Hour), t0.Add(48*time.Hour))
	agreedBefore, _ := db.AgreedCountsByDay(ctx, []time.Time{t0.Add(-time.Hour), t0.Add(48 * time.Hour)})
	if agreedBefore[0]["U1"] != 1 || before.Team.Pitched != 3 {
		t.Fatalf("before: agreed %v, stats %+v", agreedBefore, before.Team)
	}
	for _, id := range []uint64{gone.ID, open.ID} {
		p, err := db.DeletePitch(ctx, id, "U1")
		if err != nil || p.ID != id {
			t.Fatalf("DeletePitch(%d) = %+v, %v", id, p, err)
		}
	}
	mustCheck(t, db)
	if _, err := db.Pitch(ctx, gone.ID); ErrorCode(err) != NotFound {
		t.Errorf("deleted pitch still readable: %v", err)
	}
	if _, err := db.DeletePitch(ctx, gone.ID, "U1"); ErrorCode(err) != NotFound {
		t.Errorf("second delete: %v, want NotFound", err)
	}
	after, _ := db.PitchStats(ctx, t0.Add(-time.Hour), t0.Add(48*time.Hour))
	agreed, _ := db.AgreedCountsByDay(ctx, []time.Time{t0.Add(-time.Hour), t0.Add(48 * time.Hour)})
	if after.Team.Pitched != 1 || agreed[0]["U1"] != 0 {
		t.Errorf("after delete: stats %+v, agreed %v; want 1 pitched, 0 agreed", after.Team, agreed)
	}
	if ps, n, _ := db.PitchesByCreator(ctx, "gone.one", 0, 10); n != 0 || len(ps) != 0 {
		t.Errorf("creator index still lists %d", n)
	}
	if open, _ := db.OpenPitchesBefore(ctx, t0.Add(72*time.Hour)); len(open) != 1 || open[0].ID != keep.ID {
		t.Errorf("open pitches = %+v", open)
	}
	log, err := db.AuditLog(ctx, PitchEntity(gone.ID), 10)
	if err != nil || len(log) != 3 || log[0].Action != ActionPitchDelete || !strings.Contains(log[0].Before, `"gone.one"`) {
		t.Errorf("audit = %+v, %v", log, err)
	}
	if _, err := db.DeletePitch(ctx, keep.ID, ""); ErrorCode(err) != Invalid {
		t.Errorf("delete without a user: %v", err)
	}
}

func TestDB_SetPitchNote(t *testing.T) {
	ctx := context.Background()
	db := MustOpenOptions(t, Options{Now: NewTestClock(t0).Now})
	p := mustPitch(t, db, "U1", "note.me")
	got, err := db.SetPitchNote(ctx, p.ID, "U1", "  Glow Serum, 30ml, pink  ")
	if err != nil || got.Note != "Glow Serum, 30ml, pink" {
		t.Fatalf("SetPitchNote = %+v, %v", got, err)
	}
	if _, err := db.SetPitchNote(ctx, p.ID, "U1", strings.Repeat("x", MaxNoteLen+1)); ErrorCode(err) != Invalid {
		t.Errorf("too long: %v", err)
	}
	if _, err := db.SetPitchNote(ctx, 999, "U1", "x"); ErrorCode(err) != NotFound {
		t.Errorf("unknown pitch: %v", err)
	}
	log, _ := db.AuditLog(ctx, PitchEntity(p.ID), 10)
	if len(log) != 2 || log[0].Action != ActionPitchNote || log[0].After != `{"note":"Glow Serum, 30ml, pink"}` {
		t.Errorf("audit = %+v", log)
	}
	mustCheck(t, db)
}
