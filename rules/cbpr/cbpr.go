// Package cbpr is the "cbpr+" rule set: SWIFT CBPR+ (Cross-Border Payments
// and Reporting Plus) usage-guideline rules for the typed MX messages of
// formats/mx/typed. It applies only under the "cbpr+" profile (named by the
// caller, or declared by the message's AppHdr BizSvc).
//
// Standards releases: the set covers the go-live usage guidelines
// ("pre-SR2025", March 2023 to SR2024), SR2025 (live 22 November 2025) and
// SR2026 (live 14 November 2026), as listed in the business-service table
// (bizsvc.tsv). By default the release in force is chosen per message by the
// AppHdr creation date (CreDt), falling back to the clock;
// New(Options{Release: "SR2025"}) pins one. The allowed AppHdr BizSvc
// values differ per message, variant and release (the table, which an
// operator file can amend: Options.BizSvcFile); the postal-address, agent
// and ADV settlement rules of SR2026 apply from SR2026 on; pre-SR2025
// messages get the SR2025 reading of every other rule.
//
// Rule numbers (R1, R41 ...) differ per message and release and could not be
// confirmed against the SWIFT MyStandards usage guidelines, so rule IDs use
// the SWIFT rule names instead; each rule's Source gives the rule name, and
// its section of docs/sources.md (RuleInfo.Notes) the sources it was
// checked against (cbpr-rules-index.md and mx-facts.md of the shared
// reference).
package cbpr

import (
	"fmt"
	"strings"
	"time"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
	"github.com/swiftval/swiftval/rules/common"
)

// Name is the rule set's name; Profile is the profile it applies under.
const (
	Name    = "cbpr+"
	Profile = "cbpr+"
)

// Options configures the rule set.
type Options struct {
	// Release pins a release ("pre-SR2025", "SR2025", "SR2026", or one a
	// table file adds); empty chooses the release in force at the message's
	// AppHdr CreDt (or the clock without one). An unknown name is an error.
	Release string
	// Now is the clock used when a message has no usable CreDt; time.Now when nil.
	Now func() time.Time
	// BizSvcFile names an operator's business-service table (the format of
	// bizsvc.tsv, see docs/cbpr-bizsvc.md) laid over the built-in one: its
	// rows replace the built-in rows of the same message, variant and
	// release, and it may add rows and releases. Empty: the built-in table.
	// The command line sets it with --cbpr-bizsvc or SWIFTVAL_CBPR_BIZSVC.
	BizSvcFile string
	// BizSvc, when not nil, is the table to use (BizSvcFile is then laid
	// over it); nil: the built-in table.
	BizSvc *BizSvcTable
}

// RuleSet returns the built-in "cbpr+" rule set, release chosen by date,
// with the built-in business-service table.
func RuleSet() *engine.RuleSet {
	rs, err := New(Options{})
	if err != nil {
		panic("cbpr: " + err.Error()) // the built-in table is checked by the package tests
	}
	return rs
}

// New returns the "cbpr+" rule set with the given options. It fails closed:
// an unknown Release or an unreadable or malformed BizSvcFile is an error
// (naming the file and line), never a rule set that checks less. The file
// is read here; the rows of the built-in table alone are parsed on their
// first use (the first message whose BizSvc is checked), its releases here.
func New(o Options) (*engine.RuleSet, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	rels, tab := builtinReleases(), BuiltinBizSvcTable
	if o.BizSvc != nil || o.BizSvcFile != "" {
		t := o.BizSvc
		if t == nil {
			t = BuiltinBizSvcTable()
		}
		if o.BizSvcFile != "" {
			var err error
			if t, err = LoadBizSvcTable(o.BizSvcFile, t); err != nil {
				return nil, err
			}
		}
		rels, tab = &t.releaseList, func() *BizSvcTable { return t }
	}
	var names []string
	for _, r := range rels.releases {
		names = append(names, r.Name)
	}
	version := strings.Join(names, "+")
	if o.Release != "" {
		if _, ok := rels.release(o.Release); !ok {
			return nil, fmt.Errorf("cbpr: unknown standards release %q (known: %s)", o.Release, strings.Join(names, ", "))
		}
		version = o.Release
	}
	c := &checker{o: o, rels: rels, tab: tab, sr2026: rels.index("SR2026"), pinned: -1}
	if o.Release != "" {
		c.pinned = rels.index(o.Release)
	}
	return &engine.RuleSet{
		Name:        Name,
		Version:     version,
		Description: "SWIFT CBPR+ usage-guideline rules (by standards release: " + strings.Join(names, ", ") + ") for the CBPR+ MX message set",
		Source:      engine.SourceBuiltin,
		Profile:     Profile,
		Rules:       c.rules(),
	}, nil
}

