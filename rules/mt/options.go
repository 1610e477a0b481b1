package mt

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
)

// optionRule is an MT 103 rule of the form "if 23B is one of Ops, field Tag
// may only be used with the options in Allowed" (Allowed "" = the field is
// not allowed at all), optionally with an extra check of the field's
// content. Rules of this shape are data: optionRules.
type optionRule struct {
	id, code string
	source   string
	desc     string
	ops      uint8  // 23B codes that trigger the rule (opSPRI|opSSTD|opSPAY)
	tag      string // "53a" ...
	allowed  string // option letters allowed; "" = field not allowed
	msg      string // finding for a disallowed option (or field)
	extra    func(x *mt.Field) bool
	extraMsg string // finding when extra reports false
}

// 23B code bits: the SWIFT service-level codes SPRI, SSTD and SPAY that
// trigger MT 103 rules C4–C12.
const (
	opSPRI uint8 = 1 << iota
	opSSTD
	opSPAY
	specialOps = opSPRI | opSSTD | opSPAY
)

// opBit returns the bit of a 23B code, 0 for others (CRED, CRTS).
func opBit(op string) uint8 {
	switch op {
	case "SPRI":
		return opSPRI
	case "SSTD":
		return opSSTD
	case "SPAY":
		return opSPAY
	}
	return 0
}

// optionRules are the MT 103 rules C4–C11 on options under 23B SPRI, SSTD
// and SPAY (numbering of MT 103 REMIT, UHB SR2015).
var optionRules = []optionRule{
	{id: "mt.MT103.E03", code: "E03", source: "SWIFT Standards MT SR2015, Category 1, MT 103 REMIT, network validated rule C4",
		desc: "If 23B is SPRI, SSTD or SPAY, 53a must not be option D", ops: specialOps, tag: "53a", allowed: "AB",
		msg: "with 23B SPRI, SSTD or SPAY, field 53a must not be option D"},
	{id: "mt.MT103.E04", code: "E04", source: "SWIFT Standards MT SR2015, Category 1, MT 103 REMIT, network validated rule C5",
		desc: "If 23B is SPRI, SSTD or SPAY and 53B is used, its party identifier is mandatory", ops: specialOps, tag: "53B", allowed: "B",
		extra: partyID, extraMsg: "with 23B SPRI, SSTD or SPAY, field 53B must carry a party identifier"},
	{id: "mt.MT103.E05", code: "E05", source: "SWIFT Standards MT, Category 1, MT 103, network validated rule C6",
		desc: "If 23B is SPRI, SSTD or SPAY, 54a may only be option A", ops: specialOps, tag: "54a", allowed: "A",
		msg: "with 23B SPRI, SSTD or SPAY, field 54a may only be option A"},
	{id: "mt.MT103.E07", code: "E07", source: "SWIFT Standards MT, Category 1, MT 103, network validated rule C8",
		desc: "If 23B is SPRI, SSTD or SPAY, 55a may only be option A", ops: specialOps, tag: "55a", allowed: "A",
		msg: "with 23B SPRI, SSTD or SPAY, field 55a may only be option A"},
	{id: "mt.MT103.E16", code: "E16", source: "SWIFT Standards MT SR2006, Category 1, MT 103 STP, network validated rule C6",
		desc: "If 23B is SPRI, 56a is not allowed", ops: opSPRI, tag: "56a", allowed: "",
		msg: "with 23B SPRI, field 56a is not allowed"},
	{id: "mt.MT103.E17", code: "E17", source: "SWIFT Standards MT, Category 1, MT 103, network validated rule C10",
		desc: "If 23B is SSTD or SPAY, 56a may only be option A or C, and option C must carry a clearing code", ops: opSSTD | opSPAY, tag: "56a", allowed: "AC",
		msg:   "with 23B SSTD or SPAY, field 56a may only be option A or C",
		extra: clearingCodeIfC, extraMsg: "with 23B SSTD or SPAY, field 56C must carry a clearing system code (//…)"},
	{id: "mt.MT103.E09", code: "E09", source: "SWIFT Standards MT, Category 1, MT 103, network validated rule C11",
		desc: "If 23B is SPRI, SSTD or SPAY, 57a may only be option A, C or D, and option D must carry a party identifier", ops: specialOps, tag: "57a", allowed: "ACD",
		msg:   "with 23B SPRI, SSTD or SPAY, field 57a may only be option A, C or D",
		extra: partyIDIfD, extraMsg: "with 23B SPRI, SSTD or SPAY, field 57D must carry a party identifier"},
}

// partyID reports whether the field's first line is a party identifier
// ("/…").
func partyID(x *mt.Field) bool { return hasSlashLine(x.Value) }

// partyIDIfD is partyID for option D, true for other options.
func partyIDIfD(x *mt.Field) bool { return option(x) != "D" || partyID(x) }

// clearingCodeIfC reports, for option C, whether the value is a clearing
// system code ("//" + code, 56C being "/34x"); true for other options.
func clearingCodeIfC(x *mt.Field) bool {
	return option(x) != "C" || (len(x.Value) >= 4 && x.Value[0] == '/' && x.Value[1] == '/')
}

func optionRuleList() []engine.Rule {
	out := make([]engine.Rule, len(optionRules))
	for i := range optionRules {
		o := &optionRules[i]
		out[i] = newRule(o.id, o.code, t103, o.source, o.desc, o.check)
	}
	return out
}

func (o *optionRule) check(em *engine.Message, m *mt.Message, f *engine.Findings) {
	if facts(em, m).op()&o.ops == 0 {
		return
	}
	x := m.Field(o.tag)
	if x == nil {
		return
	}
	if opt := option(x); o.allowed == "" || len(opt) != 1 || !containsByte(o.allowed, opt[0]) {
		f.Error(o.code, x.Loc(), o.msg)
		return
	}
	if o.extra != nil && !o.extra(x) {
		f.Error(o.code, x.Loc(), o.extraMsg)
	}
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}
