package payment

import (
	"strings"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/rules/common"
)

// FromMT builds the View of an MT message (engine.Message.Body a
// *mt.Message); nil when the body is not one. The mapping follows the
// CBPR+ MT↔MX translation rules where they exist:
//
//	MT103/MT102/MT101:  20 → ref.instruction, ref.transaction; 121 → uetr;
//	  32A → value_date, settlement; 33B → instructed; 50a → debtor;
//	  52a → debtor.agent (the sender when absent); 59a → creditor;
//	  57a → creditor.agent (the receiver when absent); 56a → intermediary;
//	  71A → charges.bearer; 70 → remittance.
//	MT202/MT205: 20 → ref.instruction; 21 → ref.end_to_end;
//	  52a → debtor (the sender when absent); 58a → creditor;
//	  57a → creditor.agent; 56a → intermediary.
//
// Sender and receiver are the instructing and instructed agents.
func FromMT(em *engine.Message) *View {
	m := mt.From(em)
	if m == nil {
		return nil
	}
	v := &View{Format: "mt", Type: em.Type, Base: em.Base, Sender: m.SenderBIC(), Receiver: m.ReceiverBIC(), MT: mtSource{m}}
	if v.Type == "" {
		v.Type, v.Base = m.Type, m.Base
	}
	if f := m.Field("20"); f != nil {
		v.ID = f.Get("Reference")
		if v.ID == "" {
			v.ID = f.Value
		}
	}
	fi := func(tag string) *mt.Field { return m.Field(tag) }
	switch {
	case strings.HasPrefix(v.Base, "MT101"):
		// One transaction per sequence B, with the ordering party of A.
		for i, s := range m.Sequences("B") {
			s := s
			t := mtCustomerTx(v, m, func(tag string) *mt.Field {
				if f := s.Field(tag); f != nil {
					return f
				}
				return seqField(m, tag, "A")
			})
			t.MTSequenceB = i + 1
			v.Transactions = append(v.Transactions, t)
		}
	case strings.HasPrefix(v.Base, "MT202") || strings.HasPrefix(v.Base, "MT205") || v.Base == "MT203":
		v.Transactions = []Transaction{mtFITx(v, m)}
	default:
		v.Transactions = []Transaction{mtCustomerTx(v, m, fi)}
	}
	v.FillDerived()
	return v
}

func mtCustomerTx(v *View, m *mt.Message, fi func(string) *mt.Field) Transaction {
	t := Transaction{UETR: m.UETR(), InstructionID: v.ID, TransactionID: v.ID, InstructingAgent: Agent{BIC: v.Sender}, InstructedAgent: Agent{BIC: v.Receiver}}
	if f := fi("21"); f != nil {
		t.TransactionID = f.Value
	}
	mtAmountDate(&t, fi)
	if f := fi("50a"); f != nil {
		t.Debtor = mtParty(f)
	}
	if f := fi("52a"); f != nil {
		t.Debtor.Agent = mtAgent(f)
	} else {
		t.Debtor.Agent = Agent{BIC: v.Sender}
	}
	if f := fi("59a"); f != nil {
		t.Creditor = mtParty(f)
	}
	if f := fi("57a"); f != nil {
		t.Creditor.Agent = mtAgent(f)
	} else {
		t.Creditor.Agent = Agent{BIC: v.Receiver}
	}
	if f := fi("56a"); f != nil {
		t.Intermediary = mtAgent(f)
	}
	if f := fi("71A"); f != nil {
		t.ChargeBearer = mtChargeBearer(f.Value)
	}
	if f := fi("70"); f != nil {
		t.Remittance = joinLines(f)
	}
	return t
}

func mtFITx(v *View, m *mt.Message) Transaction {
	t := Transaction{UETR: m.UETR(), InstructionID: v.ID, TransactionID: v.ID, InstructingAgent: Agent{BIC: v.Sender}, InstructedAgent: Agent{BIC: v.Receiver}}
	// Cover payments repeat 52a, 56a, 57a in sequence B: read sequence A.
	fa := func(tag string) *mt.Field { return seqField(m, tag, "A") }
	if f := fa("21"); f != nil {
		t.EndToEndID = f.Value
	}
	mtAmountDate(&t, fa)
	if seqs := m.Sequences("B"); len(seqs) > 0 && strings.HasSuffix(v.Type, "COV") {
		b := &seqs[0]
		u := &t.Underlying
		u.Present = true
		if f := b.Field("50a"); f != nil {
			u.Debtor = mtParty(f)
		}
		if f := b.Field("52a"); f != nil {
			u.Debtor.Agent = mtAgent(f)
		}
		if f := b.Field("59a"); f != nil {
			u.Creditor = mtParty(f)
		}
		if f := b.Field("57a"); f != nil {
			u.Creditor.Agent = mtAgent(f)
		}
		if f := b.Field("33B"); f != nil {
			if d, ok := f.Amount(); ok {
				u.Instructed.Amount = d
			}
			u.Instructed.Currency = f.Currency()
		}
		if f := b.Field("70"); f != nil {
			u.Remittance = joinLines(f)
		}
	}
	if f := fa("52a"); f != nil {
		a := mtAgent(f)
		t.Debtor = Party{BIC: a.BIC, Name: a.Name, Account: a.Account}
	} else {
		t.Debtor = Party{BIC: v.Sender}
	}
	if f := fa("58a"); f != nil {
		a := mtAgent(f)
		t.Creditor = Party{BIC: a.BIC, Name: a.Name, Account: a.Account}
	}
	if f := fa("57a"); f != nil {
		t.Creditor.Agent = mtAgent(f)
	} else {
		t.Creditor.Agent = Agent{BIC: v.Receiver}
	}
	if f := fa("56a"); f != nil {
		t.Intermediary = mtAgent(f)
	}
	return t
}

