package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
)

func nopRules(n int) []engine.Rule {
	rs := make([]engine.Rule, n)
	for i := range rs {
		rs[i] = engine.NewRule(engine.RuleInfo{ID: "n" + string(rune('A'+i%26)) + string(rune('A'+i/26)), AppliesTo: []string{"*"}}, func(*engine.Message, *engine.Findings) {})
	}
	return rs
}

// BenchmarkValidate30Rules is the engine overhead for a message checked by
// 30 no-op rules (budget checks, counters, panic guards included).
func BenchmarkValidate30Rules(b *testing.B) {
	e := newStaticEngine(30)
	in := []byte("x")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		e.Validate(ctx, in)
	}
}

// BenchmarkBudgetCheck measures one budget check as the engine does it (a
// monotonic clock read and a comparison), the cost paid every 16 rules.
func BenchmarkBudgetCheck(b *testing.B) {
	epoch := time.Now()
	deadline := time.Hour
	n := 0
	for b.Loop() {
		if time.Since(epoch) > deadline {
			n++
		}
	}
	_ = n
}

func BenchmarkAppendJSON(b *testing.B) {
	r := &engine.Report{Valid: false, Complete: true, Format: "mt", Type: "MT103", Level: "full",
		Findings: []engine.Finding{{Code: "T27", Rule: "mt.field", Message: "BIC is not valid", Location: engine.Location{Block: 4, Field: "52A", Line: 9, Column: 6}}}}
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = r.AppendJSON(buf[:0])
	}
}
