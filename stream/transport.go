package stream

import (
	"context"
	"errors"
	"time"
)

// Header holds message headers, one or more values per name. It has the
// shape of nats.Header (and of net/http's), so an adapter converts it
// without copying.
type Header map[string][]string

// Get returns the first value of name, or "".
func (h Header) Get(name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Set replaces the values of name with v.
func (h Header) Set(name, v string) { h[name] = []string{v} }

// Delivery is one input message handed out by a Source. The processor
// calls exactly one of Ack or Retry on it, once its result is safe (Ack)
// or could not be made safe (Retry). A Delivery is used by one goroutine
// at a time.
type Delivery interface {
	// Data is the message as published. The processor does not modify it.
	Data() []byte
	// Subject is the subject (topic) the message was published to.
	Subject() string
	// Header returns the message's headers; nil when it has none. Read only.
	Header() Header
	// ID identifies the input for de-duplication of its output: the same for
	// every delivery of the same input, different for different inputs
	// (JetStream: the input's Nats-Msg-Id, else "<stream>.<sequence>").
	ID() string
	// Attempt is the delivery count: 1 on the first delivery.
	Attempt() int
	// Ack tells the broker the input is done; called only after the output's
	// publication was confirmed. A transport that can have the broker
	// confirm the acknowledgement returns once it did (or ctx ended); an
	// error wrapping ErrAckFinal is not worth retrying.
	Ack(ctx context.Context) error
	// Retry asks for the input to be delivered again after delay.
	Retry(delay time.Duration) error
	// Extend tells the broker the input is still being worked on (its
	// output is being published again), so it is not redelivered
	// meanwhile.
	Extend() error
}

// Source hands out input messages.
type Source interface {
	// Next blocks until the next delivery is available. After Drain it
	// returns what the source had already taken from the broker, then
	// ErrDrained. It returns ctx.Err() when ctx ends first.
	Next(ctx context.Context) (Delivery, error)
	// Drain stops taking new messages from the broker. Safe to call from
	// any goroutine, more than once.
	Drain()
}

// Receipt is a publication in progress.
type Receipt interface {
	// Wait blocks until the broker confirmed the publication (nil; also when
	// the broker recognised it as a duplicate of an earlier one) or it
	// failed.
	Wait(ctx context.Context) error
}

// Sink publishes results.
type Sink interface {
	// Publish starts publishing out and returns without waiting for the
	// broker's confirmation. An error means the output could not be sent at
	// all (ErrTooLarge, a closed connection). The sink may keep out until the
	// Receipt is done; the caller must not modify it meanwhile.
	Publish(ctx context.Context, out *Output) (Receipt, error)
}

// Transport is a broker connection: the source of inputs, the sink of
// results, and what the ops endpoints report about the connection.
type Transport interface {
	Source
	Sink
	// Ready reports whether the connection to the broker is up.
	Ready() bool
	// Lag returns how many inputs wait to be delivered and how many are
	// delivered but not yet acknowledged (by every instance together).
	Lag(ctx context.Context) (pending, ackPending uint64, err error)
	// Close flushes what was acknowledged and closes the connection.
	Close(ctx context.Context) error
}

// QuickAcker is implemented by a Transport that says whether its
// acknowledgements are quick: sent without waiting for the broker, so the
// processor acknowledges each input from the goroutine that saw its output
// confirmed, without a hand-over (a thread wake-up per input) to the
// ackers. A transport that does not implement it is taken to wait.
type QuickAcker interface {
	QuickAcks() bool
}

// ErrDrained is returned by Source.Next once a drained source has handed
// out everything it had.
var ErrDrained = errors.New("stream: source drained")

// ErrRejected wraps a publication error that the broker gave for this
// output (a limit of the results stream, say), as opposed to the
// connection failing: the input is handed back and the attempt counts
// towards max-deliver. Any other error of Publish or Receipt.Wait is
// taken for broker trouble, and the output is published again, without
// counting an attempt, until it is confirmed or the drain time is up.
var ErrRejected = errors.New("stream: output rejected by the broker")

// ErrTooLarge is returned by Sink.Publish when the output is larger than
// the broker accepts.
var ErrTooLarge = errors.New("stream: output larger than the broker's maximum message size")

// Verdict says which output an input went to.
type Verdict string

// The three outputs.
const (
	// Valid: the message passed every check; the original bytes go on.
	Valid Verdict = "valid"
	// Invalid: the message was judged and failed; the report goes with it.
	Invalid Verdict = "invalid"
	// Dead: the message could not be judged; the reason goes with it.
	Dead Verdict = "dead"
)

// Output is one result, published to <prefix>.<verdict>.
type Output struct {
	// Verdict selects the output subject.
	Verdict Verdict
	// ID de-duplicates the output at the broker: the input's ID, so that a
	// redelivered input yields one output however often it is processed.
	ID string
	// Data is the input's bytes, untouched (may be omitted for a dead
	// letter too large to carry them; see HeaderBodyOmitted).
	Data []byte
	// Header carries the verdict summary (the Header* names).
	Header Header
}

// Keys lists the header names (propagation.TextMapCarrier, with Get and
// Set, so trace context is read from and written to headers directly).
func (h Header) Keys() []string {
	out := make([]string, 0, len(h))
	for k := range h {
		out = append(out, k)
	}
	return out
}

// ErrAckFinal wraps an acknowledgement error that trying again cannot
// cure (the delivery is no longer the broker's to acknowledge: it was
// acknowledged already, or its subscription is gone). The input may be
// redelivered; its output is de-duplicated.
var ErrAckFinal = errors.New("stream: acknowledgement cannot be retried")
