package bot

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"pocbot/bot/progress"
	"pocbot/bot/report"
	"pocbot/store"
)

// The weekly report: every POCBOT_REPORT_CRON (Mondays 09:00) the past
// week's report goes to the digest channel, once: the week is claimed in
// the store before posting, like the digest's day. It is one message of
// three PNG charts uploaded with files.uploadV2 (files.getUploadURLExternal,
// an upload to its URL, files.completeUploadExternal), each with alt text,
// and the summary as the message text. /target report posts the same to
// the asker's DM. People are named, not mentioned: nobody needs a ping.

// reportKey claims the report of the week starting on date.
func reportKey(date string) string { return "report/" + date }

// reportJob posts the report of the week before the one due falls in.
func (b *Bot) reportJob(ctx context.Context, due time.Time) error {
	loc := b.cfg.Location
	log := b.log.With("job", "report")
	if b.cfg.DigestChannel == "" {
		log.Warn("no POCBOT_DIGEST_CHANNEL; weekly report not posted")
		return nil
	}
	to := progress.WeekStart(due, loc)
	from := to.AddDate(0, 0, -7)
	key := reportKey(from.Format("2006-01-02"))
	first, err := b.db.ClaimOnce(ctx, key)
	if err != nil {
		return err
	}
	if !first {
		log.Info("weekly report already posted", "week", from.Format("2006-01-02"))
		return nil
	}
	in, err := b.reportInput(ctx, from, to, "Weekly report")
	if err != nil {
		return b.releaseAfter(ctx, key, err)
	}
	if err := b.postReport(ctx, b.cfg.DigestChannel, in); err != nil {
		return b.releaseAfter(ctx, key, err)
	}
	log.Info("weekly report posted", "week", from.Format("2006-01-02"))
	return nil
}

// targetReport is "/target report [lastweek|week|month|lastmonth|YYYY-MM-DD..YYYY-MM-DD]",
// the report sent to the user's DM. The default is last week, the one
// Monday's report covers.
func (b *Bot) targetReport(ctx context.Context, r *Request, arg string) error {
	from, to, title, err := b.reportRange(strings.TrimSpace(arg))
	if err != nil {
		return err
	}
	in, err := b.reportInput(ctx, from, to, title)
	if err != nil {
		return err
	}
	// Drawing takes a moment: say where the report will be first.
	text := fmt.Sprintf(":bar_chart: Drawing the report for %s; it will be in your DM with me in a few seconds.", in.Range())
	if err := b.reply(ctx, r, msg{text: text, blocks: []slack.Block{section(text)}}); err != nil {
		r.log.Warn("report notice not shown", "err", err)
	}
	dm, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{r.UserID}})
	if err != nil {
		return fmt.Errorf("conversations.open for the report: %w", slackDetail(err))
	}
	return b.postReport(ctx, dm.ID, in)
}

// maxReportDays bounds a custom range: charts of more days are unreadable.
const maxReportDays = 92

