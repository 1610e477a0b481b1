// Package jetstream is the NATS JetStream transport of package stream: one
// durable pull consumer shared by every instance (work-queue semantics),
// outputs published with Nats-Msg-Id for de-duplication, inputs
// acknowledged after the output's PubAck. See docs/stream.md.
package jetstream

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/swiftval/swiftval/stream"
)

// Defaults of Options (docs/stream.md).
const (
	DefaultURL           = "nats://127.0.0.1:4222"
	DefaultStream        = "PAYMENTS"
	DefaultSubject       = "payments.in.>"
	DefaultDurable       = "swiftval"
	DefaultOutputPrefix  = "payments"
	DefaultResultsStream = "PAYMENTS_RESULTS"
	// DefaultDuplicateWindow is the results stream's de-duplication window
	// when consume creates it (JetStream's own default). A redelivered
	// input's output is de-duplicated only within it: it must be longer
	// than the longest time every consumer may be down (docs/stream.md).
	DefaultDuplicateWindow = 2 * time.Minute
	// DefaultAckWait: an input not acknowledged this long after delivery is
	// redelivered (to any instance).
	DefaultAckWait = 30 * time.Second
	// DefaultMaxAckPending bounds the inputs delivered and not yet
	// acknowledged, over every instance: about 30 ms of input at 30 000/s,
	// and at most 1 000 messages held in memory per instance.
	DefaultMaxAckPending = 1000
	// DefaultFetchBatch is the most inputs asked for in one pull request.
	DefaultFetchBatch = 256
	// DefaultFetchBytes bounds the bytes of one pull request (raised to the
	// broker's maximum message size plus headroom when that is larger, or a
	// single large message would stall the consumer).
	DefaultFetchBytes = 4 << 20
	// DefaultFetchWait is how long one pull request waits for inputs; a
	// drain waits at most this long for the open requests to end. The
	// client gives a request up one second after this; a broker more than a
	// second late in starting a request could still deliver to it then, and
	// such an input is redelivered after AckWait (never lost). Five seconds
	// keeps the number of requests, and so the chances, low.
	DefaultFetchWait = 5 * time.Second
	// DefaultPublishTimeout bounds the wait for an output's PubAck and for
	// the confirmation of an input's acknowledgement.
	DefaultPublishTimeout = 10 * time.Second

	// fetchers is the number of pull requests kept open at once, so the
	// broker always has one to fill while the other's messages are handed
	// out.
	fetchers = 2
	// maxPendingPublishes bounds the outputs awaiting PubAck in the client;
	// above the processor's own bound (workers × pipeline) so that bound
	// is the one that holds.
	maxPendingPublishes = 16384
)

// Options configures a connection. The zero value of each field means its
// default.
type Options struct {
	// URLs of the servers, comma separated (DefaultURL).
	URLs string
	// Name of the connection, shown by the server.
	Name string
	// Stream is the input stream (DefaultStream); Subject the consumer's
	// filter (DefaultSubject); Durable the consumer's name (DefaultDurable).
	Stream, Subject, Durable string
	// OutputPrefix: outputs go to <prefix>.valid, .invalid and .dead
	// (DefaultOutputPrefix).
	OutputPrefix string
	// ResultsStream is the name of the stream created for the outputs when
	// none captures them (DefaultResultsStream).
	ResultsStream string
	// NoCreate: fail when the input stream or no results stream exists,
	// instead of creating them.
	NoCreate bool
	// MemoryStorage: streams created use memory instead of file storage.
	MemoryStorage bool
	// Replicas of streams created (1 when zero).
	Replicas int
	// DuplicateWindow of a results stream created (DefaultDuplicateWindow).
	DuplicateWindow time.Duration
	// ResultsMaxAge, ResultsMaxBytes: the limits of a results stream
	// created (zero: none, the stream keeps every output until the
	// operator removes it). Outputs older or beyond them are removed by the
	// broker, so they bound its memory or disk when nothing downstream
	// removes outputs it has taken.
	ResultsMaxAge   time.Duration
	ResultsMaxBytes int64
	// AckWait, MaxAckPending: the durable consumer's (DefaultAckWait,
	// DefaultMaxAckPending).
	AckWait       time.Duration
	MaxAckPending int
	// FetchBatch, FetchBytes, FetchWait shape the pull requests.
	FetchBatch int
	FetchBytes int
	FetchWait  time.Duration
	// PublishTimeout bounds the wait for a PubAck, and for the broker's
	// confirmation of an acknowledgement (DefaultPublishTimeout).
	PublishTimeout time.Duration
	// ConfirmAcks has the broker confirm each acknowledgement (JetStream's
	// double ack); one not confirmed is sent again. Without it an
	// acknowledgement lost in a reconnect or a leader change goes
	// unnoticed and costs a redelivery after AckWait, whose output is
	// de-duplicated: nothing is lost either way. The confirmation costs a
	// broker message per input (measured in benchmarks/README.md, "Stream
	// mode").
	ConfirmAcks bool
	// CredsFile is a NATS credentials file (JWT and NKey seed); NKeyFile a
	// file holding an NKey seed. At most one.
	CredsFile, NKeyFile string
	// TLSCert and TLSKey: client certificate (PEM); TLSCA: CAs to trust
	// (PEM); TLSFirst: TLS before the server's INFO (servers configured
	// with handshake_first).
	TLSCert, TLSKey, TLSCA string
	TLSFirst               bool
	// Logger receives connection events; slog.Default() when nil.
	Logger *slog.Logger
}

