package xsd

import (
	"os"
	"testing"
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
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		_ = v.Validate(raw, &r)
	}
	if r.n != 0 {
		b.Fatal("violations")
	}
}
