package cbpr

import (
	"os"
	"testing"

	"github.com/swiftval/swiftval/formats/mx/typed/typedtest"
	"github.com/swiftval/swiftval/rules/iso20022"
)

// BenchmarkDecodeAndBothSets measures typed decoding plus the iso20022 and
// cbpr+ rule sets on the 3.2 KB CBPR+ pacs.008 sample of the shared corpus
// (no schema validation: that is the MX format's part of the budget).
func BenchmarkDecodeAndBothSets(b *testing.B) {
	raw, err := os.ReadFile("../../../shared/corpus/mx/phoughton__iso20022-cbpr-ur/test_files__2025__pacs008_credit_transfer_sample.xml")
	if err != nil {
		b.Skipf("shared corpus absent: %v", err)
	}
	e := typedtest.Engine(b, iso20022.RuleSet(), RuleSet())
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		e.Validate(nil, raw)
	}
}
