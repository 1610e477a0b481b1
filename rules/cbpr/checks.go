package cbpr

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
	"github.com/swiftval/swiftval/rules/common"
)

func trim(s string) string { return strings.TrimSpace(s) }

// hdr returns the typed message when it has an AppHdr and a document.
func hdr(m *engine.Message) *typed.Message {
	t := typed.Of(m)
	if t == nil || t.AppHdr == nil || t.Element == "" {
		return nil
	}
	return t
}

// grpHdrMsgID returns the document's GrpHdr/MsgId.
func grpHdrMsgID(t *typed.Message) typed.Text {
	switch {
	case t.Pacs008 != nil:
		return t.Pacs008.GrpHdr.MsgId
	case t.Pacs009 != nil:
		return t.Pacs009.GrpHdr.MsgId
	case t.Pacs002 != nil:
		return t.Pacs002.GrpHdr.MsgId
	case t.Pacs004 != nil:
		return t.Pacs004.GrpHdr.MsgId
	case t.Camt052 != nil:
		return t.Camt052.GrpHdr.MsgId
	case t.Camt053 != nil:
		return t.Camt053.GrpHdr.MsgId
	case t.Camt054 != nil:
		return t.Camt054.GrpHdr.MsgId
	case t.Pain001 != nil:
		return t.Pain001.GrpHdr.MsgId
	}
	return typed.Text{}
}

func checkBizMsgIdr(m *engine.Message, f *engine.Findings) {
	t := hdr(m)
	if t == nil {
		return
	}
	id, b := grpHdrMsgID(t), t.AppHdr.BizMsgIdr
	if !id.Present() || !b.Present() || trim(id.Value) == trim(b.Value) {
		return
	}
	f.Errorf(CodeBizMsgIdr, t.Loc("/AppHdr/BizMsgIdr", b.Pos), "AppHdr BizMsgIdr %s differs from GrpHdr/MsgId %s", engine.Echo(b.Value), engine.Echo(id.Value))
}

type agents struct {
	instg, instd *typed.BranchAndFinancialInstitutionIdentification6
	block        string // block holding them, under the message element
	assignment   bool   // camt.056/029: the assigner and assignee agents
}

// txAgents returns the instructing and instructed agents of the (first)
// transaction, or of the group header when the transaction has none.
func txAgents(t *typed.Message) (a agents) {
	switch {
	case t.Pacs008 != nil:
		g := &t.Pacs008.GrpHdr
		a = agents{g.InstgAgt, g.InstdAgt, "GrpHdr", false}
		if len(t.Pacs008.CdtTrfTxInf) > 0 {
			tx := &t.Pacs008.CdtTrfTxInf[0]
			a = pick(a, tx.InstgAgt, tx.InstdAgt, "CdtTrfTxInf[1]")
		}
	case t.Pacs009 != nil:
		g := &t.Pacs009.GrpHdr
		a = agents{g.InstgAgt, g.InstdAgt, "GrpHdr", false}
		if len(t.Pacs009.CdtTrfTxInf) > 0 {
			tx := &t.Pacs009.CdtTrfTxInf[0]
			a = pick(a, tx.InstgAgt, tx.InstdAgt, "CdtTrfTxInf[1]")
		}
	case t.Pacs004 != nil:
		g := &t.Pacs004.GrpHdr
		a = agents{g.InstgAgt, g.InstdAgt, "GrpHdr", false}
		if len(t.Pacs004.TxInf) > 0 {
			tx := &t.Pacs004.TxInf[0]
			a = pick(a, tx.InstgAgt, tx.InstdAgt, "TxInf[1]")
		}
	case t.Pacs002 != nil:
		g := &t.Pacs002.GrpHdr
		a = agents{g.InstgAgt, g.InstdAgt, "GrpHdr", false}
		if len(t.Pacs002.TxInfAndSts) > 0 {
			tx := &t.Pacs002.TxInfAndSts[0]
			a = pick(a, tx.InstgAgt, tx.InstdAgt, "TxInfAndSts[1]")
		}
	case t.Camt056 != nil:
		as := &t.Camt056.Assgnmt
		a = agents{as.Assgnr.Agt, as.Assgne.Agt, "Assgnmt", true}
	case t.Camt029 != nil:
		as := &t.Camt029.Assgnmt
		a = agents{as.Assgnr.Agt, as.Assgne.Agt, "Assgnmt", true}
	}
	return a
}

