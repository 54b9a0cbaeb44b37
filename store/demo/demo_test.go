package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"pocbot/store"
)

var jakarta = func() *time.Location {
	loc, err := time.LoadLocation(Location)
	if err != nil {
		return time.FixedZone("WIB", 7*3600)
	}
	return loc
}()

// tuesday is the end of the default test history: a Tuesday afternoon.
var tuesday = time.Date(2026, 12, 1, 14, 30, 0, 0, jakarta)

func seedTemp(t testing.TB, now time.Time, seed int64) (*store.DB, *Team) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "demo.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	start := time.Now()
	team, err := Seed(db, now, seed)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := t.(*testing.B); !ok {
		t.Logf("Seed(now=%s, seed=%d) took %s", now.Format(time.RFC3339), seed, time.Since(start).Round(time.Millisecond))
	}
	return db, team
}

// history is everything the demo wrote, read back through the store.
type history struct {
	pitches  []store.Pitch
	issues   []store.Issue
	events   map[uint64][]store.IssueEvent
	vouchers []store.Voucher
	camps    []store.Campaign
	tasks    []store.Task
	creators []*store.Creator
	targets  []store.Target
	holidays []store.Holiday
	audit    []store.AuditEntry
}

func readHistory(t testing.TB, db *store.DB, now time.Time, seed int64) *history {
	t.Helper()
	ctx := context.Background()
	h := &history{events: map[uint64][]store.IssueEvent{}}
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	h.pitches, err = db.PitchesBetween(ctx, now.AddDate(0, -1, 0), now.Add(time.Second))
	must(err)
	for id := uint64(1); ; id++ {
		is, err := db.Issue(ctx, id)
		if store.ErrorCode(err) == store.NotFound {
			break
		}
		must(err)
		h.issues = append(h.issues, *is)
		evs, _, err := db.IssueTimeline(ctx, id, 0, 1000)
		must(err)
		h.events[id] = evs
	}
	h.vouchers, err = db.Vouchers(ctx, store.VoucherFilter{})
	must(err)
	h.camps, err = db.Campaigns(ctx)
	must(err)
	open, err := db.OpenTasks(ctx)
	must(err)
	closed, err := db.ClosedTasks(ctx, 0)
	must(err)
	h.tasks = append(open, closed...)
	slices.SortFunc(h.tasks, func(a, b store.Task) int { return int(a.ID) - int(b.ID) })
	h.targets, err = db.Targets(ctx)
	must(err)
	h.holidays, err = db.Holidays(ctx)
	must(err)
	// The planner knows every creator it made; each must be in the store.
	s, err := newSeeder(nil, now, seed)
	must(err)
	s.plan()
	for _, c := range s.creators {
		got, err := db.Creator(ctx, c.handle)
		must(err)
		h.creators = append(h.creators, got)
	}
	var entities []string
	for _, p := range h.pitches {
		entities = append(entities, store.PitchEntity(p.ID))
	}
	for _, is := range h.issues {
		entities = append(entities, store.IssueEntity(is.ID))
	}
	for _, v := range h.vouchers {
		entities = append(entities, store.VoucherEntity(v.Code))
	}
	for _, c := range h.camps {
		entities = append(entities, store.CampaignEntity(c.Name))
	}
	for _, tk := range h.tasks {
		entities = append(entities, store.TaskEntity(tk.ID))
	}
	for _, c := range h.creators {
		entities = append(entities, store.CreatorEntity(c.Handle))
	}
	for _, tg := range h.targets {
		entities = append(entities, store.TargetEntity(tg.ID))
	}
	for _, hd := range h.holidays {
		entities = append(entities, "holiday:"+hd.Date)
	}
	for _, e := range entities {
		es, err := db.AuditLog(ctx, e, 0)
		must(err)
		if len(es) == 0 {
			t.Errorf("%s has no audit entry", e)
		}
		h.audit = append(h.audit, es...)
	}
	return h
}

