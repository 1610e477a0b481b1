package cbpr

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
	"github.com/swiftval/swiftval/formats/mx/typed/typedtest"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/mx/rules")

const fixtures = "../../testdata/mx/rules"

const tx = "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]"

// cases: for each rule, its code and the XPath its failing fixture must be
// reported at. <rule>.pass.xml must be valid and not report the code.
var cases = []typedtest.RuleCase{
	{Rule: "cbpr.bah.biz-msg-idr", Code: CodeBizMsgIdr, Path: "/AppHdr/BizMsgIdr"},
	{Rule: "cbpr.bah.from-to", Code: CodeFromTo, Path: "/AppHdr/To/FIId/FinInstnId/BICFI"},
	{Rule: "cbpr.bah.priority", Code: CodePriority, Path: "/AppHdr/Prty"},
	{Rule: "cbpr.single-transaction", Code: CodeSingleTx, Path: "/Document/FIToFICstmrCdtTrf/GrpHdr/NbOfTxs"},
	{Rule: "cbpr.uetr", Code: CodeUETR, Path: tx + "/PmtId/UETR"},
	{Rule: "cbpr.charset.fin-x", Code: CodeCharset, Path: tx + "/PmtId/EndToEndId"},
	{Rule: "cbpr.address.structured", Code: CodeAddress, Path: tx + "/Cdtr/PstlAdr/AdrLine[3]"},
	{Rule: "cbpr.address.unstructured", Code: CodeUnstructured, Path: tx + "/Dbtr/PstlAdr"},
	{Rule: "cbpr.currency.commodity", Code: CodeCommodity, Path: tx + "/IntrBkSttlmAmt/@Ccy"},
	{Rule: "cbpr.charges.debt", Code: CodeDebt, Path: tx + "/ChrgsInf[2]"},
	{Rule: "cbpr.charges.cred", Code: CodeCred, Path: tx + "/ChrgsInf[1]"},
	{Rule: "cbpr.instr-for-cdtr-agt", Code: CodeInstrForCdtr, Path: tx + "/InstrForCdtrAgt[2]/Cd"},
	{Rule: "cbpr.remittance.exclusive", Code: CodeRemittance, Path: tx + "/RmtInf/Strd[1]"},
	{Rule: "cbpr.instr-id.slashes", Code: CodeInstrIDSlashes, Path: tx + "/PmtId/InstrId"},
	{Rule: "cbpr.status.reject-reason", Code: CodeRejectReason, Path: "/Document/FIToFIPmtStsRpt/TxInfAndSts[1]/StsRsnInf[1]/Rsn"},
	{Rule: "cbpr.status.reject-settlement-date", Code: CodeRejectSttlmDt, Path: "/Document/FIToFIPmtStsRpt/TxInfAndSts[1]/FctvIntrBkSttlmDt"},
	{Rule: "cbpr.charges.bearer", Code: CodeChargeBearer, Path: tx + "/ChrgBr"},
	{Rule: "cbpr.remittance.structured-length", Code: CodeStrdLength, Path: tx + "/RmtInf/Strd[1]"},
	{Rule: "cbpr.bah.copy-duplicate", Code: CodeCopyDuplicate, Path: "/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/CpyDplctInd"},
	{Rule: "cbpr.party.name-address", Code: CodePartyName, Path: tx + "/Dbtr/Nm"},
	{Rule: "cbpr.party.any-bic", Code: CodePartyAnyBIC, Path: tx + "/Cdtr/Id/OrgId/AnyBIC"},
	{Rule: "cbpr.cov.underlying", Code: CodeCovUnderlying, Path: "/Document/FICdtTrf/CdtTrfTxInf[1]/UndrlygCstmrCdtTrf"},
	{Rule: "cbpr.bah.biz-svc", Code: CodeBizSvc, Path: "/AppHdr/BizSvc"},
	{Rule: "cbpr.settlement-method", Code: CodeSttlmMtd, Path: "/Document/FIToFICstmrCdtTrf/GrpHdr/SttlmInf/SttlmMtd"},
	{Rule: "cbpr.cancellation.uetr", Code: CodeCxlUETR, Path: cxlTx + "/OrgnlUETR"},
	{Rule: "cbpr.cancellation.original-refs", Code: CodeCxlRefs, Path: cxlTx + "/OrgnlIntrBkSttlmDt"},
	{Rule: "cbpr.cancellation.case", Code: CodeCxlCase, Path: rslTx + "/RslvdCase"},
	{Rule: "cbpr.cancellation.id-slashes", Code: CodeCxlSlashes, Path: cxlTx + "/CxlId"},
	{Rule: "cbpr.cancellation.reason-code", Code: CodeCxlReason, Path: cxlTx + "/CxlRsnInf[1]/Rsn/Cd"},
	{Rule: "cbpr.cancellation.narrative", Code: CodeCxlNarrative, Path: cxlTx + "/CxlRsnInf[1]/AddtlInf[1]"},
	{Rule: "cbpr.resolution.status", Code: CodeRsltnStatus, Path: "/Document/RsltnOfInvstgtn/Sts/Conf"},
	{Rule: "cbpr.resolution.reject-reason", Code: CodeRsltnReject, Path: rslTx + "/CxlStsRsnInf[1]/Rsn"},
	{Rule: "cbpr.resolution.reason-information", Code: CodeRsltnReasonInfo, Path: rslTx + "/CxlStsRsnInf[1]/AddtlInf[1]"},
	{Rule: "cbpr.agent.identification", Code: CodeAgentID, Path: tx + "/CdtrAgt/FinInstnId/PstlAdr"},
	{Rule: "cbpr.adv.settlement", Code: CodeADVSettlement, Path: "/Document/FICdtTrf/GrpHdr/SttlmInf/SttlmMtd"},
}