func pick(a agents, instg, instd *typed.BranchAndFinancialInstitutionIdentification6, block string) agents {
	if instg != nil || instd != nil {
		return agents{instg, instd, block, false}
	}
	return a
}

func partyBIC(p *typed.Party44Choice) typed.Text {
	if p.FIId != nil {
		return p.FIId.FinInstnId.BICFI
	}
	return typed.Text{}
}

func checkFromTo(m *engine.Message, f *engine.Findings) {
	t := hdr(m)
	if t == nil {
		return
	}
	switch trim(t.AppHdr.CpyDplct.Value) {
	case "COPY", "CODU":
		return
	}
	a := txAgents(t)
	from, to := "InstgAgt", "InstdAgt"
	if a.assignment {
		from, to = "Assgnr/Agt", "Assgne/Agt"
	}
	pairs := [...]struct {
		bah   typed.Text
		path  string
		agent *typed.BranchAndFinancialInstitutionIdentification6
		name  string
	}{
		{partyBIC(&t.AppHdr.Fr), "/AppHdr/Fr/FIId/FinInstnId/BICFI", a.instg, from},
		{partyBIC(&t.AppHdr.To), "/AppHdr/To/FIId/FinInstnId/BICFI", a.instd, to},
	}
	for _, p := range pairs {
		if !p.bah.Present() || p.agent == nil || !p.agent.FinInstnId.BICFI.Present() {
			continue
		}
		if bic8(p.bah.Value) != bic8(p.agent.FinInstnId.BICFI.Value) {
			f.Errorf(CodeFromTo, t.Loc(p.path, p.bah.Pos), "AppHdr BIC %s differs from %s BIC %s (%s/%s/FinInstnId/BICFI)", engine.Echo(p.bah.Value), p.name, engine.Echo(p.agent.FinInstnId.BICFI.Value), t.DocPath()+"/"+a.block, p.name)
		}
	}
}

// bic8 normalises a BIC for comparison: "BANKDEFFXXX" and "BANKDEFF" name
// the same primary office.
func bic8(s string) string {
	s = trim(s)
	if len(s) == 11 && strings.HasSuffix(s, "XXX") {
		return s[:8]
	}
	return s
}

func checkPriority(m *engine.Message, f *engine.Findings) {
	t := hdr(m)
	if t == nil {
		return
	}
	p := t.AppHdr.Prty
	if !p.Present() {
		return
	}
	var instr typed.Text
	switch {
	case t.Pacs008 != nil:
		if t.Pacs008.GrpHdr.PmtTpInf != nil {
			instr = t.Pacs008.GrpHdr.PmtTpInf.InstrPrty
		}
		if len(t.Pacs008.CdtTrfTxInf) > 0 && t.Pacs008.CdtTrfTxInf[0].PmtTpInf != nil && t.Pacs008.CdtTrfTxInf[0].PmtTpInf.InstrPrty.Present() {
			instr = t.Pacs008.CdtTrfTxInf[0].PmtTpInf.InstrPrty
		}
	case t.Pacs009 != nil:
		if t.Pacs009.GrpHdr.PmtTpInf != nil {
			instr = t.Pacs009.GrpHdr.PmtTpInf.InstrPrty
		}
		if len(t.Pacs009.CdtTrfTxInf) > 0 && t.Pacs009.CdtTrfTxInf[0].PmtTpInf != nil && t.Pacs009.CdtTrfTxInf[0].PmtTpInf.InstrPrty.Present() {
			instr = t.Pacs009.CdtTrfTxInf[0].PmtTpInf.InstrPrty
		}
	}
	if instr.Present() && trim(instr.Value) != trim(p.Value) {
		f.Errorf(CodePriority, t.Loc("/AppHdr/Prty", p.Pos), "AppHdr Prty %s differs from PmtTpInf/InstrPrty %s", engine.Echo(p.Value), engine.Echo(instr.Value))
	}
}

