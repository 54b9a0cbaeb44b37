package bot

import (
	"reflect"
	"strings"
	"testing"

	"pocbot/store"
)

func TestParsePitchArgs(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		handles []string
		invalid []string
		product string
		note    string
	}{
		{"one", "@Sari.Beauty Glow Serum -- DM'd", []string{"sari.beauty"}, nil, "Glow Serum", "DM'd"},
		{"many mixed separators", "@a1, @b2\n@c3;@d4 11.11 campaign", []string{"a1", "b2", "c3", "d4"}, nil, "11.11 campaign", ""},
		{"duplicates collapse", "@ab @AB @ab", []string{"ab"}, nil, "", ""},
		{"invalid kept aside", "@ok_1 @x @bad!h Serum", []string{"ok_1"}, []string{"@x", "@bad!h"}, "Serum", ""},
		{"words between handles are not handles", "@e1, bad handle!, @e2 Serum", []string{"e1", "e2"}, []string{"bad", "handle!"}, "Serum", ""},
		{"pasted list without @", "alpha\nbeta, gamma", []string{"alpha", "beta", "gamma"}, nil, "", ""},
		{"pasted list then product", "sari2, budi2 Glow Serum -- note", []string{"sari2", "budi2"}, nil, "Glow Serum", "note"},
		{"note with em dash", "@ab Serum — sent sample", []string{"ab"}, nil, "Serum", "sent sample"},
		{"note only", "@ab -- just a note", []string{"ab"}, nil, "", "just a note"},
		{"nbsp", "@ab\u00a0Serum", []string{"ab"}, nil, "Serum", ""},
		{"product keeps its commas", "@comma.test Glow Serum, 30ml, pink", []string{"comma.test"}, nil, "Glow Serum, 30ml, pink", ""},
		{"handle list then product with commas", "@a1, @b2 Glow Serum, 30ml;  pink -- a, b", []string{"a1", "b2"}, nil, "Glow Serum, 30ml;  pink", "a, b"},
		{"comma right after the last handle", "@a1, @b2, Serum", []string{"a1", "b2"}, nil, "Serum", ""},
		{"pasted list product as typed", "sari2, budi2 Glow  Serum 30ml", []string{"sari2", "budi2"}, nil, "Glow  Serum 30ml", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := parsePitchArgs(tc.in)
			if err != nil {
				t.Fatalf("parsePitchArgs(%q) error: %v", tc.in, err)
			}
			if !reflect.DeepEqual(a.Handles, tc.handles) || !reflect.DeepEqual(a.Invalid, tc.invalid) || a.Product != tc.product || a.Note != tc.note {
				t.Errorf("parsePitchArgs(%q) = %+v, want handles %v invalid %v product %q note %q", tc.in, a, tc.handles, tc.invalid, tc.product, tc.note)
			}
		})
	}
}

func TestParsePitchArgs_Errors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "Tell me who you pitched"},
		{"no handle", "Serum X", "Start with the creator's handle"},
		{"all invalid", "@a @b!", "None of those is a valid creator handle"},
		{"too many", strings.Repeat("@abc ", 101), "at most 100"},
		{"too long", strings.Repeat("x", 9000), "too long"},
		{"pasted list with words inside", "sari2 Glow, budi2 Serum", "can't tell handles from product words"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parsePitchArgs(tc.in)
			if err == nil {
				t.Fatalf("parsePitchArgs(%q) succeeded, want error", tc.in)
			}
			if store.ErrorCode(err) != store.Invalid || !strings.Contains(store.ErrorMessage(err), tc.want) {
				t.Errorf("parsePitchArgs error = %v (%s), want Invalid containing %q", err, store.ErrorCode(err), tc.want)
			}
		})
	}
}

// FuzzParsePitchArgs: never panics; every rejection is a coded Invalid error
// with a message; every success holds 1–100 valid handles.
func FuzzParsePitchArgs(f *testing.F) {
	for _, s := range []string{"@a1 b", "@x,@y\n@z -- n", "a\nb", "", "--", "@" + strings.Repeat("q", 30), "\xff\x00@ab", "@ab — —", "<!channel> @ab"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		a, err := parsePitchArgs(in)
		if err != nil {
			if store.ErrorCode(err) != store.Invalid || store.ErrorMessage(err) == "" {
				t.Fatalf("parsePitchArgs(%q) error %v is not a clear Invalid message", in, err)
			}
			return
		}
		if len(a.Handles) == 0 || len(a.Handles)+len(a.Invalid) > maxPitchHandles {
			t.Fatalf("parsePitchArgs(%q) = %d handles", in, len(a.Handles))
		}
		for _, h := range a.Handles {
			if n, err := store.NormalizeHandle(h); err != nil || n != h {
				t.Fatalf("handle %q not normalised (%q, %v)", h, n, err)
			}
		}
	})
}

func TestNearOutcome(t *testing.T) {
	for in, want := range map[string]string{"agred": "agreed", "declned": "declined", "intrested": "interested", "no respose": "no response", "setju": "setuju"} {
		if got, ok := nearOutcome(in); !ok || got != want {
			t.Errorf("nearOutcome(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"Serum", "Tonik", "Toner", "agreed", "setuju", "Glow Serum 30ml", "agred -- note", "", "11.11 campaign"} {
		if got, ok := nearOutcome(in); ok {
			t.Errorf("nearOutcome(%q) = %q: a product read as a typo", in, got)
		}
	}
}

func TestParsePitchID(t *testing.T) {
	for in, want := range map[string]uint64{"PIT-12": 12, "pit-12": 12, "PIT12": 12, "#7": 7} {
		if got, ok := parsePitchID(in); !ok || got != want {
			t.Errorf("parsePitchID(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"PIT-0", "PIT-", "PITS-1", "@pit-1", "PIT-1x", "PIT-1234567890123"} {
		if _, ok := parsePitchID(in); ok {
			t.Errorf("parsePitchID(%q) accepted", in)
		}
	}
}

func TestCloseKeyword(t *testing.T) {
	cands := []string{"followups", "list", "stats", "help"}
	for in, want := range map[string]string{"lsit": "list", "stat": "stats", "folowups": "followups", "LIST": "list"} {
		if got, ok := closest(in, cands); !ok || got != want {
			t.Errorf("closest(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"serum", "frobnicate", "x"} {
		if got, ok := closest(in, cands); ok {
			t.Errorf("closest(%q) = %q: too far to be a typo", in, got)
		}
	}
}
