package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// benchWriter is a reusable ResponseWriter that keeps nothing, so the
// benchmark measures the handler path, not the recorder.
type benchWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) WriteHeader(code int)        { w.status = code }
func (w *benchWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// BenchmarkHandlerValidate is POST /v1/validate through the whole handler
// chain (middleware, metrics, log level check, report encoding) without a
// network, on the fake engine. The request log goes through slog's JSON
// handler, except in "servelog", which has the handler swiftval serve uses
// (NewJSONLogHandler).
func BenchmarkHandlerValidate(b *testing.B) {
	for _, bc := range []struct {
		name, msg string
		log       func() *slog.Logger
	}{{"valid", validMsg, discardLogger}, {"invalid", invalidMsg, discardLogger}, {"valid-servelog", validMsg, serveLogger}} {
		b.Run(bc.name, func(b *testing.B) {
			s, _ := newTestServer(b, func(c *Config) { c.Logger = bc.log() })
			h := s.Handler()
			body := strings.NewReader(bc.msg)
			req := httptest.NewRequest("POST", "/v1/validate", body)
			req.Header.Set("Content-Type", "text/plain")
			w := &benchWriter{h: http.Header{}}
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.msg)))
			b.ResetTimer()
			for b.Loop() {
				body.Reset(bc.msg)
				clear(w.h)
				h.ServeHTTP(w, req)
				if w.status != 200 {
					b.Fatalf("status %d", w.status)
				}
			}
		})
	}
}

// BenchmarkHandlerBatch is POST /v1/validate/batch with 100 messages per
// request through the whole handler chain, without a network.
func BenchmarkHandlerBatch(b *testing.B) {
	s, _ := newTestServer(b, func(c *Config) { c.Logger = discardLogger() })
	h := s.Handler()
	var sb strings.Builder
	for i := range 100 {
		msg := validMsg
		if i%2 == 1 {
			msg = invalidMsg
		}
		sb.WriteString(`{"id":"m` + itoa(int64(i)) + `","message":` + jsonString(msg) + "}\n")
	}
	in := sb.String()
	body := strings.NewReader(in)
	req := httptest.NewRequest("POST", "/v1/validate/batch", body)
	req.Header.Set("Content-Type", "application/x-ndjson")
	w := &benchWriter{h: http.Header{}}
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		body.Reset(in)
		clear(w.h)
		h.ServeHTTP(w, req)
		if w.status != 200 {
			b.Fatalf("status %d", w.status)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/message")
}

// serveLogger is the logger of swiftval serve at level info, writing nowhere.
func serveLogger() *slog.Logger { return slog.New(NewJSONLogHandler(io.Discard, nil)) }
