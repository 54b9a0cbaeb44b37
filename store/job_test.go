package store

import (
	"context"
	"testing"
	"time"
)

func TestDB_JobLastRun(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	if _, ok, err := db.JobLastRun(ctx, "digest"); err != nil || ok {
		t.Fatalf("JobLastRun before any run = %v, %v; want not ok", ok, err)
	}
	jakarta := time.FixedZone("WIB", 7*3600)
	run := time.Date(2025, 3, 10, 17, 0, 0, 123, jakarta)
	if err := db.SetJobLastRun(ctx, "digest", run); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.JobLastRun(ctx, "digest")
	if err != nil || !ok || !got.Equal(run) || got.Location() != time.UTC {
		t.Errorf("JobLastRun = %v, %v, %v; want %v in UTC", got, ok, err, run)
	}
	if _, ok, _ := db.JobLastRun(ctx, "weekly"); ok {
		t.Error("other job reported a run")
	}
	if err := db.SetJobLastRun(ctx, "", run); ErrorCode(err) != Invalid {
		t.Errorf("SetJobLastRun(\"\") = %v, want Invalid", err)
	}
}
