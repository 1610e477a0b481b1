package server

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
)

// perIPListener caps the open connections of each client IP address. A
// connection beyond the cap is closed as soon as it is accepted: left in
// the accept queue it would wait behind (and with) the flood, and counted
// against MaxConns it would let one client starve the rest.
type perIPListener struct {
	net.Listener
	max     int
	refused func() // counts a refused connection
	mu      sync.Mutex
	open    map[netip.Addr]int
}

func newPerIPListener(ln net.Listener, max int, refused func()) *perIPListener {
	return &perIPListener{Listener: ln, max: max, refused: refused, open: map[netip.Addr]int{}}
}

// Accept implements net.Listener.
func (l *perIPListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ta, ok := c.RemoteAddr().(*net.TCPAddr)
		if !ok {
			return c, nil // not TCP (a Unix socket): no address to count by
		}
		ip := ta.AddrPort().Addr().Unmap()
		l.mu.Lock()
		if l.open[ip] >= l.max {
			l.mu.Unlock()
			_ = c.Close()
			l.refused()
			continue
		}
		l.open[ip]++
		l.mu.Unlock()
		return &ipConn{Conn: c, l: l, ip: ip}, nil
	}
}

// count returns the open connections of ip (tests).
func (l *perIPListener) count(ip netip.Addr) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open[ip]
}

type ipConn struct {
	net.Conn
	l    *perIPListener
	ip   netip.Addr
	once sync.Once
}

// Close implements net.Conn; the address's count drops once.
func (c *ipConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		if c.l.open[c.ip]--; c.l.open[c.ip] <= 0 {
			delete(c.l.open, c.ip)
		}
		c.l.mu.Unlock()
	})
	return err
}

// headListener wraps each accepted connection in a framedConn.
type headListener struct{ net.Listener }

// Accept implements net.Listener.
func (l headListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &framedConn{Conn: c}, nil
}

type connKey struct{}

// connContext is http.Server.ConnContext: it makes the framedConn of a
// request reachable from the request's context.
func connContext(ctx context.Context, c net.Conn) context.Context {
	if fc, ok := c.(*framedConn); ok {
		return context.WithValue(ctx, connKey{}, fc)
	}
	return ctx
}

// framedConn follows the HTTP/1.1 request framing of a connection as
// net/http reads it, to find what net/http does not tell: a request head
// with both Content-Length and Transfer-Encoding. net/http accepts such a
// request, dropping Content-Length and reading the body as chunked
// (RFC 9112 §6.3 lets a server do so), and keeps the connection open; a
// proxy in front that framed the body by Content-Length instead would then
// see a different request boundary than this server: request smuggling.
// RFC 9112 says such a message "ought to be handled as an error"; the
// server refuses it (400) and closes the connection (see middleware).
//
// Written by hand because neither net/http nor Echo exposes the raw
// header: net/http deletes Content-Length before any handler runs. The
// follower reads head lines (a few hundred bytes per request) and skips
// bodies by their length, so its cost is a pass over the heads only. Any
// framing it cannot follow (a malformed head, which net/http refuses and
// closes the connection for anyway) switches it off for the connection.
type framedConn struct {
	net.Conn

	// Touched by Read only: net/http never reads a connection from two
	// goroutines at once (its background reader hands over in order).
	st      frameState
	line    []byte // the head or chunk-size line being read
	remain  int64  // body or chunk bytes left
	heads   int64  // request heads read so far
	inHead  bool   // a head line has been seen for the current head
	hasCL   bool
	hasTE   bool
	chunked bool
	http11  bool // HTTP/1.1 or later: net/http ignores Transfer-Encoding below

	// Read by the middleware, from the handler's goroutine.
	badHead atomic.Int64 // number of the first head with both headers; 0 for none
	served  atomic.Int64 // requests the middleware has seen
}

type frameState uint8

const (
	frHead frameState = iota
	frBody
	frChunkSize
	frChunkData
	frChunkCRLF
	frTrailer
	frOff
)

// maxFrameLine bounds a head line kept by the follower: net/http refuses
// heads above MaxHeaderBytes (64 KiB here), plus its 4 KiB of slack.
const maxFrameLine = 64<<10 + 4096

// Read implements net.Conn.
func (c *framedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && c.st != frOff {
		c.follow(p[:n])
	}
	return n, err
}

