//go:build linux

package loadtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// sysEpollPwait2 is epoll_pwait2(2)'s number (Linux 5.11; the same on
// every architecture, from the unified syscall table).
const sysEpollPwait2 = 441

// runLoop sends the plan's requests over the raw target's keep-alive
// connections from one event loop (epoll) on a locked OS thread with a 1 µs
// timer slack. It paces the requests itself, writes each with one send(2)
// and reads its answer with one read(2) in the common case, and hands
// nothing between goroutines: with a goroutine per connection, Go's
// scheduler and netpoller (futex wake-ups, a park and an unpark per read)
// cost the harness more CPU than the system calls themselves, and on a
// 2-core machine every microsecond of it is taken from the server measured.
//
// The semantics are the workers': at most one request in flight per
// connection; a request that finds every connection busy waits (its send
// delay); a connection the server closed while idle is replaced and the
// request retried once when nothing of an answer came; each request is
// bounded by the target's timeout (connecting by 5 s); cancelling ctx ends
// the run, and the requests released but unanswered count as "canceled".
func (l *eventLoop) runLoop(ctx context.Context) {
	runtime.LockOSThread()
	// The thread's timer slack stays changed: the goroutine exits with the
	// thread locked, which ends the thread.
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, 1000, 0)
	l.run(ctx)
}

// newEventLoop prepares the loop of a run (its epoll instance): an error
// means Run falls back to a goroutine per connection.
func newEventLoop(t *RawTarget, p *runPlan) (*eventLoop, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return &eventLoop{t: t, p: p, epfd: epfd, reqs: map[*Sample][]byte{}}, nil
}

// loopJob is one request released by the loop: request i, released at woke
// (from the start), sent at t0.
type loopJob struct {
	i    int64
	woke time.Duration
	t0   time.Time
}

// loopConn is one connection of the loop, with at most one request in
// flight.
type loopConn struct {
	idx        int
	fd         int    // -1 when closed
	gen        uint32 // bumped at every new socket: tells stale events apart
	connecting bool
	used       bool // has answered a request: a failure before any answer byte is a stale connection
	busy       bool
	retried    bool
	job        loopJob
	deadline   time.Duration // from the start
	out        []byte        // request bytes still to send
	outEvents  bool          // EPOLLOUT registered
	in         []byte        // answer bytes read so far
	head       respHead
	headLen    int    // length of the parsed head; 0 until parsed
	cpos       int    // chunked: offset in in of the next chunk-size line
	body       []byte // chunked: decoded body
}

type eventLoop struct {
	t       *RawTarget
	p       *runPlan
	ctx     context.Context
	epfd    int
	sa      syscall.Sockaddr
	family  int
	conns   []*loopConn
	idle    []*loopConn // connections with no request in flight (open or not)
	pending []loopJob   // released requests waiting for a connection (FIFO from pendHd)
	pendHd  int
	nbusy   int
	next    int64 // next request to release
	reqs    map[*Sample][]byte
	noPwait bool // epoll_pwait2 is missing: millisecond epoll_wait and nanosleep
}

func (l *eventLoop) run(ctx context.Context) {
	p := l.p
	l.ctx = ctx
	defer syscall.Close(l.epfd)
	l.conns = make([]*loopConn, p.conns)
	for i := range l.conns {
		l.conns[i] = &loopConn{idx: i, fd: -1}
	}
	defer func() {
		for _, c := range l.conns {
			l.closeConn(c)
		}
	}()
	for i := len(l.conns) - 1; i >= 0; i-- { // connection 0 first
		l.idle = append(l.idle, l.conns[i])
	}
	maxPending := 4 * p.conns
	events := make([]syscall.EpollEvent, 256)
	lastScan := time.Duration(0)
	for {
		if l.ctx.Err() != nil {
			l.cancelAll()
			return
		}
		now := time.Since(p.start)
		for l.next < p.total && p.due(l.next) <= now && len(l.pending)-l.pendHd < maxPending {
			l.pending = append(l.pending, loopJob{i: l.next, woke: now})
			l.next++
		}
		for l.pendHd < len(l.pending) && len(l.idle) > 0 {
			c := l.idle[len(l.idle)-1]
			l.idle = l.idle[:len(l.idle)-1]
			j := l.pending[l.pendHd]
			l.pendHd++
			l.send(c, j)
		}
		if l.pendHd == len(l.pending) { // reuse the queue's storage
			l.pending, l.pendHd = l.pending[:0], 0
		}
		if l.next >= p.total && l.nbusy == 0 && l.pendHd == len(l.pending) {
			return
		}
		if now-lastScan >= time.Millisecond {
			l.expire(now)
			lastScan = now
		}
		// Sleep until the next release, an answer, or at most 5 ms (to
		// notice a cancelled context and expired requests).
		wait := 5 * time.Millisecond
		if l.next < p.total && len(l.pending)-l.pendHd < maxPending {
			if d := p.due(l.next) - time.Since(p.start); d < wait {
				wait = max(d, 0)
			}
		}
		n, err := l.wait(events, wait)
		if err != nil { // EBADF, EINVAL: cannot happen with the loop's own epoll
			l.cancelAll()
			return
		}
		for _, ev := range events[:n] {
			idx, gen := int(ev.Fd), uint32(ev.Pad)
			if idx < 0 || idx >= len(l.conns) || l.conns[idx].gen != gen || l.conns[idx].fd < 0 {
				continue // an event of a socket closed earlier in this batch
			}
			l.event(l.conns[idx], ev.Events)
		}
	}
}

