package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// mustPitch creates one pitch and returns it.
func mustPitch(tb testing.TB, db *DB, userID, handle string) Pitch {
	tb.Helper()
	res, err := db.CreatePitches(context.Background(), PitchInput{UserID: userID, Handles: []string{handle}, Product: "Serum"})
	if err != nil {
		tb.Fatal(err)
	}
	if len(res.Created) != 1 {
		tb.Fatalf("CreatePitches(%s) created %d", handle, len(res.Created))
	}
	return res.Created[0]
}

func TestDB_CreatePitches(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})

	res, err := db.CreatePitches(ctx, PitchInput{
		UserID: "U1", Handles: []string{"@Budi", "budi", " ", "sari", "@BUDI", "rina"},
		Product: " Glow Serum ", Note: "Free sample", Channel: "C1", CommissionPct: 15, Cooldown: 24 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Duplicates) != 0 || len(res.Created) != 3 {
		t.Fatalf("result = %+v, want 3 created (repeats collapse), no duplicates", res)
	}
	for i, h := range []string{"budi", "sari", "rina"} {
		p := res.Created[i]
		if p.Handle != h || p.ID != uint64(i+1) || p.Product != "Glow Serum" || p.Status != PitchPitched ||
			p.CommissionPct != 15 || p.UserID != "U1" || p.Channel != "C1" || !p.CreatedAt.Equal(t0) || p.Forced {
			t.Errorf("created[%d] = %+v", i, p)
		}
		got, err := db.Pitch(ctx, p.ID)
		if err != nil || got.Handle != h || got.Note != "Free sample" {
			t.Errorf("Pitch(%d) = %+v, %v", p.ID, got, err)
		}
		if c, err := db.Creator(ctx, h); err != nil || c.OwnerID != "U1" {
			t.Errorf("Creator(%s) = %+v, %v; want owner U1", h, c, err)
		}
	}

	// A second batch an hour later: budi and sari are duplicates, dewi is new.
	clock.Add(time.Hour)
	res, err = db.CreatePitches(ctx, PitchInput{UserID: "U2", Handles: []string{"sari", "dewi", "budi"}, Cooldown: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 1 || res.Created[0].Handle != "dewi" || res.Created[0].ID != 4 {
		t.Errorf("created = %+v, want dewi #4", res.Created)
	}
	if len(res.Duplicates) != 2 || res.Duplicates[0].Handle != "sari" || res.Duplicates[1].Handle != "budi" ||
		res.Duplicates[0].Previous.ID != 2 || res.Duplicates[0].Previous.UserID != "U1" {
		t.Errorf("duplicates = %+v, want sari (#2 by U1), budi", res.Duplicates)
	}
	if c, _ := db.Creator(ctx, "dewi"); c.OwnerID != "U2" {
		t.Errorf("dewi owner = %q, want U2 (first pitcher)", c.OwnerID)
	}
}

func TestDB_CreatePitches_Invalid(t *testing.T) {
	db := MustOpen(t)
	many := make([]string, MaxPitchHandles+1)
	for i := range many {
		many[i] = fmt.Sprintf("creator%d", i)
	}
	tests := []struct {
		name string
		np   PitchInput
		want string
	}{
		{"NoUser", PitchInput{Handles: []string{"budi"}}, "A Slack user is required."},
		{"NoHandles", PitchInput{UserID: "U1", Handles: []string{" ", ""}}, "List at least one creator handle"},
		{"TooMany", PitchInput{UserID: "U1", Handles: many}, "at most 100 creators at once; this list has 101."},
		{"BadHandle", PitchInput{UserID: "U1", Handles: []string{"budi", "bu di"}}, `"bu di" is not a valid TikTok handle`},
		{"LongProduct", PitchInput{UserID: "U1", Handles: []string{"budi"}, Product: strings.Repeat("p", 201)}, "The product can be at most 200 characters"},
		{"LongNote", PitchInput{UserID: "U1", Handles: []string{"budi"}, Note: strings.Repeat("n", 3001)}, "The note can be at most 3000 characters"},
		{"Commission81", PitchInput{UserID: "U1", Handles: []string{"budi"}, CommissionPct: 81}, "between 1% and 80%"},
		{"CommissionNeg", PitchInput{UserID: "U1", Handles: []string{"budi"}, CommissionPct: -1}, "between 1% and 80%"},
		{"NegCooldown", PitchInput{UserID: "U1", Handles: []string{"budi"}, Cooldown: -time.Hour}, "cannot be negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := db.CreatePitches(context.Background(), tc.np)
			if ErrorCode(err) != Invalid || !strings.Contains(ErrorMessage(err), tc.want) {
				t.Errorf("CreatePitches = %+v, %v; want Invalid containing %q", res, err, tc.want)
			}
			if tc.np.Validate() == nil {
				t.Error("Validate() = nil, want the same error")
			}
		})
	}
	// Nothing was written: the batch with one bad handle is all or nothing.
	if _, err := db.Creator(context.Background(), "budi"); ErrorCode(err) != NotFound {
		t.Errorf("Creator(budi) err = %v, want NotFound", err)
	}
	// Limits are inclusive.
	ok := PitchInput{UserID: "U1", Handles: many[:MaxPitchHandles], Product: strings.Repeat("p", 200), CommissionPct: 80}
	if err := ok.Validate(); err != nil {
		t.Errorf("100 handles, 200-rune product, 80%%: %v", err)
	}
}

// TestDB_CreatePitches_CooldownBoundary pins the boundary: a pitch younger
// than Cooldown blocks; one exactly Cooldown old does not.
func TestDB_CreatePitches_CooldownBoundary(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	const cooldown = 72 * time.Hour
	first := mustPitch(t, db, "U1", "budi")

	clock.Add(cooldown - time.Nanosecond)
	res, err := db.CreatePitches(ctx, PitchInput{UserID: "U2", Handles: []string{"budi"}, Cooldown: cooldown})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 0 || len(res.Duplicates) != 1 || res.Duplicates[0].Previous.ID != first.ID {
		t.Errorf("at cooldown-1ns: %+v, want duplicate of #%d", res, first.ID)
	}

	clock.Add(time.Nanosecond)
	res, err = db.CreatePitches(ctx, PitchInput{UserID: "U2", Handles: []string{"budi"}, Cooldown: cooldown})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 1 || len(res.Duplicates) != 0 {
		t.Errorf("at exactly cooldown: %+v, want created", res)
	}

	// Cooldown 0 disables the check.
	res, err = db.CreatePitches(ctx, PitchInput{UserID: "U3", Handles: []string{"budi"}})
	if err != nil || len(res.Created) != 1 {
		t.Errorf("cooldown 0: %+v, %v; want created", res, err)
	}
}

func TestDB_CreatePitches_Force(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	mustPitch(t, db, "U1", "budi")
	clock.Add(time.Minute)

	res, err := db.CreatePitches(ctx, PitchInput{UserID: "U2", Handles: []string{"budi", "sari"}, Cooldown: time.Hour, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 2 || len(res.Duplicates) != 0 {
		t.Fatalf("result = %+v, want both created", res)
	}
	if !res.Created[0].Forced || res.Created[1].Forced {
		t.Errorf("Forced = %v, %v; want true for budi (within cooldown), false for sari", res.Created[0].Forced, res.Created[1].Forced)
	}
	if p, _ := db.LatestPitch(ctx, "budi"); p.ID != res.Created[0].ID || !p.Forced {
		t.Errorf("LatestPitch(budi) = %+v, want the forced pitch", p)
	}
}

// TestDB_CreatePitches_Concurrent: bbolt serialises writers, and the
// duplicate check runs inside the write tx, so racing pitchers of one
// creator get exactly one pitch between them.
func TestDB_CreatePitches_Concurrent(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	const n = 20
	var wg sync.WaitGroup
	results := make([]*PitchResult, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = db.CreatePitches(ctx, PitchInput{
				UserID: fmt.Sprintf("U%d", i), Handles: []string{"@budi"}, Cooldown: time.Hour,
			})
		}()
	}
	wg.Wait()
	created, dups := 0, 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		created += len(results[i].Created)
		dups += len(results[i].Duplicates)
	}
	if created != 1 || dups != n-1 {
		t.Errorf("created %d, duplicates %d; want 1 and %d", created, dups, n-1)
	}
	if _, total, _ := db.PitchesByCreator(ctx, "budi", 0, 0); total != 1 {
		t.Errorf("budi has %d pitches, want 1", total)
	}
}

func TestDB_SetPitchStatus(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	p := mustPitch(t, db, "U1", "budi")

	clock.Add(time.Hour)
	if _, err := db.SetPitchStatus(ctx, p.ID, "U1", PitchInterested); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Hour)
	got, err := db.SetPitchStatus(ctx, p.ID, "U2", PitchAgreed)
	if err != nil {
		t.Fatal(err)
	}
	want := []StatusChange{
		{At: t0.Add(time.Hour), UserID: "U1", From: PitchPitched, To: PitchInterested},
		{At: t0.Add(2 * time.Hour), UserID: "U2", From: PitchInterested, To: PitchAgreed},
	}
	if got.Status != PitchAgreed || !got.UpdatedAt.Equal(t0.Add(2*time.Hour)) || len(got.History) != 2 {
		t.Fatalf("pitch = %+v", got)
	}
	for i := range want {
		if h := got.History[i]; !h.At.Equal(want[i].At) || h.UserID != want[i].UserID || h.From != want[i].From || h.To != want[i].To {
			t.Errorf("history[%d] = %+v, want %+v", i, h, want[i])
		}
	}

	// Same status again: no change, no new history, no audit.
	clock.Add(time.Hour)
	again, err := db.SetPitchStatus(ctx, p.ID, "U3", PitchAgreed)
	if err != nil || len(again.History) != 2 || !again.UpdatedAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("repeat = %+v, %v; want unchanged", again, err)
	}
	if log, _ := db.AuditLog(ctx, PitchEntity(p.ID), 0); len(log) != 3 {
		t.Errorf("audit has %d entries, want 3 (create + 2 changes)", len(log))
	}

	if _, err := db.SetPitchStatus(ctx, 999, "U1", PitchAgreed); ErrorCode(err) != NotFound || ErrorMessage(err) != "There is no pitch #999." {
		t.Errorf("unknown pitch err = %v, want NotFound", err)
	}
	if _, err := db.SetPitchStatus(ctx, p.ID, "U1", "maybe"); ErrorCode(err) != Invalid {
		t.Errorf("bad status err = %v, want Invalid", err)
	}
}

