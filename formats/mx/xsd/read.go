package xsd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/swiftval/swiftval/formats/mx/xmlscan"
)

// SchemaError is an error in a schema file, with its place.
type SchemaError struct {
	File string
	Line int
	Msg  string
}

// Error implements error: "file:line: message".
func (e *SchemaError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ReadFile reads the schema file at path. See Read.
func ReadFile(path string) (*Schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Read(path, data)
}

// Read reads a schema from data; file names it in errors and in
// Schema.File. The error is a *SchemaError for any problem in the schema
// (not well-formed, unsupported construct, bad attribute value).
func Read(file string, data []byte) (*Schema, error) {
	r := &reader{file: file, s: xmlscan.NewScanner(data, xmlscan.Limits{})}
	sch, err := r.schema()
	if err != nil {
		var se *SchemaError
		if errors.As(err, &se) {
			return nil, err
		}
		var xe *xmlscan.Error
		if errors.As(err, &xe) {
			return nil, &SchemaError{File: file, Line: xe.Line, Msg: xe.Msg}
		}
		return nil, &SchemaError{File: file, Line: 1, Msg: err.Error()}
	}
	sch.File = file
	return sch, nil
}

type reader struct {
	file string
	s    *xmlscan.Scanner
	tns  string
}

var xsdNS = []byte(XSDNamespace)

// ln returns the line of a token.
func (r *reader) ln(t *xmlscan.Token) int { return r.s.Line(t.Offset) }

func (r *reader) errf(line int, format string, args ...any) error {
	return &SchemaError{File: r.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// next returns the next start or end tag, skipping text.
func (r *reader) next() (*xmlscan.Token, error) {
	for {
		t, err := r.s.Next()
		if err != nil {
			if err == io.EOF {
				return nil, r.errf(0, "unexpected end of schema")
			}
			return nil, err
		}
		if t.Kind == xmlscan.Text {
			if len(bytes.TrimSpace(t.Text)) > 0 {
				return nil, r.errf(r.ln(t), "unexpected text in schema")
			}
			continue
		}
		return t, nil
	}
}

// skip consumes the rest of the element just started.
func (r *reader) skip(t *xmlscan.Token) error {
	depth := t.Depth
	for {
		t, err := r.s.Next()
		if err != nil {
			return err
		}
		if t.Kind == xmlscan.EndElement && t.Depth == depth {
			return nil
		}
	}
}

type attrs map[string]string

func (r *reader) attrs(t *xmlscan.Token) attrs {
	m := make(attrs, len(t.Attrs))
	for _, a := range t.Attrs {
		if len(a.Name.Space) == 0 {
			m[string(a.Name.Local)] = string(a.Value)
		}
	}
	return m
}

func isXSD(t *xmlscan.Token, local string) bool {
	return bytes.Equal(t.Name.Space, xsdNS) && string(t.Name.Local) == local
}

func (r *reader) qname(v string, line int) (QName, error) {
	prefix, local := "", v
	if i := strings.IndexByte(v, ':'); i >= 0 {
		prefix, local = v[:i], v[i+1:]
	}
	if local == "" {
		return QName{}, r.errf(line, "empty type name")
	}
	ns, ok := r.s.LookupPrefix([]byte(prefix))
	if !ok {
		return QName{}, r.errf(line, "undeclared prefix %q in type name %q", prefix, v)
	}
	return QName{Space: string(ns), Local: local}, nil
}

func (r *reader) occurs(a attrs, line int) (int, int, error) {
	lo, hi := 1, 1
	if v, ok := a["minOccurs"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, r.errf(line, "bad minOccurs %q", v)
		}
		lo = n
	}
	if v, ok := a["maxOccurs"]; ok {
		if v == "unbounded" {
			hi = Unbounded
		} else {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return 0, 0, r.errf(line, "bad maxOccurs %q", v)
			}
			hi = n
		}
	}
	if hi != Unbounded && hi < lo {
		return 0, 0, r.errf(line, "maxOccurs %d is below minOccurs %d", hi, lo)
	}
	return lo, hi, nil
}

func (r *reader) schema() (*Schema, error) {
	t, err := r.next()
	if err != nil {
		return nil, err
	}
	if !isXSD(t, "schema") {
		return nil, r.errf(r.ln(t), "root element is not xs:schema")
	}
	a := r.attrs(t)
	r.tns = a["targetNamespace"]
	if v := a["elementFormDefault"]; v != "qualified" {
		return nil, r.errf(r.ln(t), "elementFormDefault %q is not supported (only \"qualified\", as in ISO 20022 schemas)", v)
	}
	sch := &Schema{TargetNamespace: r.tns}
	for {
		t, err := r.next()
		if err != nil {
			return nil, err
		}
		if t.Kind == xmlscan.EndElement {
			break
		}
		if !bytes.Equal(t.Name.Space, xsdNS) {
			return nil, r.errf(r.ln(t), "unexpected element <%s> in schema", t.Name.Local)
		}
		switch string(t.Name.Local) {
		case "annotation":
			err = r.skip(t)
		case "element":
			var e *Element
			e, err = r.element(t)
			if e != nil {
				e.MinOccurs, e.MaxOccurs = 1, 1
				sch.Elements = append(sch.Elements, e)
			}
		case "complexType":
			var ct *ComplexType
			ct, err = r.complexType(t)
			if ct != nil {
				sch.ComplexTypes = append(sch.ComplexTypes, ct)
			}
		case "simpleType":
			var st *SimpleType
			st, err = r.simpleType(t)
			if st != nil {
				sch.SimpleTypes = append(sch.SimpleTypes, st)
			}
		default:
			err = r.errf(r.ln(t), "unsupported XSD construct xs:%s", t.Name.Local)
		}
		if err != nil {
			return nil, err
		}
	}
	if _, err := r.s.Next(); err != io.EOF {
		if err == nil {
			err = r.errf(0, "content after xs:schema")
		}
		return nil, err
	}
	return sch, nil
}

// body reads the children of the element t, skipping annotations and
// calling fn for each other child.
func (r *reader) body(t *xmlscan.Token, fn func(c *xmlscan.Token) error) error {
	if t.SelfClosing {
		_, err := r.next()
		return err
	}
	for {
		c, err := r.next()
		if err != nil {
			return err
		}
		if c.Kind == xmlscan.EndElement {
			return nil
		}
		if isXSD(c, "annotation") {
			if err := r.skip(c); err != nil {
				return err
			}
			continue
		}
		if !bytes.Equal(c.Name.Space, xsdNS) {
			return r.errf(r.ln(c), "unexpected element <%s> in schema", c.Name.Local)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
}

func (r *reader) element(t *xmlscan.Token) (*Element, error) {
	a := r.attrs(t)
	line := r.ln(t)
	e := &Element{Name: a["name"], Line: line}
	if e.Name == "" {
		if a["ref"] != "" {
			return nil, r.errf(line, "unsupported XSD construct: element ref")
		}
		return nil, r.errf(line, "element without a name")
	}
	for _, k := range []string{"ref", "substitutionGroup"} {
		if _, ok := a[k]; ok {
			return nil, r.errf(line, "unsupported XSD construct: element attribute %s", k)
		}
	}
	// Harmless when they say what is assumed anyway.
	for k, ok := range map[string]string{"abstract": "false", "nillable": "false", "form": "qualified"} {
		if v, has := a[k]; has && v != ok {
			return nil, r.errf(line, "unsupported XSD construct: element attribute %s=%q", k, v)
		}
	}
	if v, ok := a["fixed"]; ok {
		e.Fixed, e.HasFixed = v, true
	}
	if v, ok := a["default"]; ok {
		if e.HasFixed {
			return nil, r.errf(line, "element %s has both default and fixed", e.Name)
		}
		e.Default, e.HasDefault = v, true
	}
	var err error
	if e.MinOccurs, e.MaxOccurs, err = r.occurs(a, line); err != nil {
		return nil, err
	}
	tn, ok := a["type"]
	if !ok {
		return nil, r.errf(line, "unsupported XSD construct: element %s without a named type (anonymous types)", e.Name)
	}
	if e.Type, err = r.qname(tn, line); err != nil {
		return nil, err
	}
	err = r.body(t, func(c *xmlscan.Token) error {
		return r.errf(r.ln(c), "unsupported XSD construct xs:%s inside element %s", c.Name.Local, e.Name)
	})
	return e, err
}

func (r *reader) complexType(t *xmlscan.Token) (*ComplexType, error) {
	a := r.attrs(t)
	ct := &ComplexType{Name: a["name"], Line: r.ln(t), Mixed: a["mixed"] == "true"}
	if ct.Name == "" {
		return nil, r.errf(r.ln(t), "unsupported XSD construct: anonymous complexType")
	}
	err := r.body(t, func(c *xmlscan.Token) error {
		switch string(c.Name.Local) {
		case "sequence", "choice":
			if ct.Content != nil || ct.SimpleContent != nil {
				return r.errf(r.ln(c), "complexType %s has more than one content model", ct.Name)
			}
			g, err := r.group(c)
			ct.Content = g
			return err
		case "simpleContent":
			if ct.Content != nil || ct.SimpleContent != nil {
				return r.errf(r.ln(c), "complexType %s has more than one content model", ct.Name)
			}
			sc, err := r.simpleContent(c)
			ct.SimpleContent = sc
			return err
		case "attribute":
			at, err := r.attribute(c)
			if at != nil {
				ct.Attributes = append(ct.Attributes, at)
			}
			return err
		}
		return r.errf(r.ln(c), "unsupported XSD construct xs:%s in complexType %s", c.Name.Local, ct.Name)
	})
	return ct, err
}

func (r *reader) group(t *xmlscan.Token) (*Group, error) {
	a := r.attrs(t)
	g := &Group{Kind: Sequence, Line: r.ln(t)}
	if string(t.Name.Local) == "choice" {
		g.Kind = Choice
	}
	var err error
	if g.MinOccurs, g.MaxOccurs, err = r.occurs(a, r.ln(t)); err != nil {
		return nil, err
	}
	err = r.body(t, func(c *xmlscan.Token) error {
		switch string(c.Name.Local) {
		case "element":
			e, err := r.element(c)
			if e != nil {
				g.Particles = append(g.Particles, Particle{Element: e})
			}
			return err
		case "sequence", "choice":
			sg, err := r.group(c)
			if sg != nil {
				g.Particles = append(g.Particles, Particle{Group: sg})
			}
			return err
		case "any":
			ca := r.attrs(c)
			w := &Any{Namespace: ca["namespace"], ProcessContents: ca["processContents"], Line: r.ln(c)}
			if w.Namespace == "" {
				w.Namespace = "##any"
			}
			if w.ProcessContents == "" {
				w.ProcessContents = "strict"
			}
			var err error
			if w.MinOccurs, w.MaxOccurs, err = r.occurs(ca, r.ln(c)); err != nil {
				return err
			}
			g.Particles = append(g.Particles, Particle{Any: w})
			return r.body(c, func(cc *xmlscan.Token) error {
				return r.errf(r.ln(cc), "unexpected xs:%s in xs:any", cc.Name.Local)
			})
		}
		return r.errf(r.ln(c), "unsupported XSD construct xs:%s in xs:%s", c.Name.Local, g.Kind)
	})
	return g, err
}

func (r *reader) simpleContent(t *xmlscan.Token) (*SimpleContent, error) {
	sc := &SimpleContent{Line: r.ln(t)}
	seen := false
	err := r.body(t, func(c *xmlscan.Token) error {
		if string(c.Name.Local) != "extension" || seen {
			return r.errf(r.ln(c), "unsupported XSD construct xs:%s in simpleContent (only one xs:extension)", c.Name.Local)
		}
		seen = true
		b, ok := r.attrs(c)["base"]
		if !ok {
			return r.errf(r.ln(c), "extension without a base")
		}
		var err error
		if sc.Base, err = r.qname(b, r.ln(c)); err != nil {
			return err
		}
		return r.body(c, func(cc *xmlscan.Token) error {
			if string(cc.Name.Local) != "attribute" {
				return r.errf(r.ln(cc), "unsupported XSD construct xs:%s in extension", cc.Name.Local)
			}
			at, err := r.attribute(cc)
			if at != nil {
				sc.Attributes = append(sc.Attributes, at)
			}
			return err
		})
	})
	if err == nil && !seen {
		err = r.errf(r.ln(t), "simpleContent without an extension")
	}
	return sc, err
}

func (r *reader) attribute(t *xmlscan.Token) (*Attribute, error) {
	a := r.attrs(t)
	at := &Attribute{Name: a["name"], Line: r.ln(t)}
	if at.Name == "" {
		return nil, r.errf(r.ln(t), "unsupported XSD construct: attribute without a name")
	}
	switch a["use"] {
	case "", "optional":
	case "required":
		at.Required = true
	default:
		return nil, r.errf(r.ln(t), "unsupported attribute use %q", a["use"])
	}
	for _, k := range []string{"ref", "default", "fixed", "form"} {
		if _, ok := a[k]; ok {
			return nil, r.errf(r.ln(t), "unsupported XSD construct: attribute %s", k)
		}
	}
	tn, ok := a["type"]
	if !ok {
		return nil, r.errf(r.ln(t), "unsupported XSD construct: attribute %s without a named type", at.Name)
	}
	var err error
	if at.Type, err = r.qname(tn, r.ln(t)); err != nil {
		return nil, err
	}
	err = r.body(t, func(c *xmlscan.Token) error {
		return r.errf(r.ln(c), "unsupported XSD construct xs:%s in attribute", c.Name.Local)
	})
	return at, err
}

func (r *reader) simpleType(t *xmlscan.Token) (*SimpleType, error) {
	a := r.attrs(t)
	st := &SimpleType{Name: a["name"], Line: r.ln(t), Facets: NewFacets()}
	if st.Name == "" {
		return nil, r.errf(r.ln(t), "unsupported XSD construct: anonymous simpleType")
	}
	seen := false
	err := r.body(t, func(c *xmlscan.Token) error {
		if string(c.Name.Local) != "restriction" || seen {
			return r.errf(r.ln(c), "unsupported XSD construct xs:%s in simpleType %s (only xs:restriction)", c.Name.Local, st.Name)
		}
		seen = true
		b, ok := r.attrs(c)["base"]
		if !ok {
			return r.errf(r.ln(c), "restriction without a base (anonymous base types are not supported)")
		}
		var err error
		if st.Base, err = r.qname(b, r.ln(c)); err != nil {
			return err
		}
		f := &st.Facets
		return r.body(c, func(fc *xmlscan.Token) error {
			fa := r.attrs(fc)
			v, ok := fa["value"]
			if !ok {
				return r.errf(r.ln(fc), "facet xs:%s without a value", fc.Name.Local)
			}
			name := string(fc.Name.Local)
			num := func(dst *int) error {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || n < 0 {
					return r.errf(r.ln(fc), "bad %s value %q", name, v)
				}
				*dst = n
				return nil
			}
			var err error
			switch name {
			case "pattern":
				f.Patterns = append(f.Patterns, v)
			case "enumeration":
				f.Enumeration = append(f.Enumeration, v)
			case "length":
				err = num(&f.Length)
			case "minLength":
				err = num(&f.MinLength)
			case "maxLength":
				err = num(&f.MaxLength)
			case "totalDigits":
				err = num(&f.TotalDigits)
				if err == nil && f.TotalDigits == 0 {
					err = r.errf(r.ln(fc), "totalDigits must be positive")
				}
			case "fractionDigits":
				err = num(&f.FractionDigits)
			case "minInclusive":
				f.MinInclusive = strings.TrimSpace(v)
			case "maxInclusive":
				f.MaxInclusive = strings.TrimSpace(v)
			case "minExclusive":
				f.MinExclusive = strings.TrimSpace(v)
			case "maxExclusive":
				f.MaxExclusive = strings.TrimSpace(v)
			case "whiteSpace":
				if v != "preserve" && v != "replace" && v != "collapse" {
					return r.errf(r.ln(fc), "bad whiteSpace value %q", v)
				}
				f.WhiteSpace = v
			default:
				return r.errf(r.ln(fc), "unsupported facet xs:%s", name)
			}
			if err != nil {
				return err
			}
			return r.body(fc, func(cc *xmlscan.Token) error {
				return r.errf(r.ln(cc), "unexpected xs:%s in facet", cc.Name.Local)
			})
		})
	})
	if err == nil && !seen {
		err = r.errf(r.ln(t), "simpleType %s without a restriction", st.Name)
	}
	return st, err
}
