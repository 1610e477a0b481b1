package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"slices"

	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
)

// do sends one request to the server's handler.
func do(t testing.TB, s *Server, method, target, ctype string, body io.Reader, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func decodeProblem(t *testing.T, rec *httptest.ResponseRecorder) Problem {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != contentTypeProblem {
		t.Fatalf("Content-Type = %q, want %q; body %s", ct, contentTypeProblem, rec.Body)
	}
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body: %v: %s", err, rec.Body)
	}
	if p.Status != rec.Code || p.Title == "" || p.Type == "" {
		t.Fatalf("problem %+v does not match status %d", p, rec.Code)
	}
	return p
}

func TestValidate(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.MaxBodyBytes = 1000 })
	big := strings.Repeat("x", 1001)
	tests := []struct {
		name, query, ctype, body string
		status                   int
		valid                    bool
		codes                    []string
	}{
		{"valid message", "", "text/plain", validMsg, 200, true, nil},
		{"invalid message is 200", "", "text/plain", invalidMsg, 200, false, []string{"X01"}},
		{"unrecognised input is 200", "", "text/plain", "hello", 200, false, []string{engine.CodeUnrecognised}},
		{"empty body is 200", "", "text/plain", "", 200, false, []string{engine.CodeEmptyInput}},
		{"no content type", "", "", validMsg, 200, true, nil},
		{"application/xml", "", "application/xml", validMsg, 200, true, nil},
		{"text/xml with charset", "", "text/xml; charset=utf-8", validMsg, 200, true, nil},
		{"octet-stream", "", "application/octet-stream", validMsg, 200, true, nil},
		{"x-swift-fin", "", "application/x-swift-fin", validMsg, 200, true, nil},
		{"curl -d form type read raw", "", "application/x-www-form-urlencoded", validMsg, 200, true, nil},
		{"format forced", "?format=mt", "text/plain", validMsg, 200, true, nil},
		{"format mx not registered", "?format=mx", "text/plain", validMsg, 400, false, nil},
		{"named rule set", "?rulesets=fake", "text/plain", invalidMsg, 200, false, []string{"X01"}},
		{"panicking rule is a 500 problem", "", "text/plain", panicMsg, 500, false, nil},
		{"json refused", "", "application/json", validMsg, 415, false, nil},
		{"image refused", "", "image/png", validMsg, 415, false, nil},
		{"multipart refused", "", "multipart/form-data; boundary=x", validMsg, 415, false, nil},
		{"html refused", "", "text/html", validMsg, 415, false, nil},
		{"gzip refused", "", "text/plain;ce=gzip", validMsg, 415, false, nil},
		{"bad format", "?format=json", "text/plain", validMsg, 400, false, nil},
		{"unknown rule set", "?rulesets=fake,nope", "text/plain", validMsg, 400, false, nil},
		{"bad query", "?format=%zz", "text/plain", validMsg, 400, false, nil},
		{"too large", "", "text/plain", big, 413, false, nil},
		{"at the limit", "", "text/plain", big[:1000], 200, false, []string{engine.CodeUnrecognised}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctype, hdr := tt.ctype, []string(nil)
			if c, ok := strings.CutSuffix(ctype, ";ce=gzip"); ok {
				ctype, hdr = c, []string{"Content-Encoding", "gzip"}
			}
			rec := do(t, s, "POST", "/v1/validate"+tt.query, ctype, strings.NewReader(tt.body), hdr...)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if rec.Header().Get("X-Request-Id") == "" || rec.Header().Get("Server-Timing") == "" {
				t.Errorf("missing X-Request-ID or Server-Timing: %v", rec.Header())
			}
			if tt.status != 200 {
				decodeProblem(t, rec)
				return
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if !regexp.MustCompile(`^validate;dur=\d+\.\d{3}, app;dur=\d+\.\d{3}$`).MatchString(rec.Header().Get("Server-Timing")) {
				t.Errorf("Server-Timing %q", rec.Header().Get("Server-Timing"))
			}
			var rep engine.Report
			if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
				t.Fatalf("report: %v: %s", err, rec.Body)
			}
			if rep.Valid != tt.valid {
				t.Errorf("valid = %v, want %v: %s", rep.Valid, tt.valid, rec.Body)
			}
			for _, c := range tt.codes {
				if !rep.HasCode(c) {
					t.Errorf("no finding %s: %s", c, rec.Body)
				}
			}
		})
	}
}

