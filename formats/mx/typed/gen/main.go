// Command gen generates the typed ISO 20022 message structs and their
// decoder, walker and arena (types_gen.go, decode_gen.go, walk_gen.go,
// arena_gen.go in package typed) for the manifest entries with a typed
// field (formats/mx/manifest/messages.txt). It is run by go generate in
// package typed (make generate):
//
//	go run ./gen [-xsd ../shared/xsd] [-out .]
//
// -xsd is relative to the repository root (the directory of go.mod), so the
// default reads ../shared/xsd beside the checkout; entries with a moov-io
// source are read from the github.com/moov-io/iso20022 module.
//
// Only the XSD subset used by ISO 20022 Standards Editor schemas is read:
// top-level complexTypes holding one flat sequence or choice of elements, or
// simpleContent extensions with attributes (amounts), and simpleTypes.
// encoding/xml is fine here: it runs at generate time only.
package main

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/swiftval/swiftval/formats/mx/manifest"
)

// message is one message definition the generator emits a root for.
type message struct {
	ID      string // message identifier (namespace suffix), e.g. pacs.008.001.08
	Field   string // Go field name in typed.Message, e.g. Pacs008
	Root    string // XSD element holding it: "Document" or "AppHdr"
	Payment bool   // carries payments the payment view (payment.FromMX) maps
	XSD     string // file to read
}

type xsdSchema struct {
	Elements []xsdElement `xml:"element"`
	Complex  []xsdComplex `xml:"complexType"`
	Simple   []xsdSimple  `xml:"simpleType"`
}

type xsdElement struct {
	Name      string `xml:"name,attr"`
	Type      string `xml:"type,attr"`
	MinOccurs string `xml:"minOccurs,attr"`
	MaxOccurs string `xml:"maxOccurs,attr"`
}

type xsdGroup struct {
	Elements []xsdElement `xml:"element"`
	Any      []struct{}   `xml:"any"`
}

type xsdComplex struct {
	Name     string    `xml:"name,attr"`
	Sequence *xsdGroup `xml:"sequence"`
	Choice   *xsdGroup `xml:"choice"`
	Simple   *struct {
		Ext struct {
			Base  string `xml:"base,attr"`
			Attrs []struct {
				Name string `xml:"name,attr"`
				Type string `xml:"type,attr"`
			} `xml:"attribute"`
		} `xml:"extension"`
	} `xml:"simpleContent"`
}

type xsdSimple struct {
	Name string `xml:"name,attr"`
}

// field is one child element of a generated struct.
type field struct {
	Name     string // XML local name (also the Go field name)
	Type     string // XSD type name
	Complex  bool
	Optional bool
	Repeated bool
}

// ctype is one generated struct.
type ctype struct {
	Name   string
	Choice bool
	Fields []field
	Attrs  []string // simpleContent attributes
	Simple bool     // simpleContent: has a Value
	Any    bool     // holds xs:any content (skipped)
	From   string   // first message defining it
}

func (c *ctype) sig() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v|%v|%v|%v|", c.Choice, c.Simple, c.Any, c.Attrs)
	for _, f := range c.Fields {
		fmt.Fprintf(&b, "%s:%s:%v:%v:%v;", f.Name, f.Type, f.Complex, f.Optional, f.Repeated)
	}
	return b.String()
}

