package mt

import (
	"iter"
	"strings"

	"github.com/govalues/decimal"
	"github.com/swiftval/swiftval/engine"
)

// Message is a parsed SWIFT MT (FIN) message: the headers of blocks 1, 2, 3,
// 5 and S, the fields of block 4 in input order, and (for the message types
// with a full definition) the sequences those fields belong to.
//
// Every string in a Message is a substring of the input itself (no copy), so
// the input must not be modified while the Message is in use. A Message is
// read-only once Parse returns and is then safe for concurrent readers.
type Message struct {
	// Raw is the input the message was parsed from (shared with the caller's
	// bytes, not copied).
	Raw string
	// Type is the full message type: "MT103", "MT103STP", "MT103REMIT",
	// "MT202COV" ...; "MT" + block 2's three digits plus the variant named by
	// block 3 tag 119 where SWIFT defines one. Empty when block 2 is missing
	// or malformed.
	Type string
	// Base is Type without the variant: "MT103" for "MT103STP".
	Base string
	// Variant is the 119 validation flag that selected the type ("STP",
	// "REMIT", "COV"), or empty.
	Variant string
	// Full is true when the type has a full definition (presence, order,
	// options, sequences were checked); false when only the blocks and the
	// syntax of known fields were checked.
	Full bool

	// Basic is block 1. Basic.Present is false when block 1 is missing.
	Basic BasicHeader
	// App is block 2. App.Present is false when block 2 is missing.
	App AppHeader
	// User holds the tags of block 3 in input order (empty when absent).
	User []HeaderTag
	// Trailer holds the tags of block 5 in input order.
	Trailer []HeaderTag
	// System holds the tags of block S in input order.
	System []HeaderTag
	// Ack is set when the input is an ACK/NAK (service 21) envelope around
	// the message.
	Ack *Ack

	// TextLine and TextColumn locate the start of block 4 ("{4:").
	TextLine, TextColumn int
	// Fields are the fields of block 4 in input order.
	Fields []Field
	// Seqs are the sequences of the message in input order (empty for types
	// without sequences). See Sequences.
	Seqs []Sequence

	blocks   uint8      // bit i set when block i was seen (bit 6 for S)
	seqStore []Sequence // allocated storage of Seqs beyond seqBuf (reused by ParseInto)
	tagBuf   [8]HeaderTag
	seqBuf   [4]Sequence
	compBuf  []Component
	def      *typeDef // the definition of Type, or nil (set by resolveType)
	// tagFirst[n] is 1 + the index of the first field with tag number n, 0
	// when none; valid when indexed (set by the tokenizer). See Field.
	tagFirst [100]uint16
	indexed  bool
	fresh    bool           // reset already (by putMessage): ParseInto need not reset again
	em       engine.Message // the engine's view, returned by Format.Parse (see pool.go)
}

// BasicHeader is block 1: {1:F01BANKBEBBAXXX0000000000}.
type BasicHeader struct {
	// Present is false when the message has no block 1.
	Present bool
	// AppID is 'F' (FIN), 'A' (GPA) or 'L' (login).
	AppID byte
	// ServiceID is "01" (user message) or "21" (ACK/NAK).
	ServiceID string
	// LTAddress is the 12-character logical terminal address: BIC8, LT code,
	// branch ("BANKBEBBAXXX").
	LTAddress string
	// Session is the 4-digit session number.
	Session string
	// Sequence is the 6-digit sequence number (ISN/OSN).
	Sequence string
	// Line and Column locate "{1:".
	Line, Column int
}

// AppHeader is block 2, input (I) or output (O).
type AppHeader struct {
	// Present is false when the message has no block 2.
	Present bool
	// Input is true for an input header ('I'), false for output ('O').
	Input bool
	// MsgType is the three-digit message type ("103").
	MsgType string
	// Address is the receiver's LT address (input) or the sender's LT
	// address taken from the MIR (output), 12 characters.
	Address string
	// Priority is 'S', 'N', 'U' or 0 when absent.
	Priority byte
	// DeliveryMonitoring is '1', '2', '3' or 0 when absent (input only).
	DeliveryMonitoring byte
	// Obsolescence is the 3-digit obsolescence period or "" (input only).
	Obsolescence string
	// InputTime is HHMM (output only).
	InputTime string
	// MIR is the message input reference, 28 characters (output only).
	MIR string
	// OutputDate (YYMMDD) and OutputTime (HHMM), output only.
	OutputDate, OutputTime string
	// Line and Column locate "{2:".
	Line, Column int
}

