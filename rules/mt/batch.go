package mt

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
)

// Rules of the types made of common fields and a repetitive block: MT 110,
// 201, 203, 204, 210 (cheques, institution transfers, direct debits,
// notices to receive) and MT 920, 935 (requests and rate changes). The
// bounds on the number of blocks (T10, T11) are the parser's (sequence
// bounds in formats/mt defs.go).

func mt110Rules() []engine.Rule {
	return []engine.Rule{
		newRule("mt.MT110.C02", "C02", []string{"MT110"}, "SWIFT Standards MT, Category 1, MT 110, network validated rule C2",
			"The currency of every 32a is the same", rule110C02),
	}
}

func mt2xxBatchRules() []engine.Rule {
	return []engine.Rule{
		newRule("mt.MT201.C01", "C01", []string{"MT201", "MT203", "MT204"}, "SWIFT Standards MT, Category 2, MT 201, MT 203 and MT 204, network validated rule C1",
			"19 equals the sum of the 32B amounts", rule2xxC01),
		newRule("mt.MT201.C02", "C02", []string{"MT201", "MT203", "MT204"}, "SWIFT Standards MT, Category 2, MT 201, MT 203 and MT 204, network validated rule C2",
			"The currency of every 32B is the same", rule2xxC02),
		newRule("mt.MT203.C81", "C81", []string{"MT203"}, "SWIFT Standards MT, Category 2, MT 203, network validated rule C4",
			"In each transfer, if 56a is present, 57a is mandatory", rule203C81),
	}
}

func mt210Rules() []engine.Rule {
	return []engine.Rule{
		newRule("mt.MT210.C06", "C06", []string{"MT210"}, "SWIFT Standards MT, Category 2, MT 210, network validated rule C2",
			"In each notice, exactly one of 50a (ordering customer) or 52a (ordering institution) is present", rule210C06),
		newRule("mt.MT210.C02", "C02", []string{"MT210"}, "SWIFT Standards MT, Category 2, MT 210, network validated rule C3",
			"The currency of every 32B is the same", rule2xxC02),
	}
}

func mt9xxRequestRules() []engine.Rule {
	return []engine.Rule{
		newRule("mt.MT920.C22", "C22", []string{"MT920"}, "SWIFT Standards MT SR2025, Category 9, MT 920, network validated rule C1",
			"If 12 is 942, the first 34F (debit or debit and credit floor limit) is mandatory in that request", rule920C22),
		newRule("mt.MT920.C23", "C23", []string{"MT920"}, "SWIFT Standards MT SR2025, Category 9, MT 920, network validated rule C2",
			"In each request, one 34F has no D/C mark; with two 34F the first is D and the second C", rule920C23),
		newRule("mt.MT920.C40", "C40", []string{"MT920"}, "SWIFT Standards MT SR2025, Category 9, MT 920, network validated rule C3",
			"In each request, both 34F have the same currency", rule920C40),
		newRule("mt.MT935.C83", "C83", []string{"MT935"}, "SWIFT Standards MT SR2025, Category 9, MT 935, network validated rule C2",
			"In each rate change, exactly one of 23 or 25 is present", rule935C83),
		newRule("mt.MT935.T14", "T14", []string{"MT935"}, "SWIFT Standards MT SR2025, Category 9, MT 935, field 37H (T14: sign N with a zero rate)",
			"The sign N of 37H is not allowed with a zero rate", rule935T14),
	}
}

func rule110C02(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	sameCurrency(f, "C02", "", allOf("32a", m.Sequences("B")), "every 32a must have the same currency")
}

func rule2xxC01(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	x := find(headFields(m), "19")
	if x == nil {
		return
	}
	want, ok1 := fieldAmount(x)
	sum, ok2 := sumOf(m.Sequences("B"), "32B")
	if ok1 && ok2 && want.Cmp(sum) != 0 {
		f.Error("C01", x.LocOf("Amount"), "field 19 must equal the sum of the 32B amounts ("+sum.String()+")")
	}
}

func rule2xxC02(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	sameCurrency(f, "C02", "", allOf("32B", m.Sequences("B")), "every 32B must have the same currency")
}

func rule203C81(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for _, b := range m.Sequences("B") {
		if find(b.Fields, "56a") != nil && find(b.Fields, "57a") == nil {
			missing(f, m, "C81", "57a", b.Fields, "field 56a (intermediary) requires 57a (account with institution) in the same transfer")
		}
	}
}

func rule210C06(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for _, b := range m.Sequences("B") {
		x50, x52 := find(b.Fields, "50a"), find(b.Fields, "52a")
		switch {
		case x50 != nil && x52 != nil:
			f.Error("C06", x52.Loc(), "either 50a (ordering customer) or 52a (ordering institution) may be present, not both")
		case x50 == nil && x52 == nil:
			missing(f, m, "C06", "50a", b.Fields, "either 50a (ordering customer) or 52a (ordering institution) must be present")
		}
	}
}

func rule920C22(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for _, b := range m.Sequences("B") {
		if x := find(b.Fields, "12"); x != nil && x.Value == "942" && find(b.Fields, "34F") == nil {
			missing(f, m, "C22", "34F", b.Fields, "field 34F (floor limit) is mandatory when 12 requests an MT 942")
		}
	}
}

func rule920C23(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for _, b := range m.Sequences("B") {
		check34F(f, "C23", b.Fields)
	}
}

func rule920C40(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for _, b := range m.Sequences("B") {
		fs := allOf("34F", nil, b.Fields)
		if len(fs) == 2 {
			sameCurrency(f, "C40", "", fs, "both 34F of a request must have the same currency")
		}
	}
}

func rule935C83(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for _, b := range m.Sequences("B") {
		x23, x25 := find(b.Fields, "23"), find(b.Fields, "25")
		switch {
		case x23 != nil && x25 != nil:
			f.Error("C83", x25.Loc(), "either 23 (further identification) or 25 (account) may be present, not both")
		case x23 == nil && x25 == nil:
			missing(f, m, "C83", "23", b.Fields, "either 23 (further identification) or 25 (account) must be present")
		}
	}
}

func rule935T14(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for i := range m.Fields {
		x := &m.Fields[i]
		if x.Tag != "37H" || x.Get("NSign") != "N" {
			continue
		}
		if a, ok := mt.ParseAmount(x.Get("Rate")); ok && a.IsZero() {
			f.Error("T14", x.LocOf("NSign"), "the sign N is not allowed with a zero rate")
		}
	}
}
