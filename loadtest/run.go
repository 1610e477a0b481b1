// Package bench is swiftval's load harness: an open-loop load generator that
// sends a mix of payment messages at a constant arrival rate to a running
// server (over HTTP) or to the engine in process, and reports latency
// percentiles from an HDR histogram, throughput, errors by kind, the
// server's own validation time (Server-Timing), and optionally the server
// process's memory, CPU and GC figures.
//
// Open loop means requests are scheduled at fixed times, whatever the
// server does, and each latency is measured from the request's scheduled
// time, not from when it was actually sent: when the server (or the
// harness) falls behind, the queueing delay is counted, so the figures do
// not suffer from coordinated omission.
//
// Run does one run against a Target (RawTarget, HTTPTarget, InprocTarget),
// Ramp steps the rate up to the knee, Gate judges a Report, WriteHTML and
// Report.WriteText render it, and Main is the "swiftval bench" command.
// See benchmarks/README.md for the method and the figures.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Limits of one run, so that a mistyped flag cannot run away.
const (
	// MaxRate is the highest rate accepted (requests per second): ten times
	// the largest target (20 000/s), far above what two cores can serve.
	MaxRate = 200_000
	// MaxRequests bounds the requests of one run (warm-up included): one
	// hour at 10 000/s.
	MaxRequests = 36_000_000
	// MaxConnections bounds the connections (and sending goroutines).
	MaxConnections = 4096
	// maxWindows bounds the latency-over-time series (each window holds a
	// small histogram of about 20 KB).
	maxWindows = 240
)

// Histogram range: 1 µs to 60 s in nanoseconds at 3 significant digits
// (every value within 0.1 %), about 200 KB per histogram.
const (
	histLow    = int64(time.Microsecond)
	histHigh   = int64(60 * time.Second)
	histDigits = 3
)

// Config describes one open-loop run.
type Config struct {
	// Target receives the requests.
	Target Target
	// Mix says which sample each request sends.
	Mix *Mix
	// Rate is the constant arrival rate in requests per second.
	Rate float64
	// Duration is how long requests are scheduled and measured after the
	// warm-up.
	Duration time.Duration
	// Warmup is how long requests are sent before measuring starts; their
	// results are dropped.
	Warmup time.Duration
	// Connections is the number of requests that can be in flight at once
	// (one keep-alive connection each, and one worker goroutine each unless
	// the event loop drives them or the target is an AsyncTarget).
	Connections int
	// Drain is how long in-flight requests may take to finish after the last
	// one is scheduled before the run is cut (they count as "canceled");
	// 5 s when zero.
	Drain time.Duration
	// Window is the resolution of the latency-over-time series; when zero,
	// 100 ms or Duration/maxWindows, whichever is longer.
	Window time.Duration
	// Progress, when set, receives a progress line about every second
	// (rewritten in place with \r) and a final newline.
	Progress io.Writer
	// Label prefixes the progress line (a ramp step, say).
	Label string
	// Goroutines makes a RawTarget use one goroutine per connection (the
	// Target's Workers) instead of the event loop it gets on Linux, and an
	// AsyncTarget one goroutine per request in flight instead of sending
	// from the pacer. The loop costs the harness about a third of the CPU a
	// request; this is for comparing the two.
	Goroutines bool
	// MeasureStart, when set, is called once when the warm-up ends (at the
	// start when there is none), from its own goroutine: the place to take
	// the starting figures of the server process (Proc.Begin).
	MeasureStart func()
}

func (c *Config) check() error {
	switch {
	case c.Target == nil:
		return errors.New("bench: no target")
	case c.Mix == nil:
		return errors.New("bench: no sample mix")
	case !(c.Rate > 0) || c.Rate > MaxRate:
		return fmt.Errorf("bench: rate must be above 0 and at most %d per second", MaxRate)
	case c.Duration <= 0:
		return errors.New("bench: duration must be positive")
	case c.Warmup < 0:
		return errors.New("bench: warm-up must not be negative")
	case c.Connections < 1 || c.Connections > MaxConnections:
		return fmt.Errorf("bench: connections must be from 1 to %d", MaxConnections)
	case c.Rate*(c.Duration+c.Warmup).Seconds() > MaxRequests:
		return fmt.Errorf("bench: rate × (duration + warm-up) is above %d requests", MaxRequests)
	case c.Rate*c.Duration.Seconds() < 1:
		return errors.New("bench: rate × duration schedules no request")
	}
	return nil
}