// TestValidateBodyIsReportJSON: the 200 body is exactly Report.AppendJSON
// (elapsed time aside).
func TestValidateBodyIsReportJSON(t *testing.T) {
	s, _ := newTestServer(t, nil)
	rec := do(t, s, "POST", "/v1/validate", "text/plain", strings.NewReader(invalidMsg))
	want := s.Engine().Validate(context.Background(), []byte(invalidMsg)).AppendJSON(nil)
	elapsed := regexp.MustCompile(`"elapsed_us":[0-9.]+`)
	got := elapsed.ReplaceAllString(rec.Body.String(), `"elapsed_us":0`)
	if w := elapsed.ReplaceAllString(string(want), `"elapsed_us":0`); got != w {
		t.Fatalf("body\n%s\nwant\n%s", got, w)
	}
	// The MT finding points at line 2, column 5.
	if !strings.Contains(got, `"location":{"block":4,"field":"20","line":2,"column":5}`) {
		t.Fatalf("location missing: %s", got)
	}
}

// countingReader is an endless body that counts what is read of it.
type countingReader struct{ n atomic.Int64 }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	r.n.Add(int64(len(p)))
	return len(p), nil
}

// TestValidateOversizedNotReadFully: a body without Content-Length above the
// limit is refused after reading little more than the limit; one with a
// Content-Length above it is refused without reading.
func TestValidateOversizedNotReadFully(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.MaxBodyBytes = 64 << 10 })
	body := &countingReader{}
	req := httptest.NewRequest("POST", "/v1/validate", body)
	req.ContentLength = -1
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 413 {
		t.Fatalf("status %d", rec.Code)
	}
	decodeProblem(t, rec)
	if n := body.n.Load(); n > 2*(64<<10) {
		t.Fatalf("read %d bytes of an endless body", n)
	}
	body2 := &countingReader{}
	req = httptest.NewRequest("POST", "/v1/validate", body2)
	req.ContentLength = 1 << 30
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 413 || body2.n.Load() != 0 {
		t.Fatalf("status %d, read %d", rec.Code, body2.n.Load())
	}
}

func TestRequestID(t *testing.T) {
	s, logs := newTestServer(t, nil)
	tests := []struct {
		name, in string
		kept     bool
	}{
		{"sane kept", "abc-123_X.y:z", true},
		{"none generated", "", false},
		{"spaces replaced", "a b", false},
		{"newline replaced", "a\x01b", false},
		{"too long replaced", strings.Repeat("a", 129), false},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.in != "" {
				hdr = []string{"X-Request-ID", tt.in}
			}
			rec := do(t, s, "GET", "/healthz", "", nil, hdr...)
			id := rec.Header().Get("X-Request-Id")
			if tt.kept != (id == tt.in) || id == "" || !saneRequestID(id) {
				t.Fatalf("X-Request-ID %q for %q", id, tt.in)
			}
			if !tt.kept && seen[id] {
				t.Fatalf("generated ID %q twice", id)
			}
			seen[id] = true
			if !strings.Contains(logs.String(), `"request_id":"`+id+`"`) {
				t.Fatalf("log has no line for %s", id)
			}
		})
	}
}

