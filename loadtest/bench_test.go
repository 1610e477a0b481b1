package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// The test binary doubles as a server for the spawn test: with
// SVBENCH_HELPER_SERVE=1 it serves the no-op handler and a /metrics page on
// the --addr it is given, until interrupted.
func TestMain(m *testing.M) {
	if os.Getenv("SVBENCH_HELPER_SERVE") == "1" {
		helperServe()
		return
	}
	os.Exit(m.Run())
}

// spawnHelper starts this test binary as a no-op server in another process
// (TestMain's helperServe), stopped when t ends.
func spawnHelper(t *testing.T) *Server {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SVBENCH_HELPER_SERVE", "1")
	srv, err := SpawnServer(exe, []string{"-test.run=^$"}, 10*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return srv
}

func helperServe() {
	addr := ""
	for i, a := range os.Args {
		if a == "--addr" && i+1 < len(os.Args) {
			addr = os.Args[i+1]
		}
	}
	mux := http.NewServeMux()
	mux.Handle(ValidatePath, NoopHandler())
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, sampleMetrics)
	})
	_ = http.ListenAndServe(addr, mux)
}

const sampleMetrics = `# HELP go_gc_duration_seconds A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.
# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0"} 2.1e-05
go_gc_duration_seconds{quantile="0.5"} 4.5e-05
go_gc_duration_seconds{quantile="1"} 0.000312
go_gc_duration_seconds_sum 0.0125
go_gc_duration_seconds_count 42
# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 17
`

func within(got, want time.Duration, rel float64) bool {
	return math.Abs(float64(got-want)) <= rel*float64(want)+float64(time.Microsecond)
}

func TestParseServerTiming(t *testing.T) {
	tests := []struct {
		h    string
		want time.Duration
		ok   bool
	}{
		{"validate;dur=0.153", 153 * time.Microsecond, true},
		{"validate;dur=2", 2 * time.Millisecond, true},
		{`db;dur=5, validate;desc="engine";dur=1.5`, 1500 * time.Microsecond, true},
		{"validate; dur = 0.25", 250 * time.Microsecond, true},
		{`validate;dur="3"`, 3 * time.Millisecond, true},
		{"validate", 0, false},
		{"validate;dur=abc", 0, false},
		{"validate;dur=-1", 0, false},
		{"parse;dur=1", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseServerTiming(tt.h, "validate")
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseServerTiming(%q) = %v, %v; want %v, %v", tt.h, got, ok, tt.want, tt.ok)
		}
	}
	if n := testing.AllocsPerRun(100, func() { ParseServerTiming(`db;dur=5, validate;dur=1.5`, "validate") }); n != 0 {
		t.Errorf("ParseServerTiming allocates %v times", n)
	}
}

