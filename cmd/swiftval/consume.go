//go:build !lite

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/rules/custom"
	"github.com/swiftval/swiftval/server"
	"github.com/swiftval/swiftval/stream"
	"github.com/swiftval/swiftval/stream/jetstream"
)

// natsOptions are the connection flags of consume and publish.
type natsOptions struct{ o jetstream.Options }

func (n *natsOptions) addFlags(cmd *cobra.Command) {
	f := flagsOf(cmd)
	o := &n.o
	f.String(&o.URLs, "nats", jetstream.DefaultURL, "NATS server URLs, comma separated (user:password@ in a URL is never logged)")
	f.String(&o.Stream, "stream", jetstream.DefaultStream, "input stream (created as a work-queue stream capturing the subject filter when missing, unless --no-create)")
	f.File(&o.CredsFile, "creds", "NATS credentials file (JWT and NKey seed)")
	f.File(&o.NKeyFile, "nkey", "file holding an NKey seed to authenticate with")
	f.File(&o.TLSCert, "tls-cert", "TLS client certificate (PEM), with --tls-key")
	f.File(&o.TLSKey, "tls-key", "TLS client private key (PEM)")
	f.File(&o.TLSCA, "tls-ca", "CA certificates to trust for the server (PEM)")
	f.Bool(&o.TLSFirst, "tls-first", "", "TLS handshake before the server's INFO (servers configured with handshake_first)")
	f.Bool(&o.NoCreate, "no-create", "", "fail when a stream is missing instead of creating it")
	f.Bool(&o.MemoryStorage, "memory-storage", "", "streams created use memory storage instead of files")
	f.Int(&o.Replicas, "replicas", 1, "replicas of streams created (clustered JetStream)")
}

// consumeOptions are the flags of the consume command.
type consumeOptions struct {
	natsOptions
	cfg                                 stream.Config
	embDir, embListen                   string
	rulesDir, ruleSets, schemaDir       string
	tables                              tableOptions
	ext                                 externalOptions
	bicDirectory                        string
	log                                 logOptions
	memLimit, maxBytes                  int64
	workers, maxDeliver, maxAck, batch  int
	retryDelay, drain, ackWait, fetchWt time.Duration
}

