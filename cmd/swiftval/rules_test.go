package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeRuleSet(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "set.yaml"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

const brokenSet = "name: broken\nrules:\n  - id: b.r\n    applies_to: [MT103]\n    check: settlement.amount > \"x\"\n"

const passingSet = `name: tiny
rules:
  - id: tiny.limit
    applies_to: [MT103]
    check: settlement.amount <= decimal("100")
    code: SVU510
tests:
  - name: small
    view: {settlement.amount: "5"}
    expect: {valid: true}
`

const failingTestSet = `name: tiny
rules:
  - id: tiny.limit
    applies_to: [MT103]
    check: settlement.amount <= decimal("100")
tests:
  - name: wrong expectation
    view: {settlement.amount: "500"}
    expect: {valid: true}
`

func TestRulesCommands(t *testing.T) {
	broken, passing := writeRuleSet(t, brokenSet), writeRuleSet(t, passingSet)
	failing := writeRuleSet(t, failingTestSet)
	mt103 := "../../testdata/rulesets/samples/mt103-gb-in-small.fin"
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		output string
	}{
		{"validate with a broken set exits 2 without validating", []string{"validate", "--rules", broken, mt103}, exitUsage, "set.yaml:5:30: rule b.r: check: a decimal amount cannot be compared with \"x\", a string"},
		{"validate with a missing rules dir", []string{"validate", "--rules", filepath.Join(broken, "nope"), mt103}, exitUsage, "no such file"},
		{"validate with a set applies it", []string{"validate", "--budget", "10s", "--rules", passing, mt103}, exitInvalid, "SVU510"},
		{"rules test passes", []string{"rules", "test", "-v", passing}, exitOK, "PASS"},
		{"rules test reports a failing test", []string{"rules", "test", failing}, exitInvalid, `FAIL`},
		{"rules test on a broken set", []string{"rules", "test", broken}, exitUsage, "no matching overload"},
		{"rules lint clean", []string{"rules", "lint", filepath.Join(passing, "set.yaml")}, exitOK, "ok:"},
		{"rules lint broken", []string{"rules", "lint", filepath.Join(broken, "set.yaml")}, exitInvalid, "error:"},
		{"rules lint shipped examples", []string{"rules", "lint", "../../testdata/rulesets"}, exitOK, "ok:"},
		{"rules without subcommand", []string{"rules"}, exitUsage, "Usage"},
		{"rules unknown subcommand", []string{"rules", "frob", passing}, exitUsage, `unknown command "frob"`},
		{"rules test without files", []string{"rules", "test"}, exitUsage, "requires at least 1 arg"},
		{"rules test flag after the files", []string{"rules", "test", passing, "--verbose"}, exitOK, "PASS"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", c.args...)
			if code != c.code || !strings.Contains(out+errs, c.output) {
				t.Errorf("exit %d (want %d); output %q does not contain %q", code, c.code, out+errs, c.output)
			}
		})
	}
}