// Run sends cfg.Rate requests per second for cfg.Warmup + cfg.Duration and
// reports on those scheduled after the warm-up. It returns an error only for
// a bad configuration; failed requests are counted in the report. Cancelling
// ctx stops the run early (the report covers what was done).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Drain <= 0 {
		cfg.Drain = 5 * time.Second
	}
	if cfg.Window <= 0 {
		cfg.Window = max(100*time.Millisecond, cfg.Duration/maxWindows)
	}
	warmN := int64(cfg.Rate * cfg.Warmup.Seconds())
	plan := &runPlan{interval: float64(time.Second) / cfg.Rate, warmN: warmN,
		total: warmN + int64(cfg.Rate*cfg.Duration.Seconds()), conns: cfg.Connections, mix: cfg.Mix}
	warmEnd := plan.due(warmN)
	plan.warmEnd = warmEnd

	nwin := int(cfg.Duration/cfg.Window) + 1
	rec := newRecorder(nwin, cfg.Window, warmEnd)
	runCtx, cancel := context.WithTimeout(ctx, cfg.Warmup+cfg.Duration+cfg.Drain)
	defer cancel()
	start := time.Now().Add(2 * time.Millisecond)
	rec.start = start
	plan.start, plan.rec = start, rec
	sent := &plan.sent
	measureHook := make(chan struct{})
	var cpu0 float64
	cpuErr := errors.New("not read")
	go func() {
		defer close(measureHook)
		t := time.NewTimer(time.Until(start.Add(warmEnd)))
		defer t.Stop()
		select {
		case <-t.C:
		case <-runCtx.Done():
		}
		cpu0, cpuErr = cpuSeconds(os.Getpid())
		if cfg.MeasureStart != nil {
			cfg.MeasureStart()
		}
	}()
	var wg sync.WaitGroup
	var loop *eventLoop
	if rt, ok := cfg.Target.(*RawTarget); ok && !cfg.Goroutines {
		// The raw client on Linux: one event loop sends and reads on every
		// connection, with no goroutine per connection.
		loop, _ = newEventLoop(rt, plan)
	}
	at, async := cfg.Target.(AsyncTarget)
	switch {
	case loop != nil:
		wg.Add(1)
		go func() {
			defer wg.Done()
			loop.runLoop(runCtx)
		}()
	case async && !cfg.Goroutines:
		runAsync(runCtx, &wg, at, plan)
	default:
		runWorkers(runCtx, &wg, workers(cfg), plan)
	}

	stopProgress := make(chan struct{})
	progressDone := make(chan struct{})
	go func() {
		defer close(progressDone)
		if cfg.Progress == nil {
			return
		}
		tk := time.NewTicker(time.Second)
		defer tk.Stop()
		for {
			select {
			case <-stopProgress:
				rec.progress(cfg.Progress, cfg.Label, time.Since(start), cfg.Warmup+cfg.Duration, sent.Load())
				fmt.Fprintln(cfg.Progress)
				return
			case <-tk.C:
				rec.progress(cfg.Progress, cfg.Label, time.Since(start), cfg.Warmup+cfg.Duration, sent.Load())
			}
		}
	}()

	wg.Wait()
	close(stopProgress)
	<-progressDone
	<-measureHook
	cpu1, err := cpuSeconds(os.Getpid())

	rep := rec.report(cfg)
	if err == nil && cpuErr == nil {
		rep.HarnessCPU = Seconds((cpu1 - cpu0) * 1e9)
		if rep.Completed > 0 {
			rep.HarnessCPUPerRequest = Millis(float64(rep.HarnessCPU) / float64(rep.Completed))
		}
	}
	rep.Target = cfg.Target.Name()
	rep.Started = start.Add(warmEnd).UTC()
	rep.Scheduled = plan.total - warmN
	rep.Mix = cfg.Mix.Weights()
	return rep, nil
}

// job is request i, released by the pacer when it woke at woke (from the
// start): woke minus the request's scheduled time is the pacer's lag.
type job struct {
	i    int64
	woke time.Duration
}

// recorder collects the results of the measured requests. Workers record
// under its mutex: at tens of thousands of requests per second the lock is
// held for well under a microsecond each time.
type recorder struct {
	mu      sync.Mutex
	start   time.Time
	warmEnd time.Duration
	window  time.Duration
	lat     *hdrhistogram.Histogram // from the scheduled time
	svc     *hdrhistogram.Histogram // from the actual send
	srv     *hdrhistogram.Histogram // Server-Timing
	wait    *hdrhistogram.Histogram // from the scheduled time to the send
	lag     *hdrhistogram.Histogram // from the scheduled time to the pacer's release
	wins    []winRec
	errs    map[string]int64
	done    int64 // measured requests answered or failed
	ok      int64
	invalid int64
	nerr    int64
	lastEnd time.Duration // completion of the last measured request, from measuring start
}

