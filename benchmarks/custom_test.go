package benchmarks

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/rules/custom"
)

// celEngine returns the shipped engine plus the example CEL rule sets of
// testdata/rulesets, and the names of those sets.
func celEngine(tb testing.TB) (*engine.Engine, []string) {
	tb.Helper()
	eng := swiftval.New(engine.Options{})
	builtinSets := map[string]bool{}
	for _, rs := range eng.RuleSets() {
		builtinSets[rs.Name] = true
	}
	dir := filepath.Join(repoRoot(tb), "testdata", "rulesets")
	if _, err := custom.NewManager(eng, custom.ManagerOptions{Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		tb.Fatalf("loading %s: %v", dir, err)
	}
	var names []string
	for _, rs := range eng.RuleSets() {
		if !builtinSets[rs.Name] {
			names = append(names, rs.Name)
		}
	}
	if len(names) == 0 {
		tb.Skip("no CEL rule set in testdata/rulesets")
	}
	return eng, names
}

// BenchmarkCEL measures each example CEL rule set: its rules alone on a
// message parsed once (the payment view is cached per message, so this is
// CEL evaluation), and through the engine (parse, view, that set only);
// then the engine with every built-in pack and every CEL set, as served.
func BenchmarkCEL(b *testing.B) {
	eng, names := celEngine(b)
	ps := parseAll(b, eng)
	ctx := context.Background()
	for _, name := range names {
		rs := eng.RuleSet(name)
		for _, p := range ps {
			rules := applicable(rs, p.msg)
			if len(rules) == 0 {
				continue
			}
			b.Run(name+"/cel-only/"+benchName(p), func(b *testing.B) {
				var fs engine.Findings
				b.ReportAllocs()
				for b.Loop() {
					for _, r := range rules {
						r.Check(p.msg, &fs)
					}
					fs.Reset()
				}
			})
			opts := engine.ValidateOptions{RuleSets: []string{name}}
			b.Run(name+"/parse+rules/"+benchName(p), func(b *testing.B) {
				b.SetBytes(int64(len(p.raw)))
				b.ReportAllocs()
				for b.Loop() {
					eng.ValidateWith(ctx, p.raw, opts)
				}
			})
		}
	}
	for _, p := range ps {
		b.Run("all-sets/"+benchName(p), func(b *testing.B) {
			b.SetBytes(int64(len(p.raw)))
			b.ReportAllocs()
			for b.Loop() {
				eng.Validate(ctx, p.raw)
			}
		})
	}
}
