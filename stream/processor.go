package stream

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/swiftval/swiftval/engine"
)

// Defaults of Config, so that a user and a test can rely on them.
const (
	// DefaultMaxDeliver: an input that could not be judged is tried this
	// many times before it goes to .dead.
	DefaultMaxDeliver = 5
	// DefaultRetryDelay is the wait before the second attempt; it doubles
	// with each further attempt, up to maxRetryDelay.
	DefaultRetryDelay = time.Second
	// DefaultDrainTimeout bounds a graceful shutdown.
	DefaultDrainTimeout = 30 * time.Second
	// DefaultPipeline is how many outputs one worker may have awaiting the
	// broker's confirmation: enough to cover a round trip at full speed
	// (30 000/s × 5 ms = 150) without holding much memory (the inputs are
	// already in memory; an output adds its headers, about 300 bytes).
	DefaultPipeline = 256
	// DefaultAckers is how many acknowledgements may await the broker's
	// confirmation at once (Delivery.Ack of a transport that confirms acks
	// takes a round trip; these run beside the workers, so a slow
	// confirmation does not hold up validation). A transport whose acks
	// are quick (QuickAcker) needs none.
	DefaultAckers = 64
	// DefaultLagInterval is how often the consumer's lag is read.
	DefaultLagInterval = 5 * time.Second

	maxRetryDelay = time.Minute
	// maxAckTries bounds the attempts to have one acknowledgement
	// confirmed.
	maxAckTries = 3
)

// ErrDrainTimeout is returned by Run when the graceful shutdown did not
// finish within Config.DrainTimeout. Inputs not acknowledged by then are
// redelivered (to another instance, or to this one when it restarts):
// nothing is lost.
var ErrDrainTimeout = errors.New("stream: drain timeout: inputs still in flight were left for redelivery")

// Config configures Run. Engine is required; every other field has a
// default.
type Config struct {
	// Engine validates the messages. Run adds one rule set to it
	// ("swiftval-stream", a rule that records the UETRs for the headers
	// and never reports a finding).
	Engine *engine.Engine
	// Options apply to every validation (profile, rule sets, budget).
	// Format is left empty to detect MT or MX per message.
	Options engine.ValidateOptions
	// Workers validating in parallel; runtime.GOMAXPROCS(0) when zero.
	Workers int
	// Pipeline is how many outputs one worker may have awaiting
	// confirmation; DefaultPipeline when zero.
	Pipeline int
	// Ackers is how many inputs may be being acknowledged at once;
	// DefaultAckers when zero; unused when the transport's acks are quick
	// (QuickAcker).
	Ackers int
	// MaxDeliver is how many times an input that cannot be judged is tried
	// before it is dead-lettered; DefaultMaxDeliver when zero. An input
	// delivered more often than that without a result (its consumer crashed
	// each time) goes to .dead without being validated again.
	MaxDeliver int
	// RetryDelay is the redelivery delay after the first failed attempt,
	// doubling with each attempt (at most a minute); DefaultRetryDelay when
	// zero.
	RetryDelay time.Duration
	// DrainTimeout bounds the graceful shutdown after ctx ends;
	// DefaultDrainTimeout when zero.
	DrainTimeout time.Duration
	// OpsAddr is the listen address of /metrics, /healthz and /readyz;
	// empty for none.
	OpsAddr string
	// LagInterval is how often the consumer's lag is read for the metrics;
	// DefaultLagInterval when zero.
	LagInterval time.Duration
	// Logger receives the operational log (never payment content);
	// slog.Default() when nil.
	Logger *slog.Logger
	// Metrics; NewMetrics() when nil.
	Metrics *Metrics
	// TracerProvider, when set, turns tracing on: each input gets a span,
	// a child of the input's traceparent header, and the output carries the
	// span's traceparent. When nil the input's traceparent and tracestate
	// are copied to the output as they are.
	TracerProvider trace.TracerProvider
	// OpsListening, when set, is called with the ops server's address once
	// it listens (tests and logs use it with a port 0 address).
	OpsListening func(addr string)
}

