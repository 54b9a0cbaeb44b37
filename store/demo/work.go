package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"pocbot/store"
)

// issueSpec is one scripted creator issue: where it ends up, its priority
// and how many working days before now it was logged.
type issueSpec struct {
	final          string // open, in_progress, waiting, resumed, resolved, late, closed, reopened
	prio           store.Priority
	ageMin, ageMax float64 // working days before the end
}

// issueScript covers every status and the SLA cases: fresh open issues, an
// unassigned P1 and an unassigned P2 past their SLA, work in progress
// (one past its SLA), issues waiting on the creator, and two weeks of
// resolved and closed ones, two of them resolved after the SLA breached.
var issueScript = []issueSpec{
	{"open", store.P3, 0.05, 0.3}, {"open", store.P2, 0.1, 0.4}, {"open", store.P4, 0.2, 0.8},
	{"open", store.P1, 0.6, 1.2}, {"open", store.P2, 2.2, 3},
	{"in_progress", store.P2, 0.2, 0.6}, {"in_progress", store.P3, 0.5, 1.5}, {"in_progress", store.P3, 1, 2.5},
	{"in_progress", store.P4, 1, 3}, {"in_progress", store.P2, 3, 4},
	{"waiting", store.P3, 0.8, 2}, {"waiting", store.P2, 1.5, 3}, {"waiting", store.P4, 2, 4},
	{"resumed", store.P3, 2, 4},
	{"resolved", store.P2, 0.8, 2}, {"resolved", store.P3, 1, 3}, {"resolved", store.P3, 1.5, 3},
	{"resolved", store.P1, 2, 4}, {"resolved", store.P2, 2, 5}, {"resolved", store.P3, 3, 6},
	{"resolved", store.P4, 3, 7}, {"resolved", store.P2, 4, 7}, {"resolved", store.P3, 4, 8},
	{"resolved", store.P3, 5, 8}, {"resolved", store.P1, 5, 9}, {"resolved", store.P2, 6, 9},
	{"resolved", store.P3, 6, 9.5}, {"resolved", store.P4, 7, 9.5}, {"resolved", store.P3, 8, 9.8},
	{"late", store.P1, 3, 8}, {"late", store.P2, 4, 9},
	{"closed", store.P3, 1.5, 4}, {"closed", store.P4, 3, 7}, {"closed", store.P3, 5, 9}, {"closed", store.P2, 6, 9.5},
	{"reopened", store.P2, 5, 9},
}

// closeReasons are how the "closed" issues end.
var closeReasons = []store.ResolveReason{"duplicate", "unresponsive", "no_action", "other"}

// resolveReasonFor is a plausible fix per category.
var resolveReasonFor = map[store.IssueCategory][]store.ResolveReason{
	store.CatSampleMissing: {"resent", "fixed"},
	store.CatSampleDamaged: {"resent", "refunded"},
	store.CatVoucher:       {"voucher_replaced", "fixed"},
	store.CatCommission:    {"paid"},
	store.CatContent:       {"fixed", "no_action"},
	store.CatAccess:        {"fixed", "no_action"},
	store.CatOther:         {"other", "fixed"},
}

