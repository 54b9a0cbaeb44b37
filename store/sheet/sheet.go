// Package sheet reads the spreadsheets a team already keeps, CSV or XLSX,
// into the rows store imports: creators and past pitches. Columns are
// found by header name, in English or Indonesian and ignoring case,
// spaces and punctuation; every cell that cannot be read becomes a
// rejected row with its line number and the reason, never an error for
// the whole file.
package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"pocbot/store"
)

// Limits of a file.
const (
	MaxBytes = 10 << 20 // what a Slack file_input takes
	MaxRows  = 100_000
)

// Table is a sheet: a header and its data rows. Line[i] is the 1-based
// line (CSV) or row number (XLSX) of Rows[i], as the user's spreadsheet
// shows it.
type Table struct {
	Header []string
	Rows   [][]string
	Line   []int
}

// ErrEmpty is returned for a file with no header row.
var ErrEmpty = errors.New("the file is empty: it needs a header row naming the columns, then one row per entry")

// Read reads a CSV or XLSX file (told apart by content, not by name). A
// CSV may use commas, semicolons (Excel in Indonesian) or tabs, may start
// with a byte order mark, and may be UTF-8 or, failing that, Windows-1252.
func Read(r io.Reader) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("the file is over %d MB; split it into smaller files", MaxBytes>>20)
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return readXLSX(data)
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return nil, errors.New("this is an old Excel .xls file; save it as .xlsx or CSV and try again")
	}
	if kind := binaryKind(data); kind != "" {
		return nil, fmt.Errorf("this is %s, not a spreadsheet; attach the CSV or XLSX file itself", kind)
	}
	return readCSV(data)
}

// binaryKind names what a file that is not text is (a PNG renamed .csv, a
// PDF), or "" for text. A NUL byte in the first 8 KB is never in a CSV.
func binaryKind(data []byte) string {
	head := data[:min(len(data), 8<<10)]
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG")):
		return "a PNG image"
	case bytes.HasPrefix(head, []byte("\xFF\xD8\xFF")):
		return "a JPEG image"
	case bytes.HasPrefix(head, []byte("%PDF")):
		return "a PDF document"
	case bytes.IndexByte(head, 0) >= 0:
		return "a binary file"
	}
	return ""
}

func readCSV(data []byte) (*Table, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		data = latin1ToUTF8(data)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrEmpty
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffDelimiter(data)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	t := &Table{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("the file is not a readable CSV: %v", err)
		}
		line, _ := cr.FieldPos(0)
		for i, c := range rec {
			rec[i] = unguard(c)
		}
		if t.Header == nil {
			if blank(rec) {
				continue
			}
			t.Header = rec
			continue
		}
		if blank(rec) {
			continue
		}
		if len(t.Rows) >= MaxRows {
			return nil, fmt.Errorf("the file has more than %d rows; split it into smaller files", MaxRows)
		}
		t.Rows = append(t.Rows, rec)
		t.Line = append(t.Line, line)
	}
	if t.Header == nil {
		return nil, ErrEmpty
	}
	return t, nil
}

// unguard undoes store.SafeCell: the apostrophe our exports and the
// rejected-rows CSV put before a cell a spreadsheet would run as a formula
// ('@budi, '=1+1). Without this, fixing a rejected row and importing that
// file again rejects every handle and owner written with an @.
func unguard(c string) string {
	rest, ok := strings.CutPrefix(c, "'")
	if !ok || rest == "" || store.SafeCell(rest) != c {
		return c
	}
	return rest
}

// sniffDelimiter picks the delimiter that splits the first line most.
func sniffDelimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	best, n := ',', bytes.Count(first, []byte(","))
	for _, d := range []rune{';', '\t'} {
		if c := bytes.Count(first, []byte(string(d))); c > n {
			best, n = d, c
		}
	}
	return best
}

// latin1ToUTF8 decodes Windows-1252 (what Excel writes "CSV" in on many
// Windows set-ups) as Latin-1, which agrees with it on every letter an
// Indonesian name uses.
func latin1ToUTF8(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b) + len(b)/8)
	for _, c := range b {
		out.WriteRune(rune(c))
	}
	return out.Bytes()
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// readXLSX reads the first sheet. Raw cell values are used, so numbers
// come unformatted and dates as Excel serial numbers, which dates.go reads.
func readXLSX(data []byte) (*Table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("the file looks like XLSX but cannot be opened: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, ErrEmpty
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("cannot read sheet %q: %v", sheets[0], err)
	}
	defer rows.Close()
	t := &Table{}
	line := 0
	for rows.Next() {
		line++
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("cannot read row %d: %v", line, err)
		}
		if blank(rec) {
			continue
		}
		if t.Header == nil {
			t.Header = rec
			continue
		}
		if len(t.Rows) >= MaxRows {
			return nil, fmt.Errorf("the sheet has more than %d rows; split it into smaller files", MaxRows)
		}
		t.Rows = append(t.Rows, rec)
		t.Line = append(t.Line, line)
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("cannot read sheet %q: %v", sheets[0], err)
	}
	if t.Header == nil {
		return nil, ErrEmpty
	}
	return t, nil
}

// normHeader reduces a header to lower-case letters and digits, so
// "Follower Count", "follower_count" and "FOLLOWER-COUNT" match.
func normHeader(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// column is a field a sheet may have, with the header names it goes by.
type column struct {
	field   string
	aliases []string
}

// match maps fields to column indexes by header name; the first matching
// column wins. It also returns the headers it did not use.
func match(header []string, cols []column) (map[string]int, []string) {
	idx := map[string]int{}
	used := map[int]bool{}
	for _, c := range cols {
		for _, a := range c.aliases {
			na := normHeader(a)
			for i, h := range header {
				if !used[i] && normHeader(h) == na {
					idx[c.field] = i
					used[i] = true
					break
				}
			}
			if _, ok := idx[c.field]; ok {
				break
			}
		}
	}
	var unused []string
	for i, h := range header {
		if !used[i] && strings.TrimSpace(h) != "" {
			unused = append(unused, strings.TrimSpace(h))
		}
	}
	return idx, unused
}

// cell returns row's value for field, trimmed; "" if absent.
func cell(row []string, idx map[string]int, field string) string {
	i, ok := idx[field]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}
