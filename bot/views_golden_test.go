package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files in testdata")

// TestModalsGolden pins every modal's JSON, so a change to a form is seen
// in review (go test ./bot -run ModalsGolden -update rewrites them).
func TestModalsGolden(t *testing.T) {
	b := mustBot(t)
	jkt, _ := time.LoadLocation("Asia/Jakarta")
	b.cfg.Location = jkt
	b.Now = func() time.Time { return time.Date(2026, 11, 30, 10, 0, 0, 0, jkt) }
	long := strings.Repeat("a very long <!channel> description ", 200)
	tests := []struct {
		name string
		v    slack.ModalViewRequest
	}{
		{"pitch_modal", pitchModal("CGENERAL", "@sari.beauty")},
		{"issue_modal", issueModal("CGENERAL", issueForm{Handle: "sari.beauty", Description: long, OrderID: "577123456789012345",
			Category: store.CatVoucher, Priority: store.P2})},
		{"voucher_modal", b.voucherModal("CGENERAL", voucherPrefill{Handle: "sari.beauty"},
			[]store.Campaign{{Name: "11.11", Budget: 5_000_000}, {Name: "ramadan", Budget: 1_000_000}})},
		{"task_modal", b.taskModal("CGENERAL", taskPrefill{Assignee: "U2", Title: "Pitch 40 beauty creators", Quantity: "40",
			DueDate: "2026-12-04", Kind: store.KindPitching})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got bytes.Buffer
			enc := json.NewEncoder(&got)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(tc.v); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name+".golden.json")
			if *updateGolden {
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs from %s (use -update if intentional):\n%s", tc.name, path, got.String())
			}
			if n := len(tc.v.Blocks.BlockSet); n > maxViewBlocks {
				t.Errorf("%s has %d blocks", tc.name, n)
			}
		})
	}
}
