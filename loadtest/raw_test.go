package loadtest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// clients builds each HTTP target kind for a URL.
var clients = []struct {
	name string
	make func(url string, conns int, timeout time.Duration) (Target, error)
}{
	{"std", func(u string, n int, to time.Duration) (Target, error) { return NewHTTPTarget(u, n, to) }},
	{"raw", func(u string, _ int, to time.Duration) (Target, error) { return NewRawTarget(u, to) }},
}

// targetCase is an answer a server can give and the Outcome a client must
// make of it.
type targetCase struct {
	name    string
	handler http.HandlerFunc
	setup   func(*httptest.Server)
	timeout time.Duration
	cancel  time.Duration // cancel the context after this long (0: never)
	want    Outcome
}

// start starts the case's server (closed when t ends) and returns it with
// the request timeout of the case.
func (tt *targetCase) start(t *testing.T) (*httptest.Server, time.Duration) {
	srv := httptest.NewUnstartedServer(tt.handler)
	if tt.setup != nil {
		tt.setup(srv)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	if tt.timeout == 0 {
		return srv, 5 * time.Second
	}
	return srv, tt.timeout
}

// targetCases are the answers every client is tested with.
func targetCases() []targetCase {
	big := strings.Repeat("x", 100<<10)
	return []targetCase{
		{name: "valid with Server-Timing", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Server-Timing", "validate;dur=1.500, app;dur=2.000")
			io.WriteString(w, `{"valid":true}`)
		}, want: Outcome{Server: 1500 * time.Microsecond, HasServer: true}},
		{name: "invalid report", handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"valid":false,"findings":[]}`)
		}, want: Outcome{Invalid: true}},
		{name: "422", handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnprocessableEntity)
		}, want: Outcome{Invalid: true}},
		{name: "503", handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}, want: Outcome{Err: "http_503"}},
		{name: "chunked answer split inside the mark", handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"valid":`)
			w.(http.Flusher).Flush()
			io.WriteString(w, `false}`)
		}, want: Outcome{Invalid: true}},
		{name: "large answer", handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"valid":true,"pad":"`+big+`"}`)
		}, want: Outcome{}},
		{name: "server closes every connection", handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"valid":true}`)
		}, setup: func(s *httptest.Server) { s.Config.SetKeepAlivesEnabled(false) }, want: Outcome{}},
		{name: "timeout", handler: func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(300 * time.Millisecond)
		}, timeout: 50 * time.Millisecond, want: Outcome{Err: "timeout"}},
		{name: "cancelled", handler: func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(300 * time.Millisecond)
		}, cancel: 50 * time.Millisecond, want: Outcome{Err: "canceled"}},
	}
}

// TestTargets runs both HTTP clients' workers through the answers a server
// can give.
func TestTargets(t *testing.T) {
	tests := targetCases()
	s := &BuiltinSamples()[0]
	for _, c := range clients {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				srv, to := tt.start(t)
				tg, err := c.make(srv.URL, 1, to)
				if err != nil {
					t.Fatal(err)
				}
				defer tg.Close()
				w := tg.NewWorker()
				for i := range 3 { // three in a row: connection reuse
					ctx, cancel := context.WithCancel(context.Background())
					if tt.cancel > 0 {
						time.AfterFunc(tt.cancel, cancel)
					}
					start := time.Now()
					got := w.Do(ctx, s)
					cancel()
					if got != tt.want {
						t.Fatalf("request %d: %+v, want %+v", i+1, got, tt.want)
					}
					if d := time.Since(start); d > 5*time.Second {
						t.Fatalf("request %d took %v", i+1, d)
					}
				}
			})
		}
	}
}

// TestTargetsStaleConnection: a keep-alive connection the server closed
// while idle is replaced without a failed request.
func TestTargetsStaleConnection(t *testing.T) {
	srv := httptest.NewServer(NoopHandler())
	defer srv.Close()
	s := &BuiltinSamples()[0]
	for _, c := range clients {
		t.Run(c.name, func(t *testing.T) {
			tg, err := c.make(srv.URL, 1, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer tg.Close()
			w := tg.NewWorker()
			for i := range 3 {
				if o := w.Do(context.Background(), s); o.Err != "" {
					t.Fatalf("request %d: %+v", i+1, o)
				}
				srv.CloseClientConnections()
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

func TestTargetsConnRefused(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	for _, c := range clients {
		tg, err := c.make(url, 1, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if o := tg.NewWorker().Do(context.Background(), &BuiltinSamples()[0]); o.Err != "conn_refused" {
			t.Errorf("%s: %+v, want conn_refused", c.name, o)
		}
		tg.Close()
	}
}

// TestRawWorkerAllocs pins the raw client at almost no allocation a
// request (server in another process, see TestMain).
func TestRawWorkerAllocs(t *testing.T) {
	srv := spawnHelper(t)
	tg, err := NewRawTarget(srv.URL, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	w := tg.NewWorker()
	s := &BuiltinSamples()[0]
	ctx := context.Background()
	if o := w.Do(ctx, s); o.Err != "" || !o.HasServer {
		t.Fatalf("first request: %+v", o)
	}
	if n := testing.AllocsPerRun(500, func() { w.Do(ctx, s) }); n > 2 {
		t.Errorf("%v allocations a request, want at most 2", n)
	}
}