func newConsumeCmd(s streams) *cobra.Command {
	o := &consumeOptions{}
	cmd := &cobra.Command{
		Use:   "consume [flags]",
		Short: "Validate a NATS JetStream stream of payments into <prefix>.valid, .invalid and .dead",
		Long: `Validates every message of a JetStream stream and publishes each to exactly one of
PREFIX.valid, PREFIX.invalid or PREFIX.dead, acknowledging the input after the
output's PubAck. Run it on several machines with the same flags to share the
stream. SIGINT or SIGTERM drains: exit 0 when everything in flight was
acknowledged within --drain-timeout, 1 when not (the rest is redelivered).
OpenTelemetry tracing is on when OTEL_EXPORTER_OTLP_ENDPOINT is set.
Every flag can also be set from the environment variable shown; flags win.
See docs/stream.md.`,
		Example: `  swiftval consume --embedded-nats ./data
  swiftval consume --nats nats://nats-1:4222,nats://nats-2:4222 --stream PAYMENTS --subject 'payments.in.>'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{cmd, fmt.Errorf("unexpected argument %q (consume takes flags only)", args[0])}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return runConsume(s, o) },
	}
	o.addFlags(cmd)
	f := flagsOf(cmd)
	n := &o.o
	f.Dir(&o.embDir, "embedded-nats", "run a JetStream server inside this process, storing in DIR (one machine, nothing installed); --nats is then ignored")
	f.String(&o.embListen, "embedded-listen", "127.0.0.1:4222", "client listen address of the --embedded-nats server")
	f.String(&n.Subject, "subject", jetstream.DefaultSubject, "subject filter of the inputs")
	f.String(&n.Durable, "durable", jetstream.DefaultDurable, "durable consumer name, shared by every instance (work-queue semantics)")
	f.String(&n.OutputPrefix, "output-prefix", jetstream.DefaultOutputPrefix, "outputs go to PREFIX.valid, PREFIX.invalid and PREFIX.dead")
	f.String(&n.ResultsStream, "results-stream", jetstream.DefaultResultsStream, "name of the stream created for the outputs when none captures them")
	f.Duration(&n.DuplicateWindow, "duplicate-window", jetstream.DefaultDuplicateWindow, "de-duplication window of streams created; must exceed the longest time every consumer may be down")
	f.Duration(&n.ResultsMaxAge, "results-max-age", 0, "outputs older than this are removed from the results stream created (0: kept until removed; at least the duplicate window)")
	f.Size(&n.ResultsMaxBytes, "results-max-bytes", 0, "the results stream created keeps at most this many bytes (such as 2GiB), the oldest outputs removed first (0: no limit)")
	f.Duration(&o.ackWait, "ack-wait", jetstream.DefaultAckWait, "an input not acknowledged this long after delivery is redelivered")
	f.Int(&o.maxAck, "max-ack-pending", jetstream.DefaultMaxAckPending, "most inputs delivered and not yet acknowledged, over all instances")
	f.Int(&o.batch, "fetch-batch", jetstream.DefaultFetchBatch, "most inputs asked for in one pull request")
	f.Duration(&o.fetchWt, "fetch-wait", jetstream.DefaultFetchWait, "how long one pull request waits for inputs (a drain waits for the open ones to end)")
	f.Duration(&n.PublishTimeout, "publish-timeout", jetstream.DefaultPublishTimeout, "how long to wait for an output's PubAck before publishing it again, and for the broker's confirmation of an acknowledgement")
	f.Bool(&n.ConfirmAcks, "confirm-acks", "", "have the broker confirm each acknowledgement and send again one it did not (a broker message more per input; without it a lost acknowledgement costs a redelivery, its output de-duplicated)")
	f.Int(&o.workers, "workers", 0, "validating goroutines (0: one per CPU)")
	f.Int(&o.maxDeliver, "max-deliver", stream.DefaultMaxDeliver, "attempts at an input that cannot be judged (a rule failed) before it goes to .dead")
	f.Duration(&o.retryDelay, "retry-delay", stream.DefaultRetryDelay, "redelivery delay after a failed attempt, doubling with each attempt")
	f.Duration(&o.drain, "drain-timeout", stream.DefaultDrainTimeout, "on SIGINT/SIGTERM, time to finish and acknowledge the inputs in flight")
	f.String(&o.cfg.OpsAddr, "ops-addr", "127.0.0.1:9464", "listen address of /metrics, /healthz and /readyz (empty: none)")
	f.Duration(&o.cfg.Options.Budget, "budget", engine.DefaultBudget, "latency budget per message; a message whose rules did not all run is retried, then dead-lettered")
	f.Size(&o.maxBytes, "max-bytes", engine.DefaultMaxInput, "size limit per message, e.g. 1MiB (larger inputs go to .invalid with code SV011)")
	f.String(&o.cfg.Options.Profile, "profile", "", "usage profile to apply, e.g. cbpr+ (default: as the message declares)")
	f.String(&o.ruleSets, "rulesets", "", "comma-separated rule sets to apply instead of all")
	f.Dir(&o.rulesDir, "rules", "directory of YAML rule sets (CEL) to load at start (see docs/rules.md)")
	f.Dir(&o.schemaDir, "schemas", "directory of extra ISO 20022 XSD files")
	o.tables.add(f)
	o.ext.add(f)
	f.File(&o.bicDirectory, bicDirectoryFlag, bicDirectoryUsage+"; reloaded on SIGHUP and when the file changes")
	f.Size(&o.memLimit, "memory-limit", 0, "soft memory limit of the process, e.g. 64MiB (0: GOMEMLIMIT, else none)")
	o.log.add(f, "log level: debug, info, warn, error")
	return cmd
}

func runConsume(s streams, o *consumeOptions) error {
	switch {
	case o.maxBytes <= 0 || o.maxBytes > 1<<30:
		return usageErrorf("--max-bytes must be between 1 byte and 1GiB")
	case o.workers < 0 || o.maxDeliver < 1 || o.maxAck < 1 || o.batch < 1:
		return usageErrorf("--workers must not be negative; --max-deliver, --max-ack-pending and --fetch-batch must be positive")
	}
	cfg := o.cfg
	n := o.o
	cfg.Workers, cfg.MaxDeliver, cfg.RetryDelay, cfg.DrainTimeout = o.workers, o.maxDeliver, o.retryDelay, o.drain
	n.AckWait, n.MaxAckPending, n.FetchBatch, n.FetchWait = o.ackWait, o.maxAck, o.batch, o.fetchWt
	logger, err := newLogger(s.err, o.log.level, o.log.format)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if o.memLimit > 0 {
		debug.SetMemoryLimit(o.memLimit)
	}
	if o.ruleSets != "" {
		cfg.Options.RuleSets = strings.Split(o.ruleSets, ",")
	}
	cfg.Logger, n.Logger = logger, logger
	n.Name = "swiftval consume"

	// As in serve: the engine build reads no ISO 20022 schema and
	// allocates under 1 MB; only a BIC directory leaves start-up garbage
	// worth a forced collection (below).
	dir, err := openBICDirectory(o.bicDirectory, logger)
	if err != nil {
		return fmt.Errorf("--%s: %w", bicDirectoryFlag, err)
	}
	eng, err := swiftval.NewWithConfig(engine.Options{Budget: cfg.Options.Budget, MaxInput: int(o.maxBytes)}, o.tables.config(o.schemaDir, dir))
	if err != nil {
		return o.tables.startError(err)
	}
	var rules *custom.Manager
	if o.rulesDir != "" {
		if rules, err = custom.NewManager(eng, custom.ManagerOptions{Dir: o.rulesDir, Logger: logger, External: o.ext.hub(logger)}); err != nil {
			printRuleErr(s.err, err)
			return exitStatus(exitUsage)
		}
	}
	// Fail closed: an unknown profile or rule set is a usage error with the
	// known values, never a consumer that checks less.
	if err := eng.CheckOptions(cfg.Options); err != nil {
		return usageErrorf("%s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	cfg.Engine = eng
	if o.bicDirectory != "" {
		debug.FreeOSMemory() // the directory's parsing garbage, returned at once
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// SIGHUP reloads the rule sets and the BIC directory, as for serve.
	var reload, reloadDir func() error
	if rules != nil {
		reload = func() error { return rules.ReloadLogged("SIGHUP") }
	}
	if dir != nil {
		reloadDir = dir.ReloadAndLog
		go func() {
			if err := dir.Watch(ctx, nil); err != nil {
				logger.Error("watching the BIC directory failed; SIGHUP still reloads it", "error", err.Error())
			}
		}()
	}
	if reload != nil || reloadDir != nil {
		go watchHUP(ctx, logger, reload, reloadDir)
	}
	if o.embDir != "" {
		url, stopServer, err := startEmbeddedNATS(o.embDir, o.embListen)
		if err != nil {
			return err
		}
		defer stopServer()
		n.URLs = url
		logger.Info("embedded JetStream server started", "url", url, "dir", o.embDir)
	}
	tp, shutdownTracing, err := server.TracerProviderFromEnv(ctx)
	if err != nil {
		return fmt.Errorf("tracing: %w", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = shutdownTracing(sctx)
	}()
	cfg.TracerProvider = tp

	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	t, err := jetstream.Open(octx, n)
	cancel()
	if err != nil {
		return err
	}
	logger.Info("consuming", "stream", n.Stream, "subject", n.Subject, "durable", n.Durable, "outputs", n.OutputPrefix+".{valid,invalid,dead}",
		"rule_sets", len(eng.RuleSets()), "tracing", tp != nil)
	err = stream.Run(ctx, cfg, t)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, stream.ErrDrainTimeout):
		logger.Error("drain timed out; unacknowledged inputs will be redelivered", "error", err.Error())
		return exitStatus(exitInvalid)
	default:
		logger.Error("consume failed", "error", err.Error())
		return exitStatus(exitUsage)
	}
}
