package payment

import (
	"strings"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/rules/common"
)

// FromMT builds the View of an MT message (engine.Message.Body a
// *mt.Message); nil when the body is not one. Transactions are made by the
// type's payment shape, declared once with the type in formats/mt
// (mt.PaymentShape), so a new type of a known shape needs nothing here;
// TestEveryPaymentTypeHasView holds every payment-carrying type to it. The
// mapping follows the CBPR+ MT↔MX translation rules where they exist:
//
//	customer transfers (MT 101, 102, 103): 20 → ref.instruction,
//	  ref.transaction (21 in a batch); 121 → uetr; 32A (or 32B) →
//	  value_date, settlement (MT 101 date 30, MT 102 32A of sequence C);
//	  33B → instructed; 50a → debtor; 52a → debtor.agent (the sender when
//	  absent); 59a → creditor; 57a → creditor.agent (the receiver when
//	  absent); 56a → intermediary; 71A → charges.bearer; 70 → remittance.
//	  A batch has one transaction per sequence B, fields absent there
//	  taken from sequence A.
//	direct debits (MT 104, 107): one per sequence B; 59a → debtor, 57a →
//	  debtor.agent (the receiver when absent); 50a (A or K) → creditor,
//	  52a → creditor.agent (the sender when absent); 32B, date 30.
//	institution transfers (MT 200, 202, 205, their COV variants; 201, 203
//	  one per block): 20 → ref.instruction; 21 → ref.end_to_end; 52a →
//	  debtor (the sender when absent); 58a → creditor (the sender for the
//	  own-account MT 200 and 201); 57a → creditor.agent; 56a →
//	  intermediary; a cover's sequence B → underlying.
//	MT 204 (direct debit between institutions): one per sequence B; 53a →
//	  debtor; 58a of A (or the sender) → creditor, 57a of A its agent.
//	MT 210 (notice to receive): one per block; 50a → debtor, 52a →
//	  debtor.agent, 56a → intermediary; the sender → creditor, whose agent
//	  is the receiver.
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
	switch m.Payment() {
	case mt.PayCustomerBatch:
		for i, s := range m.Sequences("B") {
			t := mtCustomerTx(v, m, inB(m, s))
			if t.ValueDate == "" {
				if f := seqField(m, "32A", "C"); f != nil {
					t.ValueDate = mtDate(f)
				}
			}
			t.MTSequenceB = i + 1
			v.Transactions = append(v.Transactions, t)
		}
	case mt.PayDirectDebit:
		for i, s := range m.Sequences("B") {
			t := mtDirectDebitTx(v, m, inB(m, s))
			t.MTSequenceB = i + 1
			v.Transactions = append(v.Transactions, t)
		}
	case mt.PayInstitution:
		v.Transactions = []Transaction{mtFITx(v, m, func(tag string) *mt.Field { return seqField(m, tag, "A") })}
	case mt.PayInstitutionBatch, mt.PayInstitutionDebit, mt.PayNotice:
		for i, s := range m.Sequences("B") {
			var t Transaction
			switch m.Payment() {
			case mt.PayInstitutionBatch:
				t = mtFITx(v, m, inB(m, s))
			case mt.PayInstitutionDebit:
				t = mtFIDebitTx(v, m, inB(m, s))
			default:
				t = mtNoticeTx(v, m, inB(m, s))
			}
			t.MTSequenceB = i + 1
			v.Transactions = append(v.Transactions, t)
		}
	default:
		// PayCustomer, and types that carry no payment (read as a single
		// customer transfer of whatever fields they have, as before).
		v.Transactions = []Transaction{mtCustomerTx(v, m, fi)}
	}
	v.FillDerived()
	return v
}

// inB looks a tag up in one occurrence of sequence B, then in the fields
// before sequence B (sequence A or the common fields).
func inB(m *mt.Message, s mt.Sequence) func(string) *mt.Field {
	return func(tag string) *mt.Field {
		if f := s.Field(tag); f != nil {
			return f
		}
		return seqField(m, tag, "A")
	}
}

// mtDate formats the Date component of a field as YYYY-MM-DD, or "".
func mtDate(f *mt.Field) string {
	if y, mo, d, ok := f.Date(); ok {
		return isoDate(y, mo, d)
	}
	return ""
}

