package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
)

func newEngine() *engine.Engine { return swiftval.New(engine.Options{}) }

func runMain(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Main(args, &o, &e, newEngine)
	return code, o.String(), e.String()
}

func TestMainUsage(t *testing.T) {
	srv := injectedServer(t, 0, 0, 1, 0)
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"help", []string{"--help"}, ExitOK, "Usage: swiftval bench"},
		{"no mode", []string{"--rate", "10"}, ExitUsage, "exactly one of"},
		{"two modes", []string{"--inproc", "--noop-server"}, ExitUsage, "exactly one of"},
		{"remote URL", []string{"--url", "http://192.0.2.1:8080"}, ExitUsage, "not a loopback"},
		{"bad URL", []string{"--url", "ftp://127.0.0.1/x"}, ExitUsage, "is not an http"},
		{"bad client", []string{"--inproc", "--client", "curl"}, ExitUsage, "--client must be"},
		{"raw client and https", []string{"--url", "https://127.0.0.1:1"}, ExitUsage, "is not an http:// URL"},
		{"bad mix", []string{"--inproc", "--mix", "mt103"}, ExitUsage, "name=weight"},
		{"unknown sample", []string{"--inproc", "--mix", "mt999=1"}, ExitUsage, "names no sample"},
		{"missing corpus", []string{"--inproc", "--corpus", filepath.Join(t.TempDir(), "none")}, ExitUsage, "corpus"},
		{"stray argument", []string{"--inproc", "extra"}, ExitUsage, "unexpected argument"},
		{"bad flag", []string{"--rate", "fast"}, ExitUsage, "invalid value"},
		{"zero rate", []string{"--url", srv.URL, "--rate", "0", "--quiet"}, ExitUsage, "rate must be"},
		{"bad load before spawning", []string{"--spawn", "--duration", "0s"}, ExitUsage, "duration must be positive"},
		{"max-errors out of range", []string{"--inproc", "--max-errors", "2"}, ExitUsage, "--max-errors"},
		{"pid without url", []string{"--inproc", "--pid", "1"}, ExitUsage, "--pid goes with --url"},
		{"pid of no process", []string{"--url", srv.URL, "--pid", "999999999"}, ExitUsage, "--pid 999999999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			if !strings.Contains(errOut+out, tt.err) {
				t.Errorf("output lacks %q:\n%s%s", tt.err, out, errOut)
			}
		})
	}
}

// TestMainGate runs the command against a server taking 2 ms a request:
// a 1 ms P99 gate fails with exit 1 and the figures, a 1 min gate passes
// (however starved the shared test machine).
func TestMainGate(t *testing.T) {
	srv := injectedServer(t, 2*time.Millisecond, 2*time.Millisecond, 1, 0)
	base := []string{"--url", srv.URL, "--rate", "200", "--duration", "300ms", "--warmup", "100ms", "--connections", "8"}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"P99 missed", []string{"--p99", "1ms"}, ExitGate, "gate         FAIL"},
		{"P99.9 missed", []string{"--p999", "1ms"}, ExitGate, "P99.9"},
		{"P99 met", []string{"--p99", "1m"}, ExitOK, "gate         PASS"},
		{"server P99 missed", []string{"--server-p99", "1ms"}, ExitGate, "server P99"},
		{"server P99 met", []string{"--server-p99", "3ms"}, ExitOK, "gate         PASS"},
		{"no gate", nil, ExitOK, "throughput"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(append(append([]string{}, base...), tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			if !strings.Contains(out, tt.want) || !strings.Contains(out, "P99") {
				t.Errorf("report lacks %q:\n%s", tt.want, out)
			}
			if !strings.Contains(errOut, "measuring") {
				t.Errorf("no progress line on stderr: %q", errOut)
			}
		})
	}
}

