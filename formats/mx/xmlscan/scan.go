// Package xmlscan is a fast, allocation-light streaming XML tokenizer for
// ISO 20022 messages.
//
// It reads a complete document held in memory and returns one token at a
// time: start tags (with namespace-resolved names and attributes), end tags
// and character data, each with the 1-based line of its first byte. It
// checks well-formedness as it goes (matching tags, quoted and unique
// attributes, valid references, one root element) and enforces:
//
//   - UTF-8 only: a UTF-8 byte-order mark is skipped; UTF-16 input, another
//     declared encoding, invalid UTF-8 and characters outside the XML Char
//     production are refused.
//   - No DTD: a DOCTYPE declaration is refused and never read, so no entity
//     is ever expanded and nothing external is fetched; a reference to any
//     entity other than the five predefined ones is refused.
//   - Limits on input size, nesting depth, element count and attributes per
//     element (see Limits).
//
// Slices in a token (names, values, text) point into the input or into the
// scanner's scratch buffer and are valid only until the next call to Next.
// A Scanner is not safe for concurrent use; reuse one with Reset to avoid
// allocation.
package xmlscan

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/swiftval/swiftval/engine"
)

// Kind is the kind of a token.
type Kind uint8

// Token kinds.
const (
	// StartElement is a start tag or an empty-element tag (followed at once
	// by its EndElement).
	StartElement Kind = iota + 1
	// EndElement is an end tag.
	EndElement
	// Text is character data: text, CDATA sections and references between
	// two tags, merged and decoded (comments and processing instructions in
	// between are dropped). Whitespace-only text before a start tag or
	// between two end tags is not reported.
	Text
)

// Name is an element or attribute name.
type Name struct {
	// Space is the namespace URI the prefix resolves to; empty for none (an
	// unprefixed attribute, or an element outside any default namespace).
	Space []byte
	// Prefix is the prefix as written; empty when none.
	Prefix []byte
	// Local is the local part of the name.
	Local []byte
}

// Attr is an attribute of a start tag. Namespace declarations (xmlns,
// xmlns:p) are consumed by the scanner and not reported.
type Attr struct {
	Name Name
	// Value is the normalised, decoded value.
	Value []byte
}

// Token is one token. Only the fields of its Kind are set: Name and
// Attrs of a Text token, Text and Attrs of an EndElement, are stale.
type Token struct {
	Kind Kind
	// Name is the element name (StartElement, EndElement).
	Name Name
	// Attrs are the attributes of a StartElement.
	Attrs []Attr
	// Text is the decoded character data of a Text token.
	Text []byte
	// Offset is the byte offset of the token's first byte in the input
	// (a byte-order mark counts). Scanner.Line(Offset) gives its 1-based
	// line: lines are counted only on demand, which keeps the scan fast.
	Offset int
	// End is the byte offset just past the token (past '>' of a tag).
	End int
	// Depth is the element's depth: 1 for the root element. For Text it is
	// the depth of the enclosing element.
	Depth int
	// SelfClosing is true for an empty-element tag (<a/>): its StartElement
	// and EndElement share Offset and End.
	SelfClosing bool
	// CDATA is true for a Text token that includes a CDATA section.
	CDATA bool
}

// Limits bound the resources a document may use. Zero fields take the
// defaults.
type Limits struct {
	// MaxInput is the largest input in bytes. Default 16 MiB: a CBPR+
	// message is capped at a few hundred KB and the engine itself stops at
	// 1 MiB per message; the largest legitimate ISO 20022 documents (camt.053
	// statements with thousands of entries) stay within a few MB.
	MaxInput int
	// MaxDepth is the deepest element nesting. Default 64: the deepest ISO
	// 20022 paths (Document/…/RmtInf/Strd/RfrdDocInf/LineDtls/Amt/…) nest
	// about 15 levels, envelopes add 2-3; 64 leaves a wide margin while
	// bounding the work per open element.
	MaxDepth int
	// MaxElements is the largest number of elements. Default 1 000 000: a
	// 16 MiB statement at ~30 bytes per element holds about 500 000.
	MaxElements int
	// MaxAttrs is the most attributes (namespace declarations included) on
	// one element. Default 64: ISO 20022 elements carry at most one (Ccy)
	// plus a few namespace declarations; the duplicate check is quadratic.
	MaxAttrs int
}

// Default limits, explained on the fields of Limits.
const (
	DefaultMaxInput    = 16 << 20
	DefaultMaxDepth    = 64
	DefaultMaxElements = 1_000_000
	DefaultMaxAttrs    = 64
)

