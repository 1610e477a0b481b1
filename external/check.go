package external

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/interpreter"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/sony/gobreaker/v2"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/internal/lazyre"
	"github.com/swiftval/swiftval/payment"
)

// maxAnswer bounds an answer's body (1 MiB): a screening or look-up answer
// is a few KB; a larger one is treated as garbage rather than read.
const maxAnswer = 1 << 20

// maxFindings bounds the findings one answer may add (a screening answer
// listing thousands of hits is reported as its first 100).
const maxFindings = 100

// Check is one compiled external check. It is an engine.Rule and an
// engine.Starter: the engine starts the calls of every check of a message
// before its first rule runs, so they run concurrently, and each check's
// Check waits for its own answer. A Check is immutable and safe for
// concurrent use.
type Check struct {
	info          engine.RuleInfo
	label         string // rule set label, name@version
	url           string
	endpointLabel string
	timeout       time.Duration
	failOpen      bool
	retries       int
	backoff       time.Duration
	maxBackoff    time.Duration
	minTime       time.Duration
	sem           chan struct{}
	headers       map[string]string
	authHeader    string
	authValue     string
	when          *program
	request       *program
	response      *program
	cache         *cache
	ep            *endpoint
	m             *checkMetrics
}

// Info implements engine.Rule.
func (c *Check) Info() engine.RuleInfo { return c.info }

// FailOpen reports whether the check's fallback is fail-open.
func (c *Check) FailOpen() bool { return c.failOpen }

// Endpoint returns the endpoint the check calls (scheme://host/path).
func (c *Check) Endpoint() string { return c.endpointLabel }

// BreakerState returns the state of the endpoint's breaker: closed,
// half-open or open.
func (c *Check) BreakerState() string { return c.ep.breaker.State().String() }

type outcome uint8

const (
	outPending  outcome = iota
	outOK               // answered
	outHit              // answered from the cache
	outSkipped          // when was false: no call, no finding
	outTimeout          // the call ran out of time
	outError            // the call failed or the answer was unusable
	outRejected         // the breaker or the concurrency limit refused the call
	outBudget           // not enough budget left to call
	outNoCall           // the check could not build its call (no view, mapping error)
)

// call is one check's call for one message. The goroutine that makes it
// writes the fields, then closes done; Check reads them after done.
type call struct {
	done chan struct{}
	// cancel ends the call's context; the validation's goroutine calls it
	// when it stops waiting (the caller gave up, or the budget guard
	// fired), and so does the call's goroutine when it finishes.
	cancel context.CancelFunc
	// callerGone is set before cancel when the validation's context ended:
	// the call then failed for the caller's sake, not the dependency's.
	callerGone atomic.Bool
	end        time.Time // when the call gives up, at the latest
	out        outcome
	reason     string
	status     int
	body       any
}

func (cl *call) settle(o outcome, reason string) {
	cl.out, cl.reason = o, reason
	close(cl.done)
}

// msgState is what the checks of one validation share, kept in the
// message's cache slot: the view as CEL variables and the calls started.
type msgState struct {
	view  *payment.View
	vars  interpreter.Activation
	calls map[*Check]*call
}

var stateSlot = engine.NewCacheSlot()

func stateOf(m *engine.Message) *msgState {
	if st, ok := m.Cached(stateSlot).(*msgState); ok {
		return st
	}
	st := &msgState{view: payment.Of(m), calls: map[*Check]*call{}}
	if st.view != nil {
		st.vars, _ = interpreter.NewActivation(vars(st.view))
	}
	m.SetCached(stateSlot, st)
	return st
}

// Start implements engine.Starter: it builds the request on the
// validation's goroutine (the view points into the message) and starts the
// call on a goroutine of its own that touches nothing of the message. An
// open breaker, a cached answer or a spent budget settle the call at once.
func (c *Check) Start(m *engine.Message) { c.start(m) }

