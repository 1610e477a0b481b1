package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// TestDeadCodeElimination: the binary the Makefile builds (its BUILD_TAGS,
// with and without the embedded NATS server) reaches no function that looks
// a method up by a name known only at run time (reflect's MethodByName,
// text/template's field evaluation). One such function makes the linker
// keep every exported method of every type linked: with go-playground/
// validator's validateFn and the HTML report's html/template it was 6 MB of
// the image's 35 MB. The linker's -dumpdep marks them <ReflectMethod>.
func TestDeadCodeElimination(t *testing.T) {
	if testing.Short() {
		t.Skip("links the binary twice; skipped in -short mode")
	}
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^BUILD_TAGS \?= (\S+)$`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("no BUILD_TAGS ?= line in the Makefile")
	}
	for _, tags := range []string{string(m[1]), "noembeddednats," + string(m[1])} {
		cmd := exec.Command("go", "build", "-tags", tags, "-ldflags=-dumpdep", "-o", filepath.Join(t.TempDir(), "swiftval"), ".")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go build -tags %s: %v\n%.2000s", tags, err, out)
		}
		if !bytes.Contains(out, []byte("main.main")) {
			t.Fatalf("go build -tags %s -ldflags=-dumpdep printed no dependency of main.main", tags)
		}
		for line := range bytes.Lines(out) {
			if bytes.Contains(line, []byte("<ReflectMethod>")) {
				t.Errorf("-tags %s: reached: %s", tags, bytes.TrimSpace(line))
			}
		}
	}
}
