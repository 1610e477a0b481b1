package main

import (
	"strings"
	"testing"
)

// TestConsumeSelectorsFailClosed: consume refuses an unknown profile or
// rule set before it connects anywhere (exit 2 with the known values),
// rather than consuming the stream with less checking.
func TestConsumeSelectorsFailClosed(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"profile", []string{"--profile", "bogus"}, `unknown profile "bogus" (known: cbpr+)`},
		{"rule set", []string{"--rulesets", "swift-mt,bogus"}, `unknown rule set "bogus"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"consume", "--nats", "nats://127.0.0.1:1", "--ops-addr", ""}, tc.args...)
			code, _, errOut := runCLI(t, "", args...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, exitUsage, tc.want)
			}
		})
	}
}

// TestPublishUsageErrors: publish refuses what it cannot do as asked
// before it connects anywhere (exit 2, the reason named).
func TestPublishUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"negative count", []string{"--count", "-1", "x.fin"}, "--count and --rate must not be negative"},
		{"zero timeout", []string{"--rate", "10", "--sample", "mt103", "--timeout", "0s"}, "--timeout must be positive"},
		{"rate without input", []string{"--rate", "10"}, "--rate needs files or --sample"},
		{"no input", nil, "name at least one file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"publish", "--nats", "nats://127.0.0.1:1"}, tc.args...)
			code, _, errOut := runCLI(t, "", args...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, exitUsage, tc.want)
			}
		})
	}
}