func (c *Config) defaults() error {
	if c.Engine == nil {
		return errors.New("stream: Config.Engine is nil")
	}
	if c.Options.Format != "" {
		return errors.New("stream: Config.Options.Format must be empty (formats are detected per message)")
	}
	if c.Workers < 0 || c.Pipeline < 0 || c.Ackers < 0 || c.MaxDeliver < 0 || c.RetryDelay < 0 || c.DrainTimeout < 0 || c.LagInterval < 0 {
		return errors.New("stream: negative Config value")
	}
	// cmp.Or: the first value that is not zero, so a zero field takes its
	// default.
	c.Workers = cmp.Or(c.Workers, runtime.GOMAXPROCS(0))
	c.Pipeline = cmp.Or(c.Pipeline, DefaultPipeline)
	c.Ackers = cmp.Or(c.Ackers, DefaultAckers)
	c.MaxDeliver = cmp.Or(c.MaxDeliver, DefaultMaxDeliver)
	c.RetryDelay = cmp.Or(c.RetryDelay, DefaultRetryDelay)
	c.DrainTimeout = cmp.Or(c.DrainTimeout, DefaultDrainTimeout)
	c.LagInterval = cmp.Or(c.LagInterval, DefaultLagInterval)
	c.Logger = cmp.Or(c.Logger, slog.Default())
	if c.Metrics == nil {
		c.Metrics = NewMetrics()
	}
	if len(c.Options.RuleSets) > 0 {
		c.Options.RuleSets = append(c.Options.RuleSets[:len(c.Options.RuleSets):len(c.Options.RuleSets)], headerRuleSetName)
	}
	return nil
}

// Run validates the inputs of t until ctx ends, then drains: it stops
// taking inputs, finishes and acknowledges those in flight, closes t, and
// returns nil, or ErrDrainTimeout when that took longer than
// cfg.DrainTimeout. Every input taken ends in exactly one output
// (<prefix>.valid, .invalid or .dead, de-duplicated by the input's ID) and
// is acknowledged only after the broker confirmed that output; an input
// whose output is not confirmed is handed back for redelivery.
//
// Run returns an error at once for a bad cfg or a failing ops address, and
// after draining when the source fails.
func Run(ctx context.Context, cfg Config, t Transport) error {
	if err := cfg.defaults(); err != nil {
		return err
	}
	if err := installHeaderRule(cfg.Engine); err != nil {
		return err
	}
	p := &processor{cfg: cfg, t: t, m: cfg.Metrics, log: cfg.Logger}
	if q, ok := t.(QuickAcker); ok {
		p.quickAcks = q.QuickAcks()
	}
	if cfg.TracerProvider != nil {
		p.tracer = cfg.TracerProvider.Tracer("github.com/swiftval/swiftval/stream")
	}
	// hard ends when the drain time is up: in-flight work is then abandoned
	// (left for redelivery).
	hard, cancelHard := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHard()
	p.hard = hard

	var ops *http.Server
	if cfg.OpsAddr != "" {
		var err error
		if ops, err = p.startOps(cfg.OpsAddr); err != nil {
			return err
		}
	}
	lagDone := make(chan struct{})
	go p.pollLag(hard, lagDone)

	p.acks = make(chan pending, cfg.Ackers)
	srcErr := make(chan error, 1)
	var wg, ackWG sync.WaitGroup
	// The workers take their inputs from the source themselves: a
	// goroutine handing them over would cost a thread wake-up per input.
	// The first to see the source fail stops the others.
	src, srcStop := context.WithCancel(hard)
	defer srcStop()
	for range cfg.Workers {
		wg.Add(1)
		go p.worker(src, srcStop, srcErr, &wg)
	}
	ackers := cfg.Ackers
	if p.quickAcks {
		ackers = 0
	}
	for range ackers {
		ackWG.Add(1)
		go func() {
			defer ackWG.Done()
			for pd := range p.acks {
				p.ack(&pd)
			}
		}()
	}
	drained := make(chan struct{})
	go func() {
		// The workers' confirmers hand their inputs to the ackers: those
		// end after the last worker.
		wg.Wait()
		close(p.acks)
		ackWG.Wait()
		close(drained)
	}()

	var failed error
	select {
	case <-ctx.Done():
		p.log.Info("draining", "drain_timeout", cfg.DrainTimeout.String(), "in_flight", p.inFlight.Load())
	case failed = <-srcErr:
		p.log.Error("input failed; draining", "error", failed.Error())
	case <-drained:
	}
	p.draining.Store(true)
	t.Drain()
	timer := time.NewTimer(cfg.DrainTimeout)
	defer timer.Stop()
	result := failed
	select {
	case <-drained:
	case <-timer.C:
		cancelHard()
		<-drained
		result = errors.Join(failed, ErrDrainTimeout)
	}
	if failed == nil {
		select {
		case failed = <-srcErr:
			result = errors.Join(result, failed)
		default:
		}
	}
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := t.Close(closeCtx); err != nil {
		result = errors.Join(result, fmt.Errorf("stream: closing the connection: %w", err))
	}
	cancelHard()
	<-lagDone
	if ops != nil {
		_ = ops.Shutdown(closeCtx)
	}
	p.log.Info("stopped", "drained", result == nil, "left_in_flight", p.inFlight.Load(), "taken", p.taken.Load(), "acked", p.acked.Load(), "retried", p.retried.Load())
	return result
}

