package typed

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx"
)

// init registers the typed decoder with the MX format for every document
// type with a typed model, so the MX format fills mx.Message.Typed with a
// *Message and reports level full for them.
func init() {
	var types []string
	for _, d := range Definitions {
		if d.Element != "AppHdr" {
			types = append(types, d.ID)
		}
	}
	mx.RegisterDecoder(decodeSpans, types...)
}

// decodeSpans is the mx.DecodeFunc: it decodes the Document at doc (of type
// msgType) and the AppHdr at hdr, both located by the MX format.
func decodeSpans(msgType string, raw []byte, doc, hdr mx.Span) (any, error) {
	return DecodeSpans(msgType, raw, doc.Start, hdr.Start, !hdr.IsZero())
}

// DecodeSpans decodes a message whose Document starts at byte docStart of raw
// (its message identifier id, e.g. "pacs.008.001.08", already known) and
// whose AppHdr, when hasHdr, starts at hdrStart. The AppHdr is decoded with
// the head.001.001.02 model. Positions stay relative to the whole of raw.
func DecodeSpans(id string, raw []byte, docStart, hdrStart int, hasHdr bool) (*Message, error) {
	m := newMessage()
	m.Raw, m.ID, m.Namespace = raw, id, NamespacePrefix+id
	d := decoder{b: raw, a: m.arena}
	if hasHdr && hdrStart >= 0 && hdrStart < len(raw) {
		d.i = hdrStart
		var t token
		if d.next(&t) == kStart && string(t.name) == "AppHdr" {
			m.AppHdrNamespace = d.namespace(&t, nil)
			d.decodeAppHdr(&m.Documents, &t)
		}
	}
	if docStart < 0 || docStart >= len(raw) {
		return m, ErrNoDocument
	}
	d.i = docStart
	var t token
	if d.next(&t) != kStart || string(t.name) != "Document" {
		return m, ErrNoDocument
	}
	m.DocPos = t.pos
	if !t.empty && d.decodeDocument(id, &m.Documents, &t) {
		m.Element = elementOf(m)
	}
	m.nTexts, m.nStarts = d.texts, d.starts
	return m, d.err
}

// Of returns the typed message of an engine message: its Body when that is a
// *Message or another Carrier, or the Typed field of an *mx.Message body. It
// returns nil for anything else (MT messages, MX messages without a typed
// model).
func Of(m *engine.Message) *Message {
	if m == nil {
		return nil
	}
	switch b := m.Body.(type) {
	case *mx.Message:
		if t, ok := b.Typed.(*Message); ok {
			return t
		}
		return nil
	case Carrier:
		return b.TypedMessage()
	}
	return nil
}
