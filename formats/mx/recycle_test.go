package mx_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
)

// TestRecycleConcurrent validates the MX rule fixtures (valid and invalid,
// several message types) from concurrent goroutines: the typed messages the
// engine releases are reused by other validations, which must not change
// any report (findings, paths, lines) from the sequential one.
func TestRecycleConcurrent(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/mx/rules/*.xml")
	if len(files) == 0 {
		t.Skip("no fixtures")
	}
	// A budget no loaded test machine exhausts: only recycling may change
	// a report here.
	eng := swiftval.New(engine.Options{Budget: time.Minute})
	inputs := make([][]byte, len(files))
	want := make([]string, len(files))
	for i, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[i] = raw
		r := eng.Validate(context.Background(), raw)
		r.Elapsed = 0
		want[i] = string(r.AppendJSON(nil))
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 3 * len(inputs) {
				i := (k*7 + g*13) % len(inputs)
				r := eng.Validate(context.Background(), inputs[i])
				r.Elapsed = 0
				if got := string(r.AppendJSON(nil)); got != want[i] {
					t.Errorf("%s: concurrent report differs:\n%s\nwant\n%s", files[i], got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}
