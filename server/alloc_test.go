package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/internal/testenv"
)

// maxValidateAllocs pins the allocations of POST /v1/validate through the
// whole handler chain (Echo, middleware, metrics, report encoding; the
// request log is off here) on the fake engine: 12 when written, 10 since the
// X-Request-ID and Server-Timing values share one backing slice and
// Server-Timing is set by a pooled writer wrapper, not an Echo Before hook.
// The engine and the Echo router own most of them.
const maxValidateAllocs = 10

func TestValidateAllocs(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.Logger = quietLogger() })
	h := s.Handler()
	body := strings.NewReader(validMsg)
	req := httptest.NewRequest("POST", "/v1/validate", body)
	req.Header.Set("Content-Type", "text/plain")
	w := &benchWriter{h: http.Header{}}
	run := func() {
		body.Reset(validMsg)
		clear(w.h)
		h.ServeHTTP(w, req)
	}
	run()
	n := testing.AllocsPerRun(200, run)
	t.Logf("%.0f allocations per request", n)
	if w.status != 200 {
		t.Fatalf("status %d", w.status)
	}
	if !testenv.RaceEnabled && n > maxValidateAllocs {
		t.Fatalf("%.0f allocations per request, want at most %d", n, maxValidateAllocs)
	}
}

// FuzzValidate: whatever the body, query and content type, the answer is a
// 200 report or a 4xx problem, never a 5xx, except the 500 problem for the
// fake engine's deliberately panicking rule (a PANIC field 20).
func FuzzValidate(f *testing.F) {
	f.Add([]byte(validMsg), "", "text/plain")
	f.Add([]byte(invalidMsg), "format=mt&rulesets=fake", "")
	f.Add([]byte("<?xml version=\"1.0\"?><Document/>"), "format=mx", "application/xml")
	f.Add([]byte{0xff, 0xfe, 0}, "profile=%zz", "image/png")
	f.Add([]byte(panicMsg), "rulesets=,,fake", "text/plain; charset=latin1")
	// Selectors of issue 17: the documented spelling, encodings of it,
	// repeated and unknown parameters.
	f.Add([]byte(invalidMsg), "profile=cbpr+", "text/plain")
	f.Add([]byte(validMsg), "profile=CBPR%2B&rulesets=fake,%20cbpr+", "")
	f.Add([]byte(validMsg), "format=mt&format=mx", "")
	f.Add([]byte(validMsg), "profiles=none", "")
	s, _ := newTestServer(f, func(c *Config) { c.MaxBodyBytes = 4096; c.Logger = quietLogger() })
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body []byte, query, ctype string) {
		req := httptest.NewRequest("POST", "/v1/validate", strings.NewReader(string(body)))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200:
			var v map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatalf("200 body is not JSON: %v: %q", err, rec.Body)
			}
		case 500:
			if !strings.Contains(string(body), "PANIC") || !strings.Contains(rec.Body.String(), `"rule":"fake.panic"`) {
				t.Fatalf("status 500: %s", rec.Body)
			}
		case 400, 413, 415:
			if rec.Header().Get("Content-Type") != contentTypeProblem {
				t.Fatalf("%d without a problem document", rec.Code)
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
}