func checkSingleTx(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	var nb typed.Text
	var n int
	var tx string
	var txPos typed.Pos
	switch {
	case t.Pacs008 != nil:
		nb, n, tx = t.Pacs008.GrpHdr.NbOfTxs, len(t.Pacs008.CdtTrfTxInf), "CdtTrfTxInf"
		if n > 1 {
			txPos = t.Pacs008.CdtTrfTxInf[1].Pos
		}
	case t.Pacs009 != nil:
		nb, n, tx = t.Pacs009.GrpHdr.NbOfTxs, len(t.Pacs009.CdtTrfTxInf), "CdtTrfTxInf"
		if n > 1 {
			txPos = t.Pacs009.CdtTrfTxInf[1].Pos
		}
	case t.Pacs004 != nil:
		nb, n, tx = t.Pacs004.GrpHdr.NbOfTxs, len(t.Pacs004.TxInf), "TxInf"
		if n > 1 {
			txPos = t.Pacs004.TxInf[1].Pos
		}
	case t.Camt056 != nil:
		var inner []typed.Pos
		if len(t.Camt056.Undrlyg) > 0 {
			for _, x := range t.Camt056.Undrlyg[0].TxInf {
				inner = append(inner, x.Pos)
			}
		}
		var outer []typed.Pos
		for _, u := range t.Camt056.Undrlyg {
			outer = append(outer, u.Pos)
		}
		singleBlock(t, f, "Undrlyg", "TxInf", outer, inner)
		return
	case t.Camt029 != nil:
		var inner []typed.Pos
		if len(t.Camt029.CxlDtls) > 0 {
			for _, x := range t.Camt029.CxlDtls[0].TxInfAndSts {
				inner = append(inner, x.Pos)
			}
		}
		var outer []typed.Pos
		for _, u := range t.Camt029.CxlDtls {
			outer = append(outer, u.Pos)
		}
		singleBlock(t, f, "CxlDtls", "TxInfAndSts", outer, inner)
		return
	default:
		return
	}
	if nb.Present() && trim(nb.Value) != "1" {
		f.Errorf(CodeSingleTx, t.Loc(t.DocPath()+"/GrpHdr/NbOfTxs", nb.Pos), "NbOfTxs is %s; CBPR+ allows exactly one transaction per message", engine.Echo(nb.Value))
	}
	if n > 1 {
		f.Errorf(CodeSingleTx, t.Loc(t.DocPath()+"/"+tx+"[2]", txPos), "the message holds %d %s; CBPR+ allows exactly one transaction per message", n, tx)
	}
}

// singleBlock checks a camt.056 or camt.029 holds one block (Undrlyg,
// CxlDtls: positions outer) with one transaction (TxInf, TxInfAndSts:
// positions inner, of the first block).
func singleBlock(t *typed.Message, f *engine.Findings, block, tx string, outer, inner []typed.Pos) {
	if len(outer) > 1 {
		f.Errorf(CodeSingleTx, t.Loc(t.DocPath()+"/"+block+"[2]", outer[1]), "the message holds %d %s; CBPR+ allows exactly one", len(outer), block)
	}
	if len(inner) > 1 {
		f.Errorf(CodeSingleTx, t.Loc(t.DocPath()+"/"+block+"[1]/"+tx+"[2]", inner[1]), "%s holds %d %s; CBPR+ allows exactly one", block, len(inner), tx)
	}
}

