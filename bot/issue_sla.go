package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/slack-go/slack"

	"pocbot/store"
)

// issueSLASpec runs the SLA check every minute.
const issueSLASpec = "@every 1m"

// issueSLAJob warns at 80% of an issue's SLA and reports its breach, each
// at most once per issue: the store marks the issue (MarkIssueSLA) before
// anyone is told, so re-runs and catch-ups send nothing twice. If nobody at
// all could be told, the mark is undone and the next run tries again.
//
// The warning goes to the assignee by DM, or to the triage channel while
// the issue is unassigned. The breach is shown on the triage message and
// sent by DM to the assignee and every admin (to the triage channel if
// there is neither).
func (b *Bot) issueSLAJob(ctx context.Context, due time.Time) error {
	issues, err := b.db.ActiveIssues(ctx)
	if err != nil {
		return err
	}
	now := b.Now()
	var errs []error
	for i := range issues {
		is := &issues[i]
		if is.SLA.IsPaused() {
			continue
		}
		switch phase := is.SLA.Phase(now); {
		case phase == store.SLABreached && is.SLA.BreachedAt.IsZero():
			errs = append(errs, b.slaNotify(ctx, is.ID, store.SLABreached))
		case phase == store.SLAWarning && is.SLA.WarnedAt.IsZero():
			errs = append(errs, b.slaNotify(ctx, is.ID, store.SLAWarning))
		}
	}
	return errors.Join(errs...)
}

// slaNotify marks the issue and tells the people concerned.
func (b *Bot) slaNotify(ctx context.Context, id uint64, phase store.SLAPhase) error {
	first, is, err := b.db.MarkIssueSLA(ctx, id, phase)
	if err != nil || !first {
		return err
	}
	now := b.Now()
	where := b.triageLink(ctx, is)
	summary := fmt.Sprintf("*%s* · *@%s* · %s · %s", is.Ref(), is.Handle, is.Category.Label(), is.Priority.Label())
	var text string
	var to []string
	if phase == store.SLAWarning {
		text = fmt.Sprintf(":warning: %s has used 80%% of its %s SLA: due *%s*, %s.%s",
			summary, store.FormatDuration(is.SLA.Budget), b.when(is.SLA.DueAt(now)), timeLeft(is.SLA.Remaining(now)), where)
		switch {
		case is.AssigneeID != "":
			to = []string{is.AssigneeID}
		case b.cfg.TriageChannel != "":
			text += " Nobody has it yet: press *Assign to me* below."
			to = []string{b.cfg.TriageChannel}
		default:
			to = []string{is.ReporterID}
		}
	} else {
		owner := "nobody has it"
		if is.AssigneeID != "" {
			owner = "assigned to " + mention(is.AssigneeID)
		}
		text = fmt.Sprintf(":red_circle: SLA breached: %s was due %s (%s SLA); %s.%s",
			summary, b.when(is.SLA.DueAt(now)), store.FormatDuration(is.SLA.Budget), owner, where)
		// The assignee is the one who must act; the admins are told so
		// they can step in (or assign it, if nobody has it).
		to = slices.Clone(b.cfg.Admins)
		if is.AssigneeID != "" && !slices.Contains(to, is.AssigneeID) {
			to = append([]string{is.AssigneeID}, to...)
		}
		if len(to) == 0 {
			to = []string{b.cfg.TriageChannel}
		}
	}
	if phase == store.SLABreached {
		b.tel.slaBreaches.Inc()
	}
	// The triage message and its thread show the new state whatever happens
	// to the notifications.
	b.publishIssueChange(ctx, nil, &store.IssueChange{Issue: is, Event: b.lastEvent(ctx, is)})
	sent := 0
	var errs []error
	for _, u := range to {
		if u == "" {
			continue
		}
		// The notice carries the issue's own buttons, as the triage message
		// does; a DM to the assignee does not offer them Assign to me.
		actions := issueActions(is)
		if u == is.AssigneeID {
			actions = issueActions(is, u)
		}
		key := fmt.Sprintf("sla/%d/%s/%s", is.ID, phaseKey(phase), u)
		if _, _, res, err := b.send(ctx, outPost{key: key, kind: "sla", channel: u, m: msg{text: toPlain(text), blocks: []slack.Block{section(text), actions}}}); res == postFailed {
			errs = append(errs, err)
			continue
		}
		sent++
	}
	if sent == 0 {
		if err := b.db.UnmarkIssueSLA(ctx, id, phase); err != nil {
			errs = append(errs, err)
		}
		errs = append(errs, fmt.Errorf("%s SLA notice reached nobody", is.Ref()))
	}
	return errors.Join(errs...)
}

// phaseKey names an SLA phase in outbox keys.
func phaseKey(p store.SLAPhase) string {
	if p == store.SLABreached {
		return "breach"
	}
	return "warning"
}

// lastEvent returns the issue's newest timeline entry (the mark just made).
func (b *Bot) lastEvent(ctx context.Context, is *store.Issue) *store.IssueEvent {
	evs, _, err := b.db.IssueTimeline(ctx, is.ID, is.Events-1, 1)
	if err != nil || len(evs) == 0 {
		return nil
	}
	return &evs[0]
}

// triageLink is " <permalink|Open the triage message>" for an issue posted
// to triage (chat.getPermalink), "" otherwise or if Slack cannot say.
func (b *Bot) triageLink(ctx context.Context, is *store.Issue) string {
	if is.TriageTS == "" || is.TriageChannel == "" {
		return ""
	}
	link, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: is.TriageChannel, Ts: is.TriageTS})
	if err != nil || store.CheckIssueLink(link) != nil {
		b.log.Warn("no permalink for the triage message", "issue", is.Ref(), "err", err)
		return fmt.Sprintf(" It is in <#%s>.", is.TriageChannel)
	}
	return " " + safeLink(link, "Open the triage message") + "."
}

// timeLeft reads a remaining time: "47m left", "under a minute left".
func timeLeft(d time.Duration) string {
	if d < time.Minute {
		return "under a minute left"
	}
	return store.FormatDuration(d) + " left"
}
