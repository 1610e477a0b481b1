package server

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/swiftval/swiftval/engine"
)

// metrics holds the server's Prometheus collectors, on a registry of its own
// (so two servers in one process, as in tests, do not collide).
type metrics struct {
	reg         *prometheus.Registry
	reqDur      *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	validations *prometheus.CounterVec
	findings    *prometheus.CounterVec
	valDur      prometheus.Histogram
	overruns    prometheus.Counter
	shed        prometheus.Counter
	refused     *prometheus.CounterVec // connections and requests refused, by reason

	// Caches of labelled children, so the hot path hashes no label values.
	reqObs   sync.Map // reqKey -> prometheus.Observer
	valCnt   sync.Map // valKey -> prometheus.Counter
	findCnt  sync.Map // string -> prometheus.Counter
	knownTyp func(format, typ string) bool
	// validateOK is the child for POST /v1/validate answered 200, the
	// common case, once created: a string compare instead of a map hash.
	validateOK atomic.Pointer[prometheus.Observer]
}

// routeValidate is the route of single validations.
const routeValidate = "/v1/validate"

type reqKey struct {
	route  string
	status int
}

type valKey struct {
	format, typ, verdict string
}

// latencyBuckets span 50 µs to 2.5 s: a validation takes tens of
// microseconds, an HTTP request a little more; the top buckets catch
// batches and stalls.
var latencyBuckets = []float64{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5}

func newMetrics(knownType func(format, typ string) bool) *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), knownTyp: knownType}
	m.reqDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "swiftval_http_request_duration_seconds", Help: "Time to serve HTTP requests, by route pattern and status code.", Buckets: latencyBuckets,
	}, []string{"route", "status"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "swiftval_http_requests_in_flight", Help: "HTTP requests being served.",
	})
	m.validations = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "swiftval_validations_total", Help: "Messages validated, by format, message type (\"other\" for types the formats do not list) and verdict (valid, invalid, incomplete).",
	}, []string{"format", "type", "verdict"})
	m.findings = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "swiftval_findings_total", Help: "Findings reported, by code.",
	}, []string{"code"})
	m.valDur = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "swiftval_validation_duration_seconds", Help: "Time the engine spent validating one message.", Buckets: latencyBuckets,
	})
	m.overruns = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "swiftval_budget_overruns_total", Help: "Reports left incomplete because the latency budget or the request ran out.",
	})
	m.shed = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "swiftval_requests_shed_total", Help: "Requests refused with 503 because every validation slot stayed busy.",
	})
	m.refused = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "swiftval_refused_total", Help: "Connections closed beyond --max-conns-per-ip (reason per_ip) and requests refused for carrying both Content-Length and Transfer-Encoding (reason cl_te).",
	}, []string{"reason"})
	m.reg.MustRegister(m.reqDur, m.inFlight, m.validations, m.findings, m.valDur, m.overruns, m.shed, m.refused,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observeRequest(route string, status int, d time.Duration) {
	hot := status == 200 && route == routeValidate
	if hot {
		if o := m.validateOK.Load(); o != nil {
			(*o).Observe(d.Seconds())
			return
		}
	}
	k := reqKey{route, status}
	o, ok := m.reqObs.Load(k)
	if !ok {
		o, _ = m.reqObs.LoadOrStore(k, m.reqDur.WithLabelValues(route, strconv.Itoa(status)))
	}
	obs := o.(prometheus.Observer)
	if hot {
		m.validateOK.Store(&obs)
	}
	obs.Observe(d.Seconds())
}

// observeReport counts one validation. Message types come from the input
// (an MX namespace is free text), so types the formats do not list are
// counted as "other" to bound the label set.
func (m *metrics) observeReport(r *engine.Report) {
	typ := r.Type
	if typ != "" && !m.knownTyp(r.Format, typ) {
		typ = "other"
	}
	k := valKey{r.Format, typ, verdict(r)}
	c, ok := m.valCnt.Load(k)
	if !ok {
		c, _ = m.valCnt.LoadOrStore(k, m.validations.WithLabelValues(k.format, k.typ, k.verdict))
	}
	c.(prometheus.Counter).Inc()
	for i := range r.Findings {
		code := r.Findings[i].Code
		fc, ok := m.findCnt.Load(code)
		if !ok {
			fc, _ = m.findCnt.LoadOrStore(code, m.findings.WithLabelValues(code))
		}
		fc.(prometheus.Counter).Inc()
	}
	m.valDur.Observe(r.Elapsed.Seconds())
	if !r.Complete {
		m.overruns.Inc()
	}
}

// verdict is "valid", "invalid", or "incomplete" (budget or request ran out).
func verdict(r *engine.Report) string {
	switch {
	case r.Valid:
		return "valid"
	case !r.Complete:
		return "incomplete"
	}
	return "invalid"
}
