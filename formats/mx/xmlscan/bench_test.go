package xmlscan

import (
	"os"
	"testing"
)

func BenchmarkScan(b *testing.B) {
	raw, err := os.ReadFile("../../../../shared/corpus/mx/moov-io__wire20022/CustomerCreditTransfer__swiftSample__CustomerCreditTransfer_Scenario1_Step1_pacs.008.xml")
	if err != nil {
		b.Skip("shared corpus not found")
	}
	s := NewScanner(raw, Limits{})
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		s.Reset(raw)
		for {
			if _, err := s.Next(); err != nil {
				break
			}
		}
	}
}