func (o *Options) defaults() error {
	// cmp.Or: the first value that is not zero, so a zero field takes its
	// default.
	o.URLs = cmp.Or(o.URLs, DefaultURL)
	o.Name = cmp.Or(o.Name, "swiftval")
	o.Stream = cmp.Or(o.Stream, DefaultStream)
	o.Subject = cmp.Or(o.Subject, DefaultSubject)
	o.Durable = cmp.Or(o.Durable, DefaultDurable)
	o.OutputPrefix = cmp.Or(o.OutputPrefix, DefaultOutputPrefix)
	o.ResultsStream = cmp.Or(o.ResultsStream, DefaultResultsStream)
	o.Replicas = cmp.Or(o.Replicas, 1)
	o.DuplicateWindow = cmp.Or(o.DuplicateWindow, DefaultDuplicateWindow)
	o.AckWait = cmp.Or(o.AckWait, DefaultAckWait)
	o.MaxAckPending = cmp.Or(o.MaxAckPending, DefaultMaxAckPending)
	o.FetchBatch = cmp.Or(o.FetchBatch, DefaultFetchBatch)
	o.FetchBytes = cmp.Or(o.FetchBytes, DefaultFetchBytes)
	o.FetchWait = cmp.Or(o.FetchWait, DefaultFetchWait)
	o.PublishTimeout = cmp.Or(o.PublishTimeout, DefaultPublishTimeout)
	o.Logger = cmp.Or(o.Logger, slog.Default())
	switch {
	case o.Replicas < 1 || o.Replicas > 5:
		return errors.New("jetstream: replicas must be from 1 to 5")
	case o.DuplicateWindow < 0 || o.AckWait < time.Second/10 || o.MaxAckPending < 1 || o.FetchBatch < 1 || o.FetchBytes < 1 || o.FetchWait < time.Second || o.PublishTimeout < 0:
		return errors.New("jetstream: ack-wait must be at least 100ms, fetch-wait at least 1s, max-ack-pending and fetch sizes positive")
	case o.ResultsMaxAge < 0 || o.ResultsMaxBytes < 0:
		return errors.New("jetstream: the results stream's limits cannot be negative")
	case o.ResultsMaxAge > 0 && o.ResultsMaxAge < o.DuplicateWindow:
		// The broker refuses it too: an output removed before its
		// de-duplication window ends could be published again.
		return errors.New("jetstream: results-max-age must be at least the duplicate window")
	case o.CredsFile != "" && o.NKeyFile != "":
		return errors.New("jetstream: give a credentials file or an NKey seed file, not both")
	case (o.TLSCert == "") != (o.TLSKey == ""):
		return errors.New("jetstream: a TLS client certificate needs its key, and a key its certificate")
	case !validSubject(o.Subject, true):
		return fmt.Errorf("jetstream: %q is not a subject filter", o.Subject)
	case !validSubject(o.OutputPrefix, false) || strings.HasSuffix(o.OutputPrefix, "."):
		return fmt.Errorf("jetstream: %q is not a subject prefix (no wildcards)", o.OutputPrefix)
	}
	for _, v := range outputVerdicts {
		if subjectMatches(o.Subject, o.OutputPrefix+"."+string(v)) {
			return fmt.Errorf("jetstream: the input filter %q captures the output subject %s.%s: outputs would be validated again", o.Subject, o.OutputPrefix, v)
		}
	}
	return nil
}

