package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"pocbot/store"
)

// Location is the demo team's time zone.
const Location = "Asia/Jakarta"

// Seed fills db (empty) with the demo team's two weeks of history ending at
// now, deterministically for the seed: the same seed and now give the same
// records, IDs, codes and timestamps. Every write goes through the store's
// exported API with the store's clock set to the moment it happens, which
// is always a working day (Monday to Friday, not the holiday) between 09:00
// and 18:00 in Asia/Jakarta, and never after now. It returns the team.
func Seed(db *store.DB, now time.Time, seed int64) (*Team, error) {
	s, err := newSeeder(db, now, seed)
	if err != nil {
		return nil, err
	}
	if err := s.empty(); err != nil {
		return nil, err
	}
	s.plan()
	if err := s.run(); err != nil {
		return nil, err
	}
	return s.team, nil
}

// empty returns an error if db already holds work: seeding on top of it
// would mix the demo with real records.
func (s *seeder) empty() error {
	camps, err := s.db.Campaigns(s.ctx)
	if err != nil {
		return err
	}
	targets, err := s.db.Targets(s.ctx)
	if err != nil {
		return err
	}
	issues, err := s.db.ActiveIssues(s.ctx)
	if err != nil {
		return err
	}
	tasks, err := s.db.OpenTasks(s.ctx)
	if err != nil {
		return err
	}
	if len(camps)+len(targets)+len(issues)+len(tasks) > 0 {
		return fmt.Errorf("demo: %s already has campaigns, targets, issues or tasks; seed the demo team into a new, empty file", s.db.Path())
	}
	return nil
}

// newSeeder returns a seeder for the history ending at now; db may be nil
// to plan without writing.
func newSeeder(db *store.DB, now time.Time, seed int64) (*seeder, error) {
	loc, err := time.LoadLocation(Location)
	if err != nil {
		loc = time.FixedZone("WIB", 7*3600) // Jakarta has no daylight saving time.
	}
	s := &seeder{
		ctx:  context.Background(),
		team: Roster(),
		cal:  newCalendar(now, loc),
		r:    newRand(seed),
	}
	var key [32]byte
	for i := range key {
		key[i] = byte(uint64(seed) >> (8 * (i % 8)))
	}
	key[31] ^= 0x5a
	s.codes = rand.NewChaCha8(key)
	if s.cur, err = store.CurrencyFor("IDR"); err != nil {
		return nil, err
	}
	if db != nil {
		s.db = db.WithClock(func() time.Time { return s.clock })
	}
	return s, nil
}

// seeder plans the history as events at working seconds, then runs them in
// time order with the store's clock at each event's instant.
type seeder struct {
	ctx   context.Context
	db    *store.DB
	team  *Team
	cal   *calendar
	r     *rand.Rand
	codes *rand.ChaCha8
	cur   store.Currency
	clock time.Time

	events    []event
	creators  []*creator
	vouchers  []*voucher
	pitches   [][]store.Pitch // by working day
	lastPitch []int           // the last pitch of each working day

	campaignEarly, campaignPayday string
}

type event struct {
	at   int
	seq  int
	what string
	fn   func() error
}

// creator is one planned creator.
type creator struct {
	handle, name, category, contact string
	followers                       int64
	owner                           string
	recorded                        int  // working second it is recorded
	pitched                         bool // by the planner, in the window
	pitchedAt                       int
	pitcher                         string
	open                            bool // its pitch is still open at the end
	voucher                         bool // has a sample voucher
	voucherAt                       int  // when the first was issued
}

// voucher is one planned voucher.
type voucher struct {
	issued   int
	expires  time.Time
	campaign string
	code     string
	outcome  string // "", "redeem", "revoke"
	at       int    // of the outcome
	issuer   string
	handle   string
	product  string
}

// on schedules fn at working second x. Events outside the calendar (in the
// future) are dropped; every later step of the same story is then dropped
// too, since it is later still.
func (s *seeder) on(x int, what string, fn func() error) {
	if x < 0 || x >= s.cal.total {
		return
	}
	s.events = append(s.events, event{at: x, seq: len(s.events), what: what, fn: fn})
}

