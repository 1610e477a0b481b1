package mt

import (
	"testing"

	"github.com/swiftval/swiftval/formats/mt"
)

// TestEveryTypeRegistered fails when a message type declared in formats/mt
// is only half registered here: no typeRules entry, an entry with rules of
// which none applies to the type, or an entry (or a rule's AppliesTo)
// naming a type formats/mt does not declare.
func TestEveryTypeRegistered(t *testing.T) {
	declared := map[string]bool{}
	for _, ti := range mt.Types() {
		declared[ti.Type] = true
	}
	entry := map[string]int{}
	for i, e := range typeRules {
		for _, typ := range e.types {
			if !declared[typ] {
				t.Errorf("typeRules names %s, which formats/mt does not declare", typ)
			}
			if _, dup := entry[typ]; dup {
				t.Errorf("typeRules lists %s twice", typ)
			}
			entry[typ] = i
		}
		if e.rules != nil && e.none != "" {
			t.Errorf("typeRules entry %v has rules and a reason for none", e.types)
		}
	}
	isShared := map[string]bool{}
	for _, r := range fieldRules() {
		isShared[r.Info().ID] = true
	}
	applies := map[string]int{} // rules of the type's own (not the shared field rules)
	sharedTo := map[string]int{}
	for _, r := range RuleSet().Rules {
		for _, a := range r.Info().AppliesTo {
			if !declared[a] {
				t.Errorf("rule %s applies to %s, which formats/mt does not declare", r.Info().ID, a)
			}
			if isShared[r.Info().ID] {
				sharedTo[a]++
			} else {
				applies[a]++
			}
		}
	}
	for _, ti := range mt.Types() {
		base := ti.Type
		if ti.Variant != "" {
			base = ti.Base
		}
		i, ok := entry[ti.Type]
		if !ok {
			i, ok = entry[base]
		}
		if !ok {
			t.Errorf("%s is declared in formats/mt but has no typeRules entry (its network validated rules, or none with the reason)", ti.Type)
			continue
		}
		own := applies[base]
		if ti.Type != base {
			own += applies[ti.Type]
		}
		if typeRules[i].none == "" && own == 0 {
			t.Errorf("%s: its typeRules entry promises rules but none applies to it", ti.Type)
		}
		if typeRules[i].none != "" && own > 0 {
			t.Errorf("%s: its typeRules entry says it has no rules, but %d apply", ti.Type, own)
		}
		if sharedTo[base] < 3 {
			t.Errorf("%s: the shared field rules (C03, BIC) do not apply to it", ti.Type)
		}
	}
}