// TestRequestLogLine: one JSON line per request with the fields, and never
// the message content.
func TestRequestLogLine(t *testing.T) {
	s, logs := newTestServer(t, nil)
	secret := "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:BAD\n:59:/DE89370400440532013000 JOHN SECRET\n:32A:260101EUR12345,67\n-}"
	do(t, s, "POST", "/v1/validate", "text/plain", strings.NewReader(secret), "X-Request-ID", "log-test-1")
	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if strings.Contains(l, "log-test-1") {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := map[string]any{"msg": "request", "route": "/v1/validate", "status": 200.0, "type": "MT103", "format": "mt", "verdict": "invalid", "method": "POST"}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log %s = %v, want %v (line %v)", k, line[k], v, line)
		}
	}
	if _, ok := line["duration_ms"]; !ok {
		t.Errorf("no duration in %v", line)
	}
	for _, leak := range []string{"SECRET", "DE89370400440532013000", "12345", "BANKBEBB"} {
		if strings.Contains(logs.String(), leak) {
			t.Errorf("log leaks %q", leak)
		}
	}
}

func TestBatch(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.MaxBatchMessages = 4; c.MaxBodyBytes = 200 })
	in := strings.Join([]string{
		`{"id":"a","message":` + jsonString(validMsg) + `}`,
		`not json`,
		``,
		`{"id":"c","message":` + jsonString(invalidMsg) + `}`,
		`{"id":"d"}`,
		`{"id":"e","message":` + jsonString(strings.Repeat("y", 201)) + `}`,
		`{"id":"f","message":"never read"}`,
	}, "\r\n")
	rec := do(t, s, "POST", "/v1/validate/batch", "application/x-ndjson", strings.NewReader(in))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("status %d %v: %s", rec.Code, rec.Header(), rec.Body)
	}
	type line struct {
		ID    string `json:"id"`
		Index int    `json:"index"`
		Valid *bool  `json:"valid"`
		Error *struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
		} `json:"error"`
	}
	var got []line
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, l)
	}
	want := []struct {
		id     string
		index  int
		valid  bool
		status int
	}{
		{"a", 1, true, 0}, {"", 2, false, 400}, {"c", 3, false, 0}, {"d", 4, false, 400}, {"", 5, false, 413},
	}
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d: %s", len(got), len(want), rec.Body)
	}
	for i, w := range want {
		g := got[i]
		if g.ID != w.id || g.Index != w.index {
			t.Errorf("line %d: id %q index %d, want %q %d", i, g.ID, g.Index, w.id, w.index)
		}
		if w.status != 0 {
			if g.Error == nil || g.Error.Status != w.status {
				t.Errorf("line %d: want error %d, got %+v", i, w.status, g)
			}
			continue
		}
		if g.Valid == nil || *g.Valid != w.valid {
			t.Errorf("line %d: valid %v, want %v", i, g.Valid, w.valid)
		}
	}
	// The header went out before the validations: their time is a trailer.
	if st := rec.Result().Trailer.Get("Server-Timing"); !strings.HasPrefix(st, "validate;dur=") {
		t.Errorf("Server-Timing trailer %q", st)
	}
}

