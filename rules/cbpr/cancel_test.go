package cbpr

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed/typedtest"
)

// edited returns fixture base with each old string replaced by its new
// one (each must occur).
func edited(t *testing.T, base string, pairs ...string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtures, base))
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("%s: %q not found", base, pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

// TestStopAndRecallCases: more cases of the camt.056/camt.029 rules and of
// the general rules extended to them, each with its code and XPath ("" for
// a message that must pass).
func TestStopAndRecallCases(t *testing.T) {
	const (
		c56 = "base.camt056.xml.tmpl"
		c29 = "base.camt029.xml.tmpl"
		sr5 = "<CreDt>2026-06-01T10:00:00+00:00</CreDt>"
	)
	tests := []struct {
		name, base string
		edits      []string
		code, path string
	}{
		{"camt.056 base", c56, nil, "", ""},
		{"camt.029 base", c29, nil, "", ""},
		{"camt.056 To is not the assignee", c56, []string{"<BICFI>BANKDEFFXXX</BICFI>\n\t\t\t\t</FinInstnId>\n\t\t\t</FIId>\n\t\t</To>", "<BICFI>BANKFRPPXXX</BICFI>\n\t\t\t\t</FinInstnId>\n\t\t\t</FIId>\n\t\t</To>"}, CodeFromTo, "/AppHdr/To/FIId/FinInstnId/BICFI"},
		{"camt.029 From is not the assigner", c29, []string{"<BICFI>BANKDEFFXXX</BICFI>\n\t\t\t\t</FinInstnId>\n\t\t\t</FIId>\n\t\t</Fr>", "<BICFI>BANKFRPPXXX</BICFI>\n\t\t\t\t</FinInstnId>\n\t\t\t</FIId>\n\t\t</Fr>"}, CodeFromTo, "/AppHdr/Fr/FIId/FinInstnId/BICFI"},
		{"camt.056 two transactions", c56, []string{"</TxInf>", "</TxInf>\n\t\t\t\t<TxInf><OrgnlUETR>eb6305c9-1f7f-49de-aed0-16487c27b42d</OrgnlUETR></TxInf>"}, CodeSingleTx, "/Document/FIToFIPmtCxlReq/Undrlyg[1]/TxInf[2]"},
		{"camt.029 two CxlDtls", c29, []string{"</CxlDtls>", "</CxlDtls>\n\t\t\t<CxlDtls/>"}, CodeSingleTx, "/Document/RsltnOfInvstgtn/CxlDtls[2]"},
		{"camt.056 originator without name", c56, []string{"<Nm>Debtor Ltd</Nm>", ""}, CodePartyName, cxlTx + "/CxlRsnInf[1]/Orgtr/Nm"},
		{"camt.056 originator without town", c56, []string{"<TwnNm>London</TwnNm>", ""}, CodeAddress, cxlTx + "/CxlRsnInf[1]/Orgtr/PstlAdr/TwnNm"},
		{"camt.029 originator unstructured", c29, []string{"<TwnNm>Berlin</TwnNm>\n\t\t\t\t\t\t\t\t<Ctry>DE</Ctry>", "<AdrLine>Berlin</AdrLine>"}, CodeUnstructured, rslTx + "/CxlStsRsnInf[1]/Orgtr/PstlAdr"},
		{"camt.056 without reason", c56, []string{"<Cd>DUPL</Cd>", "<Prtry>X</Prtry>", "<Rsn>", "<X>", "</Rsn>", "</X>"}, CodeCxlReason, cxlTx + "/CxlRsnInf[1]/Rsn"},
		{"camt.056 case id slashes", c56, []string{"<Id>SVCASE-0001</Id>", "<Id>/SVCASE-0001</Id>"}, CodeCxlSlashes, cxlTx + "/Case/Id"},
		{"camt.056 case id slash after 16", c56, []string{"<Id>SVCASE-0001</Id>", "<Id>SVCASE-000100000/</Id>"}, "", ""},
		{"camt.056 original instruction id slashes", c56, []string{"<OrgnlInstrId>SVTEST-0001<", "<OrgnlInstrId>SVTEST-0001/<"}, CodeInstrIDSlashes, cxlTx + "/OrgnlInstrId"},
		{"camt.056 without case", c56, []string{"<Case>", "<X>", "</Case>", "</X>"}, CodeCxlCase, cxlTx + "/Case"},
		{"camt.029 without CxlStsId", c29, []string{"<CxlStsId>SVRSL-0001</CxlStsId>", ""}, CodeCxlCase, rslTx + "/CxlStsId"},
		{"camt.029 without OrgnlUETR", c29, []string{"<OrgnlUETR>eb6305c9-1f7f-49de-aed0-16487c27b42d</OrgnlUETR>", ""}, CodeCxlUETR, rslTx + "/OrgnlUETR"},
		{"camt.029 without OrgnlGrpInf", c29, []string{"<OrgnlGrpInf>", "<X>", "</OrgnlGrpInf>", "</X>"}, CodeCxlRefs, rslTx + "/OrgnlGrpInf"},
		{"camt.029 IDMN is withdrawn", c29, []string{"<Cd>NOAS</Cd>", "<Cd>IDMN</Cd>"}, CodeCxlReason, rslTx + "/CxlStsRsnInf[1]/Rsn/Cd"},
		{"camt.029 INDM", c29, []string{"<Cd>NOAS</Cd>", "<Cd>INDM</Cd>"}, "", ""},
		{"camt.029 status other than Conf", c29, []string{"<Conf>RJCR</Conf>", "<AssgnmtCxlConf>true</AssgnmtCxlConf>"}, CodeRsltnStatus, "/Document/RsltnOfInvstgtn/Sts/Conf"},
		{"camt.029 RJCR without any CxlStsRsnInf", c29, []string{"<CxlStsRsnInf>", "<X>", "</CxlStsRsnInf>", "</X>"}, CodeRsltnReject, rslTx + "/CxlStsRsnInf[1]/Rsn"},
		{"camt.029 CNCL without reason", c29, []string{"<Conf>RJCR</Conf>", "<Conf>CNCL</Conf>", "<CxlStsRsnInf>", "<X>", "</CxlStsRsnInf>", "</X>"}, "", ""},
		{"camt.029 PTNA with a BIC", c29, []string{"<Cd>NOAS</Cd>", "<Cd>PTNA</Cd>", "NO ANSWER FROM BENEFICIARY", "BANKFRPPXXX"}, "", ""},
		{"camt.029 PTNA with text", c29, []string{"<Cd>NOAS</Cd>", "<Cd>PTNA</Cd>"}, CodeRsltnReasonInfo, rslTx + "/CxlStsRsnInf[1]/AddtlInf[1]"},
		{"camt.029 PTNA with text, SR2025", c29, []string{"<Cd>NOAS</Cd>", "<Cd>PTNA</Cd>", "<CreDt>2026-11-27T12:00:00+00:00</CreDt>", sr5, "swift.cbprplus.04", "swift.cbprplus.03"}, "", ""},
		{"camt.029 ARDT without AddtlInf, SR2025", c29, []string{"<Cd>NOAS</Cd>", "<Cd>ARDT</Cd>", "<AddtlInf>NO ANSWER FROM BENEFICIARY</AddtlInf>", "", "<CreDt>2026-11-27T12:00:00+00:00</CreDt>", sr5, "swift.cbprplus.04", "swift.cbprplus.03"}, "", ""},
		{"agent without BIC, SR2025", "cbpr.agent.identification.fail.xml", []string{"<CreDt>2026-11-27T10:00:00+00:00</CreDt>", sr5, "swift.cbprplus.04", "swift.cbprplus.03"}, "", ""},
		{"agent with only a clearing member id", "cbpr.agent.identification.fail.xml", []string{"<Nm>Bank Berlin AG</Nm>", ""}, CodeAgentID, tx + "/CdtrAgt/FinInstnId/BICFI"},
		{"agent with only an address", "cbpr.agent.identification.pass.xml", []string{"<Nm>Bank Berlin AG</Nm>", ""}, CodeAgentID, tx + "/CdtrAgt/FinInstnId/Nm"},
		{"ADV with COVE and a settlement account", "cbpr.adv.settlement.pass.xml", []string{"<SttlmMtd>COVE</SttlmMtd>", "<SttlmMtd>COVE</SttlmMtd>\n\t\t\t\t\t<SttlmAcct><Id><Othr><Id>123</Id></Othr></Id></SttlmAcct>"}, CodeADVSettlement, "/Document/FICdtTrf/GrpHdr/SttlmInf/SttlmAcct"},
		{"ADV with INDA, SR2025", "cbpr.adv.settlement.fail.xml", []string{"<CreDt>2026-11-27T10:00:00+00:00</CreDt>", sr5, "swift.cbprplus.adv.04", "swift.cbprplus.adv.03"}, "", ""},
		{"COV with INDA", "cbpr.cov.underlying.pass.xml", nil, "", ""},
	}
	e := typedtest.Engine(t, RuleSet())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := typedtest.Report(e, edited(t, tc.base, tc.edits...), engine.ValidateOptions{})
			if tc.code == "" {
				if len(r.Findings) != 0 {
					t.Errorf("want no finding, got %v", r.Findings)
				}
				return
			}
			for _, f := range r.Findings {
				if f.Code == tc.code && f.Location.Path == tc.path && f.Location.Line > 0 {
					return
				}
			}
			t.Errorf("want %s at %s, got %v", tc.code, tc.path, r.Findings)
		})
	}
}
