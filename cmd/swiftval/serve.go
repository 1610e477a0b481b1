package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/c2h5oh/datasize"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/rules/custom"
	"github.com/swiftval/swiftval/server"
)

func init() {
	register("serve", command{summary: "run the HTTP validation service (default 127.0.0.1:8080)", run: runServe})
}

// envPrefix: every serve flag can also be set by SWIFTVAL_<FLAG>, with
// dashes as underscores (--max-body → SWIFTVAL_MAX_BODY); flags win.
const envPrefix = "SWIFTVAL_"

// startupGCPercent is the GOGC while the engine is built.
const startupGCPercent = 400

// byteSize is a flag.Value for sizes such as 1048576, 1MiB or 512KB.
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		*b = byteSize(n)
		return nil
	}
	var v datasize.ByteSize
	if err := v.UnmarshalText([]byte(strings.ReplaceAll(s, "i", ""))); err != nil {
		return fmt.Errorf("not a size: %q", s)
	}
	*b = byteSize(v)
	return nil
}

// serveFlags are the flags of the serve command besides server.Config.
type serveFlags struct {
	logLevel   string
	logFormat  string
	logFlush   time.Duration
	rulesDir   string
	watchRules bool
	schemaDir  string
	// memLimit is the soft memory limit (debug.SetMemoryLimit); 0 leaves
	// the runtime's (GOMEMLIMIT, else none).
	memLimit byteSize
}

func runServe(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cfg, sf, code, ok := parseServe(args, stderr)
	if !ok {
		return code
	}
	var logOut io.Writer = stderr
	if sf.logFlush > 0 {
		lw := newLineBuffer(stderr)
		defer lw.Flush()
		stopFlush := lw.flushEvery(sf.logFlush)
		defer stopFlush()
		logOut = lw
	}
	logger, err := newLogger(logOut, sf.logLevel, sf.logFormat)
	if err != nil {
		fmt.Fprintf(stderr, "swiftval serve: %v\n", err)
		return exitUsage
	}
	cfg.Logger = logger
	if sf.memLimit > 0 {
		debug.SetMemoryLimit(int64(sf.memLimit))
	}

	// Building the engine allocates about 8 MB, mostly garbage (schema
	// decoding, compiler scratch) around 2 MB that stays: collecting while
	// the heap is that small takes several cycles that compete with the
	// compilation for the cores. A GOGC of 400 meanwhile (a 16 MB minimum
	// heap goal, still bounded for a large --schemas directory), then one
	// full collection (FreeOSMemory below).
	prevGC := debug.SetGCPercent(startupGCPercent)
	restoreGC := sync.OnceFunc(func() { debug.SetGCPercent(prevGC) })
	defer restoreGC()
	start := time.Now()
	eng, err := swiftval.NewWithConfig(engine.Options{Budget: cfg.Budget, MaxInput: int(cfg.MaxBodyBytes)}, swiftval.Config{SchemaDir: sf.schemaDir})
	if err != nil {
		fmt.Fprintf(stderr, "swiftval serve: --schemas: %v\n", err)
		return exitUsage
	}
	if os.Getenv(debugSlowEnv) != "" {
		eng.RegisterFormat(slowFormat{})
	}
	if code := prepareEngine(eng, stderr); code != exitOK {
		return code
	}
	cfg.Engine = eng
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if sf.rulesDir != "" {
		if code := setupRules(ctx, &cfg, eng, sf.rulesDir, sf.watchRules, stderr); code != exitOK {
			return code
		}
	}
	tp, shutdownTracing, err := server.TracerProviderFromEnv(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "swiftval serve: tracing: %v\n", err)
		return exitUsage
	}
	cfg.TracerProvider = tp
	srv, err := server.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "swiftval serve: %v\n", err)
		return exitUsage
	}
	// Collect the start-up garbage and return it to the OS now, once,
	// rather than over minutes, so the idle footprint is the live heap.
	// About 2 ms.
	restoreGC()
	debug.FreeOSMemory()
	logger.Info("engine loaded", "formats", len(eng.Formats()), "rule_sets", len(eng.RuleSets()), "rules", len(eng.Rules()),
		"startup_ms", float64(time.Since(start).Microseconds())/1e3, "tracing", tp != nil)
	if reload != nil {
		go watchHUP(ctx, logger)
	}
	err = srv.Run(ctx)
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = shutdownTracing(sctx)
	if err != nil {
		logger.Error("server stopped", "error", err.Error())
		if errors.Is(err, context.DeadlineExceeded) {
			return exitInvalid
		}
		return exitUsage
	}
	return exitOK
}

