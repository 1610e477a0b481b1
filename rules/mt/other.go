package mt

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
)

func mt910Rules() []engine.Rule {
	return []engine.Rule{
		newRule("mt.MT910.C06", "C06", []string{"MT910"}, "SWIFT Standards MT, Category 9, MT 910, network validated rule C1",
			"Either 50a (ordering customer) or 52a (ordering institution) must be present", ruleC06),
	}
}

func statementRules() []engine.Rule {
	return []engine.Rule{
		newRule("mt.MT940.C24", "C24", []string{"MT940", "MT942"}, "SWIFT Standards MT, Category 9, network validated rules MT 940 C1 and MT 942 C3",
			"A field 86 within the statement lines must directly follow a field 61", ruleC24),
		newRule("mt.MT942.C23", "C23", []string{"MT942"}, "SWIFT Standards MT, Category 9, MT 942, network validated rule C2",
			"One 34F has no D/C mark; with two 34F the first is D and the second C", ruleC23),
		newRule("mt.MT940.C27", "C27", []string{"MT940", "MT941", "MT942", "MT950"}, "SWIFT Standards MT, Category 9, network validated rules MT 940 C2, MT 941 C1, MT 942 C1, MT 950 C1",
			"The first two letters of the currency must be the same in 60a, 62a, 64 and 65 (MT 942: 34F, 90D, 90C; MT 941: also 90D, 90C)", ruleC27),
		newRule("mt.MT940.61.C03", "C03", []string{"MT940", "MT942", "MT950"}, "SWIFT Standards MT SR2006, Category 9, MT 910, field 32A (C03); ISO 4217 (minor units)",
			"The amount of each 61 has no more decimals than the statement currency allows", rule61C03),
	}
}

func n9xRules() []engine.Rule {
	return []engine.Rule{
		newRule("mt.MTn92.C25", "C25", []string{"MT192", "MT292", "MT992"}, "SWIFT Standards MT, Category n, MT n92, network validated rule C1; https://iso20022.org/15022/uhb/mtn92-4-field-79.htm",
			"Field 79, a copy of the original message's mandatory fields, or both, must be present", ruleC25),
		newRule("mt.MTn96.C31", "C31", []string{"MT196", "MT296", "MT996", "MT195", "MT295", "MT995"}, "SWIFT Standards MT, Category n, MT n95 and MT n96, network validated rule C1",
			"Either field 79 or a copy of the original message's fields may be present, not both", ruleC31),
	}
}

func ruleC06(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	if m.Field("50a") != nil || m.Field("52a") != nil {
		return
	}
	f.Error("C06", m.ExpectedAt("50a", m.Fields), "either field 50a (ordering customer) or 52a (ordering institution) must be present")
}

func ruleC24(em *engine.Message, m *mt.Message, f *engine.Findings) {
	// The statement lines run from the first 61 to the closing balance 62a
	// (MT 940) or to the end of the 61/86 group before 90D/90C (MT 942). An
	// 86 after the closing balance is the message-level 86 and is free.
	seen61 := false
	for i := range m.Fields {
		t := m.Fields[i].Tag
		switch {
		case t == "61":
			seen61 = true
		case len(t) == 3 && t[:2] == "62", t == "90D", t == "90C":
			return
		case t == "86" && seen61 && m.Fields[i-1].Tag != "61" && !(i == len(m.Fields)-1 && em.Type == "MT942"):
			// (MT 942: the last field of the message may be an 86 of its
			// own, UHB MT 942 C3 [unconfirmed])
			f.Error("C24", m.Fields[i].Loc(), "field 86 within the statement lines must directly follow a field 61")
		}
	}
}

func ruleC27(em *engine.Message, m *mt.Message, f *engine.Findings) {
	var ref string
	for i := range m.Fields {
		x := &m.Fields[i]
		switch x.Tag {
		case "60F", "60M", "62F", "62M", "64", "65", "34F", "90D", "90C":
		default:
			continue
		}
		c := currency(x)
		if c == "" {
			continue
		}
		if ref == "" {
			ref = c
			continue
		}
		if c[0] != ref[0] || c[1] != ref[1] {
			f.Error("C27", x.Loc(), "the first two letters of the currency must be the same in all balance fields of the message")
		}
	}
}

