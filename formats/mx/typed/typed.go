// Package typed holds Go structs for the CBPR+ ISO 20022 message set and a
// fast decoder into them: from XML bytes (Decode, lenient), or from the
// tokens of an xmlscan.Scanner as the MX format checks them against the
// schema (NewMessage, DecodeAppHdr, DecodeDocument: the input is read once).
//
// The structs are generated (make generate; see ./gen) for the entries of
// the manifest (formats/mx/manifest/messages.txt) with a typed field, from
// the base ISO 20022 XSDs of the message versions CBPR+ uses: head.001.001.02 (AppHdr),
// pacs.008.001.08, pacs.009.001.08 (core, COV and ADV use the same schema),
// pacs.002.001.10, pacs.004.001.09, camt.052/053/054.001.08,
// pain.001.001.09, and the Stop and Recall pair camt.056.001.08 (payment
// cancellation request) and camt.029.001.09 (resolution of investigation).
// Source of the version list: https://www.swift.com/cbpr-self-attestation,
// the CBPR+ BizSvc table, and the SR2026 usage-guideline names
// ("CBPRPlus SR2026 (Combined)", camt.029.001.09; see mx-facts.md in the
// shared reference, "SR2026 update").
//
// Model: a complex element is a struct whose first field Pos says where the
// element starts; a mandatory child is a struct value, an optional child or a
// choice alternative is a pointer (nil when absent), a repeated child is a
// slice. Simple-typed elements are Text values (Present reports whether the
// element occurred). Amounts keep their lexical value (never float): use
// Decimal to get an exact decimal.
//
// The decoder is lenient: it does not check the schema (the MX format does),
// skips unknown elements, and never panics. Its strings alias the input when
// they need no unescaping, so the input must not be modified while a Message
// decoded from it is in use.
package typed

//go:generate go run ./gen

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/govalues/decimal"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/xmlscan"
	"github.com/swiftval/swiftval/formats/mx/xsd"
)

// Pos is the position of an element in the input: its byte offset plus one
// (0 means absent or unknown). Message.Line turns it into a line number.
type Pos int32

// Text is the value of a simple-typed element with its position.
type Text struct {
	// Value is the element's character data, unescaped, whitespace kept.
	Value string
	// Pos is where the element starts; 0 when the element is absent.
	Pos Pos
}

// Present reports whether the element occurred in the input.
func (t Text) Present() bool { return t.Pos != 0 }

// Decimal parses the value as an exact decimal (XSD xs:decimal lexical form,
// surrounding whitespace ignored). ok is false when it is not a decimal or
// has more than 19 significant digits.
func (t Text) Decimal() (d decimal.Decimal, ok bool) { return ParseDecimal(t.Value) }

// ParseDecimal parses an xs:decimal lexical value exactly. It refuses
// exponents, and values that govalues/decimal would round (more than 19
// digits), so the result is always the exact value of the text.
func ParseDecimal(s string) (d decimal.Decimal, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return d, false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || ((c == '+' || c == '-') && i == 0):
		default:
			return d, false
		}
	}
	if digits == 0 || digits > decimal.MaxPrec {
		return d, false
	}
	if s[0] == '+' {
		s = s[1:]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	if s != "" && s[0] == '.' {
		s = "0" + s
	} else if len(s) > 1 && s[0] == '-' && s[1] == '.' {
		s = "-0" + s[1:]
	}
	d, err := decimal.Parse(s)
	return d, err == nil
}

