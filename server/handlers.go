package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/swiftval/swiftval/engine"
)

// routes builds the Echo instance with every route. Every route is always
// registered (the OpenAPI test compares them with openapi.json); switched-off
// features answer 404 from their handlers.
func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Logger.SetOutput(io.Discard)
	e.HTTPErrorHandler = s.errorHandler
	e.Use(s.middleware)

	e.GET("/", s.handlePage)
	e.GET("/openapi.json", s.handleOpenAPI)
	e.GET("/healthz", s.handleHealthz)
	e.GET("/readyz", s.handleReadyz)
	e.GET("/metrics", echo.WrapHandler(s.metricsHandler(s.cfg.PublicRuleStats)))
	e.POST("/v1/validate", s.handleValidate)
	e.POST("/v1/validate/batch", s.handleBatch)
	e.GET("/v1/message-types", s.handleMessageTypes)
	e.GET("/v1/rules", s.handleRules)

	// Admin routes take the middleware one by one: an Echo group would add
	// catch-all 404 routes that turn every 405 into a 404.
	admin := s.adminOnly
	e.GET("/v1/rulesets", s.handleRuleSetList, admin)
	e.GET("/v1/rulesets/:name", s.handleRuleSetGet, admin)
	e.PUT("/v1/rulesets/:name", s.handleRuleSetPut, admin)
	e.DELETE("/v1/rulesets/:name", s.handleRuleSetDelete, admin)
	e.GET("/debug/pprof/", s.handlePprof, admin)
	e.GET("/debug/pprof/:name", s.handlePprof, admin)

	s.routeSet = map[string]bool{}
	for _, r := range e.Routes() {
		s.routeSet[r.Path] = true
	}
	return e
}

func (s *Server) routeKnown(path string) bool { return path == routeValidate || s.routeSet[path] }

var (
	hdrJSON    = []string{"application/json"}
	hdrNDJSON  = []string{"application/x-ndjson"}
	hdrNoSt    = []string{"no-store"}
	hdrNosniff = []string{"nosniff"}
	hdrClose   = []string{"close"}
)

