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
// rule has run on m. It hands the typed message (Typed) back for reuse
// (its decoded elements and leaf lists serve the next message), and m
// itself with its body when Parse made them: neither may be used
// afterwards. Findings, the report and the strings taken from m (copies
// or the input's) are left alone. Call it at most once per message.
func (f *Format) Release(m *engine.Message) {
	if m == nil {
		return
	}
	b, ok := m.Body.(*Message)
	if !ok {
		return
	}
	if b.Typed != nil {
		b.Typed.Recycle()
		b.Typed = nil
	}
	if pm := b.own; pm != nil && m == &pm.msg {
		f.putParsed(pm)
	}
}

// putParsed empties pm, so the pool keeps no input alive, and pools it.
func (f *Format) putParsed(pm *parsed) {
	*pm = parsed{}
	f.msgs.Put(pm)
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

// parsed is what Parse returns, in one piece: the engine message, its
// body and the body's AppHdr. Release hands it back to the format's pool.
type parsed struct {
	msg  engine.Message
	body Message
	hdr  AppHdr // body.AppHdr when there is one
}

// parser is the reusable state of one Parse.
type parser struct {
	sc   xmlscan.Scanner
	sess xsd.Session
	f    *engine.Findings
	m    *Message
	part int // the part the schema session is checking
	errs int
	path [][]byte // open wrapper elements (local names, in the input)
	// docOK and hdrOK say whether each part is schema-valid so far.
	docOK, hdrOK bool
	// tm is the typed message being decoded, nil before the first part
	// with a typed model.
	tm *typed.Message
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
func (f *Format) Parse(raw []byte, fs *engine.Findings) (em *engine.Message) {
	p := f.pool.Get().(*parser)
	// The engine message, the MX body and its AppHdr come together from
	// the format's pool (and go back through Release).
	pm, _ := f.msgs.Get().(*parsed)
	if pm == nil {
		pm = new(parsed)
	}
	defer func() {
		if em == nil {
			f.putParsed(pm)
		}
		// Drop every reference to the input: a pooled parser must not keep
		// payment data alive (or reachable) after the call.
		p.f, p.m, p.tm = nil, nil, nil
		clear(p.path[:cap(p.path)])
		p.path = p.path[:0]
		p.sc.Wipe()
		p.sess.Release()
		f.pool.Put(p)
	}()
	m := &pm.body
	m.Raw, m.own = raw, pm
	p.f, p.m, p.errs, p.part = fs, m, 0, partNone
	p.docOK, p.hdrOK = true, true
	p.sc.Reset(raw)
	p.sc.SetLimits(f.lim)
	fs.SetRule("mx.xml", "")

	docSchema, hdrSchema := true, true // whether each part had a schema
	for {
		tok, err := p.sc.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			p.xmlError(err)
			return nil
		}
		if p.part != partNone {
			// A part without a typed model, checked here token by token
			// (a leaf's text and end tag in one step).
			done := p.sess.Token(tok)
			if !done && tok.Kind == xmlscan.StartElement && !tok.SelfClosing {
				if text, end, ok := p.sc.LeafText(); ok {
					done, tok = p.sess.Leaf(text, end), end
				}
			}
			if done {
				m.Doc.End = tok.End
				p.docOK = p.sess.Errors() == 0
				p.part = partNone
			}
			continue
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
				m.AppHdr = &pm.hdr
				*m.AppHdr = AppHdr{Span: Span{Start: tok.Offset}, Line: p.sc.Line(tok.Offset)}
				if l != nil {
					m.AppHdr.Namespace, m.AppHdr.Type = l.ns, l.typ
				} else {
					m.AppHdr.Namespace = string(ns)
					m.AppHdr.Type = typeOf(m.AppHdr.Namespace)
				}
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
				m.Envelope = wrapperName(p.path[len(p.path)-1])
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
			var sess *xsd.Session
			if v != nil {
				v.Start(&p.sess, &p.sc, tok, p)
				sess = &p.sess
				p.part = partDoc
				if isHdr {
					p.part = partHdr
				}
			}
			switch {
			case isHdr || typed.Known(m.Type):
				// The typed decoder reads the part's tokens and hands each
				// to the schema session: the input is read once for both.
				if p.tm == nil {
					p.tm = typed.NewMessage(raw)
				}
				var err error
				if isHdr {
					err = p.tm.DecodeAppHdr(&p.sc, sess, tok)
				} else {
					err = p.tm.DecodeDocument(m.Namespace, m.Type, &p.sc, sess, tok)
				}
				if err != nil {
					p.xmlError(err)
					p.tm.Recycle()
					return nil
				}
			case v != nil:
				continue // checked token by token above
			default:
				// Unvalidated part: skipped.
				if err := p.skip(tok); err != nil {
					p.scanError(err, "/"+string(local))
					return nil
				}
			}
			p.part = partNone
			ok := v != nil && p.sess.Errors() == 0
			if isHdr {
				m.AppHdr.Span.End = p.sc.Pos()
				p.hdrOK = ok
				if v != nil {
					header(m.AppHdr, p.tm.AppHdr)
				}
			} else {
				m.Doc.End = p.sc.Pos()
				p.docOK = ok
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
	em = &pm.msg
	em.Format, em.Raw, em.Body, em.Level = "mx", raw, m, engine.LevelSchema
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
			fs.Errorf(CodeHeaderMismatch, engine.Location{Path: "/AppHdr/MsgDefIdr", Line: p.sc.Line(h.msgDefOff)}, "the AppHdr is for message %s but the Document is %s", engine.Echo(h.MsgDefIdr), engine.Echo(m.Type))
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

// wrapperName returns the local name of a wrapper element as a string:
// the usual ones (those of the shared corpus and the package doc) without
// a copy.
func wrapperName(b []byte) string {
	switch string(b) {
	case "Envelope":
		return "Envelope"
	case "BizMsg":
		return "BizMsg"
	case "RequestPayload":
		return "RequestPayload"
	case "Message":
		return "Message"
	}
	return string(b)
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

// header copies the AppHdr fields rules and routing use from the typed
// AppHdr (decoded with the head.001.001.02 model, whose names these fields
// share with the other head.001 versions), trimmed of surrounding
// whitespace. They are copies: the typed message goes back to its pool,
// and the input may be reused, once the engine releases the message.
func header(h *AppHdr, t *typed.BusinessApplicationHeaderV02) {
	if t == nil {
		return
	}
	bic := func(p *typed.Party44Choice) string {
		if p.FIId == nil {
			return ""
		}
		return p.FIId.FinInstnId.BICFI.Value
	}
	// One copy holds all eight (one allocation, not eight).
	dst := [...]*string{&h.BizMsgIdr, &h.MsgDefIdr, &h.BizSvc, &h.CreDt, &h.CpyDplct, &h.Prty, &h.FromBIC, &h.ToBIC}
	src := [...]string{t.BizMsgIdr.Value, t.MsgDefIdr.Value, t.BizSvc.Value, t.CreDt.Value, t.CpyDplct.Value, t.Prty.Value, bic(&t.Fr), bic(&t.To)}
	n := 0
	for i := range src {
		src[i] = strings.TrimSpace(src[i])
		n += len(src[i])
	}
	var b strings.Builder
	b.Grow(n)
	for i := range src {
		b.WriteString(src[i])
	}
	all, off := b.String(), 0
	for i := range src {
		*dst[i] = all[off : off+len(src[i])]
		off += len(src[i])
	}
	h.msgDefOff = int(t.MsgDefIdr.Pos) - 1
}
