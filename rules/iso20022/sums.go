package iso20022

import (
	"iter"
	"strconv"
	"strings"

	"github.com/govalues/decimal"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
)

// group is a block with a transaction count and control sum: a group header,
// or a pain.001 payment information block.
type group struct {
	path    string     // XPath of the block
	nb      typed.Text // NbOfTxs
	ctrl    typed.Text // CtrlSum
	count   int        // transactions actually present
	txName  string     // element name of a transaction, for messages
	scope   string     // "the message" or "this PmtInf", for messages
	amounts iter.Seq[*typed.ActiveOrHistoricCurrencyAndAmount]
}

// groups yields the count/sum blocks of the message.
func groups(t *typed.Message) iter.Seq[*group] {
	return func(yield func(*group) bool) {
		switch {
		case t.Pacs008 != nil:
			d := t.Pacs008
			yield(&group{path: t.DocPath() + "/GrpHdr", nb: d.GrpHdr.NbOfTxs, ctrl: d.GrpHdr.CtrlSum, count: len(d.CdtTrfTxInf), txName: "CdtTrfTxInf",
				amounts: func(y func(*typed.ActiveOrHistoricCurrencyAndAmount) bool) {
					for i := range d.CdtTrfTxInf {
						if !y((*typed.ActiveOrHistoricCurrencyAndAmount)(&d.CdtTrfTxInf[i].IntrBkSttlmAmt)) {
							return
						}
					}
				}})
		case t.Pacs009 != nil:
			d := t.Pacs009
			yield(&group{path: t.DocPath() + "/GrpHdr", nb: d.GrpHdr.NbOfTxs, ctrl: d.GrpHdr.CtrlSum, count: len(d.CdtTrfTxInf), txName: "CdtTrfTxInf",
				amounts: func(y func(*typed.ActiveOrHistoricCurrencyAndAmount) bool) {
					for i := range d.CdtTrfTxInf {
						if !y((*typed.ActiveOrHistoricCurrencyAndAmount)(&d.CdtTrfTxInf[i].IntrBkSttlmAmt)) {
							return
						}
					}
				}})
		case t.Pacs004 != nil:
			d := t.Pacs004
			yield(&group{path: t.DocPath() + "/GrpHdr", nb: d.GrpHdr.NbOfTxs, ctrl: d.GrpHdr.CtrlSum, count: len(d.TxInf), txName: "TxInf",
				amounts: func(y func(*typed.ActiveOrHistoricCurrencyAndAmount) bool) {
					for i := range d.TxInf {
						if !y((*typed.ActiveOrHistoricCurrencyAndAmount)(&d.TxInf[i].RtrdIntrBkSttlmAmt)) {
							return
						}
					}
				}})
		case t.Pain001 != nil:
			d := t.Pain001
			n := 0
			for i := range d.PmtInf {
				n += len(d.PmtInf[i].CdtTrfTxInf)
			}
			if !yield(&group{path: t.DocPath() + "/GrpHdr", nb: d.GrpHdr.NbOfTxs, ctrl: d.GrpHdr.CtrlSum, count: n, txName: "CdtTrfTxInf",
				amounts: func(y func(*typed.ActiveOrHistoricCurrencyAndAmount) bool) {
					for i := range d.PmtInf {
						for _, a := range pain001Amounts(&d.PmtInf[i]) {
							if !y(a) {
								return
							}
						}
					}
				}}) {
				return
			}
			for i := range d.PmtInf {
				p := &d.PmtInf[i]
				if !yield(&group{path: t.DocPath() + "/PmtInf[" + strconv.Itoa(i+1) + "]", nb: p.NbOfTxs, ctrl: p.CtrlSum, count: len(p.CdtTrfTxInf), txName: "CdtTrfTxInf", scope: "this PmtInf",
					amounts: func(y func(*typed.ActiveOrHistoricCurrencyAndAmount) bool) {
						for _, a := range pain001Amounts(p) {
							if !y(a) {
								return
							}
						}
					}}) {
					return
				}
			}
		}
	}
}

