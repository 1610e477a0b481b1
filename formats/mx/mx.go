// Package mx is swiftval's ISO 20022 (MX) XML format: it detects and parses
// MX messages, validates the business application header (AppHdr,
// head.001) and the business document (Document) against their schemas in
// one streaming pass, and hands rules an *mx.Message.
//
// Accepted inputs: a bare Document; an AppHdr and a Document under any
// wrapper element (Envelope, BizMsg, RequestPayload, …); a bare AppHdr;
// with or without namespace prefixes. The message type comes from the
// Document namespace (urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08 →
// "pacs.008.001.08", base "pacs.008"). Schemas are the ones shipped in the
// binary (package schemas) plus any loaded from Options.SchemaDir.
//
// Validation is one streaming pass (package xmlscan tokenizes, package xsd
// checks each token against the compiled schema) that reports every
// violation with its XPath and line; well-formedness errors stop the parse
// (Parse returns nil). For message definitions with a typed model (package
// typed: the CBPR+ set, listed in the manifest), the same pass decodes the
// message into Go structs: the typed decoder reads the tokens the schema
// check reads, so the input is read once. DOCTYPE declarations and
// entities are refused, and input size, nesting depth, element count and
// findings per message are bounded. The message level is
// engine.LevelFull for a message with a typed model, engine.LevelSchema
// for one with a schema only, engine.LevelSyntax when no schema is known.
//
// Shipped schemas are loaded on the first message of their namespace, from
// their load-ready form (package schemas): building the format costs
// microseconds, and a one-message run loads only the schemas it meets.
//
// Findings use the SVX2xx codes listed in docs/codes.md.
package mx

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/schemas"
	"github.com/swiftval/swiftval/formats/mx/typed"
	"github.com/swiftval/swiftval/formats/mx/xmlscan"
	"github.com/swiftval/swiftval/formats/mx/xsd"
)

// NamespacePrefix is the prefix of ISO 20022 message namespaces.
const NamespacePrefix = "urn:iso:std:iso:20022:tech:xsd:"

// Span locates an element in the input: bytes [Start, End) run from the
// '<' of its start tag to just past its end tag. The zero Span means absent.
type Span struct {
	Start, End int
}

// IsZero reports whether the span is absent.
func (s Span) IsZero() bool { return s.End == 0 }

// Message is the Body of an engine.Message of format "mx".
type Message struct {
	// Raw is the whole input.
	Raw []byte
	// Type is the message identifier from the Document namespace
	// ("pacs.008.001.08"); for a bare AppHdr, the head.001 version.
	Type string
	// Namespace is the Document namespace as written.
	Namespace string
	// Doc locates the Document element; zero when there is none.
	Doc Span
	// DocLine is the line of the Document start tag.
	DocLine int
	// Envelope is the local name of the wrapper element around AppHdr and
	// Document ("Envelope", "BizMsg"); empty for a bare Document or AppHdr.
	Envelope string
	// AppHdr is the business application header; nil when there is none.
	AppHdr *AppHdr
	// SchemaValid is true when the AppHdr and Document passed schema
	// validation.
	SchemaValid bool
	// Typed is the typed form of the message (package typed) when its
	// message definition has a typed model; nil otherwise.
	Typed *typed.Message

	own *parsed // what holds m when Parse made it (see Release)
}

// AppHdr holds the fields of the business application header that rules
// and routing need most, as written (whitespace trimmed).
type AppHdr struct {
	// Namespace is the head.001 namespace as written.
	Namespace string
	// Type is its message identifier ("head.001.001.02").
	Type string
	// Span locates the AppHdr element.
	Span Span
	// Line is the line of the AppHdr start tag.
	Line int
	// FromBIC and ToBIC are Fr/FIId/FinInstnId/BICFI and To/…/BICFI.
	FromBIC, ToBIC string
	// BizMsgIdr, MsgDefIdr, BizSvc, CreDt, CpyDplct and Prty are the
	// elements of those names.
	BizMsgIdr, MsgDefIdr, BizSvc, CreDt, CpyDplct, Prty string

	msgDefOff int // offset of the MsgDefIdr start tag
}

