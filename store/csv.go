package store

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// utf8BOM is what Excel looks for to read a CSV file as UTF-8.
const utf8BOM = "\uFEFF"

// CSVWriter writes exports as RFC 4180 CSV: comma separated, CRLF line
// ends, fields quoted when they contain a comma, a quote or a line break,
// and every record with as many fields as the first. Every cell goes
// through SafeCell, so the output is valid UTF-8 and no cell is run as a
// spreadsheet formula. A CSVWriter is not safe for concurrent use.
//
// No byte order mark is written unless ExcelBOM is set. RFC 4180 tools and
// most readers (Go, Python, Google Sheets, LibreOffice, Numbers) take UTF-8
// without one, and some of them would read the BOM as part of the first
// header. Excel on Windows needs it to see UTF-8 at all: without it,
// Indonesian names with accents and emoji come out as mojibake.
type CSVWriter struct {
	// ExcelBOM, set before the first write, starts the output with a UTF-8
	// byte order mark so that Excel opening the file directly decodes it.
	ExcelBOM bool

	out     io.Writer
	w       *csv.Writer
	started bool
	fields  int // Fields per record, fixed by the first record.
}

// NewCSVWriter returns a writer to w. Call Flush when done.
func NewCSVWriter(w io.Writer) *CSVWriter {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &CSVWriter{out: w, w: cw}
}

// WriteHeader writes the header record. It must come first, if at all.
func (cw *CSVWriter) WriteHeader(names []string) error {
	if cw.started {
		return fmt.Errorf("csv: header after the first record")
	}
	return cw.Write(names)
}

// Write writes one record, with each cell passed through SafeCell. Errors
// from the underlying writer may only show at Flush.
func (cw *CSVWriter) Write(record []string) error {
	if !cw.started {
		if len(record) == 0 {
			return fmt.Errorf("csv: empty record")
		}
		if cw.ExcelBOM {
			if _, err := io.WriteString(cw.out, utf8BOM); err != nil {
				return fmt.Errorf("csv: write BOM: %w", err)
			}
		}
		cw.started, cw.fields = true, len(record)
	}
	if len(record) != cw.fields {
		return fmt.Errorf("csv: record has %d fields, want %d", len(record), cw.fields)
	}
	safe := make([]string, len(record))
	for i, s := range record {
		safe[i] = SafeCell(s)
	}
	if err := cw.w.Write(safe); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

// Flush writes any buffered data and returns the first error that occurred
// while writing.
func (cw *CSVWriter) Flush() error {
	cw.w.Flush()
	if err := cw.w.Error(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

// SafeCell makes s safe to put in a spreadsheet cell. Invalid UTF-8 becomes
// U+FFFD. A cell that a spreadsheet would run as a formula gets a leading
// apostrophe, which Excel, LibreOffice and Google Sheets take as "this is
// text": a cell whose first character, or first after leading white space,
// is = + - @, a tab, CR, LF or NUL, or the full-width ＝ ＋ － ＠ that
// some spreadsheets also accept (OWASP CSV Injection; ASVS 5.0 1.2.10).
//
// The cost is that a negative number such as "-5" shows as text; exports
// hold no negative amounts. Quoting for commas, quotes and line breaks is
// left to the CSV writer.
func SafeCell(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if s == "" {
		return s
	}
	first, _ := utf8.DecodeRuneInString(s)
	rest, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(s, unicode.IsSpace))
	if isFormulaStart(first) || isFormulaStart(rest) {
		return "'" + s
	}
	return s
}

// isFormulaStart reports whether a cell starting with r may be a formula.
func isFormulaStart(r rune) bool {
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '\n', 0, '＝', '＋', '－', '＠':
		return true
	}
	return false
}
