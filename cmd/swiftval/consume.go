package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/rules/custom"
	"github.com/swiftval/swiftval/server"
	"github.com/swiftval/swiftval/stream"
	"github.com/swiftval/swiftval/stream/jetstream"
)

func init() {
	register("consume", command{summary: "validate a NATS JetStream stream of payments into <prefix>.valid/.invalid/.dead (see docs/stream.md)", run: runConsume})
}

// natsFlags are the connection flags of consume and publish.
type natsFlags struct {
	o jetstream.Options
}

func (n *natsFlags) add(fs *flag.FlagSet) {
	o := &n.o
	fs.StringVar(&o.URLs, "nats", jetstream.DefaultURL, "NATS server URLs, comma separated")
	fs.StringVar(&o.Stream, "stream", jetstream.DefaultStream, "input stream (created as a work-queue stream capturing --subject when missing, unless --no-create)")
	fs.StringVar(&o.CredsFile, "creds", "", "NATS credentials file (JWT and NKey seed)")
	fs.StringVar(&o.NKeyFile, "nkey", "", "file holding an NKey seed to authenticate with")
	fs.StringVar(&o.TLSCert, "tls-cert", "", "TLS client certificate (PEM), with --tls-key")
	fs.StringVar(&o.TLSKey, "tls-key", "", "TLS client private key (PEM)")
	fs.StringVar(&o.TLSCA, "tls-ca", "", "CA certificates to trust for the server (PEM)")
	fs.BoolVar(&o.TLSFirst, "tls-first", false, "TLS handshake before the server's INFO (servers configured with handshake_first)")
	fs.BoolVar(&o.NoCreate, "no-create", false, "fail when a stream is missing instead of creating it")
	fs.BoolVar(&o.MemoryStorage, "memory-storage", false, "streams created use memory storage instead of files")
	fs.IntVar(&o.Replicas, "replicas", 1, "replicas of streams created (clustered JetStream)")
}

// bindEnv sets every flag of fs from SWIFTVAL_<FLAG> when that variable
// is set (flags given on the command line win, being parsed after).
func bindEnv(fs *flag.FlagSet) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		f.Usage += " (env " + envName(f.Name) + ")"
		if v, ok := os.LookupEnv(envName(f.Name)); ok && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s: %v", envName(f.Name), err)
			}
		}
	})
	return envErr
}

// embeddedNATS, when the build has it (embedded_nats.go), starts an
// in-process JetStream server storing in dir, listening on listen, and
// returns its URL and a stop function.
var embeddedNATS func(dir, listen string) (url string, stop func(), err error)

