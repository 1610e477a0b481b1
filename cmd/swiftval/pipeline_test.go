package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/internal/ndjson"
)

// rjeFile writes an RJE batch of n MT messages ('$' between them), every
// seventh one invalid, and returns its path.
func rjeFile(t testing.TB, n int) string {
	t.Helper()
	valid, err := os.ReadFile("../../testdata/mt/valid_mt103.fin")
	if err != nil {
		t.Fatal(err)
	}
	invalid, err := os.ReadFile("../../testdata/mt/invalid_mt103_fields.fin")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for i := range n {
		if i > 0 {
			b.WriteString("$")
		}
		if i%7 == 3 {
			b.Write(bytes.TrimSpace(invalid))
		} else {
			b.Write(bytes.TrimSpace(valid))
		}
	}
	p := filepath.Join(t.TempDir(), "batch.rje")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var elapsedRE = regexp.MustCompile(`"elapsed_us":[0-9.]+`)

// TestParallelOutputMatchesSequential: over many workers, chunks of one
// big RJE file and several files, the reports come out in input order and
// equal engine.ValidateAll's, one by one.
func TestParallelOutputMatchesSequential(t *testing.T) {
	big := rjeFile(t, smallInput/300+5) // above smallInput: split into chunks by the producer, the last short
	if st, err := os.Stat(big); err != nil || st.Size() <= smallInput || (smallInput/300+5)%chunkMessages == 0 {
		t.Fatalf("the big file must be above %d bytes and end in a short chunk", smallInput)
	}
	files := []string{"../../testdata/mt/valid_mt103.fin", big, "../../testdata/mt/batch_rje.fin", "../../testdata/mt/invalid_mt103_fields.fin"}

	eng := swiftval.New(engine.Options{})
	var want bytes.Buffer
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range eng.ValidateAll(context.Background(), raw, engine.ValidateOptions{}) {
			r.Source = f
			want.Write(r.AppendJSON(nil))
			want.WriteByte('\n')
		}
	}
	for _, jobs := range []string{"1", "2", "7"} {
		code, out, errs := runCLI(t, "", append([]string{"validate", "--output", "json", "--jobs", jobs}, files...)...)
		if code != exitInvalid {
			t.Fatalf("--jobs %s: exit %d: %s", jobs, code, errs)
		}
		got := elapsedRE.ReplaceAllString(out, "")
		if w := elapsedRE.ReplaceAllString(want.String(), ""); got != w {
			t.Fatalf("--jobs %s: output differs from sequential ValidateAll (%d vs %d bytes)", jobs, len(got), len(w))
		}
		if m := summaryRE.FindStringSubmatch(errs); m == nil || m[1] != fmt.Sprint(strings.Count(want.String(), "\n")) {
			t.Errorf("--jobs %s: summary %q", jobs, errs)
		}
	}
}

// TestPipelineBounded: however far behind the writer is, the producer is
// at most the queues' capacity ahead of it (memory does not grow with the
// number of inputs), and every job is written once, in order.
func TestPipelineBounded(t *testing.T) {
	const workers, n = 3, 500
	v := &validator{eng: swiftval.New(engine.Options{})}
	raw := []byte("not a message")
	var emitted, written, maxLead atomic.Int64
	produce := func(emit func(*job) bool) {
		for i := range n {
			if !emit(&job{source: fmt.Sprint(i), raw: raw}) {
				return
			}
			lead := emitted.Add(1) - written.Load()
			for {
				m := maxLead.Load()
				if lead <= m || maxLead.CompareAndSwap(m, lead) {
					break
				}
			}
		}
	}
	next := 0
	err := runPipeline(context.Background(), v, workers, produce, func(j *job) error {
		if j.source != fmt.Sprint(next) || len(j.reps) != 1 || j.reps[0].Valid {
			return fmt.Errorf("job %s (%d reports) written as number %d", j.source, len(j.reps), next)
		}
		next++
		written.Add(1)
		if next%50 == 0 {
			time.Sleep(time.Millisecond) // a slow writer, now and then (not synchronisation)
		}
		return nil
	})
	if err != nil || next != n {
		t.Fatalf("%v; %d of %d written", err, next, n)
	}
	// order (4 × workers) + work (workers) + one in each worker + the one
	// being emitted.
	if bound := int64(4*workers + 2*workers + 1); maxLead.Load() > bound {
		t.Errorf("producer ran %d jobs ahead of the writer, bound %d", maxLead.Load(), bound)
	}
}

// TestPipelineStopsOnWriteError: a failing writer (a closed pipe) ends the
// run with its error; the producer and workers stop.
func TestPipelineStopsOnWriteError(t *testing.T) {
	v := &validator{eng: swiftval.New(engine.Options{})}
	var emitted atomic.Int64
	produce := func(emit func(*job) bool) {
		for {
			if !emit(&job{source: "x", raw: []byte("x")}) {
				return
			}
			emitted.Add(1)
		}
	}
	fail := fmt.Errorf("broken pipe")
	err := runPipeline(context.Background(), v, 2, produce, func(*job) error { return fail })
	if err != fail {
		t.Fatalf("err %v", err)
	}
}