func checkUETR(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	var ids []*typed.PaymentIdentification7
	var tx string
	switch {
	case t.Pacs008 != nil:
		for i := range t.Pacs008.CdtTrfTxInf {
			ids = append(ids, &t.Pacs008.CdtTrfTxInf[i].PmtId)
		}
		tx = "CdtTrfTxInf"
	case t.Pacs009 != nil:
		for i := range t.Pacs009.CdtTrfTxInf {
			ids = append(ids, &t.Pacs009.CdtTrfTxInf[i].PmtId)
		}
		tx = "CdtTrfTxInf"
	}
	for i, id := range ids {
		p := func() string { return t.DocPath() + "/" + tx + "[" + strconv.Itoa(i+1) + "]/PmtId" }
		// Only presence is CBPR+'s: the UETR's form (lower-case UUID v4) is
		// the base schema's UUIDv4Identifier pattern, reported once by the
		// schema validation of formats/mx.
		if !id.UETR.Present() {
			msg := "PmtId/UETR is missing; CBPR+ makes the UETR mandatory"
			if t.Pacs009 != nil && t.Variant() == "COV" {
				msg += " (in a cover payment, the UETR of the underlying pacs.008)"
			}
			f.Errorf(CodeUETR, t.Loc(p()+"/UETR", id.Pos), "%s", msg)
		}
	}
}

// finxExtra are the characters the CBPR+ _Extended text types add to FIN-X
// (GoPlasmatic/MXMessage pacs_008_001_08, SR2025; dosgmbh.de character sets).
const finxExtra = "!#$%&*=^_`{|}~\";<>@[\\]"

// Bits of finxTable: the byte is in FIN-X (the SWIFT X set without CR and
// LF, which the CBPR+ pattern excludes), or in the extended set (FIN-X and
// finxExtra).
const (
	inFINX uint8 = 1 << iota
	inExtended
)

// finxTable classifies every byte for indexNotFINX, built on first use
// (TestFINXTable holds it to the sets' definitions).
var finxTable = sync.OnceValue(func() *[256]uint8 {
	var tab [256]uint8
	for c := 0; c < 256; c++ {
		if common.IsX(byte(c)) && c != '\r' && c != '\n' {
			tab[c] = inFINX | inExtended
		}
	}
	for i := 0; i < len(finxExtra); i++ {
		tab[finxExtra[i]] |= inExtended
	}
	return &tab
})

// indexNotFINX returns the index of the first byte of s outside FIN-X, or
// with extended outside the extended set; -1 when all are in. tab is
// finxTable(), fetched once per message by the caller.
func indexNotFINX(tab *[256]uint8, s string, extended bool) int {
	mask := inFINX
	if extended {
		mask = inExtended
	}
	i := 0
	// Four bytes a step, one branch for them (a byte outside the set
	// clears its bit in the AND); the byte itself is found below.
	for ; i+4 <= len(s); i += 4 {
		if tab[s[i]]&tab[s[i+1]]&tab[s[i+2]]&tab[s[i+3]]&mask == 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if tab[s[i]]&mask == 0 {
			return i
		}
	}
	return -1
}

// extendedText reports whether a text leaf may use the extended character
// set: names, postal addresses, remittance information, e-mail.
func extendedText(l *typed.Leaf) bool {
	return l.Name == "Nm" || l.Name == "EmailAdr" || l.Ctx&(typed.InPstlAdr|typed.InRmtInf) != 0
}

func checkCharset(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	tab := finxTable()
	for l := range t.LeavesOf(typed.KindText) {
		ext := extendedText(l)
		j := indexNotFINX(tab, l.Value, ext)
		if j < 0 {
			continue
		}
		set := "FIN-X"
		if ext {
			set = "extended FIN-X"
		}
		// The same character in element after element (a no-break space
		// pasted everywhere) is one finding with a count.
		ch, n := engine.DescribeChar(l.Value, j)
		f.Repeat(l.Value[j:j+n], CodeCharset, engine.Error, t.LeafLoc(l), l.Name+" "+engine.Echo(l.Value)+" has "+ch+" at position "+strconv.Itoa(utf8.RuneCountInString(l.Value[:j])+1)+", outside the CBPR+ "+set+" character set")
	}
}

