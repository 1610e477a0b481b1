package loadtest

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Millis is a duration that encodes in JSON as milliseconds (a number with
// microsecond precision).
type Millis time.Duration

// MarshalJSON writes the duration in milliseconds.
func (m Millis) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, math.Round(float64(m)/1e3)/1e3, 'f', -1, 64), nil
}

// UnmarshalJSON reads milliseconds.
func (m *Millis) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*m = Millis(f * 1e6)
	return nil
}

// D returns m as a time.Duration.
func (m Millis) D() time.Duration { return time.Duration(m) }

// String formats like time.Duration, rounded to the microsecond.
func (m Millis) String() string { return fmtDur(time.Duration(m)) }

// Seconds is a duration that encodes in JSON as seconds.
type Seconds time.Duration

// MarshalJSON writes the duration in seconds.
func (s Seconds) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, time.Duration(s).Seconds(), 'f', -1, 64), nil
}

// UnmarshalJSON reads seconds.
func (s *Seconds) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*s = Seconds(f * 1e9)
	return nil
}

// D returns s as a time.Duration.
func (s Seconds) D() time.Duration { return time.Duration(s) }

// fmtDur rounds to the microsecond (or to 0.1 ms above 100 ms).
func fmtDur(d time.Duration) string {
	if d >= 100*time.Millisecond {
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

func pow10(x float64) float64 { return math.Pow(10, x) }

// Summary is a latency distribution. Values come from an HDR histogram with
// three significant digits: each is within 0.1 % of the true value.
type Summary struct {
	Count int64  `json:"count"`   // values recorded
	Mean  Millis `json:"mean_ms"` // arithmetic mean
	Min   Millis `json:"min_ms"`  // smallest value
	P50   Millis `json:"p50_ms"`  // median
	P90   Millis `json:"p90_ms"`  // 90th percentile
	P99   Millis `json:"p99_ms"`  // 99th percentile
	P999  Millis `json:"p999_ms"` // 99.9th percentile
	Max   Millis `json:"max_ms"`  // largest value
}

// Window is one interval of the latency-over-time series, by scheduled
// time from the end of the warm-up.
type Window struct {
	Start  Seconds `json:"start_s"` // window start, from the end of the warm-up
	Count  int64   `json:"count"`   // successful requests scheduled in the window
	Errors int64   `json:"errors"`  // failed requests scheduled in the window
	P50    Millis  `json:"p50_ms"`  // median latency (2 significant digits)
	P99    Millis  `json:"p99_ms"`  // 99th percentile latency
	Max    Millis  `json:"max_ms"`  // largest latency
}

// Point is one point of the latency distribution: the latency at a
// quantile (in percent), client-side and (when reported) server-side.
type Point struct {
	Quantile float64 `json:"quantile"`            // percent, 0 to 99.999
	Latency  Millis  `json:"latency_ms"`          // client-side, from the scheduled time
	Server   Millis  `json:"server_ms,omitempty"` // Server-Timing, when reported
}

// ProcStats are the figures of a server process the harness started.
type ProcStats struct {
	PID int `json:"pid"` // process ID
	// PeakRSS is the peak resident set size (VmHWM) in bytes.
	PeakRSS int64 `json:"peak_rss_bytes"`
	// RSS is the resident set size at the end of the run (VmRSS) in bytes.
	RSS int64 `json:"rss_bytes"`
	// CPU is the user+system CPU time the process used from the end of the
	// warm-up to the end of the run.
	CPU Seconds `json:"cpu_s"`
	// CPUPerRequest is CPU divided by the measured requests.
	CPUPerRequest Millis `json:"cpu_per_request_ms"`
	// Goroutines is go_goroutines at the end of the run; -1 when unknown.
	Goroutines int `json:"goroutines"`
	// GCCount is the number of GC cycles during the run.
	GCCount int64 `json:"gc_count"`
	// GCPauseTotal is the GC stop-the-world time during the run.
	GCPauseTotal Millis `json:"gc_pause_total_ms"`
	// GCPauseMax is the largest recent pause (quantile 1 of
	// go_gc_duration_seconds).
	GCPauseMax Millis `json:"gc_pause_max_ms"`
	// Note says what could not be read, if anything.
	Note string `json:"note,omitempty"`
}

// Gate is a latency gate and its verdict.
type Gate struct {
	// P99 and P999 are the targets; zero means not gated.
	P99  Millis `json:"p99_ms,omitempty"`  // largest accepted P99
	P999 Millis `json:"p999_ms,omitempty"` // largest accepted P99.9
	// ServerP99 is the largest accepted P99 of the server's own validation
	// time (Server-Timing): a gate that a shared, noisy machine disturbs
	// far less than the client-side one. Zero means not gated.
	ServerP99 Millis `json:"server_p99_ms,omitempty"`
	// MaxErrorRate is the largest accepted share of failed requests.
	MaxErrorRate float64 `json:"max_error_rate"`
	// Pass is true when every target is met.
	Pass bool `json:"pass"`
	// Failures says which targets were missed, with the figures.
	Failures []string `json:"failures,omitempty"`
}

// Check evaluates the gate against r, setting Pass and Failures, and records
// it in r.Gate. A run with no successful request never passes.
func (g Gate) Check(r *Report) *Gate {
	g.Failures = nil
	if r.OK == 0 {
		g.Failures = append(g.Failures, "no request succeeded")
	}
	if g.P99 > 0 && r.Latency.P99 > g.P99 {
		g.Failures = append(g.Failures, fmt.Sprintf("P99 %s is above the target %s", r.Latency.P99, g.P99))
	}
	if g.P999 > 0 && r.Latency.P999 > g.P999 {
		g.Failures = append(g.Failures, fmt.Sprintf("P99.9 %s is above the target %s", r.Latency.P999, g.P999))
	}
	if g.ServerP99 > 0 {
		switch {
		case r.Server == nil:
			g.Failures = append(g.Failures, "no Server-Timing validate time to check the server P99 against")
		case r.Server.P99 > g.ServerP99:
			g.Failures = append(g.Failures, fmt.Sprintf("server P99 %s is above the target %s", r.Server.P99, g.ServerP99))
		}
	}
	if er := r.ErrorRate(); er > g.MaxErrorRate {
		g.Failures = append(g.Failures, fmt.Sprintf("error rate %.3f%% is above %.3f%%", 100*er, 100*g.MaxErrorRate))
	}
	g.Pass = len(g.Failures) == 0
	r.Gate = &g
	return &g
}

// Report is the outcome of one run.
type Report struct {
	// Target names what was loaded.
	Target string `json:"target"`
	// Started is when measuring started (after the warm-up), UTC.
	Started time.Time `json:"started"`
	// Rate is the requested arrival rate per second.
	Rate float64 `json:"rate"`
	// Duration and Warmup are the measured and warm-up durations.
	Duration    Seconds `json:"duration_s"`
	Warmup      Seconds `json:"warmup_s"`    // sent, not measured
	Connections int     `json:"connections"` // requests in flight at most
	// Mix is each sample's share of the requests (weights).
	Mix map[string]int `json:"mix"`
	// Scheduled is the number of requests scheduled after the warm-up;
	// Completed those that got an answer or failed; OK those answered
	// (2xx, or 422 for an invalid message); Invalid those answered
	// "valid": false.
	Scheduled int64 `json:"scheduled"`
	Completed int64 `json:"completed"` // answered or failed
	OK        int64 `json:"ok"`        // answered
	Invalid   int64 `json:"invalid"`   // answered "valid": false
	// ErrorCount is the number of failed requests; Errors splits them by
	// kind (timeout, http_503, conn_refused, canceled ...).
	ErrorCount int64            `json:"error_count"`
	Errors     map[string]int64 `json:"errors"` // by kind
	// SendRate is the measured requests completed per second of Duration;
	// Throughput is the successful ones per second of wall time (Duration,
	// or longer when the last answer came after it).
	SendRate   float64 `json:"send_rate"`
	Throughput float64 `json:"throughput"` // successful requests per second
	// Latency is measured from each request's scheduled send time (open
	// loop, queueing included); Service from its actual send; Server is
	// the validation time the server reported in Server-Timing (nil when it
	// reported none).
	Latency Summary  `json:"latency"`
	Service Summary  `json:"service"`          // from the actual send
	Server  *Summary `json:"server,omitempty"` // from Server-Timing
	// SendDelay is from each request's scheduled time to its actual send:
	// the pacer's own lateness plus, when every connection is busy, the
	// wait for one. When it is a large part of Latency while connections
	// are idle, the harness (or the machine) is the bottleneck, not the
	// server.
	SendDelay Summary `json:"send_delay"`
	// PacerLag is the part of SendDelay before the pacer released the
	// request (its timer's lateness, or the pacer waiting for a CPU); the
	// rest is the wait for a free connection (raise --connections).
	PacerLag Summary `json:"pacer_lag"`
	// Series is latency over time; Distribution the percentile curve.
	Series       []Window `json:"series"`
	Distribution []Point  `json:"distribution"` // latency by percentile
	// Process holds the server process figures when the harness started it.
	Process *ProcStats `json:"process,omitempty"`
	// Gate is the latency gate's verdict, when one was set.
	Gate *Gate `json:"gate,omitempty"`
	// HarnessCPU is the CPU time this process used from the end of the
	// warm-up to the end of the run, and HarnessCPUPerRequest that per
	// measured request: what the harness took from the machine's cores
	// (with --inproc and --noop-server, the engine's or the no-op server's
	// time too). Zero when /proc cannot be read.
	HarnessCPU           Seconds `json:"harness_cpu_s"`
	HarnessCPUPerRequest Millis  `json:"harness_cpu_per_request_ms"`
	// Overhead, when measured, is the harness's own latency against a no-op
	// endpoint at the same rate.
	Overhead *Summary `json:"overhead,omitempty"`
}

// ErrorRate is the share of completed requests that failed.
func (r *Report) ErrorRate() float64 {
	if r.Completed == 0 {
		return 0
	}
	return float64(r.ErrorCount) / float64(r.Completed)
}

// WriteText writes the report for humans.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "target       %s\n", r.Target)
	fmt.Fprintf(&b, "load         %.0f req/s for %s (warm-up %s), %d connections, open loop\n", r.Rate, r.Duration.D(), r.Warmup.D(), r.Connections)
	if len(r.Mix) > 0 {
		fmt.Fprintf(&b, "mix          %s\n", fmtMix(r.Mix))
	}
	fmt.Fprintf(&b, "requests     %d scheduled, %d completed, %d ok, %d errors (%.3f%%), %d answered invalid\n",
		r.Scheduled, r.Completed, r.OK, r.ErrorCount, 100*r.ErrorRate(), r.Invalid)
	pct := 0.0
	if r.Rate > 0 {
		pct = 100 * r.Throughput / r.Rate
	}
	fmt.Fprintf(&b, "throughput   %.0f req/s achieved of %.0f requested (%.1f%%)\n", r.Throughput, r.Rate, pct)
	if len(r.Errors) > 0 {
		keys := make([]string, 0, len(r.Errors))
		for k := range r.Errors {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s=%d", k, r.Errors[k])
		}
		fmt.Fprintf(&b, "errors       %s\n", strings.Join(parts, " "))
	}
	fmt.Fprintf(&b, "\n%-28s %10s %10s %10s %10s %10s %10s\n", "latency", "P50", "P90", "P99", "P99.9", "max", "mean")
	row := func(name string, s Summary) {
		fmt.Fprintf(&b, "%-28s %10s %10s %10s %10s %10s %10s\n", name, s.P50, s.P90, s.P99, s.P999, s.Max, s.Mean)
	}
	row("client (from scheduled)", r.Latency)
	row("client (from send)", r.Service)
	row("send delay (pacer+queue)", r.SendDelay)
	row("  of which pacer lag", r.PacerLag)
	if r.Server != nil {
		row("server (Server-Timing)", *r.Server)
	}
	if r.Overhead != nil {
		row("harness overhead (no-op)", *r.Overhead)
	}
	if r.HarnessCPU > 0 {
		fmt.Fprintf(&b, "\nharness: CPU %.2fs (%s per request) in this process\n", r.HarnessCPU.D().Seconds(), r.HarnessCPUPerRequest)
	}
	if p := r.Process; p != nil {
		fmt.Fprintf(&b, "\nserver pid %d: peak RSS %.1f MiB (now %.1f MiB), CPU %.2fs (%s per request)\n",
			p.PID, float64(p.PeakRSS)/(1<<20), float64(p.RSS)/(1<<20), p.CPU.D().Seconds(), p.CPUPerRequest)
		fmt.Fprintf(&b, "             goroutines %d, GC %d cycles, pause total %s, max %s\n", p.Goroutines, p.GCCount, p.GCPauseTotal, p.GCPauseMax)
		if p.Note != "" {
			fmt.Fprintf(&b, "             (%s)\n", p.Note)
		}
	}
	if g := r.Gate; g != nil {
		t := g.targets()
		if g.Pass {
			fmt.Fprintf(&b, "\ngate         PASS (%s)\n", strings.Join(t, ", "))
		} else {
			fmt.Fprintf(&b, "\ngate         FAIL (%s): %s\n", strings.Join(t, ", "), strings.Join(g.Failures, "; "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func fmtMix(m map[string]int) string {
	keys := make([]string, 0, len(m))
	total := 0
	for k, v := range m {
		keys = append(keys, k)
		total += v
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %.0f%%", k, 100*float64(m[k])/float64(total))
	}
	return strings.Join(parts, ", ")
}
