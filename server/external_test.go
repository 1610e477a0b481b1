package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/external"
	"github.com/swiftval/swiftval/rules/custom"
)

// TestFailOpenDependencyDown: with a fail-open external check whose
// dependency is down and whose breaker is open, the server stays ready,
// messages stay valid (with the SVE700 warning), and GET /v1/rules and
// /metrics show the open breaker.
func TestFailOpenDependencyDown(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close() // connections are refused from now on
	hub := external.NewHub(external.HubOptions{Endpoints: []string{"http://127.0.0.1/"}})
	e := swiftval.New(engine.Options{Budget: time.Second})
	m, err := custom.NewManager(e, custom.ManagerOptions{External: hub})
	if err != nil {
		t.Fatal(err)
	}
	set := `name: ext
external_checks:
  - id: screen
    url: ` + url + `/screen
    timeout: 500ms
    fallback: fail-open
    code: SVU590
    request: '{"name": tx.creditor.name}'
    response: '[]'
    retry: {max: 0}
    breaker: {min_requests: 2, failure_ratio: 0.5, open_for: 1m}
`
	if err := m.Put("ext", []byte(set)); err != nil {
		t.Fatal(err)
	}
	s, _ := newTestServer(t, func(c *Config) { c.Engine, c.Dependencies = e, hub })
	msg, err := os.ReadFile("../testdata/mt/valid_mt103.fin")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		rec := do(t, s, "POST", "/v1/validate", "text/plain", strings.NewReader(string(msg)))
		var rep engine.Report
		if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil || rec.Code != 200 {
			t.Fatalf("validate %d: %d %s", i, rec.Code, rec.Body)
		}
		if !rep.Valid || !rep.HasCode(external.CodeUnavailable) {
			t.Fatalf("validate %d: fail-open check down: want valid with SVE700: %+v", i, rep.Findings)
		}
	}
	if rec := do(t, s, "GET", "/readyz", "", nil); rec.Code != 200 {
		t.Fatalf("readyz %d with a fail-open dependency down", rec.Code)
	}
	rec := do(t, s, "GET", "/v1/rules", "", nil)
	var rules struct {
		Dependencies []external.EndpointStatus `json:"dependencies"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &rules); err != nil {
		t.Fatal(err)
	}
	if len(rules.Dependencies) != 1 || rules.Dependencies[0].State != "open" || rules.Dependencies[0].Endpoint != url+"/screen" {
		t.Fatalf("dependencies %+v", rules.Dependencies)
	}
	metrics := do(t, s, "GET", "/metrics", "", nil).Body.String()
	for _, want := range []string{
		`swiftval_external_breaker_state{endpoint="` + url + `/screen"} 2`,
		`swiftval_external_calls_total{check="screen",endpoint="` + url + `/screen",outcome="rejected"} 1`,
		`swiftval_external_fallbacks_total{check="screen",endpoint="` + url + `/screen",fallback="fail-open"} 3`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