func checkCommodity(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	for l := range t.LeavesOf(typed.KindAmount) {
		if !common.IsCommodity(l.Ccy) {
			continue
		}
		switch l.Name {
		case "IntrBkSttlmAmt", "TtlIntrBkSttlmAmt", "RtrdIntrBkSttlmAmt", "TtlRtrdIntrBkSttlmAmt":
		default:
			continue
		}
		loc := t.LeafLoc(l)
		loc.Path += "/@Ccy"
		f.Errorf(CodeCommodity, loc, "%s is in %s, a commodity code; CBPR+ does not allow XAU, XAG, XPD or XPT", l.Name, engine.Echo(l.Ccy))
	}
}

func pacs008Tx(t *typed.Message) []typed.CreditTransferTransaction39 {
	if t == nil || t.Pacs008 == nil {
		return nil
	}
	return t.Pacs008.CdtTrfTxInf
}

func txPath(t *typed.Message, i int) string {
	return t.DocPath() + "/CdtTrfTxInf[" + strconv.Itoa(i+1) + "]"
}

func checkDebt(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	for i, tx := range pacs008Tx(t) {
		if trim(tx.ChrgBr.Value) == "DEBT" && len(tx.ChrgsInf) > 1 {
			f.Errorf(CodeDebt, t.Loc(txPath(t, i)+"/ChrgsInf[2]", tx.ChrgsInf[1].Pos), "ChrgBr is DEBT but ChrgsInf occurs %d times; only one is allowed", len(tx.ChrgsInf))
		}
	}
}

func checkCred(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	for i, tx := range pacs008Tx(t) {
		if trim(tx.ChrgBr.Value) == "CRED" && len(tx.ChrgsInf) == 0 {
			f.Errorf(CodeCred, t.Loc(txPath(t, i)+"/ChrgsInf[1]", tx.Pos), "ChrgBr is CRED but ChrgsInf is missing; it is mandatory with CRED (a zero amount when no charges were taken)")
		}
	}
}

func checkInstrForCdtrAgt(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	for i, tx := range pacs008Tx(t) {
		in := tx.InstrForCdtrAgt
		if len(in) == 0 {
			continue
		}
		// A code's first occurrence: looked for in place in the usual short
		// list (CBPR+ allows two), in a map in a long one, so that the check
		// stays linear; the paths are built for a finding only.
		var firsts map[string]int
		if len(in) > 8 {
			firsts = make(map[string]int, len(in))
			for k := range in {
				if cd := trim(in[k].Cd.Value); cd != "" {
					if _, dup := firsts[cd]; !dup {
						firsts[cd] = k
					}
				}
			}
		}
		first := func(cd string) int {
			if firsts != nil {
				if k, ok := firsts[cd]; ok {
					return k
				}
				return -1
			}
			for k := range in {
				if trim(in[k].Cd.Value) == cd {
					return k
				}
			}
			return -1
		}
		for j := range in {
			cd := trim(in[j].Cd.Value)
			if cd == "" || first(cd) == j {
				continue
			}
			f.Errorf(CodeInstrForCdtr, t.Loc(txPath(t, i)+"/InstrForCdtrAgt["+strconv.Itoa(j+1)+"]/Cd", in[j].Cd.Pos), "InstrForCdtrAgt code %s is used more than once", engine.Echo(cd))
		}
		for _, pair := range [...][2]string{{"HOLD", "CHQB"}, {"TELB", "PHOB"}} {
			if j := first(pair[0]); j >= 0 && first(pair[1]) >= 0 {
				f.Errorf(CodeInstrForCdtr, t.Loc(txPath(t, i)+"/InstrForCdtrAgt["+strconv.Itoa(j+1)+"]/Cd", in[j].Cd.Pos), "InstrForCdtrAgt code %s is not allowed together with %s", pair[0], pair[1])
			}
		}
	}
}

func checkRemittance(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	for i, tx := range pacs008Tx(t) {
		if tx.RmtInf != nil && len(tx.RltdRmtInf) > 0 {
			f.Errorf(CodeRemittance, t.Loc(txPath(t, i)+"/RmtInf", tx.RmtInf.Pos), "RmtInf and RltdRmtInf are both present; they are mutually exclusive")
		}
		if r := tx.RmtInf; r != nil && len(r.Strd) > 0 && len(r.Ustrd) > 0 {
			f.Errorf(CodeRemittance, t.Loc(txPath(t, i)+"/RmtInf/Strd[1]", r.Strd[0].Pos), "RmtInf has both Ustrd and Strd; only one of them may be used")
		}
	}
}

