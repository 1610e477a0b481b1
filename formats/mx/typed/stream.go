package typed

import (
	"errors"
	"io"
	"unsafe"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/xmlscan"
	"github.com/swiftval/swiftval/formats/mx/xsd"
)

// NewMessage returns an empty Message over raw (recycled when one is
// pooled), to fill from a token stream with DecodeAppHdr and
// DecodeDocument.
func NewMessage(raw []byte) *Message {
	m := newMessage()
	m.Raw = raw
	return m
}

// DecodeAppHdr decodes an AppHdr element (with the head.001.001.02 model)
// whose start tag tok was just read from sc, reading sc up to and
// including the element's end tag. When check is not nil (the MX format's
// schema session, started on tok), every token read is handed to it too,
// so the input is read once for both. The error is sc's (the input is not
// well-formed or ends early), after what was decoded up to there.
func (m *Message) DecodeAppHdr(sc *xmlscan.Scanner, check *xsd.Session, tok *xmlscan.Token) error {
	d := decoder{b: m.Raw, a: m.arena, sc: sc, check: check, tok: tok}
	m.AppHdrNamespace = d.str(tok.Name.Space)
	t := d.startToken(tok)
	d.decodeAppHdr(&m.Documents, &t)
	return m.done(&d)
}

// DecodeDocument decodes a Document element of the message definition id
// ("pacs.008.001.08", namespace ns) whose start tag tok was just read from
// sc, reading sc up to and including the element's end tag, and handing
// every token to check when it is not nil, as DecodeAppHdr does. A message
// definition without a typed model is read through and leaves the
// document fields nil. The error is sc's, as for DecodeAppHdr.
func (m *Message) DecodeDocument(ns, id string, sc *xmlscan.Scanner, check *xsd.Session, tok *xmlscan.Token) error {
	d := decoder{b: m.Raw, a: m.arena, sc: sc, check: check, tok: tok}
	m.ID, m.Namespace = id, ns
	t := d.startToken(tok)
	m.DocPos = t.pos
	if !t.empty && d.decodeDocument(id, &m.Documents, &t) {
		m.Element = elementOf(m)
	} else {
		d.skip(&t)
	}
	return m.done(&d)
}

// done finishes a stream decode: the end tag of an empty root element is
// read, the sizes of the leaf and frame lists are noted.
func (m *Message) done(d *decoder) error {
	if d.swallow && d.err == nil {
		d.swallow = false
		d.pull() // the end tag of the empty root
	}
	m.nTexts += d.texts
	m.nStarts += d.starts
	return d.err
}

// fail records why the stream stopped: a source error as it is, the end
// of the input inside an element as ErrTruncated.
func (d *decoder) fail(err error) {
	if d.err != nil {
		return
	}
	if errors.Is(err, io.EOF) {
		err = ErrTruncated
	}
	d.err = err
}

// pull returns the next token of the stream (handed to the checker
// first), or nil when it has ended or failed (d.err says why). The end tag
// of an empty element, which the decoder never asks for, is read past.
func (d *decoder) pull() *xmlscan.Token {
	if d.err != nil {
		return nil
	}
	for {
		tok, err := d.sc.Next()
		if err != nil {
			d.fail(err)
			return nil
		}
		if d.check != nil {
			d.check.Token(tok)
		}
		if d.swallow {
			d.swallow = false
			if tok.Kind == xmlscan.EndElement {
				continue
			}
		}
		d.tok = tok
		return tok
	}
}

// startToken converts a start tag of the stream.
func (d *decoder) startToken(tok *xmlscan.Token) token {
	d.starts++
	d.swallow = tok.SelfClosing
	return token{name: tok.Name.Local, prefix: tok.Name.Prefix, pos: Pos(tok.Offset + 1), empty: tok.SelfClosing}
}

// nextStream is next over the stream: the next start or end tag, character
// data skipped.
func (d *decoder) nextStream(t *token) int {
	for {
		tok := d.pull()
		if tok == nil {
			return kEOF
		}
		switch tok.Kind {
		case xmlscan.StartElement:
			*t = d.startToken(tok)
			return kStart
		case xmlscan.EndElement:
			return kEnd
		}
	}
}

