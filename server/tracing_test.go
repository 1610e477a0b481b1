package server

import (
	"context"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestTracing: with a tracer provider there is a span per request, named
// by route, and a child span per validation with no message content.
func TestTracing(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	s, _ := newTestServer(t, func(c *Config) { c.TracerProvider = tp })
	rec := do(t, s, "POST", "/v1/validate", "text/plain", strings.NewReader(invalidMsg),
		"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	spans := exp.GetSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans, want 2: %v", len(spans), spans)
	}
	val, req := spans[0], spans[1]
	if val.Name != "validate" || req.Name != "POST /v1/validate" {
		t.Fatalf("span names %q, %q", val.Name, req.Name)
	}
	if val.Parent.SpanID() != req.SpanContext.SpanID() {
		t.Error("validation span is not a child of the request span")
	}
	if req.SpanContext.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("trace ID %s: the caller's traceparent was not honoured", req.SpanContext.TraceID())
	}
	attrs := map[string]string{}
	for _, a := range val.Attributes {
		attrs[string(a.Key)] = a.Value.Emit()
	}
	if attrs["swiftval.type"] != "MT103" || attrs["swiftval.verdict"] != "invalid" || attrs["swiftval.findings"] != "1" {
		t.Errorf("validation span attributes %v", attrs)
	}
	for _, sp := range spans {
		for _, a := range sp.Attributes {
			if strings.Contains(a.Value.Emit(), "BAD") {
				t.Errorf("span %s carries message content in %s", sp.Name, a.Key)
			}
		}
	}
}

func TestTracingOffWithoutEnv(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	tp, shutdown, err := TracerProviderFromEnv(t.Context())
	if err != nil || tp != nil || shutdown == nil {
		t.Fatalf("tp %v, err %v", tp, err)
	}
}

func TestTracingOnWithEnv(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
	tp, shutdown, err := TracerProviderFromEnv(t.Context())
	if err != nil || tp == nil {
		t.Fatalf("tp %v, err %v", tp, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_ = shutdown(ctx) // nothing listens there; only the call matters
}
