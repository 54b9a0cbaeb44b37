package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func TestDB_EnsureCreator(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})

	c, created, err := db.EnsureCreator(ctx, "@Budi.JKT", "U1")
	if err != nil || !created {
		t.Fatalf("EnsureCreator = %v, %v; want created", created, err)
	}
	if c.Handle != "budi.jkt" || c.OwnerID != "U1" || !c.FirstSeen.Equal(t0) {
		t.Errorf("creator = %+v", c)
	}
	clock.Add(time.Hour)
	c, created, err = db.EnsureCreator(ctx, "budi.jkt", "U2")
	if err != nil || created || c.OwnerID != "U1" || !c.FirstSeen.Equal(t0) {
		t.Errorf("second EnsureCreator = %+v, %v, %v; want existing, owner U1", c, created, err)
	}
	if _, _, err := db.EnsureCreator(ctx, "bad handle", "U1"); ErrorCode(err) != Invalid {
		t.Errorf("bad handle err = %v, want Invalid", err)
	}
	if _, _, err := db.EnsureCreator(ctx, "budi", ""); ErrorCode(err) != Invalid {
		t.Errorf("empty user err = %v, want Invalid", err)
	}
}

func TestDB_Creator_NotFound(t *testing.T) {
	db := MustOpen(t)
	_, err := db.Creator(context.Background(), "@nobody")
	if ErrorCode(err) != NotFound || ErrorMessage(err) != "There is no creator @nobody yet." {
		t.Errorf("err = %v (%q), want NotFound", err, ErrorCode(err))
	}
}

