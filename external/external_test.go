package external_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/external"
	"github.com/swiftval/swiftval/internal/lazyre"
	"github.com/swiftval/swiftval/rules/custom"
)

// dep is an httptest dependency whose behaviour the test switches: it
// answers, hangs, fails with 503, or returns garbage.
type dep struct {
	srv     *httptest.Server
	mode    atomic.Int32
	calls   atomic.Int64
	answer  atomic.Value // string: the JSON answered in modeAnswer
	body    atomic.Value // string: the last request body
	header  atomic.Value // http.Header of the last request
	release chan struct{}
	once    sync.Once
}

const (
	modeAnswer = iota
	modeHang
	modeFail
	modeGarbage
)

func newDep(t *testing.T) *dep {
	d := &dep{release: make(chan struct{})}
	d.answer.Store(`{"hits":[]}`)
	d.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		d.body.Store(string(b))
		d.header.Store(r.Header.Clone())
		switch d.mode.Load() {
		case modeHang:
			select {
			case <-r.Context().Done():
			case <-d.release:
			}
		case modeFail:
			http.Error(w, "down", http.StatusServiceUnavailable)
		case modeGarbage:
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html>502 Bad Gateway</html>")
		default:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, d.answer.Load().(string))
		}
	}))
	t.Cleanup(d.close)
	return d
}

func (d *dep) close() {
	d.once.Do(func() { close(d.release) })
	d.srv.CloseClientConnections()
	d.srv.Close()
}

// screenSet is a rule set with one external check calling d.
func screenSet(url, timeout, fallback, extra string) string {
	return fmt.Sprintf(`name: ext
version: "1"
external_checks:
  - id: screen
    url: %s/screen
    timeout: %s
    fallback: %s
    code: SVU590
    request: '{"names": [tx.debtor.name, tx.creditor.name], "amount": tx.settlement.amount, "currency": tx.settlement.currency, "type": message.type}'
    response: 'response.hits.map(h, {"message": "sanctions hit: " + h.name, "location": h.field})'
    retry: {max: 1, backoff: 1ms, max_backoff: 2ms}
    breaker: {window: 60s, buckets: 6, min_requests: 4, failure_ratio: 0.5, open_for: 150ms, half_open_probes: 1}
%s`, url, timeout, fallback, extra)
}

type fixture struct {
	e   *engine.Engine
	hub *external.Hub
	mgr *custom.Manager
}

// loopback are the endpoints the test dependencies (httptest servers on
// 127.0.0.1, any port) are called at.
var loopback = []string{"http://127.0.0.1/"}

func newFixture(t *testing.T, budget time.Duration, set string) *fixture {
	t.Helper()
	return newFixtureWith(t, budget, set, external.HubOptions{Endpoints: loopback})
}

func newFixtureWith(t *testing.T, budget time.Duration, set string, opts external.HubOptions) *fixture {
	t.Helper()
	e := swiftval.New(engine.Options{Budget: budget})
	hub := external.NewHub(opts)
	m, err := custom.NewManager(e, custom.ManagerOptions{External: hub})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Put("ext", []byte(set)); err != nil {
		t.Fatal(err)
	}
	return &fixture{e: e, hub: hub, mgr: m}
}

var mt103 = func() []byte {
	b, err := os.ReadFile("../testdata/mt/valid_mt103.fin")
	if err != nil {
		panic(err)
	}
	return b
}()

func (f *fixture) validate(t *testing.T) *engine.Report {
	t.Helper()
	return f.e.Validate(context.Background(), mt103)
}

// sve returns the SVE700 finding of a report, or nil.
func sve(r *engine.Report) *engine.Finding {
	for i := range r.Findings {
		if r.Findings[i].Code == external.CodeUnavailable {
			return &r.Findings[i]
		}
	}
	return nil
}

