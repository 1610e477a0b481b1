package server

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// getOn sends GET /healthz on c and reads the answer, leaving c open.
func getOn(c net.Conn) error {
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return errors.New(resp.Status)
	}
	return nil
}

// TestPerIPConnectionLimit reproduces issue 17, item 4: one client held
// every connection (1 100 slow ones against --max-conns 1024) and pushed
// everyone else into the accept queue. With MaxConnsPerIP the connections
// of one address beyond the cap are closed as soon as accepted; other
// addresses are served; a freed connection lets the address in again.
func TestPerIPConnectionLimit(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.MaxConnsPerIP = 3; c.MaxConns = 10 })
	base, _ := startServer(t, s)
	addr := strings.TrimPrefix(base, "http://")
	from := func(ip string) (net.Conn, error) {
		d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
		return d.Dial("tcp", addr)
	}
	var held []net.Conn
	for range 3 {
		c, err := from("127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := getOn(c); err != nil {
			t.Fatalf("connection within the cap: %v", err)
		}
		held = append(held, c)
	}
	extra, err := from("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	if err := getOn(extra); err == nil {
		t.Fatal("a fourth connection of the same address was served")
	}
	// Another address is served. (Linux routes all of 127/8 to loopback.)
	other, err := from("127.0.0.2")
	if err != nil {
		t.Fatalf("dial from 127.0.0.2: %v", err)
	}
	defer other.Close()
	if err := getOn(other); err != nil {
		t.Fatalf("another address: %v", err)
	}
	// A freed connection lets the address in again, once the server has
	// seen it close.
	held[0].Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := from("127.0.0.1")
		if err == nil {
			err = getOn(c)
			c.Close()
		}
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the address stays refused after one of its connections closed: %v", err)
		}
	}
	if body := do(t, s, "GET", "/metrics", "", nil).Body.String(); !strings.Contains(body, `swiftval_refused_total{reason="per_ip"}`) {
		t.Error("no swiftval_refused_total{reason=\"per_ip\"} in /metrics")
	}
}
