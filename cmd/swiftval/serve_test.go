package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/swiftval/swiftval/rules/custom"
	"github.com/swiftval/swiftval/server"
)

func TestServeHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"serve", "--help"}, nil, &out, &errb); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	help := out.String()
	for _, want := range []string{"--addr", "--max-body", "--budget", "--admin-token", "--tls-cert", "--tls-key", "--rules", "--log-level",
		"--read-header-timeout", "--read-timeout", "--write-timeout", "--idle-timeout", "--drain-timeout", "--max-concurrent", "--max-batch",
		"SWIFTVAL_ADDR", "SWIFTVAL_ADMIN_TOKEN", "SWIFTVAL_RULES", "OTEL_EXPORTER_OTLP_ENDPOINT", "127.0.0.1:8080"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

func TestServeBadConfig(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"zero body", []string{"--max-body", "0"}, nil, "--max-body must be between"},
		{"bad size", []string{"--max-body", "lots"}, nil, `invalid argument "lots" for "--max-body" flag: want a size in bytes such as 1048576, 512KiB or 1MiB`},
		{"bad duration names the form", []string{"--budget", "5"}, nil, "--budget\" flag: want a duration such as 5ms"},
		{"bad number names the form", []string{"--max-batch", "many"}, nil, "--max-batch\" flag: want a whole number"},
		{"bad log level", []string{"--log-level", "loud"}, nil, "--log-level\" flag: want one of debug, info, warn, error"},
		{"bad log format", []string{"--log-format", "xml"}, nil, "--log-format"},
		{"bad addr", []string{"--addr", "nowhere"}, nil, "Addr"},
		{"port in use", []string{"--addr", busy.Addr().String()}, nil, "the server did not start: listen tcp " + busy.Addr().String()},
		{"short token", nil, map[string]string{"SWIFTVAL_ADMIN_TOKEN": "short"}, "AdminToken"},
		{"bad env duration", nil, map[string]string{"SWIFTVAL_BUDGET": "soon"}, "SWIFTVAL_BUDGET: want a duration such as 5ms"},
		{"bad env bool", nil, map[string]string{"SWIFTVAL_RULES_WATCH": "maybe"}, "SWIFTVAL_RULES_WATCH: want true or false"},
		{"stray argument", []string{"extra"}, nil, "unexpected argument"},
		{"missing rules dir", []string{"--rules", "/nonexistent/rules"}, nil, "rule"},
		{"negative memory limit", []string{"--memory-limit", "-1"}, nil, "--memory-limit"},
		{"bad env memory limit", nil, map[string]string{"SWIFTVAL_MEMORY_LIMIT": "plenty"}, "SWIFTVAL_MEMORY_LIMIT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out, errb bytes.Buffer
			gc := debug.SetGCPercent(-1)
			debug.SetGCPercent(gc)
			// A free port unless the case names one: the default 8080 may
			// be taken on a shared machine.
			code := run(append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...), nil, &out, &errb)
			if code != exitUsage || !strings.Contains(errb.String(), tt.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errb.String(), exitUsage, tt.want)
			}
			if now := debug.SetGCPercent(gc); now != gc {
				t.Errorf("GOGC left at %d after a failed start, want %d", now, gc)
			}
		})
	}
}

// parseServe applies args and the environment to the serve options, as
// the command does before running.
func parseServe(args []string) (*serveOptions, error) {
	o := &serveOptions{cfg: server.DefaultConfig()}
	cmd := &cobra.Command{Use: "serve"}
	o.addFlags(cmd)
	if err := cmd.ParseFlags(args); err != nil {
		return nil, err
	}
	if err := bindEnv(cmd.Flags(), os.LookupEnv); err != nil {
		return nil, err
	}
	return o, o.check()
}

