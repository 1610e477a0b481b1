package cbpr

import (
	"bytes"
	"strings"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
)

// addressExempt are the message definitions (by base) that SWIFT exempts
// from the SR2026 town-and-country rule for parties and agents: "except for
// ISO 20022 message identifiers admi.024, camt.025, camt.052, camt.053,
// camt.054 and camt.060" (SWIFT, "ISO 20022: The removal of unstructured
// address", https://www.swift.com/pt/node/310530).
var addressExempt = []string{"admi.024", "camt.025", "camt.052", "camt.053", "camt.054", "camt.060"}

// addressScope lists the typed CBPR+ message definitions the postal-address
// and agent rules apply to: all but the exempt ones, so a message
// definition added to the typed model is covered unless SWIFT exempts it.
func addressScope() []string {
	var out []string
	for _, d := range typed.Definitions {
		if d.Element == "AppHdr" || inList(addressExempt, d.ID[:min(len(d.ID), 8)]) {
			continue
		}
		out = append(out, d.ID)
	}
	return out
}

// agentID summarises the FinInstnId of one agent from its leaves.
type agentID struct {
	prefix       string      // XPath of the FinInstnId
	first        *typed.Leaf // its first leaf
	bic, nm, adr bool
}

// checkAgentIdentification applies the SR2026 rule that every agent is
// identified by its BIC, or by its name and postal address (the address then
// with TwnNm and Ctry, which cbpr.address.structured checks). Most CBPR+
// agents carry a BICFI only: the XPaths (one allocation) are built only when
// a FinInstnId holds something else.
func (c *checker) checkAgentIdentification(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	ls := t.Leaves()
	other := false
	for i := range ls {
		l := &ls[i]
		if l.Ctx&typed.InAppHdr == 0 && (l.Parent == "FinInstnId" && l.Name != "BICFI" || l.Parent == "ClrSysMmbId" || l.Parent == "ClrSysId") {
			other = true
			break
		}
	}
	if !other {
		return
	}
	if rel, _ := c.release(t); !c.sinceSR2026(rel) {
		return
	}
	var cur agentID
	flush := func() {
		if cur.first == nil || cur.bic || cur.nm && cur.adr {
			return
		}
		name, what := "BICFI", "neither a BICFI nor a Nm and PstlAdr"
		switch {
		case cur.nm:
			name, what = "PstlAdr", "no BICFI and a Nm without PstlAdr"
		case cur.adr:
			name, what = "Nm", "no BICFI and a PstlAdr without Nm"
		}
		f.Errorf(CodeAgentID, t.Loc(cur.prefix+"/"+name, finInstnIdPos(t, cur.first)), "the agent has %s; from SR2026 an agent is identified by its BIC, or by its name and postal address (town and country at least)", what)
	}
	for i := range ls {
		l := &ls[i]
		if l.Ctx&typed.InAppHdr != 0 {
			continue
		}
		p := t.LeafPath(l)
		k := strings.Index(p, "/FinInstnId/")
		if k < 0 {
			continue
		}
		prefix := p[:k+len("/FinInstnId")]
		if prefix != cur.prefix {
			flush()
			cur = agentID{prefix: prefix, first: l}
		}
		child := p[len(prefix)+1:]
		if j := strings.IndexByte(child, '/'); j >= 0 {
			child = child[:j]
		}
		switch child {
		case "BICFI":
			cur.bic = true
		case "Nm":
			cur.nm = true
		case "PstlAdr":
			cur.adr = true
		}
	}
	flush()
}

// finInstnIdPos returns the position of the FinInstnId start tag enclosing
// leaf l: the last one before it in the input (FinInstnId does not nest).
// Used on failure only.
func finInstnIdPos(t *typed.Message, l *typed.Leaf) typed.Pos {
	end := int(l.Pos) - 1
	if end <= 0 || end > len(t.Raw) {
		return l.Pos
	}
	b := t.Raw[:end]
	for {
		k := bytes.LastIndex(b, []byte("FinInstnId"))
		if k <= 0 {
			return l.Pos
		}
		if c := b[k-1]; c == '<' || c == ':' {
			if c == ':' {
				if j := bytes.LastIndexByte(b[:k], '<'); j >= 0 && bytes.IndexAny(b[j:k], " \t\r\n/>") < 0 {
					return typed.Pos(j + 1)
				}
			} else {
				return typed.Pos(k)
			}
		}
		b = b[:k]
	}
}

// checkADVSettlement applies the SR2026 restriction of the pacs.009 advice
// (ADV, a pre-advice that settles nothing): SttlmMtd is COVE only and
// SttlmAcct is not used.
func (c *checker) checkADVSettlement(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil || t.Pacs009 == nil || t.Variant() != "ADV" {
		return
	}
	if rel, _ := c.release(t); !c.sinceSR2026(rel) {
		return
	}
	s := &t.Pacs009.GrpHdr.SttlmInf
	p := t.DocPath() + "/GrpHdr/SttlmInf"
	if v := trim(s.SttlmMtd.Value); s.SttlmMtd.Present() && v != "COVE" {
		f.Errorf(CodeADVSettlement, t.Loc(p+"/SttlmMtd", s.SttlmMtd.Pos), "SttlmMtd %s is not allowed in a pacs.009 ADV from SR2026; an advice is settled by cover: use COVE", engine.Echo(v))
	}
	if s.SttlmAcct != nil {
		f.Errorf(CodeADVSettlement, t.Loc(p+"/SttlmAcct", s.SttlmAcct.Pos), "SttlmAcct is not allowed in a pacs.009 ADV from SR2026")
	}
}