// Options configures the MX format.
type Options struct {
	// SchemaDir, when set, names a directory whose *.xsd files are loaded
	// and compiled when the format is built; they take precedence over the
	// shipped schemas of the same namespace.
	SchemaDir string
	// Limits bound the XML of one message; zero fields take the xmlscan
	// defaults.
	Limits xmlscan.Limits
	// LoadAll loads every shipped schema when the format is built (about
	// 150 of them: 14 MB, and 80-90 ms on a loaded 2-core machine) instead of on the
	// first message of each namespace, which then takes a few tenths of a
	// millisecond longer.
	LoadAll bool
}

// lazy is one schema, loaded on first use.
type lazy struct {
	ns   string
	typ  string // "pacs.008.001.08"
	once sync.Once
	load func() (*xsd.Validator, error)
	v    *xsd.Validator
	err  error
	done atomic.Bool // loaded (or failed): once has run
}

func (l *lazy) validator() (*xsd.Validator, error) {
	l.once.Do(func() {
		l.v, l.err = l.load()
		l.done.Store(true)
	})
	return l.v, l.err
}

// Format is the MX format. It is immutable after NewFormat and safe for
// concurrent use.
type Format struct {
	lim     xmlscan.Limits
	schemas map[string]*lazy // by namespace
	pool    sync.Pool        // *parser
	msgs    sync.Pool        // *parsed: messages Release handed back
}

// NewFormat returns the MX format with the shipped schemas and, when
// opts.SchemaDir is set, the schemas of that directory. The error comes
// from LoadSchemas and names the file and line at fault.
func NewFormat(opts Options) (*Format, error) {
	f := &Format{lim: opts.Limits, schemas: map[string]*lazy{}}
	for _, ns := range schemas.Namespaces() {
		f.schemas[ns] = &lazy{ns: ns, typ: typeOf(ns), load: func() (*xsd.Validator, error) { return schemas.Load(ns) }}
	}
	if opts.SchemaDir != "" {
		vs, err := LoadSchemas(opts.SchemaDir)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			l := &lazy{ns: v.Namespace(), typ: typeOf(v.Namespace()), v: v}
			l.once.Do(func() {})
			l.done.Store(true)
			f.schemas[v.Namespace()] = l
		}
	}
	if opts.LoadAll {
		for _, ns := range slices.Sorted(maps.Keys(f.schemas)) {
			if _, err := f.schemas[ns].validator(); err != nil {
				return nil, err
			}
		}
	}
	f.pool.New = func() any { return &parser{} }
	return f, nil
}

// Default returns the MX format with the shipped schemas only. It loads
// nothing yet and cannot fail.
func Default() *Format {
	f, err := NewFormat(Options{})
	if err != nil {
		panic("mx: " + err.Error()) // unreachable: no schema is read
	}
	return f
}

// maxNamespaceQuote bounds how much of a namespace a finding quotes. A
// namespace is a schema's name, not payment data, and is quoted whole so
// that it can be looked up; the bound is only against hostile input (the
// longest ISO 20022 namespace is under 60 characters).
const maxNamespaceQuote = 256

// unknownNS is the message of an SVX211 finding: the namespace in full,
// the versions of the same message that are known, and how to load a
// schema for it.
func (f *Format) unknownNS(ns, part string) string {
	q := ns
	if len(q) > maxNamespaceQuote {
		q = q[:maxNamespaceQuote]
	}
	if ns == "" {
		return "the " + part + " has no namespace (xmlns), so no schema applies and it cannot be validated; an ISO 20022 " + part + " declares one, such as " + strconv.Quote(NamespacePrefix+"pacs.008.001.08")
	}
	msg := "no schema is known for namespace " + strconv.Quote(q) + ", so the " + part + " cannot be validated; load its schema with --schemas DIR (a directory of XSD files)"
	if typ := typeOf(ns); typ != "" && strings.Count(typ, ".") == 3 {
		base := typ[:strings.LastIndexByte(typ, '.')+1] // "pacs.008.001."
		var known []string
		for k, l := range f.schemas {
			if strings.HasPrefix(k, NamespacePrefix) && strings.HasPrefix(l.typ, base) {
				known = append(known, l.typ)
			}
		}
		if len(known) > 0 {
			sort.Strings(known)
			msg += "; versions known here: " + strings.Join(known, ", ")
		}
	}
	return msg
}

// StartLocation implements engine.StartLocator: MX locations are paths, so
// a finding about the input as a whole points at the root.
func (f *Format) StartLocation(line, _ int) engine.Location {
	return engine.Location{Path: "/", Line: line}
}