// planIssues schedules the scripted issues with their whole timelines:
// logged by whoever heard of it, taken by a POC, moved through in progress
// and waiting, and resolved or closed.
func (s *seeder) planIssues() {
	pocs := s.team.role(RolePOC)
	reporters := append(append([]Person(nil), pocs...), s.team.role(RoleOutsource)...)
	policy := store.DefaultSLAPolicy()
	for i, sp := range issueScript {
		cat := store.IssueCategory(issueCategoryOrder[i%len(issueCategoryOrder)])
		x := s.cal.total - int((sp.ageMin+s.r.Float64()*(sp.ageMax-sp.ageMin))*daySecs)
		// The creator is one the team already worked with by then: one who
		// holds a voucher for sample and voucher problems, else one pitched.
		sample := cat == store.CatSampleMissing || cat == store.CatSampleDamaged || cat == store.CatVoucher
		var pool []*creator
		for _, c := range s.creators {
			if sample && c.voucher && c.voucherAt < x-2*hour || !sample && c.pitched && c.pitchedAt < x-hour {
				pool = append(pool, c)
			}
		}
		if len(pool) == 0 {
			for _, c := range s.creators {
				if c.recorded < x-hour {
					pool = append(pool, c)
				}
			}
		}
		c := pick(s, pool)
		reporter := pick(s, reporters).ID
		assignee := s.pocFor(c.owner)
		if s.chance(0.3) {
			assignee = pick(s, pocs).ID
		}
		n := store.IssueInput{Handle: c.handle, Category: cat, Priority: sp.prio, ReporterID: reporter,
			Description: pick(s, issueTexts[string(cat)]), SLA: policy.For(sp.prio)}
		if cat == store.CatSampleMissing || cat == store.CatSampleDamaged || cat == store.CatVoucher {
			n.OrderID = fmt.Sprintf("5779%014d", s.r.Int64N(1e14))
		}
		var id uint64
		type step struct {
			delay int
			what  string
			fn    func() error
		}
		var chain []step
		add := func(lo, hi int, what string, fn func() error) {
			chain = append(chain, step{s.between(lo, hi), what, fn})
		}
		assign := func() {
			add(2*minute, hour, "assign", func() error {
				_, err := s.db.AssignIssue(s.ctx, id, assignee, "", assignee)
				return err
			})
			add(minute, 30*minute, "in progress", func() error {
				_, err := s.db.SetIssueStatus(s.ctx, id, assignee, store.IssueInProgress)
				return err
			})
		}
		status := func(lo, hi int, to store.IssueStatus) {
			add(lo, hi, string(to), func() error {
				_, err := s.db.SetIssueStatus(s.ctx, id, assignee, to)
				return err
			})
		}
		resolve := func(lo, hi int, st store.IssueStatus, reason store.ResolveReason) {
			add(lo, hi, string(st), func() error {
				_, err := s.db.ResolveIssue(s.ctx, id, assignee, store.Resolution{Status: st, Reason: reason, Text: resolveTexts[string(reason)]})
				return err
			})
		}
		fix := pick(s, resolveReasonFor[cat])
		switch sp.final {
		case "in_progress":
			assign()
		case "waiting":
			assign()
			status(20*minute, 3*hour, store.IssueWaiting)
		case "resumed":
			assign()
			status(20*minute, 3*hour, store.IssueWaiting)
			status(2*hour, daySecs, store.IssueInProgress)
		case "resolved":
			assign()
			if s.chance(0.4) {
				status(20*minute, 2*hour, store.IssueWaiting)
				status(hour, daySecs/2, store.IssueInProgress)
			}
			resolve(20*minute, daySecs/2, store.IssueResolved, fix)
		case "late":
			// Taken late and fixed after the SLA ran out.
			add(int(n.SLA/time.Second)/2, int(n.SLA/time.Second)/2+hour, "assign", func() error {
				_, err := s.db.AssignIssue(s.ctx, id, assignee, "", assignee)
				return err
			})
			status(minute, 30*minute, store.IssueInProgress)
			resolve(daySecs, 2*daySecs, store.IssueResolved, fix)
		case "closed":
			assign()
			resolve(hour, 2*daySecs, store.IssueClosed, closeReasons[i%len(closeReasons)])
		case "reopened":
			assign()
			resolve(hour, daySecs/2, store.IssueResolved, fix)
			add(daySecs/2, daySecs, "reopen", func() error {
				_, err := s.db.ReopenIssue(s.ctx, id, reporter)
				return err
			})
			status(5*minute, hour, store.IssueInProgress)
			resolve(hour, daySecs/2, store.IssueResolved, fix)
		}
		end := x
		for _, st := range chain {
			end += st.delay
		}
		if end >= s.cal.total { // keep the whole story before now
			x -= end - s.cal.total + minute
		}
		s.on(x, "issue "+c.handle, func() error {
			is, err := s.db.CreateIssue(s.ctx, n)
			if err != nil {
				return err
			}
			id = is.ID
			return nil
		})
		at := x
		for _, st := range chain {
			at += st.delay
			s.on(at, "issue "+st.what, st.fn)
		}
		if sp.final == "late" {
			// The SLA job marked the breach while it was still open.
			due := s.cal.point(x).Add(n.SLA)
			resolvedAt := at
			if bx := s.cal.index(due); bx < resolvedAt {
				s.on(bx, "issue SLA breach", func() error {
					_, _, err := s.db.MarkIssueSLA(s.ctx, id, store.SLABreached)
					return err
				})
			}
		}
	}
}

// taskSpec is one scripted outsource task.
type taskSpec struct {
	final    string // assigned, accepted, progress, overdue, done, cant_do
	kind     store.TaskKind
	qty      int
	created  float64 // working days before the end
	dueDays  int     // calendar days after the creation day (the task is due by the end of it)
	progress int     // hand-reported units, split over a few updates
}

var taskScript = []taskSpec{
	{"done", store.KindPitching, 15, 9.5, 2, 0},
	{"done", store.KindFollowUp, 10, 8, 3, 10},
	{"done", store.KindSampleCheck, 8, 6, 2, 8},
	{"done", store.KindPitching, 12, 4.5, 3, 0},
	{"cant_do", store.KindContentReview, 5, 5, 2, 0},
	{"overdue", store.KindFollowUp, 12, 6, 2, 5},
	{"overdue", store.KindSampleCheck, 20, 7, 4, 9},
	{"progress", store.KindPitching, 40, 1.5, 5, 0},
	{"progress", store.KindFollowUp, 15, 1, 4, 6},
	{"progress", store.KindSampleCheck, 10, 2, 5, 3},
	{"accepted", store.KindContentReview, 6, 0.8, 4, 0},
	{"assigned", store.KindPitching, 30, 0.3, 3, 0},
	{"assigned", store.KindOther, 0, 0.15, 2, 0},
}