var outputVerdicts = []stream.Verdict{stream.Valid, stream.Invalid, stream.Dead}

// Connect dials the servers with the auth and TLS options, reconnecting
// forever with backoff (1 s growing to 5 s, with jitter) after an outage.
func Connect(o Options, extra ...nats.Option) (*nats.Conn, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	log := o.Logger
	opts := []nats.Option{
		nats.Name(o.Name),
		nats.MaxReconnects(-1),
		nats.CustomReconnectDelay(func(attempts int) time.Duration {
			d := min(time.Duration(attempts)*time.Second, 5*time.Second)
			return d + time.Duration(time.Now().UnixNano()%int64(d/4+1))
		}),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("broker connection lost; reconnecting", "error", err.Error())
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) { log.Info("broker connection restored", "server", c.ConnectedUrlRedacted()) }),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { log.Warn("broker error", "error", err.Error()) }),
	}
	if o.CredsFile != "" {
		opts = append(opts, nats.UserCredentials(o.CredsFile))
	}
	if o.NKeyFile != "" {
		opt, err := nats.NkeyOptionFromSeed(o.NKeyFile)
		if err != nil {
			return nil, fmt.Errorf("jetstream: nkey: %w", err)
		}
		opts = append(opts, opt)
	}
	if o.TLSCert != "" {
		opts = append(opts, nats.ClientCert(o.TLSCert, o.TLSKey))
	}
	if o.TLSCA != "" {
		opts = append(opts, nats.RootCAs(o.TLSCA))
	}
	if o.TLSFirst {
		opts = append(opts, nats.TLSHandshakeFirst())
	}
	if o.TLSCert != "" || o.TLSCA != "" {
		opts = append(opts, nats.Secure(&tls.Config{MinVersion: tls.VersionTLS12}))
	}
	nc, err := nats.Connect(o.URLs, append(opts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("jetstream: connecting to %s: %w", redact(o.URLs), err)
	}
	return nc, nil
}

// redact hides passwords in server URLs for messages.
func redact(urls string) string {
	parts := strings.Split(urls, ",")
	for i, p := range parts {
		if at := strings.LastIndex(p, "@"); at >= 0 {
			if s := strings.Index(p, "://"); s >= 0 && s < at {
				parts[i] = p[:s+3] + "***" + p[at:]
			}
		}
	}
	return strings.Join(parts, ",")
}

// Transport is the JetStream implementation of stream.Transport.
type Transport struct {
	o        Options
	nc       *nats.Conn
	js       jetstream.JetStream
	cons     jetstream.Consumer
	out      [3]string // output subjects by verdict
	fetchMax int       // bytes of one pull request

	msgs     chan stream.Delivery
	drain    chan struct{}
	drainOne sync.Once
	closed   chan struct{}
	closeOne sync.Once
	fetchWG  sync.WaitGroup
}

