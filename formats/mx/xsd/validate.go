package xsd

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/xmlscan"
)

// Kind classifies a schema violation.
type Kind uint8

// Violation kinds.
const (
	// KindUnexpected: an element the content model does not allow here.
	KindUnexpected Kind = iota + 1
	// KindMissing: the element ended before its required children.
	KindMissing
	// KindText: text in an element that only holds elements.
	KindText
	// KindAttribute: an undeclared attribute or a missing required one.
	KindAttribute
	// KindLexical: a value outside its built-in type's lexical space
	// (a decimal that is not a number, a bad boolean).
	KindLexical
	// KindDate: an invalid date, time or date-time (format or calendar).
	KindDate
	// KindEnumeration: a value not in the type's enumeration.
	KindEnumeration
	// KindLength: a value of the wrong length (in characters).
	KindLength
	// KindPattern: a value that does not match the type's pattern.
	KindPattern
	// KindDigits: too many total or fraction digits.
	KindDigits
	// KindRange: a value outside min/maxInclusive/Exclusive.
	KindRange
	// KindRoot: the root element is not declared by the schema.
	KindRoot
)

// Violation is one schema violation.
type Violation struct {
	Kind Kind
	// Path is the XPath of the element (or attribute, "/@Ccy"), with an
	// index on elements declared as repeatable:
	// /Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt.
	Path string
	// Line is the line of the element's start tag.
	Line int
	// Column is the 1-based column (in characters) of the offending
	// character when the violation is about one (text where only elements
	// may be); 0 otherwise.
	Column int
	// Repeat, when not empty, says what makes two violations the same
	// problem ("U+00A0 NO-BREAK SPACE" used as indentation, met on line after
	// line): a reporter may report such a problem once with a count (see
	// engine.Findings.Repeat).
	Repeat string
	// Msg is plain English; it quotes at most engine.MaxEcho characters of
	// the offending value.
	Msg string
	// Expected lists the elements the content model allowed at that point
	// (KindUnexpected, KindMissing); "*" stands for any element allowed by a
	// wildcard.
	Expected []string
}

// Reporter receives violations as they are found, in document order.
type Reporter interface {
	Violation(v *Violation)
}

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// frame is one open element. It holds no pointer (indexes and offsets
// only), so pushing and popping frames costs no GC write barrier.
type frame struct {
	e         int32 // celem id
	nameStart int32 // local name in the input
	nameEnd   int32
	idx       int32
	off       int32 // offset of the start tag; its line is counted on report
	state     int32 // current automaton state; -1 once the content model failed
	textStart int32
	namesMark int32
	badText   bool
}

type nameCount struct {
	e     int32 // celem id
	count int32
}

// Session is the state of one validation in progress. The zero value is
// ready to use; reuse a Session (it keeps its buffers) but never share one
// between goroutines.
type Session struct {
	v         *Validator
	sc        *xmlscan.Scanner
	nsSeen    []byte // a namespace slice known to equal nsName
	nsName    string
	rep       Reporter
	frames    []frame
	names     []nameCount
	text      []byte
	scratch   []byte
	faults    []valueFault
	skipDepth int // >0: ignore tokens until the end of the element at that depth
	baseDepth int // token depth of the root element
	done      bool
	errs      int
	searches  int // searches for elements missing before another (see maxSearches)
}

// Release drops the session's references to the input and the reporter
// (its buffers are kept for reuse). Call it before pooling a Session.
func (s *Session) Release() {
	s.sc, s.rep, s.nsSeen = nil, nil, nil
	clear(s.text[:cap(s.text)])
	s.text = s.text[:0]
	clear(s.scratch[:cap(s.scratch)])
}

// Errors returns the number of violations reported so far.
func (s *Session) Errors() int { return s.errs }

