package progress

// NudgeShare: people below this share of a daily target get a nudge.
const NudgeShare = 0.5

// Nudge is one person who is behind today, with every metric they have
// not yet met (one of them under NudgeShare of its target).
type Nudge struct {
	User  string
	Items []NudgeItem
}

// NudgeItem is one unmet daily target.
type NudgeItem struct {
	Metric Metric
	Score  Score // today so far against today's target
}

// Left is what is still to do today.
func (i NudgeItem) Left() int { return i.Score.Target - i.Score.Done }

// Nudges lists who is under NudgeShare of a daily target on in.Day, in
// user order, skipping optOut and days off.
func Nudges(in *Input, optOut map[string]bool) []Nudge {
	if !in.Cal.Working(in.Day) {
		return nil
	}
	s := NewScorer(in)
	var out []Nudge
	for _, u := range s.people {
		if optOut[u] {
			continue
		}
		var items []NudgeItem
		behind := false
		for _, m := range in.Metrics {
			if !m.Tracked {
				continue
			}
			sc := Score{s.Count(m.Name, u, in.Day), s.DailyTarget(m.Name, u, in.Day)}
			if sc.Target == 0 || sc.Met() {
				continue
			}
			if float64(sc.Done) < NudgeShare*float64(sc.Target) {
				behind = true
			}
			items = append(items, NudgeItem{Metric: m, Score: sc})
		}
		if behind {
			out = append(out, Nudge{User: u, Items: items})
		}
	}
	return out
}