type winRec struct {
	h    *hdrhistogram.Histogram
	errs int64
}

func newRecorder(nwin int, window, warmEnd time.Duration) *recorder {
	return &recorder{
		window:  window,
		warmEnd: warmEnd,
		lat:     hdrhistogram.New(histLow, histHigh, histDigits),
		svc:     hdrhistogram.New(histLow, histHigh, histDigits),
		srv:     hdrhistogram.New(histLow, histHigh, histDigits),
		wait:    hdrhistogram.New(histLow, histHigh, histDigits),
		lag:     hdrhistogram.New(histLow, histHigh, histDigits),
		wins:    make([]winRec, nwin),
		errs:    map[string]int64{},
	}
}

func clampRec(h *hdrhistogram.Histogram, d time.Duration) {
	v := int64(d)
	if v < histLow {
		v = histLow
	} else if v > histHigh {
		v = histHigh
	}
	_ = h.RecordValue(v)
}

// record adds one measured request: at is its scheduled time from measuring
// start, lat its latency from then, svc from its actual send, wait from its
// scheduled time to its send, lag from its scheduled time to the pacer's
// release, end its completion from measuring start.
func (r *recorder) record(at, lat, svc, wait, lag, end time.Duration, o *Outcome) {
	wi := int(at / r.window)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done++
	if end > r.lastEnd {
		r.lastEnd = end
	}
	if wi >= len(r.wins) {
		wi = len(r.wins) - 1
	}
	w := &r.wins[wi]
	if o.Err != "" {
		r.nerr++
		r.errs[o.Err]++
		w.errs++
		return
	}
	r.ok++
	if o.Invalid {
		r.invalid++
	}
	clampRec(r.lat, lat)
	clampRec(r.svc, svc)
	clampRec(r.wait, wait)
	clampRec(r.lag, lag)
	if o.HasServer {
		clampRec(r.srv, o.Server)
	}
	if w.h == nil {
		w.h = hdrhistogram.New(histLow, histHigh, 2)
	}
	clampRec(w.h, lat)
}

func (r *recorder) progress(w io.Writer, label string, elapsed, total time.Duration, sent int64) {
	r.mu.Lock()
	p99 := time.Duration(0)
	if r.lat.TotalCount() > 0 {
		// the last complete window, else everything so far
		cur := int((elapsed - r.warmEnd) / r.window)
		if cur >= 1 && cur-1 < len(r.wins) && r.wins[cur-1].h != nil {
			p99 = time.Duration(r.wins[cur-1].h.ValueAtQuantile(99))
		} else {
			p99 = time.Duration(r.lat.ValueAtQuantile(99))
		}
	}
	ok, nerr := r.ok, r.nerr
	r.mu.Unlock()
	phase := "measuring"
	if elapsed < r.warmEnd {
		phase = "warming up"
	}
	fmt.Fprintf(w, "\r%s%s %5.1fs/%.0fs  sent %d  ok %d  errors %d  p99 %s        ",
		label, phase, min(elapsed, total).Seconds(), total.Seconds(), sent, ok, nerr, fmtDur(p99))
}

func summarize(h *hdrhistogram.Histogram) Summary {
	if h.TotalCount() == 0 {
		return Summary{}
	}
	return Summary{
		Count: h.TotalCount(),
		Mean:  Millis(h.Mean()),
		Min:   Millis(h.Min()),
		P50:   Millis(h.ValueAtQuantile(50)),
		P90:   Millis(h.ValueAtQuantile(90)),
		P99:   Millis(h.ValueAtQuantile(99)),
		P999:  Millis(h.ValueAtQuantile(99.9)),
		Max:   Millis(h.Max()),
	}
}

// distributionQuantiles are the points of the percentile plot: 0 to
// 99.999 % on a log scale of 1/(1-q), eight points per decade.
// They are computed on first use, not at package initialisation.
var distributionQuantiles = sync.OnceValue(func() []float64 {
	var qs []float64
	for k := 0; k <= 40; k++ {
		qs = append(qs, 100*(1-pow10(-float64(k)/8)))
	}
	return qs
})

