package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateBICDirectory: --bic-directory (or SWIFTVAL_BIC_DIRECTORY) adds
// the directory checks; a malformed file stops the command with its line.
func TestValidateBICDirectory(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "bic.csv")
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(good, []byte("bic,connected\nBANKBEBBXXX,true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("bic\nBANKBEBBXXX\nNOTABIC\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	msg := "../../testdata/mt/valid_mt103.fin"
	code, out, _ := runCLI(t, "", "validate", "--budget", "10s", "--bic-directory", good, msg)
	if code != exitInvalid || !strings.Contains(out, "T27") || !strings.Contains(out, "T28") || !strings.Contains(out, "directory.receiver") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	code, _, errOut := runCLI(t, "", "validate", "--budget", "10s", "--bic-directory", bad, msg)
	if code != exitUsage || !strings.Contains(errOut, "line 3") {
		t.Fatalf("malformed directory: exit %d, stderr %q", code, errOut)
	}
	t.Setenv("SWIFTVAL_BIC_DIRECTORY", good)
	if code, out, _ := runCLI(t, "", "validate", "--budget", "10s", msg); code != exitInvalid || !strings.Contains(out, "T28") {
		t.Fatalf("from the environment: exit %d, output:\n%s", code, out)
	}
}

// TestValidateRulesWithExternalChecks: validate --rules compiles external
// checks (a check on an unreachable endpoint falls back, fail-closed).
func TestValidateRulesWithExternalChecks(t *testing.T) {
	dir := t.TempDir()
	set := "name: ext\nexternal_checks:\n  - {id: ext.down, url: 'http://127.0.0.1:1/x', timeout: 50ms, fallback: fail-closed, code: SVU590, request: 'tx.uetr', response: '[]', retry: {max: 0}}\n"
	if err := os.WriteFile(filepath.Join(dir, "ext.yaml"), []byte(set), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "validate", "--rules", dir, "--external-endpoints", "http://127.0.0.1:1/", "--budget", "2s", "../../testdata/mt/valid_mt103.fin")
	if code != exitInvalid || !strings.Contains(out, "SVE700") || !strings.Contains(out, "fail-closed") {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	// Without --external-endpoints no external check loads: the set is
	// refused, naming the flag (a rule set must not pick its own hosts).
	code, _, errOut = runCLI(t, "", "validate", "--rules", dir, "--budget", "2s", "../../testdata/mt/valid_mt103.fin")
	if code != exitUsage || !strings.Contains(errOut, "--external-endpoints") {
		t.Fatalf("without --external-endpoints: exit %d, stderr:\n%s", code, errOut)
	}
	// An environment variable outside SWIFTVAL_SECRET_* is refused.
	set = strings.Replace(set, "retry: {max: 0}}", "retry: {max: 0}, auth: {secret_env: HOME}}", 1)
	if err := os.WriteFile(filepath.Join(dir, "ext.yaml"), []byte(set), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "", "validate", "--rules", dir, "--external-endpoints", "http://127.0.0.1:1/", "../../testdata/mt/valid_mt103.fin")
	if code != exitUsage || !strings.Contains(errOut, "SWIFTVAL_SECRET_") {
		t.Fatalf("secret_env HOME: exit %d, stderr:\n%s", code, errOut)
	}
}