func TestDB_UpdateCreator(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})

	t.Run("CreatesIfMissing", func(t *testing.T) {
		c, err := db.UpdateCreator(ctx, "sari", "U1", CreatorUpdate{DisplayName: ptr(" Sari Beauty "), Followers: ptr(int64(120000))})
		if err != nil {
			t.Fatal(err)
		}
		if c.DisplayName != "Sari Beauty" || c.Followers != 120000 || c.OwnerID != "U1" {
			t.Errorf("creator = %+v", c)
		}
		log, _ := db.AuditLog(ctx, CreatorEntity("sari"), 0)
		if len(log) != 1 || log[0].Action != ActionCreatorCreate || !strings.Contains(log[0].After, `"display_name":"Sari Beauty"`) {
			t.Errorf("audit = %+v, want one creator.create with the fields", log)
		}
	})
	t.Run("AuditsChangedFields", func(t *testing.T) {
		clock.Add(time.Minute)
		c, err := db.UpdateCreator(ctx, "@SARI", "U2", CreatorUpdate{
			DisplayName: ptr("Sari Beauty"), // Unchanged: not in the audit.
			Followers:   ptr(int64(150000)),
			OwnerID:     ptr("U2"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if c.Followers != 150000 || c.OwnerID != "U2" || !c.UpdatedAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("creator = %+v", c)
		}
		log, _ := db.AuditLog(ctx, CreatorEntity("sari"), 1)
		want := AuditEntry{UserID: "U2", Action: ActionCreatorUpdate, Entity: "creator:sari",
			Before: `{"followers":120000,"owner_id":"U1"}`, After: `{"followers":150000,"owner_id":"U2"}`}
		if len(log) != 1 || log[0].UserID != want.UserID || log[0].Action != want.Action || log[0].Entity != want.Entity ||
			log[0].Before != want.Before || log[0].After != want.After || !log[0].At.Equal(t0.Add(time.Minute)) {
			t.Errorf("audit = %+v, want %+v", log, want)
		}
	})
	t.Run("NoChangeNoAudit", func(t *testing.T) {
		before, _ := db.AuditLog(ctx, CreatorEntity("sari"), 0)
		if _, err := db.UpdateCreator(ctx, "sari", "U2", CreatorUpdate{Followers: ptr(int64(150000))}); err != nil {
			t.Fatal(err)
		}
		after, _ := db.AuditLog(ctx, CreatorEntity("sari"), 0)
		if len(after) != len(before) {
			t.Errorf("audit entries %d → %d, want no new entry", len(before), len(after))
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		for name, upd := range map[string]CreatorUpdate{
			"LongName":       {DisplayName: ptr(strings.Repeat("n", MaxDisplayNameLen+1))},
			"NegativeFollow": {Followers: ptr(int64(-1))},
			"HugeFollow":     {Followers: ptr(MaxFollowers + 1)},
			"EmptyOwner":     {OwnerID: ptr(" ")},
			"LongContact":    {Contact: ptr(strings.Repeat("c", MaxContactLen+1))},
		} {
			if _, err := db.UpdateCreator(ctx, "sari", "U1", upd); ErrorCode(err) != Invalid {
				t.Errorf("%s: err = %v, want Invalid", name, err)
			}
		}
	})
}

func TestDB_AddCreatorNote(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})

	if _, err := db.AddCreatorNote(ctx, "rina", "U1", "Prefers WhatsApp."); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Hour)
	c, err := db.AddCreatorNote(ctx, "@rina", "U2", "  Sample sent.  ")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Notes) != 2 || c.Notes[0].Text != "Prefers WhatsApp." || c.Notes[1].Text != "Sample sent." ||
		c.Notes[1].UserID != "U2" || !c.Notes[1].At.Equal(t0.Add(time.Hour)) {
		t.Errorf("notes = %+v", c.Notes)
	}
	if c.OwnerID != "" {
		t.Errorf("owner = %q, want none: the owner is the first to pitch, not the first to note", c.OwnerID)
	}
	if _, err := db.CreatePitches(ctx, PitchInput{UserID: "U3", Handles: []string{"rina"}}); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.Creator(ctx, "rina"); c.OwnerID != "U3" {
		t.Errorf("owner after the first pitch = %q, want U3", c.OwnerID)
	}
	// Another creator's notes do not leak in ("rina" is a prefix of "rina2").
	if _, err := db.AddCreatorNote(ctx, "rina2", "U1", "Other."); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.Creator(ctx, "rina"); len(c.Notes) != 2 {
		t.Errorf("rina has %d notes, want 2", len(c.Notes))
	}

	for name, text := range map[string]string{
		"Empty":   " \n ",
		"TooLong": strings.Repeat("é", MaxNoteLen+1),
	} {
		if _, err := db.AddCreatorNote(ctx, "rina", "U1", text); ErrorCode(err) != Invalid {
			t.Errorf("%s: err = %v, want Invalid", name, err)
		}
	}
	if _, err := db.AddCreatorNote(ctx, "rina", "U1", strings.Repeat("é", MaxNoteLen)); err != nil {
		t.Errorf("note of exactly %d runes: %v", MaxNoteLen, err)
	}
}

func TestDB_FindCreators(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	for _, c := range []struct{ handle, name string }{
		{"beauty", "Sari"},
		{"abeautyshop", ""},
		{"beauty.id", ""},
		{"budi", "Budi Beauty Tips"},
		{"rina", "Rina Masak"},
	} {
		if _, err := db.UpdateCreator(ctx, c.handle, "U1", CreatorUpdate{DisplayName: ptr(c.name)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.FindCreators(ctx, "@BEAUTY", 0)
	if err != nil {
		t.Fatal(err)
	}
	var handles []string
	for _, c := range got {
		handles = append(handles, c.Handle)
	}
	// Exact, then handle prefix, then handle substring, then display name.
	if want := "beauty beauty.id abeautyshop budi"; strings.Join(handles, " ") != want {
		t.Errorf("FindCreators(beauty) = %v, want %s", handles, want)
	}
	if got, _ := db.FindCreators(ctx, "beauty", 2); len(got) != 2 {
		t.Errorf("limit 2 returned %d", len(got))
	}
	if got, _ := db.FindCreators(ctx, "masak", 0); len(got) != 1 || got[0].Handle != "rina" {
		t.Errorf("FindCreators(masak) = %+v", got)
	}
	if _, err := db.FindCreators(ctx, "  ", 10); ErrorCode(err) != Invalid {
		t.Errorf("empty query err = %v, want Invalid", err)
	}
}
