package iso20022

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed/typedtest"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/mx/rules")

const fixtures = "../../testdata/mx/rules"

const tx = "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]"

// cases: for each rule, its code and the XPath its failing fixture must be
// reported at. <rule>.pass.xml must not report the code.
var cases = []struct {
	rule, code, path string
}{
	{"iso20022.amount.minor-units", CodeMinorUnits, tx + "/InstdAmt"},
	{"iso20022.currency.code", CodeCurrency, tx + "/IntrBkSttlmAmt/@Ccy"},
	{"iso20022.country.code", CodeCountry, tx + "/Dbtr/PstlAdr/Ctry"},
	{"iso20022.iban", CodeIBAN, tx + "/CdtrAcct/Id/IBAN"},
	{"iso20022.bic", CodeBIC, tx + "/CdtrAgt/FinInstnId/BICFI"},
	{"iso20022.nb-of-txs", CodeNbOfTxs, "/Document/FIToFICstmrCdtTrf/GrpHdr/NbOfTxs"},
	{"iso20022.ctrl-sum", CodeCtrlSum, "/Document/FIToFICstmrCdtTrf/GrpHdr/CtrlSum"},
	{"iso20022.total-settlement", CodeTotalSettled, "/Document/FIToFICstmrCdtTrf/GrpHdr/TtlIntrBkSttlmAmt"},
}

func TestRules(t *testing.T) {
	e := typedtest.Engine(t, RuleSet())
	seen := map[string]bool{}
	for _, r := range Rules() {
		seen[r.Info().ID] = false
	}
	for _, tc := range cases {
		seen[tc.rule] = true
		for _, kind := range []string{"pass", "fail"} {
			t.Run(tc.rule+"/"+kind, func(t *testing.T) {
				name := filepath.Join(fixtures, tc.rule+"."+kind)
				raw, err := os.ReadFile(name + ".xml")
				if err != nil {
					t.Fatal(err)
				}
				r, js := typedtest.Report(e, raw, engine.ValidateOptions{})
				typedtest.Golden(t, name+".json", js, *update)
				var hit *engine.Finding
				for i := range r.Findings {
					if r.Findings[i].Code == tc.code {
						hit = &r.Findings[i]
					}
				}
				switch {
				case kind == "pass" && hit != nil:
					t.Errorf("pass fixture reports %s: %s", tc.code, hit.Message)
				case kind == "pass" && !r.Valid:
					t.Errorf("pass fixture invalid: %v", r.Findings)
				case kind == "fail" && hit == nil:
					t.Errorf("fail fixture does not report %s: %v", tc.code, r.Findings)
				case kind == "fail" && hit.Location.Path != tc.path:
					t.Errorf("%s at %s, want %s", tc.code, hit.Location.Path, tc.path)
				case kind == "fail" && (hit.Rule != tc.rule || hit.Location.Line == 0):
					t.Errorf("finding rule %s line %d", hit.Rule, hit.Location.Line)
				}
			})
		}
	}
	for id, ok := range seen {
		if !ok {
			t.Errorf("rule %s has no test case", id)
		}
	}
}

// TestCorpus runs the set over the shared corpus's CBPR+ samples (read in
// place): the published samples and the pacs.008 sample with a deliberately
// bad IBAN must give the expected verdicts.
func TestCorpus(t *testing.T) {
	dir := "../../../shared/corpus/mx/phoughton__iso20022-cbpr-ur"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared corpus absent at %s: skipping corpus checks", dir)
	}
	e := typedtest.Engine(t, RuleSet())
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		r, _ := typedtest.Report(e, raw, engine.ValidateOptions{})
		base := filepath.Base(f)
		if strings.Contains(base, "dodgy_IBAN") {
			if !r.HasCode(CodeIBAN) {
				t.Errorf("%s: bad IBAN not reported: %v", base, r.Findings)
			}
			continue
		}
		for _, fd := range r.Findings {
			t.Logf("%s: %s %s %s", base, fd.Code, fd.Location.Path, fd.Message)
		}
	}
}

func BenchmarkRuleSet(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join(fixtures, "iso20022.ctrl-sum.pass.xml"))
	if err != nil {
		b.Fatal(err)
	}
	e := typedtest.Engine(b, RuleSet())
	b.ReportAllocs()
	for b.Loop() {
		e.Validate(nil, raw)
	}
}

// TestPain001Groups checks NbOfTxs and CtrlSum at both levels of a pain.001:
// the group header (all payment information blocks) and each PmtInf.
func TestPain001Groups(t *testing.T) {
	e := typedtest.Engine(t, RuleSet())
	tests := []struct {
		file       string
		code, path string // expected finding; empty for none
	}{
		{"iso20022.pain001.pass", "", ""},
		// PmtInf[2] claims 2 transactions: both its own count and the group
		// header's total (3 listed, 3 present) are checked separately.
		{"iso20022.pain001.nb-of-txs.fail", CodeNbOfTxs, "/Document/CstmrCdtTrfInitn/PmtInf[2]/NbOfTxs"},
		{"iso20022.pain001.ctrl-sum.fail", CodeCtrlSum, "/Document/CstmrCdtTrfInitn/PmtInf[1]/CtrlSum"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			name := filepath.Join(fixtures, tc.file)
			raw, err := os.ReadFile(name + ".xml")
			if err != nil {
				t.Fatal(err)
			}
			r, js := typedtest.Report(e, raw, engine.ValidateOptions{})
			typedtest.Golden(t, name+".json", js, *update)
			if tc.code == "" {
				if len(r.Findings) != 0 {
					t.Errorf("unexpected findings: %v", r.Findings)
				}
				return
			}
			if len(r.Findings) != 1 || r.Findings[0].Code != tc.code || r.Findings[0].Location.Path != tc.path {
				t.Errorf("findings %v, want one %s at %s", r.Findings, tc.code, tc.path)
			}
		})
	}
}

// BenchmarkRulesOnly runs the set's rules on an already decoded message
// (leaves cached after the first run): the cost of the rules themselves.
func BenchmarkRulesOnly(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join(fixtures, "iso20022.ctrl-sum.pass.xml"))
	if err != nil {
		b.Fatal(err)
	}
	m := typedtest.Format{}.Parse(raw, new(engine.Findings))
	rules := Rules()
	var f engine.Findings
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range rules {
			r.Check(m, &f)
		}
		f.Reset()
	}
}
