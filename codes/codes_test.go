package codes_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/codes"
	"github.com/swiftval/swiftval/codes/rulecodes"
)

func catalogue(t *testing.T) *codes.Catalogue {
	t.Helper()
	data, err := os.ReadFile("codes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := codes.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestGeneratedCurrent: the constant files and docs/codes.md are what the
// generator writes from codes.yaml today (run `go generate ./codes`).
func TestGeneratedCurrent(t *testing.T) {
	c := catalogue(t)
	files, err := c.GoFiles()
	if err != nil {
		t.Fatal(err)
	}
	files["docs/codes.md"] = c.Markdown(rulecodes.Index())
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join("..", path))
		if err != nil {
			t.Errorf("%s: %v (run go generate ./codes)", path, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./codes", path)
		}
	}
	// No codes_gen.go left over from a family that lost its package.
	_ = filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "codes_gen.go" {
			return nil
		}
		rel, _ := filepath.Rel("..", p)
		if _, ok := files[filepath.ToSlash(rel)]; !ok {
			t.Errorf("%s is not generated from codes.yaml any more: remove it", rel)
		}
		return nil
	})
}

// TestBuiltinRuleCodes: every code a built-in rule reports is catalogued
// and in use.
func TestBuiltinRuleCodes(t *testing.T) {
	c := catalogue(t)
	for code, ids := range rulecodes.Index() {
		e, ok := c.Lookup(code)
		switch {
		case !ok:
			t.Errorf("%s (rules %v) is not in codes.yaml", code, ids)
		case e.Retired:
			t.Errorf("%s (rules %v) is retired in codes.yaml", code, ids)
		}
	}
}

// codeLit matches string literals shaped like finding codes: ours (SV,
// SVM101) and SWIFT's (a capital letter and two digits). Percentile labels
// (P50, P99) are not codes.
var codeLit = regexp.MustCompile(`^(SV[A-Z]?[0-9]{3}|[A-OQ-Z][0-9]{2})$`)

// codeDirs are the source trees that emit findings.
var codeDirs = []string{"engine", "formats", "rules", "payment", "server", "examples", "directory", "external"}

// TestSourceCodesCatalogued scans the Go sources that emit findings
// (generated constant files aside) for code-shaped string literals: each
// must be in the catalogue and not retired; and every catalogued code in
// use must be referenced by the sources (its generated constant, or a
// literal), so the catalogue has no dead entries.
func TestSourceCodesCatalogued(t *testing.T) {
	c := catalogue(t)
	used := map[string]bool{}   // codes written as literals
	idents := map[string]bool{} // identifiers referenced (generated constants)
	for _, dir := range codeDirs {
		err := filepath.WalkDir(filepath.Join("..", dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || strings.HasPrefix(d.Name(), "zz_") || d.Name() == "codes_gen.go" {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					idents[id.Name] = true
					return true
				}
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil || !codeLit.MatchString(s) {
					return true
				}
				used[s] = true
				if e, ok := c.Lookup(s); !ok {
					t.Errorf("%s: code %s is not in codes/codes.yaml", p, s)
				} else if e.Retired {
					t.Errorf("%s: code %s is retired", p, s)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range c.Codes {
		if !e.Retired && !used[e.Code] && (e.Const == "" || !idents[e.Const]) {
			t.Errorf("%s is catalogued but no source emits it: retire it (retired: true) or remove the entry", e.Code)
		}
	}
}

// TestParseRefuses: the checks of Parse, one broken catalogue each.
func TestParseRefuses(t *testing.T) {
	fam := "families:\n  - name: f\n    title: F\n    package: p\n"
	for _, tc := range []struct{ name, yaml, want string }{
		{"bad code", fam + "codes:\n  - {code: X1, family: f, severity: error, meaning: m}\n", "is not a code"},
		{"twice", fam + "codes:\n  - {code: SV001, family: f, severity: error, meaning: m}\n  - {code: SV001, family: f, severity: error, meaning: m}\n", "twice"},
		{"family", fam + "codes:\n  - {code: SV001, family: g, severity: error, meaning: m}\n", "unknown family"},
		{"severity", fam + "codes:\n  - {code: SV001, family: f, severity: fatal, meaning: m}\n", "severity"},
		{"meaning", fam + "codes:\n  - {code: SV001, family: f, severity: error, meaning: ' '}\n", "no meaning"},
		{"const twice", fam + "codes:\n  - {code: SV001, family: f, const: A, severity: error, meaning: m}\n  - {code: SV002, family: f, const: A, severity: error, meaning: m}\n", "both generate"},
		{"unknown field", fam + "codes:\n  - {code: SV001, family: f, severity: error, meaning: m, sevrity: x}\n", "sevrity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := codes.Parse([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
