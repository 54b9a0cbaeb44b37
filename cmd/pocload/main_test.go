package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary serve as a bot process too, as the pocload
// binary does: measure re-runs os.Executable with POCLOAD_SERVE set.
func TestMain(m *testing.M) {
	if serveMode() {
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// pocload in short mode (as CI runs it): both Go bots answer every command,
// and the report has every figure and ratio. It asserts that pocload works
// and reports, not the figures: CI machines vary.
func TestPocloadShort(t *testing.T) {
	o, err := parseFlags([]string{"-short"})
	if err != nil {
		t.Fatal(err)
	}
	if slices := strings.Join(o.bots, ","); slices != "floor,pocbot" {
		t.Fatalf("-short bots = %s, want floor,pocbot (Bolt is skipped in short mode)", slices)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out strings.Builder
	ok, err := run(ctx, o, &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("a bot did not answer every command with a confirmation")
	}
	for _, want := range []string{"round 1 floor", "round 1 pocbot", "floor (slack-go, no work)", "replies/s", "reply p50 / p99",
		"ack p99", "peak RSS", "pocbot / floor: replies/s", "targets (pocbot against the floor, same run)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(out.String(), " 0.0 MiB") {
		t.Error("a peak RSS was not measured")
	}
}

func TestPocloadFlags(t *testing.T) {
	for _, args := range [][]string{{"-n", "0"}, {"-c", "5000"}, {"-bots", "floor,express"}, {"-rounds", "0"}} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	o, err := parseFlags(nil)
	if err != nil || o.n != 2000 || o.c != 32 || o.rounds != 3 || strings.Join(o.bots, ",") != "floor,bolt,pocbot" {
		t.Errorf("defaults = %+v, %v; want 2000 at C=32, 3 rounds, floor,bolt,pocbot", o, err)
	}
}
