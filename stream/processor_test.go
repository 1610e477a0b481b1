package stream_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/stream"
)

// fakeDelivery records what the processor did with it.
type fakeDelivery struct {
	id      string
	data    []byte
	attempt int
	header  stream.Header
	t       *fakeTransport
}

func (d *fakeDelivery) Data() []byte          { return d.data }
func (d *fakeDelivery) Subject() string       { return "payments.in.test" }
func (d *fakeDelivery) Header() stream.Header { return d.header }
func (d *fakeDelivery) ID() string            { return d.id }
func (d *fakeDelivery) Attempt() int          { return d.attempt }
func (d *fakeDelivery) Ack(context.Context) error {
	t := d.t
	err := t.ackErr.next(&t.mu)
	if t.ackGate != nil {
		t.ackGate(d.id)
	}
	if err != nil {
		t.record(d.id, "ack-failed")
		return err
	}
	t.record(d.id, "ack")
	return nil
}
func (d *fakeDelivery) Extend() error { return nil }
func (d *fakeDelivery) Retry(time.Duration) error {
	d.t.record(d.id, "retry")
	return nil
}

// fakeTransport hands out its deliveries, then reports drained.
type fakeTransport struct {
	mu      sync.Mutex
	in      chan stream.Delivery
	outs    map[string]*stream.Output
	events  map[string][]string
	maxSize int // outputs larger than this fail with ErrTooLarge
	pubErr  failures
	discard bool // record nothing (benchmarks)
	ackErr  failures
	// ackGate, when set, is called by every Ack before it returns.
	ackGate func(id string)
	// quick is what QuickAcks says.
	quick bool
}

func (t *fakeTransport) QuickAcks() bool { return t.quick }

func newFake(ds ...*fakeDelivery) *fakeTransport {
	t := &fakeTransport{in: make(chan stream.Delivery, len(ds)), outs: map[string]*stream.Output{}, events: map[string][]string{}, maxSize: 1 << 30}
	for _, d := range ds {
		d.t = t
		t.in <- d
	}
	close(t.in)
	return t
}

