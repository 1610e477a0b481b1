package mt

import "github.com/swiftval/swiftval/engine"

// Family groups message types by business purpose; rules/custom's
// applies_to families and documentation are derived from it.
type Family string

// The families of the defined types.
const (
	FamilyCustomerTransfers Family = "customer-transfers" // MT 101, 102, 103
	FamilyFITransfers       Family = "fi-transfers"       // MT 200, 201, 202, 203, 205
	FamilyDirectDebits      Family = "direct-debits"      // MT 104, 107, 204
	FamilyNotices           Family = "notices"            // MT 210
	FamilyCheques           Family = "cheques"            // MT 110, 111, 112
	FamilyCharges           Family = "charges"            // MT n90, n91
	FamilyCommon            Family = "common"             // MT n92, n95, n96, n99
	FamilyConfirmations     Family = "confirmations"      // MT 900, 910
	FamilyStatements        Family = "statements"         // MT 920, 940, 941, 942, 950
	FamilyRates             Family = "rates"              // MT 935
)

// PaymentShape says how a message type carries payments, for the payment
// view (package payment): which fields make a transaction and where they
// are. PayNone for types that carry no payment.
type PaymentShape uint8

// Payment shapes.
const (
	// PayNone: no payment (statements, queries, free format ...).
	PayNone PaymentShape = iota
	// PayCustomer: one customer credit transfer in the whole of block 4
	// (MT 103).
	PayCustomer
	// PayCustomerBatch: one customer credit transfer per occurrence of
	// sequence B, fields absent there taken from sequence A; the settlement
	// amount, if any, in sequence C (MT 101, MT 102).
	PayCustomerBatch
	// PayDirectDebit: one direct debit per occurrence of sequence B: 50a
	// (option A or K) is the creditor, 59a the debtor, 52a the creditor's
	// bank, 57a the debtor's bank (MT 104, MT 107).
	PayDirectDebit
	// PayInstitution: one institution transfer in sequence A or the whole
	// of block 4; 58a (or 57a) is the beneficiary institution (MT 200, 202,
	// 205 and their COV variants with the underlying transfer in B).
	PayInstitution
	// PayInstitutionBatch: one institution transfer per occurrence of the
	// repetitive block B, the common fields before it (MT 201, MT 203).
	PayInstitutionBatch
	// PayInstitutionDebit: one debit per occurrence of sequence B, 53a
	// being the debit institution and 58a of sequence A (or the sender) the
	// beneficiary (MT 204).
	PayInstitutionDebit
	// PayNotice: one expected receipt per occurrence of block B, 50a or 52a
	// the ordering party (MT 210).
	PayNotice
)

// TypeInfo describes one message type with a full definition. It is
// derived from the one declaration of the type (defs.go).
type TypeInfo struct {
	// Type is the full type ("MT103STP"), Base the type without variant
	// ("MT103") and Variant the block 3 tag 119 flag that selects it ("STP";
	// "" for a base type).
	Type, Base, Variant string
	// Description is SWIFT's name of the message type.
	Description string
	// Family groups the type by purpose.
	Family Family
	// Payment is how the type carries payments (PayNone when it does not).
	Payment PaymentShape
	// UETR is true when block 3 tag 121 is mandatory (since SR2018).
	UETR bool
	// Sequences names the sequences of the definition in order (nil when
	// the type has none): "A", "B", "C"; "B" also names the unnamed
	// repetitive block of MT 110, 201, 203, 210, 920, 935; "61" the
	// statement lines of MT 940, 942, 950.
	Sequences []string
}

// Types returns the message types with a full definition, in declaration
// order. The slice is new on each call.
func Types() []TypeInfo {
	out := make([]TypeInfo, len(typeSources))
	for i := range typeSources {
		out[i] = typeSources[i].info()
	}
	return out
}

// Lookup returns the TypeInfo of a full type ("MT103", "MT202COV"), or ok
// false when the type has no full definition.
func Lookup(typ string) (TypeInfo, bool) {
	s := defs().byName[typ]
	if s == nil {
		return TypeInfo{}, false
	}
	return s.info(), true
}

// info describes the declared type without compiling its definition.
func (s *typeSource) info() TypeInfo {
	return TypeInfo{Type: s.typ, Base: s.typ[:5], Variant: s.variant, Description: s.desc, Family: s.family, Payment: s.payment, UETR: s.uetr,
		Sequences: s.sequences()}
}

// Payment returns the payment shape of the message's type (PayNone when it
// has no full definition or carries no payment), without allocating.
func (m *Message) Payment() PaymentShape {
	if m.def == nil {
		return PayNone
	}
	return m.def.src.payment
}

// ExpectedAt returns where a field with that tag ("57a" for any option,
// "33B" exact) would stand among fs (all of Message.Fields, or the fields
// of one Sequence occurrence) by the order of the message definition: at
// the tag of the first field of fs that the definition places after it, or
// just after the last field of fs when there is none (the end of block 4
// when fs is empty). Location.Field is tag, so a finding about a missing
// field names it and points at the place it was expected. On a type
// without a full definition it returns the end of fs.
func (m *Message) ExpectedAt(tag string, fs []Field) engine.Location {
	loc := m.endOfText()
	if len(fs) > 0 {
		last := &fs[len(fs)-1]
		loc = last.locAt(len(last.Value))
	}
	loc.Field = tag
	d := m.def
	if d == nil || len(tag) < 2 || !isDigit(tag[0]) || !isDigit(tag[1]) {
		return loc
	}
	num := int(tag[0]-'0')*10 + int(tag[1]-'0')
	var mask uint32 = ^uint32(0) // "NNa": any option
	if len(tag) == 2 {
		mask = 1
	} else if isUpper(tag[2]) {
		mask = 1 << (tag[2] - 'A' + 1)
	}
	// The group the fields belong to (the sequence occurrence's), so that
	// a tag that occurs in several sequences (36 in MT 102 A and B) takes
	// the slot of the right one.
	group := -2
	for i := range fs {
		if s := int(fs[i].slot) - 1; s >= 0 {
			group = d.slots[s].group
			if group >= 0 {
				break
			}
		}
	}
	k := -1
	for j := range d.slots {
		s := &d.slots[j]
		if s.key != num || s.optMask&mask == 0 {
			continue
		}
		if k < 0 || s.group == group {
			k = j
		}
		if s.group == group {
			break
		}
	}
	if k < 0 {
		return loc
	}
	for i := range fs {
		if s := int(fs[i].slot) - 1; s > k {
			return engine.Location{Block: 4, Field: tag, Line: fs[i].Line, Column: fs[i].Column}
		}
	}
	return loc
}
