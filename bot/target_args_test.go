package bot

import "testing"

func TestParseTargetArgs(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     targetArgs
		err      bool
	}{
		{"No scope: asked", "pitches 10", targetArgs{"pitches", 10, "", "daily", false, false}, false},
		{"Mention", "agreed 2 <@U123|ana>", targetArgs{"agreed", 2, "U123", "daily", true, false}, false},
		{"Bare mention weekly", "pitches 50 weekly <@U9AB>", targetArgs{"pitches", 50, "U9AB", "weekly", true, true}, false},
		{"Me", "pitches 4 me", targetArgs{"pitches", 4, scopeMe, "daily", true, false}, false},
		{"Team weekly", "tasks_done 5 team week", targetArgs{"tasks_done", 5, "", "weekly", true, true}, false},
		{"Case", "PITCHES 3 Team DAILY", targetArgs{"pitches", 3, "", "daily", true, true}, false},
		{"Zero clears", "vouchers 0", targetArgs{"vouchers", 0, "", "daily", false, false}, false},
		{"ErrMetric", "calls 10", targetArgs{}, true},
		{"ErrNumber", "pitches ten", targetArgs{}, true},
		{"ErrNegative", "pitches -1", targetArgs{}, true},
		{"ErrHuge", "pitches 100001", targetArgs{}, true},
		{"ErrPlainAt", "pitches 10 @ana", targetArgs{}, true},
		{"ErrTwoScopes", "pitches 10 team <@U1X>", targetArgs{}, true},
		{"ErrTwoPeriods", "pitches 10 daily weekly", targetArgs{}, true},
		{"ErrJunk", "pitches 10 <!channel>", targetArgs{}, true},
		{"ErrShort", "pitches", targetArgs{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseTargetArgs(tc.in)
			if tc.err {
				if err == nil {
					t.Fatalf("parseTargetArgs(%q) = %+v, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("parseTargetArgs(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		})
	}
}
