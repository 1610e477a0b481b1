package server

import (
	"context"
	"io"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// NewJSONLogHandler returns a slog.Handler that writes the same lines,
// byte for byte, as slog.NewJSONHandler(w, opts), but encodes a record whose
// attributes are all plain strings, integers, floats and booleans itself:
// slog's JSON handler encodes every float64 (the request line's
// duration_ms) through encoding/json, which costs more than the rest of the
// line. Any other record (groups, times, any values, strings that need
// escaping, NaN), and every record when opts has ReplaceAttr or AddSource,
// goes to slog's handler. Each line is one Write to w; the two paths share
// a lock, so lines never interleave.
func NewJSONLogHandler(w io.Writer, opts *slog.HandlerOptions) slog.Handler {
	if opts == nil {
		opts = &slog.HandlerOptions{}
	}
	h := &jsonLogHandler{mu: &sync.Mutex{}, w: w}
	h.std = slog.NewJSONHandler(lockedWriter{h.mu, w}, opts)
	h.fast = opts.ReplaceAttr == nil && !opts.AddSource
	return h
}

type jsonLogHandler struct {
	std  slog.Handler
	mu   *sync.Mutex
	w    io.Writer
	fast bool
}

// lockedWriter is the writer of slog's handler: it writes under the lock of
// the fast path.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

var logBufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// Enabled implements slog.Handler.
func (h *jsonLogHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.std.Enabled(ctx, l)
}

// WithAttrs implements slog.Handler; the derived handler is slog's own.
func (h *jsonLogHandler) WithAttrs(as []slog.Attr) slog.Handler { return h.std.WithAttrs(as) }

// WithGroup implements slog.Handler; the derived handler is slog's own.
func (h *jsonLogHandler) WithGroup(name string) slog.Handler { return h.std.WithGroup(name) }

// Handle implements slog.Handler.
func (h *jsonLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if !h.fast {
		return h.std.Handle(ctx, r)
	}
	bp := logBufPool.Get().(*[]byte)
	defer putLogBuf(bp)
	b, ok := appendJSONRecord((*bp)[:0], r)
	*bp = b
	if !ok {
		return h.std.Handle(ctx, r)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.w.Write(b)
	return err
}

// handleAttrs is Handle for a record of t, level, msg and attrs, without
// building a slog.Record (whose five inline attributes the request line
// outgrows, costing an allocation, and whose Attrs walks them through a
// callback).
func (h *jsonLogHandler) handleAttrs(ctx context.Context, t time.Time, level slog.Level, msg string, attrs []slog.Attr) error {
	if h.fast {
		bp := logBufPool.Get().(*[]byte)
		b, ok := appendJSONHead((*bp)[:0], t, level, msg)
		for i := 0; ok && i < len(attrs); i++ {
			b, ok = appendJSONAttr(b, attrs[i])
		}
		*bp = b
		if ok {
			b = append(b, "}\n"...)
			*bp = b
			h.mu.Lock()
			_, err := h.w.Write(b)
			h.mu.Unlock()
			putLogBuf(bp)
			return err
		}
		putLogBuf(bp)
	}
	r := slog.NewRecord(t, level, msg, 0)
	r.AddAttrs(attrs...)
	return h.std.Handle(ctx, r)
}

func putLogBuf(bp *[]byte) {
	if cap(*bp) <= 16<<10 {
		*bp = (*bp)[:0]
		logBufPool.Put(bp)
	}
}

// appendJSONRecord appends r as slog's JSON handler (without options)
// writes it, or reports false for a record it leaves to that handler.
func appendJSONRecord(b []byte, r slog.Record) ([]byte, bool) {
	b, ok := appendJSONHead(b, r.Time, r.Level, r.Message)
	if !ok {
		return b, false
	}
	r.Attrs(func(a slog.Attr) bool {
		b, ok = appendJSONAttr(b, a)
		return ok
	})
	if !ok {
		return b, false
	}
	return append(b, "}\n"...), true
}

// appendJSONHead appends the opening brace and the built-in time, level and
// message.
func appendJSONHead(b []byte, t time.Time, level slog.Level, msg string) ([]byte, bool) {
	b = append(b, '{')
	if !t.IsZero() {
		t = t.Round(0)
		if y := t.Year(); y < 0 || y >= 10000 {
			return b, false
		}
		b = append(b, `"time":"`...)
		b = t.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `",`...)
	}
	b = append(b, `"level":`...)
	b, ok := appendLogString(b, level.String())
	if !ok {
		return b, false
	}
	b = append(b, `,"msg":`...)
	return appendLogString(b, msg)
}

// appendJSONAttr appends ,"key":value for a plain attribute.
func appendJSONAttr(b []byte, a slog.Attr) ([]byte, bool) {
	if a.Key == "" {
		return b, false
	}
	b = append(b, ',')
	b, ok := appendLogString(b, a.Key)
	if !ok {
		return b, false
	}
	b = append(b, ':')
	v := a.Value
	switch v.Kind() {
	case slog.KindString:
		return appendLogString(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10), true
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10), true
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool()), true
	case slog.KindFloat64:
		return appendJSONFloat(b, v.Float64())
	}
	return b, false
}

// appendLogString appends s quoted, or reports false when s needs any
// escaping (slog's handler then writes the record).
func appendLogString(b []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return b, false
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), true
}

// appendJSONFloat appends f as encoding/json encodes a float64 (which is
// what slog's handler calls), or reports false for NaN and infinities.
func appendJSONFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, false
	}
	abs := math.Abs(f)
	fmt := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		fmt = 'e'
	}
	b = strconv.AppendFloat(b, f, fmt, -1, 64)
	if fmt == 'e' {
		// e-09 to e-9, as encoding/json does.
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}
