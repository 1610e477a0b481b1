//go:build !lite

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	natsgo "github.com/nats-io/nats.go"
	js "github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/formats/mx"
	"github.com/swiftval/swiftval/loadtest"
	"github.com/swiftval/swiftval/stream"
	"github.com/swiftval/swiftval/stream/jetstream"
)

// publishOptions are the flags of the publish command.
type publishOptions struct {
	natsOptions
	subject, idPrefix, sample, htmlOut, jsonOut string
	count, conns                                int
	wait                                        bool
	rate                                        float64
	duration, warmup, timeout                   time.Duration
}

func newPublishCmd(s streams) *cobra.Command {
	o := &publishOptions{}
	cmd := &cobra.Command{
		Use:   "publish [flags] FILE... | -",
		Short: "Publish messages (files, RJE batches, NDJSON) onto a JetStream stream, or drive it at a fixed rate (--rate)",
		Long: `Publishes each message (a file; each message of an RJE batch; each line of a
.ndjson file: {"message": "...", "id": "..."}) and waits for every PubAck.
With --wait, prints each message's result as "swiftval consume" publishes it.
With --rate, sends the files (or --sample) at a fixed rate and reports the
latency from each scheduled publication to its result on PREFIX.valid,
.invalid or .dead, as "swiftval bench" does for HTTP.
Every flag can also be set from the environment variable shown; flags win.`,
		Example: `  swiftval publish --wait testdata/mt/*.fin
  swiftval publish --nats nats://nats-1:4222 --subject payments.in.mt batch.rje
  swiftval publish --rate 10000 --duration 20s --sample mt103 --html report.html`,
		RunE: func(cmd *cobra.Command, args []string) error { return runPublish(s, o, args) },
	}
	o.addFlags(cmd)
	f := flagsOf(cmd)
	f.String(&o.subject, "subject", jetstream.DefaultPublishSubject, "subject to publish to; {format} becomes mt, mx or other")
	f.String(&o.o.Subject, "filter", jetstream.DefaultSubject, "subject filter of the input stream when it has to be created")
	f.String(&o.o.OutputPrefix, "output-prefix", jetstream.DefaultOutputPrefix, "--wait, --rate: where the consumers publish results")
	f.Int(&o.count, "count", 0, "publish this many messages, cycling through the inputs (0: each input once)")
	f.String(&o.idPrefix, "id-prefix", "", "give message n the de-duplication ID PREFIXn (Nats-Msg-Id)")
	f.Bool(&o.wait, "wait", "", "wait for each message's result and print it (verdict, type, codes); exit 1 unless every result arrived")
	f.fs.Float64Var(&o.rate, "rate", 0, "drive the stream at this many messages per second (open loop) and report publish-to-result latency")
	f.Duration(&o.duration, "duration", 10*time.Second, "--rate: measured duration")
	f.Duration(&o.warmup, "warmup", 2*time.Second, "--rate: warm-up, not measured")
	f.Int(&o.conns, "connections", 1024, "--rate: most messages awaiting their result at once")
	f.Duration(&o.timeout, "timeout", 10*time.Second, "--rate, --wait: how long to wait for a result")
	f.String(&o.sample, "sample", "", "--rate without files: built-in samples to send, comma separated (mt103, pacs008 ...)")
	f.File(&o.htmlOut, "html", "--rate: write the HTML report (percentile and over-time plots) to this file")
	f.File(&o.jsonOut, "json", "--rate: write the JSON report to this file")
	return cmd
}

