package external

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/interpreter"
	"go.yaml.in/yaml/v3"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/rules/custom"
)

// CompileExternal implements custom.ExternalCompiler: it builds one engine
// rule per entry of an external_checks list, or returns every problem
// found, each naming its check: a URL that is not absolute http(s) or
// carries credentials, a request or response expression that does not
// compile or names a view value that does not exist, a secret or TLS file
// that cannot be read, settings out of range.
func (h *Hub) CompileExternal(set custom.ExternalSet, list *yaml.Node) ([]engine.Rule, []custom.Problem) {
	p := &probs{file: set.File}
	expand := set.AppliesTo
	if expand == nil {
		expand = func(s string) ([]string, bool) { return []string{s}, s != "" }
	}
	specs := parseSpecs(p, list, expand)
	if len(p.list) > 0 {
		return nil, p.list
	}
	es, err := envs()
	if err != nil {
		p.add(list, "", "external checks: CEL environment: %v", err)
		return nil, p.list
	}
	seen := map[string]int{}
	var out []engine.Rule
	for _, s := range specs {
		if line, dup := seen[s.id]; dup {
			p.add(s.at["id"], s.id, "duplicate external check id %q (first at line %d)", s.id, line)
			continue
		}
		seen[s.id] = s.at["id"].Line
		if c := h.compileCheck(p, es, set, s); c != nil {
			out = append(out, c)
		}
	}
	if len(p.list) > 0 {
		return nil, p.list
	}
	return out, nil
}

func (h *Hub) compileCheck(p *probs, es *[2]*cel.Env, set custom.ExternalSet, s *spec) *Check {
	n0 := len(p.list)
	c := &Check{
		info: engine.RuleInfo{ID: s.id, Code: s.code, Severity: s.severity, AppliesTo: s.appliesTo, Format: s.format,
			Source: "yaml:" + set.File, Description: s.description},
		label: set.Label, timeout: s.timeout, failOpen: s.failOpen, retries: s.retries, backoff: s.backoff,
		maxBackoff: s.maxBackoff, minTime: s.minTime, sem: make(chan struct{}, s.concurrency), headers: s.headers,
	}
	if c.info.Description == "" {
		c.info.Description = "external check calling " + s.url
	}
	u, err := url.Parse(s.url)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		p.add(s.at["url"], s.id, "url %q must be an absolute http:// or https:// URL", clip(s.url))
	case u.User != nil:
		p.add(s.at["url"], s.id, "url must not carry credentials: give them with auth (secret_file or secret_env)")
	case u.Fragment != "":
		p.add(s.at["url"], s.id, "url must not have a #fragment")
	}
	if len(p.list) > n0 {
		return nil
	}
	if !h.allowed(u) {
		p.add(s.at["url"], s.id, "url %q is not among the endpoints this process may call (%s)", clip(s.url), h.endpointsText())
	}
	c.url = u.String()
	c.endpointLabel = u.Scheme + "://" + u.Host + u.EscapedPath()
	if s.auth != nil {
		secret, err := h.readSecret(set.Dir, s.auth)
		if err != nil {
			p.add(s.at["auth"], s.id, "auth: %v", err)
		} else {
			c.authHeader, c.authValue = s.auth.header, secret
			if s.auth.scheme != "" {
				c.authValue = s.auth.scheme + " " + secret
			}
			if u.Scheme == "http" && !loopback(u.Hostname()) {
				p.add(s.at["url"], s.id, "a secret is only sent over https (or plain http to this machine, for local services); url %q is plain http to another host", c.endpointLabel)
			}
		}
	}
	var tlsConf *tls.Config
	tlsDigest := ""
	if s.tls != nil {
		if u.Scheme != "https" {
			p.add(s.at["tls"], s.id, "tls settings need an https:// url")
		} else if tlsConf, tlsDigest, err = h.tlsConfig(set.Dir, s.tls); err != nil {
			p.add(s.at["tls"], s.id, "tls: %v", err)
		}
	}
	reqEnv, respEnv := es[0], es[1]
	if s.when != "" {
		c.when = compileExpr(p, reqEnv, s, "when", s.when, cel.BoolType)
	}
	c.request = compileExpr(p, reqEnv, s, "request", s.request, nil)
	c.response = compileExpr(p, respEnv, s, "response", s.resp, nil)
	if len(p.list) > n0 {
		return nil
	}
	// Every view value is present in every message (empty when absent), so
	// evaluating on a fully filled sample finds misspelt names now instead
	// of failing on every message.
	sample, _ := interpreter.NewActivation(sampleVars())
	for _, x := range []struct {
		key string
		prg *program
	}{{"when", c.when}, {"request", c.request}} {
		if x.prg == nil {
			continue
		}
		if _, _, err := x.prg.prg.Eval(sample); err != nil && unknownName(err) {
			p.add(s.at[x.key], s.id, "%s: %v (see docs/external.md for the names of the view)", x.key, clip(err.Error()))
		}
	}
	if len(p.list) > n0 {
		return nil
	}
	if s.cacheTTL > 0 {
		c.cache = newCache(s.cacheTTL, s.cacheSize)
	}
	bs := breakerSettings{window: s.window, buckets: s.buckets, minRequests: s.minRequests, failureRatio: s.failureRatio, openFor: s.openFor, probes: s.probes}
	key := c.url + "\x00" + fmt.Sprint(bs) + "\x00" + tlsDigest
	c.ep = h.endpoint(key, c.endpointLabel, bs, tlsConf, max(s.concurrency, 2), s.id)
	c.m = h.metricsFor(s.id, c.endpointLabel, s.failOpen)
	return c
}