func mtAmountDate(t *Transaction, fi func(string) *mt.Field) {
	f := fi("32A")
	if f == nil {
		f = fi("32B")
	}
	if f != nil {
		if d, ok := f.Amount(); ok {
			t.Settlement.Amount = d
		}
		t.Settlement.Currency = f.Currency()
		if y, mo, d, ok := f.Date(); ok {
			t.ValueDate = isoDate(y, mo, d)
		}
	}
	if f := fi("30"); f != nil && t.ValueDate == "" {
		if y, mo, d, ok := f.Date(); ok {
			t.ValueDate = isoDate(y, mo, d)
		}
	}
	if f := fi("33B"); f != nil {
		if d, ok := f.Amount(); ok {
			t.Instructed.Amount = d
		}
		t.Instructed.Currency = f.Currency()
	}
}

// isoDate formats a date as YYYY-MM-DD without fmt.
func isoDate(y, m, d int) string {
	b := []byte("0000-00-00")
	for i := 3; i >= 0; i-- {
		b[i] = byte('0' + y%10)
		y /= 10
	}
	b[5], b[6] = byte('0'+m/10), byte('0'+m%10)
	b[8], b[9] = byte('0'+d/10), byte('0'+d%10)
	return string(b)
}

func mtChargeBearer(code string) string {
	switch code {
	case "OUR":
		return "DEBT"
	case "BEN":
		return "CRED"
	case "SHA":
		return "SHAR"
	}
	return code
}

// mtParty reads an ordering or beneficiary customer field (50A/F/K,
// 59/59A/59F).
func mtParty(f *mt.Field) Party {
	p := Party{Account: strings.TrimPrefix(f.Get("Account"), "/"), BIC: f.Get("BIC")}
	if p.Account == "" {
		if id := f.Get("PartyIdentifier"); strings.HasPrefix(id, "/") {
			p.Account = id[1:]
		}
	}
	na := f.Get("NameAndAddress")
	if na == "" {
		return p
	}
	lines := splitLines(na)
	if f.Option() == "F" {
		// Structured lines: 1/name, 2/address, 3/country/town.
		var addr []string
		for _, l := range lines {
			switch {
			case strings.HasPrefix(l, "1/"):
				if p.Name != "" {
					p.Name += " "
				}
				p.Name += l[2:]
			case strings.HasPrefix(l, "2/"):
				addr = append(addr, l[2:])
			case strings.HasPrefix(l, "3/"):
				rest := l[2:]
				if len(rest) >= 2 && common.IsCountryInUse(rest[:2]) {
					p.Country = rest[:2]
				}
				if i := strings.IndexByte(rest, '/'); i >= 0 {
					addr = append(addr, rest[i+1:])
				}
			}
		}
		p.Address = strings.Join(addr, " ")
		return p
	}
	p.Name = lines[0]
	p.Address = strings.Join(lines[1:], " ")
	return p
}

// mtAgent reads an institution field (option A: BIC; D: name and address;
// C: account; B: location).
func mtAgent(f *mt.Field) Agent {
	a := Agent{BIC: f.Get("BIC"), Account: strings.TrimPrefix(f.Get("Account"), "/")}
	if na := f.Get("NameAndAddress"); na != "" {
		a.Name = splitLines(na)[0]
	}
	return a
}

func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Split(s, "\n")
}

func joinLines(f *mt.Field) string {
	var sb strings.Builder
	for i, l := range f.Lines() {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(l)
	}
	return sb.String()
}

// mtSource gives CEL's mt.field access to the fields of an MT message.
type mtSource struct{ m *mt.Message }

// Field implements MTSource.
func (s mtSource) Field(tag string) (string, bool) {
	if f := s.m.Field(tag); f != nil {
		return f.Value, true
	}
	return "", false
}

// Fields implements MTSource.
func (s mtSource) Fields(tag string) []string {
	var out []string
	for f := range s.m.All(tag) {
		out = append(out, f.Value)
	}
	return out
}

// LocationIn implements MTLocator.
func (s mtSource) LocationIn(tag string, n int) engine.Location {
	if seqs := s.m.Sequences("B"); n > 0 && n <= len(seqs) {
		if f := seqs[n-1].Field(tag); f != nil {
			return f.Loc()
		}
	}
	return s.Location(tag)
}

// Location implements MTSource.
func (s mtSource) Location(tag string) engine.Location {
	if f := s.m.Field(tag); f != nil {
		return f.Loc()
	}
	return engine.Location{}
}

// seqField returns the first field with that tag in the named sequence
// (fields outside any sequence count as sequence A).
func seqField(m *mt.Message, tag, seq string) *mt.Field {
	for f := range m.All(tag) {
		if f.Seq == seq || (seq == "A" && f.Seq == "") {
			return f
		}
	}
	return nil
}
