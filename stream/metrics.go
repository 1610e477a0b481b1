package stream

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the processor's Prometheus metrics (docs/stream.md lists
// them). Create them with NewMetrics; they are safe for concurrent use.
type Metrics struct {
	// Registry holds every metric below plus the Go and process collectors;
	// the ops server serves it on /metrics.
	Registry *prometheus.Registry

	consumed     prometheus.Counter
	results      *prometheus.CounterVec
	resultValid  prometheus.Counter
	resultBad    prometheus.Counter
	resultDead   prometheus.Counter
	redelivered  prometheus.Counter
	retries      prometheus.Counter
	deadReasons  *prometheus.CounterVec
	publishErrs  prometheus.Counter
	ackErrs      prometheus.Counter
	latency      prometheus.Histogram
	pending      prometheus.Gauge
	ackPending   prometheus.Gauge
	connected    prometheus.Gauge
	inFlight     prometheus.Gauge
	lagReadFails prometheus.Counter
}

// NewMetrics returns the metrics on a registry of their own.
func NewMetrics() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{Registry: r}
	m.consumed = prometheus.NewCounter(prometheus.CounterOpts{Name: "swiftval_stream_consumed_total", Help: "Input deliveries taken from the stream (redeliveries included)."})
	m.results = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "swiftval_stream_results_total", Help: "Inputs acknowledged after their output was confirmed, by verdict (valid, invalid, dead)."}, []string{"verdict"})
	m.resultValid = m.results.WithLabelValues(string(Valid))
	m.resultBad = m.results.WithLabelValues(string(Invalid))
	m.resultDead = m.results.WithLabelValues(string(Dead))
	m.redelivered = prometheus.NewCounter(prometheus.CounterOpts{Name: "swiftval_stream_redeliveries_total", Help: "Deliveries that were not the input's first."})
	m.retries = prometheus.NewCounter(prometheus.CounterOpts{Name: "swiftval_stream_retries_total", Help: "Inputs handed back for redelivery (not judged, or the output not confirmed)."})
	m.deadReasons = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "swiftval_stream_dead_letters_total", Help: "Dead letters published, by cause (unjudged, max_deliver, unpublishable)."}, []string{"cause"})
	m.publishErrs = prometheus.NewCounter(prometheus.CounterOpts{Name: "swiftval_stream_publish_errors_total", Help: "Outputs whose publication failed or was not confirmed."})
	m.ackErrs = prometheus.NewCounter(prometheus.CounterOpts{Name: "swiftval_stream_ack_errors_total", Help: "Acknowledgements or redelivery requests that could not be sent."})
	m.latency = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "swiftval_stream_processing_seconds", Help: "From taking an input to acknowledging it (validation, output publication and its confirmation).",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}})
	m.pending = prometheus.NewGauge(prometheus.GaugeOpts{Name: "swiftval_stream_consumer_pending", Help: "Inputs waiting to be delivered to the consumer (lag), from the consumer info."})
	m.ackPending = prometheus.NewGauge(prometheus.GaugeOpts{Name: "swiftval_stream_consumer_ack_pending", Help: "Inputs delivered to any instance and not yet acknowledged, from the consumer info."})
	m.connected = prometheus.NewGauge(prometheus.GaugeOpts{Name: "swiftval_stream_connected", Help: "1 while the broker connection is up."})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{Name: "swiftval_stream_in_flight", Help: "Inputs taken by this process and not yet acknowledged or handed back."})
	m.lagReadFails = prometheus.NewCounter(prometheus.CounterOpts{Name: "swiftval_stream_lag_read_errors_total", Help: "Failed reads of the consumer info."})
	r.MustRegister(m.consumed, m.results, m.redelivered, m.retries, m.deadReasons, m.publishErrs, m.ackErrs, m.latency,
		m.pending, m.ackPending, m.connected, m.inFlight, m.lagReadFails,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, c := range []string{causeUnjudged, causeMaxDeliver, causeUnpublishable} {
		m.deadReasons.WithLabelValues(c)
	}
	return m
}

// Causes of dead letters (the cause label).
const (
	causeUnjudged      = "unjudged"      // a rule or the parser failed on every attempt
	causeMaxDeliver    = "max_deliver"   // delivered max-deliver times without a result
	causeUnpublishable = "unpublishable" // the output could not be published
)

func (m *Metrics) result(v Verdict) {
	switch v {
	case Valid:
		m.resultValid.Inc()
	case Invalid:
		m.resultBad.Inc()
	default:
		m.resultDead.Inc()
	}
}
