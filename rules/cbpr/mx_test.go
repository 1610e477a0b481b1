package cbpr

import (
	"context"
	"github.com/swiftval/swiftval/internal/testenv"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx"
	"github.com/swiftval/swiftval/formats/mx/typed"
	"github.com/swiftval/swiftval/formats/mx/typed/typedtest"
	"github.com/swiftval/swiftval/rules/iso20022"
)

// mxEngine is an engine with the real MX format (schema validation and the
// typed decoder hook) and both MX rule sets.
func mxEngine(t testing.TB) *engine.Engine {
	e := engine.New(engine.Options{Budget: time.Second})
	e.RegisterFormat(mx.Default())
	for _, s := range []*engine.RuleSet{iso20022.RuleSet(), RuleSet()} {
		if err := e.AddRuleSet(s); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// TestThroughMXFormat checks the typed decoder is reached through the MX
// format's hook: fixtures are decoded (level full), profile cbpr+ comes from
// BizSvc, and each failing fixture still reports its code.
func TestThroughMXFormat(t *testing.T) {
	e := mxEngine(t)
	for _, tc := range cases {
		raw, err := os.ReadFile(filepath.Join(fixtures, tc.Rule+".fail.xml"))
		if err != nil {
			t.Fatal(err)
		}
		r := e.Validate(context.Background(), raw)
		if r.Level != engine.LevelFull {
			t.Errorf("%s: level %s, want full", tc.Rule, r.Level)
		}
		if !r.HasCode(tc.Code) {
			t.Errorf("%s: %s not reported through the MX format: %v", tc.Rule, tc.Code, r.Findings)
		}
	}
	raw, _ := os.ReadFile(filepath.Join(fixtures, "cbpr.uetr.pass.xml"))
	em := mx.Default().Parse(raw, new(engine.Findings))
	if em == nil || typed.Of(em) == nil || typed.Of(em).Pacs008 == nil {
		t.Fatal("typed message not attached to the MX body")
	}
}

// BenchmarkMXPacs008 is the whole validation (parse, schema, typed decode,
// iso20022 and cbpr+ rules) of the 3.2 KB CBPR+ pacs.008 corpus sample.
func BenchmarkMXPacs008(b *testing.B) {
	raw, err := os.ReadFile("../../../shared/corpus/mx/phoughton__iso20022-cbpr-ur/test_files__2025__pacs008_credit_transfer_sample.xml")
	if err != nil {
		b.Skipf("shared corpus absent: %v", err)
	}
	e := mxEngine(b)
	r := e.Validate(context.Background(), raw)
	if r.Level != engine.LevelFull {
		b.Fatalf("level %s: %v", r.Level, r.Findings)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	ds := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t0 := time.Now()
		e.Validate(context.Background(), raw)
		ds = append(ds, time.Since(t0))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	if len(ds) > 0 {
		b.ReportMetric(float64(ds[len(ds)/2].Nanoseconds())/1e3, "median-µs")
	}
}

// TestWholeCorpusNoPanics validates every MX file of the shared corpus with
// the MX format and both rule sets: no rule may panic (SV003) or fail.
func TestWholeCorpusNoPanics(t *testing.T) {
	root := "../../../shared/corpus/mx"
	files, _ := filepath.Glob(filepath.Join(root, "*", "*.xml"))
	if len(files) == 0 {
		t.Skipf("shared corpus absent at %s", root)
	}
	e := mxEngine(t)
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		for _, o := range []engine.ValidateOptions{{}, {Profile: Profile}} {
			r := e.ValidateWith(context.Background(), raw, o)
			for _, fd := range r.Findings {
				if fd.Code == engine.CodeRulePanicked || fd.Code == engine.CodeRuleFailed {
					t.Errorf("%s: %s by %s", filepath.Base(f), fd.Code, fd.Rule)
				}
			}
		}
	}
}

// TestTruncatedNoPanics runs both sets over every prefix (in steps) of each
// fixture: partly decoded messages (nil optional parts, empty slices) must
// not make a rule panic.
func TestTruncatedNoPanics(t *testing.T) {
	e := typedtestEngineBoth(t)
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.xml"))
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		for n := 0; n < len(raw); n += 97 {
			r := e.ValidateWith(context.Background(), raw[:n], engine.ValidateOptions{Profile: Profile})
			for _, fd := range r.Findings {
				if fd.Code == engine.CodeRulePanicked {
					t.Fatalf("%s[:%d]: rule %s panicked", filepath.Base(f), n, fd.Rule)
				}
			}
		}
	}
}

// TestRulesDoNotAllocate pins the passing path of both sets at zero
// allocations once the message is decoded.
func TestRulesDoNotAllocate(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("allocation counts are distorted by the race detector; make test runs this test without -race")
	}
	raw, err := os.ReadFile(filepath.Join(fixtures, "cbpr.uetr.pass.xml"))
	if err != nil {
		t.Fatal(err)
	}
	m := typedtest.Format{}.Parse(raw, new(engine.Findings))
	rules := append(iso20022.Rules(), RuleSet().Rules...)
	var f engine.Findings
	n := testing.AllocsPerRun(50, func() {
		for _, r := range rules {
			r.Check(m, &f)
		}
		f.Reset()
	})
	if n != 0 {
		t.Errorf("rules allocate %.0f times on a valid message, want 0", n)
	}
}

func typedtestEngineBoth(t testing.TB) *engine.Engine {
	return typedtest.Engine(t, iso20022.RuleSet(), RuleSet())
}

// TestRulesAllocsMax pins the allocations of both sets on the CBPR+ "max"
// pacs.008 of the shared corpus (AppHdr and Document, every optional
// element present, four codes outside their ISO external code sets): one
// per finding, its message, and none for the rest of the message (its
// dozens of postal addresses and agents).
func TestRulesAllocsMax(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("allocation counts are distorted by the race detector; make test runs this test without -race")
	}
	m, rules, _ := maxPacs008(t)
	var f engine.Findings
	run := func() {
		f.Reset()
		for _, r := range rules {
			r.Check(m, &f)
		}
	}
	run()
	if f.Len() != 4 {
		t.Fatalf("%d findings, want the 4 external codes: %v", f.Len(), f.List())
	}
	n := testing.AllocsPerRun(50, run)
	t.Logf("%.0f allocations, %d findings", n, f.Len())
	if n > float64(f.Len()) {
		t.Errorf("rules allocate %.0f times on the max message, want at most %d (one message per finding)", n, f.Len())
	}
}

// maxPacs008 is the CBPR+ "max" pacs.008 of the shared corpus (AppHdr and
// Document, every optional element present), decoded, with the iso20022 and
// cbpr+ rules to run on it and its size in bytes.
func maxPacs008(tb testing.TB) (*engine.Message, []engine.Rule, int) {
	tb.Helper()
	raw, err := os.ReadFile(testenv.Shared(tb, "corpus", "mx", "phoughton__iso20022-cbpr-ur", "y2025__pacs.008.max.xml"))
	if err != nil {
		tb.Fatal(err)
	}
	m := typedtest.Format{}.Parse(raw, new(engine.Findings))
	return m, append(iso20022.Rules(), RuleSet().Rules...), len(raw)
}