func (s *seeder) run() error {
	sort.SliceStable(s.events, func(i, j int) bool { return s.events[i].at < s.events[j].at })
	for _, e := range s.events {
		s.clock = s.cal.point(e.at)
		if err := e.fn(); err != nil {
			return fmt.Errorf("demo: %s at %s: %w", e.what, s.clock.In(s.cal.loc).Format("Mon 2006-01-02 15:04:05"), err)
		}
	}
	return nil
}

// between returns a random int in [lo, hi].
func (s *seeder) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + s.r.IntN(hi-lo+1)
}

func (s *seeder) chance(p float64) bool { return s.r.Float64() < p }

func pick[T any](s *seeder, xs []T) T { return xs[s.r.IntN(len(xs))] }

func (s *seeder) lead() string { return s.team.role(RoleLead)[0].ID }

// pocFor returns the POC who supervises userID: a POC supervises
// themselves, outsource member i reports to POC i.
func (s *seeder) pocFor(userID string) string {
	pocs := s.team.role(RolePOC)
	for i, p := range s.team.role(RoleOutsource) {
		if p.ID == userID {
			return pocs[i%len(pocs)].ID
		}
	}
	return userID
}

func (s *seeder) plan() {
	s.planSetup()
	s.planCreators()
	s.planPitches()
	s.planPitchImports()
	s.planVouchers()
	s.planIssues()
	s.planTasks()
	s.planNotes()
}

// planSetup: on the first morning the lead sets up the campaigns, targets
// and holidays.
func (s *seeder) planSetup() {
	lead := s.lead()
	month := s.cal.date(len(s.cal.days) - 1).Month()
	s.campaignEarly = fmt.Sprintf("%d.%d", int(month), int(month))
	s.campaignPayday = "payday-" + strings.ToLower(bulan[month-1])
	x := 5 * minute
	next := func() int { x += s.between(20, 90); return x }
	for _, c := range []struct {
		name   string
		budget store.Money
	}{{s.campaignEarly, 12_000_000}, {s.campaignPayday, 8_000_000}} {
		s.on(next(), "campaign "+c.name, func() error {
			_, err := s.db.SetCampaignBudget(s.ctx, c.name, c.budget, s.cur, lead)
			return err
		})
	}
	from := s.cal.date(0).Format("2006-01-02")
	targets := []store.Target{
		{Metric: store.MetricPitches, Period: store.Daily, Value: 35},
		{Metric: store.MetricAgreed, Period: store.Weekly, Value: 25},
		{Metric: store.MetricVouchers, Period: store.Weekly, Value: 25},
		{Metric: store.MetricIssuesResolved, Period: store.Weekly, Value: 12},
		{Metric: store.MetricTasksDone, Period: store.Weekly, Value: 4},
	}
	for _, p := range s.team.role(RoleOutsource) {
		targets = append(targets, store.Target{Metric: store.MetricPitches, UserID: p.ID, Period: store.Daily, Value: 8})
	}
	for _, p := range s.team.role(RolePOC) {
		targets = append(targets, store.Target{Metric: store.MetricIssuesResolved, UserID: p.ID, Period: store.Weekly, Value: 4})
	}
	for _, t := range targets {
		t.From, t.SetBy = from, lead
		s.on(next(), "target "+t.Metric, func() error {
			_, err := s.db.SetTarget(s.ctx, t)
			return err
		})
	}
	// The past holiday (a cuti bersama inside the window) and the next
	// Christmas, both set on the first morning.
	today := s.cal.date(len(s.cal.days) - 1)
	xmas := time.Date(today.Year(), time.December, 25, 0, 0, 0, 0, s.cal.loc)
	if !xmas.After(today) {
		xmas = xmas.AddDate(1, 0, 0)
	}
	// Named, as a lead would (README's example is "2026-12-25 Natal").
	for _, h := range []struct {
		d    time.Time
		name string
	}{{s.cal.holiday, "Cuti bersama"}, {xmas, "Natal"}} {
		date, name := h.d.Format("2006-01-02"), h.name
		s.on(next(), "holiday "+date, func() error { return s.db.AddNamedHoliday(s.ctx, date, name, lead) })
	}
}

