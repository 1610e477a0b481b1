// Command coldstart measures swiftval as people meet it first: as a
// process. It times whole runs of `swiftval validate FILE` on one message
// (MT103, the 3.2 KB Fedwire pacs.008 and, when the shared corpus is
// there, the 40 KB CBPR+ "max" pacs.008 with its AppHdr) beside
// `xmllint --noout --schema` on the same pacs.008 Document, and the HTTP
// server from exec to its first 200 on /readyz, with its idle RSS.
//
// Each command runs -runs times, the commands interleaved so that a noisy
// machine disturbs them alike; it reports the median, lowest and highest
// wall time, the median CPU time (user + system) and the median peak RSS
// (getrusage ru_maxrss of the child, which counts the binary's mapped pages
// as well as its heap), and the load average before and after. Run it with
// `make timing`, which builds the binary first:
//
//	go run ./benchmarks/coldstart -bin bin/swiftval [-runs 15] [-baseline OLD-BINARY] [-lite bin/swiftval-lite]
//
// -baseline times a second binary the same way, interleaved, for a before
// and after comparison; -lite times the validate runs of a lite build
// (go build -tags lite) too. Paths are relative to the repository root; the
// shared corpus and schemas are read from ../shared beside it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Inputs, relative to the repository root.
const (
	mt103   = "loadtest/samples/mt103.fin"
	fedwire = "../shared/corpus/mx/moov-io__wire20022/CustomerCreditTransfer__swiftSample__CustomerCreditTransfer_Scenario1_Step1_pacs.008.xml"
	cbprMax = "../shared/corpus/mx/phoughton__iso20022-cbpr-ur/y2025__pacs.008.max.xml"
	pacsXSD = "../shared/xsd/pacs.008.001.08.xsd"
)

// job is one command line to time.
type job struct {
	name string
	argv []string
	// want is the exit status every run must have (a validation that
	// fails would time the wrong path).
	want int
}

// sample is one run's figures.
type sample struct {
	wall, cpu time.Duration
	rssKB     int64
}

