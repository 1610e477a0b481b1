package engine

import "strings"

// Rule is one check. A Rule is immutable and safe for concurrent use.
//
// Check appends one finding per problem to f; it never stops at the first
// problem and never panics on any message the format can produce (the engine
// recovers a panic all the same and reports it as code SV003).
type Rule interface {
	Info() RuleInfo
	Check(m *Message, f *Findings)
}

// RuleInfo describes a rule.
type RuleInfo struct {
	// ID is stable across releases: "mt.MT103.C1", "cbpr.R12", "bic.structure".
	ID string `json:"id"`
	// Code is the main code the rule reports (a rule may report others).
	Code string `json:"code"`
	// Severity is the severity of the rule's findings before overrides.
	Severity Severity `json:"severity"`
	// AppliesTo lists message-type patterns: exact types ("MT103" matches
	// MT103 and its variants MT103STP/MT103REMIT, "MT103STP" only that
	// variant), globs ending in '*' ("MT*", "pacs.008.*"), or "*" for all.
	AppliesTo []string `json:"applies_to"`
	// Format restricts the rule to one format ("mt", "mx"); empty for any.
	Format string `json:"format,omitempty"`
	// Source cites where the rule comes from: the standard, its release and
	// the rule or section, with a public URL where the publisher has one
	// ("SWIFT Standards MT SR2015, Category 1, MT 101, network validated
	// rule C2"). It is a citation a user can read, not a research note: the
	// built-in rules keep theirs to 160 characters.
	Source string `json:"source,omitempty"`
	// Notes, when set, refers to the research behind the rule: the evidence
	// read, conflicts between releases, what is unconfirmed. The built-in
	// rules point at their section of the repository's docs/sources.md
	// ("docs/sources.md#mt.MT101.D60", the anchor being the rule ID).
	Notes string `json:"notes,omitempty"`
	// Description is a one-line plain-English summary.
	Description string `json:"description,omitempty"`
}

// Applies reports whether a rule with these patterns applies to a message of
// the given format, type and base type.
func (ri *RuleInfo) Applies(format, typ, base string) bool {
	if ri.Format != "" && ri.Format != format {
		return false
	}
	for _, p := range ri.AppliesTo {
		if MatchType(p, typ, base) {
			return true
		}
	}
	return false
}

// MatchType reports whether pattern p matches a message of type typ whose
// base type is base. See RuleInfo.AppliesTo for the pattern forms.
func MatchType(p, typ, base string) bool {
	switch {
	case p == "*":
		return typ != ""
	case strings.HasSuffix(p, "*"):
		return strings.HasPrefix(typ, p[:len(p)-1])
	default:
		return p == typ || (base != "" && p == base)
	}
}

// Costly is implemented by rules whose run may take long (interpreted user
// rules, rules that look at every line of a long statement). The engine
// checks the latency budget before each run of a Costly rule, instead of
// once every few cheap rules.
type Costly interface {
	Rule
	Costly()
}

// Starter is implemented by rules that wait on something outside the
// process (external checks calling a service). Before the first rule of a
// validation runs, the engine calls Start on every Starter rule that will
// run, in rule order, so their waits overlap: one message's calls run
// concurrently, and Check then collects each result. Start must return
// quickly (it starts work, it does not wait for it), must not keep m or
// anything that points into it once the validation ends, and must not
// panic (the engine recovers a panic all the same, reported as SV003 on
// that rule). Check must still work when Start was not called (a caller
// that runs rules itself).
type Starter interface {
	Rule
	Start(m *Message)
}

// RuleFunc adapts a function to the Rule interface.
type RuleFunc struct {
	Meta RuleInfo
	Fn   func(m *Message, f *Findings)
}

// Info implements Rule.
func (r *RuleFunc) Info() RuleInfo { return r.Meta }

// Check implements Rule.
func (r *RuleFunc) Check(m *Message, f *Findings) { r.Fn(m, f) }

// NewRule returns a Rule from its description and check function.
func NewRule(info RuleInfo, fn func(m *Message, f *Findings)) Rule {
	return &RuleFunc{Meta: info, Fn: fn}
}

// RuleSet is a named, versioned group of rules that can be applied as a unit.
type RuleSet struct {
	// Name is unique within an engine ("swift-mt", "cbpr+", "corridor-limits").
	Name string `json:"name"`
	// Version of the rule set ("SR2025", "1.2.0").
	Version string `json:"version"`
	// Description is a one-line summary.
	Description string `json:"description,omitempty"`
	// Source says where the set comes from: SourceBuiltin, SourceGo, or
	// "yaml:<file>" for sets loaded as data.
	Source string `json:"source"`
	// Profile, when set, restricts the set to messages validated under that
	// profile: named by the caller, or declared by the message itself
	// (Message.Profile).
	Profile string `json:"profile,omitempty"`
	// Rules of the set.
	Rules []Rule `json:"-"`
	// Disable lists IDs of rules (of any set) switched off while this set is
	// applied.
	Disable []string `json:"disable,omitempty"`
	// Severity overrides the severity of rules (of any set) by ID while this
	// set is applied.
	Severity map[string]Severity `json:"severity,omitempty"`
}

// Rule-set sources.
const (
	// SourceBuiltin marks the rule packs shipped with swiftval.
	SourceBuiltin = "built-in"
	// SourceGo marks rule sets compiled into a custom build.
	SourceGo = "go"
)

// Label returns "name@version" (or "name" without a version), as stamped on
// findings.
func (rs *RuleSet) Label() string {
	if rs.Version == "" {
		return rs.Name
	}
	return rs.Name + "@" + rs.Version
}
