package jetstream

import (
	"bytes"
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
// publishes one input with a fresh de-duplication ID, and its result is the
// output on <prefix>.{valid,invalid,dead} that names that ID, so the latency
// measured is from the scheduled publication to the result's arrival
// (loadtest.Run's open loop). Invalid outputs count as Outcome.Invalid,
// dead letters as errors of kind "dead", a PubAck with an error as
// "publish", no result within the timeout as "timeout".
//
// It is a loadtest.AsyncTarget: requests are published from the run's pacer
// with core NATS publications whose reply subject collects the PubAck, and
// the PubAcks and results of every request arrive on one channel read by
// one goroutine. The JetStream client's asynchronous publication (a future,
// its channels and a goroutine waiting on it per message) and a timer per
// message cost the harness 60 µs of CPU per message, more than the broker
// and the consumer together, which on a two-core machine showed up as
// latency of the system measured.
type BenchTarget struct {
	nc      *nats.Conn
	subject string
	prefix  string
	timeout time.Duration
	run     string // this run's ID prefix: its inputs' Nats-Msg-Id is run + number
	acks    string // PubAcks arrive on acks + number

	mu        sync.Mutex
	seq       uint64
	out       map[uint64]*benchReq
	free      []*benchReq
	abandoned string

	in   chan *nats.Msg
	subs []*nats.Subscription
	stop chan struct{}
	wg   sync.WaitGroup
}

// benchReq is one request awaiting its result.
type benchReq struct {
	r    loadtest.Request
	done loadtest.Done
	at   time.Time // published at
}

// benchInbox bounds the results and PubAcks received and not yet matched
// (the channel's capacity); beyond it the client drops messages (reported
// as a slow consumer) and their requests end as timeouts, never as
// successes.
const benchInbox = 64 << 10

// NewBenchTarget subscribes to the outputs under prefix and to its PubAcks,
// and returns the target. subject is the subject template of the inputs;
// timeout bounds the wait for one result.
func NewBenchTarget(nc *nats.Conn, subject, prefix string, timeout time.Duration) (*BenchTarget, error) {
	if timeout <= 0 {
		return nil, errors.New("publish: the result timeout must be positive")
	}
	run := "bench-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	t := &BenchTarget{nc: nc, subject: subject, prefix: prefix, timeout: timeout,
		run: run + "-", acks: nats.InboxPrefix + run + ".",
		out: map[uint64]*benchReq{}, in: make(chan *nats.Msg, benchInbox), stop: make(chan struct{})}
	for _, subj := range []string{prefix + ".*", t.acks + "*"} {
		sub, err := nc.ChanSubscribe(subj, t.in)
		if err != nil {
			t.Close()
			return nil, err
		}
		t.subs = append(t.subs, sub)
	}
	t.wg.Add(1)
	go t.receive()
	return t, nc.Flush()
}

// Name implements loadtest.Target.
func (t *BenchTarget) Name() string {
	return "nats " + strings.ReplaceAll(t.subject, "{format}", "*") + " -> " + t.prefix + ".*"
}

// Send implements loadtest.AsyncTarget: one core publication of s with its
// Nats-Msg-Id, its PubAck addressed to this target.
func (t *BenchTarget) Send(r loadtest.Request, s *loadtest.Sample, done loadtest.Done) {
	t.mu.Lock()
	if t.abandoned != "" {
		kind := t.abandoned
		t.mu.Unlock()
		done(r, loadtest.Outcome{Err: kind})
		return
	}
	t.seq++
	n := t.seq
	q := t.newReq()
	*q = benchReq{r: r, done: done, at: time.Now()}
	t.out[n] = q
	t.mu.Unlock()

	num := strconv.FormatUint(n, 10)
	in := stream.Input{Data: s.Body, Format: formatOf(s)}
	m := &nats.Msg{Subject: SubjectFor(t.subject, &in), Reply: t.acks + num, Data: s.Body,
		Header: nats.Header{nats.MsgIdHdr: []string{t.run + num}}}
	if err := t.nc.PublishMsg(m); err != nil {
		t.complete(n, loadtest.Outcome{Err: "publish"})
	}
}