// unknownName reports whether an evaluation error is a name the view
// does not have (a misspelt key), rather than a value-dependent error.
func unknownName(err error) bool {
	m := err.Error()
	return strings.Contains(m, "no such key") || strings.Contains(m, "no such attribute") || strings.Contains(m, "undeclared reference")
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// program is one compiled expression.
type program struct {
	prg cel.Program
	src string
}

func compileExpr(p *probs, env *cel.Env, s *spec, key, expr string, want *cel.Type) *program {
	node := s.at[key]
	if strings.TrimSpace(expr) == "" {
		p.add(node, s.id, "%s is empty", key)
		return nil
	}
	ast, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		for _, e := range iss.Errors() {
			line, col := node.Line, 0
			if l := e.Location.Line(); l > 1 || node.Style == yaml.LiteralStyle || node.Style == yaml.FoldedStyle {
				if node.Style == yaml.LiteralStyle || node.Style == yaml.FoldedStyle {
					line = node.Line + l
				} else {
					line = node.Line + l - 1
				}
			} else {
				col = node.Column + e.Location.Column()
			}
			p.list = append(p.list, custom.Problem{File: p.file, Line: line, Column: col, RuleID: s.id, Message: "external check: " + key + ": " + e.Message})
		}
		return nil
	}
	if want != nil && !ast.OutputType().IsExactType(want) {
		p.add(node, s.id, "%s must be a %s expression, not %s", key, want, ast.OutputType())
		return nil
	}
	prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize), cel.CostLimit(maxCost), cel.InterruptCheckFrequency(64))
	if err != nil {
		p.add(node, s.id, "%s: %v", key, err)
		return nil
	}
	return &program{prg: prg, src: expr}
}

// readSecret reads the secret of an auth block: the file's content (one
// line; surrounding white space trimmed) or the environment variable's
// value. It fails when the file cannot be read or lies outside SecretDir,
// or when the variable is unset or empty.
func (h *Hub) readSecret(setDir string, a *authSpec) (string, error) {
	if a.secretEnv != "" {
		if !strings.HasPrefix(a.secretEnv, h.opts.SecretEnvPrefix) {
			return "", fmt.Errorf("environment variable %s: secrets are read only from variables named %s*", a.secretEnv, h.opts.SecretEnvPrefix)
		}
		v, ok := os.LookupEnv(a.secretEnv)
		if !ok || strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("environment variable %s is not set", a.secretEnv)
		}
		return strings.TrimSpace(v), nil
	}
	b, err := h.readFile(setDir, a.secretFile, 64<<10)
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(b))
	if v == "" || strings.ContainsAny(v, "\r\n") {
		return "", fmt.Errorf("secret file %s must hold one non-empty line", a.secretFile)
	}
	return v, nil
}