func TestBatchErrors(t *testing.T) {
	s, _ := newTestServer(t, nil)
	tests := []struct {
		name, target, ctype string
		status              int
	}{
		{"json array type refused", "/v1/validate/batch", "image/png", 415},
		{"multipart refused", "/v1/validate/batch", "multipart/form-data", 415},
		{"bad format", "/v1/validate/batch?format=zz", "application/x-ndjson", 400},
		{"empty batch", "/v1/validate/batch", "application/x-ndjson", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, "POST", tt.target, tt.ctype, strings.NewReader(""))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status != 200 {
				decodeProblem(t, rec)
			} else if rec.Body.Len() != 0 {
				t.Fatalf("body %q", rec.Body)
			}
		})
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestInfoRoutes(t *testing.T) {
	s, _ := newTestServer(t, nil)
	do(t, s, "POST", "/v1/validate", "text/plain", strings.NewReader(invalidMsg))
	tests := []struct {
		target, ctype string
		contains      []string
	}{
		{"/healthz", "application/json", []string{`{"status":"ok"}`}},
		{"/readyz", "application/json", []string{`{"status":"ready"}`}},
		{"/v1/message-types", "application/json", []string{`"formats":[{"name":"mt","types":[{"format":"mt","type":"MT103","level":"full"`}},
		{"/v1/rules", "application/json", []string{`"rule_sets":[{"name":"fake","version":"1","source":"go","rules":3}]`, `"id":"fake.bad","code":"X01","severity":"error","applies_to":["*"],"citation":"test","notes":"notes.md#fake.bad","rule_set":"fake@1","source":"go"`, `"applies_to":["*"]`, `"rule_set":"fake@1"`, `"enabled":true`}},
		{"/openapi.json", "application/json", []string{`"openapi": "3.1.0"`}},
		{"/", "text/html; charset=utf-8", []string{"<textarea", "/v1/validate"}},
		{"/metrics", "text/plain", []string{
			`swiftval_validations_total{format="mt",type="MT103",verdict="invalid"} 1`,
			`swiftval_findings_total{code="X01"} 1`,
			`swiftval_http_request_duration_seconds_count{route="/v1/validate",status="200"} 1`,
			`swiftval_validation_duration_seconds_count 1`,
			`swiftval_budget_overruns_total 0`,
			`swiftval_http_requests_in_flight 1`,
			`go_goroutines`, `process_resident_memory_bytes`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec := do(t, s, "GET", tt.target, "", nil)
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type %q, want %q", ct, tt.ctype)
			}
			if !strings.HasPrefix(rec.Header().Get("Server-Timing"), "app;dur=") {
				t.Errorf("Server-Timing %q", rec.Header().Get("Server-Timing"))
			}
			for _, c := range tt.contains {
				if !strings.Contains(rec.Body.String(), c) {
					t.Errorf("no %q in\n%s", c, rec.Body)
				}
			}
		})
	}
}

// TestUnknownTypesBoundedInMetrics: types from input that the formats do not
// list are counted as "other".
func TestUnknownTypesBoundedInMetrics(t *testing.T) {
	s, _ := newTestServer(t, nil)
	do(t, s, "POST", "/v1/validate", "", strings.NewReader(strings.Replace(validMsg, "I103", "I799", 1)))
	rec := do(t, s, "GET", "/metrics", "", nil)
	if !strings.Contains(rec.Body.String(), `swiftval_validations_total{format="mt",type="other",verdict="valid"} 1`) {
		t.Fatal(rec.Body)
	}
}

func TestNotFoundAndMethod(t *testing.T) {
	s, _ := newTestServer(t, nil)
	tests := []struct {
		method, target string
		status         int
	}{
		{"GET", "/nope", 404},
		{"GET", "/v1/validate", 405},
		{"DELETE", "/healthz", 405},
	}
	for _, tt := range tests {
		rec := do(t, s, tt.method, tt.target, "", nil)
		if rec.Code != tt.status {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.target, rec.Code, tt.status)
			continue
		}
		decodeProblem(t, rec)
	}
	rec := do(t, s, "GET", "/metrics", "", nil)
	if !strings.Contains(rec.Body.String(), `route="unmatched",status="404"`) {
		t.Errorf("404s not counted as unmatched")
	}
}

func TestReadyzDraining(t *testing.T) {
	s, _ := newTestServer(t, nil)
	s.SetDraining(true)
	rec := do(t, s, "GET", "/readyz", "", nil)
	if rec.Code != 503 {
		t.Fatalf("status %d", rec.Code)
	}
	decodeProblem(t, rec)
	if rec := do(t, s, "GET", "/healthz", "", nil); rec.Code != 200 {
		t.Fatalf("healthz %d while draining", rec.Code)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"default ok", func(*Config) {}, ""},
		{"port 0 ok", func(c *Config) { c.Addr = "127.0.0.1:0" }, ""},
		{"bad addr", func(c *Config) { c.Addr = "localhost" }, "Addr"},
		{"no addr", func(c *Config) { c.Addr = "" }, "Addr is required"},
		{"zero body", func(c *Config) { c.MaxBodyBytes = 0 }, "MaxBodyBytes"},
		{"negative budget", func(c *Config) { c.Budget = -1 }, "Budget"},
		{"short token", func(c *Config) { c.AdminToken = "short" }, "AdminToken"},
		{"cert without key", func(c *Config) { c.TLSCertFile = "c.pem" }, "TLSKeyFile"},
		{"no engine", func(c *Config) { c.Engine = nil }, "Engine is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Engine = fakeEngine(t)
			tt.edit(&cfg)
			_, err := New(cfg)
			if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
		})
	}
}