func (r *recorder) report(cfg Config) *Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := &Report{
		Rate:        cfg.Rate,
		Duration:    Seconds(cfg.Duration),
		Warmup:      Seconds(cfg.Warmup),
		Connections: cfg.Connections,
		Completed:   r.done,
		OK:          r.ok,
		Invalid:     r.invalid,
		ErrorCount:  r.nerr,
		Errors:      map[string]int64{},
		Latency:     summarize(r.lat),
		Service:     summarize(r.svc),
		SendDelay:   summarize(r.wait),
		PacerLag:    summarize(r.lag),
	}
	for k, v := range r.errs {
		rep.Errors[k] = v
	}
	if r.srv.TotalCount() > 0 {
		s := summarize(r.srv)
		rep.Server = &s
	}
	wall := max(cfg.Duration, r.lastEnd)
	rep.Throughput = float64(r.ok) / wall.Seconds()
	rep.SendRate = float64(r.done) / cfg.Duration.Seconds()
	for i, w := range r.wins {
		p := Window{Start: Seconds(time.Duration(i) * r.window), Errors: w.errs}
		if w.h != nil {
			p.Count = w.h.TotalCount()
			p.P50 = Millis(w.h.ValueAtQuantile(50))
			p.P99 = Millis(w.h.ValueAtQuantile(99))
			p.Max = Millis(w.h.Max())
		}
		if p.Count == 0 && p.Errors == 0 && time.Duration(i)*r.window >= cfg.Duration {
			continue
		}
		rep.Series = append(rep.Series, p)
	}
	if r.lat.TotalCount() > 0 {
		vals := r.lat.ValueAtPercentilesSlice(distributionQuantiles())
		var srv []int64
		if r.srv.TotalCount() > 0 {
			srv = r.srv.ValueAtPercentilesSlice(distributionQuantiles())
		}
		for i, q := range distributionQuantiles() {
			pt := Point{Quantile: q, Latency: Millis(vals[i])}
			if srv != nil {
				pt.Server = Millis(srv[i])
			}
			rep.Distribution = append(rep.Distribution, pt)
		}
	}
	return rep
}

// workers returns one Worker per connection of cfg.
func workers(cfg Config) []Worker {
	ws := make([]Worker, cfg.Connections)
	for i := range ws {
		ws[i] = cfg.Target.NewWorker()
	}
	return ws
}

// runWorkers starts the pacer and one goroutine per worker, each sending one
// request at a time; wg is done when they all are.
func runWorkers(runCtx context.Context, wg *sync.WaitGroup, workers []Worker, p *runPlan) {
	jobs := make(chan job, 4*len(workers))
	go func() { // the pacer
		defer close(jobs)
		defer pacerThread()()
		var i int64
		for i < p.total {
			now := time.Since(p.start)
			for i < p.total && p.due(i) <= now {
				select {
				case jobs <- job{i, now}:
					i++
				case <-runCtx.Done():
					return
				}
			}
			if i < p.total {
				if runCtx.Err() != nil {
					return
				}
				if d := p.due(i) - time.Since(p.start); d > 0 {
					preciseSleep(min(d, 10*time.Millisecond))
				}
			}
		}
	}()

	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				p.sent.Add(1)
				t0 := time.Now()
				o := w.Do(runCtx, p.mix.Sample(j.i))
				p.record(j.i, j.woke, t0, &o)
			}
		}()
	}

}

// runPlan is a run's schedule and where its results go, shared by the
// event loop and the goroutine workers.
type runPlan struct {
	start        time.Time
	interval     float64 // nanoseconds between two requests
	total, warmN int64
	warmEnd      time.Duration
	conns        int
	mix          *Mix
	rec          *recorder
	sent         atomic.Int64 // requests sent so far
}

// due is request i's scheduled time from the start.
func (p *runPlan) due(i int64) time.Duration { return time.Duration(float64(i) * p.interval) }

// record records the outcome of request i, released by the pacer at woke
// (from the start) and sent at t0, unless it was a warm-up request.
func (p *runPlan) record(i int64, woke time.Duration, t0 time.Time, o *Outcome) {
	if i < p.warmN {
		return
	}
	t1 := time.Now()
	d := p.due(i)
	scheduled := p.start.Add(d)
	p.rec.record(d-p.warmEnd, t1.Sub(scheduled), t1.Sub(t0), t0.Sub(scheduled), woke-d, t1.Sub(p.start)-p.warmEnd, o)
}
