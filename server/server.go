// Package server is swiftval's HTTP service: a thin JSON API over
// engine.Engine with metrics, structured request logs, optional tracing,
// load shedding, admin endpoints and graceful shutdown.
//
// Echo (github.com/labstack/echo/v4) is used inside this package only; the
// exported API speaks net/http:
//
//	cfg := server.DefaultConfig()
//	cfg.Engine = swiftval.New(engine.Options{MaxInput: int(cfg.MaxBodyBytes)})
//	srv, err := server.New(cfg)
//	...
//	err = srv.Run(ctx) // serves until ctx is done, then drains
//
// See docs/server.md for the routes, flags, environment and metrics.
package server

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/net/netutil"

	"github.com/swiftval/swiftval/engine"
)

// Server serves the API. Create it with New; it is safe for concurrent use.
type Server struct {
	cfg      Config
	eng      *engine.Engine
	log      *slog.Logger
	echo     *echo.Echo
	handler  http.Handler
	metrics  *metrics
	ruleReg  *prometheus.Registry // per-rule series (rulemetrics.go)
	tracer   trace.Tracer         // nil when tracing is off
	slots    chan struct{}
	routeSet map[string]bool // registered route patterns (metrics labels)

	ready    atomic.Bool // engine loaded and not draining
	draining atomic.Bool
	idPrefix string
	idSeq    atomic.Uint64
	ctxPool  sync.Pool // *reqCtx

	addrMu  sync.Mutex
	addr    net.Addr
	opsAddr net.Addr
}

// New validates cfg and builds a Server. It fails only on an invalid
// configuration (including a nil Engine).
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Engine == nil {
		return nil, errors.New("server: invalid configuration: Engine is required (swiftval.New gives the shipped formats and rule packs)")
	}
	s := &Server{cfg: cfg, eng: cfg.Engine, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(NewJSONLogHandler(os.Stderr, nil))
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	s.idPrefix = hex.EncodeToString(rnd[:]) + "-"
	s.slots = make(chan struct{}, cfg.MaxConcurrent)
	known := map[string]bool{}
	for _, t := range s.eng.MessageTypes() {
		known[t.Format+"\x00"+t.Type] = true
	}
	s.metrics = newMetrics(func(format, typ string) bool { return known[format+"\x00"+typ] })
	s.ruleReg = prometheus.NewRegistry()
	s.ruleReg.MustRegister(newRuleCollector(s.eng))
	if c, ok := cfg.Dependencies.(prometheus.Collector); ok {
		if err := s.metrics.reg.Register(c); err != nil {
			return nil, fmt.Errorf("server: dependency metrics: %w", err)
		}
	}
	if cfg.TracerProvider != nil {
		s.tracer = cfg.TracerProvider.Tracer("github.com/swiftval/swiftval/server")
	}
	s.ctxPool.New = func() any { return &reqCtx{} }
	s.echo = s.routes()
	s.handler = s.echo
	if cfg.TracerProvider != nil {
		s.handler = otelhttp.NewHandler(s.echo, "http.request", otelhttp.WithTracerProvider(cfg.TracerProvider),
			otelhttp.WithPropagators(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})))
	}
	s.ready.Store(true)
	return s, nil
}

// Handler returns the server's http.Handler (with tracing when configured),
// for embedding and for tests without a network.
func (s *Server) Handler() http.Handler { return s.handler }

// Engine returns the engine the server validates with.
func (s *Server) Engine() *engine.Engine { return s.eng }

// Addr returns the address the server listens on once Run has bound it, or
// nil before.
func (s *Server) Addr() net.Addr {
	s.addrMu.Lock()
	defer s.addrMu.Unlock()
	return s.addr
}

// OpsAddr returns the address of the ops listener (Config.OpsAddr) once
// Serve has bound it, or nil.
func (s *Server) OpsAddr() net.Addr {
	s.addrMu.Lock()
	defer s.addrMu.Unlock()
	return s.opsAddr
}

