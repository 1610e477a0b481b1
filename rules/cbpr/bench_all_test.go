package cbpr

import (
	"os"
	"testing"

	"github.com/swiftval/swiftval/engine"
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

// BenchmarkRulesMax measures the iso20022 and cbpr+ rules alone (no
// decoding: the message is decoded and walked once) on the CBPR+ "max"
// pacs.008 of the shared corpus, AppHdr and Document: the rule packs' share
// of the engine's cost on the largest CBPR+ message, and their allocations
// (one per finding: its four external-code warnings).
func BenchmarkRulesMax(b *testing.B) {
	m, rules, size := maxPacs008(b)
	var f engine.Findings
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		f.Reset()
		for _, r := range rules {
			r.Check(m, &f)
		}
	}
}
