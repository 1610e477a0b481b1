package xsd

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The load-ready form of a Validator: the compiled schema (elements, types,
// content automata) written as flat tables, so that loading it is a few
// bulk allocations and one pass over the bytes, with no XSD reading, no
// automaton construction and no regexp compilation. Strings are
// substrings of the data (no copy). Patterns are compiled on first use.
// Shipped schemas (package schemas) are generated in this form; loading
// pacs.008.001.08 takes 43 allocations (158 KB) where compiling its XSD
// takes 6 000 and several times as long.
//
// Layout: the magic, then unsigned varints (signed ones zig-zag encoded
// where a value may be -1), strings as indexes into the string table:
//
//	magic "SVXC1"
//	counts: strings stypes ctypes dfas states transitions elements
//	        wildcards patterns
//	string table: per string its length, then all the bytes
//	header: namespace, file, number of types, roots (element ids)
//	patterns: source
//	stypes:   name builtin prim ws patterns(count, indexes)
//	          enum(count, strings) enumSorted length minLen maxLen total
//	          frac minIncl maxIncl minExcl maxExcl nonNeg positive
//	wildcards: mode any other allowed(count, strings)
//	ctypes:   name value(stype+1) attrs(count, name stype required)
//	          model(dfa+1) mixed simple
//	dfas:     tns syms(count, element ids)
//	          states(count, accept wild any(wildcard+1)
//	                 trans(count, element id, next))
//	          toAccept(one per state)
//	elements: name type(space, local) fixed(flag, string)
//	          default(flag, string) repeated ct(ctype+1) st(stype+1)
const imageMagic = "SVXC1"

// MarshalBinary returns the load-ready form of v, which LoadCompiled reads
// back. The output is deterministic: the same schema gives the same bytes.
func (v *Validator) MarshalBinary() ([]byte, error) {
	m := &imageWriter{strs: map[string]int{}, sts: map[*stype]int{}, stRec: map[string]int{}, cts: map[*ctype]int{}, dfas: map[*dfa]int{}, anys: map[*cany]int{}, pats: map[string]int{}}
	// Number every object in one deterministic walk (element id order),
	// then write the tables.
	for _, e := range v.elems {
		m.elem(e)
	}
	var body []byte
	u := func(x int) { body = binary.AppendUvarint(body, uint64(x)) }
	sv := func(x int) { body = binary.AppendVarint(body, int64(x)) }
	str := func(s string) { u(m.str(s)) }
	flag := func(b bool) {
		if b {
			u(1)
		} else {
			u(0)
		}
	}
	// header
	str(v.ns)
	str(v.file)
	u(v.types)
	u(len(v.roots))
	for _, e := range v.roots {
		u(int(e.id))
	}
	// patterns
	for _, p := range m.patList {
		str(p)
	}
	// stypes
	for _, st := range m.stList {
		str(st.name)
		str(st.builtin)
		u(int(st.prim))
		u(int(st.ws))
		u(len(st.patterns))
		for _, p := range st.patterns {
			u(m.pats[p.src])
		}
		u(len(st.enum))
		for _, e := range st.enum {
			str(e)
		}
		flag(st.enumSorted)
		sv(st.length)
		sv(st.minLen)
		sv(st.maxLen)
		sv(st.total)
		sv(st.frac)
		str(st.minIncl)
		str(st.maxIncl)
		str(st.minExcl)
		str(st.maxExcl)
		flag(st.nonNeg)
		flag(st.positive)
	}
	// wildcards
	for _, w := range m.anyList {
		str(w.mode)
		flag(w.any)
		flag(w.other)
		u(len(w.allowed))
		for _, a := range w.allowed {
			str(a)
		}
	}
	// ctypes
	for _, ct := range m.ctList {
		str(ct.name)
		u(m.stRef(ct.value))
		u(len(ct.attrs))
		for _, a := range ct.attrs {
			str(a.name)
			u(m.stRef(a.typ) - 1)
			flag(a.required)
		}
		if ct.model != nil {
			u(m.dfas[ct.model] + 1)
		} else {
			u(0)
		}
		flag(ct.mixed)
		flag(ct.simple)
	}
	// dfas
	for _, d := range m.dfaList {
		str(d.tns)
		u(len(d.syms))
		for _, e := range d.syms {
			u(int(e.id))
		}
		u(len(d.states))
		for i := range d.states {
			st := &d.states[i]
			flag(st.accept)
			sv(int(st.wild))
			if st.any != nil {
				u(m.anys[st.any] + 1)
			} else {
				u(0)
			}
			u(len(st.trans))
			for _, t := range st.trans {
				u(int(t.elem.id))
				sv(int(t.next))
			}
		}
		for _, n := range d.toAccept {
			sv(int(n))
		}
	}
	// elements
	for _, e := range v.elems {
		str(e.name)
		str(e.typ.Space)
		str(e.typ.Local)
		flag(e.fixed != nil)
		str(string(e.fixed))
		flag(e.def != nil)
		str(string(e.def))
		flag(e.repeated)
		if e.ct != nil {
			u(m.cts[e.ct] + 1)
		} else {
			u(0)
		}
		u(m.stRef(e.st))
	}

	out := []byte(imageMagic)
	for _, n := range []int{len(m.strList), len(m.stList), len(m.ctList), len(m.dfaList), m.nStates, m.nTrans, len(v.elems), len(m.anyList), len(m.patList)} {
		out = binary.AppendUvarint(out, uint64(n))
	}
	for _, s := range m.strList {
		out = binary.AppendUvarint(out, uint64(len(s)))
	}
	for _, s := range m.strList {
		out = append(out, s...)
	}
	return append(out, body...), nil
}

// imageWriter numbers the objects of a Validator for MarshalBinary.
type imageWriter struct {
	strs    map[string]int
	strList []string
	sts     map[*stype]int
	stRec   map[string]int // identical simple types share one entry
	stList  []*stype
	cts     map[*ctype]int
	ctList  []*ctype
	dfas    map[*dfa]int
	dfaList []*dfa
	anys    map[*cany]int
	anyList []*cany
	pats    map[string]int
	patList []string
	nStates int
	nTrans  int
}

func (m *imageWriter) str(s string) int {
	i, ok := m.strs[s]
	if !ok {
		i = len(m.strList)
		m.strs[s] = i
		m.strList = append(m.strList, s)
	}
	return i
}

// stRef numbers a simple type (nil gives 0, others their index plus one).
// Compile makes a fresh stype for every use of a built-in type; those
// that are alike become one entry.
func (m *imageWriter) stRef(st *stype) int {
	if st == nil {
		return 0
	}
	if i, ok := m.sts[st]; ok {
		return i + 1
	}
	key := fmt.Sprintf("%q|%q|%d|%d|%q|%v|%v|%d|%d|%d|%d|%d|%q|%q|%q|%q|%v|%v", st.name, st.builtin, st.prim, st.ws, patternSources(st.patterns), st.enum, st.enumSorted, st.length, st.minLen, st.maxLen, st.total, st.frac, st.minIncl, st.maxIncl, st.minExcl, st.maxExcl, st.nonNeg, st.positive)
	i, ok := m.stRec[key]
	if !ok {
		i = len(m.stList)
		m.stRec[key] = i
		m.stList = append(m.stList, st)
		for _, p := range st.patterns {
			if _, ok := m.pats[p.src]; !ok {
				m.pats[p.src] = len(m.patList)
				m.patList = append(m.patList, p.src)
			}
		}
	}
	m.sts[st] = i
	return i + 1
}

func patternSources(ps []*pattern) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.src
	}
	return out
}

