package xsd

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Validator is a compiled schema: immutable, safe for concurrent use, built
// once by Compile and used for any number of documents.
type Validator struct {
	ns    string
	file  string
	roots []*celem
	elems []*celem // every element declaration, by celem.id
	// decls maps global element names to declarations (strict wildcards).
	types int
}

// Namespace returns the schema's target namespace.
func (v *Validator) Namespace() string { return v.ns }

// File returns the file the schema was read from.
func (v *Validator) File() string { return v.file }

// HasElement reports whether the schema declares a global element of that
// local name ("Document", "AppHdr").
func (v *Validator) HasElement(local string) bool { return v.root([]byte(local)) != nil }

func (v *Validator) root(local []byte) *celem {
	for _, e := range v.roots {
		if e.name == string(local) {
			return e
		}
	}
	return nil
}

// celem is a compiled element declaration.
type celem struct {
	id       int32 // index in Validator.elems
	name     string
	typ      QName  // declared type (xsi:type must name it)
	fixed    []byte // fixed value, or nil
	def      []byte // default value of an empty element, or nil
	repeated bool   // maxOccurs > 1: paths carry an index
	ct       *ctype // complex type, or nil
	st       *stype // simple type, or nil
	// Derived by finish: the text type, the child automaton, and whether
	// attributes are declared.
	val      *stype
	mdl      *dfa
	hasAttrs bool
}

// value returns the type of the element's text: its simple type, or the
// base of its simple content; nil for element-only or empty content.
func (e *celem) value() *stype { return e.val }

// model returns the automaton of the element's children, or nil.
func (e *celem) model() *dfa { return e.mdl }

// finish fills the fields derived from the element's type, once every type
// is compiled.
func (e *celem) finish() {
	e.val, e.mdl = e.st, nil
	if e.ct != nil {
		e.mdl = e.ct.model
		if e.ct.simple {
			e.val = e.ct.value
		}
		e.hasAttrs = len(e.ct.attrs) > 0
	}
}

// ctype is a compiled complex type.
type ctype struct {
	name   string
	value  *stype // simple content: the type of the text
	attrs  []cattr
	model  *dfa // element content; nil for simple or empty content
	mixed  bool
	simple bool // simple content
}

type cattr struct {
	name     string
	typ      *stype
	required bool
}

// dfa is a deterministic automaton over child element names.
type dfa struct {
	tns    string
	states []dstate
	syms   []*celem // every element that can appear, in model order
	// toAccept is, per state, the fewest elements that complete the model
	// (-1: none can): computed once here, so naming the elements missing
	// from an incomplete element costs no search per message.
	toAccept []int32
}

type dstate struct {
	accept bool
	trans  []dtrans
	wild   int32 // next state on a wildcard match; -1 for none
	any    *cany
}

type dtrans struct {
	key  uint64 // nameKey(elem.name): most ISO 20022 tags fit in 8 bytes
	elem *celem
	n    int32 // len(elem.name)
	next int32
}

// nameKey packs the first 8 bytes of a name into an integer, so matching a
// tag against a transition is mostly one integer comparison.
func nameKey[T string | []byte](b T) uint64 {
	var k uint64
	for i := 0; i < len(b) && i < 8; i++ {
		k |= uint64(b[i]) << (8 * i)
	}
	return k
}

// tagKey is nameKey of a tag's local name, from one 8-byte load masked to
// the name's length where the slice's capacity allows it (a name read from
// the input: the bytes after it are the input's), instead of a byte loop.
func tagKey(b []byte) uint64 {
	if cap(b) < 8 {
		return nameKey(b)
	}
	k := binary.LittleEndian.Uint64(b[:8])
	if n := len(b); n < 8 {
		k &= 1<<(8*uint(n)) - 1
	}
	return k
}

func (t *dtrans) matches(key uint64, local []byte) bool {
	return t.key == key && int(t.n) == len(local) && (t.n <= 8 || t.elem.name == string(local))
}

type cany struct {
	mode    string // "strict", "lax", "skip"
	any     bool   // ##any
	other   bool   // ##other
	allowed []string
}

