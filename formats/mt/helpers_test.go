package mt

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// newEngine returns an engine with only the MT format (no swiftval import,
// to avoid cycles).
func newEngine() *engine.Engine {
	e := engine.New(engine.Options{})
	e.RegisterFormat(NewFormat())
	return e
}

// repoRoot is the module root (two levels above this package).
func repoRoot(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// parseOnly parses raw and returns the message and findings.
func parseOnly(raw string) (*Message, []engine.Finding) {
	var f engine.Findings
	m := Parse([]byte(raw), &f)
	return m, append([]engine.Finding(nil), f.List()...)
}

func hasFinding(fs []engine.Finding, code string, line, col int) bool {
	for _, f := range fs {
		if f.Code == code && (line == 0 || f.Location.Line == line) && (col == 0 || f.Location.Column == col) {
			return true
		}
	}
	return false
}

func validate(t testing.TB, raw string) *engine.Report {
	t.Helper()
	return newEngine().Validate(context.Background(), []byte(raw))
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
