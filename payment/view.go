// Package payment is the format-neutral payment view: one model of a
// payment for MT and MX alike, filled by an adapter per format (FromMT,
// FromMX). User rules (package rules/custom), external checks and the
// stream headers all read it, so a rule written once covers an MT103 and a
// pacs.008.
package payment

import (
	"github.com/govalues/decimal"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/rules/common"
)

// View is the format-neutral view of a payment message.
// The same View describes an MT103 and a pacs.008: adapters (one per
// format) fill it from the typed message in engine.Message.Body.
//
// A View is built at most once per message, lazily, by the first user rule
// that runs on it, and shared read-only by every user rule of that
// validation. Empty strings mean "absent".
type View struct {
	// Format is "mt" or "mx"; Type and Base are the message type and its base
	// type, as in engine.Message.
	Format, Type, Base string
	// Sender and Receiver are the BICs of the sending and receiving
	// institutions (MT basic and application headers; MX AppHdr Fr and To).
	Sender, Receiver string
	// ID is the message identification (MT field 20 of a single-transaction
	// message; MX GrpHdr/MsgId).
	ID string
	// Transactions of the message: one for an MT103 or MT202, one per
	// CdtTrfTxInf for a pacs.008. Rules are evaluated once per transaction.
	Transactions []Transaction
	// MT gives access to the MT fields by tag; nil for other formats.
	MT MTSource
	// MX gives access to the MX elements by path; nil for other formats.
	MX MXSource
}

// Transaction is one payment within a message.
type Transaction struct {
	// UETR is the unique end-to-end transaction reference (MT field 121 of
	// block 3; MX PmtId/UETR).
	UETR string
	// InstructionID is MT field 20 or MX PmtId/InstrId; EndToEndID is MX
	// PmtId/EndToEndId (MT: empty unless the adapter finds one);
	// TransactionID is MX PmtId/TxId (MT: field 20).
	InstructionID, EndToEndID, TransactionID string
	// ValueDate is the interbank settlement date, "YYYY-MM-DD" (MT 32A; MX
	// IntrBkSttlmDt).
	ValueDate string
	// Settlement is the interbank settlement amount (MT 32A; MX
	// IntrBkSttlmAmt); Instructed the instructed amount (MT 33B; MX InstdAmt).
	Settlement, Instructed Money
	// Debtor and Creditor are the ordering and beneficiary parties, each with
	// its agent (MT 50a/52a and 59a/57a; MX Dbtr/DbtrAgt and Cdtr/CdtrAgt).
	Debtor, Creditor Party
	// InstructingAgent, InstructedAgent and Intermediary are the other agents
	// (MX InstgAgt, InstdAgt, IntrmyAgt1; MT sender, receiver, 56a).
	InstructingAgent, InstructedAgent, Intermediary Agent
	// ChargeBearer is the ISO 20022 charge-bearer code: DEBT, CRED, SHAR or
	// SLEV (MT 71A OUR, BEN, SHA are mapped to DEBT, CRED, SHAR).
	ChargeBearer string
	// Remittance is the unstructured remittance information (MT 70, lines
	// joined with spaces; MX RmtInf/Ustrd joined with spaces).
	Remittance string
	// Purpose is the purpose code (MX Purp/Cd; MT: empty).
	Purpose string
	// Underlying is the underlying customer credit transfer of a cover
	// payment (MT202COV/MT205COV sequence B; pacs.009 COV
	// UndrlygCstmrCdtTrf); zero otherwise, with Present false.
	Underlying Underlying
	// Path is the MX path of the transaction element
	// ("/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[2]"), used to locate
	// findings; empty for MT.
	Path string

	// MTSequenceB, for MT101, is the 1-based occurrence of sequence B
	// holding the transaction, so findings can point at its fields (see
	// MTLocator); 0 otherwise.
	MTSequenceB int
}

// Underlying is the customer credit transfer a cover payment covers.
type Underlying struct {
	// Present is true for cover payments that carry it.
	Present bool
	// Debtor and Creditor are the ordering and beneficiary customers, each
	// with its agent (MT 50a/52a and 59a/57a of sequence B; MX Dbtr/DbtrAgt
	// and Cdtr/CdtrAgt of UndrlygCstmrCdtTrf).
	Debtor, Creditor Party
	// Instructed is the instructed amount (MT 33B; MX InstdAmt).
	Instructed Money
	// Remittance is the remittance information (MT 70; MX RmtInf/Ustrd).
	Remittance string
}

// Money is an exact amount with its currency. Amount is a decimal, never a
// float.
type Money struct {
	Amount   decimal.Decimal
	Currency string
}

