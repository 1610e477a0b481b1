// Package rulecodes indexes the codes reported by the built-in rule sets,
// for the docs generator and the tests of package codes (kept apart from
// package codes so that the constants can be generated before the rule
// packs that use them compile).
package rulecodes

import (
	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
)

// Index maps each code to the IDs of the built-in rules that report
// it, from the rule sets swiftval.New registers.
func Index() map[string][]string {
	out := map[string][]string{}
	for _, set := range swiftval.New(engine.Options{}).RuleSets() {
		if set.Source != engine.SourceBuiltin {
			continue
		}
		for _, r := range set.Rules {
			i := r.Info()
			out[i.Code] = append(out[i.Code], i.ID)
		}
	}
	return out
}
