package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTableFlags: --cbpr-bizsvc, --cbpr-release and --external-codes (and
// their SWIFTVAL_ variables) reach the rule packs; a broken table or an
// unknown release stops the command with exit 2 naming it.
func TestTableFlags(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/mx/definitions/pacs.002.001.10.xml")
	if err != nil {
		t.Fatal(err)
	}
	// SR2026 pacs.002: the built-in row accepts .03 and .04 (unconfirmed).
	msg := strings.Replace(string(raw), "swift.cbprplus.04", "swift.cbprplus.03", 1)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	only04 := write("bizsvc.tsv", "pacs.002.001.10\tcore\tSR2026\tswift.cbprplus.04\tconfirmed\tour reading of the UG\n")
	broken := write("broken.tsv", "pacs.002.001.10\tcore\n")
	pacs008, err := os.ReadFile("../../testdata/mx/rules/iso20022.external-code.fail.xml")
	if err != nil {
		t.Fatal(err)
	}
	var codes strings.Builder
	codes.WriteString("list\tExternalPurpose1Code\t1Q2026 v1\t2026-05-29\nGDDS\nZZZQ\n")
	newer := write("codes.txt", codes.String())
	mt103, err := os.ReadFile("../../testdata/mt/valid_mt103.fin")
	if err != nil {
		t.Fatal(err)
	}
	badCodes := write("bad-codes.txt", "list\tExternalPurpose1Code\t1Q2026 v1\t2026-05-29\nGDDS\nZZ ZQ\n")

	tests := []struct {
		name   string
		env    map[string]string
		stdin  string
		args   []string
		code   int
		output string // in stdout (or stderr for exit 2)
	}{
		{"built-in table", nil, msg, nil, exitOK, "VALID"},
		{"operator table", nil, msg, []string{"--cbpr-bizsvc", only04}, exitInvalid, "SVC424"},
		{"operator table from the environment", map[string]string{"SWIFTVAL_CBPR_BIZSVC": only04}, msg, nil, exitInvalid, "SVC424"},
		{"broken table", nil, msg, []string{"--cbpr-bizsvc", broken}, exitUsage, "broken.tsv:1"},
		{"absent table", nil, msg, []string{"--cbpr-bizsvc", filepath.Join(dir, "nope.tsv")}, exitUsage, "nope.tsv"},
		{"unknown release", nil, msg, []string{"--cbpr-release", "SR2099"}, exitUsage, "SR2099"},
		{"pinned release", nil, msg, []string{"--cbpr-release", "SR2025"}, exitOK, "VALID"},
		{"built-in code sets", nil, string(pacs008), nil, exitOK, "SVI309"},
		{"newer code sets", nil, string(pacs008), []string{"--external-codes", newer}, exitOK, "0 warning(s)"},
		{"broken code sets", nil, string(pacs008), []string{"--external-codes", badCodes}, exitUsage, "bad-codes.txt:3"},
		{"broken code sets from the environment", map[string]string{"SWIFTVAL_EXTERNAL_CODES": badCodes}, string(pacs008), nil, exitUsage, "bad-codes.txt:3"},
		{"broken table, MT message", nil, string(mt103), []string{"--cbpr-bizsvc", broken}, exitUsage, "broken.tsv:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, out, errOut := runCLI(t, tc.stdin, append(append([]string{"validate"}, tc.args...), "-")...)
			got := out
			if tc.code == exitUsage {
				got = errOut
			}
			if code != tc.code || !strings.Contains(got, tc.output) {
				t.Errorf("exit %d, want %d with %q in:\n%s%s", code, tc.code, tc.output, out, errOut)
			}
			if tc.code == exitUsage && out != "" {
				t.Errorf("a refused table must stop the command before anything is validated; stdout:\n%s", out)
			}
		})
	}
}