// wait waits for events for at most d.
func (l *eventLoop) wait(events []syscall.EpollEvent, d time.Duration) (int, error) {
	for {
		var n int
		var err error
		if !l.noPwait {
			ts := syscall.NsecToTimespec(int64(d))
			r, _, e := syscall.Syscall6(sysEpollPwait2, uintptr(l.epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)),
				uintptr(unsafe.Pointer(&ts)), 0, 0)
			n = int(r)
			if e == syscall.ENOSYS {
				l.noPwait = true
				continue
			}
			if e != 0 {
				err = e
			}
		} else {
			// Before Linux 5.11: whole milliseconds, so sleep the rest
			// precisely and then only poll.
			ms := int(d / time.Millisecond)
			if ms == 0 && d > 0 {
				preciseSleep(d)
			}
			n, err = syscall.EpollWait(l.epfd, events, ms)
		}
		if err == syscall.EINTR {
			return 0, nil
		}
		return n, err
	}
}

// request returns the serialised request of s (the same for every
// connection).
func (l *eventLoop) request(s *Sample) []byte {
	if b, ok := l.reqs[s]; ok {
		return b
	}
	b := l.t.requestBytes(s)
	l.reqs[s] = b
	return b
}

// send starts job j on connection c.
func (l *eventLoop) send(c *loopConn, j loopJob) {
	j.t0 = time.Now()
	l.p.sent.Add(1)
	c.job, c.busy, c.retried = j, true, false
	l.nbusy++
	l.start(c)
}

// start sends c's job: on its open connection, or on a new one.
func (l *eventLoop) start(c *loopConn) {
	c.out = l.request(l.p.mix.Sample(c.job.i))
	c.in, c.headLen, c.cpos, c.body = c.in[:0], 0, 0, c.body[:0]
	now := time.Since(l.p.start)
	if c.fd < 0 {
		if err := l.dial(c); err != nil {
			l.finish(c, Outcome{Err: ErrorKind(err)}, false)
			return
		}
		if c.connecting {
			c.deadline = now + dialTimeout
			return
		}
	}
	c.deadline = now + l.t.timeout
	l.write(c)
}

// dial opens a non-blocking socket for c and starts connecting it.
func (l *eventLoop) dial(c *loopConn) error {
	if l.sa == nil {
		a, err := net.ResolveTCPAddr("tcp", l.t.addr)
		if err != nil {
			return err
		}
		if ip4 := a.IP.To4(); ip4 != nil {
			sa := &syscall.SockaddrInet4{Port: a.Port}
			copy(sa.Addr[:], ip4)
			l.sa, l.family = sa, syscall.AF_INET
		} else {
			sa := &syscall.SockaddrInet6{Port: a.Port}
			copy(sa.Addr[:], a.IP.To16())
			l.sa, l.family = sa, syscall.AF_INET6
		}
	}
	fd, err := syscall.Socket(l.family, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	_ = syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
	c.gen++
	c.fd, c.used, c.outEvents = fd, false, false
	err = syscall.Connect(fd, l.sa)
	switch err {
	case nil:
		c.connecting = false
	case syscall.EINPROGRESS:
		c.connecting = true
	default:
		l.closeConn(c)
		return err
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(c.idx), Pad: int32(c.gen)}
	if c.connecting {
		ev.Events |= syscall.EPOLLOUT
		c.outEvents = true
	}
	if err := syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		l.closeConn(c)
		return err
	}
	return nil
}