func runConsume(args []string, _ io.Reader, _, stderr io.Writer) int {
	fs := flag.NewFlagSet("consume", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var nf natsFlags
	nf.add(fs)
	o := &nf.o
	var cfg stream.Config
	var embDir, embListen, rulesDir, ruleSets, schemaDir, logLevel, logFormat string
	var memLimit byteSize
	maxBytes := engine.DefaultMaxInput
	fs.StringVar(&embDir, "embedded-nats", "", "run a JetStream server inside this process, storing in DIR (one machine, nothing installed); --nats is then ignored")
	fs.StringVar(&embListen, "embedded-listen", "127.0.0.1:4222", "client listen address of the --embedded-nats server")
	fs.StringVar(&o.Subject, "subject", jetstream.DefaultSubject, "subject filter of the inputs")
	fs.StringVar(&o.Durable, "durable", jetstream.DefaultDurable, "durable consumer name, shared by every instance (work-queue semantics)")
	fs.StringVar(&o.OutputPrefix, "output-prefix", jetstream.DefaultOutputPrefix, "outputs go to PREFIX.valid, PREFIX.invalid and PREFIX.dead")
	fs.StringVar(&o.ResultsStream, "results-stream", jetstream.DefaultResultsStream, "name of the stream created for the outputs when none captures them")
	fs.DurationVar(&o.DuplicateWindow, "duplicate-window", jetstream.DefaultDuplicateWindow, "de-duplication window of streams created; must exceed the longest time every consumer may be down")
	fs.DurationVar(&o.AckWait, "ack-wait", jetstream.DefaultAckWait, "an input not acknowledged this long after delivery is redelivered")
	fs.IntVar(&o.MaxAckPending, "max-ack-pending", jetstream.DefaultMaxAckPending, "most inputs delivered and not yet acknowledged, over all instances")
	fs.IntVar(&o.FetchBatch, "fetch-batch", jetstream.DefaultFetchBatch, "most inputs asked for in one pull request")
	fs.DurationVar(&o.FetchWait, "fetch-wait", jetstream.DefaultFetchWait, "how long one pull request waits for inputs (a drain waits for the open ones to end)")
	fs.DurationVar(&o.PublishTimeout, "publish-timeout", jetstream.DefaultPublishTimeout, "how long to wait for an output's PubAck before handing the input back")
	fs.IntVar(&cfg.Workers, "workers", 0, "validating goroutines (0: one per CPU)")
	fs.IntVar(&cfg.MaxDeliver, "max-deliver", stream.DefaultMaxDeliver, "attempts at an input that cannot be judged (a rule failed) before it goes to .dead")
	fs.DurationVar(&cfg.RetryDelay, "retry-delay", stream.DefaultRetryDelay, "redelivery delay after a failed attempt, doubling with each attempt")
	fs.DurationVar(&cfg.DrainTimeout, "drain-timeout", stream.DefaultDrainTimeout, "on SIGINT/SIGTERM, time to finish and acknowledge the inputs in flight")
	fs.StringVar(&cfg.OpsAddr, "ops-addr", "127.0.0.1:9464", "listen address of /metrics, /healthz and /readyz (empty: none)")
	fs.DurationVar(&cfg.Options.Budget, "budget", engine.DefaultBudget, "latency budget per message; a message whose rules did not all run is retried, then dead-lettered")
	fs.IntVar(&maxBytes, "max-bytes", maxBytes, "size limit per message in bytes (larger inputs go to .invalid with code SV011)")
	fs.StringVar(&cfg.Options.Profile, "profile", "", "usage profile to apply, e.g. cbpr+ (default: as the message declares)")
	fs.StringVar(&ruleSets, "rulesets", "", "comma-separated rule sets to apply instead of all")
	fs.StringVar(&rulesDir, "rules", "", "directory of YAML rule sets (CEL) to load at start (see docs/rules.md)")
	fs.StringVar(&schemaDir, "schemas", "", "directory of extra ISO 20022 XSD files")
	fs.Var(&memLimit, "memory-limit", "soft memory limit of the process, e.g. 64MiB (0: GOMEMLIMIT, else none)")
	fs.StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&logFormat, "log-format", "json", "log format: json or text")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: swiftval consume [flags]\n\nValidates every message of a JetStream stream and publishes each to exactly one of\nPREFIX.valid, PREFIX.invalid or PREFIX.dead, acknowledging the input after the output's\nPubAck. Run it on several machines with the same flags to share the stream. SIGINT or\nSIGTERM drains: exit 0 when everything in flight was acknowledged within --drain-timeout.\nOpenTelemetry tracing is on when OTEL_EXPORTER_OTLP_ENDPOINT is set. See docs/stream.md.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := bindEnv(fs); err != nil {
		fmt.Fprintf(stderr, "swiftval consume: %v\n", err)
		return exitUsage
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "swiftval consume: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if maxBytes <= 0 || cfg.Workers < 0 || cfg.MaxDeliver < 1 || memLimit < 0 {
		fmt.Fprintln(stderr, "swiftval consume: --max-bytes and --max-deliver must be positive, --workers and --memory-limit not negative")
		return exitUsage
	}
	logger, err := newLogger(stderr, logLevel, logFormat)
	if err != nil {
		fmt.Fprintf(stderr, "swiftval consume: %v\n", err)
		return exitUsage
	}
	if memLimit > 0 {
		debug.SetMemoryLimit(int64(memLimit))
	}
	if ruleSets != "" {
		cfg.Options.RuleSets = strings.Split(ruleSets, ",")
	}
	cfg.Logger, o.Logger = logger, logger
	o.Name = "swiftval consume"

	// As serve does: a GOGC of 400 while the engine is built (its
	// start-up garbage), then one full collection returned to the OS, so
	// the footprint is the live heap (see serve.go).
	prevGC := debug.SetGCPercent(startupGCPercent)
	eng, err := swiftval.NewWithConfig(engine.Options{Budget: cfg.Options.Budget, MaxInput: maxBytes}, swiftval.Config{SchemaDir: schemaDir})
	if err != nil {
		fmt.Fprintf(stderr, "swiftval consume: --schemas: %v\n", err)
		return exitUsage
	}
	if rulesDir != "" {
		if _, err := custom.NewManager(eng, custom.ManagerOptions{Dir: rulesDir, Logger: logger}); err != nil {
			printRuleErr(stderr, err)
			return exitUsage
		}
	}
	for _, n := range cfg.Options.RuleSets {
		if eng.RuleSet(n) == nil {
			fmt.Fprintf(stderr, "swiftval consume: --rulesets: no rule set %q\n", n)
			return exitUsage
		}
	}
	cfg.Engine = eng
	debug.SetGCPercent(prevGC)
	debug.FreeOSMemory()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if embDir != "" {
		if embeddedNATS == nil {
			fmt.Fprintln(stderr, "swiftval consume: --embedded-nats: this build has no embedded NATS server (built with the noembeddednats tag)")
			return exitUsage
		}
		url, stopServer, err := embeddedNATS(embDir, embListen)
		if err != nil {
			fmt.Fprintf(stderr, "swiftval consume: %v\n", err)
			return exitUsage
		}
		defer stopServer()
		o.URLs = url
		logger.Info("embedded JetStream server started", "url", url, "dir", embDir)
	}
	tp, shutdownTracing, err := server.TracerProviderFromEnv(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "swiftval consume: tracing: %v\n", err)
		return exitUsage
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = shutdownTracing(sctx)
	}()
	cfg.TracerProvider = tp

	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	t, err := jetstream.Open(octx, *o)
	cancel()
	if err != nil {
		fmt.Fprintf(stderr, "swiftval consume: %v\n", err)
		return exitUsage
	}
	logger.Info("consuming", "stream", o.Stream, "subject", o.Subject, "durable", o.Durable, "outputs", o.OutputPrefix+".{valid,invalid,dead}",
		"rule_sets", len(eng.RuleSets()), "tracing", tp != nil)
	err = stream.Run(ctx, cfg, t)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, stream.ErrDrainTimeout):
		logger.Error("drain timed out; unacknowledged inputs will be redelivered", "error", err.Error())
		return exitInvalid
	default:
		logger.Error("consume failed", "error", err.Error())
		return exitUsage
	}
}
