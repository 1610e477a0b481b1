package server

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
)

// fakeFormat is a tiny stand-in for the MT format, so the server tests do
// not depend on which real formats and rule packs exist: an input starting
// "{1:" is a message whose type is "MT" + the three digits after "{2:I".
type fakeFormat struct{}

func (fakeFormat) Name() string { return "mt" }

func (fakeFormat) Detect(raw []byte) bool { return bytes.HasPrefix(raw, []byte("{1:")) }

func (fakeFormat) Parse(raw []byte, f *engine.Findings) *engine.Message {
	typ := ""
	if i := bytes.Index(raw, []byte("{2:I")); i >= 0 && len(raw) >= i+7 {
		typ = "MT" + string(raw[i+4:i+7])
	}
	if typ == "" {
		f.Error("T01", engine.Location{Block: 2, Line: 1, Column: 1}, "block 2 is missing")
		return nil
	}
	return &engine.Message{Format: "mt", Type: typ, Base: typ, Level: engine.LevelFull, Body: string(raw), Raw: raw}
}

func (fakeFormat) MessageTypes() []engine.TypeInfo {
	return []engine.TypeInfo{{Format: "mt", Type: "MT103", Level: engine.LevelFull, Description: "Single customer credit transfer"}}
}

// fakeRules: "fake.bad" flags every line containing BAD at its column;
// "fake.panic" panics on PANIC; "fake.sleep" sleeps 300 ms on SLEEP (to hold
// a request in flight).
func fakeRules() *engine.RuleSet {
	bad := engine.NewRule(engine.RuleInfo{ID: "fake.bad", Code: "X01", AppliesTo: []string{"*"}, Source: "test", Notes: "notes.md#fake.bad"}, func(m *engine.Message, f *engine.Findings) {
		for i, line := range strings.Split(m.Body.(string), "\n") {
			if c := strings.Index(line, "BAD"); c >= 0 {
				f.Error("X01", engine.Location{Block: 4, Field: "20", Line: i + 1, Column: c + 1}, "BAD is not allowed")
			}
		}
	})
	pan := engine.NewRule(engine.RuleInfo{ID: "fake.panic", Code: "X02", AppliesTo: []string{"*"}}, func(m *engine.Message, f *engine.Findings) {
		if strings.Contains(m.Body.(string), "PANIC") {
			panic("rule exploded")
		}
	})
	sleep := engine.NewRule(engine.RuleInfo{ID: "fake.sleep", Code: "X03", AppliesTo: []string{"*"}}, func(m *engine.Message, f *engine.Findings) {
		if strings.Contains(m.Body.(string), "SLEEP") {
			time.Sleep(300 * time.Millisecond)
		}
	})
	return &engine.RuleSet{Name: "fake", Version: "1", Source: engine.SourceGo, Rules: []engine.Rule{bad, pan, sleep}}
}

func fakeEngine(t testing.TB) *engine.Engine {
	e := engine.New(engine.Options{Budget: time.Second})
	e.RegisterFormat(fakeFormat{})
	if err := e.AddRuleSet(fakeRules()); err != nil {
		t.Fatal(err)
	}
	return e
}

const (
	validMsg   = "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:REF\n-}"
	invalidMsg = "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:BAD\n-}"
	sleepMsg   = "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:SLEEP\n-}"
	panicMsg   = "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:PANIC\n-}"
)

const testToken = "test-admin-token-0123456789"

// newTestServer returns a server on the fake engine; edit adjusts the
// config. Logs go to the returned buffer.
func newTestServer(t testing.TB, edit func(*Config)) (*Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	cfg := DefaultConfig()
	cfg.Engine = fakeEngine(t)
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, logs
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var _ io.Writer = (*syncBuffer)(nil)

func discardLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

// quietLogger drops request lines (level warn), as a busy deployment may.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
