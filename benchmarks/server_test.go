package benchmarks

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/loadtest"
	"github.com/swiftval/swiftval/server"
)

// newHandler returns the server's handler over the shipped engine, logging
// (at info: one line per request, as in production) to io.Discard.
func newHandler(tb testing.TB) http.Handler {
	tb.Helper()
	cfg := server.DefaultConfig()
	cfg.Engine = swiftval.New(engine.Options{})
	cfg.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	s, err := server.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s.Handler()
}

// BenchmarkHTTPHandler measures POST /v1/validate through the server's
// whole handler chain (routing, middleware, metrics, logging, JSON report)
// without a network: httptest.NewRecorder against server.Handler(). The
// request and recorder built per iteration are counted too (a few
// allocations that a real connection would not make).
func BenchmarkHTTPHandler(b *testing.B) {
	h := newHandler(b)
	for _, s := range loadtest.BuiltinSamples() {
		b.Run(s.Name, func(b *testing.B) {
			body := bytes.NewReader(s.Body)
			b.SetBytes(int64(len(s.Body)))
			b.ReportAllocs()
			for b.Loop() {
				body.Reset(s.Body)
				req := httptest.NewRequest(http.MethodPost, loadtest.ValidatePath, body)
				req.Header.Set("Content-Type", s.ContentType)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
				}
			}
		})
	}
}

// TestHTTPHandlerSamples checks that the handler answers every built-in
// sample with 200, a valid report and a Server-Timing validate metric, as
// the load harness expects.
func TestHTTPHandlerSamples(t *testing.T) {
	h := newHandler(t)
	for _, s := range loadtest.BuiltinSamples() {
		req := httptest.NewRequest(http.MethodPost, loadtest.ValidatePath, bytes.NewReader(s.Body))
		req.Header.Set("Content-Type", s.ContentType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d", s.Name, rec.Code)
			continue
		}
		if _, ok := loadtest.ParseServerTiming(rec.Header().Get("Server-Timing"), "validate"); !ok {
			t.Errorf("%s: no validate dur in Server-Timing %q", s.Name, rec.Header().Get("Server-Timing"))
		}
		if !bytes.Contains(rec.Body.Bytes(), []byte(`"valid":true`)) {
			t.Errorf("%s: not answered valid: %s", s.Name, rec.Body.String())
		}
	}
}