// bufPool holds request and response buffers of the validate path. Buffers
// grown beyond maxPooledBuf are dropped rather than kept.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// maxPooledBuf: typical messages are a few KB; keeping 1 MiB buffers in the
// pool would pin memory after one large request.
const maxPooledBuf = 256 << 10

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > maxPooledBuf {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// handleValidate validates one raw message: 200 with the report (also when
// the message is invalid), 400 for bad parameters, 413, 415, 503 when shed.
func (s *Server) handleValidate(c echo.Context) error {
	rc := c.(*reqCtx)
	req := c.Request()
	if !messageContentType(req.Header.Get(echo.HeaderContentType)) {
		return problem(http.StatusUnsupportedMediaType, "the content type cannot hold a message; send the raw message as text/plain, application/xml or application/octet-stream")
	}
	if p := checkContentEncoding(req); p != nil {
		return p
	}
	opts, perr := s.validateOptions(req.URL.RawQuery)
	if perr != nil {
		return perr
	}
	limit := s.cfg.MaxBodyBytes
	if req.ContentLength > limit {
		return tooLarge(limit)
	}
	in := getBuf()
	defer putBuf(in)
	body, ok, err := readLimited(req.Body, *in, req.ContentLength, limit)
	*in = body[:0]
	if err != nil {
		return problem(http.StatusBadRequest, "reading the request body failed")
	}
	if !ok {
		return tooLarge(limit)
	}
	// The body is read to its end: from here on the validation runs to
	// its end within the budget whatever the client does with its side of
	// the connection. net/http cancels the request context when it reads
	// EOF after the body, which a client that half-closes (shutdown of its
	// write side) causes at once: validating under that context gave such
	// clients random SV002 "cancelled" verdicts for valid payments. A client
	// that is really gone only misses the answer.
	ctx := rc.validationContext()
	if !s.acquire(ctx) {
		return s.shed()
	}
	rep := s.validate(ctx, body, opts)
	s.release()
	s.note(rc, rep)
	if p := internalFailure(rep); p != nil {
		return p
	}
	out := getBuf()
	defer putBuf(out)
	*out = rep.AppendJSON((*out)[:0])
	h := c.Response().Header()
	h[echo.HeaderContentType] = hdrJSON
	h["Cache-Control"] = hdrNoSt
	c.Response().WriteHeader(http.StatusOK)
	_, _ = c.Response().Write(*out)
	return nil
}

// validate runs the engine, in a span of its own when tracing is on.
func (s *Server) validate(ctx context.Context, raw []byte, o engine.ValidateOptions) *engine.Report {
	if s.tracer == nil {
		return s.eng.ValidateWith(ctx, raw, o)
	}
	ctx, span := s.tracer.Start(ctx, "validate")
	rep := s.eng.ValidateWith(ctx, raw, o)
	span.SetAttributes(traceAttrs(rep)...)
	span.End()
	return rep
}

// internalFailure returns a 500 problem when a rule or the parser panicked
// during the validation (codes SV003, SV005): the verdict cannot be trusted
// either way, so the client gets an error to retry or escalate, not a
// report. It names the failing rules (public IDs, no internals); the
// operator has the error log line written by note. nil otherwise.
func internalFailure(rep *engine.Report) *problemError {
	var failed []any
	for i := range rep.Findings {
		f := &rep.Findings[i]
		if f.Code == engine.CodeRulePanicked || f.Code == engine.CodeParserPanicked {
			failed = append(failed, map[string]string{"code": f.Code, "rule": f.Rule, "rule_set": f.RuleSet})
		}
	}
	if failed == nil {
		return nil
	}
	p := problem(http.StatusInternalServerError, "a rule or the parser failed unexpectedly, so the message could not be validated; the failure is logged")
	p.errs = failed
	return p
}

func tooLarge(limit int64) *problemError {
	p := problem(http.StatusRequestEntityTooLarge, "the body is above the limit of "+itoa(limit)+" bytes")
	p.header = http.Header{"Connection": {"close"}}
	return p
}

func (s *Server) shed() *problemError {
	s.metrics.shed.Inc()
	p := problem(http.StatusServiceUnavailable, "every validation slot is busy; retry shortly")
	p.header = http.Header{"Retry-After": {"1"}}
	return p
}

// readLimited reads r into buf (reused) and reports ok=false, having read
// no more than limit+1 bytes, when the body is above limit.
func readLimited(r io.Reader, buf []byte, size, limit int64) (b []byte, ok bool, err error) {
	if size > 0 && int64(cap(buf)) < size {
		buf = make([]byte, 0, size)
	}
	b = buf[:0]
	for {
		if len(b) == cap(b) {
			if int64(len(b)) > limit {
				return b, false, nil
			}
			grow := min(max(2*cap(b), 4096), int(limit)+1)
			nb := make([]byte, len(b), max(grow, len(b)+1))
			copy(nb, b)
			b = nb
		}
		n, rerr := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			return b, false, nil
		}
		if rerr == io.EOF {
			return b, true, nil
		}
		if rerr != nil {
			return b, false, rerr
		}
	}
}

// messageContentType accepts the content types that can hold a raw MT or
// MX message: none, text/* (but HTML, CSS, JavaScript), XML types, octet
// streams, SWIFT's own (application/x-swift-fin and the like) and, as curl
// -d sends it, application/x-www-form-urlencoded (read raw). JSON,
// multipart, images and the rest are refused.
func messageContentType(ct string) bool {
	if ct == "" {
		return true
	}
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.ToLower(strings.TrimSpace(ct))
	switch {
	case ct == "application/xml", ct == "application/octet-stream":
		return true
	case ct == "application/x-www-form-urlencoded":
		// curl -d's default; the body is taken as raw bytes, not form-decoded.
		return true
	case strings.HasPrefix(ct, "text/"):
		return ct != "text/html" && ct != "text/css" && ct != "text/javascript"
	case strings.HasPrefix(ct, "application/") && strings.HasSuffix(ct, "+xml"):
		return true
	case strings.HasPrefix(ct, "application/x-swift"), strings.HasPrefix(ct, "application/swift"):
		return true
	}
	return false
}

// checkContentEncoding refuses compressed bodies: the body is validated as
// sent, and a gzip stream is no message (RFC 9110 §15.5.16: 415).
func checkContentEncoding(req *http.Request) *problemError {
	if ce := req.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		return problem(http.StatusUnsupportedMediaType, "content codings are not supported; send the body uncompressed")
	}
	return nil
}