var bulan = []string{"januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober", "november", "desember"}

// nCreators is the size of the demo creator list; nSheet of them come
// from the team's existing sheet, imported on the first morning.
const (
	nCreators = 300
	nSheet    = 240
)

// planCreators invents the creators: most are imported by the lead from
// the team's sheet on the first morning, the rest are found and recorded
// by their owners over the first week and a half.
func (s *seeder) planCreators() {
	members := append(s.team.role(RoleOutsource), s.team.role(RolePOC)...)
	seen := map[string]bool{}
	var sheet []store.Creator
	sheetAt := 10*minute + s.r.IntN(5*minute)
	for len(s.creators) < nCreators {
		c := s.newCreator(seen)
		if c == nil {
			continue
		}
		// Outsource members own 60% of the list (they do the research).
		if s.chance(0.6) {
			c.owner = members[s.r.IntN(3)].ID
		} else {
			c.owner = members[3+s.r.IntN(len(members)-3)].ID
		}
		s.creators = append(s.creators, c)
		if len(s.creators) <= nSheet {
			c.recorded = sheetAt
			sheet = append(sheet, store.Creator{Handle: c.handle, DisplayName: c.name, Followers: c.followers,
				Category: c.category, Contact: c.contact, OwnerID: c.owner})
			continue
		}
		c.recorded = s.between(daySecs, s.cal.total*7/10)
		s.on(c.recorded, "creator "+c.handle, func() error {
			upd := store.CreatorUpdate{DisplayName: &c.name, Followers: &c.followers, Category: &c.category}
			if c.contact != "" {
				upd.Contact = &c.contact
			}
			_, err := s.db.UpdateCreator(s.ctx, c.handle, c.owner, upd)
			return err
		})
	}
	lead := s.lead()
	s.on(sheetAt, "creator sheet", func() error { return s.db.ImportCreators(s.ctx, lead, sheet) })
}

// newCreator draws one creator, or nil if its handle is taken.
func (s *seeder) newCreator(seen map[string]bool) *creator {
	w := s.r.IntN(100)
	var cat category
	for _, c := range categories {
		if w < c.weight {
			cat = c
			break
		}
		w -= c.weight
	}
	female := s.chance(0.7) || cat.name == "beauty" || cat.name == "mom & baby"
	if cat.name == "gadget" {
		female = s.chance(0.3)
	}
	first := pick(s, maleNames)
	if female {
		first = pick(s, femaleNames)
	}
	last := pick(s, surnames)
	tag, city := pick(s, cat.tags), pick(s, cities)
	var h string
	switch s.r.IntN(7) {
	case 0:
		h = first + "." + tag
	case 1:
		h = first + "_" + tag
	case 2:
		h = tag + "with" + first
	case 3:
		h = first + "." + city
	case 4:
		h = first + strings.ToLower(last) + "_"
	case 5:
		h = first + "." + tag + "." + city
	default:
		h = fmt.Sprintf("%s%s%d", first, tag, s.between(1, 99))
	}
	if len(h) > 24 || seen[h] {
		return nil
	}
	seen[h] = true
	// Followers: log-uniform from 3k to 1.2M, rounded like TikTok shows them.
	f := math.Exp(math.Log(3000) + s.r.Float64()*(math.Log(1_200_000)-math.Log(3000)))
	c := &creator{handle: h, category: cat.name, followers: int64(f/100) * 100,
		name: strings.ToUpper(first[:1]) + first[1:] + " " + last}
	if s.chance(0.6) {
		c.contact = fmt.Sprintf("WA +62 8%02d-%04d-%04d", s.between(11, 99), s.r.IntN(10000), s.r.IntN(10000))
	}
	return c
}

func (s *seeder) categoryOf(name string) category {
	for _, c := range categories {
		if c.name == name {
			return c
		}
	}
	return categories[0]
}