type processor struct {
	cfg    Config
	t      Transport
	m      *Metrics
	log    *slog.Logger
	tracer trace.Tracer
	hard   context.Context
	acks   chan pending // confirmed outputs whose inputs are to be acknowledged
	// quickAcks: the transport's acks do not wait for the broker, so the
	// confirmers acknowledge themselves and acks is not used.
	quickAcks bool
	draining  atomic.Bool
	inFlight  atomic.Int64
	// taken, acked and retried count inputs over the process's life (for
	// the closing log line).
	taken, acked, retried atomic.Int64

	ruleSets atomic.Pointer[ruleSetLabels]
}

// ruleSetLabels caches the rule-set header for one registered set list.
type ruleSetLabels struct {
	first *engine.RuleSet
	n     int
	text  string
}

// ruleSetHeader returns the labels of the registered rule sets (the
// processor's own excluded), rebuilt only when the sets change.
func (p *processor) ruleSetHeader() string {
	sets := p.cfg.Engine.RuleSets()
	if c := p.ruleSets.Load(); c != nil && c.n == len(sets) && (c.n == 0 || c.first == sets[0]) {
		return c.text
	}
	var b strings.Builder
	for _, s := range sets {
		if s.Name == headerRuleSetName {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s.Label())
	}
	c := &ruleSetLabels{n: len(sets), text: b.String()}
	if len(sets) > 0 {
		c.first = sets[0]
	}
	p.ruleSets.Store(c)
	return c.text
}

// pending is an output awaiting the broker's confirmation.
type pending struct {
	d       Delivery
	out     *Output
	r       Receipt
	verdict Verdict
	cause   string // dead letters: the cause label
	start   time.Time
	span    trace.Span
}

// worker takes deliveries from the source until it is drained or fails,
// validates them and publishes their outputs; its confirmer acknowledges
// each input once the broker confirmed its output. A source error other
// than the drain's end goes to srcErr (the first only) and stops every
// worker's taking (stop).
func (p *processor) worker(src context.Context, stop context.CancelFunc, srcErr chan<- error, wg *sync.WaitGroup) {
	defer wg.Done()
	conf := make(chan pending, p.cfg.Pipeline)
	done := make(chan struct{})
	go func() { p.confirm(conf); close(done) }()
	c := new(capture)
	ctx := withCapture(p.hard, c)
	for {
		d, err := p.t.Next(src)
		if err != nil {
			if !errors.Is(err, ErrDrained) && src.Err() == nil {
				select {
				case srcErr <- err:
				default:
				}
				stop()
			}
			break
		}
		p.handle(ctx, c, d, conf)
	}
	close(conf)
	<-done
}

