package mt

import (
	"github.com/govalues/decimal"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
)

// Helpers for the rules of the types with sequences (MT 102, 104, 107,
// 110, 201, 203, 204, 210, 920, 935). They read the sequences the parser
// built (mt.Message.Sequences): a field the definition did not place (a
// T13 of the parser) belongs to none and is not seen here.

// seqFields returns the fields of the first occurrence of the named
// sequence, or nil.
func seqFields(m *mt.Message, name string) []mt.Field {
	if s := m.Sequences(name); len(s) > 0 {
		return s[0].Fields
	}
	return nil
}

// headFields returns the fields before the first occurrence of sequence B:
// sequence A, or the common fields of a type whose repetitive block is the
// only sequence (MT 110, 201, 203, 210).
func headFields(m *mt.Message) []mt.Field {
	for i := range m.Fields {
		if m.Fields[i].Seq == "B" {
			return m.Fields[:i]
		}
	}
	return m.Fields
}

// findOpt returns the first field of fs with tag number num ("50") and an
// option letter in opts ("AK"), or nil.
func findOpt(fs []mt.Field, num, opts string) *mt.Field {
	for i := range fs {
		t := fs[i].Tag
		if len(t) == 3 && t[0] == num[0] && t[1] == num[1] && containsByte(opts, t[2]) {
			return &fs[i]
		}
	}
	return nil
}

// missing reports code about the absent field tag at the place it was
// expected among fs, with Location.Field set to tag.
func missing(f *engine.Findings, m *mt.Message, code, tag string, fs []mt.Field, msg string) {
	f.Error(code, m.ExpectedAt(tag, fs), msg)
}

// fieldAmount parses the Amount component of f (19, 32B, 33B, 71F ...).
func fieldAmount(f *mt.Field) (decimal.Decimal, bool) {
	if f == nil {
		return decimal.Decimal{}, false
	}
	if a, ok := f.Amount(); ok {
		return a, true
	}
	return amount(f)
}

// sumOf adds the amounts of the field tag in each occurrence; ok is false
// when one is unreadable (a format error the parser reports) or the sum
// overflows.
func sumOf(seqs []mt.Sequence, tag string) (decimal.Decimal, bool) {
	var sum decimal.Decimal
	for i := range seqs {
		x := find(seqs[i].Fields, tag)
		if x == nil {
			continue
		}
		a, ok := fieldAmount(x)
		if !ok {
			return decimal.Decimal{}, false
		}
		s, err := sum.Add(a)
		if err != nil {
			return decimal.Decimal{}, false
		}
		sum = s
	}
	return sum, true
}

// sameCurrency reports, with code, every field among fs whose currency
// differs from the first currency seen (ref, when not "", is that first
// currency).
func sameCurrency(f *engine.Findings, code, ref string, fs []*mt.Field, msg string) {
	for _, x := range fs {
		c := currency(x)
		if c == "" {
			continue
		}
		if ref == "" {
			ref = c
			continue
		}
		if c != ref {
			f.Error(code, x.LocOf("Currency"), msg+" (expected "+ref+", found "+c+")")
		}
	}
}

// allOf collects the fields with that tag from each occurrence and from
// extra field lists.
func allOf(tag string, seqs []mt.Sequence, extra ...[]mt.Field) []*mt.Field {
	var out []*mt.Field
	for i := range seqs {
		fs := seqs[i].Fields
		for j := range fs {
			if matchTag(fs[j].Tag, tag) {
				out = append(out, &fs[j])
			}
		}
	}
	for _, fs := range extra {
		for j := range fs {
			if matchTag(fs[j].Tag, tag) {
				out = append(out, &fs[j])
			}
		}
	}
	return out
}

// inAOrEachB checks the "in sequence A or in every occurrence of sequence
// B, never both, never neither" rules (MT 102 D17, D20; MT 104 C76; MT 107
// D86): has finds the field in a field list.
func inAOrEachB(f *engine.Findings, m *mt.Message, code, tag string, has func([]mt.Field) *mt.Field, what string) {
	inA := has(headFields(m)) != nil
	for _, b := range m.Sequences("B") {
		x := has(b.Fields)
		switch {
		case inA && x != nil:
			f.Error(code, x.Loc(), what+" is in sequence A, so it must not be in sequence B")
		case !inA && x == nil:
			missing(f, m, code, tag, b.Fields, what+" must be in sequence A or in every sequence B; this occurrence has none")
		}
	}
}

// notInBoth checks "when present in sequence A, the field must not be in
// any occurrence of sequence B" (MT 102 D18, MT 104/107 D73).
func notInBoth(f *engine.Findings, m *mt.Message, code string, has func([]mt.Field) *mt.Field, what string) {
	if has(headFields(m)) == nil {
		return
	}
	for _, b := range m.Sequences("B") {
		if x := has(b.Fields); x != nil {
			f.Error(code, x.Loc(), what+" is in sequence A, so it must not be in sequence B")
		}
	}
}

// tagIs returns a finder of the field tag (see find) for inAOrEachB and
// notInBoth.
func tagIs(tag string) func([]mt.Field) *mt.Field {
	return func(fs []mt.Field) *mt.Field { return find(fs, tag) }
}

// optIs returns a finder of field num with an option in opts.
func optIs(num, opts string) func([]mt.Field) *mt.Field {
	return func(fs []mt.Field) *mt.Field { return findOpt(fs, num, opts) }
}