// session is one sitting in which a member pitches one product to a few
// creators at once, like `/pitch @a @b @c Glow Serum`.
type session struct {
	at    int
	user  string
	poc   bool
	size  int
	force bool
}

// planPitches walks every working day's pitching sessions in time order
// and gives each pitch its outcome: a realistic funnel in which most stay
// pitched or get no response, some become interested, and of those about
// half agree.
func (s *seeder) planPitches() {
	s.pitches, s.lastPitch = make([][]store.Pitch, len(s.cal.days)), make([]int, len(s.cal.days))
	var sessions []session
	for i, d := range s.cal.days {
		for _, p := range s.team.role(RoleOutsource) {
			for k := 0; k < 2; k++ {
				sessions = append(sessions, session{at: d.off + s.r.IntN(d.secs), user: p.ID, size: s.between(2, 6)})
			}
		}
		for _, p := range s.team.role(RolePOC) {
			sessions = append(sessions, session{at: d.off + s.r.IntN(d.secs), user: p.ID, poc: true, size: s.between(1, 4),
				force: i > 2 && s.chance(0.4)})
		}
	}
	sort.SliceStable(sessions, func(i, j int) bool { return sessions[i].at < sessions[j].at })
	for _, ss := range sessions {
		var cands []*creator
		for pass := 0; pass < 2 && len(cands) == 0; pass++ {
			for _, c := range s.creators {
				if !c.pitched && c.recorded < ss.at-5*minute && (pass == 1 || c.owner == ss.user) {
					cands = append(cands, c)
				}
			}
		}
		if len(cands) == 0 {
			continue
		}
		cat := pick(s, cands).category
		var batch []*creator
		for _, c := range cands {
			if c.category == cat && len(batch) < ss.size {
				batch = append(batch, c)
			}
		}
		product := pick(s, s.categoryOf(cat).products)
		s.pitch(ss, batch, product, false)
		if ss.force {
			// Pitched again although the cooldown says it is a duplicate:
			// the person saw the warning and pressed "Pitch anyway".
			var old []*creator
			for _, c := range s.creators {
				if c.pitched && c.pitchedAt < ss.at-2*daySecs && c.category == cat && !c.voucher {
					old = append(old, c)
				}
			}
			if len(old) > 0 {
				other := product
				for _, p := range s.categoryOf(cat).products {
					if p != product {
						other = p
						break
					}
				}
				ss.at += s.between(2*minute, 20*minute)
				s.pitch(ss, []*creator{pick(s, old)}, other, true)
			}
		}
	}
}

// pitch plans one /pitch of product to the batch of creators and each
// pitch's later story, and adds the pitches to their day's import.
func (s *seeder) pitch(ss session, batch []*creator, product string, force bool) {
	if ss.at >= s.cal.total {
		return // after now
	}
	channel := ""
	if ss.poc {
		channel = s.team.channel(PurposeSales)
	}
	note, pct := pick(s, pitchNotes), pick(s, []int{10, 12, 15, 15, 20})
	day := s.cal.dayOf(ss.at)
	for _, c := range batch {
		c.pitched, c.pitchedAt, c.pitcher, c.open = true, ss.at, ss.user, true
		p := store.Pitch{Handle: c.handle, Product: product, Note: note, Channel: channel, CommissionPct: pct,
			UserID: ss.user, CreatedAt: s.cal.point(ss.at).UTC(), Status: store.PitchPitched, Forced: force}
		p.History = s.outcome(c, ss.at, ss.user, product)
		p.UpdatedAt = p.CreatedAt
		if n := len(p.History); n > 0 {
			p.Status, p.UpdatedAt = p.History[n-1].To, p.History[n-1].At
		}
		s.pitches[day] = append(s.pitches[day], p)
		s.lastPitch[day] = max(s.lastPitch[day], ss.at)
	}
}

