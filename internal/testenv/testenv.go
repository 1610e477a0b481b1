// Package testenv holds what the tests of several packages need to know
// about the environment they run in: whether the race detector is on (it
// distorts allocation counts, since sync.Pool drops items at random, and
// slows evaluation about tenfold), and where the repository and the shared
// reference material beside it (../shared: XSDs, corpora) are.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// Root returns the repository root: the nearest directory above the
// working directory that holds go.mod. It fails the test when there is none.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testenv: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Shared returns the path of elem inside ../shared, the reference material
// that lies beside the repository (CI has it too). It fails the test when
// the path does not exist: tests that need the corpora must not pass
// silently without them.
func Shared(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{Root(t), "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("testenv: %v (the shared reference material must lie beside the repository as ../shared)", err)
	}
	return p
}
