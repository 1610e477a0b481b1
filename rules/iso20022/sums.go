package iso20022

import (
	"strconv"
	"strings"

	"github.com/govalues/decimal"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
)

// group is a block with a transaction count and control sum: a group header,
// or a pain.001 payment information block (pmtInf >= 0).
type group struct {
	t      *typed.Message
	nb     typed.Text // NbOfTxs
	ctrl   typed.Text // CtrlSum
	count  int        // transactions actually present
	txName string     // element name of a transaction, for messages
	pmtInf int        // pain.001 PmtInf index, -1 for the group header
}

// path returns the XPath of the block.
func (g group) path() string {
	if g.pmtInf >= 0 {
		return g.t.DocPath() + "/PmtInf[" + strconv.Itoa(g.pmtInf+1) + "]"
	}
	return g.t.DocPath() + "/GrpHdr"
}

// scope names the block in messages.
func (g group) scope() string {
	if g.pmtInf >= 0 {
		return "this PmtInf"
	}
	return "the message"
}

// sum adds the block's transaction amounts exactly. ok is false when an
// amount is not a decimal or the sum overflows 19 digits: the sum cannot
// then be verified.
func (g group) sum() (s decimal.Decimal, ok bool) {
	ok = true
	add := func(value string) {
		if !ok {
			return
		}
		d, good := typed.ParseDecimal(value)
		if !good {
			ok = false
			return
		}
		var err error
		if s, err = s.Add(d); err != nil {
			ok = false
		}
	}
	t := g.t
	switch {
	case t.Pacs008 != nil:
		for i := range t.Pacs008.CdtTrfTxInf {
			add(t.Pacs008.CdtTrfTxInf[i].IntrBkSttlmAmt.Value)
		}
	case t.Pacs009 != nil:
		for i := range t.Pacs009.CdtTrfTxInf {
			add(t.Pacs009.CdtTrfTxInf[i].IntrBkSttlmAmt.Value)
		}
	case t.Pacs004 != nil:
		for i := range t.Pacs004.TxInf {
			add(t.Pacs004.TxInf[i].RtrdIntrBkSttlmAmt.Value)
		}
	case t.Pain001 != nil:
		for i := range t.Pain001.PmtInf {
			if g.pmtInf >= 0 && i != g.pmtInf {
				continue
			}
			p := &t.Pain001.PmtInf[i]
			for j := range p.CdtTrfTxInf {
				// The instructed amount: InstdAmt, or the amount of an
				// equivalent amount (EqvtAmt/Amt).
				switch a := &p.CdtTrfTxInf[j].Amt; {
				case a.InstdAmt != nil:
					add(a.InstdAmt.Value)
				case a.EqvtAmt != nil:
					add(a.EqvtAmt.Amt.Value)
				}
			}
		}
	}
	return s, ok
}

// groups calls fn for each count/sum block of the message.
func groups(t *typed.Message, fn func(g group)) {
	g := group{t: t, txName: "CdtTrfTxInf", pmtInf: -1}
	switch {
	case t.Pacs008 != nil:
		g.nb, g.ctrl, g.count = t.Pacs008.GrpHdr.NbOfTxs, t.Pacs008.GrpHdr.CtrlSum, len(t.Pacs008.CdtTrfTxInf)
	case t.Pacs009 != nil:
		g.nb, g.ctrl, g.count = t.Pacs009.GrpHdr.NbOfTxs, t.Pacs009.GrpHdr.CtrlSum, len(t.Pacs009.CdtTrfTxInf)
	case t.Pacs004 != nil:
		g.nb, g.ctrl, g.count, g.txName = t.Pacs004.GrpHdr.NbOfTxs, t.Pacs004.GrpHdr.CtrlSum, len(t.Pacs004.TxInf), "TxInf"
	case t.Pain001 != nil:
		d := t.Pain001
		for i := range d.PmtInf {
			g.count += len(d.PmtInf[i].CdtTrfTxInf)
		}
		g.nb, g.ctrl = d.GrpHdr.NbOfTxs, d.GrpHdr.CtrlSum
		fn(g)
		for i := range d.PmtInf {
			p := &d.PmtInf[i]
			pg := group{t: t, nb: p.NbOfTxs, ctrl: p.CtrlSum, count: len(p.CdtTrfTxInf), txName: "CdtTrfTxInf", pmtInf: i}
			fn(pg)
		}
		return
	default:
		return
	}
	fn(g)
}

