package loadtest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/swiftval/swiftval/engine"
)

// Exit codes of Main, the same as every swiftval command's.
const (
	// ExitOK: the run completed and every gate was met.
	ExitOK = 0
	// ExitGate: a gate was missed (or a ramp found no passing rate).
	ExitGate = 1
	// ExitUsage: a usage or setup error; nothing was measured.
	ExitUsage = 2
)

// benchConfig holds the flags of the bench command.
type benchConfig struct {
	url, corpus, mix, html, spawnArgs string
	client                            string
	inproc, noop, spawn, jsonOut      bool
	quiet, allowRemote, overhead      bool
	ramp, goroutines                  bool
	noopSpawn, serveNoop              bool
	addr                              string
	rate                              float64
	duration, warmup, timeout         time.Duration
	connections, pid, rampRetries     int
	rampRepeat                        int
	p99, p999, serverP99              time.Duration
	maxErrors                         float64
	rampStart, rampStep, rampMax      float64
	rampFactor, rampMinThroughput     float64
}

// Main runs the bench command with args (without the command name),
// writing the report to stdout and usage, errors and progress to stderr.
// newEngine builds the engine of --inproc runs. It returns ExitOK, ExitGate
// when a gate (--p99, --p999, or a ramp where no rate passed) is missed, or
// ExitUsage on a usage or setup error.
func Main(args []string, stdout, stderr io.Writer, newEngine func() *engine.Engine) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cmd := NewCommand(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, Usage+"\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return ExitOK
		}
		return ExitUsage
	}
	return cmd.Run(fs.Args(), stdout, stderr, newEngine)
}

// Usage describes the bench command (its flags are listed after it).
const Usage = `Usage: swiftval bench (--url URL | --inproc | --spawn | --noop-server | --noop-spawn) [flags]

Sends messages at a constant arrival rate (open loop: latency is measured from
each request's scheduled time, so queueing is counted) and reports P50, P90,
P99, P99.9 and max from an HDR histogram, the achieved throughput, errors by
kind and the server's own validation time (Server-Timing).
Exit status: 0 ok, 1 gate (--p99/--p999) missed, 2 usage or setup error.

`

// Command is the bench command line: the flags NewCommand registers and
// what Run does with them. swiftval's CLI registers them on its own flag
// set (cobra, through pflag's Go flag adapter), so they get completion, man
// pages and SWIFTVAL_ variables like every other command's.
type Command struct{ c benchConfig }