// Start begins validating the element whose start tag is tok (just read
// from sc) against v, reporting violations to rep. Feed every later token of
// sc to Token until it returns true (the element has ended). tok's element
// must be a global element of the schema, or a KindRoot violation is
// reported and the subtree is skipped.
func (v *Validator) Start(s *Session, sc *xmlscan.Scanner, tok *xmlscan.Token, rep Reporter) {
	s.v, s.sc, s.rep = v, sc, rep
	s.nsSeen, s.nsName = nil, ""
	s.frames, s.names, s.text = s.frames[:0], s.names[:0], s.text[:0]
	s.skipDepth, s.done, s.errs, s.searches = 0, false, 0, 0
	s.baseDepth = tok.Depth
	e := v.root(tok.Name.Local)
	if e == nil || string(tok.Name.Space) != v.ns {
		s.report(KindRoot, "/"+string(tok.Name.Local), s.line(tok.Offset), "element "+strconv.Quote(string(tok.Name.Local))+" in namespace "+engine.Echo(string(tok.Name.Space))+" is not declared by the schema "+v.ns, nil)
		s.skipDepth = tok.Depth
		if tok.SelfClosing {
			// The end tag comes next and finishes the skip.
			return
		}
		return
	}
	s.push(e, tok, 0)
}

// Token feeds the next token. It returns true when the element given to
// Start has ended.
func (s *Session) Token(tok *xmlscan.Token) bool {
	if s.done {
		return true
	}
	if s.skipDepth > 0 {
		if tok.Kind == xmlscan.EndElement && tok.Depth == s.skipDepth {
			s.skipDepth = 0
			if len(s.frames) == 0 {
				s.done = true
				return true
			}
		}
		return false
	}
	switch tok.Kind {
	case xmlscan.StartElement:
		s.child(tok)
	case xmlscan.Text:
		f := &s.frames[len(s.frames)-1]
		e := s.v.elems[f.e]
		if e.value() != nil {
			s.text = append(s.text, tok.Text...)
		} else if !f.badText && (e.ct == nil || !e.ct.mixed) && (tok.CDATA || !allSpace(tok.Text)) {
			// A CDATA section counts as text even when blank, as in
			// libxml2.
			f.badText = true
			s.textViolation(f, tok)
		}
	case xmlscan.EndElement:
		s.end()
		if len(s.frames) == 0 {
			s.done = true
			return true
		}
	}
	return false
}

// Leaf feeds the tokens xmlscan.Scanner.LeafText returned (text is nil
// for an element without content): the same as Token(text) then
// Token(end), in one call. The value of an element of simple type is
// checked where it stands in the input, without being gathered first.
func (s *Session) Leaf(text, end *xmlscan.Token) bool {
	if !s.done && s.skipDepth == 0 && len(s.frames) > 0 {
		f := &s.frames[len(s.frames)-1]
		e := s.v.elems[f.e]
		if st := e.value(); st != nil && e.fixed == nil && e.model() == nil && int(f.textStart) == len(s.text) {
			var v []byte
			if text != nil {
				v = text.Text
			}
			if len(v) == 0 && e.def != nil {
				v = e.def
			}
			s.value(st, v, "", int(f.off))
			s.names = s.names[:f.namesMark]
			s.frames = s.frames[:len(s.frames)-1]
			if len(s.frames) == 0 {
				s.done = true
				return true
			}
			return false
		}
	}
	if text != nil {
		s.Token(text)
	}
	return s.Token(end)
}

// sameValue compares two values of a simple type: decimals by value,
// anything else as normalised text.
func sameValue(st *stype, a, b []byte) bool {
	a, b = normalise(a, st.ws, nil), normalise(b, st.ws, nil)
	if st.prim == pDecimal || st.prim == pInteger {
		da, ok1 := parseDecimal(a)
		db, ok2 := parseDecimal(b)
		if ok1 && ok2 {
			return cmpDecimal(da, db) == 0
		}
	}
	return string(a) == string(b)
}

