package payment

import (
	"strconv"
	"strings"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
)

// FromMX builds the View of an MX message with a typed model (engine
// message Body an *mx.Message whose Typed is a *typed.Message, or a
// typed.Carrier); nil otherwise. Mapping:
//
//	AppHdr Fr, To → message.sender, message.receiver; GrpHdr/MsgId → message.id
//	pacs.008 / pacs.009, one transaction per CdtTrfTxInf:
//	  PmtId InstrId, EndToEndId, TxId, UETR → ref.*, uetr;
//	  IntrBkSttlmDt (else GrpHdr/IntrBkSttlmDt) → value_date;
//	  IntrBkSttlmAmt → settlement; InstdAmt → instructed;
//	  Dbtr, DbtrAcct, DbtrAgt → debtor; Cdtr, CdtrAcct, CdtrAgt → creditor;
//	  InstgAgt, InstdAgt (else GrpHdr's) → instructing_agent, instructed_agent;
//	  IntrmyAgt1 → intermediary; ChrgBr → charges.bearer;
//	  RmtInf/Ustrd → remittance; Purp/Cd → purpose.
//	pain.001, one transaction per PmtInf/CdtTrfTxInf: Amt/InstdAmt →
//	  settlement and instructed; ReqdExctnDt → value_date; PmtInf Dbtr,
//	  DbtrAcct, DbtrAgt → debtor.
func FromMX(em *engine.Message) *View {
	tm := typed.Of(em)
	if tm == nil {
		return nil
	}
	v := &View{Format: "mx", Type: em.Type, Base: em.Base, MX: &mxSource{m: tm}}
	if h := tm.AppHdr; h != nil {
		v.Sender = party44BIC(&h.Fr)
		v.Receiver = party44BIC(&h.To)
	}
	switch {
	case tm.Pacs008 != nil:
		d := tm.Pacs008
		v.ID = d.GrpHdr.MsgId.Value
		v.Transactions = make([]Transaction, len(d.CdtTrfTxInf))
		for i := range d.CdtTrfTxInf {
			x := &d.CdtTrfTxInf[i]
			t := &v.Transactions[i]
			t.Path = tm.DocPath() + "/CdtTrfTxInf[" + strconv.Itoa(i+1) + "]"
			pmtID7(t, &x.PmtId)
			t.ValueDate = firstText(x.IntrBkSttlmDt, d.GrpHdr.IntrBkSttlmDt)
			t.Settlement = mxMoney(x.IntrBkSttlmAmt.Value, x.IntrBkSttlmAmt.Ccy)
			if x.InstdAmt != nil {
				t.Instructed = mxMoney(x.InstdAmt.Value, x.InstdAmt.Ccy)
			}
			t.Debtor = party135(&x.Dbtr)
			t.Debtor.Account = account(x.DbtrAcct)
			t.Debtor.Agent = agent6(&x.DbtrAgt)
			t.Debtor.Agent.Account = account(x.DbtrAgtAcct)
			t.Creditor = party135(&x.Cdtr)
			t.Creditor.Account = account(x.CdtrAcct)
			t.Creditor.Agent = agent6(&x.CdtrAgt)
			t.Creditor.Agent.Account = account(x.CdtrAgtAcct)
			t.InstructingAgent = agent6(orAgent(x.InstgAgt, d.GrpHdr.InstgAgt))
			t.InstructedAgent = agent6(orAgent(x.InstdAgt, d.GrpHdr.InstdAgt))
			t.Intermediary = agent6(x.IntrmyAgt1)
			t.ChargeBearer = strings.TrimSpace(x.ChrgBr.Value)
			if x.RmtInf != nil {
				t.Remittance = joinTexts(x.RmtInf.Ustrd)
			}
			if x.Purp != nil {
				t.Purpose = strings.TrimSpace(x.Purp.Cd.Value)
			}
		}
	case tm.Pacs009 != nil:
		d := tm.Pacs009
		v.ID = d.GrpHdr.MsgId.Value
		v.Transactions = make([]Transaction, len(d.CdtTrfTxInf))
		for i := range d.CdtTrfTxInf {
			x := &d.CdtTrfTxInf[i]
			t := &v.Transactions[i]
			t.Path = tm.DocPath() + "/CdtTrfTxInf[" + strconv.Itoa(i+1) + "]"
			pmtID7(t, &x.PmtId)
			t.ValueDate = firstText(x.IntrBkSttlmDt, d.GrpHdr.IntrBkSttlmDt)
			t.Settlement = mxMoney(x.IntrBkSttlmAmt.Value, x.IntrBkSttlmAmt.Ccy)
			a := agent6(&x.Dbtr)
			t.Debtor = Party{BIC: a.BIC, Name: a.Name, Country: a.Country, LEI: a.LEI, Account: account(x.DbtrAcct), Agent: agent6(x.DbtrAgt)}
			a = agent6(&x.Cdtr)
			t.Creditor = Party{BIC: a.BIC, Name: a.Name, Country: a.Country, LEI: a.LEI, Account: account(x.CdtrAcct), Agent: agent6(x.CdtrAgt)}
			t.InstructingAgent = agent6(orAgent(x.InstgAgt, d.GrpHdr.InstgAgt))
			t.InstructedAgent = agent6(orAgent(x.InstdAgt, d.GrpHdr.InstdAgt))
			t.Intermediary = agent6(x.IntrmyAgt1)
			if x.RmtInf != nil {
				t.Remittance = joinTexts(x.RmtInf.Ustrd)
			}
			if x.Purp != nil {
				t.Purpose = strings.TrimSpace(x.Purp.Cd.Value)
			}
			if c := x.UndrlygCstmrCdtTrf; c != nil {
				u := &t.Underlying
				u.Present = true
				u.Debtor = party135(&c.Dbtr)
				u.Debtor.Account = account(c.DbtrAcct)
				u.Debtor.Agent = agent6(&c.DbtrAgt)
				u.Creditor = party135(&c.Cdtr)
				u.Creditor.Account = account(c.CdtrAcct)
				u.Creditor.Agent = agent6(&c.CdtrAgt)
				if c.InstdAmt != nil {
					u.Instructed = mxMoney(c.InstdAmt.Value, c.InstdAmt.Ccy)
				}
				if c.RmtInf != nil {
					u.Remittance = joinTexts(c.RmtInf.Ustrd)
				}
			}
		}
	case tm.Pain001 != nil:
		d := tm.Pain001
		v.ID = d.GrpHdr.MsgId.Value
		for i := range d.PmtInf {
			p := &d.PmtInf[i]
			for j := range p.CdtTrfTxInf {
				x := &p.CdtTrfTxInf[j]
				t := Transaction{Path: tm.DocPath() + "/PmtInf[" + strconv.Itoa(i+1) + "]/CdtTrfTxInf[" + strconv.Itoa(j+1) + "]"}
				t.InstructionID = strings.TrimSpace(x.PmtId.InstrId.Value)
				t.EndToEndID = strings.TrimSpace(x.PmtId.EndToEndId.Value)
				t.UETR = strings.TrimSpace(x.PmtId.UETR.Value)
				if x.Amt.InstdAmt != nil {
					t.Instructed = mxMoney(x.Amt.InstdAmt.Value, x.Amt.InstdAmt.Ccy)
					t.Settlement = t.Instructed
				}
				t.ValueDate = firstText(p.ReqdExctnDt.Dt, typed.Text{})
				if t.ValueDate == "" && len(p.ReqdExctnDt.DtTm.Value) >= 10 {
					t.ValueDate = p.ReqdExctnDt.DtTm.Value[:10]
				}
				t.Debtor = party135(&p.Dbtr)
				t.Debtor.Account = account(&p.DbtrAcct)
				t.Debtor.Agent = agent6(&p.DbtrAgt)
				if x.Cdtr != nil {
					t.Creditor = party135(x.Cdtr)
				}
				t.Creditor.Account = account(x.CdtrAcct)
				t.Creditor.Agent = agent6(x.CdtrAgt)
				t.Intermediary = agent6(x.IntrmyAgt1)
				t.ChargeBearer = strings.TrimSpace(firstText(x.ChrgBr, p.ChrgBr))
				if x.RmtInf != nil {
					t.Remittance = joinTexts(x.RmtInf.Ustrd)
				}
				if x.Purp != nil {
					t.Purpose = strings.TrimSpace(x.Purp.Cd.Value)
				}
				v.Transactions = append(v.Transactions, t)
			}
		}
	}
	v.FillDerived()
	return v
}

