package jetstream_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/stream"
	sj "github.com/swiftval/swiftval/stream/jetstream"
	"github.com/swiftval/swiftval/stream/jetstream/embedded"
)

// TestRulePanic runs the processor in this process with a Go rule that
// panics on one message (test wiring: the rule exists only here). The
// engine stops the rule (SV003); the processor retries the message and,
// after --max-deliver attempts, dead-letters it with the reason, while
// the other messages flow.
func TestRulePanic(t *testing.T) {
	srv := startBroker(t, embedded.Config{})
	_, js := connect(t, srv.URL())
	eng := swiftval.New(engine.Options{})
	err := eng.AddRuleSet(&engine.RuleSet{Name: "panics", Source: engine.SourceGo, Rules: []engine.Rule{
		engine.NewRule(engine.RuleInfo{ID: "test.panics", AppliesTo: []string{"*"}}, func(m *engine.Message, _ *engine.Findings) {
			if bytes.Contains(m.Raw, []byte("PANIC-ME")) {
				panic("test rule panics")
			}
		}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tr, err := sj.Open(ctx, sj.Options{URLs: srv.URL(), AckWait: 2 * time.Second, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- stream.Run(runCtx, stream.Config{Engine: eng, MaxDeliver: 2, RetryDelay: 20 * time.Millisecond, Logger: log}, tr)
	}()
	samples := corpus(t)[:40]
	raw, err := os.ReadFile("../../testdata/mt/valid_mt103.fin")
	if err != nil {
		t.Fatal(err)
	}
	mt103 := bytes.Replace(raw, []byte(":20:REF12345"), []byte(":20:PANIC-ME"), 1)
	if _, err := publishInputs(ctx, js, []stream.Input{{ID: "panic", Data: mt103, Subject: "payments.in.mt"}}); err != nil {
		t.Fatal(err)
	}
	publishMix(t, js, samples, "x", 0, len(samples))
	waitResults(t, js, len(samples)+1, time.Minute)
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	res := readResults(t, js)
	p := res["panic"]
	delete(res, "panic")
	if p.verdict != "dead" || !strings.Contains(p.header.Get(stream.HeaderReason), "rule test.panics panicked (SV003) on each of 2 attempts") || p.header.Get(stream.HeaderDeliveries) != "2" {
		t.Errorf("panicking message: %s, reason %q, deliveries %q", p.verdict, p.header.Get(stream.HeaderReason), p.header.Get(stream.HeaderDeliveries))
	}
	checkResults(t, res, samples, "x", len(samples))
}
