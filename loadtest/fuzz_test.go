//go:build linux

package loadtest

import (
	"bufio"
	"bytes"
	"io"
	"net/http/httputil"
	"testing"
)

// FuzzParseHead: parseHead never panics, never claims more than it was
// given, and parses the same head from exactly the bytes it consumed.
func FuzzParseHead(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 14\r\nServer-Timing: validate;dur=0.012\r\n\r\n{\"valid\":true}",
		"HTTP/1.0 422 Unprocessable\nConnection: close\n\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "HTTP/1.1 200", "",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, n, err := parseHead(b)
		if err != nil || n == 0 {
			return
		}
		if n > len(b) {
			t.Fatalf("consumed %d of %d bytes", n, len(b))
		}
		h2, n2, err2 := parseHead(b[:n])
		if err2 != nil || n2 != n || h2 != h {
			t.Fatalf("head of its own bytes differs: %+v %d %v, want %+v %d", h2, n2, err2, h, n)
		}
		if h.status < 0 || h.status > 999 || h.length < -1 {
			t.Fatalf("head %+v", h)
		}
	})
}

// FuzzDechunk: decoding a chunked body fed in two pieces gives what feeding
// it whole gives, and a body it completes is the one net/http's chunked
// reader reads when that reader accepts the input too.
func FuzzDechunk(f *testing.F) {
	for _, s := range []string{
		"5\r\nhello\r\n0\r\n\r\n",
		"5\r\n{\"val\r\n9;x=1\r\nid\":false\r\n0\r\nX-T: 1\r\n\r\n",
		"A\r\n0123456789\r\n0\r\n\r\n", "zz\r\n", "3\r\nab", "0\r\n", "1\n", "",
	} {
		f.Add([]byte(s), uint16(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, cut uint16) {
		whole := &loopConn{in: in}
		doneW, errW := whole.dechunk()
		split := &loopConn{in: in[:int(cut)%(len(in)+1)]}
		done, err := split.dechunk()
		if err == nil && !done {
			split.in = in
			done, err = split.dechunk()
		}
		if err == nil || errW == nil {
			if done != doneW || (err == nil) != (errW == nil) || (done && !bytes.Equal(split.body, whole.body)) {
				t.Fatalf("split at %d: done %v err %v body %q; whole: done %v err %v body %q", cut, done, err, split.body, doneW, errW, whole.body)
			}
		}
		if !doneW || errW != nil {
			return
		}
		if whole.cpos > len(in) || len(whole.body) > len(in) {
			t.Fatalf("cpos %d body %d of %d bytes", whole.cpos, len(whole.body), len(in))
		}
		std, err := io.ReadAll(httputil.NewChunkedReader(bufio.NewReader(bytes.NewReader(in[:whole.cpos]))))
		if err == nil && !bytes.Equal(std, whole.body) {
			t.Fatalf("body %q, net/http reads %q", whole.body, std)
		}
	})
}