func (l Limits) withDefaults() Limits {
	if l.MaxInput <= 0 {
		l.MaxInput = DefaultMaxInput
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxElements <= 0 {
		l.MaxElements = DefaultMaxElements
	}
	if l.MaxAttrs <= 0 {
		l.MaxAttrs = DefaultMaxAttrs
	}
	return l
}

// ErrorKind classifies a scan error.
type ErrorKind uint8

// Error kinds.
const (
	// ErrSyntax: the input is not well-formed XML.
	ErrSyntax ErrorKind = iota + 1
	// ErrDoctype: a DOCTYPE declaration was found (refused, never read).
	ErrDoctype
	// ErrEntity: a reference to an entity other than the five predefined
	// ones (refused, never expanded).
	ErrEntity
	// ErrEncoding: the input is not UTF-8 (UTF-16 BOM, other declared
	// encoding).
	ErrEncoding
	// ErrUTF8: invalid UTF-8, or a character XML does not allow.
	ErrUTF8
	// ErrNamespace: an undeclared prefix or a bad namespace declaration.
	ErrNamespace
	// ErrDepth: nesting deeper than Limits.MaxDepth.
	ErrDepth
	// ErrElements: more elements than Limits.MaxElements.
	ErrElements
	// ErrSize: input larger than Limits.MaxInput.
	ErrSize
	// ErrAttrs: more attributes than Limits.MaxAttrs on one element.
	ErrAttrs
)

var kindNames = [...]string{"", "syntax", "doctype", "entity", "encoding", "utf8", "namespace", "depth", "elements", "size", "attrs"}

// String names the kind.
func (k ErrorKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Error is a scan error with its location. It never quotes more than a few
// characters of the input.
type Error struct {
	Kind   ErrorKind
	Line   int
	Offset int
	// Column is the 1-based column (in characters) of the offending
	// character for ErrUTF8; 0 otherwise.
	Column int
	Msg    string
}

// column returns the 1-based column, in characters, of offset off of d.
func column(d []byte, off int) int {
	start := bytes.LastIndexByte(d[:off], '\n') + 1
	return utf8.RuneCount(d[start:off]) + 1
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

type nsBinding struct {
	prefix, uri []byte
	depth       int
}

// openElem holds no pointers (offsets only): pushing and popping it costs
// no GC write barriers.
//
// Read it through a pointer, field by field (top := &s.stack[n-1]), never
// as a copy (top := s.stack[n-1]): startTag writes it with 4-byte stores,
// and in a bare scan the end tag comes a few dozen instructions later,
// while those stores are still in flight. A copy is done with two
// overlapping 16-byte loads that cannot be forwarded from the narrower
// stores and wait for them to retire; 4-byte loads of single fields are
// forwarded.
type openElem struct {
	start, end int32 // raw qualified name in the input
	colon      int32 // offset of the prefix colon; -1 for none
	nsMark     int32 // len(ns) when opened
	space      int32 // index of the namespace binding in ns; -1 none, -2 xml
}

var (
	xmlPrefix   = []byte("xml")
	xmlnsPrefix = []byte("xmlns")
	xmlNS       = []byte("http://www.w3.org/XML/1998/namespace")
)

// Scanner tokenizes one document. Create it with NewScanner; reuse it with
// Reset.
type Scanner struct {
	lim   Limits
	data  []byte
	pos   int
	line  int // line at lpos
	lpos  int
	err   *Error
	stack []openElem
	ns    []nsBinding
	attrs []Attr
	buf   []byte // scratch for decoded text and attribute values
	tok   Token
	ttok  Token // the Text token of LeafText
	elems int
	root  bool // root element seen
	done  bool // root element closed
	// pendingEnd: the last token was a self-closing start tag; its end
	// comes next.
	pendingEnd bool
	started    bool
}

// NewScanner returns a scanner over data with the given limits (zero fields
// take the defaults).
func NewScanner(data []byte, lim Limits) *Scanner {
	s := &Scanner{lim: lim.withDefaults()}
	s.Reset(data)
	return s
}

// Wipe drops every reference to the input and zeroes the scanner's
// buffers (kept for reuse), so a pooled scanner keeps no payment data.
func (s *Scanner) Wipe() {
	s.Reset(nil)
	clear(s.buf[:cap(s.buf)])
	clear(s.attrs[:cap(s.attrs)])
	clear(s.ns[:cap(s.ns)])
	s.tok, s.ttok = Token{}, Token{}
}

// Reset makes s scan data from the start, keeping its buffers.
func (s *Scanner) Reset(data []byte) {
	s.data, s.pos, s.line, s.lpos, s.err = data, 0, 1, 0, nil
	s.stack = s.stack[:0]
	s.ns = s.ns[:0]
	s.attrs = s.attrs[:0]
	s.buf = s.buf[:0]
	s.elems, s.root, s.done, s.pendingEnd, s.started = 0, false, false, false, false
}

// SetLimits changes the limits (zero fields take the defaults); call it
// before the first Next.
func (s *Scanner) SetLimits(lim Limits) { s.lim = lim.withDefaults() }

// Line returns the 1-based line of byte offset off. It is cheapest when
// offsets are asked in increasing order (it counts from the last one asked).
func (s *Scanner) Line(off int) int { return s.lineAt(off) }

func (s *Scanner) lineAt(off int) int {
	if off > len(s.data) {
		off = len(s.data)
	}
	if off < s.lpos {
		return s.line - bytes.Count(s.data[off:s.lpos], nl)
	}
	s.line += bytes.Count(s.data[s.lpos:off], nl)
	s.lpos = off
	return s.line
}

var nl = []byte{'\n'}

func (s *Scanner) fail(kind ErrorKind, off int, format string, args ...any) (*Token, error) {
	if off > len(s.data) {
		off = len(s.data)
	}
	s.err = &Error{Kind: kind, Line: s.lineAt(off), Offset: off, Msg: fmt.Sprintf(format, args...)}
	return nil, s.err
}

// Depth returns the number of open elements.
func (s *Scanner) Depth() int { return len(s.stack) }

// Next returns the next token, or io.EOF after the root element has closed
// and only whitespace, comments and processing instructions follow. On a
// scan error it returns a *Error, and the same error on every later call.
// The token and its slices are valid until the next call.
func (s *Scanner) Next() (*Token, error) {
	if s.err != nil {
		return nil, s.err
	}
	if !s.started {
		if err := s.start(); err != nil {
			return nil, err
		}
	}
	if s.pendingEnd {
		s.pendingEnd = false
		return s.popEnd(s.tok.Offset, s.tok.End)
	}
	for {
		if s.pos >= len(s.data) {
			if s.done {
				return nil, io.EOF
			}
			if !s.root {
				return s.fail(ErrSyntax, s.pos, "no root element")
			}
			top := s.stack[len(s.stack)-1]
			return s.fail(ErrSyntax, s.pos, "unexpected end of input: element <%s> is not closed", clip(s.data[top.start:top.end]))
		}
		c := s.data[s.pos]
		if c != '<' {
			if len(s.stack) > 0 && isSpace(c) {
				// Whitespace between tags in element content (before a
				// start tag, or between two end tags) is not reported: it
				// is half the tokens of an indented message and means
				// nothing to a schema. Whitespace that is an element's
				// whole content (<A> </A>) is reported.
				d := s.data
				i := s.pos + 1
				for i < len(d) && isSpace(d[i]) {
					i++
				}
				if i+1 < len(d) && d[i] == '<' && (isNameStart(d[i+1]) || d[i+1] == '/' && s.tok.Kind == EndElement) {
					s.pos = i
					continue
				}
			}
			if len(s.stack) == 0 {
				// Outside the root: only whitespace.
				i := s.pos
				for i < len(s.data) && isSpace(s.data[i]) {
					i++
				}
				if i == s.pos {
					if s.done {
						return s.fail(ErrSyntax, s.pos, "content after the root element")
					}
					return s.fail(ErrSyntax, s.pos, "text before the root element")
				}
				s.pos = i
				continue
			}
			return s.text()
		}
		if s.pos+1 >= len(s.data) {
			return s.fail(ErrSyntax, s.pos, "unexpected end of input after '<'")
		}
		switch s.data[s.pos+1] {
		case '/':
			return s.endTag()
		case '?':
			if err := s.skipPI(); err != nil {
				return nil, err
			}
		case '!':
			if len(s.stack) > 0 && bytes.HasPrefix(s.data[s.pos:], cdataOpen) {
				return s.text()
			}
			if err := s.skipBang(); err != nil {
				return nil, err
			}
		default:
			return s.startTag()
		}
	}
}

var (
	cdataOpen  = []byte("<![CDATA[")
	cdataClose = []byte("]]>")
	commOpen   = []byte("<!--")
	commClose  = []byte("-->")
	piClose    = []byte("?>")
	doctype    = []byte("<!DOCTYPE")
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
)

// start checks the size, encoding and characters of the whole input and
// reads the XML declaration.
func (s *Scanner) start() error {
	s.started = true
	d := s.data
	if len(d) > s.lim.MaxInput {
		_, err := s.fail(ErrSize, 0, "input is %d bytes, above the limit of %d", len(d), s.lim.MaxInput)
		return err
	}
	if len(d) >= 2 && (d[0] == 0xFE && d[1] == 0xFF || d[0] == 0xFF && d[1] == 0xFE) {
		_, err := s.fail(ErrEncoding, 0, "UTF-16 input is not supported: ISO 20022 messages are UTF-8")
		return err
	}
	if bytes.HasPrefix(d, bomUTF8) {
		s.pos = 3
	}
	if off, ok := checkChars(d[s.pos:]); !ok {
		off += s.pos
		col := column(d, off)
		if r, _ := utf8.DecodeRune(d[off:]); r == utf8.RuneError {
			_, err := s.fail(ErrUTF8, off, "byte 0x%02X at line %d, column %d (byte offset %d) is not UTF-8: ISO 20022 messages are UTF-8 (was the file saved as Latin-1 or Windows-1252?)", d[off], s.lineAt(off), col, off)
			s.err.Column = col
			return err
		}
		r, _ := utf8.DecodeRune(d[off:])
		_, err := s.fail(ErrUTF8, off, "%s at line %d, column %d is not allowed in XML", engine.RuneName(r), s.lineAt(off), col)
		s.err.Column = col
		return err
	}
	if bytes.HasPrefix(d[s.pos:], []byte("<?xml")) && s.pos+5 < len(d) && isSpace(d[s.pos+5]) {
		end := bytes.Index(d[s.pos:], piClose)
		if end < 0 {
			_, err := s.fail(ErrSyntax, s.pos, "unterminated XML declaration")
			return err
		}
		decl := d[s.pos+5 : s.pos+end]
		if i := bytes.Index(decl, []byte("encoding")); i >= 0 {
			v := attrLike(decl[i+8:])
			if !(equalFold(v, "UTF-8") || equalFold(v, "UTF8") || equalFold(v, "US-ASCII")) {
				_, err := s.fail(ErrEncoding, s.pos, "declared encoding %.20q is not supported: ISO 20022 messages are UTF-8", v)
				return err
			}
		}
		s.pos += end + 2
	}
	return nil
}

// attrLike reads the quoted value after `= ` in a declaration.
func attrLike(b []byte) []byte {
	i := 0
	for i < len(b) && (isSpace(b[i]) || b[i] == '=') {
		i++
	}
	if i >= len(b) || (b[i] != '"' && b[i] != '\'') {
		return nil
	}
	q := b[i]
	j := bytes.IndexByte(b[i+1:], q)
	if j < 0 {
		return nil
	}
	return b[i+1 : i+1+j]
}

func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// checkChars reports the offset of the first byte that is invalid UTF-8 or
// not an XML Char (XML 1.0 §2.2).
func checkChars(d []byte) (int, bool) {
	i := 0
	for i < len(d) {
		// Fast path: eight ASCII bytes at a time, none below 0x20 (a word
		// holding a tab or line break goes the byte-by-byte way).
		for i+8 <= len(d) {
			w := binary.LittleEndian.Uint64(d[i:])
			if w&0x8080808080808080 != 0 || (w-0x2020202020202020)&^w&0x8080808080808080 != 0 {
				break
			}
			i += 8
		}
		if i+8 <= len(d) {
			// Eight table lookups OR-ed, one branch: tabs and line breaks
			// are allowed (class 0).
			b := d[i : i+8 : i+8]
			if charClass[b[0]]|charClass[b[1]]|charClass[b[2]]|charClass[b[3]]|charClass[b[4]]|charClass[b[5]]|charClass[b[6]]|charClass[b[7]] == 0 {
				i += 8
				continue
			}
		}
		end := min(i+8, len(d))
		for i < end {
			c := d[i]
			if charClass[c] == 0 {
				i++
				continue
			}
			if c < utf8.RuneSelf {
				return i, false
			}
			r, n := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && n == 1 || r == 0xFFFE || r == 0xFFFF {
				return i, false
			}
			i += n
		}
	}
	return 0, true
}

// charClass: 0 for an allowed ASCII byte, 1 for a forbidden control byte,
// 2 for a non-ASCII byte (decoded and checked as UTF-8).
var charClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = 2
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			t[c] = 1
		}
	}
	return
}()

