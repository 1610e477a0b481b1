package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// inputTree makes a directory of messages and other files:
//
//	a/x.fin a/y.xml a/.hidden.fin a/sub/z.fin a/sub/.git/k.fin a/skip/w.fin
func inputTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	valid, err := os.ReadFile("../../testdata/mt/valid_mt103.fin")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"a/x.fin", "a/y.xml", "a/.hidden.fin", "a/sub/z.fin", "a/sub/.git/k.fin", "a/skip/w.fin"} {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, valid, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestExpandInputs(t *testing.T) {
	root := inputTree(t)
	a := filepath.Join(root, "a")
	tests := []struct {
		name   string
		args   []string
		filter inputFilter
		want   []string // relative to root; "!x" is an error for x
	}{
		{"directory: recursive, lexical, hidden skipped", []string{a}, inputFilter{}, []string{"a/skip/w.fin", "a/sub/z.fin", "a/x.fin", "a/y.xml"}},
		{"include by base name", []string{a}, inputFilter{include: []string{"*.fin"}}, []string{"a/skip/w.fin", "a/sub/z.fin", "a/x.fin"}},
		{"exclude prunes a directory", []string{a}, inputFilter{exclude: []string{"skip"}}, []string{"a/sub/z.fin", "a/x.fin", "a/y.xml"}},
		{"pattern with a slash matches the relative path", []string{a}, inputFilter{include: []string{"sub/*"}}, []string{"a/sub/z.fin"}},
		{"glob", []string{filepath.Join(a, "*.fin")}, inputFilter{}, []string{"a/x.fin"}},
		{"glob matching a directory walks it", []string{filepath.Join(a, "s*")}, inputFilter{}, []string{"a/skip/w.fin", "a/sub/z.fin"}},
		{"glob with filter", []string{filepath.Join(a, "*")}, inputFilter{include: []string{"*.xml"}}, []string{"a/y.xml"}},
		{"literal file ignores the filter", []string{filepath.Join(a, "y.xml")}, inputFilter{include: []string{"*.fin"}}, []string{"a/y.xml"}},
		{"literal hidden file is read", []string{filepath.Join(a, ".hidden.fin")}, inputFilter{}, []string{"a/.hidden.fin"}},
		{"argument order kept", []string{filepath.Join(a, "y.xml"), "-", filepath.Join(a, "x.fin")}, inputFilter{}, []string{"a/y.xml", "-", "a/x.fin"}},
		{"missing file", []string{filepath.Join(a, "nope.fin"), filepath.Join(a, "x.fin")}, inputFilter{}, []string{"!a/nope.fin", "a/x.fin"}},
		{"glob matching nothing", []string{filepath.Join(a, "*.txt")}, inputFilter{}, []string{"!a/*.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := expandInputs(tt.args, tt.filter, func(p string, _ int64, err error) error {
				if p != "-" {
					p, _ = filepath.Rel(root, p)
					p = filepath.ToSlash(p)
				}
				if err != nil {
					p = "!" + p
				}
				got = append(got, p)
				return nil
			})
			if err != nil || strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v (%v), want %v", got, err, tt.want)
			}
		})
	}
	if err := (inputFilter{include: []string{"[x"}}).check(); err == nil {
		t.Error("a malformed pattern was accepted")
	}
}

var summaryRE = regexp.MustCompile(`(?m)^(\d+) messages?: (\d+) valid, (\d+) invalid, (\d+) unreadable — \d+\.\d\d s$`)

// TestValidateInputsAndSummary: a directory through the command, the
// summary line, --quiet, and no progress line when stderr is not a
// terminal.
func TestValidateInputsAndSummary(t *testing.T) {
	root := inputTree(t)
	invalid := "../../testdata/mt/invalid_mt103_fields.fin"
	code, out, errs := runCLI(t, "", "validate", filepath.Join(root, "a"), invalid, filepath.Join(root, "none*.fin"), "--exclude", "y.xml,skip", "--output", "json")
	if code != exitUsage {
		t.Fatalf("exit %d, want 2 for the glob matching nothing; stderr %q", code, errs)
	}
	var sources []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct{ Source string }
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		rel, err := filepath.Rel(root, r.Source)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = r.Source
		}
		sources = append(sources, filepath.ToSlash(rel))
	}
	want := []string{"a/sub/z.fin", "a/x.fin", invalid, "none*.fin"}
	if strings.Join(sources, " ") != strings.Join(want, " ") {
		t.Errorf("sources %v, want %v", sources, want)
	}
	m := summaryRE.FindStringSubmatch(errs)
	if m == nil || m[1] != "3" || m[2] != "2" || m[3] != "1" || m[4] != "1" {
		t.Errorf("summary: %q", errs)
	}
	if strings.Contains(errs, "\r") {
		t.Errorf("progress line drawn on a non-terminal: %q", errs)
	}
	code, _, errs = runCLI(t, "", "validate", "--quiet", filepath.Join(root, "a", "x.fin"))
	if code != exitOK || errs != "" {
		t.Errorf("--quiet: exit %d, stderr %q", code, errs)
	}
	code, _, errs = runCLI(t, "x", "validate", "-", "-")
	if code != exitUsage || !strings.Contains(errs, "may be named once") {
		t.Errorf("stdin twice: exit %d, stderr %q", code, errs)
	}
}
