package mt

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/rules/common"
)

var t103 = []string{"MT103"}

// d49Countries is SWIFT's country list of MT 103 rule C2 (D49) and of the
// MT 103 STP IBAN rule (D19), as printed in UHB SR2015 (us1m/ajd.htm). It is
// SWIFT's own list (EU/EEA plus others), not "the EU": it changes between
// releases (the SR2006 list lacks BG and RO). Re-take it from the release in
// force. [unconfirmed that the SR2025 list is unchanged; that the D19 list is
// the same as the D49 list]
const d49Countries = "AD AT BE BG BV CH CY CZ DE DK ES EE FI FR GB GF GI GP GR HU IE IS IT LI LT LU LV MC MQ MT NL NO PL PM PT RE RO SE SI SJ SK SM TF VA"

func inD49(cc string) bool {
	if len(cc) != 2 {
		return false
	}
	for i := 0; i+1 < len(d49Countries); i += 3 {
		if d49Countries[i] == cc[0] && d49Countries[i+1] == cc[1] {
			return true
		}
	}
	return false
}

func isSTP(em *engine.Message, m *mt.Message) bool {
	return em.Type == "MT103STP" || m.Variant == "STP"
}

func mt103Rules() []engine.Rule {
	return []engine.Rule{
		newRule("mt.MT103.D75", "D75", t103, "SWIFT Standards MT SR2015, Category 1, MT 103 REMIT, network validated rule C1 (MT 103 STP: C1)",
			"If 33B is present and its currency differs from 32A, 36 is mandatory; otherwise 36 is not allowed", ruleD75),
		newRule("mt.MT103.D49", "D49", t103, "SWIFT Standards MT SR2015, Category 1, MT 103 REMIT, network validated rule C2",
			"If the sender's and receiver's BICs are both in SWIFT's D49 country list, 33B is mandatory", ruleD49),
		newRule("mt.MT103.E01", "E01", t103, "SWIFT Standards MT SR2015, Category 1, MT 103 REMIT, network validated rule C3",
			"If 23B is SPRI, 23E may only hold SDVA, TELB, PHOB or INTC (MT 103 STP: SDVA or INTC)", ruleE01),
		newRule("mt.MT103.E02", "E02", t103, "SWIFT Standards MT SR2015, Category 1, MT 103 REMIT, network validated rule C3",
			"If 23B is SSTD or SPAY, 23E is not allowed", ruleE02),
		newRule("mt.MT103.E10", "E10", t103, "SWIFT Standards MT SR2006, Category 1, MT 103 STP, field 59a (E10); MT 103 network validated rule C12",
			"If 23B is SPRI, SSTD or SPAY (always in MT 103 STP), the account of 59a is mandatory", ruleE10),
		newRule("mt.MT103.E18", "E18", t103, "SWIFT Standards MT, Category 1, MT 103, network validated rule C13",
			"If any 23E is CHQB, the account of 59a is not allowed", ruleE18),
		newRule("mt.MT103.E13", "E13", t103, "SWIFT Standards MT SR2006, Category 1, MT 103 STP, network validated rule C7",
			"If 71A is OUR, 71F is not allowed", ruleE13),
		newRule("mt.MT103.D50", "D50", t103, "SWIFT Standards MT SR2006, Category 1, MT 103 STP, network validated rule C7",
			"If 71A is SHA, 71G is not allowed", ruleD50),
		newRule("mt.MT103.E15", "E15", t103, "SWIFT Standards MT SR2006, Category 1, MT 103 STP, network validated rule C7",
			"If 71A is BEN, at least one 71F is mandatory and 71G is not allowed", ruleE15),
		newRule("mt.MT103.D51", "D51", t103, "SWIFT Standards MT SR2006, Category 1, MT 103 STP, network validated rule C8 (MT 103 REMIT SR2015: C16)",
			"If 71F or 71G is present, 33B is mandatory", ruleD51),
		newRule("mt.MT103.E44", "E44", t103, "SWIFT Standards MT, Category 1, MT 103, network validated rule C16",
			"If 56a is absent, no 23E may be TELI or PHOI", ruleE44),
		newRule("mt.MT103.E45", "E45", t103, "SWIFT Standards MT, Category 1, MT 103, network validated rule C17",
			"If 57a is absent, no 23E may be TELE or PHON", ruleE45),
		newRule("mt.MT103.C02", "C02", t103, "SWIFT Standards MT SR2006, Category 1, MT 103 STP, network validated rule C9",
			"The currency of 71G must be the currency of 32A", ruleC02),
		newRule("mt.MT103.D97", "D97", t103, "SWIFT Standards MT SR2006, Category 1, MT 103, field 23E, network validated rules",
			"23E additional information only after PHON, PHOB, PHOI, TELE, TELB, TELI, HOLD or REPA (MT 103 STP: REPA)", ruleD97),
		newRule("mt.MT103.D98", "D98", t103, "SWIFT Standards MT SR2006, Category 1, MT 103, field 23E, network validated rules",
			"Repeated 23E codes must appear in SWIFT's fixed order", ruleD98),
		newRule("mt.MT103.D67", "D67", t103, "SWIFT Standards MT SR2006, Category 1, MT 103, field 23E, network validated rules",
			"Some 23E code combinations are not allowed (e.g. SDVA with HOLD, REPA with CORT)", ruleD67),
		newRule("mt.MT103.E46", "E46", t103, "SWIFT Standards MT SR2006, Category 1, MT 103, field 23E, network validated rules",
			"The same 23E code must not be repeated", ruleE46),
		newRule("mt.MT103STP.D19", "D19", []string{"MT103STP"}, "SWIFT Standards MT SR2006, Category 1, MT 103 STP, network validated rule C10 and field 59a",
			"MT 103 STP between two D19-list countries: the account of 59a must be a valid IBAN", ruleD19),
	}
}