// parseServe reads the serve flags over SWIFTVAL_* environment variables
// over the defaults. ok is false when the command should exit with code
// (after --help, or a usage error already printed).
func parseServe(args []string, stderr io.Writer) (cfg server.Config, sf serveFlags, code int, ok bool) {
	cfg = server.DefaultConfig()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	maxBody := byteSize(cfg.MaxBodyBytes)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address host:port (port 0 picks a free port)")
	fs.DurationVar(&cfg.Budget, "budget", engine.DefaultBudget, "latency budget per message; rules left when it runs out are skipped and the report is incomplete")
	fs.Var(&maxBody, "max-body", "largest message body (also per batch line), e.g. 1048576 or 1MiB; larger requests get 413")
	fs.IntVar(&cfg.MaxBatchMessages, "max-batch", cfg.MaxBatchMessages, "most messages in one batch request")
	fs.IntVar(&cfg.MaxConcurrent, "max-concurrent", cfg.MaxConcurrent, "most validations running at once; beyond it requests wait --queue-wait, then get 503")
	fs.IntVar(&cfg.MaxConns, "max-conns", cfg.MaxConns, "most open client connections (0: no cap); more wait to be accepted")
	fs.DurationVar(&cfg.QueueWait, "queue-wait", cfg.QueueWait, "how long a request may wait for a validation slot before 503")
	fs.DurationVar(&cfg.ReadHeaderTimeout, "read-header-timeout", cfg.ReadHeaderTimeout, "time to read request headers")
	fs.DurationVar(&cfg.ReadTimeout, "read-timeout", cfg.ReadTimeout, "time to read a whole request (per message for batches)")
	fs.DurationVar(&cfg.WriteTimeout, "write-timeout", cfg.WriteTimeout, "time to write a response (per message for batches)")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", cfg.IdleTimeout, "keep-alive connections idle this long are closed")
	fs.DurationVar(&cfg.DrainTimeout, "drain-timeout", cfg.DrainTimeout, "on SIGINT/SIGTERM, time for in-flight requests to finish")
	fs.DurationVar(&cfg.ShutdownDelay, "shutdown-delay", cfg.ShutdownDelay, "on SIGINT/SIGTERM, keep accepting this long with /readyz at 503 so load balancers stop sending traffic")
	fs.StringVar(&cfg.AdminToken, "admin-token", "", "bearer token for /debug/pprof and /v1/rulesets (at least 16 characters; prefer the environment variable); empty turns them off")
	fs.StringVar(&cfg.TLSCertFile, "tls-cert", "", "TLS certificate file (PEM); with --tls-key serves HTTPS")
	fs.StringVar(&cfg.TLSKeyFile, "tls-key", "", "TLS private key file (PEM)")
	fs.StringVar(&sf.schemaDir, "schemas", "", "directory of extra ISO 20022 XSD files (e.g. CBPR+ usage-guideline schemas from MyStandards), compiled at start; they take precedence over shipped schemas of the same namespace")
	fs.StringVar(&sf.rulesDir, "rules", "", "directory of YAML rule sets to load and manage (PUT /v1/rulesets writes there; SIGHUP reloads)")
	fs.BoolVar(&sf.watchRules, "rules-watch", false, "with --rules, also reload when a file in the directory changes")
	fs.Var(&sf.memLimit, "memory-limit", "soft memory limit of the process, e.g. 256MiB: the garbage collector works harder as the heap nears it (0: GOMEMLIMIT, else none)")
	fs.StringVar(&sf.logLevel, "log-level", "info", "log level: debug, info (one line per request), warn, error")
	fs.StringVar(&sf.logFormat, "log-format", "json", "log format: json or text")
	fs.DurationVar(&sf.logFlush, "log-flush", 100*time.Millisecond, "request log lines are written in batches at most this far apart (0: each at once); other lines at once")
	fs.VisitAll(func(f *flag.Flag) { f.Usage += " (env " + envName(f.Name) + ")" })
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: swiftval serve [flags]\n\nRuns the HTTP validation service until SIGINT or SIGTERM, then drains.\nEvery flag can also be set from the environment variable shown; flags win.\nOpenTelemetry tracing is on when OTEL_EXPORTER_OTLP_ENDPOINT is set.\nSee docs/server.md for the API.\n\nFlags:")
		fs.PrintDefaults()
	}
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := os.LookupEnv(envName(f.Name)); ok && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s: %v", envName(f.Name), err)
			}
		}
	})
	if envErr != nil {
		fmt.Fprintf(stderr, "swiftval serve: %v\n", envErr)
		return cfg, sf, exitUsage, false
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return cfg, sf, exitOK, false
		}
		return cfg, sf, exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "swiftval serve: unexpected argument %q\n", fs.Arg(0))
		return cfg, sf, exitUsage, false
	}
	if sf.memLimit < 0 {
		fmt.Fprintln(stderr, "swiftval serve: --memory-limit must not be negative")
		return cfg, sf, exitUsage, false
	}
	cfg.MaxBodyBytes = int64(maxBody)
	if cfg.MaxBodyBytes <= 0 || cfg.MaxBodyBytes > 1<<30 {
		fmt.Fprintln(stderr, "swiftval serve: --max-body must be between 1 byte and 1GiB")
		return cfg, sf, exitUsage, false
	}
	if _, err := newLogger(io.Discard, sf.logLevel, sf.logFormat); err != nil {
		fmt.Fprintf(stderr, "swiftval serve: %v\n", err)
		return cfg, sf, exitUsage, false
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "swiftval serve: %v\n", err)
		return cfg, sf, exitUsage, false
	}
	return cfg, sf, exitOK, true
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

