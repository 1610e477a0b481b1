package mt

import (
	"strings"

	"github.com/govalues/decimal"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/rules/common"
)

// checkFn is the body of a rule, given the parsed MT message and the
// engine's Message (for its Type).
type checkFn func(em *engine.Message, m *mt.Message, f *engine.Findings)

// mtRule is an engine.Rule that runs a check on MT messages only. It
// implements the interface directly (rather than through engine.NewRule's
// closure) to save an indirect call per rule and message.
type mtRule struct {
	info engine.RuleInfo
	fn   checkFn
}

// Info implements engine.Rule.
func (r *mtRule) Info() engine.RuleInfo { return r.info }

// Check implements engine.Rule.
func (r *mtRule) Check(em *engine.Message, f *engine.Findings) {
	if m, ok := em.Body.(*mt.Message); ok && m != nil {
		r.fn(em, m, f)
	}
}

// newRule builds an engine.Rule that runs fn on MT messages only. source is
// the short citation; the research behind it is the rule's section of
// docs/sources.md, which Notes points at.
func newRule(id, code string, types []string, source, desc string, fn checkFn) engine.Rule {
	return &mtRule{info: engine.RuleInfo{
		ID:          id,
		Code:        code,
		Severity:    engine.Error,
		AppliesTo:   types,
		Format:      "mt",
		Source:      source,
		Notes:       common.Notes(id),
		Description: desc,
	}, fn: fn}
}

// matchTag reports whether field tag ft matches pattern p: exact ("32A", "59"),
// or a number with a lower-case "a" for any option ("56a" matches 56A, 56C,
// 56D; "59a" matches 59, 59A, 59F).
func matchTag(ft, p string) bool {
	if len(p) == 3 && p[2] == 'a' {
		return len(ft) >= 2 && ft[0] == p[0] && ft[1] == p[1]
	}
	return ft == p
}

// find returns the first field of fs matching tag (see matchTag), or nil.
func find(fs []mt.Field, tag string) *mt.Field {
	if len(tag) == 3 && tag[2] == 'a' {
		a, b := tag[0], tag[1]
		for i := range fs {
			if t := fs[i].Tag; len(t) >= 2 && t[0] == a && t[1] == b {
				return &fs[i]
			}
		}
		return nil
	}
	// Tags are 2 or 3 bytes: compare bytes directly rather than calling the
	// runtime's string comparison for every field.
	switch len(tag) {
	case 2:
		a, b := tag[0], tag[1]
		for i := range fs {
			if t := fs[i].Tag; len(t) == 2 && t[0] == a && t[1] == b {
				return &fs[i]
			}
		}
	case 3:
		a, b, c := tag[0], tag[1], tag[2]
		for i := range fs {
			if t := fs[i].Tag; len(t) == 3 && t[0] == a && t[1] == b && t[2] == c {
				return &fs[i]
			}
		}
	default:
		for i := range fs {
			if fs[i].Tag == tag {
				return &fs[i]
			}
		}
	}
	return nil
}

// option returns the option letter of a field tag ("A" for "56A"), "" for
// none.
func option(f *mt.Field) string {
	if len(f.Tag) < 3 {
		return ""
	}
	return f.Tag[2:]
}

// firstLine returns the first line of v without its line end.
func firstLine(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] == '\n' {
			if i > 0 && v[i-1] == '\r' {
				return v[:i-1]
			}
			return v[:i]
		}
	}
	return v
}

// lastLine returns the last line of v and its 0-based line index.
func lastLine(v string) (string, int) {
	if strings.IndexByte(v, '\n') < 0 {
		// One line (a BIC alone, say): no count needed.
		if len(v) > 0 && v[len(v)-1] == '\r' {
			v = v[:len(v)-1]
		}
		return v, 0
	}
	n, start := 0, 0
	for i := 0; i < len(v); i++ {
		if v[i] == '\n' {
			n++
			start = i + 1
		}
	}
	l := v[start:]
	if len(l) > 0 && l[len(l)-1] == '\r' {
		l = l[:len(l)-1]
	}
	return l, n
}

// hasSlashLine reports whether the first line of a party field starts with
// '/' (a party identifier or an account: "[/1!a][/34x]", "/34x").
func hasSlashLine(v string) bool { return len(v) > 0 && v[0] == '/' }

// code4 returns the code word of a 4!c[/30x] field (23B, 23E) and its
// additional information after the slash ("" when none), and whether the
// slash was present.
func code4(v string) (code, info string, slash bool) {
	v = firstLine(v)
	if len(v) <= 4 {
		return v, "", false
	}
	if v[4] != '/' {
		return v, "", false
	}
	return v[:4], v[5:], true
}

// bankOp returns the code of field 23B, or "".
func bankOp(m *mt.Message) string {
	if b := m.Field("23B"); b != nil {
		c, _, _ := code4(b.Value)
		return c
	}
	return ""
}

// fields23E returns the run of 23E fields of an MT 103 (they follow 23B and
// precede the mandatory 32A), or nil. The search stops at 32A, so a 23E out
// of place (after 32A) is not seen here; the parser reports it as T13.
//
// It uses the message's tag index: the first 23E, unless a 32A comes
// before it.
func fields23E(m *mt.Message) []mt.Field {
	i := m.Index("23E")
	if i < 0 {
		return nil
	}
	if a := m.Index("32A"); a >= 0 && a < i {
		return nil
	}
	fs := m.Fields
	j := i + 1
	for j < len(fs) && fs[j].Tag == "23E" {
		j++
	}
	return fs[i:j]
}