func main() {
	bin := flag.String("bin", "bin/swiftval", "the swiftval binary to time")
	base := flag.String("baseline", "", "a second swiftval binary to time the same way (before/after)")
	runs := flag.Int("runs", 15, "runs of each command (the median is reported; at least 7)")
	serverRuns := flag.Int("server-runs", 7, "server starts of each binary (0: none)")
	lite := flag.String("lite", "", "a lite build (make build-lite) whose validate runs are timed too (it has no server)")
	flag.Parse()
	log.SetFlags(0)
	if *runs < 7 {
		log.Fatal("coldstart: -runs must be at least 7")
	}

	bins := []string{*bin}
	if *base != "" {
		bins = append(bins, *base)
	}
	var jobs []job
	for _, b := range bins {
		tag := label(b, bins)
		jobs = append(jobs,
			job{"swiftval validate MT103" + tag, []string{b, "validate", mt103}, 0},
			job{"swiftval validate pacs.008 3.2 KB" + tag, []string{b, "validate", fedwire}, 0},
		)
		if exists(cbprMax) {
			jobs = append(jobs, job{"swiftval validate pacs.008 40 KB + AppHdr" + tag, []string{b, "validate", cbprMax}, 0})
		}
	}
	if *lite != "" {
		jobs = append(jobs,
			job{"swiftval-lite validate MT103", []string{*lite, "validate", mt103}, 0},
			job{"swiftval-lite validate pacs.008 3.2 KB", []string{*lite, "validate", fedwire}, 0},
		)
		if exists(cbprMax) {
			jobs = append(jobs, job{"swiftval-lite validate pacs.008 40 KB + AppHdr", []string{*lite, "validate", cbprMax}, 0})
		}
	}
	if x, err := exec.LookPath("xmllint"); err == nil && exists(pacsXSD) {
		jobs = append(jobs, job{"xmllint --noout --schema, pacs.008 3.2 KB", []string{x, "--noout", "--schema", pacsXSD, fedwire}, 0})
	} else {
		fmt.Println("xmllint or ../shared/xsd not found: no xmllint comparison (apt-get install libxml2-utils)")
	}
	for _, j := range jobs {
		if _, err := os.Stat(j.argv[0]); err != nil {
			log.Fatalf("coldstart: %v (make build first)", err)
		}
	}

	fmt.Printf("load average before: %s\n", loadavg())
	res := make([][]sample, len(jobs))
	for r := 0; r < *runs+1; r++ {
		for i, j := range jobs {
			s, err := run(j)
			if err != nil {
				log.Fatalf("coldstart: %s: %v", j.name, err)
			}
			if r > 0 { // the first round warms the page cache
				res[i] = append(res[i], s)
			}
		}
	}
	fmt.Printf("\n%d runs each, interleaved (first round discarded)\n\n", *runs)
	fmt.Printf("| %-52s | %9s | %17s | %9s | %9s |\n", "command (one message per process)", "wall p50", "wall min–max", "CPU p50", "peak RSS")
	fmt.Printf("|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 54), strings.Repeat("-", 11), strings.Repeat("-", 19), strings.Repeat("-", 11), strings.Repeat("-", 11))
	for i, j := range jobs {
		w := durations(res[i], func(s sample) time.Duration { return s.wall })
		c := durations(res[i], func(s sample) time.Duration { return s.cpu })
		rss := make([]int64, len(res[i]))
		for k, s := range res[i] {
			rss[k] = s.rssKB
		}
		slices.Sort(rss)
		fmt.Printf("| %-52s | %9s | %17s | %9s | %6.1f MB |\n", j.name, ms(w[len(w)/2]), ms(w[0])+"–"+ms(w[len(w)-1]), ms(c[len(c)/2]), float64(rss[len(rss)/2])/1024)
	}

	if *serverRuns > 0 {
		fmt.Printf("\n%d server starts each, interleaved: exec to the first 200 on /readyz (polled every 0.5 ms); RSS 1 s after ready\n\n", *serverRuns)
		fmt.Printf("| %-28s | %9s | %17s | %10s | %10s | %10s |\n", "server", "ready p50", "ready min–max", "idle RSS", "anonymous", "file")
		fmt.Printf("|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 30), strings.Repeat("-", 11), strings.Repeat("-", 19), strings.Repeat("-", 12), strings.Repeat("-", 12), strings.Repeat("-", 12))
		ready := make([][]time.Duration, len(bins))
		mem := make([][][3]int64, len(bins))
		for r := 0; r < *serverRuns; r++ {
			for i, b := range bins {
				d, m, err := serve(b)
				if err != nil {
					log.Fatalf("coldstart: serve %s: %v", b, err)
				}
				ready[i] = append(ready[i], d)
				mem[i] = append(mem[i], m)
			}
		}
		for i, b := range bins {
			slices.Sort(ready[i])
			med := func(k int) float64 {
				v := make([]int64, len(mem[i]))
				for x := range mem[i] {
					v[x] = mem[i][x][k]
				}
				slices.Sort(v)
				return float64(v[len(v)/2]) / 1024
			}
			d := ready[i]
			fmt.Printf("| %-28s | %9s | %17s | %7.1f MB | %7.1f MB | %7.1f MB |\n", "swiftval serve"+label(b, bins), ms(d[len(d)/2]), ms(d[0])+"–"+ms(d[len(d)-1]), med(0), med(1), med(2))
		}
	}
	fmt.Printf("\nload average after: %s\n", loadavg())
}

func label(b string, bins []string) string {
	if len(bins) == 1 {
		return ""
	}
	if b == bins[0] {
		return " (new)"
	}
	return " (baseline)"
}

// run runs one command to completion, output discarded.
func run(j job) (sample, error) {
	cmd := exec.Command(j.argv[0], j.argv[1:]...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return sample{}, err
	}
	if code := cmd.ProcessState.ExitCode(); code != j.want {
		return sample{}, fmt.Errorf("exit status %d, want %d", code, j.want)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return sample{wall: wall, cpu: cpu, rssKB: ru.Maxrss}, nil
}

// serve starts `swiftval serve` on a free loopback port, times exec to the
// first 200 on /readyz, reads its RSS (VmRSS, RssAnon, RssFile in KB) one
// second later, and stops it with SIGTERM.
func serve(bin string) (time.Duration, [3]int64, error) {
	var mem [3]int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, mem, err
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", addr, "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	client := &http.Client{Timeout: time.Second}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, mem, err
	}
	defer cmd.Wait()
	defer cmd.Process.Signal(syscall.SIGTERM)
	var ready time.Duration
	for {
		if resp, err := client.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				ready = time.Since(start)
				break
			}
		}
		if ctx.Err() != nil {
			return 0, mem, errors.New("not ready within 30 s")
		}
		time.Sleep(500 * time.Microsecond) // polling interval
	}
	time.Sleep(time.Second) // idle: what a scaled-out replica holds
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(cmd.Process.Pid), "status"))
	if err != nil {
		return 0, mem, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		for k, key := range []string{"VmRSS:", "RssAnon:", "RssFile:"} {
			if v, ok := strings.CutPrefix(l, key); ok {
				mem[k], _ = strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			}
		}
	}
	return ready, mem, nil
}

func durations(s []sample, f func(sample) time.Duration) []time.Duration {
	out := make([]time.Duration, len(s))
	for i := range s {
		out[i] = f(s[i])
	}
	slices.Sort(out)
	return out
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
