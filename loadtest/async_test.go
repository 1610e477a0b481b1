package loadtest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeAsync answers each request after delay (never when delay is 0), one
// in failEvery with Err "dead"; it records the most requests out at once.
type fakeAsync struct {
	delay     time.Duration
	failEvery int64

	mu        sync.Mutex
	out       map[int64]func(abandon string)
	abandoned string
	maxOut    int
	sends     atomic.Int64
}

func newFakeAsync(delay time.Duration, failEvery int64) *fakeAsync {
	return &fakeAsync{delay: delay, failEvery: failEvery, out: map[int64]func(string){}}
}

func (f *fakeAsync) Name() string { return "fake async" }
func (f *fakeAsync) Close()       {}

func (f *fakeAsync) Send(r Request, s *Sample, done Done) {
	n := f.sends.Add(1)
	f.mu.Lock()
	if f.abandoned != "" {
		f.mu.Unlock()
		done(r, Outcome{Err: f.abandoned})
		return
	}
	var o Outcome
	if f.failEvery > 0 && n%f.failEvery == 0 {
		o.Err = "dead"
	}
	f.out[n] = func(abandon string) { // by its own number: a Worker's requests all have ID 0
		if abandon != "" {
			o = Outcome{Err: abandon}
		}
		done(r, o)
	}
	f.maxOut = max(f.maxOut, len(f.out))
	f.mu.Unlock()
	if f.delay > 0 {
		time.AfterFunc(f.delay, func() { f.complete(n) })
	}
}

func (f *fakeAsync) complete(id int64) {
	f.mu.Lock()
	fn := f.out[id]
	delete(f.out, id)
	f.mu.Unlock()
	if fn != nil {
		fn("")
	}
}

func (f *fakeAsync) Abandon(kind string) {
	f.mu.Lock()
	f.abandoned = kind
	fns := make([]func(string), 0, len(f.out))
	for id, fn := range f.out {
		fns = append(fns, fn)
		delete(f.out, id)
	}
	f.mu.Unlock()
	for _, fn := range fns {
		fn(kind)
	}
}

// NewWorker waits for each request's answer on a channel: the Goroutines
// path of an AsyncTarget.
func (f *fakeAsync) NewWorker() Worker {
	ch := make(chan Outcome, 1)
	return workerFunc(func(_ context.Context, s *Sample) Outcome {
		f.Send(Request{Sent: time.Now()}, s, func(_ Request, o Outcome) { ch <- o })
		return <-ch
	})
}

type workerFunc func(context.Context, *Sample) Outcome

func (w workerFunc) Do(ctx context.Context, s *Sample) Outcome { return w(ctx, s) }

// TestRunAsync runs an AsyncTarget from the pacer and from goroutines:
// every request completes once, errors are counted by kind, latency is at
// least the target's delay, and no more requests are out than Connections.
func TestRunAsync(t *testing.T) {
	const delay = 2 * time.Millisecond
	tests := []struct {
		name       string
		goroutines bool
		conns      int
		delay      time.Duration
		wantWait   bool // the in-flight bound must delay sends
	}{
		{"from the pacer", false, 64, delay, false},
		{"from goroutines", true, 64, delay, false},
		{"bounded in flight", false, 2, 10 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAsync(tt.delay, 10)
			rep, err := Run(context.Background(), Config{
				Target: f, Mix: mustMix(t), Rate: 400, Duration: time.Second, Warmup: 100 * time.Millisecond,
				Connections: tt.conns, Goroutines: tt.goroutines,
			})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Scheduled != 400 || rep.Completed != 400 {
				t.Fatalf("scheduled %d completed %d, want 400 each", rep.Scheduled, rep.Completed)
			}
			if got := f.sends.Load(); got != 440 {
				t.Errorf("%d sends, want 440 (warm-up included)", got)
			}
			if e := rep.Errors["dead"]; e < 35 || e > 45 || rep.ErrorCount != e || rep.OK != 400-e {
				t.Errorf("errors %v ok %d, want about one in ten dead", rep.Errors, rep.OK)
			}
			if rep.Latency.P50.D() < tt.delay || rep.Service.P50.D() < tt.delay {
				t.Errorf("P50 %v (from send %v), want at least %v", rep.Latency.P50.D(), rep.Service.P50.D(), tt.delay)
			}
			if f.maxOut > tt.conns {
				t.Errorf("%d requests out at once, want at most %d", f.maxOut, tt.conns)
			}
			// 400/s with 10 ms answers needs 4 out at once: with 2, most
			// requests wait for a slot and the wait is their latency.
			if tt.wantWait && rep.Latency.P50.D() < 4*tt.delay {
				t.Errorf("P50 %v with 2 slots of %v at 400/s, want the queueing to show", rep.Latency.P50.D(), tt.delay)
			}
		})
	}
}

// TestRunAsyncCancel: a target that never answers is abandoned when the run
// is cancelled; every request sent counts as canceled and Run returns.
func TestRunAsyncCancel(t *testing.T) {
	f := newFakeAsync(0, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep, err := Run(ctx, Config{Target: f, Mix: mustMix(t), Rate: 100, Duration: time.Minute, Connections: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancelled run took %v", d)
	}
	if f.abandoned != "canceled" {
		t.Errorf("target abandoned with %q, want canceled", f.abandoned)
	}
	if rep.Completed == 0 || rep.Errors["canceled"] != rep.Completed || rep.Completed >= rep.Scheduled {
		t.Errorf("completed %d of %d, errors %v: want every request sent canceled", rep.Completed, rep.Scheduled, rep.Errors)
	}
}