func (w *cany) matches(space string, tns string) bool {
	switch {
	case w.any:
		return true
	case w.other:
		return space != tns && space != ""
	}
	for _, a := range w.allowed {
		switch a {
		case "##targetNamespace":
			if space == tns {
				return true
			}
		case "##local":
			if space == "" {
				return true
			}
		default:
			if a == space {
				return true
			}
		}
	}
	return false
}

// Compile limits, each bounding work done once per schema.
const (
	// maxNFAStates bounds the automaton built for one content model.
	// maxOccurs is expanded into copies; ISO 20022 uses at most 10, so
	// real models stay in the hundreds of states.
	maxNFAStates = 20000
	// maxDFAStates bounds the deterministic automaton of one content model.
	maxDFAStates = 5000
)

// Compile compiles a schema into a Validator. The error, a *SchemaError,
// names the file and line of the declaration at fault (an unknown type, an
// unsupported built-in type, a pattern that does not translate, a content
// model too large).
func Compile(s *Schema) (*Validator, error) {
	c := &compiler{s: s, cts: map[string]*ctype{}, sts: map[string]*stype{}, ctDecl: map[string]*ComplexType{}, stDecl: map[string]*SimpleType{}}
	for _, t := range s.ComplexTypes {
		if _, dup := c.ctDecl[t.Name]; dup {
			return nil, c.errf(t.Line, "complex type %s declared twice", t.Name)
		}
		c.ctDecl[t.Name] = t
	}
	for _, t := range s.SimpleTypes {
		if _, dup := c.stDecl[t.Name]; dup {
			return nil, c.errf(t.Line, "simple type %s declared twice", t.Name)
		}
		if _, dup := c.ctDecl[t.Name]; dup {
			return nil, c.errf(t.Line, "type %s declared twice", t.Name)
		}
		c.stDecl[t.Name] = t
	}
	v := &Validator{ns: s.TargetNamespace, file: s.File}
	for _, e := range s.Elements {
		ce, err := c.element(e)
		if err != nil {
			return nil, err
		}
		v.roots = append(v.roots, ce)
	}
	// Compile every type, used or not, so a broken schema fails here.
	for _, t := range s.ComplexTypes {
		if _, err := c.complexType(t.Name, t.Line); err != nil {
			return nil, err
		}
	}
	for _, t := range s.SimpleTypes {
		if _, err := c.simpleType(QName{Space: s.TargetNamespace, Local: t.Name}, t.Line); err != nil {
			return nil, err
		}
	}
	v.types = len(c.cts) + len(c.sts)
	v.elems = c.elems
	for _, e := range c.elems {
		e.finish()
		if (e.fixed != nil || e.def != nil) && e.val == nil {
			return nil, c.errf(0, "element %s has a fixed or default value but no text content", e.name)
		}
		for _, dv := range [][]byte{e.fixed, e.def} {
			if dv != nil {
				if faults := e.val.check(normalise(dv, e.val.ws, nil), nil); len(faults) > 0 {
					return nil, c.errf(0, "fixed or default value of element %s %s", e.name, faults[0].msg)
				}
			}
		}
	}
	return v, nil
}

type compiler struct {
	s      *Schema
	cts    map[string]*ctype
	sts    map[string]*stype
	ctDecl map[string]*ComplexType
	stDecl map[string]*SimpleType
	elems  []*celem
}