// childStream is child over the stream: the next start tag of a child of
// the current element (true), or its end tag, the end of the input or an
// error (false); character data is skipped. It is pull and nextStream in
// one loop: one call per child element, not three.
func (d *decoder) childStream(c *token) bool {
	if d.err != nil {
		return false
	}
	for {
		tok, err := d.sc.Next()
		if err != nil {
			d.fail(err)
			return false
		}
		if d.check != nil {
			d.check.Token(tok)
		}
		if d.swallow {
			d.swallow = false
			if tok.Kind == xmlscan.EndElement {
				continue
			}
		}
		d.tok = tok
		switch tok.Kind {
		case xmlscan.StartElement:
			// Field by field: a token built by startToken and copied into
			// c is read back before its stores retire, a stall (measured).
			d.starts++
			d.swallow = tok.SelfClosing
			c.name, c.prefix, c.attrs = tok.Name.Local, tok.Name.Prefix, nil
			c.pos, c.empty = Pos(tok.Offset+1), tok.SelfClosing
			return true
		case xmlscan.EndElement:
			return false
		}
	}
}

// textStream is textOf over the stream: the character data up to the end
// tag of the element started by t, stray child elements skipped. The
// value aliases the input when it is one run of text without references
// (the scanner then hands out a slice of the input); otherwise it is a
// copy.
func (d *decoder) textStream(t *token) string {
	d.texts++
	if t.empty {
		return ""
	}
	// The usual leaf, plain text and the end tag, in one step.
	if d.err == nil && d.tok != nil && Pos(d.tok.Offset+1) == t.pos {
		if text, end, ok := d.sc.LeafText(); ok {
			if d.check != nil {
				d.check.Leaf(text, end)
			}
			d.tok = end
			if text == nil {
				return ""
			}
			return alias(text.Text) // a slice of the input
		}
	}
	var val string
	var buf []byte
	n := 0
	for {
		tok := d.pull()
		if tok == nil {
			return val + string(buf)
		}
		switch tok.Kind {
		case xmlscan.Text:
			// Text slices that are not the input's are valid only until
			// the next token: copy them at once.
			if n == 0 && d.inInput(tok.Text) {
				val = unsafe.String(unsafe.SliceData(tok.Text), len(tok.Text))
			} else {
				if n == 1 && val != "" {
					buf, val = append(buf, val...), ""
				}
				buf = append(buf, tok.Text...)
			}
			n++
		case xmlscan.StartElement:
			c := d.startToken(tok)
			d.skip(&c)
		case xmlscan.EndElement:
			if buf != nil {
				return string(buf)
			}
			return val
		}
	}
}

// attrStream is attr over the stream: the attribute of the start tag t,
// which is the last token read.
func (d *decoder) attrStream(t *token, name string) string {
	tok := d.tok
	if tok == nil || tok.Kind != xmlscan.StartElement || Pos(tok.Offset+1) != t.pos {
		return ""
	}
	for i := range tok.Attrs {
		if a := &tok.Attrs[i]; string(a.Name.Local) == name {
			return d.str(a.Value)
		}
	}
	return ""
}

// inInput reports whether b is a slice of the input.
func (d *decoder) inInput(b []byte) bool {
	if len(b) == 0 || len(d.b) == 0 {
		return false
	}
	p, s := uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(unsafe.Pointer(unsafe.SliceData(d.b)))
	return p >= s && p+uintptr(len(b)) <= s+uintptr(len(d.b))
}

// str returns b as a string: aliasing the input when b is a slice of it,
// a copy otherwise.
func (d *decoder) str(b []byte) string {
	if d.inInput(b) {
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	return string(b)
}

// Of returns the typed message of an engine message whose Body is a
// *Message or another Carrier (the MX format's body is one), or nil for
// anything else (MT messages, MX messages without a typed model).
func Of(m *engine.Message) *Message {
	if m == nil {
		return nil
	}
	if c, ok := m.Body.(Carrier); ok {
		return c.TypedMessage()
	}
	return nil
}
