package xmlscan

import (
	"os"
	"syscall"
	"testing"
)

func cpuNS() int64 {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return r.Utime.Nano() + r.Stime.Nano()
}

func BenchmarkScan(b *testing.B) {
	raw, err := os.ReadFile("../../../../shared/corpus/mx/moov-io__wire20022/CustomerCreditTransfer__swiftSample__CustomerCreditTransfer_Scenario1_Step1_pacs.008.xml")
	if err != nil {
		b.Skip("shared corpus not found")
	}
	s := NewScanner(raw, Limits{})
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	c0 := cpuNS()
	defer func() { b.ReportMetric(float64(cpuNS()-c0)/float64(b.N), "cpu-ns/op") }()
	for b.Loop() {
		s.Reset(raw)
		for {
			if _, err := s.Next(); err != nil {
				break
			}
		}
	}
}