// HeaderTag is one {tag:value} of blocks 3, 5 or S.
type HeaderTag struct {
	// Tag is the tag ("121", "CHK") and Value its content.
	Tag, Value string
	// Line and Column locate the tag's opening brace.
	Line, Column int
}

// Ack describes an ACK/NAK service message (service 21) found before the
// message proper.
type Ack struct {
	// Nak is true for a negative acknowledgement (451:1).
	Nak bool
	// Code is the NAK reason from tag 405 ("T28010": code plus optional
	// line number), empty for an ACK.
	Code string
	// Tags are the tags of the service message's block 4 ({177:...}{451:0}).
	Tags []HeaderTag
}

// Field is one field of block 4: ":32A:250101EUR100,".
type Field struct {
	// Tag is the full tag, number plus option letter: "32A", "59", "50K".
	Tag string
	// Value is the field content as written, lines separated as in the input
	// (CRLF or LF).
	Value string
	// Line and Column locate the colon opening the tag (1-based, within the
	// whole input).
	Line, Column int
	// ValueLine and ValueColumn locate the first character of Value.
	ValueLine, ValueColumn int
	// Offset is the byte offset of Value within Message.Raw.
	Offset int
	// Seq names the sequence the field belongs to ("A", "B", "61" ...) for
	// types with sequences; empty otherwise.
	Seq string
	// SeqIndex is the 1-based occurrence of a repetitive sequence; 0 outside
	// repetitive sequences.
	SeqIndex int
	// Components are the parsed components of the value (named per the field
	// specification: "Date", "Currency", "Amount", "BIC", "Account" ...).
	// Nil when the tag has no specification or the value does not match it.
	Components []Component

	// tnum is 1 + the tag number and topt the option index (tagKey), set
	// by the tokenizer so the checks need not split the tag again; tnum 0
	// when unknown (a Field built by hand).
	tnum, topt uint8
	// slot is 1 + the index of the definition slot the structure check gave
	// the field, 0 when none (no definition, or a field no slot takes);
	// ExpectedAt reads it.
	slot int8
}

// key returns the tag number and option index of f (tagKey).
func (f *Field) key() (int, int) {
	if f.tnum != 0 {
		return int(f.tnum) - 1, int(f.topt)
	}
	return tagKey(f.Tag)
}

// Component is one named part of a field value.
type Component struct {
	// Name is the component's name from the field specification.
	Name string
	// Value is the component's text (a substring of the field value).
	Value string
	// Offset is the byte offset of Value within Field.Value.
	Offset int
}

// reset empties m for ParseInto, keeping the storage of its slices.
func (m *Message) reset() {
	fields, comps, seqs := m.Fields[:0], m.compBuf[:0], m.seqStore[:0]
	*m = Message{}
	m.Fields, m.compBuf, m.seqStore = fields, comps, seqs
}

// Number returns the two-digit tag number ("32" for "32A").
func (f *Field) Number() string {
	if len(f.Tag) < 2 {
		return f.Tag
	}
	return f.Tag[:2]
}

// Option returns the option letter ("A" for "32A"), or "" when none.
func (f *Field) Option() string {
	if len(f.Tag) < 3 {
		return ""
	}
	return f.Tag[2:]
}

// Get returns the value of the named component, or "" when absent.
func (f *Field) Get(name string) string {
	for i := range f.Components {
		if f.Components[i].Name == name {
			return f.Components[i].Value
		}
	}
	return ""
}

// Has reports whether the named component is present and non-empty.
func (f *Field) Has(name string) bool { return f.Get(name) != "" }

// Loc returns the location of the field's tag, for findings.
func (f *Field) Loc() engine.Location {
	return engine.Location{Block: 4, Field: f.Tag, Line: f.Line, Column: f.Column}
}

// LocOf returns the location of the named component (the field's value when
// the component is absent).
func (f *Field) LocOf(name string) engine.Location {
	for i := range f.Components {
		if f.Components[i].Name == name {
			return f.locAt(f.Components[i].Offset)
		}
	}
	return f.locAt(0)
}

// locAt locates the byte at offset off of Value.
func (f *Field) locAt(off int) engine.Location {
	line, col := f.ValueLine, f.ValueColumn
	if off > len(f.Value) {
		off = len(f.Value)
	}
	for i := 0; i < off; i++ {
		if f.Value[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return engine.Location{Block: 4, Field: f.Tag, Line: line, Column: col}
}

// Lines iterates over the lines of the value (without line terminators).
func (f *Field) Lines() iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		v := f.Value
		for i := 0; ; i++ {
			j := strings.IndexByte(v, '\n')
			line := v
			if j >= 0 {
				line = v[:j]
			}
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			if !yield(i, line) || j < 0 {
				return
			}
			v = v[j+1:]
		}
	}
}

