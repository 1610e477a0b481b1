package server

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
)

// ruleSeries are the per-rule metrics and counters of the fake rule that
// fired once.
var (
	ruleSeries = []string{
		`swiftval_rule_evaluations_total{rule="fake.bad",rule_set="fake@1",source="go"} 1`,
		`swiftval_rule_findings_total{rule="fake.bad",rule_set="fake@1",source="go"} 1`,
		`swiftval_rule_panics_total{rule="fake.bad",rule_set="fake@1",source="go"} 0`,
		`swiftval_rule_max_time_seconds{rule="fake.bad"`,
	}
	ruleCounters = []string{`"evaluations":1`, `"findings":1`, `"panics":0`}
)

// TestRuleStatsNotPublic reproduces issue 17, item 7: GET /v1/rules and
// /metrics showed every client how often each rule fired (how many
// sanctioned-country hits there were). The counters are now shown to
// admin-token holders, on the ops listener, or to everyone only with
// PublicRuleStats; /v1/rules never shows a path of the machine.
func TestRuleStatsNotPublic(t *testing.T) {
	auth := []string{"Authorization", "Bearer " + testToken}
	tests := []struct {
		name     string
		public   bool
		hdr      []string
		counters bool // in /v1/rules
		series   bool // in /metrics
	}{
		{"anonymous", false, nil, false, false},
		{"wrong token", false, []string{"Authorization", "Bearer wrong-token-0123456789"}, false, false},
		{"admin token", false, auth, true, false},
		{"public rule stats", true, nil, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestServer(t, func(c *Config) { c.AdminToken = testToken; c.PublicRuleStats = tc.public })
			do(t, s, "POST", "/v1/validate", "text/plain", strings.NewReader(invalidMsg))
			rules := do(t, s, "GET", "/v1/rules", "", nil, tc.hdr...).Body.String()
			for _, c := range ruleCounters {
				if strings.Contains(rules, c) != tc.counters {
					t.Errorf("/v1/rules: %s present %v, want %v:\n%s", c, !tc.counters, tc.counters, rules)
				}
			}
			if !strings.Contains(rules, `"id":"fake.bad"`) {
				t.Errorf("/v1/rules lacks the rule: %s", rules)
			}
			metrics := do(t, s, "GET", "/metrics", "", nil, tc.hdr...).Body.String()
			for _, c := range ruleSeries {
				if strings.Contains(metrics, c) != tc.series {
					t.Errorf("/metrics: %s present %v, want %v", c, !tc.series, tc.series)
				}
			}
		})
	}
}

// TestRulesShowNoPaths: a rule set's source is reported without the
// directory it was loaded from.
func TestRulesShowNoPaths(t *testing.T) {
	e := fakeEngine(t)
	if err := e.AddRuleSet(&engine.RuleSet{Name: "user", Source: "yaml:limits.yaml", Rules: []engine.Rule{
		engine.NewRule(engine.RuleInfo{ID: "user.r", Code: "U1", AppliesTo: []string{"*"}, Source: "yaml:limits.yaml"}, func(*engine.Message, *engine.Findings) {}),
	}}); err != nil {
		t.Fatal(err)
	}
	s, _ := newTestServer(t, func(c *Config) { c.Engine = e })
	body := do(t, s, "GET", "/v1/rules", "", nil).Body.String()
	if !strings.Contains(body, `"source":"yaml:limits.yaml"`) || strings.Contains(body, "/tmp") || strings.Contains(body, `:\\`) {
		t.Errorf("/v1/rules: %s", body)
	}
}

// TestOpsListener: /healthz, /readyz and /metrics (with the per-rule
// series) on the ops listener, outside the connection caps of Addr: they
// answer while clients hold every connection of Addr (issue 17, item 4).
func TestOpsListener(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) {
		c.MaxConns = 2
		c.OpsAddr = "127.0.0.1:0"
		c.ReadHeaderTimeout = 30 * time.Second
	})
	base, stop := startServer(t, s)
	addr := strings.TrimPrefix(base, "http://")
	do(t, s, "POST", "/v1/validate", "text/plain", strings.NewReader(invalidMsg))
	// A request served over the network: Serve runs, so the ops listener
	// (bound before Addr serves) is up.
	once := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := once.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// Two idle clients take both connections of Addr.
	var hogs []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		hogs = append(hogs, c)
		if _, err := c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n")); err != nil { // never finished
			t.Fatal(err)
		}
	}
	quick := &http.Client{Timeout: 300 * time.Millisecond, Transport: &http.Transport{}}
	if resp, err := quick.Get(base + "/healthz"); err == nil {
		resp.Body.Close()
		t.Fatal("Addr answered beyond MaxConns; the test does not exhaust it")
	}
	var ops string
	if a := s.OpsAddr(); a != nil {
		ops = "http://" + a.String()
	} else {
		t.Fatal("no ops address")
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := client.Get(ops + path)
		if err != nil {
			t.Fatalf("ops %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || body != `{"status":"ok"}` {
		t.Errorf("/healthz %d %s", code, body)
	}
	if code, body := get("/readyz"); code != 200 || body != `{"status":"ready"}` {
		t.Errorf("/readyz %d %s", code, body)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, ruleSeries[1]) {
		t.Errorf("/metrics %d lacks the per-rule series", code)
	}
	if code, _ := get("/v1/rules"); code != 404 {
		t.Errorf("/v1/rules on the ops listener: %d", code)
	}
	s.SetDraining(true)
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "draining") {
		t.Errorf("/readyz draining %d %s", code, body)
	}
	s.SetDraining(false)
	for _, c := range hogs {
		c.Close()
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
