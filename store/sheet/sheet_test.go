package sheet

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"pocbot/store"
)

var jkt, _ = time.LoadLocation("Asia/Jakarta")

func team(ref string) (string, bool) {
	switch strings.ToLower(strings.TrimPrefix(ref, "@")) {
	case "sari", "sari@example.com", "u1":
		return "U1", true
	case "budi", "budi@example.com", "u2":
		return "U2", true
	}
	return "", false
}

func TestParseCreatorsCSV_IndonesianHeadersSemicolonsAndBadRows(t *testing.T) {
	csv := "\uFEFFUsername;Nama;Pengikut;Kategori;PIC;Kontak;Catatan;Extra\r\n" +
		"https://www.tiktok.com/@Budi.JKT?lang=id;Budi;120k;beauty;@sari;WA 0812;likes serum;x\r\n" +
		"@sari.beauty;Sari;15.000;;budi@example.com;;;\r\n" +
		"bad handle!;X;1;;;;;\r\n" +
		"ok.one;X;lots;;;;;\r\n" +
		";;;;;;;\r\n" +
		"ok.two;X;;;nobody;;;\r\n" +
		"https://vt.tiktok.com/ZS123/;X;;;;;;\r\n"
	tab, err := Read(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(tab, Creators, team, jkt)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Creators) != 2 || p.Creators[0].Handle != "budi.jkt" || *p.Creators[0].Followers != 120000 ||
		*p.Creators[0].OwnerID != "U1" || *p.Creators[1].Followers != 15000 || *p.Creators[1].OwnerID != "U2" || p.Creators[1].Category != nil {
		t.Fatalf("creators = %+v", p.Creators)
	}
	wantLines := []int{4, 5, 7, 8}
	if len(p.Bad) != len(wantLines) {
		t.Fatalf("bad = %+v", p.Bad)
	}
	for i, b := range p.Bad {
		if b.Line != wantLines[i] {
			t.Errorf("bad[%d] = %+v, want line %d", i, b, wantLines[i])
		}
	}
	for i, sub := range []string{"not a valid TikTok handle", "not a follower count", "not a teammate", "short vt.tiktok.com"} {
		if !strings.Contains(p.Bad[i].Reason, sub) {
			t.Errorf("bad[%d] = %q, want %q", i, p.Bad[i].Reason, sub)
		}
	}
	if len(p.Unused) != 1 || p.Unused[0] != "Extra" {
		t.Errorf("unused = %v", p.Unused)
	}
	var out bytes.Buffer
	if err := WriteRejected(&out, tab, p.Bad); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "line,reason,Username,Nama,") || !strings.Contains(out.String(), "\r\n4,") {
		t.Errorf("rejected CSV:\n%s", out.String())
	}
}