func (c *Check) start(m *engine.Message) *call {
	st := stateOf(m)
	if cl := st.calls[c]; cl != nil {
		return cl
	}
	cl := &call{done: make(chan struct{})}
	st.calls[c] = cl
	if st.view == nil {
		cl.settle(outNoCall, "no payment view for "+m.Format+" "+m.Type+" messages")
		return cl
	}
	if c.when != nil {
		v, _, err := c.when.prg.Eval(st.vars)
		if err != nil {
			cl.settle(outNoCall, "when failed: "+short(err))
			return cl
		}
		if v != types.True {
			cl.settle(outSkipped, "")
			return cl
		}
	}
	rv, _, err := c.request.prg.Eval(st.vars)
	if err != nil {
		cl.settle(outNoCall, "request mapping failed: "+short(err))
		return cl
	}
	body, err := encodeRequest(rv)
	if err != nil {
		cl.settle(outNoCall, "request mapping failed: "+short(err))
		return cl
	}
	if c.cache != nil {
		if v, ok := c.cache.get(string(body)); ok {
			c.m.hit.Inc()
			cl.status, cl.body = http.StatusOK, v
			cl.settle(outHit, "")
			return cl
		}
	}
	now := time.Now()
	cl.end = c.deadline(m.Deadline, now)
	if cl.end.Sub(now) < c.minTime {
		cl.settle(outBudget, "the message's latency budget was spent before the call")
		return cl
	}
	if c.ep.breaker.State() == gobreaker.StateOpen {
		c.m.rejected.Inc()
		cl.settle(outRejected, "circuit breaker open for "+c.endpointLabel)
		return cl
	}
	// The call's context is its own, not derived from m.Ctx: the goroutine
	// may outlive the validation (the budget guard in Check), and the
	// message's context may belong to pooled request state that is reset
	// and reused after the validation returns. Check propagates the
	// caller's cancellation (cl.callerGone, cl.cancel).
	ctx, cancel := context.WithDeadline(context.Background(), cl.end)
	cl.cancel = cancel
	go c.run(ctx, cl, body)
	return cl
}

// deadline is when a call started now must have its answer: the end of
// the message's latency budget, less a reserve for the rules after the
// check (a twentieth of what is left, at most 1 ms); without a budget, the
// time every attempt and backoff could take.
func (c *Check) deadline(budget, now time.Time) time.Time {
	if budget.IsZero() {
		return now.Add(c.timeout*time.Duration(c.retries+1) + c.maxBackoff*time.Duration(c.retries))
	}
	left := budget.Sub(now)
	return budget.Add(-min(left/20, time.Millisecond))
}

// errCancelled marks an attempt stopped because the validation's caller
// went away: not the dependency's fault, so the breaker ignores it.
var errCancelled = errors.New("cancelled by the caller")

// errFailed marks an attempt the breaker counts as a failure.
var errFailed = errors.New("failed")

// run makes the call: at most 1+retries attempts through the breaker,
// within the concurrency limit, each cut to the check's timeout and to the
// call's end, with a jittered backoff between attempts taken only when the
// budget leaves time for it.
func (c *Check) run(ctx context.Context, cl *call, body []byte) {
	defer cl.cancel()
	select {
	case c.sem <- struct{}{}:
	default:
		select {
		case c.sem <- struct{}{}:
		case <-ctx.Done():
			c.m.rejected.Inc()
			cl.settle(outRejected, "concurrency limit of the check reached until the budget ran out")
			return
		}
	}
	defer func() { <-c.sem }()
	for attempt := 0; ; attempt++ {
		done, err := c.ep.breaker.Allow()
		if err != nil {
			c.m.rejected.Inc()
			reason := "circuit breaker open for " + c.endpointLabel
			if errors.Is(err, gobreaker.ErrTooManyRequests) {
				reason = "circuit breaker half-open for " + c.endpointLabel + ", its probe is in flight"
			}
			cl.settle(outRejected, reason)
			return
		}
		r := c.attempt(ctx, cl, body)
		done(r.breakerErr)
		if r.out == outOK {
			if c.cache != nil {
				c.cache.put(string(body), r.body)
			}
			cl.status, cl.body = r.status, r.body
			cl.settle(outOK, "")
			return
		}
		if !r.retry || attempt >= c.retries || cl.callerGone.Load() {
			cl.settle(r.out, r.reason)
			return
		}
		wait := c.jitter(attempt)
		if time.Until(cl.end) < wait+c.minTime {
			cl.settle(r.out, r.reason+"; no time left in the budget to retry")
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			cl.settle(r.out, r.reason)
			return
		}
	}
}

// jitter returns a random wait in [0, backoff·2^attempt], at most
// maxBackoff ("full jitter": concurrent retries spread out instead of
// hitting a recovering service at once).
func (c *Check) jitter(attempt int) time.Duration {
	d := c.backoff << attempt
	if d > c.maxBackoff || d <= 0 {
		d = c.maxBackoff
	}
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1)
}

type result struct {
	out        outcome
	reason     string
	retry      bool
	breakerErr error
	status     int
	body       any
}

