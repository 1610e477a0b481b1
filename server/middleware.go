package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/trace"

	"github.com/swiftval/swiftval/engine"
)

// reqCtx is the per-request state shared by the middleware and the
// handlers: it embeds the Echo context, so handlers receive it as their
// echo.Context. Instances are pooled.
type reqCtx struct {
	echo.Context
	start     time.Time
	id        string
	validated int           // validations run for this request
	valDur    time.Duration // their total engine time
	format    string        // of the last validation (for the log line)
	typ       string
	verdict   string
	tw        timingWriter // wraps the response writer for Server-Timing
	detached  detachedCtx  // the request's values without its cancellation
	// hdr backs the X-Request-ID and Server-Timing header values: one
	// allocation per request for both instead of one each. It is fresh per
	// request (never pooled), as a ResponseWriter may keep its header map.
	hdr []string
}

// detachedCtx is context.WithoutCancel of a request's context, living in
// the pooled reqCtx: WithoutCancel allocates once per request, on the path
// that TestValidateAllocs pins. It has the parent's values (trace span,
// request-scoped data) and neither its deadline nor its cancellation.
type detachedCtx struct{ parent context.Context }

func (detachedCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (detachedCtx) Done() <-chan struct{}       { return nil }
func (detachedCtx) Err() error                  { return nil }
func (d *detachedCtx) Value(key any) any        { return d.parent.Value(key) }

// validationContext returns the context validations of the request run
// under: the request's values, but not cancelled when the client
// half-closes (see handleValidate).
func (rc *reqCtx) validationContext() context.Context {
	rc.detached.parent = rc.Request().Context()
	return &rc.detached
}

// timingWriter sets Server-Timing as the header goes out. It stands in for
// Echo's Response.Before hook, whose slice of hooks is allocated anew for
// every request; this one lives in the pooled reqCtx.
type timingWriter struct {
	http.ResponseWriter
	rc *reqCtx
}

// WriteHeader implements http.ResponseWriter. Echo's Response calls it once,
// for the first WriteHeader or Write.
func (w *timingWriter) WriteHeader(code int) {
	w.rc.setTiming()
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap gives http.ResponseController the writer underneath (flushing,
// hijacking, full duplex, deadlines).
func (w *timingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// setTiming sets Server-Timing just before the response header goes out:
// "validate;dur=<ms>" when the request validated something, and
// "app;dur=<ms>" for the whole handling so far.
func (rc *reqCtx) setTiming() {
	var b [64]byte
	buf := b[:0]
	if rc.validated > 0 {
		buf = append(buf, "validate;dur="...)
		buf = strconv.AppendFloat(buf, float64(rc.valDur.Nanoseconds())/1e6, 'f', 3, 64)
		buf = append(buf, ", "...)
	}
	buf = append(buf, "app;dur="...)
	buf = strconv.AppendFloat(buf, float64(time.Since(rc.start).Nanoseconds())/1e6, 'f', 3, 64)
	v := rc.hdr[1:2:2]
	v[0] = string(buf)
	rc.Response().Header()["Server-Timing"] = v
}

// note records a finished validation for the log line, the Server-Timing
// header and the metrics.
func (s *Server) note(rc *reqCtx, r *engine.Report) {
	rc.validated++
	rc.valDur += r.Elapsed
	rc.format, rc.typ, rc.verdict = r.Format, r.Type, verdict(r)
	s.metrics.observeReport(r)
	if !r.Valid {
		for i := range r.Findings {
			f := &r.Findings[i]
			// The engine stopped a panicking rule or parser and reported it
			// (SV003, SV005) so the request goes on; the operator hears of it.
			if f.Code == engine.CodeRulePanicked || f.Code == engine.CodeParserPanicked {
				s.log.Error("rule panicked", "request_id", rc.id, "rule", f.Rule, "rule_set", f.RuleSet, "code", f.Code, "type", clip(r.Type))
			}
		}
	}
}

// middleware wraps every route: request ID, Server-Timing, panic recovery,
// problem rendering of errors, metrics, the request log line and the span
// name.
func (s *Server) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		rc := s.ctxPool.Get().(*reqCtx)
		*rc = reqCtx{Context: c, start: time.Now()}
		req := c.Request()
		id := req.Header.Get(echo.HeaderXRequestID)
		if !saneRequestID(id) {
			id = s.newRequestID()
		}
		rc.id = id
		res := c.Response()
		h := res.Header()
		rc.hdr = make([]string, 2)
		rc.hdr[0] = id
		h[echo.HeaderXRequestID] = rc.hdr[0:1:1]
		h["X-Content-Type-Options"] = hdrNosniff
		if s.draining.Load() {
			// Shutting down: the client is to open its next connection
			// elsewhere; net/http closes this one after the response.
			h["Connection"] = hdrClose
		}
		rc.tw = timingWriter{ResponseWriter: res.Writer, rc: rc}
		res.Writer = &rc.tw
		s.metrics.inFlight.Inc()
		defer s.metrics.inFlight.Dec()

		s.serve(rc, next)

		d := time.Since(rc.start)
		route := c.Path()
		if !s.routeKnown(route) {
			route = "unmatched"
		}
		status := res.Status
		s.metrics.observeRequest(route, status, d)
		if s.tracer != nil {
			trace.SpanFromContext(req.Context()).SetName(req.Method + " " + route)
		}
		if s.log.Enabled(req.Context(), slog.LevelInfo) {
			attrs := [...]slog.Attr{
				slog.String("request_id", id),
				slog.String("method", req.Method),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Float64("duration_ms", float64(d.Nanoseconds())/1e6),
				slog.Int64("bytes_out", res.Size),
				slog.String("format", rc.format),
				slog.String("type", clip(rc.typ)),
				slog.String("verdict", rc.verdict),
				slog.Int("validations", rc.validated),
			}
			n := len(attrs)
			if rc.validated == 0 {
				n = 6
			}
			// The handler directly, not Logger.LogAttrs: no caller PC is
			// looked up (runtime.Callers; the handlers here add no source)
			// and the end time is start+d, not one more clock read.
			t := rc.start.Add(d)
			if fh, ok := s.log.Handler().(*jsonLogHandler); ok {
				_ = fh.handleAttrs(req.Context(), t, slog.LevelInfo, "request", attrs[:n])
			} else {
				r := slog.NewRecord(t, slog.LevelInfo, "request", 0)
				r.AddAttrs(attrs[:n]...)
				_ = s.log.Handler().Handle(req.Context(), r)
			}
		}
		res.Writer = rc.tw.ResponseWriter
		*rc = reqCtx{}
		s.ctxPool.Put(rc)
		return nil
	}
}

// serve runs the handler, recovering a panic into a 500 problem and an
// error log line (with the stack; the client gets neither), and renders a
// returned error as a problem. A request that had both Content-Length and
// Transfer-Encoding (framedConn) gets a 400 and its connection is closed.
func (s *Server) serve(rc *reqCtx, next echo.HandlerFunc) {
	if fc, ok := rc.Request().Context().Value(connKey{}).(*framedConn); ok && fc.smuggling() {
		s.metrics.refused.WithLabelValues("cl_te").Inc()
		s.log.Warn("request refused: both Content-Length and Transfer-Encoding", "request_id", rc.id, "route", rc.Path())
		p := problem(http.StatusBadRequest, "the request has both Content-Length and Transfer-Encoding, which frame its body differently (RFC 9112 §6.3); send one")
		p.header = http.Header{"Connection": hdrClose}
		s.errorHandler(p, rc)
		return
	}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("handler panicked", "request_id", rc.id, "route", rc.Path(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if !rc.Response().Committed {
				_ = writeProblem(rc, problem(http.StatusInternalServerError, "internal error; see the server log for this request ID"))
			}
		}
	}()
	if err := next(rc); err != nil {
		s.errorHandler(err, rc)
	}
}

// clip bounds a value from the input (an MX type comes from a namespace,
// which is free text) before it goes into a log line.
func clip(v string) string {
	const max = 64
	if len(v) <= max {
		return v
	}
	return v[:max] + "…"
}

func (s *Server) logRequestError(c echo.Context, err error) {
	id := c.Response().Header().Get(echo.HeaderXRequestID)
	s.log.Error("request failed", "request_id", id, "route", c.Path(), "error", err.Error())
}