func (b *Bot) reportRange(arg string) (from, to time.Time, title string, err error) {
	loc := b.cfg.Location
	now := b.Now().In(loc)
	today := progress.DayStart(now, loc)
	switch strings.ToLower(strings.ReplaceAll(arg, " ", "")) {
	case "", "lastweek":
		to = progress.WeekStart(now, loc)
		return to.AddDate(0, 0, -7), to, "Weekly report", nil
	case "week", "thisweek":
		return progress.WeekStart(now, loc), today.AddDate(0, 0, 1), "Report, this week so far", nil
	case "month", "thismonth":
		return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc), today.AddDate(0, 0, 1), "Report, this month so far", nil
	case "lastmonth":
		to = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
		return to.AddDate(0, -1, 0), to, "Monthly report", nil
	}
	a, c, ok := strings.Cut(arg, "..")
	if f := strings.Fields(arg); !ok && len(f) == 2 { // "2026-11-01 2026-11-30", as the exports take it
		a, c, ok = f[0], f[1], true
	}
	if !ok {
		return from, to, "", errorf("Say which period: `week`, `lastweek`, `month`, `lastmonth` or dates like `2026-11-01..2026-11-30` — not %s.", quote(arg))
	}
	d1, err1 := time.ParseInLocation("2006-01-02", strings.TrimSpace(a), loc)
	d2, err2 := time.ParseInLocation("2006-01-02", strings.TrimSpace(c), loc)
	switch {
	case err1 != nil || err2 != nil:
		return from, to, "", errorf("Write the dates as YYYY-MM-DD..YYYY-MM-DD, like 2026-11-01..2026-11-30.")
	case d2.Before(d1):
		return from, to, "", errorf("The first date must not be after the second, like 2026-11-01..2026-11-30.")
	case d2.Sub(d1) > maxReportDays*24*time.Hour:
		return from, to, "", errorf("That is more than %d days; a chart of it would be unreadable. Pick a shorter range.", maxReportDays)
	}
	return d1, d2.AddDate(0, 0, 1), "Report", nil
}

// postReport renders the charts and shares them, with the summary as the
// message, into channel in one files.completeUploadExternal.
func (b *Bot) postReport(ctx context.Context, channel string, in *report.Input) error {
	charts, err := in.Charts()
	if err != nil {
		return err
	}
	var files []slack.FileSummary
	for _, c := range charts {
		u, err := b.api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{
			FileName: c.File, FileSize: len(c.PNG), AltTxt: truncate(c.AltText, 1000)})
		if err != nil {
			return fmt.Errorf("files.getUploadURLExternal %s: %w", c.File, slackDetail(err))
		}
		if err := b.api.UploadToURL(ctx, slack.UploadToURLParameters{UploadURL: u.UploadURL, Reader: bytes.NewReader(c.PNG), Filename: c.File}); err != nil {
			return fmt.Errorf("upload %s: %w", c.File, slackDetail(err))
		}
		files = append(files, slack.FileSummary{ID: u.FileID, Title: c.Title})
	}
	names := map[string]string{}
	for _, a := range append(append([]report.Attainment(nil), in.People...), in.Others...) {
		names[a.Person.ID] = a.Person.Name
	}
	summary := in.Summary(esc, func(id string) string { return "*" + esc(names[id]) + "*" })
	_, err = b.api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{
		Files: files, Channel: channel, InitialComment: truncate(summary, 3900)})
	if err != nil {
		return fmt.Errorf("files.completeUploadExternal: %w", slackDetail(err))
	}
	return nil
}

