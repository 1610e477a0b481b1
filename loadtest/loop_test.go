//go:build linux

package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// loopRun runs n requests of the MT103 sample at 20/s over one connection
// through the event loop and returns the report.
func loopRun(t *testing.T, ctx context.Context, url string, timeout time.Duration, n int, s *Sample) *Report {
	return rawRun(t, ctx, url, timeout, n, s, false)
}

// rawRun is loopRun through the event loop, or through the raw client's
// goroutine workers when goroutines is set.
func rawRun(t *testing.T, ctx context.Context, url string, timeout time.Duration, n int, s *Sample, goroutines bool) *Report {
	t.Helper()
	tg, err := NewRawTarget(url, timeout)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if s == nil {
		s = &BuiltinSamples()[0]
	}
	mix, err := NewMix([]Sample{*s}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const rate = 20
	rep, err := Run(ctx, Config{
		Target: tg, Mix: mix, Rate: rate, Duration: time.Duration(n) * time.Second / rate,
		Connections: 1, Drain: 5 * time.Second, Goroutines: goroutines,
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestLoopTargets puts the event loop through the answers every client is
// tested with (TestTargets): three requests on one connection each.
func TestLoopTargets(t *testing.T) {
	for _, tt := range targetCases() {
		t.Run(tt.name, func(t *testing.T) {
			srv, to := tt.start(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel > 0 {
				time.AfterFunc(tt.cancel, cancel)
			}
			start := time.Now()
			rep := loopRun(t, ctx, srv.URL, to, 3, nil)
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("run took %v", d)
			}
			checkOutcomes(t, rep, 3, tt.want, tt.cancel > 0)
		})
	}
}

// checkOutcomes checks that every one of the n requests of rep ended as want
// (at least one and at most n when the run was cancelled).
func checkOutcomes(t *testing.T, rep *Report, n int64, want Outcome, cancelled bool) {
	t.Helper()
	if want.Err != "" {
		got := rep.Errors[want.Err]
		ok := got == n
		if cancelled {
			ok = got >= 1 && got <= n
		}
		if !ok || rep.ErrorCount != got {
			t.Fatalf("errors %v (completed %d), want %d %s", rep.Errors, rep.Completed, n, want.Err)
		}
		return
	}
	if rep.Completed != n || rep.OK != n || rep.ErrorCount != 0 {
		t.Fatalf("completed %d ok %d errors %v, want %d ok", rep.Completed, rep.OK, rep.Errors, n)
	}
	if wantInvalid := map[bool]int64{true: n}[want.Invalid]; rep.Invalid != wantInvalid {
		t.Errorf("%d answered invalid, want %d", rep.Invalid, wantInvalid)
	}
	if want.HasServer {
		if rep.Server == nil || !within(rep.Server.P50.D(), want.Server, 0.001) {
			t.Errorf("server figures %+v, want P50 %v", rep.Server, want.Server)
		}
	} else if rep.Server != nil {
		t.Errorf("server figures %+v from answers without Server-Timing", rep.Server)
	}
}

// TestLoopStaleConnection: the server closes every connection right after
// its answer, without saying so; the loop notices, or sends on the dead
// connection and retries once on a new one, and no request fails.
func TestLoopStaleConnection(t *testing.T) {
	srv := httptest.NewUnstartedServer(NoopHandler())
	srv.Config.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateIdle {
			c.Close()
		}
	}
	srv.Start()
	defer srv.Close()
	rep := loopRun(t, context.Background(), srv.URL, 5*time.Second, 6, nil)
	checkOutcomes(t, rep, 6, Outcome{HasServer: true, Server: time.Microsecond}, false)
}

func TestLoopConnRefused(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	rep := loopRun(t, context.Background(), url, time.Second, 3, nil)
	checkOutcomes(t, rep, 3, Outcome{Err: "conn_refused"}, false)
}

// TestLoopLargeRequest sends a request larger than the socket buffers: its
// writes are partial and finish on EPOLLOUT.
func TestLoopLargeRequest(t *testing.T) {
	var got []int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		got = append(got, n)
		io.WriteString(w, `{"valid":true}`)
	}))
	defer srv.Close()
	s := &Sample{Name: "big", ContentType: "text/plain", Body: bytes.Repeat([]byte("x"), 16<<20)}
	rep := loopRun(t, context.Background(), srv.URL, 20*time.Second, 2, s)
	checkOutcomes(t, rep, 2, Outcome{}, false)
	for _, n := range got {
		if n != int64(len(s.Body)) {
			t.Errorf("server read %d bytes of a %d-byte body", n, len(s.Body))
		}
	}
}

