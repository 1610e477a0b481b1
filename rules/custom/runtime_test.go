package custom

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/payment"
)

// fakeBuiltin registers a built-in set whose rules always report.
func fakeBuiltin(e *engine.Engine) {
	rs := &engine.RuleSet{Name: "fake-builtin", Version: "1", Source: engine.SourceBuiltin}
	for _, id := range []string{"mt.bic.branch", "mt.MT103.D75"} {
		id := id
		rs.Rules = append(rs.Rules, engine.NewRule(engine.RuleInfo{ID: id, Code: "B" + id[len(id)-3:], AppliesTo: []string{"*"}}, func(m *engine.Message, f *engine.Findings) {
			f.Error("B"+id[len(id)-3:], engine.Location{}, "built-in finding")
		}))
	}
	if err := e.AddRuleSet(rs); err != nil {
		panic(err)
	}
}

func TestSeverityOverrideAndDisable(t *testing.T) {
	e := newEngine()
	fakeBuiltin(e)
	msg := fakeMsg("message.type", "MT103")
	before := validate(e, msg)
	if len(before.Findings) != 2 {
		t.Fatalf("before: %+v", before.Findings)
	}
	m, err := NewManager(e, ManagerOptions{Dir: testdataDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	after := validate(e, msg)
	if len(after.Findings) != 1 || after.Findings[0].Rule != "mt.bic.branch" || after.Findings[0].Severity != engine.Warning || !after.Valid {
		t.Fatalf("after: %+v", after.Findings)
	}
	// Selecting other sets by name drops the policy set's changes.
	sel := e.ValidateWith(t.Context(), msg, engine.ValidateOptions{RuleSets: []string{"fake-builtin"}})
	if len(sel.Findings) != 2 {
		t.Fatalf("selected: %+v", sel.Findings)
	}
	if found, err := m.Delete("house-policy"); !found || err != nil {
		t.Fatalf("Delete = %v, %v", found, err)
	}
	if again := validate(e, msg); len(again.Findings) != 2 {
		t.Fatalf("after delete: %+v", again.Findings)
	}
}

func TestRuleSetSourceAndLabel(t *testing.T) {
	e := newEngine()
	stubBuiltinIDs(t, e)
	if _, err := NewManager(e, ManagerOptions{Dir: "../../testdata/rulesets"}); err != nil {
		t.Fatal(err)
	}
	rep := validate(e, fakeMsg("message.type", "MT103", "creditor.country", "IR"))
	if !slices.Contains(codes(rep), "SVU520") || rep.Findings[0].RuleSet != "blocked-countries@2026.11" {
		t.Fatalf("%+v", rep.Findings)
	}
	for _, r := range e.Rules() {
		if r.ID == "blocked.country" {
			if r.Source != "yaml:blocked-countries.yaml" || r.Evaluations != 1 || r.Findings != 1 {
				t.Fatalf("status = %+v", r)
			}
			return
		}
	}
	t.Fatal("rule not listed")
}

// TestRuntimeFailures: a rule that exhausts its cost limit, one that errors,
// and a Go rule that panics each give a finding; the message is not valid
// and the other rules still run.
func TestRuntimeFailures(t *testing.T) {
	e := newEngine()
	e.AddRuleSet(&engine.RuleSet{Name: "go", Source: engine.SourceGo, Rules: []engine.Rule{
		engine.NewRule(engine.RuleInfo{ID: "go.panics", AppliesTo: []string{"*"}}, func(*engine.Message, *engine.Findings) { panic("boom") }),
	}})
	m, err := NewManager(e, ManagerOptions{MaxRuntimeCost: 20})
	if err != nil {
		t.Fatal(err)
	}
	set := `name: rt
rules:
  - id: rt.costly
    applies_to: [all]
    check: "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20].all(x, x > 0)"
  - id: rt.error
    applies_to: [all]
    check: decimal(debtor.name) > 0
  - id: rt.after
    applies_to: [all]
    check: settlement.amount < 10
    code: SVU599
`
	if err := m.Put("rt", []byte(set)); err != nil {
		t.Fatal(err)
	}
	rep := validate(e, fakeMsg("settlement.amount", "50", "debtor.name", "not a number"))
	if rep.Valid {
		t.Fatal("valid")
	}
	want := map[string]string{"go.panics": engine.CodeRulePanicked, "rt.costly": engine.CodeRuleFailed, "rt.error": engine.CodeRuleFailed, "rt.after": "SVU599"}
	for _, f := range rep.Findings {
		if want[f.Rule] == f.Code {
			delete(want, f.Rule)
		}
	}
	if len(want) > 0 {
		t.Fatalf("missing %v in %+v", want, rep.Findings)
	}
	for _, f := range rep.Findings {
		if f.Rule == "rt.costly" && f.Message != "user rule failed at run time: runtime cost limit exceeded" {
			t.Errorf("message = %q", f.Message)
		}
	}
}

func TestNoView(t *testing.T) {
	e := engine.New(engine.Options{})
	e.RegisterFormat(plainFormat{})
	m, _ := NewManager(e, ManagerOptions{})
	if err := m.Put("nv", []byte("name: nv\nrules:\n  - id: nv.r\n    applies_to: [all]\n    check: \"true\"\n")); err != nil {
		t.Fatal(err)
	}
	rep := validate(e, []byte("PLAIN"))
	if rep.Valid || !rep.HasCode(CodeNoView) {
		t.Fatalf("%+v", rep.Findings)
	}
}

type plainFormat struct{}

func (plainFormat) Name() string                    { return "plain" }
func (plainFormat) Detect(raw []byte) bool          { return true }
func (plainFormat) MessageTypes() []engine.TypeInfo { return nil }
func (plainFormat) Parse(raw []byte, f *engine.Findings) *engine.Message {
	return &engine.Message{Format: "plain", Type: "MT999", Base: "MT999", Raw: raw}
}

// twoRules is a set whose two rules always fail with codes of version v.
func twoRules(v string) []byte {
	return fmt.Appendf(nil, `name: swap
version: "%[1]s"
rules:
  - id: swap.one
    applies_to: [all]
    check: "false"
    code: %[1]s1
  - id: swap.two
    applies_to: [all]
    check: "false"
    code: %[1]s2
`, v)
}

// TestReloadUnderLoad: validations running while the set is replaced over
// and over (by Put, and by rewriting the file and Reload) each see one
// version whole, never a mix, and never fail; broken versions change
// nothing.
func TestReloadUnderLoad(t *testing.T) {
	t.Run("Put", func(t *testing.T) {
		e := newEngine()
		m, err := NewManager(e, ManagerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Put("swap", twoRules("AAA")); err != nil {
			t.Fatal(err)
		}
		underLoad(t, e, 200, func(v string) {
			if err := m.Put("swap", twoRules(v)); err != nil {
				t.Fatal(err)
			}
			if err := m.Put("swap", []byte("name: swap\nrules: [")); err == nil {
				t.Fatal("broken set accepted")
			}
		})
	})
	t.Run("Reload", func(t *testing.T) {
		dir := writeSets(t, map[string]string{"swap.yaml": string(twoRules("AAA"))})
		e := newEngine()
		m, err := NewManager(e, ManagerOptions{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, "swap.yaml")
		underLoad(t, e, 100, func(v string) {
			if err := os.WriteFile(file, twoRules(v), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := m.Reload(); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(file, []byte("name: swap\nrules: 1\n"), 0o644)
			if err := m.Reload(); err == nil {
				t.Fatal("broken file accepted")
			}
		})
	})
}

// underLoad validates from 4 goroutines while swap is called n times with
// alternating versions, and fails on any report that is not exactly one
// version's two findings.
func underLoad(t *testing.T, e *engine.Engine, n int, swap func(version string)) {
	var stop atomic.Bool
	var wg sync.WaitGroup
	var seen [2]atomic.Int64
	errs := make(chan string, 8)
	msg := fakeMsg("message.type", "MT103")
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				rep := validate(e, msg)
				c := codes(rep)
				switch {
				case slices.Equal(c, []string{"AAA1", "AAA2"}):
					seen[0].Add(1)
				case slices.Equal(c, []string{"BBB1", "BBB2"}):
					seen[1].Add(1)
				default:
					select {
					case errs <- fmt.Sprint(c):
					default:
					}
					return
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		v := "AAA"
		if i%2 == 0 {
			v = "BBB"
		}
		swap(v)
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("mixed or failed report: %s", e)
	}
	t.Logf("reports per version: %d %d", seen[0].Load(), seen[1].Load())
}

func TestManagerAPI(t *testing.T) {
	dir := writeSets(t, map[string]string{"a.yaml": "name: a\nversion: \"1\"\nrules:\n  - id: a.r\n    applies_to: [all]\n    check: \"true\"\n"})
	e := newEngine()
	m, err := NewManager(e, ManagerOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if l := m.List(); len(l) != 1 || l[0].Name != "a" || l[0].Version != "1" || !slices.Equal(l[0].Rules, []string{"a.r"}) {
		t.Fatalf("List = %+v", l)
	}
	y, info, ok := m.Get("a")
	if !ok || info.Name != "a" || len(y) == 0 {
		t.Fatal("Get")
	}
	if _, _, ok := m.Get("nope"); ok {
		t.Fatal("Get nope")
	}
	// Put with a mismatched name is refused.
	var le *LoadError
	if err := m.Put("b", []byte("name: c\n")); !errors.As(err, &le) {
		t.Fatalf("Put mismatched = %v", err)
	}
	if err := m.Put("b", []byte("name: b\nrules:\n  - id: b.r\n    applies_to: [all]\n    check: \"false\"\n")); err != nil {
		t.Fatal(err)
	}
	if len(m.List()) != 2 || len(e.RuleSets()) != 2 {
		t.Fatalf("after Put: %d sets", len(e.RuleSets()))
	}
	// Put writes the file, so a Reload keeps the set.
	if err := m.Reload(); err != nil || len(m.List()) != 2 {
		t.Fatalf("Reload = %v, %d sets", err, len(m.List()))
	}
	// A broken file makes Reload fail and change nothing.
	writeSets(t, nil)
	if err := writeFileAtomic(dir+"/broken.yaml", []byte("name: broken\nrules: 3\n")); err != nil {
		t.Fatal(err)
	}
	if err := m.Reload(); !errors.As(err, &le) || len(m.List()) != 2 || len(e.RuleSets()) != 2 {
		t.Fatalf("Reload broken = %v", err)
	}
	if found, err := m.Delete("b"); !found || err != nil {
		t.Fatalf("Delete = %v, %v", found, err)
	}
	if found, err := m.Delete("b"); found || err != nil || len(e.RuleSets()) != 1 {
		t.Fatalf("Delete again = %v, %v", found, err)
	}
}

func TestNameClashWithBuiltin(t *testing.T) {
	e := newEngine()
	fakeBuiltin(e)
	m, _ := NewManager(e, ManagerOptions{})
	err := m.Put("fake-builtin", []byte("name: fake-builtin\n"))
	var le *LoadError
	if !errors.As(err, &le) || le.Problems[0].Line != 1 || len(e.RuleSets()) != 1 {
		t.Fatalf("err = %v", err)
	}
	err = m.Put("x", []byte("name: x\nrules:\n  - id: mt.bic.branch\n    applies_to: [all]\n    check: \"true\"\n"))
	if !errors.As(err, &le) || le.Problems[0].Line != 3 || le.Problems[0].RuleID != "mt.bic.branch" {
		t.Fatalf("err = %v", err)
	}
}

// TestCostTracking: loop-free cheap expressions run without the tracker,
// comprehensions and costly expressions with it, and TrackAllCosts forces
// it; verdicts are the same either way.
func TestCostTracking(t *testing.T) {
	for _, c := range []struct {
		check   string
		tracked bool
	}{
		{`settlement.amount <= decimal("100") && creditor.country in ["FR", "DE"]`, false},
		{`mt.fields("72").exists(l, l.contains("/REJT/"))`, true},
		{`remittance.matches("^[A-Z ]+$") && debtor.name.matches("^[A-Z ]+$") && creditor.name.matches("^[A-Z ]+$")`, true},
	} {
		for _, all := range []bool{false, true} {
			set := fmt.Sprintf("name: ct\nrules:\n  - id: ct.r\n    applies_to: [all]\n    check: %q\n", c.check)
			comp, ps := compile("ct.yaml", []byte(set), compileOptions{trackAll: all})
			if len(ps) > 0 {
				t.Fatal(ps)
			}
			p := comp.rules[0].prog
			if p.tracked != (c.tracked || all) {
				t.Errorf("%s (trackAll %v): tracked %v, estimate %d", c.check, all, p.tracked, p.cost)
			}
		}
	}
	e1, e2 := newEngine(), newEngine()
	m1, _ := NewManager(e1, ManagerOptions{})
	m2, _ := NewManager(e2, ManagerOptions{TrackAllCosts: true})
	for _, m := range []*Manager{m1, m2} {
		if err := m.Put("twenty", []byte(twentyRules())); err != nil {
			t.Fatal(err)
		}
	}
	for i, msg := range [][]byte{
		fakeMsg("settlement.amount", "5", "settlement.currency", "EUR", "creditor.name", "X"),
		fakeMsg("settlement.amount", "5000000", "settlement.currency", "XXX", "creditor.country", "IR", "debtor.name", "test"),
	} {
		a, b := codes(validate(e1, msg)), codes(validate(e2, msg))
		if !slices.Equal(a, b) || (i == 1 && len(a) < 3) {
			t.Errorf("message %d: verdicts %v and %v", i, a, b)
		}
	}
}

// TestFailureNotDowngraded: a severity override of a user rule applies to
// its findings but never to its run-time failures.
func TestFailureNotDowngraded(t *testing.T) {
	e := newEngine()
	m, _ := NewManager(e, ManagerOptions{})
	if err := m.Put("soft", []byte(`name: soft
version: "2"
severity_overrides: {soft.r: warning}
rules:
  - id: soft.r
    applies_to: [all]
    check: decimal(debtor.name) > 0
`)); err != nil {
		t.Fatal(err)
	}
	rep := validate(e, fakeMsg("debtor.name", "5"))
	if !rep.Valid || len(rep.Findings) != 0 {
		t.Fatalf("passing: %+v", rep.Findings)
	}
	rep = validate(e, fakeMsg("debtor.name", "-5"))
	if !rep.Valid || len(rep.Findings) != 1 || rep.Findings[0].Severity != engine.Warning {
		t.Fatalf("failing check, downgraded: %+v", rep.Findings)
	}
	rep = validate(e, fakeMsg("debtor.name", "abc"))
	if rep.Valid || len(rep.Findings) != 1 || rep.Findings[0].Code != engine.CodeRuleFailed || rep.Findings[0].Severity != engine.Error || rep.Findings[0].RuleSet != "soft@2" {
		t.Fatalf("run-time failure: %+v", rep.Findings)
	}
}

// recyclingFormat hands the same *engine.Message to every validation, as a
// format that recycles its messages does, with the body of the next view.
type recyclingFormat struct {
	msg   *engine.Message
	views []*payment.View
	n     *int
}

func (recyclingFormat) Name() string                    { return "mt" }
func (recyclingFormat) Detect([]byte) bool              { return true }
func (recyclingFormat) MessageTypes() []engine.TypeInfo { return nil }
func (r recyclingFormat) Parse([]byte, *engine.Findings) *engine.Message {
	r.msg.Body = testBody{r.views[*r.n%len(r.views)]}
	*r.n++
	return r.msg
}

// TestViewCacheRecycledMessage: a format that recycles its messages hands
// the same *engine.Message to the next validation; the view cached by the
// previous validation must not be returned for it.
func TestViewCacheRecycledMessage(t *testing.T) {
	v1, _ := ViewFromMap(map[string]string{"creditor.country": "IR"})
	v2, _ := ViewFromMap(map[string]string{"creditor.country": "FR"})
	n := 0
	e := engine.New(engine.Options{})
	e.RegisterFormat(recyclingFormat{msg: &engine.Message{Format: "mt", Type: "MT103", Base: "MT103"}, views: []*payment.View{v1, v2}, n: &n})
	var seen []string
	rule := engine.NewRule(engine.RuleInfo{ID: "see", AppliesTo: []string{"*"}}, func(m *engine.Message, f *engine.Findings) {
		v := payment.Of(m)
		if payment.Of(m) != v {
			f.Error("X", engine.Location{}, "view rebuilt within one validation")
		}
		seen = append(seen, v.Transactions[0].Creditor.Country)
	})
	if err := e.AddRuleSet(&engine.RuleSet{Name: "s", Rules: []engine.Rule{rule}}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if r := e.Validate(context.Background(), []byte("x")); !r.Valid {
			t.Fatalf("validation %d: %+v", i, r.Findings)
		}
	}
	if got := strings.Join(seen, ","); got != "IR,FR,IR,FR" {
		t.Fatalf("views seen %s, want IR,FR,IR,FR (a recycled message got a stale view)", got)
	}
}

// TestManagerUnknownIDsRefused: disable and severity_overrides entries
// that name no rule in force are refused with their places (failing
// closed: a typo in an override meant to make a rule an error would leave
// it a warning); known ones (of a built-in pack, of another user set or of
// the set itself) are accepted; a set whose rule another set overrides
// cannot be deleted before that set is changed.
func TestManagerUnknownIDsRefused(t *testing.T) {
	e := newEngine()
	fakeBuiltin(e)
	m, _ := NewManager(e, ManagerOptions{})
	if err := m.Put("a", []byte("name: a\nrules:\n  - id: a.r\n    applies_to: [all]\n    check: \"true\"\n")); err != nil {
		t.Fatal(err)
	}
	bad := "name: b\ndisable: [mt.bic.branch, mt.bic.brnch, a.r]\nseverity_overrides:\n  a.rr: error\n  mt.bic.branch: error\n"
	err := m.Put("b", []byte(bad))
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("Put = %v, want a *LoadError", err)
	}
	var got []string
	for _, p := range le.Problems {
		got = append(got, fmt.Sprintf("%d:%d %s", p.Line, p.Column, strings.SplitN(p.Message, " (", 2)[0]))
	}
	want := []string{`2:26 disable: no rule in force has id "mt.bic.brnch"`, `4:3 severity_overrides: no rule in force has id "a.rr"`}
	if !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
	if _, _, ok := m.Get("b"); ok {
		t.Error("set b loaded despite the problems")
	}
	good := "name: b\ndisable: [mt.bic.branch, a.r, b.r]\nseverity_overrides:\n  mt.MT103.D75: warning\nrules:\n  - id: b.r\n    applies_to: [all]\n    check: \"true\"\n"
	if err := m.Put("b", []byte(good)); err != nil {
		t.Fatal(err)
	}
	found, err := m.Delete("a")
	if !found || !errors.As(err, &le) || !strings.Contains(le.Error(), `"a.r"`) {
		t.Fatalf("Delete(a), whose rule b disables = %v, %v", found, err)
	}
	if _, _, ok := m.Get("a"); !ok {
		t.Fatal("a unloaded although the delete was refused")
	}
}

// TestLintUnknownIDsAndWarnings: Lint refuses the unknown IDs that loading
// refuses (unknownIDs), and an ID clash; a set without tests is a warning.
func TestLintUnknownIDsAndWarnings(t *testing.T) {
	e := newEngine()
	fakeBuiltin(e)
	set := "name: b\ndisable: [mt.bic.branch, mt.bic.brnch, b.r]\nseverity_overrides:\n  a.rr: warning\nrules:\n  - id: b.r\n    applies_to: [all]\n    check: \"true\"\n"
	_, err := Lint(e, "b.yaml", []byte(set), ManagerOptions{})
	var le *LoadError
	if !errors.As(err, &le) || len(le.Problems) != 2 || !strings.Contains(le.Problems[0].Message, "mt.bic.brnch") || !strings.Contains(le.Problems[1].Message, "a.rr") {
		t.Fatalf("Lint = %v, want the two unknown IDs", err)
	}
	ok := "name: b\ndisable: [mt.bic.branch, b.r]\nrules:\n  - id: b.r\n    applies_to: [all]\n    check: \"true\"\n"
	ws, err := Lint(e, "b.yaml", []byte(ok), ManagerOptions{})
	if err != nil || len(ws) != 1 || ws[0].Message != "the set has rules but no tests" {
		t.Errorf("Lint = %v, %v", ws, err)
	}
	_, err = Lint(e, "c.yaml", []byte("name: c\nrules:\n  - id: mt.bic.branch\n    applies_to: [all]\n    check: \"true\"\n"), ManagerOptions{})
	if !errors.As(err, &le) || le.Problems[0].RuleID != "mt.bic.branch" {
		t.Errorf("duplicate id: %v", err)
	}
}

// TestUnknownTypesRefused: an applies_to entry that matches no message
// type the engine knows would leave its rule never run, silently: loading
// and Lint refuse it with its place; every form that can match is
// accepted (an MT of three digits the engine has no definition of too:
// any MT parses).
func TestUnknownTypesRefused(t *testing.T) {
	set := func(entry string) string {
		return "name: t\nrules:\n  - id: t.r\n    applies_to: [" + entry + "]\n    check: \"true\"\n"
	}
	tests := []struct {
		entry string
		ok    bool
	}{
		{"MT103", true}, {"MT103STP", true}, {"MT798", true}, {"MT1*", true}, {"MT*", true}, {"MT103S*", true},
		{"pacs.008.001.08", true}, {"pacs.008", true}, {"pacs.008.*", true}, {"camt.*", true}, {`"*"`, true}, {"payments", true},
		{"MT10", false}, {"MT103XYZ", false}, {"MT10Z*", false},
		{"pacs.008.001", false}, {"pacs.008.001.99", false}, {"pacs.999", false}, {"abcd.*", false},
	}
	for _, tc := range tests {
		t.Run(tc.entry, func(t *testing.T) {
			e := newEngine()
			m, _ := NewManager(e, ManagerOptions{})
			err := m.Put("t", []byte(set(tc.entry)))
			_, lintErr := Lint(e, "t.yaml", []byte(set(tc.entry)), ManagerOptions{})
			if tc.ok {
				if err != nil || lintErr != nil {
					t.Fatalf("refused: Put %v, Lint %v", err, lintErr)
				}
				return
			}
			var le *LoadError
			if !errors.As(err, &le) || len(le.Problems) != 1 {
				t.Fatalf("Put = %v, want one problem", err)
			}
			if p := le.Problems[0]; p.Line != 4 || p.Column != 18 || p.RuleID != "t.r" || !strings.Contains(p.Message, `applies_to: "`+tc.entry+`" matches no message type`) {
				t.Errorf("problem %+v", p)
			}
			if !errors.As(lintErr, &le) || !strings.Contains(le.Error(), "matches no message type") {
				t.Errorf("Lint = %v, want the problem", lintErr)
			}
			if _, _, ok := m.Get("t"); ok {
				t.Error("set loaded despite the problem")
			}
		})
	}
}