// textViolation reports text in an element that only holds elements. Text
// made only of white space that XML does not count as such (a no-break
// space, a zero-width space, a byte-order mark: indentation copied from a
// word processor) is named by code point at its line and column, and marked
// as a repeatable problem: such a file has it on every line.
func (s *Session) textViolation(f *frame, tok *xmlscan.Token) {
	name := string(s.name(f))
	if tok.CDATA && allSpace(tok.Text) {
		s.report(KindText, s.path(), s.line(int(f.off)), "a CDATA section is text, which "+name+" does not allow: it holds only elements", nil)
		return
	}
	txt := bytes.Trim(tok.Text, " \t\r\n")
	if r, ok := invisibleOnly(txt); ok {
		off := tok.Offset
		raw := s.sc.Input()
		for off < tok.End && off < len(raw) && isXMLSpace(raw[off]) {
			off++
		}
		line, col := s.line(off), column(raw, off)
		what := engine.RuneName(r)
		s.emit(&Violation{Kind: KindText, Path: s.path(), Line: line, Column: col, Repeat: what,
			Msg: what + " at line " + strconv.Itoa(line) + ", column " + strconv.Itoa(col) + " is not XML white space (only space, tab, CR and LF are), so it is text, which " + name + " does not allow: it holds only elements. Replace it with ordinary spaces"})
		return
	}
	s.report(KindText, s.path(), s.line(int(f.off)), "text "+engine.EchoBytes(txt)+" is not allowed in "+name+", which only holds elements", nil)
}

// invisibleOnly reports whether b (not empty) holds only characters that
// look like white space or nothing at all (Unicode white space and format
// characters such as U+200B and U+FEFF), and returns the first.
func invisibleOnly(b []byte) (rune, bool) {
	if len(b) == 0 {
		return 0, false
	}
	first := rune(-1)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) {
			return 0, false
		}
		if first < 0 && !isXMLSpace(byte(r)) {
			first = r
		}
		b = b[n:]
	}
	return first, first >= 0
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// column returns the 1-based column, in characters, of offset off of doc.
func column(doc []byte, off int) int {
	if off > len(doc) {
		off = len(doc)
	}
	start := bytes.LastIndexByte(doc[:off], '\n') + 1
	return utf8.RuneCount(doc[start:off]) + 1
}

func allSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

func (s *Session) push(e *celem, tok *xmlscan.Token, idx int32) {
	ns := tok.Offset + 1
	if len(tok.Name.Prefix) > 0 {
		ns += len(tok.Name.Prefix) + 1
	}
	// Written in place: a frame literal is built on the stack and copied,
	// a copy that waits for its own stores (measured).
	n := len(s.frames)
	if n < cap(s.frames) {
		s.frames = s.frames[:n+1]
	} else {
		s.frames = append(s.frames, frame{})
	}
	f := &s.frames[n]
	f.e, f.nameStart, f.nameEnd, f.idx, f.off = e.id, int32(ns), int32(ns+len(tok.Name.Local)), idx, int32(tok.Offset)
	f.state, f.textStart, f.namesMark, f.badText = 0, int32(len(s.text)), int32(len(s.names)), false
	if len(tok.Attrs) > 0 || e.hasAttrs {
		s.attrs(tok, e)
	}
}

func (s *Session) attrs(tok *xmlscan.Token, e *celem) {
	var decl []cattr
	if e.ct != nil {
		decl = e.ct.attrs
	}
	var seen uint64
	for i := range tok.Attrs {
		a := &tok.Attrs[i]
		if string(a.Name.Space) == xsiNS {
			s.xsiAttr(tok, e, a)
			continue
		}
		found := -1
		if len(a.Name.Space) == 0 {
			for j := range decl {
				if decl[j].name == string(a.Name.Local) {
					found = j
					break
				}
			}
		}
		if found < 0 {
			s.report(KindAttribute, s.path()+"/@"+string(a.Name.Local), s.line(tok.Offset), "attribute "+strconv.Quote(string(a.Name.Local))+" is not allowed on "+string(tok.Name.Local), nil)
			continue
		}
		if found < 64 {
			seen |= 1 << found
		}
		s.value(decl[found].typ, a.Value, decl[found].name, tok.Offset)
	}
	for j := range decl {
		if decl[j].required && (j >= 64 || seen&(1<<j) == 0) {
			s.report(KindAttribute, s.path()+"/@"+decl[j].name, s.line(tok.Offset), "required attribute "+decl[j].name+" is missing on "+string(tok.Name.Local), nil)
		}
	}
}