// Transactions of the Stop and Recall fixtures.
const (
	cxlTx = "/Document/FIToFIPmtCxlReq/Undrlyg[1]/TxInf[1]"
	rslTx = "/Document/RsltnOfInvstgtn/CxlDtls[1]/TxInfAndSts[1]"
)

func TestRules(t *testing.T) {
	typedtest.RuleFixtures(t, RuleSet(), fixtures, cases, true, *update)
}

// TestRelease checks the release choice: by CreDt, pinned, and by clock.
func TestRelease(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(fixtures, "cbpr.address.unstructured.sr2025.xml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		set    *engine.RuleSet
		sev    engine.Severity
		bizSvc bool // SVC424: the file's swift.cbprplus.03 is SR2025's, refused under SR2026
	}{
		{"by CreDt 2026-06-01 is SR2025", RuleSet(), engine.Warning, false},
		{"pinned SR2026", mustNew(t, Options{Release: "SR2026"}), engine.Error, true},
		{"pinned SR2025", mustNew(t, Options{Release: "SR2025"}), engine.Warning, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := typedtest.Engine(t, tc.set)
			r, js := typedtest.Report(e, raw, engine.ValidateOptions{})
			if !strings.Contains(tc.name, "pinned") {
				typedtest.Golden(t, filepath.Join(fixtures, "cbpr.address.unstructured.sr2025.json"), js, *update)
			}
			var addr []engine.Finding
			for _, f := range r.Findings {
				if f.Code == CodeUnstructured {
					addr = append(addr, f)
				}
			}
			if len(addr) != 1 || addr[0].Severity != tc.sev {
				t.Errorf("findings %v, want one %s %v", r.Findings, CodeUnstructured, tc.sev)
			}
			if r.HasCode(CodeBizSvc) != tc.bizSvc || len(r.Findings) != 1+map[bool]int{true: 1}[tc.bizSvc] {
				t.Errorf("findings %v: %s reported %v, want %v", r.Findings, CodeBizSvc, r.HasCode(CodeBizSvc), tc.bizSvc)
			}
		})
	}
	c := &checker{o: Options{Now: func() time.Time { return time.Date(2026, 11, 13, 23, 0, 0, 0, time.UTC) }}, rels: builtinReleases(), tab: BuiltinBizSvcTable, pinned: -1}
	if got, byDate := c.release(&typedMessageNoHdr); c.relName(got) != "SR2025" || byDate {
		t.Errorf("release on 13 Nov 2026 = %s (by CreDt %v), want SR2025 by the clock", c.relName(got), byDate)
	}
	c.o.Now = func() time.Time { return time.Date(2026, 11, 14, 0, 0, 0, 0, time.UTC) }
	if got, _ := c.release(&typedMessageNoHdr); c.relName(got) != "SR2026" {
		t.Errorf("release on 14 Nov 2026 = %s, want SR2026", c.relName(got))
	}
	c.o.Now = func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }
	if got, _ := c.release(&typedMessageNoHdr); c.relName(got) != "pre-SR2025" {
		t.Errorf("release on 1 Jan 2024 = %s, want pre-SR2025", c.relName(got))
	}
	if v := RuleSet().Version; v != "pre-SR2025+SR2025+SR2026" {
		t.Errorf("version %s", v)
	}
	if v := mustNew(t, Options{Release: "SR2025"}).Version; v != "SR2025" {
		t.Errorf("pinned version %s", v)
	}
	if _, err := New(Options{Release: "SR2099"}); err == nil || !strings.Contains(err.Error(), "SR2099") {
		t.Errorf("unknown release: error %v, want one naming it", err)
	}
}