// textStop marks the bytes that end a run of plain text.
var textStop = func() (t [256]bool) {
	t['<'], t['&'], t['\r'], t[']'] = true, true, true, true
	return
}()

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// nameClass: 1 for a byte that may start a name (ASCII letter, '_', any
// non-ASCII byte: multi-byte characters are checked as UTF-8 up front),
// 2 for one that may only continue it (digit, '-', '.').
var nameClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_', c >= 0x80:
			t[c] = 1
		case '0' <= c && c <= '9', c == '-', c == '.':
			t[c] = 2
		}
	}
	return
}()

func isNameStart(c byte) bool { return nameClass[c] == 1 }

func isNameChar(c byte) bool { return nameClass[c] != 0 }

// readName reads a QName at s.pos: prefix (may be empty) and local part.
func (s *Scanner) readName() (prefix, local []byte, ok bool) {
	d := s.data
	i := s.pos
	if i >= len(d) || !isNameStart(d[i]) {
		return nil, nil, false
	}
	start := i
	colon := -1
	for i < len(d) {
		c := d[i]
		if nameClass[c] != 0 {
			i++
			continue
		}
		if c == ':' {
			if colon >= 0 {
				return nil, nil, false
			}
			colon = i
			i++
			if i >= len(d) || !isNameStart(d[i]) {
				return nil, nil, false
			}
			continue
		}
		break
	}
	s.pos = i
	if colon >= 0 {
		return d[start:colon], d[colon+1 : i], true
	}
	return nil, d[start:i], true
}

