package jetstream

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/swiftval/swiftval/loadtest"
	"github.com/swiftval/swiftval/stream"
)

// DefaultPublishSubject is the subject inputs are published to; {format}
// becomes mt, mx or other.
const DefaultPublishSubject = "payments.in.{format}"

// SubjectFor returns the subject of in under the template (a literal
// subject, or one with {format}); in.Subject wins when set.
func SubjectFor(template string, in *stream.Input) string {
	if in.Subject != "" {
		return in.Subject
	}
	f := in.Format
	if f == "" {
		f = "other"
	}
	return strings.ReplaceAll(template, "{format}", f)
}

// PublishConfig configures Publish.
type PublishConfig struct {
	// Subject is the subject template (DefaultPublishSubject).
	Subject string
	// Count is how many messages to publish, cycling through the inputs;
	// len(inputs) when zero.
	Count int
	// IDPrefix, when set, gives each message the de-duplication ID
	// IDPrefix + its 1-based number (inputs with an ID of their own keep
	// it when Count is len(inputs)).
	IDPrefix string
	// MaxPending bounds the publications awaiting PubAck (1024 when zero).
	MaxPending int
}

// Publish publishes inputs to JetStream, each confirmed by a PubAck, and
// returns how many were stored (duplicates of an earlier ID included) and
// the first error.
func Publish(ctx context.Context, js jetstream.JetStream, inputs []stream.Input, c PublishConfig) (int, error) {
	if len(inputs) == 0 {
		return 0, errors.New("publish: no input")
	}
	if c.Subject == "" {
		c.Subject = DefaultPublishSubject
	}
	if c.Count == 0 {
		c.Count = len(inputs)
	}
	if c.MaxPending == 0 {
		c.MaxPending = 1024
	}
	type inflight struct {
		f jetstream.PubAckFuture
		n int
	}
	q := make(chan inflight, c.MaxPending)
	var stored atomic.Int64
	var firstErr error
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for p := range q {
			select {
			case <-p.f.Ok():
				stored.Add(1)
			case err := <-p.f.Err():
				fail(fmt.Errorf("message %d: %w", p.n, err))
			case <-ctx.Done():
				fail(ctx.Err())
			}
		}
	}()
	for i := 0; i < c.Count && ctx.Err() == nil; i++ {
		in := &inputs[i%len(inputs)]
		m := &nats.Msg{Subject: SubjectFor(c.Subject, in), Data: in.Data, Header: nats.Header{}}
		switch {
		case c.IDPrefix != "":
			m.Header.Set(nats.MsgIdHdr, c.IDPrefix+strconv.Itoa(i+1))
		case in.ID != "" && c.Count == len(inputs):
			m.Header.Set(nats.MsgIdHdr, in.ID)
		}
		f, err := js.PublishMsgAsync(m)
		if err != nil {
			fail(fmt.Errorf("message %d: %w", i+1, err))
			break
		}
		q <- inflight{f, i + 1}
	}
	close(q)
	<-done
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return int(stored.Load()), firstErr
}

// BenchTarget drives a stream for "swiftval publish --rate": each request
// publishes one input with a fresh de-duplication ID and waits for its
// output on <prefix>.{valid,invalid,dead}, so the latency measured is from
// the scheduled publication to the result's arrival (loadtest.Run's open
// loop). Invalid outputs count as Outcome.Invalid, dead letters as errors
// of kind "dead".
type BenchTarget struct {
	nc      *nats.Conn
	js      jetstream.JetStream
	subject string
	prefix  string
	timeout time.Duration
	run     string
	seq     atomic.Int64
	waiters sync.Map // id -> chan string (verdict)
	sub     *nats.Subscription
}

// NewBenchTarget subscribes to the outputs under prefix and returns the
// target. subject is the subject template of the inputs; timeout bounds
// the wait for one result.
func NewBenchTarget(nc *nats.Conn, subject, prefix string, timeout time.Duration) (*BenchTarget, error) {
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(maxPendingPublishes))
	if err != nil {
		return nil, err
	}
	t := &BenchTarget{nc: nc, js: js, subject: subject, prefix: prefix, timeout: timeout,
		run: "bench-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-"}
	t.sub, err = nc.Subscribe(prefix+".*", func(m *nats.Msg) {
		id := m.Header.Get(stream.HeaderInputID)
		if ch, ok := t.waiters.LoadAndDelete(id); ok {
			ch.(chan string) <- m.Header.Get(stream.HeaderVerdict)
		}
	})
	if err != nil {
		return nil, err
	}
	if err := t.sub.SetPendingLimits(-1, -1); err != nil {
		return nil, err
	}
	return t, nc.Flush()
}

// Name implements loadtest.Target.
func (t *BenchTarget) Name() string {
	return "nats " + strings.ReplaceAll(t.subject, "{format}", "*") + " -> " + t.prefix + ".*"
}

// NewWorker implements loadtest.Target.
func (t *BenchTarget) NewWorker() loadtest.Worker {
	return &benchWorker{t: t, ch: make(chan string, 1)}
}

// Close implements loadtest.Target.
func (t *BenchTarget) Close() { _ = t.sub.Unsubscribe() }

type benchWorker struct {
	t  *BenchTarget
	ch chan string
}

// Do publishes s and waits for its result.
func (w *benchWorker) Do(ctx context.Context, s *loadtest.Sample) loadtest.Outcome {
	t := w.t
	id := t.run + strconv.FormatInt(t.seq.Add(1), 10)
	in := stream.Input{Data: s.Body, Format: formatOf(s)}
	m := &nats.Msg{Subject: SubjectFor(t.subject, &in), Data: s.Body, Header: nats.Header{nats.MsgIdHdr: []string{id}}}
	t.waiters.Store(id, w.ch)
	if _, err := t.js.PublishMsgAsync(m); err != nil {
		t.waiters.Delete(id)
		return loadtest.Outcome{Err: "publish"}
	}
	timer := time.NewTimer(t.timeout)
	defer timer.Stop()
	select {
	case v := <-w.ch:
		switch v {
		case string(stream.Valid):
			return loadtest.Outcome{}
		case string(stream.Invalid):
			return loadtest.Outcome{Invalid: true}
		}
		return loadtest.Outcome{Err: "dead"}
	case <-timer.C:
	case <-ctx.Done():
	}
	if _, ok := t.waiters.LoadAndDelete(id); !ok {
		<-w.ch // the result arrived meanwhile: empty the channel for reuse
	}
	if ctx.Err() != nil {
		return loadtest.Outcome{Err: "canceled"}
	}
	return loadtest.Outcome{Err: "timeout"}
}

func formatOf(s *loadtest.Sample) string {
	if strings.Contains(s.ContentType, "xml") {
		return "mx"
	}
	return "mt"
}