func (p *processor) handle(ctx context.Context, c *capture, d Delivery, conf chan<- pending) {
	start := time.Now()
	p.m.consumed.Inc()
	p.taken.Add(1)
	p.m.inFlight.Inc()
	p.inFlight.Add(1)
	attempt := d.Attempt()
	if attempt > 1 {
		p.m.redelivered.Inc()
	}
	var span trace.Span
	vctx := ctx
	if p.tracer != nil {
		vctx = propagation.TraceContext{}.Extract(ctx, d.Header())
		vctx, span = p.tracer.Start(vctx, "swiftval.stream.validate", trace.WithSpanKind(trace.SpanKindConsumer),
			trace.WithAttributes(attribute.Int("swiftval.attempt", attempt)))
	}
	var out *Output
	cause := ""
	rs := p.ruleSetHeader()
	if attempt > p.cfg.MaxDeliver {
		out = deadLetter(d, nil, "", rs, fmt.Sprintf("delivered %d times without a result (max-deliver %d); not validated again", attempt-1, p.cfg.MaxDeliver))
		cause = causeMaxDeliver
	} else {
		c.uetr = ""
		rep := p.validate(vctx, d.Data())
		switch why := unjudged(rep); {
		case why != "" && attempt < p.cfg.MaxDeliver:
			p.log.Warn("input not judged; retrying", "id", d.ID(), "attempt", attempt, "reason", why)
			if span != nil {
				span.SetAttributes(attribute.String("swiftval.verdict", "retry"))
				span.End()
			}
			p.retry(d, attempt)
			return
		case why != "":
			out = deadLetter(d, rep, c.uetr, rs, fmt.Sprintf("%s on each of %d attempts", why, attempt))
			cause = causeUnjudged
		case rep.Valid:
			out = &Output{Verdict: Valid, ID: d.ID(), Data: d.Data(), Header: summaryHeader(d, Valid, rep, c.uetr, rs)}
		default:
			h := summaryHeader(d, Invalid, rep, c.uetr, rs)
			h.Set(HeaderReport, string(rep.AppendJSON(make([]byte, 0, 256+128*len(rep.Findings)))))
			out = &Output{Verdict: Invalid, ID: d.ID(), Data: d.Data(), Header: h}
		}
		if span != nil {
			span.SetAttributes(attribute.String("swiftval.format", rep.Format), attribute.String("swiftval.type", rep.Type),
				attribute.String("swiftval.verdict", string(out.Verdict)), attribute.Int("swiftval.findings", len(rep.Findings)))
		}
	}
	if span != nil {
		propagation.TraceContext{}.Inject(trace.ContextWithSpan(ctx, span), out.Header)
	} else if h := d.Header(); h != nil {
		if tp := h.Get(HeaderTraceparent); tp != "" {
			out.Header.Set(HeaderTraceparent, tp)
			if ts := h.Get(HeaderTracestate); ts != "" {
				out.Header.Set(HeaderTracestate, ts)
			}
		}
	}
	r, err := p.t.Publish(ctx, out)
	if errors.Is(err, ErrTooLarge) {
		out, r, err = p.publishOversize(ctx, d, out, attempt)
		cause = causeUnpublishable
	}
	if errors.Is(err, ErrRejected) || errors.Is(err, ErrTooLarge) {
		p.m.publishErrs.Inc()
		p.log.Warn("output rejected; retrying", "id", d.ID(), "verdict", string(out.Verdict), "error", err.Error())
		if span != nil {
			span.End()
		}
		p.retry(d, attempt)
		return
	}
	if err != nil {
		// Broker trouble: the confirmer publishes it again.
		r = failed{err}
	}
	conf <- pending{d: d, out: out, r: r, verdict: out.Verdict, cause: cause, start: start, span: span}
}