func (s *Scanner) skipSpace() {
	for s.pos < len(s.data) && isSpace(s.data[s.pos]) {
		s.pos++
	}
}

func (s *Scanner) startTag() (*Token, error) {
	d := s.data
	open := s.pos
	if s.done {
		return s.fail(ErrSyntax, open, "content after the root element")
	}
	if len(s.stack) >= s.lim.MaxDepth {
		return s.fail(ErrDepth, open, "elements nest deeper than the limit of %d", s.lim.MaxDepth)
	}
	s.elems++
	if s.elems > s.lim.MaxElements {
		return s.fail(ErrElements, open, "more than %d elements", s.lim.MaxElements)
	}
	s.pos++
	nameStart := s.pos
	prefix, local, ok := s.readName()
	if !ok {
		return s.fail(ErrSyntax, open, "invalid element name")
	}
	nameEnd := s.pos
	nsMark := len(s.ns)
	depth := len(s.stack) + 1
	s.attrs = s.attrs[:0]
	s.buf = s.buf[:0]
	selfClosing := false
	nattrs := 0
	for {
		hadSpace := s.pos < len(d) && isSpace(d[s.pos])
		s.skipSpace()
		if s.pos >= len(d) {
			return s.fail(ErrSyntax, open, "unterminated start tag <%s", clip(d[nameStart:nameEnd]))
		}
		c := d[s.pos]
		if c == '>' {
			s.pos++
			break
		}
		if c == '/' {
			if s.pos+1 < len(d) && d[s.pos+1] == '>' {
				s.pos += 2
				selfClosing = true
				break
			}
			return s.fail(ErrSyntax, s.pos, "expected '>' after '/' in tag <%s", clip(d[nameStart:nameEnd]))
		}
		if !hadSpace {
			return s.fail(ErrSyntax, s.pos, "expected whitespace before an attribute in tag <%s", clip(d[nameStart:nameEnd]))
		}
		nattrs++
		if nattrs > s.lim.MaxAttrs {
			return s.fail(ErrAttrs, s.pos, "more than %d attributes on one element", s.lim.MaxAttrs)
		}
		aoff := s.pos
		ap, al, ok := s.readName()
		if !ok {
			return s.fail(ErrSyntax, aoff, "invalid attribute name in tag <%s", clip(d[nameStart:nameEnd]))
		}
		s.skipSpace()
		if s.pos >= len(d) || d[s.pos] != '=' {
			return s.fail(ErrSyntax, s.pos, "expected '=' after attribute %s", clip(d[aoff:s.pos]))
		}
		s.pos++
		s.skipSpace()
		if s.pos >= len(d) || (d[s.pos] != '"' && d[s.pos] != '\'') {
			return s.fail(ErrSyntax, s.pos, "attribute value must be quoted")
		}
		q := d[s.pos]
		vs := s.pos + 1
		ve := bytes.IndexByte(d[vs:], q)
		if ve < 0 {
			return s.fail(ErrSyntax, aoff, "unterminated attribute value")
		}
		ve += vs
		raw := d[vs:ve]
		s.pos = ve + 1
		if bytes.IndexByte(raw, '<') >= 0 {
			return s.fail(ErrSyntax, vs+bytes.IndexByte(raw, '<'), "'<' is not allowed in an attribute value")
		}
		val, err := s.attrValue(raw, vs)
		if err != nil {
			return nil, err
		}
		// Namespace declarations.
		if (len(ap) == 0 && bytes.Equal(al, xmlnsPrefix) || bytes.Equal(ap, xmlnsPrefix)) && len(val) > 0 && &val[0] != &raw[0] {
			val = append([]byte(nil), val...) // decoded into s.buf, which is reused
		}
		if len(ap) == 0 && bytes.Equal(al, xmlnsPrefix) {
			s.ns = append(s.ns, nsBinding{prefix: nil, uri: val, depth: depth})
			continue
		}
		if bytes.Equal(ap, xmlnsPrefix) {
			if len(val) == 0 {
				return s.fail(ErrNamespace, aoff, "namespace prefix %s cannot be undeclared in XML 1.0", clip(al))
			}
			if bytes.Equal(al, xmlnsPrefix) || (bytes.Equal(al, xmlPrefix) && !bytes.Equal(val, xmlNS)) {
				return s.fail(ErrNamespace, aoff, "prefix %s cannot be declared", clip(al))
			}
			s.ns = append(s.ns, nsBinding{prefix: al, uri: val, depth: depth})
			continue
		}
		s.attrs = append(s.attrs, Attr{Name: Name{Prefix: ap, Local: al}, Value: val})
	}
	// Duplicate namespace declarations.
	for i := nsMark; i < len(s.ns); i++ {
		for j := i + 1; j < len(s.ns); j++ {
			if bytes.Equal(s.ns[i].prefix, s.ns[j].prefix) {
				return s.fail(ErrSyntax, open, "duplicate namespace declaration in tag <%s>", clip(d[nameStart:nameEnd]))
			}
		}
	}
	// Resolve attribute names, check duplicates, fix lines.
	for i := range s.attrs {
		a := &s.attrs[i]
		if len(a.Name.Prefix) > 0 {
			u, ok := s.resolve(a.Name.Prefix)
			if !ok {
				return s.fail(ErrNamespace, open, "undeclared namespace prefix %s on attribute %s", clip(a.Name.Prefix), clip(a.Name.Local))
			}
			a.Name.Space = u
		}
		for j := 0; j < i; j++ {
			b := &s.attrs[j]
			if bytes.Equal(a.Name.Local, b.Name.Local) && bytes.Equal(a.Name.Space, b.Name.Space) {
				return s.fail(ErrSyntax, open, "duplicate attribute %s in tag <%s>", clip(a.Name.Local), clip(d[nameStart:nameEnd]))
			}
		}
	}
	si := s.resolveIndex(prefix)
	if si == -3 {
		return s.fail(ErrNamespace, open, "undeclared namespace prefix %s on element <%s>", clip(prefix), clip(d[nameStart:nameEnd]))
	}
	s.root = true
	colon := int32(-1)
	if len(prefix) > 0 {
		colon = int32(nameStart + len(prefix))
	}
	// Written in place: an openElem literal is built on the stack and
	// copied, a copy that waits for its own stores (measured).
	n := len(s.stack)
	if n < cap(s.stack) {
		s.stack = s.stack[:n+1]
	} else {
		s.stack = append(s.stack, openElem{})
	}
	o := &s.stack[n]
	o.start, o.end, o.colon, o.nsMark, o.space = int32(nameStart), int32(nameEnd), colon, int32(nsMark), si
	t := &s.tok
	t.Kind = StartElement
	t.Name.Space, t.Name.Prefix, t.Name.Local = s.space(si), prefix, local
	t.Attrs = s.attrs
	t.Offset, t.End, t.Depth, t.SelfClosing = open, s.pos, depth, selfClosing
	s.pendingEnd = selfClosing
	return t, nil
}