func pmtID7(t *Transaction, p *typed.PaymentIdentification7) {
	t.InstructionID = strings.TrimSpace(p.InstrId.Value)
	t.EndToEndID = strings.TrimSpace(p.EndToEndId.Value)
	t.TransactionID = strings.TrimSpace(p.TxId.Value)
	t.UETR = strings.TrimSpace(p.UETR.Value)
}

func firstText(a, b typed.Text) string {
	if a.Present() {
		return strings.TrimSpace(a.Value)
	}
	return strings.TrimSpace(b.Value)
}

func mxMoney(value, ccy string) Money {
	var m Money
	if d, ok := typed.ParseDecimal(value); ok {
		m.Amount = d
	}
	m.Currency = strings.TrimSpace(ccy)
	return m
}

func orAgent(a, b *typed.BranchAndFinancialInstitutionIdentification6) *typed.BranchAndFinancialInstitutionIdentification6 {
	if a != nil {
		return a
	}
	return b
}

func agent6(a *typed.BranchAndFinancialInstitutionIdentification6) Agent {
	if a == nil {
		return Agent{}
	}
	fi := &a.FinInstnId
	out := Agent{BIC: strings.TrimSpace(fi.BICFI.Value), Name: strings.TrimSpace(fi.Nm.Value), LEI: strings.TrimSpace(fi.LEI.Value)}
	if fi.PstlAdr != nil {
		out.Country = strings.TrimSpace(fi.PstlAdr.Ctry.Value)
	}
	return out
}

