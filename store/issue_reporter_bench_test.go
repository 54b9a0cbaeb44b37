package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkIssuesByReporter reads every issue record (there is no reporter
// index) on a 5,000-issue file, against a baseline in the same run that
// reads one issue through Issue: the ratio is the price of the scan.
//
//	go test ./store -run '^$' -bench IssuesByReporter -benchtime 20x
func BenchmarkIssuesByReporter(b *testing.B) {
	ctx := context.Background()
	db := MustOpenOptions(b, Options{Now: NewTestClock(t0).Now})
	issues := make([]Issue, 5000)
	for i := range issues {
		issues[i] = Issue{Handle: fmt.Sprintf("creator.%d", i%300), Category: IssueCategories()[i%len(IssueCategories())], Priority: P2,
			Description: "Sample not arrived, order 577123456789012345", ReporterID: fmt.Sprintf("U%d", i%8), Status: IssueOpen,
			CreatedAt: t0.Add(-time.Duration(i) * time.Minute), SLA: NewSLA(t0, 24*time.Hour)}
	}
	if err := db.ImportIssues(ctx, issues); err != nil {
		b.Fatal(err)
	}
	b.Run("one_issue_baseline", func(b *testing.B) {
		for range b.N {
			if _, err := db.Issue(ctx, 2500); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("by_reporter", func(b *testing.B) {
		for range b.N {
			is, err := db.IssuesByReporter(ctx, "U3")
			if err != nil || len(is) != 625 {
				b.Fatal(len(is), err)
			}
		}
	})
}
