package mt

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// missingRef is walker.missing as first written (every slot visited), kept
// to check the jump table against it.
func (w *walker) missingRef(from, to int, f *Field) {
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
				w.p.err(code, w.at(f, sl[gr.first].tag), "mandatory sequence "+gr.name+" of "+w.m.Type+" (starting with field "+sl[gr.first].tag+") is missing"+w.where(f))
			}
			if gr.last >= k {
				k = gr.last
			}
			continue
		}
		if s.mand && !w.used[k] {
			w.p.err(codeT13, w.at(f, s.tag), "mandatory field "+s.tag+" is missing"+w.where(f))
		}
	}
}

// TestMissingJumpTable checks walker.missing against missingRef on random
// walker states for every message definition.
func TestMissingJumpTable(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	field := &Field{Tag: "32A", Line: 3, Column: 1}
	for _, d := range compiledDefs() {
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
			f := field
			if n%2 == 0 {
				f = nil
			}
			wa.missing(from, to, f)
			wb.missingRef(from, to, f)
			if !reflect.DeepEqual(fa.List(), fb.List()) {
				t.Fatalf("%s missing(%d, %d): %v, want %v", d.Type, from, to, fa.List(), fb.List())
			}
		}
	}
}

// compiledDefs compiles and returns every definition, in declaration
// order.
func compiledDefs() []*typeDef {
	out := make([]*typeDef, len(typeSources))
	for i := range typeSources {
		out[i] = typeSources[i].get()
	}
	return out
}

// TestDefinitionsCompile indexes the declarations and compiles every
// definition, as the first parse of a message of each type does: a
// definition that does not compile (or a duplicate type, or a variant
// without its base type) must fail here, never panic in a user's run. The
// sequence names Types reports without compiling must be those of the
// compiled definition.
func TestDefinitionsCompile(t *testing.T) {
	var list []*typeDef
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("the built-in definitions do not compile: %v", r)
			}
		}()
		list = compiledDefs()
	}()
	if len(defs().byName) != len(typeSources) {
		t.Fatalf("%d names from %d declarations", len(defs().byName), len(typeSources))
	}
	for i, d := range list {
		src := &typeSources[i]
		if d.src != src || d.Type != src.typ || defFor(src.typ) != d || src.get() != d {
			t.Errorf("definition %d is %s, declared %s (or not kept)", i, d.Type, src.typ)
		}
		var groups []string
		for _, g := range d.groups {
			groups = append(groups, g.name)
		}
		if seqs := src.sequences(); !reflect.DeepEqual(seqs, groups) {
			t.Errorf("%s: sequences() = %q, compiled groups %q", src.typ, seqs, groups)
		}
	}
}

// TestDefinitionCompileRace: first uses of one definition from several
// goroutines at once all get the same compiled definition (go test -race
// checks the publication).
func TestDefinitionCompileRace(t *testing.T) {
	d0 := &typeSources[0]
	src := &typeSource{typ: d0.typ, desc: d0.desc, family: d0.family, payment: d0.payment, def: d0.def} // nothing compiled yet
	got := make([]*typeDef, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i] = src.get() })
	}
	wg.Wait()
	for _, d := range got {
		if d != got[0] || d.Type != src.typ {
			t.Fatalf("first uses disagree: %p %p", d, got[0])
		}
	}
}

// TestMTNames: mtName gives "MT" + the digits, from the table for three
// digits and by concatenation otherwise.
func TestMTNames(t *testing.T) {
	for n := 0; n < 1000; n++ {
		d := fmt.Sprintf("%03d", n)
		if got := mtName(d); got != "MT"+d {
			t.Fatalf("mtName(%q) = %q", d, got)
		}
	}
	for _, d := range []string{"", "1", "10A", "1034"} {
		if got := mtName(d); got != "MT"+d {
			t.Errorf("mtName(%q) = %q", d, got)
		}
	}
}

// TestDefByNum checks the by-number table against the name map.
func TestDefByNum(t *testing.T) {
	for n := 0; n < 1000; n++ {
		var got *typeDef
		if src := defs().byNum[n]; src != nil {
			got = src.get()
		}
		if want := defFor(mtNames()[n]); got != want {
			t.Errorf("defs().byNum[%d] gives %v, want %v", n, got, want)
		}
	}
}

