package progress

// Metric is a target metric as the model sees it: Tracked is false when
// no feature counts it yet.
type Metric struct {
	Name, Label string
	Tracked     bool
}

// Score is work done against a target; Target 0 means no target.
type Score struct{ Done, Target int }

// Met reports whether there is a target and it is reached.
func (s Score) Met() bool { return s.Target > 0 && s.Done >= s.Target }

// Pct is Done/Target in whole percent (0 without a target).
func (s Score) Pct() int {
	if s.Target <= 0 {
		return 0
	}
	return s.Done * 100 / s.Target
}

// Attainment is the mean over metrics with a target of done/target, each
// capped at 100%; ok is false when no metric has a target.
func Attainment(sc map[string]Score, metrics []Metric) (pct int, ok bool) {
	sum, n := 0, 0
	for _, m := range metrics {
		v, has := sc[m.Name]
		if !has || v.Target <= 0 {
			continue
		}
		sum += min(v.Pct(), 100)
		n++
	}
	if n == 0 {
		return 0, false
	}
	return sum / n, true
}

// HeadlineScores are the team board's figures for the digest headline,
// the previous working day: a daily target's day, or a weekly target's
// week through that day against the part due by then (its pace).
func HeadlineScores(bd Board, metrics []Metric) map[string]Score {
	out := map[string]Score{}
	for _, m := range metrics {
		sc, ok := bd.Prev[m.Name]
		if !ok {
			continue
		}
		if pw, ok := bd.PrevWeek[m.Name]; ok && bd.PrevExpected[m.Name] > 0 && sc.Target == 0 {
			out[m.Name] = Score{pw.Done, bd.PrevExpected[m.Name]}
			continue
		}
		out[m.Name] = sc
	}
	return out
}
