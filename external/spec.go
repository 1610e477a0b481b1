package external

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/internal/lazyre"
	"github.com/swiftval/swiftval/rules/custom"
)

// Defaults of an external check, each with the reason for its number.
const (
	// DefaultRetries: one retry absorbs a dropped connection or a restart
	// of one instance behind a load balancer; more would mostly spend the
	// budget on a dependency that is down (the breaker's job).
	DefaultRetries = 1
	// DefaultBackoff is the base of the jittered backoff before a retry
	// (full jitter: a random wait in [0, base·2^attempt], at most
	// DefaultMaxBackoff): short, since a retry only helps inside the
	// message's budget.
	DefaultBackoff    = 5 * time.Millisecond
	DefaultMaxBackoff = 50 * time.Millisecond
	// DefaultMinTime is the least time left of the budget for which a call
	// or a retry is started: below a millisecond not even a loopback
	// service answers, so the call would only count as a failure.
	DefaultMinTime = time.Millisecond
	// DefaultWindow and DefaultBuckets: the breaker looks at the last 10 s
	// in 10 buckets of 1 s, long enough to see a ratio, short enough to
	// forget a past incident quickly.
	DefaultWindow  = 10 * time.Second
	DefaultBuckets = 10
	// DefaultMinRequests: the failure ratio is judged on at least 10 calls
	// in the window, so two failures in a quiet minute do not open it.
	DefaultMinRequests = 10
	// DefaultFailureRatio: the breaker opens when half the calls in the
	// window failed.
	DefaultFailureRatio = 0.5
	// DefaultOpenFor is how long the breaker stays open before it lets a
	// probe through (half-open): long enough for a restarted service to
	// come up, short enough to notice recovery within seconds.
	DefaultOpenFor = 5 * time.Second
	// DefaultProbes is how many calls the half-open breaker lets through;
	// that many successes in a row close it, one failure opens it again.
	DefaultProbes = 1
	// DefaultConcurrency caps a check's calls in flight: a validation
	// server runs 8-16 validations at once per CPU, so 64 leaves room
	// without letting a slow dependency pile up thousands of connections.
	DefaultConcurrency = 64
	// DefaultCacheSize bounds the answers a cache keeps (a few hundred
	// bytes each): 10 000 covers a day's distinct BICs of most banks.
	DefaultCacheSize = 10_000
	// MaxChecks is the most external checks one rule set may declare: each
	// can cost a call per message.
	MaxChecks = 64
)

// spec is one entry of external_checks as written.
type spec struct {
	id, description     string
	appliesTo           []string
	format              string
	url                 string
	timeout             time.Duration
	failOpen            bool
	code                string
	severity            engine.Severity
	when, request, resp string
	headers             map[string]string
	auth                *authSpec
	tls                 *tlsSpec
	retries             int
	backoff, maxBackoff time.Duration
	minTime             time.Duration
	window              time.Duration
	buckets             int
	minRequests         int
	failureRatio        float64
	openFor             time.Duration
	probes              int
	concurrency         int
	cacheTTL            time.Duration
	cacheSize           int

	node *yaml.Node
	at   map[string]*yaml.Node
}

type authSpec struct {
	header, scheme        string
	secretFile, secretEnv string
}

type tlsSpec struct {
	caFile, certFile, keyFile, serverName string
}