// NewCommand registers the harness's flags on fs and returns the command
// they fill.
func NewCommand(fs *flag.FlagSet) *Command {
	cmd := &Command{}
	c := &cmd.c
	fs.StringVar(&c.url, "url", "", "base URL of a running server (requests go to <url>"+ValidatePath+"); loopback only unless --allow-remote")
	fs.BoolVar(&c.inproc, "inproc", false, "load the engine in this process instead of a server (no HTTP)")
	fs.BoolVar(&c.spawn, "spawn", false, "start 'swiftval serve' on a free loopback port, load it, and report its memory, CPU, goroutines and GC")
	fs.StringVar(&c.spawnArgs, "spawn-args", "--log-level warn", "arguments for the spawned 'serve' (space-separated; the default keeps per-request logs off the harness's stderr)")
	fs.IntVar(&c.pid, "pid", 0, "with --url: the server's process ID on this machine, to report its memory, CPU and (from <url>/metrics) goroutines and GC like --spawn")
	fs.BoolVar(&c.noop, "noop-server", false, "load an in-process no-op HTTP endpoint: measures the harness's own overhead")
	fs.BoolVar(&c.noopSpawn, "noop-spawn", false, "like --noop-server, but the no-op endpoint runs in its own process, as a spawned server does: the harness's overhead measured the way the real runs are, with that process's CPU and memory")
	fs.BoolVar(&c.serveNoop, "serve-noop", false, "serve the no-op endpoint on --addr until interrupted (what --noop-spawn starts)")
	fs.StringVar(&c.addr, "addr", "", "with --serve-noop: the address to listen on")
	fs.BoolVar(&c.overhead, "overhead", false, "first run the same load against a no-op endpoint (in its own process when the target is: --spawn, --url, --noop-spawn) and report the harness overhead beside the figures")
	fs.Float64Var(&c.rate, "rate", 1000, "requests per second (constant arrival rate)")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "measured duration (per step with --ramp)")
	fs.DurationVar(&c.warmup, "warmup", 2*time.Second, "warm-up before measuring (per step with --ramp)")
	fs.IntVar(&c.connections, "connections", 32, "connections (requests in flight at most)")
	fs.StringVar(&c.client, "client", "raw", "HTTP client: raw (a minimal HTTP/1.1 client, a fraction of net/http's CPU; http:// only) or std (net/http)")
	fs.BoolVar(&c.goroutines, "goroutines", false, "raw client: one goroutine per connection instead of one event loop for all (Linux); costs the harness more CPU a request")
	fs.DurationVar(&c.timeout, "timeout", 5*time.Second, "bound on each request: the raw client gives up when the whole answer has not come by then, the std client when its header has not")
	fs.StringVar(&c.corpus, "corpus", "", "directory of messages to send (default: the built-in mix "+strings.Join(sampleNames(), ", ")+")")
	fs.StringVar(&c.mix, "mix", "", "sample weights, e.g. mt103=5,pacs008=2 (default: equal weights)")
	fs.BoolVar(&c.jsonOut, "json", false, "write the report as JSON on stdout")
	fs.StringVar(&c.html, "html", "", "also write a self-contained HTML report with plots to `FILE`")
	fs.DurationVar(&c.p99, "p99", 0, "gate: exit 1 when P99 latency is above this (e.g. 5ms); with --ramp, the target")
	fs.DurationVar(&c.p999, "p999", 0, "gate: exit 1 when P99.9 latency is above this")
	fs.DurationVar(&c.serverP99, "server-p99", 0, "gate: exit 1 when the server's own P99 (Server-Timing) is above this")
	fs.Float64Var(&c.maxErrors, "max-errors", 0.001, "gate: largest accepted share of failed requests")
	fs.BoolVar(&c.ramp, "ramp", false, "step the rate up to find the highest that keeps P99 under --p99 (default 5ms)")
	fs.Float64Var(&c.rampStart, "ramp-start", 1000, "ramp: first rate")
	fs.Float64Var(&c.rampStep, "ramp-step", 1000, "ramp: rate added at each step")
	fs.Float64Var(&c.rampFactor, "ramp-factor", 0, "ramp: multiply the rate by this at each step instead (when above 1)")
	fs.Float64Var(&c.rampMax, "ramp-max", 100000, "ramp: highest rate tried")
	fs.Float64Var(&c.rampMinThroughput, "ramp-min-throughput", 0.95, "ramp: share of the rate a step must achieve to pass")
	fs.IntVar(&c.rampRepeat, "ramp-repeat", 1, "ramp: run the whole ramp this many times and report the lowest, median and highest answer (a noisy host moves one ramp's answer by a step or two)")
	fs.IntVar(&c.rampRetries, "ramp-retries", 1, "ramp: times a failing step is run again before it counts as the knee")
	fs.BoolVar(&c.quiet, "quiet", false, "no progress line on stderr")
	fs.BoolVar(&c.allowRemote, "allow-remote", false, "allow a --url that is not a loopback address")
	return cmd
}