// resolveIndex returns the index in s.ns of the binding of prefix: -1 for
// no namespace, -2 for the xml namespace, -3 when undeclared.
func (s *Scanner) resolveIndex(prefix []byte) int32 {
	for i := len(s.ns) - 1; i >= 0; i-- {
		if bytes.Equal(s.ns[i].prefix, prefix) {
			if len(s.ns[i].uri) == 0 {
				return -1
			}
			return int32(i)
		}
	}
	if len(prefix) == 0 {
		return -1
	}
	if bytes.Equal(prefix, xmlPrefix) {
		return -2
	}
	return -3
}

func (s *Scanner) space(i int32) []byte {
	switch {
	case i >= 0:
		return s.ns[i].uri
	case i == -2:
		return xmlNS
	}
	return nil
}

func (s *Scanner) resolve(prefix []byte) ([]byte, bool) {
	for i := len(s.ns) - 1; i >= 0; i-- {
		if bytes.Equal(s.ns[i].prefix, prefix) {
			return s.ns[i].uri, true
		}
	}
	if len(prefix) == 0 {
		return nil, true
	}
	if bytes.Equal(prefix, xmlPrefix) {
		return xmlNS, true
	}
	return nil, false
}

// attrValue decodes references and normalises whitespace of an attribute
// value (XML 1.0 §3.3.3). It returns raw itself when nothing changes.
func (s *Scanner) attrValue(raw []byte, off int) ([]byte, error) {
	plain := true
	for _, c := range raw {
		if c == '&' || c == '\t' || c == '\n' || c == '\r' {
			plain = false
			break
		}
	}
	if plain {
		return raw, nil
	}
	start := len(s.buf)
	for i := 0; i < len(raw); {
		c := raw[i]
		switch c {
		case '&':
			n, err := s.ref(raw[i:], off+i)
			if err != nil {
				return nil, err
			}
			i += n
		case '\r':
			s.buf = append(s.buf, ' ')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		case '\t', '\n':
			s.buf = append(s.buf, ' ')
			i++
		default:
			s.buf = append(s.buf, c)
			i++
		}
	}
	return s.buf[start:len(s.buf):len(s.buf)], nil
}

