package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
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
// pitchProviders, issueProviders, voucherProviders, taskProviders
// (pitch_providers.go, issue_providers.go, voucher_providers.go,
// task_providers.go) and the targets' own progress section
// (home_target.go), each called from its feature's routes function.

// metricSource counts one target metric per user.
type metricSource struct {
	Name  string // one of store.Metrics()
	Label string // as shown: "pitches", "vouchers issued"
	// CountDays returns per-user counts of work done in every interval
	// [bounds[i], bounds[i+1]), in one pass; one interval is two bounds.
	CountDays func(ctx context.Context, bounds []time.Time) ([]map[string]int, error)
	// CountUser, optional, counts one user's work in every interval. App
	// Home uses it, so its cost follows that user's work; without it Home
	// counts the team and keeps the user's share.
	CountUser func(ctx context.Context, userID string, bounds []time.Time) ([]int, error)
}

// metricLabels are the labels of metrics whose feature is not registered.
var metricLabels = map[string]string{
	store.MetricPitches:        "pitches",
	store.MetricAgreed:         "agreed",
	store.MetricVouchers:       "vouchers issued",
	store.MetricIssuesResolved: "issues resolved",
	store.MetricTasksDone:      "tasks done",
	store.MetricContentPosted:  "content posted",
}

// Digest sections, in the order the digest shows them.
const (
	sectionIssues    = "issues"    // open issues by priority, naming SLA breaches
	sectionTasks     = "tasks"     // overdue tasks
	sectionVouchers  = "vouchers"  // voucher budget used per campaign
	sectionSamples   = "samples"   // samples to content per campaign, cost per posted video
	sectionFollowups = "followups" // follow-ups due
)

var sectionOrder = []struct{ name, title string }{
	{sectionIssues, "Open issues by priority"},
	{sectionTasks, "Overdue tasks"},
	{sectionVouchers, "Voucher budget used per campaign"},
	{sectionSamples, "Samples to content per campaign"},
	{sectionFollowups, "Follow-ups due"},
}

// digestSection returns the safe mrkdwn lines of one digest section for
// the digest of day (local midnight); no lines means "nothing to report".
type digestSection func(ctx context.Context, day time.Time) ([]string, error)

// digestAsOf is the moment a digest of day judges open work at: now, or
// the end of day for a past day.
func (b *Bot) digestAsOf(day time.Time) time.Time {
	asOf := day.AddDate(0, 0, 1)
	if now := b.Now(); now.Before(asOf) {
		asOf = now
	}
	return asOf
}

// Open workload, stated by the realism check (target_realism.go) next to
// the units its tasks need, which it reads from the tasks themselves.
const (
	workloadFollowups = "followups" // open follow-ups now
	workloadTasks     = "tasks"     // tasks outstanding
	workloadIssues    = "issues"    // open issues
)

// workloadSource returns per-user counts of open work at now.
type workloadSource func(ctx context.Context, now time.Time) (perUser map[string]int, err error)

// App Home sections, in the order Home shows them under its header.
const (
	homeTargets   = "targets"   // my progress today against targets, nudge toggle
	homeLeadView  = "lead"      // admins: the team's view (home_lead.go)
	homePitches   = "pitches"   // my pitches this week
	homeFollowups = "followups" // my follow-ups due, with outcome buttons
	homeIssues    = "issues"    // my open issues, breaching first, with buttons
	homeTasks     = "tasks"     // my tasks
	homeVouchers  = "vouchers"  // my recent vouchers
)

// homeOrder lists the sections. One without a title draws its own heading
// and empty state; one with a title gets a divider and that title, "none"
// when it returns no blocks, and "not tracked yet" when unregistered.
var homeOrder = []struct{ name, title string }{
	{homeTargets, ""},
	{homeLeadView, ""},
	{homePitches, ""},
	{homeFollowups, ""},
	{homeIssues, "My open issues"},
	{homeTasks, "My tasks"},
	{homeVouchers, "My recent vouchers"},
}

// homeSection returns the blocks (at most ~20, buttons included) of one
// App Home section for userID; none means "nothing open". It reads only
// that user's data: Home is refreshed after every action.
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

// metricInfos lists every metric in display order.
func (b *Bot) metricInfos() []progress.Metric {
	var out []progress.Metric
	for _, name := range store.Metrics() {
		m, ok := b.prov.metrics[name]
		label := metricLabels[name]
		if ok {
			label = m.Label
		}
		out = append(out, progress.Metric{Name: name, Label: label, Tracked: ok})
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

// countUserDays is countDays for one user: each metric's counts hold only
// userID. A metric with CountUser reads that user's work alone; the others
// count the team and keep the user's share.
func (b *Bot) countUserDays(ctx context.Context, userID string, bounds []time.Time) (map[string][]map[string]int, error) {
	out := map[string][]map[string]int{}
	for name, m := range b.prov.metrics {
		if m.CountUser == nil {
			team, err := m.CountDays(ctx, bounds)
			if err != nil {
				return nil, fmt.Errorf("count %s: %w", name, err)
			}
			for _, day := range team {
				out[name] = append(out[name], map[string]int{userID: day[userID]})
			}
			continue
		}
		c, err := m.CountUser(ctx, userID, bounds)
		if err != nil {
			return nil, fmt.Errorf("count %s for %s: %w", name, userID, err)
		}
		for _, n := range c {
			out[name] = append(out[name], map[string]int{userID: n})
		}
	}
	return out, nil
}
