package sheet

import (
	"io"
	"slices"
	"strconv"

	"pocbot/store"
)

// WriteRejected writes the rejected rows as CSV: line, reason, then the
// row as it was in the file, under the file's own header, so the user can
// fix the rows and import that file again. Cells go through
// store.SafeCell, like every export.
func WriteRejected(w io.Writer, t *Table, bad []store.RowError) error {
	byLine := make(map[int][]string, len(t.Rows))
	for i, row := range t.Rows {
		byLine[t.Line[i]] = row
	}
	cw := store.NewCSVWriter(w)
	header := append([]string{"line", "reason"}, t.Header...)
	if err := cw.WriteHeader(header); err != nil {
		return err
	}
	sorted := slices.Clone(bad)
	slices.SortStableFunc(sorted, func(a, b store.RowError) int { return a.Line - b.Line })
	for _, b := range sorted {
		rec := make([]string, len(header))
		rec[0], rec[1] = strconv.Itoa(b.Line), b.Reason
		copy(rec[2:], byLine[b.Line])
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// AllBad merges a parse's bad rows with those the store rejected, by line.
func AllBad(p *Parsed, res *store.ImportResult) []store.RowError {
	out := slices.Clone(p.Bad)
	if res != nil {
		out = append(out, res.Rejected...)
	}
	slices.SortStableFunc(out, func(a, b store.RowError) int { return a.Line - b.Line })
	return out
}
