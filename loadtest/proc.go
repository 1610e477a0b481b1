package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat:
// 100 on every Linux architecture Go supports.
const clockTicks = 100

// Proc reads the figures of a server process: memory and CPU from /proc
// (Linux only), goroutines and GC pauses from its Prometheus /metrics.
// Begin marks the start of a measurement; Stats reports since then.
type Proc struct {
	// PID is the process watched.
	PID int
	// MetricsURL is the server's Prometheus endpoint; empty to skip.
	MetricsURL string
	cpu0       float64
	gc0        gcFigures
}

type gcFigures struct {
	goroutines int
	count      int64
	sum        float64 // seconds
	max        float64 // seconds, quantile 1 of the recent pauses
	ok         bool
}

// Begin records the CPU time and GC counters the measurement starts from.
func (p *Proc) Begin() {
	p.cpu0, _ = cpuSeconds(p.PID)
	p.gc0 = scrapeGC(p.MetricsURL)
}

// Stats returns the figures since Begin; answered is the number of requests
// answered meanwhile (for CPU per request). What cannot be read is said in
// Note; it never fails.
func (p *Proc) Stats(answered int64) *ProcStats {
	st := &ProcStats{PID: p.PID, Goroutines: -1}
	var notes []string
	hwm, rss, err := memory(p.PID)
	if err != nil {
		notes = append(notes, err.Error())
	}
	st.PeakRSS, st.RSS = hwm, rss
	if cpu, err := cpuSeconds(p.PID); err == nil {
		st.CPU = Seconds((cpu - p.cpu0) * 1e9)
		if answered > 0 {
			st.CPUPerRequest = Millis(float64(st.CPU) / float64(answered))
		}
	} else {
		notes = append(notes, err.Error())
	}
	if g := scrapeGC(p.MetricsURL); g.ok {
		st.Goroutines = g.goroutines
		st.GCCount = g.count - p.gc0.count
		st.GCPauseTotal = Millis((g.sum - p.gc0.sum) * 1e9)
		st.GCPauseMax = Millis(g.max * 1e9)
	} else if p.MetricsURL != "" {
		notes = append(notes, "no Go runtime metrics at "+p.MetricsURL)
	}
	st.Note = strings.Join(notes, "; ")
	return st
}

// memory returns VmHWM and VmRSS in bytes from /proc/<pid>/status.
func memory(pid int) (hwm, rss int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("memory: %w", err)
	}
	return parseStatus(b)
}

func parseStatus(b []byte) (hwm, rss int64, err error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	found := 0
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmHWM" && k != "VmRSS") {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		if k == "VmHWM" {
			hwm = n << 10
		} else {
			rss = n << 10
		}
		found++
	}
	if found < 2 {
		return hwm, rss, errors.New("memory: no VmHWM/VmRSS in /proc status")
	}
	return hwm, rss, nil
}

// cpuSeconds returns utime+stime of pid from /proc/<pid>/stat.
func cpuSeconds(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("cpu: %w", err)
	}
	return parseStat(b)
}

func parseStat(b []byte) (float64, error) {
	// The command name (field 2) is in parentheses and may hold spaces:
	// count fields from the last ')'. utime and stime are fields 14 and 15.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("cpu: malformed /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("cpu: malformed /proc stat")
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("cpu: malformed /proc stat")
	}
	return float64(u+s) / clockTicks, nil
}

var scrapeClient = &http.Client{Timeout: 2 * time.Second}

func scrapeGC(url string) gcFigures {
	if url == "" {
		return gcFigures{}
	}
	resp, err := scrapeClient.Get(url)
	if err != nil {
		return gcFigures{}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return gcFigures{}
	}
	return parseMetrics(io.LimitReader(resp.Body, 8<<20))
}

// parseMetrics reads go_goroutines and go_gc_duration_seconds from the
// Prometheus text format.
func parseMetrics(r io.Reader) gcFigures {
	var g gcFigures
	seen := 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "go_") {
			continue
		}
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if i := strings.IndexByte(val, ' '); i >= 0 { // a timestamp follows
			val = val[:i]
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			continue
		}
		switch {
		case name == "go_goroutines":
			g.goroutines = int(v)
			seen++
		case name == "go_gc_duration_seconds_count":
			g.count = int64(v)
			seen++
		case name == "go_gc_duration_seconds_sum":
			g.sum = v
		case name == `go_gc_duration_seconds{quantile="1"}`:
			g.max = v
		}
	}
	g.ok = seen == 2
	return g
}

// Server is a swiftval server process started by the harness.
type Server struct {
	// URL is the server's base URL (http://127.0.0.1:<port>).
	URL string
	// Proc watches the process.
	Proc *Proc
	cmd  *exec.Cmd
	done chan struct{}
	err  error
	mu   sync.Mutex
}

// FreeLoopbackAddr returns a 127.0.0.1 address with a port free right now.
func FreeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// SpawnServer starts exe with args plus "--addr 127.0.0.1:<free port>" and
// waits until the port accepts connections (at most ready). The process's
// output goes to log (discarded when nil). Stop the server with Stop.
func SpawnServer(exe string, args []string, ready time.Duration, log io.Writer) (*Server, error) {
	addr, err := FreeLoopbackAddr()
	if err != nil {
		return nil, fmt.Errorf("spawn: %w", err)
	}
	if log == nil {
		log = io.Discard
	}
	cmd := exec.Command(exe, append(append([]string(nil), args...), "--addr", addr)...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("spawn: %w", err)
	}
	s := &Server{URL: "http://" + addr, cmd: cmd, done: make(chan struct{})}
	s.Proc = &Proc{PID: cmd.Process.Pid, MetricsURL: s.URL + "/metrics"}
	go func() {
		err := cmd.Wait()
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
		close(s.done)
	}()
	deadline := time.Now().Add(ready)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return s, nil
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("spawn: %s exited before listening: %v", exe, s.exitErr())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = s.Stop()
			return nil, fmt.Errorf("spawn: %s not listening on %s after %s", exe, addr, ready)
		}
	}
}

func (s *Server) exitErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Stop interrupts the server, waits up to 5 s for it to exit, then kills
// it.
func (s *Server) Stop() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("spawn: server did not stop on interrupt; killed")
	}
}