// ref decodes the reference at the start of b into s.buf and returns its
// length.
func (s *Scanner) ref(b []byte, off int) (int, error) {
	end := bytes.IndexByte(b, ';')
	if end < 0 || end > 12 {
		_, err := s.fail(ErrSyntax, off, "'&' must start a reference such as &amp;")
		return 0, err
	}
	name := b[1:end]
	switch string(name) {
	case "lt":
		s.buf = append(s.buf, '<')
	case "gt":
		s.buf = append(s.buf, '>')
	case "amp":
		s.buf = append(s.buf, '&')
	case "apos":
		s.buf = append(s.buf, '\'')
	case "quot":
		s.buf = append(s.buf, '"')
	default:
		if len(name) > 1 && name[0] == '#' {
			var r rune
			digits := name[1:]
			base := rune(10)
			if digits[0] == 'x' {
				base = 16
				digits = digits[1:]
			}
			if len(digits) == 0 {
				_, err := s.fail(ErrSyntax, off, "invalid character reference")
				return 0, err
			}
			for _, c := range digits {
				var v rune
				switch {
				case '0' <= c && c <= '9':
					v = rune(c - '0')
				case base == 16 && 'a' <= c && c <= 'f':
					v = rune(c-'a') + 10
				case base == 16 && 'A' <= c && c <= 'F':
					v = rune(c-'A') + 10
				default:
					_, err := s.fail(ErrSyntax, off, "invalid character reference")
					return 0, err
				}
				r = r*base + v
				if r > utf8.MaxRune {
					break
				}
			}
			if !isXMLChar(r) {
				_, err := s.fail(ErrUTF8, off, "character reference to U+%04X, which XML does not allow", r)
				return 0, err
			}
			s.buf = utf8.AppendRune(s.buf, r)
			return end + 1, nil
		}
		if len(name) == 0 || !isNameStart(name[0]) {
			_, err := s.fail(ErrSyntax, off, "'&' must start a reference such as &amp;")
			return 0, err
		}
		_, err := s.fail(ErrEntity, off, "reference to entity %s refused: only the five predefined entities are allowed (no DTD is read)", clip(name))
		return 0, err
	}
	return end + 1, nil
}