func checkInstrIDSlashes(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	ls := t.Leaves()
	for i := range ls {
		l := &ls[i]
		if l.Name != "InstrId" && l.Name != "OrgnlInstrId" {
			continue
		}
		if !common.SlashRuleOK(l.Value) {
			f.Errorf(CodeInstrIDSlashes, t.LeafLoc(l), "%s %s must not start or end with '/' or contain '//'", l.Name, engine.Echo(l.Value))
		}
	}
}

// statusTx yields the pacs.002 transaction statuses with their paths.
func statusTx(t *typed.Message, fn func(tx *typed.PaymentTransaction110, i int)) {
	if t == nil || t.Pacs002 == nil {
		return
	}
	for i := range t.Pacs002.TxInfAndSts {
		fn(&t.Pacs002.TxInfAndSts[i], i)
	}
}

func stsPath(t *typed.Message, i int) string {
	return t.DocPath() + "/TxInfAndSts[" + strconv.Itoa(i+1) + "]"
}

func checkRejectReason(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	statusTx(t, func(tx *typed.PaymentTransaction110, i int) {
		if trim(tx.TxSts.Value) != "RJCT" {
			return
		}
		for _, r := range tx.StsRsnInf {
			if r.Rsn != nil {
				return
			}
		}
		// Located at the missing element, on its parent's line.
		at := tx.Pos
		if len(tx.StsRsnInf) > 0 {
			at = tx.StsRsnInf[0].Pos
		}
		f.Errorf(CodeRejectReason, t.Loc(stsPath(t, i)+"/StsRsnInf[1]/Rsn", at), "TxSts is RJCT but no StsRsnInf/Rsn gives the reason")
	})
}

func checkRejectSttlmDt(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	statusTx(t, func(tx *typed.PaymentTransaction110, i int) {
		if trim(tx.TxSts.Value) == "RJCT" && tx.FctvIntrBkSttlmDt != nil {
			f.Errorf(CodeRejectSttlmDt, t.Loc(stsPath(t, i)+"/FctvIntrBkSttlmDt", tx.FctvIntrBkSttlmDt.Pos), "TxSts is RJCT; FctvIntrBkSttlmDt is not allowed for a rejected transaction")
		}
	})
}

func checkChargeBearer(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	for i, tx := range pacs008Tx(t) {
		switch v := trim(tx.ChrgBr.Value); v {
		case "", "DEBT", "CRED", "SHAR":
		default:
			f.Errorf(CodeChargeBearer, t.Loc(txPath(t, i)+"/ChrgBr", tx.ChrgBr.Pos), "ChrgBr %s is not allowed in CBPR+; use DEBT, CRED or SHAR", engine.Echo(v))
		}
	}
}

// maxStrdChars is the CBPR+ limit on the business data of all Strd
// occurrences of one message (SWIFT CBPR+ training deck).
const maxStrdChars = 9000

func checkStrdLength(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	ls := t.Leaves()
	n := 0
	var first *typed.Leaf
	for i := range ls {
		l := &ls[i]
		if l.Ctx&typed.InStrd == 0 {
			continue
		}
		if first == nil {
			first = l
		}
		n += utf8.RuneCountInString(l.Value) + len(l.Ccy)
	}
	if n > maxStrdChars {
		p := t.LeafPath(first)
		if k := strings.Index(p, "/Strd"); k >= 0 {
			p = p[:k] + "/Strd[1]"
		}
		f.Errorf(CodeStrdLength, t.Loc(p, first.ParentPos), "structured remittance information holds %d characters of data; CBPR+ allows at most %d over all Strd", n, maxStrdChars)
	}
}

