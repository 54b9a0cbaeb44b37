package sheet

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"pocbot/store"
)

// Kind is what a sheet holds.
type Kind string

// Kinds of sheet.
const (
	Creators Kind = "creators"
	Pitches  Kind = "pitches"
)

// ParseKind reads "creators" or "pitches" (and the singular forms).
func ParseKind(s string) (Kind, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "creators", "creator", "kreator":
		return Creators, true
	case "pitches", "pitch":
		return Pitches, true
	}
	return "", false
}

// Column header names each field goes by, compared after lower-casing and
// dropping spaces and punctuation. README lists them.
var (
	handleAliases  = []string{"handle", "username", "tiktok", "tiktok handle", "tiktok username", "tiktok id", "id tiktok", "akun", "akun tiktok", "creator", "kreator", "profile", "profile url", "profil", "link", "link tiktok", "url"}
	noteAliases    = []string{"notes", "note", "catatan", "keterangan", "remarks", "komentar"}
	creatorColumns = []column{
		{"handle", handleAliases},
		{"name", []string{"name", "display name", "nama", "nama kreator", "nama creator", "full name", "nama lengkap", "nickname"}},
		{"followers", []string{"followers", "follower", "follower count", "followers count", "pengikut", "jumlah pengikut", "jumlah followers", "jumlah follower"}},
		{"category", []string{"category", "kategori", "niche", "niche kategori"}},
		{"owner", []string{"owner", "poc", "pic", "pemilik", "penanggung jawab", "assigned to", "account manager"}},
		{"contact", []string{"contact", "kontak", "phone", "whatsapp", "wa", "no hp", "nomor hp", "no wa", "nomor wa", "email", "e-mail"}},
		{"notes", noteAliases},
	}
	pitchColumns = []column{
		{"handle", handleAliases},
		{"by", []string{"pitched by", "by", "pitcher", "staff", "user", "teammate", "poc", "pic", "owner", "oleh", "dipitch oleh", "sales", "nama staff"}},
		{"date", []string{"date", "pitched on", "pitch date", "tanggal", "tanggal pitch", "tgl", "created", "created at", "waktu", "dikirim"}},
		{"product", []string{"product", "produk", "item", "sku", "nama produk", "product name"}},
		{"status", []string{"status", "hasil", "result", "outcome", "respon", "response"}},
		{"note", noteAliases},
	}
)

// Columns lists, per field, the header names it goes by (for help text).
func Columns(k Kind) [][]string {
	cols := creatorColumns
	if k == Pitches {
		cols = pitchColumns
	}
	out := make([][]string, len(cols))
	for i, c := range cols {
		out[i] = c.aliases
	}
	return out
}

// Resolver turns a teammate as a sheet names them (a Slack handle, a name,
// an e-mail address or a member ID) into a Slack user ID. ok is false for
// someone it does not know.
type Resolver func(ref string) (userID string, ok bool)

// Parsed is a sheet read into rows: the good ones, the bad ones with why,
// and the headers no field matched.
type Parsed struct {
	Kind     Kind
	Creators []store.CreatorRow
	Pitches  []store.PitchRow
	Bad      []store.RowError
	Unused   []string // header names that matched no field
	Total    int      // data rows read
	// Hint, if set, says the sheet looks like the other kind.
	Hint string
}

