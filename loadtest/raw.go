package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// RawTarget posts samples over plain-HTTP/1.1 keep-alive connections with a
// minimal client of its own: each request is serialised once per sample
// and connection, written with one write, and its answer parsed just enough
// to get the status, Server-Timing and the body. It spends a fraction of the
// CPU of net/http's client (no transport goroutines, no header maps), which
// matters when the harness shares the server's cores. http:// only: use
// HTTPTarget for https.
type RawTarget struct {
	url     *url.URL
	addr    string
	timeout time.Duration

	mu      sync.Mutex
	workers []*rawWorker
}

// NewRawTarget returns a raw target posting to rawURL (http:// only); a URL
// without a path gets ValidatePath. timeout bounds each request (write and
// answer); connecting is bounded by 5 s.
func NewRawTarget(rawURL string, timeout time.Duration) (*RawTarget, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("url: %w", err)
	}
	if u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("url: %q is not an http:// URL (the raw client speaks plain HTTP/1.1 only)", rawURL)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = ValidatePath
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	return &RawTarget{url: u, addr: addr, timeout: timeout}, nil
}

// Name returns the URL posted to.
func (t *RawTarget) Name() string { return t.url.String() }

// Close closes every worker's connection.
func (t *RawTarget) Close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, w := range t.workers {
		w.mu.Lock()
		w.closeLocked()
		w.mu.Unlock()
	}
}

// NewWorker returns a worker with its own connection (dialled on first use,
// and again after an error or a "Connection: close").
func (t *RawTarget) NewWorker() Worker {
	w := &rawWorker{t: t, reqs: map[*Sample][]byte{}, buf: make([]byte, 0, 4096)}
	t.mu.Lock()
	t.workers = append(t.workers, w)
	t.mu.Unlock()
	return w
}

type rawWorker struct {
	t    *RawTarget
	reqs map[*Sample][]byte // serialised requests
	buf  []byte             // response body, reused

	mu   sync.Mutex // guards conn against abort from another goroutine
	conn net.Conn
	br   *bufio.Reader
	used bool // conn has served a request already

	ctx  context.Context // the context abort is registered on; guarded by mu
	stop func() bool
}

// errBadResponse is an answer the raw client cannot parse.
var errBadResponse = errors.New("malformed HTTP response")

// request serialises the request of s once.
func (w *rawWorker) request(s *Sample) []byte {
	if b, ok := w.reqs[s]; ok {
		return b
	}
	b := w.t.requestBytes(s)
	w.reqs[s] = b
	return b
}

// requestBytes serialises the request posting s.
func (t *RawTarget) requestBytes(s *Sample) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: swiftval-bench\r\nContent-Type: %s\r\nAccept: application/json\r\nContent-Length: %d\r\n\r\n",
		t.url.RequestURI(), t.url.Host, s.ContentType, len(s.Body))
	b.Write(s.Body)
	return b.Bytes()
}

// judge sets o from an answer's status and body: a 2xx answer is a
// validation report (invalid when it says "valid":false), 422 a message
// found invalid, anything else an error of that status.
func judge(o *Outcome, status int, body []byte) {
	switch {
	case status >= 200 && status < 300:
		o.Invalid = bytes.Contains(body, invalidMark)
	case status == 422:
		o.Invalid = true
	default:
		o.Err = statusKind(status)
	}
}

// maxHead bounds an answer's head: the raw workers' read buffer, and what
// the event loop keeps of a head before it calls the answer malformed.
const maxHead = 16 << 10

// dialTimeout bounds connecting, for the raw workers and the event loop.
const dialTimeout = 5 * time.Second

// parseHead parses an answer's status line and header fields from the
// start of b. n is the length of the head with its blank line, 0 when b
// does not hold all of it yet.
func parseHead(b []byte) (h respHead, n int, err error) {
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 {
		return h, 0, nil
	}
	line := b[:nl+1]
	// Status line: HTTP/1.x NNN reason
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return h, 0, errBadResponse
	}
	st := line[9:12]
	for _, c := range st {
		if c < '0' || c > '9' {
			return h, 0, errBadResponse
		}
		h.status = h.status*10 + int(c-'0')
	}
	h.keep = line[7] == '1' // HTTP/1.1 keeps the connection unless told otherwise
	h.length = -1
	pos := nl + 1
	for {
		nl = bytes.IndexByte(b[pos:], '\n')
		if nl < 0 {
			return h, 0, nil
		}
		line = bytes.TrimRight(b[pos:pos+nl], "\r")
		pos += nl + 1
		if len(line) == 0 {
			return h, pos, nil
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return h, 0, errBadResponse
		}
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "content-length"):
			l, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || l < 0 {
				return h, 0, errBadResponse
			}
			h.length = l
		case asciiEqualFold(name, "transfer-encoding"):
			h.chunked = asciiEqualFold(value, "chunked")
		case asciiEqualFold(name, "connection"):
			if asciiEqualFold(value, "close") {
				h.keep = false
			}
		case asciiEqualFold(name, "server-timing"):
			h.server, h.hasServer = ParseServerTiming(string(value), "validate")
		}
	}
}

// respHead is what the client needs of an answer's head.
type respHead struct {
	status    int
	keep      bool
	length    int64 // -1: none
	chunked   bool
	server    time.Duration
	hasServer bool
}

