package bot

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// This file is the seam between targets/the digest/App Home and the
// features that record work. A feature registers what it can count or
// show with one call from its routes function, for example
//
//	b.registerMetric(metricSource{Name: store.MetricVouchers, Label: "vouchers issued", CountDays: b.db.VoucherCountsByDay})
//	b.registerDigestSection(sectionIssues, b.digestOpenIssues)
//	b.registerWorkload(workloadIssues, b.openIssuesByUser)
//	b.registerHomeSection(homeIssues, b.homeMyIssues)
//
// Anything not registered shows as "not tracked yet". Registered today:
// pitchProviders (below), issueProviders, voucherProviders and
// taskProviders (issue_providers.go, voucher_providers.go,
// task_providers.go), each called from its feature's routes function.

// metricSource counts one target metric per user.
type metricSource struct {
	Name  string // one of store.Metrics()
	Label string // as shown: "pitches", "vouchers issued"
	// CountDays returns per-user counts of work done in every interval
	// [bounds[i], bounds[i+1]), in one pass; one interval is two bounds.
	CountDays func(ctx context.Context, bounds []time.Time) ([]map[string]int, error)
}

// metricLabels are the labels of metrics whose feature is not registered.
var metricLabels = map[string]string{
	store.MetricPitches:        "pitches",
	store.MetricAgreed:         "agreed",
	store.MetricVouchers:       "vouchers issued",
	store.MetricIssuesResolved: "issues resolved",
	store.MetricTasksDone:      "tasks done",
}

// Digest sections, in the order the digest shows them.
const (
	sectionIssues    = "issues"    // open issues by priority, naming SLA breaches
	sectionTasks     = "tasks"     // overdue tasks
	sectionVouchers  = "vouchers"  // voucher budget used per campaign
	sectionFollowups = "followups" // follow-ups due
)

var sectionOrder = []struct{ name, title string }{
	{sectionIssues, "Open issues by priority"},
	{sectionTasks, "Overdue tasks"},
	{sectionVouchers, "Voucher budget used per campaign"},
	{sectionFollowups, "Follow-ups due"},
}

// digestSection returns the safe mrkdwn lines of one digest section for
// the digest of day (local midnight); no lines means "nothing to report".
type digestSection func(ctx context.Context, day time.Time) ([]string, error)

// Open workload, shown by the realism check next to throughput.
const (
	workloadFollowups = "followups" // open follow-ups now
	workloadTasks     = "tasks"     // tasks outstanding
	workloadIssues    = "issues"    // open issues
)

var workloadOrder = []struct{ name, label string }{
	{workloadFollowups, "open follow-ups"},
	{workloadTasks, "tasks outstanding"},
	{workloadIssues, "open issues"},
}

// workloadSource returns per-user counts of open work at now.
type workloadSource func(ctx context.Context, now time.Time) (perUser map[string]int, err error)

// App Home sections of the lead's features, after progress and follow-ups.
const (
	homeIssues   = "issues"   // my open issues, breaching first, with buttons
	homeTasks    = "tasks"    // my tasks
	homeVouchers = "vouchers" // my recent vouchers
)

var homeOrder = []struct{ name, title string }{
	{homeIssues, "My open issues"},
	{homeTasks, "My tasks"},
	{homeVouchers, "My recent vouchers"},
}

// homeSection returns the blocks (at most ~20, buttons included) of one
// App Home section for userID; none means "nothing open".
type homeSection func(ctx context.Context, userID string) ([]slack.Block, error)

// providers holds what features registered. Filled before Run, read-only after.
type providers struct {
	metrics  map[string]metricSource
	sections map[string]digestSection
	workload map[string]workloadSource
	home     map[string]homeSection
}

func (b *Bot) registerMetric(m metricSource) {
	if _, ok := metricLabels[m.Name]; !ok || m.CountDays == nil {
		panic("registerMetric: unknown metric or no CountDays: " + m.Name)
	}
	if b.prov.metrics == nil {
		b.prov.metrics = map[string]metricSource{}
	}
	if m.Label == "" {
		m.Label = metricLabels[m.Name]
	}
	b.prov.metrics[m.Name] = m
}

