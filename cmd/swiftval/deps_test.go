package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoGRPCLinked: the binary exports traces over OTLP/HTTP with an
// exporter of its own (server/otlp.go) so that google.golang.org/grpc,
// which the upstream HTTP exporter links without using it, stays out:
// 1.9 MB of binary and about 1.5 MB of idle RSS (docs/server.md,
// "Start-up and memory").
func TestNoGRPCLinked(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(gobin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "google.golang.org/grpc") || strings.HasPrefix(p, "go.opentelemetry.io/otel/exporters/") {
			t.Errorf("%s is linked into swiftval", p)
		}
	}
}

// TestShippedBinaryDeps: the man-page generator (cobra/doc and its
// Markdown-to-roff libraries) is built only with -tags mangen.
func TestShippedBinaryDeps(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(gobin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/spf13/cobra/doc") || strings.HasPrefix(p, "github.com/cpuguy83/") || strings.HasPrefix(p, "github.com/russross/") {
			t.Errorf("%s is linked into swiftval", p)
		}
	}
}

// TestManPages builds the generator (-tags mangen) and writes the pages.
func TestManPages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary; skipped in -short mode")
	}
	dir := t.TempDir()
	out, err := exec.Command("go", "run", "-tags", "mangen", ".", "man", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, page := range []string{"swiftval.1", "swiftval-validate.1", "swiftval-serve.1", "swiftval-rules-test.1", "swiftval-completion-bash.1"} {
		b, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil {
			t.Error(err)
			continue
		}
		if !strings.HasPrefix(string(b), ".nh\n.TH \"SWIFTVAL\" \"1\"") {
			t.Errorf("%s is not a man page: %.80q", page, b)
		}
	}
}
