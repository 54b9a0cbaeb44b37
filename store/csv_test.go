package store

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var csvHeader = []string{"code", "creator", "value", "note"}

var csvRows = [][]string{
	{"SMP-7KQ3-9XF2-M4T9", "Siti Nurhaliza", "Rp150.000", "plain"},
	{"SMP-2345-6789-ABCD", `=HYPERLINK("http://evil.example","x")`, "-150", "+1"},
	{"SMP-2345-6789-ABCD", "@SUM(A1)", "\t=1", " =1+1"},
	{"SMP-2345-6789-ABCD", `Budi, "Jakarta"`, "line1\nline2", "Ça va 🚀"},
	{"SMP-2345-6789-ABCD", "Dewi Ayu Lestari 😀", "＝1+1", "bad\xffbyte"},
	{"SMP-2345-6789-ABCD", "", " leading space", "cr\r\nlf"},
}

// csvGolden is the exact output for csvHeader and csvRows: CRLF line ends,
// quotes doubled inside quoted fields, formula cells behind an apostrophe,
// invalid UTF-8 replaced, and non-ASCII written as is.
const csvGolden = "code,creator,value,note\r\n" +
	"SMP-7KQ3-9XF2-M4T9,Siti Nurhaliza,Rp150.000,plain\r\n" +
	`SMP-2345-6789-ABCD,"'=HYPERLINK(""http://evil.example"",""x"")",'-150,'+1` + "\r\n" +
	"SMP-2345-6789-ABCD,'@SUM(A1),'\t=1,' =1+1\r\n" +
	`SMP-2345-6789-ABCD,"Budi, ""Jakarta""","line1` + "\r\n" + `line2",Ça va 🚀` + "\r\n" +
	"SMP-2345-6789-ABCD,Dewi Ayu Lestari 😀,'＝1+1,bad\uFFFDbyte\r\n" +
	`SMP-2345-6789-ABCD,," leading space","cr` + "\r\n" + `lf"` + "\r\n"

// MustWriteCSV writes header and rows with a CSVWriter and returns the bytes.
func MustWriteCSV(tb testing.TB, bom bool, header []string, rows [][]string) []byte {
	tb.Helper()
	var b bytes.Buffer
	w := NewCSVWriter(&b)
	w.ExcelBOM = bom
	if err := w.WriteHeader(header); err != nil {
		tb.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestCSVWriter_Golden(t *testing.T) {
	got := MustWriteCSV(t, false, csvHeader, csvRows)
	if string(got) != csvGolden {
		t.Errorf("CSV output:\n%q\nwant:\n%q", got, csvGolden)
	}
	if !utf8.Valid(got) {
		t.Error("CSV output is not valid UTF-8")
	}

	// A strict RFC 4180 reader gets back every cell as SafeCell left it,
	// except that a CR inside a cell is lost and CRLF reads as LF.
	recs, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	all := append([][]string{csvHeader}, csvRows...)
	if len(recs) != len(all) {
		t.Fatalf("read back %d records; want %d", len(recs), len(all))
	}
	for i, rec := range recs {
		for j, cell := range rec {
			if want := strings.ReplaceAll(SafeCell(all[i][j]), "\r", ""); cell != want {
				t.Errorf("record %d field %d reads back as %q; want %q", i, j, cell, want)
			}
		}
	}
}

func TestCSVWriter_ExcelBOM(t *testing.T) {
	got := MustWriteCSV(t, true, []string{"name"}, [][]string{{"Budi"}})
	if want := "\xEF\xBB\xBFname\r\nBudi\r\n"; string(got) != want {
		t.Errorf("CSV output = %q; want %q", got, want)
	}
	if got := MustWriteCSV(t, false, []string{"name"}, nil); bytes.HasPrefix(got, []byte(utf8BOM)) {
		t.Errorf("CSV output = %q; want no BOM by default", got)
	}
}

func TestCSVWriter_Errors(t *testing.T) {
	w := NewCSVWriter(&bytes.Buffer{})
	if err := w.Write(nil); err == nil {
		t.Error("Write(nil) as the first record: want an error")
	}
	if err := w.WriteHeader([]string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]string{"1"}); err == nil || ErrorCode(err) != Internal {
		t.Errorf("Write with too few fields: error = %v; want an internal error", err)
	}
	if err := w.WriteHeader([]string{"a", "b"}); err == nil {
		t.Error("WriteHeader after a record: want an error")
	}
	w = NewCSVWriter(failWriter{})
	if err := w.Write([]string{"a"}); err != nil {
		t.Fatalf("Write: %v (the failure should show at Flush)", err)
	}
	if err := w.Flush(); !errors.Is(err, errFailWriter) {
		t.Errorf("Flush() = %v; want the writer's error", err)
	}
}

var errFailWriter = errors.New("disk full")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFailWriter }

func TestSafeCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Budi", "Budi"},
		{"Siti Nurhaliza 😀", "Siti Nurhaliza 😀"},
		{"150000", "150000"},
		{"a=b", "a=b"},
		{"email@example.com", "email@example.com"},
		{"'quoted", "'quoted"},
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\tplain", "'\tplain"}, // OWASP lists a leading tab on its own.
		{"\r=1", "'\r=1"},
		{"\n=1", "'\n=1"},
		{"\x00x", "'\x00x"},
		{"  =1", "'  =1"},
		{"\u00a0=1", "'\u00a0=1"},
		{" plain", " plain"},
		{"＝1+1", "'＝1+1"},
		{"＋1", "'＋1"},
		{"－1", "'－1"},
		{"＠x", "'＠x"},
		{`=cmd|' /C calc'!A0`, `'=cmd|' /C calc'!A0`},
		{"bad\xffbyte", "bad\uFFFDbyte"},
		{"\xff=1", "\uFFFD=1"},
		{"=\xff", "'=\uFFFD"},
	} {
		if got := SafeCell(tc.in); got != tc.want {
			t.Errorf("SafeCell(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzCSVCell writes a cell and reads it back with encoding/csv: the output
// is valid UTF-8, the record survives intact, and the cell cannot start a
// formula.
func FuzzCSVCell(f *testing.F) {
	for _, r := range csvRows {
		for _, c := range r {
			f.Add(c)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := MustWriteCSV(t, false, []string{"id", "cell"}, [][]string{{"1", s}})
		if !utf8.Valid(got) {
			t.Fatalf("output for %q is not valid UTF-8: %q", s, got)
		}
		recs, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
		if err != nil {
			t.Fatalf("reading back %q: %v", got, err)
		}
		if len(recs) != 2 || len(recs[1]) != 2 {
			t.Fatalf("read back %q as %q; want two records of two fields", got, recs)
		}
		cell := recs[1][1]
		if want := strings.ReplaceAll(SafeCell(s), "\r", ""); cell != want {
			t.Fatalf("cell %q reads back as %q; want %q", s, cell, want)
		}
		first, _ := utf8.DecodeRuneInString(cell)
		trimmed, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(cell, unicode.IsSpace))
		if isFormulaStart(first) || isFormulaStart(trimmed) {
			t.Fatalf("cell %q reads back as %q, which may start a formula", s, cell)
		}
	})
}
