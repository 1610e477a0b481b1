package main

import (
	"os/exec"
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
