package custom

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/payment"
)

// TestResult is the outcome of one test of a rule set.
type TestResult struct {
	// Set and Name identify the test; File and Line locate it.
	Set, Name string
	File      string
	Line      int
	// Passed is true when the verdict and codes were as expected.
	Passed bool
	// Detail says what differed; empty when passed.
	Detail string
	// Report is the validation report the test produced.
	Report *engine.Report
}

// runTests runs the tests of a compiled rule set on a private engine
// holding formats (those of e) and only this set, and returns one result
// per test. Test files are read confined to c.dir (readConfined).
func runTests(c *compiled, formats []engine.Format, opts engine.Options) []TestResult {
	if len(c.spec.Tests) == 0 {
		return nil
	}
	te := engine.New(testOptions(opts))
	for _, f := range formats {
		te.RegisterFormat(f)
	}
	te.RegisterFormat(viewFormat{})
	set := c.set
	if len(c.external) > 0 {
		// Tests run the set's rules, not its external checks: loading a
		// set never calls another system.
		ts := *c.set
		ts.Rules = ts.Rules[:len(ts.Rules)-len(c.external)]
		set = &ts
	}
	if err := te.AddRuleSet(ownOverrides(set)); err != nil {
		return []TestResult{{Set: c.spec.Name, File: c.file, Detail: err.Error()}}
	}
	var out []TestResult
	for i, t := range c.spec.Tests {
		name := t.Name
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
		}
		res := TestResult{Set: c.spec.Name, Name: name, File: c.file, Line: t.node.Line}
		vo := engine.ValidateOptions{RuleSets: []string{c.set.Name}}
		var raw []byte
		switch {
		case t.View != nil:
			raw = encodeTestView(t.View)
			vo.Format = viewFormatName
		case t.File != "":
			b, err := readConfined(c.dir, t.File, int64(te.Options().MaxInput))
			if err != nil {
				res.Detail = "test file " + err.Error()
				out = append(out, res)
				continue
			}
			raw = b
		default:
			raw = []byte(t.Message)
		}
		rep := te.ValidateWith(context.Background(), raw, vo)
		res.Report = rep
		res.Passed, res.Detail = compareVerdict(t, rep)
		out = append(out, res)
	}
	return out
}

// selfTestBudget is the latency budget of each test message: a rule set's
// tests check verdicts, not speed, so a loaded machine (a reload under
// traffic, a CI runner) must not fail a sound set with SV001.
const selfTestBudget = 10 * time.Second

// testOptions is the engine's options with at least selfTestBudget.
func testOptions(o engine.Options) engine.Options {
	o.Budget = max(o.Budget, selfTestBudget)
	return o
}

// ownOverrides returns set, or a copy of it whose disable list and
// severity overrides keep only the set's own rules: the test engine holds
// no other rules, so entries about them could not apply there, and the
// engine refuses entries naming rules it does not have.
func ownOverrides(set *engine.RuleSet) *engine.RuleSet {
	if len(set.Disable) == 0 && len(set.Severity) == 0 {
		return set
	}
	own := map[string]bool{}
	for _, r := range set.Rules {
		own[r.Info().ID] = true
	}
	cp := *set
	cp.Disable, cp.Severity = nil, nil
	for _, id := range set.Disable {
		if own[id] {
			cp.Disable = append(cp.Disable, id)
		}
	}
	for id, sev := range set.Severity {
		if own[id] {
			if cp.Severity == nil {
				cp.Severity = map[string]engine.Severity{}
			}
			cp.Severity[id] = sev
		}
	}
	return &cp
}

func compareVerdict(t *testSpec, rep *engine.Report) (bool, string) {
	var got []string
	for _, f := range rep.Findings {
		if !slices.Contains(got, f.Code) {
			got = append(got, f.Code)
		}
	}
	sort.Strings(got)
	var why []string
	if t.Valid != nil && *t.Valid != rep.Valid {
		why = append(why, fmt.Sprintf("expected valid=%v, got valid=%v", *t.Valid, rep.Valid))
	}
	if t.Codes != nil || (t.Valid != nil && *t.Valid) {
		want := append([]string(nil), t.Codes...)
		sort.Strings(want)
		if !slices.Equal(want, got) && !(len(want) == 0 && len(got) == 0) {
			why = append(why, fmt.Sprintf("expected codes [%s], got [%s]", strings.Join(want, " "), strings.Join(got, " ")))
		}
	}
	if len(why) == 0 {
		return true, ""
	}
	// The detail names each finding by code, rule and location, never by
	// its message: messages may quote the test message (names, accounts,
	// amounts), and the detail goes into load errors, which the admin API
	// returns and reloads log. TestResult.Report has the full findings.
	var fs []string
	for _, f := range rep.Findings {
		fs = append(fs, f.Code+" "+f.Rule+" at "+f.Location.String())
	}
	d := strings.Join(why, "; ")
	if len(fs) > 0 {
		d += " (findings: " + strings.Join(fs, " | ") + ")"
	}
	return false, d
}

// viewFormatName is the format of test messages given as a view: a private
// format registered only on the engines that run rule-set tests.
const viewFormatName = "swiftval-test-view"

// viewFormat parses the encoding of a test view (name=value lines).
type viewFormat struct{}

// Name implements engine.Format.
func (viewFormat) Name() string { return viewFormatName }

// Detect implements engine.Format: never detected, always forced.
func (viewFormat) Detect([]byte) bool { return false }

