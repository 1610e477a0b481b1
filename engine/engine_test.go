package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/swiftval/swiftval/engine"
)

// lineFormat is a toy format for engine tests: input "T:<type>\n<lines>".
// A line "bad" is a syntax error; "panic" makes the parser panic. Messages
// are separated by "$" (for Split).
type lineFormat struct{}

func (lineFormat) Name() string { return "toy" }
func (lineFormat) Detect(raw []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(raw, " \n"), []byte("T:"))
}
func (lineFormat) MessageTypes() []engine.TypeInfo {
	return []engine.TypeInfo{{Format: "toy", Type: "A", Level: engine.LevelFull}}
}
func (lineFormat) Parse(raw []byte, f *engine.Findings) *engine.Message {
	lines := strings.Split(strings.TrimLeft(string(raw), " \n"), "\n")
	typ := strings.TrimPrefix(lines[0], "T:")
	base := typ
	if strings.HasSuffix(typ, "COV") {
		base = strings.TrimSuffix(typ, "COV")
	}
	for i, l := range lines[1:] {
		switch l {
		case "bad":
			f.Error("T99", engine.Location{Block: 4, Field: "20", Line: i + 2, Column: 1}, "bad line")
		case "panic":
			panic("parser boom")
		case "unparseable":
			return nil
		}
	}
	m := &engine.Message{Format: "toy", Type: typ, Base: base, Level: engine.LevelFull, Body: lines, Raw: raw}
	if typ == "CB" {
		m.Profile = "cbpr+"
	}
	return m
}
func (lineFormat) Split(raw []byte) []engine.Segment {
	var out []engine.Segment
	line, startLine, startCol, col := 1, 1, 1, 1
	start := 0
	for i := 0; i <= len(raw); i++ {
		col++
		if i == len(raw) || raw[i] == '$' {
			out = append(out, engine.Segment{Data: raw[start:i], Line: startLine, Column: startCol})
			start, startLine, startCol = i+1, line, col
			continue
		}
		if raw[i] == '\n' {
			line++
			col = 1
		}
	}
	return out
}

// hasLine reports a finding when the message has a line equal to want.
func hasLine(id, code, want string, types ...string) engine.Rule {
	return engine.NewRule(engine.RuleInfo{ID: id, Code: code, AppliesTo: types}, func(m *engine.Message, f *engine.Findings) {
		for i, l := range m.Body.([]string) {
			if l == want {
				f.Error(code, engine.Location{Block: 4, Line: i + 1, Column: 1}, "found "+engine.Echo(l))
			}
		}
	})
}

