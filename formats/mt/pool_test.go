package mt

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/internal/testenv"
)

// poolInputs returns the test messages of testdata/mt (valid and invalid,
// RJE batches included) plus the benchmark messages.
func poolInputs(t *testing.T) [][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot(t), "testdata", "mt", "*.fin"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	var in [][]byte
	for _, fn := range files {
		in = append(in, readFile(t, fn))
	}
	return append(in, []byte(mt103), []byte(mt940(50)), []byte(mt940(3)), []byte(":20:X\r\n:32A:991399EUR1.5\r\n-}"))
}

// reportsJSON validates raw message by message and returns the reports and
// their JSON (elapsed time zeroed).
func reportsJSON(e *engine.Engine, raw []byte) ([]*engine.Report, []byte) {
	reps := e.ValidateAll(context.Background(), raw, engine.ValidateOptions{})
	var b []byte
	for _, r := range reps {
		r.Elapsed = 0
		b = r.AppendJSON(b)
	}
	return reps, b
}

// TestPoolReuseKeepsReports validates message A, then every other message
// (so A's pooled Message is reused for them), then checks that A's report is
// unchanged: nothing a Report keeps points into recycled storage.
func TestPoolReuseKeepsReports(t *testing.T) {
	e := newEngine()
	inputs := poolInputs(t)
	for i, a := range inputs {
		repsA, before := reportsJSON(e, a)
		for j, b := range inputs {
			if j != i {
				reportsJSON(e, b)
			}
		}
		var after []byte
		for _, r := range repsA {
			after = r.AppendJSON(after)
		}
		if !bytes.Equal(before, after) {
			t.Fatalf("input %d: report changed after other validations:\nbefore %s\nafter  %s", i, before, after)
		}
		// And validating A again gives the same report.
		if _, again := reportsJSON(e, a); !bytes.Equal(before, again) {
			t.Fatalf("input %d: second validation differs:\nfirst  %s\nsecond %s", i, before, again)
		}
	}
}

// TestPoolConcurrent validates the test messages from several goroutines at
// once (run it with -race): every report must equal the one computed alone.
func TestPoolConcurrent(t *testing.T) {
	e := newEngine()
	inputs := poolInputs(t)
	want := make([][]byte, len(inputs))
	for i, in := range inputs {
		_, want[i] = reportsJSON(e, in)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 20; k++ {
				i := (g*7 + k) % len(inputs)
				if _, got := reportsJSON(e, inputs[i]); !bytes.Equal(got, want[i]) {
					t.Errorf("input %d: concurrent report differs:\ngot  %s\nwant %s", i, got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestReleaseWipes checks that Release clears what a pooled Message holds
// (so it does not pin the caller's input) and ignores foreign messages.
func TestReleaseWipes(t *testing.T) {
	fm := &Format{}
	var f engine.Findings
	raw := []byte(mt940(10))
	em := fm.Parse(raw, &f)
	m := From(em)
	if m == nil || len(m.Fields) == 0 || em.Type != "MT940" || em.Body != m {
		t.Fatalf("parse: %+v", em)
	}
	fields, comps := m.Fields, m.compBuf
	fm.Release(em)
	if m.Raw != "" || m.Type != "" || len(m.Fields) != 0 || m.em.Body != nil || m.em.Raw != nil || len(m.Seqs) != 0 {
		t.Errorf("Release left state behind: %+v", m)
	}
	for i := range fields {
		if fields[i].Tag != "" || fields[i].Value != "" || fields[i].Components != nil {
			t.Fatalf("field %d not cleared: %+v", i, fields[i])
		}
	}
	for i := range comps {
		if comps[i] != (Component{}) {
			t.Fatalf("component %d not cleared: %+v", i, comps[i])
		}
	}
	// A message not made by Format.Parse is left alone.
	other := Parse(raw, &f)
	foreign := &engine.Message{Format: "mt", Body: other}
	fm.Release(foreign)
	fm.Release(nil)
	if other.Raw == "" || len(other.Fields) == 0 {
		t.Error("Release touched a message it did not make")
	}
}

// TestPoolReuse checks that the steady state reuses pooled messages: a
// Parse after a Release gets storage back without allocating.
func TestPoolReuse(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	fm := &Format{}
	var f engine.Findings
	raw := []byte(mt103)
	fm.Release(fm.Parse(raw, &f))
	n := testing.AllocsPerRun(100, func() {
		f.Reset()
		fm.Release(fm.Parse(raw, &f))
	})
	if n != 0 {
		t.Errorf("Parse+Release = %.1f allocations, want 0", n)
	}
}

// TestPooledParseMatchesFresh parses a series of messages through the pool
// (each one reusing the storage of the one before: more fields, sequences,
// a repeated block 4, fields that fail their format) and checks that each
// pooled Message equals a fresh Parse of the same input.
func TestPooledParseMatchesFresh(t *testing.T) {
	inputs := []string{
		mt940(20),
		b1 + b2 + "{4:\r\n:21:A\r\n:20:B\r\n:32A:X\r\n:61:Y\r\n-}{4:\r\n:20:C\r\n-}",
		mt103,
		strings.Replace(mt103, ":32A:250115EUR1234,56", ":32A:2501EUR", 1),
		mt940(3),
		":20:X\r\n:32A:991399EUR1.5\r\n-}",
		mt940(30),
		mt103,
	}
	fm := &Format{}
	for round := 0; round < 3; round++ {
		for i, in := range inputs {
			var f1, f2 engine.Findings
			em := fm.Parse([]byte(in), &f1)
			want := Parse([]byte(in), &f2)
			got := From(em)
			if !reflect.DeepEqual(got.Fields, want.Fields) || !reflect.DeepEqual(got.Seqs, want.Seqs) || !reflect.DeepEqual(f1.List(), f2.List()) {
				t.Fatalf("round %d input %d: pooled parse differs from a fresh one", round, i)
			}
			fm.Release(em)
		}
	}
}