func TestDB_OpenPitchesBefore(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	var ids []uint64
	for _, h := range []string{"a1", "a2", "a3", "a4", "a5"} {
		ids = append(ids, mustPitch(t, db, "U1", h).ID)
		clock.Add(24 * time.Hour)
	}
	// a1 agreed (closed), a2 interested (open), a3 declined then reopened.
	for _, c := range []struct {
		id uint64
		to PitchStatus
	}{{ids[0], PitchAgreed}, {ids[1], PitchInterested}, {ids[2], PitchDeclined}, {ids[2], PitchPitched}, {ids[3], PitchNoResponse}} {
		if _, err := db.SetPitchStatus(ctx, c.id, "U1", c.to); err != nil {
			t.Fatal(err)
		}
	}
	// Before t0+4d: a1..a4 were created; open among them: a2, a3.
	got, err := db.OpenPitchesBefore(ctx, t0.Add(4*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != ids[1] || got[1].ID != ids[2] {
		t.Errorf("OpenPitchesBefore = %v, want a2, a3 oldest first", pitchHandles(got))
	}
	// The bound is exclusive: a5 was created at exactly t0+4d.
	if got, _ := db.OpenPitchesBefore(ctx, t0.Add(4*24*time.Hour+1)); len(got) != 3 || got[2].Handle != "a5" {
		t.Errorf("OpenPitchesBefore(+1ns) = %v, want a2 a3 a5", pitchHandles(got))
	}

	// Per user: U2's open pitch is not in U1's list, and vice versa.
	u2 := mustPitch(t, db, "U2", "b1")
	mine, err := db.OpenPitchesByUserBefore(ctx, "U1", clock.Now().Add(time.Hour))
	if err != nil || len(mine) != 3 || mine[0].ID != ids[1] || mine[2].Handle != "a5" {
		t.Errorf("OpenPitchesByUserBefore(U1) = %v, %v; want a2 a3 a5", pitchHandles(mine), err)
	}
	if theirs, _ := db.OpenPitchesByUserBefore(ctx, "U2", clock.Now().Add(time.Hour)); len(theirs) != 1 || theirs[0].ID != u2.ID {
		t.Errorf("OpenPitchesByUserBefore(U2) = %v, want b1", pitchHandles(theirs))
	}
	if _, err := db.OpenPitchesByUserBefore(ctx, "", clock.Now()); ErrorCode(err) != Invalid {
		t.Errorf("empty user err = %v, want Invalid", err)
	}
}

func pitchHandles(ps []Pitch) []string {
	var hs []string
	for _, p := range ps {
		hs = append(hs, fmt.Sprintf("%s#%d", p.Handle, p.ID))
	}
	return hs
}

func TestDB_PitchStats(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	mustPitch(t, db, "U1", "outside") // Before the range.
	clock.Add(time.Hour)
	from := clock.Now()
	plan := []struct {
		user, handle string
		path         []PitchStatus
	}{
		{"U1", "c1", nil},
		{"U1", "c2", []PitchStatus{PitchInterested}},
		{"U1", "c3", []PitchStatus{PitchInterested, PitchAgreed}},
		{"U1", "c4", []PitchStatus{PitchInterested, PitchDeclined}}, // Was interested, now declined.
		{"U2", "c5", []PitchStatus{PitchAgreed}},
		{"U2", "c6", []PitchStatus{PitchNoResponse}},
		{"U2", "c7", []PitchStatus{PitchDeclined}},
	}
	for _, pl := range plan {
		p := mustPitch(t, db, pl.user, pl.handle)
		for _, s := range pl.path {
			if _, err := db.SetPitchStatus(ctx, p.ID, pl.user, s); err != nil {
				t.Fatal(err)
			}
		}
		clock.Add(time.Minute)
	}
	to := clock.Now()
	mustPitch(t, db, "U2", "after") // At exactly to: excluded.

	st, err := db.PitchStats(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	wantTeam := Funnel{Pitched: 7, Interested: 3, Agreed: 2, Declined: 2, NoResponse: 1}
	if st.Team != wantTeam {
		t.Errorf("Team = %+v, want %+v", st.Team, wantTeam)
	}
	wantUser := map[string]Funnel{
		"U1": {Pitched: 4, Interested: 2, Agreed: 1, Declined: 1},
		"U2": {Pitched: 3, Interested: 1, Agreed: 1, Declined: 1, NoResponse: 1},
	}
	if len(st.PerUser) != len(wantUser) {
		t.Errorf("PerUser = %+v, want %+v", st.PerUser, wantUser)
	}
	for u, w := range wantUser {
		if st.PerUser[u] != w {
			t.Errorf("PerUser[%s] = %+v, want %+v", u, st.PerUser[u], w)
		}
	}
	if st, _ := db.PitchStats(ctx, to.Add(time.Hour), to.Add(2*time.Hour)); st.Team != (Funnel{}) || len(st.PerUser) != 0 {
		t.Errorf("empty range = %+v", st)
	}
}

func TestDB_PitchQueries(t *testing.T) {
	ctx := context.Background()
	clock := NewTestClock(t0)
	db := MustOpenOptions(t, Options{Now: clock.Now})
	// budi: 5 pitches by U1/U2 alternately; budi2 (a prefix neighbour): 1.
	var budi []Pitch
	for i := range 5 {
		budi = append(budi, mustPitch(t, db, fmt.Sprintf("U%d", i%2+1), "budi"))
		clock.Add(time.Hour)
	}
	other := mustPitch(t, db, "U1", "budi2")

	t.Run("PitchesByCreator", func(t *testing.T) {
		ps, total, err := db.PitchesByCreator(ctx, "@Budi", 1, 2)
		if err != nil || total != 5 || len(ps) != 2 || ps[0].ID != budi[3].ID || ps[1].ID != budi[2].ID {
			t.Errorf("page(1,2) = %v, %d, %v; want #%d #%d of 5", pitchHandles(ps), total, err, budi[3].ID, budi[2].ID)
		}
		ps, total, _ = db.PitchesByCreator(ctx, "budi", 4, 10)
		if total != 5 || len(ps) != 1 || ps[0].ID != budi[0].ID {
			t.Errorf("last page = %v, %d", pitchHandles(ps), total)
		}
		ps, total, _ = db.PitchesByCreator(ctx, "budi", 0, 0)
		if total != 5 || len(ps) != 5 {
			t.Errorf("limit 0 = %d of %d, want all 5", len(ps), total)
		}
		if ps, total, err := db.PitchesByCreator(ctx, "nobody", 0, 10); err != nil || total != 0 || len(ps) != 0 {
			t.Errorf("unknown creator = %v, %d, %v; want empty", ps, total, err)
		}
	})
	t.Run("LatestPitch", func(t *testing.T) {
		if p, err := db.LatestPitch(ctx, "budi"); err != nil || p.ID != budi[4].ID {
			t.Errorf("LatestPitch(budi) = %+v, %v; want #%d", p, err, budi[4].ID)
		}
		if p, err := db.LatestPitch(ctx, "budi2"); err != nil || p.ID != other.ID {
			t.Errorf("LatestPitch(budi2) = %+v, %v", p, err)
		}
		if _, err := db.LatestPitch(ctx, "nobody"); ErrorCode(err) != NotFound {
			t.Errorf("LatestPitch(nobody) err = %v, want NotFound", err)
		}
	})
	t.Run("PitchesByUser", func(t *testing.T) {
		// U1 pitched budi at t0, t0+2h, t0+4h and budi2 at t0+5h.
		ps, err := db.PitchesByUser(ctx, "U1", t0, t0.Add(5*time.Hour))
		if err != nil || len(ps) != 3 || ps[0].ID != budi[4].ID || ps[2].ID != budi[0].ID {
			t.Errorf("PitchesByUser(U1) = %v, %v; want 3 budi pitches newest first", pitchHandles(ps), err)
		}
		if ps, _ := db.PitchesByUser(ctx, "U1", t0.Add(time.Nanosecond), t0.Add(4*time.Hour)); len(ps) != 1 || ps[0].ID != budi[2].ID {
			t.Errorf("PitchesByUser(U1, narrow) = %v", pitchHandles(ps))
		}
		if ps, _ := db.PitchesByUser(ctx, "U", time.Time{}, t0.Add(24*time.Hour)); len(ps) != 0 {
			t.Errorf("user U (a prefix of U1) got %v", pitchHandles(ps))
		}
	})
	t.Run("PitchesBetween", func(t *testing.T) {
		ps, err := db.PitchesBetween(ctx, t0.Add(time.Hour), t0.Add(3*time.Hour))
		if err != nil || len(ps) != 2 || ps[0].ID != budi[2].ID || ps[1].ID != budi[1].ID {
			t.Errorf("PitchesBetween = %v, %v; want #%d #%d", pitchHandles(ps), err, budi[2].ID, budi[1].ID)
		}
		if ps, _ := db.PitchesBetween(ctx, time.Time{}, t0.Add(24*time.Hour)); len(ps) != 6 {
			t.Errorf("PitchesBetween(zero, +24h) = %d pitches, want 6", len(ps))
		}
	})
}