// failed is the Receipt of a publication that could not be sent.
type failed struct{ err error }

func (f failed) Wait(context.Context) error { return f.err }

// publishOversize dead-letters an input whose output is too large for the
// broker: with its bytes when they fit without the report, else without
// them (HeaderBodyOmitted gives their size; the input's ID and subject
// identify it).
func (p *processor) publishOversize(ctx context.Context, d Delivery, out *Output, attempt int) (*Output, Receipt, error) {
	reason := fmt.Sprintf("the %s output (%d bytes and its headers) is larger than the broker accepts", out.Verdict, len(out.Data))
	dl := &Output{Verdict: Dead, ID: out.ID, Data: out.Data, Header: make(Header, len(out.Header))}
	for k, v := range out.Header {
		if k != HeaderReport {
			dl.Header[k] = v
		}
	}
	dl.Header.Set(HeaderVerdict, string(Dead))
	dl.Header.Set(HeaderReason, reason)
	dl.Header.Set(HeaderDeliveries, strconv.Itoa(attempt))
	r, err := p.t.Publish(ctx, dl)
	if errors.Is(err, ErrTooLarge) {
		dl.Data = nil
		dl.Header.Set(HeaderBodyOmitted, strconv.Itoa(len(d.Data())))
		r, err = p.t.Publish(ctx, dl)
	}
	return dl, r, err
}

// retry hands d back for redelivery after a delay growing with attempt.
func (p *processor) retry(d Delivery, attempt int) {
	delay := p.cfg.RetryDelay << min(attempt-1, 20)
	if delay > maxRetryDelay || delay <= 0 {
		delay = maxRetryDelay
	}
	p.m.retries.Inc()
	p.retried.Add(1)
	if err := d.Retry(delay); err != nil {
		p.m.ackErrs.Inc()
	}
	p.done()
}

func (p *processor) done() {
	p.m.inFlight.Dec()
	p.inFlight.Add(-1)
}

// confirm hands each input to the ackers once its output is confirmed,
// taking the outputs in publication order (confirmations arrive in about
// that order).
func (p *processor) confirm(conf <-chan pending) {
	for pd := range conf {
		err := p.confirmed(&pd)
		if err != nil {
			if pd.span != nil {
				pd.span.End()
			}
			if p.hard.Err() != nil {
				// Drain time is up: leave the input for redelivery.
				p.done()
				continue
			}
			p.log.Warn("output rejected; retrying", "id", pd.d.ID(), "verdict", string(pd.verdict), "error", err.Error())
			p.retry(pd.d, pd.d.Attempt())
			continue
		}
		if p.quickAcks {
			p.ack(&pd)
			continue
		}
		p.acks <- pd
	}
}

// ack acknowledges the input of a confirmed output. A transport that
// confirms acknowledgements makes this a round trip, retried (an ack is
// idempotent) while the drain time lasts: an ack lost in a leader change
// or a reconnect would otherwise cost a redelivery. An input whose ack
// could not be confirmed is redelivered after the broker's ack wait; its
// output is already safe and is de-duplicated by the broker.
func (p *processor) ack(pd *pending) {
	if pd.span != nil {
		defer pd.span.End()
	}
	var err error
	backoff := 50 * time.Millisecond
	for try := 1; ; try++ {
		if p.hard.Err() != nil {
			// Drain time is up: leave the input for redelivery.
			p.done()
			return
		}
		if err = pd.d.Ack(p.hard); err == nil || errors.Is(err, ErrAckFinal) || try == maxAckTries {
			break
		}
		select {
		case <-p.hard.Done():
		case <-time.After(backoff):
		}
		backoff *= 2
	}
	if err != nil {
		p.m.ackErrs.Inc()
		p.log.Warn("acknowledgement not confirmed; the input will be redelivered and its output de-duplicated", "id", pd.d.ID(), "error", err.Error())
		p.done()
		return
	}
	p.acked.Add(1)
	p.m.result(pd.verdict)
	if pd.verdict == Dead {
		p.m.deadReasons.WithLabelValues(pd.cause).Inc()
		p.log.Warn("dead letter", "id", pd.d.ID(), "cause", pd.cause, "attempt", pd.d.Attempt())
	}
	p.m.latency.Observe(time.Since(pd.start).Seconds())
	p.done()
}

