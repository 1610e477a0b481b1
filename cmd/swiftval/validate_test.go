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
		{"no arguments", []string{}, exitUsage, "Available Commands"},
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"validate without files", []string{"validate"}, exitUsage, "name at least one file"},
		{"bad output", []string{"validate", "--output", "xml", "-"}, exitUsage, `invalid argument "xml" for "--output" flag: want one of text, json, junit, sarif`},
		{"bad format", []string{"validate", "-", "--format", "csv"}, exitUsage, "--format"},
		{"bad budget names the form", []string{"validate", "--budget", "5", "-"}, exitUsage, "a duration such as 5ms"},
		{"bad size names the form", []string{"validate", "--max-bytes", "lots", "-"}, exitUsage, "a size in bytes such as 1048576"},
		{"zero size", []string{"validate", "--max-bytes", "0", "-"}, exitUsage, "--max-bytes must be between"},
		{"unknown flag points at help", []string{"validate", "--frob", "-"}, exitUsage, "Run 'swiftval validate --help'"},
		{"missing file", []string{"validate", filepath.Join(dir, "nope.fin")}, exitUsage, "no such file"},
		{"file above the batch limit", []string{"validate", "--max-bytes", "2", big}, exitUsage, "refused"},
		// Fail closed (issue 17, item 2): these used to validate with no
		// CBPR+ rules, or no rules at all, and report VALID.
		{"unknown profile", []string{"validate", "--profile", "bogus", "-"}, exitUsage, `unknown profile "bogus" (known: cbpr+)`},
		{"profile spelled cbprplus", []string{"validate", "--profile", "cbprplus", "-"}, exitUsage, "known: cbpr+"},
		{"unknown rule set", []string{"validate", "--rulesets", "bogus", "-"}, exitUsage, `unknown rule set "bogus" (known: cbpr+, iso20022, swift-mt)`},
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