func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || 0x20 <= r && r <= 0xD7FF || 0xE000 <= r && r <= 0xFFFD || 0x10000 <= r && r <= 0x10FFFF
}

// text reads character data up to the next tag, merging CDATA sections and
// skipping comments and processing instructions.
func (s *Scanner) text() (*Token, error) {
	d := s.data
	start := s.pos
	s.buf = s.buf[:0]
	var raw []byte // a single undecoded run, when that is all there is
	copied, cdata := false, false
loop:
	for s.pos < len(d) {
		c := d[s.pos]
		if c == '<' {
			rest := d[s.pos:]
			if len(rest) < 2 || rest[1] != '!' && rest[1] != '?' {
				// A tag ends the text: the common case, decided on one
				// byte before the prefix comparisons below (each a call).
				break loop
			}
			switch {
			case bytes.HasPrefix(rest, cdataOpen):
				e := bytes.Index(rest[len(cdataOpen):], cdataClose)
				if e < 0 {
					return s.fail(ErrSyntax, s.pos, "unterminated CDATA section")
				}
				seg := rest[len(cdataOpen) : len(cdataOpen)+e]
				s.pos += len(cdataOpen) + e + len(cdataClose)
				cdata = true
				if raw != nil {
					s.buf = append(s.buf, raw...)
					raw = nil
				}
				copied = true
				s.appendNormalised(seg)
				continue
			case bytes.HasPrefix(rest, commOpen):
				if err := s.skipBang(); err != nil {
					return nil, err
				}
				continue
			case len(rest) > 1 && rest[1] == '?':
				if err := s.skipPI(); err != nil {
					return nil, err
				}
				continue
			}
			break loop
		}
		// A run of plain text.
		i := s.pos
		for i < len(d) && !textStop[d[i]] {
			i++
		}
		seg := d[s.pos:i]
		if !copied && raw == nil {
			raw = seg
		} else {
			if raw != nil {
				s.buf = append(s.buf, raw...)
				raw = nil
			}
			copied = true
			s.buf = append(s.buf, seg...)
		}
		s.pos = i
		if i >= len(d) || d[i] == '<' {
			continue
		}
		// Special byte: decode into the buffer.
		if raw != nil {
			s.buf = append(s.buf, raw...)
			raw = nil
		}
		copied = true
		switch d[i] {
		case '&':
			n, err := s.ref(d[i:], i)
			if err != nil {
				return nil, err
			}
			s.pos += n
		case '\r':
			s.buf = append(s.buf, '\n')
			s.pos++
			if s.pos < len(d) && d[s.pos] == '\n' {
				s.pos++
			}
		case ']':
			if bytes.HasPrefix(d[i:], cdataClose) {
				return s.fail(ErrSyntax, i, "']]>' is not allowed in text")
			}
			s.buf = append(s.buf, ']')
			s.pos++
		}
	}
	t := &s.tok
	t.Kind, t.Offset, t.End, t.Depth, t.SelfClosing, t.CDATA = Text, start, s.pos, len(s.stack), false, cdata
	if copied {
		t.Text = s.buf
	} else {
		t.Text = raw
	}
	return t, nil
}

func (s *Scanner) appendNormalised(seg []byte) {
	for {
		i := bytes.IndexByte(seg, '\r')
		if i < 0 {
			s.buf = append(s.buf, seg...)
			return
		}
		s.buf = append(s.buf, seg[:i]...)
		s.buf = append(s.buf, '\n')
		seg = seg[i+1:]
		if len(seg) > 0 && seg[0] == '\n' {
			seg = seg[1:]
		}
	}
}

func (s *Scanner) endTag() (*Token, error) {
	d := s.data
	open := s.pos
	s.pos += 2
	nameStart := s.pos
	if n := len(s.stack); n > 0 {
		// Fast path: the name of the open element, then '>' or space.
		top := &s.stack[n-1] // by pointer: see openElem
		want := d[top.start:top.end]
		if e := nameStart + len(want); e < len(d) && (d[e] == '>' || isSpace(d[e])) && bytes.Equal(d[nameStart:e], want) {
			s.pos = e
			s.skipSpace()
			if s.pos < len(d) && d[s.pos] == '>' {
				s.pos++
				return s.popEnd(open, s.pos)
			}
			return s.fail(ErrSyntax, open, "expected '>' to close end tag </%s", clip(want))
		}
	}
	if _, _, ok := s.readName(); !ok {
		return s.fail(ErrSyntax, open, "invalid end tag")
	}
	name := d[nameStart:s.pos]
	s.skipSpace()
	if s.pos >= len(d) || d[s.pos] != '>' {
		return s.fail(ErrSyntax, open, "expected '>' to close end tag </%s", clip(name))
	}
	s.pos++
	if len(s.stack) == 0 {
		return s.fail(ErrSyntax, open, "end tag </%s> without a start tag", clip(name))
	}
	top := &s.stack[len(s.stack)-1]
	if !bytes.Equal(d[top.start:top.end], name) {
		return s.fail(ErrSyntax, open, "end tag </%s> does not match start tag <%s>", clip(name), clip(d[top.start:top.end]))
	}
	return s.popEnd(open, s.pos)
}

