package external

import (
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sony/gobreaker/v2"
)

// HubOptions configures a Hub.
type HubOptions struct {
	// Endpoints lists the URL prefixes external checks may call
	// ("https://screening.bank.internal/", "http://127.0.0.1:8090/"): a
	// check whose URL starts with none of them is refused at load. Empty
	// refuses every external check. A rule set is data that an admin-API
	// caller may upload; without this list it could send every payment's
	// view to any host (or probe internal ones), so the operator names the
	// dependencies, as for a firewall.
	Endpoints []string
	// SecretDir confines secret and TLS files: every path a rule set names
	// must resolve inside it. Empty confines them to the rule set's own
	// directory (a set uploaded through the admin API could otherwise send
	// any readable file to its URL).
	SecretDir string
	// SecretEnvPrefix is the prefix every secret_env variable must have
	// (DefaultSecretEnvPrefix when empty), so that a rule set cannot send
	// the process's other variables (cloud credentials, the admin token).
	SecretEnvPrefix string
	// Logger receives breaker transitions (endpoint and states only);
	// slog.Default() when nil.
	Logger *slog.Logger
}

// DefaultSecretEnvPrefix is the prefix of the environment variables a
// rule set may read secrets from (HubOptions.SecretEnvPrefix).
const DefaultSecretEnvPrefix = "SWIFTVAL_SECRET_"

// Hub is what external checks share across rule sets and reloads: one
// circuit breaker and one connection pool per endpoint, and the
// Prometheus metrics. It implements custom.ExternalCompiler (pass it as
// custom.ManagerOptions.External) and prometheus.Collector (register it
// where the process serves metrics). A Hub is safe for concurrent use.
//
// Creating a Hub creates its metric vectors but registers nothing: a
// process registers it only where it serves metrics.
type Hub struct {
	opts HubOptions
	log  *slog.Logger

	mu        sync.Mutex
	endpoints map[string]*endpoint // by endpointKey

	calls       *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	fallbacks   *prometheus.CounterVec
	transitions *prometheus.CounterVec
	stateDesc   *prometheus.Desc
}

// NewHub returns a Hub.
func NewHub(opts HubOptions) *Hub {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.SecretEnvPrefix == "" {
		opts.SecretEnvPrefix = DefaultSecretEnvPrefix
	}
	h := &Hub{opts: opts, log: opts.Logger, endpoints: map[string]*endpoint{}}
	h.calls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "swiftval_external_calls_total",
		Help: "Outcomes of external checks, by check and endpoint: ok, error and timeout per HTTP attempt; hit for an answer from the cache; rejected when the breaker (or the concurrency limit) refused the call.",
	}, []string{"check", "endpoint", "outcome"})
	h.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "swiftval_external_call_duration_seconds",
		Help:    "Time of HTTP attempts of external checks, by check and endpoint.",
		Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
	}, []string{"check", "endpoint"})
	h.fallbacks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "swiftval_external_fallbacks_total",
		Help: "Messages for which an external check's fallback applied (the check could not give an answer), by check, endpoint and fallback (fail-closed, fail-open).",
	}, []string{"check", "endpoint", "fallback"})
	h.transitions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "swiftval_external_breaker_transitions_total",
		Help: "Circuit breaker state changes, by endpoint and the states left and entered.",
	}, []string{"endpoint", "from", "to"})
	h.stateDesc = prometheus.NewDesc("swiftval_external_breaker_state",
		"Circuit breaker state by endpoint: 0 closed, 1 half-open, 2 open.", []string{"endpoint"}, nil)
	return h
}

// endpoint is one dependency: a URL with its client settings and breaker
// settings. Checks naming the same endpoint share its breaker, so one sick
// service opens one breaker for all of them.
type endpoint struct {
	key     string
	label   string // scheme://host/path, for metrics and status
	breaker *gobreaker.TwoStepCircuitBreaker[struct{}]
	client  *http.Client
	checks  map[string]bool // IDs of the checks using it
}

// breakerSettings are the breaker parameters of a check.
type breakerSettings struct {
	window       time.Duration
	buckets      int
	minRequests  int
	failureRatio float64
	openFor      time.Duration
	probes       int
}

