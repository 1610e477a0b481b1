package bench

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
)

// WriteHTML writes a self-contained HTML report (no external resource):
// the figures, latency over time and the percentile curve as inline SVG,
// and the ramp's steps when ramp is not nil. rep may be nil when only a
// ramp is reported (its best step is then plotted).
func WriteHTML(w io.Writer, rep *Report, ramp *RampResult) error {
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
	data := struct {
		Title          string
		Text, RampText string
		OverTime       template.HTML
		Percentiles    template.HTML
		RampChart      template.HTML
	}{Title: "swiftval bench", Text: text.String(), RampText: rampText.String()}
	if rep != nil {
		data.Title = "swiftval bench: " + rep.Target
		data.OverTime = template.HTML(overTimeSVG(rep))
		data.Percentiles = template.HTML(percentileSVG(rep))
	}
	if ramp != nil && len(ramp.Steps) > 0 {
		data.RampChart = template.HTML(rampSVG(ramp))
	}
	return htmlTmpl.Execute(w, data)
}

var htmlTmpl = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1000px}
pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:13px}
svg{background:#fff;border:1px solid #ddd;margin:1em 0}
svg text{font-size:11px;font-family:system-ui,sans-serif}
</style></head><body>
<h1>{{.Title}}</h1>
{{if .Text}}<pre>{{.Text}}</pre>{{end}}
{{if .OverTime}}<h2>Latency over time</h2>{{.OverTime}}{{end}}
{{if .Percentiles}}<h2>Latency by percentile</h2>{{.Percentiles}}{{end}}
{{if .RampText}}<h2>Ramp</h2><pre>{{.RampText}}</pre>{{.RampChart}}{{end}}
<p><small>Latency is measured from each request's scheduled send time (open loop: queueing counted, no coordinated omission). Percentiles from an HDR histogram, 3 significant digits.</small></p>
</body></html>
`))

type series struct {
	name, color string
	xs, ys      []float64
}

type tick struct {
	at    float64
	label string
}

const (
	chartW, chartH         = 900, 320
	padL, padR, padT, padB = 70, 150, 20, 40
)

// lineChart draws series on linear axes; xt labels the x axis (computed
// when nil).
func lineChart(xlabel, ylabel string, ss []series, xt []tick) string {
	xmin, xmax, ymax := math.Inf(1), math.Inf(-1), 0.0
	for _, s := range ss {
		for i := range s.xs {
			xmin, xmax = math.Min(xmin, s.xs[i]), math.Max(xmax, s.xs[i])
			ymax = math.Max(ymax, s.ys[i])
		}
	}
	if math.IsInf(xmin, 0) {
		return ""
	}
	if xmax == xmin {
		xmax = xmin + 1
	}
	if ymax <= 0 {
		ymax = 1
	}
	ystep := niceStep(ymax / 5)
	ymax = math.Ceil(ymax/ystep) * ystep
	pw, ph := float64(chartW-padL-padR), float64(chartH-padT-padB)
	px := func(x float64) float64 { return padL + (x-xmin)/(xmax-xmin)*pw }
	py := func(y float64) float64 { return padT + ph - y/ymax*ph }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`, chartW, chartH, chartW, chartH)
	for y := 0.0; y <= ymax+ystep/2; y += ystep {
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#eee"/>`, padL, py(y), chartW-padR, py(y))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`, padL-6, py(y)+4, trimFloat(y))
	}
	if xt == nil {
		xs := niceStep((xmax - xmin) / 8)
		for x := math.Ceil(xmin/xs) * xs; x <= xmax+xs/1000; x += xs {
			xt = append(xt, tick{x, trimFloat(x)})
		}
	}
	for _, t := range xt {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#eee"/>`, px(t.at), padT, px(t.at), chartH-padB)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, px(t.at), chartH-padB+14, template.HTMLEscapeString(t.label))
	}
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.0f" height="%.0f" fill="none" stroke="#999"/>`, padL, padT, pw, ph)
	fmt.Fprintf(&b, `<text x="%.0f" y="%d" text-anchor="middle">%s</text>`, padL+pw/2, chartH-6, template.HTMLEscapeString(xlabel))
	fmt.Fprintf(&b, `<text x="14" y="%.0f" text-anchor="middle" transform="rotate(-90 14 %.0f)">%s</text>`, padT+ph/2, padT+ph/2, template.HTMLEscapeString(ylabel))
	for k, s := range ss {
		var pts strings.Builder
		for i := range s.xs {
			fmt.Fprintf(&pts, "%.1f,%.1f ", px(s.xs[i]), py(s.ys[i]))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.6" points="%s"/>`, s.color, pts.String())
		ly := padT + 14 + 18*k
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/><text x="%d" y="%d">%s</text>`,
			chartW-padR+10, ly-4, chartW-padR+30, ly-4, s.color, chartW-padR+36, ly, template.HTMLEscapeString(s.name))
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

func overTimeSVG(r *Report) string {
	p50 := series{name: "P50", color: "#2b7bb9"}
	p99 := series{name: "P99", color: "#e07b00"}
	mx := series{name: "max", color: "#c0392b"}
	for _, w := range r.Series {
		if w.Count == 0 {
			continue
		}
		x := w.Start.D().Seconds()
		p50.xs, p50.ys = append(p50.xs, x), append(p50.ys, ms(w.P50))
		p99.xs, p99.ys = append(p99.xs, x), append(p99.ys, ms(w.P99))
		mx.xs, mx.ys = append(mx.xs, x), append(mx.ys, ms(w.Max))
	}
	return lineChart("seconds since end of warm-up (by scheduled time)", "latency (ms)", []series{mx, p99, p50}, nil)
}

func percentileSVG(r *Report) string {
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
	return lineChart("percentile", "latency (ms)", ss, xt)
}

func rampSVG(r *RampResult) string {
	p99 := series{name: "P99", color: "#e07b00"}
	p50 := series{name: "P50", color: "#2b7bb9"}
	tg := series{name: "P99 target", color: "#999"}
	for _, s := range r.Steps {
		p99.xs, p99.ys = append(p99.xs, s.Rate), append(p99.ys, ms(s.P99))
		p50.xs, p50.ys = append(p50.xs, s.Rate), append(p50.ys, ms(s.P50))
		tg.xs, tg.ys = append(tg.xs, s.Rate), append(tg.ys, ms(r.P99))
	}
	return lineChart("requested rate (req/s)", "latency (ms)", []series{p99, p50, tg}, nil)
}
