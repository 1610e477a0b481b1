package iso20022

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed/typedtest"
)

// sharedCodes holds ISO's 3Q2025 lists as transcribed in the shared
// reference (code<TAB>name, one file per list), read in place.
const sharedCodes = "../../../shared/reference/external-codes"

// codeSetsHeader heads external_codes.txt.
const codeSetsHeader = `# ISO 20022 external code sets, codes only, for rule iso20022.external-code (SVI309).
# Release 3Q2025 v2 ("3Q2025_externalcodesets_v2"), newest creation date in it 2025-11-30; only codes
# with registration status Registered. Transcribed from ISO's JSON publication as mirrored by
# OpenBankingUK/External_Internal_CodeSets (see external-codes/SOURCES.md of the shared reference).
# This is not the official source: the sole source of up-to-date external code sets is
# https://www.iso20022.org/catalogue-messages/additional-content-messages/external-code-sets
# Regenerate with: go test ./rules/iso20022 -run TestCodeSetsCurrent -update
# Format (docs/external-codes.md): "list<TAB>NAME<TAB>RELEASE<TAB>PUBLISHED", then one code a line.
`

// renderCodeSets builds external_codes.txt from the shared reference lists.
func renderCodeSets(t *testing.T) []byte {
	files, _ := filepath.Glob(filepath.Join(sharedCodes, "External*.tsv"))
	if len(files) == 0 {
		t.Skipf("shared reference absent at %s", sharedCodes)
	}
	var b bytes.Buffer
	b.WriteString(codeSetsHeader)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".tsv")
		b.WriteString("\nlist\t" + name + "\t3Q2025 v2\t2025-11-30\n")
		sc := bufio.NewScanner(bytes.NewReader(raw))
		first := true
		for sc.Scan() {
			if first {
				first = false // header: code<TAB>name
				continue
			}
			code, _, _ := strings.Cut(sc.Text(), "\t")
			if code = strings.TrimSpace(code); code != "" {
				b.WriteString(code + "\n")
			}
		}
	}
	return b.Bytes()
}

// TestCodeSetsCurrent: the shipped lists are the shared reference's, code
// for code (-update rewrites them).
func TestCodeSetsCurrent(t *testing.T) {
	want := renderCodeSets(t)
	if *update {
		if err := os.WriteFile("external_codes.txt", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(want, builtinCodeSets) {
		t.Error("external_codes.txt differs from the shared reference lists; run go test ./rules/iso20022 -run TestCodeSetsCurrent -update")
	}
	s := BuiltinCodeSets()
	for name, n := range map[string]int{"ExternalStatusReason1Code": 301, "ExternalCancellationReason1Code": 33, "ExternalPaymentCancellationRejection1Code": 26, "ExternalPurpose1Code": 332, "ExternalCategoryPurpose1Code": 46, "ExternalReturnReason1Code": 104, "ExternalServiceLevel1Code": 26, "ExternalLocalInstrument1Code": 86, "ExternalChargeType1Code": 14} {
		if l := s.List(name); l == nil || l.Len() != n {
			t.Errorf("%s: %v codes, want %d (SOURCES.md counts)", name, l, n)
		}
	}
	for _, c := range []struct{ list, code string }{{"ExternalStatusReason1Code", "AC04"}, {"ExternalStatusReason1Code", "CHRG"}, {"ExternalPurpose1Code", "INBC"}, {"ExternalPaymentCancellationRejection1Code", "INDM"}} {
		if !s.List(c.list).Has(c.code) {
			t.Errorf("%s lacks %s", c.list, c.code)
		}
	}
	if s.List("ExternalPaymentCancellationRejection1Code").Has("IDMN") {
		t.Error("IDMN was withdrawn in 3Q2025")
	}
}

func TestCodeSetsFileErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"empty", "# nothing\n", "no list"},
		{"code first", "AB01\n", "t.txt:1: code \"AB01\" before any list line"},
		{"short list line", "list\tExternalPurpose1Code\t4Q2025\n", "4 tab-separated cells"},
		{"bad date", "list\tExternalPurpose1Code\t4Q2025\t30.11.2025\nCASH\n", "not YYYY-MM-DD"},
		{"bad name", "list\tPurposes\t4Q2025\t2025-11-30\nCASH\n", "not the name of an ISO 20022 external code set"},
		{"no codes", "list\tExternalPurpose1Code\t4Q2025\t2025-11-30\n", "has no code"},
		{"bad code", "list\tExternalPurpose1Code\t4Q2025\t2025-11-30\nCA SH\n", "not an external code"},
		{"twice", "list\tExternalPurpose1Code\t4Q2025\t2025-11-30\nCASH\nCASH\n", "code CASH twice"},
		{"list twice", "list\tExternalPurpose1Code\tA\t2025-11-30\nCASH\nlist\tExternalPurpose1Code\tB\t2025-11-30\nTAXS\n", "appears twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCodeSets("t.txt", strings.NewReader(tc.text), BuiltinCodeSets())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := New(Options{CodeSetsFile: filepath.Join(t.TempDir(), "absent.txt")}); err == nil {
		t.Error("absent code-set file: no error")
	}
}

// TestExternalCodes: an unknown code of a listed set is a warning at its
// XPath (the message stays valid); an operator file admits a newer code.
func TestExternalCodes(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(fixtures, "iso20022.external-code.fail.xml"))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := typedtest.Report(typedtest.Engine(t, RuleSet()), raw, engine.ValidateOptions{})
	if !r.Valid || !r.HasCode(CodeExternal) {
		t.Fatalf("want a valid report with %s: %v", CodeExternal, r.Findings)
	}
	file := filepath.Join(t.TempDir(), "codes.txt")
	// A newer ExternalPurpose1Code release that adds the fixture's code.
	codes := BuiltinCodeSets().List("ExternalPurpose1Code").Codes()
	text := "list\tExternalPurpose1Code\t1Q2026 v1\t2026-05-29\n" + strings.Join(append(codes, "ZZZQ"), "\n") + "\n"
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, err := New(Options{CodeSetsFile: file})
	if err != nil {
		t.Fatal(err)
	}
	r, _ = typedtest.Report(typedtest.Engine(t, rs), raw, engine.ValidateOptions{})
	if r.HasCode(CodeExternal) {
		t.Errorf("code admitted by the operator file still reported: %v", r.Findings)
	}
	if l := mustSets(t, file).List("ExternalPurpose1Code"); l.Release != "1Q2026 v1" || l.Len() != len(codes)+1 {
		t.Errorf("replaced list: release %s, %d codes", l.Release, l.Len())
	}
}

func mustSets(t *testing.T, file string) *CodeSets {
	t.Helper()
	s, err := LoadCodeSets(file, BuiltinCodeSets())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBuiltinCodeSets: the shipped lists parse (they are parsed on first
// use, so a broken file would otherwise fail a user's run, not the build),
// and the releases the rule cites, read from the list lines alone, are
// those of the parsed lists.
func TestBuiltinCodeSets(t *testing.T) {
	s, err := parseBuiltin()
	if err != nil {
		t.Fatalf("built-in external_codes.txt: %v", err)
	}
	if len(s.Lists()) == 0 {
		t.Fatal("built-in external_codes.txt: no list")
	}
	got, want := builtinReleases(), releasesOf(s)
	if !slices.Equal(got, want) {
		t.Errorf("releases from the list lines %q, parsed %q", got, want)
	}
	if c := releaseCitation(got); c == "" || !strings.Contains(RuleSet().Rules[len(RuleSet().Rules)-1].Info().Source, "("+c+")") {
		t.Errorf("the external-code rule does not cite %q", c)
	}
}