func checkCopyDuplicate(m *engine.Message, f *engine.Findings) {
	t := hdr(m)
	if t == nil || !t.AppHdr.CpyDplct.Present() {
		return
	}
	want := trim(t.AppHdr.CpyDplct.Value)
	ls := t.Leaves()
	for i := range ls {
		l := &ls[i]
		if l.Name == "CpyDplctInd" && trim(l.Value) != want {
			f.Warnf(CodeCopyDuplicate, t.LeafLoc(l), "CpyDplctInd %s differs from AppHdr CpyDplct %s", engine.Echo(l.Value), engine.Echo(want))
		}
	}
}

// party is one PartyIdentification135 of a transaction.
type party struct {
	p          *typed.PartyIdentification135
	name       string // element name, or path under the transaction
	tx         int    // transaction index
	underlying bool   // inside a pacs.009 UndrlygCstmrCdtTrf
	cxl        *cxlRef
}

// path returns the party's XPath.
func (p party) path(t *typed.Message) string {
	if p.cxl != nil {
		return p.cxl.path(t) + "/" + p.name
	}
	s := txPath(t, p.tx)
	if p.underlying {
		s += "/UndrlygCstmrCdtTrf"
	}
	return s + "/" + p.name
}

// parties calls fn for the parties of each pacs.008 transaction and of each
// pacs.009 COV underlying transfer.
func parties(t *typed.Message, fn func(p party)) {
	if t == nil {
		return
	}
	each := func(i int, u bool, ultD, initg, dbtr, cdtr, ultC *typed.PartyIdentification135) {
		for _, p := range [...]party{{ultD, "UltmtDbtr", i, u, nil}, {initg, "InitgPty", i, u, nil}, {dbtr, "Dbtr", i, u, nil}, {cdtr, "Cdtr", i, u, nil}, {ultC, "UltmtCdtr", i, u, nil}} {
			if p.p != nil {
				fn(p)
			}
		}
	}
	switch {
	case t.Pacs008 != nil:
		for i := range t.Pacs008.CdtTrfTxInf {
			tx := &t.Pacs008.CdtTrfTxInf[i]
			each(i, false, tx.UltmtDbtr, tx.InitgPty, &tx.Dbtr, &tx.Cdtr, tx.UltmtCdtr)
		}
	case t.Pacs009 != nil:
		for i := range t.Pacs009.CdtTrfTxInf {
			if u := t.Pacs009.CdtTrfTxInf[i].UndrlygCstmrCdtTrf; u != nil {
				each(i, true, u.UltmtDbtr, u.InitgPty, &u.Dbtr, &u.Cdtr, u.UltmtCdtr)
			}
		}
	case t.Camt056 != nil, t.Camt029 != nil:
		// The originator of each (status) reason and the case creator.
		cxlRefs(t, func(r cxlRef) {
			if c := r.caseElem; c != nil && c.Cretr.Pty != nil {
				fn(party{p: c.Cretr.Pty, name: r.caseName + "/Cretr/Pty", cxl: &r})
			}
			if x := r.request; x != nil {
				for k := range x.CxlRsnInf {
					if o := x.CxlRsnInf[k].Orgtr; o != nil {
						fn(party{p: o, name: "CxlRsnInf[" + strconv.Itoa(k+1) + "]/Orgtr", cxl: &r})
					}
				}
			}
			if x := r.answer; x != nil {
				for k := range x.CxlStsRsnInf {
					if o := x.CxlStsRsnInf[k].Orgtr; o != nil {
						fn(party{p: o, name: "CxlStsRsnInf[" + strconv.Itoa(k+1) + "]/Orgtr", cxl: &r})
					}
				}
			}
		})
	}
}

func checkPartyName(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	parties(t, func(pt party) {
		if p := pt.p; p.PstlAdr != nil && !p.Nm.Present() {
			f.Errorf(CodePartyName, t.Loc(pt.path(t)+"/Nm", p.Pos), "%s has a PstlAdr but no Nm; the name is mandatory with a postal address", pt.name)
		}
	})
}

