package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"go.opentelemetry.io/otel/trace"

	"github.com/swiftval/swiftval/engine"
)

// Defaults of DefaultConfig, each with the reason for its number.
const (
	// DefaultAddr listens on loopback only: exposing the service is a
	// deliberate act (--addr :8080).
	DefaultAddr = "127.0.0.1:8080"
	// DefaultMaxBodyBytes is the engine's per-message limit (1 MiB): the
	// largest FIN message is 10 000 characters and CBPR+ messages a few
	// hundred KB.
	DefaultMaxBodyBytes = engine.DefaultMaxInput
	// DefaultMaxBatchMessages caps one batch request: 10 000 messages of a
	// few KB each take well under a second of CPU, so a single request cannot
	// hold a validation slot for long.
	DefaultMaxBatchMessages = 10000
	// DefaultReadHeaderTimeout bounds slow-loris header reads.
	DefaultReadHeaderTimeout = 5 * time.Second
	// DefaultReadTimeout bounds reading one request: 1 MiB at a slow 64 KB/s.
	DefaultReadTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds writing one response (batch responses
	// extend it per message, see handleBatch).
	DefaultWriteTimeout = 30 * time.Second
	// DefaultIdleTimeout closes idle keep-alive connections.
	DefaultIdleTimeout = 120 * time.Second
	// DefaultDrainTimeout fits inside the usual 30 s termination grace period
	// of orchestrators, leaving time to flush logs and traces.
	DefaultDrainTimeout = 25 * time.Second
	// DefaultMaxConns bounds open connections: each costs about 20 KB
	// (goroutine stack, read and write buffers), so 1024 cap that at ~20 MB,
	// far above what a load balancer keeps open to one instance. Further
	// connections wait in the kernel's accept queue.
	DefaultMaxConns = 1024
	// DefaultMaxConnsPerIP bounds the connections of one client address to
	// a quarter of DefaultMaxConns: one client (a slow-loris attacker, a
	// runaway pool) can then hold at most a quarter of the server, and it
	// takes four addresses to exhaust it. 256 is far more than a client
	// or a proxy's upstream pool keeps open to one instance (NGINX and
	// Envoy pools are tens); raise it, or set 0, behind a proxy that sends
	// every client through one address.
	DefaultMaxConnsPerIP = 256
	// DefaultQueueWait is how long a request waits for a validation slot
	// before it is shed with 503: long enough to absorb scheduling jitter
	// (validations take tens of microseconds), short enough that a client
	// retries elsewhere instead of piling up.
	DefaultQueueWait = 50 * time.Millisecond
)

// RuleSetAdmin manages user rule sets at run time; the server exposes it
// under /v1/rulesets (admin token required). Implementations must be safe
// for concurrent use. The types are the HTTP API's (docs/server.md): the
// implementation translates its own into them.
type RuleSetAdmin interface {
	// List describes every managed rule set, in name order.
	List() []RuleSetInfo
	// Get returns the YAML source of the named set and its description;
	// ok is false when there is no such set.
	Get(name string) (yaml []byte, info RuleSetInfo, ok bool)
	// Put compiles and installs (or replaces) the named set. An error means
	// nothing changed; it is reported as 422 with its text and, when the
	// error implements ProblemLister, its problems. The texts go to the
	// admin client: they must carry no path of the server and no content
	// of test messages.
	Put(name string, yaml []byte) error
	// Delete removes the named set. found is false when there is no such
	// set (404); err, when the set may not be removed (another set
	// overrides its rules), is reported as 409 like Put's errors.
	Delete(name string) (found bool, err error)
}

// RuleSetInfo describes a managed rule set in GET and PUT /v1/rulesets.
type RuleSetInfo struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
	// Source is "yaml:<file>" as in engine.RuleSet.Source.
	Source string `json:"source"`
	// File is the name of the set's file within the rule-set directory,
	// if any; never a path of the server.
	File string `json:"file,omitempty"`
	// Rules lists the IDs of the set's rules.
	Rules []string `json:"rules"`
	// ExternalChecks lists the IDs of the set's external checks.
	ExternalChecks []string `json:"external_checks,omitempty"`
	// Disable and SeverityOverrides are the set's changes to other rules.
	Disable           []string          `json:"disable,omitempty"`
	SeverityOverrides map[string]string `json:"severity_overrides,omitempty"`
	// Tests is the number of the set's tests (all passed).
	Tests int `json:"tests"`
	// SHA256 is the hex digest of the set's YAML.
	SHA256 string `json:"sha256"`
	// Loaded is when the set was loaded.
	Loaded time.Time `json:"loaded"`
}

