package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/swiftval/swiftval/engine"
)

// Outcome is the result of one request as a Worker saw it.
type Outcome struct {
	// Err is the kind of error ("timeout", "http_503", ...); empty on success.
	Err string
	// Invalid is true when the message was validated and found invalid (not
	// an error of the run, but a sign the corpus is not what it should be).
	Invalid bool
	// Server is the validation time the server reported (Server-Timing
	// validate;dur=) or the engine measured in process; valid when HasServer.
	Server    time.Duration
	HasServer bool // Server is set
}

// Target is what a run sends requests to. NewWorker is called once per
// connection before the run starts; each Worker is used by one goroutine.
type Target interface {
	// Name describes the target in reports ("http://127.0.0.1:8080/v1/validate").
	Name() string
	// NewWorker returns the per-connection sender.
	NewWorker() Worker
	// Close releases the target's resources (idle connections).
	Close()
}

// Worker sends one request at a time. It is not safe for concurrent use.
type Worker interface {
	// Do sends s and waits for the answer. It never panics on a failed
	// request: the failure is the Outcome's Err.
	Do(ctx context.Context, s *Sample) Outcome
}

// ValidatePath is the server endpoint that validates one message.
const ValidatePath = "/v1/validate"

// HTTPTarget posts samples to a validation endpoint over keep-alive
// connections, at most one request in flight per worker.
type HTTPTarget struct {
	url *url.URL
	tr  *http.Transport
}

// NewHTTPTarget returns a target posting to rawURL; a URL without a path
// gets ValidatePath. connections bounds the TCP connections; timeout bounds
// the wait for each response's header (connecting is bounded by 5 s). The
// requests go straight to the transport's RoundTrip: no redirects, no
// cookies, no per-request timer, which saves a dozen allocations a request.
func NewHTTPTarget(rawURL string, connections int, timeout time.Duration) (*HTTPTarget, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("url: %q is not an http(s) URL", rawURL)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = ValidatePath
	}
	if connections < 1 {
		connections = 1
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          connections,
		MaxIdleConnsPerHost:   connections,
		MaxConnsPerHost:       connections,
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true,
		ForceAttemptHTTP2:     false,
		WriteBufferSize:       16 << 10,
		ReadBufferSize:        16 << 10,
		ResponseHeaderTimeout: timeout,
	}
	return &HTTPTarget{url: u, tr: tr}, nil
}

// IsLoopback reports whether rawURL names a loopback host (localhost,
// 127.0.0.0/8, ::1).
func IsLoopback(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Name returns the URL posted to.
func (t *HTTPTarget) Name() string { return t.url.String() }

// Close closes idle connections.
func (t *HTTPTarget) Close() { t.tr.CloseIdleConnections() }

// NewWorker returns a worker with its own request templates and buffers.
func (t *HTTPTarget) NewWorker() Worker {
	return &httpWorker{t: t, tmpl: map[string]*http.Request{}, buf: make([]byte, 0, 4096)}
}

type httpWorker struct {
	t    *HTTPTarget
	tmpl map[string]*http.Request // by content type; headers shared read-only
	buf  []byte
}

var invalidMark = []byte(`"valid":false`)

// Do posts s and reads the answer into the worker's buffer.
func (w *httpWorker) Do(ctx context.Context, s *Sample) Outcome {
	tm := w.tmpl[s.ContentType]
	if tm == nil {
		tm = &http.Request{
			Method:     http.MethodPost,
			URL:        w.t.url,
			Proto:      "HTTP/1.1",
			ProtoMajor: 1,
			ProtoMinor: 1,
			Header:     http.Header{"Content-Type": {s.ContentType}, "Accept": {"application/json"}},
			Host:       w.t.url.Host,
		}
		w.tmpl[s.ContentType] = tm
	}
	req := tm.WithContext(ctx)
	// An io.NopCloser around a *bytes.Reader is a body net/http knows to be
	// in memory: it writes the headers and the body in one write, and never
	// takes the sendfile path (which costs a second write and a 32 KB copy
	// buffer a request). Two small allocations; a reusable body of our own
	// type would lose both optimisations.
	req.Body = io.NopCloser(bytes.NewReader(s.Body))
	req.ContentLength = int64(len(s.Body))
	resp, err := w.t.tr.RoundTrip(req)
	if err != nil {
		return Outcome{Err: ErrorKind(err)}
	}
	w.buf, err = readAll(resp.Body, w.buf[:0])
	resp.Body.Close()
	if err != nil {
		return Outcome{Err: ErrorKind(err)}
	}
	var o Outcome
	o.Server, o.HasServer = ParseServerTiming(resp.Header.Get("Server-Timing"), "validate")
	judge(&o, resp.StatusCode, w.buf)
	return o
}

// readAll reads r to the end into buf (reused across requests).
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// statusKinds holds "http_<code>" for every status code below 600, built on
// first use (not at package initialisation, which every swiftval command
// pays) so that recording a failed request does not allocate.
var statusKinds = sync.OnceValue(func() *[600]string {
	var kinds [600]string
	for i := range kinds {
		kinds[i] = "http_" + strconv.Itoa(i)
	}
	return &kinds
})

func statusKind(code int) string {
	if kinds := statusKinds(); code >= 0 && code < len(kinds) {
		return kinds[code]
	}
	return "http_other"
}

// ErrorKind classifies a request error: timeout, canceled, conn_refused,
// conn_reset, eof, dns or transport.
func ErrorKind(err error) string {
	var ne net.Error
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "conn_refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "conn_reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "eof"
	case errors.As(err, &dnsErr):
		return "dns"
	}
	return "transport"
}