func (m *imageWriter) elem(e *celem) {
	m.stRef(e.st)
	if e.ct != nil {
		m.ctype(e.ct)
	}
}

func (m *imageWriter) ctype(ct *ctype) {
	if _, ok := m.cts[ct]; ok {
		return
	}
	m.cts[ct] = len(m.ctList)
	m.ctList = append(m.ctList, ct)
	m.stRef(ct.value)
	for _, a := range ct.attrs {
		m.stRef(a.typ)
	}
	if d := ct.model; d != nil {
		if _, ok := m.dfas[d]; !ok {
			m.dfas[d] = len(m.dfaList)
			m.dfaList = append(m.dfaList, d)
			m.nStates += len(d.states)
			for i := range d.states {
				st := &d.states[i]
				m.nTrans += len(st.trans)
				if st.any != nil {
					if _, ok := m.anys[st.any]; !ok {
						m.anys[st.any] = len(m.anyList)
						m.anyList = append(m.anyList, st.any)
					}
				}
			}
		}
	}
}

// errImage is the error of LoadCompiled for data that is not a well-formed
// load-ready schema.
var errImage = errors.New("xsd: corrupt compiled schema")

// imageReader reads the varints and string references of the load-ready
// form; the first problem sticks in err and every later read returns 0.
type imageReader struct {
	data string
	i    int
	strs []string
	err  error
}

