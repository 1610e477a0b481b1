package cbpr

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
)

// address summarises one PstlAdr element from its leaves.
type address struct {
	leaf      *typed.Leaf // first leaf, to build the path when reporting
	pos       typed.Pos   // the PstlAdr element
	ppos      typed.Pos
	adrLines  int
	line3     typed.Pos // third AdrLine
	other     bool      // any element other than AdrLine
	twn, ctry bool
}

// addresses groups the direct children of each PstlAdr (they are
// contiguous in walk order and share ParentPos) into address summaries.
// Remittance location addresses (under RltdRmtInf) are left out: the CBPR+
// address rules cover party and agent addresses.
func addresses(t *typed.Message, out []address) []address {
	ls := t.Leaves()
	for i := range ls {
		l := &ls[i]
		if l.Ctx&typed.InPstlAdr == 0 || l.Ctx&typed.InRltdRmtInf != 0 {
			continue
		}
		if l.Parent != "PstlAdr" {
			// AdrTp/Cd and the like: part of the enclosing address.
			if len(out) > 0 {
				out[len(out)-1].other = true
			}
			continue
		}
		if len(out) == 0 || out[len(out)-1].ppos != l.ParentPos {
			out = append(out, address{leaf: l, pos: l.ParentPos, ppos: l.ParentPos})
		}
		a := &out[len(out)-1]
		switch l.Name {
		case "AdrLine":
			a.adrLines++
			if a.adrLines == 3 {
				a.line3 = l.Pos
			}
		case "TwnNm":
			a.twn, a.other = true, true
		case "Ctry":
			a.ctry, a.other = true, true
		default:
			a.other = true
		}
	}
	return out
}

func (c *checker) checkAddress(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	var buf [8]address
	for _, a := range addresses(t, buf[:0]) {
		if !a.other {
			continue // unstructured: cbpr.address.unstructured
		}
		kind := "structured"
		if a.adrLines > 0 {
			kind = "hybrid"
		}
		// Each missing element at its own XPath, on the line of the PstlAdr.
		for _, m := range [...]struct {
			has  bool
			name string
		}{{a.twn, "TwnNm"}, {a.ctry, "Ctry"}} {
			if !m.has {
				f.Errorf(CodeAddress, t.Loc(t.ParentPath(a.leaf)+"/"+m.name, a.pos), "%s postal address lacks %s; CBPR+ requires TwnNm and Ctry", kind, m.name)
			}
		}
		if a.adrLines > 2 {
			f.Errorf(CodeAddress, t.Loc(t.ParentPath(a.leaf)+"/AdrLine[3]", a.line3), "hybrid postal address has %d AdrLine; CBPR+ allows at most 2 with structured elements", a.adrLines)
		}
	}
}

func (c *checker) checkUnstructured(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	rel := -1
	var buf [8]address
	for _, a := range addresses(t, buf[:0]) {
		if a.other || a.adrLines == 0 {
			continue
		}
		if rel < 0 {
			rel, _ = c.release(t)
		}
		if !c.sinceSR2026(rel) {
			f.Warnf(CodeUnstructured, t.Loc(t.ParentPath(a.leaf), a.pos), "postal address is unstructured (AdrLine only): accepted under %s, refused from 14 November 2026 (SR2026); use TwnNm and Ctry", c.relName(rel))
			continue
		}
		f.Errorf(CodeUnstructured, t.Loc(t.ParentPath(a.leaf), a.pos), "postal address is unstructured (AdrLine only), refused under %s; a structured or hybrid address with TwnNm and Ctry is required", c.relName(rel))
	}
}