func rule61C03(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	ccy := ""
	for i := range m.Fields {
		x := &m.Fields[i]
		switch x.Tag {
		case "60F", "60M", "34F":
			if ccy == "" {
				ccy = currency(x)
			}
		case "61":
			if ccy == "" {
				continue
			}
			if a := amount61(x.Value); a != "" && tooManyDecimals(a, ccy) {
				f.Error("C03", x.Loc(), "field 61: "+decimalsText(a, ccy, "the statement currency "))
			}
		}
	}
}

// amount61 returns the amount subfield of a field 61,
// 6!n[4!n]2a[1!a]15d1!a3!c..., i.e. the digits and comma after the value
// date, the optional entry date, the D/C mark (C, D, RC, RD, EC, ED) and the
// optional funds code; "" when the line does not have that shape.
func amount61(v string) string {
	v = firstLine(v)
	if len(v) < 8 {
		return ""
	}
	i := 6
	if len(v) >= 10 && isDigits(v[6:10]) {
		i = 10
	}
	// D/C mark: 1 or 2 letters, then an optional funds-code letter.
	j := i
	for j < len(v) && j < i+3 && v[j] >= 'A' && v[j] <= 'Z' {
		j++
	}
	if j == i {
		return ""
	}
	k := j
	for k < len(v) && (v[k] >= '0' && v[k] <= '9' || v[k] == ',') {
		k++
	}
	if k == j {
		return ""
	}
	return v[j:k]
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// copyOf reports whether fs holds a field outside the given tags (the copy of
// the original message's fields in an MT n92/n95/n96).
func copyOf(fs []mt.Field, own string) *mt.Field {
	for i := range fs {
		if !inList(own, fs[i].Tag) {
			return &fs[i]
		}
	}
	return nil
}

// inList reports whether tag is in list, tags separated by single spaces.
func inList(list, tag string) bool {
	for i := 0; i < len(list); {
		j := i
		for j < len(list) && list[j] != ' ' {
			j++
		}
		if list[i:j] == tag {
			return true
		}
		i = j + 1
	}
	return false
}

func ruleC25(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	if m.Field("79") != nil || copyOf(m.Fields, "20 21 11S") != nil {
		return
	}
	f.Error("C25", m.ExpectedAt("79", m.Fields), "field 79, a copy of the original message's mandatory fields, or both, must be present")
}

func ruleC31(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	x79 := m.Field("79")
	if x79 == nil {
		return
	}
	if c := copyOf(m.Fields, "20 21 75 76 77A 11R 11S 79"); c != nil {
		f.Error("C31", c.Loc(), "field 79 and a copy of the original message's fields must not both be present")
	}
}

func ruleC23(_ *engine.Message, m *mt.Message, f *engine.Findings) { check34F(f, "C23", m.Fields) }

// check34F applies the D/C mark rule of 34F to the fields fs (the message
// for MT 942, one request for MT 920): one 34F has no mark; with two the
// first is D and the second C.
func check34F(f *engine.Findings, code string, fs []mt.Field) {
	var first, second *mt.Field
	for i := range fs {
		if fs[i].Tag == "34F" {
			if first == nil {
				first = &fs[i]
			} else if second == nil {
				second = &fs[i]
			}
		}
	}
	if first == nil {
		return
	}
	if second == nil {
		if dcMark34F(first.Value) != 0 {
			f.Error(code, first.Loc(), "a single field 34F must not carry a D/C mark")
		}
		return
	}
	if dcMark34F(first.Value) != 'D' {
		f.Error(code, first.Loc(), "with two fields 34F, the first must carry the mark D")
	}
	if dcMark34F(second.Value) != 'C' {
		f.Error(code, second.Loc(), "with two fields 34F, the second must carry the mark C")
	}
}

// dcMark34F returns the D/C mark of a 34F value (3!a[1!a]15d), or 0.
func dcMark34F(v string) byte {
	if len(v) > 3 && (v[3] == 'D' || v[3] == 'C') {
		return v[3]
	}
	return 0
}