func isUpper3(s string) bool {
	return len(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] >= 'A' && s[2] <= 'Z'
}

// ccyAmount returns the currency and amount text of a field with a
// currency-and-amount part, by the field's format:
//
//	32A           6!n3!a15d
//	32B 33B 71F 71G 32C 32D     3!a15d
//	60F 60M 62F 62M 64 65       1!a6!n3!a15d
//	34F           3!a[1!a]15d
//	90D 90C       5n3!a15d
//
// ok is false for other fields or when the value does not have that shape
// (the parser reports the format error).
func ccyAmount(f *mt.Field) (ccy, amt string, ok bool) {
	v := f.Value // single-line fields: no line split needed
	off := -1
	switch amountKind(f.Tag) {
	case amtAt6:
		off = 6
	case amtAt0:
		off = 0
	case amtAt7:
		off = 7
	case amt34F:
		if len(v) < 4 || !isUpper3(v[:3]) {
			return "", "", false
		}
		a := v[3:]
		if len(a) > 0 && (a[0] == 'D' || a[0] == 'C') {
			a = a[1:]
		}
		return v[:3], a, a != ""
	case amt90:
		i := 0
		for i < len(v) && i < 5 && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		if i == 0 {
			return "", "", false
		}
		off = i
	default:
		return "", "", false
	}
	if len(v) < off+4 || !isUpper3(v[off:off+3]) {
		return "", "", false
	}
	return v[off : off+3], v[off+3:], true
}

// Shapes of currency-and-amount fields, for ccyAmount.
const (
	amtNone = iota
	amtAt6  // 32A
	amtAt0  // 32B 33B 71F 71G 32C 32D
	amtAt7  // 60F 60M 62F 62M 64 65
	amt34F
	amt90 // 90C 90D
)

// amountKind classifies a tag for ccyAmount by its bytes (cheaper than a
// string switch on every field of a message).
func amountKind(t string) int {
	switch len(t) {
	case 2:
		if t[0] == '6' && (t[1] == '4' || t[1] == '5') {
			return amtAt7
		}
	case 3:
		a, b, c := t[0], t[1], t[2]
		switch a {
		case '3':
			switch {
			case b == '2' && c == 'A':
				return amtAt6
			case b == '2' && (c == 'B' || c == 'C' || c == 'D'), b == '3' && c == 'B':
				return amtAt0
			case b == '4' && c == 'F':
				return amt34F
			}
		case '6':
			if (b == '0' || b == '2') && (c == 'F' || c == 'M') {
				return amtAt7
			}
		case '7':
			if b == '1' && (c == 'F' || c == 'G') {
				return amtAt0
			}
		case '9':
			if b == '0' && (c == 'C' || c == 'D') {
				return amt90
			}
		}
	}
	return amtNone
}

// currency returns the currency of a currency-and-amount field, or "".
func currency(f *mt.Field) string {
	if f == nil {
		return ""
	}
	c, _, ok := ccyAmount(f)
	if !ok {
		return ""
	}
	return c
}

// amount parses the amount of a currency-and-amount field.
func amount(f *mt.Field) (decimal.Decimal, bool) {
	if f == nil {
		return decimal.Decimal{}, false
	}
	_, a, ok := ccyAmount(f)
	if !ok {
		return decimal.Decimal{}, false
	}
	return mt.ParseAmount(a)
}

// senderCountry and receiverCountry return the country code (characters 5–6)
// of the sender's and receiver's BIC from the headers: block 1 and block 2
// for an input message, the other way round for an output message. "" when
// unknown.
func senderCountry(m *mt.Message) string {
	if m.App.Present && !m.App.Input {
		return ltCountry(m.App.Address)
	}
	if m.Basic.Present {
		return ltCountry(m.Basic.LTAddress)
	}
	return ""
}

func receiverCountry(m *mt.Message) string {
	if !m.App.Present {
		return ""
	}
	if m.App.Input {
		return ltCountry(m.App.Address)
	}
	if m.Basic.Present {
		return ltCountry(m.Basic.LTAddress)
	}
	return ""
}

func ltCountry(lt string) string {
	if len(lt) < 6 {
		return ""
	}
	return lt[4:6]
}

// lineLoc locates line n (0-based) of a field's value, column 1 of it, or
// the value start for line 0.
func lineLoc(f *mt.Field, n int) engine.Location {
	if n == 0 {
		return engine.Location{Block: 4, Field: f.Tag, Line: f.ValueLine, Column: f.ValueColumn}
	}
	return engine.Location{Block: 4, Field: f.Tag, Line: f.ValueLine + n, Column: 1}
}

// nextSeq cuts the next occurrence of a repetitive sequence that starts at
// each field tagged start: it returns the occurrence (rest up to the next
// start field, exclusive) and what follows. fs must begin at a start field.
func nextSeq(fs []mt.Field, start string) (seq, rest []mt.Field) {
	if len(fs) == 0 {
		return nil, nil
	}
	for i := 1; i < len(fs); i++ {
		if fs[i].Tag == start {
			return fs[:i], fs[i:]
		}
	}
	return fs, nil
}

// splitAt returns the fields before the first field matching tag, and the
// fields from it on.
func splitAt(fs []mt.Field, tag string) (before, from []mt.Field) {
	for i := range fs {
		if matchTag(fs[i].Tag, tag) {
			return fs[:i], fs[i:]
		}
	}
	return fs, nil
}
