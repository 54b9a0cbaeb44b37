package bot

import (
	"strings"
	"testing"
	"time"
)

func TestValidateTemplate(t *testing.T) {
	spec, _ := templateSpecFor("Reminder")
	for _, tc := range []struct{ text, err string }{
		{"Kak @{handle}, sebelum {due_date} ya", ""},
		{"{due_date}", ""},
		{"{due_date} {tanggal}", "{tanggal} is not a placeholder"},
		{"{due_date} {", "never closed"},
		{"{due_date} }", "without its {"},
		{"{due_date} {}", "is not a placeholder"},
		{"{due_date} {a b}", "is not a placeholder"},
		{"no placeholder", "must contain {due_date}"},
	} {
		err := validateTemplate(spec, tc.text)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%q: err = %v, want %q", tc.text, err, tc.err)
		}
	}
	for _, s := range templateSpecs {
		for lang, text := range s.Default {
			if err := validateTemplate(s, text); err != nil {
				t.Errorf("default %s/%s: %v", s.Name, lang, err)
			}
		}
		for lang, text := range s.Ordered {
			if err := validateTemplate(s, text); err != nil {
				t.Errorf("built-in %s/%s for no delivery: %v", s.Name, lang, err)
			}
		}
	}
}

func TestRenderTemplateAndIndonesianDates(t *testing.T) {
	if got := renderTemplate("Hi {handle}, {unknown} {due_date}", map[string]string{"handle": "a.b", "due_date": "{handle}"}); got != "Hi a.b, {unknown} {handle}" {
		t.Errorf("render = %q (values are not expanded again)", got)
	}
	loc, _ := time.LoadLocation("Asia/Jakarta")
	b := &Bot{cfg: Config{Location: loc, CreatorLang: "id"}}
	d := time.Date(2026, 12, 14, 23, 59, 0, 0, loc)
	if got := b.creatorDateTime(d); got != "Senin, 14 Desember 2026 pukul 23.59 WIB" {
		t.Errorf("id = %q", got)
	}
	if got := b.creatorDate(time.Date(2027, 8, 1, 0, 0, 0, 0, loc)); got != "Minggu, 1 Agustus 2027" {
		t.Errorf("id = %q", got)
	}
	b.cfg.CreatorLang = "en"
	if got := b.creatorDateTime(d); got != "Mon 14 Dec 2026, 23:59 WIB" {
		t.Errorf("en = %q", got)
	}
}