type checker struct {
	o    Options
	rels *releaseList
	// tab returns the table whose rows are checked, rels its releases; the
	// built-in one is parsed on the first call.
	tab    func() *BizSvcTable
	sr2026 int // index of SR2026 in rels
	pinned int // index of Options.Release, or -1
}

// release returns the index (in c.rels) of the release in force for a
// message, and whether it was chosen by the AppHdr CreDt (rather than
// pinned or by the clock).
func (c *checker) release(t *typed.Message) (rel int, byCreDt bool) {
	if c.pinned >= 0 {
		return c.pinned, false
	}
	var at int64
	ok := false
	if t.AppHdr != nil {
		at, ok = parseDateTime(t.AppHdr.CreDt.Value)
	}
	if !ok {
		at = c.o.Now().Unix()
	}
	return c.rels.at(at), ok
}

// relName returns the name of release index rel.
func (c *checker) relName(rel int) string { return c.rels.releases[rel].Name }

// sinceSR2026 reports whether release index rel is SR2026 or later (the
// postal address, agent and ADV settlement rules of SR2026 apply).
func (c *checker) sinceSR2026(rel int) bool { return rel >= c.sr2026 }

// parseDateTime reads an ISO 20022 ISODateTime (YYYY-MM-DDThh:mm:ss with
// optional fraction and a Z or ±hh:mm offset; without one it is taken as
// UTC) into Unix seconds. Written by hand, not with time.Parse: a CreDt
// without an offset would make time.Parse allocate its error on every
// message, and the release choice needs seconds, not a time.Time.
func parseDateTime(s string) (int64, bool) {
	if len(s) > 0 && (s[0] < '0' || s[0] > '9' || s[len(s)-1] <= ' ') {
		s = strings.TrimSpace(s)
	}
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	// The digit positions of YYYY-MM-DDThh:mm:ss, checked in one pass.
	for _, i := range [...]uint8{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if c := s[i]; c < '0' || c > '9' {
			return 0, false
		}
	}
	d2 := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	y, mo, d, h, mi, se := d2(0)*100+d2(2), d2(5), d2(8), d2(11), d2(14), d2(17)
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || se > 60 {
		return 0, false
	}
	rest := s[19:]
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		rest = rest[i:]
	}
	off := int64(0)
	switch {
	case rest == "" || rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		for _, i := range [...]uint8{1, 2, 4, 5} {
			if c := rest[i]; c < '0' || c > '9' {
				return 0, false
			}
		}
		oh := int(rest[1]-'0')*10 + int(rest[2]-'0')
		om := int(rest[4]-'0')*10 + int(rest[5]-'0')
		if oh > 14 || om > 59 {
			return 0, false
		}
		off = int64(oh*3600 + om*60)
		if rest[0] == '-' {
			off = -off
		}
	default:
		return 0, false
	}
	return daysFromCivil(y, mo, d)*86400 + int64(h*3600+mi*60+se) - off, true
}

// daysFromCivil returns the days from 1970-01-01 to a proleptic Gregorian
// date (H. Hinnant's days_from_civil; month and day are not checked against
// each other: 31 February counts as 3 March, harmless for choosing a
// release).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

const (
	pacs008 = "pacs.008.001.08"
	pacs009 = "pacs.009.001.08"
	pacs002 = "pacs.002.001.10"
	pacs004 = "pacs.004.001.09"
	camt052 = "camt.052.001.08"
	camt053 = "camt.053.001.08"
	camt054 = "camt.054.001.08"
	pain001 = "pain.001.001.09"
	camt056 = "camt.056.001.08"
	camt029 = "camt.029.001.09"
)

// all is every CBPR+ message with a typed model: every message definition
// of formats/mx/typed (the typed model is the CBPR+ message set).
var all = documentIDs()

func documentIDs() []string {
	var out []string
	for _, d := range typed.Definitions {
		if d.Element != "AppHdr" {
			out = append(out, d.ID)
		}
	}
	return out
}

func warn(ri engine.RuleInfo) engine.RuleInfo {
	ri.Severity = engine.Warning
	return ri
}

// info describes a rule: source is the short citation, and the research
// behind it is the rule's section of docs/sources.md, which Notes points at.
func info(id, code string, types []string, source, desc string) engine.RuleInfo {
	return engine.RuleInfo{ID: id, Code: code, Severity: engine.Error, AppliesTo: types, Format: "mx", Source: source, Notes: common.Notes(id), Description: desc}
}