func TestProgressLine(t *testing.T) {
	var tl tally
	tl.inputs.Store(5)
	tl.messages.Store(1234)
	tl.invalid.Store(7)
	tl.bytes.Store(500)
	for _, tt := range []struct {
		total progressTotal
		want  string
	}{
		{progressTotal{10, 1000}, "[============>           ] 5/10 inputs · 1234 messages · 7 invalid · 2.5 s"},
		{progressTotal{5, 500}, "[========================] 5/5 inputs · 1234 messages · 7 invalid · 2.5 s"},
		{progressTotal{}, "5 inputs · 1234 messages · 7 invalid · 2.5 s"},
	} {
		if got := progressLine(&tl, tt.total, 2500*time.Millisecond); got != tt.want {
			t.Errorf("total %d:\n got %q\nwant %q", tt.total, got, tt.want)
		}
	}
}

// signalWriter records writes and signals the first.
type signalWriter struct {
	lockedWriter
	first chan struct{}
	n     atomic.Int64
}

func (w *signalWriter) Write(p []byte) (int, error) {
	if w.n.Add(1) == 1 {
		defer close(w.first)
	}
	return w.lockedWriter.Write(p)
}

// TestProgressDrawsAndClears: after the delay the line is drawn (carriage
// return, no newline) and stop clears it; a run stopped before the delay
// draws nothing.
func TestProgressDrawsAndClears(t *testing.T) {
	var buf bytes.Buffer
	w := &signalWriter{lockedWriter: lockedWriter{w: &buf}, first: make(chan struct{})}
	var tl tally
	stop := startProgress(w, &tl, progressTotal{3, 300}, time.Now().Add(-progressDelay))
	<-w.first
	stop()
	out := buf.String()
	if !strings.HasPrefix(out, "\r[>") || !strings.HasSuffix(out, "\r\x1b[K") || strings.Contains(out, "\n") {
		t.Errorf("progress output %q", out)
	}
	var quiet bytes.Buffer
	startProgress(&lockedWriter{w: &quiet}, &tl, progressTotal{3, 300}, time.Now())()
	if quiet.Len() != 0 {
		t.Errorf("a short run drew %q", quiet.String())
	}
}

