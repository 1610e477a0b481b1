package mt

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
)

var (
	t104  = []string{"MT104"}
	t107  = []string{"MT107"}
	t1047 = []string{"MT104", "MT107"}
)

func mt104Rules() []engine.Rule {
	return []engine.Rule{
		newRule("mt.MT104.C75", "C75", t104, "SWIFT Standards MT SR2015, Category 1, MT 104, network validated rule C1",
			"23E in A is RFDD: 23E in every B; 23E in A not RFDD: no 23E in B; no 23E in A: 23E in every B", rule104C75),
		newRule("mt.MT104.C76", "C76", t104, "SWIFT Standards MT SR2015, Category 1, MT 104, network validated rule C2",
			"The creditor (50a option A or K) is in sequence A or in every sequence B, never both and never neither", rule104C76),
		newRule("mt.MT107.D86", "D86", t107, "SWIFT Standards MT SR2015, Category 1, MT 107, network validated rule C1",
			"23E and the creditor (50a option A or K) are each in sequence A or in every sequence B, not both", rule107D86),
		newRule("mt.MT104.D73", "D73", t1047, "SWIFT Standards MT SR2015, Category 1, network validated rules MT 104 C3 and MT 107 C2",
			"Each of 21E, 26T, 52a, 71A, 77B and 50a (option C or L) may be in sequence A or in sequence B, not both", rule104D73),
		newRule("mt.MT104.D77", "D77", t1047, "SWIFT Standards MT SR2015, Category 1, network validated rules MT 104 C4 and MT 107 C3",
			"If 21E is present in a sequence, the creditor (50a option A or K) must be present in the same sequence", rule104D77),
		newRule("mt.MT104.C82", "C82", t1047, "SWIFT Standards MT SR2025, Category 1, network validated rules MT 104 C5 and MT 107 C4",
			"If 23E in sequence A is RTND, 72 is mandatory in sequence A; otherwise 72 is not allowed", rule104C82),
		newRule("mt.MT104.D79", "D79", t1047, "SWIFT Standards MT SR2025, Category 1, network validated rules MT 104 C6 and MT 107 C5",
			"71F (71G) in a sequence B if and only if 71F (71G) in sequence C", rule104D79),
		newRule("mt.MT104.D21", "D21", t1047, "SWIFT Standards MT SR2025, Category 1, network validated rules MT 104 C7 and MT 107 C6",
			"If 33B is present in a sequence B, its currency or amount must differ from 32B", rule104D21),
		newRule("mt.MT104.D75", "D75", t1047, "SWIFT Standards MT SR2025, Category 1, network validated rules MT 104 C8 and MT 107 C7",
			"In a sequence B, if 33B is present with a currency other than 32B's, 36 is mandatory; otherwise 36 is not allowed", rule104D75),
		newRule("mt.MT104.D80", "D80", t1047, "SWIFT Standards MT SR2025, Category 1, network validated rules MT 104 C9 and MT 107 C8",
			"If sequence C is present: 32B of C equal to the sum of the 32B of B, 19 is not allowed; otherwise 19 is mandatory", rule104D80),
		newRule("mt.MT104.C01", "C01", t1047, "SWIFT Standards MT SR2025, Category 1, network validated rules MT 104 C10 and MT 107 C8",
			"19, if present, equals the sum of the 32B amounts of sequence B", ruleSumC01),
		newRule("mt.MT104.C02", "C02", t1047, "SWIFT Standards MT SR2025, Category 1, network validated rules MT 104 C11 and MT 107 C9",
			"One currency for all 32B and 71G (sequences B and C) and one for all 71F", rule104C02),
		newRule("mt.MT104.C96", "C96", t104, "SWIFT Standards MT SR2025, Category 1, MT 104, network validated rule C12",
			"23E RFDD in A: no 21E, 50a (A/K), 52a, 71F, 71G in B and no sequence C; otherwise no 21R and sequence C mandatory", rule104C96),
		newRule("mt.MT104.D81", "D81", t1047, "SWIFT Standards MT SR2015, Category 1, MT 104 and MT 107, field 23E, network validated rules",
			"23E additional information is only allowed after the code OTHR", rule104D81),
		newRule("mt.MT104.D82", "D82", t104, "SWIFT Standards MT SR2015, Category 1, MT 104, field 72 (D82)",
			"72 in sequence A must start with the code /REJT/ or /RETN/", rule104D82),
	}
}

