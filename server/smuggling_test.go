package server

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestContentLengthWithTransferEncoding: net/http accepts a request with
// both Content-Length and Transfer-Encoding (it drops Content-Length and
// reads the body as chunked) and keeps the connection open: a proxy in
// front that framed the body by Content-Length would disagree on where the
// next request starts (request smuggling). The server answers 400 and
// closes the connection (issue 17, item 8); requests with one of the two,
// chunked or not, and keep-alive sequences of them, are served as before.
func TestContentLengthWithTransferEncoding(t *testing.T) {
	s, logs := newTestServer(t, nil)
	base, _ := startServer(t, s)
	addr := strings.TrimPrefix(base, "http://")
	chunked := func(body string) string { return chunkSize(len(body)) + "\r\n" + body + "\r\n0\r\n\r\n" }
	post := func(hdr, body string) string {
		return "POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n" + hdr + "\r\n" + body
	}
	msg := validMsg
	tests := []struct {
		name     string
		requests string
		statuses []int // of the responses read, in order
		closed   bool  // the server closes the connection after the last
	}{
		{"content-length only, twice on one connection",
			post("Content-Length: "+itoa(int64(len(msg)))+"\r\n", msg) + post("Content-Length: "+itoa(int64(len(msg)))+"\r\n", msg),
			[]int{200, 200}, false},
		{"chunked only, twice, with an extension and a trailer",
			post("Transfer-Encoding: chunked\r\n", chunkSize(len(msg))+";x=1\r\n"+msg+"\r\n0\r\nX-Trailer: 1\r\n\r\n") + post("Transfer-Encoding: chunked\r\n", chunked(msg)),
			[]int{200, 200}, false},
		{"both headers",
			post("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", chunked(msg)),
			[]int{400}, true},
		{"both headers, other order and case",
			post("transfer-encoding: chunked\r\ncontent-length: 3\r\n", chunked(msg)),
			[]int{400}, true},
		{"both headers after a good request on the same connection",
			post("Content-Length: "+itoa(int64(len(msg)))+"\r\n", msg) + post("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", chunked(msg)),
			[]int{200, 400}, true},
		{"HTTP/1.0 with both (net/http ignores the Transfer-Encoding)",
			strings.Replace(post("Content-Length: "+itoa(int64(len(msg)))+"\r\nTransfer-Encoding: chunked\r\n", msg), "HTTP/1.1", "HTTP/1.0", 1),
			[]int{400}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.WriteString(c, tc.requests); err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(c)
			for i, want := range tc.statuses {
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Fatalf("response %d: %v", i+1, err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					t.Fatalf("response %d: status %d, want %d: %s", i+1, resp.StatusCode, want, b)
				}
				if want == 400 && (!resp.Close || !strings.Contains(string(b), "Transfer-Encoding")) {
					t.Errorf("400 without Connection: close or explanation: %v %s", resp.Header, b)
				}
			}
			// After the last response: closed (EOF) or kept open (a read
			// times out with nothing).
			_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
			n, err := br.Read(make([]byte, 1))
			var ne net.Error
			open := n == 0 && errors.As(err, &ne) && ne.Timeout()
			if tc.closed == open {
				t.Errorf("connection closed=%v, want %v (read %d, %v)", !open, tc.closed, n, err)
			}
		})
	}
	if !strings.Contains(logs.String(), "both Content-Length and Transfer-Encoding") {
		t.Error("refusals are not logged")
	}
}

func chunkSize(n int) string { return strconv.FormatInt(int64(n), 16) }