// TestNDJSONInput: --ndjson reads {"id","message"} lines as the batch
// endpoint does: reports with id and index in line order over several
// chunks, blank lines skipped, bad and too-long lines reported in their
// place (exit 2), the rest validated.
func TestNDJSONInput(t *testing.T) {
	valid, err := os.ReadFile("../../testdata/mt/valid_mt103.fin")
	if err != nil {
		t.Fatal(err)
	}
	line := func(id string) string {
		b, _ := json.Marshal(map[string]string{"id": id, "message": string(valid)})
		return string(b)
	}
	var in strings.Builder
	const n = 2*chunkMessages + 3
	for i := 1; i <= n; i++ {
		switch i {
		case 5:
			in.WriteString("not json\n")
		case 6:
			in.WriteString("\n  \n" + line("m6") + "\r\n") // blank lines do not count
		case 7: // above twice --max-bytes plus the slack for escapes and the id
			in.WriteString(`{"id":"m7","message":"` + strings.Repeat("x", ndjson.MaxLine(1000)) + `"}` + "\n")
		case 8: // a line that fits, with a message above --max-bytes: a finding
			in.WriteString(`{"id":"m8","message":"` + strings.Repeat("x", 3000) + `"}` + "\n")
		default:
			in.WriteString(line(fmt.Sprintf("m%d", i)) + "\n")
		}
	}
	code, out, errs := runCLI(t, in.String(), "validate", "--ndjson", "--max-bytes", "1000", "--output", "json", "-")
	if code != exitUsage {
		t.Fatalf("exit %d, want 2 for the bad lines; stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != n {
		t.Fatalf("%d output lines, want %d", len(lines), n)
	}
	for i, l := range lines {
		var r struct {
			ID     string
			Index  int
			Source string
			Valid  *bool
			Error  *struct{ Detail string }
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		switch idx := i + 1; {
		case r.Index != idx || r.Source != "stdin":
			t.Errorf("line %d: index %d source %q", idx, r.Index, r.Source)
		case idx == 5 && (r.Error == nil || !strings.Contains(r.Error.Detail, "not a JSON object")):
			t.Errorf("bad line: %s", l)
		case idx == 7 && (r.Error == nil || !strings.Contains(r.Error.Detail, "longer than")):
			t.Errorf("long line: %s", l)
		case idx == 8 && (r.Valid == nil || *r.Valid || !strings.Contains(l, `"code":"SV011"`)):
			t.Errorf("message above --max-bytes: %s", l)
		case idx != 5 && idx != 7 && idx != 8 && (r.Valid == nil || !*r.Valid || r.ID != fmt.Sprintf("m%d", idx)):
			t.Errorf("line %d: %s", idx, l)
		}
	}
	if m := summaryRE.FindStringSubmatch(errs); m == nil || m[1] != fmt.Sprint(n-2) || m[4] != "2" {
		t.Errorf("summary %q", errs)
	}
}

func TestShowProgress(t *testing.T) {
	for _, tt := range []struct {
		errTTY, outTTY, quiet, want bool
	}{
		{true, false, false, true},   // reports to a file or a pipe
		{true, true, false, false},   // reports on the same terminal
		{false, false, false, false}, // stderr in a pipe or file
		{true, false, true, false},   // --quiet
	} {
		if got := showProgress(streams{errTerminal: tt.errTTY, outTerminal: tt.outTTY}, tt.quiet); got != tt.want {
			t.Errorf("%+v: %v", tt, got)
		}
	}
}

// TestManyFilesKeepOrder: over many small files read by the workers, with
// an unreadable one among them, every report and the unreadable entry come
// out in lexical order.
func TestManyFilesKeepOrder(t *testing.T) {
	valid, err := os.ReadFile("../../testdata/mt/valid_mt103.fin")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	const n, dangling = 53, 19
	var want []string
	for i := range n {
		name := filepath.Join(dir, fmt.Sprintf("m%03d.fin", i))
		if i == dangling { // a dangling link: reported in its place
			if err := os.Symlink(filepath.Join(dir, "nowhere"), name); err != nil {
				t.Skip(err)
			}
		} else if err := os.WriteFile(name, valid, 0o644); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	code, out, errs := runCLI(t, "", "validate", "--output", "json", "--jobs", "4", dir)
	if code != exitUsage {
		t.Fatalf("exit %d, want 2 for the dangling link: %s", code, errs)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct{ Source string }
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r.Source)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("order:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSmallFilesGrouped: consecutive small files go to the workers in
// groups of at most groupFiles files and groupBytes bytes; any other job
// (an unreadable input, a large file's chunks) first sends the pending
// group, so the order of the inputs is kept; a file of a group that cannot
// be read is reported in its place.
func TestSmallFilesGrouped(t *testing.T) {
	valid, err := os.ReadFile("../../testdata/mt/valid_mt103.fin")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// a000-a039: 40 small files; b: a large RJE file (chunked by the
	// producer); c000-c002: 3 small; d, e and f: 100 KiB each (the bytes
	// bound: d and e fit in the group, f starts the next).
	for i := range 40 {
		write(fmt.Sprintf("a%03d.fin", i), valid)
	}
	big, err := os.ReadFile(rjeFile(t, smallInput/300+5))
	if err != nil {
		t.Fatal(err)
	}
	write("b.rje", big)
	for i := range 3 {
		write(fmt.Sprintf("c%03d.fin", i), valid)
	}
	pad := bytes.Repeat([]byte(" "), 100<<10)
	write("d.fin", pad)
	write("e.fin", pad)
	write("f.fin", pad)

	eng := swiftval.New(engine.Options{})
	read := func(p string) ([]byte, error) { return readInput(p, nil, engine.DefaultMaxInput) }
	var shape []string // one entry per job: "group:N" or the job's source
	var sources []string
	produceJobs(eng, engine.ValidateOptions{}, []string{dir}, inputFilter{}, read, nil)(func(j *job) bool {
		if j.group == nil {
			shape = append(shape, filepath.Base(j.source))
			sources = append(sources, j.source)
			return true
		}
		bytes := 0
		for _, g := range j.group {
			if g.group != nil || g.path == "" {
				t.Errorf("group member %+v", g)
			}
			st, _ := os.Stat(g.path)
			bytes += int(st.Size())
			sources = append(sources, g.source)
		}
		if bytes > groupBytes {
			t.Errorf("a group of %d bytes", bytes)
		}
		shape = append(shape, fmt.Sprintf("group:%d", len(j.group)))
		return true
	})
	wantShape := "group:16 group:16 group:8"
	for range (smallInput/300 + 5 + chunkMessages - 1) / chunkMessages {
		wantShape += " b.rje"
	}
	wantShape += " group:5 f.fin" // c000-c002, d and e; f would take the group past 256 KiB
	if got := strings.Join(shape, " "); got != wantShape {
		t.Errorf("jobs:\n%s\nwant\n%s", got, wantShape)
	}
	if !slices.IsSorted(sources) {
		t.Errorf("order: %q", sources)
	}

	// A member that cannot be read is reported in its place.
	gone := filepath.Join(dir, "gone.fin")
	v := &validator{eng: eng, read: read}
	group := &job{group: []*job{
		{source: "a", path: filepath.Join(dir, "a000.fin")},
		{source: "gone", path: gone},
		{source: "c", path: filepath.Join(dir, "c000.fin")},
	}}
	var got []string
	err = runPipeline(context.Background(), v, 2, func(emit func(*job) bool) { emit(group) }, func(j *job) error {
		switch {
		case j.err != nil:
			got = append(got, j.source+":unread")
		case len(j.reps) == 1 && j.reps[0].Valid:
			got = append(got, j.source+":valid")
		default:
			got = append(got, j.source+":?")
		}
		return nil
	})
	if err != nil || strings.Join(got, " ") != "a:valid gone:unread c:valid" {
		t.Errorf("%v: %q", err, got)
	}
}
