package xsd

import (
	"strings"
	"testing"

	"github.com/swiftval/swiftval/formats/mx/manifest"
)

// schemaFiles lists the XSD files of the shipped message definitions (the
// manifest's entries), failing the test when the shared schemas or the
// moov-io module are absent. An XSD that lies in ../shared/xsd without a
// manifest entry is not read.
func schemaFiles(t testing.TB) []string {
	shared, moov, err := manifest.Dirs("")
	if err != nil {
		t.Fatalf("XSD sources absent: %v", err)
	}
	var files []string
	for _, e := range manifest.All() {
		files = append(files, e.XSDPath(shared, moov))
	}
	return files
}

func TestReadAllSchemas(t *testing.T) {
	files := schemaFiles(t)
	for _, f := range files {
		s, err := ReadFile(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if s.Element("Document") == nil && s.Element("AppHdr") == nil {
			t.Errorf("%s: no Document or AppHdr element", f)
		}
		if _, err := Compile(s); err != nil {
			t.Errorf("compile: %v", err)
		}
	}
}

func TestReadErrors(t *testing.T) {
	head := `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:t" targetNamespace="urn:t" elementFormDefault="qualified">` + "\n"
	tests := []struct {
		name, body string
		line       int
		want       string
	}{
		{"import", `<xs:import namespace="x"/>`, 2, "unsupported XSD construct xs:import"},
		{"anon type", `<xs:element name="A"><xs:complexType/></xs:element>`, 2, "anonymous"},
		{"bad occurs", "<xs:complexType name=\"T\"><xs:sequence>\n<xs:element name=\"A\" type=\"xs:string\" maxOccurs=\"x\"/></xs:sequence></xs:complexType>", 3, "bad maxOccurs"},
		{"bad prefix", `<xs:element name="A" type="q:T"/>`, 2, "undeclared prefix"},
		{"not xml", `<xs:element name="A" type="xs:string"></xs:elem>`, 2, "does not match"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read("t.xsd", []byte(head+tc.body+"\n</xs:schema>"))
			se, ok := err.(*SchemaError)
			if !ok {
				t.Fatalf("got %v, want *SchemaError", err)
			}
			if se.Line != tc.line || !strings.Contains(se.Msg, tc.want) || se.File != "t.xsd" {
				t.Errorf("got %v, want line %d containing %q", se, tc.line, tc.want)
			}
		})
	}
}