// TestServeFlagsAndEnv: defaults, then SWIFTVAL_* variables, then flags.
func TestServeFlagsAndEnv(t *testing.T) {
	t.Setenv("SWIFTVAL_ADDR", "127.0.0.1:9000")
	t.Setenv("SWIFTVAL_MAX_BODY", "2MiB")
	t.Setenv("SWIFTVAL_DRAIN_TIMEOUT", "3s")
	t.Setenv("SWIFTVAL_ADMIN_TOKEN", "env-token-0123456789")
	t.Setenv("SWIFTVAL_RULES_WATCH", "true")
	t.Setenv("SWIFTVAL_MEMORY_LIMIT", "256MiB")
	o, err := parseServe([]string{"--addr", "127.0.0.1:9001", "--max-batch", "7", "--log-level", "warn"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := o.cfg
	if cfg.Addr != "127.0.0.1:9001" {
		t.Errorf("Addr %q: the flag must win over SWIFTVAL_ADDR", cfg.Addr)
	}
	if cfg.MaxBodyBytes != 2<<20 || cfg.DrainTimeout != 3*time.Second || cfg.AdminToken != "env-token-0123456789" || !o.watchRules || o.memLimit != 256<<20 {
		t.Errorf("environment not applied: %+v %+v", cfg, o)
	}
	if cfg.MaxBatchMessages != 7 || o.log.level != "warn" {
		t.Errorf("flags not applied: %+v %+v", cfg, o)
	}
	if cfg.ReadHeaderTimeout != 5*time.Second || cfg.Budget != 5*time.Millisecond || cfg.TLSCertFile != "" {
		t.Errorf("defaults changed: %+v", cfg)
	}
}

// TestRuleSetAdminCopiesEveryField: the adapter between custom.Manager and
// the server's typed seam carries every field of the rule-set description
// (a field added to one side and not the other fails here).
func TestRuleSetAdminCopiesEveryField(t *testing.T) {
	fields := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			out = append(out, rt.Field(i).Name+" "+rt.Field(i).Tag.Get("json"))
		}
		return out
	}
	if a, b := fields(custom.RuleSetInfo{}), fields(server.RuleSetInfo{}); !slices.Equal(a, b) {
		t.Errorf("custom.RuleSetInfo %v\nserver.RuleSetInfo %v", a, b)
	}
	if a, b := fields(custom.Problem{}), fields(server.RuleSetProblem{}); !slices.Equal(a, b) {
		t.Errorf("custom.Problem %v\nserver.RuleSetProblem %v", a, b)
	}
	in := custom.RuleSetInfo{Name: "n", Version: "1", Description: "d", Source: "yaml:f", File: "f", Rules: []string{"r"},
		Disable: []string{"x"}, SeverityOverrides: map[string]string{"y": "warning"}, Tests: 2, SHA256: "h", Loaded: time.Unix(1, 0)}
	got, _ := json.Marshal(apiInfo(in))
	want, _ := json.Marshal(in)
	if string(got) != string(want) {
		t.Errorf("apiInfo:\n got %s\nwant %s", got, want)
	}
}

