package cbpr

import (
	"strconv"
	"strings"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
	"github.com/swiftval/swiftval/rules/common"
)

// The Stop and Recall pair: camt.056.001.08 (FI to FI payment cancellation
// request) and camt.029.001.09 (resolution of investigation, its answer).

// cxlRef is one transaction of a camt.056 (Undrlyg[u]/TxInf[i]) or a
// camt.029 (CxlDtls[u]/TxInfAndSts[i]), with what the rules compare.
type cxlRef struct {
	u, i     int
	pos      typed.Pos // the transaction element
	uetr     typed.Text
	grpInf   *typed.OriginalGroupInformation29
	caseElem *typed.Case5
	caseName string // "Case" (camt.056) or "RslvdCase" (camt.029)
	id       typed.Text
	idName   string                       // "CxlId" or "CxlStsId"
	request  *typed.PaymentTransaction106 // camt.056
	answer   *typed.PaymentTransaction102 // camt.029
}

// path returns the transaction's XPath.
func (r cxlRef) path(t *typed.Message) string {
	if r.request != nil {
		return t.DocPath() + "/Undrlyg[" + strconv.Itoa(r.u+1) + "]/TxInf[" + strconv.Itoa(r.i+1) + "]"
	}
	return t.DocPath() + "/CxlDtls[" + strconv.Itoa(r.u+1) + "]/TxInfAndSts[" + strconv.Itoa(r.i+1) + "]"
}

// cxlRefs calls fn for each transaction of a camt.056 or camt.029.
func cxlRefs(t *typed.Message, fn func(r cxlRef)) {
	if t == nil {
		return
	}
	switch {
	case t.Camt056 != nil:
		for u := range t.Camt056.Undrlyg {
			for i := range t.Camt056.Undrlyg[u].TxInf {
				x := &t.Camt056.Undrlyg[u].TxInf[i]
				fn(cxlRef{u: u, i: i, pos: x.Pos, uetr: x.OrgnlUETR, grpInf: x.OrgnlGrpInf, caseElem: x.Case, caseName: "Case", id: x.CxlId, idName: "CxlId", request: x})
			}
		}
	case t.Camt029 != nil:
		for u := range t.Camt029.CxlDtls {
			for i := range t.Camt029.CxlDtls[u].TxInfAndSts {
				x := &t.Camt029.CxlDtls[u].TxInfAndSts[i]
				fn(cxlRef{u: u, i: i, pos: x.Pos, uetr: x.OrgnlUETR, grpInf: x.OrgnlGrpInf, caseElem: x.RslvdCase, caseName: "RslvdCase", id: x.CxlStsId, idName: "CxlStsId", answer: x})
			}
		}
	}
}

// missing reports a mandatory element that is absent, at its own XPath and
// on the line of its parent (the convention of SVX221 in formats/mx).
func missing(f *engine.Findings, t *typed.Message, code, path string, parent typed.Pos, msg string) {
	f.Errorf(code, t.Loc(path, parent), "%s", msg)
}

func checkCancellationUETR(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	cxlRefs(t, func(r cxlRef) {
		if !r.uetr.Present() {
			what := "the cancellation request"
			if r.answer != nil {
				what = "the resolution of investigation"
			}
			missing(f, t, CodeCxlUETR, r.path(t)+"/OrgnlUETR", r.pos, "OrgnlUETR is missing; CBPR+ makes it mandatory: "+what+" carries the UETR of the underlying payment")
		}
	})
}

func checkCancellationRefs(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	cxlRefs(t, func(r cxlRef) {
		p := ""
		need := func(present bool, name string) {
			if present {
				return
			}
			if p == "" {
				p = r.path(t)
			}
			missing(f, t, CodeCxlRefs, p+"/"+name, r.pos, name+" is missing; CBPR+ makes this reference to the underlying payment mandatory")
		}
		need(r.grpInf != nil, "OrgnlGrpInf")
		if x := r.request; x != nil {
			need(x.OrgnlEndToEndId.Present(), "OrgnlEndToEndId")
			need(x.OrgnlIntrBkSttlmAmt != nil, "OrgnlIntrBkSttlmAmt")
			need(x.OrgnlIntrBkSttlmDt.Present(), "OrgnlIntrBkSttlmDt")
		}
	})
}

func checkCancellationCase(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	cxlRefs(t, func(r cxlRef) {
		if r.caseElem == nil {
			missing(f, t, CodeCxlCase, r.path(t)+"/"+r.caseName, r.pos, r.caseName+" is missing; CBPR+ makes the case of the cancellation mandatory")
		}
		if r.answer != nil && !r.id.Present() {
			missing(f, t, CodeCxlCase, r.path(t)+"/CxlStsId", r.pos, "CxlStsId is missing; CBPR+ makes the cancellation status identification mandatory")
		}
	})
}