// Amount returns the "Amount" component as an exact decimal (SWIFT writes
// "1234,56"; the comma is the decimal mark). ok is false when the field has
// no valid amount.
func (f *Field) Amount() (d decimal.Decimal, ok bool) { return ParseAmount(f.Get("Amount")) }

// Currency returns the "Currency" component (ISO 4217 code), or "".
func (f *Field) Currency() string { return f.Get("Currency") }

// Date returns the "Date" component (YYMMDD) as year, month and day, with
// SWIFT's century window (YY 00-79 → 20YY, 80-99 → 19YY). ok is false when
// absent or invalid.
func (f *Field) Date() (year, month, day int, ok bool) { return ParseDate(f.Get("Date")) }

// BIC returns the "BIC" component (8 or 11 characters), or "".
func (f *Field) BIC() string { return f.Get("BIC") }

// Account returns the "Account" component (without its leading slash), or "".
func (f *Field) Account() string { return f.Get("Account") }

// Code returns the "Code" component (code words such as 23B's "CRED"), or "".
func (f *Field) Code() string { return f.Get("Code") }

// ParseAmount parses a SWIFT decimal ("1234,56", "1000,") exactly. It needs
// at least one digit before the one mandatory comma and at most 15 digits.
func ParseAmount(s string) (decimal.Decimal, bool) {
	var coef int64
	scale, digits, comma := 0, 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits >= 18 {
				return decimal.Decimal{}, false
			}
			coef = coef*10 + int64(c-'0')
			digits++
			if comma {
				scale++
			}
		case c == ',' && !comma && i > 0:
			comma = true
		default:
			return decimal.Decimal{}, false
		}
	}
	if !comma {
		return decimal.Decimal{}, false
	}
	d, err := decimal.New(coef, scale)
	return d, err == nil
}

// ParseDate parses YYMMDD with a calendar check. Years 00-79 are 20YY and
// 80-99 are 19YY (SWIFT's window for YYMMDD; see reference/mt-facts.md, the
// exact window is unconfirmed).
func ParseDate(s string) (year, month, day int, ok bool) {
	if len(s) != 6 {
		return 0, 0, 0, false
	}
	for i := 0; i < 6; i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, 0, 0, false
		}
	}
	yy := int(s[0]-'0')*10 + int(s[1]-'0')
	month = int(s[2]-'0')*10 + int(s[3]-'0')
	day = int(s[4]-'0')*10 + int(s[5]-'0')
	year = 2000 + yy
	if yy >= 80 {
		year = 1900 + yy
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return 0, 0, 0, false
	}
	return year, month, day, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// Sequence is one occurrence of a sequence of a message type: a contiguous
// run of Message.Fields.
type Sequence struct {
	// Name is the sequence name ("A", "B", "61" for MT940 statement lines).
	Name string
	// Index is the 1-based occurrence among sequences of the same name.
	Index int
	// Fields are the fields of this occurrence (a sub-slice of
	// Message.Fields).
	Fields []Field
}

// Field returns the first field of the sequence with that tag, or nil. See
// Message.Field for the tag forms.
func (s *Sequence) Field(tag string) *Field { return first(s.Fields, tag) }

// All iterates over the fields of the sequence with that tag.
func (s *Sequence) All(tag string) iter.Seq[*Field] { return all(s.Fields, tag) }

// Count returns the number of fields of the sequence with that tag.
func (s *Sequence) Count(tag string) int { return count(s.Fields, tag) }

// Has reports whether the sequence holds a field with that tag.
func (s *Sequence) Has(tag string) bool { return first(s.Fields, tag) != nil }

// From returns the *Message behind an engine message, or nil when m is not
// an MT message.
func From(m *engine.Message) *Message {
	if m == nil {
		return nil
	}
	b, _ := m.Body.(*Message)
	return b
}

// Field returns the first field with that tag, or nil. tag is either exact
// ("32A", "59" for the no-letter option) or a number with a lowercase "a"
// meaning any option ("50a" matches 50A, 50F, 50K, and 59a matches 59, 59A,
// 59F).
//
// It starts from the first field with the tag's number (an index the
// tokenizer builds) rather than from the first field.
func (m *Message) Field(tag string) *Field {
	if i := m.Index(tag); i >= 0 {
		return &m.Fields[i]
	}
	return nil
}

