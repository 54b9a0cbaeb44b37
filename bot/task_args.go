package bot

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"pocbot/bot/progress"
	"pocbot/store"
)

// dueForms ends every message about a date we could not read.
const dueForms = "Use today, tomorrow, a weekday (friday, or next friday for the one after today), or a date as YYYY-MM-DD, optionally followed by a time like 17:00."

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday, "monday": time.Monday, "mon": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday,
	"wednesday": time.Wednesday, "wed": time.Wednesday, "thursday": time.Thursday, "thu": time.Thursday,
	"thurs": time.Thursday, "friday": time.Friday, "fri": time.Friday, "saturday": time.Saturday, "sat": time.Saturday,
}

var clockRE = regexp.MustCompile(`^([01]?\d|2[0-3])[:.]([0-5]\d)$`)

// parseDue reads a due date as people type it after "by", relative to now
// in loc: today, tomorrow, a weekday name (the soonest one, today included:
// "friday" said on a Friday is today; "next friday" is the one after
// today), or YYYY-MM-DD, each optionally followed by HH:MM. A date alone
// is due by the end of that day: the returned instant is the following
// local midnight. Past dates and anything else are user errors.
func parseDue(s string, now time.Time, loc *time.Location) (due time.Time, hasTime bool, err error) {
	words := strings.Fields(strings.ToLower(strings.TrimSpace(s)))
	if len(words) == 0 {
		return time.Time{}, false, errorf("Say when the task is due. %s", dueForms)
	}
	today := progress.DayStart(now, loc)
	var day time.Time
	next := false
	if words[0] == "next" && len(words) > 1 {
		next, words = true, words[1:]
	}
	switch w := words[0]; {
	case w == "today" && !next:
		day = today
	case (w == "tomorrow" || w == "tmr") && !next:
		day = today.AddDate(0, 0, 1)
	case weekdayOK(w):
		wd := weekdays[w]
		off := (int(wd) - int(today.Weekday()) + 7) % 7
		if next && off == 0 {
			off = 7
		}
		day = today.AddDate(0, 0, off)
	default:
		d, perr := time.ParseInLocation("2006-01-02", w, loc)
		if perr != nil || next {
			return time.Time{}, false, errorf("I can't read %s as a due date. %s", quote(s), dueForms)
		}
		day = d
	}
	switch len(words) {
	case 1:
		if day.Before(today) {
			return time.Time{}, false, errorf("%s is in the past. Pick today or a later day.", day.Format("Mon 2 Jan 2006"))
		}
		return day.AddDate(0, 0, 1), false, nil
	case 2:
		m := clockRE.FindStringSubmatch(words[1])
		if m == nil {
			return time.Time{}, false, errorf("I can't read %s as a time of day; use 24-hour HH:MM like 17:00. %s", quote(words[1]), dueForms)
		}
		h, _ := strconv.Atoi(m[1]) // the pattern allows digits only
		mi, _ := strconv.Atoi(m[2])
		due = time.Date(day.Year(), day.Month(), day.Day(), h, mi, 0, 0, loc)
		if !due.After(now) {
			return time.Time{}, false, errorf("%s is in the past. Pick a later time.", due.Format("Mon 2 Jan 15:04"))
		}
		return due, true, nil
	}
	return time.Time{}, false, errorf("I can't read %s as a due date. %s", quote(s), dueForms)
}

func weekdayOK(w string) bool { _, ok := weekdays[w]; return ok }

// taskArgs is a parsed quick form "/task @user Pitch 40 creators by friday".
type taskArgs struct {
	Assignee string
	Title    string
	Kind     store.TaskKind
	Quantity int
	Due      time.Time
	HasTime  bool
}

// parseTaskArgs reads the quick form: a Slack mention (<@U…|name>, as the
// manifest's should_escape delivers it), the title, then "by" and the due
// date. The kind is guessed from the title's words and the quantity is the
// first whole number in it.
func parseTaskArgs(text string, now time.Time, loc *time.Location) (*taskArgs, error) {
	text = strings.TrimSpace(clean(text))
	first, rest := splitWord(text)
	u := userIDFromMention(first)
	if u == "" {
		return nil, errorf("Start with the person, picked with @ so Slack links them: /task @ana Pitch 40 beauty creators by friday")
	}
	i := strings.LastIndex(strings.ToLower(" "+rest), " by ")
	if i < 0 {
		return nil, errorf("Add when it is due at the end, after \"by\": /task @ana Pitch 40 beauty creators by friday. %s", dueForms)
	}
	title := strings.TrimSpace(rest[:max(i-1, 0)])
	dueText := strings.TrimSpace(rest[min(i+3, len(rest)):])
	if title == "" {
		return nil, errorf("Say what the task is before \"by\": /task @ana Pitch 40 beauty creators by friday")
	}
	due, hasTime, err := parseDue(dueText, now, loc)
	if err != nil {
		return nil, err
	}
	a := &taskArgs{Assignee: u, Title: title, Kind: guessKind(title), Due: due, HasTime: hasTime}
	for _, f := range strings.Fields(title) {
		if n, err := strconv.Atoi(f); err == nil && n > 0 {
			if n > store.MaxTaskQuantity {
				return nil, errorf("%d is more units than one task can hold (at most %d). Split the work.", n, store.MaxTaskQuantity)
			}
			a.Quantity = n
			break
		}
	}
	return a, nil
}

// guessKind picks the task kind from words in the title.
func guessKind(title string) store.TaskKind {
	t := strings.ToLower(title)
	switch {
	case strings.Contains(t, "sample"):
		return store.KindSampleCheck
	case strings.HasPrefix(t, "pitch") || strings.Contains(t, " pitch ") && !strings.Contains(t, "follow"):
		return store.KindPitching
	case strings.Contains(t, "follow"):
		return store.KindFollowUp
	case strings.Contains(t, "review") || strings.Contains(t, "video") || strings.Contains(t, "content"):
		return store.KindContentReview
	}
	return store.KindOther
}
