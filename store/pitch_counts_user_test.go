package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestDB_UserPitchCountsByDay agrees with PitchCountsByDay for each user,
// and counts nobody else's pitches.
func TestDB_UserPitchCountsByDay(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	db := MustOpenOptions(t, Options{Now: func() time.Time { return now }})
	day0 := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	var ps []Pitch
	for i, h := range []int{1, 2, 25, 49, 49, 71, -1} {
		u := "U1"
		if i%3 == 2 {
			u = "U10" // shares U1's prefix as text: must not be counted for U1
		}
		ps = append(ps, Pitch{Handle: "c" + string(rune('a'+i)) + "x", UserID: u, CreatedAt: day0.Add(time.Duration(h) * time.Hour), Status: PitchPitched})
	}
	if err := db.ImportPitches(ctx, ps); err != nil {
		t.Fatal(err)
	}
	bounds := []time.Time{day0, day0.AddDate(0, 0, 1), day0.AddDate(0, 0, 2), day0.AddDate(0, 0, 3)}
	team, err := db.PitchCountsByDay(ctx, bounds)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"U1", "U10", "U2"} {
		got, err := db.UserPitchCountsByDay(ctx, u, bounds)
		if err != nil {
			t.Fatal(err)
		}
		var want []int
		for _, day := range team {
			want = append(want, day[u])
		}
		if !slices.Equal(got, want) {
			t.Errorf("UserPitchCountsByDay(%s) = %v, want %v", u, got, want)
		}
	}
	if got, err := db.UserPitchCountsByDay(ctx, "U1", bounds[:1]); got != nil || err != nil {
		t.Errorf("one bound: %v %v", got, err)
	}
	if _, err := db.UserPitchCountsByDay(ctx, "U1", []time.Time{bounds[1], bounds[0]}); err == nil {
		t.Error("descending bounds: no error")
	}
	if _, err := db.UserPitchCountsByDay(ctx, " ", bounds); err == nil {
		t.Error("no user: no error")
	}
}
