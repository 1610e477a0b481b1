package mt

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/mt/golden")

// TestGolden validates every testdata/mt/*.fin message and compares the
// reports (JSON, elapsed time zeroed) with testdata/mt/golden/<name>.json.
// Files named valid_* must be valid, invalid_* invalid.
func TestGolden(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "testdata", "mt")
	files, err := filepath.Glob(filepath.Join(dir, "*.fin"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata in %s: %v", dir, err)
	}
	e := newEngine()
	for _, fn := range files {
		name := strings.TrimSuffix(filepath.Base(fn), ".fin")
		t.Run(name, func(t *testing.T) {
			raw := readFile(t, fn)
			reps := e.ValidateAll(context.Background(), raw, engine.ValidateOptions{})
			var buf bytes.Buffer
			buf.WriteString("[\n")
			for i, r := range reps {
				r.Elapsed = 0
				if i > 0 {
					buf.WriteString(",\n")
				}
				buf.Write(r.AppendJSON(nil))
				switch {
				case strings.HasPrefix(name, "valid_") && !r.Valid:
					t.Errorf("message %d: want valid, got findings %v", i+1, r.Findings)
				case strings.HasPrefix(name, "invalid_") && r.Valid:
					t.Errorf("message %d: want invalid, got valid", i+1)
				}
			}
			buf.WriteString("\n]\n")
			gold := filepath.Join(dir, "golden", name+".json")
			if *update {
				if err := os.WriteFile(gold, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(gold)
			if err != nil {
				t.Fatalf("%v (run go test ./formats/mt -update)", err)
			}
			if !bytes.Equal(want, buf.Bytes()) {
				t.Errorf("report differs from %s (run with -update after checking):\ngot:\n%s\nwant:\n%s", gold, buf.Bytes(), want)
			}
		})
	}
}

// TestEveryTypeHasSample fails when a declared message type has no valid
// sample in testdata/mt (valid_<type>.fin or valid_<type>_*.fin), which
// TestGolden checks to be valid with its whole report: a type added to
// defs.go without a message written from the standard is half registered.
func TestEveryTypeHasSample(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "testdata", "mt")
	for _, ti := range Types() {
		name := "valid_" + strings.ToLower(ti.Type)
		a, _ := filepath.Glob(filepath.Join(dir, name+".fin"))
		b, _ := filepath.Glob(filepath.Join(dir, name+"_*.fin"))
		if len(a)+len(b) == 0 {
			t.Errorf("%s has no sample testdata/mt/%s.fin", ti.Type, name)
		}
	}
}