func TestParsePitchesXLSX(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{
		{"Akun TikTok", "Dipitch oleh", "Tanggal", "Produk", "Hasil"},
		{"@budi.jkt", "sari", "2026-11-02", "Serum", "Setuju"},
		{"sari.beauty", "U2", 46331.0, "Toner", "tidak ada respon"},
		{"x.y", "sari", "31/11/2026", "Toner", ""},
		{"x.z", "sari", "2026-11-03", "Toner", "maybe"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tab, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(tab, Pitches, team, jkt)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Pitches) != 2 {
		t.Fatalf("pitches = %+v bad = %+v", p.Pitches, p.Bad)
	}
	if got := p.Pitches[0]; got.UserID != "U1" || got.Status != store.PitchAgreed || !got.At.Equal(time.Date(2026, 11, 2, 12, 0, 0, 0, jkt)) {
		t.Errorf("pitch 0 = %+v", got)
	}
	if got := p.Pitches[1]; got.Status != store.PitchNoResponse || got.At.Format("2006-01-02") != "2026-11-05" {
		t.Errorf("pitch 1 = %+v (serial 46331 is 2026-11-05)", got)
	}
	if len(p.Bad) != 2 || p.Bad[0].Line != 4 || p.Bad[1].Line != 5 || !strings.Contains(p.Bad[1].Reason, "maybe") {
		t.Errorf("bad = %+v", p.Bad)
	}
}

func TestParseMissingColumn(t *testing.T) {
	tab, _ := Read(strings.NewReader("name,followers\nSari,1\n"))
	if _, err := Parse(tab, Creators, team, jkt); err == nil || !strings.Contains(err.Error(), "handle") {
		t.Errorf("err = %v", err)
	}
	if _, err := Read(strings.NewReader("  \n")); err != ErrEmpty {
		t.Errorf("empty err = %v", err)
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-11-30":            "2026-11-30 12:00",
		"2026-11-30 09:15":      "2026-11-30 09:15",
		"30/11/2026":            "2026-11-30 12:00",
		"11/30/2026":            "2026-11-30 12:00",
		"05/11/2026":            "2026-11-05 12:00",
		"30-11-26":              "2026-11-30 12:00",
		"30 Nov 2026":           "2026-11-30 12:00",
		"30 Desember 2026":      "2026-12-30 12:00",
		"Senin, 2 Agustus 2026": "2026-08-02 12:00",
		"Nov 30, 2026":          "2026-11-30 12:00",
		"30/11/2026 14:05":      "2026-11-30 14:05",
	} {
		got, err := ParseDate(in, jkt)
		if err != nil || got.In(jkt).Format("2006-01-02 15:04") != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "yesterday", "31/02/2026", "12345", "2026-13-01"} {
		if _, err := ParseDate(in, jkt); err == nil {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
}

func TestParseHintsAtTheOtherKind(t *testing.T) {
	tab, _ := Read(strings.NewReader("handle,pitched by,date\n@a.b,U1,2026-11-02\n"))
	p, err := Parse(tab, Creators, team, jkt)
	if err != nil || !strings.Contains(p.Hint, "past pitches") {
		t.Errorf("hint = %q, %v", p.Hint, err)
	}
	tab, _ = Read(strings.NewReader("handle,followers\n@a.b,10\n"))
	if _, err := Parse(tab, Pitches, team, jkt); err == nil || !strings.Contains(err.Error(), "choose Creators") {
		t.Errorf("err = %v", err)
	}
}

// TestRejectedCSVImportsAgain: the rejected-rows CSV says "fix them there
// and import that file"; its @handles and @owners carry SafeCell's
// apostrophe, and a fixed file must import, not be rejected again.
func TestRejectedCSVImportsAgain(t *testing.T) {
	src := "Username;Nama;PIC\n@andi;Andi;@nobody\n@sinta_olshop;=HYPERLINK(\"x\");@sari\n"
	tab, err := Read(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(tab, Creators, team, jkt)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteRejected(&out, tab, p.Bad); err != nil {
		t.Fatal(err)
	}
	// The user fixes the owner in the file and imports it.
	fixed := strings.Replace(out.String(), "'@nobody", "'@budi", 1)
	tab2, err := Read(strings.NewReader(fixed))
	if err != nil {
		t.Fatal(err)
	}
	p2, err := Parse(tab2, Creators, team, jkt)
	if err != nil {
		t.Fatal(err)
	}
	if len(p2.Bad) != 0 || len(p2.Creators) != 1 || p2.Creators[0].Handle != "andi" || *p2.Creators[0].OwnerID != "U2" {
		t.Fatalf("re-import of the fixed rejected file: bad %+v, rows %+v\n%s", p2.Bad, p2.Creators, fixed)
	}
	// A name that is a formula comes back as the text it was, not with the guard.
	if got := tab.Rows[1][1]; got != `=HYPERLINK("x")` {
		t.Errorf("cell read as %q", got)
	}
	tab3, _ := Read(strings.NewReader("handle,name\nok.one,'=HYPERLINK(\"x\")\nok.two,'it's\n"))
	if tab3.Rows[0][1] != `=HYPERLINK("x")` || tab3.Rows[1][1] != "'it's" {
		t.Errorf("unguarded cells: %q", tab3.Rows)
	}
}

// TestReadRefusesBinary: a screenshot renamed .csv is named for what it is,
// not reported as a CSV whose header row is "\u0089PNG".
func TestReadRefusesBinary(t *testing.T) {
	for name, data := range map[string]string{
		"a PNG image":    "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"a PDF document": "%PDF-1.7\n%\xe2\xe3",
		"a binary file":  "abc\x00def",
	} {
		_, err := Read(strings.NewReader(data))
		if err == nil || !strings.Contains(err.Error(), "this is "+name+", not a spreadsheet") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Read(strings.NewReader("handle\nok.one\n")); err != nil {
		t.Errorf("plain CSV: %v", err)
	}
}