func TestAnswerMappedToFindings(t *testing.T) {
	d := newDep(t)
	d.answer.Store(`{"hits":[{"name":"JANE SMITH","field":"59"},{"name":"NOBODY","field":"/nowhere"}]}`)
	f := newFixture(t, time.Second, screenSet(d.srv.URL, "2s", "fail-closed", ""))
	rep := f.validate(t)
	if got := d.body.Load(); got != `{"amount":"1234.56","currency":"EUR","names":["JOHN DOE","JANE SMITH"],"type":"MT103"}` {
		t.Errorf("request body %v", got)
	}
	if h := d.header.Load().(http.Header); h.Get("Content-Type") != "application/json" {
		t.Errorf("request headers %v", h)
	}
	var hits []engine.Finding
	for _, x := range rep.Findings {
		if x.Rule == "screen" {
			hits = append(hits, x)
		}
	}
	if len(hits) != 2 || rep.Valid {
		t.Fatalf("want two SVU590 findings and an invalid report: %+v", rep.Findings)
	}
	if h := hits[0]; h.Code != "SVU590" || h.Location.Field != "59" || h.Location.Line == 0 || h.Message != "sanctions hit: JANE SMITH" || h.RuleSet != "ext@1" {
		t.Errorf("first hit %+v", h)
	}
	if h := hits[1]; h.Location.Path != "/nowhere" {
		t.Errorf("second hit %+v", h)
	}
	d.answer.Store(`{"hits":[]}`)
	if rep := f.validate(t); !rep.Valid {
		t.Errorf("no hits: want valid, got %+v", rep.Findings)
	}
}

