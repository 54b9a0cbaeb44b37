package store

import (
	"context"
	"testing"
	"time"
)

func TestDB_ImportCreators(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC))
	db := MustOpenOptions(t, Options{Now: clock.Now})
	err := db.ImportCreators(ctx, "ULEAD", []Creator{
		{Handle: "@Sari.Beauty", DisplayName: " Sari Wijaya ", Followers: 120_000, Category: "beauty", OwnerID: "UPOC"},
		{Handle: "budi.jkt", Followers: 5000},
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.Creator(ctx, "sari.beauty")
	if err != nil {
		t.Fatal(err)
	}
	if c.DisplayName != "Sari Wijaya" || c.Followers != 120_000 || c.Category != "beauty" || c.OwnerID != "UPOC" ||
		!c.FirstSeen.Equal(clock.Now()) {
		t.Errorf("imported creator = %+v", c)
	}
	if found, err := db.FindCreators(ctx, "wijaya", 5); err != nil || len(found) != 1 {
		t.Errorf("FindCreators(wijaya) = %v, %v; want the imported name searchable", found, err)
	}
	if es, err := db.AuditLog(ctx, CreatorEntity("budi.jkt"), 0); err != nil || len(es) != 1 || es[0].Action != ActionCreatorCreate || es[0].UserID != "ULEAD" {
		t.Errorf("audit of an imported creator = %+v, %v", es, err)
	}
	for name, cs := range map[string][]Creator{
		"existing": {{Handle: "new.one"}, {Handle: "budi.jkt"}},
		"repeated": {{Handle: "two.x"}, {Handle: "@TWO.X"}},
	} {
		if err := db.ImportCreators(ctx, "ULEAD", cs); ErrorCode(err) != Conflict {
			t.Errorf("%s: err = %v, want Conflict", name, err)
		}
	}
	for name, cs := range map[string][]Creator{
		"bad handle": {{Handle: "ok.one"}, {Handle: "no spaces"}},
		"followers":  {{Handle: "ok.one", Followers: -1}},
	} {
		if err := db.ImportCreators(ctx, "ULEAD", cs); ErrorCode(err) != Invalid {
			t.Errorf("%s: err = %v, want Invalid", name, err)
		}
	}
	if _, err := db.Creator(ctx, "new.one"); ErrorCode(err) != NotFound {
		t.Errorf("a refused import wrote new.one: %v", err)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestDB_WithClock(t *testing.T) {
	ctx := context.Background()
	real := NewTestClock(time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC))
	db := MustOpenOptions(t, Options{Now: real.Now})
	past := real.Now().Add(-72 * time.Hour)
	view := db.WithClock(func() time.Time { return past })
	if _, _, err := view.EnsureCreator(ctx, "old.one", "U1"); err != nil {
		t.Fatal(err)
	}
	c, err := db.Creator(ctx, "old.one") // written through the view, read through db
	if err != nil {
		t.Fatal(err)
	}
	if !c.FirstSeen.Equal(past) || !db.Now().Equal(real.Now()) {
		t.Errorf("FirstSeen = %s, db.Now = %s; want the view's clock for the view only", c.FirstSeen, db.Now())
	}
}