// slashRuleOK16 applies the CBPR+ identification slash rule to the first 16
// characters (the MT field 20 part carried over), as the SR2026 rules for
// CxlId, CxlStsId and Case/Id state it.
func slashRuleOK16(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) > 16 {
		s = s[:16]
	}
	return common.SlashRuleOK(s)
}

func checkCancellationIDSlashes(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	check := func(v typed.Text, path func() string, name string) {
		if v.Present() && !slashRuleOK16(v.Value) {
			f.Errorf(CodeCxlSlashes, t.Loc(path(), v.Pos), "%s %s must not start or end with '/' or contain '//' (in its first 16 characters)", name, engine.Echo(v.Value))
		}
	}
	cxlRefs(t, func(r cxlRef) {
		check(r.id, func() string { return r.path(t) + "/" + r.idName }, r.idName)
		if r.caseElem != nil {
			check(r.caseElem.Id, func() string { return r.path(t) + "/" + r.caseName + "/Id" }, "Case Id")
		}
	})
	if t == nil {
		return
	}
	// The case of the whole request or resolution.
	var c *typed.Case5
	name := ""
	switch {
	case t.Camt056 != nil:
		c, name = t.Camt056.Case, "Case"
	case t.Camt029 != nil:
		c, name = t.Camt029.RslvdCase, "RslvdCase"
	}
	if c != nil {
		check(c.Id, func() string { return t.DocPath() + "/" + name + "/Id" }, "Case Id")
	}
}

// CBPR+ closed code lists of the Stop and Recall pair (subsets of the ISO
// external lists ExternalCancellationReason1Code and
// ExternalPaymentCancellationRejection1Code).
var (
	// cancellationReasons: camt.056 CxlRsnInf/Rsn/Cd, CBPR_CancellationReasonCode
	// (JAXB classes generated 2022-08 from the CBPR+ camt.056.001.08 XSD;
	// not re-verified for SR2026).
	cancellationReasons = []string{"AGNT", "AM09", "COVR", "CURR", "CUST", "CUTA", "DUPL", "FRAD", "NARR", "TECH", "UPAY"}
	// cancellationStatusReasons: camt.029 CxlStsRsnInf/Rsn/Cd,
	// CBPR_CancellationStatusReasonCode (SR2026 camt.029 UG extraction; the
	// 2022 CBPR+ XSD adds NARR, kept: the extraction may be truncated).
	cancellationStatusReasons = []string{"AC04", "AGNT", "AM04", "ARDT", "CUST", "INDM", "LEGL", "NARR", "NOAS", "NOOR", "PTNA", "RQDA"}
	// resolutionStatuses: camt.029 Sts/Conf, CBPR_CancellationStatus (SR2026
	// camt.029 UG extraction).
	resolutionStatuses = []string{"CNCL", "PDCR", "RJCR"}
)

