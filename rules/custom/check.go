package custom

import (
	"fmt"

	"github.com/swiftval/swiftval/engine"
)

// TestSet compiles a rule-set file without loading it anywhere and runs its
// tests with the formats of e. It returns a *LoadError when the file does
// not parse or compile; otherwise one result per test.
func TestSet(e *engine.Engine, file string, data []byte, opts ManagerOptions) ([]TestResult, error) {
	c, ps := compile(file, data, compileOptions{maxCost: opts.MaxCost, maxRuntimeCost: opts.MaxRuntimeCost, trackAll: opts.TrackAllCosts, external: opts.External})
	if len(ps) > 0 {
		return nil, &LoadError{Problems: ps}
	}
	return runTests(c, e.Formats(), e.Options()), nil
}

// Lint checks a rule-set file without loading it: it must parse, compile
// and pass its tests (else a *LoadError), and it should not name rules
// unknown to e in disable or severity_overrides, nor clash with the rule IDs
// of e, nor lack tests (returned as warnings).
func Lint(e *engine.Engine, file string, data []byte, opts ManagerOptions) (warnings []Problem, err error) {
	c, ps := compile(file, data, compileOptions{maxCost: opts.MaxCost, maxRuntimeCost: opts.MaxRuntimeCost, trackAll: opts.TrackAllCosts, external: opts.External})
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
	if len(ps) > 0 {
		return nil, &LoadError{Problems: ps}
	}
	for _, w := range unknownIDs(c.set, known) {
		warnings = append(warnings, Problem{File: file, Message: w})
	}
	if len(c.rules) > 0 && len(c.spec.Tests) == 0 {
		warnings = append(warnings, Problem{File: file, Message: "the set has rules but no tests"})
	}
	return warnings, nil
}
