package xsd

import (
	"os"
	"testing"

	"github.com/swiftval/swiftval/formats/mx/xmlscan"
)

func BenchmarkValidate(b *testing.B) {
	raw, err := os.ReadFile("../../../../shared/corpus/mx/moov-io__wire20022/CustomerCreditTransfer__swiftSample__CustomerCreditTransfer_Scenario1_Step1_pacs.008.xml")
	if err != nil {
		b.Skip("shared corpus not found")
	}
	s, err := ReadFile("../../../../shared/xsd/pacs.008.001.08.xsd")
	if err != nil {
		b.Skip("shared xsd not found")
	}
	v, err := Compile(s)
	if err != nil {
		b.Fatal(err)
	}
	var r countReporter
	var sess Session
	sc := xmlscan.NewScanner(raw, xmlscan.Limits{})
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		sc.Reset(raw)
		tok, _ := sc.Next()
		v.Start(&sess, sc, tok, &r)
		for {
			tok, err := sc.Next()
			if err != nil || sess.Token(tok) {
				break
			}
		}
	}
	if r.n != 0 {
		b.Fatal("violations")
	}
}

// BenchmarkCompile measures compiling one large CBPR+ schema: what a
// --schemas directory costs at start per file, and what the shipped
// schemas no longer cost (they are compiled by make generate).
func BenchmarkCompile(b *testing.B) {
	s, err := ReadFile("../../../../shared/xsd/pacs.008.001.08.xsd")
	if err != nil {
		b.Skip("shared xsd not found")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadCompiled measures loading the same schema from its
// load-ready form, what the first message of a shipped namespace pays.
func BenchmarkLoadCompiled(b *testing.B) {
	s, err := ReadFile("../../../../shared/xsd/pacs.008.001.08.xsd")
	if err != nil {
		b.Skip("shared xsd not found")
	}
	v, err := Compile(s)
	if err != nil {
		b.Fatal(err)
	}
	img, err := v.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	data := string(img)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadCompiled(data); err != nil {
			b.Fatal(err)
		}
	}
}
