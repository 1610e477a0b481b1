package mt

import (
	"context"
	"slices"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/ (checked in); the f.Add
// seeds below are the minimal ones.

func FuzzParse(f *testing.F) {
	f.Add([]byte(b1 + b2 + b3 + text))
	f.Add([]byte("{1:F21BANKBEBBAXXX0000000000}{4:{177:2501151200}{451:1}{405:T27}}" + b1 + b2 + text))
	f.Add([]byte(":20:X\n:79:Y"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var fs engine.Findings
		m := Parse(raw, &fs)
		if fs.Len() > MaxFindings+1 {
			t.Fatalf("%d findings", fs.Len())
		}
		if m == nil {
			return
		}
		for i := range m.Fields {
			fd := &m.Fields[i]
			if fd.Offset < 0 || fd.Offset+len(fd.Value) > len(m.Raw) || m.Raw[fd.Offset:fd.Offset+len(fd.Value)] != fd.Value {
				t.Fatalf("field %d value not a slice of the input", i)
			}
			for _, c := range fd.Components {
				if c.Offset < 0 || c.Offset+len(c.Value) > len(fd.Value) {
					t.Fatalf("component %s out of its field", c.Name)
				}
			}
		}
		(&Format{}).Split(raw)
	})
}

func FuzzCompile(f *testing.F) {
	for i := range fieldSpecs {
		f.Add(fieldSpecs[i].notation, "ABC123,\r\n/X/Y")
	}
	f.Add("[[/1!a][/34x]$]<BIC>", "/D/1\nBANKBEBB")
	f.Add("35x35x35x35x35x", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_")
	f.Fuzz(func(t *testing.T, notation, value string) {
		p, err := Compile(notation)
		if err != nil {
			return
		}
		ok, fl := p.Match(value)
		if !ok && (fl.Code == "" || fl.Offset < 0 || fl.Offset > len(value)) {
			t.Fatalf("bad failure %+v for %q ~ %q", fl, notation, value)
		}
		checkLinear(t, p, value)
		checkFirst(t, p, value)
		if p.partyA {
			checkPartyA(t, p, value)
		}
	})
}

// FuzzPartyA cross-checks the hand-written party-A matcher against the
// backtracking matcher on any value (see checkPartyA).
func FuzzPartyA(f *testing.F) {
	for _, v := range []string{"BANKBEBB", "BANKBEBBXXX", "/D/1\r\nBANKBEBB", "/C\nBANKBEBB", "/DE89\r\nBANKDEFFXXX", "//FW1\nBANKUS33", "/D/\nX"} {
		f.Add(v)
	}
	p := specFor("52A").get().pat
	f.Fuzz(func(t *testing.T, value string) {
		checkPartyA(t, p, value)
	})
}

// checkLinear cross-checks the fast linear matcher against the
// backtracking one: same verdict, same components.
func checkLinear(t *testing.T, p *Pattern, value string) {
	if !p.linear {
		return
	}
	var a, b matcher
	for i := range a.caps {
		a.caps[i], b.caps[i] = span{-1, -1}, span{-1, -1}
	}
	la := p.matchLinear(&a, value)
	b.p, b.v = p, value
	lb := b.seq(p.nodes, 0, 0, -1, nil)
	if la != lb {
		t.Fatalf("%q ~ %q: linear %v, backtracking %v", p.Notation, value, la, lb)
	}
	if la && a.caps != b.caps {
		t.Fatalf("%q ~ %q: linear components %v, backtracking %v", p.Notation, value, a.caps[:p.ncomp], b.caps[:p.ncomp])
	}
}

// checkFirst cross-checks the first-path matcher against the backtracking
// one: when the first path matches, the backtracking matcher must match
// with the same components.
func checkFirst(t testing.TB, p *Pattern, value string) bool {
	var a, b matcher
	a.p, a.v = p, value
	if !p.matchFirst(&a, value) {
		return false
	}
	for i := range b.caps {
		b.caps[i] = span{-1, -1}
	}
	b.p, b.v = p, value
	if !b.seq(p.nodes, 0, 0, -1, nil) {
		t.Fatalf("%q ~ %q: first path matches, backtracking does not", p.Notation, value)
	}
	if !slices.Equal(a.caps[:p.ncomp], b.caps[:p.ncomp]) {
		t.Fatalf("%q ~ %q: first-path components %v, backtracking %v", p.Notation, value, a.caps[:p.ncomp], b.caps[:p.ncomp])
	}
	return true
}

func FuzzValidate(f *testing.F) {
	f.Add([]byte(b1 + b2 + b3 + text))
	f.Add([]byte(b1 + "{2:I940BANKDEFFXXXXN}{4:\n:20:S\n:25:1\n:28C:1\n:60F:C250114EUR1,\n:61:250115D1,NTRFX\n:86:-A\n:62F:C250115EUR1,\n-}"))
	e := newEngine()
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, r := range e.ValidateAll(context.Background(), raw, engine.ValidateOptions{}) {
			if r.HasCode(engine.CodeParserPanicked) || r.HasCode(engine.CodeRulePanicked) {
				t.Fatalf("panic on %q", raw)
			}
			if r.Valid && r.Errors() > 0 {
				t.Fatalf("valid report with errors")
			}
		}
	})
}