// confirmed waits for pd's output to be confirmed. While the broker is in
// trouble (disconnected, electing a leader, not answering) it publishes
// the output again with backoff, keeping the input's delivery alive, so
// an outage does not use up the input's attempts. It returns nil once
// confirmed, the error when the broker rejected the output
// (ErrRejected), or the drain's end.
func (p *processor) confirmed(pd *pending) error {
	backoff := 50 * time.Millisecond
	for {
		err := pd.r.Wait(p.hard)
		if err == nil || errors.Is(err, ErrRejected) || p.hard.Err() != nil {
			if err != nil {
				p.m.publishErrs.Inc()
			}
			return err
		}
		p.m.publishErrs.Inc()
		p.log.Warn("output not confirmed; publishing it again", "id", pd.d.ID(), "verdict", string(pd.verdict), "error", err.Error())
		select {
		case <-p.hard.Done():
			return p.hard.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
		if err := pd.d.Extend(); err != nil {
			p.m.ackErrs.Inc()
		}
		r, err := p.t.Publish(p.hard, pd.out)
		if err != nil {
			if errors.Is(err, ErrRejected) || errors.Is(err, ErrTooLarge) {
				p.m.publishErrs.Inc()
				return err
			}
			r = failed{err}
		}
		pd.r = r
	}
}

// pollLag reads the consumer's lag every LagInterval until ctx ends.
func (p *processor) pollLag(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(p.cfg.LagInterval)
	defer t.Stop()
	for {
		if p.t.Ready() {
			p.m.connected.Set(1)
			lctx, cancel := context.WithTimeout(ctx, p.cfg.LagInterval)
			pend, ackPend, err := p.t.Lag(lctx)
			cancel()
			if err != nil {
				p.m.lagReadFails.Inc()
			} else {
				p.m.pending.Set(float64(pend))
				p.m.ackPending.Set(float64(ackPend))
			}
		} else {
			p.m.connected.Set(0)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// startOps serves /metrics, /healthz (200 while the process runs) and
// /readyz (200 while connected to the broker and not draining).
func (p *processor) startOps(addr string) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("stream: ops address: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(p.m.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		switch {
		case p.draining.Load():
			http.Error(w, "draining", http.StatusServiceUnavailable)
		case !p.t.Ready():
			http.Error(w, "not connected to the broker", http.StatusServiceUnavailable)
		default:
			_, _ = w.Write([]byte("ok\n"))
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	p.log.Info("ops server listening", "addr", ln.Addr().String())
	if p.cfg.OpsListening != nil {
		p.cfg.OpsListening(ln.Addr().String())
	}
	return srv, nil
}

// validate judges one input as "swiftval validate" judges a file: through
// Engine.ValidateAll, so findings are located within the input exactly as
// validate locates them. An input holding several messages (an RJE batch)
// is judged as a whole: one report with every message's findings, valid
// only when every message is.
func (p *processor) validate(ctx context.Context, raw []byte) *engine.Report {
	reps := p.cfg.Engine.ValidateAll(ctx, raw, p.cfg.Options)
	if len(reps) == 1 {
		return reps[0]
	}
	r := *reps[0]
	r.Index = 0
	r.Findings = nil
	for _, o := range reps {
		r.Valid = r.Valid && o.Valid
		r.Complete = r.Complete && o.Complete
		r.Elapsed += o.Elapsed
		r.Findings = append(r.Findings, o.Findings...)
	}
	r.Elapsed -= reps[0].Elapsed
	return &r
}