func TestHelp(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--help"}, []string{"validate", "serve", "rules", "bench", "completion", "SWIFTVAL_<FLAG>"}},
		{[]string{"help", "validate"}, []string{"Exit status", "--output", "SWIFTVAL_OUTPUT", "--budget duration"}},
		{[]string{"validate", "--help"}, []string{"Exit status", "--max-bytes size"}},
		{[]string{"rules", "test", "-h"}, []string{"--verbose", "SWIFTVAL_VERBOSE"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errs := runCLI(t, "", tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("help lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestCompletion: cobra's completion scripts for the shells people use.
func TestCompletion(t *testing.T) {
	for _, sh := range []struct{ name, want string }{{"bash", "__start_swiftval"}, {"zsh", "#compdef swiftval"}, {"fish", "complete -c swiftval"}} {
		code, out, errs := runCLI(t, "", "completion", sh.name)
		if code != exitOK || !strings.Contains(out, sh.want) {
			t.Errorf("%s: exit %d, %s; script lacks %q", sh.name, code, errs, sh.want)
		}
	}
	// The flag values a shell offers for --output come from the command.
	code, out, _ := runCLI(t, "", "__complete", "validate", "--output", "")
	if code != exitOK || !strings.Contains(out, "json\n") || !strings.Contains(out, "text\n") {
		t.Errorf("completion of --output: exit %d\n%s", code, out)
	}
}

// TestFlagsAnywhere: flags may follow the file names (pflag's interspersed
// parsing); "--" ends the flags.
func TestFlagsAnywhere(t *testing.T) {
	code, out, errs := runCLI(t, "hello", "validate", "-", "--output", "json")
	if code != exitInvalid || !strings.HasPrefix(out, "{") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, _, errs = runCLI(t, "", "validate", "--", "--output")
	if code != exitUsage || !strings.Contains(errs, "--output: no such file") {
		t.Fatalf("after --: exit %d, stderr %q", code, errs)
	}
}

// TestEnvBinding: SWIFTVAL_<FLAG> sets a flag of any command (one
// mechanism, bindEnv); the command line wins.
func TestEnvBinding(t *testing.T) {
	t.Setenv("SWIFTVAL_OUTPUT", "json")
	code, out, _ := runCLI(t, "hello", "validate", "-")
	if code != exitInvalid || !strings.HasPrefix(out, "{") {
		t.Fatalf("SWIFTVAL_OUTPUT=json not applied: exit %d %q", code, out)
	}
	code, out, _ = runCLI(t, "hello", "validate", "--output", "text", "-")
	if code != exitInvalid || !strings.HasPrefix(out, "stdin") {
		t.Fatalf("the flag must win over SWIFTVAL_OUTPUT: exit %d %q", code, out)
	}
	t.Setenv("SWIFTVAL_BUDGET", "soon")
	code, _, errs := runCLI(t, "hello", "validate", "-")
	if code != exitUsage || !strings.Contains(errs, "SWIFTVAL_BUDGET: want a duration such as 5ms") {
		t.Fatalf("bad SWIFTVAL_BUDGET: exit %d %q", code, errs)
	}
}

// TestEnvNamedInHelp: every flag's help names its SWIFTVAL_ variable,
// once, wherever the help is shown (--help, help, shell completion), though
// the names are added only when it is; cobra's --help has none.
func TestEnvNamedInHelp(t *testing.T) {
	tests := []struct {
		args       []string
		want, not  []string
		wantStatus int
	}{
		{[]string{"validate", "--help"}, []string{"report format: text, json", "(env SWIFTVAL_OUTPUT)", "(env SWIFTVAL_EXTERNAL_CODES)"}, []string{"SWIFTVAL_HELP", "(env SWIFTVAL_OUTPUT) (env"}, exitOK},
		{[]string{"help", "serve"}, []string{"(env SWIFTVAL_ADDR)"}, []string{"SWIFTVAL_HELP"}, exitOK},
		{[]string{"rules", "test", "-h"}, []string{"(env SWIFTVAL_VERBOSE)"}, []string{"SWIFTVAL_HELP"}, exitOK},
		{[]string{"__complete", "validate", "--"}, []string{"--budget\tlatency budget per message (env SWIFTVAL_BUDGET)\n"}, []string{"SWIFTVAL_HELP"}, exitOK},
		{[]string{"rules"}, []string{"Usage"}, []string{"SWIFTVAL_HELP"}, exitUsage},
		{[]string{"bench", "--help"}, []string{"(env SWIFTVAL_RATE)", "(env SWIFTVAL_P99)"}, []string{"SWIFTVAL_HELP"}, exitOK},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errs := runCLI(t, "", tc.args...)
			all := out + errs
			if code != tc.wantStatus {
				t.Fatalf("exit %d, want %d: %s", code, tc.wantStatus, all)
			}
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(all, n) {
					t.Errorf("output has %q:\n%s", n, all)
				}
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

// TestOutputFormats: each --output writes its format through package
// output, unreadable inputs included (the formats themselves are checked
// against their schemas in package output).
func TestOutputFormats(t *testing.T) {
	invalid := "../../testdata/mt/invalid_mt103_fields.fin"
	missing := filepath.Join(t.TempDir(), "missing.fin")
	tests := []struct {
		output string
		want   []string
	}{
		{"text", []string{"invalid_mt103_fields.fin#1: MT103 (mt, full): INVALID", "missing.fin: NOT CHECKED: stat "}},
		{"json", []string{`"type":"MT103"`, `"error":{"detail":"stat `}},
		{"junit", []string{`<testsuites name="swiftval" tests="2" failures="1" errors="1"`, `classname="swiftval.mt.MT103"`, `type="T26"`}},
		{"sarif", []string{`"version":"2.1.0"`, `"ruleId":"T26"`, `"region":{"startLine":2,"startColumn":5}`, `"executionSuccessful":false`}},
	}
	for _, tt := range tests {
		t.Run(tt.output, func(t *testing.T) {
			code, out, errs := runCLI(t, "", "validate", invalid, missing, "--output", tt.output)
			if code != exitUsage || !strings.Contains(errs, "no such file") {
				t.Errorf("exit %d, stderr %q; want 2 naming the missing file", code, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
