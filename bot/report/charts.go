package report

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"strings"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Chart is one rendered chart: its data exactly as plotted, the alt text
// that describes it for screen readers, and the PNG.
type Chart struct {
	File    string // "pitches-per-day.png"
	Title   string
	AltText string
	Data    ChartData
	PNG     []byte
	// Width and Height in pixels: 1152×648 unless many days or people
	// need more room.
	Width, Height int
}

// ChartData is what a chart plots: one label per bar (or point) and the
// series over them.
type ChartData struct {
	XLabel string   `json:"x_label"`
	YLabel string   `json:"y_label"`
	Labels []string `json:"labels"`
	Series []Series `json:"series"`
}

// Series is one plotted series.
type Series struct {
	Name   string    `json:"name"`
	Kind   string    `json:"kind"` // "bars" or "line"
	Values []float64 `json:"values"`
}

// Chart size: 8 × 4.5 inches at 144 dpi, 1152 × 648 pixels, readable on a
// phone and sharp on a laptop; wider for more than 16 days (at most 16
// inches, labelling Mondays only past 3 weeks) and taller for more than
// 12 people (a quarter inch each).
const (
	chartW   = 8 * vg.Inch
	chartH   = 4.5 * vg.Inch
	chartDPI = 144
)

var (
	colBars   = color.RGBA{R: 0x2b, G: 0x6c, B: 0xb0, A: 0xff}
	colTarget = color.RGBA{R: 0xd9, G: 0x48, B: 0x1c, A: 0xff}
	colGood   = color.RGBA{R: 0x2e, G: 0x8b, B: 0x57, A: 0xff}
	colBehind = color.RGBA{R: 0xe0, G: 0x9a, B: 0x1a, A: 0xff}
)

