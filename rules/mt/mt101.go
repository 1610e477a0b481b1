package mt

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
)

var t101 = []string{"MT101"}

// mt101A splits an MT 101 into sequence A (the fields before the first field
// 21) and the rest, the occurrences of sequence B, each starting at a field
// 21 (walk them with nextSeq). It allocates nothing.
func mt101A(m *mt.Message) (a, rest []mt.Field) { return splitAt(m.Fields, "21") }

func mt101Rules() []engine.Rule {
	return []engine.Rule{
		newRule("mt.MT101.D60", "D60", t101, "SWIFT Standards MT SR2015, Category 1, MT 101, network validated rule C2",
			"In each sequence B, 36 is mandatory if 33B is present and the 32B amount is not zero; otherwise 36 is not allowed", rule101D60),
		newRule("mt.MT101.D61", "D61", t101, "SWIFT Standards MT SR2015, Category 1, MT 101, network validated rule C3",
			"The ordering customer (50a option F, G or H) is in sequence A or in every sequence B, never both and never neither", rule101D61),
		newRule("mt.MT101.D62", "D62", t101, "SWIFT Standards MT SR2015, Category 1, MT 101, network validated rule C4",
			"The instructing party (50a option C or L) may be in sequence A or in sequence B, not both", rule101D62),
		newRule("mt.MT101.D68", "D68", t101, "SWIFT Standards MT SR2015, Category 1, MT 101, network validated rule C5",
			"In each sequence B, the currency of 33B must differ from that of 32B", rule101D68),
		newRule("mt.MT101.D64", "D64", t101, "SWIFT Standards MT SR2006, Category 1, MT 101, network validated rule C6",
			"The account servicing institution (52a) may be in sequence A or in sequence B, not both", rule101D64),
		newRule("mt.MT101.D98", "D98", t101, "SWIFT Standards MT SR2006, Category 1, MT 101, network validated rule C8",
			"If 21R is present in sequence A, every 32B must have the same currency", rule101D98),
		newRule("mt.MT101.E54", "E54", t101, "SWIFT Standards MT SR2025, Category 1, MT 101, network validated rule C9",
			"In each sequence B with a zero 32B amount: with 23E EQUI, 33B is mandatory; without, 33B and 21F are not allowed", rule101E54),
		newRule("mt.MT101.D66", "D66", t101, "SWIFT Standards MT SR2025, Category 1, MT 101, field 23E, network validated rules",
			"23E additional information is only allowed after CMTO, PHON, OTHR or REPA", rule101D66),
		newRule("mt.MT101.D67", "D67", t101, "SWIFT Standards MT SR2025, Category 1, MT 101, field 23E, network validated rules",
			"In each sequence B, some 23E codes must not be combined (e.g. CHQB with CMSW, NETS with RTGS)", rule101D67),
		newRule("mt.MT101.E46", "E46", t101, "SWIFT Standards MT SR2025, Category 1, MT 101, field 23E, network validated rules",
			"In each sequence B, a 23E code must not appear twice, except OTHR", rule101E46),
	}
}

// The 23E rules and C9 follow the SR2025 text as SwiftMTMessage states it
// (the newest rule text found); the UHB pages seen are older (SR2006,
// SR2015) and the SR2015 C9 text was not readable (docs/sources.md).

// Codes of MT 101 23E: those that may carry additional information (D66)
// and the pairs that must not be combined (D67), each "AAAABBBB"
// (SwiftMTMessage mt101.rs, SR2025).
const (
	info23E101      = "CMTO PHON OTHR REPA"
	forbidden23E101 = "CHQBCMSW CHQBCMTO CHQBCMZB CHQBCORT CHQBNETS CHQBPHON CHQBREPA CHQBRTGS CHQBURGP CMSWCMTO CMSWCMZB CMTOCMZB CORTCMSW CORTCMTO CORTCMZB CORTREPA EQUICMSW EQUICMTO EQUICMZB NETSRTGS"
)

func rule101E54(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for _, s := range m.Sequences("B") {
		b := s.Fields
		a, ok := amount(find(b, "32B"))
		if !ok || !a.IsZero() {
			continue
		}
		equi := false
		for i := range b {
			if b[i].Tag == "23E" {
				if c, _, _ := code4(b[i].Value); c == "EQUI" {
					equi = true
				}
			}
		}
		x33, x21F := find(b, "33B"), find(b, "21F")
		switch {
		case equi && x33 == nil:
			missing(f, m, "E54", "33B", b, "field 33B is mandatory: the 32B amount is zero and 23E is EQUI")
		case !equi && x33 != nil:
			f.Error("E54", x33.Loc(), "field 33B is not allowed: the 32B amount is zero and no 23E is EQUI")
		}
		if !equi && x21F != nil {
			f.Error("E54", x21F.Loc(), "field 21F is not allowed: the 32B amount is zero and no 23E is EQUI")
		}
	}
}