func (r *imageReader) fail() {
	if r.err == nil {
		r.err = errImage
	}
}

func (r *imageReader) u() int {
	if r.err != nil {
		return 0
	}
	var x uint64
	var s uint
	for k := 0; ; k++ {
		if r.i >= len(r.data) || k == binary.MaxVarintLen64 {
			r.fail()
			return 0
		}
		b := r.data[r.i]
		r.i++
		if b < 0x80 {
			x |= uint64(b) << s
			break
		}
		x |= uint64(b&0x7f) << s
		s += 7
	}
	if x > math.MaxInt32 {
		r.fail()
		return 0
	}
	return int(x)
}

// sv reads a signed (zig-zag) varint.
func (r *imageReader) sv() int {
	x := uint64(r.u())
	v := int(x >> 1)
	if x&1 != 0 {
		v = ^v
	}
	return v
}

func (r *imageReader) flag() bool {
	switch r.u() {
	case 0:
		return false
	case 1:
		return true
	}
	r.fail()
	return false
}

func (r *imageReader) str() string {
	i := r.u()
	if i >= len(r.strs) {
		r.fail()
		return ""
	}
	return r.strs[i]
}

// ref reads an index below n (or, when optional, an index plus one with 0
// for none; -1 is returned for none).
func (r *imageReader) ref(n int, optional bool) int {
	i := r.u()
	if optional {
		i--
	}
	if i >= n || i < 0 && !optional {
		r.fail()
		return -1
	}
	return i
}

// count reads a list length, refusing one that could not fit in the rest of
// the data (every item takes at least a byte), so corrupt data cannot make
// the loader allocate without bound.
func (r *imageReader) count() int {
	n := r.u()
	if n > len(r.data)-r.i {
		r.fail()
		return 0
	}
	return n
}

