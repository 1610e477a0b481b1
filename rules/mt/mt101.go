package mt

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
)

// Sources of the MT 101 rules.
const (
	srcUHB101  = "SWIFT UHB SR2015, MT 101 network validated rules (pinas.synology.me/Swift_Manual/2015/books/us1m/afd.htm)"
	srcUHB101o = "SWIFT UHB SR2006, MT 101 network validated rules (pinas.synology.me/Swift_Manual/2006/FINAL/US1M/DOC/AED.HTM)"
)

var t101 = []string{"MT101"}

// mt101A splits an MT 101 into sequence A (the fields before the first field
// 21) and the rest, the occurrences of sequence B, each starting at a field
// 21 (walk them with nextSeq). It allocates nothing.
func mt101A(m *mt.Message) (a, rest []mt.Field) { return splitAt(m.Fields, "21") }

func mt101Rules() []engine.Rule {
	return []engine.Rule{
		newRule("mt.MT101.D60", "D60", t101, srcUHB101+" C2",
			"In each sequence B, 36 is mandatory if 33B is present and the 32B amount is not zero; otherwise 36 is not allowed", rule101D60),
		newRule("mt.MT101.D61", "D61", t101, srcUHB101+" C3",
			"The ordering customer (50a option F, G or H) is in sequence A or in every sequence B, never both and never neither", rule101D61),
		newRule("mt.MT101.D62", "D62", t101, srcUHB101+" C4",
			"The instructing party (50a option C or L) may be in sequence A or in sequence B, not both", rule101D62),
		newRule("mt.MT101.D68", "D68", t101, srcUHB101+" C5",
			"In each sequence B, the currency of 33B must differ from that of 32B", rule101D68),
		newRule("mt.MT101.D64", "D64", t101, srcUHB101o+" C6",
			"The account servicing institution (52a) may be in sequence A or in sequence B, not both", rule101D64),
		newRule("mt.MT101.D98", "D98", t101, srcUHB101o+" C8",
			"If 21R is present in sequence A, every 32B must have the same currency", rule101D98),
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
			f.Error("D60", x33.Loc(), "field 36 (exchange rate) is mandatory: 33B is present and the 32B amount is not zero")
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
			f.Error("D61", b[0].Loc(), "the ordering customer (50F/G/H) must be in sequence A or in every sequence B; this transaction has none")
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
			f.Error("D68", x33.Loc(), "the currency of 33B must differ from the currency of 32B")
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