// FractionDigits returns the number of digits after the decimal point in an
// xs:decimal lexical value, trailing zeros included ("1.50" has 2).
func FractionDigits(s string) int {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

// Decimal parses an amount's value exactly (see Text.Decimal).
func (a *ActiveCurrencyAndAmount) Decimal() (decimal.Decimal, bool) { return ParseDecimal(a.Value) }

// Decimal parses an amount's value exactly (see Text.Decimal).
func (a *ActiveOrHistoricCurrencyAndAmount) Decimal() (decimal.Decimal, bool) {
	return ParseDecimal(a.Value)
}

// Definition describes one message definition with a typed model.
type Definition struct {
	// ID is the message identifier, as in the namespace: "pacs.008.001.08".
	ID string
	// Field is the Go field of Documents holding it.
	Field string
	// Element is the message element under /Document ("FIToFICstmrCdtTrf"),
	// or "AppHdr" for the header.
	Element string
	// Type is the ISO 20022 type of that element.
	Type string
	// Payment says the message carries payments that the payment view
	// (package payment, FromMX) maps into transactions.
	Payment bool
}

// Known reports whether id (a message identifier such as "pacs.008.001.08")
// has a typed model.
func Known(id string) bool {
	for i := range Definitions {
		if Definitions[i].ID == id {
			return true
		}
	}
	return false
}

// NamespacePrefix is the ISO 20022 XML namespace prefix of message definitions.
const NamespacePrefix = "urn:iso:std:iso:20022:tech:xsd:"

// Message is one decoded MX message: the business application header (if
// any) and the business document.
type Message struct {
	Documents
	// Raw is the input the message was decoded from.
	Raw []byte
	// ID is the message identifier of the Document namespace
	// ("pacs.008.001.08"); empty when there is no Document.
	ID string
	// Namespace is the Document namespace as written.
	Namespace string
	// DocPos is where the Document element starts.
	DocPos Pos
	// Element is the message element under Document ("FIToFICstmrCdtTrf").
	Element string
	// AppHdrNamespace is the namespace of the AppHdr, if any.
	AppHdrNamespace string

	walked  bool
	nTexts  int // simple elements the decoder read: sizes the leaf list
	nStarts int // start tags the decoder read: sizes the frame list
	leaves  []Leaf
	frames  []frame
	arena   *arena // optional elements and roots (see Recycle)
	pooled  bool   // in msgPool: Recycle was called
	paths   []byte // the XPaths LeafPath built, see Leaf.path
}

// Line returns the 1-based line of position p in the input, 0 if p is 0.
func (m *Message) Line(p Pos) int {
	if p <= 0 || int(p) > len(m.Raw)+1 {
		return 0
	}
	return bytes.Count(m.Raw[:p-1], []byte{'\n'}) + 1
}

// Loc returns the engine location of an element at path (an XPath such as
// /Document/FIToFICstmrCdtTrf/GrpHdr/MsgId) starting at p.
func (m *Message) Loc(path string, p Pos) engine.Location {
	return engine.Location{Path: path, Line: m.Line(p)}
}

// DocPath returns the XPath of the message element: "/Document/" + Element.
func (m *Message) DocPath() string { return "/Document/" + m.Element }

// Errors returned by Decode.
var (
	// ErrNoDocument: neither an AppHdr nor a Document element was found.
	ErrNoDocument = errors.New("typed: no AppHdr or Document element")
	// ErrTruncated: the input ends inside an element.
	ErrTruncated = errors.New("typed: input ends inside an element")
)

// maxDepth bounds element nesting while searching for AppHdr and Document:
// ISO 20022 messages nest about 12 levels; wrappers add a few.
const maxDepth = 64

// Decode decodes raw (a Document, an AppHdr, or both under any wrapper
// element, or AppHdr followed by Document) into a Message. A Document of a
// message definition without a typed model gives a Message with ID set and
// no document field. It returns an error only when nothing could be decoded;
// a truncated input returns what was decoded with ErrTruncated.
func Decode(raw []byte) (*Message, error) {
	m := newMessage()
	m.Raw = raw
	d := decoder{b: raw, a: m.arena}
	var stack [maxDepth]token
	depth := 0
	found := false
	for {
		var t token
		k := d.next(&t)
		if k == kEOF {
			break
		}
		if k == kEnd {
			if depth > 0 {
				depth--
			}
			continue
		}
		switch string(t.name) {
		case "AppHdr":
			if m.AppHdr == nil {
				m.AppHdrNamespace = d.namespace(&t, stack[:depth])
				found = true
				// Other head.001 versions are decoded leniently with the
				// head.001.001.02 model (the fields rules use have the same
				// names); AppHdrNamespace tells them apart.
				d.decodeAppHdr(&m.Documents, &t)
				continue
			}
		case "Document":
			if m.DocPos == 0 {
				found = true
				m.DocPos = t.pos
				m.Namespace = d.namespace(&t, stack[:depth])
				m.ID = strings.TrimPrefix(m.Namespace, NamespacePrefix)
				if !t.empty && d.decodeDocument(m.ID, &m.Documents, &t) {
					m.Element = elementOf(m)
				} else {
					d.skip(&t)
				}
				continue
			}
		}
		if !t.empty {
			if depth == maxDepth {
				d.skip(&t)
				continue
			}
			stack[depth] = t
			depth++
		}
	}
	if !found {
		m.Recycle()
		return nil, ErrNoDocument
	}
	m.nTexts, m.nStarts = d.texts, d.starts
	if d.err != nil {
		return m, d.err
	}
	return m, nil
}

func elementOf(m *Message) string {
	for i := range Definitions {
		if Definitions[i].ID == m.ID {
			return Definitions[i].Element
		}
	}
	return ""
}

// Token kinds.
const (
	kEOF = iota
	kStart
	kEnd
)

// token is a start tag.
type token struct {
	name   []byte // local name
	prefix []byte
	attrs  []byte // raw attribute text
	pos    Pos
	empty  bool // <x/>
}

// decoder reads markup from b. It never panics: every index is checked.
type decoder struct {
	a      *arena // where optional elements are allocated
	b      []byte // the input
	i      int
	err    error
	texts  int // textOf calls: an upper bound of the leaves
	starts int // start tags read: an upper bound of the walker frames
	// sc, when set, is the scanner whose tokens the decoder reads instead
	// of scanning b itself (see stream.go), check the schema session that
	// gets each of them too; tok is the last token, swallow says the next
	// one is the end tag of an empty element.
	sc      *xmlscan.Scanner
	check   *xsd.Session
	tok     *xmlscan.Token
	swallow bool
}

// next reads the next start or end tag, skipping text, comments, CDATA,
// processing instructions and declarations.
func (d *decoder) next(t *token) int {
	if d.sc != nil {
		return d.nextStream(t)
	}
	b := d.b
	for {
		if i := skipIndent(b, d.i); i < len(b) && b[i] == '<' {
			d.i = i
		} else {
			j := bytes.IndexByte(b[d.i:], '<')
			if j < 0 {
				d.i = len(b)
				return kEOF
			}
			d.i += j
		}
		if d.i+1 >= len(b) {
			d.i = len(b)
			return kEOF
		}
		switch b[d.i+1] {
		case '?':
			d.skipPast("?>")
		case '!':
			switch {
			case bytes.HasPrefix(b[d.i:], []byte("<!--")):
				d.skipPast("-->")
			case bytes.HasPrefix(b[d.i:], []byte("<![CDATA[")):
				d.skipPast("]]>")
			default:
				d.skipGT()
			}
		case '/':
			d.skipGT()
			return kEnd
		default:
			return d.start(t)
		}
	}
}

// spaces8 is eight ' ' bytes read as one little-endian word.
const spaces8 = 0x2020202020202020

// skipIndent returns the index after a line break and the spaces that
// indent the next line, starting at i (i itself when b[i] is no line
// break): the usual run between two tags of an indented message (spaces
// or tabs), where this beats searching for the next '<'.
func skipIndent(b []byte, i int) int {
	if i < 0 || i >= len(b) || b[i] != '\n' {
		return i
	}
	i++
	for i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:]) == spaces8 {
		i += 8
	}
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}