// Run runs the command with its flags parsed and args the rest of the
// command line (none is accepted). It returns as Main does.
func (cmd *Command) Run(args []string, stdout, stderr io.Writer, newEngine func() *engine.Engine) int {
	// Spawned servers (--spawn, --noop-spawn, --overhead) copy their output
	// to stderr from goroutines of their own, beside this one's writes.
	stderr = &lockedWriter{w: stderr}
	c := cmd.c
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "swiftval bench: "+format+"\n", a...)
		return ExitUsage
	}
	if len(args) > 0 {
		return fail("unexpected argument %q", args[0])
	}
	if c.serveNoop {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := serveNoop(ctx, c.addr); err != nil {
			return fail("serve-noop: %v", err)
		}
		return ExitOK
	}
	modes := 0
	for _, on := range []bool{c.url != "", c.inproc, c.spawn, c.noop, c.noopSpawn} {
		if on {
			modes++
		}
	}
	if modes != 1 {
		return fail("give exactly one of --url, --inproc, --spawn, --noop-server, --noop-spawn")
	}
	if c.url != "" && !c.allowRemote && !IsLoopback(c.url) {
		return fail("%s is not a loopback address (add --allow-remote to load it anyway)", c.url)
	}
	if c.client != "raw" && c.client != "std" {
		return fail("--client must be raw or std, not %q", c.client)
	}
	if c.pid != 0 && (c.url == "" || c.pid < 0) {
		return fail("--pid goes with --url and must be positive")
	}
	if c.maxErrors < 0 || c.maxErrors > 1 {
		return fail("--max-errors must be from 0 to 1")
	}

	samples := BuiltinSamples()
	if c.corpus != "" {
		var err error
		if samples, err = LoadCorpus(c.corpus); err != nil {
			return fail("%v", err)
		}
	}
	weights, err := ParseMix(c.mix)
	if err != nil {
		return fail("%v", err)
	}
	mix, err := NewMix(samples, weights)
	if err != nil {
		return fail("%v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var progress io.Writer = stderr
	if c.quiet {
		progress = nil
	}
	base := Config{Mix: mix, Rate: c.rate, Duration: c.duration, Warmup: c.warmup,
		Connections: c.connections, Progress: progress, Goroutines: c.goroutines}
	if !c.ramp { // check the load before starting anything (a ramp checks its own)
		pre := base
		pre.Target = &InprocTarget{}
		if err := pre.check(); err != nil {
			return fail("%v", err)
		}
	}

	var proc *Proc
	switch {
	case c.inproc:
		base.Target = NewInprocTarget(newEngine(), engine.ValidateOptions{})
	case c.noop:
		url, closeFn, err := startNoop()
		if err != nil {
			return fail("%v", err)
		}
		defer closeFn()
		if base.Target, err = newTarget(c.client, url, c.connections, c.timeout); err != nil {
			return fail("%v", err)
		}
	case c.spawn, c.noopSpawn:
		exe, err := os.Executable()
		if err != nil {
			return fail("spawn: %v", err)
		}
		args := append([]string{"serve"}, strings.Fields(c.spawnArgs)...)
		if c.noopSpawn {
			args = []string{"bench", "--serve-noop"}
		}
		srv, err := SpawnServer(exe, args, 15*time.Second, stderr)
		if err != nil {
			return fail("%v", err)
		}
		defer srv.Stop()
		proc = srv.Proc
		if base.Target, err = newTarget(c.client, srv.URL, c.connections, c.timeout); err != nil {
			return fail("%v", err)
		}
	default:
		if base.Target, err = newTarget(c.client, c.url, c.connections, c.timeout); err != nil {
			return fail("%v", err)
		}
		if c.pid > 0 {
			if _, _, err := memory(c.pid); err != nil {
				return fail("--pid %d: %v", c.pid, err)
			}
			proc = &Proc{PID: c.pid, MetricsURL: strings.TrimSuffix(baseURL(c.url), "/") + "/metrics"}
		}
	}
	defer base.Target.Close()

	var overhead *Summary
	if c.overhead {
		// Out of process when the measured server is (--spawn, --url,
		// --noop-spawn): the floor then has the same topology.
		apart := c.spawn || c.noopSpawn || c.url != ""
		if overhead, err = measureOverhead(ctx, base, c.client, c.timeout, apart, stderr); err != nil {
			return fail("overhead: %v", err)
		}
	}

	if c.ramp {
		target := c.p99
		if target <= 0 {
			target = 5 * time.Millisecond
		}
		rc := RampConfig{Run: base, Start: c.rampStart, Step: c.rampStep, Factor: c.rampFactor,
			Max: c.rampMax, P99: target, MaxErrorRate: c.maxErrors, MinThroughput: c.rampMinThroughput, Retries: c.rampRetries}
		if proc != nil {
			rc.Run.MeasureStart = proc.Begin
			rc.After = func(r *Report) { r.Process = proc.Stats(r.Completed) }
		}
		if c.rampRepeat < 1 || c.rampRepeat > 100 {
			return fail("--ramp-repeat must be from 1 to 100")
		}
		var results []*RampResult
		for range c.rampRepeat {
			res, err := Ramp(ctx, rc)
			if err != nil {
				return fail("%v", err)
			}
			if res.BestReport != nil {
				res.BestReport.Overhead = overhead
			}
			results = append(results, res)
			if ctx.Err() != nil {
				break
			}
		}
		sum := summarizeRamps(results)
		res := sum.Median
		switch {
		case c.jsonOut && len(results) > 1:
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			_ = enc.Encode(sum)
		case c.jsonOut:
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			_ = enc.Encode(res)
		case len(results) > 1:
			for i, r := range results {
				fmt.Fprintf(stdout, "ramp %d of %d:\n", i+1, len(results))
				_ = r.WriteText(stdout)
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "highest rate with P99 under %s over %d ramps: lowest %.0f, median %.0f, highest %.0f req/s\n",
				Millis(rc.P99), len(results), sum.Lowest, sum.Median.Best, sum.Highest)
		default:
			_ = res.WriteText(stdout)
			if res.BestReport != nil {
				fmt.Fprintf(stdout, "\nbest step:\n")
				_ = res.BestReport.WriteText(stdout)
			}
		}
		if c.html != "" {
			if err := writeHTMLFile(c.html, nil, res); err != nil {
				return fail("%v", err)
			}
		}
		if sum.Lowest == 0 {
			return ExitGate
		}
		return ExitOK
	}

	if proc != nil {
		base.MeasureStart = proc.Begin
	}
	rep, err := Run(ctx, base)
	if err != nil {
		return fail("%v", err)
	}
	if proc != nil {
		rep.Process = proc.Stats(rep.Completed)
	}
	rep.Overhead = overhead
	if c.p99 > 0 || c.p999 > 0 || c.serverP99 > 0 {
		Gate{P99: Millis(c.p99), P999: Millis(c.p999), ServerP99: Millis(c.serverP99), MaxErrorRate: c.maxErrors}.Check(rep)
	}
	if c.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		_ = rep.WriteText(stdout)
	}
	if c.html != "" {
		if err := writeHTMLFile(c.html, rep, nil); err != nil {
			return fail("%v", err)
		}
	}
	if rep.Gate != nil && !rep.Gate.Pass {
		return ExitGate
	}
	return ExitOK
}

