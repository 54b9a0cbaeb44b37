package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestParseContentURL(t *testing.T) {
	for _, tc := range []struct {
		in, url, handle, video, err string
	}{
		{"https://www.tiktok.com/@Sari.Beauty/video/7301234567890123456?is_from_webapp=1&sender_device=pc",
			"https://www.tiktok.com/@Sari.Beauty/video/7301234567890123456", "sari.beauty", "7301234567890123456", ""},
		{"<https://m.tiktok.com/@a_b/photo/7301234567890123456|a video>", "https://m.tiktok.com/@a_b/photo/7301234567890123456", "a_b", "7301234567890123456", ""},
		{"https://vt.tiktok.com/ZSabc123/", "https://vt.tiktok.com/ZSabc123/", "", "", ""},
		{"http://instagram.com/reel/x", "http://instagram.com/reel/x", "", "", ""},
		{"", "", "", "", "Give the link"},
		{"tiktok.com/@a/video/1234567", "", "", "", "not a link"},
		{"javascript:alert(1)", "", "", "", "not a link"},
		{"https://", "", "", "", "not a link"},
		{"https://x.y/" + strings.Repeat("a", 600), "", "", "", "at most 500"},
	} {
		p, err := ParseContentURL(tc.in)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(ErrorMessage(err), tc.err) || ErrorCode(err) != Invalid {
				t.Errorf("%q: err = %v, want %q", tc.in, err, tc.err)
			}
		case err != nil || p.URL != tc.url || p.Handle != tc.handle || p.VideoID != tc.video:
			t.Errorf("%q = %+v, %v", tc.in, p, err)
		}
	}
}

func TestDB_SampleSteps(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	loc := time.FixedZone("WIB", 7*3600)
	p := SamplePolicy{ContentDays: 14, RemindDays: 5, Location: loc}
	v, _, err := db.IssueVoucher(ctx, newVoucher(db, "U1", "s.one", "Serum", 10_000, ""))
	if err != nil {
		t.Fatal(err)
	}
	step := func(st SampleStep) (*Voucher, error) {
		st.Code, st.UserID = v.Code, "U2"
		return db.ApplySampleStep(ctx, st)
	}
	if _, err := step(SampleStep{Step: StepDelivered}); ErrorCode(err) != Conflict || !strings.Contains(ErrorMessage(err), "not been redeemed") {
		t.Fatalf("deliver before redeem: %v", err)
	}
	if !v.DueDate(p).IsZero() || v.Overdue(p, clock.Now().AddDate(1, 0, 0)) {
		t.Error("an issued voucher has a due date")
	}
	if _, err := db.RedeemVoucher(ctx, v.Code, "U1"); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, db)
	open, _ := db.OpenSamples(ctx)
	if len(open) != 1 {
		t.Fatalf("open samples = %d", len(open))
	}
	// Redeemed 10 Mar 09:00 WIB: due 24 Mar, reminder from 15 Mar.
	if got := open[0].DueDate(p); got.Format("2006-01-02") != "2025-03-24" {
		t.Errorf("due = %v", got)
	}
	if got := open[0].RemindFrom(p); got.Format("2006-01-02") != "2025-03-15" {
		t.Errorf("remind from = %v", got)
	}
	if open[0].Overdue(p, time.Date(2025, 3, 24, 23, 59, 0, 0, loc)) || !open[0].Overdue(p, time.Date(2025, 3, 25, 0, 0, 0, 0, loc)) {
		t.Error("overdue from the day after the due date")
	}
	clock.Add(48 * time.Hour)
	if _, err := step(SampleStep{Step: StepDelivered, Date: t0.Add(-48 * time.Hour)}); ErrorCode(err) != Invalid {
		t.Errorf("delivered before redemption: %v", err)
	}
	got, err := step(SampleStep{Step: StepDelivered})
	if err != nil || got.DueDate(p).Format("2006-01-02") != "2025-03-26" {
		t.Fatalf("delivered: %v, due %v", err, got.DueDate(p))
	}
	if _, err := step(SampleStep{Step: StepExtended, Days: 3}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Voucher(ctx, v.Code)
	if got.DueDate(p).Format("2006-01-02") != "2025-03-29" {
		t.Errorf("extended due = %v", got.DueDate(p))
	}
	if _, err := step(SampleStep{Step: StepReminded}); err != nil {
		t.Fatal(err)
	}
	if _, err := step(SampleStep{Step: StepReminded}); ErrorCode(err) != Conflict {
		t.Errorf("second reminder: %v", err)
	}
	if _, err := step(SampleStep{Step: StepPosted, URL: "https://www.tiktok.com/@s.one/video/1234567"}); err != nil {
		t.Fatal(err)
	}
	open, _ = db.OpenSamples(ctx)
	counts, _ := db.ContentPostedByDay(ctx, []time.Time{t0, clock.Now().Add(time.Hour)})
	if len(open) != 0 || counts[0]["U1"] != 1 {
		t.Errorf("after posting: open %d, counts %v", len(open), counts)
	}
	f, _ := db.CreatorFulfilment(ctx, "s.one", p, clock.Now())
	if f.Received != 1 || f.Posted != 1 || f.Videos != 1 || f.Rate() != 100 {
		t.Errorf("fulfilment = %+v", f)
	}
	mustCheck(t, db)
}

// TestOpen_BackfillSamples upgrades a schema-4 file with a redeemed
// voucher: the migration puts it on the content clock.
func TestOpen_BackfillSamples(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	db, err := Open(path, Options{Now: NewTestClock(t0).Now})
	if err != nil {
		t.Fatal(err)
	}
	mustCampaign(t, db, "mig", 100_000)
	v, _, err := db.IssueVoucher(ctx, newVoucher(db, "U1", "m.one", "Serum", 10_000, "mig"))
	if err == nil {
		_, err = db.RedeemVoucher(ctx, v.Code, "U1")
	}
	if err != nil {
		t.Fatal(err)
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketSamplesOpen, bucketSamplesPosted} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		// Schema 4 had no sample counters.
		c, err := getCampaign(tx, "mig")
		if err != nil {
			return err
		}
		c.Received = 0
		if err := putCampaign(tx, c); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyVersion, itob(4))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, Options{Now: NewTestClock(t0).Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustCheck(t, db)
	if open, _ := db.OpenSamples(ctx); len(open) != 1 || open[0].Code != v.Code {
		t.Fatalf("open samples after migration = %+v", open)
	}
	if c, _ := db.Campaign(ctx, "mig"); c.Received != 1 {
		t.Errorf("campaign counters after migration = %+v", c)
	}
}

func TestDB_ClaimAll(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	if first, err := db.ClaimOnce(ctx, "b"); err != nil || !first {
		t.Fatal(err)
	}
	fresh, err := db.ClaimAll(ctx, []string{"a", "b", "c"})
	if err != nil || !fresh[0] || fresh[1] || !fresh[2] {
		t.Fatalf("ClaimAll = %v, %v", fresh, err)
	}
	if err := db.ReleaseAll(ctx, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if fresh, _ := db.ClaimAll(ctx, []string{"a", "c"}); !fresh[0] || fresh[1] {
		t.Fatalf("after release = %v", fresh)
	}
	if _, err := db.ClaimAll(ctx, []string{""}); ErrorCode(err) != Invalid {
		t.Errorf("empty key: %v", err)
	}
}
