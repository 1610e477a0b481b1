//go:build !lite

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/external"
	"github.com/swiftval/swiftval/rules/custom"
	"github.com/swiftval/swiftval/server"
)

// serveOptions are the flags of the serve command: server.Config and the
// command's own.
type serveOptions struct {
	cfg        server.Config
	log        logOptions
	logFlush   time.Duration
	rulesDir   string
	watchRules bool
	schemaDir  string
	// bicDirectory is the --bic-directory file (SWIFTVAL_BIC_DIRECTORY).
	bicDirectory string
	tables       tableOptions
	ext          externalOptions
	// memLimit is the soft memory limit (debug.SetMemoryLimit); 0 leaves
	// the runtime's (GOMEMLIMIT, else none).
	memLimit int64
}

func newServeCmd(s streams) *cobra.Command {
	o := &serveOptions{cfg: server.DefaultConfig()}
	cmd := &cobra.Command{
		Use:   "serve [flags]",
		Short: "Run the HTTP validation service (default " + server.DefaultAddr + ")",
		Long: `Runs the HTTP validation service until SIGINT or SIGTERM, then drains.
Every flag can also be set from the environment variable shown; flags win.
OpenTelemetry tracing is on when OTEL_EXPORTER_OTLP_ENDPOINT is set.
See docs/server.md for the API.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{cmd, fmt.Errorf("unexpected argument %q (serve takes flags only)", args[0])}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			return runServe(s, o)
		},
	}
	o.addFlags(cmd)
	return cmd
}

func (o *serveOptions) addFlags(cmd *cobra.Command) {
	f := flagsOf(cmd)
	c := &o.cfg
	f.String(&c.Addr, "addr", c.Addr, "listen address host:port (port 0 picks a free port)")
	f.Duration(&c.Budget, "budget", engine.DefaultBudget, "latency budget per message; rules left when it runs out are skipped and the report is incomplete")
	f.Size(&c.MaxBodyBytes, "max-body", c.MaxBodyBytes, "largest message body (also per batch line), e.g. 1048576 or 1MiB; larger requests get 413")
	f.Int(&c.MaxBatchMessages, "max-batch", c.MaxBatchMessages, "most messages in one batch request")
	f.Int(&c.MaxConcurrent, "max-concurrent", c.MaxConcurrent, "most validations running at once; beyond it requests wait --queue-wait, then get 503")
	f.Int(&c.MaxConns, "max-conns", c.MaxConns, "most open client connections (0: no cap); more wait to be accepted")
	f.Int(&c.MaxConnsPerIP, "max-conns-per-ip", c.MaxConnsPerIP, "most open connections of one client IP address (0: no cap); more are closed at once")
	f.String(&c.OpsAddr, "ops-addr", "", "second listen address serving only /healthz, /readyz and /metrics (with per-rule series), outside the connection caps; keep it private")
	f.Bool(&c.PublicRuleStats, "public-rule-stats", "", "show per-rule counters to every client (GET /v1/rules, swiftval_rule_* in /metrics); off: admin token or --ops-addr only")
	f.Duration(&c.QueueWait, "queue-wait", c.QueueWait, "how long a request may wait for a validation slot before 503")
	f.Duration(&c.ReadHeaderTimeout, "read-header-timeout", c.ReadHeaderTimeout, "time to read request headers")
	f.Duration(&c.ReadTimeout, "read-timeout", c.ReadTimeout, "time to read a whole request (per message for batches)")
	f.Duration(&c.WriteTimeout, "write-timeout", c.WriteTimeout, "time to write a response (per message for batches)")
	f.Duration(&c.IdleTimeout, "idle-timeout", c.IdleTimeout, "keep-alive connections idle this long are closed")
	f.Duration(&c.DrainTimeout, "drain-timeout", c.DrainTimeout, "on SIGINT/SIGTERM, time for in-flight requests to finish")
	f.Duration(&c.ShutdownDelay, "shutdown-delay", c.ShutdownDelay, "on SIGINT/SIGTERM, keep accepting this long with /readyz at 503 so load balancers stop sending traffic")
	f.String(&c.AdminToken, "admin-token", "", "bearer token for /debug/pprof and /v1/rulesets (at least 16 characters; prefer the environment variable); empty turns them off")
	f.File(&c.TLSCertFile, "tls-cert", "TLS certificate file (PEM); with --tls-key serves HTTPS")
	f.File(&c.TLSKeyFile, "tls-key", "TLS private key file (PEM)")
	f.Dir(&o.schemaDir, "schemas", "directory of extra ISO 20022 XSD files (e.g. CBPR+ usage-guideline schemas from MyStandards), compiled at start; they take precedence over shipped schemas of the same namespace")
	o.tables.add(f)
	o.ext.add(f)
	f.Dir(&o.rulesDir, "rules", "directory of YAML rule sets to load and manage (PUT /v1/rulesets writes there; SIGHUP reloads)")
	f.Bool(&o.watchRules, "rules-watch", "", "with --rules, also reload when a file in the directory changes")
	f.File(&o.bicDirectory, bicDirectoryFlag, bicDirectoryUsage+"; reloaded on SIGHUP and when the file changes")
	f.Size(&o.memLimit, "memory-limit", 0, "soft memory limit of the process, e.g. 256MiB: the garbage collector works harder as the heap nears it (0: GOMEMLIMIT, else none)")
	o.log.add(f, "log level: debug, info (one line per request), warn, error")
	f.Duration(&o.logFlush, "log-flush", 100*time.Millisecond, "request log lines are written in batches at most this far apart (0: each at once); other lines at once")
}

// check validates the options as a whole, after flags and environment.
func (o *serveOptions) check() error {
	if o.cfg.MaxBodyBytes <= 0 || o.cfg.MaxBodyBytes > 1<<30 {
		return usageErrorf("--max-body must be between 1 byte and 1GiB")
	}
	if err := o.cfg.Validate(); err != nil {
		return usageErrorf("%v", err)
	}
	return nil
}

// runServe runs the server until SIGINT or SIGTERM and a drain.
func runServe(s streams, o *serveOptions) error {
	cfg := o.cfg
	var logOut io.Writer = s.err
	if o.logFlush > 0 {
		lw := newLineBuffer(s.err)
		defer lw.Flush()
		stopFlush := lw.flushEvery(o.logFlush)
		defer stopFlush()
		logOut = lw
	}
	logger, err := newLogger(logOut, o.log.level, o.log.format)
	if err != nil {
		return usageErrorf("%v", err)
	}
	cfg.Logger = logger
	// Listen first: a port in use is reported at once, before the engine
	// is built for nothing.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("the server did not start: %w", err)
	}
	defer ln.Close()
	if o.memLimit > 0 {
		debug.SetMemoryLimit(o.memLimit)
	}

	// Building the engine reads no ISO 20022 schema (each is loaded by the
	// first message of its namespace) and allocates under 1 MB; only a BIC
	// directory leaves start-up garbage worth a forced collection (below).
	start := time.Now()
	dir, err := openBICDirectory(o.bicDirectory, logger)
	if err != nil {
		return fmt.Errorf("--%s: %w", bicDirectoryFlag, err)
	}
	eng, err := swiftval.NewWithConfig(engine.Options{Budget: cfg.Budget, MaxInput: int(cfg.MaxBodyBytes)}, o.tables.config(o.schemaDir, dir))
	if err != nil {
		return o.tables.startError(err)
	}
	cfg.Engine = eng
	// The first SIGINT/SIGTERM drains; a second one exits at once.
	ctx, stop := server.ShutdownContext(context.Background(), logger, nil)
	defer stop()
	var reload func() error
	if o.rulesDir != "" {
		m, err := setupRules(ctx, &cfg, eng, o.rulesDir, o.watchRules, o.ext.hub(cfg.Logger))
		if err != nil {
			printRuleErr(s.err, err)
			return exitStatus(exitUsage)
		}
		reload = func() error { return m.ReloadLogged("SIGHUP") }
	}
	var reloadDir func() error
	if dir != nil {
		reloadDir = dir.ReloadAndLog
		go func() {
			if err := dir.Watch(ctx, nil); err != nil {
				logger.Error("watching the BIC directory failed; SIGHUP still reloads it", "error", err.Error())
			}
		}()
	}
	tp, shutdownTracing, err := server.TracerProviderFromEnv(ctx)
	if err != nil {
		return fmt.Errorf("tracing: %w", err)
	}
	cfg.TracerProvider = tp
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	if o.bicDirectory != "" {
		// The directory's parsing garbage, collected and returned to the
		// OS now rather than over minutes: the idle footprint is the live
		// heap.
		debug.FreeOSMemory()
	}
	logger.Info("engine loaded", "formats", len(eng.Formats()), "rule_sets", len(eng.RuleSets()), "rules", len(eng.Rules()),
		"startup_ms", float64(time.Since(start).Microseconds())/1e3, "tracing", tp != nil)
	if reload != nil || reloadDir != nil {
		go watchHUP(ctx, logger, reload, reloadDir)
	}
	err = srv.Serve(ctx, ln)
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = shutdownTracing(sctx)
	if err != nil {
		logger.Error("server stopped", "error", err.Error())
		if errors.Is(err, context.DeadlineExceeded) {
			return exitStatus(exitInvalid)
		}
		return exitStatus(exitUsage)
	}
	return nil
}

// lineBuffer batches the request log lines into one write per flush, so
// logging costs no system call per request and a slow log pipe does not
// hold every request on the logger's lock. Any other line (start, errors,
// shutdown) flushes the batch and goes out at once, in order. Lines are
// never split; nothing is dropped.
type lineBuffer struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

// lineBufferMax flushes early beyond 64 KiB: a few hundred request lines.
const lineBufferMax = 64 << 10

func newLineBuffer(w io.Writer) *lineBuffer { return &lineBuffer{w: w} }

var requestLine = [][]byte{[]byte(`"msg":"request"`), []byte(" msg=request ")}

// Write implements io.Writer; p is one log line.
func (b *lineBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) >= lineBufferMax || !(bytes.Contains(p, requestLine[0]) || bytes.Contains(p, requestLine[1])) {
		if err := b.flushLocked(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes the batched lines.
func (b *lineBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *lineBuffer) flushLocked() error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	return err
}

// flushEvery flushes every d until the returned stop is called.
func (b *lineBuffer) flushEvery(d time.Duration) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				_ = b.Flush()
			case <-done:
				return
			}
		}
	}()
	return func() { close(done) }
}

// logOptions are the --log-level and --log-format flags of the commands
// that run until stopped (serve, consume).
type logOptions struct{ level, format string }

// add declares the two flags; levelUsage is the command's help of
// --log-level.
func (l *logOptions) add(f flagSet, levelUsage string) {
	f.Choice(&l.level, "log-level", "info", []string{"debug", "info", "warn", "error"}, levelUsage)
	f.Choice(&l.format, "log-format", "json", []string{"json", "text"}, "log format: json or text")
}

// newLogger is the slog logger of a level and a format as the log flags
// name them.
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level must be debug, info, warn or error, not %q", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "json":
		// The same lines as slog.NewJSONHandler, at half the cost for the
		// request line (server.NewJSONLogHandler).
		return slog.New(server.NewJSONLogHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be json or text, not %q", format)
}

// setupRules loads the rule-set directory with a custom.Manager and hands
// it to the server for /v1/rulesets; with watch set, any change of a file
// in it reloads it (SIGHUP always does: see watchHUP).
func setupRules(ctx context.Context, cfg *server.Config, eng *engine.Engine, dir string, watch bool, h *external.Hub) (*custom.Manager, error) {
	m, err := custom.NewManager(eng, custom.ManagerOptions{Dir: dir, Logger: cfg.Logger, External: h})
	if err != nil {
		return nil, err
	}
	cfg.RuleSets = ruleSetAdmin{m}
	cfg.Dependencies = h
	if watch {
		go func() {
			if err := m.Watch(ctx); err != nil {
				cfg.Logger.Error("watching the rule-set directory failed; SIGHUP still reloads", "error", err.Error())
			}
		}()
	}
	return m, nil
}

// ruleSetAdmin adapts custom.Manager to server.RuleSetAdmin, translating
// its types into the HTTP API's.
type ruleSetAdmin struct{ m *custom.Manager }

func (a ruleSetAdmin) List() []server.RuleSetInfo {
	sets := a.m.List()
	out := make([]server.RuleSetInfo, len(sets))
	for i := range sets {
		out[i] = apiInfo(sets[i])
	}
	return out
}

func (a ruleSetAdmin) Get(name string) ([]byte, server.RuleSetInfo, bool) {
	y, info, ok := a.m.Get(name)
	return y, apiInfo(info), ok
}

func (a ruleSetAdmin) Put(name string, yaml []byte) error {
	err := a.m.Put(name, yaml)
	var le *custom.LoadError
	if errors.As(err, &le) {
		return loadProblems{le}
	}
	return err
}

func (a ruleSetAdmin) Delete(name string) (bool, error) {
	found, err := a.m.Delete(name)
	var le *custom.LoadError
	if errors.As(err, &le) {
		return found, loadProblems{le}
	}
	return found, err
}

func apiInfo(i custom.RuleSetInfo) server.RuleSetInfo {
	return server.RuleSetInfo{
		Name: i.Name, Version: i.Version, Description: i.Description, Source: i.Source, File: i.File,
		Rules: i.Rules, ExternalChecks: i.ExternalChecks, Disable: i.Disable, SeverityOverrides: i.SeverityOverrides, Tests: i.Tests,
		SHA256: i.SHA256, Loaded: i.Loaded,
	}
}

// loadProblems lists a LoadError's problems for the 422 problem document.
type loadProblems struct{ *custom.LoadError }

func (e loadProblems) Problems() []server.RuleSetProblem {
	out := make([]server.RuleSetProblem, len(e.LoadError.Problems))
	for i, p := range e.LoadError.Problems {
		out[i] = server.RuleSetProblem{File: p.File, Line: p.Line, Column: p.Column, RuleID: p.RuleID, Message: p.Message}
	}
	return out
}

func (e loadProblems) Unwrap() error { return e.LoadError }

// watchHUP reloads the BIC directory (reloadDir, which logs its own
// outcome) and the rule sets (reload) on every SIGHUP until ctx is done;
// either may be nil.
func watchHUP(ctx context.Context, log *slog.Logger, reload, reloadDir func() error) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	defer signal.Stop(ch)
	for {
		select {
		case <-ctx.Done():
			return
		case <-ch:
			if reloadDir != nil {
				_ = reloadDir()
			}
			if reload != nil {
				_ = reload() // logged by the manager, without problem texts
			}
		}
	}
}
