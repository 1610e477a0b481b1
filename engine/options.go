package engine

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Selectors of ValidateOptions fail closed: a format, profile or rule set
// the engine does not know is an error, never a silent downgrade of
// checking (an unknown profile would otherwise apply no profile rules and
// an unknown rule set no rules at all). Front ends call CheckOptions before
// validating and refuse the request (HTTP 400, exit status 2) with the
// known values; a caller that validates anyway gets a report that is never
// valid and says why (codes SV013, SV014, SV015).

// ErrUnknownSelector is matched (errors.Is) by every *OptionError.
var ErrUnknownSelector = errors.New("unknown selector")

// OptionError reports one ValidateOptions selector that names nothing
// registered in the engine.
type OptionError struct {
	// Option is the selector: "format", "profile" or "rulesets".
	Option string
	// Value is the value given, as given.
	Value string
	// Known lists the values the engine accepts for Option, sorted.
	Known []string
}

// Error implements error: `unknown profile "x" (known: cbpr+)`.
func (e *OptionError) Error() string {
	known := "none"
	if len(e.Known) > 0 {
		known = strings.Join(e.Known, ", ")
	}
	return fmt.Sprintf("unknown %s %s (known: %s)", optionNoun(e.Option), Echo(e.Value), known)
}

// Is makes errors.Is(err, ErrUnknownSelector) true.
func (e *OptionError) Is(target error) bool { return target == ErrUnknownSelector }

func optionNoun(option string) string {
	switch option {
	case "rulesets":
		return "rule set"
	}
	return option
}

// CheckOptions reports every selector of o that names nothing registered:
// a forced Format that is no registered format, a Profile under which no
// registered rule set applies, a name in RuleSets that is no registered
// rule set. It returns nil when all are known, else one *OptionError per
// unknown value, joined (errors.Join; errors.As finds the first). Empty
// selectors (detect the format, the message's own profile, every set) are
// always accepted.
func (e *Engine) CheckOptions(o ValidateOptions) error {
	return e.cfg.Load().checkOptions(o)
}

// KnownProfiles lists the profiles of the registered rule sets, sorted.
func (e *Engine) KnownProfiles() []string { return e.cfg.Load().profileList() }

func (c *config) checkOptions(o ValidateOptions) error {
	var errs []error
	if o.Format != "" && c.pickFormat(nil, o.Format) == nil {
		errs = append(errs, &OptionError{Option: "format", Value: o.Format, Known: c.formatNames()})
	}
	if o.Profile != "" && !c.hasProfile(o.Profile) {
		errs = append(errs, &OptionError{Option: "profile", Value: o.Profile, Known: c.profileList()})
	}
	for _, n := range o.RuleSets {
		if !c.hasSet(n) {
			names := make([]string, 0, len(c.sets))
			for _, s := range c.sets {
				names = append(names, s.Name)
			}
			sort.Strings(names)
			errs = append(errs, &OptionError{Option: "rulesets", Value: n, Known: names})
		}
	}
	return errors.Join(errs...)
}

func (c *config) formatNames() []string {
	names := make([]string, 0, len(c.formats))
	for _, f := range c.formats {
		names = append(names, f.Name())
	}
	sort.Strings(names)
	return names
}

func (c *config) hasProfile(p string) bool {
	for _, s := range c.sets {
		if s.Profile == p {
			return true
		}
	}
	return false
}

func (c *config) hasSet(name string) bool {
	for _, s := range c.sets {
		if s.Name == name {
			return true
		}
	}
	return false
}

func (c *config) profileList() []string {
	var out []string
	for _, s := range c.sets {
		if s.Profile != "" && !contains(out, s.Profile) {
			out = append(out, s.Profile)
		}
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// refuseSelectors adds the findings of a validation whose selectors name
// nothing registered (see CheckOptions) and reports whether there were
// any: such a validation runs nothing and is never valid. It costs nothing
// when no profile or rule set is named (the usual case).
func (c *config) refuseSelectors(o ValidateOptions, f *Findings) bool {
	if o.Profile == "" && len(o.RuleSets) == 0 {
		return false
	}
	refused := false
	if o.Profile != "" && !c.hasProfile(o.Profile) {
		f.SetRule("engine.options", "")
		f.Errorf(CodeUnknownProfile, Location{}, "unknown profile %s (known: %s): nothing was validated, so the message cannot be reported valid", Echo(o.Profile), listOrNone(c.profileList()))
		refused = true
	}
	for _, n := range o.RuleSets {
		if !c.hasSet(n) {
			f.SetRule("engine.options", "")
			f.Errorf(CodeUnknownRuleSet, Location{}, "unknown rule set %s: nothing was validated, so the message cannot be reported valid", Echo(n))
			refused = true
		}
	}
	return refused
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}
