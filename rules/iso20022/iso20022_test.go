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
var cases = []typedtest.RuleCase{
	{Rule: "iso20022.amount.minor-units", Code: CodeMinorUnits, Path: tx + "/InstdAmt"},
	{Rule: "iso20022.currency.code", Code: CodeCurrency, Path: tx + "/IntrBkSttlmAmt/@Ccy"},
	{Rule: "iso20022.country.code", Code: CodeCountry, Path: tx + "/Dbtr/PstlAdr/Ctry"},
	{Rule: "iso20022.iban", Code: CodeIBAN, Path: tx + "/CdtrAcct/Id/IBAN"},
	{Rule: "iso20022.bic", Code: CodeBIC, Path: tx + "/CdtrAgt/FinInstnId/BICFI"},
	{Rule: "iso20022.nb-of-txs", Code: CodeNbOfTxs, Path: "/Document/FIToFICstmrCdtTrf/GrpHdr/NbOfTxs"},
	{Rule: "iso20022.ctrl-sum", Code: CodeCtrlSum, Path: "/Document/FIToFICstmrCdtTrf/GrpHdr/CtrlSum"},
	{Rule: "iso20022.total-settlement", Code: CodeTotalSettled, Path: "/Document/FIToFICstmrCdtTrf/GrpHdr/TtlIntrBkSttlmAmt"},
	{Rule: "iso20022.external-code", Code: CodeExternal, Path: tx + "/Purp/Cd"},
}

func TestRules(t *testing.T) {
	typedtest.RuleFixtures(t, RuleSet(), fixtures, cases, false, *update)
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