// xsiAttr checks an attribute of the XML Schema instance namespace. ISO
// 20022 schemas declare no nillable element and derive no type from
// another, so xsi:type may only name the declared type and xsi:nil may not
// be true; schema locations are ignored (the schema comes from the
// namespace).
func (s *Session) xsiAttr(tok *xmlscan.Token, e *celem, a *xmlscan.Attr) {
	path := func() string { return s.path() + "/@xsi:" + string(a.Name.Local) }
	switch string(a.Name.Local) {
	case "schemaLocation", "noNamespaceSchemaLocation":
	case "nil":
		if v := strings.TrimSpace(string(a.Value)); v == "true" || v == "1" {
			s.report(KindAttribute, path(), s.line(tok.Offset), "xsi:nil is not allowed: "+string(tok.Name.Local)+" is not nillable", nil)
		}
	case "type":
		v := strings.TrimSpace(string(a.Value))
		prefix, local := "", v
		if i := strings.IndexByte(v, ':'); i >= 0 {
			prefix, local = v[:i], v[i+1:]
		}
		ns, ok := s.sc.LookupPrefix([]byte(prefix))
		if !ok || local != e.typ.Local || string(ns) != e.typ.Space {
			s.report(KindAttribute, path(), s.line(tok.Offset), "xsi:type "+engine.Echo(v)+" is not the declared type "+e.typ.Local+" of "+string(tok.Name.Local), nil)
		}
	default:
		s.report(KindAttribute, path(), s.line(tok.Offset), "attribute xsi:"+string(a.Name.Local)+" is not allowed", nil)
	}
}

func (s *Session) child(tok *xmlscan.Token) {
	p := &s.frames[len(s.frames)-1]
	pe := s.v.elems[p.e]
	m := pe.model()
	if m == nil {
		if pe.value() != nil {
			s.report(KindUnexpected, s.path()+"/"+string(tok.Name.Local), s.line(tok.Offset), "element "+string(tok.Name.Local)+" is not allowed: "+string(s.name(p))+" holds a value, not elements", nil)
		} else {
			s.report(KindUnexpected, s.path()+"/"+string(tok.Name.Local), s.line(tok.Offset), "element "+string(tok.Name.Local)+" is not allowed: "+string(s.name(p))+" must be empty", nil)
		}
		s.skipDepth = tok.Depth
		return
	}
	if p.state < 0 {
		// The content model already failed: validate known children by
		// their declaration, skip the rest.
		if s.inNS(tok.Name.Space, m.tns) {
			for _, e := range m.syms {
				if e.name == string(tok.Name.Local) {
					s.push(e, tok, s.index(p, e))
					return
				}
			}
		}
		s.skipDepth = tok.Depth
		return
	}
	st := &m.states[p.state]
	if s.inNS(tok.Name.Space, m.tns) {
		key := tagKey(tok.Name.Local)
		for i := range st.trans {
			t := &st.trans[i]
			if t.matches(key, tok.Name.Local) {
				p.state = t.next
				s.push(t.elem, tok, s.index(p, t.elem))
				return
			}
		}
	}
	if st.wild >= 0 && st.any.matches(string(tok.Name.Space), m.tns) {
		p.state = st.wild
		if st.any.mode != "skip" && string(tok.Name.Space) == s.v.ns {
			// A lax or strict wildcard validates an element the schema
			// declares globally (XSD 1.0 §3.10.1).
			if e := s.v.root(tok.Name.Local); e != nil {
				s.push(e, tok, 0)
				return
			}
		}
		if st.any.mode == "strict" {
			s.report(KindUnexpected, s.path()+"/"+string(tok.Name.Local), s.line(tok.Offset), "element "+string(tok.Name.Local)+" in namespace "+engine.Echo(string(tok.Name.Space))+" has no declaration, which the strict wildcard demands", nil)
		}
		s.skipDepth = tok.Depth
		return
	}
	// An element the model allows only after required elements that are
	// absent: those are missing (each reported at its own path, on the line
	// where it was expected: this element's), and validation goes on as if
	// they had been there.
	if s.inNS(tok.Name.Space, m.tns) && s.searches < maxSearches {
		s.searches++
		key := tagKey(tok.Name.Local)
		dist := distances(m, func(st *dstate) bool {
			for i := range st.trans {
				if st.trans[i].matches(key, tok.Name.Local) {
					return true
				}
			}
			return false
		})
		if next, ok := s.missing(m, p, dist, tok); ok {
			st := &m.states[next]
			for i := range st.trans {
				if t := &st.trans[i]; t.matches(key, tok.Name.Local) {
					p.state = t.next
					s.push(t.elem, tok, s.index(p, t.elem))
					return
				}
			}
		}
	}
	exp := expected(m, p.state)
	s.report(KindUnexpected, s.path()+"/"+string(tok.Name.Local), s.line(tok.Offset), "element "+string(tok.Name.Local)+" is not expected here; expected "+expectedText(exp), exp)
	p.state = -1
	s.skipDepth = tok.Depth
}