// Run listens on Config.Addr and serves until ctx is done, then drains: it
// turns /readyz to 503, keeps accepting for Config.ShutdownDelay (with
// every response asking the client to close its connection), stops
// accepting connections, and waits up to Config.DrainTimeout for requests
// in flight. It returns nil after a clean drain, an error when an address
// cannot be bound, serving fails, or the drain timed out (remaining
// connections are then closed).
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on an existing listener, which it closes. It binds
// Config.OpsAddr itself when set.
//
// The listener is wrapped, outermost last: the per-address cap
// (MaxConnsPerIP), the connection cap (MaxConns), TLS when configured, and
// the framing follower that finds requests with both Content-Length and
// Transfer-Encoding (framedConn). TLS serves HTTP/1.1 only: the follower
// must read the decrypted bytes, and net/http serves HTTP/2 only on a
// *tls.Conn it is handed directly.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	addr := ln.Addr()
	if s.cfg.MaxConnsPerIP > 0 {
		refused := s.metrics.refused.WithLabelValues("per_ip")
		ln = newPerIPListener(ln, s.cfg.MaxConnsPerIP, refused.Inc)
	}
	if s.cfg.MaxConns > 0 {
		ln = netutil.LimitListener(ln, s.cfg.MaxConns)
	}
	useTLS := s.cfg.TLSCertFile != ""
	if useTLS {
		cert, err := tls.LoadX509KeyPair(s.cfg.TLSCertFile, s.cfg.TLSKeyFile)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("server: TLS: %w", err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}})
	}
	ln = headListener{ln}
	var ops *http.Server
	if s.cfg.OpsAddr != "" {
		oln, err := net.Listen("tcp", s.cfg.OpsAddr)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("server: listen (ops): %w", err)
		}
		ops = &http.Server{
			Handler:           s.opsHandler(),
			ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
			ReadTimeout:       s.cfg.ReadTimeout,
			WriteTimeout:      s.cfg.WriteTimeout,
			IdleTimeout:       s.cfg.IdleTimeout,
			MaxHeaderBytes:    8 << 10,
			ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		}
		s.addrMu.Lock()
		s.opsAddr = oln.Addr()
		s.addrMu.Unlock()
		go func() { _ = ops.Serve(oln) }()
		defer ops.Close()
		s.log.Info("ops listener", "addr", oln.Addr().String())
	}
	s.addrMu.Lock()
	s.addr = addr
	s.addrMu.Unlock()
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10, // a request needs a few headers; 64 KiB is generous
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		ConnContext:       connContext,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("listening", "addr", addr.String(), "tls", useTLS, "admin", s.cfg.AdminToken != "",
		"max_body_bytes", s.cfg.MaxBodyBytes, "max_concurrent", s.cfg.MaxConcurrent,
		"max_conns", s.cfg.MaxConns, "max_conns_per_ip", s.cfg.MaxConnsPerIP)
	select {
	case err := <-errc:
		s.ready.Store(false)
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	// From now on /readyz answers 503 and every response carries
	// "Connection: close" (middleware), so clients open a new connection
	// (to another instance) for their next request instead of sending it
	// on a keep-alive connection the drain is about to close.
	s.draining.Store(true)
	if d := s.cfg.ShutdownDelay; d > 0 {
		s.log.Info("shutting down: not ready, still accepting", "delay", d.String())
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case err := <-errc:
			t.Stop()
			return fmt.Errorf("server: %w", err)
		}
	}
	s.log.Info("draining", "timeout", s.cfg.DrainTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.DrainTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if err != nil {
		_ = hs.Close()
		s.log.Error("drain timed out; closed remaining connections", "error", err.Error())
		return fmt.Errorf("server: drain: %w", err)
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", serr)
	}
	s.log.Info("stopped")
	return nil
}

// SetDraining marks the server as draining (or not): /readyz answers 503
// while draining. Run sets it itself on shutdown; embedders that manage
// their own http.Server use it.
func (s *Server) SetDraining(on bool) { s.draining.Store(on) }

// newRequestID returns a process-unique request ID: a random per-process
// prefix and a counter (no entropy read per request).
func (s *Server) newRequestID() string {
	var b [24]byte
	buf := append(b[:0], s.idPrefix...)
	n := s.idSeq.Add(1)
	const hexd = "0123456789abcdef"
	var tmp [16]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = hexd[n&0xF]
		n >>= 4
		if n == 0 {
			break
		}
	}
	buf = append(buf, tmp[i:]...)
	return string(buf)
}

// saneRequestID accepts a caller's X-Request-ID of 1 to 128 characters from
// [A-Za-z0-9._:-]; anything else is replaced (it goes into logs).
func saneRequestID(id string) bool {
	if len(id) == 0 || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

// acquire takes a validation slot, waiting up to QueueWait; it reports
// false when the request should be shed.
func (s *Server) acquire(ctx context.Context) bool {
	select {
	case s.slots <- struct{}{}:
		return true
	default:
	}
	if s.cfg.QueueWait <= 0 {
		return false
	}
	t := time.NewTimer(s.cfg.QueueWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (s *Server) release() { <-s.slots }