// MessageTypes implements engine.Format.
func (viewFormat) MessageTypes() []engine.TypeInfo { return nil }

// Parse implements engine.Format.
func (viewFormat) Parse(raw []byte, f *engine.Findings) *engine.Message {
	v, err := decodeTestView(raw)
	if err != nil {
		f.SetRule("custom.test", "")
		f.Error(engine.CodeRuleFailed, engine.Location{}, "test view: "+err.Error())
		return nil
	}
	return &engine.Message{Format: v.Format, Type: v.Type, Base: v.Base, Level: engine.LevelFull, Body: testBody{v}, Raw: raw}
}

type testBody struct{ v *payment.View }

// PaymentView implements payment.Viewer.
func (b testBody) PaymentView() *payment.View { return b.v }

func encodeTestView(m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		sb.WriteString(k)
		sb.WriteByte('=')
		sb.WriteString(strings.ReplaceAll(m[k], "\n", " "))
		sb.WriteByte('\n')
	}
	return []byte(sb.String())
}

func decodeTestView(raw []byte) (*payment.View, error) {
	m := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			m[k] = v
		}
	}
	return ViewFromMap(m)
}

// ViewFromMap builds a one-transaction payment.View from flat values named as in
// CEL ("message.type", "settlement.amount", "debtor.agent.bic"). It is
// used by rule-set tests given as a view and is handy in Go tests. Unknown
// names and malformed amounts are errors. message.type defaults to MT103
// and message.format to "mt" (or "mx" for an ISO 20022 type).
func ViewFromMap(m map[string]string) (*payment.View, error) {
	v := &payment.View{Transactions: make([]payment.Transaction, 1)}
	tx := &v.Transactions[0]
	for k, val := range m {
		if err := setViewValue(v, tx, k, val); err != nil {
			return nil, err
		}
	}
	v.FillDerived()
	if v.Type == "" {
		v.Type = "MT103"
	}
	if v.Base == "" {
		v.Base = v.Type
		if strings.HasPrefix(v.Type, "MT") && len(v.Type) > 5 {
			v.Base = v.Type[:5]
		}
	}
	if v.Format == "" {
		v.Format = "mx"
		if strings.HasPrefix(v.Type, "MT") {
			v.Format = "mt"
		}
	}
	return v, nil
}

func setViewValue(v *payment.View, tx *payment.Transaction, k, val string) error {
	dec := func(d *decimal.Decimal) error {
		x, err := parseDecimal(val)
		if err != nil {
			return fmt.Errorf("%s: %q is not a decimal amount", k, val)
		}
		*d = x
		return nil
	}
	party := func(p *payment.Party, field string) bool {
		switch field {
		case "name":
			p.Name = val
		case "address":
			p.Address = val
		case "country":
			p.Country = val
		case "account", "iban":
			p.Account = val
		case "bic":
			p.BIC = val
		default:
			if a, ok := strings.CutPrefix(field, "agent."); ok {
				return agentField(&p.Agent, a, val)
			}
			return false
		}
		return true
	}
	head, rest, _ := strings.Cut(k, ".")
	ok := true
	switch head {
	case "message":
		switch rest {
		case "format":
			v.Format = val
		case "type":
			v.Type = val
		case "base":
			v.Base = val
		case "sender":
			v.Sender = val
		case "receiver":
			v.Receiver = val
		case "id":
			v.ID = val
		default:
			ok = false
		}
	case "uetr":
		tx.UETR = val
	case "ref":
		switch rest {
		case "instruction":
			tx.InstructionID = val
		case "end_to_end":
			tx.EndToEndID = val
		case "transaction":
			tx.TransactionID = val
		default:
			ok = false
		}
	case "value_date":
		tx.ValueDate = val
	case "charges":
		ok = rest == "bearer"
		tx.ChargeBearer = val
	case "remittance":
		tx.Remittance = val
	case "purpose":
		tx.Purpose = val
	case "settlement", "instructed":
		mo := &tx.Settlement
		if head == "instructed" {
			mo = &tx.Instructed
		}
		switch rest {
		case "amount":
			return dec(&mo.Amount)
		case "currency":
			mo.Currency = val
		default:
			ok = false
		}
	case "debtor":
		ok = party(&tx.Debtor, rest)
	case "creditor":
		ok = party(&tx.Creditor, rest)
	case "underlying":
		u := &tx.Underlying
		u.Present = true
		sub, field, _ := strings.Cut(rest, ".")
		switch sub {
		case "present":
			u.Present = val == "true"
		case "debtor":
			ok = party(&u.Debtor, field)
		case "creditor":
			ok = party(&u.Creditor, field)
		case "instructed":
			switch field {
			case "amount":
				return dec(&u.Instructed.Amount)
			case "currency":
				u.Instructed.Currency = val
			default:
				ok = false
			}
		case "remittance":
			u.Remittance = val
		default:
			ok = false
		}
	case "instructing_agent":
		ok = agentField(&tx.InstructingAgent, rest, val)
	case "instructed_agent":
		ok = agentField(&tx.InstructedAgent, rest, val)
	case "intermediary":
		ok = agentField(&tx.Intermediary, rest, val)
	default:
		ok = false
	}
	if !ok {
		return fmt.Errorf("no view value %q", k)
	}
	return nil
}

func agentField(a *payment.Agent, field, val string) bool {
	switch field {
	case "bic":
		a.BIC = val
	case "name":
		a.Name = val
	case "country":
		a.Country = val
	case "account":
		a.Account = val
	default:
		return false
	}
	return true
}