func ruleD75(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	f36 := m.Field("36")
	if b := m.Field("33B"); b != nil {
		c33, c32 := currency(b), currency(m.Field("32A"))
		if c33 == "" || c32 == "" {
			return // format errors are the parser's
		}
		if c33 != c32 {
			if f36 == nil {
				f.Error("D75", m.ExpectedAt("36", m.Fields), "field 36 (exchange rate) is mandatory when the currency of 33B differs from that of 32A")
			}
			return
		}
	}
	if f36 != nil {
		f.Error("D75", f36.Loc(), "field 36 is only allowed when 33B is present with a currency different from that of 32A")
	}
}

func ruleD49(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	if m.Field("33B") != nil || !inD49(senderCountry(m)) || !inD49(receiverCountry(m)) {
		return
	}
	f.Error("D49", m.ExpectedAt("33B", m.Fields), "field 33B is mandatory: the sender's and receiver's countries are both in SWIFT's D49 list")
}

func ruleE01(em *engine.Message, m *mt.Message, f *engine.Findings) {
	if facts(em, m).op() != opSPRI {
		return
	}
	fs := fields23E(m)
	stp := isSTP(em, m)
	for i := range fs {
		fd := &fs[i]
		if fd.Tag != "23E" {
			continue
		}
		c, _, _ := code4(fd.Value)
		ok := c == "SDVA" || c == "INTC"
		if !stp {
			ok = ok || c == "TELB" || c == "PHOB"
		}
		if !ok {
			if stp {
				f.Error("E01", fd.Loc(), "with 23B SPRI, 23E may only hold SDVA or INTC")
			} else {
				f.Error("E01", fd.Loc(), "with 23B SPRI, 23E may only hold SDVA, TELB, PHOB or INTC")
			}
		}
	}
}

func ruleE02(em *engine.Message, m *mt.Message, f *engine.Findings) {
	if facts(em, m).op()&(opSSTD|opSPAY) == 0 {
		return
	}
	fs := fields23E(m)
	for i := range fs {
		if fs[i].Tag == "23E" {
			f.Error("E02", fs[i].Loc(), "with 23B SSTD or SPAY, field 23E is not allowed")
		}
	}
}

func ruleE10(em *engine.Message, m *mt.Message, f *engine.Findings) {
	if !isSTP(em, m) && facts(em, m).op() == 0 {
		return
	}
	if x := m.Field("59a"); x != nil && !hasSlashLine(x.Value) {
		f.Error("E10", x.Loc(), "the account of the beneficiary customer (59a) is mandatory here")
	}
}

func ruleE18(em *engine.Message, m *mt.Message, f *engine.Findings) {
	if !facts(em, m).has(e23CHQB) {
		return
	}
	if x := m.Field("59a"); x != nil && len(x.Value) > 0 && x.Value[0] == '/' {
		f.Error("E18", x.Loc(), "with 23E CHQB (pay by cheque), field 59a must not carry an account")
	}
}

