package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

func goodEnv() map[string]string {
	return map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-1234567890-abcdef",
		"SLACK_APP_TOKEN": "xapp-1-A123-456-abcdef",
	}
}

func TestLoadConfig_Defaults(t *testing.T) {
	t.Parallel()
	c, err := LoadConfig(getenvFrom(goodEnv()))
	if err != nil {
		t.Fatal(err)
	}
	if c.Location.String() != "Asia/Jakarta" || c.DB != "./pocbot.db" || c.DigestCron != "0 9 * * *" ||
		c.APIURL != "https://slack.com/api/" || c.PitchCooldown.Hours() != 14*24 || c.FollowupDays != 3 {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadConfig_Errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no bot token", map[string]string{"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN is not set"},
		{"swapped tokens", map[string]string{"SLACK_BOT_TOKEN": "xapp-1-A123-456-abcdef"}, `must start with "xoxb-"`},
		{"malformed app token", map[string]string{"SLACK_APP_TOKEN": "xapp-1 2"}, "malformed"},
		{"bad tz", map[string]string{"POCBOT_TZ": "Mars/Olympus"}, "POCBOT_TZ"},
		{"bad cron", map[string]string{"POCBOT_DIGEST_CRON": "every morning"}, "POCBOT_DIGEST_CRON"},
		{"bad admin", map[string]string{"POCBOT_ADMINS": "U123ABC,@bob"}, "POCBOT_ADMINS"},
		{"channel name", map[string]string{"POCBOT_DIGEST_CHANNEL": "#general"}, "not a channel ID"},
		{"bad url", map[string]string{"SLACK_API_URL": "slack.com"}, "SLACK_API_URL"},
		{"bad cooldown", map[string]string{"POCBOT_PITCH_COOLDOWN": "two weeks"}, "POCBOT_PITCH_COOLDOWN"},
		{"bad outsource", map[string]string{"POCBOT_OUTSOURCE": "U7,ana"}, `POCBOT_OUTSOURCE has "ana"`},
		{"SLA hours backwards", map[string]string{"POCBOT_SLA_HOURS": "18:00-09:00"}, "POCBOT_SLA_HOURS: \"18:00-09:00\" ends before it starts"},
		{"SLA hours words", map[string]string{"POCBOT_SLA_HOURS": "office hours"}, "write them like 09:00-18:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := goodEnv()
			for k, v := range tc.env {
				env[k] = v
			}
			_, err := LoadConfig(getenvFrom(env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadConfig error = %v, want it to mention %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), "README") {
				t.Errorf("error does not point to the README: %v", err)
			}
			for _, tok := range []string{"xoxb-1234567890-abcdef", "xapp-1-A123-456-abcdef"} {
				if strings.Contains(err.Error(), tok) && tc.name != "swapped tokens" {
					t.Errorf("error echoes a token: %v", err)
				}
			}
		})
	}
}

func TestRun_ExitsClearlyOnBadConfig(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	code := run(context.Background(), nil, getenvFrom(map[string]string{"SLACK_BOT_TOKEN": "xoxb-short"}), &out, &errb)
	if code == 0 {
		t.Fatal("run succeeded without tokens")
	}
	s := errb.String()
	if !strings.Contains(s, "SLACK_APP_TOKEN is not set") || strings.Contains(s, "goroutine") || strings.Contains(s, "xoxb-short") {
		t.Errorf("stderr = %q", s)
	}
}

func TestRun_Help(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, getenvFrom(nil), &out, &errb); code != 0 {
		t.Fatalf("-h exit %d", code)
	}
	for _, s := range settings {
		if !strings.Contains(out.String(), s.Name) || !strings.Contains(out.String(), s.ShownDefault()) || !strings.Contains(out.String(), s.Range) {
			t.Errorf("-h does not list %s with its default and range", s.Name)
		}
	}
}

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	s := secret("xoxb-very-secret")
	var b bytes.Buffer
	for _, f := range []string{"%v", "%s", "%+v", "%#v", "%q"} {
		b.Reset()
		b.WriteString(strings.TrimSpace(sprintf(f, s)))
		if strings.Contains(b.String(), "very-secret") {
			t.Errorf("format %s printed the token: %s", f, b.String())
		}
	}
}

func sprintf(f string, v any) string { return fmt.Sprintf(f, v) }

func TestOfflineTools_RefuseMissingDBAndBadRanges(t *testing.T) {
	t.Parallel()
	missing := t.TempDir() + "/nope.db"
	env := getenvFrom(map[string]string{"POCBOT_DB": missing, "SLACK_BOT_TOKEN": "xoxb-1234567890-abcdef", "SLACK_APP_TOKEN": "xapp-1-A123-456-abcdef"})
	for _, args := range [][]string{{"export", "vouchers"}, {"digest", "--print"}, {"backup", t.TempDir() + "/copy.db"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, env, &out, &errb); code == 0 || !strings.Contains(errb.String(), "there is no database at") {
			t.Errorf("%v on a missing DB: exit %d, stderr %q", args, code, errb.String())
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("an offline tool created the missing database")
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"export", "vouchers", "--from", "2026-12-01", "--to", "2026-11-01"}, env, &out, &errb); code == 0 || !strings.Contains(errb.String(), "after --to") {
		t.Errorf("reversed range: exit %d, stderr %q", code, errb.String())
	}
}