// abort makes a blocked read or write return at once: ctx ended. It does
// nothing when the worker has moved on to another context (an AfterFunc of
// an earlier request's context can run late, after a new connection is up).
func (w *rawWorker) abort(ctx context.Context) {
	w.mu.Lock()
	if w.conn != nil && w.ctx == ctx {
		_ = w.conn.SetDeadline(time.Unix(1, 0))
	}
	w.mu.Unlock()
}

func (w *rawWorker) closeLocked() {
	if w.conn != nil {
		_ = w.conn.Close()
		w.conn, w.used = nil, false
	}
}

func (w *rawWorker) close() {
	w.mu.Lock()
	w.closeLocked()
	w.mu.Unlock()
}

// Do sends s and reads the answer. A request that fails at once on a
// connection that served earlier requests (the server closed it while
// idle) is retried once on a new connection.
func (w *rawWorker) Do(ctx context.Context, s *Sample) Outcome {
	if ctx != w.ctx {
		if w.stop != nil {
			w.stop()
		}
		w.mu.Lock()
		w.ctx = ctx
		w.mu.Unlock()
		w.stop = context.AfterFunc(ctx, func() { w.abort(ctx) })
	}
	if ctx.Err() != nil {
		return Outcome{Err: "canceled"}
	}
	req := w.request(s)
	for attempt := 0; ; attempt++ {
		if w.conn == nil {
			d := net.Dialer{Timeout: dialTimeout}
			c, err := d.DialContext(ctx, "tcp", w.t.addr)
			if err != nil {
				return Outcome{Err: w.kind(ctx, err)}
			}
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetNoDelay(true)
			}
			w.mu.Lock()
			w.conn = c
			w.mu.Unlock()
			if w.br == nil {
				w.br = bufio.NewReaderSize(c, maxHead)
			} else {
				w.br.Reset(c)
			}
			if ctx.Err() != nil { // abort ran before conn was set
				w.close()
				return Outcome{Err: "canceled"}
			}
		}
		reused := w.used
		_ = w.conn.SetDeadline(time.Now().Add(w.t.timeout))
		o, keep, sentNothing, err := w.roundTrip(req)
		if err != nil {
			w.close()
			if reused && sentNothing && attempt == 0 && ctx.Err() == nil {
				continue
			}
			return Outcome{Err: w.kind(ctx, err)}
		}
		w.used = true
		if !keep {
			w.close()
		}
		return o
	}
}

func (w *rawWorker) kind(ctx context.Context, err error) string {
	if ctx.Err() != nil {
		return "canceled"
	}
	if errors.Is(err, errBadResponse) || errors.Is(err, bufio.ErrBufferFull) {
		return "bad_response"
	}
	return ErrorKind(err)
}

// roundTrip writes req and reads one answer. sentNothing is true when the
// connection failed before any byte of an answer came (a stale keep-alive
// connection); keep is false when the connection must not be reused.
func (w *rawWorker) roundTrip(req []byte) (o Outcome, keep, sentNothing bool, err error) {
	if _, err = w.conn.Write(req); err != nil {
		return o, false, true, err
	}
	h, err := w.readHead()
	if err != nil {
		return o, false, w.br.Buffered() == 0 && !errors.Is(err, errBadResponse), err
	}
	o.Server, o.HasServer = h.server, h.hasServer
	keep = h.keep
	w.buf = w.buf[:0]
	switch {
	case h.chunked:
		err = w.readChunked()
	case h.length >= 0:
		err = w.readN(h.length)
	default: // the body runs to the end of the connection
		keep = false
		w.buf, err = readAll(w.br, w.buf)
	}
	if err != nil {
		return o, false, false, err
	}
	judge(&o, h.status, w.buf)
	return o, keep, false, nil
}

// readHead reads an answer's head with parseHead, as the event loop does:
// it waits for more bytes until the buffered ones hold the whole head (at
// most the reader's 16 KiB, maxHead; beyond that bufio.ErrBufferFull).
func (w *rawWorker) readHead() (respHead, error) {
	for k := 1; ; {
		if _, err := w.br.Peek(k); err != nil {
			return respHead{}, err
		}
		b, _ := w.br.Peek(w.br.Buffered())
		h, n, err := parseHead(b)
		if err != nil || n > 0 {
			_, _ = w.br.Discard(n)
			return h, err
		}
		k = len(b) + 1
	}
}

// maxBody bounds an answer read into memory: the largest report of a
// 1 MiB message stays well under it.
const maxBody = 64 << 20

func (w *rawWorker) readN(n int64) error {
	if n > maxBody {
		return errBadResponse
	}
	start := len(w.buf)
	w.buf = append(w.buf, make([]byte, n)...)
	_, err := io.ReadFull(w.br, w.buf[start:])
	return err
}

func (w *rawWorker) readChunked() error {
	for {
		line, err := w.br.ReadSlice('\n')
		if err != nil {
			return err
		}
		line = bytes.TrimRight(line, "\r\n")
		if i := bytes.IndexByte(line, ';'); i >= 0 { // chunk extensions
			line = line[:i]
		}
		n, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 64)
		if err != nil || n < 0 || int64(len(w.buf))+n > maxBody {
			return errBadResponse
		}
		if n == 0 { // last chunk: skip trailers up to the blank line
			for {
				line, err = w.br.ReadSlice('\n')
				if err != nil {
					return err
				}
				if len(bytes.TrimRight(line, "\r\n")) == 0 {
					return nil
				}
			}
		}
		if err := w.readN(n); err != nil {
			return err
		}
		if _, err := w.br.Discard(2); err != nil { // CRLF after the data
			return err
		}
	}
}

// asciiEqualFold reports whether b equals the lower-case ASCII s, ignoring
// case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
