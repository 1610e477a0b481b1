package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/http/pprof"
	"strings"

	"github.com/labstack/echo/v4"
)

// adminOnly guards the admin routes: 404 when no admin token is configured
// (the endpoints do not exist), 401 without the right bearer token. Tokens
// are compared as SHA-256 digests in constant time, so neither their
// content nor their length leaks through timing.
func (s *Server) adminOnly(next echo.HandlerFunc) echo.HandlerFunc {
	var want [32]byte
	if s.cfg.AdminToken != "" {
		want = sha256.Sum256([]byte(s.cfg.AdminToken))
	}
	return func(c echo.Context) error {
		if s.cfg.AdminToken == "" {
			return problem(http.StatusNotFound, "no such resource")
		}
		if !s.tokenMatches(c.Request(), &want) {
			p := problem(http.StatusUnauthorized, "admin endpoints need Authorization: Bearer <admin token>")
			p.header = http.Header{"Www-Authenticate": {`Bearer realm="swiftval"`}}
			return p
		}
		return next(c)
	}
}

// isAdmin reports whether the request carries the admin token (false when
// none is configured).
func (s *Server) isAdmin(r *http.Request) bool {
	if s.cfg.AdminToken == "" || r.Header.Get(echo.HeaderAuthorization) == "" {
		return false
	}
	want := sha256.Sum256([]byte(s.cfg.AdminToken))
	return s.tokenMatches(r, &want)
}

// tokenMatches compares the request's bearer token with the digest want,
// in constant time.
func (s *Server) tokenMatches(r *http.Request, want *[32]byte) bool {
	auth := r.Header.Get(echo.HeaderAuthorization)
	const prefix = "Bearer "
	ok := len(auth) > len(prefix) && strings.EqualFold(auth[:len(prefix)], prefix)
	var got [32]byte
	if ok {
		got = sha256.Sum256([]byte(auth[len(prefix):]))
	}
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1 && ok
}

// handlePprof serves net/http/pprof under /debug/pprof/.
func (s *Server) handlePprof(c echo.Context) error {
	w, r := c.Response(), c.Request()
	switch c.Param("name") {
	case "":
		pprof.Index(w, r)
	case "cmdline":
		pprof.Cmdline(w, r)
	case "profile":
		pprof.Profile(w, r)
	case "symbol":
		pprof.Symbol(w, r)
	case "trace":
		pprof.Trace(w, r)
	default:
		pprof.Handler(c.Param("name")).ServeHTTP(w, r)
	}
	return nil
}

// ruleSetName accepts 1 to 64 characters of [A-Za-z0-9._+-], not starting
// with a dot (names become file names in the rule-set directory).
func ruleSetName(n string) bool {
	if n == "" || len(n) > 64 || n[0] == '.' {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '+') {
			return false
		}
	}
	return true
}

func (s *Server) ruleSets(c echo.Context) (RuleSetAdmin, string, error) {
	if s.cfg.RuleSets == nil {
		return nil, "", problem(http.StatusNotFound, "rule-set management is not enabled on this server (start it with --rules DIR)")
	}
	name := c.Param("name")
	if c.Path() != "/v1/rulesets" && !ruleSetName(name) {
		return nil, "", problem(http.StatusBadRequest, "rule-set names are 1 to 64 characters of A-Z a-z 0-9 . _ + -")
	}
	return s.cfg.RuleSets, name, nil
}

// ruleSetListResponse is the body of GET /v1/rulesets.
type ruleSetListResponse struct {
	RuleSets []RuleSetInfo `json:"rule_sets"`
}

func (s *Server) handleRuleSetList(c echo.Context) error {
	rs, _, err := s.ruleSets(c)
	if err != nil {
		return err
	}
	list := rs.List()
	if list == nil {
		list = []RuleSetInfo{}
	}
	return writeJSON(c, http.StatusOK, ruleSetListResponse{RuleSets: list})
}

// ruleSetResponse is the body of GET and PUT /v1/rulesets/{name}.
type ruleSetResponse struct {
	Name string      `json:"name"`
	Info RuleSetInfo `json:"info"`
	YAML string      `json:"yaml"`
}

func (s *Server) handleRuleSetGet(c echo.Context) error {
	rs, name, err := s.ruleSets(c)
	if err != nil {
		return err
	}
	y, info, ok := rs.Get(name)
	if !ok {
		return problem(http.StatusNotFound, "no rule set "+name)
	}
	if wantsYAML(c.Request().Header.Get(echo.HeaderAccept)) {
		return c.Blob(http.StatusOK, "application/yaml", y)
	}
	return writeJSON(c, http.StatusOK, ruleSetResponse{Name: name, Info: info, YAML: string(y)})
}

func wantsYAML(accept string) bool {
	return strings.Contains(accept, "yaml") && !strings.Contains(accept, "json")
}

func (s *Server) handleRuleSetPut(c echo.Context) error {
	rs, name, err := s.ruleSets(c)
	if err != nil {
		return err
	}
	req := c.Request()
	if !yamlContentType(req.Header.Get(echo.HeaderContentType)) {
		return problem(http.StatusUnsupportedMediaType, "send the rule set as YAML (application/yaml)")
	}
	limit := s.cfg.MaxBodyBytes
	if req.ContentLength > limit {
		return tooLarge(limit)
	}
	body, ok, rerr := readLimited(req.Body, nil, req.ContentLength, limit)
	if rerr != nil {
		return problem(http.StatusBadRequest, "reading the request body failed")
	}
	if !ok {
		return tooLarge(limit)
	}
	if err := rs.Put(name, body); err != nil {
		return refusal(http.StatusUnprocessableEntity, err)
	}
	y, info, _ := rs.Get(name)
	return writeJSON(c, http.StatusOK, ruleSetResponse{Name: name, Info: info, YAML: string(y)})
}

func yamlContentType(ct string) bool {
	if ct == "" {
		return true
	}
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	switch strings.ToLower(strings.TrimSpace(ct)) {
	case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain", "application/octet-stream":
		return true
	}
	return false
}

func (s *Server) handleRuleSetDelete(c echo.Context) error {
	rs, name, err := s.ruleSets(c)
	if err != nil {
		return err
	}
	found, derr := rs.Delete(name)
	switch {
	case derr != nil:
		return refusal(http.StatusConflict, derr)
	case !found:
		return problem(http.StatusNotFound, "no rule set "+name)
	}
	return c.NoContent(http.StatusNoContent)
}

// refusal is the problem of a refused rule-set change: its text as detail
// and, when the error implements ProblemLister, its problems.
func refusal(status int, err error) *problemError {
	p := problem(status, err.Error())
	var pl ProblemLister
	if errors.As(err, &pl) {
		for _, rp := range pl.Problems() {
			p.errs = append(p.errs, rp)
		}
	} else if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			p.errs = append(p.errs, map[string]string{"detail": e.Error()})
		}
	}
	return p
}