func (b *Bot) registerDigestSection(name string, f digestSection) {
	if b.prov.sections == nil {
		b.prov.sections = map[string]digestSection{}
	}
	b.prov.sections[name] = f
}

func (b *Bot) registerWorkload(name string, f workloadSource) {
	if b.prov.workload == nil {
		b.prov.workload = map[string]workloadSource{}
	}
	b.prov.workload[name] = f
}

func (b *Bot) registerHomeSection(name string, f homeSection) {
	if b.prov.home == nil {
		b.prov.home = map[string]homeSection{}
	}
	b.prov.home[name] = f
}

// metricInfo is a metric as the pure code sees it.
type metricInfo struct {
	Name, Label string
	Tracked     bool
}

// metricInfos lists every metric in display order.
func (b *Bot) metricInfos() []metricInfo {
	var out []metricInfo
	for _, name := range store.Metrics() {
		m, ok := b.prov.metrics[name]
		label := metricLabels[name]
		if ok {
			label = m.Label
		}
		out = append(out, metricInfo{Name: name, Label: label, Tracked: ok})
	}
	return out
}

// countDays counts every registered metric over consecutive day bounds.
func (b *Bot) countDays(ctx context.Context, bounds []time.Time) (map[string][]map[string]int, error) {
	out := map[string][]map[string]int{}
	for name, m := range b.prov.metrics {
		c, err := m.CountDays(ctx, bounds)
		if err != nil {
			return nil, fmt.Errorf("count %s: %w", name, err)
		}
		out[name] = c
	}
	return out, nil
}

// pitchProviders registers what the pitch feature can count and show.
func (b *Bot) pitchProviders() {
	b.registerMetric(metricSource{Name: store.MetricPitches, Label: "pitches", CountDays: b.db.PitchCountsByDay})
	b.registerMetric(metricSource{Name: store.MetricAgreed, Label: "agreed", CountDays: b.db.AgreedCountsByDay})
	b.registerDigestSection(sectionFollowups, b.digestFollowups)
	b.registerWorkload(workloadFollowups, func(ctx context.Context, now time.Time) (map[string]int, error) {
		c, _, err := b.db.OpenPitchCounts(ctx, b.followupCutoffAt(now))
		return c, err
	})
}

func firstDay(c []map[string]int, err error) (map[string]int, error) {
	if err != nil || len(c) == 0 {
		return map[string]int{}, err
	}
	return c[0], nil
}

// followupCutoffAt is followupCutoff for an arbitrary now.
func (b *Bot) followupCutoffAt(now time.Time) time.Time {
	return now.Add(-time.Duration(b.cfg.FollowupDays) * 24 * time.Hour)
}

// digestFollowups lists, per owner, the open pitches due a follow-up.
func (b *Bot) digestFollowups(ctx context.Context, day time.Time) ([]string, error) {
	asOf := day.AddDate(0, 0, 1)
	if now := b.Now(); now.Before(asOf) {
		asOf = now
	}
	counts, oldest, err := b.db.OpenPitchCounts(ctx, b.followupCutoffAt(asOf))
	if err != nil {
		return nil, err
	}
	users := make([]string, 0, len(counts))
	for u := range counts {
		users = append(users, u)
	}
	sort.Slice(users, func(i, j int) bool {
		if counts[users[i]] != counts[users[j]] {
			return counts[users[i]] > counts[users[j]]
		}
		return users[i] < users[j]
	})
	var lines []string
	for _, u := range users {
		days := int(asOf.Sub(oldest[u]).Hours() / 24)
		lines = append(lines, fmt.Sprintf("<@%s>: %d open pitch(es) to follow up, oldest %d days", u, counts[u], days))
	}
	return lines, nil
}