func (c *checker) rules() []engine.Rule {
	return []engine.Rule{
		engine.NewRule(info("cbpr.bah.biz-msg-idr", CodeBizMsgIdr, all,
			"CBPR+ usage guidelines, BAH (head.001) BizMsgIdr: CBPR_Business_Message_Identifier_TextualRule",
			"AppHdr BizMsgIdr equals the document's GrpHdr/MsgId"), checkBizMsgIdr),
		engine.NewRule(info("cbpr.bah.from-to", CodeFromTo, []string{pacs008, pacs009, pacs004, pacs002, camt056, camt029},
			"CBPR+ usage guidelines, BAH From/To: CBPR_From_To_Instructing_Instructed_Agent_BIC_1/2_FormalRule (camt.056: Assigner/Assignee)",
			"AppHdr From/To BICs equal the instructing/instructed agent BICs (camt.056, camt.029: the assigner and assignee agents) unless the message is a copy (COPY, CODU)"), checkFromTo),
		engine.NewRule(info("cbpr.bah.priority", CodePriority, []string{pacs008, pacs009},
			"CBPR+ usage guidelines, BAH Priority: CBPR_Priority_Instruction_Priority_FormalRule",
			"AppHdr Prty equals PmtTpInf/InstrPrty when both are present"), checkPriority),
		engine.NewRule(info("cbpr.single-transaction", CodeSingleTx, []string{pacs008, pacs009, pacs004, camt056, camt029},
			"CBPR+ usage guidelines (restricted schemas): one transaction per message (NbOfTxs fixed to 1)",
			"one transaction per message: NbOfTxs is 1 and exactly one transaction is present (camt.056: one Undrlyg/TxInf; camt.029: one CxlDtls/TxInfAndSts)"), checkSingleTx),
		engine.NewRule(info("cbpr.uetr", CodeUETR, []string{pacs008, pacs009},
			"CBPR+ usage guidelines (restricted schemas): PmtId/UETR mandatory, UUIDv4Identifier; SR2026 pacs.009 COV: CBPR_UETR_COV",
			"PmtId/UETR is present (its UUID v4 form is checked by the schema, UUIDv4Identifier; in a COV it is the underlying pacs.008's)"), checkUETR),
		engine.NewRule(info("cbpr.charset.fin-x", CodeCharset, all,
			"CBPR+ usage guidelines (restricted schemas): CBPR_RestrictedFINXMaxNText and _Extended character sets",
			"free text uses the FIN-X character set (extended set for names, addresses, remittance information and e-mail)"), checkCharset),
		engine.NewRule(info("cbpr.address.structured", CodeAddress, addressScope(),
			"CBPR+ SR2025 postal address (structured, hybrid); https://www.swift.com/standards/iso-20022/removal-unstructured-address",
			"a structured or hybrid postal address has TwnNm and Ctry, and a hybrid one at most 2 AdrLine (every message but the SWIFT exemptions admi.024, camt.025, camt.052, camt.053, camt.054, camt.060)"), c.checkAddress),
		engine.NewRule(info("cbpr.address.unstructured", CodeUnstructured, addressScope(),
			"CBPR+ SR2026: fully unstructured postal addresses refused from 14 November 2026; https://www.swift.com/standards/iso-20022/removal-unstructured-address",
			"no address is AdrLine only: refused under SR2026, a warning under SR2025"), c.checkUnstructured),
		engine.NewRule(info("cbpr.currency.commodity", CodeCommodity, []string{pacs008, pacs009, pacs004},
			"CBPR+ usage guidelines: CBPR_Interbank_Settlement_Currency_FormalRule (pacs.004: CBPR_Returned_Interbank_Settlement_Currency_FormalRule)",
			"settlement amounts are not in a commodity currency (XAU, XAG, XPD, XPT)"), checkCommodity),
		engine.NewRule(info("cbpr.charges.debt", CodeDebt, []string{pacs008},
			"CBPR+ usage guidelines: CBPR_DEBT_FormalRule",
			"with ChrgBr DEBT at most one ChrgsInf"), checkDebt),
		engine.NewRule(info("cbpr.charges.cred", CodeCred, []string{pacs008},
			"CBPR+ usage guidelines: CBPR_CRED_FormalRule",
			"with ChrgBr CRED at least one ChrgsInf"), checkCred),
		engine.NewRule(info("cbpr.instr-for-cdtr-agt", CodeInstrForCdtr, []string{pacs008},
			"CBPR+ usage guidelines: CBPR_Instruction_for_Creditor_Agent1/2_FormalRule, CBPR_Instruction_For_Creditor_Presence_Code_FormalRule",
			"InstrForCdtrAgt codes: no HOLD with CHQB, no TELB with PHOB, each code at most once"), checkInstrForCdtrAgt),
		engine.NewRule(info("cbpr.remittance.exclusive", CodeRemittance, []string{pacs008},
			"CBPR+ usage guidelines: CBPR_Remittance_Mutually_Exclusive_FormalRule, CBPR_Related_Remit_Info_Remit_Info_Mutually_Exclusive_FormalRule",
			"remittance: Strd and Ustrd exclusive; RltdRmtInf and RmtInf exclusive"), checkRemittance),
		engine.NewRule(info("cbpr.instr-id.slashes", CodeInstrIDSlashes, []string{pacs008, pacs009, pacs002, pacs004, camt054, camt056},
			"CBPR+ usage guidelines: CBPR_Instruction_Identification_FormalRule, CBPR_Original_Instruction_Identification_FormalRule",
			"InstrId / OrgnlInstrId do not start or end with '/' nor contain '//'"), checkInstrIDSlashes),
		engine.NewRule(info("cbpr.status.reject-reason", CodeRejectReason, []string{pacs002},
			"CBPR+ usage guidelines, pacs.002: CBPR_Transaction_Status_Reject_Reason_FormalRule",
			"a rejected transaction (TxSts RJCT) gives a reason in StsRsnInf/Rsn"), checkRejectReason),
		engine.NewRule(info("cbpr.status.reject-settlement-date", CodeRejectSttlmDt, []string{pacs002},
			"CBPR+ usage guidelines, pacs.002: CBPR_Transaction_Status_Reject_Effective_Sett_Date_FormalRule",
			"a rejected transaction (TxSts RJCT) has no FctvIntrBkSttlmDt"), checkRejectSttlmDt),
		engine.NewRule(info("cbpr.charges.bearer", CodeChargeBearer, []string{pacs008},
			"CBPR+ usage guidelines (restricted schemas), pacs.008: ChargeBearerType1Code__1 (DEBT, CRED, SHAR; no SLEV)",
			"ChrgBr is DEBT, CRED or SHAR (SLEV is not used in CBPR+ pacs.008)"), checkChargeBearer),
		engine.NewRule(info("cbpr.remittance.structured-length", CodeStrdLength, []string{pacs008, pacs009},
			"CBPR+ usage guidelines: CBPR_Structured_RemittanceInformation_TextualRule (at most 9 000 characters)",
			"all Strd occurrences together hold at most 9,000 characters of data"), checkStrdLength),
		engine.NewRule(warn(info("cbpr.bah.copy-duplicate", CodeCopyDuplicate, []string{camt052, camt053, camt054},
			"CBPR+ usage guidelines, BAH CpyDplct of camt messages (textual rule)",
			"AppHdr CpyDplct matches the camt report's CpyDplctInd")), checkCopyDuplicate),
		engine.NewRule(info("cbpr.party.name-address", CodePartyName, []string{pacs008, pacs009, camt056, camt029},
			"CBPR+ usage guidelines: CBPR_Party_Name_Postal_Address_FormalRule",
			"a party (Dbtr, Cdtr, ultimate parties, initiating party; camt.056/029 originator and case creator) with a PstlAdr has a Nm"), checkPartyName),
		engine.NewRule(warn(info("cbpr.party.any-bic", CodePartyAnyBIC, []string{pacs008, pacs009},
			"CBPR+ SR2024 usage guidelines, pacs.008: CBPR_Debtor_BIC_Presence_TextualRule, CBPR_Creditor_BIC_Presence_TextualRule",
			"a Dbtr or Cdtr identified by AnyBIC carries no Nm or PstlAdr")), checkPartyAnyBIC),
		engine.NewRule(info("cbpr.cov.underlying", CodeCovUnderlying, []string{pacs009},
			"CBPR+ usage guidelines, pacs.009 COV (swift.cbprplus.cov): UndrlygCstmrCdtTrf mandatory",
			"a pacs.009 COV carries UndrlygCstmrCdtTrf"), checkCovUnderlying),
		engine.NewRule(info("cbpr.bah.biz-svc", CodeBizSvc, all,
			"CBPR+ usage guidelines, BAH (head.001.001.02) BizSvc: mandatory, value per message, usage variant and release",
			"the message has an AppHdr whose BizSvc is one the business-service table allows for the message definition under the standards release in force at the AppHdr CreDt"), c.checkBizSvc),
		engine.NewRule(info("cbpr.settlement-method", CodeSttlmMtd, []string{pacs008},
			"CBPR+ usage guidelines (restricted schemas), pacs.008: SettlementMethod1Code__1 (INDA, INGA, COVE; no CLRG)",
			"GrpHdr/SttlmInf/SttlmMtd is INDA, INGA or COVE"), checkSttlmMtd),
		// Stop and Recall: camt.056 (cancellation request) and camt.029 (its answer).
		engine.NewRule(info("cbpr.cancellation.uetr", CodeCxlUETR, []string{camt056, camt029},
			"CBPR+ usage guidelines, camt.056 and camt.029: OrgnlUETR mandatory; SR2026 camt.029: CBPR_Original_UETR_TextualRule",
			"the cancellation request and its answer carry OrgnlUETR, the UETR of the underlying payment"), checkCancellationUETR),
		engine.NewRule(info("cbpr.cancellation.original-refs", CodeCxlRefs, []string{camt056, camt029},
			"CBPR+ usage guidelines (restricted schemas), camt.056 and camt.029: original group and transaction references mandatory",
			"the references of the underlying payment are present: OrgnlGrpInf (camt.056 also OrgnlEndToEndId, OrgnlIntrBkSttlmAmt, OrgnlIntrBkSttlmDt)"), checkCancellationRefs),
		engine.NewRule(info("cbpr.cancellation.case", CodeCxlCase, []string{camt056, camt029},
			"CBPR+ usage guidelines (restricted schemas): camt.056 Case, camt.029 CxlStsId and RslvdCase mandatory",
			"the case is identified: camt.056 TxInf/Case, camt.029 TxInfAndSts/RslvdCase and CxlStsId"), checkCancellationCase),
		engine.NewRule(info("cbpr.cancellation.id-slashes", CodeCxlSlashes, []string{camt056, camt029},
			"CBPR+ usage guidelines: CBPR_Cancellation_Identification_FormalRule, CBPR_Case_Identification_FormalRule (camt.056; camt.029 alike)",
			"CxlId, CxlStsId and Case/Id do not start or end with '/' nor contain '//' (in their first 16 characters)"), checkCancellationIDSlashes),
		engine.NewRule(info("cbpr.cancellation.reason-code", CodeCxlReason, []string{camt056, camt029},
			"CBPR+ usage guidelines: camt.056 CBPR_CancellationReasonCode, camt.029 CBPR_CancellationStatusReasonCode; ISO external code sets",
			"cancellation reasons (camt.056, mandatory) and cancellation status reasons (camt.029) are CBPR+ codes"), checkCancellationReasonCode),
		engine.NewRule(info("cbpr.cancellation.narrative", CodeCxlNarrative, []string{camt056},
			"CBPR+ usage guidelines, camt.056: CBPR_Reason_Code_NARR_Additional_Information_FormalRule",
			"a cancellation reason NARR comes with AddtlInf"), checkCancellationNarrative),
		engine.NewRule(info("cbpr.resolution.status", CodeRsltnStatus, []string{camt029},
			"CBPR+ SR2026 usage guidelines, camt.029: CBPR_CancellationStatus (Sts/Conf: CNCL, PDCR, RJCR)",
			"the resolution status is Sts/Conf with CNCL, PDCR or RJCR"), checkResolutionStatus),
		engine.NewRule(info("cbpr.resolution.reject-reason", CodeRsltnReject, []string{camt029},
			"CBPR+ SR2026 usage guidelines, camt.029: CBPR_Cancellation_Reason_FormalRule",
			"a rejected cancellation (Conf RJCR) gives CxlStsRsnInf/Rsn"), checkResolutionRejectReason),
		engine.NewRule(info("cbpr.resolution.reason-information", CodeRsltnReasonInfo, []string{camt029},
			"CBPR+ SR2026 usage guidelines, camt.029: additional information of reasons ARDT and PTNA",
			"from SR2026: reason ARDT comes with AddtlInf; with reason PTNA, AddtlInf is a BIC"), c.checkResolutionReasonInfo),
		// SR2026.
		engine.NewRule(info("cbpr.agent.identification", CodeAgentID, addressScope(),
			"CBPR+ SR2026: agents identified by BIC, or by name and postal address; https://www.swift.com/pt/node/310530",
			"from SR2026: every agent has a BICFI, or a Nm and a PstlAdr"), c.checkAgentIdentification),
		engine.NewRule(info("cbpr.adv.settlement", CodeADVSettlement, []string{pacs009},
			"CBPR+ SR2026 usage guidelines, pacs.009 ADV: settlement method COVE only, no SttlmAcct",
			"from SR2026: a pacs.009 ADV (BizSvc swift.cbprplus.adv.NN) has SttlmMtd COVE and no SttlmAcct"), c.checkADVSettlement),
	}
}
