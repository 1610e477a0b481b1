package mx

import (
	"os"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// FuzzParse runs the whole MX format (scan, envelope, schema validation)
// on arbitrary input: it must never panic, and every finding is located,
// MX-style (an XPath, "/" for the document as a whole).
func FuzzParse(f *testing.F) {
	for _, name := range []string{"valid_pacs008_envelope.xml", "valid_pacs008_prefixed.xml", "invalid_many_faults.xml"} {
		if b, err := os.ReadFile("../../testdata/mx/schema/" + name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`<!DOCTYPE a [<!ENTITY x "y">]><Document>&x;</Document>`))
	f.Add([]byte("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08\">\xff</Document>"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var fs engine.Findings
		m := testFormat.Parse(raw, &fs)
		if m == nil && fs.Errors() == 0 {
			t.Fatal("no message and no error")
		}
		for _, x := range fs.List() {
			if x.Code == "" || x.Message == "" || x.Location.Line < 0 || !x.Location.IsMX() {
				t.Fatalf("bad finding %+v", x)
			}
		}
	})
}
