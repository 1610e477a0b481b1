package schemas

import (
	"encoding/binary"
	"errors"

	"github.com/swiftval/swiftval/formats/mx/xsd"
)

// The embedded form of a schema is a compact binary encoding of the
// xsd.Schema model, gzipped and base64-encoded into a string constant.
// Decoding it costs a small fraction of decoding JSON (no reflection, one
// allocation per string table and per model node), which matters because
// the CBPR+ schemas are decoded on every start-up.
//
// Layout (every integer a varint, every string an index into the table):
//
//	magic "SVXB1"
//	string table: count, then per string its length and bytes
//	schema: TargetNamespace, Elements, ComplexTypes, SimpleTypes
//
// Slices are a count followed by the items; optional pointers are a
// presence byte followed by the value. File is not encoded: Load sets it.
const codecMagic = "SVXB1"

var errCorrupt = errors.New("truncated or malformed data")

// encoder writes the body while collecting the string table.
type encoder struct {
	body []byte
	idx  map[string]int
	strs []string
}

func (e *encoder) int(v int)  { e.body = binary.AppendVarint(e.body, int64(v)) }
func (e *encoder) uint(v int) { e.body = binary.AppendUvarint(e.body, uint64(v)) }
func (e *encoder) bool(v bool) {
	b := byte(0)
	if v {
		b = 1
	}
	e.body = append(e.body, b)
}

func (e *encoder) str(s string) {
	i, ok := e.idx[s]
	if !ok {
		i = len(e.strs)
		e.idx[s] = i
		e.strs = append(e.strs, s)
	}
	e.uint(i)
}

func (e *encoder) strList(ss []string) {
	e.uint(len(ss))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) qname(q xsd.QName) { e.str(q.Space); e.str(q.Local) }

func (e *encoder) element(el *xsd.Element) {
	e.str(el.Name)
	e.qname(el.Type)
	e.int(el.MinOccurs)
	e.int(el.MaxOccurs)
	e.str(el.Fixed)
	e.bool(el.HasFixed)
	e.str(el.Default)
	e.bool(el.HasDefault)
	e.int(el.Line)
}

func (e *encoder) attributes(as []*xsd.Attribute) {
	e.uint(len(as))
	for _, a := range as {
		e.str(a.Name)
		e.qname(a.Type)
		e.bool(a.Required)
		e.int(a.Line)
	}
}

func (e *encoder) group(g *xsd.Group) {
	e.body = append(e.body, byte(g.Kind))
	e.int(g.MinOccurs)
	e.int(g.MaxOccurs)
	e.uint(len(g.Particles))
	for _, p := range g.Particles {
		var set byte
		if p.Element != nil {
			set |= 1
		}
		if p.Group != nil {
			set |= 2
		}
		if p.Any != nil {
			set |= 4
		}
		e.body = append(e.body, set)
		if p.Element != nil {
			e.element(p.Element)
		}
		if p.Group != nil {
			e.group(p.Group)
		}
		if p.Any != nil {
			e.str(p.Any.Namespace)
			e.str(p.Any.ProcessContents)
			e.int(p.Any.MinOccurs)
			e.int(p.Any.MaxOccurs)
			e.int(p.Any.Line)
		}
	}
	e.int(g.Line)
}

func (e *encoder) schema(s *xsd.Schema) {
	e.str(s.TargetNamespace)
	e.uint(len(s.Elements))
	for _, el := range s.Elements {
		e.element(el)
	}
	e.uint(len(s.ComplexTypes))
	for _, t := range s.ComplexTypes {
		e.str(t.Name)
		e.bool(t.Content != nil)
		if t.Content != nil {
			e.group(t.Content)
		}
		e.bool(t.SimpleContent != nil)
		if sc := t.SimpleContent; sc != nil {
			e.qname(sc.Base)
			e.attributes(sc.Attributes)
			e.int(sc.Line)
		}
		e.attributes(t.Attributes)
		e.bool(t.Mixed)
		e.int(t.Line)
	}
	e.uint(len(s.SimpleTypes))
	for _, t := range s.SimpleTypes {
		e.str(t.Name)
		e.qname(t.Base)
		f := &t.Facets
		e.strList(f.Patterns)
		e.strList(f.Enumeration)
		e.int(f.Length)
		e.int(f.MinLength)
		e.int(f.MaxLength)
		e.int(f.TotalDigits)
		e.int(f.FractionDigits)
		e.str(f.MinInclusive)
		e.str(f.MaxInclusive)
		e.str(f.MinExclusive)
		e.str(f.MaxExclusive)
		e.str(f.WhiteSpace)
		e.int(t.Line)
	}
}