func charges(m *mt.Message) string {
	if x := m.Field("71A"); x != nil {
		return firstLine(x.Value)
	}
	return ""
}

func ruleE13(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	if charges(m) != "OUR" {
		return
	}
	for i := range m.Fields {
		if m.Fields[i].Tag == "71F" {
			f.Error("E13", m.Fields[i].Loc(), "with 71A OUR, field 71F (sender's charges) is not allowed")
		}
	}
}

func ruleD50(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	if charges(m) != "SHA" {
		return
	}
	if x := m.Field("71G"); x != nil {
		f.Error("D50", x.Loc(), "with 71A SHA, field 71G (receiver's charges) is not allowed")
	}
}

func ruleE15(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	if charges(m) != "BEN" {
		return
	}
	if x := m.Field("71G"); x != nil {
		f.Error("E15", x.Loc(), "with 71A BEN, field 71G (receiver's charges) is not allowed")
	}
	if m.Field("71F") == nil {
		f.Error("E15", m.ExpectedAt("71F", m.Fields), "with 71A BEN, at least one field 71F (sender's charges) is mandatory")
	}
}

func ruleD51(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	if m.Field("33B") != nil {
		return
	}
	x := m.Field("71F")
	if x == nil {
		x = m.Field("71G")
	}
	if x != nil {
		f.Error("D51", m.ExpectedAt("33B", m.Fields), "field 33B is mandatory when 71F or 71G is present")
	}
}

func ruleE44(em *engine.Message, m *mt.Message, f *engine.Findings) {
	check23ENeeds(em, m, f, e23TelI, "56a", "TELI", "PHOI", "E44", "23E TELI or PHOI needs an intermediary (56a)")
}

func ruleE45(em *engine.Message, m *mt.Message, f *engine.Findings) {
	check23ENeeds(em, m, f, e23TelE, "57a", "TELE", "PHON", "E45", "23E TELE or PHON needs an account with institution (57a)")
}

// check23ENeeds reports, with code, each 23E whose code word is a or b when
// field need is absent; fact says whether the message has such a 23E.
func check23ENeeds(em *engine.Message, m *mt.Message, f *engine.Findings, fact facts103, need, a, b, code, msg string) {
	if !facts(em, m).has(fact) {
		return
	}
	fs := fields23E(m)
	if len(fs) == 0 || m.Field(need) != nil {
		return
	}
	for i := range fs {
		if fs[i].Tag != "23E" {
			continue
		}
		if c, _, _ := code4(fs[i].Value); c == a || c == b {
			f.Error(code, fs[i].Loc(), msg)
		}
	}
}

func ruleC02(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	g := m.Field("71G")
	if g == nil {
		return
	}
	cg, ca := currency(g), currency(m.Field("32A"))
	if cg != "" && ca != "" && cg != ca {
		f.Error("C02", g.Loc(), "the currency of 71G, "+engine.Echo(cg)+", must be the currency of 32A, "+engine.Echo(ca))
	}
}

// 23E instruction codes of MT 103 (and MT 103 REMIT) in SWIFT's order (D98)
// and of MT 103 STP. BONL (SR2006) was later removed (xmldation field_23e).
// Unknown codes (T47, T48 in MT 103 STP) are reported by the parser
// (formats/mt field definitions); the rules here skip them.
const (
	codes23E    = "SDVA INTC REPA CORT HOLD CHQB PHOB TELB PHON TELE PHOI TELI"
	codes23ESTP = "SDVA INTC REPA CORT"
	// 23E codes that may carry additional information (D97).
	info23E    = "PHON PHOB PHOI TELE TELB TELI HOLD REPA"
	info23ESTP = "REPA"
)

// rank23E returns the 1-based position of code c in list (codes of four
// letters separated by one space), or 0.
func rank23E(list, c string) int {
	if len(c) != 4 {
		return 0
	}
	for i := 0; i+4 <= len(list); i += 5 {
		if list[i:i+4] == c {
			return i/5 + 1
		}
	}
	return 0
}