// missingAny puts a missing xs:any wildcard in words.
const missingAny = "missing the wrapped element that xs:any requires here (one element of another schema, such as the supplementary document an Envlp carries)"

// maxMissing bounds the missing elements named at one place: more than this
// many required elements in a row are not "missing", the element is
// misplaced, and reported as unexpected.
const maxMissing = 16

// maxSearches bounds the searches for elements missing before an
// unexpected one in one validation (each walks the parent's automaton,
// O(states x transitions), and a hostile document could hold a million
// unexpected elements); past it, such elements are reported as unexpected
// only. A real message has a handful.
const maxSearches = 64

// missing follows the shortest way, by dist (per state, the fewest
// elements to a target state), from the state of the open element p to a
// target state (where the element may end, or where the element tok may
// come), through elements that are absent from the input. When there is one
// within maxMissing steps, it reports each absent element as KindMissing at
// its own XPath (a choice as its alternatives, ".../(IBAN|Othr)"), on the
// line of tok (the element that came in their place) or, when tok is nil,
// of p (which ended without them), and returns the state reached. It runs
// on invalid input only.
func (s *Session) missing(m *dfa, p *frame, dist []int32, tok *xmlscan.Token) (int32, bool) {
	start := p.state
	if dist[start] <= 0 || dist[start] > maxMissing {
		return 0, false
	}
	parent := s.path()
	line, where, before := s.line(int(p.off)), string(s.name(p))+" is incomplete: ", ""
	if tok != nil {
		line, before = s.line(tok.Offset), " before "+string(tok.Name.Local)
	}
	reporting := true
	var names []string
	for st := start; dist[st] > 0; {
		names = names[:0]
		next := int32(-1)
		var only *celem
		same := true
		ds := &m.states[st]
		for i := range ds.trans {
			t := &ds.trans[i]
			if dist[t.next] != dist[st]-1 {
				continue
			}
			names = append(names, t.elem.name)
			if next < 0 {
				next, only = t.next, t.elem
			} else if !sameShape(&m.states[t.next], &m.states[next]) {
				same = false
			}
		}
		if ds.wild >= 0 && dist[ds.wild] == dist[st]-1 {
			names = append(names, "*")
			if next < 0 {
				next = ds.wild
			} else if !sameShape(&m.states[ds.wild], &m.states[next]) {
				same = false
			}
		}
		if next < 0 { // unreachable: dist says a step exists
			return 0, false
		}
		if reporting {
			exp := append([]string(nil), names...)
			if len(names) == 1 {
				path := parent + "/" + names[0]
				if only != nil && only.repeated {
					path += "[" + strconv.Itoa(int(s.count(p, only))+1) + "]"
				}
				what := names[0] + " is missing"
				if names[0] == "*" {
					what = missingAny
				}
				s.report(KindMissing, path, line, where+what+before, exp)
			} else {
				s.report(KindMissing, parent+"/("+strings.Join(names, "|")+")", line, where+"one of "+strings.Join(names, ", ")+" is missing"+before, exp)
			}
			// Alternatives that lead on differently: what follows depends
			// on the one chosen, so it is not named.
			reporting = same
		}
		st = next
		if dist[st] == 0 {
			return st, true
		}
	}
	return start, true
}

