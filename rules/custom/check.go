package custom

import (
	"fmt"
	"path/filepath"

	"github.com/swiftval/swiftval/engine"
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
	if len(ps) > 0 {
		return nil, &LoadError{Problems: ps}
	}
	if len(c.rules) > 0 && len(c.spec.Tests) == 0 {
		warnings = append(warnings, Problem{File: file, Message: "the set has rules but no tests"})
	}
	return warnings, nil
}