// UserRefs returns the distinct teammate cells (owner or pitched by) of t,
// so a caller can look them up before Parse.
func UserRefs(t *Table, k Kind) []string {
	cols, field := creatorColumns, "owner"
	if k == Pitches {
		cols, field = pitchColumns, "by"
	}
	idx, _ := match(t.Header, cols)
	seen := map[string]bool{}
	var out []string
	for _, row := range t.Rows {
		if v := cell(row, idx, field); v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// Parse reads t's rows as kind k. Times without a zone are in loc.
// It returns an error only when the sheet as a whole cannot be used: no
// column holds the handle, or (pitches) the teammate or date.
func Parse(t *Table, k Kind, resolve Resolver, loc *time.Location) (*Parsed, error) {
	p := &Parsed{Kind: k, Total: len(t.Rows)}
	cols := creatorColumns
	if k == Pitches {
		cols = pitchColumns
	}
	idx, unused := match(t.Header, cols)
	p.Unused = unused
	need := []string{"handle"}
	if k == Pitches {
		need = append(need, "by", "date")
	}
	other, _ := match(t.Header, pitchColumns)
	if k == Pitches {
		other, _ = match(t.Header, creatorColumns)
	}
	for _, f := range need {
		if _, ok := idx[f]; !ok {
			hint := ""
			if _, ok := other["followers"]; ok && k == Pitches {
				hint = "; if it is a sheet of creators, choose Creators"
			}
			return nil, fmt.Errorf("no column holds the %s. Name the column %s (the header row has: %s)%s",
				fieldLabel(f), quoteList(aliasesOf(cols, f)[:3]), quoteList(t.Header), hint)
		}
	}
	_, by := other["by"]
	_, date := other["date"]
	if k == Creators && by && date {
		p.Hint = "This looks like a sheet of past pitches (it has columns for who pitched and when). To import pitches, open /creator import again and choose Past pitches."
	}
	for i, row := range t.Rows {
		line := t.Line[i]
		bad := func(format string, args ...any) {
			p.Bad = append(p.Bad, store.RowError{Line: line, Reason: fmt.Sprintf(format, args...)})
		}
		h, err := Handle(cell(row, idx, "handle"))
		if err != nil {
			bad("%s", err.Error())
			continue
		}
		if k == Creators {
			r := store.CreatorRow{Line: line, Handle: h, Note: cell(row, idx, "notes")}
			str := func(field string) *string {
				if v := cell(row, idx, field); v != "" {
					return &v
				}
				return nil
			}
			r.DisplayName, r.Category, r.Contact = str("name"), str("category"), str("contact")
			if v := cell(row, idx, "followers"); v != "" {
				n, err := store.ParseFollowers(xlsxNumber(v))
				if err != nil {
					bad("Followers: %s", store.ErrorMessage(err))
					continue
				}
				r.Followers = &n
			}
			if v := cell(row, idx, "owner"); v != "" {
				id, ok := resolve(v)
				if !ok {
					bad("Owner %s is not a teammate in this Slack workspace (use their Slack handle, e-mail or member ID).", quote(v))
					continue
				}
				r.OwnerID = &id
			}
			p.Creators = append(p.Creators, r)
			continue
		}
		r := store.PitchRow{Line: line, Handle: h, Product: cell(row, idx, "product"), Note: cell(row, idx, "note")}
		by := cell(row, idx, "by")
		if by == "" {
			bad("Pitched by is empty: say which teammate pitched.")
			continue
		}
		id, ok := resolve(by)
		if !ok {
			bad("Pitched by %s is not a teammate in this Slack workspace (use their Slack handle, e-mail or member ID).", quote(by))
			continue
		}
		r.UserID = id
		d := cell(row, idx, "date")
		if r.At, err = ParseDate(d, loc); err != nil {
			bad("%s", err.Error())
			continue
		}
		if s := cell(row, idx, "status"); s != "" {
			st, ok := ParseStatus(s)
			if !ok {
				bad("Status %s is not one of pitched, interested, agreed, declined or no response (or dipitch, tertarik, setuju, menolak, tidak ada respon).", quote(s))
				continue
			}
			r.Status = st
		}
		p.Pitches = append(p.Pitches, r)
	}
	return p, nil
}

func fieldLabel(f string) string {
	switch f {
	case "by":
		return "teammate who pitched"
	case "date":
		return "date of the pitch"
	}
	return "creator's TikTok handle"
}

func aliasesOf(cols []column, field string) []string {
	for _, c := range cols {
		if c.field == field {
			return c.aliases
		}
	}
	return nil
}

func quote(s string) string {
	if len([]rune(s)) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

func quoteList(xs []string) string {
	q := make([]string, 0, len(xs))
	for i, x := range xs {
		if i == 12 {
			q = append(q, "…")
			break
		}
		q = append(q, quote(x))
	}
	if len(q) == 0 {
		return "nothing"
	}
	return strings.Join(q, ", ")
}

// Handle reads a creator cell: a handle (with or without @) or a TikTok
// profile link such as https://www.tiktok.com/@budi.jkt?lang=id.
func Handle(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("The handle is empty.")
	}
	low := strings.ToLower(s)
	if strings.Contains(low, "tiktok.com") || strings.HasPrefix(low, "http") {
		raw := s
		if !strings.Contains(low, "://") {
			raw = "https://" + s
		}
		u, err := url.Parse(raw)
		if err != nil || !strings.HasSuffix(strings.ToLower(u.Hostname()), "tiktok.com") {
			return "", fmt.Errorf("%s is not a TikTok profile link; use the handle or a link like https://www.tiktok.com/@name.", quote(s))
		}
		seg, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
		if !strings.HasPrefix(seg, "@") {
			return "", fmt.Errorf("%s is a TikTok link without a profile in it (short vt.tiktok.com links cannot be read); paste the profile link, https://www.tiktok.com/@name.", quote(s))
		}
		s = seg
	}
	h, err := store.NormalizeHandle(s)
	if err != nil {
		return "", fmt.Errorf("%s", store.ErrorMessage(err))
	}
	return h, nil
}

// statusWords maps what sheets write, in English and Indonesian, to statuses.
var statusWords = map[string]store.PitchStatus{
	"pitched": store.PitchPitched, "sent": store.PitchPitched, "contacted": store.PitchPitched, "dipitch": store.PitchPitched,
	"terkirim": store.PitchPitched, "dihubungi": store.PitchPitched, "dikirim": store.PitchPitched, "open": store.PitchPitched,
	"menunggu": store.PitchPitched, "pending": store.PitchPitched, "belumdibalas": store.PitchPitched,
	"interested": store.PitchInterested, "tertarik": store.PitchInterested, "minat": store.PitchInterested, "berminat": store.PitchInterested,
	"agreed": store.PitchAgreed, "setuju": store.PitchAgreed, "deal": store.PitchAgreed, "accepted": store.PitchAgreed, "diterima": store.PitchAgreed,
	"yes": store.PitchAgreed, "ya": store.PitchAgreed, "sepakat": store.PitchAgreed,
	"declined": store.PitchDeclined, "menolak": store.PitchDeclined, "ditolak": store.PitchDeclined, "tolak": store.PitchDeclined,
	"rejected": store.PitchDeclined, "no": store.PitchDeclined, "tidak": store.PitchDeclined,
	"noresponse": store.PitchNoResponse, "noreply": store.PitchNoResponse, "tidakadarespon": store.PitchNoResponse,
	"tidakrespon": store.PitchNoResponse, "tidakadarespons": store.PitchNoResponse, "norespon": store.PitchNoResponse,
	"ghosted": store.PitchNoResponse, "tidakdibalas": store.PitchNoResponse,
}

// ParseStatus reads a status cell.
func ParseStatus(s string) (store.PitchStatus, bool) {
	st, ok := statusWords[normHeader(s)]
	return st, ok
}

// xlsxNumber turns an XLSX raw number such as "120000" or "1.2E5" into
// digits; other text is returned as is.
func xlsxNumber(s string) string {
	if strings.ContainsAny(s, "Ee") {
		var f float64
		if _, err := fmt.Sscanf(s, "%g", &f); err == nil && f >= 0 && f < 1e13 {
			return fmt.Sprintf("%.0f", f)
		}
	}
	return s
}
