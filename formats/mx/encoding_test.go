package mx

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
)

func utf16Bytes(s string, big, bom bool) []byte {
	var out []byte
	var order binary.AppendByteOrder = binary.LittleEndian
	if big {
		order = binary.BigEndian
	}
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	for _, u := range units {
		out = order.AppendUint16(out, u)
	}
	return out
}

func utf32BE(s string) []byte {
	out := []byte{0, 0, 0xFE, 0xFF}
	for _, r := range s {
		out = binary.BigEndian.AppendUint32(out, uint32(r))
	}
	return out
}

// TestWideEncodingsDetected reproduces issue 17, item 8: XML encoded as
// UTF-16 (with a byte-order mark) was "neither MT nor MX" (SV010), though
// the MX format has a finding for exactly that. XML in UTF-16 (with or
// without a mark) or UTF-32 is now detected as MX and reported SVX203,
// located MX-style.
func TestWideEncodingsDetected(t *testing.T) {
	e := engine.New(engine.Options{})
	e.RegisterFormat(mt.NewFormat()) // detection order as shipped: MT first
	e.RegisterFormat(testFormat)
	xml := `<?xml version="1.0" encoding="UTF-16"?>` + "\n" + `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"/>`
	tests := []struct {
		name string
		in   []byte
	}{
		{"UTF-16LE with BOM", utf16Bytes(xml, false, true)},
		{"UTF-16BE with BOM", utf16Bytes(xml, true, true)},
		{"UTF-16LE without BOM", utf16Bytes(xml, false, false)},
		{"UTF-16BE without BOM", utf16Bytes(xml, true, false)},
		{"UTF-16LE, whitespace first", utf16Bytes("\r\n "+xml, false, true)},
		{"UTF-32BE with BOM", utf32BE(xml)},
		{"UTF-8 declared UTF-16", []byte(xml)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !testFormat.Detect(tc.in) {
				t.Fatal("not detected as MX")
			}
			r := e.Validate(context.Background(), tc.in)
			if r.Format != "mx" || r.Valid || len(r.Findings) != 1 || r.Findings[0].Code != CodeEncoding {
				t.Fatalf("report %s", r.AppendJSON(nil))
			}
			js := string(r.AppendJSON(nil))
			if !strings.Contains(js, `"location":{"path":"/","line":1`) || strings.Contains(js, `"block"`) {
				t.Errorf("location is not MX-shaped: %s", js)
			}
		})
	}
	for _, in := range [][]byte{utf16Bytes("{1:F01BANK}", false, true), utf16Bytes("hello", true, false), {0xFF, 0xFE}, {0, 0}, []byte("A\x00")} {
		if testFormat.Detect(in) {
			t.Errorf("Detect(%q) = true", in)
		}
	}
}

// TestXMLFindingsMXShaped: every finding the MX format reports carries an
// MX location (an XPath, "/" for the document as a whole, and a line),
// never the MT shape (block, field, column) that an empty path encodes
// as.
func TestXMLFindingsMXShaped(t *testing.T) {
	for _, in := range []string{
		"<?xml version=\"1.0\"?>\n<!-- x --><",
		"<?xml version=\"1.0\"?>\n<Foo/>",
		`<?xml version="1.0" encoding="ISO-8859-1"?><Document/>`,
		"\xff\xfe<\x00",
		`<!DOCTYPE d SYSTEM "http://example.com/x.dtd"><Document/>`,
		"<?xml version=\"1.0\"?>\n<E><Document xmlns=\"urn:x\"><a></b></Document></E>",
		`<E><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"/><Document xmlns="urn:x"><a></b></Document></E>`,
		"\x00",
	} {
		var fs engine.Findings
		testFormat.Parse([]byte(in), &fs)
		if fs.Len() == 0 {
			t.Errorf("%q: no finding", in)
		}
		for _, f := range fs.List() {
			if !f.Location.IsMX() || f.Location.Line < 1 {
				t.Errorf("%q: %s located %+v", in, f.Code, f.Location)
			}
		}
	}
}