// planPitchImports records each day's pitches in one ImportPitches at the
// day's last pitch, IDs in time order: the records, their history and
// every index are those /pitch and the outcome buttons write, in a tenth
// of the commits (only the status changes' audit entries are not there).
func (s *seeder) planPitchImports() {
	for day, ps := range s.pitches {
		if len(ps) == 0 {
			continue
		}
		slices.SortStableFunc(ps, func(a, b store.Pitch) int { return a.CreatedAt.Compare(b.CreatedAt) })
		s.on(s.lastPitch[day], "pitches of "+s.cal.date(day).Format("2006-01-02"), func() error {
			return s.db.ImportPitches(s.ctx, ps)
		})
	}
}

// outcome plans what the creator answers to the pitch made at x: the
// pitch's history up to now.
func (s *seeder) outcome(c *creator, x int, user, product string) []store.StatusChange {
	var hist []store.StatusChange
	from := store.PitchPitched
	set := func(at int, to store.PitchStatus) {
		if at >= s.cal.total {
			return
		}
		hist = append(hist, store.StatusChange{At: s.cal.point(at).UTC(), UserID: user, From: from, To: to})
		from = to
		if !to.Open() {
			c.open = false
		}
	}
	switch r := s.r.Float64(); {
	case r < 0.40:
		x += s.between(2*hour, 2*daySecs)
		set(x, store.PitchInterested)
		switch r2 := s.r.Float64(); {
		case r2 < 0.55:
			x += s.between(hour, 2*daySecs)
			set(x, store.PitchAgreed)
			if x < s.cal.total {
				v := &voucher{issued: x + s.between(10*minute, 3*hour),
					issuer: s.pocFor(user), handle: c.handle, product: product, campaign: "pitch"}
				s.vouchers = append(s.vouchers, v)
				if !c.voucher {
					c.voucher, c.voucherAt = true, v.issued
				}
			}
		case r2 < 0.75:
			set(x+s.between(2*hour, 2*daySecs), store.PitchDeclined)
		}
	case r < 0.50:
		set(x+s.between(hour, 2*daySecs), store.PitchDeclined)
	case r < 0.70:
		// The follow-up list names it after a few days of silence.
		set(x+s.between(4*daySecs, 6*daySecs), store.PitchNoResponse)
	}
	return hist
}

