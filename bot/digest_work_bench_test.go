package bot

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"pocbot/store"
)

// The issue desk's, vouchers' and tasks' part of the digest benchmark
// fixture: 100,000 issues and 100,000 vouchers over the year, and 5,000
// tasks. Old work is closed; the last week's is mostly open, so about a
// thousand issues are active and a few hundred tasks open, some overdue.
const (
	benchIssues    = 100_000
	benchVouchers  = 100_000
	benchTasks     = 5_000
	benchCampaigns = 10
)

// benchPerson is one of the fixture's people.
func benchPerson(rng *rand.Rand) string { return fmt.Sprintf("U%03d", rng.IntN(benchPeople)) }

// addBenchWork imports the issues, vouchers and tasks in batches of
// benchBatch records, one transaction each.
func addBenchWork(b *testing.B, db *store.DB, now time.Time, rng *rand.Rand) {
	b.Helper()
	ctx := context.Background()
	first := now.AddDate(0, 0, -benchDays)
	policy := store.DefaultSLAPolicy()

	issues := make([]store.Issue, 0, benchBatch)
	step := now.Sub(first) / benchIssues
	for i := 0; i < benchIssues; i++ {
		at := first.Add(time.Duration(i) * step)
		p := store.Priorities()[rng.IntN(4)]
		is := store.Issue{Handle: fmt.Sprintf("creator%06d", rng.IntN(100_000)), Category: store.IssueCategories()[rng.IntN(7)],
			Priority: p, Description: "Sample not received", ReporterID: benchPerson(rng), AssigneeID: benchPerson(rng),
			Status: store.IssueResolved, CreatedAt: at, SLA: store.NewSLA(at, policy.For(p))}
		switch r := rng.IntN(100); {
		case now.Sub(at) < 7*24*time.Hour && r < 50:
			is.Status = store.IssueOpen
			if r < 10 {
				is.AssigneeID = ""
			}
		case r < 15:
			is.Status = store.IssueClosed
		}
		if is.Status.Done() {
			done := earliest(at.Add(time.Duration(1+rng.IntN(48))*time.Hour), now)
			if is.AssigneeID == "" {
				is.AssigneeID = benchPerson(rng)
			}
			is.ResolvedBy, is.ResolvedAt, is.Reason, is.Resolution = is.AssigneeID, done, "resent", "Resent"
			is.SLA = is.SLA.Pause(is.ResolvedAt)
		}
		issues = append(issues, is)
		if len(issues) == benchBatch || i == benchIssues-1 {
			if err := db.ImportIssues(ctx, issues); err != nil {
				b.Fatal(err)
			}
			issues = issues[:0]
		}
	}

	for c := 0; c < benchCampaigns; c++ {
		if _, err := db.SetCampaignBudget(ctx, fmt.Sprintf("camp-%02d", c), 5_000_000_000, store.Currency{Code: "IDR", Symbol: "Rp"}, "UADMIN"); err != nil {
			b.Fatal(err)
		}
	}
	vs := make([]store.Voucher, 0, benchBatch)
	step = now.Sub(first) / benchVouchers
	for i := 0; i < benchVouchers; i++ {
		at := first.Add(time.Duration(i) * step)
		v := store.Voucher{Handle: fmt.Sprintf("creator%06d", rng.IntN(100_000)), Product: "Glow Serum",
			Value: store.Money(50_000 + 10_000*rng.IntN(16)), Currency: "IDR", Campaign: fmt.Sprintf("camp-%02d", rng.IntN(benchCampaigns)),
			IssuerID: benchPerson(rng), IssuedAt: at, ExpiresAt: at.AddDate(0, 0, 14), Status: store.VoucherIssued}
		switch r := rng.IntN(100); {
		case !v.ExpiresAt.After(now) && r < 60:
			v.Status = store.VoucherRedeemed
		case !v.ExpiresAt.After(now) && r < 95:
			v.Status = store.VoucherExpired
		case r >= 95:
			v.Status = store.VoucherRevoked
		}
		vs = append(vs, v)
		if len(vs) == benchBatch || i == benchVouchers-1 {
			if err := db.ImportVouchers(ctx, vs, nil); err != nil {
				b.Fatal(err)
			}
			vs = vs[:0]
		}
	}

	ts := make([]store.Task, 0, benchTasks)
	step = now.Sub(first) / benchTasks
	for i := 0; i < benchTasks; i++ {
		at := first.Add(time.Duration(i) * step)
		t := store.Task{Assignee: benchPerson(rng), Assigner: "UADMIN", Title: "Follow up 20 creators", Kind: store.KindFollowUp,
			Quantity: 20, Due: at.AddDate(0, 0, 3), CreatedAt: at, Status: store.TaskDone, UpdatedAt: earliest(at.Add(48*time.Hour), now)}
		if now.Sub(at) < 14*24*time.Hour && rng.IntN(100) < 70 {
			t.Status, t.UpdatedAt = store.TaskAccepted, at
		}
		ts = append(ts, t)
	}
	if err := db.ImportTasks(ctx, ts); err != nil {
		b.Fatal(err)
	}
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
