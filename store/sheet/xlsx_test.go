package sheet

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"pocbot/store"
)

func TestWriteXLSX_NoFormulasNumbersKept(t *testing.T) {
	tab := &store.Table{Header: []string{"id", "note"}, Numeric: []bool{true, false},
		Rows: [][]string{{"1", `=HYPERLINK("http://evil","x")`}, {"2", "+1-2"}, {"x", "bad\x00byte"}}}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, tab, "pitches"); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if strings.Contains(string(b), "<f>") || strings.Contains(string(b), "<f ") {
			t.Errorf("%s has a formula element", f.Name)
		}
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := x.GetCellValue("pitches", "B2"); v != `=HYPERLINK("http://evil","x")` {
		t.Errorf("B2 = %q", v)
	}
	if f, _ := x.GetCellFormula("pitches", "B2"); f != "" {
		t.Errorf("B2 formula = %q", f)
	}
	if typ, _ := x.GetCellType("pitches", "A2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("A2 type = %v, want a number", typ)
	}
	if v, _ := x.GetCellValue("pitches", "B4"); v != "bad\uFFFDbyte" {
		t.Errorf("B4 = %q", v)
	}
}
