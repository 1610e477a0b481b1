package engine

import (
	"fmt"
	"strings"
)

// Findings collects the findings of one message. Rules append to it through
// Add and Addf; the engine stamps each finding with the rule ID and rule set
// of the rule being run, and applies severity overrides.
//
// A Findings is not safe for concurrent use; each validation has its own.
type Findings struct {
	list    []Finding
	rule    string
	ruleSet string
	sev     Severity
	over    bool // sev overrides the severity given by the rule
	errors  int
}

// Add appends a finding with the given code, severity, location and message.
func (f *Findings) Add(code string, sev Severity, loc Location, msg string) {
	if f.over {
		sev = f.sev
	}
	if sev == Error {
		f.errors++
	}
	f.list = append(f.list, Finding{Code: code, Severity: sev, Rule: f.rule, Message: msg, Location: loc, RuleSet: f.ruleSet})
}

// Error appends an error finding.
func (f *Findings) Error(code string, loc Location, msg string) { f.Add(code, Error, loc, msg) }

// Warn appends a warning finding.
func (f *Findings) Warn(code string, loc Location, msg string) { f.Add(code, Warning, loc, msg) }

// Errorf appends an error finding with a formatted message. Quote offending
// values with Echo.
func (f *Findings) Errorf(code string, loc Location, format string, args ...any) {
	f.Add(code, Error, loc, fmt.Sprintf(format, args...))
}

// Warnf appends a warning finding with a formatted message.
func (f *Findings) Warnf(code string, loc Location, format string, args ...any) {
	f.Add(code, Warning, loc, fmt.Sprintf(format, args...))
}

// SetRule sets the rule ID and rule set stamped on findings added from now
// on. Parsers call it to attribute parse findings ("mt.block1" ...).
func (f *Findings) SetRule(id, ruleSet string) {
	f.rule, f.ruleSet, f.over = id, ruleSet, false
}

// List returns the findings so far. The slice is owned by f.
func (f *Findings) List() []Finding { return f.list }

// Len returns the number of findings so far.
func (f *Findings) Len() int { return len(f.list) }

// Errors returns the number of error findings so far.
func (f *Findings) Errors() int { return f.errors }

// Reset empties f for reuse, keeping its storage.
func (f *Findings) Reset() {
	clear(f.list)
	f.list = f.list[:0]
	f.rule, f.ruleSet, f.over, f.errors = "", "", false, 0
}

// detach gives every finding's strings storage of their own, so they no
// longer point into the input or into a Message the format recycles.
func (f *Findings) detach() {
	for i := range f.list {
		x := &f.list[i]
		x.Message = strings.Clone(x.Message)
		x.Location.Field = strings.Clone(x.Location.Field)
		x.Location.Path = strings.Clone(x.Location.Path)
	}
}

func (f *Findings) setRule(id, ruleSet string, sev Severity, over bool) {
	f.rule, f.ruleSet, f.sev, f.over = id, ruleSet, sev, over
}