var (
	checkKeys = []string{"id", "description", "applies_to", "format", "url", "timeout", "fallback", "code", "severity",
		"when", "request", "response", "headers", "auth", "tls", "retry", "breaker", "concurrency", "cache", "min_time"}
	authKeys    = []string{"header", "scheme", "secret_file", "secret_env"}
	tlsKeys     = []string{"ca_file", "cert_file", "key_file", "server_name"}
	retryKeys   = []string{"max", "backoff", "max_backoff"}
	breakerKeys = []string{"window", "buckets", "min_requests", "failure_ratio", "open_for", "half_open_probes"}
	cacheKeys   = []string{"ttl", "size"}

	idRe     = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,127}$`)
	codeRe   = lazyre.New(`^[A-Z][A-Z0-9]{1,9}$`)
	headerRe = lazyre.New(`^[A-Za-z0-9-]{1,64}$`)
	envRe    = lazyre.New(`^[A-Z_][A-Z0-9_]{0,127}$`)
)

// probs collects the problems of one rule-set file.
type probs struct {
	file string
	list []custom.Problem
}

func (p *probs) add(n *yaml.Node, id, format string, args ...any) {
	pr := custom.Problem{File: p.file, RuleID: id, Message: "external check: " + fmt.Sprintf(format, args...)}
	if id == "" {
		pr.Message = fmt.Sprintf(format, args...)
	}
	if n != nil {
		pr.Line, pr.Column = n.Line, n.Column
	}
	p.list = append(p.list, pr)
}

// mapping iterates a mapping node, refusing keys not in allowed and keys
// given twice (a typo must never silently drop a setting).
func (p *probs) mapping(n *yaml.Node, id, what string, allowed []string, fn func(key string, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.add(n, id, "%s must be a mapping", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if allowed != nil && !contains(allowed, k.Value) {
			p.add(k, id, "unknown field %q in %s (allowed: %s)", k.Value, what, strings.Join(allowed, ", "))
			continue
		}
		if seen[k.Value] {
			p.add(k, id, "field %q given twice in %s", k.Value, what)
			continue
		}
		seen[k.Value] = true
		fn(k.Value, v)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func (p *probs) str(n *yaml.Node, id, what string) string {
	if n.Kind != yaml.ScalarNode {
		p.add(n, id, "%s must be a string", what)
		return ""
	}
	return n.Value
}

func (p *probs) duration(n *yaml.Node, id, what string, min time.Duration) time.Duration {
	s := p.str(n, id, what)
	d, err := time.ParseDuration(s)
	if err != nil || d < min {
		p.add(n, id, "%s must be a duration of at least %s such as 250ms or 2s, not %q", what, min, s)
		return 0
	}
	return d
}

func (p *probs) integer(n *yaml.Node, id, what string, lo, hi int) int {
	s := p.str(n, id, what)
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		p.add(n, id, "%s must be a whole number from %d to %d, not %q", what, lo, hi, s)
		return lo
	}
	return v
}

// parseSpecs reads the external_checks list.
func parseSpecs(p *probs, list *yaml.Node, expand func(string) ([]string, bool)) []*spec {
	if list.Kind != yaml.SequenceNode {
		p.add(list, "", "external_checks must be a list")
		return nil
	}
	if len(list.Content) > MaxChecks {
		p.add(list, "", "external_checks has %d checks, above the limit of %d per set", len(list.Content), MaxChecks)
		return nil
	}
	var out []*spec
	for _, n := range list.Content {
		out = append(out, parseSpec(p, n, expand))
	}
	return out
}

func parseSpec(p *probs, n *yaml.Node, expand func(string) ([]string, bool)) *spec {
	s := &spec{at: map[string]*yaml.Node{}, node: n, severity: engine.Error,
		retries: DefaultRetries, backoff: DefaultBackoff, maxBackoff: DefaultMaxBackoff, minTime: DefaultMinTime,
		window: DefaultWindow, buckets: DefaultBuckets, minRequests: DefaultMinRequests, failureRatio: DefaultFailureRatio,
		openFor: DefaultOpenFor, probes: DefaultProbes, concurrency: DefaultConcurrency, cacheSize: DefaultCacheSize}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "id" && n.Content[i+1].Kind == yaml.ScalarNode {
				s.id = n.Content[i+1].Value
			}
		}
	}
	id := s.id
	p.mapping(n, id, "an external check", checkKeys, func(key string, v *yaml.Node) {
		s.at[key] = v
		switch key {
		case "id":
			if !idRe.MatchString(id) {
				p.add(v, id, "id %q must be 1-128 letters, digits, '_', '.', ':', '+' or '-'", id)
			}
		case "description":
			s.description = p.str(v, id, "description")
		case "applies_to":
			var items []*yaml.Node
			if v.Kind == yaml.SequenceNode {
				items = v.Content
			} else {
				items = []*yaml.Node{v}
			}
			for _, it := range items {
				pats, ok := expand(p.str(it, id, "applies_to"))
				if !ok {
					p.add(it, id, "applies_to: %q is neither a message type (MT103, pacs.008.*) nor a family (payments, customer-transfers, fi-transfers, returns, statements, all)", it.Value)
					continue
				}
				s.appliesTo = append(s.appliesTo, pats...)
			}
		case "format":
			s.format = p.str(v, id, "format")
			if s.format != "mt" && s.format != "mx" {
				p.add(v, id, "format must be mt or mx, not %q", s.format)
			}
		case "url":
			s.url = p.str(v, id, "url")
		case "timeout":
			s.timeout = p.duration(v, id, "timeout", time.Millisecond)
		case "fallback":
			switch f := p.str(v, id, "fallback"); f {
			case "fail-closed":
			case "fail-open":
				s.failOpen = true
			default:
				p.add(v, id, "fallback must be fail-closed or fail-open, not %q", f)
			}
		case "code":
			s.code = p.str(v, id, "code")
			if !codeRe.MatchString(s.code) {
				p.add(v, id, "code %q must be 2-10 upper-case letters and digits, starting with a letter", s.code)
			}
		case "severity":
			sev, ok := engine.ParseSeverity(p.str(v, id, "severity"))
			if !ok {
				p.add(v, id, "severity must be error or warning, not %q", v.Value)
			}
			s.severity = sev
		case "when":
			s.when = p.str(v, id, "when")
		case "request":
			s.request = p.str(v, id, "request")
		case "response":
			s.resp = p.str(v, id, "response")
		case "headers":
			s.headers = map[string]string{}
			p.mapping(v, id, "headers", nil, func(h string, hv *yaml.Node) {
				if !headerRe.MatchString(h) {
					p.add(hv, id, "header name %q must be letters, digits and '-'", h)
					return
				}
				if strings.EqualFold(h, "Authorization") || strings.EqualFold(h, "Cookie") || strings.Contains(strings.ToLower(h), "key") || strings.Contains(strings.ToLower(h), "token") {
					p.add(hv, id, "header %q looks like a secret: give it with auth (secret_file or secret_env), never inline", h)
					return
				}
				s.headers[h] = p.str(hv, id, "header "+h)
			})
		case "auth":
			a := &authSpec{header: "Authorization", scheme: "Bearer"}
			s.auth = a
			p.mapping(v, id, "auth", authKeys, func(k string, av *yaml.Node) {
				switch k {
				case "header":
					a.header = p.str(av, id, "auth.header")
					if !headerRe.MatchString(a.header) {
						p.add(av, id, "auth.header %q must be letters, digits and '-'", a.header)
					}
				case "scheme":
					a.scheme = p.str(av, id, "auth.scheme")
				case "secret_file":
					a.secretFile = p.str(av, id, "auth.secret_file")
				case "secret_env":
					a.secretEnv = p.str(av, id, "auth.secret_env")
					if !envRe.MatchString(a.secretEnv) {
						p.add(av, id, "auth.secret_env %q must be an environment variable name (A-Z, 0-9, _)", a.secretEnv)
					}
				}
			})
			if (a.secretFile == "") == (a.secretEnv == "") {
				p.add(v, id, "auth needs exactly one of secret_file or secret_env")
			}
		case "tls":
			t := &tlsSpec{}
			s.tls = t
			p.mapping(v, id, "tls", tlsKeys, func(k string, tv *yaml.Node) {
				val := p.str(tv, id, "tls."+k)
				switch k {
				case "ca_file":
					t.caFile = val
				case "cert_file":
					t.certFile = val
				case "key_file":
					t.keyFile = val
				case "server_name":
					t.serverName = val
				}
			})
			if (t.certFile == "") != (t.keyFile == "") {
				p.add(v, id, "tls: cert_file and key_file go together (the client certificate and its key)")
			}
		case "retry":
			p.mapping(v, id, "retry", retryKeys, func(k string, rv *yaml.Node) {
				switch k {
				case "max":
					s.retries = p.integer(rv, id, "retry.max", 0, 5)
				case "backoff":
					s.backoff = p.duration(rv, id, "retry.backoff", 0)
				case "max_backoff":
					s.maxBackoff = p.duration(rv, id, "retry.max_backoff", 0)
				}
			})
		case "breaker":
			p.mapping(v, id, "breaker", breakerKeys, func(k string, bv *yaml.Node) {
				switch k {
				case "window":
					s.window = p.duration(bv, id, "breaker.window", 100*time.Millisecond)
				case "buckets":
					s.buckets = p.integer(bv, id, "breaker.buckets", 1, 100)
				case "min_requests":
					s.minRequests = p.integer(bv, id, "breaker.min_requests", 1, 1_000_000)
				case "failure_ratio":
					f, err := strconv.ParseFloat(p.str(bv, id, "breaker.failure_ratio"), 64)
					if err != nil || math.IsNaN(f) || f <= 0 || f > 1 {
						p.add(bv, id, "breaker.failure_ratio must be a number above 0 and at most 1, not %q", bv.Value)
						return
					}
					s.failureRatio = f
				case "open_for":
					s.openFor = p.duration(bv, id, "breaker.open_for", time.Millisecond)
				case "half_open_probes":
					s.probes = p.integer(bv, id, "breaker.half_open_probes", 1, 100)
				}
			})
		case "concurrency":
			s.concurrency = p.integer(v, id, "concurrency", 1, 10_000)
		case "cache":
			p.mapping(v, id, "cache", cacheKeys, func(k string, cv *yaml.Node) {
				switch k {
				case "ttl":
					s.cacheTTL = p.duration(cv, id, "cache.ttl", time.Millisecond)
				case "size":
					s.cacheSize = p.integer(cv, id, "cache.size", 1, 10_000_000)
				}
			})
		case "min_time":
			s.minTime = p.duration(v, id, "min_time", 0)
		}
	})
	if n.Kind == yaml.MappingNode {
		for _, req := range []string{"id", "url", "timeout", "fallback", "code", "request", "response"} {
			if s.at[req] == nil {
				p.add(n, id, "missing field %q", req)
			}
		}
	}
	if s.appliesTo == nil {
		s.appliesTo = []string{"*"}
	}
	return s
}
