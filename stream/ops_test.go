package stream_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/stream"
)

// TestTracing: with a tracer provider, the output carries a traceparent
// of the input's trace with the processor's own span as parent.
func TestTracing(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	in := "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	d := &fakeDelivery{id: "t", data: readFile(t, "../testdata/mt/valid_mt103.fin"), attempt: 1, header: stream.Header{"traceparent": {in}}}
	tr := newFake(d)
	if err := stream.Run(context.Background(), stream.Config{Engine: swiftval.New(engine.Options{}), Logger: quiet(), TracerProvider: tp}, tr); err != nil {
		t.Fatal(err)
	}
	out := tr.outs["t"].Header.Get(stream.HeaderTraceparent)
	spans := rec.Ended()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1", len(spans))
	}
	sc := spans[0].SpanContext()
	want := "00-0af7651916cd43dd8448eb211c80319c-" + sc.SpanID().String() + "-01"
	if out != want || spans[0].Parent().SpanID().String() != "b7ad6b7169203331" || spans[0].Name() != "swiftval.stream.validate" {
		t.Errorf("output traceparent %q, want %q (span %s, parent %s)", out, want, spans[0].Name(), spans[0].Parent().SpanID())
	}
}

// TestOps: /metrics counts results by verdict; /healthz and /readyz answer.
func TestOps(t *testing.T) {
	tr := newFake(&fakeDelivery{id: "v", data: readFile(t, "../testdata/mt/valid_mt103.fin"), attempt: 1},
		&fakeDelivery{id: "i", data: []byte("nonsense"), attempt: 2})
	m := stream.NewMetrics()
	addr := make(chan string, 1)
	if err := stream.Run(context.Background(), stream.Config{Engine: swiftval.New(engine.Options{}), Logger: quiet(), Metrics: m,
		OpsAddr: "127.0.0.1:0", OpsListening: func(a string) { addr <- a }}, tr); err != nil {
		t.Fatal(err)
	}
	<-addr // the server is shut down with Run; the metrics stay readable
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, mm := range mf.GetMetric() {
			key := mf.GetName()
			for _, l := range mm.GetLabel() {
				key += "," + l.GetName() + "=" + l.GetValue()
			}
			if c := mm.GetCounter(); c != nil {
				got[key] = c.GetValue()
			}
		}
	}
	for k, v := range map[string]float64{
		"swiftval_stream_consumed_total":                       2,
		"swiftval_stream_results_total,verdict=valid":          1,
		"swiftval_stream_results_total,verdict=invalid":        1,
		"swiftval_stream_redeliveries_total":                   1,
		"swiftval_stream_dead_letters_total,cause=max_deliver": 0,
	} {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

// TestOpsEndpoints: the ops server answers while Run runs.
func TestOpsEndpoints(t *testing.T) {
	tr := &blockingTransport{fakeTransport: newFake(), stop: make(chan struct{})}
	addr := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- stream.Run(ctx, stream.Config{Engine: swiftval.New(engine.Options{}), Logger: quiet(), OpsAddr: "127.0.0.1:0", OpsListening: func(a string) { addr <- a }}, tr)
	}()
	a := <-addr
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ok", "/metrics": "swiftval_stream_results_total"} {
		resp, err := http.Get("http://" + a + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d %.100q", path, resp.StatusCode, b)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// blockingTransport has no input until drained.
type blockingTransport struct {
	*fakeTransport
	stop chan struct{}
}

func (b *blockingTransport) Next(ctx context.Context) (stream.Delivery, error) {
	select {
	case <-b.stop:
		return nil, stream.ErrDrained
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (b *blockingTransport) Drain() {
	select {
	case <-b.stop:
	default:
		close(b.stop)
	}
}
