package common

// SourcesDoc is the repository file holding the research notes of the
// built-in rules (evidence, conflicts between releases, what is
// unconfirmed), one section per rule, anchored by the rule ID. A rule's
// RuleInfo.Source stays a short citation; its RuleInfo.Notes points here.
const SourcesDoc = "docs/sources.md"

// Notes returns the RuleInfo.Notes of the built-in rule with that ID: its
// section of SourcesDoc ("docs/sources.md#mt.MT101.D60"). The root
// package's TestRuleSources checks that the section exists.
func Notes(ruleID string) string { return SourcesDoc + "#" + ruleID }
