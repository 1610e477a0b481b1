package xsd

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/swiftval/swiftval/formats/mx/xmlscan"
)

const fuzzSchema = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:f" targetNamespace="urn:f" elementFormDefault="qualified">
<xs:element name="Document" type="D"/>
<xs:complexType name="D"><xs:sequence><xs:element name="A" type="Amt" maxOccurs="3"/><xs:choice minOccurs="0"><xs:element name="B" type="Code"/><xs:element name="C" type="xs:date"/></xs:choice><xs:any namespace="##other" processContents="lax" minOccurs="0"/></xs:sequence></xs:complexType>
<xs:complexType name="Amt"><xs:simpleContent><xs:extension base="Dec"><xs:attribute name="Ccy" type="Code" use="required"/></xs:extension></xs:simpleContent></xs:complexType>
<xs:simpleType name="Dec"><xs:restriction base="xs:decimal"><xs:totalDigits value="5"/><xs:fractionDigits value="2"/><xs:minInclusive value="0"/></xs:restriction></xs:simpleType>
<xs:simpleType name="Code"><xs:restriction base="xs:string"><xs:pattern value="[A-Z]{3,3}"/><xs:enumeration value="EUR"/><xs:enumeration value="USD"/></xs:restriction></xs:simpleType>
</xs:schema>`

type countReporter struct{ n int }

func (c *countReporter) Violation(v *Violation) {
	c.n++
	if v.Line < 1 || v.Path == "" || v.Msg == "" {
		panic("unlocated violation")
	}
}

// FuzzCompile reads and compiles arbitrary schema text, then validates a
// fixed document with what compiled: no panic, no hang.
func FuzzCompile(f *testing.F) {
	f.Add([]byte(fuzzSchema))
	f.Add([]byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:f" elementFormDefault="qualified"><xs:element name="Document" type="xs:string"/></xs:schema>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Read("fuzz.xsd", data)
		if err != nil {
			if _, ok := err.(*SchemaError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		v, err := Compile(s)
		if err != nil {
			return
		}
		var r countReporter
		_ = v.Validate([]byte(`<Document xmlns="urn:f"><A Ccy="EUR">1.5</A><B>USD</B></Document>`), &r)
	})
}

// fuzzValidator compiles fuzzSchema, the fixed schema of the fuzz targets
// and of the tests that use the same schema.
func fuzzValidator(tb testing.TB) *Validator {
	tb.Helper()
	s, err := Read("fuzz.xsd", []byte(fuzzSchema))
	if err != nil {
		tb.Fatal(err)
	}
	v, err := Compile(s)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// FuzzValidate validates arbitrary documents against a fixed schema.
func FuzzValidate(f *testing.F) {
	v := fuzzValidator(f)
	for _, d := range []string{
		`<Document xmlns="urn:f"><A Ccy="EUR">1.5</A><B>USD</B></Document>`,
		`<Document xmlns="urn:f"><A>1.555</A><A Ccy="x">-1</A><C>2024-02-30</C><x:Y xmlns:x="u"/></Document>`,
		`<f:Document xmlns:f="urn:f"><f:B>EUR</f:B></f:Document>`,
	} {
		f.Add([]byte(d))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var r countReporter
		_ = v.Validate(doc, &r)
		// Leaves fed through Scanner.LeafText and Session.Leaf give the
		// violations token by token gives.
		var a, b listReporter
		errA := v.Validate(doc, &a)
		errB := validateLeaves(v, doc, &b)
		if fmt.Sprint(a.list, errA) != fmt.Sprint(b.list, errB) {
			t.Fatalf("token by token:\n%v %v\nleaf by leaf:\n%v %v", a.list, errA, b.list, errB)
		}
	})
}

type listReporter struct{ list []string }

func (l *listReporter) Violation(v *Violation) {
	l.list = append(l.list, fmt.Sprintf("%d %s %d:%d %s %q\n", v.Kind, v.Path, v.Line, v.Column, v.Msg, v.Expected))
}

// validateLeaves is Validate reading each leaf element through
// Scanner.LeafText and Session.Leaf, as the MX format's typed decoder does.
func validateLeaves(v *Validator, doc []byte, rep Reporter) error {
	sc := xmlscan.NewScanner(doc, xmlscan.Limits{})
	var s Session
	started := false
	for {
		tok, err := sc.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if !started {
			if tok.Kind != xmlscan.StartElement {
				continue
			}
			v.Start(&s, sc, tok, rep)
			started = true
			continue
		}
		s.Token(tok)
		if tok.Kind == xmlscan.StartElement && !tok.SelfClosing {
			if text, end, ok := sc.LeafText(); ok {
				s.Leaf(text, end)
			}
		}
	}
}

// FuzzLoadCompiled loads arbitrary bytes as a load-ready schema and, when
// they load, validates a fixed document with the result: errors are fine,
// a panic or a hang is not.
func FuzzLoadCompiled(f *testing.F) {
	v := fuzzValidator(f)
	img, err := v.MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(img)
	f.Add([]byte(imageMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := LoadCompiled(string(data))
		if err != nil {
			return
		}
		var r countReporter
		_ = w.Validate([]byte(`<Document xmlns="urn:f"><A Ccy="EUR">1.5</A><A Ccy="EUR">1.5</A><B>USD</B><C>2024-01-01</C></Document>`), &r)
	})
}