// endpoint returns the shared endpoint for key, creating it on first use.
func (h *Hub) endpoint(key, label string, bs breakerSettings, tlsConf *tls.Config, conns int, checkID string) *endpoint {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ep := range h.endpoints {
		delete(ep.checks, checkID)
	}
	if ep := h.endpoints[key]; ep != nil {
		ep.checks[checkID] = true
		return ep
	}
	ep := &endpoint{key: key, label: label, checks: map[string]bool{checkID: true}}
	ep.breaker = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:         label,
		MaxRequests:  uint32(bs.probes),
		Interval:     bs.window,
		BucketPeriod: bs.window / time.Duration(bs.buckets),
		Timeout:      bs.openFor,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.Requests >= uint32(bs.minRequests) && float64(c.TotalFailures) >= bs.failureRatio*float64(c.Requests)
		},
		IsExcluded: func(err error) bool { return err == errCancelled },
		OnStateChange: func(name string, from, to gobreaker.State) {
			h.transitions.WithLabelValues(name, from.String(), to.String()).Inc()
			h.log.Warn("external check breaker changed state", "endpoint", name, "from", from.String(), "to", to.String())
		},
	})
	ep.client = &http.Client{
		Transport: &http.Transport{
			// No proxy from the environment: payment data goes to the
			// endpoint the rule set names and nowhere else.
			Proxy:                 nil,
			DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:       tlsConf,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          conns,
			MaxIdleConnsPerHost:   conns,
			MaxConnsPerHost:       conns,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: 0, // bounded by each call's context
		},
		// Redirects are refused: an answer must come from the endpoint named
		// (a redirect could carry the request and its secret elsewhere).
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	h.endpoints[key] = ep
	return ep
}

// CloseIdleConnections closes the idle keep-alive connections of every
// endpoint (at shutdown; calls in flight are not affected).
func (h *Hub) CloseIdleConnections() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ep := range h.endpoints {
		ep.client.CloseIdleConnections()
	}
}

// EndpointStatus describes one endpoint of external checks.
type EndpointStatus struct {
	// Endpoint is scheme://host/path (no query, no credentials).
	Endpoint string `json:"endpoint"`
	// Checks lists the IDs of the checks calling it.
	Checks []string `json:"checks"`
	// State is the breaker's state: closed, half-open or open.
	State string `json:"breaker_state"`
	// Requests, Failures and ConsecutiveFailures are the breaker's counts in
	// its current window.
	Requests            uint32 `json:"requests"`
	Failures            uint32 `json:"failures"`
	ConsecutiveFailures uint32 `json:"consecutive_failures"`
}

// Status lists the endpoints in use, sorted, with their breaker state.
func (h *Hub) Status() []EndpointStatus {
	h.mu.Lock()
	eps := make([]*endpoint, 0, len(h.endpoints))
	checks := map[*endpoint][]string{}
	for _, ep := range h.endpoints {
		if len(ep.checks) == 0 {
			continue
		}
		eps = append(eps, ep)
		for id := range ep.checks {
			checks[ep] = append(checks[ep], id)
		}
	}
	h.mu.Unlock()
	out := make([]EndpointStatus, 0, len(eps))
	for _, ep := range eps {
		c := ep.breaker.Counts()
		ids := checks[ep]
		sort.Strings(ids)
		out = append(out, EndpointStatus{Endpoint: ep.label, Checks: ids, State: ep.breaker.State().String(),
			Requests: c.Requests, Failures: c.TotalFailures, ConsecutiveFailures: c.ConsecutiveFailures})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Endpoint < out[j].Endpoint })
	return out
}

// Dependencies returns Status, for server.Config.Dependencies.
func (h *Hub) Dependencies() any { return h.Status() }

// Describe implements prometheus.Collector.
func (h *Hub) Describe(ch chan<- *prometheus.Desc) {
	h.calls.Describe(ch)
	h.duration.Describe(ch)
	h.fallbacks.Describe(ch)
	h.transitions.Describe(ch)
	ch <- h.stateDesc
}

// Collect implements prometheus.Collector; breaker states are read at
// scrape time (an open breaker turns half-open when next asked).
func (h *Hub) Collect(ch chan<- prometheus.Metric) {
	h.calls.Collect(ch)
	h.duration.Collect(ch)
	h.fallbacks.Collect(ch)
	h.transitions.Collect(ch)
	seen := map[string]bool{}
	for _, st := range h.Status() {
		if seen[st.Endpoint] {
			continue
		}
		seen[st.Endpoint] = true
		v := 0.0
		switch st.State {
		case "half-open":
			v = 1
		case "open":
			v = 2
		}
		ch <- prometheus.MustNewConstMetric(h.stateDesc, prometheus.GaugeValue, v, st.Endpoint)
	}
}
