package mt

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
)

// scope selects the fields a presence condition looks at.
type scope uint8

const (
	// scopeSeqA is the whole of block 4, except in MT 202 COV and MT 205 COV
	// where it is sequence A (the fields before the first 50a).
	scopeSeqA scope = iota
	// scopeCovB is sequence B of MT 202 COV / MT 205 COV (from the first 50a).
	scopeCovB
	// scopeEach101B is each occurrence of MT 101 sequence B, in turn.
	scopeEach101B
)

// presence is a network validated rule of the form "if field When is
// present, fields Need are mandatory" or, with no Need, "field When is not
// allowed", within a scope. Rules of this shape are data: presenceRules.
type presence struct {
	id, code string
	types    []string
	source   string
	desc     string
	scope    scope
	when     string    // tag (or "NNa") whose presence triggers the rule
	need     [2]string // tags that must then be present; both "" = when is not allowed
	// msg is the finding text: about the When field when it is not
	// allowed, or about the missing Need field, located where that field
	// was expected and naming it (Location.Field).
	msg string
}

// presenceRules are the rules of that shape, with their sources.
var presenceRules = []presence{
	{id: "mt.MT103.C81", code: "C81", types: t103, source: "SWIFT Standards MT SR2006, Category 1, MT 103 STP, network validated rule C5",
		desc: "If 56a is present, 57a is mandatory", scope: scopeSeqA, when: "56a", need: [2]string{"57a"},
		msg: "field 56a (intermediary) requires 57a (account with institution)"},
	{id: "mt.MT103.E06", code: "E06", types: t103, source: "SWIFT Standards MT SR2006, Category 1, MT 103 STP, network validated rule C4",
		desc: "If 55a is present, 53a and 54a are mandatory", scope: scopeSeqA, when: "55a", need: [2]string{"53a", "54a"},
		msg: "field 55a requires both 53a and 54a"},
	{id: "mt.MT103.D63", code: "D63", types: []string{"MT101", "MT103"}, source: "SWIFT Standards MT SR2015, Category 1, MT 103 REMIT, field 51A (D63: FileAct only)",
		desc: "51A is only valid in FileAct, not in a FIN message", scope: scopeSeqA, when: "51A",
		msg: "field 51A is only valid in FileAct, not in a FIN message"},
	{id: "mt.MT202.C81", code: "C81", types: []string{"MT202", "MT205"}, source: "SWIFT Standards MT, Category 2, MT 202 and MT 205, network validated rule C1",
		desc: "If 56a is present, 57a is mandatory (sequence A in the COV variants)", scope: scopeSeqA, when: "56a", need: [2]string{"57a"},
		msg: "field 56a (intermediary) requires 57a (account with institution)"},
	{id: "mt.MT202COV.C68", code: "C68", types: []string{"MT202COV", "MT205COV"}, source: "SWIFT Standards MT, Category 2, MT 202 COV and MT 205 COV, network validated rule C2",
		desc: "In sequence B (underlying customer credit transfer), 56a requires 57a", scope: scopeCovB, when: "56a", need: [2]string{"57a"},
		msg: "in sequence B, field 56a (intermediary) requires 57a (account with institution)"},
	{id: "mt.MT101.D54", code: "D54", types: t101, source: "SWIFT Standards MT SR2015, Category 1, MT 101, network validated rule C1",
		desc: "In each sequence B, an exchange rate in 36 requires the FX deal reference 21F", scope: scopeEach101B, when: "36", need: [2]string{"21F"},
		msg: "field 36 (exchange rate) requires 21F (FX deal reference) in the same transaction"},
	{id: "mt.MT101.D65", code: "D65", types: t101, source: "SWIFT Standards MT SR2006, Category 1, MT 101, network validated rule C7",
		desc: "In each sequence B, 56a requires 57a", scope: scopeEach101B, when: "56a", need: [2]string{"57a"},
		msg: "field 56a (intermediary) requires 57a (account with institution) in the same transaction"},
}

func presenceRuleList() []engine.Rule {
	out := make([]engine.Rule, len(presenceRules))
	for i := range presenceRules {
		p := &presenceRules[i]
		out[i] = newRule(p.id, p.code, p.types, p.source, p.desc, p.check)
	}
	return out
}

func isCOV(em *engine.Message, m *mt.Message) bool {
	return em.Type == "MT202COV" || em.Type == "MT205COV" || m.Variant == "COV"
}

func (p *presence) check(em *engine.Message, m *mt.Message, f *engine.Findings) {
	fs := m.Fields
	switch p.scope {
	case scopeSeqA:
		if isCOV(em, m) {
			fs, _ = splitAt(fs, "50a")
			p.in(m, fs, f)
			return
		}
		p.inMsg(m, f)
	case scopeCovB:
		_, fs = splitAt(fs, "50a")
		p.in(m, fs, f)
	case scopeEach101B:
		_, rest := mt101A(m)
		for b, rest := nextSeq(rest, "21"); len(b) > 0; b, rest = nextSeq(rest, "21") {
			p.in(m, b, f)
		}
	}
}

// inMsg is in on all the fields of m, through the message's tag index.
func (p *presence) inMsg(m *mt.Message, f *engine.Findings) {
	x := m.Field(p.when)
	if x == nil {
		return
	}
	if p.need[0] == "" {
		f.Error(p.code, x.Loc(), p.msg)
		return
	}
	for _, n := range p.need {
		if n != "" && m.Field(n) == nil {
			f.Error(p.code, m.ExpectedAt(n, m.Fields), p.msg)
			return
		}
	}
}

func (p *presence) in(m *mt.Message, fs []mt.Field, f *engine.Findings) {
	x := find(fs, p.when)
	if x == nil {
		return
	}
	if p.need[0] == "" {
		f.Error(p.code, x.Loc(), p.msg)
		return
	}
	for _, n := range p.need {
		if n != "" && find(fs, n) == nil {
			f.Error(p.code, m.ExpectedAt(n, fs), p.msg)
			return
		}
	}
}