// attempt makes one HTTP POST.
func (c *Check) attempt(ctx context.Context, cl *call, body []byte) result {
	dl := time.Now().Add(c.timeout)
	if dl.After(cl.end) {
		dl = cl.end
	}
	actx, cancel := context.WithDeadline(ctx, dl)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		c.m.err.Inc()
		return result{out: outError, reason: "request not built", breakerErr: nil}
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json")
	h.Set("User-Agent", "swiftval")
	for k, v := range c.headers {
		h.Set(k, v)
	}
	if c.authHeader != "" {
		h.Set(c.authHeader, c.authValue)
	}
	t0 := time.Now()
	resp, err := c.ep.client.Do(req)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
		resp.Body.Close()
	}
	c.m.duration.Observe(time.Since(t0).Seconds())
	switch {
	case err != nil && cl.callerGone.Load():
		c.m.err.Inc()
		return result{out: outError, reason: "cancelled by the caller", breakerErr: errCancelled}
	case err != nil && actx.Err() != nil:
		c.m.timeout.Inc()
		return result{out: outTimeout, reason: "no answer within " + time.Until(dl).Round(time.Microsecond).String() + "; timed out", retry: true, breakerErr: errFailed}
	case err != nil:
		c.m.err.Inc()
		return result{out: outError, reason: "call failed: " + netReason(err), retry: true, breakerErr: errFailed}
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		c.m.err.Inc()
		return result{out: outError, reason: "answered HTTP " + itoa(resp.StatusCode), retry: true, breakerErr: errFailed}
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		// The service is up and refused this request (a 4xx, a redirect):
		// not a sign of ill health, so the breaker counts a success, but
		// there is no answer and no point in retrying.
		c.m.err.Inc()
		return result{out: outError, reason: "answered HTTP " + itoa(resp.StatusCode), breakerErr: nil}
	case len(data) > maxAnswer:
		c.m.err.Inc()
		return result{out: outError, reason: "answer above 1 MiB", breakerErr: errFailed}
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		c.m.err.Inc()
		return result{out: outError, reason: "answer is not JSON", breakerErr: errFailed}
	}
	c.m.ok.Inc()
	return result{out: outOK, status: resp.StatusCode, body: v}
}

// netReason names a transport error without its URL or other detail.
func netReason(err error) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "connection refused"):
		return "connection refused"
	case strings.Contains(s, "connection reset"):
		return "connection reset"
	case strings.Contains(s, "EOF"):
		return "connection closed without an answer"
	case strings.Contains(s, "no such host"):
		return "host not found"
	case strings.Contains(s, "certificate"), strings.Contains(s, "tls:"):
		return "TLS handshake failed"
	}
	return "transport error"
}

// Check implements engine.Rule: it waits for the message's call (starting
// it when Start was not called) and turns the answer into findings through
// the response expression, or applies the fallback.
func (c *Check) Check(m *engine.Message, f *engine.Findings) {
	cl := c.start(m)
	if cl.cancel != nil {
		// The call's goroutine settles by cl.end (every wait in it is bound
		// by that deadline); the timer only guards against a transport that
		// overstays it, so that the budget holds whatever happens. A caller
		// that gives up (m.Ctx done) ends the call.
		var gone <-chan struct{}
		if m.Ctx != nil {
			gone = m.Ctx.Done()
		}
		t := time.NewTimer(time.Until(cl.end) + 5*time.Millisecond)
		select {
		case <-cl.done:
			t.Stop()
		case <-gone:
			t.Stop()
			cl.callerGone.Store(true)
			cl.cancel()
			<-cl.done // settles at once: every wait in the call watches its context
		case <-t.C:
			cl.cancel()
			c.fallback(f, "timed out: no answer by the end of the budget")
			return
		}
	} else {
		<-cl.done
	}
	switch cl.out {
	case outSkipped:
		return
	case outOK, outHit:
		if reason := c.report(m, cl, f); reason != "" {
			c.fallback(f, reason)
		}
	default:
		c.fallback(f, cl.reason)
	}
}

// fallback adds the check's "unavailable" finding: an error no severity
// override can downgrade under fail-closed, a warning under fail-open.
func (c *Check) fallback(f *engine.Findings, reason string) {
	c.m.fallback.Inc()
	if c.failOpen {
		f.Add(CodeUnavailable, engine.Warning, engine.Location{}, "external check "+c.info.ID+" unavailable ("+reason+"); fail-open: the message was not checked by it")
		return
	}
	f.SetRule(c.info.ID, c.label)
	f.Add(CodeUnavailable, engine.Error, engine.Location{}, "external check "+c.info.ID+" unavailable ("+reason+"); fail-closed: the message cannot be reported valid")
}

