package bot

import (
	"strings"
	"testing"
)

func TestToPlain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"*Team* _no target_ for ramadan_2026", "Team no target for ramadan_2026"},
		{":palm_tree: @sari_beauty (_late_)", ":palm_tree: @sari_beauty (late)"},
		{"<@U1|ana> &lt;!channel&gt; `x`", "@U1 <!channel> x"},
	}
	for _, tc := range tests {
		if got := toPlain(tc.in); got != tc.want {
			t.Errorf("toPlain(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNotifyTextNeverPings(t *testing.T) {
	in := "*Goal* for &lt;!channel&gt; and @here: _10_ pitches"
	got := notifyText(in)
	if strings.Contains(got, "<!channel>") || strings.Contains(got, "@here") {
		t.Errorf("notifyText(%q) = %q: a mention survived", in, got)
	}
}