func newEngine(t testing.TB, sets ...*engine.RuleSet) *engine.Engine {
	t.Helper()
	e := engine.New(engine.Options{})
	e.RegisterFormat(lineFormat{})
	for _, s := range sets {
		if err := e.AddRuleSet(s); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func codes(r *engine.Report) string {
	var c []string
	for _, f := range r.Findings {
		c = append(c, f.Code+"/"+f.Severity.String())
	}
	return strings.Join(c, ",")
}

func TestValidate(t *testing.T) {
	base := &engine.RuleSet{Name: "base", Version: "1", Source: engine.SourceBuiltin, Rules: []engine.Rule{
		hasLine("r.x", "C01", "x", "A", "B"),
		hasLine("r.y", "C02", "y", "A*"),
		engine.NewRule(engine.RuleInfo{ID: "r.warn", Code: "W01", Severity: engine.Warning, AppliesTo: []string{"*"}}, func(m *engine.Message, f *engine.Findings) {
			for _, l := range m.Body.([]string) {
				if l == "w" {
					f.Warn("W01", engine.Location{}, "warned")
				}
			}
		}),
		hasLine("r.cov", "C03", "c", "BCOV"),
	}}
	cbpr := &engine.RuleSet{Name: "cbpr+", Profile: "cbpr+", Rules: []engine.Rule{hasLine("p.z", "P01", "z", "*")}}
	e := newEngine(t, base, cbpr)
	tests := []struct {
		name, in string
		opts     engine.ValidateOptions
		valid    bool
		typ      string
		codes    string
	}{
		{"clean", "T:A\nok", engine.ValidateOptions{}, true, "A", ""},
		{"every finding, not only the first, in input order", "T:A\nx\ny\nx\nbad", engine.ValidateOptions{}, false, "A", "C01/error,C02/error,C01/error,T99/error"},
		{"warning keeps it valid", "T:A\nw", engine.ValidateOptions{}, true, "A", "W01/warning"},
		{"rule not for this type", "T:C\nx", engine.ValidateOptions{}, true, "C", ""},
		{"glob pattern", "T:AB\ny", engine.ValidateOptions{}, false, "AB", "C02/error"},
		{"base type matches variant", "T:BCOV\nx", engine.ValidateOptions{}, false, "BCOV", "C01/error"},
		{"variant-only rule", "T:B\nc", engine.ValidateOptions{}, true, "B", ""},
		{"variant-only rule on variant", "T:BCOV\nc", engine.ValidateOptions{}, false, "BCOV", "C03/error"},
		{"profile set skipped without profile", "T:A\nz", engine.ValidateOptions{}, true, "A", ""},
		{"profile named by caller", "T:A\nz", engine.ValidateOptions{Profile: "cbpr+"}, false, "A", "P01/error"},
		{"profile declared by message", "T:CB\nz", engine.ValidateOptions{}, false, "CB", "P01/error"},
		{"only named rule sets", "T:A\nx\nz", engine.ValidateOptions{RuleSets: []string{"cbpr+"}}, false, "A", "P01/error"},
		{"empty input", "", engine.ValidateOptions{}, false, "", "SV012/error"},
		{"unrecognised", "hello", engine.ValidateOptions{}, false, "", "SV010/error"},
		{"unknown forced format", "T:A", engine.ValidateOptions{Format: "nope"}, false, "", "SV013/error"},
		{"parser panic", "T:A\npanic", engine.ValidateOptions{}, false, "", "SV005/error"},
		{"unparseable", "T:A\nbad\nunparseable", engine.ValidateOptions{}, false, "", "T99/error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.ValidateWith(context.Background(), []byte(tt.in), tt.opts)
			if r.Valid != tt.valid || r.Type != tt.typ || codes(r) != tt.codes {
				t.Errorf("got valid=%v type=%q codes=%q, want valid=%v type=%q codes=%q", r.Valid, r.Type, codes(r), tt.valid, tt.typ, tt.codes)
			}
			if !r.Complete {
				t.Errorf("report incomplete")
			}
		})
	}
}

func TestFindingsCarryRuleAndRuleSet(t *testing.T) {
	e := newEngine(t, &engine.RuleSet{Name: "corridor", Version: "1.2", Rules: []engine.Rule{hasLine("c.x", "U01", "x", "*")}})
	r := e.Validate(context.Background(), []byte("T:A\nx"))
	if len(r.Findings) != 1 {
		t.Fatalf("findings: %+v", r.Findings)
	}
	f := r.Findings[0]
	if f.Rule != "c.x" || f.RuleSet != "corridor@1.2" || f.Location.Line != 2 {
		t.Errorf("finding = %+v", f)
	}
}

func TestDisableAndSeverityOverride(t *testing.T) {
	base := &engine.RuleSet{Name: "base", Rules: []engine.Rule{hasLine("r.x", "C01", "x", "*"), hasLine("r.y", "C02", "y", "*")}}
	e := newEngine(t, base)
	in := []byte("T:A\nx\ny")
	if got := codes(e.Validate(context.Background(), in)); got != "C01/error,C02/error" {
		t.Fatalf("before: %s", got)
	}
	over := &engine.RuleSet{Name: "market", Disable: []string{"r.x"}, Severity: map[string]engine.Severity{"r.y": engine.Warning}}
	if err := e.AddRuleSet(over); err != nil {
		t.Fatal(err)
	}
	r := e.Validate(context.Background(), in)
	if got := codes(r); got != "C02/warning" || !r.Valid {
		t.Fatalf("with overrides: %s valid=%v", got, r.Valid)
	}
	if !e.SetEnabled("r.y", false) {
		t.Fatal("SetEnabled: rule not found")
	}
	if got := codes(e.Validate(context.Background(), in)); got != "" {
		t.Fatalf("after disabling r.y: %s", got)
	}
	if e.SetEnabled("nope", false) {
		t.Error("SetEnabled(nope) reported a rule")
	}
	e.RemoveRuleSet("market")
	e.SetEnabled("r.y", true)
	if got := codes(e.Validate(context.Background(), in)); got != "C01/error,C02/error" {
		t.Fatalf("after removing overrides: %s", got)
	}
}

func TestDuplicateRuleIDRefused(t *testing.T) {
	e := newEngine(t, &engine.RuleSet{Name: "a", Rules: []engine.Rule{hasLine("r.x", "C01", "x", "*")}})
	err := e.AddRuleSet(&engine.RuleSet{Name: "b", Rules: []engine.Rule{hasLine("r.x", "C01", "x", "*")}})
	if err == nil || !strings.Contains(err.Error(), "r.x") {
		t.Fatalf("err = %v", err)
	}
	if len(e.RuleSets()) != 1 {
		t.Fatalf("a refused set was half-applied: %d sets", len(e.RuleSets()))
	}
}

func TestRulePanicIsContained(t *testing.T) {
	boom := engine.NewRule(engine.RuleInfo{ID: "boom", Code: "X", AppliesTo: []string{"*"}}, func(*engine.Message, *engine.Findings) { panic("boom") })
	e := newEngine(t, &engine.RuleSet{Name: "s", Rules: []engine.Rule{boom, hasLine("r.x", "C01", "x", "*")}})
	r := e.Validate(context.Background(), []byte("T:A\nx"))
	if r.Valid || codes(r) != "C01/error,SV003/error" || r.Findings[1].Rule != "boom" {
		t.Fatalf("report: valid=%v %s %+v", r.Valid, codes(r), r.Findings)
	}
	st := findRule(e.Rules(), "boom")
	if st.Panics != 1 {
		t.Errorf("panics counter = %d", st.Panics)
	}
}

func findRule(rs []engine.RuleStatus, id string) engine.RuleStatus {
	for _, r := range rs {
		if r.ID == id {
			return r
		}
	}
	return engine.RuleStatus{}
}

func slowRule(id string, d time.Duration) engine.Rule {
	return engine.NewRule(engine.RuleInfo{ID: id, Code: "S", AppliesTo: []string{"*"}}, func(*engine.Message, *engine.Findings) { time.Sleep(d) })
}

func TestBudgetExhausted(t *testing.T) {
	var rules []engine.Rule
	for i := 0; i < 40; i++ {
		rules = append(rules, slowRule("slow"+string(rune('a'+i%26))+string(rune('a'+i/26)), time.Millisecond))
	}
	e := newEngine(t, &engine.RuleSet{Name: "slow", Rules: rules})
	r := e.ValidateWith(context.Background(), []byte("T:A"), engine.ValidateOptions{Budget: 3 * time.Millisecond})
	if r.Complete || r.Valid || !r.HasCode(engine.CodeBudgetExceeded) {
		t.Fatalf("report: complete=%v valid=%v %s", r.Complete, r.Valid, codes(r))
	}
}

func TestContextCancelled(t *testing.T) {
	var rules []engine.Rule
	for i := 0; i < 20; i++ {
		rules = append(rules, slowRule("s"+string(rune('a'+i)), 0))
	}
	e := newEngine(t, &engine.RuleSet{Name: "s", Rules: rules})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := e.ValidateWith(ctx, []byte("T:A"), engine.ValidateOptions{})
	if r.Complete || r.Valid || !r.HasCode(engine.CodeCancelled) {
		t.Fatalf("report: complete=%v valid=%v %s", r.Complete, r.Valid, codes(r))
	}
}

func TestInputTooLarge(t *testing.T) {
	e := engine.New(engine.Options{MaxInput: 10})
	e.RegisterFormat(lineFormat{})
	r := e.Validate(context.Background(), []byte("T:A\n0123456789"))
	if r.Valid || !r.HasCode(engine.CodeInputTooLarge) || r.Format != "toy" {
		t.Fatalf("report: %+v", r)
	}
}

func TestValidateAllShiftsLines(t *testing.T) {
	e := newEngine(t)
	reps := e.ValidateAll(context.Background(), []byte("T:A\nok\n$T:A\nok\nbad"), engine.ValidateOptions{})
	if len(reps) != 2 {
		t.Fatalf("%d reports", len(reps))
	}
	if !reps[0].Valid || reps[0].Index != 1 {
		t.Errorf("first: %+v", reps[0])
	}
	r := reps[1]
	if r.Valid || r.Index != 2 || len(r.Findings) != 1 || r.Findings[0].Location.Line != 5 {
		t.Errorf("second: %+v", r)
	}
}

// TestSplitAndValidateSegment: the streaming pieces give what ValidateAll
// gives; a single message does not split.
func TestSplitAndValidateSegment(t *testing.T) {
	e := newEngine(t)
	raw := []byte("T:A\nok\n$T:A\nok\nbad")
	segs, format := e.Split(raw, engine.ValidateOptions{})
	if len(segs) != 2 || format != "toy" {
		t.Fatalf("Split: %d segments, format %q", len(segs), format)
	}
	all := e.ValidateAll(context.Background(), raw, engine.ValidateOptions{})
	for i, s := range segs {
		r := e.ValidateSegment(context.Background(), s, engine.ValidateOptions{Format: format})
		r.Index = i + 1
		got, want := r.AppendJSON(nil), all[i].AppendJSON(nil)
		if i := bytes.Index(got, []byte(`"elapsed_us"`)); i > 0 {
			got = got[:i]
		}
		if i := bytes.Index(want, []byte(`"elapsed_us"`)); i > 0 {
			want = want[:i]
		}
		if !bytes.Equal(got, want) {
			t.Errorf("segment %d:\n got %s\nwant %s", i+1, got, want)
		}
	}
	if segs, _ := e.Split([]byte("no format"), engine.ValidateOptions{}); segs != nil {
		t.Errorf("unrecognised input split into %d", len(segs))
	}
}

func TestRuleCounters(t *testing.T) {
	e := newEngine(t, &engine.RuleSet{Name: "s", Rules: []engine.Rule{hasLine("r.x", "C01", "x", "*")}})
	for i := 0; i < 100; i++ {
		in := "T:A\nok"
		if i%4 == 0 {
			in = "T:A\nx"
		}
		e.Validate(context.Background(), []byte(in))
	}
	st := findRule(e.Rules(), "r.x")
	if st.Evaluations != 100 || st.Findings != 25 || st.TimedEvaluations == 0 || st.MaxTimeNS <= 0 || !st.Enabled || st.RuleSet != "s" {
		t.Fatalf("stats: %+v", st)
	}
	// Counters survive an unrelated rule-set change.
	if err := e.AddRuleSet(&engine.RuleSet{Name: "other"}); err != nil {
		t.Fatal(err)
	}
	e.Validate(context.Background(), []byte("T:A"))
	if st := findRule(e.Rules(), "r.x"); st.Evaluations != 101 {
		t.Fatalf("after swap: evaluations %d", st.Evaluations)
	}
}

// TestSwapIsAtomic validates while rule sets are replaced: every report sees
// either the old pair of rules or the new pair, never one of each.
func TestSwapIsAtomic(t *testing.T) {
	mk := func(v string) *engine.RuleSet {
		return &engine.RuleSet{Name: "u", Version: v, Rules: []engine.Rule{hasLine("u.1."+v, "U"+v, "x", "*"), hasLine("u.2."+v, "U"+v, "x", "*")}}
	}
	e := newEngine(t, mk("1"))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan string, 1)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r := e.Validate(context.Background(), []byte("T:A\nx"))
				if len(r.Findings) != 2 || r.Findings[0].RuleSet != r.Findings[1].RuleSet {
					select {
					case errs <- codes(r):
					default:
					}
				}
			}
		}()
	}
	for i := 0; i < 200; i++ {
		v := "1"
		if i%2 == 0 {
			v = "2"
		}
		if err := e.AddRuleSet(mk(v)); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	select {
	case c := <-errs:
		t.Fatalf("a validation saw a mix of rule sets: %s", c)
	default:
	}
}