// readFile reads a file a rule set names: relative paths are resolved
// against the rule set's folder (refused for a set with none). The file
// must lie inside SecretDir, or, without one, inside the rule set's own
// folder (after resolving symbolic links): a set uploaded through the admin
// API must not read the machine's files. Errors name the path as written,
// never the content.
func (h *Hub) readFile(setDir, name string, limit int64) ([]byte, error) {
	path := name
	if !filepath.IsAbs(path) {
		if setDir == "" {
			return nil, fmt.Errorf("cannot read %s: a relative path needs the rule set's directory, and this set has none", name)
		}
		path = filepath.Join(setDir, path)
	}
	confine, what := h.opts.SecretDir, "the secret folder "+h.opts.SecretDir
	if confine == "" {
		confine, what = setDir, "the rule set's folder (give the process a secret folder to read secrets elsewhere)"
	}
	if confine == "" {
		return nil, fmt.Errorf("cannot read %s: this set has no folder and the process no secret folder to read it from", name)
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, errors.Unwrap(err))
	}
	root, err := filepath.EvalSymlinks(confine)
	if err != nil {
		return nil, fmt.Errorf("secret folder %s: %w", confine, err)
	}
	if rel, err := filepath.Rel(root, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%s is outside %s", name, what)
	}
	path = real
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, errors.Unwrap(err))
	}
	defer f.Close()
	b := make([]byte, limit+1)
	n, _ := f.Read(b)
	for n < len(b) {
		m, err := f.Read(b[n:])
		n += m
		if err != nil || m == 0 {
			break
		}
	}
	if int64(n) > limit {
		return nil, fmt.Errorf("%s is above %d bytes", name, limit)
	}
	return b[:n], nil
}

// tlsConfig builds the client TLS settings of a check, and a digest of
// them (file contents included), so that a rotated certificate gets a new
// connection pool at the next reload while unchanged settings keep theirs.
func (h *Hub) tlsConfig(setDir string, t *tlsSpec) (*tls.Config, string, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.serverName}
	sum := sha256.New()
	sum.Write([]byte(t.serverName + "\x00"))
	if t.caFile != "" {
		pem, err := h.readFile(setDir, t.caFile, 1<<20)
		if err != nil {
			return nil, "", err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, "", fmt.Errorf("ca_file %s holds no PEM certificate", t.caFile)
		}
		conf.RootCAs = pool
		sum.Write(pem)
	}
	if t.certFile != "" {
		cert, err := h.readFile(setDir, t.certFile, 1<<20)
		if err != nil {
			return nil, "", err
		}
		key, err := h.readFile(setDir, t.keyFile, 1<<20)
		if err != nil {
			return nil, "", err
		}
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			return nil, "", fmt.Errorf("cert_file %s and key_file %s are not a certificate and its key", t.certFile, t.keyFile)
		}
		conf.Certificates = []tls.Certificate{pair}
		sum.Write([]byte("\x00"))
		sum.Write(cert)
		sum.Write(key)
	}
	return conf, hex.EncodeToString(sum.Sum(nil)), nil
}

// clip cuts a value quoted in a problem to 64 bytes.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// allowed reports whether u is under one of the configured endpoints: the
// same scheme and host, the same port when the endpoint names one (an
// endpoint without a port admits every port of its host), and a path that
// starts with the endpoint's (taken as "/" when empty, so that /screen
// does not admit /screening).
func (h *Hub) allowed(u *url.URL) bool {
	for _, e := range h.opts.Endpoints {
		eu, err := url.Parse(e)
		if err != nil || eu.Host == "" || eu.Scheme != u.Scheme || !strings.EqualFold(eu.Hostname(), u.Hostname()) {
			continue
		}
		if eu.Port() != "" && eu.Port() != u.Port() {
			continue
		}
		ep, up := eu.EscapedPath(), u.EscapedPath()
		if ep == "" {
			ep = "/"
		}
		if up == "" {
			up = "/"
		}
		if up == ep || strings.HasPrefix(up, strings.TrimSuffix(ep, "/")+"/") {
			return true
		}
	}
	return false
}

func (h *Hub) endpointsText() string {
	if len(h.opts.Endpoints) == 0 {
		return "none are allowed: name them with --external-endpoints (SWIFTVAL_EXTERNAL_ENDPOINTS) or HubOptions.Endpoints"
	}
	return "allowed: " + strings.Join(h.opts.Endpoints, ", ")
}