func ruleD97(em *engine.Message, m *mt.Message, f *engine.Findings) {
	if !facts(em, m).has(e23Info) {
		return
	}
	fs := fields23E(m)
	list := info23E
	if isSTP(em, m) {
		list = info23ESTP
	}
	for i := range fs {
		fd := &fs[i]
		if fd.Tag != "23E" {
			continue
		}
		c, _, slash := code4(fd.Value)
		if slash && rank23E(codes23E, c) > 0 && rank23E(list, c) == 0 {
			f.Error("D97", fd.Loc(), "23E additional information is not allowed after this code")
		}
	}
}

func ruleD98(em *engine.Message, m *mt.Message, f *engine.Findings) {
	if !facts(em, m).has(e23Many) {
		return
	}
	fs := fields23E(m)
	list := codes23E
	if isSTP(em, m) {
		list = codes23ESTP
	}
	prev := 0
	for i := range fs {
		fd := &fs[i]
		if fd.Tag != "23E" {
			continue
		}
		c, _, _ := code4(fd.Value)
		r := rank23E(list, c)
		if r == 0 {
			continue // unknown code: T47/T48
		}
		if r < prev {
			f.Error("D98", fd.Loc(), "23E codes are out of order (SDVA, INTC, REPA, CORT, HOLD, CHQB, PHOB, TELB, PHON, TELE, PHOI, TELI)")
		}
		if r > prev {
			prev = r
		}
	}
}

// forbidden23E lists the 23E pairs that must not occur together (D67), each
// as "AAAABBBB". MT 103: UHB SR2006 AHG004 (SDVA–HOLD … HOLD–CHQB, as read;
// the PHOB–TELB, PHON–TELE and PHOI–TELI pairs were cut off in the copy read;
// confirmed: UHB SR2015 MT 103 REMIT 23E, …/2015/books/us1m/ajh004.htm, lists
// all 13 pairs). MT 103 STP: REPA with CORT only (UHB SR2006 AIG004).
const (
	forbidden23E    = "SDVAHOLD SDVACHQB INTCHOLD INTCCHQB REPAHOLD REPACHQB REPACORT CORTHOLD CORTCHQB HOLDCHQB PHOBTELB PHONTELE PHOITELI"
	forbidden23ESTP = "REPACORT"
)

func forbiddenPair(list, a, b string) bool {
	for i := 0; i+8 <= len(list); i += 9 {
		p, q := list[i:i+4], list[i+4:i+8]
		if (p == a && q == b) || (p == b && q == a) {
			return true
		}
	}
	return false
}

func ruleD67(em *engine.Message, m *mt.Message, f *engine.Findings) {
	if !facts(em, m).has(e23Many) {
		return
	}
	fs := fields23E(m)
	list := forbidden23E
	if isSTP(em, m) {
		list = forbidden23ESTP
	}
	for i := range fs {
		if fs[i].Tag != "23E" {
			continue
		}
		a, _, _ := code4(fs[i].Value)
		for j := 0; j < i; j++ {
			if fs[j].Tag != "23E" {
				continue
			}
			if b, _, _ := code4(fs[j].Value); forbiddenPair(list, a, b) {
				f.Error("D67", fs[i].Loc(), "this 23E code must not be combined with "+b)
				break
			}
		}
	}
}

func ruleE46(em *engine.Message, m *mt.Message, f *engine.Findings) {
	if !facts(em, m).has(e23Many) {
		return
	}
	fs := fields23E(m)
	for i := range fs {
		if fs[i].Tag != "23E" {
			continue
		}
		a, _, _ := code4(fs[i].Value)
		for j := 0; j < i; j++ {
			if fs[j].Tag != "23E" {
				continue
			}
			if b, _, _ := code4(fs[j].Value); a == b {
				f.Error("E46", fs[i].Loc(), "the same 23E code must not appear twice")
				break
			}
		}
	}
}

func ruleD19(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	if !inD49(senderCountry(m)) || !inD49(receiverCountry(m)) {
		return
	}
	x := m.Field("59a")
	if x == nil {
		return
	}
	l := firstLine(x.Value)
	if len(l) < 2 || l[0] != '/' {
		return // missing account: E10
	}
	switch common.CheckIBAN(l[1:]) {
	case common.IBANOK:
	case common.IBANCountry:
		f.Error("T73", lineLoc(x, 0), "the IBAN in 59a has a country code without IBAN")
	default:
		f.Error("D19", lineLoc(x, 0), "the account in 59a must be a valid IBAN (ISO 13616) between these countries")
	}
}