// RuleSetProblem is one located problem of a refused rule set, listed in
// the "errors" member of the 422 problem document.
type RuleSetProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	RuleID  string `json:"rule_id,omitempty"`
	Message string `json:"message"`
}

// ProblemLister is implemented by rule-set errors that carry several
// located problems; the server lists them in the "errors" member of the 422
// problem document.
type ProblemLister interface {
	Problems() []RuleSetProblem
}

// DependencyReporter reports the state of the systems external checks
// call (package external's Hub implements it): GET /v1/rules lists it under
// "dependencies". Implementations must be safe for concurrent use.
type DependencyReporter interface {
	Dependencies() any
}

// Config configures a Server. Start from DefaultConfig.
type Config struct {
	// Engine validates the messages; required (swiftval.New gives the shipped
	// formats and rule packs). Its MaxInput should not be below MaxBodyBytes.
	Engine *engine.Engine `validate:"-"`
	// Addr is the host:port to listen on (port 0 picks a free port).
	Addr string `validate:"required,listen_addr"`
	// Budget overrides the engine's per-message latency budget when positive.
	Budget time.Duration `validate:"gte=0"`
	// MaxBodyBytes is the largest accepted /v1/validate body, and the largest
	// message of a batch line; larger bodies get 413 without being read.
	MaxBodyBytes int64 `validate:"gt=0"`
	// MaxBatchMessages caps the messages of one batch request.
	MaxBatchMessages int `validate:"gt=0"`
	// MaxConcurrent caps validations running at once; requests beyond it
	// wait up to QueueWait, then get 503 with Retry-After.
	MaxConcurrent int `validate:"gt=0"`
	// MaxConns caps open client connections; 0 means no cap. Connections
	// beyond it wait in the kernel's accept queue.
	MaxConns int `validate:"gte=0"`
	// MaxConnsPerIP caps the open connections of one client IP address;
	// 0 means no cap. A connection beyond it is closed as soon as it is
	// accepted, so one client cannot fill MaxConns (or the accept queue).
	MaxConnsPerIP int `validate:"gte=0"`
	// OpsAddr, when set, is a second listener (host:port) serving only
	// /healthz, /readyz and /metrics (with the per-rule series), outside
	// MaxConns and MaxConnsPerIP: probes and scrapes are answered even when
	// clients hold every connection of Addr. Keep it off the public network.
	OpsAddr string `validate:"omitempty,listen_addr"`
	// PublicRuleStats shows the per-rule counters (evaluations, findings,
	// time) to everyone: in GET /v1/rules without the admin token and as
	// swiftval_rule_* series in /metrics of Addr. Off, they are shown to
	// admin-token holders and on OpsAddr only: a rule's finding count tells
	// how often it fired (how many sanctioned-country hits there were).
	PublicRuleStats bool `validate:"-"`
	// QueueWait is how long a request may wait for a validation slot.
	QueueWait time.Duration `validate:"gte=0"`
	// ReadHeaderTimeout bounds reading the request headers.
	ReadHeaderTimeout time.Duration `validate:"gt=0"`
	// ReadTimeout bounds reading a request (per message in a batch).
	ReadTimeout time.Duration `validate:"gt=0"`
	// WriteTimeout bounds writing a response (per message in a batch).
	WriteTimeout time.Duration `validate:"gt=0"`
	// IdleTimeout closes keep-alive connections idle this long.
	IdleTimeout time.Duration `validate:"gt=0"`
	// DrainTimeout bounds graceful shutdown: in-flight requests get this
	// long to finish before connections are closed.
	DrainTimeout time.Duration `validate:"gt=0"`
	// ShutdownDelay is how long the server keeps accepting requests after
	// shutdown began, with /readyz already answering 503, so that load
	// balancers stop sending traffic before the listener closes. 0 closes
	// it at once.
	ShutdownDelay time.Duration `validate:"gte=0"`
	// AdminToken enables the admin endpoints (/debug/pprof/*, /v1/rulesets)
	// for requests with "Authorization: Bearer <AdminToken>". Empty turns
	// them off (404).
	AdminToken string `validate:"omitempty,min=16"`
	// TLSCertFile is the PEM certificate file; with TLSKeyFile it turns
	// TLS on.
	TLSCertFile string `validate:"required_with=TLSKeyFile"`
	// TLSKeyFile is the PEM private key file of TLSCertFile.
	TLSKeyFile string `validate:"required_with=TLSCertFile"`
	// RuleSets manages user rule sets; nil makes /v1/rulesets answer 404.
	RuleSets RuleSetAdmin `validate:"-"`
	// Dependencies, when set, reports the endpoints of external checks and
	// their circuit breakers in GET /v1/rules; when it is also a
	// prometheus.Collector its metrics are served on /metrics. /readyz does
	// not depend on them: a dependency that is down is its checks'
	// fallback's business (fail-open keeps messages valid), not a reason to
	// take the server out of service.
	Dependencies DependencyReporter `validate:"-"`
	// Logger receives one line per request and the server's own events.
	// Nil means JSON lines on stderr at info level.
	Logger *slog.Logger `validate:"-"`
	// TracerProvider, when set, traces each request and each validation
	// (see TracerProviderFromEnv). Nil disables tracing.
	TracerProvider trace.TracerProvider `validate:"-"`
}