// Charts draws the three charts of the report, at once (rasterising is
// the slow part, and each chart has its own canvas).
func (in *Input) Charts() ([]Chart, error) {
	fs := []func() (Chart, error){in.dailyChart, in.funnelChart, in.peopleChart}
	out := make([]Chart, len(fs))
	errs := make([]error, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Go(func() { out[i], errs[i] = f() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func (in *Input) dailyChart() (Chart, error) {
	d := ChartData{XLabel: "day (" + in.Loc.String() + ")", YLabel: "pitches logged"}
	bars := Series{Name: "pitches", Kind: "bars"}
	target := Series{Name: "team target", Kind: "line"}
	hasTarget := false
	for _, day := range in.Days {
		l := day.Date.Format("Mon 2")
		if len(in.Days) > 7 {
			l = day.Date.Format("Mon 2 Jan")
		}
		if !day.Working {
			l += " (off)"
		}
		d.Labels = append(d.Labels, l)
		bars.Values = append(bars.Values, float64(day.Pitches))
		target.Values = append(target.Values, float64(day.Target))
		hasTarget = hasTarget || day.Target > 0
	}
	d.Series = []Series{bars}
	if hasTarget {
		d.Series = append(d.Series, target)
	}
	title := "Pitches per day vs target, " + in.Range()
	total, tgt := 0, 0
	for _, day := range in.Days {
		total += day.Pitches
		tgt += day.Target
	}
	alt := fmt.Sprintf("Bar chart of the team's pitches per day, %s, times in %s: %s.", in.Range(), in.Loc, joinPairs(d.Labels, bars.Values))
	if hasTarget {
		alt += fmt.Sprintf(" The line is the daily team target; %d pitches against a target of %d for the period.", total, tgt)
	} else {
		alt += fmt.Sprintf(" %d pitches in all; no pitch target was set.", total)
	}
	c := Chart{File: "pitches-per-day.png", Title: title, AltText: alt, Data: d}
	return c, c.render(title, false)
}

func (in *Input) funnelChart() (Chart, error) {
	f := in.Funnel
	stages := []struct {
		name string
		n    int
	}{{"Pitched", f.Pitched}, {"Interested", f.Interested}, {"Agreed", f.Agreed}}
	if in.VouchersTrack {
		stages = append(stages, struct {
			name string
			n    int
		}{"Vouchers issued", in.Vouchers})
	}
	if in.ContentTrack {
		stages = append(stages, struct {
			name string
			n    int
		}{"Content posted", in.Content})
	}
	d := ChartData{XLabel: "count", YLabel: ""}
	s := Series{Name: "count", Kind: "bars"}
	for _, st := range stages {
		l := fmt.Sprintf("%s %d", st.name, st.n)
		if f.Pitched > 0 && st.name != "Pitched" {
			l += fmt.Sprintf(" (%d%%)", st.n*100/f.Pitched)
		}
		d.Labels = append(d.Labels, l)
		s.Values = append(s.Values, float64(st.n))
	}
	d.Series = []Series{s}
	title := "Funnel, " + in.Range()
	if in.VouchersTrack {
		title += " · vouchers worth " + in.VoucherValue.Format(in.Currency)
	}
	alt := fmt.Sprintf("Funnel of the pitches logged %s: %s.", in.Range(), joinLabels(d.Labels))
	if !in.ContentTrack {
		alt += " Content is not tracked."
	}
	if in.VouchersTrack {
		alt += " Vouchers issued in the period are worth " + in.VoucherValue.Format(in.Currency) + "."
	}
	c := Chart{File: "funnel.png", Title: title, AltText: alt, Data: d}
	return c, c.render(title, true)
}

func (in *Input) peopleChart() (Chart, error) {
	withTarget := false
	for _, a := range in.People {
		withTarget = withTarget || a.Target > 0
	}
	d := ChartData{XLabel: "% of pitch target", YLabel: ""}
	if !withTarget {
		d.XLabel = "pitches (no targets set)"
	}
	s := Series{Name: "attainment", Kind: "bars"}
	var parts []string
	for _, a := range in.People {
		name := a.Person.Name
		if withTarget && a.Target <= 0 {
			// Someone the target does not cover (a POC when only the
			// outsource team has one): no bar, and no "15/0".
			d.Labels = append(d.Labels, fmt.Sprintf("%s %d (no target)", name, a.Done))
			s.Values = append(s.Values, 0)
			parts = append(parts, fmt.Sprintf("%s %d (no target)", name, a.Done))
		} else if withTarget {
			l := fmt.Sprintf("%s %d/%d", name, a.Done, a.Target)
			d.Labels = append(d.Labels, l)
			s.Values = append(s.Values, float64(a.Pct()))
			parts = append(parts, fmt.Sprintf("%s %d%% (%d of %d)", name, a.Pct(), a.Done, a.Target))
		} else {
			d.Labels = append(d.Labels, fmt.Sprintf("%s %d", name, a.Done))
			s.Values = append(s.Values, float64(a.Done))
			parts = append(parts, fmt.Sprintf("%s %d", name, a.Done))
		}
	}
	d.Series = []Series{s}
	if withTarget {
		d.Series = append(d.Series, Series{Name: "target", Kind: "line", Values: []float64{100}})
	}
	title := "Pitch target attainment per person, " + in.Range()
	alt := "Horizontal bar chart, one bar per person, " + d.XLabel + ", " + in.Range() + ": "
	if len(parts) == 0 {
		alt += "nobody pitched."
	} else {
		alt += joinLabels(parts) + "."
	}
	if withTarget {
		alt += " The vertical line marks 100%."
	}
	c := Chart{File: "attainment-per-person.png", Title: title, AltText: alt, Data: d}
	return c, c.render(title, true)
}

// render draws c.Data: vertical bars with their values on top and the
// target as a step per day, or (horiz) horizontal bars listed top to
// bottom in Data's order with a dashed reference line.
func (c *Chart) render(title string, horiz bool) error {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text, p.Y.Label.Text = c.Data.XLabel, c.Data.YLabel
	p.BackgroundColor = color.White
	labels := c.Data.Labels
	series := c.Data.Series
	if len(labels) == 0 {
		labels = []string{"(no data)"}
		series = []Series{{Name: "none", Kind: "bars", Values: []float64{0}}}
	}
	n := len(labels)
	// Horizontal charts read top to bottom; gonum counts rows from the bottom.
	at := func(i int) float64 { return float64(i) }
	if horiz {
		at = func(i int) float64 { return float64(n - 1 - i) }
	}
	maxV := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			maxV = math.Max(maxV, v)
		}
	}
	bars := func(vs []float64, col color.Color) (*plotter.BarChart, error) {
		pv := make(plotter.Values, n)
		for i, v := range vs {
			pv[int(at(i))] = v
		}
		w := vg.Points(32)
		if horiz {
			w = vg.Points(math.Min(36, 320/float64(n)))
		}
		b, err := plotter.NewBarChart(pv, w)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", c.File, err)
		}
		b.Horizontal, b.Color, b.LineStyle.Width = horiz, col, 0
		return b, nil
	}
	for _, s := range series {
		switch s.Kind {
		case "bars":
			if c.File == "attainment-per-person.png" && len(series) > 1 {
				// Colour by attainment: target met green, behind amber.
				met, behind := make([]float64, n), make([]float64, n)
				for i, v := range s.Values {
					if v >= 100 {
						met[i] = v
					} else {
						behind[i] = v
					}
				}
				bm, err := bars(met, colGood)
				if err != nil {
					return err
				}
				bb, err := bars(behind, colBehind)
				if err != nil {
					return err
				}
				p.Add(bm, bb)
				p.Legend.Add("target met", bm)
				p.Legend.Add("behind", bb)
				continue
			}
			b, err := bars(s.Values, colBars)
			if err != nil {
				return err
			}
			p.Add(b)
			if len(series) > 1 {
				p.Legend.Add(s.Name, b)
			}
			if !horiz && n <= 31 { // the value above each bar
				xys := make(plotter.XYs, n)
				txt := make([]string, n)
				for i, v := range s.Values {
					xys[i] = plotter.XY{X: at(i), Y: v}
					txt[i] = fmt.Sprintf("%.0f", v)
				}
				lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: txt})
				if err != nil {
					return fmt.Errorf("chart %s: %w", c.File, err)
				}
				for i := range lb.TextStyle {
					lb.TextStyle[i].XAlign, lb.TextStyle[i].YAlign = draw.XCenter, draw.YBottom
					lb.TextStyle[i].Font.Size = vg.Points(10)
				}
				lb.Offset = vg.Point{Y: vg.Points(3)}
				p.Add(lb)
			}
		case "line":
			var lines []plotter.XYs
			if horiz { // a vertical reference line at the value
				lines = append(lines, plotter.XYs{{X: s.Values[0], Y: -0.5}, {X: s.Values[0], Y: float64(n) - 0.5}})
			} else { // the target over each day that has one
				for i, v := range s.Values {
					if v > 0 {
						lines = append(lines, plotter.XYs{{X: at(i) - 0.45, Y: v}, {X: at(i) + 0.45, Y: v}})
					}
				}
			}
			for j, pts := range lines {
				l, err := plotter.NewLine(pts)
				if err != nil {
					return fmt.Errorf("chart %s: %w", c.File, err)
				}
				l.Color, l.Width = colTarget, vg.Points(2.5)
				if horiz {
					l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
				}
				p.Add(l)
				if j == 0 {
					p.Legend.Add(s.Name, l)
				}
			}
		}
	}
	if horiz {
		rev := make([]string, n)
		for i, l := range labels {
			rev[int(at(i))] = l
		}
		p.NominalY(rev...)
		p.X.Min, p.X.Max = 0, math.Max(maxV*1.1, 1)
		p.Y.Tick.Label.Font.Size = vg.Points(10)
		p.X.Tick.Marker = plot.ConstantTicks(intTicks(p.X.Max))
	} else {
		shown := labels
		if n > 21 { // past three weeks, label the Mondays (and the first day)
			shown = make([]string, n)
			for i, l := range labels {
				if i == 0 || strings.HasPrefix(l, "Mon ") {
					shown[i] = l
				}
			}
		}
		p.NominalX(shown...)
		p.Y.Min, p.Y.Max = 0, math.Max(maxV*1.15, 1)
		p.X.Tick.Label.Font.Size = vg.Points(10)
		p.Y.Tick.Marker = plot.ConstantTicks(intTicks(p.Y.Max))
	}
	// Horizontal bars are sorted longest first, so the bottom right is free.
	p.Legend.Top = !horiz
	w, h := chartW, chartH
	if !horiz && n > 16 {
		w = vg.Length(math.Min(16, 0.5*float64(n))) * vg.Inch
	}
	if horiz && n > 12 {
		h = vg.Length(1.5+0.25*float64(n)) * vg.Inch
	}
	c.Width, c.Height = int(w/vg.Inch*chartDPI+0.5), int(h/vg.Inch*chartDPI+0.5)
	canvas := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(chartDPI), vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(canvas))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: canvas}).WriteTo(&buf); err != nil {
		return fmt.Errorf("chart %s: png: %w", c.File, err)
	}
	c.PNG = buf.Bytes()
	return nil
}

// intTicks puts about six whole-number ticks from 0 to max.
func intTicks(max float64) []plot.Tick {
	step := math.Max(1, math.Ceil(max/6))
	mag := math.Pow(10, math.Floor(math.Log10(step)))
	for _, m := range []float64{1, 2, 5, 10} {
		if step <= m*mag {
			step = m * mag
			break
		}
	}
	var ts []plot.Tick
	for v := 0.0; v <= max; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f", v)})
	}
	return ts
}

func joinPairs(labels []string, vs []float64) string {
	parts := make([]string, len(labels))
	for i := range labels {
		parts[i] = fmt.Sprintf("%s %.0f", labels[i], vs[i])
	}
	return joinLabels(parts)
}

func joinLabels(ls []string) string {
	const max = 40
	out := ""
	for i, l := range ls {
		if i == max {
			return out + fmt.Sprintf(", and %d more", len(ls)-max)
		}
		if i > 0 {
			out += ", "
		}
		out += l
	}
	return out
}