// fakeAdmin is an in-memory RuleSetAdmin.
type fakeAdmin struct {
	sets  map[string][]byte
	panic bool
}

type compileError struct{ probs []RuleSetProblem }

func (e *compileError) Error() string              { return "rule set does not compile" }
func (e *compileError) Problems() []RuleSetProblem { return e.probs }

func (a *fakeAdmin) List() []RuleSetInfo {
	if a.panic {
		panic("admin exploded: secret internals")
	}
	var list []RuleSetInfo
	for _, n := range slices.Sorted(maps.Keys(a.sets)) {
		list = append(list, RuleSetInfo{Name: n, Rules: []string{n + ".r"}})
	}
	return list
}

func (a *fakeAdmin) Get(name string) ([]byte, RuleSetInfo, bool) {
	y, ok := a.sets[name]
	return y, RuleSetInfo{Name: name, Rules: []string{name + ".r"}}, ok
}

func (a *fakeAdmin) Put(name string, y []byte) error {
	switch {
	case strings.Contains(string(y), "broken"):
		return &compileError{probs: []RuleSetProblem{{File: name + ".yaml", Line: 3, Message: "unknown field"}}}
	case strings.Contains(string(y), "twice"):
		return errors.Join(errors.New("first"), errors.New("second"))
	}
	a.sets[name] = y
	return nil
}

func (a *fakeAdmin) Delete(name string) (bool, error) {
	y, ok := a.sets[name]
	if strings.Contains(string(y), "needed") {
		return true, &compileError{probs: []RuleSetProblem{{File: "b.yaml", Line: 2, Message: "set b overrides its rule"}}}
	}
	delete(a.sets, name)
	return ok, nil
}

