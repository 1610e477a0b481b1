package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// RampConfig describes a search for the highest rate that keeps P99 under a
// target: the rate starts at Start and goes up by Step (and by Factor, when
// above 1) until a step misses the target or the server stops keeping up;
// that step is the knee.
type RampConfig struct {
	// Run is the configuration of each step; its Rate is ignored.
	Run Config
	// Start, Step and Max bound the rates tried (requests per second).
	Start, Step, Max float64
	// Factor, when above 1, multiplies the rate at each step instead of
	// adding Step.
	Factor float64
	// P99 is the latency target (from the scheduled time).
	P99 time.Duration
	// MinThroughput is the share of the requested rate a step must achieve
	// to pass (0.95 when zero).
	MinThroughput float64
	// MaxErrorRate is the share of failed requests a step may have (0.001
	// when zero).
	MaxErrorRate float64
	// Retries is how many times a failing step is run again before it counts
	// as the knee: on a shared machine one noisy second can fail a step the
	// server passes.
	Retries int
	// Before, when set, is called before each step.
	Before func(rate float64)
	// After, when set, is called with each step's report (to add server
	// stats before the step is judged).
	After func(rep *Report)
}

// RampStep is one rate tried during a ramp.
type RampStep struct {
	Rate       float64 `json:"rate"`          // requested, per second
	Throughput float64 `json:"throughput"`    // achieved, per second
	P50        Millis  `json:"p50_ms"`        // client-side, from the scheduled time
	P99        Millis  `json:"p99_ms"`        // client-side, from the scheduled time
	P999       Millis  `json:"p999_ms"`       // client-side, from the scheduled time
	ErrorRate  float64 `json:"error_rate"`    // failed share of the requests
	Pass       bool    `json:"pass"`          // every criterion met
	Why        string  `json:"why,omitempty"` // the criteria missed
	// Report is the step's full report.
	Report *Report `json:"-"`
}

// RampResult is the outcome of a ramp.
type RampResult struct {
	Target string     `json:"target"`        // what was loaded
	P99    Millis     `json:"p99_target_ms"` // the latency target
	Steps  []RampStep `json:"steps"`         // every rate tried, in order
	// Best is the highest rate that passed; 0 when none did.
	Best float64 `json:"best_rate"`
	// Knee is the first rate that failed; 0 when every step passed up to Max.
	Knee float64 `json:"knee_rate,omitempty"`
	// BestReport is the report of the best step.
	BestReport *Report `json:"best,omitempty"`
}

// Ramp runs steps of increasing rate and reports the highest that keeps P99
// under the target. It stops at the first failing step, at Max, or when ctx
// ends.
func Ramp(ctx context.Context, rc RampConfig) (*RampResult, error) {
	if rc.P99 <= 0 {
		return nil, errors.New("bench: ramp needs a P99 target")
	}
	if !(rc.Start > 0) || rc.Step < 0 || (rc.Step == 0 && rc.Factor <= 1) {
		return nil, errors.New("bench: ramp needs a positive start and a positive step or a factor above 1")
	}
	if rc.Max <= 0 || rc.Max > MaxRate {
		rc.Max = MaxRate
	}
	if rc.MinThroughput <= 0 {
		rc.MinThroughput = 0.95
	}
	if rc.MaxErrorRate <= 0 {
		rc.MaxErrorRate = 0.001
	}
	res := &RampResult{Target: rc.Run.Target.Name(), P99: Millis(rc.P99)}
	tries := 0
	for rate := rc.Start; rate <= rc.Max; {
		if ctx.Err() != nil {
			break
		}
		cfg := rc.Run
		cfg.Rate = rate
		cfg.Label = fmt.Sprintf("[%.0f/s] ", rate)
		if rc.Before != nil {
			rc.Before(rate)
		}
		rep, err := Run(ctx, cfg)
		if err != nil {
			return res, err
		}
		if rc.After != nil {
			rc.After(rep)
		}
		st := RampStep{Rate: rate, Throughput: rep.Throughput, P50: rep.Latency.P50, P99: rep.Latency.P99,
			P999: rep.Latency.P999, ErrorRate: rep.ErrorRate(), Report: rep}
		var why []string
		if rep.OK == 0 {
			why = append(why, "no request succeeded")
		}
		if rep.Latency.P99.D() > rc.P99 {
			why = append(why, fmt.Sprintf("P99 %s above %s", rep.Latency.P99, Millis(rc.P99)))
		}
		if rep.Throughput < rc.MinThroughput*rate {
			why = append(why, fmt.Sprintf("throughput %.0f/s below %.0f%% of the rate", rep.Throughput, 100*rc.MinThroughput))
		}
		if rep.ErrorRate() > rc.MaxErrorRate {
			why = append(why, fmt.Sprintf("error rate %.3f%%", 100*rep.ErrorRate()))
		}
		st.Pass = len(why) == 0
		st.Why = strings.Join(why, "; ")
		if !st.Pass && tries < rc.Retries {
			tries++
			st.Why += " (run again)"
			res.Steps = append(res.Steps, st)
			continue
		}
		tries = 0
		res.Steps = append(res.Steps, st)
		if !st.Pass {
			res.Knee = rate
			break
		}
		res.Best, res.BestReport = rate, rep
		if rc.Factor > 1 {
			rate *= rc.Factor
		} else {
			rate += rc.Step
		}
	}
	return res, nil
}

// WriteText writes the ramp's steps and verdict.
func (r *RampResult) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "ramp against %s, P99 target %s\n\n", r.Target, r.P99)
	fmt.Fprintf(&b, "%10s %12s %10s %10s %10s %8s  %s\n", "rate/s", "achieved/s", "P50", "P99", "P99.9", "errors", "verdict")
	for _, s := range r.Steps {
		v := "pass"
		switch {
		case !s.Pass && strings.HasSuffix(s.Why, "(run again)"):
			v = "fail: " + s.Why
		case !s.Pass:
			v = "KNEE: " + s.Why
		}
		fmt.Fprintf(&b, "%10.0f %12.0f %10s %10s %10s %7.3f%%  %s\n", s.Rate, s.Throughput, s.P50, s.P99, s.P999, 100*s.ErrorRate, v)
	}
	switch {
	case r.Best == 0:
		fmt.Fprintf(&b, "\nno rate tried kept P99 under %s\n", r.P99)
	case r.Knee == 0:
		fmt.Fprintf(&b, "\nhighest rate with P99 under %s: at least %.0f req/s (every step passed)\n", r.P99, r.Best)
	default:
		fmt.Fprintf(&b, "\nhighest rate with P99 under %s: %.0f req/s (knee at %.0f req/s)\n", r.P99, r.Best, r.Knee)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
