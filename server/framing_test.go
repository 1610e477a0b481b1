package server

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// FuzzFraming: the framing follower (framedConn) never panics, never holds
// more than maxFrameLine of a line, and on any stream of requests that
// net/http reads without error (heads and bodies), split anywhere, it
// counts exactly those heads and ends between requests, unless one of them
// had both Content-Length and Transfer-Encoding (then it flags that head
// and stops following, as the connection is closed after it).
func FuzzFraming(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nTrailer: t\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"POST / HTTP/1.0\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nab",
		"POST / HTTP/1.1\nHost: x\ncontent-length: 1\n\nx",
		"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
	} {
		f.Add([]byte(s), uint16(7))
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		feed := func(b []byte) *framedConn {
			fc := &framedConn{}
			k := int(split) % (len(b) + 1)
			fc.follow(b[:k])
			fc.follow(b[k:])
			if len(fc.line) > maxFrameLine {
				t.Fatalf("line buffer %d bytes", len(fc.line))
			}
			return fc
		}
		feed(data)
		// What net/http reads without error.
		r := bytes.NewReader(data)
		br := bufio.NewReader(r)
		n, consumed := 0, 0
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				break
			}
			if _, err := io.Copy(io.Discard, req.Body); err != nil {
				break
			}
			n++
			consumed = len(data) - r.Len() - br.Buffered()
		}
		fc := feed(data[:consumed])
		if fc.badHead.Load() != 0 {
			return
		}
		if fc.heads != int64(n) || fc.st != frHead || fc.inHead {
			t.Fatalf("net/http read %d requests in %d bytes; the follower counted %d heads, state %d, in a head %v", n, consumed, fc.heads, fc.st, fc.inHead)
		}
	})
}

// BenchmarkFraming: the cost of following one keep-alive request (a
// 200-byte head and an MT103 of 2 KB) as net/http reads it.
func BenchmarkFraming(b *testing.B) {
	body := strings.Repeat("x", 2048)
	req := []byte("POST /v1/validate HTTP/1.1\r\nHost: swiftval.internal:8080\r\nUser-Agent: Go-http-client/1.1\r\nContent-Length: 2048\r\nContent-Type: text/plain\r\nAccept-Encoding: gzip\r\n\r\n" + body)
	fc := &framedConn{}
	b.SetBytes(int64(len(req)))
	b.ReportAllocs()
	for b.Loop() {
		fc.follow(req[:96])
		fc.follow(req[96:])
	}
	if fc.heads == 0 || fc.st != frHead {
		b.Fatalf("heads %d state %d", fc.heads, fc.st)
	}
}