func TestParseMix(t *testing.T) {
	tests := []struct {
		in      string
		want    map[string]int
		wantErr bool
	}{
		{"", nil, false},
		{"mt103=5,pacs008=2", map[string]int{"mt103": 5, "pacs008": 2}, false},
		{" MT103 = 1 ", map[string]int{"mt103": 1}, false},
		{"mt103", nil, true},
		{"mt103=0", nil, true},
		{"mt103=x", nil, true},
		{"mt103=1,mt103=2", nil, true},
		{"=3", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseMix(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseMix(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("ParseMix(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNewMix(t *testing.T) {
	samples := BuiltinSamples()
	tests := []struct {
		name    string
		weights map[string]int
		want    map[string]int
		wantErr bool
	}{
		{"equal", nil, map[string]int{"mt103": 1, "mt202": 1, "mt940": 1, "pacs008": 1, "pacs008cbpr": 1, "pacs009": 1, "camt053": 1}, false},
		{"weighted", map[string]int{"mt103": 5, "pacs008": 2}, map[string]int{"mt103": 5, "pacs008": 2}, false},
		{"prefix", map[string]int{"pacs": 3}, map[string]int{"pacs008": 3, "pacs008cbpr": 3, "pacs009": 3}, false},
		{"unknown", map[string]int{"mt999": 1}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMix(samples, tt.weights)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got := m.Weights(); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("weights = %v, want %v", got, tt.want)
			}
		})
	}
	// Interleaved: with 5:2, pacs008 never comes three times in a row and
	// mt103 never more than three times in a row.
	m, _ := NewMix(samples, map[string]int{"mt103": 5, "pacs008": 2})
	var seq []string
	for i := range int64(14) {
		seq = append(seq, m.Sample(i).Name)
	}
	if s := strings.Join(seq, " "); strings.Contains(s, "mt103 mt103 mt103 mt103") || strings.Contains(s, "pacs008 pacs008") {
		t.Errorf("mix not interleaved: %s", s)
	}
}

func TestBuiltinSamples(t *testing.T) {
	got := BuiltinSamples()
	if len(got) != len(builtinNames) {
		t.Fatalf("%d samples, want %d", len(got), len(builtinNames))
	}
	for i, s := range got {
		if s.Name != builtinNames[i] {
			t.Errorf("sample %d is %q, want %q", i, s.Name, builtinNames[i])
		}
		isXML := strings.HasPrefix(s.Name, "pacs") || strings.HasPrefix(s.Name, "camt")
		if want := map[bool]string{true: "application/xml", false: "text/plain"}[isXML]; s.ContentType != want {
			t.Errorf("%s: content type %q, want %q", s.Name, s.ContentType, want)
		}
		if isXML {
			d := xml.NewDecoder(bytes.NewReader(s.Body))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Errorf("%s: not well-formed XML: %v", s.Name, err)
					break
				}
			}
		} else {
			b := string(s.Body)
			if !strings.HasPrefix(b, "{1:F01") || !strings.HasSuffix(b, "\r\n-}") || strings.Contains(strings.ReplaceAll(b, "\r\n", ""), "\n") {
				t.Errorf("%s: not a FIN message with CRLF line ends", s.Name)
			}
		}
	}
}

func TestLoadCorpus(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/a.xml", []byte("  <Document/>"), 0o644)
	os.WriteFile(dir+"/B.fin", []byte("{1:F01}"), 0o644)
	os.WriteFile(dir+"/.hidden", []byte("x"), 0o644)
	got, err := LoadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	// ReadDir order: "B.fin" sorts before "a.xml".
	if len(got) != 2 || got[1].Name != "a" || got[1].ContentType != "application/xml" || got[0].Name != "b" || got[0].ContentType != "text/plain" {
		t.Errorf("LoadCorpus = %+v", got)
	}
	if _, err := LoadCorpus(t.TempDir()); err == nil {
		t.Error("LoadCorpus of an empty dir: no error")
	}
}

// TestSummarize checks the reported percentiles against a known
// distribution (1 µs to 10 ms, uniform) within the histogram's precision.
func TestSummarize(t *testing.T) {
	h := hdrhistogram.New(histLow, histHigh, histDigits)
	for v := int64(1); v <= 10000; v++ {
		clampRec(h, time.Duration(v)*time.Microsecond)
	}
	s := summarize(h)
	tests := []struct {
		name string
		got  Millis
		want time.Duration
	}{
		{"P50", s.P50, 5000 * time.Microsecond},
		{"P90", s.P90, 9000 * time.Microsecond},
		{"P99", s.P99, 9900 * time.Microsecond},
		{"P99.9", s.P999, 9990 * time.Microsecond},
		{"max", s.Max, 10000 * time.Microsecond},
		{"min", s.Min, time.Microsecond},
	}
	for _, tt := range tests {
		if !within(tt.got.D(), tt.want, 0.001) {
			t.Errorf("%s = %v, want %v within 0.1%%", tt.name, tt.got.D(), tt.want)
		}
	}
}

// injectedServer answers with a known latency distribution: one request in
// every slowEvery takes slow, the others fast; Server-Timing reports the
// injected delay exactly, and every failEvery-th request (when > 0) fails
// with 503.
func injectedServer(t *testing.T, fast, slow time.Duration, slowEvery, failEvery int64) *httptest.Server {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		i := n.Add(1)
		if failEvery > 0 && i%failEvery == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		d := fast
		if i%slowEvery == 0 {
			d = slow
		}
		time.Sleep(d)
		w.Header().Set("Server-Timing", fmt.Sprintf("validate;dur=%g", float64(d)/1e6))
		io.WriteString(w, `{"valid":true}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func mustMix(t *testing.T) *Mix {
	t.Helper()
	m, err := NewMix(BuiltinSamples(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func httpTarget(t *testing.T, url string, conns int) *HTTPTarget {
	t.Helper()
	if !IsLoopback(url) {
		t.Fatalf("%s is not loopback", url)
	}
	tg, err := NewHTTPTarget(url, conns, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tg.Close)
	return tg
}

// TestRunInjectedLatency runs against a server with 2 % of requests taking
// 20 ms and the rest 2 ms: the server-side figures (from Server-Timing) must
// be exact within the histogram's precision, the client-side ones at least
// the injected latency and not far above, and the gate must fail or pass
// according to the targets.
func TestRunInjectedLatency(t *testing.T) {
	for _, c := range clients {
		for _, goroutines := range []bool{false, true} {
			name := c.name
			if goroutines {
				if c.name != "raw" {
					continue // only the raw client has an event loop
				}
				name += "-goroutines"
			}
			t.Run(name, func(t *testing.T) {
				testInjectedLatency(t, goroutines, func(url string) Target {
					tg, err := c.make(url, 16, 5*time.Second)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(tg.Close)
					return tg
				})
			})
		}
	}
}

func testInjectedLatency(t *testing.T, goroutines bool, target func(url string) Target) {
	const fast, slow = 2 * time.Millisecond, 20 * time.Millisecond
	srv := injectedServer(t, fast, slow, 50, 0)
	rep, err := Run(context.Background(), Config{
		Target: target(srv.URL), Mix: mustMix(t),
		Rate: 250, Duration: 2 * time.Second, Warmup: 200 * time.Millisecond, Connections: 16,
		Goroutines: goroutines,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Scheduled != 500 || rep.Completed != 500 || rep.OK != 500 || rep.ErrorCount != 0 {
		t.Fatalf("scheduled %d completed %d ok %d errors %d %v", rep.Scheduled, rep.Completed, rep.OK, rep.ErrorCount, rep.Errors)
	}
	if rep.Server == nil {
		t.Fatal("no server figures from Server-Timing")
	}
	for _, c := range []struct {
		name string
		got  Millis
		want time.Duration
	}{{"server P50", rep.Server.P50, fast}, {"server P90", rep.Server.P90, fast}, {"server P99", rep.Server.P99, slow}, {"server max", rep.Server.Max, slow}} {
		if !within(c.got.D(), c.want, 0.001) {
			t.Errorf("%s = %v, want %v within 0.1%%", c.name, c.got.D(), c.want)
		}
	}
	// Client-side: never below the injected latency. Above it by loopback
	// and scheduling costs, bounded (from the actual send, so that the
	// pacer's lag on a starved machine does not count) loosely because the
	// test machine is shared.
	for _, c := range []struct {
		name       string
		got, sent  Millis
		want, over time.Duration
	}{{"P50", rep.Latency.P50, rep.Service.P50, fast, 50 * time.Millisecond}, {"P99", rep.Latency.P99, rep.Service.P99, slow, time.Second}} {
		if c.got.D() < c.want || c.sent.D() < c.want || c.sent.D() > c.want+c.over || c.got < c.sent {
			t.Errorf("client %s = %v (from send %v), want at least %v, from send at most %v", c.name, c.got.D(), c.sent.D(), c.want, c.want+c.over)
		}
	}
	if rep.Throughput < 100 || rep.Throughput > 260 {
		t.Errorf("throughput %.0f/s, want about 250/s", rep.Throughput)
	}
	if len(rep.Series) < 2 {
		t.Errorf("series has %d windows", len(rep.Series))
	}

	gates := []struct {
		name string
		gate Gate
		pass bool
	}{
		{"P99 under the slow latency fails", Gate{P99: Millis(10 * time.Millisecond)}, false},
		{"P99 well above passes", Gate{P99: Millis(time.Minute)}, true},
		{"P99.9 under the slow latency fails", Gate{P999: Millis(10 * time.Millisecond)}, false},
		{"both above pass", Gate{P99: Millis(time.Minute), P999: Millis(time.Minute)}, true},
		{"server P99 under the slow latency fails", Gate{ServerP99: Millis(10 * time.Millisecond)}, false},
		{"server P99 above the slow latency passes", Gate{ServerP99: Millis(21 * time.Millisecond)}, true},
	}
	for _, g := range gates {
		t.Run(g.name, func(t *testing.T) {
			got := g.gate.Check(rep)
			if got.Pass != g.pass {
				t.Errorf("pass = %v, want %v (failures %v)", got.Pass, g.pass, got.Failures)
			}
			if !got.Pass && len(got.Failures) == 0 {
				t.Error("failed gate without a reason")
			}
			var buf bytes.Buffer
			rep.WriteText(&buf)
			if want := map[bool]string{true: "gate         PASS", false: "gate         FAIL"}[g.pass]; !strings.Contains(buf.String(), want) {
				t.Errorf("text report lacks %q:\n%s", want, buf.String())
			}
		})
	}

	// The JSON report round-trips its figures.
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Latency.P99.D().Round(time.Microsecond) != rep.Latency.P99.D().Round(time.Microsecond) || back.OK != rep.OK {
		t.Errorf("JSON round trip: P99 %v ok %d, want %v %d", back.Latency.P99.D(), back.OK, rep.Latency.P99.D(), rep.OK)
	}

	var html bytes.Buffer
	if err := WriteHTML(&html, rep, nil); err != nil {
		t.Fatal(err)
	}
	h := html.String()
	if strings.Count(h, "<svg") != 2 || strings.Contains(h, "<script") || strings.Contains(h, "src=") || strings.Contains(h, "href=") {
		t.Errorf("HTML report is not a self-contained page with two plots")
	}
}

func TestRunErrorsByKind(t *testing.T) {
	srv := injectedServer(t, 0, 0, 1, 5)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	tests := []struct {
		name     string
		url      string
		kind     string
		min, max int64
		gatePass bool
	}{
		{"503 on one in five", srv.URL, "http_503", 15, 25, false},
		{"connection refused", closedURL, "conn_refused", 100, 100, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Run(context.Background(), Config{
				Target: httpTarget(t, tt.url, 4), Mix: mustMix(t),
				Rate: 200, Duration: 500 * time.Millisecond, Connections: 4,
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := rep.Errors[tt.kind]; got < tt.min || got > tt.max || rep.ErrorCount != got {
				t.Errorf("errors %v, want %s from %d to %d", rep.Errors, tt.kind, tt.min, tt.max)
			}
			if g := (Gate{P99: Millis(time.Minute), MaxErrorRate: 0.01}).Check(rep); g.Pass != tt.gatePass {
				t.Errorf("gate pass = %v, want %v", g.Pass, tt.gatePass)
			}
		})
	}
}

func TestRunConfigErrors(t *testing.T) {
	good := Config{Target: NewInprocTarget(nil, engineOpts), Mix: mustMix(t), Rate: 10, Duration: time.Second, Connections: 1}
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"no target", func(c *Config) { c.Target = nil }},
		{"no mix", func(c *Config) { c.Mix = nil }},
		{"zero rate", func(c *Config) { c.Rate = 0 }},
		{"rate too high", func(c *Config) { c.Rate = MaxRate + 1 }},
		{"zero duration", func(c *Config) { c.Duration = 0 }},
		{"no connection", func(c *Config) { c.Connections = 0 }},
		{"too many requests", func(c *Config) { c.Rate, c.Duration = MaxRate, time.Hour }},
		{"no request scheduled", func(c *Config) { c.Rate, c.Duration = 0.5, time.Second }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.edit(&c)
			if _, err := Run(context.Background(), c); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestRunCancel(t *testing.T) {
	srv := injectedServer(t, time.Millisecond, time.Millisecond, 1, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep, err := Run(ctx, Config{Target: httpTarget(t, srv.URL, 4), Mix: mustMix(t), Rate: 100, Duration: time.Minute, Connections: 4})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancelled run took %v", d)
	}
	if rep.Completed >= rep.Scheduled {
		t.Errorf("cancelled run completed everything")
	}
}

// TestRamp loads a server that handles one request at a time in 10 ms (at
// most 100/s): the ramp must pass 20/s and fail at 800/s, where at most an
// eighth of the requests can be answered. The targets are loose (P99 5 s,
// half the rate) because the test machine is shared and steps are short:
// the knee shows in the throughput.
func TestRamp(t *testing.T) {
	sem := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		sem <- struct{}{}
		time.Sleep(10 * time.Millisecond)
		<-sem
	}))
	defer srv.Close()
	res, err := Ramp(context.Background(), RampConfig{
		Run:   Config{Target: httpTarget(t, srv.URL, 64), Mix: mustMix(t), Duration: 500 * time.Millisecond, Warmup: 200 * time.Millisecond, Connections: 64, Drain: time.Second},
		Start: 20, Step: 780, Max: 1000, P99: 5 * time.Second, MinThroughput: 0.5, Retries: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	res.WriteText(&buf)
	t.Log("\n" + buf.String())
	if res.Best != 20 || res.Knee != 800 {
		t.Errorf("best %.0f knee %.0f, want 20 and 800:\n%s", res.Best, res.Knee, buf.String())
	}
	if last := res.Steps[len(res.Steps)-1]; last.Pass || last.Why == "" || strings.Contains(last.Why, "run again") {
		t.Errorf("last step %+v should be the failing knee", last)
	}
	if n := len(res.Steps); n != 3 || !strings.HasSuffix(res.Steps[1].Why, "(run again)") || res.Steps[1].Rate != 800 {
		t.Errorf("want 20/s, 800/s failing and run again, 800/s failing; got %d steps: %+v", n, res.Steps)
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, nil, res); err != nil || !strings.Contains(html.String(), "Ramp") {
		t.Errorf("ramp HTML: %v", err)
	}
	if _, err := Ramp(context.Background(), RampConfig{Start: 1, Step: 1}); err == nil {
		t.Error("ramp without a target: no error")
	}
}

func TestErrorKind(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{context.Canceled, "canceled"},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), "timeout"},
		{io.ErrUnexpectedEOF, "eof"},
		{errors.New("something"), "transport"},
	}
	for _, tt := range tests {
		if got := ErrorKind(tt.err); got != tt.want {
			t.Errorf("ErrorKind(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	tests := map[string]bool{
		"http://127.0.0.1:8080": true, "http://localhost:1": true, "http://[::1]:80/x": true,
		"http://10.0.0.1:80": false, "http://example.com": false, "::": false,
	}
	for u, want := range tests {
		if got := IsLoopback(u); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", u, got, want)
		}
	}
}

func TestProcParsers(t *testing.T) {
	hwm, rss, err := parseStatus([]byte("Name:\tx\nVmHWM:\t  51200 kB\nVmRSS:\t  40960 kB\n"))
	if err != nil || hwm != 50<<20 || rss != 40<<20 {
		t.Errorf("parseStatus = %d, %d, %v", hwm, rss, err)
	}
	if _, _, err := parseStatus([]byte("Name: x\n")); err == nil {
		t.Error("parseStatus without VmHWM: no error")
	}
	cpu, err := parseStat([]byte("123 (a b) S 1 1 1 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 8 0 1 2 3"))
	if err != nil || cpu != 3 {
		t.Errorf("parseStat = %v, %v; want 3s", cpu, err)
	}
	g := parseMetrics(strings.NewReader(sampleMetrics))
	if !g.ok || g.goroutines != 17 || g.count != 42 || g.sum != 0.0125 || g.max != 0.000312 {
		t.Errorf("parseMetrics = %+v", g)
	}
	p := &Proc{PID: os.Getpid()}
	p.Begin()
	st := p.Stats(1)
	if st.PeakRSS <= 0 || st.RSS <= 0 || st.Goroutines != -1 {
		t.Errorf("Stats of self = %+v", st)
	}
}

// TestSpawn starts this test binary as a server (see TestMain), loads it
// briefly and reads its process figures.
func TestSpawn(t *testing.T) {
	srv := spawnHelper(t)
	if !IsLoopback(srv.URL) {
		t.Fatalf("spawned on %s", srv.URL)
	}
	var began atomic.Bool
	rep, err := Run(context.Background(), Config{Target: httpTarget(t, srv.URL, 2), Mix: mustMix(t), Rate: 200, Duration: 300 * time.Millisecond,
		Warmup: 100 * time.Millisecond, Connections: 2, MeasureStart: func() { srv.Proc.Begin(); began.Store(true) }})
	if err != nil {
		t.Fatal(err)
	}
	if !began.Load() {
		t.Error("MeasureStart not called")
	}
	rep.Process = srv.Proc.Stats(rep.OK)
	if rep.OK != rep.Scheduled {
		t.Errorf("ok %d of %d: %v", rep.OK, rep.Scheduled, rep.Errors)
	}
	p := rep.Process
	if p.PeakRSS <= 0 || p.Goroutines != 17 || p.GCPauseMax.D() != 312*time.Microsecond || p.Note != "" {
		t.Errorf("process stats %+v", p)
	}
	if err := srv.Stop(); err != nil {
		t.Error(err)
	}
}

func TestNoopHandlerAllocs(t *testing.T) {
	h := NoopHandler()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", ValidatePath, strings.NewReader("x"))
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("Server-Timing") != "validate;dur=0" {
		t.Errorf("no-op answered %d %v", rec.Code, rec.Header())
	}
}

// TestRecordAllocs pins the recorder's hot path at zero allocations: the
// workers call it once per request.
func TestRecordAllocs(t *testing.T) {
	r := newRecorder(4, time.Second, 0)
	o := Outcome{Server: time.Millisecond, HasServer: true}
	r.record(0, time.Millisecond, time.Millisecond, 0, 0, time.Millisecond, &o) // creates the window's histogram
	n := testing.AllocsPerRun(1000, func() {
		r.record(10*time.Millisecond, 2*time.Millisecond, time.Millisecond, 50*time.Microsecond, 20*time.Microsecond, 12*time.Millisecond, &o)
	})
	if n != 0 {
		t.Errorf("record allocates %v times a call", n)
	}
}

// TestHTTPWorkerAllocs bounds the client's allocations per request, with
// the server in another process (this test binary, see TestMain) so that
// only the client's are counted. About 50 are net/http's own (headers,
// transport goroutine hand-offs, timers); the worker adds three (the
// request copy and its body reader).
func TestHTTPWorkerAllocs(t *testing.T) {
	srv := spawnHelper(t)
	w := httpTarget(t, srv.URL, 1).NewWorker()
	s := &BuiltinSamples()[0]
	ctx := context.Background()
	if o := w.Do(ctx, s); o.Err != "" || !o.HasServer {
		t.Fatalf("first request: %+v", o)
	}
	if n := testing.AllocsPerRun(500, func() { w.Do(ctx, s) }); n > 60 {
		t.Errorf("%v allocations a request, want at most 60", n)
	}
}

// TestHTMLReport: the report shows the gate's verdict as a badge, each
// latency target as a dashed line on the plots, and latency on log axes
// (so the P50 is readable beside the maximum).
func TestHTMLReport(t *testing.T) {
	rep := plotReport("http://127.0.0.1:1/v1/validate", 10)
	for _, tt := range []struct {
		name  string
		gate  *Gate
		badge string
		lines int
	}{
		{"pass", &Gate{P99: Millis(5 * time.Millisecond), MaxErrorRate: 0.001}, `<span class="badge pass">PASS</span>`, 2},
		{"fail", &Gate{P99: Millis(2 * time.Millisecond), P999: Millis(4 * time.Millisecond), MaxErrorRate: 0.001}, `<span class="badge fail">FAIL</span>`, 4},
		{"no gate", nil, `<span class="badge none">NO GATE</span>`, 0},
	} {
		r := *rep
		r.Gate = nil
		if tt.gate != nil {
			tt.gate.Check(&r)
		}
		var b bytes.Buffer
		if err := WriteHTML(&b, &r, nil); err != nil {
			t.Fatal(err)
		}
		h := b.String()
		if !strings.Contains(h, tt.badge) {
			t.Errorf("%s: no %s in the report", tt.name, tt.badge)
		}
		if tt.name == "fail" && !strings.Contains(h, "<li>P99 3ms is above the target 2ms</li>") {
			t.Errorf("fail: the missed target is not listed")
		}
		if n := strings.Count(h, `class="target"`); n != tt.lines {
			t.Errorf("%s: %d target lines, want %d (one per target on each of the two plots)", tt.name, n, tt.lines)
		}
		if strings.Count(h, "latency (ms), log scale") != 2 {
			t.Errorf("%s: latency axes are not logarithmic", tt.name)
		}
	}
}
