package mx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
	"github.com/swiftval/swiftval/formats/mx/xmlscan"
	"github.com/swiftval/swiftval/formats/mx/xsd"
)

var (
	_ engine.Format   = (*Format)(nil)
	_ engine.Releaser = (*Format)(nil)
)

// Release implements engine.Releaser: the engine calls it once the last
// rule has run on m. It hands the typed message (Typed) back for reuse:
// its decoded elements and leaf lists serve the next message. Findings,
// the report and the strings of m are left alone.
func (f *Format) Release(m *engine.Message) {
	if m == nil {
		return
	}
	if b, ok := m.Body.(*Message); ok && b.Typed != nil {
		b.Typed.Recycle()
		b.Typed = nil
	}
}

// LoadSchemas reads and compiles every *.xsd file of dir (not recursive),
// in name order. The error names the file and, for a schema problem, the
// line (a *xsd.SchemaError).
func LoadSchemas(dir string) ([]*xsd.Validator, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.xsd"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("schema directory: %w", err)
		}
		return nil, fmt.Errorf("schema directory %s holds no .xsd file", dir)
	}
	sort.Strings(names)
	out := make([]*xsd.Validator, 0, len(names))
	for _, n := range names {
		s, err := xsd.ReadFile(n)
		if err != nil {
			return nil, err
		}
		v, err := xsd.Compile(s)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

var kindCodes = map[xsd.Kind]string{
	xsd.KindUnexpected: CodeUnexpected, xsd.KindMissing: CodeMissing, xsd.KindText: CodeText,
	xsd.KindAttribute: CodeAttribute, xsd.KindLexical: CodeLexical, xsd.KindDate: CodeDate,
	xsd.KindEnumeration: CodeEnumeration, xsd.KindLength: CodeLength, xsd.KindPattern: CodePattern,
	xsd.KindDigits: CodeDigits, xsd.KindRange: CodeRange, xsd.KindRoot: CodeRootUndeclared,
}

var scanCodes = map[xmlscan.ErrorKind]string{
	xmlscan.ErrSyntax: CodeNotWellFormed, xmlscan.ErrDoctype: CodeDoctype, xmlscan.ErrEntity: CodeEntity,
	xmlscan.ErrEncoding: CodeEncoding, xmlscan.ErrUTF8: CodeEncoding, xmlscan.ErrNamespace: CodeNamespace,
	xmlscan.ErrDepth: CodeDepth, xmlscan.ErrElements: CodeTooManyElements, xmlscan.ErrAttrs: CodeTooManyElements,
	xmlscan.ErrSize: CodeTooLarge,
}

// part kinds
const (
	partNone = iota
	partHdr
	partDoc
)

// parser is the reusable state of one Parse.
type parser struct {
	sc    xmlscan.Scanner
	sess  xsd.Session
	f     *engine.Findings
	m     *Message
	part  int // the part the schema session is checking
	errs  int
	path  [][]byte // open wrapper elements (local names, in the input)
	hdr   hdrState
	names [8][]byte // AppHdr element path, relative to AppHdr
	// docOK and hdrOK say whether each part is schema-valid so far.
	docOK, hdrOK bool
	// tm is the typed message being decoded, nil before the first part
	// with a typed model.
	tm *typed.Message
}

// Next implements typed.Tokens: the typed decoder reads the tokens of a
// part through it, and each is checked against the schema on its way, so
// the input is read once for both.
func (p *parser) Next() (*xmlscan.Token, error) {
	tok, err := p.sc.Next()
	if err == nil && p.part != partNone {
		p.check(tok)
	}
	return tok, err
}

// check hands a token of the current part to the schema session (and the
// AppHdr field reader) and closes the part at its end tag.
func (p *parser) check(tok *xmlscan.Token) {
	if p.part == partHdr {
		p.header(tok, p.m.AppHdr)
	}
	if !p.sess.Token(tok) {
		return
	}
	if p.part == partHdr {
		p.m.AppHdr.Span.End = tok.End
		p.hdrOK = p.sess.Errors() == 0
	} else {
		p.m.Doc.End = tok.End
		p.docOK = p.sess.Errors() == 0
	}
	p.part = partNone
}

type hdrState struct {
	depth   int // depth of the AppHdr element
	text    []byte
	defOff  int // offset of the MsgDefIdr start tag
	textOff int // offset of the last start tag inside the AppHdr
}

// maxFindings bounds the schema findings of one message: a hostile 16 MiB
// document could otherwise produce hundreds of thousands (one per element),
// and 1000 is far more than anyone reads; the message is invalid anyway.
const maxFindings = 1000

// Violation implements xsd.Reporter.
func (p *parser) Violation(v *xsd.Violation) {
	loc := engine.Location{Path: v.Path, Line: v.Line, Column: v.Column}
	if v.Repeat != "" && p.errs < maxFindings {
		// Only a new finding counts towards the cap.
		if p.f.Repeat(v.Repeat, kindCodes[v.Kind], engine.Error, loc, v.Msg) {
			p.errs++
		}
		return
	}
	p.errs++
	if p.errs > maxFindings {
		if p.errs == maxFindings+1 {
			p.f.Add(CodeTooManyFindings, engine.Error, engine.Location{Path: v.Path, Line: v.Line}, "more than 1000 schema findings; the rest are not reported")
		}
		return
	}
	p.f.Add(kindCodes[v.Kind], engine.Error, loc, v.Msg)
}

// Parse implements engine.Format. Not-well-formed input gives one located
// finding and a nil Message; schema violations give one finding each and
// a Message for rules to run on.
func (f *Format) Parse(raw []byte, fs *engine.Findings) *engine.Message {
	p := f.pool.Get().(*parser)
	defer func() {
		// Drop every reference to the input: a pooled parser must not keep
		// payment data alive (or reachable) after the call.
		p.f, p.m, p.tm = nil, nil, nil
		clear(p.path[:cap(p.path)])
		p.path = p.path[:0]
		p.sc.Wipe()
		p.sess.Release()
		clear(p.names[:])
		clear(p.hdr.text[:cap(p.hdr.text)])
		f.pool.Put(p)
	}()
	m := &Message{Raw: raw}
	p.f, p.m, p.errs, p.part = fs, m, 0, partNone
	p.docOK, p.hdrOK = true, true
	p.sc.Reset(raw)
	p.sc.SetLimits(f.lim)
	fs.SetRule("mx.xml", "")

	docSchema, hdrSchema := true, true // whether each part had a schema
	for {
		inPart := p.part != partNone
		tok, err := p.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			p.xmlError(err)
			return nil
		}
		if inPart {
			continue // checked by p.Next
		}
		switch tok.Kind {
		case xmlscan.StartElement:
			local := tok.Name.Local
			isHdr := string(local) == "AppHdr"
			isDoc := string(local) == "Document"
			if !isHdr && !isDoc {
				// A wrapper element (or a sibling of the parts inside one):
				// not ours to judge; remembered for the envelope name.
				p.path = append(p.path, local)
				continue
			}
			if isHdr && m.AppHdr != nil || isDoc && !m.Doc.IsZero() {
				fs.SetRule("mx.envelope", "")
				fs.Errorf(CodeDuplicatePart, engine.Location{Path: "/" + string(local), Line: p.sc.Line(tok.Offset)}, "more than one %s element: one message holds at most one AppHdr and one Document", local)
				if err := p.skip(tok); err != nil {
					p.scanError(err, "/"+string(local))
					return nil
				}
				continue
			}
			ns := tok.Name.Space
			l := f.schemas[string(ns)]
			if isHdr {
				m.AppHdr = &AppHdr{Span: Span{Start: tok.Offset}, Line: p.sc.Line(tok.Offset)}
				if l != nil {
					m.AppHdr.Namespace, m.AppHdr.Type = l.ns, l.typ
				} else {
					m.AppHdr.Namespace = string(ns)
					m.AppHdr.Type = typeOf(m.AppHdr.Namespace)
				}
				p.hdr.depth = tok.Depth
			} else {
				m.Doc = Span{Start: tok.Offset}
				m.DocLine = p.sc.Line(tok.Offset)
				if l != nil {
					m.Namespace, m.Type = l.ns, l.typ
				} else {
					m.Namespace = string(ns)
					m.Type = typeOf(m.Namespace)
				}
			}
			if len(p.path) > 0 && m.Envelope == "" {
				m.Envelope = string(p.path[len(p.path)-1])
			}
			var v *xsd.Validator
			if l != nil {
				var err error
				if v, err = l.validator(); err != nil {
					fs.SetRule("mx.schema", "")
					fs.Errorf(CodeSchemaBroken, engine.Location{Path: "/" + string(local), Line: p.sc.Line(tok.Offset)}, "the schema for %s could not be loaded: %v", engine.Echo(string(ns)), err)
				}
			} else {
				fs.SetRule("mx.schema", "")
				fs.Error(CodeUnknownNS, engine.Location{Path: "/" + string(local), Line: p.sc.Line(tok.Offset)}, f.unknownNS(string(ns), string(local)))
			}
			if v == nil {
				if isHdr {
					p.hdrOK, hdrSchema = false, false
				} else {
					p.docOK, docSchema = false, false
				}
			}
			fs.SetRule("mx.schema", "")
			if v != nil {
				p.part = partDoc
				if isHdr {
					p.part = partHdr
					p.hdr.text = p.hdr.text[:0]
				}
				v.Start(&p.sess, &p.sc, tok, p)
			}
			// The typed model reads the part's tokens through p.Next, which
			// checks them against the schema; a part without a typed model
			// is read on by this loop (checked) or skipped (unchecked).
			if isHdr || typed.Known(m.Type) {
				if p.tm == nil {
					p.tm = typed.NewMessage(raw)
				}
				var err error
				if isHdr {
					err = p.tm.DecodeAppHdr(p, tok)
				} else {
					err = p.tm.DecodeDocument(m.Namespace, m.Type, p, tok)
				}
				if err != nil {
					p.xmlError(err)
					p.tm.Recycle()
					return nil
				}
			} else if v == nil {
				if err := p.skip(tok); err != nil {
					p.scanError(err, "/"+string(local))
					return nil
				}
			}
			if v == nil {
				if isHdr {
					m.AppHdr.Span.End = p.sc.Pos()
				} else {
					m.Doc.End = p.sc.Pos()
				}
			}
		case xmlscan.EndElement:
			// Parts consume their own end tags: this closes a wrapper.
			if len(p.path) > 0 {
				p.path = p.path[:len(p.path)-1]
			}
		}
	}
	if m.Doc.IsZero() && m.AppHdr == nil {
		fs.SetRule("mx.envelope", "")
		fs.Error(CodeNoDocument, xmlLoc("", 1, 0), "no ISO 20022 Document or AppHdr element found")
		return nil
	}
	m.SchemaValid = p.docOK && p.hdrOK
	em := &engine.Message{Format: "mx", Raw: raw, Body: m, Level: engine.LevelSchema}
	if !m.Doc.IsZero() && !docSchema || m.Doc.IsZero() && !hdrSchema {
		em.Level = engine.LevelSyntax // no schema for the main part
	}
	if m.Doc.IsZero() {
		m.Type = m.AppHdr.Type
	}
	em.Type = m.Type
	em.Base = baseOf(m.Type)
	if h := m.AppHdr; h != nil {
		if strings.HasPrefix(h.BizSvc, "swift.cbprplus.") {
			em.Profile = "cbpr+"
		}
		if h.MsgDefIdr != "" && !m.Doc.IsZero() && h.MsgDefIdr != m.Type {
			fs.SetRule("mx.envelope", "")
			fs.Errorf(CodeHeaderMismatch, engine.Location{Path: "/AppHdr/MsgDefIdr", Line: p.sc.Line(p.hdr.defOff)}, "the AppHdr is for message %s but the Document is %s", engine.Echo(h.MsgDefIdr), engine.Echo(m.Type))
		}
	}
	// The typed model goes with a Document that has one (the AppHdr alone
	// is decoded on the chance that such a Document follows).
	if p.tm != nil {
		if !m.Doc.IsZero() && typed.Known(m.Type) {
			m.Typed = p.tm
			em.Level = engine.LevelFull
		} else {
			p.tm.Recycle()
		}
	}
	return em
}