func rule101D66(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for _, s := range m.Sequences("B") {
		for i := range s.Fields {
			x := &s.Fields[i]
			if x.Tag != "23E" {
				continue
			}
			if c, _, slash := code4(x.Value); slash && rank23E(info23E101, c) == 0 {
				f.Error("D66", x.Loc(), "23E additional information is only allowed after CMTO, PHON, OTHR or REPA")
			}
		}
	}
}

func rule101D67(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for _, s := range m.Sequences("B") {
		b := s.Fields
		for i := range b {
			if b[i].Tag != "23E" {
				continue
			}
			x, _, _ := code4(b[i].Value)
			for j := 0; j < i; j++ {
				if b[j].Tag != "23E" {
					continue
				}
				if y, _, _ := code4(b[j].Value); forbiddenPair(forbidden23E101, x, y) {
					f.Error("D67", b[i].Loc(), "23E code "+x+" must not be combined with "+y)
					break
				}
			}
		}
	}
}

func rule101E46(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for _, s := range m.Sequences("B") {
		b := s.Fields
		for i := range b {
			if b[i].Tag != "23E" {
				continue
			}
			x, _, _ := code4(b[i].Value)
			if x == "OTHR" {
				continue
			}
			for j := 0; j < i; j++ {
				if y, _, _ := code4(b[j].Value); b[j].Tag == "23E" && y == x {
					f.Error("E46", b[i].Loc(), "the 23E code "+x+" must not appear twice in a transaction")
					break
				}
			}
		}
	}
}

// ordering customer: 50F, 50G, 50H; instructing party: 50C, 50L.
func isOrderingCustomer(t string) bool { return t == "50F" || t == "50G" || t == "50H" }
func isInstructingParty(t string) bool { return t == "50C" || t == "50L" }

func findBy(fs []mt.Field, pred func(string) bool) *mt.Field {
	for i := range fs {
		if pred(fs[i].Tag) {
			return &fs[i]
		}
	}
	return nil
}

func rule101D60(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	_, rest := mt101A(m)
	for b, rest := nextSeq(rest, "21"); len(b) > 0; b, rest = nextSeq(rest, "21") {
		x33, x36 := find(b, "33B"), find(b, "36")
		need := false
		if x33 != nil {
			amt, ok := amount(find(b, "32B"))
			if !ok {
				continue // 32B format error: the parser's
			}
			need = !amt.IsZero()
		}
		switch {
		case need && x36 == nil:
			f.Error("D60", m.ExpectedAt("36", b), "field 36 (exchange rate) is mandatory: 33B is present and the 32B amount is not zero")
		case !need && x36 != nil:
			f.Error("D60", x36.Loc(), "field 36 is only allowed with 33B and a non-zero 32B amount")
		}
	}
}

func rule101D61(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	a, rest := mt101A(m)
	inA := findBy(a, isOrderingCustomer)
	for b, rest := nextSeq(rest, "21"); len(b) > 0; b, rest = nextSeq(rest, "21") {
		inB := findBy(b, isOrderingCustomer)
		switch {
		case inA != nil && inB != nil:
			f.Error("D61", inB.Loc(), "the ordering customer (50F/G/H) is in sequence A, so it must not be in sequence B")
		case inA == nil && inB == nil:
			f.Error("D61", m.ExpectedAt("50a", b), "the ordering customer (50F/G/H) must be in sequence A or in every sequence B; this transaction has none")
		}
	}
}

func rule101D62(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	a, rest := mt101A(m)
	if findBy(a, isInstructingParty) == nil {
		return
	}
	for b, rest := nextSeq(rest, "21"); len(b) > 0; b, rest = nextSeq(rest, "21") {
		if x := findBy(b, isInstructingParty); x != nil {
			f.Error("D62", x.Loc(), "the instructing party (50C/L) is in sequence A, so it must not be in sequence B")
		}
	}
}

func rule101D68(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	_, rest := mt101A(m)
	for b, rest := nextSeq(rest, "21"); len(b) > 0; b, rest = nextSeq(rest, "21") {
		x33 := find(b, "33B")
		if x33 == nil {
			continue
		}
		if c := currency(x33); c != "" && c == currency(find(b, "32B")) {
			f.Error("D68", x33.Loc(), "the currency of 33B must differ from the currency of 32B (both are "+engine.Echo(c)+")")
		}
	}
}

func rule101D64(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	a, rest := mt101A(m)
	if find(a, "52a") == nil {
		return
	}
	for b, rest := nextSeq(rest, "21"); len(b) > 0; b, rest = nextSeq(rest, "21") {
		if x := find(b, "52a"); x != nil {
			f.Error("D64", x.Loc(), "field 52a is in sequence A, so it must not be in sequence B")
		}
	}
}

func rule101D98(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	a, rest := mt101A(m)
	if find(a, "21R") == nil {
		return
	}
	first := ""
	for b, rest := nextSeq(rest, "21"); len(b) > 0; b, rest = nextSeq(rest, "21") {
		x := find(b, "32B")
		c := currency(x)
		if c == "" {
			continue
		}
		if first == "" {
			first = c
		} else if c != first {
			f.Error("D98", x.Loc(), "with 21R in sequence A, every 32B must have the same currency")
		}
	}
}
