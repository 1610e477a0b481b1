package cbpr

import (
	"strings"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
)

// address summarises one PstlAdr element from its leaves.
type address struct {
	path      string
	pos       typed.Pos // first leaf
	adrLines  int
	line3     typed.Pos // third AdrLine
	other     bool      // any element other than AdrLine
	twn, ctry bool
}

// addresses groups the leaves of each PstlAdr (they are contiguous in walk
// order) into address summaries.
func addresses(t *typed.Message) []address {
	var out []address
	ls := t.Leaves()
	for i := range ls {
		l := &ls[i]
		p := t.LeafPath(l)
		k := strings.LastIndex(p, "/PstlAdr/")
		if k < 0 || strings.Contains(p, "/RltdRmtInf") {
			// Remittance location addresses are not party or agent
			// addresses, which the CBPR+ address rules cover.
			continue
		}
		parent := p[:k+len("/PstlAdr")]
		if strings.IndexByte(p[k+len("/PstlAdr/"):], '/') >= 0 {
			// AdrTp/Cd and the like: deeper than a direct child.
			if len(out) > 0 && out[len(out)-1].path == parent {
				out[len(out)-1].other = true
			}
			continue
		}
		if len(out) == 0 || out[len(out)-1].path != parent {
			out = append(out, address{path: parent, pos: l.Pos})
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
	for _, a := range addresses(t) {
		if !a.other {
			continue // unstructured: cbpr.address.unstructured
		}
		kind := "structured"
		if a.adrLines > 0 {
			kind = "hybrid"
		}
		if !a.twn || !a.ctry {
			var miss []string
			if !a.twn {
				miss = append(miss, "TwnNm")
			}
			if !a.ctry {
				miss = append(miss, "Ctry")
			}
			f.Errorf(CodeAddress, t.Loc(a.path, a.pos), "%s postal address lacks %s; CBPR+ requires TwnNm and Ctry", kind, strings.Join(miss, " and "))
		}
		if a.adrLines > 2 {
			f.Errorf(CodeAddress, t.Loc(a.path+"/AdrLine[3]", a.line3), "hybrid postal address has %d AdrLine; CBPR+ allows at most 2 with structured elements", a.adrLines)
		}
	}
}

func (c *checker) checkUnstructured(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	rel := ""
	for _, a := range addresses(t) {
		if a.other || a.adrLines == 0 {
			continue
		}
		if rel == "" {
			rel = c.release(t)
		}
		if rel == "SR2025" {
			f.Warnf(CodeUnstructured, t.Loc(a.path, a.pos), "postal address is unstructured (AdrLine only): accepted under SR2025, refused from 14 November 2026 (SR2026); use TwnNm and Ctry")
			continue
		}
		f.Errorf(CodeUnstructured, t.Loc(a.path, a.pos), "postal address is unstructured (AdrLine only), refused under %s; a structured or hybrid address with TwnNm and Ctry is required", rel)
	}
}
