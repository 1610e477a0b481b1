package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
)

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkValidateRJE is the validate command in process over one RJE file
// of 20 000 MT103, JSON to io.Discard, the engine built once per run as the
// process does: µs/msg is wall time per message without process start,
// cpu-µs/msg the CPU of every thread per message (the figure to trust on a
// loaded machine). engine-only is engine.ValidateAll over the same file in
// one goroutine, nothing written: the floor. benchmarks/cli-batch.sh times
// the whole process.
func BenchmarkValidateRJE(b *testing.B) {
	const n = 20000
	path := rjeFile(b, n)
	report := func(b *testing.B, cpu time.Duration) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n/1e3, "µs/msg")
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/n/1e3, "cpu-µs/msg")
	}
	for _, jobs := range []string{"0", "1"} {
		b.Run("cli/jobs="+jobs, func(b *testing.B) {
			b.ReportAllocs()
			c0 := cpuTime()
			for b.Loop() {
				if code := run([]string{"validate", "-q", "--output", "json", "--jobs", jobs, path}, strings.NewReader(""), io.Discard, io.Discard); code != exitInvalid {
					b.Fatalf("exit %d", code)
				}
			}
			report(b, cpuTime()-c0)
		})
	}
	b.Run("cli-ndjson/jobs=0", func(b *testing.B) {
		nd := ndjsonFile(b, path, n)
		b.ReportAllocs()
		c0 := cpuTime()
		for b.Loop() {
			if code := run([]string{"validate", "-q", "--output", "json", "--ndjson", nd}, strings.NewReader(""), io.Discard, io.Discard); code != exitInvalid {
				b.Fatalf("exit %d", code)
			}
		}
		report(b, cpuTime()-c0)
	})
	b.Run("engine-only", func(b *testing.B) {
		raw, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		eng := swiftval.New(engine.Options{})
		b.ReportAllocs()
		c0 := cpuTime()
		for b.Loop() {
			if reps := eng.ValidateAll(context.Background(), raw, engine.ValidateOptions{}); len(reps) != n {
				b.Fatalf("%d reports", len(reps))
			}
		}
		report(b, cpuTime()-c0)
	})
}

// ndjsonFile writes the messages of the RJE file at rje as NDJSON lines.
func ndjsonFile(b *testing.B, rje string, n int) string {
	raw, err := os.ReadFile(rje)
	if err != nil {
		b.Fatal(err)
	}
	segs, _ := swiftval.New(engine.Options{}).Split(raw, engine.ValidateOptions{})
	if len(segs) != n {
		b.Fatalf("%d segments", len(segs))
	}
	var sb strings.Builder
	for i, s := range segs {
		line, _ := json.Marshal(map[string]string{"id": fmt.Sprint("m", i), "message": string(s.Data)})
		sb.Write(line)
		sb.WriteByte('\n')
	}
	p := filepath.Join(b.TempDir(), "batch.ndjson")
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkValidateDir is the validate command in process over a directory
// of 1 000 copies of the 3.2 KB Fedwire pacs.008 of ../shared (the file
// benchmarks/cli-batch.sh compares with xmllint), text to io.Discard.
func BenchmarkValidateDir(b *testing.B) {
	const n = 1000
	sample, err := os.ReadFile("../../../shared/corpus/mx/moov-io__wire20022/CustomerCreditTransfer__swiftSample__CustomerCreditTransfer_Scenario1_Step1_pacs.008.xml")
	if err != nil {
		b.Skipf("no shared corpus: %v", err)
	}
	dir := b.TempDir()
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%04d.xml", i)), sample, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, jobs := range []string{"0", "1"} {
		b.Run("jobs="+jobs, func(b *testing.B) {
			b.ReportAllocs()
			c0 := cpuTime()
			for b.Loop() {
				run([]string{"validate", "-q", "--jobs", jobs, dir}, strings.NewReader(""), io.Discard, io.Discard)
			}
			cpu := cpuTime() - c0
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n/1e3, "µs/file")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/n/1e3, "cpu-µs/file")
		})
	}
}

// BenchmarkColdValidateOne is one `swiftval validate FILE` of one MT103 in
// process: the command tree, the engine and the one validation, what a
// process pays on top of the runtime's and the packages' initialisation
// (benchmarks/coldstart times the whole process).
func BenchmarkColdValidateOne(b *testing.B) {
	path := filepath.Join("..", "..", "loadtest", "samples", "mt103.fin")
	if _, err := os.Stat(path); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if code := run([]string{"validate", "--quiet", path}, strings.NewReader(""), io.Discard, io.Discard); code != exitOK {
			b.Fatalf("exit status %d", code)
		}
	}
}

// BenchmarkNewRoot is the construction of the command tree alone.
func BenchmarkNewRoot(b *testing.B) {
	b.ReportAllocs()
	s := streams{in: strings.NewReader(""), out: io.Discard, err: io.Discard, lookupEnv: os.LookupEnv}
	for b.Loop() {
		_ = newRoot(s)
	}
}

// TestBenchFlags: bench's flags are parsed by the CLI like every other
// command's: interspersed, bad values naming the form, and each readable
// from its SWIFTVAL_ variable (the command line winning).
func TestBenchFlags(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stderr string
		rate   float64 // the requested rate in the JSON report, when code is 0
	}{
		{name: "flags", args: []string{"bench", "--inproc", "--rate", "400", "--duration", "100ms", "--warmup", "0s", "--quiet", "--json"}, rate: 400},
		{name: "from the environment", env: map[string]string{"SWIFTVAL_RATE": "300", "SWIFTVAL_INPROC": "true"}, args: []string{"bench", "--duration", "100ms", "--warmup", "0s", "--quiet", "--json"}, rate: 300},
		{name: "command line wins", env: map[string]string{"SWIFTVAL_RATE": "300"}, args: []string{"bench", "--inproc", "--rate", "200", "--duration", "100ms", "--warmup", "0s", "--quiet", "--json"}, rate: 200},
		{name: "bad value names the form", args: []string{"bench", "--inproc", "--duration", "5"}, code: exitUsage, stderr: `"--duration" flag: want a duration such as 5ms`},
		{name: "bad variable names it", env: map[string]string{"SWIFTVAL_RATE": "fast"}, args: []string{"bench", "--inproc"}, code: exitUsage, stderr: "SWIFTVAL_RATE: want a number such as 1000"},
		{name: "stray argument", args: []string{"bench", "--inproc", "extra"}, code: exitUsage, stderr: `unexpected argument "extra"`},
		{name: "no target", args: []string{"bench", "--duration", "100ms"}, code: exitUsage, stderr: "give exactly one of --url"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, stdout, stderr := runCLI(t, "", tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.stderr)
			}
			if tc.code != 0 {
				return
			}
			var rep struct {
				Rate float64 `json:"rate"`
			}
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.Rate != tc.rate {
				t.Fatalf("report rate %v (%v), want %v", rep.Rate, err, tc.rate)
			}
		})
	}
}