func sampleNames() []string {
	var out []string
	for _, s := range BuiltinSamples() {
		out = append(out, s.Name)
	}
	return out
}

// startNoop serves NoopHandler on a free loopback port.
func startNoop() (url string, closeFn func(), err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := noopServer()
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), func() { _ = srv.Close() }, nil
}

// RampSummary is the outcome of repeated ramps (--ramp-repeat).
type RampSummary struct {
	// Ramps are the ramps in the order they ran.
	Ramps []*RampResult `json:"ramps"`
	// Lowest and Highest are the lowest and highest of the ramps' best
	// rates.
	Lowest  float64 `json:"best_rate_lowest"`
	Highest float64 `json:"best_rate_highest"`
	// Median is the ramp with the median best rate (the lower middle one
	// of an even number).
	Median *RampResult `json:"-"`
	// MedianBest is Median's best rate.
	MedianBest float64 `json:"best_rate_median"`
}

// summarizeRamps returns the lowest, median and highest best rates of rs
// (at least one).
func summarizeRamps(rs []*RampResult) RampSummary {
	sorted := slices.Clone(rs)
	slices.SortStableFunc(sorted, func(a, b *RampResult) int { return cmp.Compare(a.Best, b.Best) })
	med := sorted[(len(sorted)-1)/2]
	return RampSummary{Ramps: rs, Lowest: sorted[0].Best, Highest: sorted[len(sorted)-1].Best, Median: med, MedianBest: med.Best}
}

// lockedWriter serialises the writes of several goroutines to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// noopServer returns the server of the no-op endpoint (--noop-server,
// --serve-noop).
func noopServer() *http.Server {
	return &http.Server{Handler: NoopHandler(), ReadHeaderTimeout: 5 * time.Second}
}

// serveNoop serves NoopHandler on addr until ctx ends.
func serveNoop(ctx context.Context, addr string) error {
	if addr == "" {
		return errors.New("no --addr")
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := noopServer()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(l); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// measureOverhead runs base's load against a no-op endpoint: in its own
// process (this binary's "bench --serve-noop") when apart, else in this one.
func measureOverhead(ctx context.Context, base Config, client string, timeout time.Duration, apart bool, log io.Writer) (*Summary, error) {
	var url string
	if apart {
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		srv, err := SpawnServer(exe, []string{"bench", "--serve-noop"}, 15*time.Second, log)
		if err != nil {
			return nil, err
		}
		defer srv.Stop()
		url = srv.URL
	} else {
		u, closeFn, err := startNoop()
		if err != nil {
			return nil, err
		}
		defer closeFn()
		url = u
	}
	t, err := newTarget(client, url, base.Connections, timeout)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	cfg := base
	cfg.Target = t
	cfg.Label = "[no-op] "
	rep, err := Run(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if rep.OK == 0 {
		return nil, errors.New("no request to the no-op endpoint succeeded")
	}
	return &rep.Latency, nil
}

func writeHTMLFile(name string, rep *Report, ramp *RampResult) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := WriteHTML(f, rep, ramp); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// baseURL is rawURL without its path, query and fragment.
func baseURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	return u.Scheme + "://" + u.Host
}

// newTarget returns the HTTP target of the client named by --client.
func newTarget(client, url string, connections int, timeout time.Duration) (Target, error) {
	if client == "raw" {
		return NewRawTarget(url, timeout)
	}
	return NewHTTPTarget(url, connections, timeout)
}
