package mt

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/rules/common"
)

var t102 = []string{"MT102"}

func mt102Rules() []engine.Rule {
	return []engine.Rule{
		newRule("mt.MT102.C01", "C01", t102, "SWIFT Standards MT, Category 1, MT 102, network validated rule C1",
			"If 19 is present in sequence C, it equals the sum of the 32B amounts", ruleSumC01),
		newRule("mt.MT102.C02", "C02", t102, "SWIFT Standards MT SR2015, Category 1, MT 102 and MT 102 STP, network validated rule C2",
			"The currency of 32A, of every 32B and of every 71G is the same", rule102C02),
		newRule("mt.MT102.D17", "D17", t102, "SWIFT Standards MT SR2015, Category 1, MT 102 and MT 102 STP, network validated rule C3",
			"50a is in sequence A or in every sequence B, never both and never neither", rule102D17),
		newRule("mt.MT102.D20", "D20", t102, "SWIFT Standards MT SR2015, Category 1, MT 102 and MT 102 STP, network validated rule C4",
			"71A is in sequence A or in every sequence B, never both and never neither", rule102D20),
		newRule("mt.MT102.D18", "D18", t102, "SWIFT Standards MT SR2015, Category 1, MT 102 and MT 102 STP, network validated rule C5",
			"Each of 52a, 26T and 77B may be in sequence A or in sequence B, not both", rule102D18),
		newRule("mt.MT102.D22", "D22", t102, "SWIFT Standards MT SR2015, Category 1, MT 102 and MT 102 STP, network validated rule C6",
			"36 is required when a 33B currency differs from its 32B currency (once in A, or in exactly those B), otherwise not allowed", rule102D22),
		newRule("mt.MT102.D93", "D93", t102, "SWIFT Standards MT, Category 1, MT 102, network validated rule C7",
			"If 23 is CHQB, 59a has no account; otherwise the account of 59a is mandatory (core MT 102)", rule102D93),
		newRule("mt.MT102.D49", "D49", t102, "SWIFT Standards MT, Category 1, MT 102, network validated rule C8 (MT 102 STP: C7)",
			"If the sender's and receiver's BICs are both in SWIFT's D49 country list, 33B is mandatory in every sequence B", rule102D49),
		newRule("mt.MT102.E13", "E13", t102, "SWIFT Standards MT, Category 1, MT 102, network validated rule C9",
			"If 71A (from A or the same B) is OUR, 71F is not allowed in that B", rule102Charges("E13")),
		newRule("mt.MT102.D50", "D50", t102, "SWIFT Standards MT, Category 1, MT 102, network validated rule C9",
			"If 71A (from A or the same B) is SHA, 71G is not allowed in that B", rule102Charges("D50")),
		newRule("mt.MT102.E15", "E15", t102, "SWIFT Standards MT, Category 1, MT 102, network validated rule C9",
			"If 71A (from A or the same B) is BEN, at least one 71F is mandatory and 71G is not allowed in that B", rule102Charges("E15")),
		newRule("mt.MT102.D51", "D51", t102, "SWIFT Standards MT, Category 1, MT 102, network validated rule C10",
			"In each sequence B, if 71F or 71G is present, 33B is mandatory", rule102D51),
		newRule("mt.MT102.D79", "D79", t102, "SWIFT Standards MT, Category 1, MT 102, network validated rule C11",
			"If 71G is present in a sequence B, 71G is mandatory in sequence C", rule102D79),
		newRule("mt.MT102STP.D19", "D19", []string{"MT102STP"}, "SWIFT Standards MT SR2015, Category 1, MT 102 STP, network validated rule C11 and field 59a",
			"MT 102 STP between two D19-list countries: the 59a account must be an IBAN when 57A is absent or its BIC country is in the list", rule102D19),
	}
}

// ruleSumC01 is rule C01 of the multiple-transfer types (MT 102, 104,
// 107): field 19 of sequence C equals the sum of the 32B amounts of the
// sequences B.
func ruleSumC01(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	x := find(seqFields(m, "C"), "19")
	if x == nil {
		return
	}
	want, ok1 := fieldAmount(x)
	sum, ok2 := sumOf(m.Sequences("B"), "32B")
	if ok1 && ok2 && want.Cmp(sum) != 0 {
		f.Error("C01", x.LocOf("Amount"), "field 19 must equal the sum of the 32B amounts of sequence B ("+sum.String()+")")
	}
}

func rule102C02(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	c := seqFields(m, "C")
	fs := allOf("32A", nil, c)
	fs = append(fs, allOf("32B", m.Sequences("B"))...)
	fs = append(fs, allOf("71G", m.Sequences("B"), c)...)
	sameCurrency(f, "C02", "", fs, "32A, 32B and 71G must all have the same currency")
}

func rule102D17(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	inAOrEachB(f, m, "D17", "50a", tagIs("50a"), "the ordering customer (50a)")
}

func rule102D20(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	inAOrEachB(f, m, "D20", "71A", tagIs("71A"), "the details of charges (71A)")
}

func rule102D18(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	notInBoth(f, m, "D18", tagIs("52a"), "field 52a")
	notInBoth(f, m, "D18", tagIs("26T"), "field 26T")
	notInBoth(f, m, "D18", tagIs("77B"), "field 77B")
}

// fxDiffers reports whether a B occurrence has 33B with a currency other
// than its 32B's.
func fxDiffers(b []mt.Field) bool {
	c33 := currency(find(b, "33B"))
	c32 := currency(find(b, "32B"))
	return c33 != "" && c32 != "" && c33 != c32
}