// reportInput gathers the figures of [from, to), local midnights.
func (b *Bot) reportInput(ctx context.Context, from, to time.Time, title string) (*report.Input, error) {
	cal, err := b.calendar(ctx)
	if err != nil {
		return nil, err
	}
	in := &report.Input{Title: title, Loc: b.cfg.Location, From: from, To: to, Currency: b.cfg.Currency}
	var days []time.Time
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		days = append(days, d)
	}
	counts, err := b.countDays(ctx, append(append([]time.Time(nil), days...), to))
	if err != nil {
		return nil, err
	}
	targets, err := b.db.Targets(ctx)
	if err != nil {
		return nil, err
	}
	book := progress.NewBook(targets)
	dates := make([]string, len(days))
	for i, d := range days {
		dates[i] = cal.DateKey(d)
	}
	people := book.Users(dates...)
	for _, perDay := range counts {
		for _, per := range perDay {
			for u, n := range per {
				if n > 0 {
					people[u] = true
				}
			}
		}
	}
	delete(people, "")
	ids := make([]string, 0, len(people))
	for u := range people {
		ids = append(ids, u)
	}
	sort.Strings(ids)
	names := b.displayNames(ctx, ids) // as the digest names people
	for _, u := range ids {
		if names[u] == "" {
			names[u] = u
		}
		names[u] = truncate(clean(names[u]), 40)
	}

	total := func(metric, user string) int {
		n := 0
		for _, per := range counts[metric] {
			if user == "" {
				for _, v := range per {
					n += v
				}
			} else {
				n += per[user]
			}
		}
		return n
	}
	teamScores := map[string]progress.Score{}
	for _, m := range b.metricInfos() {
		if !m.Tracked {
			continue
		}
		if teamT := progress.RangeTeamTarget(book, cal, m.Name, ids, days); teamT > 0 {
			sc := progress.Score{Done: total(m.Name, ""), Target: teamT}
			teamScores[m.Name] = sc
			in.Team = append(in.Team, report.Attainment{Metric: m.Label, Score: sc})
		}
		for _, u := range ids {
			a := report.Attainment{Person: report.Person{ID: u, Name: names[u]}, Metric: m.Label,
				Score: progress.Score{Done: total(m.Name, u), Target: progress.RangeTarget(book, cal, m.Name, u, days)}}
			switch {
			case m.Name == store.MetricPitches && (a.Done > 0 || a.Target > 0):
				in.People = append(in.People, a)
			case m.Name != store.MetricPitches && a.Target > 0:
				in.Others = append(in.Others, a)
			}
		}
	}
	report.SortPeople(in.People)
	in.TeamPct, in.TeamPctOK = progress.Attainment(teamScores, b.metricInfos())
	for i, d := range days {
		day := report.Day{Date: d, Working: cal.Working(d)}
		if per := counts[store.MetricPitches]; i < len(per) {
			for _, v := range per[i] {
				day.Pitches += v
			}
		}
		t := progress.DayTarget(book, cal, store.MetricPitches, "", d)
		if t == 0 {
			for _, u := range ids {
				t += progress.DayTarget(book, cal, store.MetricPitches, u, d)
			}
		}
		day.Target = int(math.Round(t))
		in.Days = append(in.Days, day)
	}
	st, err := b.db.PitchStats(ctx, from, to)
	if err != nil {
		return nil, err
	}
	in.Funnel = st.Team
	if _, ok := b.prov.metrics[store.MetricVouchers]; ok {
		in.VouchersTrack = true
		vs, err := b.db.Vouchers(ctx, store.VoucherFilter{From: from, To: to})
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if v.Status != store.VoucherRevoked {
				in.Vouchers++
				in.VoucherValue += v.Value
			}
		}
	}
	if _, ok := b.prov.metrics[store.MetricContentPosted]; ok {
		in.ContentTrack, in.Content = true, total(store.MetricContentPosted, "")
	}
	within := func(t time.Time) bool { return !t.IsZero() && !t.Before(from) && t.Before(to) }
	issues, err := b.db.AllIssues(ctx)
	if err != nil {
		return nil, err
	}
	// Resolved: the issues_resolved metric, as targets count it. A breach
	// falls in the period when the SLA deadline did and passed unresolved
	// (or the SLA job reported it then).
	in.IssuesResolved = total(store.MetricIssuesResolved, "")
	now := b.Now()
	for _, is := range issues {
		if within(is.CreatedAt) {
			in.IssuesOpened++
		}
		due := is.SLA.Due
		late := !due.IsZero() && due.Before(now) && (is.ResolvedAt.IsZero() || is.ResolvedAt.After(due))
		if within(is.SLA.BreachedAt) || (is.SLA.BreachedAt.IsZero() && late && within(due)) {
			in.SLABreaches++
		}
	}
	tasks, err := b.db.AllTasks(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		if t.Status == store.TaskDone && within(t.ClosedAt) {
			in.TasksDone++
			in.UnitsDone += t.Done()
		}
	}
	members, err := b.db.TaskMembers(ctx)
	if err != nil {
		return nil, err
	}
	caps, err := b.db.TaskCapacities(ctx)
	if err != nil {
		return nil, err
	}
	working := 0
	for _, d := range days {
		if cal.Working(d) {
			working++
		}
	}
	for _, u := range members {
		in.Capacity += b.capacityOf(caps, u) * working
	}
	return in, nil
}