func TestAdmin(t *testing.T) {
	admin := &fakeAdmin{sets: map[string][]byte{"corridor": []byte("name: corridor\n"), "base": []byte("name: base # needed\n")}}
	on, _ := newTestServer(t, func(c *Config) { c.AdminToken = testToken; c.RuleSets = admin })
	noAdmin, _ := newTestServer(t, func(c *Config) { c.AdminToken = testToken })
	off, _ := newTestServer(t, func(c *Config) { c.RuleSets = admin })
	auth := "Bearer " + testToken
	tests := []struct {
		name                 string
		s                    *Server
		method, target, body string
		auth, accept         string
		status               int
		contains             string
	}{
		{"pprof off without token", off, "GET", "/debug/pprof/", "", auth, "", 404, ""},
		{"rulesets off without token", off, "GET", "/v1/rulesets", "", auth, "", 404, ""},
		{"pprof no auth", on, "GET", "/debug/pprof/", "", "", "", 401, ""},
		{"pprof wrong token", on, "GET", "/debug/pprof/", "", "Bearer nope", "", 401, ""},
		{"pprof wrong scheme", on, "GET", "/debug/pprof/", "", "Basic " + testToken, "", 401, ""},
		{"pprof index", on, "GET", "/debug/pprof/", "", auth, "", 200, "goroutine"},
		{"pprof lowercase bearer", on, "GET", "/debug/pprof/cmdline", "", "bearer " + testToken, "", 200, ""},
		{"pprof heap", on, "GET", "/debug/pprof/heap?debug=1", "", auth, "", 200, "heap profile"},
		{"no manager", noAdmin, "GET", "/v1/rulesets", "", auth, "", 404, "not enabled"},
		{"list", on, "GET", "/v1/rulesets", "", auth, "", 200, `"rule_sets":[{"name":"base","version":"","source":"","rules":["base.r"],"tests":0,"sha256":"","loaded":"0001-01-01T00:00:00Z"},{"name":"corridor","version":"","source":"","rules":["corridor.r"],"tests":0,"sha256":"","loaded":"0001-01-01T00:00:00Z"}]`},
		{"get json", on, "GET", "/v1/rulesets/corridor", "", auth, "", 200, `"yaml":"name: corridor\n"`},
		{"get yaml", on, "GET", "/v1/rulesets/corridor", "", auth, "application/yaml", 200, "name: corridor\n"},
		{"get missing", on, "GET", "/v1/rulesets/nope", "", auth, "", 404, ""},
		{"bad name", on, "GET", "/v1/rulesets/..", "", auth, "", 400, ""},
		{"put", on, "PUT", "/v1/rulesets/limits", "name: limits\n", auth, "", 200, `"name":"limits"`},
		{"put broken", on, "PUT", "/v1/rulesets/limits2", "broken", auth, "", 422, `"errors":[{"file":"limits2.yaml","line":3,"column":0,"message":"unknown field"}]`},
		{"put joined errors", on, "PUT", "/v1/rulesets/limits2", "twice", auth, "", 422, `"errors":[{"detail":"first"},{"detail":"second"}]`},
		{"put unauthorised", on, "PUT", "/v1/rulesets/x", "name: x", "", "", 401, ""},
		{"delete", on, "DELETE", "/v1/rulesets/limits", "", auth, "", 204, ""},
		{"delete missing", on, "DELETE", "/v1/rulesets/limits", "", auth, "", 404, ""},
		{"delete refused", on, "DELETE", "/v1/rulesets/base", "", auth, "", 409, `"errors":[{"file":"b.yaml","line":2,"column":0,"message":"set b overrides its rule"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			var hdr []string
			if tt.auth != "" {
				hdr = append(hdr, "Authorization", tt.auth)
			}
			if tt.accept != "" {
				hdr = append(hdr, "Accept", tt.accept)
			}
			ctype := ""
			if tt.method == "PUT" {
				ctype = "application/yaml"
			}
			rec := do(t, tt.s, tt.method, tt.target, ctype, body, hdr...)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status >= 400 {
				p := decodeProblem(t, rec)
				if tt.status == 401 && rec.Header().Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
				_ = p
			}
			if !strings.Contains(rec.Body.String(), tt.contains) {
				t.Fatalf("no %q in %s", tt.contains, rec.Body)
			}
		})
	}
}

// TestHandlerPanic: a panic in a handler is a 500 problem without internals
// and an error log line; the server goes on serving.
func TestHandlerPanic(t *testing.T) {
	admin := &fakeAdmin{panic: true}
	s, logs := newTestServer(t, func(c *Config) { c.AdminToken = testToken; c.RuleSets = admin })
	rec := do(t, s, "GET", "/v1/rulesets", "", nil, "Authorization", "Bearer "+testToken)
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
	decodeProblem(t, rec)
	for _, leak := range []string{"secret internals", "goroutine", ".go:"} {
		if strings.Contains(rec.Body.String(), leak) {
			t.Errorf("response leaks %q: %s", leak, rec.Body)
		}
	}
	if !strings.Contains(logs.String(), `"msg":"handler panicked"`) || !strings.Contains(logs.String(), "secret internals") {
		t.Errorf("no panic log line: %s", logs)
	}
	// A panicking rule is stopped by the engine (SV003): the client gets a
	// 500 problem naming the rule, the log has an error line, the server
	// goes on.
	rec = do(t, s, "POST", "/v1/validate", "", strings.NewReader(panicMsg))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"rule":"fake.panic"`) || !strings.Contains(rec.Header().Get("Content-Type"), "problem+json") {
		t.Fatalf("panicking rule: %d %s", rec.Code, rec.Body)
	}
	if rec = do(t, s, "POST", "/v1/validate", "", strings.NewReader(validMsg)); rec.Code != 200 {
		t.Fatalf("after a panicking rule the server answers %d", rec.Code)
	}
	if !strings.Contains(logs.String(), `"msg":"rule panicked"`) || !strings.Contains(logs.String(), `"rule":"fake.panic"`) {
		t.Errorf("no rule panic log line: %s", logs)
	}
	if rec := do(t, s, "GET", "/healthz", "", nil); rec.Code != 200 {
		t.Fatalf("after panic: %d", rec.Code)
	}
}

// TestLoadShedding: with every slot busy, a request waits QueueWait and
// then gets 503 with Retry-After.
func TestLoadShedding(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.MaxConcurrent = 1; c.QueueWait = 10e6 })
	started := make(chan struct{})
	done := make(chan int)
	go func() {
		close(started)
		done <- do(t, s, "POST", "/v1/validate", "", strings.NewReader(sleepMsg)).Code
	}()
	<-started
	// Wait until the slow request holds the slot.
	for len(s.slots) == 0 {
		time.Sleep(time.Millisecond)
	}
	rec := do(t, s, "POST", "/v1/validate", "", strings.NewReader(validMsg))
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	decodeProblem(t, rec)
	rec = do(t, s, "POST", "/v1/validate/batch", "", strings.NewReader(`{"message":"x"}`))
	if rec.Code != 503 {
		t.Fatalf("batch status %d", rec.Code)
	}
	if code := <-done; code != 200 {
		t.Fatalf("slow request %d", code)
	}
	if rec := do(t, s, "POST", "/v1/validate", "", strings.NewReader(validMsg)); rec.Code != 200 {
		t.Fatalf("after: %d", rec.Code)
	}
	if !strings.Contains(do(t, s, "GET", "/metrics", "", nil).Body.String(), "swiftval_requests_shed_total 2") {
		t.Error("shed requests not counted")
	}
}