func (s *Session) index(p *frame, e *celem) int32 {
	if !e.repeated {
		return 0
	}
	for i := int(p.namesMark); i < len(s.names); i++ {
		if s.names[i].e == e.id {
			s.names[i].count++
			return s.names[i].count
		}
	}
	s.names = append(s.names, nameCount{e: e.id, count: 1})
	return 1
}

func expected(m *dfa, state int32) []string {
	st := &m.states[state]
	out := make([]string, 0, len(st.trans)+1)
	for _, t := range st.trans {
		out = append(out, t.elem.name)
	}
	if st.wild >= 0 {
		out = append(out, "*")
	}
	return out
}

// expectedText lists what a content model allows next; "*" (a wildcard,
// xs:any) is put in words.
func expectedText(exp []string) string {
	switch len(exp) {
	case 0:
		return "no more elements"
	case 1:
		if exp[0] == "*" {
			return anyElement
		}
		return exp[0]
	}
	names := exp
	if exp[len(exp)-1] == "*" {
		names = append(slices.Clone(exp[:len(exp)-1]), anyElement)
	}
	return "one of " + strings.Join(names, ", ")
}

// anyElement is "*" of a content model (xs:any) in words.
const anyElement = "an element of any namespace (the schema's xs:any wildcard)"

func (s *Session) end() {
	f := &s.frames[len(s.frames)-1]
	e := s.v.elems[f.e]
	if st := e.value(); st != nil {
		txt := s.text[f.textStart:]
		if len(txt) == 0 && e.fixed != nil {
			txt = e.fixed
		} else if len(txt) == 0 && e.def != nil {
			txt = e.def
		}
		s.value(st, txt, "", int(f.off))
		if e.fixed != nil && !sameValue(st, txt, e.fixed) {
			s.report(KindEnumeration, s.path(), s.line(int(f.off)), "value "+engine.EchoBytes(txt)+" differs from the fixed value "+engine.EchoBytes(e.fixed)+" of "+e.name, nil)
		}
		s.text = s.text[:f.textStart]
	}
	if m := e.model(); m != nil && f.state >= 0 && !m.states[f.state].accept {
		// Each missing element at its own path, on the line of f.
		if _, ok := s.missing(m, f, m.toAccept, nil); !ok {
			exp := expected(m, f.state)
			msg := string(s.name(f)) + " is incomplete: missing " + expectedText(exp)
			if len(exp) == 1 && exp[0] == "*" {
				msg = string(s.name(f)) + " is incomplete: " + missingAny
			}
			s.report(KindMissing, s.path(), s.line(int(f.off)), msg, exp)
		}
	}
	s.names = s.names[:f.namesMark]
	s.frames = s.frames[:len(s.frames)-1]
}

// distances returns, for each state of m, the fewest transitions (element
// or wildcard) leading to a state where done holds: 0 there, -1 when none
// can be reached. A breadth-first search backwards over the automaton; it
// runs on invalid input only.
func distances(m *dfa, done func(*dstate) bool) []int32 {
	n := len(m.states)
	dist := make([]int32, n)
	back := make([][]int32, n) // predecessors
	var queue []int32
	for i := range m.states {
		st := &m.states[i]
		dist[i] = -1
		if done(st) {
			dist[i] = 0
			queue = append(queue, int32(i))
		}
		for _, t := range st.trans {
			back[t.next] = append(back[t.next], int32(i))
		}
		if st.wild >= 0 {
			back[st.wild] = append(back[st.wild], int32(i))
		}
	}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		for _, y := range back[x] {
			if dist[y] < 0 {
				dist[y] = dist[x] + 1
				queue = append(queue, y)
			}
		}
	}
	return dist
}

