package loadtest

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// WriteHTML writes a self-contained HTML report (no external resource):
// the verdict of the gate as a PASS or FAIL badge with what was missed,
// the figures, latency over time and the percentile curve as inline SVG,
// and the ramp's steps when ramp is not nil. Latency axes are logarithmic,
// so a P50 of 0.2 ms stays readable beside a maximum of 50 ms, and every
// latency target is drawn as a dashed line on the plots it applies to. rep
// may be nil when only a ramp is reported (its best step is then plotted).
func WriteHTML(w io.Writer, rep *Report, ramp *RampResult) error {
	p := reportPage(rep, ramp)
	_, err := io.WriteString(w, p.html())
	return err
}

// page is what the HTML report shows; the SVG fields are markup.
type page struct {
	Title                            string
	Badge                            badge
	Text, RampText                   string
	OverTime, Percentiles, RampChart string
}

func reportPage(rep *Report, ramp *RampResult) page {
	if rep == nil && ramp != nil {
		rep = ramp.BestReport
	}
	var text strings.Builder
	if rep != nil {
		_ = rep.WriteText(&text)
	}
	var rampText strings.Builder
	if ramp != nil {
		_ = ramp.WriteText(&rampText)
	}
	p := page{Title: "swiftval bench", Text: text.String(), RampText: rampText.String()}
	switch {
	case ramp != nil:
		p.Badge = rampBadge(ramp)
	case rep != nil:
		p.Badge = gateBadge(rep.Gate)
	}
	if rep != nil {
		p.Title = "swiftval bench: " + rep.Target
		targets := gateLines(rep.Gate)
		if ramp != nil && rep.Gate == nil {
			targets = []hline{{ms(ramp.P99), "P99 target " + ramp.P99.String(), colorTarget}}
		}
		all := targets
		if g := rep.Gate; g != nil && g.ServerP99 > 0 {
			all = append(all[:len(all):len(all)], hline{ms(g.ServerP99), "server P99 target " + g.ServerP99.String(), "#1e8449"})
		}
		p.OverTime = overTimeSVG(rep, targets)
		p.Percentiles = percentileSVG(rep, all)
	}
	if ramp != nil && len(ramp.Steps) > 0 {
		p.RampChart = rampSVG(ramp)
	}
	return p
}

// html is the page. It is written by hand, not by html/template: a
// template looks its fields and methods up by name at run time, and one
// reachable call of reflect's MethodByName makes the linker keep every
// exported method of every type in the binary (its dead-code elimination
// gives up), 6 MB of the 35 MB image. escapeHTML escapes as the template did.
func (p *page) html() string {
	var b strings.Builder
	b.WriteString(htmlPageStart)
	b.WriteString(escapeHTML(p.Title))
	b.WriteString(htmlPageStyle)
	b.WriteString(escapeHTML(p.Title))
	b.WriteString("</h1>\n")
	if bd := p.Badge; bd.Text != "" {
		b.WriteString(`<div class="verdict"><span class="badge `)
		b.WriteString(escapeHTML(bd.Class))
		b.WriteString(`">`)
		b.WriteString(escapeHTML(bd.Text))
		b.WriteString(`</span><div>`)
		b.WriteString(escapeHTML(bd.Detail))
		if len(bd.Failures) > 0 {
			b.WriteString("<ul>")
			for _, f := range bd.Failures {
				b.WriteString("<li>" + escapeHTML(f) + "</li>")
			}
			b.WriteString("</ul>")
		}
		b.WriteString("</div></div>")
	}
	b.WriteString("\n")
	if p.Text != "" {
		b.WriteString("<pre>" + escapeHTML(p.Text) + "</pre>")
	}
	b.WriteString("\n")
	if p.OverTime != "" {
		b.WriteString("<h2>Latency over time</h2>" + p.OverTime)
	}
	b.WriteString("\n")
	if p.Percentiles != "" {
		b.WriteString("<h2>Latency by percentile</h2>" + p.Percentiles)
	}
	b.WriteString("\n")
	if p.RampText != "" {
		b.WriteString("<h2>Ramp</h2><pre>" + escapeHTML(p.RampText) + "</pre>" + p.RampChart)
	}
	b.WriteString("\n")
	b.WriteString(htmlPageEnd)
	return b.String()
}

// escapeHTML escapes s for HTML text and quoted attribute values with
// html/template's replacements (NUL, quotes, ampersand, plus, angle brackets).
var escapeHTML = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;").Replace

// badge is the verdict shown at the top of the report.
type badge struct {
	Class, Text string   // "pass", "fail" or "none"; "PASS" ...
	Detail      string   // the targets
	Failures    []string // what was missed
}

func gateBadge(g *Gate) badge {
	if g == nil {
		return badge{Class: "none", Text: "NO GATE", Detail: "no latency target was set (--p99, --p999, --server-p99)"}
	}
	b := badge{Class: "pass", Text: "PASS", Detail: strings.Join(g.targets(), ", "), Failures: g.Failures}
	if !g.Pass {
		b.Class, b.Text = "fail", "FAIL"
	}
	return b
}