// envName is the environment variable of a flag: SWIFTVAL_MAX_BODY.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

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

// reload, when set by setupRules, reloads the rule-set directory (SIGHUP).
var reload func() error

// setupRules loads the rule-set directory with a custom.Manager and hands
// it to the server for /v1/rulesets; SIGHUP reloads it, and with watch set
// so does any change of a file in it.
func setupRules(ctx context.Context, cfg *server.Config, eng *engine.Engine, dir string, watch bool, stderr io.Writer) int {
	m, err := custom.NewManager(eng, custom.ManagerOptions{Dir: dir, Logger: cfg.Logger})
	if err != nil {
		printRuleErr(stderr, err)
		return exitUsage
	}
	cfg.RuleSets = ruleSetAdmin{m}
	reload = m.Reload
	if watch {
		go func() {
			if err := m.Watch(ctx); err != nil {
				cfg.Logger.Error("watching the rule-set directory failed; SIGHUP still reloads", "error", err.Error())
			}
		}()
	}
	return exitOK
}

// ruleSetAdmin adapts custom.Manager to server.RuleSetAdmin.
type ruleSetAdmin struct{ m *custom.Manager }

func (a ruleSetAdmin) List() any { return a.m.List() }

func (a ruleSetAdmin) Get(name string) ([]byte, any, bool) {
	y, info, ok := a.m.Get(name)
	return y, info, ok
}

func (a ruleSetAdmin) Put(name string, yaml []byte) error {
	err := a.m.Put(name, yaml)
	var le *custom.LoadError
	if errors.As(err, &le) {
		return loadProblems{le}
	}
	return err
}

func (a ruleSetAdmin) Delete(name string) bool { return a.m.Delete(name) }

// loadProblems lists a LoadError's problems for the 422 problem document.
type loadProblems struct{ *custom.LoadError }

func (e loadProblems) Problems() []any {
	out := make([]any, len(e.LoadError.Problems))
	for i, p := range e.LoadError.Problems {
		out[i] = p
	}
	return out
}

func (e loadProblems) Unwrap() error { return e.LoadError }

// watchHUP reloads the rule sets on every SIGHUP until ctx is done.
func watchHUP(ctx context.Context, log *slog.Logger) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	defer signal.Stop(ch)
	for {
		select {
		case <-ctx.Done():
			return
		case <-ch:
			if err := reload(); err != nil {
				log.Error("rule-set reload failed; the previous rule sets stay", "error", err.Error())
			} else {
				log.Info("rule sets reloaded")
			}
		}
	}
}

// debugSlowEnv, when set, registers slowFormat: a test hook for the
// graceful-shutdown test, deliberately undocumented and off by default.
const debugSlowEnv = "SWIFTVAL_DEBUG_SLOW_FORMAT"

// slowFormat recognises inputs "SLOW <milliseconds>" and sleeps that long
// while parsing (at most 10 s), so a test can hold a request in flight.
type slowFormat struct{}

func (slowFormat) Name() string { return "slowtest" }

func (slowFormat) Detect(raw []byte) bool { return strings.HasPrefix(string(raw), "SLOW ") }

func (slowFormat) Parse(raw []byte, f *engine.Findings) *engine.Message {
	ms, _ := strconv.Atoi(strings.TrimSpace(string(raw[5:])))
	time.Sleep(min(time.Duration(ms)*time.Millisecond, 10*time.Second))
	return &engine.Message{Format: "slowtest", Type: "SLOW", Base: "SLOW", Level: engine.LevelSyntax, Raw: raw}
}

func (slowFormat) MessageTypes() []engine.TypeInfo { return nil }