// marshal returns the binary encoding of s.
func marshal(s *xsd.Schema) []byte {
	e := &encoder{idx: map[string]int{}}
	e.schema(s)
	out := append([]byte(nil), codecMagic...)
	out = binary.AppendUvarint(out, uint64(len(e.strs)))
	for _, s := range e.strs {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	return append(out, e.body...)
}

// decoder reads the encoding; the first problem sets err and every later
// read returns zero values, so callers check err once at the end.
type decoder struct {
	data []byte
	pos  int
	strs []string
	err  error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.pos = len(d.data)
}

func (d *decoder) byte() byte {
	if d.pos >= len(d.data) {
		d.fail()
		return 0
	}
	b := d.data[d.pos]
	d.pos++
	return b
}

func (d *decoder) bool() bool { return d.byte() != 0 }

func (d *decoder) int() int {
	v, n := binary.Varint(d.data[d.pos:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.pos += n
	return int(v)
}

func (d *decoder) uint() int {
	v, n := binary.Uvarint(d.data[d.pos:])
	if n <= 0 || v > uint64(len(d.data)) {
		d.fail()
		return 0
	}
	d.pos += n
	return int(v)
}

// count reads a slice length; every item takes at least one byte, which
// bounds allocations on corrupt input.
func (d *decoder) count() int {
	n := d.uint()
	if n > len(d.data)-d.pos {
		d.fail()
		return 0
	}
	return n
}

func (d *decoder) str() string {
	i := d.uint()
	if i >= len(d.strs) {
		d.fail()
		return ""
	}
	return d.strs[i]
}

func (d *decoder) strList() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) qname() xsd.QName {
	space := d.str()
	return xsd.QName{Space: space, Local: d.str()}
}

func (d *decoder) element(el *xsd.Element) {
	el.Name = d.str()
	el.Type = d.qname()
	el.MinOccurs = d.int()
	el.MaxOccurs = d.int()
	el.Fixed = d.str()
	el.HasFixed = d.bool()
	el.Default = d.str()
	el.HasDefault = d.bool()
	el.Line = d.int()
}

func (d *decoder) attributes() []*xsd.Attribute {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]*xsd.Attribute, n)
	vals := make([]xsd.Attribute, n)
	for i := range out {
		a := &vals[i]
		a.Name = d.str()
		a.Type = d.qname()
		a.Required = d.bool()
		a.Line = d.int()
		out[i] = a
	}
	return out
}

// group reads a model group; depth bounds the recursion on corrupt input.
func (d *decoder) group(depth int) *xsd.Group {
	if depth > 64 {
		d.fail()
		return nil
	}
	g := &xsd.Group{Kind: xsd.GroupKind(d.byte()), MinOccurs: d.int(), MaxOccurs: d.int()}
	if n := d.count(); n > 0 {
		g.Particles = make([]xsd.Particle, n)
		for i := range g.Particles {
			p := &g.Particles[i]
			set := d.byte()
			if set&1 != 0 {
				p.Element = &xsd.Element{}
				d.element(p.Element)
			}
			if set&2 != 0 {
				p.Group = d.group(depth + 1)
			}
			if set&4 != 0 {
				ns := d.str()
				pc := d.str()
				p.Any = &xsd.Any{Namespace: ns, ProcessContents: pc, MinOccurs: d.int(), MaxOccurs: d.int(), Line: d.int()}
			}
		}
	}
	g.Line = d.int()
	return g
}

// unmarshal decodes the binary encoding.
func unmarshal(data []byte) (*xsd.Schema, error) {
	if len(data) < len(codecMagic) || string(data[:len(codecMagic)]) != codecMagic {
		return nil, errors.New("not a binary schema encoding")
	}
	d := &decoder{data: data, pos: len(codecMagic)}
	// The strings share one allocation.
	n := d.count()
	start := d.pos
	lens := make([]int, n)
	for i := range lens {
		l := d.uint()
		if l > len(d.data)-d.pos {
			d.fail()
			break
		}
		lens[i] = l
		d.pos += l
	}
	if d.err != nil {
		return nil, d.err
	}
	all := string(data[start:d.pos])
	d.strs = make([]string, n)
	off := 0
	for i, l := range lens {
		off += uvarintLen(uint64(l))
		d.strs[i] = all[off : off+l]
		off += l
	}

	s := &xsd.Schema{TargetNamespace: d.str()}
	if n := d.count(); n > 0 {
		s.Elements = make([]*xsd.Element, n)
		vals := make([]xsd.Element, n)
		for i := range s.Elements {
			d.element(&vals[i])
			s.Elements[i] = &vals[i]
		}
	}
	if n := d.count(); n > 0 {
		s.ComplexTypes = make([]*xsd.ComplexType, n)
		vals := make([]xsd.ComplexType, n)
		for i := range s.ComplexTypes {
			t := &vals[i]
			t.Name = d.str()
			if d.bool() {
				t.Content = d.group(0)
			}
			if d.bool() {
				t.SimpleContent = &xsd.SimpleContent{Base: d.qname(), Attributes: d.attributes(), Line: d.int()}
			}
			t.Attributes = d.attributes()
			t.Mixed = d.bool()
			t.Line = d.int()
			s.ComplexTypes[i] = t
		}
	}
	if n := d.count(); n > 0 {
		s.SimpleTypes = make([]*xsd.SimpleType, n)
		vals := make([]xsd.SimpleType, n)
		for i := range s.SimpleTypes {
			t := &vals[i]
			t.Name = d.str()
			t.Base = d.qname()
			f := &t.Facets
			f.Patterns = d.strList()
			f.Enumeration = d.strList()
			f.Length = d.int()
			f.MinLength = d.int()
			f.MaxLength = d.int()
			f.TotalDigits = d.int()
			f.FractionDigits = d.int()
			f.MinInclusive = d.str()
			f.MaxInclusive = d.str()
			f.MinExclusive = d.str()
			f.MaxExclusive = d.str()
			f.WhiteSpace = d.str()
			t.Line = d.int()
			s.SimpleTypes[i] = t
		}
	}
	if d.err == nil && d.pos != len(d.data) {
		d.err = errors.New("trailing data")
	}
	if d.err != nil {
		return nil, d.err
	}
	return s, nil
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
