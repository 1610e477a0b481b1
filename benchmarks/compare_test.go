package benchmarks

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"testing"

	"github.com/moov-io/iso20022/pkg/document"
	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
)

// node is a generic XML tree: what plain encoding/xml unmarshalling costs
// without any schema knowledge.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Content  []byte     `xml:",chardata"`
	Children []node     `xml:",any"`
}

// BenchmarkMXCompare runs, on the same shared MX messages, swiftval's whole
// validation, moov-io/iso20022 (ParseIso20022Document then Validate), plain
// encoding/xml unmarshalling into a generic tree, and encoding/xml
// tokenising alone. moov-io and encoding/xml get the Document element (moov
// cannot parse the envelope of the CBPR+ file); swiftval gets the whole
// input, and the Document alone as well.
func BenchmarkMXCompare(b *testing.B) {
	eng := swiftval.New(engine.Options{})
	ctx := context.Background()
	for _, f := range sharedMX {
		b.Run(f.name, func(b *testing.B) {
			raw := sharedFile(b, f.path)
			doc := documentPart(raw)
			if _, err := document.ParseIso20022Document(doc); err != nil {
				b.Fatalf("moov-io cannot parse %s: %v", f.name, err)
			}
			b.Run("swiftval", func(b *testing.B) {
				b.SetBytes(int64(len(raw)))
				b.ReportAllocs()
				for b.Loop() {
					eng.Validate(ctx, raw)
				}
			})
			if len(doc) != len(raw) {
				b.Run("swiftval-document", func(b *testing.B) {
					b.SetBytes(int64(len(doc)))
					b.ReportAllocs()
					for b.Loop() {
						eng.Validate(ctx, doc)
					}
				})
			}
			b.Run("moov-iso20022", func(b *testing.B) {
				b.SetBytes(int64(len(doc)))
				b.ReportAllocs()
				for b.Loop() {
					d, err := document.ParseIso20022Document(doc)
					if err != nil {
						b.Fatal(err)
					}
					_ = d.Validate()
				}
			})
			b.Run("encoding-xml-unmarshal", func(b *testing.B) {
				b.SetBytes(int64(len(doc)))
				b.ReportAllocs()
				for b.Loop() {
					var n node
					if err := xml.Unmarshal(doc, &n); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("encoding-xml-tokens", func(b *testing.B) {
				b.SetBytes(int64(len(doc)))
				b.ReportAllocs()
				for b.Loop() {
					d := xml.NewDecoder(bytes.NewReader(doc))
					for {
						if _, err := d.RawToken(); err == io.EOF {
							break
						} else if err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		})
	}
}

// TestMXCompareInputs checks that the compared libraries accept the shared
// messages, so the comparison measures work done rather than early errors.
func TestMXCompareInputs(t *testing.T) {
	for _, f := range sharedMX {
		t.Run(f.name, func(t *testing.T) {
			doc := documentPart(sharedFile(t, f.path))
			d, err := document.ParseIso20022Document(doc)
			if err != nil {
				t.Fatalf("moov-io parse: %v", err)
			}
			if err := d.Validate(); err != nil {
				t.Logf("moov-io Validate reports: %v", err)
			}
			var n node
			if err := xml.Unmarshal(doc, &n); err != nil || n.XMLName.Local != "Document" {
				t.Errorf("encoding/xml: %v, root %q", err, n.XMLName.Local)
			}
		})
	}
}