// TestLineBuffer: request lines wait for a flush; any other line flushes
// them and itself at once, in order.
func TestLineBuffer(t *testing.T) {
	var out bytes.Buffer
	b := newLineBuffer(&out)
	req1 := `{"level":"INFO","msg":"request","status":200}` + "\n"
	req2 := `time=x level=INFO msg=request status=200` + "\n"
	other := `{"level":"ERROR","msg":"handler panicked"}` + "\n"
	for _, l := range []string{req1, req2} {
		if _, err := b.Write([]byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	if out.Len() != 0 {
		t.Fatalf("request lines written at once: %q", out.String())
	}
	if _, err := b.Write([]byte(other)); err != nil {
		t.Fatal(err)
	}
	if out.String() != req1+req2+other {
		t.Fatalf("got %q", out.String())
	}
	b.Write([]byte(req1))
	if err := b.Flush(); err != nil || out.String() != req1+req2+other+req1 {
		t.Fatalf("after Flush: %q %v", out.String(), err)
	}
	for out.Len() < lineBufferMax {
		b.Write([]byte(req1))
	}
	if b.Flush(); out.Len() < lineBufferMax {
		t.Fatal("lost lines")
	}
}

func TestSizeFlag(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{{"1048576", 1 << 20}, {"1MiB", 1 << 20}, {"512KB", 512 << 10}, {"2MB", 2 << 20}, {"0", 0}}
	for _, tt := range tests {
		var n int64
		if err := (sizeValue{&n}).Set(tt.in); err != nil || n != tt.want {
			t.Errorf("%q: %d %v, want %d", tt.in, n, err, tt.want)
		}
	}
	for _, bad := range []string{"-1", "lots", "1.5.2MB", ""} {
		var n int64
		if err := (sizeValue{&n}).Set(bad); err == nil {
			t.Errorf("%q accepted as %d", bad, n)
		}
	}
}

// TestServeBinary builds the real binary and runs it on free ports with
// the built-in engine.
func TestServeBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "swiftval")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	t.Run("validate and drain on SIGTERM", func(t *testing.T) { testServeDrain(t, bin) })
	t.Run("rule sets over HTTP and SIGHUP", func(t *testing.T) { testServeRules(t, bin) })
}

// proc is a running `swiftval serve`.
type proc struct {
	cmd    *exec.Cmd
	base   string
	lines  chan map[string]any // JSON log lines after "listening"
	exited chan struct{}       // closed when the process has exited
	err    error               // of cmd.Wait, once exited is closed
}

// startServe starts the binary with args and extra environment and waits
// for its "listening" log line, which carries the bound address.
func startServe(t *testing.T, bin string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, lines: make(chan map[string]any, 1000), exited: make(chan struct{})}
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = cmd.Process.Kill()
			<-p.exited
		}
	})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				select {
				case p.lines <- m:
				default: // nobody reads request lines; never block the server's stderr
				}
			}
		}
		close(p.lines)
		p.err = cmd.Wait()
		close(p.exited)
	}()
	for p.base == "" {
		select {
		case m, ok := <-p.lines:
			if !ok {
				t.Fatal("server exited before listening")
			}
			if m["msg"] == "listening" {
				p.base = "http://" + m["addr"].(string)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("server did not start")
		}
	}
	t.Logf("listening on %s after %v (process start to listening, including exec)", p.base, time.Since(start))
	return p
}