func TestEcho(t *testing.T) {
	long := strings.Repeat("é", 100)
	tests := []struct{ in, want string }{
		{"ABC", `"ABC"`},
		{"a\nb", `"a\nb"`},
		{"\xff", `"\xff"`},
		{long, `"` + strings.Repeat("é", engine.MaxEcho) + `"…`},
	}
	for _, tt := range tests {
		if got := engine.Echo(tt.in); got != tt.want {
			t.Errorf("Echo(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	// AppendEcho appends what Echo returns, around the cut too.
	for _, v := range []string{"", "a\"b\\c", "é€😀", "\xff\xfe", strings.Repeat("x", engine.MaxEcho-1),
		strings.Repeat("x", engine.MaxEcho), strings.Repeat("x", engine.MaxEcho+1), long, strings.Repeat("\x00", 2*engine.MaxEcho)} {
		if got, want := string(engine.AppendEcho([]byte("pre "), v)), "pre "+engine.Echo(v); got != want {
			t.Errorf("AppendEcho(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestReportJSON(t *testing.T) {
	r := &engine.Report{Index: 2, Valid: false, Complete: true, Format: "mt", Type: "MT103", Level: "full", Elapsed: 2500 * time.Nanosecond,
		Findings: []engine.Finding{
			{Code: "T27", Severity: engine.Error, Rule: "mt.field", Message: "bad \"BIC\"\x01\xff", Location: engine.Location{Block: 4, Field: "52A", Line: 9, Column: 6}},
			{Code: "SVX201", Severity: engine.Warning, Rule: "mx.schema", Message: "m", Location: engine.Location{Path: "/Document/A[1]", Line: 3}, RuleSet: "x@1"},
		}}
	got := string(r.AppendJSON(nil))
	want := `{"index":2,"valid":false,"complete":true,"format":"mt","type":"MT103","level":"full","findings":[` +
		`{"code":"T27","severity":"error","rule":"mt.field","message":"bad \"BIC\"\u0001\ufffd","location":{"block":4,"field":"52A","line":9,"column":6}},` +
		`{"code":"SVX201","severity":"warning","rule":"mx.schema","message":"m","location":{"path":"/Document/A[1]","line":3},"rule_set":"x@1"}],"elapsed_us":2.500}`
	if got != want {
		t.Fatalf("JSON:\n got %s\nwant %s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Fatal("invalid JSON")
	}
	var back engine.Report
	if err := json.Unmarshal([]byte(got), &back); err != nil {
		t.Fatal(err)
	}
	if back.Type != "MT103" || len(back.Findings) != 2 || back.Findings[1].Location.Path != "/Document/A[1]" || back.Findings[0].Location.Column != 6 || back.Findings[1].Severity != engine.Warning {
		t.Fatalf("round trip: %+v", back)
	}
	var sb strings.Builder
	r.Source = "p.fin"
	if err := r.WriteText(&sb); err != nil {
		t.Fatal(err)
	}
	text := sb.String()
	for _, want := range []string{"p.fin#2: MT103 (mt, full): INVALID, 1 error(s), 1 warning(s)", "block 4, field 52A, line 9, column 6", "/Document/A[1] (line 3)"} {
		if !strings.Contains(text, want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("msg", "/p", "ID")
	f.Add("\x00\xff\u2028\"\\", "", "")
	f.Fuzz(func(t *testing.T, msg, path, id string) {
		r := &engine.Report{ID: id, Findings: []engine.Finding{{Message: msg, Location: engine.Location{Path: path}}}}
		if b := r.AppendJSON(nil); !json.Valid(b) {
			t.Fatalf("invalid JSON: %s", b)
		}
	})
}

// staticFormat returns the same message for any input, so allocation tests
// measure the engine alone.
type staticFormat struct{ m *engine.Message }

func (staticFormat) Name() string                                     { return "mt" }
func (staticFormat) Detect([]byte) bool                               { return true }
func (staticFormat) MessageTypes() []engine.TypeInfo                  { return nil }
func (s staticFormat) Parse([]byte, *engine.Findings) *engine.Message { return s.m }

func newStaticEngine(rules int) *engine.Engine {
	e := engine.New(engine.Options{})
	e.RegisterFormat(staticFormat{&engine.Message{Format: "mt", Type: "A"}})
	if err := e.AddRuleSet(&engine.RuleSet{Name: "s", Rules: nopRules(rules)}); err != nil {
		panic(err)
	}
	return e
}

// TestValidateAllocs pins the engine's own allocations: one Report for a
// message without findings.
func TestValidateAllocs(t *testing.T) {
	e := newStaticEngine(30)
	in := []byte("x")
	if got := testing.AllocsPerRun(200, func() { e.Validate(context.Background(), in) }); got > 1 {
		t.Fatalf("engine allocates %.0f per validation, want at most 1 (the Report)", got)
	}
}

// releasingFormat counts the messages handed back through Release.
type releasingFormat struct {
	lineFormat
	released *int
}

func (r releasingFormat) Release(*engine.Message) { *r.released++ }

func TestReleaseAfterRules(t *testing.T) {
	n := 0
	e := engine.New(engine.Options{})
	e.RegisterFormat(releasingFormat{released: &n})
	ran := false
	check := engine.NewRule(engine.RuleInfo{ID: "r", AppliesTo: []string{"*"}}, func(*engine.Message, *engine.Findings) {
		if n != 0 {
			t.Error("message released before a rule ran")
		}
		ran = true
	})
	if err := e.AddRuleSet(&engine.RuleSet{Name: "s", Rules: []engine.Rule{check}}); err != nil {
		t.Fatal(err)
	}
	e.Validate(context.Background(), []byte("T:A"))
	e.Validate(context.Background(), []byte("T:A\nunparseable"))
	if !ran || n != 1 {
		t.Fatalf("ran=%v released=%d, want one release (none for the unparseable input)", ran, n)
	}
}

var testSlot = engine.NewCacheSlot()

// TestCacheSlotLivesOneValidation: a value cached by one rule is seen by
// the next rule of the same validation and never by a later validation of
// a recycled Message.
func TestCacheSlotLivesOneValidation(t *testing.T) {
	msg := &engine.Message{Format: "mt", Type: "A"}
	e := engine.New(engine.Options{})
	e.RegisterFormat(staticFormat{msg})
	calls := 0
	set := engine.NewRule(engine.RuleInfo{ID: "set", AppliesTo: []string{"*"}}, func(m *engine.Message, f *engine.Findings) {
		if m.Cached(testSlot) != nil {
			f.Error("STALE", engine.Location{}, "value from an earlier validation")
		}
		calls++
		m.SetCached(testSlot, calls)
	})
	get := engine.NewRule(engine.RuleInfo{ID: "get", AppliesTo: []string{"*"}}, func(m *engine.Message, f *engine.Findings) {
		if m.Cached(testSlot) != calls {
			f.Error("LOST", engine.Location{}, "value not kept within the validation")
		}
	})
	if err := e.AddRuleSet(&engine.RuleSet{Name: "s", Rules: []engine.Rule{set, get}}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if r := e.Validate(context.Background(), nil); !r.Valid {
			t.Fatalf("validation %d: %s", i, codes(r))
		}
	}
}

// aliasFormat reports a finding whose field, path and message are cut from
// the input itself, as zero-copy parsers do.
type aliasFormat struct{ lineFormat }

func (aliasFormat) Parse(raw []byte, f *engine.Findings) *engine.Message {
	s := unsafe.String(unsafe.SliceData(raw), len(raw))
	f.Error("A1", engine.Location{Field: s[:3], Path: s, Line: 1}, s)
	if strings.HasSuffix(s, "nil") {
		return nil
	}
	return &engine.Message{Format: "toy", Type: "A"}
}

// TestReportDoesNotAliasInput: the caller may reuse its buffer once
// Validate returns; the report must not change with it.
func TestReportDoesNotAliasInput(t *testing.T) {
	for _, in := range []string{"T:ABC", "T:ABCnil"} {
		e := engine.New(engine.Options{})
		e.RegisterFormat(aliasFormat{})
		raw := []byte(in)
		r := e.Validate(context.Background(), raw)
		before := string(r.AppendJSON(nil))
		for i := range raw {
			raw[i] = 'x'
		}
		if after := string(r.AppendJSON(nil)); after != before {
			t.Fatalf("report changed with the input buffer:\n%s\n%s", before, after)
		}
	}
}

// startRule records the order of Start and Check calls in log.
type startRule struct {
	id  string
	log *[]string
	bad bool // Start panics
}

func (r *startRule) Info() engine.RuleInfo {
	return engine.RuleInfo{ID: r.id, Code: "X1", AppliesTo: []string{"*"}}
}
func (r *startRule) Start(m *engine.Message) {
	if r.bad {
		panic("start boom")
	}
	*r.log = append(*r.log, "start "+r.id)
}
func (r *startRule) Check(m *engine.Message, f *engine.Findings) {
	*r.log = append(*r.log, "check "+r.id)
}

func TestStartersStartBeforeAnyRule(t *testing.T) {
	var log []string
	plain := engine.NewRule(engine.RuleInfo{ID: "plain", Code: "X0", AppliesTo: []string{"*"}}, func(m *engine.Message, f *engine.Findings) {
		log = append(log, "check plain")
	})
	e := newEngine(t, &engine.RuleSet{Name: "s", Rules: []engine.Rule{plain, &startRule{id: "a", log: &log}, &startRule{id: "b", log: &log}, &startRule{id: "off", log: &log}}})
	e.SetEnabled("off", false)
	rep := e.Validate(context.Background(), []byte("T:A\nx"))
	want := "start a,start b,check plain,check a,check b"
	if got := strings.Join(log, ","); got != want {
		t.Fatalf("calls: got %s, want %s", got, want)
	}
	if !rep.Valid {
		t.Fatalf("report: %+v", rep)
	}
}

func TestStarterPanicIsContained(t *testing.T) {
	var log []string
	e := newEngine(t, &engine.RuleSet{Name: "s", Rules: []engine.Rule{&startRule{id: "bad", log: &log, bad: true}, &startRule{id: "ok", log: &log}}})
	rep := e.Validate(context.Background(), []byte("T:A\nx"))
	if rep.Valid || !rep.HasCode(engine.CodeRulePanicked) || rep.Findings[0].Rule != "bad" {
		t.Fatalf("a panicking Start must give SV003 on its rule: %+v", rep.Findings)
	}
	if got := strings.Join(log, ","); got != "start ok,check bad,check ok" {
		t.Fatalf("calls: %s", got)
	}
}
