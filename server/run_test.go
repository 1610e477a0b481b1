package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/swiftval/swiftval/internal/testenv"
)

// startServer runs s on a free loopback port; stop cancels it and returns
// Serve's result.
func startServer(t *testing.T, s *Server) (base string, stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ctx, ln) }()
	var once sync.Once
	var serr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case serr = <-errc:
			case <-time.After(10 * time.Second):
				t.Fatal("Serve did not return")
			}
		})
		return serr
	}
	t.Cleanup(func() { _ = stop() })
	return "http://" + ln.Addr().String(), stop
}

// TestGracefulDrain: on shutdown the server stops accepting, /readyz turns
// 503, and a request in flight completes; Serve returns nil.
func TestGracefulDrain(t *testing.T) {
	s, logs := newTestServer(t, func(c *Config) { c.DrainTimeout = 5 * time.Second })
	base, stop := startServer(t, s)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	type result struct {
		code int
		body string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := client.Post(base+"/v1/validate", "text/plain", strings.NewReader(sleepMsg))
		if err != nil {
			done <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- result{code: resp.StatusCode, body: string(b)}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for len(s.slots) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("slow request never started")
		}
		time.Sleep(time.Millisecond)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	for !s.draining.Load() {
		time.Sleep(time.Millisecond)
	}
	if rec := do(t, s, "GET", "/readyz", "", nil); rec.Code != 503 {
		t.Errorf("readyz while draining: %d", rec.Code)
	}
	r := <-done
	if r.err != nil || r.code != 200 || !strings.Contains(r.body, `"valid":true`) {
		t.Fatalf("in-flight request: %v %d %s", r.err, r.code, r.body)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second); err == nil {
		t.Error("still accepting connections after shutdown")
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Error("no stopped log line")
	}
}

// TestDrainTimeout: a request that outlives the drain timeout is cut and
// Serve reports it.
func TestDrainTimeout(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.DrainTimeout = 50 * time.Millisecond })
	base, stop := startServer(t, s)
	go func() {
		resp, err := http.Post(base+"/v1/validate", "text/plain", strings.NewReader(sleepMsg))
		if err == nil {
			resp.Body.Close()
		}
	}()
	for len(s.slots) == 0 {
		time.Sleep(time.Millisecond)
	}
	if err := stop(); err == nil || !strings.Contains(err.Error(), "drain") {
		t.Fatalf("Serve: %v, want a drain error", err)
	}
}

// TestShutdownDelay: after shutdown begins the server keeps accepting for
// the delay, with /readyz at 503 over the network, then stops.
func TestShutdownDelay(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.ShutdownDelay = 300 * time.Millisecond })
	base, stop := startServer(t, s)
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	for !s.draining.Load() {
		time.Sleep(time.Millisecond)
	}
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatalf("readyz during the delay: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Fatalf("readyz during the delay: %d", resp.StatusCode)
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}

func TestRunBadAddr(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.Addr = "256.0.0.1:1" })
	if err := s.Run(context.Background()); err == nil {
		t.Fatal("Run on a bad address succeeded")
	}
}

// TestLoad: many concurrent clients over loopback for a short while: no
// errors, every answer right, and no goroutine left after shutdown.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	before := runtime.NumGoroutine()
	// As many slots as clients: this test is about correctness under
	// concurrency, not shedding (TestLoadShedding), and a loaded CI machine
	// with the race detector may stall a goroutine past QueueWait.
	s, _ := newTestServer(t, func(c *Config) { c.Logger = discardLogger(); c.MaxConcurrent = 64 })
	base, stop := startServer(t, s)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	const clients = 32
	dur := 2 * time.Second
	var ok, failed atomic.Int64
	var firstErr atomic.Value
	end := time.Now().Add(dur)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg, want := validMsg, `"valid":true`
			if i%2 == 1 {
				msg, want = invalidMsg, `"code":"X01"`
			}
			for time.Now().Before(end) {
				resp, err := client.Post(base+"/v1/validate", "text/plain", strings.NewReader(msg))
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, resp.Status+" "+string(b))
					continue
				}
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	t.Logf("%d requests in %v over loopback with %d clients (%.0f req/s, race detector %v)", ok.Load(), dur, clients, float64(ok.Load())/dur.Seconds(), testenv.RaceEnabled)
	if failed.Load() > 0 {
		t.Fatalf("%d failed requests; first: %v", failed.Load(), firstErr.Load())
	}
	if ok.Load() == 0 {
		t.Fatal("no request succeeded")
	}
	tr.CloseIdleConnections()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("goroutines: %d before, %d after shutdown\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestTimeoutsAndConnCap: a client that never finishes its headers is cut
// after ReadHeaderTimeout; beyond MaxConns a connection waits to be served
// until another closes.
func TestTimeoutsAndConnCap(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.ReadHeaderTimeout = 100 * time.Millisecond; c.MaxConns = 1 })
	base, _ := startServer(t, s)
	addr := strings.TrimPrefix(base, "http://")

	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if _, err := slow.Write([]byte("POST /v1/validate HTTP/1.1\r\nHost: x\r\n")); err != nil {
		t.Fatal(err)
	}
	// The only connection slot is taken: another client waits.
	quick := &http.Client{Timeout: 50 * time.Millisecond, Transport: &http.Transport{}}
	if _, err := quick.Get(base + "/healthz"); err == nil {
		t.Error("a second connection was served beyond MaxConns")
	}
	// The slow client is cut after ReadHeaderTimeout...
	_ = slow.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	if _, err := io.ReadAll(slow); err != nil {
		t.Fatalf("slow client: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("slow client cut after %v", d)
	}
	// ...which frees the slot.
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("after the slow client: %v", err)
	}
	resp.Body.Close()
	client.CloseIdleConnections()
}