// planTasks schedules the scripted tasks: assigned by the lead or a POC to
// an outsource member, accepted, progressed, done, refused or overdue.
func (s *seeder) planTasks() {
	out := s.team.role(RoleOutsource)
	assigners := []string{s.lead(), s.team.role(RolePOC)[0].ID, s.team.role(RolePOC)[1].ID}
	for i, sp := range taskScript {
		who := out[i%len(out)].ID
		by := assigners[i%len(assigners)]
		if i%len(out) < len(s.team.role(RolePOC)) && i%2 == 1 {
			by = s.pocFor(who)
		}
		x := s.cal.total - int(sp.created*daySecs) - s.r.IntN(hour)
		day := s.cal.date(s.cal.dayOf(x))
		due := day.AddDate(0, 0, sp.dueDays+1)
		accepted := x + s.between(5*minute, 2*hour)
		finish := -1 // when a done Pitching task is complete
		if sp.final == "done" && sp.kind == store.KindPitching {
			// Done when the assignee's pitches since accepting reach the
			// quantity: the target is what they pitched by the due day.
			var at []int
			for _, c := range s.creators {
				if c.pitcher == who && c.pitchedAt > accepted && c.pitchedAt < s.cal.index(due) {
					at = append(at, c.pitchedAt)
				}
			}
			slices.Sort(at)
			if n := min(sp.qty, len(at)); n > 0 {
				sp.qty, finish = n, at[n-1]+s.between(5*minute, 40*minute)
			}
		}
		nt := store.TaskInput{Assignee: who, Assigner: by, Kind: sp.kind, Quantity: sp.qty,
			Due: due, Title: s.taskTitle(sp, who, x)}
		var id uint64
		s.on(x, "task "+nt.Title, func() error {
			t, err := s.db.CreateTask(s.ctx, nt)
			if err != nil {
				return err
			}
			id = t.ID
			return nil
		})
		if sp.final == "assigned" {
			continue
		}
		x = accepted
		s.on(x, "accept task", func() error {
			_, _, err := s.db.AcceptTask(s.ctx, id, who)
			return err
		})
		if sp.final == "cant_do" {
			x += s.between(hour, daySecs)
			s.on(x, "can't do task", func() error {
				_, _, err := s.db.CantDoTask(s.ctx, id, who, "The seller has not sent the videos yet; nothing to review.")
				return err
			})
			continue
		}
		for left, k := sp.progress, 0; left > 0; k++ {
			n := min(left, max(1, sp.progress/3+s.r.IntN(3)))
			if sp.final != "done" && sp.final != "progress" && left-n <= 0 && sp.progress > 1 {
				break // an overdue task is not finished
			}
			left -= n
			x += s.between(30*minute, daySecs/2)
			note := pick(s, []string{"", "", "Half replied, rest tomorrow", "Waiting for 2 creators"})
			key := fmt.Sprintf("demo-%d-%d", i, k)
			s.on(x, "task progress", func() error {
				_, err := s.db.AddTaskProgress(s.ctx, id, who, n, note, key)
				return err
			})
		}
		if sp.final == "done" {
			prev := x
			x += s.between(30*minute, 2*hour)
			if due := s.cal.index(nt.Due) - minute; x > due && due > prev {
				x = due // finished on the due day
			}
			if finish > prev {
				x = finish
			}
			s.on(x, "task done", func() error {
				_, _, err := s.db.CompleteTask(s.ctx, id, who)
				return err
			})
		}
	}
}

// taskTitle writes the task as people type it, naming creators of the
// assignee's open pitches for follow-ups.
func (s *seeder) taskTitle(sp taskSpec, who string, x int) string {
	cat := pick(s, categories)
	switch sp.kind {
	case store.KindPitching:
		return fmt.Sprintf("Pitch %d %s creators", sp.qty, cat.name)
	case store.KindFollowUp:
		var cands []string
		for _, c := range s.creators {
			if c.pitcher == who && c.pitchedAt < x-daySecs {
				cands = append(cands, "@"+c.handle)
			}
		}
		var hs []string
		for len(hs) < 3 && len(cands) > 0 {
			k := s.r.IntN(len(cands))
			hs = append(hs, cands[k])
			cands = slices.Delete(cands, k, k+1)
		}
		if len(hs) == 0 {
			return fmt.Sprintf("Follow up %d creators who did not reply", sp.qty)
		}
		return fmt.Sprintf("Follow up %s and the other open pitches", strings.Join(hs, ", "))
	case store.KindSampleCheck:
		return fmt.Sprintf("Check %d sample deliveries for %s", sp.qty, pick(s, cat.products))
	case store.KindContentReview:
		return fmt.Sprintf("Review %d %s videos before posting", sp.qty, cat.name)
	}
	return "Update the creator contact sheet"
}

// planNotes adds a few remarks to creators, after they were recorded.
func (s *seeder) planNotes() {
	for i := 0; i < 14; i++ {
		c := s.creators[s.r.IntN(len(s.creators))]
		text := creatorNotes[i%len(creatorNotes)]
		x := c.recorded + s.between(10*minute, 3*daySecs)
		user := c.owner
		s.on(x, "note "+c.handle, func() error {
			_, err := s.db.AddCreatorNote(s.ctx, c.handle, user, text)
			return err
		})
	}
}
