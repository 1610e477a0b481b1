package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"testing"
	"time"
)

// TestJSONLogHandlerSameBytes: every record, fast path or not, comes out as
// slog's JSON handler writes it.
func TestJSONLogHandlerSameBytes(t *testing.T) {
	now := time.Date(2026, 11, 28, 5, 4, 3, 123456789, time.FixedZone("X", 3600))
	floats := []float64{0, 0.139, 1.5, 123456.789, 1e-7, 2.5e-9, 1e21, 1e20, -0.004417, math.SmallestNonzeroFloat64, math.MaxFloat64, math.NaN(), math.Inf(1)}
	records := [][]slog.Attr{
		{slog.String("request_id", "ab12-1f"), slog.String("method", "POST"), slog.String("route", "/v1/validate"), slog.Int("status", 200),
			slog.Float64("duration_ms", 0.139), slog.Int64("bytes_out", 694), slog.String("format", "mt"), slog.String("type", "MT103"),
			slog.String("verdict", "invalid"), slog.Int("validations", 1)},
		{slog.String("s", "quote\" back\\ nl\n tab\t <html> & é \u2028 \xff")},
		{slog.Uint64("u", 1<<63), slog.Bool("b", true), slog.Bool("f", false), slog.String("", "")},
		{slog.String("", "x")},
		{slog.Any("err", errors.New("boom")), slog.Duration("d", time.Second), slog.Time("t", now)},
		{slog.Group("g", slog.Int("a", 1)), slog.String("after", "x")},
		{slog.String("k\"ey", "v")},
		{},
	}
	for _, f := range floats {
		records = append(records, []slog.Attr{slog.Float64("f", f)})
	}
	for _, opts := range []*slog.HandlerOptions{nil, {Level: slog.LevelWarn}, {AddSource: true},
		{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { a.Key += "_"; return a }}} {
		for i, attrs := range records {
			for _, tm := range []time.Time{now, {}, now.AddDate(9000, 0, 0)} {
				for _, msg := range []string{"request", "a \"msg\"\n"} {
					var want, got bytes.Buffer
					r := slog.NewRecord(tm, slog.LevelInfo, msg, 0)
					r.AddAttrs(attrs...)
					ctx := context.Background()
					std, fast := slog.NewJSONHandler(&want, opts), NewJSONLogHandler(&got, opts)
					if std.Enabled(ctx, r.Level) != fast.Enabled(ctx, r.Level) {
						t.Fatalf("record %d: Enabled differs", i)
					}
					errW, errG := std.Handle(ctx, r.Clone()), fast.Handle(ctx, r.Clone())
					if (errW == nil) != (errG == nil) {
						t.Fatalf("record %d: error %v, want %v", i, errG, errW)
					}
					if got.String() != want.String() {
						t.Fatalf("record %d, opts %+v:\n got %s\nwant %s", i, opts, got.String(), want.String())
					}
					// The middleware's path, without a slog.Record.
					got.Reset()
					_ = fast.(*jsonLogHandler).handleAttrs(ctx, tm, r.Level, msg, attrs)
					if got.String() != want.String() {
						t.Fatalf("record %d, opts %+v, handleAttrs:\n got %s\nwant %s", i, opts, got.String(), want.String())
					}
					// Derived handlers are slog's own, on the same writer.
					got.Reset()
					want.Reset()
					_ = std.WithAttrs([]slog.Attr{slog.Int("w", 1)}).WithGroup("g").Handle(ctx, r.Clone())
					_ = fast.WithAttrs([]slog.Attr{slog.Int("w", 1)}).WithGroup("g").Handle(ctx, r.Clone())
					if got.String() != want.String() {
						t.Fatalf("record %d derived:\n got %s\nwant %s", i, got.String(), want.String())
					}
				}
			}
		}
	}
}

// BenchmarkJSONLogHandler compares the request line through slog's JSON
// handler and NewJSONLogHandler.
func BenchmarkJSONLogHandler(b *testing.B) {
	attrs := []slog.Attr{slog.String("request_id", "ab12cd34-1f"), slog.String("method", "POST"), slog.String("route", "/v1/validate"),
		slog.Int("status", 200), slog.Float64("duration_ms", 0.139), slog.Int64("bytes_out", 694), slog.String("format", "mt"),
		slog.String("type", "MT103"), slog.String("verdict", "invalid"), slog.Int("validations", 1)}
	for _, bc := range []struct {
		name string
		h    slog.Handler
	}{{"slog", slog.NewJSONHandler(io.Discard, nil)}, {"fast", NewJSONLogHandler(io.Discard, nil)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for b.Loop() {
				r := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
				r.AddAttrs(attrs...)
				_ = bc.h.Handle(ctx, r)
			}
		})
	}
}
