package typed

import (
	"iter"
	"strconv"
	"strings"
	"unsafe"

	"github.com/swiftval/swiftval/engine"
)

// Kind classifies a leaf (a simple-typed element or an amount) by the ISO
// 20022 data type behind it, so code-list and character-set rules can select
// leaves without knowing every message.
type Kind uint8

// Leaf kinds.
const (
	// KindOther: any type not listed below (codes, dates, identifiers ...).
	KindOther Kind = iota
	// KindText: free text (MaxNText).
	KindText
	// KindAmount: an amount with a Ccy attribute (…CurrencyAndAmount).
	KindAmount
	// KindCurrency: an ISO 4217 currency code element.
	KindCurrency
	// KindCountry: an ISO 3166-1 alpha-2 country code element.
	KindCountry
	// KindIBAN: an IBAN (IBAN2007Identifier).
	KindIBAN
	// KindBIC: a BIC (BICFIDec2014Identifier, AnyBICDec2014Identifier).
	KindBIC
	// KindDecimal: a DecimalNumber (CtrlSum ...).
	KindDecimal
)

// Leaf is one simple-typed element or amount present in a message.
type Leaf struct {
	// Kind classifies the XSD type.
	Kind Kind
	// Type is the ISO 20022 XSD type name ("Max35Text", "ActiveCurrencyAndAmount").
	Type string
	// Name is the element's local name.
	Name string
	// Value is the element's text (the amount for KindAmount).
	Value string
	// Ccy is the currency attribute of an amount.
	Ccy string
	// Pos is where the element starts.
	Pos Pos
	// Parent is the local name of the parent element; ParentPos where it
	// starts (leaves of one element share it).
	Parent    string
	ParentPos Pos
	// Ctx says which context elements enclose the leaf.
	Ctx Ctx

	n     int32    // index in Message.leaves, so copies find their path
	frame int32    // walker frame of the parent element
	idx   int32    // index when repeated, else -1
	path  [2]int32 // range of the XPath in Message.paths, once built
}

// Ctx is a set of enclosing context elements of a leaf.
type Ctx uint8

// Context elements tracked for leaves.
const (
	// InPstlAdr: inside a PstlAdr (postal address).
	InPstlAdr Ctx = 1 << iota
	// InRmtInf: inside RmtInf (remittance information).
	InRmtInf
	// InRltdRmtInf: inside RltdRmtInf (related remittance information).
	InRltdRmtInf
	// InAppHdr: inside the AppHdr.
	InAppHdr
	// InStrd: inside Strd (structured remittance information).
	InStrd
)

func ctxOf(name string) Ctx {
	switch name {
	case "PstlAdr":
		return InPstlAdr
	case "RmtInf":
		return InRmtInf
	case "RltdRmtInf":
		return InRltdRmtInf
	case "/AppHdr":
		return InAppHdr
	case "Strd":
		return InStrd
	}
	return 0
}

// mark is the walker state to restore after an element. It stays within
// four words so the compiler keeps it in registers: a larger one is built
// on the stack and copied back, and that copy stalled every push.
type mark struct {
	parent string
	n      int32
	ppos   Pos
	ctx    Ctx
}

// frame is one element entered by the walker: its name (a whole path for
// a root), its index when repeated (else -1) and its parent frame.
type frame struct {
	name   string
	idx    int32
	parent int32 // -1 for a root
}

// walker builds the leaf list of a message. XPaths are not built while
// walking: each leaf records its frame, and LeafPath builds a leaf's path
// when it is first asked for.
type walker struct {
	frames []frame
	cur    int32
	leaves []Leaf
	ctx    Ctx
	parent string
	ppos   Pos
}

// push enters element name (index i when repeated, else -1) starting at p
// and returns the state to pop back to.
func (w *walker) push(name string, i int, p Pos) mark {
	m := mark{parent: w.parent, n: w.cur, ppos: w.ppos, ctx: w.ctx}
	w.frames = append(w.frames, frame{name: name, idx: int32(i), parent: w.cur})
	w.cur = int32(len(w.frames) - 1)
	w.ctx |= ctxOf(name)
	w.parent, w.ppos = name, p
	return m
}

func (w *walker) root(path string, p Pos) mark {
	m := mark{parent: w.parent, n: w.cur, ppos: w.ppos, ctx: w.ctx}
	w.frames = append(w.frames, frame{name: path, idx: -1, parent: -1})
	w.cur = int32(len(w.frames) - 1)
	w.ctx |= ctxOf(path)
	w.parent, w.ppos = path[strings.LastIndexByte(path, '/')+1:], p
	return m
}

func (w *walker) pop(m mark) {
	w.cur = m.n
	w.ctx, w.parent, w.ppos = m.ctx, m.parent, m.ppos
}

// add appends a leaf for element name (index i when repeated, else -1).
// The leaf is written field by field into the list: a Leaf built on the
// stack and then copied is read back before its stores have retired, which
// stalls the copy (measured: it was most of the walk).
func (w *walker) add(i int, k Kind, typ, name, value, ccy string, p Pos) {
	n := len(w.leaves)
	if n < cap(w.leaves) {
		w.leaves = w.leaves[:n+1]
	} else {
		w.leaves = append(w.leaves, Leaf{})
	}
	l := &w.leaves[n]
	l.Kind, l.Type, l.Name, l.Value, l.Ccy, l.Pos = k, typ, name, value, ccy, p
	l.Parent, l.ParentPos, l.Ctx = w.parent, w.ppos, w.ctx
	l.n, l.frame, l.idx, l.path = int32(n), w.cur, int32(i), [2]int32{}
}