// creditor finds the creditor of MT 104/107 (50a option A or K).
var creditor = optIs("50", "AK")

// code23E returns the code word of the first 23E of fs, "" when none.
func code23E(fs []mt.Field) (string, *mt.Field) {
	x := find(fs, "23E")
	if x == nil {
		return "", nil
	}
	c, _, _ := code4(x.Value)
	return c, x
}

func rule104C75(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	c, xa := code23E(headFields(m))
	for _, b := range m.Sequences("B") {
		x := find(b.Fields, "23E")
		switch {
		case xa != nil && c != "RFDD" && x != nil:
			f.Error("C75", x.Loc(), "23E in sequence A is not RFDD, so 23E is not allowed in sequence B")
		case (xa == nil || c == "RFDD") && x == nil:
			missing(f, m, "C75", "23E", b.Fields, "23E is mandatory in every sequence B (23E of sequence A is absent or RFDD)")
		}
	}
}

func rule104C76(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	inAOrEachB(f, m, "C76", "50a", creditor, "the creditor (50a option A or K)")
}

func rule107D86(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	inAOrEachB(f, m, "D86", "23E", tagIs("23E"), "field 23E")
	inAOrEachB(f, m, "D86", "50a", creditor, "the creditor (50a option A or K)")
}

func rule104D73(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	notInBoth(f, m, "D73", tagIs("21E"), "field 21E")
	notInBoth(f, m, "D73", tagIs("26T"), "field 26T")
	notInBoth(f, m, "D73", tagIs("52a"), "field 52a")
	notInBoth(f, m, "D73", tagIs("71A"), "field 71A")
	notInBoth(f, m, "D73", tagIs("77B"), "field 77B")
	notInBoth(f, m, "D73", optIs("50", "CL"), "the instructing party (50a option C or L)")
}

func rule104D77(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	check := func(fs []mt.Field) {
		if find(fs, "21E") != nil && creditor(fs) == nil {
			missing(f, m, "D77", "50a", fs, "field 21E (registration reference) requires the creditor (50a option A or K) in the same sequence")
		}
	}
	check(headFields(m))
	for _, b := range m.Sequences("B") {
		check(b.Fields)
	}
}

func rule104C82(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	a := headFields(m)
	c, _ := code23E(a)
	x := find(a, "72")
	switch {
	case c == "RTND" && x == nil:
		missing(f, m, "C82", "72", a, "field 72 is mandatory when 23E of sequence A is RTND")
	case c != "RTND" && x != nil:
		f.Error("C82", x.Loc(), "field 72 is only allowed when 23E of sequence A is RTND")
	}
}

func rule104D79(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	c := seqFields(m, "C")
	for _, tag := range [2]string{"71F", "71G"} {
		var inB *mt.Field
		for _, b := range m.Sequences("B") {
			if x := find(b.Fields, tag); x != nil {
				inB = x
				break
			}
		}
		inC := find(c, tag)
		switch {
		case inB != nil && inC == nil:
			missing(f, m, "D79", tag, c, "field "+tag+" is mandatory in sequence C when a sequence B carries it")
		case inB == nil && inC != nil:
			f.Error("D79", inC.Loc(), "field "+tag+" is only allowed in sequence C when a sequence B carries it")
		}
	}
}

func rule104D21(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for _, b := range m.Sequences("B") {
		x33 := find(b.Fields, "33B")
		x32 := find(b.Fields, "32B")
		if x33 == nil || x32 == nil {
			continue
		}
		a33, ok1 := fieldAmount(x33)
		a32, ok2 := fieldAmount(x32)
		if ok1 && ok2 && currency(x33) == currency(x32) && a33.Cmp(a32) == 0 {
			f.Error("D21", x33.Loc(), "33B must differ from 32B in currency or amount")
		}
	}
}

