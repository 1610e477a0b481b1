package main

import (
	"context"
	"encoding/json"
	"flag"
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

	"github.com/swiftval/swiftval/bench"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/formats/mx"
	"github.com/swiftval/swiftval/stream"
	"github.com/swiftval/swiftval/stream/jetstream"
)

func init() {
	register("publish", command{summary: "publish messages (files, RJE batches, NDJSON) onto a JetStream stream, or drive it at a fixed rate (--rate)", run: runPublish})
}

func runPublish(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var nf natsFlags
	nf.add(fs)
	o := &nf.o
	var subject, idPrefix, builtin, htmlOut, jsonOut string
	var count, conns int
	var wait bool
	var rate float64
	var duration, warmup, timeout time.Duration
	fs.StringVar(&subject, "subject", jetstream.DefaultPublishSubject, "subject to publish to; {format} becomes mt, mx or other")
	fs.StringVar(&o.Subject, "filter", jetstream.DefaultSubject, "subject filter of the input stream when it has to be created")
	fs.StringVar(&o.OutputPrefix, "output-prefix", jetstream.DefaultOutputPrefix, "--rate: where the consumers publish results")
	fs.IntVar(&count, "count", 0, "publish this many messages, cycling through the inputs (0: each input once)")
	fs.StringVar(&idPrefix, "id-prefix", "", "give message n the de-duplication ID PREFIXn (Nats-Msg-Id)")
	fs.BoolVar(&wait, "wait", false, "wait for each message's result and print it (verdict, type, codes); exit 1 unless every result arrived within --timeout")
	fs.Float64Var(&rate, "rate", 0, "drive the stream at this many messages per second (open loop) and report publish-to-result latency")
	fs.DurationVar(&duration, "duration", 10*time.Second, "--rate: measured duration")
	fs.DurationVar(&warmup, "warmup", 2*time.Second, "--rate: warm-up, not measured")
	fs.IntVar(&conns, "connections", 1024, "--rate: most messages awaiting their result at once")
	fs.DurationVar(&timeout, "timeout", 10*time.Second, "--rate, --wait: how long to wait for a result")
	fs.StringVar(&builtin, "sample", "", "--rate without files: built-in samples to send, comma separated (mt103, pacs008 ...)")
	fs.StringVar(&htmlOut, "html", "", "--rate: write the HTML report (percentile and over-time plots) to this file")
	fs.StringVar(&jsonOut, "json", "", "--rate: write the JSON report to this file")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: swiftval publish [flags] FILE... | -\n\nPublishes each message (a file; each message of an RJE batch; each line of a .ndjson\nfile: {\"message\": \"...\", \"id\": \"...\"}) and waits for every PubAck. With --rate, sends\nthe files (or --sample) at a fixed rate and reports the latency from each scheduled\npublication to its result on PREFIX.valid/.invalid/.dead, as swiftval bench does for HTTP.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := bindEnv(fs); err != nil {
		fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
		return exitUsage
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if count < 0 || rate < 0 || (fs.NArg() == 0 && (rate == 0 || builtin == "")) {
		if fs.NArg() == 0 && rate > 0 {
			fmt.Fprintln(stderr, "swiftval publish: --rate needs files or --sample")
		} else {
			fs.Usage()
		}
		return exitUsage
	}
	formats := []engine.Format{mt.NewFormat(), mx.Default()}
	var inputs []stream.Input
	var samples []bench.Sample
	for _, name := range fs.Args() {
		raw, err := readInput(name, stdin, engine.DefaultMaxInput*4)
		if err != nil {
			fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
			return exitUsage
		}
		ins, err := stream.SplitInputs(formats, name, raw)
		if err != nil {
			fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
			return exitUsage
		}
		inputs = append(inputs, ins...)
		for i, in := range ins {
			n := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
			if len(ins) > 1 {
				n = fmt.Sprintf("%s-%d", n, i+1)
			}
			ct := "text/plain"
			if in.Format == "mx" {
				ct = "application/xml"
			}
			samples = append(samples, bench.Sample{Name: n, ContentType: ct, Body: in.Data})
		}
	}
	if builtin != "" {
		want := map[string]bool{}
		for _, n := range strings.Split(builtin, ",") {
			want[n] = true
		}
		for _, s := range bench.BuiltinSamples() {
			if want[s.Name] {
				samples = append(samples, s)
				delete(want, s.Name)
			}
		}
		if len(want) > 0 {
			fmt.Fprintf(stderr, "swiftval publish: --sample: unknown sample(s) %v\n", keys(want))
			return exitUsage
		}
	}
	logger, _ := newLogger(stderr, "warn", "text")
	o.Logger = logger
	o.Name = "swiftval publish"
	nc, err := jetstream.Connect(*o)
	if err != nil {
		fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
		return exitUsage
	}
	defer nc.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	jsc, err := js.New(nc)
	if err != nil {
		fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
		return exitUsage
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = jetstream.EnsureInputStream(sctx, jsc, *o)
	cancel()
	if err != nil {
		fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
		return exitUsage
	}
	if rate > 0 {
		return publishRate(ctx, nc, subject, o.OutputPrefix, samples, rate, duration, warmup, conns, timeout, htmlOut, jsonOut, stdout, stderr)
	}
	var names []string
	var results chan *natsgo.Msg
	if wait {
		if idPrefix == "" {
			idPrefix = fmt.Sprintf("publish-%d-", time.Now().UnixNano())
		}
		for _, name := range fs.Args() {
			raw, _ := readInput(name, stdin, engine.DefaultMaxInput*4)
			ins, _ := stream.SplitInputs(formats, name, raw)
			for i := range ins {
				if len(ins) > 1 {
					names = append(names, fmt.Sprintf("%s#%d", name, i+1))
				} else {
					names = append(names, name)
				}
			}
		}
		results = make(chan *natsgo.Msg, 1024)
		sub, err := nc.ChanSubscribe(o.OutputPrefix+".*", results)
		if err != nil {
			fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
			return exitUsage
		}
		defer sub.Unsubscribe()
		_ = sub.SetPendingLimits(-1, -1)
		if err := nc.Flush(); err != nil {
			fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
			return exitUsage
		}
	}
	start := time.Now()
	n, err := jetstream.Publish(ctx, jsc, inputs, jetstream.PublishConfig{Subject: subject, Count: count, IDPrefix: idPrefix})
	el := time.Since(start)
	fmt.Fprintf(stdout, "published %d message(s) in %.2fs (%.0f/s)\n", n, el.Seconds(), float64(n)/max(el.Seconds(), 1e-9))
	if err != nil {
		fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
		return exitInvalid
	}
	if wait {
		return printResults(ctx, results, idPrefix, names, n, timeout, stdout, stderr)
	}
	return exitOK
}

// printResults prints one line per result of this run's n messages, as
// they arrive: name, verdict, type, codes (and a dead letter's reason).
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

// publishRate drives the stream at a fixed rate through bench.Run.
func publishRate(ctx context.Context, nc *natsgo.Conn, subject, prefix string, samples []bench.Sample, rate float64, duration, warmup time.Duration, conns int, timeout time.Duration, htmlOut, jsonOut string, stdout, stderr io.Writer) int {
	mix, err := bench.NewMix(samples, nil)
	if err != nil {
		fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
		return exitUsage
	}
	tgt, err := jetstream.NewBenchTarget(nc, subject, prefix, timeout)
	if err != nil {
		fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
		return exitUsage
	}
	defer tgt.Close()
	rep, err := bench.Run(ctx, bench.Config{Target: tgt, Mix: mix, Rate: rate, Duration: duration, Warmup: warmup, Connections: conns, Drain: timeout, Progress: stderr})
	if err != nil {
		fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
		return exitUsage
	}
	_ = rep.WriteText(stdout)
	if htmlOut != "" {
		if err := writeFileWith(htmlOut, func(w io.Writer) error { return bench.WriteHTML(w, rep, nil) }); err != nil {
			fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
			return exitUsage
		}
	}
	if jsonOut != "" {
		if err := writeFileWith(jsonOut, func(w io.Writer) error { return json.NewEncoder(w).Encode(rep) }); err != nil {
			fmt.Fprintf(stderr, "swiftval publish: %v\n", err)
			return exitUsage
		}
	}
	if rep.ErrorCount > 0 {
		return exitInvalid
	}
	return exitOK
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