func runPublish(s streams, po *publishOptions, files []string) error {
	o := &po.o
	stdin, stdout, stderr := s.in, s.out, s.err
	switch {
	case po.count < 0 || po.rate < 0:
		return usageErrorf("--count and --rate must not be negative")
	case po.timeout <= 0:
		return usageErrorf("--timeout must be positive")
	case len(files) == 0 && po.rate > 0 && po.sample == "":
		return usageErrorf("--rate needs files or --sample")
	case len(files) == 0 && po.rate == 0:
		return usageErrorf("name at least one file, or - for standard input")
	}
	subject, idPrefix, count, wait, timeout := po.subject, po.idPrefix, po.count, po.wait, po.timeout
	formats := []engine.Format{mt.NewFormat(), mx.Default()}
	var inputs []stream.Input
	var samples []loadtest.Sample
	var names []string
	for _, name := range files {
		raw, err := readInput(name, stdin, engine.DefaultMaxInput*4)
		if err != nil {
			return err
		}
		ins, err := stream.SplitInputs(formats, name, raw)
		if err != nil {
			return err
		}
		inputs = append(inputs, ins...)
		for i, in := range ins {
			n := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
			label := name
			if len(ins) > 1 {
				n = fmt.Sprintf("%s-%d", n, i+1)
				label = fmt.Sprintf("%s#%d", name, i+1)
			}
			names = append(names, label)
			ct := "text/plain"
			if in.Format == "mx" {
				ct = "application/xml"
			}
			samples = append(samples, loadtest.Sample{Name: n, ContentType: ct, Body: in.Data})
		}
	}
	if po.sample != "" {
		want := map[string]bool{}
		for _, n := range strings.Split(po.sample, ",") {
			want[n] = true
		}
		for _, b := range loadtest.BuiltinSamples() {
			if want[b.Name] {
				samples = append(samples, b)
				delete(want, b.Name)
			}
		}
		if len(want) > 0 {
			return usageErrorf("--sample: unknown sample(s) %v", keys(want))
		}
	}
	logger, _ := newLogger(stderr, "warn", "text")
	o.Logger = logger
	o.Name = "swiftval publish"
	// A server just started (the consume --embedded-nats of the README's
	// demo) may need a moment: try for up to five seconds.
	nc, err := jetstream.Connect(*o)
	for i := 0; errors.Is(err, natsgo.ErrNoServers) && i < 20; i++ {
		time.Sleep(250 * time.Millisecond)
		nc, err = jetstream.Connect(*o)
	}
	if err != nil {
		return err
	}
	defer nc.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	jsc, err := js.New(nc)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = jetstream.EnsureInputStream(sctx, jsc, *o)
	cancel()
	if err != nil {
		return err
	}
	if po.rate > 0 {
		return publishRate(ctx, nc, po, samples, stdout, stderr)
	}
	var results chan *natsgo.Msg
	if wait {
		if idPrefix == "" {
			idPrefix = fmt.Sprintf("publish-%d-", time.Now().UnixNano())
		}
		results = make(chan *natsgo.Msg, 1024)
		sub, err := nc.ChanSubscribe(o.OutputPrefix+".*", results)
		if err != nil {
			return err
		}
		defer sub.Unsubscribe()
		_ = sub.SetPendingLimits(-1, -1)
		if err := nc.Flush(); err != nil {
			return err
		}
	}
	start := time.Now()
	n, err := jetstream.Publish(ctx, jsc, inputs, jetstream.PublishConfig{Subject: subject, Count: count, IDPrefix: idPrefix})
	el := time.Since(start)
	fmt.Fprintf(stdout, "published %d message(s) in %.2fs (%.0f/s)\n", n, el.Seconds(), float64(n)/max(el.Seconds(), 1e-9))
	if err != nil {
		fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
		return exitStatus(exitInvalid)
	}
	if wait {
		if code := printResults(ctx, results, idPrefix, names, n, timeout, stdout, stderr); code != exitOK {
			return exitStatus(code)
		}
	}
	return nil
}

// publishRate drives the stream at a fixed rate through loadtest.Run.
func publishRate(ctx context.Context, nc *natsgo.Conn, o *publishOptions, samples []loadtest.Sample, stdout, stderr io.Writer) error {
	mix, err := loadtest.NewMix(samples, nil)
	if err != nil {
		return usageErrorf("%v", err)
	}
	tgt, err := jetstream.NewBenchTarget(nc, o.subject, o.o.OutputPrefix, o.timeout)
	if err != nil {
		return err
	}
	defer tgt.Close()
	rep, err := loadtest.Run(ctx, loadtest.Config{Target: tgt, Mix: mix, Rate: o.rate, Duration: o.duration, Warmup: o.warmup, Connections: o.conns, Drain: o.timeout, Progress: stderr})
	if err != nil {
		return usageErrorf("%v", err)
	}
	_ = rep.WriteText(stdout)
	if o.htmlOut != "" {
		if err := writeFileWith(o.htmlOut, func(w io.Writer) error { return loadtest.WriteHTML(w, rep, nil) }); err != nil {
			return err
		}
	}
	if o.jsonOut != "" {
		if err := writeFileWith(o.jsonOut, func(w io.Writer) error { return json.NewEncoder(w).Encode(rep) }); err != nil {
			return err
		}
	}
	if rep.ErrorCount > 0 {
		return exitStatus(exitInvalid)
	}
	return nil
}

func writeFileWith(name string, fn func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// printResults prints one line per result of this run's n messages, as
// they arrive: verdict, type, name, codes (and a dead letter's reason). It
// returns exitInvalid when a result did not arrive within timeout of the
// previous one.
func printResults(ctx context.Context, results <-chan *natsgo.Msg, idPrefix string, names []string, n int, timeout time.Duration, stdout, stderr io.Writer) int {
	got := map[string]bool{}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for len(got) < n {
		select {
		case m := <-results:
			id := m.Header.Get(stream.HeaderInputID)
			if !strings.HasPrefix(id, idPrefix) || got[id] {
				continue
			}
			got[id] = true
			name := id
			if k, err := strconv.Atoi(strings.TrimPrefix(id, idPrefix)); err == nil && k >= 1 && len(names) > 0 {
				name = names[(k-1)%len(names)]
			}
			line := fmt.Sprintf("%-8s %-18s %s", m.Header.Get(stream.HeaderVerdict), m.Header.Get(stream.HeaderType), name)
			if c := m.Header.Get(stream.HeaderCodes); c != "" {
				line += "  " + c
			}
			if r := m.Header.Get(stream.HeaderReason); r != "" {
				line += "  (" + r + ")"
			}
			fmt.Fprintln(stdout, line)
			timer.Reset(timeout)
		case <-timer.C:
			fmt.Fprintf(stderr, "swiftval publish: %d of %d results arrived; none for %v (is swiftval consume running?)\n", len(got), n, timeout)
			return exitInvalid
		case <-ctx.Done():
			return exitInvalid
		}
	}
	return exitOK
}