func inList(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func checkCancellationReasonCode(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	cxlRefs(t, func(r cxlRef) {
		if x := r.request; x != nil {
			if len(x.CxlRsnInf) == 0 {
				missing(f, t, CodeCxlReason, r.path(t)+"/CxlRsnInf[1]", r.pos, "CxlRsnInf is missing; CBPR+ makes the cancellation reason mandatory")
				return
			}
			for k := range x.CxlRsnInf {
				ri := &x.CxlRsnInf[k]
				p := func() string { return r.path(t) + "/CxlRsnInf[" + strconv.Itoa(k+1) + "]" }
				if ri.Rsn == nil {
					missing(f, t, CodeCxlReason, p()+"/Rsn", ri.Pos, "CxlRsnInf/Rsn is missing; CBPR+ makes the reason mandatory")
					continue
				}
				if cd := ri.Rsn.Cd; cd.Present() && !inList(cancellationReasons, trim(cd.Value)) {
					f.Errorf(CodeCxlReason, t.Loc(p()+"/Rsn/Cd", cd.Pos), "cancellation reason %s is not one of the CBPR+ codes %s", engine.Echo(cd.Value), strings.Join(cancellationReasons, ", "))
				}
			}
			return
		}
		x := r.answer
		for k := range x.CxlStsRsnInf {
			ri := &x.CxlStsRsnInf[k]
			if ri.Rsn == nil || !ri.Rsn.Cd.Present() {
				continue
			}
			cd := ri.Rsn.Cd
			v := trim(cd.Value)
			if inList(cancellationStatusReasons, v) {
				continue
			}
			hint := ""
			if v == "IDMN" {
				hint = " (IDMN is the withdrawn ISO code: use INDM)"
			}
			f.Errorf(CodeCxlReason, t.Loc(r.path(t)+"/CxlStsRsnInf["+strconv.Itoa(k+1)+"]/Rsn/Cd", cd.Pos), "cancellation status reason %s is not one of the CBPR+ codes %s%s", engine.Echo(cd.Value), strings.Join(cancellationStatusReasons, ", "), hint)
		}
	})
}

func checkCancellationNarrative(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	cxlRefs(t, func(r cxlRef) {
		x := r.request
		if x == nil {
			return
		}
		for k := range x.CxlRsnInf {
			ri := &x.CxlRsnInf[k]
			if ri.Rsn != nil && trim(ri.Rsn.Cd.Value) == "NARR" && len(ri.AddtlInf) == 0 {
				missing(f, t, CodeCxlNarrative, r.path(t)+"/CxlRsnInf["+strconv.Itoa(k+1)+"]/AddtlInf[1]", ri.Pos, "reason NARR needs AddtlInf, which is missing")
			}
		}
	})
}

func checkResolutionStatus(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil || t.Camt029 == nil {
		return
	}
	s := &t.Camt029.Sts
	p := t.DocPath() + "/Sts"
	switch {
	case s.Conf.Present():
		if v := trim(s.Conf.Value); !inList(resolutionStatuses, v) {
			f.Errorf(CodeRsltnStatus, t.Loc(p+"/Conf", s.Conf.Pos), "Sts/Conf %s is not one of the CBPR+ statuses CNCL, PDCR, RJCR", engine.Echo(v))
		}
	case s.Pos != 0:
		// RjctdMod, DplctOf or AssgnmtCxlConf: CBPR+ keeps Conf only.
		missing(f, t, CodeRsltnStatus, p+"/Conf", s.Pos, "Sts/Conf is missing; CBPR+ answers a cancellation request with a confirmation status (CNCL, PDCR, RJCR) only")
	}
}

func checkResolutionRejectReason(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil || t.Camt029 == nil || trim(t.Camt029.Sts.Conf.Value) != "RJCR" {
		return
	}
	cxlRefs(t, func(r cxlRef) {
		x := r.answer
		for k := range x.CxlStsRsnInf {
			if x.CxlStsRsnInf[k].Rsn != nil {
				return
			}
		}
		p, at := r.path(t)+"/CxlStsRsnInf[1]/Rsn", r.pos
		if len(x.CxlStsRsnInf) > 0 {
			at = x.CxlStsRsnInf[0].Pos
		}
		missing(f, t, CodeRsltnReject, p, at, "Sts/Conf is RJCR but CxlStsRsnInf/Rsn is missing; a rejected cancellation gives its reason")
	})
}

// checkResolutionReasonInfo applies the SR2026 camt.029 rules on the
// additional information of two reason codes: ARDT (already returned)
// carries the UETR of the return, PTNA (past to next agent) the BIC of that
// agent.
func (c *checker) checkResolutionReasonInfo(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil || t.Camt029 == nil {
		return
	}
	rel := -1
	cxlRefs(t, func(r cxlRef) {
		x := r.answer
		for k := range x.CxlStsRsnInf {
			ri := &x.CxlStsRsnInf[k]
			if ri.Rsn == nil {
				continue
			}
			cd := trim(ri.Rsn.Cd.Value)
			if cd != "ARDT" && cd != "PTNA" {
				continue
			}
			if rel < 0 {
				rel, _ = c.release(t)
			}
			if !c.sinceSR2026(rel) {
				return
			}
			p := func() string { return r.path(t) + "/CxlStsRsnInf[" + strconv.Itoa(k+1) + "]" }
			switch {
			case cd == "ARDT" && len(ri.AddtlInf) == 0:
				missing(f, t, CodeRsltnReasonInfo, p()+"/AddtlInf[1]", ri.Pos, "reason ARDT (already returned) needs AddtlInf with the UETR of the returned payment, which is missing")
			case cd == "PTNA" && len(ri.AddtlInf) > 0:
				if a := ri.AddtlInf[0]; common.CheckBIC(trim(a.Value)) != common.BICOK {
					f.Errorf(CodeRsltnReasonInfo, t.Loc(p()+"/AddtlInf[1]", a.Pos), "reason PTNA (passed to the next agent): AddtlInf must be the BIC (8 or 11 characters) of that agent, not %s", engine.Echo(a.Value))
				}
			}
		}
	})
}
