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
	for _, p := range linked(t) {
		if strings.HasPrefix(p, "google.golang.org/grpc") || strings.HasPrefix(p, "go.opentelemetry.io/otel/exporters/") {
			t.Errorf("%s is linked into swiftval", p)
		}
	}
}

// TestShippedBinaryDeps: the man-page generator (cobra/doc and its
// Markdown-to-roff libraries) is built only with -tags mangen.
func TestShippedBinaryDeps(t *testing.T) {
	for _, p := range linked(t) {
		if strings.HasPrefix(p, "github.com/spf13/cobra/doc") || strings.HasPrefix(p, "github.com/cpuguy83/") || strings.HasPrefix(p, "github.com/russross/") {
			t.Errorf("%s is linked into swiftval", p)
		}
	}
}

// linked lists the packages swiftval links, built with tags (go list
// -deps).
func linked(t *testing.T, tags ...string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-tags", strings.Join(tags, ","), "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := strings.Fields(string(out))
	if len(pkgs) < 20 {
		t.Fatalf("go list -deps named %d packages: %q", len(pkgs), pkgs)
	}
	return pkgs
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