func rule104D75(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for _, b := range m.Sequences("B") {
		x36 := find(b.Fields, "36")
		x33 := find(b.Fields, "33B")
		differs := fxDiffers(b.Fields)
		switch {
		case differs && x36 == nil:
			missing(f, m, "D75", "36", b.Fields, "field 36 (exchange rate) is mandatory when the currency of 33B differs from that of 32B")
		case !differs && x36 != nil && (x33 == nil || (currency(x33) != "" && currency(find(b.Fields, "32B")) != "")):
			f.Error("D75", x36.Loc(), "field 36 is only allowed when 33B is present with a currency other than that of 32B")
		}
	}
}

func rule104D80(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	c := m.Sequences("C")
	if len(c) == 0 {
		return
	}
	cf := c[0].Fields
	x32 := find(cf, "32B")
	total, ok1 := fieldAmount(x32)
	sum, ok2 := sumOf(m.Sequences("B"), "32B")
	if !ok1 || !ok2 {
		return
	}
	x19 := find(cf, "19")
	switch {
	case total.Cmp(sum) == 0 && x19 != nil:
		f.Error("D80", x19.Loc(), "field 19 is not allowed: 32B of sequence C equals the sum of the 32B amounts")
	case total.Cmp(sum) != 0 && x19 == nil:
		missing(f, m, "D80", "19", cf, "field 19 (sum of amounts) is mandatory: 32B of sequence C differs from the sum of the 32B amounts ("+sum.String()+")")
	}
}

func rule104C02(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	bs := m.Sequences("B")
	c := seqFields(m, "C")
	fs := allOf("32B", bs, c)
	fs = append(fs, allOf("71G", bs, c)...)
	sameCurrency(f, "C02", "", fs, "32B and 71G must all have the same currency")
	sameCurrency(f, "C02", "", allOf("71F", bs, c), "71F must all have the same currency")
}

func rule104C96(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	a := headFields(m)
	code, _ := code23E(a)
	c := m.Sequences("C")
	if code == "RFDD" {
		for _, b := range m.Sequences("B") {
			for _, x := range [...]*mt.Field{find(b.Fields, "21E"), creditor(b.Fields), find(b.Fields, "52a"), find(b.Fields, "71F"), find(b.Fields, "71G")} {
				if x != nil {
					f.Error("C96", x.Loc(), "field "+x.Tag+" is not allowed in sequence B of a request for direct debit (23E RFDD)")
				}
			}
		}
		if len(c) > 0 && len(c[0].Fields) > 0 {
			f.Error("C96", c[0].Fields[0].Loc(), "sequence C is not allowed in a request for direct debit (23E RFDD)")
		}
		return
	}
	if x := find(a, "21R"); x != nil {
		f.Error("C96", x.Loc(), "field 21R is only allowed in a request for direct debit (23E RFDD in sequence A)")
	}
	if len(c) == 0 {
		f.Error("C96", m.ExpectedAt("32B", nil), "sequence C (settlement details, starting with 32B) is mandatory unless 23E of sequence A is RFDD")
	}
}

func rule104D81(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for i := range m.Fields {
		x := &m.Fields[i]
		if x.Tag != "23E" {
			continue
		}
		if c, _, slash := code4(x.Value); slash && c != "OTHR" {
			f.Error("D81", x.Loc(), "23E additional information is only allowed after the code OTHR")
		}
	}
}

func rule104D82(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	x := find(headFields(m), "72")
	if x == nil {
		return
	}
	if l := firstLine(x.Value); len(l) < 6 || (l[:6] != "/REJT/" && l[:6] != "/RETN/") {
		f.Error("D82", x.Loc(), "field 72 of sequence A must start with the code /REJT/ or /RETN/")
	}
}