// planVouchers issues a sample voucher to each creator who agreed, plus a
// few on the first days for creators who agreed the week before, and
// gives each its fate: most redeemed, a few revoked, the rest expire.
func (s *seeder) planVouchers() {
	// Creators who agreed last week: the first creators of the list.
	for i := 0; i < 6; i++ {
		c := s.creators[i]
		c.voucher, c.voucherAt = true, s.between(4*hour, daySecs+4*hour)
		s.vouchers = append(s.vouchers, &voucher{issued: c.voucherAt, campaign: s.campaignEarly,
			issuer: s.pocFor(c.owner), handle: c.handle, product: s.categoryOf(c.category).products[0], outcome: []string{"", "", "revoke", "redeem", "redeem", "redeem"}[i]})
	}
	sort.SliceStable(s.vouchers, func(i, j int) bool { return s.vouchers[i].issued < s.vouchers[j].issued })
	values := []store.Money{75_000, 100_000, 120_000, 150_000, 150_000, 180_000, 200_000, 250_000}
	held := map[string]bool{} // handle, product and campaign of every voucher: one each
	for i, v := range s.vouchers {
		forced := v.campaign != "pitch"
		if !forced {
			v.campaign = s.campaignPayday
			if s.chance(0.55) {
				v.campaign = s.campaignEarly
			}
			if held[v.handle+"\x00"+v.product+"\x00"+v.campaign] {
				if v.campaign == s.campaignEarly {
					v.campaign = s.campaignPayday
				} else {
					v.campaign = s.campaignEarly
				}
			}
			if held[v.handle+"\x00"+v.product+"\x00"+v.campaign] {
				continue
			}
		}
		held[v.handle+"\x00"+v.product+"\x00"+v.campaign] = true
		days := 14
		if v.campaign == s.campaignEarly {
			days = 5 // the flash campaign's vouchers are short-lived
		}
		issuedDay := s.cal.date(s.cal.dayOf(min(v.issued, s.cal.total-1)))
		v.expires = issuedDay.AddDate(0, 0, days+1)
		expIdx := s.cal.index(v.expires)
		if !forced {
			switch r := s.r.Float64(); {
			case r < 0.08:
				v.outcome = "revoke"
			case r < 0.75:
				v.outcome = "redeem"
			}
		}
		switch v.outcome {
		case "redeem":
			v.at = v.issued + s.between(3*hour, 3*daySecs)
			if v.at >= expIdx {
				v.at = v.issued + (expIdx-v.issued)/2
			}
		case "revoke":
			v.at = v.issued + s.between(hour, daySecs)
		}
		product := v.product
		value := values[s.r.IntN(len(values))]
		nv := store.VoucherInput{IssuerID: v.issuer, Handle: v.handle, Product: product, Value: value, Currency: s.cur,
			Campaign: v.campaign, ExpiresAt: v.expires, Location: s.cal.loc, Rand: s.codes}
		s.on(v.issued, "voucher "+v.handle, func() error {
			got, _, err := s.db.IssueVoucher(s.ctx, nv)
			if err != nil {
				return err
			}
			v.code = got.Code
			return nil
		})
		switch v.outcome {
		case "redeem":
			s.on(v.at, "redeem "+v.handle, func() error {
				_, err := s.db.RedeemVoucher(s.ctx, v.code, v.issuer)
				return err
			})
			s.planSample(i, v)
		case "revoke":
			reason := []string{"Creator cancelled the collaboration.", "Issued for the wrong product.", "Seller ran out of stock."}[i%3]
			s.on(v.at, "revoke "+v.handle, func() error {
				_, err := s.db.RevokeVoucher(s.ctx, v.code, v.issuer, reason)
				return err
			})
		}
	}
	// The expiry job, as the first thing of every working day.
	for i := 1; i < len(s.cal.days); i++ {
		s.on(s.cal.days[i].off, "expire vouchers", func() error {
			_, err := s.db.ExpireVouchers(s.ctx)
			return err
		})
	}
}

func (s *seeder) creatorByHandle(h string) *creator {
	for _, c := range s.creators {
		if c.handle == h {
			return c
		}
	}
	panic("demo: no creator " + h)
}

// newRand is the planner's random source for a seed.
func newRand(seed int64) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 0x706f63626f74)) }

// planSample follows a redeemed voucher's sample: most are shipped with a
// tracking number, most of those delivered, and some posted on TikTok,
// each step a few working days after the one before. It draws from its own
// random stream, so the rest of the plan is the same with or without it.
func (s *seeder) planSample(i int, v *voucher) {
	r := newRand(int64(i)*7919 + 0x73616d70)
	step := func(at int, what string, st store.SampleStep) {
		st.UserID = v.issuer
		s.on(at, what+" "+v.handle, func() error {
			st.Code = v.code
			_, err := s.db.ApplySampleStep(s.ctx, st)
			return err
		})
	}
	if r.IntN(10) >= 8 {
		return // ordered, nothing recorded since
	}
	at := v.at + hour + r.IntN(daySecs)
	couriers := []string{"J&T Express", "JNE", "SiCepat", "AnterAja"}
	step(at, "ship", store.SampleStep{Step: store.StepShipped,
		Tracking: fmt.Sprintf("JX%010d", r.IntN(1_000_000_000)), Courier: couriers[r.IntN(len(couriers))]})
	if r.IntN(10) >= 8 {
		return
	}
	at += daySecs + r.IntN(2*daySecs)
	step(at, "deliver", store.SampleStep{Step: store.StepDelivered})
	if r.IntN(10) >= 5 {
		return
	}
	at += 2*daySecs + r.IntN(4*daySecs)
	step(at, "post", store.SampleStep{Step: store.StepPosted,
		URL: fmt.Sprintf("https://www.tiktok.com/@%s/video/73%017d", v.handle, r.Int64N(1e17))})
}