// sameShape reports whether two states allow the same next elements (the
// states after the alternatives of a choice usually do: what follows the
// choice).
func sameShape(a, b *dstate) bool {
	if a == b {
		return true
	}
	if a.accept != b.accept || (a.wild >= 0) != (b.wild >= 0) || len(a.trans) != len(b.trans) {
		return false
	}
	for i := range a.trans {
		if a.trans[i].elem.name != b.trans[i].elem.name {
			return false
		}
	}
	return true
}

// count returns how many children of element e the open element p has had.
func (s *Session) count(p *frame, e *celem) int32 {
	for i := int(p.namesMark); i < len(s.names); i++ {
		if s.names[i].e == e.id {
			return s.names[i].count
		}
	}
	return 0
}

// value checks a simple value of the current element, or of its attribute
// attr when attr is not empty.
func (s *Session) value(st *stype, raw []byte, attr string, off int) {
	v := normalise(raw, st.ws, s.scratch)
	if len(v) > 0 && (len(raw) == 0 || &v[0] != &raw[0]) {
		s.scratch = v[:0] // keep the grown buffer
	}
	s.faults = st.check(v, s.faults[:0])
	if len(s.faults) == 0 {
		return
	}
	path, line := s.path(), s.line(off)
	subject := "value " + engine.EchoBytes(v)
	if attr != "" {
		path += "/@" + attr
		subject = "attribute " + attr + " value " + engine.EchoBytes(v)
	}
	for _, fl := range s.faults {
		s.report(fl.kind, path, line, subject+" "+fl.msg, nil)
	}
}

func (s *Session) line(off int) int { return s.sc.Line(off) }

// inNS reports whether space is ns. The scanner hands out the same slice
// for every element in the scope of one declaration, so a slice already
// found equal is recognised by its address, without comparing bytes.
func (s *Session) inNS(space []byte, ns string) bool {
	if len(space) != len(ns) {
		return false
	}
	if len(space) == 0 || len(s.nsSeen) == len(space) && &s.nsSeen[0] == &space[0] && s.nsName == ns {
		return true
	}
	if string(space) != ns {
		return false
	}
	s.nsSeen, s.nsName = space, ns
	return true
}

// name returns the local name of an open element.
func (s *Session) name(f *frame) []byte { return s.sc.Input()[f.nameStart:f.nameEnd] }

func (s *Session) report(k Kind, path string, line int, msg string, exp []string) {
	s.emit(&Violation{Kind: k, Path: path, Line: line, Msg: msg, Expected: exp})
}

func (s *Session) emit(v *Violation) {
	s.errs++
	if s.rep != nil {
		s.rep.Violation(v)
	}
}

// Path returns the XPath of the innermost open element ("" when none), for
// locating problems found outside the session (a well-formedness error).
func (s *Session) Path() string {
	if s.done || len(s.frames) == 0 {
		return ""
	}
	return s.path()
}

// path renders the XPath of the innermost open element.
func (s *Session) path() string {
	var sb strings.Builder
	for i := range s.frames {
		f := &s.frames[i]
		sb.WriteByte('/')
		sb.Write(s.name(f))
		if f.idx > 0 {
			sb.WriteByte('[')
			sb.WriteString(strconv.Itoa(int(f.idx)))
			sb.WriteByte(']')
		}
	}
	return sb.String()
}

// Validate validates a whole document whose root element is declared by
// the schema, reporting every violation to rep. It returns a non-nil error
// only when the document is not well-formed (an *xmlscan.Error), after the
// violations found up to that point.
func (v *Validator) Validate(doc []byte, rep Reporter) error {
	sc := xmlscan.NewScanner(doc, xmlscan.Limits{})
	var s Session
	started := false
	for {
		tok, err := sc.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if !started {
			if tok.Kind != xmlscan.StartElement {
				continue
			}
			v.Start(&s, sc, tok, rep)
			started = true
			continue
		}
		s.Token(tok)
	}
}