// checkContent checks that the seeded history has what the demo promises:
// the team, ~300 creators, pitches on ten working days through the whole
// funnel, issues in every status and category, two budgeted campaigns,
// vouchers and tasks in every state, a holiday and targets of each kind.
func checkContent(t *testing.T, db *store.DB, team *Team, h *history, now time.Time) {
	ctx := context.Background()

	if !reflect.DeepEqual(Roster(), team) {
		t.Errorf("Roster() = %+v\nSeed's team = %+v", Roster(), team)
	}
	ids := map[string]bool{}
	for _, p := range team.People {
		if ids[p.ID] || ids[p.Name] {
			t.Errorf("%s or %s repeats", p.ID, p.Name)
		}
		ids[p.ID], ids[p.Name] = true, true
	}
	roles := map[string]int{}
	for _, p := range team.People {
		roles[p.Role]++
		if p.Admin != (p.Role == RoleLead) {
			t.Errorf("%s: Admin = %v, want only the lead", p.Name, p.Admin)
		}
	}
	if len(team.People) != 7 || roles[RoleLead] != 1 || roles[RolePOC] != 3 || roles[RoleOutsource] != 3 {
		t.Errorf("team = %v, want 1 lead, 3 POC, 3 outsource", roles)
	}
	var purposes []string
	for _, c := range team.Channels {
		purposes = append(purposes, c.Purpose)
	}
	if !reflect.DeepEqual(purposes, []string{PurposeDigest, PurposeTriage, PurposeSales}) {
		t.Errorf("channel purposes = %v", purposes)
	}

	if n := len(h.creators); n < 280 || n > 320 {
		t.Errorf("%d creators, want about 300", n)
	}
	cats := map[string]bool{}
	for _, c := range h.creators {
		if c.Followers <= 0 || c.Category == "" || c.DisplayName == "" || c.OwnerID == "" {
			t.Errorf("creator %+v lacks followers, category, name or owner", c)
		}
		cats[c.Category] = true
	}
	for _, want := range []string{"beauty", "fashion", "food", "gadget", "home"} {
		if !cats[want] {
			t.Errorf("no %s creator", want)
		}
	}

	days := map[string]bool{}
	status := map[store.PitchStatus]int{}
	pitchers := map[string]bool{}
	for _, p := range h.pitches {
		days[p.CreatedAt.In(jakarta).Format("2006-01-02")] = true
		status[p.Status]++
		pitchers[p.UserID] = true
	}
	if len(days) < 10 {
		t.Errorf("pitches on %d days, want at least 10 working days", len(days))
	}
	if len(pitchers) != 6 {
		t.Errorf("%d people pitched, want the 3 POC and 3 outsource", len(pitchers))
	}
	for _, st := range store.PitchStatuses() {
		if status[st] == 0 {
			t.Errorf("no pitch is %s: %v", st, status)
		}
	}
	if status[store.PitchPitched] < status[store.PitchInterested] || status[store.PitchAgreed] >= len(h.pitches)/4 {
		t.Errorf("pitch funnel is not realistic: %v of %d", status, len(h.pitches))
	}
	t.Logf("%d pitches: %v", len(h.pitches), status)

	istatus := map[store.IssueStatus]int{}
	icats := map[store.IssueCategory]bool{}
	unassignedOpen, breaching := 0, 0
	for _, is := range h.issues {
		istatus[is.Status]++
		icats[is.Category] = true
		if is.Status == store.IssueOpen && is.AssigneeID == "" {
			unassignedOpen++
		}
		if is.Status.Active() && is.SLA.Phase(now) == store.SLABreached {
			breaching++
		}
	}
	for _, st := range store.IssueStatuses() {
		if istatus[st] == 0 {
			t.Errorf("no issue is %s: %v", st, istatus)
		}
	}
	for _, c := range store.IssueCategories() {
		if !icats[c] {
			t.Errorf("no issue of category %s", c)
		}
	}
	if unassignedOpen == 0 || breaching == 0 {
		t.Errorf("%d open unassigned and %d breaching issues, want some of each", unassignedOpen, breaching)
	}
	t.Logf("%d issues: %v, %d breaching", len(h.issues), istatus, breaching)

	if len(h.camps) != 2 {
		t.Fatalf("campaigns = %+v, want 2", h.camps)
	}
	for _, c := range h.camps {
		if c.Budget <= 0 || c.Issued <= 0 || c.Issued > c.Budget {
			t.Errorf("campaign %+v: want a budget with vouchers under it", c)
		}
	}
	vstatus := map[store.VoucherStatus]int{}
	for _, v := range h.vouchers {
		vstatus[v.Status]++
	}
	for _, st := range []store.VoucherStatus{store.VoucherIssued, store.VoucherRedeemed, store.VoucherRevoked, store.VoucherExpired} {
		if vstatus[st] == 0 {
			t.Errorf("no voucher is %s: %v", st, vstatus)
		}
	}
	t.Logf("%d vouchers: %v", len(h.vouchers), vstatus)

	tstatus := map[store.TaskStatus]int{}
	for _, tk := range h.tasks {
		tstatus[tk.Status]++
	}
	for _, st := range []store.TaskStatus{store.TaskAssigned, store.TaskAccepted, store.TaskInProgress, store.TaskDone, store.TaskCantDo} {
		if tstatus[st] == 0 {
			t.Errorf("no task is %s: %v", st, tstatus)
		}
	}
	overdue, err := db.OverdueTasks(ctx, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(overdue) == 0 {
		t.Error("no task is overdue")
	}
	progress := false
	for _, tk := range h.tasks {
		if tk.Status == store.TaskInProgress && tk.Done() > 0 && !tk.Due.Before(now) {
			progress = true
		}
	}
	if !progress {
		t.Error("no task is in progress with progress reported")
	}

	if len(h.holidays) == 0 {
		t.Error("no holiday")
	}
	for _, hd := range h.holidays {
		// Unnamed, "/target holiday add 2026-12-25 Natal" (README's example)
		// answers "already a holiday" and the list shows no name.
		if hd.Name == "" {
			t.Errorf("holiday %s has no name", hd.Date)
		}
	}
	scopes := map[string]bool{}
	for _, tg := range h.targets {
		scope := "team"
		if tg.UserID != "" {
			scope = "personal"
		}
		scopes[scope+" "+tg.Period] = true
	}
	for _, want := range []string{"team daily", "team weekly", "personal daily", "personal weekly"} {
		if !scopes[want] {
			t.Errorf("no %s target: %v", want, scopes)
		}
	}
}

// TestSeed seeds histories ending at several moments and checks each: the
// store's Check passes, the content is as documented, and every timestamp
// is in working hours.
func TestSeed(t *testing.T) {
	t.Parallel()
	for i, now := range []time.Time{
		tuesday,
		time.Date(2026, 12, 7, 8, 15, 0, 0, jakarta),   // Monday before work
		time.Date(2026, 12, 5, 22, 0, 0, 0, jakarta),   // Saturday night
		time.Date(2026, 12, 4, 17, 59, 59, 0, jakarta), // Friday, last second
		time.Date(2027, 3, 10, 9, 0, 30, 0, jakarta),   // Wednesday, just started
		time.Date(2026, 12, 1, 7, 30, 0, 0, time.UTC),  // the same Tuesday, given in UTC
	} {
		t.Run(now.Format("Mon_2006-01-02T15:04Z07"), func(t *testing.T) {
			t.Parallel()
			seed := int64(i + 1)
			db, team := seedTemp(t, now, seed)
			if err := db.Check(); err != nil {
				t.Fatalf("Check after Seed: %v", err)
			}
			h := readHistory(t, db, now, seed)
			checkContent(t, db, team, h, now)
			checkTimes(t, h, now)
		})
	}
}

// checkTimes checks that every timestamp the demo wrote is on a working
// day between 09:00 and 18:00 in Jakarta, never on the holiday and never
// after now.
func checkTimes(t *testing.T, h *history, now time.Time) {
	holidays := map[string]bool{}
	for _, hd := range h.holidays {
		holidays[hd.Date] = true
	}
	check := func(what string, at time.Time) {
		t.Helper()
		if at.IsZero() {
			return
		}
		l := at.In(jakarta)
		switch {
		case at.After(now):
			t.Errorf("%s at %s: after now (%s)", what, l, now.In(jakarta))
		case l.Weekday() == time.Saturday || l.Weekday() == time.Sunday:
			t.Errorf("%s at %s: a weekend", what, l)
		case holidays[l.Format("2006-01-02")]:
			t.Errorf("%s at %s: the holiday", what, l)
		case l.Hour() < 9 || l.Hour() >= 18:
			t.Errorf("%s at %s: outside working hours", what, l)
		}
	}
	for _, p := range h.pitches {
		check("pitch created", p.CreatedAt)
		check("pitch updated", p.UpdatedAt)
		for _, c := range p.History {
			check("pitch status", c.At)
		}
	}
	for _, is := range h.issues {
		check(is.Ref()+" created", is.CreatedAt)
		check(is.Ref()+" updated", is.UpdatedAt)
		check(is.Ref()+" resolved", is.ResolvedAt)
		for _, e := range h.events[is.ID] {
			check(is.Ref()+" "+e.Action, e.At)
		}
	}
	for _, v := range h.vouchers {
		check("voucher issued", v.IssuedAt)
		check("voucher updated", v.UpdatedAt)
		for _, e := range v.History {
			check("voucher "+string(e.Status), e.At)
		}
	}
	for _, c := range h.camps {
		check("campaign created", c.CreatedAt)
		check("campaign updated", c.UpdatedAt)
	}
	for _, tk := range h.tasks {
		check("task created", tk.CreatedAt)
		check("task updated", tk.UpdatedAt)
		check("task accepted", tk.AcceptedAt)
		check("task closed", tk.ClosedAt)
		for _, e := range tk.History {
			check("task event", e.At)
		}
	}
	for _, c := range h.creators {
		check("creator first seen", c.FirstSeen)
		check("creator updated", c.UpdatedAt)
		for _, n := range c.Notes {
			check("creator note", n.At)
		}
	}
	for _, tg := range h.targets {
		check("target set", tg.SetAt)
	}
	for _, hd := range h.holidays {
		check("holiday set", hd.SetAt)
	}
	for _, e := range h.audit {
		check("audit "+e.Action+" "+e.Entity, e.At)
	}
}

// TestSeed_Deterministic seeds twice with the same seed and end, and once
// with another seed.
func TestSeed_Deterministic(t *testing.T) {
	t.Parallel()
	dump := func(db *store.DB, seed int64) []byte {
		h := readHistory(t, db, tuesday, seed)
		var buf bytes.Buffer
		cur, _ := store.CurrencyFor("IDR")
		if err := store.WriteVoucherCSV(&buf, h.vouchers, cur, jakarta); err != nil {
			t.Fatal(err)
		}
		for _, x := range []any{h.pitches, h.issues, h.tasks, h.camps, h.targets, h.holidays} {
			b, err := json.Marshal(x)
			if err != nil {
				t.Fatal(err)
			}
			buf.Write(b)
		}
		for _, c := range h.creators {
			b, _ := json.Marshal(c)
			buf.Write(b)
		}
		for _, is := range h.issues {
			b, _ := json.Marshal(h.events[is.ID])
			buf.Write(b)
		}
		return buf.Bytes()
	}
	a, _ := seedTemp(t, tuesday, 42)
	b, _ := seedTemp(t, tuesday, 42)
	c, _ := seedTemp(t, tuesday, 43)
	da, db, dc := dump(a, 42), dump(b, 42), dump(c, 43)
	if !bytes.Equal(da, db) {
		t.Error("two seeds with the same seed and now differ")
	}
	if bytes.Equal(da, dc) {
		t.Error("seeds 42 and 43 gave the same data")
	}
}

func TestSeed_RefusesUsedDB(t *testing.T) {
	t.Parallel()
	db, _ := seedTemp(t, tuesday, 1)
	if _, err := Seed(db, tuesday, 1); err == nil {
		t.Fatal("a second Seed into the same file succeeded")
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkSeed measures Seed; commits/op is the number of transactions
// it commits (one per event). Compare ns/op with commits/op times the
// ns/op of BenchmarkSeed_Commit, one small commit to the same kind of file,
// measured in the same run: a ratio near 1 means Seed is bound by fsync.
func BenchmarkSeed(b *testing.B) {
	s, err := newSeeder(nil, tuesday, 1)
	if err != nil {
		b.Fatal(err)
	}
	s.plan()
	for b.Loop() {
		seedTemp(b, tuesday, 1)
	}
	b.ReportMetric(float64(len(s.events)), "commits/op")
}

func BenchmarkSeed_Commit(b *testing.B) {
	db, err := store.Open(filepath.Join(b.TempDir(), "commit.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for b.Loop() {
		if _, err := db.AddCreatorNote(ctx, "sari.beauty", "U0RINA", "Prefers WhatsApp."); err != nil {
			b.Fatal(err)
		}
	}
}