func checkNbOfTxs(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	groups(t, func(g group) {
		if !g.nb.Present() {
			return
		}
		n, err := strconv.Atoi(strings.TrimSpace(g.nb.Value))
		if err != nil {
			return // Max15NumericText pattern: the schema reports it
		}
		if n != g.count {
			f.Errorf(CodeNbOfTxs, t.Loc(g.path()+"/NbOfTxs", g.nb.Pos), "NbOfTxs is %d but %s holds %d %s", n, g.scope(), g.count, g.txName)
		}
	})
}

func checkCtrlSum(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	groups(t, func(g group) {
		if !g.ctrl.Present() {
			return
		}
		want, ok := g.ctrl.Decimal()
		if !ok {
			return // DecimalNumber: the schema reports it
		}
		got, ok := g.sum()
		if !ok {
			return
		}
		if want.Cmp(got) != 0 {
			f.Errorf(CodeCtrlSum, t.Loc(g.path()+"/CtrlSum", g.ctrl.Pos), "CtrlSum is %s but the amounts of the %s add up to %s", engine.Echo(strings.TrimSpace(g.ctrl.Value)), g.txName, got)
		}
	})
}

// settledAmount returns the settlement amount of transaction i, or nil.
func settledAmount(t *typed.Message, i int) *typed.ActiveCurrencyAndAmount {
	switch {
	case t.Pacs008 != nil:
		return &t.Pacs008.CdtTrfTxInf[i].IntrBkSttlmAmt
	case t.Pacs009 != nil:
		return &t.Pacs009.CdtTrfTxInf[i].IntrBkSttlmAmt
	case t.Pacs004 != nil:
		return &t.Pacs004.TxInf[i].RtrdIntrBkSttlmAmt
	}
	return nil
}

func checkTotalSettlement(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	var total *typed.ActiveCurrencyAndAmount
	var n int
	name, txName, amtName := "TtlIntrBkSttlmAmt", "CdtTrfTxInf", "IntrBkSttlmAmt"
	switch {
	case t.Pacs008 != nil:
		total, n = t.Pacs008.GrpHdr.TtlIntrBkSttlmAmt, len(t.Pacs008.CdtTrfTxInf)
	case t.Pacs009 != nil:
		total, n = t.Pacs009.GrpHdr.TtlIntrBkSttlmAmt, len(t.Pacs009.CdtTrfTxInf)
	case t.Pacs004 != nil:
		total, n = t.Pacs004.GrpHdr.TtlRtrdIntrBkSttlmAmt, len(t.Pacs004.TxInf)
		name, txName, amtName = "TtlRtrdIntrBkSttlmAmt", "TxInf", "RtrdIntrBkSttlmAmt"
	}
	if total == nil {
		return
	}
	var s decimal.Decimal
	ok := true
	for i := 0; i < n; i++ {
		a := settledAmount(t, i)
		if a.Ccy != total.Ccy {
			f.Errorf(CodeTotalSettled, t.Loc(t.DocPath()+"/"+txName+"["+strconv.Itoa(i+1)+"]/"+amtName+"/@Ccy", a.Pos),
				"%s currency %s differs from the %s currency %s", amtName, engine.Echo(a.Ccy), name, engine.Echo(total.Ccy))
			ok = false
			continue
		}
		d, good := a.Decimal()
		if !good {
			ok = false
			continue
		}
		var err error
		if s, err = s.Add(d); err != nil {
			ok = false
		}
	}
	want, good := total.Decimal()
	if !ok || !good {
		return
	}
	if want.Cmp(s) != 0 {
		f.Errorf(CodeTotalSettled, t.Loc(t.DocPath()+"/GrpHdr/"+name, total.Pos), "%s is %s but the %s of the %s add up to %s", name, engine.Echo(strings.TrimSpace(total.Value)), amtName, txName, s)
	}
}
