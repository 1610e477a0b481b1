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

// eachAddress calls fn with the summary of each PstlAdr element, in input
// order, built from its direct children (they are contiguous in walk order
// and share ParentPos). A leaf nested deeper (AdrTp/Cd and the like) marks
// the address summarised last as having other elements. Remittance location
// addresses (under RltdRmtInf) are left out: the CBPR+ address rules cover
// party and agent addresses. One summary is kept, on the stack, so any
// number of addresses costs no allocation (fn gets a copy: a pointer
// to it would move it to the heap).
func eachAddress(t *typed.Message, fn func(a address)) {
	var cur address
	open := false
	ls := t.Leaves()
	for i := range ls {
		l := &ls[i]
		if l.Ctx&typed.InPstlAdr == 0 || l.Ctx&typed.InRltdRmtInf != 0 {
			continue
		}
		if l.Parent != "PstlAdr" {
			// AdrTp/Cd and the like: part of the enclosing address.
			if open {
				cur.other = true
			}
			continue
		}
		if !open || cur.ppos != l.ParentPos {
			if open {
				fn(cur)
			}
			cur, open = address{leaf: l, pos: l.ParentPos, ppos: l.ParentPos}, true
		}
		switch l.Name {
		case "AdrLine":
			cur.adrLines++
			if cur.adrLines == 3 {
				cur.line3 = l.Pos
			}
		case "TwnNm":
			cur.twn, cur.other = true, true
		case "Ctry":
			cur.ctry, cur.other = true, true
		default:
			cur.other = true
		}
	}
	if open {
		fn(cur)
	}
}

func (c *checker) checkAddress(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	eachAddress(t, func(a address) {
		if !a.other {
			return // unstructured: cbpr.address.unstructured
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
	})
}

func (c *checker) checkUnstructured(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	rel := -1
	eachAddress(t, func(a address) {
		if a.other || a.adrLines == 0 {
			return
		}
		if rel < 0 {
			rel, _ = c.release(t)
		}
		if !c.sinceSR2026(rel) {
			f.Warnf(CodeUnstructured, t.Loc(t.ParentPath(a.leaf), a.pos), "postal address is unstructured (AdrLine only): accepted under %s, refused from 14 November 2026 (SR2026); use TwnNm and Ctry", c.relName(rel))
			return
		}
		f.Errorf(CodeUnstructured, t.Loc(t.ParentPath(a.leaf), a.pos), "postal address is unstructured (AdrLine only), refused under %s; a structured or hybrid address with TwnNm and Ctry is required", c.relName(rel))
	})
}