func party44BIC(p *typed.Party44Choice) string {
	if p.FIId != nil {
		return strings.TrimSpace(p.FIId.FinInstnId.BICFI.Value)
	}
	return ""
}

func party135(p *typed.PartyIdentification135) Party {
	out := Party{Name: strings.TrimSpace(p.Nm.Value)}
	if a := p.PstlAdr; a != nil {
		out.Country = strings.TrimSpace(a.Ctry.Value)
		var parts []string
		for _, t := range []typed.Text{a.StrtNm, a.BldgNb, a.PstCd, a.TwnNm} {
			if s := strings.TrimSpace(t.Value); s != "" {
				parts = append(parts, s)
			}
		}
		for _, t := range a.AdrLine {
			if s := strings.TrimSpace(t.Value); s != "" {
				parts = append(parts, s)
			}
		}
		out.Address = strings.Join(parts, " ")
	}
	if out.Country == "" {
		out.Country = strings.TrimSpace(p.CtryOfRes.Value)
	}
	if p.Id != nil && p.Id.OrgId != nil {
		out.BIC = strings.TrimSpace(p.Id.OrgId.AnyBIC.Value)
		out.LEI = strings.TrimSpace(p.Id.OrgId.LEI.Value)
	}
	return out
}

func account(a *typed.CashAccount38) string {
	if a == nil {
		return ""
	}
	if a.Id.IBAN.Present() {
		return strings.TrimSpace(a.Id.IBAN.Value)
	}
	if a.Id.Othr != nil {
		return strings.TrimSpace(a.Id.Othr.Id.Value)
	}
	return ""
}