func checkPartyAnyBIC(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	parties(t, func(pt party) {
		p, name := pt.p, pt.name
		if name != "Dbtr" && name != "Cdtr" {
			return
		}
		if p.Id == nil || p.Id.OrgId == nil || !p.Id.OrgId.AnyBIC.Present() {
			return
		}
		if p.Nm.Present() || p.PstlAdr != nil {
			f.Warnf(CodePartyAnyBIC, t.Loc(pt.path(t)+"/Id/OrgId/AnyBIC", p.Id.OrgId.AnyBIC.Pos), "%s is identified by AnyBIC and also carries Nm or PstlAdr, which CBPR+ does not allow; AnyBIC takes precedence", name)
		}
	})
}

func checkCovUnderlying(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil || t.Pacs009 == nil || t.Variant() != "COV" {
		return
	}
	for i := range t.Pacs009.CdtTrfTxInf {
		tx := &t.Pacs009.CdtTrfTxInf[i]
		if tx.UndrlygCstmrCdtTrf == nil {
			f.Errorf(CodeCovUnderlying, t.Loc(txPath(t, i)+"/UndrlygCstmrCdtTrf", tx.Pos), "the AppHdr BizSvc marks a cover payment (COV) but UndrlygCstmrCdtTrf is missing")
		}
	}
}

func (c *checker) checkBizSvc(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil || t.Element == "" {
		return
	}
	if t.AppHdr == nil {
		f.Errorf(CodeBizSvc, t.Loc("/AppHdr", t.DocPos), "the AppHdr is missing: CBPR+ messages carry a business application header (head.001.001.02) with BizSvc")
		return
	}
	if ns := t.AppHdrNamespace; ns != "" && !strings.HasSuffix(ns, "head.001.001.02") {
		f.Errorf(CodeBizSvc, t.Loc("/AppHdr", t.AppHdr.Pos), "AppHdr namespace %s: CBPR+ uses head.001.001.02", engine.Echo(ns))
	}
	b := t.AppHdr.BizSvc
	if !b.Present() {
		// Located at the missing element, on the line of its parent.
		f.Errorf(CodeBizSvc, t.Loc("/AppHdr/BizSvc", t.AppHdr.Pos), "AppHdr BizSvc is missing; CBPR+ makes it mandatory")
		return
	}
	v := trim(b.Value)
	rel, byDate := c.release(t)
	tab := c.tab()
	rows := tab.lookup(t.ID, rel)
	for _, i := range rows {
		for _, w := range tab.rows[i].Values {
			if v == w {
				return
			}
		}
	}
	why := "pinned"
	if byDate {
		why = "in force at the AppHdr CreDt"
	}
	if len(rows) == 0 {
		f.Errorf(CodeBizSvc, t.Loc("/AppHdr/BizSvc", b.Pos), "the business-service table has no row for %s under %s (%s), so BizSvc %s cannot be accepted; add the row to the table file (--cbpr-bizsvc)", t.ID, c.relName(rel), why, engine.Echo(v))
		return
	}
	var allowed []string
	for _, i := range rows {
		r := &tab.rows[i]
		for _, w := range r.Values {
			allowed = append(allowed, w+" ("+r.Variant+")")
		}
	}
	f.Errorf(CodeBizSvc, t.Loc("/AppHdr/BizSvc", b.Pos), "AppHdr BizSvc %s is not allowed for %s under %s (%s); allowed: %s", engine.Echo(v), t.ID, c.relName(rel), why, strings.Join(allowed, ", "))
}

func checkSttlmMtd(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil || t.Pacs008 == nil {
		return
	}
	s := t.Pacs008.GrpHdr.SttlmInf.SttlmMtd
	switch v := trim(s.Value); v {
	case "", "INDA", "INGA", "COVE":
	default:
		f.Errorf(CodeSttlmMtd, t.Loc(t.DocPath()+"/GrpHdr/SttlmInf/SttlmMtd", s.Pos), "SttlmMtd %s is not used in CBPR+ pacs.008; use INDA, INGA or COVE", engine.Echo(v))
	}
}
