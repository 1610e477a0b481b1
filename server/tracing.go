package server

import (
	"context"
	"os"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/swiftval/swiftval/engine"
)

// TracerProviderFromEnv returns an OpenTelemetry tracer provider exporting
// over OTLP/HTTP (otlp.go) when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, with the exporter's standard
// OTEL_* environment; otherwise nil (tracing off). Call shutdown on exit to
// flush spans.
func TracerProviderFromEnv(_ context.Context) (tp trace.TracerProvider, shutdown func(context.Context) error, err error) {
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return nil, func(context.Context) error { return nil }, nil
	}
	cfg, err := otlpConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	p := sdktrace.NewTracerProvider(sdktrace.WithBatcher(newOTLPExporter(cfg)))
	return p, p.Shutdown, nil
}

// traceAttrs describes a validation on its span: never message content.
func traceAttrs(r *engine.Report) []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("swiftval.format", r.Format),
		attribute.String("swiftval.type", r.Type),
		attribute.String("swiftval.verdict", verdict(r)),
		attribute.Int("swiftval.findings", len(r.Findings)),
	}
}