// report evaluates the response expression and adds its findings. It
// returns a reason when the answer could not be mapped (nothing added).
func (c *Check) report(m *engine.Message, cl *call, f *engine.Findings) string {
	st := stateOf(m)
	act, err := interpreter.NewActivation(map[string]any{"response": cl.body, "status": int64(cl.status)})
	if err != nil {
		return "response mapping failed"
	}
	out, _, err := c.response.prg.Eval(interpreter.NewHierarchicalActivation(st.vars, act))
	if err != nil {
		return "response mapping failed: " + short(err)
	}
	l, ok := out.(traits.Lister)
	if !ok || out.Type() != types.ListType {
		if out == types.NullValue {
			return ""
		}
		return "response mapping gave a " + out.Type().TypeName() + ", not a list of findings"
	}
	type item struct {
		code, msg string
		sev       engine.Severity
		loc       engine.Location
	}
	var items []item
	n := 0
	for it := l.Iterator(); it.HasNext() == types.True; {
		x := it.Next()
		n++
		if n > maxFindings {
			break
		}
		i := item{code: c.info.Code, sev: c.info.Severity}
		switch v := x.(type) {
		case types.String:
			i.msg = string(v)
		default:
			mp, ok := x.(traits.Mapper)
			if !ok || x.Type() != types.MapType {
				return "response mapping gave a list element of type " + x.Type().TypeName() + ", not a string or a map"
			}
			msg, ok := mapString(mp, "message")
			if !ok || msg == "" {
				return "response mapping gave a finding without a message"
			}
			i.msg = msg
			if s, ok := mapString(mp, "code"); ok && s != "" {
				if !codeRe.MatchString(s) {
					return "response mapping gave code " + engine.Echo(s) + ", not 2-10 upper-case letters and digits"
				}
				i.code = s
			}
			if s, ok := mapString(mp, "severity"); ok && s != "" {
				sev, ok := engine.ParseSeverity(s)
				if !ok {
					return "response mapping gave severity " + engine.Echo(s) + ", not error or warning"
				}
				i.sev = sev
			}
			if s, ok := mapString(mp, "location"); ok && s != "" {
				i.loc = locate(st.view, s)
			}
		}
		items = append(items, i)
	}
	for _, i := range items {
		f.Add(i.code, i.sev, i.loc, cleanMessage(i.msg))
	}
	if n > maxFindings {
		f.Add(c.info.Code, c.info.Severity, engine.Location{}, "external check "+c.info.ID+": more findings in the answer than the 100 reported")
	}
	return ""
}

func mapString(m traits.Mapper, key string) (string, bool) {
	v, found := m.Find(types.String(key))
	if !found {
		return "", false
	}
	s, ok := v.(types.String)
	return string(s), ok
}

var mtTagRe = lazyre.New(`^[0-9]{2}[A-Za-z]?$`)

// locate turns a location named by an answer into a Location: an absolute
// MX path ("/Document/...") or an MT field tag ("59", "57A").
func locate(v *payment.View, s string) engine.Location {
	switch {
	case strings.HasPrefix(s, "/"):
		if v.MX != nil {
			if l := v.MX.Location(s); l.Path != "" {
				return l
			}
		}
		return engine.Location{Path: s}
	case mtTagRe.MatchString(s):
		if v.MT != nil {
			if l := v.MT.Location(s); l.Field != "" {
				return l
			}
		}
		return engine.Location{Block: 4, Field: s}
	}
	return engine.Location{}
}

// maxMessage bounds a finding message taken from an answer: a sentence or
// two; answers are not trusted to be short.
const maxMessage = 300

// cleanMessage cuts a message from an answer to maxMessage bytes (on a
// character boundary) and replaces control characters and invalid UTF-8.
func cleanMessage(s string) string {
	cut := len(s) > maxMessage
	if cut {
		s = s[:maxMessage]
		for !utf8.ValidString(s) && len(s) > 0 {
			s = s[:len(s)-1]
		}
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	if cut {
		s += "…"
	}
	return s
}

// short describes an evaluation error in at most 160 bytes.
func short(err error) string {
	s := err.Error()
	if strings.Contains(s, "cost limit") {
		return "runtime cost limit exceeded"
	}
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// checkMetrics are the metric children of one check, resolved once when
// the check is built, so calls hash no label values.
type checkMetrics struct {
	ok, err, timeout, rejected, hit prometheus.Counter
	duration                        prometheus.Observer
	fallback                        prometheus.Counter
}

func (h *Hub) metricsFor(check, endpoint string, failOpen bool) *checkMetrics {
	fb := "fail-closed"
	if failOpen {
		fb = "fail-open"
	}
	return &checkMetrics{
		ok:       h.calls.WithLabelValues(check, endpoint, "ok"),
		err:      h.calls.WithLabelValues(check, endpoint, "error"),
		timeout:  h.calls.WithLabelValues(check, endpoint, "timeout"),
		rejected: h.calls.WithLabelValues(check, endpoint, "rejected"),
		hit:      h.calls.WithLabelValues(check, endpoint, "hit"),
		duration: h.duration.WithLabelValues(check, endpoint),
		fallback: h.fallbacks.WithLabelValues(check, endpoint, fb),
	}
}

var _ engine.Starter = (*Check)(nil)