// validateOptions parses ?format=, ?profile= and ?rulesets=. They fail
// closed: a value the engine does not know (engine.CheckOptions), a
// parameter given twice, or an unknown parameter is a 400 listing the
// known values, never a validation with less checking than asked for.
//
// A "+" in a query string means a space (HTML form encoding), so the
// documented ?profile=cbpr+ arrives as "cbpr ". Profile and rule-set names
// never contain spaces (rules/custom refuses them), so a space in those
// two parameters is read back as the "+" the caller wrote; ?profile=cbpr%2B
// means the same.
//
// extra names the endpoint's own parameters (the batch endpoint's output),
// which it parses itself; they are accepted once each, like the others.
func (s *Server) validateOptions(rawQuery string, extra ...string) (engine.ValidateOptions, *problemError) {
	var o engine.ValidateOptions
	if s.cfg.Budget > 0 {
		o.Budget = s.cfg.Budget
	}
	if rawQuery == "" {
		return o, nil
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return o, problem(http.StatusBadRequest, "the query string is malformed")
	}
	known := append([]string{"format", "profile", "rulesets"}, extra...)
	for k, v := range q {
		if !slices.Contains(known, k) {
			return o, problem(http.StatusBadRequest, "unknown query parameter "+engine.Echo(k)+"; known: "+strings.Join(known, ", "))
		}
		if len(v) > 1 {
			return o, problem(http.StatusBadRequest, "the query parameter "+engine.Echo(k)+" is given more than once")
		}
	}
	o.Format = q.Get("format")
	o.Profile = strings.ReplaceAll(q.Get("profile"), " ", "+")
	if rs := q.Get("rulesets"); rs != "" {
		for _, n := range strings.Split(rs, ",") {
			// Spaces after a comma are separators; any other is a "+".
			n = strings.ReplaceAll(strings.TrimLeft(n, " "), " ", "+")
			if n == "" {
				continue
			}
			o.RuleSets = append(o.RuleSets, n)
		}
	}
	if err := s.eng.CheckOptions(o); err != nil {
		return o, selectorProblem(err)
	}
	return o, nil
}

// selectorProblem is the 400 of unknown selectors: the detail names them
// with the known values; errors lists each as {parameter, value, known}.
func selectorProblem(err error) *problemError {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	p := problem(http.StatusBadRequest, "")
	var details []string
	for _, e := range list {
		details = append(details, e.Error())
		var oe *engine.OptionError
		if errors.As(e, &oe) {
			known := oe.Known
			if known == nil {
				known = []string{}
			}
			p.errs = append(p.errs, map[string]any{"parameter": oe.Option, "value": oe.Value, "known": known})
		}
	}
	p.detail = strings.Join(details, "; ")
	return p
}

// metricsHandler serves the server's metrics; withRules adds the per-rule
// series (swiftval_rule_*).
func (s *Server) metricsHandler(withRules bool) http.Handler {
	var g prometheus.Gatherer = s.metrics.reg
	if withRules {
		g = prometheus.Gatherers{s.metrics.reg, s.ruleReg}
	}
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{})
}

var (
	healthyBody = []byte(`{"status":"ok"}`)
	readyBody   = []byte(`{"status":"ready"}`)
)

func (s *Server) handleHealthz(c echo.Context) error {
	return writeJSONBytes(c, http.StatusOK, healthyBody)
}

// notReady says why /readyz answers 503, or "" when the server is ready.
func (s *Server) notReady() string {
	switch {
	case s.draining.Load():
		return "draining: the server is shutting down"
	case !s.ready.Load():
		return "the engine is not loaded"
	}
	return ""
}

func (s *Server) handleReadyz(c echo.Context) error {
	if why := s.notReady(); why != "" {
		return problem(http.StatusServiceUnavailable, why)
	}
	return writeJSONBytes(c, http.StatusOK, readyBody)
}

// opsHandler serves the ops listener (Config.OpsAddr): /healthz, /readyz
// and /metrics with the per-rule series, in plain net/http (no request
// log, no request IDs: probes and scrapes come every few seconds).
func (s *Server) opsHandler() http.Handler {
	mux := http.NewServeMux()
	write := func(w http.ResponseWriter, status int, ctype string, body []byte) {
		h := w.Header()
		h["Content-Type"] = []string{ctype}
		h["Cache-Control"] = hdrNoSt
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { write(w, http.StatusOK, "application/json", healthyBody) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if why := s.notReady(); why != "" {
			b, _ := json.Marshal(Problem{Type: "about:blank", Title: http.StatusText(http.StatusServiceUnavailable), Status: http.StatusServiceUnavailable, Detail: why, Instance: r.URL.Path})
			write(w, http.StatusServiceUnavailable, contentTypeProblem, b)
			return
		}
		write(w, http.StatusOK, "application/json", readyBody)
	})
	mux.Handle("GET /metrics", s.metricsHandler(true))
	return mux
}