// TestInOrderAgreesWithWalk checks the in-order fast path against the
// structure walk on random field lists for every direct definition: inOrder
// is true exactly when the walk reports nothing.
func TestInOrderAgreesWithWalk(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	direct := 0
	for _, d := range compiledDefs() {
		if !d.direct {
			continue
		}
		direct++
		// Tags to draw from: every option of every slot, plus a few
		// strangers and malformed tags.
		tags := []string{"99Z", "20Q", "1", "ab", "32a"}
		for _, s := range d.slots {
			for i := 0; i < len(s.opts); i++ {
				if s.opts[i] == '_' {
					tags = append(tags, s.num)
				} else {
					tags = append(tags, s.num+s.opts[i:i+1])
				}
			}
		}
		agree, clean := 0, 0
		for n := 0; n < 2000; n++ {
			m := &Message{Type: d.Type}
			if n%4 == 0 {
				// Mostly in order: each slot's tag with some chance, so
				// that clean lists occur often.
				for _, s := range d.slots {
					if s.mand || r.IntN(3) == 0 {
						m.Fields = append(m.Fields, fieldFor(r, s, s.num+pick(r, s.opts)))
					}
					if s.rep && r.IntN(3) == 0 {
						m.Fields = append(m.Fields, fieldFor(r, s, s.num+pick(r, s.opts)))
					}
				}
				if len(m.Fields) > 0 && r.IntN(2) == 0 {
					i, j := r.IntN(len(m.Fields)), r.IntN(len(m.Fields))
					m.Fields[i], m.Fields[j] = m.Fields[j], m.Fields[i]
				}
			} else {
				for k := r.IntN(len(d.slots) + 2); k > 0; k-- {
					tag := tags[r.IntN(len(tags))]
					f := Field{Tag: tag}
					for _, s := range d.slots {
						if s.codes != nil && matchTag(tag, s.num+"a") {
							f = fieldFor(r, s, tag)
						}
					}
					m.Fields = append(m.Fields, f)
				}
			}
			var fl engine.Findings
			m.walk(&parser{f: &fl, m: m}, d)
			walkClean := fl.Len() == 0
			if got := m.inOrder(d); got != walkClean {
				t.Fatalf("%s %v: inOrder %v, walk findings %v", d.Type, tagsOf(m.Fields), got, fl.List())
			}
			agree++
			if walkClean {
				clean++
			}
		}
		if clean < 50 {
			t.Errorf("%s: only %d of %d lists clean; the test needs more", d.Type, clean, agree)
		}
	}
	if direct < 3 {
		t.Errorf("only %d direct definitions", direct)
	}
}

// pick returns the tag suffix of one option of opts ("" for '_').
func pick(r *rand.Rand, opts string) string {
	if opts == "" {
		return ""
	}
	o := opts[r.IntN(len(opts))]
	if o == '_' {
		return ""
	}
	return string(o)
}

// fieldFor builds a field with tag for slot s, with a Code component from
// the slot's list (sometimes not) when the slot has one.
func fieldFor(r *rand.Rand, s slot, tag string) Field {
	f := Field{Tag: tag}
	if s.codes == nil || r.IntN(8) == 0 {
		return f
	}
	code := "XXXX"
	if r.IntN(6) != 0 {
		code = s.codes[r.IntN(len(s.codes))]
	}
	f.Components = []Component{{Name: "Code", Value: code}}
	return f
}

func tagsOf(fs []Field) []string {
	var out []string
	for i := range fs {
		out = append(out, fs[i].Tag)
	}
	return out
}

// TestStructureFindings checks, for the kinds of structure problem, the
// code, the tag named in Location.Field and the place: a missing mandatory
// field at the field it was expected before (or the end of block 4), a
// missing sequence by its first tag, a sequence repeated too often at its
// occurrence past the bound, too few times just after its last field.
func TestStructureFindings(t *testing.T) {
	head := "{1:F01BANKBEBBAXXX0000000000}{2:I201BANKDEFFXXXXN}{4:\r\n"
	block := func(i int) string {
		return ":20:T" + string(rune('A'+i)) + "\r\n:32B:EUR1,\r\n:57A:BANKDEFF\r\n"
	}
	many := head + ":19:11,\r\n:30:250102\r\n"
	for i := 0; i < 11; i++ {
		many += block(i)
	}
	many += "-}"
	for _, c := range []struct {
		name, in, code, field string
		line, col             int
	}{
		{"missing field before another", "{1:F01BANKBEBBAXXX0000000000}{2:I200BANKDEFFXXXXN}{4:\r\n:20:REF\r\n:57A:BANKDEFF\r\n-}", "T13", "32A", 3, 1},
		{"missing field at the end", "{1:F01BANKBEBBAXXX0000000000}{2:I200BANKDEFFXXXXN}{4:\r\n:20:REF\r\n:32A:250102EUR1,\r\n-}", "T13", "57a", 3, 17},
		{"missing repetitive sequence", head + ":19:1,\r\n:30:250102\r\n-}", "T11", "20", 3, 11},
		{"too few occurrences", head + ":19:1,\r\n:30:250102\r\n" + block(0) + "-}", "T11", "20", 6, 14},
		{"too many occurrences", many, "T10", "", 34, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			var f engine.Findings
			Parse([]byte(c.in), &f)
			for _, x := range f.List() {
				want := c.field
				if want == "" {
					want = "20" // T10 is located at the field that opens the extra occurrence
				}
				if x.Code == c.code && x.Location.Field == want && x.Location.Line == c.line && x.Location.Column == c.col {
					return
				}
			}
			t.Fatalf("no %s for %s at %d:%d: %v", c.code, c.field, c.line, c.col, f.List())
		})
	}
}
