package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestServeHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"serve", "--help"}, nil, &out, &errb); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	help := errb.String()
	for _, want := range []string{"-addr", "-max-body", "-budget", "-admin-token", "-tls-cert", "-tls-key", "-rules", "-log-level",
		"-read-header-timeout", "-read-timeout", "-write-timeout", "-idle-timeout", "-drain-timeout", "-max-concurrent", "-max-batch",
		"SWIFTVAL_ADDR", "SWIFTVAL_ADMIN_TOKEN", "SWIFTVAL_RULES", "OTEL_EXPORTER_OTLP_ENDPOINT", "127.0.0.1:8080"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	if strings.Contains(help, debugSlowEnv) {
		t.Error("help mentions the test hook")
	}
}

func TestServeBadConfig(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"zero body", []string{"--max-body", "0"}, nil, "--max-body"},
		{"bad size", []string{"--max-body", "lots"}, nil, "max-body"},
		{"bad log level", []string{"--log-level", "loud"}, nil, "--log-level"},
		{"bad log format", []string{"--log-format", "xml"}, nil, "--log-format"},
		{"bad addr", []string{"--addr", "nowhere"}, nil, "Addr"},
		{"short token", nil, map[string]string{"SWIFTVAL_ADMIN_TOKEN": "short"}, "AdminToken"},
		{"bad env duration", nil, map[string]string{"SWIFTVAL_BUDGET": "soon"}, "SWIFTVAL_BUDGET"},
		{"stray argument", []string{"extra"}, nil, "unexpected argument"},
		{"missing rules dir", []string{"--rules", "/nonexistent/rules"}, nil, "rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out, errb bytes.Buffer
			code := run(append([]string{"serve"}, tt.args...), nil, &out, &errb)
			if code != exitUsage || !strings.Contains(errb.String(), tt.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errb.String(), exitUsage, tt.want)
			}
		})
	}
}

func TestByteSizeFlag(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{{"1048576", 1 << 20}, {"1MiB", 1 << 20}, {"512KB", 512 << 10}, {"2MB", 2 << 20}}
	for _, tt := range tests {
		var b byteSize
		var _ flag.Value = &b
		if err := b.Set(tt.in); err != nil || int64(b) != tt.want {
			t.Errorf("%q: %d %v, want %d", tt.in, b, err, tt.want)
		}
	}
}

// TestServeBinary builds the real binary, starts it on a free port with the
// built-in engine, validates over real HTTP, then sends SIGTERM while a slow
// request is in flight: the request completes and the process exits 0.
func TestServeBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "swiftval")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--drain-timeout", "10s")
	cmd.Env = append(os.Environ(), debugSlowEnv+"=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	defer func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
		}
	}()

	// The log is JSON lines; "listening" carries the bound address.
	lines := make(chan map[string]any, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				lines <- m
			} else {
				t.Logf("stderr: %s", sc.Text())
			}
		}
		close(lines)
		exited <- cmd.Wait()
	}()
	var addr string
	for addr == "" {
		select {
		case m, ok := <-lines:
			if !ok {
				t.Fatal("server exited before listening")
			}
			if m["msg"] == "listening" {
				addr, _ = m["addr"].(string)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("server did not start")
		}
	}
	base := "http://" + addr
	t.Logf("listening on %s after %v (process start to listening, including exec)", addr, time.Since(start))

	resp, err := http.Get(base + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", err, resp)
	}
	resp.Body.Close()
	// Smoke test through the built-in engine: whatever formats exist, the
	// answer is a 200 report.
	resp, err = http.Post(base+"/v1/validate", "text/plain", strings.NewReader("{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\r\n:20:REF\r\n-}"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var rep map[string]any
	if resp.StatusCode != 200 || json.Unmarshal(body, &rep) != nil || rep["valid"] == nil || resp.Header.Get("X-Request-Id") == "" {
		t.Fatalf("validate: %d %s", resp.StatusCode, body)
	}

	// A slow request (the hidden test format sleeps 1.5 s), then SIGTERM.
	type result struct {
		code int
		body string
		err  error
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := http.Post(base+"/v1/validate", "text/plain", strings.NewReader("SLOW 1500"))
		if err != nil {
			slow <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- result{code: resp.StatusCode, body: string(b)}
	}()
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r := <-slow
	if r.err != nil || r.code != 200 || !strings.Contains(r.body, `"format":"slowtest"`) {
		t.Fatalf("in-flight request: %v %d %s", r.err, r.code, r.body)
	}
	var sawDrain bool
	for m := range lines {
		if m["msg"] == "draining" {
			sawDrain = true
		}
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not exit after SIGTERM")
	}
	if !sawDrain {
		t.Error("no draining log line")
	}
}
