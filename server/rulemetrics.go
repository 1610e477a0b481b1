package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/swiftval/swiftval/engine"
)

// ruleCollector exports the engine's per-rule counters (the same figures
// as GET /v1/rules) at scrape time, so nothing is counted twice and the hot
// path does no metric work per rule.
type ruleCollector struct {
	eng                                     *engine.Engine
	evals, findings, panics, total, maxTime *prometheus.Desc
}

func newRuleCollector(eng *engine.Engine) *ruleCollector {
	labels := []string{"rule", "rule_set", "source"}
	return &ruleCollector{
		eng:      eng,
		evals:    prometheus.NewDesc("swiftval_rule_evaluations_total", "Validations that ran the rule.", labels, nil),
		findings: prometheus.NewDesc("swiftval_rule_findings_total", "Findings the rule produced.", labels, nil),
		panics:   prometheus.NewDesc("swiftval_rule_panics_total", "Runs of the rule that panicked (SV003).", labels, nil),
		total:    prometheus.NewDesc("swiftval_rule_time_seconds_total", "Time spent in the rule, estimated from timed runs (one evaluation in 64 is timed).", labels, nil),
		maxTime:  prometheus.NewDesc("swiftval_rule_max_time_seconds", "Longest timed run of the rule.", labels, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *ruleCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.evals, c.findings, c.panics, c.total, c.maxTime} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *ruleCollector) Collect(ch chan<- prometheus.Metric) {
	for _, r := range c.eng.Rules() {
		lv := []string{r.ID, r.RuleSet, r.Source}
		ch <- prometheus.MustNewConstMetric(c.evals, prometheus.CounterValue, float64(r.Evaluations), lv...)
		ch <- prometheus.MustNewConstMetric(c.findings, prometheus.CounterValue, float64(r.Findings), lv...)
		ch <- prometheus.MustNewConstMetric(c.panics, prometheus.CounterValue, float64(r.Panics), lv...)
		ch <- prometheus.MustNewConstMetric(c.total, prometheus.CounterValue, float64(r.TotalTimeNS)/1e9, lv...)
		ch <- prometheus.MustNewConstMetric(c.maxTime, prometheus.GaugeValue, float64(r.MaxTimeNS)/1e9, lv...)
	}
}
