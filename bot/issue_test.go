package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"pocbot/store"
)

func TestPrefillIssue(t *testing.T) {
	tests := []struct {
		name, handle, text string
		want               issueForm
	}{
		{"Empty", "", "", issueForm{Priority: store.P3}},
		{"HandleWins", "@sari", "@other sample not arrived", issueForm{Handle: "@sari", Description: "@other sample not arrived", Category: store.CatSampleMissing, Priority: store.P3}},
		{"FromText", "", "From @Budi.JKT: voucher code broken", issueForm{Handle: "@budi.jkt", Description: "From @Budi.JKT: voucher code broken", Category: store.CatVoucher, Priority: store.P3}},
		{"SlackLinkAndOrder", "", "commission order 577123456789012345 <https://x.com/v/1|video>", issueForm{
			Description: "commission order 577123456789012345 https://x.com/v/1", OrderID: "577123456789012345", Link: "https://x.com/v/1",
			Category: store.CatCommission, Priority: store.P3}},
		{"MentionIsNotAHandle", "", "<@U123|ana> says hi", issueForm{Description: "<@U123|ana> says hi", Priority: store.P3}},
		{"ShortNumberIsNotAnOrder", "", "call 0812 3456", issueForm{Description: "call 0812 3456", Priority: store.P3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := prefillIssue(tc.handle, tc.text); got != tc.want {
				t.Errorf("prefillIssue(%q, %q) = %+v, want %+v", tc.handle, tc.text, got, tc.want)
			}
		})
	}
}

func TestEscChunks(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		max, n    int
		wantParts int
		wantTail  bool
	}{
		{"Short", "hello", 10, 3, 1, false},
		{"Empty", "", 10, 3, 1, false},
		{"Split", strings.Repeat("a", 25), 10, 3, 3, false},
		{"Cut", strings.Repeat("a", 31), 10, 3, 3, true},
		{"MaxDescriptionFits", strings.Repeat("&", 3000), maxDescChunk, maxDescBlocks, 6, false},
		{"EntitiesCut", strings.Repeat("&", 3600), maxDescChunk, maxDescBlocks, 6, true},
		{"Broadcast", strings.Repeat("<!channel> @here ", 200), 2900, 6, 2, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			parts := escChunks(tc.in, tc.max, tc.n)
			if len(parts) != tc.wantParts {
				t.Fatalf("%d parts, want %d", len(parts), tc.wantParts)
			}
			joined := strings.Join(parts, "")
			for _, p := range parts {
				if utf8.RuneCountInString(p) > tc.max {
					t.Errorf("part of %d runes > %d", utf8.RuneCountInString(p), tc.max)
				}
				if i := strings.LastIndexByte(p, '&'); i >= 0 && !strings.Contains(p[i:], ";") {
					t.Errorf("part ends inside an entity: …%q", p[max(0, len(p)-8):])
				}
			}
			if strings.HasSuffix(joined, "…") != tc.wantTail {
				t.Errorf("ellipsis = %v, want %v", !tc.wantTail, tc.wantTail)
			}
			if strings.Contains(joined, "<!") || strings.Contains(joined, "@here") {
				t.Errorf("unescaped markup survived: %q", joined[:min(80, len(joined))])
			}
			if !tc.wantTail && joined != esc(tc.in) {
				t.Errorf("parts do not add up to esc(in)")
			}
		})
	}
}