// TestBreakerLifecycle: failures open the breaker after the configured
// ratio; while open the fallback applies without a call; once open_for has
// passed a half-open probe that succeeds closes it again.
func TestBreakerLifecycle(t *testing.T) {
	d := newDep(t)
	f := newFixture(t, 2*time.Second, screenSet(d.srv.URL, "1s", "fail-closed", ""))
	c := checkOf(t, f.e, "screen")
	d.mode.Store(modeFail)
	for i := range 2 {
		rep := f.validate(t)
		x := sve(rep)
		if rep.Valid || x == nil || x.Severity != engine.Error || !strings.Contains(x.Message, "HTTP 503") {
			t.Fatalf("message %d with the dependency failing: %+v", i, rep.Findings)
		}
	}
	if n := d.calls.Load(); n != 4 {
		t.Fatalf("%d calls, want 4 (two messages, one retry each)", n)
	}
	if s := c.BreakerState(); s != "open" {
		t.Fatalf("breaker %s after 4 failures in 4 calls, want open", s)
	}
	rep := f.validate(t)
	if x := sve(rep); rep.Valid || x == nil || !strings.Contains(x.Message, "circuit breaker open") {
		t.Fatalf("while open: %+v", rep.Findings)
	}
	if n := d.calls.Load(); n != 4 {
		t.Fatalf("the dependency was called while the breaker was open (%d calls)", n)
	}
	d.mode.Store(modeAnswer)
	waitFor(t, func() bool { return c.BreakerState() == "half-open" }, "the breaker to turn half-open")
	rep = f.validate(t)
	if !rep.Valid || sve(rep) != nil {
		t.Fatalf("half-open probe with the dependency back: %+v", rep.Findings)
	}
	if s := c.BreakerState(); s != "closed" {
		t.Fatalf("breaker %s after a successful probe, want closed", s)
	}
	st := f.hub.Status()
	if len(st) != 1 || st[0].State != "closed" || st[0].Checks[0] != "screen" || strings.Contains(st[0].Endpoint, "?") {
		t.Errorf("status %+v", st)
	}
	m := gather(t, f.hub)
	for _, want := range []string{
		`swiftval_external_calls_total{check="screen",endpoint="` + d.srv.URL + `/screen",outcome="error"} 4`,
		`swiftval_external_calls_total{check="screen",endpoint="` + d.srv.URL + `/screen",outcome="rejected"} 1`,
		`swiftval_external_calls_total{check="screen",endpoint="` + d.srv.URL + `/screen",outcome="ok"} 1`,
		`swiftval_external_fallbacks_total{check="screen",endpoint="` + d.srv.URL + `/screen",fallback="fail-closed"} 3`,
		`swiftval_external_breaker_transitions_total{endpoint="` + d.srv.URL + `/screen",from="closed",to="open"} 1`,
		`swiftval_external_breaker_transitions_total{endpoint="` + d.srv.URL + `/screen",from="half-open",to="closed"} 1`,
		`swiftval_external_breaker_state{endpoint="` + d.srv.URL + `/screen"} 0`,
		`swiftval_external_call_duration_seconds_count{check="screen",endpoint="` + d.srv.URL + `/screen"} 5`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestHangingDependencyKeepsTheBudget: a dependency that never answers
// costs at most the message's budget (the check's own timeout is longer),
// and a fail-open check leaves the message valid with a warning.
func TestHangingDependencyKeepsTheBudget(t *testing.T) {
	d := newDep(t)
	d.mode.Store(modeHang)
	const budget = 300 * time.Millisecond
	f := newFixture(t, budget, screenSet(d.srv.URL, "10s", "fail-open", ""))
	rep := f.validate(t)
	x := sve(rep)
	// "timed out": the call's own deadline, or (on a machine too busy to
	// run the call's goroutine in time) the rule's guard at the same point.
	if !rep.Valid || !rep.Complete || x == nil || x.Severity != engine.Warning || !strings.Contains(x.Message, "fail-open") || !strings.Contains(x.Message, "timed out") {
		t.Fatalf("fail-open check on a hanging dependency: valid %v complete %v %+v", rep.Valid, rep.Complete, rep.Findings)
	}
	// A generous margin: the call ends at the budget less its reserve; the
	// margin covers scheduling on a loaded machine, not a second call.
	t.Logf("elapsed %s, budget %s", rep.Elapsed, budget)
	if rep.Elapsed > budget+budget {
		t.Fatalf("report took %s, budget %s", rep.Elapsed, budget)
	}
}

func TestGarbageAnswer(t *testing.T) {
	d := newDep(t)
	d.mode.Store(modeGarbage)
	f := newFixture(t, time.Second, screenSet(d.srv.URL, "1s", "fail-closed", ""))
	rep := f.validate(t)
	if x := sve(rep); rep.Valid || x == nil || !strings.Contains(x.Message, "answer is not JSON") {
		t.Fatalf("garbage answer: %+v", rep.Findings)
	}
	d.mode.Store(modeAnswer)
	d.answer.Store(`{"hits": 7}`)
	rep = f.validate(t)
	if x := sve(rep); rep.Valid || x == nil || !strings.Contains(x.Message, "response mapping failed") {
		t.Fatalf("answer of another shape: %+v", rep.Findings)
	}
}

// TestFailClosedNotDowngraded: a severity override turns the check's own
// findings into warnings, but not its fail-closed fallback.
func TestFailClosedNotDowngraded(t *testing.T) {
	d := newDep(t)
	d.mode.Store(modeFail)
	f := newFixture(t, time.Second, screenSet(d.srv.URL, "1s", "fail-closed", "severity_overrides:\n  screen: warning\n"))
	rep := f.validate(t)
	if x := sve(rep); rep.Valid || x == nil || x.Severity != engine.Error {
		t.Fatalf("fail-closed under a warning override: %+v", rep.Findings)
	}
	d.mode.Store(modeAnswer)
	d.answer.Store(`{"hits":[{"name":"X","field":"59"}]}`)
	rep = f.validate(t)
	if !rep.Valid || len(rep.Findings) == 0 || rep.Findings[0].Severity != engine.Warning {
		t.Fatalf("hit under a warning override: %+v", rep.Findings)
	}
}

// TestCallsOfOneMessageRunConcurrently: each dependency answers only once
// the other's call has arrived, so the message is answered only if both
// calls are in flight together.
func TestCallsOfOneMessageRunConcurrently(t *testing.T) {
	arrived := map[string]chan struct{}{"/a": make(chan struct{}), "/b": make(chan struct{})}
	other := map[string]string{"/a": "/b", "/b": "/a"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived[r.URL.Path])
		select {
		case <-arrived[other[r.URL.Path]]:
			io.WriteString(w, `["hit from `+r.URL.Path+`"]`)
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	set := fmt.Sprintf(`name: ext
external_checks:
  - {id: a, url: %[1]s/a, timeout: 5s, fallback: fail-closed, code: SVU591, request: 'tx.uetr', response: response}
  - {id: b, url: %[1]s/b, timeout: 5s, fallback: fail-closed, code: SVU592, request: 'tx.uetr', response: response}
`, srv.URL)
	f := newFixture(t, 10*time.Second, set)
	rep := f.validate(t)
	var got []string
	for _, x := range rep.Findings {
		if x.Rule == "a" || x.Rule == "b" {
			got = append(got, x.Code+" "+x.Message)
		}
	}
	if strings.Join(got, "|") != "SVU591 hit from /a|SVU592 hit from /b" {
		t.Fatalf("findings %q (all %+v)", got, rep.Findings)
	}
}

func TestCacheAnswersRepeats(t *testing.T) {
	d := newDep(t)
	f := newFixture(t, time.Second, screenSet(d.srv.URL, "1s", "fail-closed", "")+"    cache: {ttl: 1m, size: 10}\n")
	for range 3 {
		if rep := f.validate(t); !rep.Valid {
			t.Fatalf("%+v", rep.Findings)
		}
	}
	if n := d.calls.Load(); n != 1 {
		t.Fatalf("%d calls for three equal requests, want 1", n)
	}
	if m := gather(t, f.hub); !strings.Contains(m, `outcome="hit"} 2`) {
		t.Errorf("metrics lack two cache hits:\n%s", m)
	}
}

// TestConcurrencyLimit: with one call allowed in flight, a second message
// waits for the slot no longer than its budget, then falls back.
func TestConcurrencyLimit(t *testing.T) {
	d := newDep(t)
	d.mode.Store(modeHang)
	f := newFixture(t, 30*time.Second, screenSet(d.srv.URL, "20s", "fail-closed", "    concurrency: 1\n"))
	first := make(chan *engine.Report)
	go func() { first <- f.validate(t) }()
	waitFor(t, func() bool { return d.calls.Load() == 1 }, "the first call to arrive")
	rep := f.e.ValidateWith(context.Background(), mt103, engine.ValidateOptions{Budget: 200 * time.Millisecond})
	if x := sve(rep); rep.Valid || x == nil {
		t.Fatalf("second message: %+v", rep.Findings)
	}
	if n := d.calls.Load(); n != 1 {
		t.Fatalf("%d calls, want 1", n)
	}
	// The second call gave up waiting for a slot (its goroutine counts the
	// rejection when its deadline passes, which the rule's own guard may
	// have reported first on a busy machine).
	waitFor(t, func() bool { return strings.Contains(gather(t, f.hub), `outcome="rejected"} 1`) }, "the second call to be rejected by the concurrency limit")
	d.mode.Store(modeAnswer)
	d.once.Do(func() { close(d.release) })
	<-first
}

// TestNoGoroutineLeak: calls cut short by the budget, by an open breaker
// and by cancelled validations leave no goroutine behind once the
// dependency is gone.
func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		d := newDep(t)
		d.mode.Store(modeHang)
		f := newFixture(t, 50*time.Millisecond, screenSet(d.srv.URL, "10s", "fail-open", ""))
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() { f.validate(t) })
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		f.e.Validate(ctx, mt103)
		wg.Wait()
		f.hub.CloseIdleConnections()
		d.close()
	}()
	waitFor(t, func() bool { return runtime.NumGoroutine() <= before+2 }, fmt.Sprintf("goroutines to return to %d", before))
}