// Index returns the index in Fields of the first field with that tag (same
// forms as Field), or -1.
func (m *Message) Index(tag string) int {
	fs := m.Fields
	if len(tag) < 2 || len(tag) > 3 || !isDigit(tag[0]) || !isDigit(tag[1]) {
		for k := range fs {
			if matchTag(fs[k].Tag, tag) {
				return k
			}
		}
		return -1
	}
	a, b := tag[0], tag[1]
	lo := 0
	if m.indexed {
		i := int(m.tagFirst[int(a-'0')*10+int(b-'0')])
		if i == 0 || i > len(fs) {
			return -1
		}
		lo = i - 1
	}
	// Tags are 2 or 3 bytes: compare bytes rather than call the runtime's
	// string comparison for every field.
	switch {
	case len(tag) == 2:
		for k := lo; k < len(fs); k++ {
			if t := fs[k].Tag; len(t) == 2 && t[0] == a && t[1] == b {
				return k
			}
		}
	case tag[2] == 'a':
		for k := lo; k < len(fs); k++ {
			if t := fs[k].Tag; len(t) >= 2 && t[0] == a && t[1] == b {
				return k
			}
		}
	default:
		c := tag[2]
		for k := lo; k < len(fs); k++ {
			if t := fs[k].Tag; len(t) == 3 && t[0] == a && t[1] == b && t[2] == c {
				return k
			}
		}
	}
	return -1
}

// All iterates over the fields with that tag (same forms as Field) in input
// order.
func (m *Message) All(tag string) iter.Seq[*Field] { return all(m.Fields, tag) }

// Count returns the number of fields with that tag.
func (m *Message) Count(tag string) int { return count(m.Fields, tag) }

// Has reports whether a field with that tag is present.
func (m *Message) Has(tag string) bool { return m.Field(tag) != nil }

// Sequences returns the occurrences of the named sequence in input order
// (nil when none): "B" for the transactions of MT101, "B" for the
// underlying customer credit transfer of MT202COV/MT205COV, "61" for the
// statement lines (61 with its 86) of MT940/MT942/MT950.
func (m *Message) Sequences(name string) []Sequence {
	lo := -1
	for i := range m.Seqs {
		if m.Seqs[i].Name == name {
			if lo < 0 {
				lo = i
			}
		} else if lo >= 0 {
			return m.Seqs[lo:i]
		}
	}
	if lo < 0 {
		return nil
	}
	return m.Seqs[lo:]
}

// UserTag returns the value of block 3 tag (e.g. "121", "108") and whether
// it is present.
func (m *Message) UserTag(tag string) (string, bool) {
	for i := range m.User {
		if m.User[i].Tag == tag {
			return m.User[i].Value, true
		}
	}
	return "", false
}

// UETR returns block 3 tag 121 (the unique end-to-end transaction
// reference), or "".
func (m *Message) UETR() string { v, _ := m.UserTag("121"); return v }

// SenderBIC returns the sender's BIC11 (BIC8 + branch) from the LT address:
// block 1 for input messages, the MIR in block 2 for output messages. ""
// when unknown.
func (m *Message) SenderBIC() string {
	if m.App.Present && !m.App.Input {
		return ltToBIC(m.App.Address)
	}
	if m.Basic.Present {
		return ltToBIC(m.Basic.LTAddress)
	}
	return ""
}

// ReceiverBIC returns the receiver's BIC11: block 2 for input messages,
// block 1 for output messages. "" when unknown.
func (m *Message) ReceiverBIC() string {
	if m.App.Present && m.App.Input {
		return ltToBIC(m.App.Address)
	}
	if m.App.Present && m.Basic.Present {
		return ltToBIC(m.Basic.LTAddress)
	}
	return ""
}

// ltToBIC turns a 12-character LT address (BIC8 + LT code + branch) into a
// BIC11 (BIC8 + branch); it allocates the result.
func ltToBIC(lt string) string {
	if len(lt) != 12 {
		return ""
	}
	return lt[:8] + lt[9:]
}

// matchTag reports whether field tag ft matches the pattern tag (exact, or
// "NNa" for any option).
func matchTag(ft, tag string) bool {
	if len(tag) == 3 && tag[2] == 'a' {
		return len(ft) >= 2 && ft[:2] == tag[:2]
	}
	return ft == tag
}

func first(fs []Field, tag string) *Field {
	for i := range fs {
		if matchTag(fs[i].Tag, tag) {
			return &fs[i]
		}
	}
	return nil
}

func count(fs []Field, tag string) int {
	n := 0
	for i := range fs {
		if matchTag(fs[i].Tag, tag) {
			n++
		}
	}
	return n
}

func all(fs []Field, tag string) iter.Seq[*Field] {
	return func(yield func(*Field) bool) {
		for i := range fs {
			if matchTag(fs[i].Tag, tag) && !yield(&fs[i]) {
				return
			}
		}
	}
}