// TestCorpus runs the set over the shared corpus's CBPR+ files (read in
// place). Files named as deliberate violators (generated, names may be
// wrong) must report the rule their name cites (the msgdefidr_mismatch ones
// are the MX format's SVX213: TestCorpusHeaderMismatch in formats/mx);
// SWIFT's own samples must report no error.
func TestCorpus(t *testing.T) {
	dir := "../../../shared/corpus/mx/phoughton__iso20022-cbpr-ur"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared corpus absent at %s: skipping corpus checks", dir)
	}
	e := typedtest.Engine(t, RuleSet())
	expect := map[string]string{
		"commodity_currency_XAU": CodeCommodity,
		"slash_in_instrid":       CodeInstrIDSlashes,
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		r, _ := typedtest.Report(e, raw, engine.ValidateOptions{Profile: Profile})
		base := filepath.Base(f)
		for suffix, code := range expect {
			if strings.Contains(base, "__violates_") && strings.Contains(base, suffix) && !r.HasCode(code) {
				t.Errorf("%s: %s not reported: %v", base, code, r.Findings)
			}
		}
		// SWIFT's own samples (copied into the corpus unchanged) must pass.
		swiftSample := (strings.Contains(base, "CBPR_p") || strings.HasSuffix(base, "CBPR2025.PACS008-MinMax-0023.xml")) && !strings.Contains(base, "violates")
		if swiftSample && r.Errors() > 0 {
			t.Errorf("%s: SWIFT sample reported invalid: %v", base, r.Findings)
		}
		for _, fd := range r.Findings {
			t.Logf("%s: %s %s %s", base, fd.Code, fd.Location.Path, fd.Message)
		}
	}
}

func BenchmarkRuleSet(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join(fixtures, "cbpr.uetr.pass.xml"))
	if err != nil {
		b.Fatal(err)
	}
	e := typedtest.Engine(b, RuleSet())
	b.ReportAllocs()
	for b.Loop() {
		e.Validate(nil, raw)
	}
}

var typedMessageNoHdr = typed.Message{}

// mustNew is New that fails the test on an error.
func mustNew(t testing.TB, o Options) *engine.RuleSet {
	t.Helper()
	rs, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// BenchmarkRulesOnly runs the set's rules on an already decoded message
// (leaves cached after the first run): the cost of the rules themselves.
func BenchmarkRulesOnly(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join(fixtures, "cbpr.uetr.pass.xml"))
	if err != nil {
		b.Fatal(err)
	}
	m := typedtest.Format{}.Parse(raw, new(engine.Findings))
	rules := RuleSet().Rules
	var f engine.Findings
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range rules {
			r.Check(m, &f)
		}
		f.Reset()
	}
}

// TestBizSvcHeaderVersion: an AppHdr of another head.001 version is refused.
func TestBizSvcHeaderVersion(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(fixtures, "cbpr.bah.biz-svc.pass.xml"))
	if err != nil {
		t.Fatal(err)
	}
	raw = []byte(strings.Replace(string(raw), "head.001.001.02", "head.001.001.01", 1))
	r, _ := typedtest.Report(typedtest.Engine(t, RuleSet()), raw, engine.ValidateOptions{})
	if len(r.Findings) != 1 || r.Findings[0].Code != CodeBizSvc || r.Findings[0].Location.Path != "/AppHdr" {
		t.Errorf("findings %v, want one %s at /AppHdr", r.Findings, CodeBizSvc)
	}
}