func TestRefusedAtLoad(t *testing.T) {
	dir := t.TempDir()
	e := swiftval.New(engine.Options{})
	good := `url: http://127.0.0.1:1/x, timeout: 1s, fallback: fail-closed, code: SVU590, request: 'tx.uetr', response: 'response'`
	for _, c := range []struct{ name, check, want string }{
		{"invalid URL", `{id: c1, url: 'ftp://host/x', timeout: 1s, fallback: fail-closed, code: SVU590, request: 'tx.uetr', response: 'response'}`, "must be an absolute http:// or https:// URL"},
		{"URL with credentials", `{id: c1, url: 'https://u:p@host/x', timeout: 1s, fallback: fail-closed, code: SVU590, request: 'tx.uetr', response: 'response'}`, "must not carry credentials"},
		{"CEL syntax error", `{id: c1, ` + strings.Replace(good, "'tx.uetr'", "'tx.uetr +'", 1) + `}`, "request: Syntax error"},
		{"CEL type error", `{id: c1, ` + good + `, when: '"yes"'}`, "when must be a bool expression"},
		{"misspelt view name", `{id: c1, ` + strings.Replace(good, "'tx.uetr'", "'tx.debter.name'", 1) + `}`, "no such key: debter"},
		{"missing secret file", `{id: c1, ` + good + `, auth: {secret_file: missing.token}}`, "cannot read missing.token"},
		{"unset secret variable", `{id: c1, ` + good + `, auth: {secret_env: SWIFTVAL_SECRET_TEST_UNSET}}`, "SWIFTVAL_SECRET_TEST_UNSET is not set"},
		{"secret variable without the prefix", `{id: c1, ` + good + `, auth: {secret_env: HOME}}`, "secrets are read only from variables named SWIFTVAL_SECRET_*"},
		{"secret file outside the set's folder", `{id: c1, ` + good + `, auth: {secret_file: /etc/hostname}}`, "outside the rule set's folder"},
		{"endpoint not allowed", `{id: c1, ` + strings.Replace(good, "127.0.0.1:1", "10.0.0.1", 1) + `}`, "not among the endpoints this process may call"},
		{"endpoint on another port of an allowed host with a port", `{id: c1, ` + strings.Replace(good, "http://127.0.0.1:1/x", "https://bank.example:9443/x", 1) + `}`, "not among the endpoints this process may call"},
		{"inline secret header", `{id: c1, ` + good + `, headers: {Authorization: Bearer x}}`, "looks like a secret"},
		{"secret over plain http", `{id: c1, ` + strings.Replace(good, "127.0.0.1:1", "example.com", 1) + `, auth: {secret_file: token}}`, "only sent over https"},
		{"bad fallback", `{id: c1, ` + strings.Replace(good, "fail-closed", "fail-soft", 1) + `}`, "fallback must be fail-closed or fail-open"},
		{"missing field", `{id: c1, timeout: 1s, fallback: fail-open, code: SVU590, request: 'tx.uetr', response: 'response'}`, `missing field "url"`},
		{"unknown field", `{id: c1, ` + good + `, retries: 3}`, `unknown field "retries"`},
		{"bad breaker ratio", `{id: c1, ` + good + `, breaker: {failure_ratio: 2}}`, "failure_ratio must be a number above 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, "token"), []byte("s3cret\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			set := "name: ext\nexternal_checks:\n  - " + c.check + "\n"
			file := filepath.Join(dir, "ext.yaml")
			if err := os.WriteFile(file, []byte(set), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := custom.NewManager(e, custom.ManagerOptions{Dir: dir, External: external.NewHub(external.HubOptions{Endpoints: []string{"http://127.0.0.1/", "http://example.com/", "https://bank.example:8443/"}})})
			var le *custom.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a *custom.LoadError", err)
			}
			p := le.Problems[0]
			if p.RuleID != "c1" || !strings.Contains(p.Message, c.want) || p.Line == 0 || !strings.Contains(err.Error(), "rule c1: external check") {
				t.Fatalf("got %q (problem %+v), want it to name check c1 and say %q", err, p, c.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Fatal("the error shows the secret")
			}
		})
	}
	t.Run("no external support", func(t *testing.T) {
		m, _ := custom.NewManager(e, custom.ManagerOptions{})
		err := m.Put("ext", []byte("name: ext\nexternal_checks:\n  - {id: c1, "+good+"}\n"))
		if err == nil || !strings.Contains(err.Error(), "runs no external checks") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestSecretSent(t *testing.T) {
	d := newDep(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SWIFTVAL_SECRET_TEST_KEY", "k3y")
	set := screenSet(d.srv.URL, "1s", "fail-closed", "") + "    auth: {secret_file: " + filepath.Join(dir, "token") + "}\n" +
		"  - {id: two, url: " + d.srv.URL + "/two, timeout: 1s, fallback: fail-open, code: SVU591, request: 'tx.uetr', response: '[]', auth: {header: X-Api-Key, scheme: '', secret_env: SWIFTVAL_SECRET_TEST_KEY}}\n"
	f := newFixtureWith(t, time.Second, set, external.HubOptions{Endpoints: loopback, SecretDir: dir})
	f.e.SetEnabled("two", false)
	f.validate(t)
	if got := d.header.Load().(http.Header).Get("Authorization"); got != "Bearer s3cret" {
		t.Errorf("Authorization %q", got)
	}
	f.e.SetEnabled("two", true)
	f.e.SetEnabled("screen", false)
	f.validate(t)
	if got := d.header.Load().(http.Header).Get("X-Api-Key"); got != "k3y" {
		t.Errorf("X-Api-Key %q", got)
	}
	t.Run("confined to the secret folder", func(t *testing.T) {
		hub := external.NewHub(external.HubOptions{Endpoints: loopback, SecretDir: t.TempDir()})
		m, _ := custom.NewManager(swiftval.New(engine.Options{}), custom.ManagerOptions{External: hub})
		err := m.Put("ext", []byte(screenSet(d.srv.URL, "1s", "fail-closed", "")+"    auth: {secret_file: "+filepath.Join(dir, "token")+"}\n"))
		if err == nil || !strings.Contains(err.Error(), "outside the secret folder") {
			t.Fatalf("got %v", err)
		}
	})
}

// checkOf returns the external check of that ID registered in e.
func checkOf(t *testing.T, e *engine.Engine, id string) *external.Check {
	t.Helper()
	for _, s := range e.RuleSets() {
		for _, r := range s.Rules {
			if c, ok := r.(*external.Check); ok && c.Info().ID == id {
				return c
			}
		}
	}
	t.Fatalf("no external check %s", id)
	return nil
}

// waitFor polls cond until it holds, for at most 10 s: it waits for time
// to pass (a breaker's open period) or for other goroutines to end, not to
// order events.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// gather renders the hub's metrics in the text format.
func gather(t *testing.T, c prometheus.Collector) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for _, mf := range mfs {
		for _, m := range mf.Metric {
			var labels []string
			for _, l := range m.Label {
				labels = append(labels, l.GetName()+`="`+l.GetValue()+`"`)
			}
			name := mf.GetName()
			lv := "{" + strings.Join(labels, ",") + "}"
			switch {
			case m.Counter != nil:
				fmt.Fprintf(&sb, "%s%s %v\n", name, lv, m.Counter.GetValue())
			case m.Gauge != nil:
				fmt.Fprintf(&sb, "%s%s %v\n", name, lv, m.Gauge.GetValue())
			case m.Histogram != nil:
				fmt.Fprintf(&sb, "%s_count%s %v\n", name, lv, m.Histogram.GetSampleCount())
			}
		}
	}
	return sb.String()
}

// TestRegexpsCompile: the package's regular expressions are compiled on
// first use; each must compile, so that none can fail in a user's run.
func TestRegexpsCompile(t *testing.T) {
	if err := lazyre.CompileAll(); err != nil {
		t.Fatal(err)
	}
}