// Open connects, makes sure the input stream, the results stream and the
// durable consumer exist (creating them unless o.NoCreate), and starts
// pulling. Close (or a drain through stream.Run) ends it.
func Open(ctx context.Context, o Options) (*Transport, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	nc, err := Connect(o)
	if err != nil {
		return nil, err
	}
	t, err := open(ctx, o, nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return t, nil
}

func open(ctx context.Context, o Options, nc *nats.Conn) (*Transport, error) {
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(maxPendingPublishes), jetstream.WithPublishAsyncTimeout(o.PublishTimeout))
	if err != nil {
		return nil, err
	}
	if err := EnsureInputStream(ctx, js, o); err != nil {
		return nil, err
	}
	if err := ensureResultsStream(ctx, js, o); err != nil {
		return nil, err
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, o.Stream, jetstream.ConsumerConfig{
		Durable:       o.Durable,
		Description:   "swiftval consume: validates and routes to " + o.OutputPrefix + ".{valid,invalid,dead}",
		FilterSubject: o.Subject,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       o.AckWait,
		// Unlimited at the broker: the processor counts attempts and
		// dead-letters after --max-deliver, so an input whose consumer
		// crashed on its last attempt is still delivered (and
		// dead-lettered) rather than left without an output.
		MaxDeliver:    -1,
		MaxAckPending: o.MaxAckPending,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("jetstream: consumer %q on stream %q: %w", o.Durable, o.Stream, err)
	}
	t := &Transport{o: o, nc: nc, js: js, cons: cons, msgs: make(chan stream.Delivery, o.FetchBatch), drain: make(chan struct{}), closed: make(chan struct{})}
	for i, v := range outputVerdicts {
		t.out[i] = o.OutputPrefix + "." + string(v)
	}
	t.fetchMax = max(o.FetchBytes, int(nc.MaxPayload())+64<<10)
	t.fetchWG.Add(fetchers)
	for range fetchers {
		go t.fetch()
	}
	go func() { t.fetchWG.Wait(); close(t.msgs) }()
	return t, nil
}

// EnsureInputStream makes sure a stream captures o.Subject: the named
// stream when it exists (used as it is), else a new work-queue stream of
// that name unless o.NoCreate.
func EnsureInputStream(ctx context.Context, js jetstream.JetStream, o Options) error {
	if err := o.defaults(); err != nil {
		return err
	}
	_, err := js.Stream(ctx, o.Stream)
	if err == nil {
		return nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("jetstream: input stream %q: %w", o.Stream, err)
	}
	if o.NoCreate {
		return fmt.Errorf("jetstream: input stream %q does not exist (and creating streams is off)", o.Stream)
	}
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{
		Name:        o.Stream,
		Description: "payments to validate (swiftval)",
		Subjects:    []string{o.Subject},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     storage(o),
		Replicas:    o.Replicas,
		Duplicates:  o.DuplicateWindow,
	})
	if err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return fmt.Errorf("jetstream: creating input stream %q: %w", o.Stream, err)
	}
	o.Logger.Info("input stream created", "stream", o.Stream, "subject", o.Subject, "memory", o.MemoryStorage, "replicas", o.Replicas)
	return nil
}

func storage(o Options) jetstream.StorageType {
	if o.MemoryStorage {
		return jetstream.MemoryStorage
	}
	return jetstream.FileStorage
}

// ensureResultsStream makes sure one stream captures all three output
// subjects: de-duplication is per stream, so only then does an input
// yield one output even if a redelivery took another route.
func ensureResultsStream(ctx context.Context, js jetstream.JetStream, o Options) error {
	// Instances starting together may see a stream another one is
	// creating on some subjects only: look again.
	var err error
	for range 5 {
		var partial bool
		if partial, err = ensureResultsStreamOnce(ctx, js, o); !partial {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return err
}

func ensureResultsStreamOnce(ctx context.Context, js jetstream.JetStream, o Options) (partial bool, _ error) {
	names := make([]string, len(outputVerdicts))
	found := 0
	for i, v := range outputVerdicts {
		n, err := js.StreamNameBySubject(ctx, o.OutputPrefix+"."+string(v))
		switch {
		case err == nil:
			names[i] = n
			found++
		case !errors.Is(err, jetstream.ErrStreamNotFound):
			return false, fmt.Errorf("jetstream: looking up the stream of %s.%s: %w", o.OutputPrefix, v, err)
		}
	}
	if found == len(outputVerdicts) && names[0] == names[1] && names[1] == names[2] {
		return false, nil
	}
	if found > 0 {
		return true, fmt.Errorf("jetstream: the output subjects %s.{valid,invalid,dead} must all be captured by one stream (found %q): de-duplication is per stream", o.OutputPrefix, names)
	}
	if o.NoCreate {
		return false, fmt.Errorf("jetstream: no stream captures the output subjects %s.* (and creating streams is off)", o.OutputPrefix)
	}
	subj := make([]string, len(outputVerdicts))
	for i, v := range outputVerdicts {
		subj[i] = o.OutputPrefix + "." + string(v)
	}
	_, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:        o.ResultsStream,
		Description: "swiftval results: valid, invalid and dead-lettered payments",
		Subjects:    subj,
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      o.ResultsMaxAge,
		MaxBytes:    cmp.Or(o.ResultsMaxBytes, -1),
		Storage:     storage(o),
		Replicas:    o.Replicas,
		Duplicates:  o.DuplicateWindow,
	})
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return true, err // another instance created it: look again
	}
	if err != nil {
		return false, fmt.Errorf("jetstream: creating results stream %q: %w", o.ResultsStream, err)
	}
	o.Logger.Info("results stream created", "stream", o.ResultsStream, "subjects", strings.Join(subj, ","), "duplicate_window", o.DuplicateWindow.String())
	return false, nil
}

