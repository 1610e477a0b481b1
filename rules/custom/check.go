package custom

import (
	"fmt"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/rules/common"
)

// TestSet compiles a rule-set file without loading it anywhere and runs its
// tests with the formats of e. It returns a *LoadError when the file does
// not parse or compile; otherwise one result per test.
//
// Test files (tests: - file:) are read from the directory of file, confined
// to it as when the set is loaded by a Manager.
func TestSet(e *engine.Engine, file string, data []byte, opts ManagerOptions) ([]TestResult, error) {
	c, ps := compile(file, data, compileOptions{maxCost: opts.MaxCost, maxRuntimeCost: opts.MaxRuntimeCost, trackAll: opts.TrackAllCosts, external: opts.External, dir: filepath.Dir(file)})
	if len(ps) > 0 {
		return nil, &LoadError{Problems: ps}
	}
	return runTests(c, e.Formats(), e.Options()), nil
}

// Lint checks a rule-set file without loading it: it must parse, compile,
// pass its tests, name in disable and severity_overrides only rules of its
// own or of e, and not clash with the rule IDs of e (else a *LoadError); it
// should not lack tests (returned as a warning).
func Lint(e *engine.Engine, file string, data []byte, opts ManagerOptions) (warnings []Problem, err error) {
	c, ps := compile(file, data, compileOptions{maxCost: opts.MaxCost, maxRuntimeCost: opts.MaxRuntimeCost, trackAll: opts.TrackAllCosts, external: opts.External, dir: filepath.Dir(file)})
	if len(ps) > 0 {
		return nil, &LoadError{Problems: ps}
	}
	for _, r := range runTests(c, e.Formats(), e.Options()) {
		if !r.Passed {
			ps = append(ps, Problem{File: r.File, Line: r.Line, Message: fmt.Sprintf("test %q failed: %s", r.Name, r.Detail)})
		}
	}
	known := map[string]string{}
	for _, s := range e.RuleSets() {
		if s.Name == c.set.Name {
			continue
		}
		for _, r := range s.Rules {
			known[r.Info().ID] = s.Label()
		}
	}
	for i, r := range c.rules {
		if set, ok := known[r.info.ID]; ok {
			at := c.spec.Rules[i].at["id"]
			ps = append(ps, Problem{File: file, Line: at.Line, Column: at.Column, RuleID: r.info.ID, Message: fmt.Sprintf("duplicate rule id %q: already used by rule set %s", r.info.ID, set)})
		}
	}
	own := map[string]bool{}
	for _, r := range c.set.Rules { // its rules and its external checks
		own[r.Info().ID] = true
	}
	ps = append(ps, unknownIDs(c, func(id string) bool { _, ok := known[id]; return ok || own[id] })...)
	ps = append(ps, unknownTypes(c, e.MessageTypes())...)
	if len(ps) > 0 {
		return nil, &LoadError{Problems: ps}
	}
	if len(c.rules) > 0 && len(c.spec.Tests) == 0 {
		warnings = append(warnings, Problem{File: file, Message: "the set has rules but no tests"})
	}
	return warnings, nil
}

// unknownTypes locates the applies_to entries of the set's rules and
// external checks that match no message type of types (the engine's): such
// a rule would never run, silently (a typo such as MT10 or
// pacs.008.001). They are errors, failing closed. An MT type of three
// digits always counts as known: any MT parses (level syntax), so a rule
// may target a type the engine has no definition of. A family name
// stands for patterns of the engine's own types and is not checked.
func unknownTypes(c *compiled, types []engine.TypeInfo) []Problem {
	known := func(p string) bool {
		if isMTNumber(p) || p == "MT*" || (strings.HasPrefix(p, "MT") && strings.HasSuffix(p, "*") && common.AllDigits(p[2:len(p)-1])) {
			return true
		}
		for _, t := range types {
			if engine.MatchType(p, t.Type, t.Base) {
				return true
			}
		}
		return false
	}
	const why = "applies_to: %q matches no message type the engine knows, so the rule would never run (an MT type is MT and three digits, or a variant such as MT103STP; an MX type is like pacs.008.001.08, its base pacs.008, or a pattern such as pacs.008.*)"
	var out []Problem
	for _, r := range c.spec.Rules {
		v := r.at["applies_to"]
		if v == nil {
			continue
		}
		entries := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			entries = v.Content
		}
		for _, e := range entries {
			if _, family := families()[e.Value]; e.Kind != yaml.ScalarNode || family || known(e.Value) {
				continue
			}
			out = append(out, Problem{File: c.file, Line: e.Line, Column: e.Column, RuleID: r.ID, Message: fmt.Sprintf(why, e.Value)})
		}
	}
	for _, x := range c.external {
		info := x.Info()
		for _, p := range info.AppliesTo {
			if !known(p) {
				out = append(out, Problem{File: c.file, RuleID: info.ID, Message: fmt.Sprintf("external check "+why, p)})
			}
		}
	}
	return out
}

// isMTNumber reports whether s is "MT" and three digits.
func isMTNumber(s string) bool {
	return len(s) == 5 && strings.HasPrefix(s, "MT") && common.AllDigits(s[2:])
}