func TestMainOutputs(t *testing.T) {
	srv := injectedServer(t, time.Millisecond, time.Millisecond, 1, 0)
	dir := t.TempDir()
	html := filepath.Join(dir, "r.html")
	code, out, errOut := runMain("--url", srv.URL, "--rate", "200", "--duration", "300ms", "--warmup", "0s",
		"--mix", "mt103=2,pacs008=1", "--json", "--html", html, "--quiet", "--p99", "1m")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if errOut != "" {
		t.Errorf("--quiet run wrote to stderr: %q", errOut)
	}
	var rep Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	if rep.OK != 60 || rep.Gate == nil || !rep.Gate.Pass || rep.Mix["mt103"] != 2 || rep.Server == nil {
		t.Errorf("JSON report: ok %d gate %+v mix %v", rep.OK, rep.Gate, rep.Mix)
	}
	b, err := os.ReadFile(html)
	if err != nil || !bytes.Contains(b, []byte("<svg")) {
		t.Errorf("HTML report: %v", err)
	}

	// A ramp in JSON: a 10 s P99 target against 1 ms answers passes at
	// 100/s and 200/s, where the ramp stops (its maximum). Steps of 300 ms
	// make one late answer a large share of the wall time, hence a minimum
	// throughput of half the rate.
	code, out, errOut = runMain("--url", srv.URL, "--ramp", "--ramp-start", "100", "--ramp-step", "100", "--ramp-max", "200",
		"--p99", "10s", "--duration", "300ms", "--warmup", "100ms", "--json", "--quiet", "--ramp-min-throughput", "0.5")
	if code != ExitOK {
		t.Fatalf("ramp exit %d: %s%s", code, out, errOut)
	}
	var ramp RampResult
	if err := json.Unmarshal([]byte(out), &ramp); err != nil {
		t.Fatalf("ramp --json output: %v\n%s", err, out)
	}
	if len(ramp.Steps) != 2 || ramp.Best != 200 || ramp.Knee != 0 {
		t.Errorf("ramp: %+v", ramp)
	}

	// The same ramp twice (--ramp-repeat): both ramps and the summary, in
	// JSON and in text.
	repeat := []string{"--url", srv.URL, "--ramp", "--ramp-repeat", "2", "--ramp-start", "100", "--ramp-step", "100", "--ramp-max", "200",
		"--p99", "10s", "--duration", "300ms", "--warmup", "100ms", "--quiet", "--ramp-min-throughput", "0.5"}
	code, out, errOut = runMain(append(repeat, "--json")...)
	if code != ExitOK {
		t.Fatalf("repeated ramp exit %d: %s%s", code, out, errOut)
	}
	var sum RampSummary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("repeated ramp --json output: %v\n%s", err, out)
	}
	if len(sum.Ramps) != 2 || sum.Lowest != 200 || sum.MedianBest != 200 || sum.Highest != 200 {
		t.Errorf("repeated ramp: %+v", sum)
	}
	code, out, errOut = runMain(repeat...)
	if code != ExitOK || !strings.Contains(out, "ramp 2 of 2:") || !strings.Contains(out, "over 2 ramps: lowest 200, median 200, highest 200 req/s") {
		t.Errorf("repeated ramp text, exit %d:\n%s%s", code, out, errOut)
	}
	if code, _, errOut = runMain(append(repeat[:len(repeat):len(repeat)], "--ramp-repeat", "0")...); code != ExitUsage {
		t.Errorf("--ramp-repeat 0: exit %d %s", code, errOut)
	}
}

func TestSummarizeRamps(t *testing.T) {
	rs := []*RampResult{{Best: 22500}, {Best: 0}, {Best: 27500}, {Best: 25000}}
	s := summarizeRamps(rs)
	if s.Lowest != 0 || s.Highest != 27500 || s.MedianBest != 22500 || s.Median != rs[0] || len(s.Ramps) != 4 || s.Ramps[1] != rs[1] {
		t.Errorf("summary %+v", s)
	}
}

func TestMainInprocAndNoop(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"in process", []string{"--inproc"}, []string{"in-process engine", "server (Server-Timing)"}},
		{"no-op with overhead", []string{"--noop-server", "--overhead"}, []string{"harness overhead (no-op)", "127.0.0.1"}},
		{"no-op in its own process", []string{"--noop-spawn"}, []string{"127.0.0.1", "server pid"}},
		{"no-op in its own process with overhead", []string{"--noop-spawn", "--overhead"}, []string{"harness overhead (no-op)", "server pid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// This test binary serves the no-op endpoint when spawned (TestMain).
			t.Setenv("SVBENCH_HELPER_SERVE", "1")
			code, out, errOut := runMain(append(tt.args, "--rate", "200", "--duration", "300ms", "--warmup", "100ms", "--quiet")...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("report lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestMainPid loads a server of this process, named by --pid: the report
// has its memory and CPU figures (and notes that /metrics is missing).
func TestMainPid(t *testing.T) {
	srv := injectedServer(t, 0, 0, 1, 0)
	code, out, errOut := runMain("--url", srv.URL+"/v1/validate", "--pid", strconv.Itoa(os.Getpid()), "--rate", "100", "--duration", "200ms", "--warmup", "0s", "--quiet")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "server pid "+strconv.Itoa(os.Getpid())+": peak RSS") || !strings.Contains(out, "no Go runtime metrics at "+srv.URL+"/metrics") {
		t.Errorf("report lacks the process figures:\n%s", out)
	}
}

// TestServeNoop: the endpoint --noop-spawn starts answers as NoopHandler
// does and stops when its context ends.
func TestServeNoop(t *testing.T) {
	addr, err := FreeLoopbackAddr()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveNoop(ctx, addr) }()
	var resp *http.Response
	for range 100 {
		if resp, err = http.Post("http://"+addr+ValidatePath, "text/plain", strings.NewReader("{1:}")); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"valid":true`) || resp.Header.Get("Server-Timing") == "" {
		t.Errorf("answer %d %q %v", resp.StatusCode, body, resp.Header)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serveNoop: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serveNoop did not stop")
	}
	if err := serveNoop(context.Background(), ""); err == nil {
		t.Error("no error without an address")
	}
}