// skipGT moves past the next '>' (the end of an end tag), or to the end.
func (d *decoder) skipGT() {
	k := bytes.IndexByte(d.b[d.i:], '>')
	if k < 0 {
		d.i = len(d.b)
		return
	}
	d.i += k + 1
}

// skipEnd moves past the end tag at d.i (d.b[d.i:] starts with "</"),
// without a search when it is exactly the qualified name of t followed by
// '>' (the usual case: a name holds no '>', so that is the first one);
// otherwise as skipGT.
func (d *decoder) skipEnd(t *token) {
	b := d.b
	q := len(t.name)
	if len(t.prefix) > 0 {
		q += len(t.prefix) + 1
	}
	s, e := int(t.pos), d.i+2+q
	if s >= 0 && s+q <= len(b) && e < len(b) && b[e] == '>' && string(b[d.i+2:e]) == string(b[s:s+q]) {
		d.i = e + 1
		return
	}
	d.skipGT()
}

func (d *decoder) skipPast(s string) {
	k := bytes.Index(d.b[d.i:], []byte(s))
	if k < 0 {
		d.i = len(d.b)
		return
	}
	d.i += k + len(s)
}

// start parses a start tag at d.i (d.b[d.i] == '<').
func (d *decoder) start(t *token) int {
	b := d.b
	d.starts++
	*t = token{pos: Pos(d.i + 1)}
	i := d.i + 1
	n := i
	for n < len(b) && !nameStop[b[n]] {
		n++
	}
	name := b[i:n]
	if c := bytes.IndexByte(name, ':'); c >= 0 {
		t.prefix, t.name = name[:c], name[c+1:]
	} else {
		t.name = name
	}
	a := n
	var q byte
	for n < len(b) {
		c := b[n]
		if q != 0 {
			if c == q {
				q = 0
			}
		} else if c == '"' || c == '\'' {
			q = c
		} else if c == '>' {
			break
		}
		n++
	}
	if n >= len(b) {
		d.i = len(b)
		d.err = ErrTruncated
		t.attrs = b[a:n]
		t.empty = true
		return kStart
	}
	t.attrs = b[a:n]
	if n > a && b[n-1] == '/' {
		t.empty = true
		t.attrs = b[a : n-1]
	}
	d.i = n + 1
	return kStart
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// nameStop marks the bytes that end a tag name: whitespace, '/' and '>'.
var nameStop = [256]bool{' ': true, '\n': true, '\r': true, '\t': true, '/': true, '>': true}

// child reads the next child start tag of the current element into c. It
// returns false at the current element's end tag or at the end of input.
func (d *decoder) child(c *token) bool {
	if d.sc != nil {
		return d.childStream(c)
	}
	switch d.next(c) {
	case kStart:
		return true
	case kEOF:
		if d.err == nil {
			d.err = ErrTruncated
		}
	}
	return false
}

// skip skips the content and end tag of the element started by t.
func (d *decoder) skip(t *token) {
	if t.empty {
		return
	}
	depth := 1
	var c token
	for depth > 0 {
		switch d.next(&c) {
		case kStart:
			if !c.empty {
				depth++
			}
		case kEnd:
			depth--
		case kEOF:
			if d.err == nil {
				d.err = ErrTruncated
			}
			return
		}
	}
}

// text reads a simple element's value.
func (d *decoder) text(t *token) Text { return Text{Value: d.textOf(t), Pos: t.pos} }

// textOf reads the character data of the element started by t up to its end
// tag. Child elements (not allowed by the schema) are skipped.
func (d *decoder) textOf(t *token) string {
	if d.sc != nil {
		return d.textStream(t)
	}
	d.texts++
	if t.empty {
		return ""
	}
	b := d.b
	// Fast path: plain text followed directly by the end tag.
	j := bytes.IndexByte(b[d.i:], '<')
	if j < 0 {
		d.i, d.err = len(b), ErrTruncated
		return ""
	}
	if e := d.i + j; e+1 < len(b) && b[e+1] == '/' {
		seg := b[d.i:e]
		d.i = e
		d.skipEnd(t)
		if bytes.IndexByte(seg, '&') < 0 {
			return alias(seg)
		}
		return string(unescape(nil, seg))
	}
	// Slow path: CDATA, comments, stray children.
	var buf []byte
	for {
		j := bytes.IndexByte(b[d.i:], '<')
		if j < 0 {
			d.i, d.err = len(b), ErrTruncated
			return string(buf)
		}
		buf = unescape(buf, b[d.i:d.i+j])
		d.i += j
		switch {
		case bytes.HasPrefix(b[d.i:], []byte("<![CDATA[")):
			s := d.i + 9
			d.skipPast("]]>")
			e := d.i - 3
			if e < s {
				e = s
			}
			if s <= len(b) && e <= len(b) {
				buf = append(buf, b[s:e]...)
			}
		case bytes.HasPrefix(b[d.i:], []byte("<!--")):
			d.skipPast("-->")
		case bytes.HasPrefix(b[d.i:], []byte("<?")):
			d.skipPast("?>")
		case bytes.HasPrefix(b[d.i:], []byte("<!")):
			d.skipGT()
		case d.i+1 < len(b) && b[d.i+1] == '/':
			d.skipGT()
			return string(buf)
		default:
			var c token
			d.start(&c)
			d.skip(&c)
		}
	}
}

func alias(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// attr returns the unescaped value of the attribute with that local name, or "".
func (d *decoder) attr(t *token, name string) string {
	if d.sc != nil {
		return d.attrStream(t, name)
	}
	v, _ := attrValue(t.attrs, name, false)
	return v
}

// attrValue scans raw attribute text for name (exact, prefix included when
// exact is true, else local name) and returns its unescaped value.
func attrValue(a []byte, name string, exact bool) (string, bool) {
	i := 0
	for i < len(a) {
		for i < len(a) && isSpace(a[i]) {
			i++
		}
		s := i
		for i < len(a) && a[i] != '=' && !isSpace(a[i]) {
			i++
		}
		n := a[s:i]
		for i < len(a) && (isSpace(a[i]) || a[i] == '=') {
			i++
		}
		if i >= len(a) || (a[i] != '"' && a[i] != '\'') {
			return "", false
		}
		q := a[i]
		i++
		vs := i
		for i < len(a) && a[i] != q {
			i++
		}
		v := a[vs:i]
		i++
		ln := n
		if !exact {
			if c := bytes.IndexByte(n, ':'); c >= 0 {
				ln = n[c+1:]
			}
		}
		if string(ln) == name {
			if bytes.IndexByte(v, '&') < 0 {
				return alias(v), true
			}
			return string(unescape(nil, v)), true
		}
	}
	return "", false
}

// namespace resolves the namespace of t's prefix from t's attributes, then
// from the ancestors' (innermost first).
func (d *decoder) namespace(t *token, ancestors []token) string {
	name := "xmlns"
	if len(t.prefix) > 0 {
		name = "xmlns:" + string(t.prefix)
	}
	if v, ok := attrValue(t.attrs, name, true); ok {
		return v
	}
	for i := len(ancestors) - 1; i >= 0; i-- {
		if v, ok := attrValue(ancestors[i].attrs, name, true); ok {
			return v
		}
	}
	return ""
}

// unescape appends s to dst with the five XML entities and character
// references replaced. Unknown references are kept as written.
func unescape(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		e := bytes.IndexByte(s, ';')
		if e < 0 || e > 12 {
			dst = append(dst, '&')
			s = s[1:]
			continue
		}
		ent := string(s[1:e])
		switch ent {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			r, ok := charRef(ent)
			if !ok {
				dst = append(dst, s[:e+1]...)
			} else {
				dst = utf8.AppendRune(dst, r)
			}
		}
		s = s[e+1:]
	}
}

func charRef(ent string) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if ent[1] == 'x' {
		n, err = strconv.ParseUint(ent[2:], 16, 32)
	} else {
		n, err = strconv.ParseUint(ent[1:], 10, 32)
	}
	if err != nil || n > utf8.MaxRune {
		return 0, false
	}
	return rune(n), true
}

// Carrier is implemented by format message bodies that hold a typed message
// (the MX format's body), so rules can reach it without importing the format.
type Carrier interface {
	// TypedMessage returns the typed message, or nil when the message
	// definition has no typed model.
	TypedMessage() *Message
}

// TypedMessage implements Carrier.
func (m *Message) TypedMessage() *Message { return m }

// Variant returns the CBPR+ usage variant the AppHdr BizSvc names: "STP"
// (swift.cbprplus.stp.NN, pacs.008 STP), "COV" or "ADV" (pacs.009 cover and
// advice), or "" for the core usage or without an AppHdr. pacs.009 COV and
// ADV share the pacs.009.001.08 schema; only BizSvc tells them apart
// (SWIFT CBPR+ training deck BizSvc table; see mx-facts.md).
func (m *Message) Variant() string {
	if m.AppHdr == nil {
		return ""
	}
	s := strings.TrimSpace(m.AppHdr.BizSvc.Value)
	for _, v := range [...]string{"stp", "cov", "adv"} {
		if strings.Contains(s, "."+v+".") {
			return strings.ToUpper(v)
		}
	}
	return ""
}
