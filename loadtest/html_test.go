package loadtest

import (
	"html/template"
	"strings"
	"testing"
	"time"
)

// templatePage is the report page as html/template wrote it before the page
// was written by hand (html.go says why): the oracle of TestPageAsTemplate.
var templatePage = template.Must(template.New("report").Parse(htmlPageStart + `{{.Title}}` + htmlPageStyle + `{{.Title}}</h1>
{{with .Badge}}{{if .Text}}<div class="verdict"><span class="badge {{.Class}}">{{.Text}}</span><div>{{.Detail}}{{if .Failures}}<ul>{{range .Failures}}<li>{{.}}</li>{{end}}</ul>{{end}}</div></div>{{end}}{{end}}
{{if .Text}}<pre>{{.Text}}</pre>{{end}}
{{if .OverTime}}<h2>Latency over time</h2>{{.OverTime}}{{end}}
{{if .Percentiles}}<h2>Latency by percentile</h2>{{.Percentiles}}{{end}}
{{if .RampText}}<h2>Ramp</h2><pre>{{.RampText}}</pre>{{.RampChart}}{{end}}
` + htmlPageEnd))

// TestPageAsTemplate: the hand-written page is byte for byte what the
// template gave, escaping included, for reports with and without a gate,
// a ramp, and text that needs escaping everywhere text goes.
func TestPageAsTemplate(t *testing.T) {
	rep := plotReport("http://127.0.0.1:1/v1/validate?a=1&b=<2>", 5)
	gated := *rep
	(&Gate{P99: Millis(2 * time.Millisecond), P999: Millis(4 * time.Millisecond), ServerP99: Millis(time.Millisecond), MaxErrorRate: 0.001}).Check(&gated)
	ramp := &RampResult{Target: rep.Target, P99: Millis(5 * time.Millisecond), Best: 800, Knee: 1600, BestReport: rep,
		Steps: []RampStep{{Rate: 400, Throughput: 400, Pass: true}, {Rate: 800, Throughput: 799, Pass: true}, {Rate: 1600, Throughput: 1200, Why: "P99 9ms > 5ms"}}}
	hostile := "<script>alert('x')</script> & \"quoted\" + \x00 é"
	pages := map[string]page{
		"no gate":  reportPage(rep, nil),
		"gate":     reportPage(&gated, nil),
		"ramp":     reportPage(nil, ramp),
		"empty":    reportPage(nil, nil),
		"escaping": {Title: hostile, Badge: badge{Class: "fail", Text: hostile, Detail: hostile, Failures: []string{hostile, "+1"}}, Text: hostile, RampText: hostile, OverTime: "<svg/>", RampChart: "<svg/>"},
	}
	for name, p := range pages {
		var want strings.Builder
		data := struct {
			Title                            string
			Badge                            badge
			Text, RampText                   string
			OverTime, Percentiles, RampChart template.HTML
		}{p.Title, p.Badge, p.Text, p.RampText, template.HTML(p.OverTime), template.HTML(p.Percentiles), template.HTML(p.RampChart)}
		if err := templatePage.Execute(&want, data); err != nil {
			t.Fatal(err)
		}
		if got := p.html(); got != want.String() {
			t.Errorf("%s: the page differs from the template's:\n got %q\nwant %q", name, got, want.String())
		}
	}
}

// plotReport is a report of a run at 100/s with windows latency windows
// (P50 0.2 ms, P99 3 ms, maximum 50 ms) and a percentile curve: enough for
// every plot of the HTML report.
func plotReport(target string, windows int) *Report {
	rep := &Report{Target: target, Rate: 100, OK: 100, Completed: 100,
		Latency: Summary{P50: Millis(200 * time.Microsecond), P99: Millis(3 * time.Millisecond)}}
	for i := range windows {
		rep.Series = append(rep.Series, Window{Start: Seconds(time.Duration(i) * time.Second), Count: 10,
			P50: Millis(200 * time.Microsecond), P99: Millis(3 * time.Millisecond), Max: Millis(50 * time.Millisecond)})
	}
	for _, q := range []float64{0, 50, 90, 99, 99.9} {
		rep.Distribution = append(rep.Distribution, Point{Quantile: q, Latency: Millis(time.Duration(1+q) * 10 * time.Microsecond)})
	}
	return rep
}
