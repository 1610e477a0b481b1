package typed

import (
	"github.com/swiftval/swiftval/engine"
	"strconv"
	"strings"
	"unsafe"
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

	path [2]int32
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

// mark is the walker state to restore after an element.
type mark struct {
	n      int
	ctx    Ctx
	parent string
	ppos   Pos
}

// walker builds the leaf list and XPaths of a message: cur is the path of
// the element being walked, store keeps every leaf's path.
type walker struct {
	cur    []byte
	store  []byte
	leaves []Leaf
	ctx    Ctx
	parent string
	ppos   Pos
}

// push enters element name (index i when repeated, else -1) starting at p:
// it appends /name or /name[i+1] to the current path and returns the state
// to pop back to.
func (w *walker) push(name string, i int, p Pos) mark {
	m := mark{len(w.cur), w.ctx, w.parent, w.ppos}
	w.cur = appendStep(w.cur, name, i)
	w.ctx |= ctxOf(name)
	w.parent, w.ppos = name, p
	return m
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

func (w *walker) root(path string, p Pos) mark {
	m := mark{len(w.cur), w.ctx, w.parent, w.ppos}
	w.cur = append(w.cur, path...)
	w.ctx |= ctxOf(path)
	w.parent, w.ppos = path[strings.LastIndexByte(path, '/')+1:], p
	return m
}

func (w *walker) pop(m mark) {
	w.cur = w.cur[:m.n]
	w.ctx, w.parent, w.ppos = m.ctx, m.parent, m.ppos
}

func (w *walker) add(name string, i int, l Leaf) {
	s := len(w.store)
	w.store = append(w.store, w.cur...)
	w.store = appendStep(w.store, name, i)
	l.path = [2]int32{int32(s), int32(len(w.store))}
	l.Parent, l.ParentPos, l.Ctx = w.parent, w.ppos, w.ctx
	w.leaves = append(w.leaves, l)
}

func (w *walker) text(name string, i int, k Kind, typ string, t *Text) {
	w.add(name, i, Leaf{Kind: k, Type: typ, Name: name, Value: t.Value, Pos: t.Pos})
}

func (w *walker) amount(name string, i int, typ, value, ccy string, p Pos) {
	w.add(name, i, Leaf{Kind: KindAmount, Type: typ, Name: name, Value: value, Ccy: ccy, Pos: p})
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
	w := walker{cur: make([]byte, 0, 256), store: make([]byte, 0, 4096), leaves: make([]Leaf, 0, 96)}
	m.Documents.walk(&w)
	m.leaves, m.paths = w.leaves, w.store
	return m.leaves
}

// LeafPath returns the XPath of a leaf returned by Leaves, such as
// /Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt.
func (m *Message) LeafPath(l *Leaf) string {
	if int(l.path[1]) > len(m.paths) || l.path[0] > l.path[1] {
		return ""
	}
	b := m.paths[l.path[0]:l.path[1]]
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// LeafLoc returns the engine location (XPath and line) of a leaf.
func (m *Message) LeafLoc(l *Leaf) engine.Location {
	return engine.Location{Path: m.LeafPath(l), Line: m.Line(l.Pos)}
}