// DefaultConfig returns the embedded defaults: loopback on port 8080, 1 MiB
// bodies, 10 000 messages a batch, four validation slots per CPU, admin
// endpoints and TLS off.
func DefaultConfig() Config {
	return Config{
		Addr:              DefaultAddr,
		MaxBodyBytes:      DefaultMaxBodyBytes,
		MaxBatchMessages:  DefaultMaxBatchMessages,
		MaxConcurrent:     defaultMaxConcurrent(),
		MaxConns:          DefaultMaxConns,
		MaxConnsPerIP:     DefaultMaxConnsPerIP,
		QueueWait:         DefaultQueueWait,
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		ReadTimeout:       DefaultReadTimeout,
		WriteTimeout:      DefaultWriteTimeout,
		IdleTimeout:       DefaultIdleTimeout,
		DrainTimeout:      DefaultDrainTimeout,
	}
}

// defaultMaxConcurrent: validation is CPU-bound, so more running
// validations than a few per CPU only add latency; at least 8 so that a
// small container still overlaps network waits.
func defaultMaxConcurrent() int {
	return max(8, 4*runtime.GOMAXPROCS(0))
}

// Validate checks the configuration and returns every problem at once.
func (c *Config) Validate() error {
	v := validator.New(validator.WithRequiredStructEnabled())
	if err := v.RegisterValidation("listen_addr", isListenAddr); err != nil {
		return err
	}
	err := v.Struct(c)
	var verrs validator.ValidationErrors
	if errors.As(err, &verrs) {
		msgs := make([]string, 0, len(verrs))
		for _, fe := range verrs {
			msgs = append(msgs, describe(fe))
		}
		return fmt.Errorf("server: invalid configuration: %s", strings.Join(msgs, "; "))
	}
	return err
}

func describe(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return fe.Field() + " is required"
	case "listen_addr":
		return fmt.Sprintf("%s %q is not host:port", fe.Field(), fe.Value())
	case "gt", "gte":
		return fmt.Sprintf("%s must be %s %s, not %v", fe.Field(), map[string]string{"gt": "above", "gte": "at least"}[fe.Tag()], fe.Param(), fe.Value())
	case "min":
		return fmt.Sprintf("%s must be at least %s characters", fe.Field(), fe.Param())
	case "required_with":
		return fmt.Sprintf("%s is required with %s", fe.Field(), fe.Param())
	}
	return fmt.Sprintf("%s fails %s", fe.Field(), fe.Tag())
}

func isListenAddr(fl validator.FieldLevel) bool {
	_, port, err := net.SplitHostPort(fl.Field().String())
	if err != nil {
		return false
	}
	p, err := strconv.Atoi(port)
	return err == nil && p >= 0 && p <= 65535
}