// TestREADMEDocumentsEverySetting keeps the README's configuration table
// in step with the settings table: one row per setting, with its default
// and range as `pocbot -h` prints them.
func TestREADMEDocumentsEverySetting(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(string(readme), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.ReplaceAll(strings.TrimSpace(cells[i]), "`", "")
		}
		rows[cells[0]] = cells
	}
	for _, s := range settings {
		row, ok := rows[s.Name]
		switch {
		case !ok:
			t.Errorf("README's configuration table has no row for %s", s.Name)
		case len(row) != 4:
			t.Errorf("README's row for %s has %d cells, want 4 (variable, default, range, meaning)", s.Name, len(row))
		case row[1] != s.ShownDefault() || row[2] != s.Range:
			t.Errorf("README's row for %s says default %q, range %q; the settings table says %q, %q", s.Name, row[1], row[2], s.ShownDefault(), s.Range)
		}
	}
}

// pocbot export without a kind names every kind it exports, not only vouchers.
func TestExportUsageNamesEveryKind(t *testing.T) {
	var out, errb bytes.Buffer
	env := func(k string) string {
		if k == "POCBOT_ADMIN_SOCKET" {
			return "off"
		}
		return ""
	}
	for _, args := range [][]string{{"export"}, {"export", "photos"}} {
		out.Reset()
		errb.Reset()
		if code := run(context.Background(), args, env, &out, &errb); code != 2 {
			t.Errorf("%v exited %d", args, code)
		}
		for _, want := range []string{"export vouchers", "pitches|issues|tasks"} {
			if !strings.Contains(errb.String(), want) {
				t.Errorf("%v: usage lacks %q:\n%s", args, want, errb.String())
			}
		}
	}
}

// A bad flag gets one line naming it and the usage, not flag's list of
// defaults; -h prints the usage and succeeds.
func TestDigestAndExportFlagErrorsAreShort(t *testing.T) {
	env := func(k string) string {
		if k == "POCBOT_ADMIN_SOCKET" {
			return "off"
		}
		return ""
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"digest", "--print", "--date"}, 2, "pocbot digest: flag needs an argument: -date; usage: pocbot digest --print"},
		{[]string{"digest", "--bogus"}, 2, "not defined: -bogus; usage: pocbot digest"},
		{[]string{"digest", "-h"}, 0, "usage: pocbot digest --print"},
		{[]string{"export", "vouchers", "--campaign"}, 2, "pocbot export vouchers: flag needs an argument: -campaign\nusage: pocbot export vouchers"},
		{[]string{"export", "vouchers", "-h"}, 0, "usage: pocbot export vouchers"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), c.args, env, &out, &errb)
		all := out.String() + errb.String()
		if code != c.code || !strings.Contains(all, c.want) || strings.Contains(all, "Usage of") {
			t.Errorf("%v = %d, want %d and %q:\n%s", c.args, code, c.code, c.want, all)
		}
	}
}

// Binary output (backup -, export … xlsx) is refused on a terminal only:
// /dev/null and files are fine.
func TestIsTerminal(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	file, err := os.Create(t.TempDir() + "/out")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if isTerminal(null) || isTerminal(file) || isTerminal(&bytes.Buffer{}) {
		t.Errorf("isTerminal: /dev/null %v, file %v", isTerminal(null), isTerminal(file))
	}
	pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no /dev/ptmx to try a terminal: %v", err)
	}
	defer pty.Close()
	if !isTerminal(pty) {
		t.Error("a pseudo-terminal is not a terminal")
	}
	var errb bytes.Buffer
	env := func(k string) string { return map[string]string{"POCBOT_ADMIN_SOCKET": "off"}[k] }
	if code := run(context.Background(), []string{"export", "pitches", "xlsx"}, env, pty, &errb); code != 2 || !strings.Contains(errb.String(), "> pitches.xlsx") {
		t.Errorf("export pitches xlsx to a terminal = %d %q", code, errb.String())
	}
}

func TestLoadConfig_RosterAndSLAHours(t *testing.T) {
	t.Parallel()
	env := goodEnv()
	env["POCBOT_OUTSOURCE"] = " U7, W8 ,"
	env["POCBOT_SLA_HOURS"] = "09:00-18:00"
	c, err := LoadConfig(getenvFrom(env))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Outsource) != 2 || c.Outsource[0] != "U7" || c.Outsource[1] != "W8" || c.SLAHours.String() != "09:00-18:00" {
		t.Errorf("outsource %v, SLA hours %q", c.Outsource, c.SLAHours)
	}
	if c, _ := LoadConfig(getenvFrom(goodEnv())); !c.SLAHours.IsZero() {
		t.Errorf("default SLA hours = %q, want the wall clock", c.SLAHours)
	}
}
