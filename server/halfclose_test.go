package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
)

// costlyNoop is a rule the engine checks the budget and the context
// before (engine.Costly), as it does before every CEL rule.
type costlyNoop struct{ engine.Rule }

func (costlyNoop) Costly() {}

// halfCloseEngine is the fake engine with a rule that, on a message
// containing WAITCTX, waits up to 400 ms for the validation's context to
// end, followed by a Costly rule. Validated under a context the client's
// half-close cancels, the message would come out SV002, every time.
func halfCloseEngine(t *testing.T) *engine.Engine {
	e := fakeEngine(t)
	wait := engine.NewRule(engine.RuleInfo{ID: "hc.wait", Code: "H01", AppliesTo: []string{"*"}}, func(m *engine.Message, f *engine.Findings) {
		if strings.Contains(m.Body.(string), "WAITCTX") {
			select {
			case <-m.Ctx.Done():
			case <-time.After(400 * time.Millisecond):
			}
		}
	})
	after := costlyNoop{engine.NewRule(engine.RuleInfo{ID: "hc.after", Code: "H02", AppliesTo: []string{"*"}}, func(*engine.Message, *engine.Findings) {})}
	if err := e.AddRuleSet(&engine.RuleSet{Name: "hc", Source: engine.SourceGo, Rules: []engine.Rule{wait, after}}); err != nil {
		t.Fatal(err)
	}
	return e
}

// halfClosedRequest sends a request on a new connection, shuts the write
// side (TCP half-close) and reads the response.
func halfClosedRequest(t *testing.T, addr, path, ctype, body string) (int, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s", path, ctype, len(body), body)
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no response after the half-close: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// TestHalfCloseGetsFullVerdict reproduces issue 17, item 3: a client that
// sends its request and shuts its write side got 200 {"valid":false,
// "complete":false} SV002 "validation cancelled" for valid payments,
// because net/http cancels the request context when it reads that EOF. A
// request read to its end is now validated to its end within the budget.
func TestHalfCloseGetsFullVerdict(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.Engine = halfCloseEngine(t) })
	base, _ := startServer(t, s)
	addr := strings.TrimPrefix(base, "http://")
	slow := strings.Replace(validMsg, ":20:REF", ":20:WAITCTX", 1)

	check := func(what string, b []byte) {
		t.Helper()
		var rep engine.Report
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatalf("%s: %v: %s", what, err, b)
		}
		if !rep.Valid || !rep.Complete || rep.HasCode(engine.CodeCancelled) {
			t.Errorf("%s: valid=%v complete=%v: %s", what, rep.Valid, rep.Complete, b)
		}
	}
	code, b := halfClosedRequest(t, addr, "/v1/validate", "text/plain", slow)
	if code != 200 {
		t.Fatalf("status %d: %s", code, b)
	}
	check("validate", b)

	batch := `{"id":"a","message":` + jsonString(validMsg) + "}\n" + `{"id":"b","message":` + jsonString(slow) + "}\n"
	code, b = halfClosedRequest(t, addr, "/v1/validate/batch", "application/x-ndjson", batch)
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	if code != 200 || len(lines) != 2 {
		t.Fatalf("batch: status %d, %d lines: %s", code, len(lines), b)
	}
	for i, l := range lines {
		check(fmt.Sprintf("batch line %d", i+1), l)
	}

	// Many quick ones, as the review sent them (12 of 500 failed there).
	for i := range 50 {
		code, b := halfClosedRequest(t, addr, "/v1/validate", "text/plain", validMsg)
		if code != 200 {
			t.Fatalf("request %d: status %d: %s", i, code, b)
		}
		check(fmt.Sprintf("request %d", i), b)
	}
}