func (c *compiler) errf(line int, format string, args ...any) error {
	return &SchemaError{File: c.s.File, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (c *compiler) element(e *Element) (*celem, error) {
	ce := &celem{id: int32(len(c.elems)), name: e.Name, typ: e.Type, repeated: e.MaxOccurs > 1 || e.MaxOccurs == Unbounded}
	if e.HasFixed {
		ce.fixed = []byte(e.Fixed)
	} else if e.HasDefault {
		ce.def = []byte(e.Default)
	}
	c.elems = append(c.elems, ce)
	if e.Type.Space == c.s.TargetNamespace {
		if _, ok := c.ctDecl[e.Type.Local]; ok {
			ct, err := c.complexType(e.Type.Local, e.Line)
			ce.ct = ct
			return ce, err
		}
	}
	st, err := c.simpleType(e.Type, e.Line)
	ce.st = st
	return ce, err
}

func (c *compiler) complexType(name string, line int) (*ctype, error) {
	if ct, ok := c.cts[name]; ok {
		return ct, nil
	}
	d := c.ctDecl[name]
	if d == nil {
		return nil, c.errf(line, "type %s is not declared", name)
	}
	ct := &ctype{name: name, mixed: d.Mixed}
	c.cts[name] = ct // before the content: recursive types
	attrs := d.Attributes
	if d.SimpleContent != nil {
		ct.simple = true
		st, err := c.simpleType(d.SimpleContent.Base, d.SimpleContent.Line)
		if err != nil {
			return nil, err
		}
		ct.value = st
		attrs = append(append([]*Attribute(nil), attrs...), d.SimpleContent.Attributes...)
	}
	for _, a := range attrs {
		st, err := c.simpleType(a.Type, a.Line)
		if err != nil {
			return nil, err
		}
		ct.attrs = append(ct.attrs, cattr{name: a.Name, typ: st, required: a.Required})
	}
	if d.Content != nil {
		m, err := c.model(d)
		if err != nil {
			return nil, err
		}
		ct.model = m
	}
	return ct, nil
}

// --- content models ---

type nfa struct {
	eps   [][]int32
	edges [][]nedge
}

type nedge struct {
	sym int32 // index into syms; -1-i for wildcard i
	to  int32
}

type modelBuilder struct {
	c     *compiler
	n     nfa
	syms  []*celem
	names map[string]int32
	wilds []*cany
	line  int
	err   error
	// closure scratch: mark[s] == gen when state s is in the current set.
	mark  []uint32
	gen   uint32
	stack []int32
}

func (b *modelBuilder) state() int32 {
	b.n.eps = append(b.n.eps, nil)
	b.n.edges = append(b.n.edges, nil)
	if len(b.n.eps) > maxNFAStates && b.err == nil {
		b.err = b.c.errf(b.line, "content model too large (more than %d automaton states)", maxNFAStates)
	}
	return int32(len(b.n.eps) - 1)
}

func (b *modelBuilder) eps(from, to int32) { b.n.eps[from] = append(b.n.eps[from], to) }

func (c *compiler) model(d *ComplexType) (*dfa, error) {
	b := &modelBuilder{c: c, names: map[string]int32{}, line: d.Line}
	start := b.state()
	end := b.group(d.Content, start)
	if b.err != nil {
		return nil, b.err
	}
	return b.determinise(start, end, d)
}

// occurs builds min..max copies of one particle from 'from'.
func (b *modelBuilder) occurs(min, max int, from int32, once func(int32) int32) int32 {
	cur := from
	for i := 0; i < min && b.err == nil; i++ {
		cur = once(cur)
	}
	if max == Unbounded {
		loop := b.state()
		b.eps(cur, loop)
		e := once(loop)
		b.eps(e, loop)
		return loop
	}
	end := b.state()
	for i := min; i < max && b.err == nil; i++ {
		b.eps(cur, end)
		cur = once(cur)
	}
	b.eps(cur, end)
	return end
}

func (b *modelBuilder) group(g *Group, from int32) int32 {
	return b.occurs(g.MinOccurs, g.MaxOccurs, from, func(s int32) int32 {
		if g.Kind == Sequence {
			cur := s
			for i := range g.Particles {
				cur = b.particle(&g.Particles[i], cur)
			}
			return cur
		}
		end := b.state()
		for i := range g.Particles {
			e := b.particle(&g.Particles[i], s)
			b.eps(e, end)
		}
		return end
	})
}

func (b *modelBuilder) particle(p *Particle, from int32) int32 {
	if b.err != nil {
		return from
	}
	switch {
	case p.Group != nil:
		return b.group(p.Group, from)
	case p.Any != nil:
		w := &cany{mode: p.Any.ProcessContents}
		for _, ns := range strings.Fields(p.Any.Namespace) {
			switch ns {
			case "##any":
				w.any = true
			case "##other":
				w.other = true
			default:
				w.allowed = append(w.allowed, ns)
			}
		}
		b.wilds = append(b.wilds, w)
		sym := -int32(len(b.wilds))
		return b.occurs(p.Any.MinOccurs, p.Any.MaxOccurs, from, func(s int32) int32 {
			e := b.state()
			b.n.edges[s] = append(b.n.edges[s], nedge{sym: sym, to: e})
			return e
		})
	}
	e := p.Element
	sym, ok := b.names[e.Name]
	if !ok {
		ce, err := b.c.element(e)
		if err != nil {
			b.err = err
			return from
		}
		sym = int32(len(b.syms))
		b.syms = append(b.syms, ce)
		b.names[e.Name] = sym
	} else if old := b.syms[sym]; e.MaxOccurs > 1 || e.MaxOccurs == Unbounded {
		old.repeated = true
	}
	return b.occurs(e.MinOccurs, e.MaxOccurs, from, func(s int32) int32 {
		t := b.state()
		b.n.edges[s] = append(b.n.edges[s], nedge{sym: sym, to: t})
		return t
	})
}

// closure returns the epsilon closure of set, sorted, in dst's storage.
// It reuses the builder's mark and stack scratch: determinise calls it once
// per automaton transition, which makes it the hot loop of Compile.
func (b *modelBuilder) closure(dst, set []int32) []int32 {
	if len(b.mark) < len(b.n.eps) {
		b.mark = make([]uint32, len(b.n.eps))
		b.gen = 0
	}
	b.gen++
	if b.gen == 0 { // wrapped: stale marks could alias
		clear(b.mark)
		b.gen = 1
	}
	out := dst[:0]
	stack := append(b.stack[:0], set...)
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if b.mark[s] == b.gen {
			continue
		}
		b.mark[s] = b.gen
		out = append(out, s)
		stack = append(stack, b.n.eps[s]...)
	}
	b.stack = stack
	slices.Sort(out)
	return out
}

// symOrder orders transitions: element symbols ascending, then wildcards
// in declaration order (-1, -2, ...).
func symOrder(sym int32) int64 {
	if sym >= 0 {
		return int64(sym)
	}
	return 1<<32 - int64(sym)
}

func (b *modelBuilder) determinise(start, end int32, d *ComplexType) (*dfa, error) {
	m := &dfa{tns: b.c.s.TargetNamespace, syms: b.syms}
	index := map[string]int32{} // state set (4 bytes a state) -> DFA state
	var sets [][]int32
	var key []byte
	add := func(set []int32) (int32, error) {
		key = key[:0]
		for _, s := range set {
			key = binary.LittleEndian.AppendUint32(key, uint32(s))
		}
		if i, ok := index[string(key)]; ok {
			return i, nil
		}
		if len(sets) >= maxDFAStates {
			return 0, b.c.errf(d.Line, "content model of %s too large (more than %d states)", d.Name, maxDFAStates)
		}
		i := int32(len(sets))
		index[string(key)] = i
		sets = append(sets, slices.Clone(set))
		_, acc := slices.BinarySearch(set, end)
		m.states = append(m.states, dstate{accept: acc, wild: -1})
		return i, nil
	}
	var cl, targets []int32
	if _, err := add(b.closure(cl, []int32{start})); err != nil {
		return nil, err
	}
	var edges []nedge
	for i := 0; i < len(sets); i++ {
		// The edges out of the set, grouped by symbol in symbol order.
		edges = edges[:0]
		for _, s := range sets[i] {
			edges = append(edges, b.n.edges[s]...)
		}
		slices.SortStableFunc(edges, func(x, y nedge) int { return cmp.Compare(symOrder(x.sym), symOrder(y.sym)) })
		// The validator keeps the transitions: size them exactly.
		n := 0
		for j := range edges {
			if edges[j].sym >= 0 && (j == 0 || edges[j].sym != edges[j-1].sym) {
				n++
			}
		}
		m.states[i].trans = make([]dtrans, 0, n)
		for j := 0; j < len(edges); {
			sym := edges[j].sym
			targets = targets[:0]
			for ; j < len(edges) && edges[j].sym == sym; j++ {
				targets = append(targets, edges[j].to)
			}
			cl = b.closure(cl, targets)
			next, err := add(cl)
			if err != nil {
				return nil, err
			}
			st := &m.states[i]
			if sym < 0 {
				if st.wild >= 0 {
					return nil, b.c.errf(d.Line, "content model of %s is ambiguous (two wildcards compete)", d.Name)
				}
				st.wild, st.any = next, b.wilds[-sym-1]
				continue
			}
			name := b.syms[sym].name
			st.trans = append(st.trans, dtrans{key: nameKey(name), n: int32(len(name)), next: next, elem: b.syms[sym]})
		}
	}
	m.states = slices.Clip(slices.Clone(m.states))
	m.toAccept = distances(m, func(st *dstate) bool { return st.accept })
	return m, nil
}

// --- simple types ---

type prim uint8

const (
	pString prim = iota + 1
	pDecimal
	pInteger
	pBoolean
	pDate
	pDateTime
	pTime
	pGYear
	pGYearMonth
	pBase64
	pAnyURI
)

var primNames = map[string]prim{
	"string": pString, "normalizedString": pString, "token": pString, "NMTOKEN": pString, "Name": pString, "NCName": pString, "ID": pString, "language": pString,
	"decimal": pDecimal, "integer": pInteger, "long": pInteger, "int": pInteger, "nonNegativeInteger": pInteger, "positiveInteger": pInteger,
	"boolean": pBoolean, "date": pDate, "dateTime": pDateTime, "time": pTime, "gYear": pGYear, "gYearMonth": pGYearMonth,
	"base64Binary": pBase64, "anyURI": pAnyURI,
}

type wsMode uint8

const (
	wsPreserve wsMode = iota
	wsReplace
	wsCollapse
)

// stype is a compiled simple type: the built-in primitive and the facets of
// every restriction step, merged.
type stype struct {
	name     string
	builtin  string
	prim     prim
	ws       wsMode
	patterns []*pattern // all must match (one per restriction step)
	// enum lists the allowed values, in declaration order; sorted when
	// enumSorted (more than enumLinear of them), for a binary search.
	enum       []string
	enumSorted bool
	length     int
	minLen     int
	maxLen     int
	total      int
	frac       int
	minIncl    string
	maxIncl    string
	minExcl    string
	maxExcl    string
	nonNeg     bool // integer subtypes that forbid negatives
	positive   bool
}

// enumLinear is the most enumeration values checked by a linear scan;
// longer lists are kept sorted and searched by halves.
const enumLinear = 8

// pattern is one pattern facet (an XSD regular expression), shared by every
// type of every schema that has the same source text, and compiled on
// first use: a regexp-free matcher for the simple patterns ISO 20022 uses,
// the RE2 translation for the rest (and for values the fast matcher cannot
// decide). Compile translates and compiles the RE2 form at once, so a
// schema with a pattern that does not translate fails there; a Validator
// from LoadCompiled compiles nothing until a value meets the pattern.
type pattern struct {
	src      string
	fastOnce sync.Once
	fast     *fastPattern
	reOnce   sync.Once
	re       *regexp.Regexp
	err      error
}

// patterns holds every pattern met so far, by source text: each is compiled
// at most once per process, whichever schema needs it first.
var patterns sync.Map // XSD pattern source -> *pattern

// patternFor returns the shared pattern of an XSD pattern source.
func patternFor(src string) *pattern {
	if p, ok := patterns.Load(src); ok {
		return p.(*pattern)
	}
	p, _ := patterns.LoadOrStore(src, &pattern{src: src})
	return p.(*pattern)
}

// regexp returns the compiled RE2 translation, compiling it on first use.
func (p *pattern) regexp() (*regexp.Regexp, error) {
	p.reOnce.Do(func() { p.re, p.err = compilePattern(p.src) })
	return p.re, p.err
}

// match reports whether the whole of v matches. The error, which a shipped
// or compiled schema never gives (Compile checked the pattern), says the
// pattern could not be compiled, so the value could not be checked.
func (p *pattern) match(v []byte) (bool, error) {
	p.fastOnce.Do(func() { p.fast = compileFast(p.src) })
	if p.fast != nil {
		if matched, decided := p.fast.match(v); decided {
			return matched, nil
		}
	}
	re, err := p.regexp()
	if err != nil {
		return false, err
	}
	return re.Match(v), nil
}

func (c *compiler) simpleType(q QName, line int) (*stype, error) {
	if q.IsBuiltin() {
		p, ok := primNames[q.Local]
		if !ok {
			return nil, c.errf(line, "built-in type xs:%s is not supported", q.Local)
		}
		st := &stype{name: "xs:" + q.Local, builtin: q.Local, prim: p, length: NoLimit, minLen: NoLimit, maxLen: NoLimit, total: NoLimit, frac: NoLimit, ws: wsCollapse}
		switch q.Local {
		case "string":
			st.ws = wsPreserve
		case "normalizedString":
			st.ws = wsReplace
		case "nonNegativeInteger":
			st.nonNeg = true
		case "positiveInteger":
			st.positive = true
		}
		return st, nil
	}
	if q.Space != c.s.TargetNamespace {
		return nil, c.errf(line, "type %s is not declared (imports are not supported)", q)
	}
	if st, ok := c.sts[q.Local]; ok {
		if st == nil {
			return nil, c.errf(line, "simple type %s derives from itself", q.Local)
		}
		return st, nil
	}
	d := c.stDecl[q.Local]
	if d == nil {
		if _, ok := c.ctDecl[q.Local]; ok {
			return nil, c.errf(line, "type %s is complex where a simple type is needed", q.Local)
		}
		return nil, c.errf(line, "type %s is not declared", q.Local)
	}
	c.sts[q.Local] = nil // cycle guard
	base, err := c.simpleType(d.Base, d.Line)
	if err != nil {
		return nil, err
	}
	st := *base
	st.name = d.Name
	st.patterns = slices.Clip(base.patterns)
	f := &d.Facets
	if len(f.Patterns) > 0 {
		src := f.Patterns[0]
		if len(f.Patterns) > 1 {
			src = "(" + strings.Join(f.Patterns, ")|(") + ")"
		}
		p := patternFor(src)
		if _, err := p.regexp(); err != nil {
			return nil, c.errf(d.Line, "pattern of %s: %v", d.Name, err)
		}
		st.patterns = append(st.patterns, p)
	}
	if len(f.Enumeration) > 0 {
		st.enum, st.enumSorted = f.Enumeration, false
		if len(f.Enumeration) > enumLinear {
			st.enum, st.enumSorted = slices.Clone(f.Enumeration), true
			slices.Sort(st.enum)
		}
	}
	set := func(dst *int, v int) {
		if v != NoLimit {
			*dst = v
		}
	}
	set(&st.length, f.Length)
	set(&st.minLen, f.MinLength)
	set(&st.maxLen, f.MaxLength)
	set(&st.total, f.TotalDigits)
	set(&st.frac, f.FractionDigits)
	if (f.TotalDigits != NoLimit || f.FractionDigits != NoLimit) && st.prim != pDecimal && st.prim != pInteger {
		return nil, c.errf(d.Line, "totalDigits/fractionDigits on non-decimal type %s", d.Name)
	}
	for _, b := range []struct {
		dst *string
		v   string
	}{{&st.minIncl, f.MinInclusive}, {&st.maxIncl, f.MaxInclusive}, {&st.minExcl, f.MinExclusive}, {&st.maxExcl, f.MaxExclusive}} {
		if b.v == "" {
			continue
		}
		if st.prim == pDecimal || st.prim == pInteger {
			if _, ok := parseDecimal([]byte(b.v)); !ok {
				return nil, c.errf(d.Line, "bound %q of %s is not a decimal", b.v, d.Name)
			}
		}
		*b.dst = b.v
	}
	switch f.WhiteSpace {
	case "preserve":
		st.ws = wsPreserve
	case "replace":
		st.ws = wsReplace
	case "collapse":
		st.ws = wsCollapse
	}
	c.sts[q.Local] = &st
	return &st, nil
}

// compilePattern translates an XSD pattern and compiles it.
func compilePattern(src string) (*regexp.Regexp, error) {
	tr, err := TranslatePattern(src)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(tr)
	if err != nil {
		return nil, fmt.Errorf("translated pattern %q does not compile: %v", tr, err)
	}
	return re, nil
}

// TranslatePattern translates an XML Schema regular expression (XSD Part 2,
// Appendix F) into an anchored Go RE2 expression. XSD patterns match the
// whole value; '^' and '$' are ordinary characters; '.' excludes only CR
// and LF; \d is any Unicode decimal digit, \s is XML whitespace, \i and \c
// are XML name characters. Character-class subtraction and \p{IsBlock}
// block escapes are refused with an error.
func TranslatePattern(src string) (string, error) {
	var sb strings.Builder
	sb.WriteString(`\A(?:`)
	inClass := 0
	for i := 0; i < len(src); i++ {
		ch := src[i]
		switch ch {
		case '\\':
			if i+1 >= len(src) {
				return "", fmt.Errorf("pattern ends with a backslash")
			}
			i++
			e := src[i]
			switch e {
			case 'd':
				sb.WriteString(cls(inClass > 0, `\p{Nd}`, `\p{Nd}`))
			case 'D':
				sb.WriteString(cls(inClass > 0, `\P{Nd}`, `\P{Nd}`))
			case 's':
				sb.WriteString(cls(inClass > 0, ` \t\n\r`, `[ \t\n\r]`))
			case 'S':
				if inClass > 0 {
					return "", fmt.Errorf(`\S inside a character class is not supported`)
				}
				sb.WriteString(`[^ \t\n\r]`)
			case 'w':
				if inClass > 0 {
					return "", fmt.Errorf(`\w inside a character class is not supported`)
				}
				sb.WriteString(`[^\p{P}\p{Z}\p{C}]`)
			case 'W':
				sb.WriteString(cls(inClass > 0, `\p{P}\p{Z}\p{C}`, `[\p{P}\p{Z}\p{C}]`))
			case 'i':
				sb.WriteString(cls(inClass > 0, `\p{L}_:`, `[\p{L}_:]`))
			case 'c':
				sb.WriteString(cls(inClass > 0, `\p{L}\p{Nd}\p{Mn}\p{Mc}._:\-`, `[\p{L}\p{Nd}\p{Mn}\p{Mc}._:\-]`))
			case 'I', 'C':
				return "", fmt.Errorf(`\%c is not supported`, e)
			case 'p', 'P':
				j := strings.IndexByte(src[i:], '}')
				if j < 0 {
					return "", fmt.Errorf("unterminated \\%c{", e)
				}
				name := src[i+2 : i+j]
				if strings.HasPrefix(name, "Is") {
					return "", fmt.Errorf("block escape \\%c{%s} is not supported", e, name)
				}
				sb.WriteByte('\\')
				sb.WriteString(src[i : i+j+1])
				i += j
			case 'n', 'r', 't', '\\', '|', '.', '-', '^', '?', '*', '+', '{', '}', '(', ')', '[', ']', '$':
				sb.WriteByte('\\')
				sb.WriteByte(e)
			default:
				return "", fmt.Errorf("unknown escape \\%c", e)
			}
		case '[':
			if inClass > 0 {
				return "", fmt.Errorf("character-class subtraction or nested class is not supported")
			}
			inClass++
			sb.WriteByte('[')
			if i+1 < len(src) && src[i+1] == '^' {
				sb.WriteByte('^')
				i++
			}
		case ']':
			if inClass > 0 {
				inClass--
			}
			sb.WriteByte(']')
		case '-':
			if inClass > 0 && i+1 < len(src) && src[i+1] == '[' {
				return "", fmt.Errorf("character-class subtraction is not supported")
			}
			sb.WriteByte('-')
		case '.':
			if inClass > 0 {
				sb.WriteString(`\.`)
			} else {
				sb.WriteString(`[^\n\r]`)
			}
		case '^', '$':
			sb.WriteByte('\\')
			sb.WriteByte(ch)
		case '(':
			sb.WriteString("(?:")
		default:
			sb.WriteByte(ch)
		}
	}
	if inClass > 0 {
		return "", fmt.Errorf("unterminated character class")
	}
	sb.WriteString(`)\z`)
	return sb.String(), nil
}

func cls(in bool, inside, outside string) string {
	if in {
		return inside
	}
	return outside
}