// stop sends sig and waits for the exit; it returns the messages logged.
// A nil sig waits for an exit already under way.
func (p *proc) stop(t *testing.T, sig os.Signal) []string {
	t.Helper()
	if sig != nil {
		if err := p.cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
	}
	var msgs []string
	for m := range p.lines {
		msgs = append(msgs, m["msg"].(string))
	}
	select {
	case <-p.exited:
		if p.err != nil {
			t.Fatalf("exit: %v", p.err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not exit")
	}
	return msgs
}

func request(t *testing.T, method, url, ctype, body string, hdr ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// testServeDrain validates over real HTTP, then sends SIGTERM while a
// batch request is in flight: the server keeps reading that request's
// lines, answers every one, and the process exits 0. (The client holds the
// request open by sending its second line only after the signal: no
// test-only hook in the binary.)
func testServeDrain(t *testing.T, bin string) {
	p := startServe(t, bin, nil, "--drain-timeout", "10s")
	if code, _ := request(t, "GET", p.base+"/readyz", "", ""); code != 200 {
		t.Fatalf("readyz %d", code)
	}
	const mt103 = "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\r\n:20:REF\r\n-}"
	code, body := request(t, "POST", p.base+"/v1/validate", "text/plain", mt103)
	var rep map[string]any
	if code != 200 || json.Unmarshal([]byte(body), &rep) != nil || rep["valid"] == nil {
		t.Fatalf("validate: %d %s", code, body)
	}

	pr, pw := io.Pipe()
	line, _ := json.Marshal(map[string]string{"id": "a", "message": mt103})
	type result struct {
		code int
		body string
		err  error
	}
	batch := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("POST", p.base+"/v1/validate/batch", pr)
		req.Header.Set("Content-Type", "application/x-ndjson")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			batch <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		batch <- result{resp.StatusCode, string(b), err}
	}()
	if _, err := pw.Write(append(line, '\n')); err != nil {
		t.Fatal(err)
	}
	// Wait until the batch is in flight (the metrics request is the other
	// one).
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, m := request(t, "GET", p.base+"/metrics", "", "")
		if strings.Contains(m, "\nswiftval_http_requests_in_flight 2\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the batch request never arrived")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for m := range p.lines {
		msgs = append(msgs, m["msg"].(string))
		if m["msg"] == "draining" {
			break
		}
	}
	line2 := strings.Replace(string(line), `"a"`, `"b"`, 1)
	if _, err := io.WriteString(pw, line2+"\n"); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	r := <-batch
	if r.err != nil || r.code != 200 || strings.Count(r.body, `"valid":`) != 2 || !strings.Contains(r.body, `"id":"b"`) {
		t.Fatalf("in-flight batch: %d %v %s", r.code, r.err, r.body)
	}
	msgs = append(msgs, p.stop(t, nil)...)
	if !strings.Contains(strings.Join(msgs, ","), "draining") {
		t.Errorf("no draining log line in %v", msgs)
	}
}

// testServeRules manages rule sets with --rules and an admin token: PUT,
// GET, a refused PUT (422 with located problems), DELETE, and a file added
// behind the server's back picked up on SIGHUP.
func testServeRules(t *testing.T, bin string) {
	sample, err := os.ReadFile(filepath.Join("..", "..", "testdata", "rulesets", "corridor-limits.yaml"))
	if err != nil {
		t.Skipf("no sample rule set: %v", err)
	}
	dir := t.TempDir()
	const token = "serve-test-token-0123456789"
	p := startServe(t, bin, []string{"SWIFTVAL_ADMIN_TOKEN=" + token}, "--rules", dir)
	auth := []string{"Authorization", "Bearer " + token}
	if code, _ := request(t, "GET", p.base+"/v1/rulesets", "", ""); code != 401 {
		t.Fatalf("without token: %d", code)
	}
	code, body := request(t, "PUT", p.base+"/v1/rulesets/corridor-limits", "application/yaml", string(sample), auth...)
	if code != 200 || !strings.Contains(body, `"name":"corridor-limits"`) {
		t.Fatalf("PUT: %d %s", code, body)
	}
	if _, err := os.Stat(filepath.Join(dir, "corridor-limits.yaml")); err != nil {
		t.Errorf("PUT did not write the file: %v", err)
	}
	if code, body := request(t, "GET", p.base+"/v1/rules", "", ""); code != 200 || !strings.Contains(body, "corridor.gb-in.limit") {
		t.Fatalf("rules after PUT: %d", code)
	}
	code, body = request(t, "PUT", p.base+"/v1/rulesets/broken", "application/yaml", "name: broken\nrules:\n  - id: x\n    check: \"1 +\"\n", auth...)
	if code != 422 || !strings.Contains(body, `"errors":[{`) || !strings.Contains(body, `"line":`) {
		t.Fatalf("broken PUT: %d %s", code, body)
	}
	if code, _ := request(t, "DELETE", p.base+"/v1/rulesets/corridor-limits", "", "", auth...); code != 204 {
		t.Fatalf("DELETE: %d", code)
	}
	// A file dropped into the directory is loaded on SIGHUP.
	other := strings.ReplaceAll(strings.ReplaceAll(string(sample), "corridor-limits", "hup-set"), "corridor.", "hup.")
	if err := os.WriteFile(filepath.Join(dir, "hup-set.yaml"), []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := request(t, "GET", p.base+"/v1/rulesets", "", "", auth...)
		if code == 200 && strings.Contains(body, `"name":"hup-set"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("SIGHUP did not load the new set: %d %s", code, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.stop(t, syscall.SIGTERM)
}