// mtDirectDebitTx reads one direct debit of an MT 104 or 107.
func mtDirectDebitTx(v *View, m *mt.Message, fi func(string) *mt.Field) Transaction {
	t := Transaction{UETR: m.UETR(), InstructionID: v.ID, TransactionID: v.ID, InstructingAgent: Agent{BIC: v.Sender}, InstructedAgent: Agent{BIC: v.Receiver}}
	if f := fi("21"); f != nil {
		t.TransactionID = f.Value
	}
	mtAmountDate(&t, fi)
	if f := fi("59a"); f != nil {
		t.Debtor = mtParty(f)
	}
	if f := fi("57a"); f != nil {
		t.Debtor.Agent = mtAgent(f)
	} else {
		t.Debtor.Agent = Agent{BIC: v.Receiver}
	}
	for _, opt := range [2]string{"50A", "50K"} {
		if f := fi(opt); f != nil {
			t.Creditor = mtParty(f)
		}
	}
	if f := fi("52a"); f != nil {
		t.Creditor.Agent = mtAgent(f)
	} else {
		t.Creditor.Agent = Agent{BIC: v.Sender}
	}
	if f := fi("71A"); f != nil {
		t.ChargeBearer = mtChargeBearer(f.Value)
	}
	if f := fi("70"); f != nil {
		t.Remittance = joinLines(f)
	}
	return t
}

// mtFIDebitTx reads one debit of an MT 204.
func mtFIDebitTx(v *View, m *mt.Message, fi func(string) *mt.Field) Transaction {
	t := Transaction{UETR: m.UETR(), InstructionID: v.ID, TransactionID: v.ID, InstructingAgent: Agent{BIC: v.Sender}, InstructedAgent: Agent{BIC: v.Receiver}}
	if f := fi("20"); f != nil {
		t.TransactionID = f.Value
	}
	if f := fi("21"); f != nil {
		t.EndToEndID = f.Value
	}
	mtAmountDate(&t, fi)
	if f := fi("53a"); f != nil {
		a := mtAgent(f)
		t.Debtor = Party{BIC: a.BIC, Name: a.Name, Account: a.Account}
	}
	t.Creditor = Party{BIC: v.Sender}
	if f := fi("58a"); f != nil {
		a := mtAgent(f)
		t.Creditor = Party{BIC: a.BIC, Name: a.Name, Account: a.Account}
	}
	if f := fi("57a"); f != nil {
		t.Creditor.Agent = mtAgent(f)
	}
	return t
}

// mtNoticeTx reads one notice of an MT 210.
func mtNoticeTx(v *View, m *mt.Message, fi func(string) *mt.Field) Transaction {
	t := Transaction{UETR: m.UETR(), InstructionID: v.ID, TransactionID: v.ID, InstructingAgent: Agent{BIC: v.Sender}, InstructedAgent: Agent{BIC: v.Receiver}}
	if f := fi("21"); f != nil {
		t.EndToEndID = f.Value
	}
	mtAmountDate(&t, fi)
	if f := fi("50a"); f != nil {
		t.Debtor = mtParty(f)
	}
	if f := fi("52a"); f != nil {
		t.Debtor.Agent = mtAgent(f)
	}
	if f := fi("56a"); f != nil {
		t.Intermediary = mtAgent(f)
	}
	t.Creditor = Party{BIC: v.Sender, Agent: Agent{BIC: v.Receiver}}
	return t
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

// mtFITx reads an institution transfer through fa: sequence A of an MT
// 200, 202 or 205 (cover payments repeat 52a, 56a, 57a in sequence B), or
// one block of an MT 201 or 203 with the common fields.
func mtFITx(v *View, m *mt.Message, fa func(string) *mt.Field) Transaction {
	t := Transaction{UETR: m.UETR(), InstructionID: v.ID, TransactionID: v.ID, InstructingAgent: Agent{BIC: v.Sender}, InstructedAgent: Agent{BIC: v.Receiver}}
	if f := fa("20"); f != nil {
		t.TransactionID = f.Value
	}
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
	} else {
		// MT 200 and 201: a transfer to the sender's own account.
		t.Creditor = Party{BIC: v.Sender}
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
		t.ValueDate = mtDate(f)
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
