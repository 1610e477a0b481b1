package xsd

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// moovSpecs returns the directory of the XSDs shipped in the moov-io module,
// or "" when the module is not in the module cache.
func moovSpecs(t testing.TB) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/moov-io/iso20022").Output()
	if err != nil {
		return ""
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "docs", "specifications")
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}

// schemaFiles lists every XSD of the shared corpus and of the moov module.
func schemaFiles(t testing.TB) []string {
	var files []string
	if m, _ := filepath.Glob("../../../../shared/xsd/*.xsd"); len(m) > 0 {
		files = append(files, m...)
	}
	if d := moovSpecs(t); d != "" {
		_ = filepath.Walk(d, func(p string, info os.FileInfo, err error) error {
			if err == nil && strings.HasSuffix(p, ".xsd") {
				files = append(files, p)
			}
			return nil
		})
	}
	return files
}

func TestReadAllSchemas(t *testing.T) {
	files := schemaFiles(t)
	if len(files) == 0 {
		t.Skip("no XSD files found (shared/xsd and the moov-io module are both absent)")
	}
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