func (t *fakeTransport) record(id, ev string) {
	if t.discard {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.events[id] = append(t.events[id], ev)
}

func (t *fakeTransport) Next(ctx context.Context) (stream.Delivery, error) {
	d, ok := <-t.in
	if !ok {
		return nil, stream.ErrDrained
	}
	return d, nil
}
func (t *fakeTransport) Drain() {}

// failures makes calls fail with err: the first count of them when count
// is positive (the broker then answers again), else all.
type failures struct {
	err   error
	count int
}

// next is the error of the next call (nil: success).
func (f *failures) next(mu *sync.Mutex) error {
	mu.Lock()
	defer mu.Unlock()
	err := f.err
	if f.count > 0 {
		if f.count--; f.count == 0 {
			f.err = nil
		}
	}
	return err
}

type doneReceipt struct{}

func (doneReceipt) Wait(context.Context) error { return nil }

func (t *fakeTransport) Publish(_ context.Context, o *stream.Output) (stream.Receipt, error) {
	size := len(o.Data)
	for k, v := range o.Header {
		size += len(k) + len(v[0])
	}
	if size > t.maxSize {
		return nil, stream.ErrTooLarge
	}
	if err := t.pubErr.next(&t.mu); err != nil {
		return nil, err
	}
	if t.discard {
		return doneReceipt{}, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.outs[o.ID] = o
	t.events[o.ID] = append(t.events[o.ID], "out:"+string(o.Verdict))
	return doneReceipt{}, nil
}
func (t *fakeTransport) Ready() bool                                 { return true }
func (t *fakeTransport) Lag(context.Context) (uint64, uint64, error) { return 0, 0, nil }
func (t *fakeTransport) Close(context.Context) error                 { return nil }

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestRouting: each input ends in the output its verdict asks for, with
// the summary headers, and is acknowledged after it (or handed back).
func TestRouting(t *testing.T) {
	valid := readFile(t, "../testdata/mt/valid_mt103.fin")
	invalid := readFile(t, "../testdata/mt/invalid_mt103_fields.fin")
	panicky := []byte(strings.Replace(string(valid), ":20:REF12345", ":20:PANIC", 1))
	eng := swiftval.New(engine.Options{})
	if err := eng.AddRuleSet(&engine.RuleSet{Name: "panics", Version: "1", Source: engine.SourceGo, Rules: []engine.Rule{
		engine.NewRule(engine.RuleInfo{ID: "test.panics", AppliesTo: []string{"MT103"}}, func(m *engine.Message, _ *engine.Findings) {
			if strings.Contains(string(m.Raw), ":20:PANIC") {
				panic("boom")
			}
		}),
	}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		d       *fakeDelivery
		maxSize int
		events  string
		check   func(t *testing.T, o *stream.Output)
	}{
		{name: "valid", d: &fakeDelivery{id: "v", data: valid, attempt: 1, header: stream.Header{"traceparent": {"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}}, events: "out:valid,ack",
			check: func(t *testing.T, o *stream.Output) {
				h := o.Header
				if h.Get(stream.HeaderType) != "MT103" || h.Get(stream.HeaderUETR) != "eb6305c9-1f7f-49de-aed0-16487c27b42d" || h.Get(stream.HeaderCodes) != "" ||
					!strings.Contains(h.Get(stream.HeaderRuleSets), "panics@1") || strings.Contains(h.Get(stream.HeaderRuleSets), "swiftval-stream") ||
					h.Get(stream.HeaderTraceparent) == "" || h.Get(stream.HeaderReport) != "" || string(o.Data) != string(valid) {
					t.Errorf("valid output headers: %v", h)
				}
			}},
		{name: "invalid", d: &fakeDelivery{id: "i", data: invalid, attempt: 1}, events: "out:invalid,ack",
			check: func(t *testing.T, o *stream.Output) {
				rep := o.Header.Get(stream.HeaderReport)
				if o.Header.Get(stream.HeaderCodes) == "" || !strings.HasPrefix(rep, `{"index":1,"valid":false`) || strings.ContainsAny(rep, "\r\n") {
					t.Errorf("invalid output: codes %q report %.80q", o.Header.Get(stream.HeaderCodes), rep)
				}
			}},
		{name: "garbage is a verdict", d: &fakeDelivery{id: "g", data: []byte("\x00\x01 not a payment"), attempt: 1}, events: "out:invalid,ack"},
		{name: "panic retried", d: &fakeDelivery{id: "p1", data: panicky, attempt: 1}, events: "retry"},
		{name: "panic dead at max-deliver", d: &fakeDelivery{id: "p3", data: panicky, attempt: 3}, events: "out:dead,ack",
			check: func(t *testing.T, o *stream.Output) {
				if r := o.Header.Get(stream.HeaderReason); r != "rule test.panics panicked (SV003) on each of 3 attempts" || o.Header.Get(stream.HeaderDeliveries) != "3" {
					t.Errorf("dead letter reason %q deliveries %q", r, o.Header.Get(stream.HeaderDeliveries))
				}
			}},
		{name: "beyond max-deliver not validated", d: &fakeDelivery{id: "x", data: valid, attempt: 4}, events: "out:dead,ack",
			check: func(t *testing.T, o *stream.Output) {
				if !strings.Contains(o.Header.Get(stream.HeaderReason), "delivered 3 times without a result") || o.Header.Get(stream.HeaderType) != "" {
					t.Errorf("dead letter %v", o.Header)
				}
			}},
		{name: "output too large: dead with body", d: &fakeDelivery{id: "l", data: invalid, attempt: 1}, maxSize: len(invalid) + 600, events: "out:dead,ack",
			check: func(t *testing.T, o *stream.Output) {
				if !strings.Contains(o.Header.Get(stream.HeaderReason), "larger than the broker accepts") || string(o.Data) != string(invalid) || o.Header.Get(stream.HeaderReport) != "" {
					t.Errorf("oversize dead letter %v", o.Header)
				}
			}},
		{name: "output too large: dead without body", d: &fakeDelivery{id: "b", data: invalid, attempt: 1}, maxSize: 450, events: "out:dead,ack",
			check: func(t *testing.T, o *stream.Output) {
				if len(o.Data) != 0 || o.Header.Get(stream.HeaderBodyOmitted) == "" {
					t.Errorf("oversize dead letter without body: %d bytes, %v", len(o.Data), o.Header)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newFake(tc.d)
			if tc.maxSize > 0 {
				tr.maxSize = tc.maxSize
			}
			if err := stream.Run(context.Background(), stream.Config{Engine: eng, MaxDeliver: 3, RetryDelay: time.Millisecond, Logger: quiet()}, tr); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(tr.events[tc.d.id], ","); got != tc.events {
				t.Fatalf("events %q, want %q", got, tc.events)
			}
			if tc.check != nil {
				tc.check(t, tr.outs[tc.d.id])
			}
		})
	}
}

// TestPublishFailures: an output the broker rejects hands its input back
// (an attempt counted); an output that fails because of the connection is
// published again until confirmed, without handing the input back.
func TestPublishFailures(t *testing.T) {
	data := readFile(t, "../testdata/mt/valid_mt103.fin")
	t.Run("rejected", func(t *testing.T) {
		tr := newFake(&fakeDelivery{id: "a", data: data, attempt: 1})
		tr.pubErr = failures{err: fmt.Errorf("%w: maximum messages exceeded", stream.ErrRejected)}
		if err := stream.Run(context.Background(), stream.Config{Engine: swiftval.New(engine.Options{}), Logger: quiet()}, tr); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(tr.events["a"], ","); got != "retry" {
			t.Fatalf("events %q, want retry", got)
		}
	})
	t.Run("connection", func(t *testing.T) {
		tr := newFake(&fakeDelivery{id: "a", data: data, attempt: 1})
		tr.pubErr = failures{errors.New("nats: connection closed"), 3}
		if err := stream.Run(context.Background(), stream.Config{Engine: swiftval.New(engine.Options{}), Logger: quiet()}, tr); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(tr.events["a"], ","); got != "out:valid,ack" {
			t.Fatalf("events %q, want out:valid,ack", got)
		}
	})
}

// TestConfigFailsClosed: a forced format is refused (detection per
// message is the contract), and so is a missing engine.
func TestConfigFailsClosed(t *testing.T) {
	for _, c := range []stream.Config{{}, {Engine: swiftval.New(engine.Options{}), Options: engine.ValidateOptions{Format: "mt"}}} {
		if err := stream.Run(context.Background(), c, newFake()); err == nil {
			t.Errorf("Run(%+v) accepted", c.Options)
		}
	}
}

// TestSplitInputs: files, RJE batches and NDJSON lines.
func TestSplitInputs(t *testing.T) {
	formats := []engine.Format{mt.NewFormat()}
	batch := readFile(t, "../testdata/mt/batch_rje.fin")
	ins, err := stream.SplitInputs(formats, "batch.fin", batch)
	if err != nil || len(ins) < 2 || ins[0].Format != "mt" {
		t.Fatalf("RJE batch: %d inputs, %v", len(ins), err)
	}
	ins, err = stream.SplitInputs(formats, "x.ndjson", []byte("{\"message\":\"{1:F01}\",\"id\":\"a\"}\n\n{\"message\":\"hello\"}\n"))
	if err != nil || len(ins) != 2 || ins[0].ID != "a" || ins[0].Format != "mt" || string(ins[1].Data) != "hello" || ins[1].Format != "" {
		t.Fatalf("ndjson: %+v, %v", ins, err)
	}
	for _, bad := range []string{"{\"msg\":\"x\"}", "{\"id\":\"x\"}", "not json"} {
		if _, err := stream.SplitInputs(formats, "x.jsonl", []byte(bad)); err == nil || !strings.Contains(err.Error(), "x.jsonl:1") {
			t.Errorf("ndjson %q: %v, want a located error", bad, err)
		}
	}
}

// TestAcks: an acknowledgement the broker did not confirm is sent again
// (an ack is idempotent) before the input is counted; one that cannot be
// retried, or is never confirmed, leaves the input for redelivery and is
// counted as an ack error; acknowledgements are confirmed concurrently.
func TestAcks(t *testing.T) {
	data := readFile(t, "../testdata/mt/valid_mt103.fin")
	eng := swiftval.New(engine.Options{})
	tests := []struct {
		name    string
		err     error
		count   int
		events  string
		ackErrs float64
	}{
		{name: "confirmed at the second try", err: errors.New("nats: timeout"), count: 1, events: "out:valid,ack-failed,ack"},
		{name: "never confirmed", err: errors.New("nats: timeout"), events: "out:valid,ack-failed,ack-failed,ack-failed", ackErrs: 1},
		{name: "final", err: fmt.Errorf("%w: message was already acknowledged", stream.ErrAckFinal), events: "out:valid,ack-failed", ackErrs: 1},
	}
	for _, tc := range tests {
		for _, quick := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/quick=%v", tc.name, quick), func(t *testing.T) {
				testAck(t, eng, data, quick, tc.err, tc.count, tc.events, tc.ackErrs)
			})
		}
	}
	t.Run("concurrent", func(t *testing.T) {
		// Each ack waits until eight are in flight at once: with acks
		// confirmed one after the other this would never happen (each
		// would wait out the gate's 10 s).
		const n = 8
		ds := make([]*fakeDelivery, n)
		for i := range ds {
			ds[i] = &fakeDelivery{id: fmt.Sprint("c", i), data: data, attempt: 1}
		}
		tr := newFake(ds...)
		var mu sync.Mutex
		inFlight, most := 0, 0
		all := make(chan struct{})
		tr.ackGate = func(string) {
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			if inFlight == n {
				close(all)
			}
			mu.Unlock()
			select {
			case <-all:
			case <-time.After(10 * time.Second):
			}
			mu.Lock()
			inFlight--
			mu.Unlock()
		}
		if err := stream.Run(context.Background(), stream.Config{Engine: eng, Workers: 1, Logger: quiet()}, tr); err != nil {
			t.Fatal(err)
		}
		if most != n {
			t.Fatalf("at most %d acknowledgements in flight at once, want %d", most, n)
		}
	})
}

// testAck runs one input whose acks fail with err (the first count of
// them, or all) and checks the events and counters.
func testAck(t *testing.T, eng *engine.Engine, data []byte, quick bool, err error, count int, events string, ackErrs float64) {
	tr := newFake(&fakeDelivery{id: "a", data: data, attempt: 1})
	tr.ackErr = failures{err, count}
	tr.quick = quick
	m := stream.NewMetrics()
	if err := stream.Run(context.Background(), stream.Config{Engine: eng, Metrics: m, Logger: quiet()}, tr); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tr.events["a"], ","); got != events {
		t.Fatalf("events %q, want %q", got, events)
	}
	if got := counterValue(t, m, "swiftval_stream_ack_errors_total"); got != ackErrs {
		t.Errorf("ack errors %v, want %v", got, ackErrs)
	}
	want := 1.0
	if ackErrs > 0 {
		want = 0
	}
	if got := counterValue(t, m, "swiftval_stream_results_total"); got != want {
		t.Errorf("results %v, want %v", got, want)
	}
}

// counterValue sums the samples of the counter family name in m.
func counterValue(t *testing.T, m *stream.Metrics, name string) float64 {
	t.Helper()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			sum += s.GetCounter().GetValue()
		}
	}
	return sum
}