// newReq takes a request record from the free list; t.mu is held.
func (t *BenchTarget) newReq() *benchReq {
	if k := len(t.free); k > 0 {
		q := t.free[k-1]
		t.free = t.free[:k-1]
		return q
	}
	return new(benchReq)
}

// complete ends request n with o, once: a second result or PubAck for it
// (a redelivered input's output) finds nothing.
func (t *BenchTarget) complete(n uint64, o loadtest.Outcome) {
	t.mu.Lock()
	q := t.out[n]
	if q == nil {
		t.mu.Unlock()
		return
	}
	delete(t.out, n)
	r, done := q.r, q.done
	*q = benchReq{}
	t.free = append(t.free, q)
	t.mu.Unlock()
	done(r, o)
}

// receive matches results and PubAcks to their requests, and times out the
// requests left unanswered, until Close.
func (t *BenchTarget) receive() {
	defer t.wg.Done()
	tick := time.NewTicker(min(t.timeout/4, 50*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case m := <-t.in:
			t.receiveOne(m)
		case now := <-tick.C:
			t.expire(now)
		case <-t.stop:
			return
		}
	}
}

var errorField = []byte(`"error"`)

func (t *BenchTarget) receiveOne(m *nats.Msg) {
	if num, ok := strings.CutPrefix(m.Subject, t.acks); ok { // a PubAck
		// An error, or a status with no body: no stream took the input
		// (503 "no responders").
		if bytes.Contains(m.Data, errorField) || len(m.Data) == 0 && m.Header.Get("Status") != "" {
			if n, err := strconv.ParseUint(num, 10, 64); err == nil {
				t.complete(n, loadtest.Outcome{Err: "publish"})
			}
		}
		return
	}
	num, ok := strings.CutPrefix(m.Header.Get(stream.HeaderInputID), t.run)
	if !ok {
		return // another run's, or another publisher's
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil {
		return
	}
	var o loadtest.Outcome
	switch m.Header.Get(stream.HeaderVerdict) {
	case string(stream.Valid):
	case string(stream.Invalid):
		o.Invalid = true
	default:
		o.Err = "dead"
	}
	t.complete(n, o)
}

// expire times out the requests published more than the timeout ago.
func (t *BenchTarget) expire(now time.Time) {
	var late []uint64
	t.mu.Lock()
	for n, q := range t.out {
		if now.Sub(q.at) > t.timeout {
			late = append(late, n)
		}
	}
	t.mu.Unlock()
	for _, n := range late {
		t.complete(n, loadtest.Outcome{Err: "timeout"})
	}
}

// Abandon implements loadtest.AsyncTarget.
func (t *BenchTarget) Abandon(kind string) {
	t.mu.Lock()
	t.abandoned = kind
	ns := make([]uint64, 0, len(t.out))
	for n := range t.out {
		ns = append(ns, n)
	}
	t.mu.Unlock()
	for _, n := range ns {
		t.complete(n, loadtest.Outcome{Err: kind})
	}
}

// NewWorker implements loadtest.Target: one request at a time, for
// loadtest.Config.Goroutines.
func (t *BenchTarget) NewWorker() loadtest.Worker {
	w := &benchWorker{t: t, ch: make(chan loadtest.Outcome, 1)}
	w.done = func(_ loadtest.Request, o loadtest.Outcome) { w.ch <- o }
	return w
}

// Close implements loadtest.Target: it stops receiving.
func (t *BenchTarget) Close() {
	for _, s := range t.subs {
		_ = s.Unsubscribe()
	}
	select {
	case <-t.stop:
	default:
		close(t.stop)
	}
	t.wg.Wait()
}

type benchWorker struct {
	t    *BenchTarget
	ch   chan loadtest.Outcome
	done loadtest.Done
}

// Do publishes s and waits for its outcome: the target ends every request
// within its timeout.
func (w *benchWorker) Do(_ context.Context, s *loadtest.Sample) loadtest.Outcome {
	w.t.Send(loadtest.Request{Sent: time.Now()}, s, w.done)
	return <-w.ch
}

func formatOf(s *loadtest.Sample) string {
	if strings.Contains(s.ContentType, "xml") {
		return "mx"
	}
	return "mt"
}
