package store

import (
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// VoucherCSVHeader is the header row of a voucher export.
var VoucherCSVHeader = []string{
	"code", "status", "creator", "product", "value", "currency", "campaign",
	"issued_at", "issued_by", "valid_until", "closed_at", "closed_by", "revoke_reason", "note",
}

// exportTimeLayout is the time format of exports: sortable, and read as a
// date-time by spreadsheets.
const exportTimeLayout = "2006-01-02 15:04"

// WriteVoucherCSV writes vs as RFC 4180 CSV (see CSVWriter: UTF-8, CRLF,
// formula injection neutralised), oldest first, with VoucherCSVHeader.
// Values are plain numbers in the major unit ("150000", "12.50") so
// spreadsheets can sum them; times are in loc. closed_at and closed_by are
// those of the redemption, expiry or revocation.
func WriteVoucherCSV(w io.Writer, vs []Voucher, cur Currency, loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	sorted := slices.Clone(vs)
	slices.SortStableFunc(sorted, func(a, b Voucher) int {
		if c := a.IssuedAt.Compare(b.IssuedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	cw := NewCSVWriter(w)
	if err := cw.WriteHeader(VoucherCSVHeader); err != nil {
		return err
	}
	for _, v := range sorted {
		closedAt, closedBy, reason := "", "", ""
		if v.Status != VoucherIssued {
			last := v.Last()
			closedAt, closedBy = last.At.In(loc).Format(exportTimeLayout), last.UserID
			if v.Status == VoucherRevoked {
				reason = last.Reason
			}
		}
		rec := []string{
			v.Code, string(v.Status), v.Handle, v.Product, plainAmount(v.Value, cur), v.Currency, v.Campaign,
			v.IssuedAt.In(loc).Format(exportTimeLayout), v.IssuerID, validUntil(v.ExpiresAt, loc),
			closedAt, closedBy, reason, v.Note,
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// plainAmount writes m in the major unit without grouping: "150000",
// "12.50".
func plainAmount(m Money, cur Currency) string {
	d := clampDecimals(cur.Decimals)
	s := strconv.FormatInt(int64(m), 10)
	if d == 0 {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if len(s) <= d {
		s = strings.Repeat("0", d-len(s)+1) + s
	}
	s = s[:len(s)-d] + "." + s[len(s)-d:]
	if neg {
		s = "-" + s
	}
	return s
}

// validUntil is the last local day a voucher can be used: ExpiresAt is the
// exclusive end (midnight after that day), which would read as one day too
// late in a spreadsheet.
func validUntil(expires time.Time, loc *time.Location) string {
	return expires.Add(-time.Nanosecond).In(loc).Format("2006-01-02")
}
