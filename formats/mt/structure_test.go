package mt

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// missingRef is walker.missing as first written (every slot visited), kept
// to check the jump table against it.
func (w *walker) missingRef(from, to int, at engine.Location) {
	sl := w.d.slots
	for k := from; k < to && k < len(sl); k++ {
		s := &sl[k]
		if g := s.group; g >= 0 && w.occ[g] == 0 {
			gr := &w.d.groups[g]
			if k == gr.first && gr.min > 0 {
				code := codeT13
				if gr.rep {
					code = codeT11
				}
				w.p.err(code, at, "mandatory sequence "+gr.name+" of "+w.m.Type+" is missing")
			}
			if gr.last >= k {
				k = gr.last
			}
			continue
		}
		if s.mand && !w.used[k] {
			where := " (expected before field " + at.Field + ")"
			if at.Field == "" {
				where = " (expected before the end of block 4)"
			}
			w.p.err(codeT13, at, "mandatory field "+s.tag+" is missing"+where)
		}
	}
}

// TestMissingJumpTable checks walker.missing against missingRef on random
// walker states for every message definition.
func TestMissingJumpTable(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	field := &Field{Tag: "32A", Line: 3, Column: 1}
	for _, d := range typeList {
		m := &Message{Type: d.Type, TextLine: 7, TextColumn: 2}
		for n := 0; n < 2000; n++ {
			var fa, fb engine.Findings
			wa := walker{p: &parser{f: &fa}, m: m, d: d}
			for k := range wa.used {
				wa.used[k] = r.IntN(2) == 0
			}
			for g := range wa.occ {
				wa.occ[g] = r.IntN(3)
			}
			wb := wa
			wb.p = &parser{f: &fb}
			from, to := r.IntN(len(d.slots)+2), r.IntN(len(d.slots)+3)
			f, at := field, field.Loc()
			if n%2 == 0 {
				f, at = nil, engine.Location{Block: 4, Line: 7, Column: 2}
			}
			wa.missing(from, to, f)
			wb.missingRef(from, to, at)
			if !reflect.DeepEqual(fa.List(), fb.List()) {
				t.Fatalf("%s missing(%d, %d): %v, want %v", d.Type, from, to, fa.List(), fb.List())
			}
		}
	}
}

// TestDefByNum checks the by-number table against the name map.
func TestDefByNum(t *testing.T) {
	for n := 0; n < 1000; n++ {
		if got, want := defByNum[n], defFor(mtNames[n]); got != want {
			t.Errorf("defByNum[%d] = %v, want %v", n, got, want)
		}
	}
}
