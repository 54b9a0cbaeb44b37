package bot

import (
	"context"
	"fmt"
	"time"

	"pocbot/bot/progress"
)

// lateAfter is how long after its slot a digest still counts as on time.
const lateAfter = 5 * time.Minute

func (b *Bot) targetJobs() error {
	if err := b.sched.add("digest", b.cfg.DigestCron, b.digestJob); err != nil {
		return err
	}
	return b.sched.add("nudges", b.cfg.NudgeCron, b.nudgeJob)
}

// digestInput fetches what buildDigest needs for day (any time in it):
// the team's progress, the pitch funnel and every digest section.
func (b *Bot) digestInput(ctx context.Context, day, now time.Time, late bool) (*digestInput, error) {
	pi, err := b.teamProgress(ctx, day)
	if err != nil {
		return nil, err
	}
	in := &digestInput{Input: *pi, Late: late}
	day, cal := in.Day, in.Cal
	if prev := cal.PrevWorking(day); !prev.IsZero() {
		if in.Funnel, err = b.db.PitchStats(ctx, prev, prev.AddDate(0, 0, 1)); err != nil {
			return nil, err
		}
	}
	if in.Week, err = b.db.PitchStats(ctx, progress.WeekStart(day, b.cfg.Location), day.AddDate(0, 0, 1)); err != nil {
		return nil, err
	}
	for _, s := range sectionOrder {
		out := sectionOut{Title: s.title}
		if f, ok := b.prov.sections[s.name]; ok {
			out.Tracked = true
			if out.Lines, err = f(ctx, day); err != nil {
				return nil, fmt.Errorf("digest section %s: %w", s.name, err)
			}
		}
		in.Sections = append(in.Sections, out)
	}
	in.MentionsMax = b.cfg.DigestMentionsMax
	if in.Holidays, err = b.db.Holidays(ctx); err != nil {
		return nil, err
	}
	return in, nil
}

// userIDs lists everyone the digest shows, for their names.
func (in *digestInput) userIDs() []string {
	ids := progress.NewScorer(&in.Input).People()
	for _, sec := range in.Sections {
		for _, l := range sec.Lines {
			for _, m := range mentionRE.FindAllStringSubmatch(l, -1) {
				ids = append(ids, m[1])
			}
		}
	}
	return ids
}

// DigestText renders the digest of day's date as plain text, from the
// database alone: `pocbot digest --print`. A past day is shown as of its
// end. People show as @ID: names would need Slack.
func (b *Bot) DigestText(ctx context.Context, day time.Time) (string, error) {
	now := b.Now()
	if end := progress.DayStart(day, b.cfg.Location).AddDate(0, 0, 1); now.After(end) {
		now = end
	}
	cal, err := b.calendar(ctx)
	if err != nil {
		return "", err
	}
	if !cal.Working(day) {
		what := "not a working day (POCBOT_WORKDAYS)"
		if cal.Holiday(day) {
			what = "a holiday (/target holiday)"
		}
		return fmt.Sprintf("No digest for %s: it is %s, so none is posted.\n", day.In(b.cfg.Location).Format("Mon 2 Jan 2006"), what), nil
	}
	in, err := b.digestInput(ctx, day, now, false)
	if err != nil {
		return "", err
	}
	return buildDigest(in).Plain, nil
}

// digestKey claims a day's digest in the store.
func digestKey(date string) string { return "digest/" + date }

// digestJob posts the digest of the day the slot fell on, exactly once:
// the day is claimed with ClaimOnce before posting, so a restart, a
// redelivery or an overlapping run finds it taken. A failed head post
// releases the claim so the next run retries. A slot caught up after
// downtime is posted marked late, unless its day is over. Days off get no
// digest.
func (b *Bot) digestJob(ctx context.Context, due time.Time) error {
	loc := b.cfg.Location
	now := b.Now()
	day := progress.DayStart(due, loc)
	log := b.log.With("job", "digest", "day", day.Format("2006-01-02"))
	if b.cfg.DigestChannel == "" {
		log.Warn("no POCBOT_DIGEST_CHANNEL; digest not posted")
		return nil
	}
	if !progress.DayStart(now, loc).Equal(day) {
		log.Info("digest day is over; not posting it late")
		return nil
	}
	cal, err := b.calendar(ctx)
	if err != nil {
		return err
	}
	if !cal.Working(day) {
		log.Info("day off; no digest")
		return nil
	}
	key := digestKey(cal.DateKey(day))
	first, err := b.db.ClaimOnce(ctx, key)
	if err != nil {
		return err
	}
	if !first {
		log.Info("digest already posted")
		return nil
	}
	in, err := b.digestInput(ctx, day, now, now.Sub(due) > lateAfter)
	if err != nil {
		return b.releaseAfter(ctx, key, err)
	}
	in.Names = b.displayNames(ctx, in.userIDs())
	d := buildDigest(in)
	// Through the outbox: the head and its thread replies are stored
	// before anything is sent, so a refused or lost post is retried (the
	// replies after the head) and none is posted twice.
	_, _, res, err := b.send(ctx, outPost{key: key, kind: "digest", channel: b.cfg.DigestChannel, m: msg{text: d.Text, blocks: d.Blocks}})
	if res == postFailed {
		return b.releaseAfter(ctx, key, err)
	}
	for i, blocks := range d.Thread {
		if _, _, _, err := b.send(ctx, outPost{key: fmt.Sprintf("%s/part/%d", key, i+2), kind: "digest", channel: b.cfg.DigestChannel,
			m: msg{text: d.ThreadText[i], blocks: blocks}, parentKey: key}); err != nil {
			log.Error("digest thread reply not queued", "part", i+2, "err", err)
			return nil
		}
	}
	if res == postQueued {
		log.Warn("digest queued: Slack did not take it yet; the outbox retries it", "thread_replies", len(d.Thread))
		return nil
	}
	log.Info("digest posted", "late", in.Late, "thread_replies", len(d.Thread))
	return nil
}

// releaseAfter releases a claim after the claimed work failed.
func (b *Bot) releaseAfter(ctx context.Context, key string, err error) error {
	if rerr := b.db.ReleaseOnce(context.WithoutCancel(ctx), key); rerr != nil {
		return fmt.Errorf("%w (and releasing %s failed: %v)", err, key, rerr)
	}
	return err
}
