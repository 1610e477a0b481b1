package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestValidateUsageAndIOErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.fin")
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), 200), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no arguments", []string{}, exitUsage, ""},
		{"unknown command", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"validate without files", []string{"validate"}, exitUsage, "Usage: swiftval validate"},
		{"bad output", []string{"validate", "--output", "xml", "-"}, exitUsage, "--output must be text or json"},
		{"bad format", []string{"validate", "--format", "csv", "-"}, exitUsage, "--format must be mt or mx"},
		{"missing file", []string{"validate", filepath.Join(dir, "nope.fin")}, exitUsage, "no such file"},
		{"file above the batch limit", []string{"validate", "--max-bytes", "2", big}, exitUsage, "refused"},
		{"help", []string{"validate", "--help"}, exitOK, "Exit status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d with %q", code, stderr, tt.code, tt.stderr)
			}
		})
	}
}

func TestValidateUnrecognisedInputIsInvalid(t *testing.T) {
	code, out, _ := runCLI(t, "hello, world", "validate", "--output", "json", "-")
	if code != exitInvalid {
		t.Fatalf("exit %d, want %d", code, exitInvalid)
	}
	var rep struct {
		Valid    bool   `json:"valid"`
		Source   string `json:"source"`
		Findings []struct {
			Code string `json:"code"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &rep); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out)
	}
	if rep.Valid || rep.Source != "stdin" || len(rep.Findings) != 1 || rep.Findings[0].Code != "SV010" {
		t.Fatalf("report: %+v", rep)
	}
}