// LoadCompiled reads the load-ready form written by MarshalBinary into a
// Validator. The Validator keeps substrings of data, which must therefore
// be the caller's to give away (a string constant is ideal). It returns
// an error, without panicking, for data that is not well-formed; what it
// allocates is bounded by a constant times len(data) (every count is
// checked against the bytes left).
func LoadCompiled(data string) (*Validator, error) {
	if len(data) < len(imageMagic) || data[:len(imageMagic)] != imageMagic {
		return nil, errImage
	}
	r := &imageReader{data: data, i: len(imageMagic)}
	var n [9]int
	for i := range n {
		n[i] = r.count()
	}
	nStr, nSt, nCt, nDfa, nStates, nTrans, nElem, nAny, nPat := n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8]
	if r.err != nil {
		return nil, r.err
	}
	// String table: lengths, then the bytes.
	r.strs = make([]string, nStr)
	lens := r.i
	for range nStr {
		r.u()
	}
	off := r.i
	r.i = lens
	for k := range nStr {
		l := r.u()
		if r.err != nil || l > len(data)-off {
			return nil, errImage
		}
		r.strs[k] = data[off : off+l]
		off += l
	}
	r.i = off

	sts := make([]stype, nSt)
	cts := make([]ctype, nCt)
	dfas := make([]dfa, nDfa)
	states := make([]dstate, nStates)
	trans := make([]dtrans, nTrans)
	toAccept := make([]int32, nStates)
	elems := make([]celem, nElem)
	anys := make([]cany, nAny)
	pats := make([]*pattern, nPat)
	v := &Validator{elems: make([]*celem, nElem)}
	for i := range elems {
		elems[i].id = int32(i)
		v.elems[i] = &elems[i]
	}
	elem := func() *celem {
		if i := r.ref(nElem, false); i >= 0 {
			return &elems[i]
		}
		return nil
	}
	stRef := func() *stype {
		if i := r.ref(nSt, true); i >= 0 {
			return &sts[i]
		}
		return nil
	}

	v.ns = r.str()
	v.file = r.str()
	v.types = r.u()
	v.roots = make([]*celem, r.count())
	for i := range v.roots {
		v.roots[i] = elem()
	}
	for i := range pats {
		pats[i] = patternFor(r.str())
	}
	for i := range sts {
		st := &sts[i]
		st.name, st.builtin = r.str(), r.str()
		st.prim, st.ws = prim(r.u()), wsMode(r.u())
		if st.prim < pString || st.prim > pAnyURI || st.ws > wsCollapse {
			r.fail()
		}
		if k := r.count(); k > 0 {
			st.patterns = make([]*pattern, k)
			for j := range st.patterns {
				if p := r.ref(nPat, false); p >= 0 {
					st.patterns[j] = pats[p]
				}
			}
		}
		if k := r.count(); k > 0 {
			st.enum = make([]string, k)
			for j := range st.enum {
				st.enum[j] = r.str()
			}
		}
		st.enumSorted = r.flag()
		st.length, st.minLen, st.maxLen, st.total, st.frac = r.sv(), r.sv(), r.sv(), r.sv(), r.sv()
		st.minIncl, st.maxIncl, st.minExcl, st.maxExcl = r.str(), r.str(), r.str(), r.str()
		st.nonNeg, st.positive = r.flag(), r.flag()
	}
	for i := range anys {
		w := &anys[i]
		w.mode = r.str()
		w.any, w.other = r.flag(), r.flag()
		if k := r.count(); k > 0 {
			w.allowed = make([]string, k)
			for j := range w.allowed {
				w.allowed[j] = r.str()
			}
		}
	}
	for i := range cts {
		ct := &cts[i]
		ct.name = r.str()
		ct.value = stRef()
		if k := r.count(); k > 0 {
			ct.attrs = make([]cattr, k)
			for j := range ct.attrs {
				a := &ct.attrs[j]
				a.name = r.str()
				if s := r.ref(nSt, false); s >= 0 {
					a.typ = &sts[s]
				}
				a.required = r.flag()
			}
		}
		if d := r.ref(nDfa, true); d >= 0 {
			ct.model = &dfas[d]
		}
		ct.mixed, ct.simple = r.flag(), r.flag()
	}
	var symsAll []*celem // carved up between the automata
	for i := range dfas {
		d := &dfas[i]
		d.tns = r.str()
		if k := r.count(); k > 0 {
			if len(symsAll) < k {
				symsAll = make([]*celem, max(k, 256))
			}
			d.syms, symsAll = symsAll[:k:k], symsAll[k:]
			for j := range d.syms {
				d.syms[j] = elem()
			}
		}
		// Every compiled automaton has its start state: one without states
		// would be indexed at state 0 by the first child element.
		k := r.count()
		if k == 0 || k > len(states) {
			r.fail()
			break
		}
		d.states, states = states[:k:k], states[k:]
		d.toAccept, toAccept = toAccept[:k:k], toAccept[k:]
		for j := range d.states {
			st := &d.states[j]
			st.accept = r.flag()
			st.wild = int32(r.sv())
			if st.wild < -1 || int(st.wild) >= k {
				r.fail()
			}
			if a := r.ref(nAny, true); a >= 0 {
				st.any = &anys[a]
			}
			if (st.wild >= 0) != (st.any != nil) {
				r.fail()
			}
			t := r.count()
			if t > len(trans) {
				r.fail()
				break
			}
			st.trans, trans = trans[:t:t], trans[t:]
			for x := range st.trans {
				tr := &st.trans[x]
				tr.elem = elem()
				next := r.sv()
				if next < 0 || next >= k {
					r.fail()
				}
				tr.next = int32(next) // name and key: below, once names are read
			}
		}
		for j := range d.toAccept {
			d.toAccept[j] = int32(r.sv())
		}
		if r.err != nil {
			break
		}
	}
	for i := range elems {
		e := &elems[i]
		e.name = r.str()
		e.typ = QName{Space: r.str(), Local: r.str()}
		if r.flag() {
			e.fixed = []byte(r.str())
		} else {
			r.str()
		}
		if r.flag() {
			e.def = []byte(r.str())
		} else {
			r.str()
		}
		e.repeated = r.flag()
		if c := r.ref(nCt, true); c >= 0 {
			e.ct = &cts[c]
		}
		e.st = stRef()
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.i != len(data) {
		return nil, fmt.Errorf("%w: %d bytes left over", errImage, len(data)-r.i)
	}
	for i := range dfas {
		for j := range dfas[i].states {
			for x := range dfas[i].states[j].trans {
				t := &dfas[i].states[j].trans[x]
				t.key, t.n = nameKey(t.elem.name), int32(len(t.elem.name))
			}
		}
	}
	for _, e := range v.elems {
		e.finish()
		if (e.fixed != nil || e.def != nil) && e.val == nil {
			return nil, errImage
		}
	}
	return v, nil
}