func rampBadge(r *RampResult) badge {
	if r.Best <= 0 {
		return badge{Class: "fail", Text: "FAIL", Detail: "no rate kept P99 ≤ " + r.P99.String()}
	}
	return badge{Class: "pass", Text: fmt.Sprintf("%.0f req/s", r.Best), Detail: "the highest rate that kept P99 ≤ " + r.P99.String()}
}

// targets lists the gate's targets as text ("P99 ≤ 2ms", ...).
func (g *Gate) targets() []string {
	var t []string
	if g.P99 > 0 {
		t = append(t, "P99 ≤ "+g.P99.String())
	}
	if g.P999 > 0 {
		t = append(t, "P99.9 ≤ "+g.P999.String())
	}
	if g.ServerP99 > 0 {
		t = append(t, "server P99 ≤ "+g.ServerP99.String())
	}
	return append(t, fmt.Sprintf("errors ≤ %.3f%%", 100*g.MaxErrorRate))
}

// gateLines are the client-side latency targets of g, drawn on the plots.
func gateLines(g *Gate) []hline {
	if g == nil {
		return nil
	}
	var out []hline
	if g.P99 > 0 {
		out = append(out, hline{ms(g.P99), "P99 target " + g.P99.String(), colorTarget})
	}
	if g.P999 > 0 {
		out = append(out, hline{ms(g.P999), "P99.9 target " + g.P999.String(), "#8e44ad"})
	}
	return out
}

// The fixed parts of the HTML report: before the title, between the title
// and the heading (the style), and after the content.
const (
	htmlPageStart = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>`
	htmlPageStyle = `</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1000px}
pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:13px}
svg{background:#fff;border:1px solid #ddd;margin:1em 0}
svg text{font-size:11px;font-family:system-ui,sans-serif}
.verdict{display:flex;gap:1em;align-items:center;margin:1em 0}
.badge{font-size:22px;font-weight:700;padding:.3em .8em;border-radius:6px;color:#fff;letter-spacing:.05em}
.badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}.badge.none{background:#57606a}
.verdict ul{margin:.3em 0;padding-left:1.2em;color:#a40e26}
</style></head><body>
<h1>`
	htmlPageEnd = `<p><small>Latency is measured from each request's scheduled send time (open loop: queueing counted, no coordinated omission). Percentiles from an HDR histogram, 3 significant digits. Latency axes are logarithmic; dashed lines are the targets.</small></p>
</body></html>
`
)

type series struct {
	name, color string
	xs, ys      []float64
}

type tick struct {
	at    float64
	label string
}

// hline is a horizontal line across a plot: a target.
type hline struct {
	y            float64
	label, color string
}

const colorTarget = "#c0392b"

const (
	chartW, chartH         = 900, 320
	padL, padR, padT, padB = 70, 170, 20, 40
)

// lineChart draws series against a linear x axis and a y axis that is
// logarithmic when logY is set (latency: a P50 of 0.2 ms and a maximum of
// 50 ms both readable) and linear otherwise; xt labels the x axis
// (computed when nil); lines are drawn dashed across the plot, and the y
// range always includes them.
func lineChart(xlabel, ylabel string, ss []series, xt []tick, logY bool, lines []hline) string {
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), 0.0
	for _, s := range ss {
		for i := range s.xs {
			xmin, xmax = math.Min(xmin, s.xs[i]), math.Max(xmax, s.xs[i])
			ymax = math.Max(ymax, s.ys[i])
			if s.ys[i] > 0 {
				ymin = math.Min(ymin, s.ys[i])
			}
		}
	}
	if math.IsInf(xmin, 0) {
		return ""
	}
	for _, l := range lines {
		ymax = math.Max(ymax, l.y)
		ymin = math.Min(ymin, l.y)
	}
	if xmax == xmin {
		xmax = xmin + 1
	}
	if ymax <= 0 {
		ymax = 1
	}
	pw, ph := float64(chartW-padL-padR), float64(chartH-padT-padB)
	px := func(x float64) float64 { return padL + (x-xmin)/(xmax-xmin)*pw }
	var py func(float64) float64
	var yt []tick
	if logY {
		if math.IsInf(ymin, 0) || ymin >= ymax {
			ymin = ymax / 10
		}
		lo, hi := math.Floor(math.Log10(ymin)), math.Ceil(math.Log10(ymax))
		if hi <= lo {
			hi = lo + 1
		}
		py = func(y float64) float64 {
			if y <= 0 {
				y = math.Pow(10, lo)
			}
			return padT + ph - (math.Log10(y)-lo)/(hi-lo)*ph
		}
		steps := []float64{1, 2, 5}
		if hi-lo > 3 {
			steps = steps[:1] // many decades: one label each
		}
		for e := lo; e <= hi; e++ {
			for _, m := range steps {
				if v := m * math.Pow(10, e); e < hi || m == 1 {
					yt = append(yt, tick{v, trimFloat(v)})
				}
			}
		}
	} else {
		ystep := niceStep(ymax / 5)
		ymax = math.Ceil(ymax/ystep) * ystep
		py = func(y float64) float64 { return padT + ph - y/ymax*ph }
		for y := 0.0; y <= ymax+ystep/2; y += ystep {
			yt = append(yt, tick{y, trimFloat(y)})
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s by %s">`, chartW, chartH, chartW, chartH, escapeHTML(ylabel), escapeHTML(xlabel))
	for _, t := range yt {
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#eee"/>`, padL, py(t.at), chartW-padR, py(t.at))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`, padL-6, py(t.at)+4, escapeHTML(t.label))
	}
	if xt == nil {
		xs := niceStep((xmax - xmin) / 8)
		for x := math.Ceil(xmin/xs) * xs; x <= xmax+xs/1000; x += xs {
			xt = append(xt, tick{x, trimFloat(x)})
		}
	}
	for _, t := range xt {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#eee"/>`, px(t.at), padT, px(t.at), chartH-padB)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, px(t.at), chartH-padB+14, escapeHTML(t.label))
	}
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.0f" height="%.0f" fill="none" stroke="#999"/>`, padL, padT, pw, ph)
	fmt.Fprintf(&b, `<text x="%.0f" y="%d" text-anchor="middle">%s</text>`, padL+pw/2, chartH-6, escapeHTML(xlabel))
	if logY {
		ylabel += ", log scale"
	}
	fmt.Fprintf(&b, `<text x="14" y="%.0f" text-anchor="middle" transform="rotate(-90 14 %.0f)">%s</text>`, padT+ph/2, padT+ph/2, escapeHTML(ylabel))
	k := 0
	legend := func(color, name string, dash bool) {
		ly := padT + 14 + 18*k
		d := ""
		if dash {
			d = ` stroke-dasharray="6 4"`
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"%s/><text x="%d" y="%d">%s</text>`,
			chartW-padR+10, ly-4, chartW-padR+30, ly-4, color, d, chartW-padR+36, ly, escapeHTML(name))
		k++
	}
	for _, s := range ss {
		var pts strings.Builder
		for i := range s.xs {
			fmt.Fprintf(&pts, "%.1f,%.1f ", px(s.xs[i]), py(s.ys[i]))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.6" points="%s"/>`, s.color, pts.String())
		legend(s.color, s.name, false)
	}
	for _, l := range lines {
		fmt.Fprintf(&b, `<line class="target" x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="6 4"/>`, padL, py(l.y), chartW-padR, py(l.y), l.color)
		legend(l.color, l.label, true)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

func trimFloat(f float64) string {
	s := fmt.Sprintf("%.3f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

func ms(m Millis) float64 { return float64(m) / 1e6 }

func overTimeSVG(r *Report, targets []hline) string {
	p50 := series{name: "P50", color: "#2b7bb9"}
	p99 := series{name: "P99", color: "#e07b00"}
	mx := series{name: "max", color: "#7f8c8d"}
	for _, w := range r.Series {
		if w.Count == 0 {
			continue
		}
		x := w.Start.D().Seconds()
		p50.xs, p50.ys = append(p50.xs, x), append(p50.ys, ms(w.P50))
		p99.xs, p99.ys = append(p99.xs, x), append(p99.ys, ms(w.P99))
		mx.xs, mx.ys = append(mx.xs, x), append(mx.ys, ms(w.Max))
	}
	return lineChart("seconds since end of warm-up (by scheduled time)", "latency (ms)", []series{mx, p99, p50}, nil, true, targets)
}

func percentileSVG(r *Report, targets []hline) string {
	cl := series{name: "client", color: "#2b7bb9"}
	sv := series{name: "server", color: "#27ae60"}
	for _, p := range r.Distribution {
		x := -math.Log10(1 - p.Quantile/100)
		if math.IsInf(x, 0) || math.IsNaN(x) {
			continue
		}
		cl.xs, cl.ys = append(cl.xs, x), append(cl.ys, ms(p.Latency))
		if r.Server != nil {
			sv.xs, sv.ys = append(sv.xs, x), append(sv.ys, ms(p.Server))
		}
	}
	ss := []series{cl}
	if r.Server != nil {
		ss = append(ss, sv)
	}
	xt := []tick{{0, "0%"}, {1, "90%"}, {2, "99%"}, {3, "99.9%"}, {4, "99.99%"}, {5, "99.999%"}}
	return lineChart("percentile", "latency (ms)", ss, xt, true, targets)
}

func rampSVG(r *RampResult) string {
	p99 := series{name: "P99", color: "#e07b00"}
	p50 := series{name: "P50", color: "#2b7bb9"}
	for _, s := range r.Steps {
		p99.xs, p99.ys = append(p99.xs, s.Rate), append(p99.ys, ms(s.P99))
		p50.xs, p50.ys = append(p50.xs, s.Rate), append(p50.ys, ms(s.P50))
	}
	return lineChart("requested rate (req/s)", "latency (ms)", []series{p99, p50}, nil, true, []hline{{ms(r.P99), "P99 target " + r.P99.String(), colorTarget}})
}