// ParseServerTiming returns the dur of the named metric of a Server-Timing
// header value (`validate;dur=0.153, db;dur=2`; dur in milliseconds). ok is
// false when the metric or its dur is absent or malformed. It does not
// allocate.
func ParseServerTiming(h, metric string) (d time.Duration, ok bool) {
	for h != "" {
		var part string
		part, h, _ = strings.Cut(h, ",")
		name, params, _ := strings.Cut(part, ";")
		if strings.TrimSpace(name) != metric {
			continue
		}
		for params != "" {
			var p string
			p, params, _ = strings.Cut(params, ";")
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.TrimSpace(k) != "dur" {
				continue
			}
			v = strings.Trim(strings.TrimSpace(v), `"`)
			ms, err := strconv.ParseFloat(v, 64)
			if err != nil || ms < 0 || ms > 1e9 {
				return 0, false
			}
			return time.Duration(ms * float64(time.Millisecond)), true
		}
		return 0, false
	}
	return 0, false
}

// InprocTarget validates samples with an engine in this process: the
// figures are the engine's alone, without HTTP.
type InprocTarget struct {
	eng  *engine.Engine
	opts engine.ValidateOptions
}

// NewInprocTarget returns a target validating with eng.
func NewInprocTarget(eng *engine.Engine, opts engine.ValidateOptions) *InprocTarget {
	return &InprocTarget{eng: eng, opts: opts}
}

// Name returns "in-process engine".
func (t *InprocTarget) Name() string { return "in-process engine" }

// Close does nothing.
func (t *InprocTarget) Close() {}

// NewWorker returns a worker calling the engine.
func (t *InprocTarget) NewWorker() Worker { return inprocWorker{t} }

type inprocWorker struct{ t *InprocTarget }

// Do validates s with the engine.
func (w inprocWorker) Do(ctx context.Context, s *Sample) Outcome {
	r := w.t.eng.ValidateWith(ctx, s.Body, w.t.opts)
	return Outcome{Invalid: !r.Valid, Server: r.Elapsed, HasServer: true}
}

// NoopHandler answers every request at once: it reads the body and replies
// 200 with a minimal valid report and `Server-Timing: validate;dur=0`. Run
// against it, the harness measures its own overhead (and the loopback
// network's): what it reports there is the floor of what it can measure.
func NoopHandler() http.Handler {
	body := []byte(`{"valid":true,"complete":true}`)
	ct, cl, st := []string{"application/json"}, []string{strconv.Itoa(len(body))}, []string{"validate;dur=0"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h["Content-Type"], h["Content-Length"], h["Server-Timing"] = ct, cl, st
		_, _ = w.Write(body)
	})
}
