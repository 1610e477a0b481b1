package loadtest

import (
	"context"
	"sync"
	"time"
)

// Request is one request of a run as an AsyncTarget sees it: an opaque
// ticket the target hands back, unchanged, when the request completes.
type Request struct {
	// ID is the request's number in the run (0 is the first scheduled).
	ID int64
	// Woke is when the pacer released it, from the run's start.
	Woke time.Duration
	// Sent is when it was sent.
	Sent time.Time
}

// Done is called once per request an AsyncTarget was given, with the
// Request as it was given and the outcome.
type Done func(r Request, o Outcome)

// AsyncTarget is a Target that sends without waiting for the answer: a
// message-queue publisher, whose answer arrives on another subscription.
// Run sends to it straight from the pacer, so a run needs no goroutine, no
// timer and no thread wake-up per request in flight: at 10 000 requests a
// second the harness would otherwise take more CPU than the system under
// test, and on a small machine its own queues would show up as latency.
// Its Workers (one request at a time each) remain for Config.Goroutines.
type AsyncTarget interface {
	Target
	// Send sends s and returns without waiting. done is called exactly once
	// for r, from any goroutine (possibly before Send returns): with the
	// answer, with Err "timeout" when none came within the target's
	// timeout, or with Err "canceled" after Abandon.
	Send(r Request, s *Sample, done Done)
	// Abandon completes every request still awaiting its answer with Err
	// kind, and every later Send at once with the same: the run is over.
	Abandon(kind string)
}

// runAsync paces the requests of p straight into t, with at most p.conns
// awaiting their answer (a request beyond that waits, and the wait counts
// as its latency, as a request waiting for a free connection does). wg is
// done when every request sent has completed; when runCtx ends first, the
// requests still out are abandoned as "canceled".
func runAsync(runCtx context.Context, wg *sync.WaitGroup, t AsyncTarget, p *runPlan) {
	slots := make(chan struct{}, p.conns)
	var out sync.WaitGroup // requests sent and not completed
	done := func(r Request, o Outcome) {
		p.record(r.ID, r.Woke, r.Sent, &o)
		<-slots
		out.Done()
	}
	stop := context.AfterFunc(runCtx, func() { t.Abandon("canceled") })
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer stop()
		defer out.Wait()
		defer pacerThread()()
		var i int64
		for i < p.total && runCtx.Err() == nil {
			now := time.Since(p.start)
			for i < p.total && p.due(i) <= now {
				select {
				case slots <- struct{}{}:
				default:
					select { // every slot taken: wait for an answer
					case slots <- struct{}{}:
					case <-runCtx.Done():
						return
					}
				}
				out.Add(1)
				p.sent.Add(1)
				t.Send(Request{ID: i, Woke: now, Sent: time.Now()}, p.mix.Sample(i), done)
				i++
			}
			if i < p.total {
				if d := p.due(i) - time.Since(p.start); d > 0 {
					preciseSleep(min(d, 10*time.Millisecond))
				}
			}
		}
	}()
}
