package mt

import "github.com/swiftval/swiftval/engine"

// Version is the SWIFT Standards Release the pack targets. Rules were taken
// from UHB releases 2006–2017 and from SwiftMTMessage's SR2025 rule set,
// checked against the SR2025 field definitions where a public copy was
// found; SWIFT's SR2026 summary of changes says categories 2 and 9 were
// not impacted (category 1: see GAPS.md). See each rule's Source.
const Version = "SR2026"

// RuleSet returns the built-in SWIFT MT rule pack, "swift-mt". Each call
// returns a new RuleSet; its rules are immutable and safe for concurrent use.
func RuleSet() *engine.RuleSet {
	var rules []engine.Rule
	for _, e := range typeRules {
		if e.rules != nil {
			rules = append(rules, e.rules()...)
		}
	}
	rules = append(rules, optionRuleList()...)
	rules = append(rules, presenceRuleList()...)
	rules = append(rules, fieldRules()...)
	return &engine.RuleSet{
		Name:        "swift-mt",
		Version:     Version,
		Description: "SWIFT MT network validated rules (C, D, E codes) and table-driven field checks (C03, C08, BIC, IBAN)",
		Source:      engine.SourceBuiltin,
		Rules:       rules,
	}
}