// TestBatchSlowClientHoldsNoSlot: a batch whose client is slow to send its
// lines holds no validation slot while waiting for them.
func TestBatchSlowClientHoldsNoSlot(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.MaxConcurrent = 1; c.QueueWait = 0 })
	pr, pw := io.Pipe()
	done := make(chan *httptest.ResponseRecorder)
	go func() { done <- do(t, s, "POST", "/v1/validate/batch", "application/x-ndjson", pr) }()
	if _, err := pw.Write([]byte(`{"id":"1","message":` + jsonString(validMsg) + "}\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // the batch now waits for its next line
	for range 3 {
		if rec := do(t, s, "POST", "/v1/validate", "", strings.NewReader(validMsg)); rec.Code != 200 {
			t.Fatalf("validate beside a waiting batch: %d", rec.Code)
		}
	}
	pw.Close()
	rec := <-done
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"id":"1"`) {
		t.Fatalf("batch: %d %s", rec.Code, rec.Body)
	}
}

// TestBatchLongLine: a line above the line limit (twice the body limit
// plus 64 KiB) gets a 413 error object without being kept, and the lines
// after it go on.
func TestBatchLongLine(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.MaxBodyBytes = 100 })
	in := `{"id":"long","message":"` + strings.Repeat("x", 200<<10) + `"}` + "\n" +
		`{"id":"next","message":` + jsonString(validMsg) + "}"
	rec := do(t, s, "POST", "/v1/validate/batch", "application/x-ndjson", strings.NewReader(in))
	lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	if rec.Code != 200 || len(lines) != 2 {
		t.Fatalf("status %d, %d lines: %s", rec.Code, len(lines), rec.Body)
	}
	if !strings.Contains(lines[0], `"index":1,"error":{"status":413`) || !strings.Contains(lines[0], "longer than") {
		t.Errorf("line 1: %s", lines[0])
	}
	if !strings.Contains(lines[1], `"id":"next","index":2,"valid":true`) {
		t.Errorf("line 2: %s", lines[1])
	}
}
