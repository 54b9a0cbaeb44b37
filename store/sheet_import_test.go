package store

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestDB_ImportCreatorRows_DryRunThenIdempotent(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	if _, err := db.UpdateCreator(ctx, "sari", "U9", CreatorUpdate{Category: ptr("food")}); err != nil {
		t.Fatal(err)
	}
	rows := []CreatorRow{
		{Line: 2, Handle: "budi.jkt", DisplayName: ptr("Budi"), Followers: ptr(int64(120000)), OwnerID: ptr("U1"), Note: "likes serum"},
		{Line: 3, Handle: "sari", Category: ptr("beauty")},
		{Line: 4, Handle: "bad handle"},
		{Line: 5, Handle: "@BUDI.jkt"},
		{Line: 6, Handle: "rina", Category: ptr(string(make([]byte, MaxCategoryLen+1)))},
	}
	dry, err := db.ImportCreatorRows(ctx, "UADMIN", rows, ImportOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Created != 1 || dry.Updated != 1 || len(dry.Rejected) != 3 || dry.ID != 0 {
		t.Fatalf("dry run = %+v", dry)
	}
	if _, err := db.Creator(ctx, "budi.jkt"); ErrorCode(err) != NotFound {
		t.Fatalf("dry run wrote budi.jkt: %v", err)
	}
	var progress []int
	res, err := db.ImportCreatorRows(ctx, "UADMIN", rows, ImportOptions{BatchSize: 1, Progress: func(done, total int) { progress = append(progress, done) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || res.Updated != 1 || res.ID == 0 || fmt.Sprint(progress) != "[1 2]" {
		t.Fatalf("import = %+v progress %v", res, progress)
	}
	c, err := db.Creator(ctx, "budi.jkt")
	if err != nil || c.OwnerID != "U1" || c.Followers != 120000 || len(c.Notes) != 1 {
		t.Fatalf("budi = %+v, %v", c, err)
	}
	if s, _ := db.Creator(ctx, "sari"); s.Category != "beauty" || s.OwnerID != "U9" {
		t.Errorf("sari = %+v", s)
	}
	log, _ := db.AuditLog(ctx, CreatorEntity("budi.jkt"), 0)
	if len(log) != 1 || log[0].Action != ActionCreatorImport || log[0].UserID != "UADMIN" {
		t.Errorf("audit = %+v", log)
	}
	if sum, _ := db.AuditLog(ctx, ImportEntity(res.ID), 0); len(sum) != 1 || sum[0].UserID != "UADMIN" {
		t.Errorf("import audit = %+v", sum)
	}
	before := backupBytes(t, db)
	again, err := db.ImportCreatorRows(ctx, "UADMIN", rows, ImportOptions{})
	if err != nil || again.Changed() != 0 || again.Unchanged != 2 || again.ID != 0 {
		t.Fatalf("second import = %+v, %v", again, err)
	}
	if after := backupBytes(t, db); string(after) != string(before) {
		t.Error("a second import of the same rows changed the database")
	}
}

func TestDB_ImportPitchRows_StatsDuplicateGuardIdempotent(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	day := t0.AddDate(0, 0, -3)
	rows := []PitchRow{
		{Line: 2, Handle: "budi", UserID: "U1", At: day, Product: "Serum", Status: PitchAgreed},
		{Line: 3, Handle: "sari", UserID: "U2", At: t0.AddDate(0, 0, -40), Product: "Toner"},
		{Line: 4, Handle: "budi", UserID: "U1", At: day.Add(time.Hour), Product: "serum "},
		{Line: 5, Handle: "rina", UserID: "U1", At: t0.Add(time.Hour), Product: "x"},
		{Line: 6, Handle: "rina", UserID: "U1", At: day, Status: "maybe"},
	}
	res, err := db.ImportPitchRows(ctx, "UADMIN", rows, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 2 || len(res.Rejected) != 3 {
		t.Fatalf("import = %+v", res)
	}
	st, err := db.PitchStats(ctx, day.Add(-time.Hour), t0)
	if err != nil || st.Team.Pitched != 1 || st.Team.Agreed != 1 || st.PerUser["U1"].Agreed != 1 {
		t.Fatalf("stats = %+v, %v", st, err)
	}
	if c, _ := db.Creator(ctx, "budi"); c.OwnerID != "U1" {
		t.Errorf("budi owner = %q", c.OwnerID)
	}
	// budi was pitched 3 days ago: a new pitch within 14 days is a duplicate.
	pr, err := db.CreatePitches(ctx, PitchInput{UserID: "U3", Handles: []string{"budi", "sari"}, Cooldown: 14 * 24 * time.Hour})
	if err != nil || len(pr.Duplicates) != 1 || pr.Duplicates[0].Handle != "budi" || len(pr.Created) != 1 {
		t.Fatalf("re-pitch = %+v, %v", pr, err)
	}
	// An older pitch imported after a live one does not hide the live one.
	if _, err := db.ImportPitchRows(ctx, "UADMIN", []PitchRow{{Line: 2, Handle: "sari", UserID: "U2", At: t0.AddDate(0, 0, -60)}}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.LatestPitch(ctx, "sari"); p == nil || p.UserID != "U3" {
		t.Errorf("latest sari = %+v, want the live pitch by U3", p)
	}
	before := backupBytes(t, db)
	again, err := db.ImportPitchRows(ctx, "UADMIN", rows, ImportOptions{})
	if err != nil || again.Changed() != 0 || again.Unchanged != 2 {
		t.Fatalf("again = %+v, %v", again, err)
	}
	if string(backupBytes(t, db)) != string(before) {
		t.Error("a second import changed the database")
	}
	rows[0].Status = PitchDeclined
	upd, err := db.ImportPitchRows(ctx, "UADMIN", rows[:1], ImportOptions{})
	if err != nil || upd.Updated != 1 {
		t.Fatalf("status update = %+v, %v", upd, err)
	}
	if st, _ := db.PitchStats(ctx, day.Add(-time.Hour), t0); st.Team.Agreed != 0 || st.Team.Declined != 1 {
		t.Errorf("stats after status change = %+v", st.Team)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// backupBytes dumps every bucket's keys, values and sequence: equal
// dumps, no change. (The file itself changes with any commit's txid.)
func backupBytes(tb testing.TB, db *DB) []byte {
	tb.Helper()
	var b bytes.Buffer
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			fmt.Fprintf(&b, "[%s] seq=%d\n", name, bk.Sequence())
			return bk.ForEach(func(k, v []byte) error {
				fmt.Fprintf(&b, "%x=%x\n", k, v)
				return nil
			})
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}