// pain001Amounts returns the instructed amount of each transaction of a
// payment information block (InstdAmt, or the EqvtAmt/Amt of an equivalent
// amount).
func pain001Amounts(p *typed.PaymentInstruction30) []*typed.ActiveOrHistoricCurrencyAndAmount {
	out := make([]*typed.ActiveOrHistoricCurrencyAndAmount, 0, len(p.CdtTrfTxInf))
	for i := range p.CdtTrfTxInf {
		a := &p.CdtTrfTxInf[i].Amt
		switch {
		case a.InstdAmt != nil:
			out = append(out, a.InstdAmt)
		case a.EqvtAmt != nil:
			out = append(out, &a.EqvtAmt.Amt)
		}
	}
	return out
}

func checkNbOfTxs(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	for g := range groups(t) {
		if !g.nb.Present() {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(g.nb.Value))
		if err != nil {
			continue // Max15NumericText pattern: the schema reports it
		}
		if n != g.count {
			scope := g.scope
			if scope == "" {
				scope = "the message"
			}
			f.Errorf(CodeNbOfTxs, t.Loc(g.path+"/NbOfTxs", g.nb.Pos), "NbOfTxs is %d but %s holds %d %s", n, scope, g.count, g.txName)
		}
	}
}

// sum adds amounts exactly. ok is false when an amount is not a decimal or
// the sum overflows 19 digits: the sum cannot then be verified.
func sum(amounts iter.Seq[*typed.ActiveOrHistoricCurrencyAndAmount]) (s decimal.Decimal, ok bool) {
	for a := range amounts {
		d, good := a.Decimal()
		if !good {
			return s, false
		}
		var err error
		if s, err = s.Add(d); err != nil {
			return s, false
		}
	}
	return s, true
}

func checkCtrlSum(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	for g := range groups(t) {
		if !g.ctrl.Present() {
			continue
		}
		want, ok := g.ctrl.Decimal()
		if !ok {
			continue // DecimalNumber: the schema reports it
		}
		got, ok := sum(g.amounts)
		if !ok {
			continue
		}
		if want.Cmp(got) != 0 {
			f.Errorf(CodeCtrlSum, t.Loc(g.path+"/CtrlSum", g.ctrl.Pos), "CtrlSum is %s but the amounts of the %s add up to %s", engine.Echo(strings.TrimSpace(g.ctrl.Value)), g.txName, got)
		}
	}
}

func checkTotalSettlement(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	var total *typed.ActiveCurrencyAndAmount
	var amounts []*typed.ActiveCurrencyAndAmount
	name, txName, amtName := "TtlIntrBkSttlmAmt", "CdtTrfTxInf", "IntrBkSttlmAmt"
	switch {
	case t.Pacs008 != nil:
		total = t.Pacs008.GrpHdr.TtlIntrBkSttlmAmt
		for i := range t.Pacs008.CdtTrfTxInf {
			amounts = append(amounts, &t.Pacs008.CdtTrfTxInf[i].IntrBkSttlmAmt)
		}
	case t.Pacs009 != nil:
		total = t.Pacs009.GrpHdr.TtlIntrBkSttlmAmt
		for i := range t.Pacs009.CdtTrfTxInf {
			amounts = append(amounts, &t.Pacs009.CdtTrfTxInf[i].IntrBkSttlmAmt)
		}
	case t.Pacs004 != nil:
		total = t.Pacs004.GrpHdr.TtlRtrdIntrBkSttlmAmt
		name, txName, amtName = "TtlRtrdIntrBkSttlmAmt", "TxInf", "RtrdIntrBkSttlmAmt"
		for i := range t.Pacs004.TxInf {
			amounts = append(amounts, &t.Pacs004.TxInf[i].RtrdIntrBkSttlmAmt)
		}
	}
	if total == nil {
		return
	}
	var s decimal.Decimal
	ok := true
	for i, a := range amounts {
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
