package mt

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
)

// typeRules registers the network validated rules of each message type
// declared in formats/mt (defs.go), by base type ("MT103" also covers
// MT103STP and MT103REMIT) or full type. A type whose standard defines no
// network validated rule is registered with none and the source that says
// so. TestEveryTypeRegistered fails when a declared type has no entry here
// (a type added to formats/mt but not to the rule pack) or an entry names
// no declared type; the shared field rules (fieldRules) apply to every
// declared type without an entry.
var typeRules = []struct {
	types []string
	rules func() []engine.Rule
	none  string // why there are no network validated rules
}{
	{types: []string{"MT101"}, rules: mt101Rules},
	{types: []string{"MT102"}, rules: mt102Rules},
	{types: []string{"MT103"}, rules: mt103Rules},
	{types: []string{"MT104", "MT107"}, rules: mt104Rules},
	{types: []string{"MT110"}, rules: mt110Rules},
	{types: []string{"MT111", "MT112"}, none: "no network validated rules: MT 111 per a copy of its UHB page and SwiftMTMessage (SR2025); MT 112 per SwiftMTMessage (mt-facts-more 1.5)"},
	{types: []string{"MT190", "MT290", "MT990", "MT191", "MT291", "MT991"}, none: "no network validated rules (SwiftMTMessage SR2025, mt-facts-more 1.6, 1.7)"},
	{types: []string{"MT192", "MT292", "MT992", "MT195", "MT295", "MT995", "MT196", "MT296", "MT996"}, rules: n9xRules},
	{types: []string{"MT199", "MT299", "MT999"}, none: "no network validated rules (free format; mt-facts 2.5)"},
	{types: []string{"MT200"}, none: "no C, D or E rules (SwiftMTMessage and CyberFT both implement none, mt-facts-more 2.1); the reject/return guideline check of 72 (T80) is not done, see GAPS.md"},
	{types: []string{"MT201", "MT203", "MT204"}, rules: mt2xxBatchRules},
	{types: []string{"MT202", "MT205"}}, // C81, C68: presence table (presence.go)
	{types: []string{"MT210"}, rules: mt210Rules},
	{types: []string{"MT900"}, none: "no network validated rules (mt-facts 2.5)"},
	{types: []string{"MT910"}, rules: mt910Rules},
	{types: []string{"MT920", "MT935"}, rules: mt9xxRequestRules},
	{types: []string{"MT940", "MT941", "MT942", "MT950"}, rules: statementRules},
}

// declaredTypes lists every type of formats/mt with a full definition:
// the types the shared field rules apply to.
func declaredTypes() []string {
	var out []string
	for _, ti := range mt.Types() {
		if ti.Variant == "" {
			out = append(out, ti.Type)
		}
	}
	return out
}

// paymentTypes lists the base types that carry payments (C08 applies).
func paymentTypes() []string {
	var out []string
	for _, ti := range mt.Types() {
		if ti.Variant == "" && ti.Payment != mt.PayNone {
			out = append(out, ti.Type)
		}
	}
	return out
}