// xmlError reports a well-formedness error (an *xmlscan.Error) at the
// innermost open element.
func (p *parser) xmlError(err error) {
	var e *xmlscan.Error
	if !errors.As(err, &e) {
		p.f.SetRule("mx.typed", "")
		p.f.Errorf(CodeTypedDecode, engine.Location{Path: "/Document", Line: p.m.DocLine}, "the message could not be decoded into the typed model: %v", err)
		return
	}
	path := ""
	switch {
	case p.part != partNone:
		path = p.sess.Path()
	case len(p.path) > 0:
		path = "/" + string(bytes.Join(p.path, []byte("/")))
	}
	p.f.SetRule("mx.xml", "")
	p.f.Add(scanCodes[e.Kind], engine.Error, xmlLoc(path, e.Line, e.Column), "XML: "+e.Msg)
}

// scanError reports a well-formedness error met while skipping the
// subtree at path.
func (p *parser) scanError(err error, path string) {
	var e *xmlscan.Error
	if errors.As(err, &e) {
		p.f.SetRule("mx.xml", "")
		p.f.Add(scanCodes[e.Kind], engine.Error, xmlLoc(path, e.Line, e.Column), "XML: "+e.Msg)
	}
}

// xmlLoc is the location of an XML-level finding: MX-shaped (an XPath and
// a line) even where no element is open yet (the prolog, an encoding, no
// element at all), where the path is "/", the document as a whole. An
// empty path would make the finding an MT-shaped location (block, field,
// column), which an MX finding never is.
func xmlLoc(path string, line, column int) engine.Location {
	if path == "" {
		path = "/"
	}
	return engine.Location{Path: path, Line: line, Column: column}
}

