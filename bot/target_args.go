package bot

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"pocbot/store"
)

// targetArgs is a parsed "/target METRIC N [<@U…>|team] [daily|weekly]".
type targetArgs struct {
	Metric string
	Value  int
	UserID string // "" = the team
	Period string
	// ScopeSet and PeriodSet say whether the command named them; without
	// a scope pocbot asks (team, me or a person).
	ScopeSet, PeriodSet bool
}

// scopeMe is parseTargetArgs' UserID for "me", until the command puts in
// the caller's ID.
const scopeMe = "me"

var userMentionRE = regexp.MustCompile(`^<@([UW][A-Z0-9]{1,20})(\|[^>]*)?>$`)

// parseTargetArgs reads the arguments of a target change. The period
// defaults to daily; scope and period may come in any order.
func parseTargetArgs(text string) (targetArgs, error) {
	f := strings.Fields(text)
	if len(f) < 2 {
		return targetArgs{}, errorf("Write the metric and the number, for example: /target pitches 10 @ana daily. Metrics: %s.", strings.Join(store.Metrics(), ", "))
	}
	a := targetArgs{Metric: strings.ToLower(f[0]), Period: store.Daily}
	if !slices.Contains(store.Metrics(), a.Metric) {
		return targetArgs{}, errorf("%s is not a target metric. Use one of: %s.", quote(f[0]), strings.Join(store.Metrics(), ", "))
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n < 0 || n > store.MaxTargetValue {
		return targetArgs{}, errorf("%s is not a target: write a whole number from 0 (no target) to %d, like /target %s 10.", quote(f[1]), store.MaxTargetValue, a.Metric)
	}
	a.Value = n
	var scope, period bool
	for _, w := range f[2:] {
		lw := strings.ToLower(w)
		switch {
		case lw == "team" || lw == "me" || userMentionRE.MatchString(w):
			if scope {
				return targetArgs{}, errorf("Give one person or team, not both or several.")
			}
			scope, a.ScopeSet = true, true
			switch lw {
			case "team":
			case "me":
				a.UserID = scopeMe // the caller puts in their own ID
			default:
				a.UserID = userMentionRE.FindStringSubmatch(w)[1]
			}
		case lw == "daily" || lw == "day" || lw == "weekly" || lw == "week":
			if period {
				return targetArgs{}, errorf("Give one period: daily or weekly.")
			}
			period, a.PeriodSet = true, true
			a.Period = store.Daily
			if strings.HasPrefix(lw, "week") {
				a.Period = store.Weekly
			}
		case strings.HasPrefix(w, "@"):
			return targetArgs{}, errorf("I can't tell who %s is. Mention the person: type @ and pick them from Slack's list so it becomes a blue mention.", quote(w))
		default:
			return targetArgs{}, errorf("I didn't understand %s. Write: /target METRIC N [@person|team] [daily|weekly].", quote(w))
		}
	}
	return a, nil
}