// Party is a debtor or creditor.
type Party struct {
	// Name is the party's name; Address its address lines joined with
	// spaces.
	Name, Address string
	// Country is the ISO 3166 country of the party's address (MT 50F/59F
	// country line; MX PstlAdr/Ctry); empty when not given.
	Country string
	// Account is the party's account (an IBAN or another identifier).
	Account string
	// BIC identifies the party when it is identified by a BIC (MT 50A/59A
	// with a BIC; MX Id/OrgId/AnyBIC).
	BIC string
	// LEI is the party's legal entity identifier (MX Id/OrgId/LEI; MT:
	// empty, FIN fields carry none).
	LEI string
	// Agent is the party's bank (MT 52a/57a; MX DbtrAgt/CdtrAgt).
	Agent Agent
}

// Agent is a financial institution.
type Agent struct {
	// BIC of the institution; Name its name when not identified by BIC.
	BIC, Name string
	// Country is the country of the institution: from its address when
	// given, else from its BIC (characters 5 and 6).
	Country string
	// Account is the institution's account (MT party identifier line).
	Account string
	// LEI is the institution's legal entity identifier (MX
	// FinInstnId/LEI; MT: empty).
	LEI string
}

// MTSource gives rules access to the fields of an MT message by tag.
type MTSource interface {
	// Field returns the content of the first field with that tag ("32A")
	// and whether it is present.
	Field(tag string) (string, bool)
	// Fields returns the content of every field with that tag, in order.
	Fields(tag string) []string
	// Location returns where the first field with that tag is; the zero
	// Location when absent.
	Location(tag string) engine.Location
}

// MXSource gives rules access to the elements of an MX message by path.
type MXSource interface {
	// Path returns the text of the first element at an absolute path
	// ("/Document/FIToFICstmrCdtTrf/GrpHdr/MsgId", "/AppHdr/BizMsgIdr") and
	// whether it is present. Indexes ("CdtTrfTxInf[2]") select an occurrence.
	Path(path string) (string, bool)
	// Location returns the location of the element at that path; the zero
	// Location when absent.
	Location(path string) engine.Location
}

// MTLocator is implemented by the MT adapter's MTSource: the location of
// a field within one occurrence of sequence B (MT101 transactions).
type MTLocator interface {
	// LocationIn returns the location of the first field with that tag in
	// the n-th (1-based) occurrence of sequence B, else in the message.
	LocationIn(tag string, n int) engine.Location
}

// Viewer is implemented by message bodies that build their own View (test
// formats, custom formats). It takes precedence over the shipped adapters.
// PaymentView must return a View owned by that one message (never one
// shared between messages): callers may keep per-validation state beside it.
type Viewer interface {
	PaymentView() *View
}

// Build returns the View of m, built by m.Body's Viewer or the shipped
// adapter of m.Format (FromMT, FromMX); nil when neither applies. It does
// not cache: callers during a validation use Of.
func Build(m *engine.Message) *View {
	if v, ok := m.Body.(Viewer); ok {
		return v.PaymentView()
	}
	switch m.Format {
	case "mt":
		return FromMT(m)
	case "mx":
		return FromMX(m)
	}
	return nil
}

// viewSlot is the per-validation cache slot holding a message's View, so
// that every user rule and external check of one validation shares one View
// (the engine clears the slot before each validation, also for recycled
// messages).
var viewSlot = engine.NewCacheSlot()

// Of returns the View of m, building it on first use in this validation and
// returning the same View to every later caller; nil when no adapter
// applies. Callers must treat the View as read-only and use it only during
// the validation.
func Of(m *engine.Message) *View {
	if v, ok := m.Cached(viewSlot).(*View); ok {
		return v
	}
	v := Build(m)
	m.SetCached(viewSlot, v)
	return v
}

// BICCountry returns the country code of a BIC (characters 5 and 6), or ""
// when s is not a BIC.
func BICCountry(s string) string {
	if !common.IsBIC(s) {
		return ""
	}
	return common.BICCountry(s)
}

// FillDerived completes what can be derived: the country of each agent
// (and of each party identified by BIC) from its BIC when no address
// country is given. Adapters call it once the view is filled; so must a
// Viewer that fills a View by hand.
func (v *View) FillDerived() {
	for i := range v.Transactions {
		t := &v.Transactions[i]
		for _, a := range []*Agent{&t.Debtor.Agent, &t.Creditor.Agent, &t.InstructingAgent, &t.InstructedAgent, &t.Intermediary} {
			if a.Country == "" && a.BIC != "" {
				a.Country = BICCountry(a.BIC)
			}
		}
		for _, a := range []*Agent{&t.Underlying.Debtor.Agent, &t.Underlying.Creditor.Agent} {
			if a.Country == "" && a.BIC != "" {
				a.Country = BICCountry(a.BIC)
			}
		}
		for _, p := range []*Party{&t.Debtor, &t.Creditor, &t.Underlying.Debtor, &t.Underlying.Creditor} {
			if p.Country == "" && p.BIC != "" {
				p.Country = BICCountry(p.BIC)
			}
		}
	}
}