// smuggling reports whether the request now being served (the next one
// counted) had both Content-Length and Transfer-Encoding.
func (c *framedConn) smuggling() bool {
	n := c.served.Add(1)
	b := c.badHead.Load()
	return b != 0 && n >= b
}

func (c *framedConn) follow(b []byte) {
	for len(b) > 0 && c.st != frOff {
		switch c.st {
		case frBody, frChunkData:
			k := min(int64(len(b)), c.remain)
			b = b[k:]
			if c.remain -= k; c.remain == 0 {
				if c.st == frBody {
					c.st = frHead
				} else {
					c.st, c.remain = frChunkCRLF, 2
				}
			}
		case frChunkCRLF:
			k := min(int64(len(b)), c.remain)
			b = b[k:]
			if c.remain -= k; c.remain == 0 {
				c.st = frChunkSize
			}
		default: // line states: frHead, frChunkSize, frTrailer
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				c.addLine(b)
				return
			}
			if len(c.line) == 0 {
				// The whole line is in b (the usual case): no copy.
				c.endLine(bytes.TrimSuffix(b[:i], []byte{'\r'}))
				b = b[i+1:]
				continue
			}
			c.addLine(b[:i])
			b = b[i+1:]
			if c.st != frOff {
				c.endLine(bytes.TrimSuffix(c.line, []byte{'\r'}))
				c.line = c.line[:0]
			}
		}
	}
}

func (c *framedConn) addLine(b []byte) {
	if len(c.line)+len(b) > maxFrameLine {
		c.off()
		return
	}
	c.line = append(c.line, b...)
}

// off stops following: the framing is beyond what the follower reads.
func (c *framedConn) off() {
	c.st, c.line = frOff, nil
}

var (
	hdrContentLength    = []byte("content-length")
	hdrTransferEncoding = []byte("transfer-encoding")
)

func (c *framedConn) endLine(l []byte) {
	switch c.st {
	case frChunkSize:
		if i := bytes.IndexAny(l, "; \t"); i >= 0 {
			l = l[:i]
		}
		size, err := strconv.ParseInt(string(l), 16, 64)
		switch {
		case err != nil || size < 0:
			c.off()
		case size == 0:
			c.st = frTrailer
		default:
			c.st, c.remain = frChunkData, size
		}
		return
	case frTrailer:
		if len(l) == 0 {
			c.st = frHead
		}
		return
	}
	// frHead
	if !c.inHead {
		if len(l) == 0 {
			return // blank lines before a request line (tolerated by net/http)
		}
		c.inHead, c.hasCL, c.hasTE, c.chunked = true, false, false, false
		proto := l[bytes.LastIndexByte(l, ' ')+1:]
		major, minor, ok := http.ParseHTTPVersion(string(proto))
		if !ok {
			c.off() // net/http refuses the request line
			return
		}
		c.http11 = major > 1 || major == 1 && minor >= 1
		return
	}
	if len(l) > 0 {
		name, value, ok := bytes.Cut(l, []byte{':'})
		if !ok {
			return
		}
		switch {
		case len(name) != len(hdrContentLength) && len(name) != len(hdrTransferEncoding):
			// Neither header: the usual case, decided by the length.
		case bytes.EqualFold(name, hdrContentLength):
			n, err := strconv.ParseInt(string(bytes.TrimSpace(value)), 10, 64)
			if err != nil || n < 0 {
				c.off() // net/http refuses it and closes the connection
				return
			}
			c.hasCL, c.remain = true, n
		case bytes.EqualFold(name, hdrTransferEncoding):
			c.hasTE = true
			c.chunked = bytes.EqualFold(bytes.TrimSpace(value), []byte("chunked"))
		}
		return
	}
	// The blank line ending the head.
	c.inHead = false
	c.heads++
	switch {
	case c.hasCL && c.hasTE:
		c.badHead.CompareAndSwap(0, c.heads)
		c.off() // the connection is closed after this request
	case c.hasTE && c.http11:
		if !c.chunked {
			c.off() // net/http answers 501 and closes
			return
		}
		c.st = frChunkSize
	case c.hasCL && c.remain > 0:
		c.st = frBody
	default:
		c.remain = 0 // no body
	}
}
