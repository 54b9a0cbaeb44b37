package sheet

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"pocbot/store"
)

// WriteXLSX writes t as an Excel workbook with one sheet, name. Every
// text cell is stored as a string, never as a formula, so a cell such as
// "=HYPERLINK(…)" shows as that text and runs nothing; invalid UTF-8
// becomes U+FFFD. Numeric columns hold numbers. The header row is bold
// and frozen, with filters.
//
// A string cell that starts with = is not a formula in XLSX (formulas
// live in <f> elements, which this never writes), so no apostrophe is
// added, unlike CSV.
func WriteXLSX(w io.Writer, t *store.Table, name string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	head := make([]any, len(t.Header))
	for i, h := range t.Header {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	for r, row := range t.Rows {
		cells := make([]any, len(row))
		for i, v := range row {
			if i < len(t.Numeric) && t.Numeric[i] {
				if n, err := strconv.ParseInt(v, 10, 64); err == nil {
					cells[i] = n
					continue
				}
			}
			cells[i] = excelize.Cell{Value: validText(v)}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if len(t.Header) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(t.Header), len(t.Rows)+1)
		if err := f.AutoFilter(name, "A1:"+last, nil); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// validText makes s valid UTF-8 without XML-illegal control characters.
func validText(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == 0xFFFD || r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r != 0xFFFE && r != 0xFFFF {
			out = append(out, r)
		} else {
			out = append(out, 0xFFFD)
		}
	}
	return string(out)
}