// setOut registers or drops EPOLLOUT for c.
func (l *eventLoop) setOut(c *loopConn, on bool) {
	if c.outEvents == on {
		return
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(c.idx), Pad: int32(c.gen)}
	if on {
		ev.Events |= syscall.EPOLLOUT
	}
	_ = syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_MOD, c.fd, &ev)
	c.outEvents = on
}

// write sends what is left of c's request.
func (l *eventLoop) write(c *loopConn) {
	for len(c.out) > 0 {
		n, err := sendNoSignal(c.fd, c.out)
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.EAGAIN {
			l.setOut(c, true)
			return
		}
		if err != nil {
			l.fail(c, err)
			return
		}
		c.out = c.out[n:]
	}
	l.setOut(c, false)
}

// sendNoSignal is send(2) with MSG_NOSIGNAL: a connection the server
// closed gives EPIPE, not a SIGPIPE.
func sendNoSignal(fd int, b []byte) (int, error) {
	r, _, e := syscall.Syscall6(syscall.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), syscall.MSG_NOSIGNAL, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// event handles the epoll events ev of connection c.
func (l *eventLoop) event(c *loopConn, ev uint32) {
	if c.connecting {
		if ev&(syscall.EPOLLOUT|syscall.EPOLLERR|syscall.EPOLLHUP) == 0 {
			return
		}
		c.connecting = false
		if soErr, err := syscall.GetsockoptInt(c.fd, syscall.SOL_SOCKET, syscall.SO_ERROR); err != nil || soErr != 0 {
			if err == nil {
				err = syscall.Errno(soErr)
			}
			l.finish(c, Outcome{Err: ErrorKind(err)}, false)
			return
		}
		c.deadline = time.Since(l.p.start) + l.t.timeout
		l.write(c)
		return
	}
	if ev&syscall.EPOLLOUT != 0 && c.busy && len(c.out) > 0 {
		l.write(c)
		if c.fd < 0 {
			return
		}
	}
	if ev&(syscall.EPOLLIN|syscall.EPOLLRDHUP|syscall.EPOLLHUP|syscall.EPOLLERR) != 0 {
		l.read(c)
	}
}

// read reads what the server sent on c and finishes c's request when its
// answer is complete.
func (l *eventLoop) read(c *loopConn) {
	if !c.busy { // idle: the server closed it, or sent what nobody asked for
		var b [64]byte
		if n, err := syscall.Read(c.fd, b[:]); err != syscall.EAGAIN || n > 0 {
			l.closeConn(c)
		}
		return
	}
	if cap(c.in)-len(c.in) < 16<<10 {
		nb := make([]byte, len(c.in), len(c.in)+max(32<<10, cap(c.in)))
		copy(nb, c.in)
		c.in = nb
	}
	n, err := syscall.Read(c.fd, c.in[len(c.in):cap(c.in)])
	switch {
	case err == syscall.EAGAIN || err == syscall.EINTR:
		return
	case err != nil:
		l.fail(c, err)
		return
	case n == 0: // end of the connection
		if c.headLen > 0 && c.head.length < 0 && !c.head.chunked { // a body that runs to the end
			l.complete(c, c.in[c.headLen:], false)
			return
		}
		l.fail(c, errUnexpectedEOF(len(c.in)))
		return
	}
	c.in = c.in[:len(c.in)+n]
	l.parse(c)
}

// errUnexpectedEOF is the error of a connection that ended early: io.EOF
// before any byte of an answer (a stale connection), else an unexpected EOF.
func errUnexpectedEOF(got int) error {
	if got == 0 {
		return io.EOF
	}
	return io.ErrUnexpectedEOF
}

// parse finishes c's request when c.in holds its whole answer.
func (l *eventLoop) parse(c *loopConn) {
	if c.headLen == 0 {
		h, n, err := parseHead(c.in)
		if err != nil || n > maxHead || (n == 0 && len(c.in) > maxHead) {
			l.failKind(c, "bad_response")
			return
		}
		if n == 0 {
			return
		}
		c.head, c.headLen, c.cpos = h, n, n
	}
	h := &c.head
	switch {
	case h.chunked:
		done, err := c.dechunk()
		if err != nil {
			l.failKind(c, "bad_response")
			return
		}
		if done {
			l.complete(c, c.body, h.keep && c.cpos == len(c.in))
		}
	case h.length >= 0:
		if h.length > maxBody {
			l.failKind(c, "bad_response")
			return
		}
		if int64(len(c.in)-c.headLen) >= h.length {
			end := c.headLen + int(h.length)
			l.complete(c, c.in[c.headLen:end], h.keep && end == len(c.in))
		}
	default:
		if len(c.in)-c.headLen > maxBody {
			l.failKind(c, "bad_response")
		}
		// the body runs to the end of the connection: read goes on
	}
}

// dechunk decodes the complete chunks of c.in from c.cpos into c.body; done
// is true after the last chunk and its trailers.
func (c *loopConn) dechunk() (done bool, err error) {
	for {
		rest := c.in[c.cpos:]
		nl := bytes.IndexByte(rest, '\n')
		if nl < 0 {
			if len(rest) > maxHead {
				return false, errBadResponse
			}
			return false, nil
		}
		line := bytes.TrimRight(rest[:nl], "\r")
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		size, ok := parseHex(bytes.TrimSpace(line))
		if !ok || int64(len(c.body))+size > maxBody {
			return false, errBadResponse
		}
		if size == 0 { // last chunk: trailers up to a blank line
			p := nl + 1
			for {
				nl2 := bytes.IndexByte(rest[p:], '\n')
				if nl2 < 0 {
					if len(rest)-p > maxHead {
						return false, errBadResponse
					}
					return false, nil
				}
				if len(bytes.TrimRight(rest[p:p+nl2], "\r")) == 0 {
					c.cpos += p + nl2 + 1
					return true, nil
				}
				p += nl2 + 1
			}
		}
		need := nl + 1 + int(size) + 2
		if len(rest) < need {
			return false, nil
		}
		c.body = append(c.body, rest[nl+1:nl+1+int(size)]...)
		c.cpos += need
	}
}

// parseHex parses a chunk size.
func parseHex(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, ch := range b {
		switch {
		case '0' <= ch && ch <= '9':
			n = n<<4 | int64(ch-'0')
		case 'a' <= ch && ch <= 'f':
			n = n<<4 | int64(ch-'a'+10)
		case 'A' <= ch && ch <= 'F':
			n = n<<4 | int64(ch-'A'+10)
		default:
			return 0, false
		}
	}
	return n, true
}

// complete finishes c's request with the answer body; keep says whether c
// can carry the next request.
func (l *eventLoop) complete(c *loopConn, body []byte, keep bool) {
	o := Outcome{Server: c.head.server, HasServer: c.head.hasServer}
	judge(&o, c.head.status, body)
	c.used = true
	l.finish(c, o, keep)
}

// fail ends c's request with err, or retries it once on a new connection
// when c was a kept-alive connection that failed before any answer byte.
func (l *eventLoop) fail(c *loopConn, err error) {
	stale := c.used && !c.retried && len(c.in) == 0 &&
		(errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || err == io.EOF)
	if stale {
		l.closeConn(c)
		c.retried = true
		l.start(c)
		return
	}
	l.finish(c, Outcome{Err: ErrorKind(err)}, false)
}

func (l *eventLoop) failKind(c *loopConn, kind string) { l.finish(c, Outcome{Err: kind}, false) }

// finish records c's request and makes c idle; its connection is closed
// unless keep.
func (l *eventLoop) finish(c *loopConn, o Outcome, keep bool) {
	if !keep {
		l.closeConn(c)
	}
	if !c.busy {
		return
	}
	l.record(c.job, &o)
	c.busy, c.out = false, nil
	l.nbusy--
	l.idle = append(l.idle, c)
}

// record records job j's outcome, unless it was a warm-up request.
func (l *eventLoop) record(j loopJob, o *Outcome) {
	if j.t0.IsZero() { // never sent
		j.t0 = time.Now()
	}
	l.p.record(j.i, j.woke, j.t0, o)
}

// closeConn closes c's socket (which leaves the epoll set with it).
func (l *eventLoop) closeConn(c *loopConn) {
	if c.fd >= 0 {
		_ = syscall.Close(c.fd)
		c.fd, c.connecting, c.used, c.outEvents = -1, false, false, false
	}
}

// expire fails the requests past their deadline.
func (l *eventLoop) expire(now time.Duration) {
	for _, c := range l.conns {
		if c.busy && now > c.deadline {
			l.finish(c, Outcome{Err: "timeout"}, false)
		}
	}
}

// cancelAll ends the run: requests in flight or waiting count as canceled.
func (l *eventLoop) cancelAll() {
	for _, c := range l.conns {
		if c.busy {
			l.finish(c, Outcome{Err: "canceled"}, false)
		}
	}
	l.failPending("canceled")
}

// failPending fails the requests waiting for a connection with kind.
func (l *eventLoop) failPending(kind string) {
	for _, j := range l.pending[l.pendHd:] {
		l.record(j, &Outcome{Err: kind})
	}
	l.pending, l.pendHd = l.pending[:0], 0
}
