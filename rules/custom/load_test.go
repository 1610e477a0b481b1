package custom

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/internal/lazyre"
)

// TestLoadErrors: every kind of broken rule set is refused with the problem
// located (file, line, column, rule ID).
// TestRegexpsCompile: the package's regular expressions are compiled on
// first use; each must compile, so that none can fail in a user's run.
func TestRegexpsCompile(t *testing.T) {
	if err := lazyre.CompileAll(); err != nil {
		t.Fatal(err)
	}
}

func TestLoadErrors(t *testing.T) {
	const head = "name: t\nversion: \"1\"\nrules:\n"
	for _, c := range []struct {
		name, yaml string
		line, col  int
		rule, msg  string
	}{
		{"bad YAML", "name: t\nrules: [\n  - id: x\n", 2, 0, "", "invalid YAML"},
		{"YAML tab", head + "  - id: r1\n    applies_to: [MT103]\n    check: \"true\"\n  - id: r2\n\tapplies_to: [MT103]\n", 8, 1, "", "invalid YAML: found a tab character"},
		{"YAML unclosed flow sequence", head + "  - id: r1\n    applies_to: [MT103\n    check: \"true\"\n", 5, 0, "", "invalid YAML: did not find expected ',' or ']'"},
		{"YAML unclosed quote", head + "  - id: r1\n    applies_to: [MT103]\n    check: \"true\n    code: X\n", 6, 0, "", "invalid YAML: found unexpected end of stream"},
		{"unknown field", head + "  - id: r1\n    applies_to: [MT103]\n    chek: true\n", 6, 5, "r1", `unknown field "chek"`},
		{"unknown top-level field", "name: t\nrule: []\n", 2, 1, "", `unknown field "rule"`},
		{"CEL type error", head + "  - id: r1\n    applies_to: [MT103]\n    check: settlement.amount > \"x\"\n", 6, 30, "r1", "no matching overload"},
		{"CEL undeclared name", head + "  - id: r1\n    applies_to: [MT103]\n    check: debtor.nme == \"x\"\n", 6, 18, "r1", "undeclared reference"},
		{"CEL syntax error in block", head + "  - id: r1\n    applies_to: [MT103]\n    check: |\n      debtor.name == \"a\" &&\n      (\n", 9, 0, "r1", "check:"},
		{"not bool", head + "  - id: r1\n    applies_to: [MT103]\n    check: debtor.name\n", 6, 12, "r1", "must be a bool"},
		{"cost too high", head + "  - id: r1\n    applies_to: [MT103]\n    check: mt.fields(\"72\").all(a, mt.fields(\"72\").all(b, a.matches(b)))\n", 6, 12, "r1", "estimated cost"},
		{"duplicate ID", head + "  - id: r1\n    applies_to: [MT103]\n    check: \"true\"\n  - id: r1\n    applies_to: [MT103]\n    check: \"true\"\n", 7, 9, "r1", "duplicate rule id"},
		{"bad severity", head + "  - id: r1\n    severity: fatal\n    applies_to: [MT103]\n    check: \"true\"\n", 5, 15, "r1", "severity must be"},
		{"unknown family", head + "  - id: r1\n    applies_to: [MT103, paymnts]\n    check: \"true\"\n", 5, 25, "r1", "paymnts"},
		{"missing check", head + "  - id: r1\n    applies_to: [MT103]\n", 4, 5, "r1", `missing field "check"`},
		{"unknown placeholder", head + "  - id: r1\n    applies_to: [MT103]\n    check: \"true\"\n    message: \"bad {{debtor.nam}}\"\n", 7, 14, "r1", "debtor.nam"},
		{"failing test", head + "  - id: r1\n    applies_to: [MT103]\n    check: settlement.amount < 100\ntests:\n  - name: big\n    view: {settlement.amount: \"500\"}\n    expect: {valid: true}\n", 8, 0, "", `test "big" failed`},
		{"missing name", "rules: []\n", 1, 1, "", `missing field "name"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := writeSets(t, map[string]string{"set.yaml": c.yaml})
			e := newEngine()
			_, err := NewManager(e, ManagerOptions{Dir: dir})
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want *LoadError", err)
			}
			for _, p := range le.Problems {
				if strings.Contains(p.Message, c.msg) {
					if p.Line != c.line || (c.col != 0 && p.Column != c.col) || p.RuleID != c.rule || !strings.HasSuffix(p.File, "set.yaml") {
						t.Errorf("problem %s: want line %d column %d rule %q", p, c.line, c.col, c.rule)
					}
					if len(e.RuleSets()) != 0 {
						t.Errorf("a refused set was installed")
					}
					return
				}
			}
			t.Errorf("no problem mentions %q: %v", c.msg, err)
		})
	}
}

// TestDuplicateAcrossFiles: two files with the same rule ID are refused,
// the second located.
func TestDuplicateAcrossFiles(t *testing.T) {
	rule := "rules:\n  - id: same\n    applies_to: [MT103]\n    check: \"true\"\n"
	dir := writeSets(t, map[string]string{"a.yaml": "name: a\n" + rule, "b.yaml": "name: b\n" + rule})
	_, err := NewManager(newEngine(), ManagerOptions{Dir: dir})
	var le *LoadError
	if !errors.As(err, &le) || len(le.Problems) != 1 {
		t.Fatalf("err = %v", err)
	}
	p := le.Problems[0]
	if !strings.HasSuffix(p.File, "b.yaml") || p.Line != 3 || p.Column != 9 || p.RuleID != "same" {
		t.Fatalf("problem = %s", p)
	}
}

func TestSizeLimits(t *testing.T) {
	big := "name: big\n#" + strings.Repeat("x", MaxSetBytes) + "\n"
	if _, ps := compile("big.yaml", []byte(big), compileOptions{}); len(ps) != 1 || !strings.Contains(ps[0].Message, "above the limit") {
		t.Fatalf("big file: %v", ps)
	}
	var sb strings.Builder
	sb.WriteString("name: many\nrules:\n")
	for i := 0; i <= MaxRules; i++ {
		sb.WriteString("  - {id: r" + itoa(i) + ", applies_to: [all], check: \"true\"}\n")
	}
	if _, ps := compile("many.yaml", []byte(sb.String()), compileOptions{}); len(ps) != 1 || !strings.Contains(ps[0].Message, "rules, above the limit") {
		t.Fatalf("many rules: %v", ps)
	}
}

func itoa(i int) string { return fmt.Sprint(i) }