func main() {
	dir := flag.String("xsd", manifest.DefaultXSDDir, "directory of the shared ISO 20022 XSD files, relative to the repository root unless absolute")
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("typed/gen: ")

	shared, moov, err := manifest.Dirs(*dir)
	if err != nil {
		log.Fatal(err)
	}
	var messages []message
	for _, e := range manifest.Typed() {
		root := "Document"
		if e.IsHeader() {
			root = "AppHdr"
		}
		messages = append(messages, message{ID: e.ID, Field: e.Typed, Root: root, Payment: e.Payment, XSD: e.XSDPath(shared, moov)})
	}
	if len(messages) == 0 || messages[0].ID != "head.001.001.02" {
		log.Fatal("the manifest must give head.001.001.02 a typed model (the AppHdr every decoder reads)")
	}

	types := map[string]*ctype{}
	roots := map[string]string{} // message ID -> root type name
	for _, m := range messages {
		raw, err := os.ReadFile(m.XSD)
		if err != nil {
			log.Fatal(err)
		}
		var s xsdSchema
		if err := xml.Unmarshal(raw, &s); err != nil {
			log.Fatalf("%s: %v", m.ID, err)
		}
		complexNames := map[string]bool{}
		for _, c := range s.Complex {
			complexNames[c.Name] = true
		}
		local := map[string]*ctype{}
		for _, c := range s.Complex {
			t := &ctype{Name: c.Name, From: m.ID}
			g := c.Sequence
			if c.Choice != nil {
				g, t.Choice = c.Choice, true
			}
			if g != nil {
				t.Any = len(g.Any) > 0
				for _, e := range g.Elements {
					f := field{Name: e.Name, Type: e.Type, Complex: complexNames[e.Type]}
					f.Optional = e.MinOccurs == "0" || t.Choice
					f.Repeated = e.MaxOccurs != "" && e.MaxOccurs != "1"
					t.Fields = append(t.Fields, f)
				}
			}
			if c.Simple != nil {
				t.Simple = true
				for _, a := range c.Simple.Ext.Attrs {
					t.Attrs = append(t.Attrs, a.Name)
				}
			}
			local[c.Name] = t
		}
		// The root element's type.
		var rootType string
		for _, e := range s.Elements {
			if e.Name == m.Root {
				rootType = e.Type
			}
		}
		if m.Root == "Document" {
			doc := local[rootType]
			if doc == nil || len(doc.Fields) != 1 {
				log.Fatalf("%s: unexpected Document shape", m.ID)
			}
			rootType = doc.Fields[0].Type
			roots[m.ID] = rootType + "|" + doc.Fields[0].Name
		} else {
			roots[m.ID] = rootType + "|" + m.Root
		}
		// Keep only types reachable from the root.
		var walk func(name string)
		seen := map[string]bool{}
		walk = func(name string) {
			if seen[name] {
				return
			}
			seen[name] = true
			t := local[name]
			for _, f := range t.Fields {
				if f.Complex {
					walk(f.Type)
				}
			}
		}
		walk(rootType)
		for name := range seen {
			t := local[name]
			if prev, ok := types[name]; ok {
				if prev.sig() != t.sig() {
					log.Fatalf("type %s differs between %s and %s", name, prev.From, m.ID)
				}
				continue
			}
			types[name] = t
		}
	}

	names := make([]string, 0, len(types))
	for n := range types {
		names = append(names, n)
	}
	sort.Strings(names)

	var tb, db, wb, ab bytes.Buffer
	slabs := map[string]bool{} // types allocated through a pointer
	reps := map[string]bool{}  // types of repeated elements (slices)
	wb.WriteString("// Code generated by formats/mx/typed/gen from the ISO 20022 XSDs of the manifest; DO NOT EDIT.\n\npackage typed\n\n")
	hdr := "// Code generated by formats/mx/typed/gen from the ISO 20022 XSDs of the manifest; DO NOT EDIT.\n\npackage typed\n\n"
	tb.WriteString(hdr)
	db.WriteString(hdr)

	// Message fields.
	tb.WriteString("// Documents holds the decoded business document of a message: exactly one\n// field is set, the one matching the Document namespace (or AppHdr alone).\ntype Documents struct {\n")
	for _, m := range messages {
		rt := strings.Split(roots[m.ID], "|")
		path := "/Document/" + rt[1]
		if m.Root != "Document" {
			path = "/" + m.Root
		}
		fmt.Fprintf(&tb, "\t// %s is the %s %s (%s), or nil.\n\t%s *%s\n", m.Field, m.ID, rt[1], path, m.Field, rt[0])
	}
	tb.WriteString("}\n\n")
	// Message definitions table.
	tb.WriteString("// Definitions lists the message definitions with a typed model: message\n// identifier, Go field of Documents, the root element under /Document, and\n// whether the payment view maps it.\nvar Definitions = []Definition{\n")
	for _, m := range messages {
		rt := strings.Split(roots[m.ID], "|")
		fmt.Fprintf(&tb, "\t{ID: %q, Field: %q, Element: %q, Type: %q, Payment: %v},\n", m.ID, m.Field, rt[1], rt[0], m.Payment)
	}
	tb.WriteString("}\n\n")

	for _, n := range names {
		t := types[n]
		kind := "sequence"
		if t.Choice {
			kind = "choice (at most one field is set)"
		}
		if t.Simple {
			kind = "simple content with attributes"
		}
		fmt.Fprintf(&tb, "// %s is the ISO 20022 type %s (%s).\ntype %s struct {\n\t// Pos is where the element starts in the input.\n\tPos Pos\n", n, n, kind, n)
		if t.Simple {
			tb.WriteString("\t// Value is the element's text, lexically as in the input.\n\tValue string\n")
			for _, a := range t.Attrs {
				fmt.Fprintf(&tb, "\t// %s is the %s attribute.\n\t%s string\n", a, a, a)
			}
		}
		for _, f := range t.Fields {
			gt := "Text"
			if f.Complex {
				gt = f.Type
			}
			switch {
			case f.Repeated:
				gt = "[]" + gt
			case f.Complex && f.Optional:
				gt = "*" + gt
			}
			opt := "mandatory"
			if f.Optional {
				opt = "optional"
			}
			if f.Repeated {
				opt += ", repeated"
			}
			fmt.Fprintf(&tb, "\t// %s is element %s (%s, %s).\n\t%s %s\n", f.Name, f.Name, f.Type, opt, f.Name, gt)
		}
		tb.WriteString("}\n\n")

		// Walker.
		fmt.Fprintf(&wb, "func (v *%s) walk(w *walker) {\n", n)
		for _, f := range t.Fields {
			ft := types[f.Type]
			isAmount := f.Complex && ft != nil && ft.Simple
			switch {
			case !f.Complex && f.Repeated:
				fmt.Fprintf(&wb, "\tfor i := range v.%s {\n\t\tw.text(%q, i, %s, %q, &v.%s[i])\n\t}\n", f.Name, f.Name, kindOf(f.Type), f.Type, f.Name)
			case !f.Complex:
				fmt.Fprintf(&wb, "\tif v.%s.Pos != 0 {\n\t\tw.text(%q, -1, %s, %q, &v.%s)\n\t}\n", f.Name, f.Name, kindOf(f.Type), f.Type, f.Name)
			case isAmount && f.Repeated:
				fmt.Fprintf(&wb, "\tfor i := range v.%s {\n\t\tw.amount(%q, i, %q, v.%s[i].Value, v.%s[i].Ccy, v.%s[i].Pos)\n\t}\n", f.Name, f.Name, f.Type, f.Name, f.Name, f.Name)
			case isAmount && f.Optional:
				fmt.Fprintf(&wb, "\tif v.%s != nil {\n\t\tw.amount(%q, -1, %q, v.%s.Value, v.%s.Ccy, v.%s.Pos)\n\t}\n", f.Name, f.Name, f.Type, f.Name, f.Name, f.Name)
			case isAmount:
				fmt.Fprintf(&wb, "\tif v.%s.Pos != 0 {\n\t\tw.amount(%q, -1, %q, v.%s.Value, v.%s.Ccy, v.%s.Pos)\n\t}\n", f.Name, f.Name, f.Type, f.Name, f.Name, f.Name)
			case f.Repeated:
				fmt.Fprintf(&wb, "\tfor i := range v.%s {\n\t\tn := w.push(%q, i, v.%s[i].Pos)\n\t\tv.%s[i].walk(w)\n\t\tw.pop(n)\n\t}\n", f.Name, f.Name, f.Name, f.Name)
			case f.Optional:
				fmt.Fprintf(&wb, "\tif v.%s != nil {\n\t\tn := w.push(%q, -1, v.%s.Pos)\n\t\tv.%s.walk(w)\n\t\tw.pop(n)\n\t}\n", f.Name, f.Name, f.Name, f.Name)
			default:
				fmt.Fprintf(&wb, "\tif v.%s.Pos != 0 {\n\t\tn := w.push(%q, -1, v.%s.Pos)\n\t\tv.%s.walk(w)\n\t\tw.pop(n)\n\t}\n", f.Name, f.Name, f.Name, f.Name)
			}
		}
		wb.WriteString("}\n\n")

		// Decoder.
		fmt.Fprintf(&db, "func (d *decoder) dec%s(v *%s, t *token) {\n\tv.Pos = t.pos\n", n, n)
		if t.Simple {
			for _, a := range t.Attrs {
				fmt.Fprintf(&db, "\tv.%s = d.attr(t, %q)\n", a, a)
			}
			db.WriteString("\tv.Value = d.textOf(t)\n}\n\n")
			continue
		}
		db.WriteString("\tif t.empty {\n\t\treturn\n\t}\n\tfor {\n\t\tvar c token\n\t\tif !d.child(&c) {\n\t\t\treturn\n\t\t}\n")
		if len(t.Fields) == 0 {
			db.WriteString("\t\td.skip(&c)\n\t}\n}\n\n")
			continue
		}
		db.WriteString("\t\tswitch string(c.name) {\n")
		for _, f := range t.Fields {
			fmt.Fprintf(&db, "\t\tcase %q:\n", f.Name)
			switch {
			case !f.Complex && f.Repeated:
				fmt.Fprintf(&db, "\t\t\tv.%s = d.a.addText(v.%s)\n\t\t\tv.%s[len(v.%s)-1] = d.text(&c)\n", f.Name, f.Name, f.Name, f.Name)
				reps["Text"] = true
			case !f.Complex:
				fmt.Fprintf(&db, "\t\t\tv.%s = d.text(&c)\n", f.Name)
			case f.Repeated:
				fmt.Fprintf(&db, "\t\t\tv.%s = d.a.add%s(v.%s)\n\t\t\td.dec%s(&v.%s[len(v.%s)-1], &c)\n", f.Name, f.Type, f.Name, f.Type, f.Name, f.Name)
				reps[f.Type] = true
			case f.Optional:
				fmt.Fprintf(&db, "\t\t\tv.%s = d.a.new%s()\n\t\t\td.dec%s(v.%s, &c)\n", f.Name, f.Type, f.Type, f.Name)
				slabs[f.Type] = true
			default:
				fmt.Fprintf(&db, "\t\t\td.dec%s(&v.%s, &c)\n", f.Type, f.Name)
			}
		}
		db.WriteString("\t\tdefault:\n\t\t\td.skip(&c)\n\t\t}\n\t}\n}\n\n")
	}

	// Root dispatch.
	db.WriteString("// decodeDocument decodes the root element of a known message definition.\nfunc (d *decoder) decodeDocument(id string, docs *Documents, t *token) bool {\n\tswitch id {\n")
	for _, m := range messages {
		rt := strings.Split(roots[m.ID], "|")
		if m.Root != "Document" {
			continue
		}
		slabs[rt[0]] = true
		fmt.Fprintf(&db, "\tcase %q:\n\t\tfor {\n\t\t\tvar c token\n\t\t\tif !d.child(&c) {\n\t\t\t\treturn true\n\t\t\t}\n\t\t\tif string(c.name) == %q && docs.%s == nil {\n\t\t\t\tdocs.%s = d.a.new%s()\n\t\t\t\td.dec%s(docs.%s, &c)\n\t\t\t} else {\n\t\t\t\td.skip(&c)\n\t\t\t}\n\t\t}\n", m.ID, rt[1], m.Field, m.Field, rt[0], rt[0], m.Field)
	}
	db.WriteString("\t}\n\treturn false\n}\n\n")
	rt := strings.Split(roots["head.001.001.02"], "|")
	fmt.Fprintf(&db, "// decodeAppHdr decodes a head.001.001.02 AppHdr element.\nfunc (d *decoder) decodeAppHdr(docs *Documents, t *token) {\n\tdocs.AppHdr = d.a.new%s()\n\td.dec%s(docs.AppHdr, t)\n}\n", rt[0], rt[0])
	slabs[rt[0]] = true

	// Arena: one slab per type allocated through a pointer (optional
	// elements and roots), reused by recycled messages.
	slabNames := make([]string, 0, len(slabs))
	for n := range slabs {
		slabNames = append(slabNames, n)
	}
	sort.Strings(slabNames)
	ab.WriteString(hdr)
	repNames := make([]string, 0, len(reps))
	for n := range reps {
		repNames = append(repNames, n)
	}
	sort.Strings(repNames)
	ab.WriteString("// arena holds the elements a decoder allocates through a pointer (optional\n// elements and message roots), one slab per type, and the arrays behind\n// repeated elements, per type: a recycled Message keeps its arena, so\n// decoding the next message reuses them. A nil arena (a Message never\n// recycled) allocates each on its own. used lists the slabs and arrays\n// handed out from since the last reset (a message uses a few of them), so\n// reset touches only those.\ntype arena struct {\n\tused []uint16\n")
	for _, n := range slabNames {
		fmt.Fprintf(&ab, "\ts%s []%s\n", n, n)
	}
	for _, n := range repNames {
		fmt.Fprintf(&ab, "\tr%s reps[%s]\n", n, n)
	}
	ab.WriteString("}\n\n")
	for i, n := range slabNames {
		fmt.Fprintf(&ab, "func (a *arena) new%s() *%s {\n\tif a == nil {\n\t\treturn new(%s)\n\t}\n\tif len(a.s%s) == 0 {\n\t\ta.used = append(a.used, %d)\n\t}\n\treturn alloc(&a.s%s)\n}\n\n", n, n, n, n, i, n)
	}
	for i, n := range repNames {
		fmt.Fprintf(&ab, "func (a *arena) add%s(s []%s) []%s {\n\tif a == nil {\n\t\treturn append(s, %s{})\n\t}\n\tif len(a.r%s.live) == 0 {\n\t\ta.used = append(a.used, %d)\n\t}\n\treturn a.r%s.add(s)\n}\n\n", n, n, n, n, n, len(slabNames)+i, n)
	}
	ab.WriteString("// reset zeroes every element handed out and empties the slabs and arrays\n// used.\nfunc (a *arena) reset() {\n\tfor _, k := range a.used {\n\t\tswitch k {\n")
	for i, n := range slabNames {
		fmt.Fprintf(&ab, "\t\tcase %d:\n\t\t\tresetSlab(&a.s%s)\n", i, n)
	}
	for i, n := range repNames {
		fmt.Fprintf(&ab, "\t\tcase %d:\n\t\t\ta.r%s.reset()\n", len(slabNames)+i, n)
	}
	ab.WriteString("\t\t}\n\t}\n\ta.used = a.used[:0]\n}\n")

	wb.WriteString("// walkDocuments walks the AppHdr and the document that are set.\nfunc (docs *Documents) walk(w *walker) {\n")
	for _, m := range messages {
		rt := strings.Split(roots[m.ID], "|")
		path := "/Document/" + rt[1]
		if m.Root != "Document" {
			path = "/" + m.Root
		}
		fmt.Fprintf(&wb, "\tif docs.%s != nil {\n\t\tn := w.root(%q, docs.%s.Pos)\n\t\tdocs.%s.walk(w)\n\t\tw.pop(n)\n\t}\n", m.Field, path, m.Field, m.Field)
	}
	wb.WriteString("}\n")
	for name, b := range map[string]*bytes.Buffer{"types_gen.go": &tb, "decode_gen.go": &db, "walk_gen.go": &wb, "arena_gen.go": &ab} {
		src, err := format.Source(b.Bytes())
		if err != nil {
			os.WriteFile(filepath.Join(*out, name+".broken"), b.Bytes(), 0o644)
			log.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(*out, name), src, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("gen: %d types for %d messages\n", len(names), len(messages))
}

// kindOf maps an XSD simple type to the leaf kind rules select on.
func kindOf(typ string) string {
	switch {
	case typ == "ActiveCurrencyCode" || typ == "ActiveOrHistoricCurrencyCode":
		return "KindCurrency"
	case typ == "CountryCode":
		return "KindCountry"
	case typ == "IBAN2007Identifier":
		return "KindIBAN"
	case typ == "BICFIDec2014Identifier" || typ == "AnyBICDec2014Identifier":
		return "KindBIC"
	case strings.HasPrefix(typ, "Max") && strings.HasSuffix(typ, "Text") && !strings.Contains(typ, "Numeric"):
		return "KindText"
	case typ == "DecimalNumber":
		return "KindDecimal"
	}
	return "KindOther"
}