// TestLoopRawAnswers feeds the loop answers written in pieces, answers that
// end at the connection's end, and malformed ones, from a TCP server that
// speaks just enough HTTP.
func TestLoopRawAnswers(t *testing.T) {
	tests := []struct {
		name   string
		pieces []string // written with a pause between them
		close  bool     // close the connection after the answer
		want   Outcome
	}{
		{"head and body in pieces", []string{"HTTP/1.1 200 OK\r\nServer-Ti", "ming: validate;dur=2\r\nContent-Len", "gth: 14\r\n\r", "\n{\"valid\"", ":true}"},
			false, Outcome{Server: 2 * time.Millisecond, HasServer: true}},
		{"HTTP/1.0 body up to the end", []string{"HTTP/1.0 200 OK\r\n\r\n{\"valid\":", "false}"}, true, Outcome{Invalid: true}},
		{"bare LF line ends", []string{"HTTP/1.1 200 OK\nContent-Length: 2\n\n{}"}, false, Outcome{}},
		{"Connection: close", []string{"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"}, true, Outcome{}},
		{"chunked with extension and trailer", []string{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"val\r\n", "9;x=1\r\nid\":false\r\n0\r\nX-T", ": 1\r\n\r\n"},
			false, Outcome{Invalid: true}},
		{"status 500", []string{"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"}, false, Outcome{Err: "http_500"}},
		{"malformed status line", []string{"HTTX/1.1 200 OK\r\n\r\n"}, true, Outcome{Err: "bad_response"}},
		{"malformed header field", []string{"HTTP/1.1 200 OK\r\nno colon\r\n\r\n"}, true, Outcome{Err: "bad_response"}},
		{"malformed chunk size", []string{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}, true, Outcome{Err: "bad_response"}},
		{"head too long", []string{"HTTP/1.1 200 OK\r\nX-Pad: " + strings.Repeat("p", 20<<10) + "\r\n\r\n"}, true, Outcome{Err: "bad_response"}},
		{"closed inside the body", []string{"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"valid\""}, true, Outcome{Err: "eof"}},
		{"closed before any answer", nil, true, Outcome{Err: "eof"}},
	}
	// Both raw designs parse heads with parseHead: the goroutine workers get
	// the same answers.
	for _, goroutines := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/goroutines=%v", tt.name, goroutines), func(t *testing.T) {
				url := rawServer(t, tt.pieces, tt.close)
				rep := rawRun(t, context.Background(), url, 5*time.Second, 3, nil, goroutines)
				checkOutcomes(t, rep, 3, tt.want, false)
			})
		}
	}
}

// rawServer answers every request on every connection with pieces, 2 ms
// apart, and closes the connection after each answer when closeAfter.
func rawServer(t *testing.T, pieces []string, closeAfter bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					if !readRequest(br) {
						return
					}
					for i, p := range pieces {
						if i > 0 {
							time.Sleep(2 * time.Millisecond)
						}
						if _, err := io.WriteString(c, p); err != nil {
							return
						}
					}
					if closeAfter {
						return
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// readRequest reads one request (head and Content-Length body) from br.
func readRequest(br *bufio.Reader) bool {
	n := 0
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return false
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "content-length") {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	_, err := br.Discard(n)
	return err == nil
}