func (s *Scanner) popEnd(off, end int) (*Token, error) {
	// By pointer: see openElem. The pop below only shortens the slice, so
	// top stays readable after it.
	top := &s.stack[len(s.stack)-1]
	depth := len(s.stack)
	t := &s.tok
	selfClosing := off == t.Offset && t.SelfClosing && t.Kind == StartElement
	t.Kind = EndElement
	t.Name.Space = s.space(top.space)
	if top.colon >= 0 {
		t.Name.Prefix, t.Name.Local = s.data[top.start:top.colon], s.data[top.colon+1:top.end]
	} else {
		t.Name.Prefix, t.Name.Local = nil, s.data[top.start:top.end]
	}
	t.Offset, t.End, t.Depth, t.SelfClosing = off, end, depth, selfClosing
	s.stack = s.stack[:len(s.stack)-1]
	s.ns = s.ns[:top.nsMark]
	if len(s.stack) == 0 {
		s.done = true
	}
	return t, nil
}

// LeafText reads, right after Next returned a start tag that is not
// self-closing, the element's content and end tag in one step when the
// content is plain text or nothing: no reference, CDATA section, comment,
// processing instruction, carriage return or ']', and the end tag written
// as the start tag's name followed at once by '>' (the usual leaf of an
// ISO 20022 message). It then returns what two calls of Next would have
// returned: the Text token (nil when the element is empty) and the
// EndElement token, and ok true. Otherwise it reads nothing and returns ok
// false, and Next reads on as usual. The tokens are valid until the next
// call of Next or LeafText; the text is a slice of the input.
func (s *Scanner) LeafText() (text, end *Token, ok bool) {
	if s.err != nil || s.tok.Kind != StartElement || s.pendingEnd || len(s.stack) == 0 {
		return nil, nil, false
	}
	d := s.data
	start := s.pos
	i := start
	for i < len(d) && !textStop[d[i]] {
		i++
	}
	// The end tag of the open element, by name, then '>' at once.
	top := &s.stack[len(s.stack)-1] // by pointer: see openElem
	e := i + 2 + int(top.end-top.start)
	if e >= len(d) || d[i] != '<' || d[i+1] != '/' || d[e] != '>' || string(d[i+2:e]) != string(d[top.start:top.end]) {
		return nil, nil, false
	}
	if i > start {
		text = &s.ttok
		text.Kind, text.Text, text.Offset, text.End, text.Depth, text.CDATA = Text, d[start:i:i], start, i, len(s.stack), false
	}
	s.pos = e + 1
	end, _ = s.popEnd(i, s.pos)
	return text, end, true
}

func (s *Scanner) skipPI() error {
	d := s.data
	open := s.pos
	e := bytes.Index(d[s.pos+2:], piClose)
	if e < 0 {
		_, err := s.fail(ErrSyntax, open, "unterminated processing instruction")
		return err
	}
	target := d[s.pos+2:]
	if len(target) >= 3 && equalFold(target[:3], "XML") && (len(target) == 3 || isSpace(target[3]) || target[3] == '?') {
		_, err := s.fail(ErrSyntax, open, "XML declaration is only allowed at the start of the input")
		return err
	}
	s.pos += 2 + e + 2
	return nil
}

// skipBang skips a comment; a DOCTYPE or any other markup declaration is
// refused.
func (s *Scanner) skipBang() error {
	d := s.data
	open := s.pos
	rest := d[s.pos:]
	if bytes.HasPrefix(rest, commOpen) {
		e := bytes.Index(rest[4:], commClose)
		if e < 0 {
			_, err := s.fail(ErrSyntax, open, "unterminated comment")
			return err
		}
		if bytes.Contains(rest[4:4+e], []byte("--")) || (e > 0 && rest[4+e-1] == '-') {
			_, err := s.fail(ErrSyntax, open, "'--' is not allowed inside a comment")
			return err
		}
		s.pos += 4 + e + 3
		return nil
	}
	if bytes.HasPrefix(rest, doctype) {
		_, err := s.fail(ErrDoctype, open, "DOCTYPE declaration refused: DTDs and entity declarations are not allowed in ISO 20022 messages (nothing is expanded or fetched)")
		return err
	}
	if bytes.HasPrefix(rest, cdataOpen) {
		_, err := s.fail(ErrSyntax, open, "CDATA section outside the root element")
		return err
	}
	_, err := s.fail(ErrSyntax, open, "markup declaration refused")
	return err
}

// clip returns at most 40 bytes of b as a string, for error messages.
func clip(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
		return string(b) + "…"
	}
	return string(b)
}

// LookupPrefix resolves a namespace prefix in the scope of the current
// element (after a StartElement, the scope includes that element's own
// declarations), for attribute values that are QNames (xs:type="xs:string").
// An empty prefix gives the default namespace.
func (s *Scanner) LookupPrefix(prefix []byte) ([]byte, bool) { return s.resolve(prefix) }

// Pos returns the byte offset just past the last token returned.
func (s *Scanner) Pos() int { return s.pos }

// Input returns the input being scanned.
func (s *Scanner) Input() []byte { return s.data }