func (w *walker) text(name string, i int, k Kind, typ string, t *Text) {
	w.add(i, k, typ, name, t.Value, "", t.Pos)
}

func (w *walker) amount(name string, i int, typ, value, ccy string, p Pos) {
	w.add(i, KindAmount, typ, name, value, ccy, p)
}

// leafCapacity estimates the number of leaves from the input size: indented
// CBPR+ samples carry about one leaf per 100 bytes of XML (the 3.2 KB
// pacs.008 sample has 30), compact ones up to one per 40; append grows the
// slice when the estimate is short.
func leafCapacity(n int) int { return min(max(n/80, 16), 1024) }

// LeavesOf yields the leaves of kind k (see Leaves), in order; a nil m has
// none, so a rule can range over typed.Of(m).LeavesOf(k) directly.
func (m *Message) LeavesOf(k Kind) iter.Seq[*Leaf] {
	return func(yield func(*Leaf) bool) {
		if m == nil {
			return
		}
		ls := m.Leaves()
		for i := range ls {
			if ls[i].Kind == k && !yield(&ls[i]) {
				return
			}
		}
	}
}

// Leaves returns every simple-typed element and amount present in the
// AppHdr and the document, in schema order, computed once per Message. Like
// the rest of a Message it is not safe for concurrent first use: the engine
// runs the rules of one validation one after another.
func (m *Message) Leaves() []Leaf {
	if m.walked {
		return m.leaves
	}
	m.walked = true
	// The decoder counted the simple elements and start tags it read: upper
	// bounds of the leaves and frames (skipped elements aside), so one
	// allocation each; the size estimate serves messages built by hand.
	nl, nf := m.nTexts, m.nStarts-m.nTexts
	if nl <= 0 {
		nl = leafCapacity(len(m.Raw))
		nf = nl / 2
	}
	nf = max(nf, 4)
	// A recycled message brings emptied lists from an earlier one.
	w := walker{cur: -1, leaves: m.leaves[:0], frames: m.frames[:0]}
	if cap(w.leaves) < nl {
		w.leaves = make([]Leaf, 0, nl)
	}
	if cap(w.frames) < nf {
		w.frames = make([]frame, 0, nf)
	}
	m.Documents.walk(&w)
	m.leaves, m.frames = w.leaves, w.frames
	return m.leaves
}

// appendPath appends the XPath of leaf l to b.
func (m *Message) appendPath(b []byte, l *Leaf) []byte {
	var chain [64]int32
	k := 0
	for f := l.frame; f >= 0 && int(f) < len(m.frames) && k < len(chain); f = m.frames[f].parent {
		chain[k] = f
		k++
	}
	for k--; k >= 0; k-- {
		fr := &m.frames[chain[k]]
		if fr.parent < 0 {
			b = append(b, fr.name...)
			continue
		}
		b = appendStep(b, fr.name, int(fr.idx))
	}
	return appendStep(b, l.Name, int(l.idx))
}

func appendStep(b []byte, name string, i int) []byte {
	b = append(b, '/')
	b = append(b, name...)
	if i >= 0 {
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(i+1), 10)
		b = append(b, ']')
	}
	return b
}

// LeafPath returns the XPath of a leaf returned by Leaves (or a copy of
// one), such as /Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt.
// A leaf's path is built on the first call for it, into one buffer the
// message's paths share, so a finding on a large document costs one path,
// not all of them; a later call for the same leaf does not allocate. It
// returns "" for a leaf of another message.
func (m *Message) LeafPath(l *Leaf) string {
	if l.n < 0 || int(l.n) >= len(m.leaves) {
		return ""
	}
	lf := &m.leaves[l.n]
	if lf.path[1] == 0 { // not built yet: a built path is never empty
		if m.paths == nil {
			m.paths = make([]byte, 0, 256)
		}
		// Earlier paths stay valid when the buffer grows: their strings
		// keep the old array alive.
		s := len(m.paths)
		m.paths = m.appendPath(m.paths, lf)
		lf.path = [2]int32{int32(s), int32(len(m.paths))}
	}
	r := lf.path
	if int(r[1]) > len(m.paths) || r[0] > r[1] {
		return ""
	}
	b := m.paths[r[0]:r[1]]
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// ParentPath returns the XPath of a leaf's parent element
// (/Document/.../Dbtr/PstlAdr for a TwnNm leaf).
func (m *Message) ParentPath(l *Leaf) string {
	p := m.LeafPath(l)
	return p[:max(strings.LastIndexByte(p, '/'), 0)]
}

// LeafLoc returns the engine location (XPath and line) of a leaf.
func (m *Message) LeafLoc(l *Leaf) engine.Location {
	return engine.Location{Path: m.LeafPath(l), Line: m.Line(l.Pos)}
}