// messageTypesResponse is the body of GET /v1/message-types.
type messageTypesResponse struct {
	Formats []formatInfo `json:"formats"`
}

type formatInfo struct {
	Name  string            `json:"name"`
	Types []engine.TypeInfo `json:"types"`
}

func (s *Server) handleMessageTypes(c echo.Context) error {
	resp := messageTypesResponse{Formats: []formatInfo{}}
	for _, f := range s.eng.Formats() {
		ts := f.MessageTypes()
		if ts == nil {
			ts = []engine.TypeInfo{}
		}
		resp.Formats = append(resp.Formats, formatInfo{Name: f.Name(), Types: ts})
	}
	return writeJSON(c, http.StatusOK, resp)
}

// rulesResponse is the body of GET /v1/rules.
type rulesResponse struct {
	RuleSets []ruleSetInfo `json:"rule_sets"`
	Rules    []ruleInfo    `json:"rules"`
	// Dependencies are the endpoints of external checks with their
	// breakers (Config.Dependencies); absent without external checks.
	Dependencies any `json:"dependencies,omitempty"`
}

type ruleSetInfo struct {
	Name        string `json:"name"`
	Version     string `json:"version,omitempty"`
	Description string `json:"description,omitempty"`
	Source      string `json:"source"`
	Profile     string `json:"profile,omitempty"`
	Rules       int    `json:"rules"`
}

// ruleInfo is one rule of GET /v1/rules. engine.RuleStatus would encode
// only one "source" (the set's); the rule's own citation is kept apart.
// The counters are present only for admin-token holders or with
// Config.PublicRuleStats (a finding count tells how often a rule fired).
type ruleInfo struct {
	ID          string          `json:"id"`
	Code        string          `json:"code"`
	Severity    engine.Severity `json:"severity"`
	AppliesTo   []string        `json:"applies_to"`
	Format      string          `json:"format,omitempty"`
	Description string          `json:"description,omitempty"`
	// Citation is where the rule comes from in the standard (RuleInfo.Source).
	Citation string `json:"citation,omitempty"`
	// Notes refers to the research behind the citation (RuleInfo.Notes; for
	// built-in rules a section of docs/sources.md).
	Notes   string `json:"notes,omitempty"`
	RuleSet string `json:"rule_set"`
	// Source is the source of the rule set: built-in, go, yaml:<file>.
	Source  string `json:"source"`
	Enabled bool   `json:"enabled"`
	*engine.RuleStats
}

func (s *Server) handleRules(c echo.Context) error {
	resp := rulesResponse{RuleSets: []ruleSetInfo{}, Rules: []ruleInfo{}}
	stats := s.cfg.PublicRuleStats || s.isAdmin(c.Request())
	rules := s.eng.Rules()
	for i := range rules {
		r := &rules[i]
		ri := ruleInfo{ID: r.ID, Code: r.Code, Severity: r.Severity, AppliesTo: r.AppliesTo, Format: r.Format,
			Description: r.Description, Citation: r.RuleInfo.Source, Notes: r.Notes, RuleSet: r.RuleSet, Source: r.Source, Enabled: r.Enabled}
		if stats {
			ri.RuleStats = &r.RuleStats
		}
		resp.Rules = append(resp.Rules, ri)
	}
	for _, rs := range s.eng.RuleSets() {
		resp.RuleSets = append(resp.RuleSets, ruleSetInfo{Name: rs.Name, Version: rs.Version, Description: rs.Description, Source: rs.Source, Profile: rs.Profile, Rules: len(rs.Rules)})
	}
	if s.cfg.Dependencies != nil {
		resp.Dependencies = s.cfg.Dependencies.Dependencies()
	}
	return writeJSON(c, http.StatusOK, resp)
}

func writeJSON(c echo.Context, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeJSONBytes(c, status, b)
}

func writeJSONBytes(c echo.Context, status int, b []byte) error {
	h := c.Response().Header()
	h[echo.HeaderContentType] = hdrJSON
	h["Cache-Control"] = hdrNoSt
	c.Response().WriteHeader(status)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err := c.Response().Write(b)
	return err
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