func rule102D22(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	bs := m.Sequences("B")
	need := false
	for i := range bs {
		need = need || fxDiffers(bs[i].Fields)
	}
	a := headFields(m)
	inA := find(a, "36")
	if !need {
		if inA != nil {
			f.Error("D22", inA.Loc(), "field 36 is only allowed when a 33B currency differs from its 32B currency")
		}
		for i := range bs {
			if x := find(bs[i].Fields, "36"); x != nil {
				f.Error("D22", x.Loc(), "field 36 is only allowed when a 33B currency differs from its 32B currency")
			}
		}
		return
	}
	for i := range bs {
		b := bs[i].Fields
		x := find(b, "36")
		switch {
		case inA != nil && x != nil:
			f.Error("D22", x.Loc(), "field 36 is in sequence A, so it must not be in sequence B")
		case inA == nil && fxDiffers(b) && x == nil:
			missing(f, m, "D22", "36", b, "field 36 (exchange rate) is mandatory in this sequence B: its 33B currency differs from its 32B currency (or give 36 once in sequence A)")
		case inA == nil && !fxDiffers(b) && x != nil:
			f.Error("D22", x.Loc(), "field 36 is not allowed in a sequence B whose 33B currency does not differ from its 32B currency")
		}
	}
}

func isSTP102(em *engine.Message, m *mt.Message) bool {
	return em.Type == "MT102STP" || m.Type == "MT102STP"
}

func rule102D93(em *engine.Message, m *mt.Message, f *engine.Findings) {
	if isSTP102(em, m) {
		return
	}
	x23 := find(headFields(m), "23")
	if x23 == nil {
		return
	}
	chqb := firstLine(x23.Value) == "CHQB"
	for _, b := range m.Sequences("B") {
		x := find(b.Fields, "59a")
		if x == nil {
			continue
		}
		has := hasSlashLine(x.Value)
		switch {
		case chqb && has:
			f.Error("D93", x.Loc(), "with 23 CHQB (payment by cheque), field 59a must not carry an account")
		case !chqb && !has:
			f.Error("D93", x.Loc(), "field 59a must carry the beneficiary's account (23 is not CHQB)")
		}
	}
}

func rule102D49(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	if !inD49(senderCountry(m)) || !inD49(receiverCountry(m)) {
		return
	}
	for _, b := range m.Sequences("B") {
		if find(b.Fields, "33B") == nil {
			missing(f, m, "D49", "33B", b.Fields, "field 33B is mandatory in every sequence B: the sender's and receiver's countries are both in SWIFT's D49 list")
		}
	}
}

// rule102Charges is rule C9 of MT 102 (E13, D50, E15): one check for the
// three codes, each rule reporting only its own code.
func rule102Charges(code string) checkFn {
	return func(_ *engine.Message, m *mt.Message, f *engine.Findings) { charges102(code, m, f) }
}

func charges102(code string, m *mt.Message, f *engine.Findings) {
	a71 := find(headFields(m), "71A")
	for _, b := range m.Sequences("B") {
		x := find(b.Fields, "71A")
		if x == nil {
			x = a71
		}
		if x == nil {
			continue
		}
		switch firstLine(x.Value) {
		case "OUR":
			if code == "E13" {
				for _, g := range allOf("71F", nil, b.Fields) {
					f.Error("E13", g.Loc(), "with 71A OUR, field 71F (sender's charges) is not allowed")
				}
			}
		case "SHA":
			if g := find(b.Fields, "71G"); g != nil && code == "D50" {
				f.Error("D50", g.Loc(), "with 71A SHA, field 71G (receiver's charges) is not allowed")
			}
		case "BEN":
			if code != "E15" {
				continue
			}
			if g := find(b.Fields, "71G"); g != nil {
				f.Error("E15", g.Loc(), "with 71A BEN, field 71G (receiver's charges) is not allowed")
			}
			if find(b.Fields, "71F") == nil {
				missing(f, m, "E15", "71F", b.Fields, "with 71A BEN, at least one field 71F (sender's charges) is mandatory")
			}
		}
	}
}

func rule102D51(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for _, b := range m.Sequences("B") {
		if find(b.Fields, "33B") == nil && (find(b.Fields, "71F") != nil || find(b.Fields, "71G") != nil) {
			missing(f, m, "D51", "33B", b.Fields, "field 33B is mandatory when 71F or 71G is present in the same sequence B")
		}
	}
}

func rule102D79(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	c := seqFields(m, "C")
	if find(c, "71G") != nil {
		return
	}
	for _, b := range m.Sequences("B") {
		if find(b.Fields, "71G") != nil {
			missing(f, m, "D79", "71G", c, "field 71G is mandatory in sequence C when a sequence B carries 71G")
			return
		}
	}
}

func rule102D19(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	if !inD49(senderCountry(m)) || !inD49(receiverCountry(m)) {
		return
	}
	for _, b := range m.Sequences("B") {
		if x := find(b.Fields, "57A"); x != nil {
			if bic, _, ok := bicOf(x); ok && !inD49(common.BICCountry(bic)) {
				continue
			}
		}
		checkIBAN59(f, find(b.Fields, "59a"))
	}
}

// checkIBAN59 reports D19 (or T73 for a country without IBAN) when the
// account of 59a is not a valid IBAN; a missing account is left to the
// rules that require it.
func checkIBAN59(f *engine.Findings, x *mt.Field) {
	if x == nil {
		return
	}
	l := firstLine(x.Value)
	if len(l) < 2 || l[0] != '/' {
		return
	}
	switch common.CheckIBAN(l[1:]) {
	case common.IBANOK:
	case common.IBANCountry:
		f.Error("T73", lineLoc(x, 0), "the IBAN in 59a has a country code without IBAN")
	default:
		f.Error("D19", lineLoc(x, 0), "the account in 59a must be a valid IBAN (ISO 13616) between these countries")
	}
}