// typeOf returns the message identifier of an ISO 20022 namespace, or the
// namespace itself when it has another form.
func typeOf(ns string) string {
	if strings.HasPrefix(ns, NamespacePrefix) {
		return ns[len(NamespacePrefix):]
	}
	return ns
}

// baseOf returns "pacs.008" for "pacs.008.001.08"; a type of another form
// (a non-ISO namespace) is its own base.
func baseOf(t string) string {
	if len(t) == 15 && t[4] == '.' && t[8] == '.' && t[12] == '.' {
		return t[:8]
	}
	return t
}

// Name implements engine.Format.
func (f *Format) Name() string { return "mx" }

// Detect implements engine.Format: the first character after an optional
// byte-order mark and whitespace is '<', in UTF-8 or, so that Parse can
// report the encoding (SVX203) instead of the input being "neither MT nor
// MX", in UTF-16 or UTF-32 (with a byte-order mark or, for UTF-16, without
// one: XML 1.0 Appendix F).
func (f *Format) Detect(raw []byte) bool {
	if len(raw) >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF {
		raw = raw[3:]
	}
	for _, c := range raw {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '<':
			return true
		}
		break
	}
	return detectWide(raw)
}

// detectWide reports whether raw is XML in UTF-16 or UTF-32: its first
// code unit after an optional byte-order mark and whitespace is '<'.
func detectWide(raw []byte) bool {
	var size int
	var big bool
	switch {
	case len(raw) >= 4 && raw[0] == 0 && raw[1] == 0 && raw[2] == 0xFE && raw[3] == 0xFF:
		size, big, raw = 4, true, raw[4:]
	case len(raw) >= 4 && raw[0] == 0xFF && raw[1] == 0xFE && raw[2] == 0 && raw[3] == 0:
		size, big, raw = 4, false, raw[4:]
	case len(raw) >= 2 && raw[0] == 0xFE && raw[1] == 0xFF:
		size, big, raw = 2, true, raw[2:]
	case len(raw) >= 2 && raw[0] == 0xFF && raw[1] == 0xFE:
		size, big, raw = 2, false, raw[2:]
	case len(raw) >= 2 && raw[0] == 0 && raw[1] != 0:
		size, big = 2, true
	case len(raw) >= 2 && raw[0] != 0 && raw[1] == 0:
		size, big = 2, false
	default:
		return false
	}
	for ; len(raw) >= size; raw = raw[size:] {
		var u uint32
		for i := range size {
			if big {
				u = u<<8 | uint32(raw[i])
			} else {
				u |= uint32(raw[i]) << (8 * i)
			}
		}
		switch u {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return u == '<'
	}
	return false
}

// MessageTypes implements engine.Format: one entry per known Document
// schema (head.001 excluded), sorted, with LevelFull where a typed model
// exists.
func (f *Format) MessageTypes() []engine.TypeInfo {
	var out []engine.TypeInfo
	for ns, l := range f.schemas {
		if !strings.HasPrefix(ns, NamespacePrefix) || strings.HasPrefix(l.typ, "head.") {
			continue
		}
		lvl := engine.LevelSchema
		if typed.Known(l.typ) {
			lvl = engine.LevelFull
		}
		out = append(out, engine.TypeInfo{Format: "mx", Type: l.typ, Base: baseOf(l.typ), Level: lvl})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out
}

// Validator returns the compiled schema of a namespace, loading it on
// first use; nil when the namespace is unknown.
func (f *Format) Validator(ns string) (*xsd.Validator, error) {
	l := f.schemas[ns]
	if l == nil {
		return nil, nil
	}
	return l.validator()
}

// Loaded returns the namespaces whose schemas are loaded so far (including
// those compiled from Options.SchemaDir), sorted. A new format has loaded
// none of the shipped ones; each is loaded by the first message of its
// namespace.
func (f *Format) Loaded() []string {
	var out []string
	for ns, l := range f.schemas {
		if l.done.Load() {
			out = append(out, ns)
		}
	}
	sort.Strings(out)
	return out
}

// TypedMessage returns Typed (it implements typed.Carrier, through which
// rules reach the typed model of an engine message).
func (m *Message) TypedMessage() *typed.Message { return m.Typed }