// skip consumes the element just started.
func (p *parser) skip(t *xmlscan.Token) error {
	depth := t.Depth
	for {
		t, err := p.sc.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if t.Kind == xmlscan.EndElement && t.Depth == depth {
			return nil
		}
	}
}

// header records the AppHdr fields from the tokens of the AppHdr subtree.
func (p *parser) header(tok *xmlscan.Token, h *AppHdr) {
	rel := tok.Depth - p.hdr.depth // 0 for AppHdr itself
	switch tok.Kind {
	case xmlscan.StartElement:
		if rel > 0 && rel <= len(p.names) {
			p.names[rel-1] = tok.Name.Local
		}
		p.hdr.text = p.hdr.text[:0]
		p.hdr.textOff = tok.Offset
	case xmlscan.Text:
		p.hdr.text = append(p.hdr.text, tok.Text...)
	case xmlscan.EndElement:
		if rel < 1 || rel > len(p.names) {
			return
		}
		v := bytes.TrimSpace(p.hdr.text)
		switch {
		case rel == 1:
			switch string(tok.Name.Local) {
			case "BizMsgIdr":
				h.BizMsgIdr = string(v)
			case "MsgDefIdr":
				h.MsgDefIdr = string(v)
				p.hdr.defOff = p.hdr.textOff
			case "BizSvc":
				h.BizSvc = string(v)
			case "CreDt":
				h.CreDt = string(v)
			case "CpyDplct":
				h.CpyDplct = string(v)
			case "Prty":
				h.Prty = string(v)
			}
		case rel == 4 && string(tok.Name.Local) == "BICFI" && string(p.names[1]) == "FIId" && string(p.names[2]) == "FinInstnId":
			switch string(p.names[0]) {
			case "Fr":
				h.FromBIC = string(v)
			case "To":
				h.ToBIC = string(v)
			}
		}
		p.hdr.text = p.hdr.text[:0]
	}
}