// fetch keeps one pull request open until the transport drains, handing
// its messages to Next. Errors (a broker outage) are retried with backoff;
// the connection reconnects by itself.
func (t *Transport) fetch() {
	defer t.fetchWG.Done()
	backoff := 50 * time.Millisecond
	for {
		select {
		case <-t.drain:
			return
		default:
		}
		if t.nc.IsClosed() {
			return
		}
		batch, err := t.cons.Fetch(t.o.FetchBatch, jetstream.FetchMaxWait(t.o.FetchWait), jetstream.FetchMaxBytes(t.fetchMax))
		if err == nil {
			for m := range batch.Messages() {
				select {
				case t.msgs <- t.newDelivery(m):
				case <-t.closed:
					// Closed before the message was taken: the broker
					// redelivers it after AckWait.
				}
			}
			err = batch.Error()
			if err == nil {
				backoff = 50 * time.Millisecond
				continue
			}
		}
		if errors.Is(err, nats.ErrConnectionClosed) {
			return
		}
		if t.nc.IsConnected() && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, nats.ErrTimeout) {
			t.o.Logger.Warn("pull request failed; retrying", "error", err.Error())
		}
		select {
		case <-t.drain:
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// Next implements stream.Source.
func (t *Transport) Next(ctx context.Context) (stream.Delivery, error) {
	select {
	case d, ok := <-t.msgs:
		if !ok {
			return nil, stream.ErrDrained
		}
		return d, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Drain implements stream.Source: no new pull request is made; the open
// ones are read to their end (at most FetchWait), so no input the broker
// sent is left unread.
func (t *Transport) Drain() { t.drainOne.Do(func() { close(t.drain) }) }

// Publish implements stream.Sink: an asynchronous publish with
// Nats-Msg-Id set to out.ID.
func (t *Transport) Publish(_ context.Context, out *stream.Output) (stream.Receipt, error) {
	var subj string
	switch out.Verdict {
	case stream.Valid:
		subj = t.out[0]
	case stream.Invalid:
		subj = t.out[1]
	case stream.Dead:
		subj = t.out[2]
	default:
		return nil, fmt.Errorf("jetstream: unknown verdict %q", out.Verdict)
	}
	h := nats.Header(out.Header)
	if h == nil {
		h = nats.Header{}
	}
	h.Set(nats.MsgIdHdr, out.ID)
	f, err := t.js.PublishMsgAsync(&nats.Msg{Subject: subj, Data: out.Data, Header: h})
	if errors.Is(err, nats.ErrMaxPayload) {
		return nil, stream.ErrTooLarge
	}
	if err != nil {
		return nil, err
	}
	return receipt{f}, nil
}

type receipt struct{ f jetstream.PubAckFuture }

// Wait implements stream.Receipt. A PubAck marked duplicate is a success:
// an earlier delivery's output is already stored.
func (r receipt) Wait(ctx context.Context) error {
	select {
	case <-r.f.Ok():
		return nil
	case err := <-r.f.Err():
		var api *jetstream.APIError
		if errors.As(err, &api) {
			return fmt.Errorf("%w: %v", stream.ErrRejected, err)
		}
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// QuickAcks implements stream.QuickAcker: plain acks are quick, double
// acks (Options.ConfirmAcks) wait for the broker.
func (t *Transport) QuickAcks() bool { return !t.o.ConfirmAcks }

// Ready implements stream.Transport.
func (t *Transport) Ready() bool { return t.nc.IsConnected() }

// Lag implements stream.Transport from the consumer info.
func (t *Transport) Lag(ctx context.Context) (pending, ackPending uint64, err error) {
	ci, err := t.cons.Info(ctx)
	if err != nil {
		return 0, 0, err
	}
	return ci.NumPending, uint64(max(ci.NumAckPending, 0)), nil
}

// Close implements stream.Transport: it stops pulling, sends what is
// buffered (acknowledgements) and waits for the server to have read it,
// then closes the connection.
func (t *Transport) Close(ctx context.Context) error {
	t.Drain()
	t.closeOne.Do(func() { close(t.closed) })
	err := t.nc.FlushWithContext(ctx)
	t.nc.Close()
	if errors.Is(err, nats.ErrConnectionClosed) {
		err = nil
	}
	return err
}

// Conn returns the connection (for tests and tools).
func (t *Transport) Conn() *nats.Conn { return t.nc }

// delivery adapts a JetStream message to stream.Delivery.
type delivery struct {
	m       jetstream.Msg
	t       *Transport
	id      string
	attempt int
}

func (t *Transport) newDelivery(m jetstream.Msg) *delivery {
	d := &delivery{m: m, t: t, attempt: 1}
	if h := m.Headers(); h != nil {
		d.id = h.Get(nats.MsgIdHdr)
	}
	if md, err := m.Metadata(); err == nil {
		d.attempt = int(min(md.NumDelivered, 1<<30))
		if d.id == "" {
			d.id = md.Stream + "." + strconv.FormatUint(md.Sequence.Stream, 10)
		}
	}
	return d
}

func (d *delivery) Data() []byte          { return d.m.Data() }
func (d *delivery) Subject() string       { return d.m.Subject() }
func (d *delivery) Header() stream.Header { return stream.Header(d.m.Headers()) }
func (d *delivery) ID() string            { return d.id }
func (d *delivery) Attempt() int          { return d.attempt }

// Ack implements stream.Delivery: with Options.ConfirmAcks a double ack
// (the broker confirms it), else a plain one.
func (d *delivery) Ack(ctx context.Context) error {
	if !d.t.o.ConfirmAcks {
		return ackError(d.m.Ack())
	}
	ctx, cancel := context.WithTimeout(ctx, d.t.o.PublishTimeout)
	defer cancel()
	return ackError(d.m.DoubleAck(ctx))
}

// ackError marks the acknowledgement errors that trying again cannot
// cure.
func ackError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, jetstream.ErrMsgAlreadyAckd) || errors.Is(err, jetstream.ErrMsgNotBound) || errors.Is(err, jetstream.ErrMsgNoReply) || errors.Is(err, nats.ErrConnectionClosed) {
		return fmt.Errorf("%w: %w", stream.ErrAckFinal, err)
	}
	return err
}

func (d *delivery) Retry(delay time.Duration) error { return d.m.NakWithDelay(delay) }
func (d *delivery) Extend() error                   { return d.m.InProgress() }

// validSubject reports whether s is a NATS subject (wildcards allowed
// when filter is set).
func validSubject(s string, filter bool) bool {
	if s == "" {
		return false
	}
	toks := strings.Split(s, ".")
	for i, tok := range toks {
		if tok == "" || strings.ContainsAny(tok, " \t\r\n") {
			return false
		}
		if strings.ContainsAny(tok, "*>") {
			if !filter || len(tok) > 1 || (tok == ">" && i != len(toks)-1) {
				return false
			}
		}
	}
	return true
}

// subjectMatches reports whether the literal subject s matches filter.
func subjectMatches(filter, s string) bool {
	ft, st := strings.Split(filter, "."), strings.Split(s, ".")
	for i, f := range ft {
		if f == ">" {
			return len(st) > i
		}
		if i >= len(st) || (f != "*" && f != st[i]) {
			return false
		}
	}
	return len(ft) == len(st)
}
