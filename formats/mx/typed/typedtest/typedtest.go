// Package typedtest helps test rule packs on typed MX messages without the
// full MX format: a minimal Format that decodes with typed.Decode only (no
// schema validation), and golden-report comparison.
package typedtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
)

// Format is a minimal "mx" format over typed.Decode, for tests: it reports
// no schema findings, so golden reports show only the rules under test.
type Format struct{}

// Name implements engine.Format.
func (Format) Name() string { return "mx" }

// Detect implements engine.Format: the input starts with '<'.
func (Format) Detect(raw []byte) bool {
	b := bytes.TrimLeft(raw, " \t\r\n\ufeff")
	return len(b) > 0 && b[0] == '<'
}

// Parse implements engine.Format.
func (Format) Parse(raw []byte, f *engine.Findings) *engine.Message {
	m, err := typed.Decode(raw)
	if m == nil {
		f.Errorf(engine.CodeUnrecognised, engine.Location{Line: 1}, "test format: %v", err)
		return nil
	}
	msg := &engine.Message{Format: "mx", Type: m.ID, Base: m.ID, Level: engine.LevelFull, Body: m, Raw: raw}
	if m.AppHdr != nil && strings.HasPrefix(strings.TrimSpace(m.AppHdr.BizSvc.Value), "swift.cbprplus") {
		msg.Profile = "cbpr+"
	}
	return msg
}

// MessageTypes implements engine.Format.
func (Format) MessageTypes() []engine.TypeInfo { return nil }

// Engine returns an engine with Format and the given rule sets.
func Engine(t testing.TB, sets ...*engine.RuleSet) *engine.Engine {
	e := engine.New(engine.Options{Budget: 1 << 40})
	e.RegisterFormat(Format{})
	for _, s := range sets {
		if err := e.AddRuleSet(s); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// Report validates raw and returns its JSON report with elapsed time zeroed,
// indented one finding per line for readable diffs.
func Report(e *engine.Engine, raw []byte, o engine.ValidateOptions) (*engine.Report, []byte) {
	r := e.ValidateWith(context.Background(), raw, o)
	r.Elapsed = 0
	js := r.AppendJSON(nil)
	js = bytes.ReplaceAll(js, []byte(`},{"code"`), []byte("},\n{\"code\""))
	return r, append(js, '\n')
}

// Golden compares got with the golden file path, or rewrites it when update
// is true.
func Golden(t *testing.T, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the report (run with -update after checking):\n got: %s\nwant: %s", filepath.Base(path), got, want)
	}
}

// RuleCase is one rule's fixture pair: dir/<Rule>.pass.xml must not report
// Code, dir/<Rule>.fail.xml must report it (by that rule, on a line) at Path.
type RuleCase struct {
	Rule, Code, Path string
}

// RuleFixtures runs set's rules over their fixture pairs in dir, compares
// each report with its golden <name>.json (rewritten when update), and
// checks that every rule of set has a case. A pass fixture must be valid;
// with cleanPass it must also report nothing at all (no warning either).
func RuleFixtures(t *testing.T, set *engine.RuleSet, dir string, cases []RuleCase, cleanPass, update bool) {
	t.Helper()
	e := Engine(t, set)
	seen := map[string]bool{}
	for _, r := range set.Rules {
		seen[r.Info().ID] = false
	}
	for _, tc := range cases {
		seen[tc.Rule] = true
		for _, kind := range []string{"pass", "fail"} {
			t.Run(tc.Rule+"/"+kind, func(t *testing.T) {
				name := filepath.Join(dir, tc.Rule+"."+kind)
				raw, err := os.ReadFile(name + ".xml")
				if err != nil {
					t.Fatal(err)
				}
				r, js := Report(e, raw, engine.ValidateOptions{})
				Golden(t, name+".json", js, update)
				var hit *engine.Finding
				for i := range r.Findings {
					if r.Findings[i].Code == tc.Code {
						hit = &r.Findings[i]
						break
					}
				}
				switch {
				case kind == "pass" && hit != nil:
					t.Errorf("pass fixture reports %s: %s", tc.Code, hit.Message)
				case kind == "pass" && (!r.Valid || cleanPass && len(r.Findings) > 0):
					t.Errorf("pass fixture invalid: %v", r.Findings)
				case kind == "fail" && hit == nil:
					t.Errorf("fail fixture does not report %s: %v", tc.Code, r.Findings)
				case kind == "fail" && hit.Location.Path != tc.Path:
					t.Errorf("%s at %s, want %s", tc.Code, hit.Location.Path, tc.Path)
				case kind == "fail" && (hit.Rule != tc.Rule || hit.Location.Line == 0):
					t.Errorf("finding rule %s line %d severity %v", hit.Rule, hit.Location.Line, hit.Severity)
				}
			})
		}
	}
	for id, ok := range seen {
		if !ok {
			t.Errorf("rule %s has no test case", id)
		}
	}
}