func joinTexts(ts []typed.Text) string {
	switch len(ts) {
	case 0:
		return ""
	case 1:
		return strings.TrimSpace(ts[0].Value)
	}
	parts := make([]string, 0, len(ts))
	for _, t := range ts {
		parts = append(parts, strings.TrimSpace(t.Value))
	}
	return strings.Join(parts, " ")
}

// mxSource gives CEL's mx.path access to the elements of an MX message,
// through the typed model's leaves (simple elements and amounts).
type mxSource struct{ m *typed.Message }

// find returns the first leaf at path. A path without indexes matches any
// occurrence ("/Document/FIToFICstmrCdtTrf/CdtTrfTxInf/IntrBkSttlmAmt"
// matches ".../CdtTrfTxInf[1]/IntrBkSttlmAmt"); a path with indexes must
// match exactly.
func (s *mxSource) find(path string) *typed.Leaf {
	leaves := s.m.Leaves()
	exact := strings.IndexByte(path, '[') >= 0
	for i := range leaves {
		lp := s.m.LeafPath(&leaves[i])
		if exact {
			if lp == path {
				return &leaves[i]
			}
		} else if pathEqualNoIndex(lp, path) {
			return &leaves[i]
		}
	}
	return nil
}

// pathEqualNoIndex compares a leaf path with indexes to a path without,
// ignoring the indexes, without allocating.
func pathEqualNoIndex(lp, q string) bool {
	i, j := 0, 0
	for i < len(lp) && j < len(q) {
		if lp[i] == '[' {
			for i < len(lp) && lp[i] != ']' {
				i++
			}
			i++
			continue
		}
		if lp[i] != q[j] {
			return false
		}
		i++
		j++
	}
	for i < len(lp) && lp[i] == '[' {
		for i < len(lp) && lp[i] != ']' {
			i++
		}
		i++
	}
	return i == len(lp) && j == len(q)
}

// Path implements MXSource.
func (s *mxSource) Path(path string) (string, bool) {
	if l := s.find(path); l != nil {
		return strings.TrimSpace(l.Value), true
	}
	return "", false
}

// Location implements MXSource. For a complex element (Cdtr, PmtId) it
// gives the line of its start tag, found from its first simple element.
func (s *mxSource) Location(path string) engine.Location {
	if l := s.find(path); l != nil {
		return s.m.LeafLoc(l)
	}
	leaves := s.m.Leaves()
	exact := strings.IndexByte(path, '[') >= 0
	for i := range leaves {
		lp := s.m.LeafPath(&leaves[i])
		// The leaf's path with its last steps cut back to the length of path.
		for j := len(lp) - 1; j > 0; j-- {
			if lp[j] != '/' {
				continue
			}
			prefix := lp[:j]
			if (exact && prefix == path) || (!exact && pathEqualNoIndex(prefix, path)) {
				return engine.Location{Path: prefix, Line: s.m.Line(startTag(s.m.Raw, int(leaves[i].Pos)-1, lastStep(path)))}
			}
		}
	}
	return engine.Location{}
}

// lastStep returns the element name of the last step of a path, without
// its index.
func lastStep(path string) string {
	name := path[strings.LastIndexByte(path, '/')+1:]
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	return name
}

// startTag returns the position (offset plus one, as typed.Pos) of the
// start tag of the element called name that encloses offset off, searching
// backwards; the position of off itself when none is found.
func startTag(raw []byte, off int, name string) typed.Pos {
	if off > len(raw) {
		off = len(raw)
	}
	for i := off - 1; i >= 0; i-- {
		if raw[i] != '<' {
			continue
		}
		j := i + 1
		// Skip a namespace prefix.
		for k := j; k < len(raw) && k < j+32; k++ {
			if raw[k] == ':' {
				j = k + 1
				break
			}
			if raw[k] == '>' || raw[k] == ' ' || raw[k] == '/' {
				break
			}
		}
		if j+len(name) < len(raw) && string(raw[j:j+len(name)]) == name {
			if c := raw[j+len(name)]; c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				return typed.Pos(i + 1)
			}
		}
	}
	return typed.Pos(off + 1)
}
