package mt

import (
	"strings"
	"testing"
)

// Test messages of the category 1, 2 and 9 types added for SR2026, written
// from the standard (the field lists and rules cited in defs.go and in each
// rule's Source): a valid base message per type, and per rule a variant
// that breaks it. Each location is where the standard puts the field: a
// missing field is expected before the field named by tag (or "<TAG", the
// end of the field before it; "END", the end of block 4).

// seqs joins field lists into one list of block 4 lines.
func seqs(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// with returns fs with the fields of add appended (no reordering).
func with(fs []string, add ...string) []string {
	return append(append([]string(nil), fs...), add...)
}

// without returns fs without the fields with that tag.
func without(fs []string, tag string) []string {
	var out []string
	for _, f := range fs {
		if !strings.HasPrefix(f, ":"+tag+":") {
			out = append(out, f)
		}
	}
	return out
}

// replace returns fs with the field of that tag replaced by f.
func replace(fs []string, f string) []string {
	tag := f[:strings.Index(f[1:], ":")+2]
	out := append([]string(nil), fs...)
	for i, x := range out {
		if strings.HasPrefix(x, tag) {
			out[i] = f
		}
	}
	return out
}

var (
	a102  = []string{":20:REF102", ":23:CREDIT", ":50K:/123456\nORDERING CO", ":71A:SHA"}
	b102a = []string{":21:TX1", ":32B:EUR100,00", ":59:/DE89370400440532013000\nJANE DOE"}
	b102b = []string{":21:TX2", ":32B:EUR50,00", ":59:/FR1420041010050500013M02606\nJOHN ROE"}
	c102  = []string{":32A:250102EUR150,00", ":19:150,00"}
)

func mt102(user string, a, b1, b2, c []string) string {
	return fin("102", ltBE, ltUS, user, seqs(a, b1, b2, c)...)
}

func TestMT102Rules(t *testing.T) {
	ok := mt102("", a102, b102a, b102b, c102)
	aNo50 := without(a102, "50K")
	aOUR := replace(a102, ":71A:OUR")
	aBEN := replace(a102, ":71A:BEN")
	stp := "{3:{119:STP}}"
	runCases(t, []ruleCase{
		{name: "valid", in: ok, code: "C01"},
		{name: "C01 19 not the sum", in: mt102("", a102, b102a, b102b, replace(c102, ":19:140,00")), code: "C01", tag: "19", bad: true},
		{name: "C02 ok", in: ok, code: "C02"},
		{name: "C02 32B currency", in: mt102("", a102, b102a, replace(b102b, ":32B:USD50,00"), c102), code: "C02", tag: "32B", nth: 2, bad: true},
		{name: "D17 ok in B", in: mt102("", aNo50, with(b102a[:2], ":50K:JOHN", b102a[2]), with(b102b[:2], ":50K:JANE", b102b[2]), c102), code: "D17"},
		{name: "D17 in both", in: mt102("", a102, with(b102a[:2], ":50K:JOHN", b102a[2]), b102b, c102), code: "D17", tag: "50K", nth: 2, bad: true},
		{name: "D17 in neither", in: mt102("", aNo50, b102a, b102b, c102), code: "D17", tag: "59", want: "50a", bad: true},
		{name: "D20 in both", in: mt102("", a102, with(b102a, ":71A:SHA"), b102b, c102), code: "D20", tag: "71A", nth: 2, bad: true},
		{name: "D20 in neither", in: mt102("", without(a102, "71A"), b102a, b102b, c102), code: "D20", tag: "<21", nth: 2, want: "71A", bad: true},
		{name: "D18 26T in both", in: mt102("", with(a102[:3], ":26T:K90", a102[3]), with(b102a, ":26T:K90"), b102b, c102), code: "D18", tag: "26T", nth: 2, bad: true},
		{name: "D22 ok", in: mt102("", a102, with(b102a, ":33B:USD110,00", ":36:0,9"), b102b, c102), code: "D22"},
		{name: "D22 missing 36", in: mt102("", a102, with(b102a, ":33B:USD110,00"), b102b, c102), code: "D22", tag: "<21", nth: 2, want: "36", bad: true},
		{name: "D22 36 not allowed", in: mt102("", a102, with(b102a, ":36:0,9"), b102b, c102), code: "D22", tag: "36", bad: true},
		{name: "D93 ok CHQB", in: mt102("", replace(a102, ":23:CHQB"), replace(b102a, ":59:JANE DOE"), replace(b102b, ":59:JOHN ROE"), c102), code: "D93"},
		{name: "D93 CHQB with account", in: mt102("", replace(a102, ":23:CHQB"), b102a, replace(b102b, ":59:JOHN ROE"), c102), code: "D93", tag: "59", bad: true},
		{name: "D93 no account", in: mt102("", a102, b102a, replace(b102b, ":59:JOHN ROE"), c102), code: "D93", tag: "59", nth: 2, bad: true},
		{name: "D49 ok", in: fin("102", ltBE, ltDE, "", seqs(a102, with(b102a, ":33B:EUR100,00"), with(b102b, ":33B:EUR50,00"), c102)...), code: "D49"},
		{name: "D49 missing 33B", in: fin("102", ltBE, ltDE, "", seqs(a102, b102a, with(b102b, ":33B:EUR50,00"), c102)...), code: "D49", tag: "<21", nth: 2, want: "33B", bad: true},
		{name: "E13 ok", in: mt102("", aOUR, with(b102a, ":33B:EUR100,00", ":71G:EUR1,00"), b102b, with(c102, ":71G:EUR1,00")), code: "E13"},
		{name: "E13 71F with OUR", in: mt102("", aOUR, with(b102a, ":33B:EUR100,00", ":71F:EUR1,00"), b102b, c102), code: "E13", tag: "71F", bad: true},
		{name: "D50 71G with SHA", in: mt102("", a102, with(b102a, ":33B:EUR100,00", ":71G:EUR1,00"), b102b, with(c102, ":71G:EUR1,00")), code: "D50", tag: "71G", bad: true},
		{name: "E15 ok", in: mt102("", aBEN, with(b102a, ":33B:EUR100,00", ":71F:EUR1,00"), with(b102b, ":33B:EUR50,00", ":71F:EUR1,00"), c102), code: "E15"},
		{name: "E15 no 71F", in: mt102("", aBEN, with(b102a, ":33B:EUR100,00", ":71F:EUR1,00"), b102b, c102), code: "E15", tag: "<32A", want: "71F", bad: true},
		{name: "D51 ok", in: mt102("", aOUR, with(b102a, ":33B:EUR100,00", ":71G:EUR1,00"), b102b, with(c102, ":71G:EUR1,00")), code: "D51"},
		{name: "D51 71G without 33B", in: mt102("", aOUR, with(b102a, ":71G:EUR1,00"), b102b, with(c102, ":71G:EUR1,00")), code: "D51", tag: "71G", want: "33B", bad: true},
		{name: "D79 ok", in: mt102("", aOUR, with(b102a, ":33B:EUR100,00", ":71G:EUR1,00"), b102b, with(c102, ":71G:EUR1,00")), code: "D79"},
		{name: "D79 71G missing in C", in: mt102("", aOUR, with(b102a, ":33B:EUR100,00", ":71G:EUR1,00"), b102b, c102), code: "D79", tag: "END", want: "71G", bad: true},
		{name: "D19 ok IBAN", in: fin("102", ltBE, ltDE, stp, seqs(a102, with(b102a, ":33B:EUR100,00"), with(b102b, ":33B:EUR50,00"), c102)...), code: "D19"},
		{name: "D19 not an IBAN", in: fin("102", ltBE, ltDE, stp, seqs(a102, with(replace(b102a, ":59:/123456\nJANE DOE"), ":33B:EUR100,00"), with(b102b, ":33B:EUR50,00"), c102)...), code: "D19", tag: "59", bad: true},
	})
}

var (
	a104 = []string{":20:REF104", ":23E:AUTH", ":30:250102", ":50K:/123456\nCREDITOR CO"}
	b104 = []string{":21:TX1", ":32B:EUR100,00", ":59:/DE89370400440532013000\nDEBTOR ONE"}
	d104 = []string{":21:TX2", ":32B:EUR50,00", ":59:/FR1420041010050500013M02606\nDEBTOR TWO"}
	c104 = []string{":32B:EUR150,00"}
)

func mt104(a, b1, b2, c []string) string {
	return fin("104", ltBE, ltUS, "", seqs(a, b1, b2, c)...)
}

func mt107(a, b1, b2, c []string) string {
	return fin("107", ltBE, ltUS, "", seqs(a, b1, b2, c)...)
}

func TestMT104Rules(t *testing.T) {
	ok := mt104(a104, b104, d104, c104)
	aNo23 := without(a104, "23E")
	b23 := func(b []string) []string { return with(b[:1], append([]string{":23E:AUTH"}, b[1:]...)...) }
	aRTND := replace(a104, ":23E:RTND")
	runCases(t, []ruleCase{
		{name: "valid", in: ok, code: "C75"},
		{name: "C75 ok no 23E in A", in: mt104(aNo23, b23(b104), b23(d104), c104), code: "C75"},
		{name: "C75 23E in B not allowed", in: mt104(a104, b23(b104), d104, c104), code: "C75", tag: "23E", nth: 2, bad: true},
		{name: "C75 23E missing in B", in: mt104(aNo23, b23(b104), d104, c104), code: "C75", tag: "32B", nth: 2, want: "23E", bad: true},
		{name: "C76 in both", in: mt104(a104, with(b104[:2], ":50K:CREDITOR", b104[2]), d104, c104), code: "C76", tag: "50K", nth: 2, bad: true},
		{name: "C76 in neither", in: mt104(without(a104, "50K"), b104, d104, c104), code: "C76", tag: "59", want: "50a", bad: true},
		{name: "D73 ok", in: mt104(a104, with(b104, ":26T:K90"), d104, c104), code: "D73"},
		{name: "D73 26T in both", in: mt104(with(a104, ":26T:K90"), with(b104, ":26T:K90"), d104, c104), code: "D73", tag: "26T", nth: 2, bad: true},
		{name: "D77 ok", in: mt104(a104[:1], with(b104[:1], ":21E:REG1", b104[1], ":50K:CREDITOR", b104[2]), with(d104[:2], ":50K:CREDITOR", d104[2]), c104), code: "D77"},
		{name: "D77 21E without creditor", in: mt104(a104, with(b104[:1], ":21E:REG1", b104[1], b104[2]), d104, c104), code: "D77", tag: "59", want: "50a", bad: true},
		{name: "C82 ok", in: mt104(with(aRTND, ":72:/RETN/AC01"), b104, d104, c104), code: "C82"},
		{name: "C82 72 missing", in: mt104(aRTND, b104, d104, c104), code: "C82", tag: "<21", want: "72", bad: true},
		{name: "C82 72 not allowed", in: mt104(with(a104, ":72:/RETN/AC01"), b104, d104, c104), code: "C82", tag: "72", bad: true},
		{name: "D79 ok", in: mt104(a104, with(b104, ":71F:EUR1,00"), d104, with(c104, ":71F:EUR1,00")), code: "D79"},
		{name: "D79 71F missing in C", in: mt104(a104, with(b104, ":71F:EUR1,00"), d104, c104), code: "D79", tag: "END", want: "71F", bad: true},
		{name: "D79 71G only in C", in: mt104(a104, b104, d104, with(c104, ":71G:EUR1,00")), code: "D79", tag: "71G", bad: true},
		{name: "D21 ok", in: mt104(a104, with(b104, ":33B:EUR101,00"), d104, c104), code: "D21"},
		{name: "D21 33B equal to 32B", in: mt104(a104, with(b104, ":33B:EUR100,00"), d104, c104), code: "D21", tag: "33B", bad: true},
		{name: "D75 ok", in: mt104(a104, with(b104, ":33B:USD110,00", ":36:0,9"), d104, c104), code: "D75"},
		{name: "D75 missing 36", in: mt104(a104, with(b104, ":33B:USD110,00"), d104, c104), code: "D75", tag: "<21", nth: 2, want: "36", bad: true},
		{name: "D75 36 without 33B", in: mt104(a104, with(b104, ":36:0,9"), d104, c104), code: "D75", tag: "36", bad: true},
		{name: "D80 ok with 19", in: mt104(a104, b104, d104, []string{":32B:EUR151,00", ":19:150,00"}), code: "D80"},
		{name: "D80 19 missing", in: mt104(a104, b104, d104, []string{":32B:EUR151,00"}), code: "D80", tag: "END", want: "19", bad: true},
		{name: "D80 19 not allowed", in: mt104(a104, b104, d104, []string{":32B:EUR150,00", ":19:150,00"}), code: "D80", tag: "19", bad: true},
		{name: "C01 ok", in: mt104(a104, b104, d104, []string{":32B:EUR151,00", ":19:150,00"}), code: "C01"},
		{name: "C01 19 not the sum", in: mt104(a104, b104, d104, []string{":32B:EUR151,00", ":19:140,00"}), code: "C01", tag: "19", bad: true},
		{name: "C02 ok", in: ok, code: "C02"},
		{name: "C02 32B currency", in: mt104(a104, b104, replace(d104, ":32B:USD50,00"), c104), code: "C02", tag: "32B", nth: 2, bad: true},
		{name: "C96 ok RFDD", in: fin("104", ltBE, ltUS, "{3:{119:RFDD}}", seqs(with(replace(a104, ":23E:RFDD"), ":21R:CUSTREF"), b23(b104), b23(d104))...), code: "C96"},
		{name: "C96 RFDD with sequence C", in: mt104(replace(a104, ":23E:RFDD"), b23(b104), b23(d104), c104), code: "C96", tag: "32B", nth: 3, bad: true},
		{name: "C96 21R without RFDD", in: mt104(with(a104[:1], ":21R:CUSTREF", a104[1], a104[2], a104[3]), b104, d104, c104), code: "C96", tag: "21R", bad: true},
		{name: "C96 sequence C missing", in: mt104(a104, b104, d104, nil), code: "C96", tag: "END", want: "32B", bad: true},
		{name: "D81 ok", in: mt104(replace(a104, ":23E:OTHR/SPECIAL"), b104, d104, c104), code: "D81"},
		{name: "D81 info after AUTH", in: mt104(replace(a104, ":23E:AUTH/SPECIAL"), b104, d104, c104), code: "D81", tag: "23E", bad: true},
		{name: "D82 ok", in: mt104(with(aRTND, ":72:/REJT/AC01"), b104, d104, c104), code: "D82"},
		{name: "D82 wrong code", in: mt104(with(aRTND, ":72:/BNF/AC01"), b104, d104, c104), code: "D82", tag: "72", bad: true},
		{name: "MT107 valid", in: mt107(a104, b104, d104, c104), code: "D86"},
		{name: "D86 23E in both", in: mt107(a104, b23(b104), d104, c104), code: "D86", tag: "23E", nth: 2, bad: true},
		{name: "D86 23E in neither", in: mt107(aNo23, b104, d104, c104), code: "D86", tag: "32B", want: "23E", bad: true},
		{name: "D86 creditor in neither", in: mt107(without(a104, "50K"), b104, d104, c104), code: "D86", tag: "59", nth: 2, want: "50a", bad: true},
	})
}

func TestMT1xxOtherRules(t *testing.T) {
	b1 := []string{":21:CHQ1", ":30:250102", ":32B:EUR100,00", ":59:JOHN ROE"}
	b2 := []string{":21:CHQ2", ":30:250102", ":32A:250103EUR50,00", ":59:JANE ROE"}
	runCases(t, []ruleCase{
		{name: "MT110 valid", in: fin("110", ltBE, ltUS, "", seqs([]string{":20:REF110"}, b1, b2)...), code: "C02"},
		{name: "MT110 C02 currency", in: fin("110", ltBE, ltUS, "", seqs([]string{":20:REF110"}, b1, replace(b2, ":32A:250103USD50,00"))...), code: "C02", tag: "32A", bad: true},
	})
}

func TestMT101MoreRules(t *testing.T) {
	zero := replace(tx, ":32B:EUR0,")
	runCases(t, []ruleCase{
		{name: "E54 ok zero with EQUI and 33B", in: mt101(with(zero[:1], ":23E:EQUI", zero[1], zero[2], ":33B:USD100,00", zero[3])...), code: "E54"},
		{name: "E54 zero with EQUI without 33B", in: mt101(with(zero[:1], ":23E:EQUI", zero[1], zero[2], zero[3])...), code: "E54", tag: "71A", want: "33B", bad: true},
		{name: "E54 zero without EQUI with 33B", in: mt101(with(zero[:3], ":33B:USD100,00", zero[3])...), code: "E54", tag: "33B", bad: true},
		{name: "E54 zero without EQUI with 21F", in: mt101(with(zero[:1], ":21F:FX1", zero[1], zero[2], zero[3])...), code: "E54", tag: "21F", bad: true},
		{name: "D66 ok", in: mt101(with(tx[:1], ":23E:OTHR/SPECIAL", tx[1], tx[2], tx[3])...), code: "D66"},
		{name: "D66 info after CHQB", in: mt101(with(tx[:1], ":23E:CHQB/SPECIAL", tx[1], ":59:JANE DOE", tx[3])...), code: "D66", tag: "23E", bad: true},
		{name: "D67 ok", in: mt101(with(tx[:1], ":23E:CMSW", ":23E:INTC", tx[1], tx[2], tx[3])...), code: "D67"},
		{name: "D67 CHQB with CMSW", in: mt101(with(tx[:1], ":23E:CHQB", ":23E:CMSW", tx[1], ":59:JANE DOE", tx[3])...), code: "D67", tag: "23E", nth: 2, bad: true},
		{name: "E46 ok OTHR twice", in: mt101(with(tx[:1], ":23E:OTHR/A", ":23E:OTHR/B", tx[1], tx[2], tx[3])...), code: "E46"},
		{name: "E46 URGP twice", in: mt101(with(tx[:1], ":23E:URGP", ":23E:URGP", tx[1], tx[2], tx[3])...), code: "E46", tag: "23E", nth: 2, bad: true},
	})
}

func TestMT2xxBatchRules(t *testing.T) {
	b201 := []string{":20:T1", ":32B:EUR100,00", ":57A:BANKDEFF"}
	d201 := []string{":20:T2", ":32B:EUR50,00", ":57A:BANKFRPP"}
	h201 := []string{":19:150,00", ":30:250102"}
	b203 := []string{":20:T1", ":21:R1", ":32B:EUR100,00", ":58A:BANKDEFF"}
	d203 := []string{":20:T2", ":21:R2", ":32B:EUR50,00", ":58A:BANKFRPP"}
	a204 := []string{":20:REF204", ":19:150,00", ":30:250102"}
	b204 := []string{":20:T1", ":32B:EUR100,00", ":53A:BANKDEFF"}
	d204 := []string{":20:T2", ":32B:EUR50,00", ":53A:BANKFRPP"}
	h210 := []string{":20:REF210", ":30:250102"}
	b210 := []string{":21:R1", ":32B:EUR100,00", ":52A:BANKDEFF"}
	d210 := []string{":21:R2", ":32B:EUR50,00", ":50:JOHN ROE"}
	runCases(t, []ruleCase{
		{name: "MT201 valid", in: fin("201", ltBE, ltUS, "", seqs(h201, b201, d201)...), code: "C01"},
		{name: "MT201 C01 19 not the sum", in: fin("201", ltBE, ltUS, "", seqs(replace(h201, ":19:140,00"), b201, d201)...), code: "C01", tag: "19", bad: true},
		{name: "MT201 C02 currency", in: fin("201", ltBE, ltUS, "", seqs(h201, b201, replace(d201, ":32B:USD50,00"))...), code: "C02", tag: "32B", nth: 2, bad: true},
		{name: "MT203 valid", in: fin("203", ltBE, ltUS, "", seqs(h201, b203, d203)...), code: "C81"},
		{name: "MT203 C81 56a without 57a", in: fin("203", ltBE, ltUS, "", seqs(h201, with(b203[:3], ":56A:BANKGB2L", b203[3]), d203)...), code: "C81", tag: "58A", want: "57a", bad: true},
		{name: "MT203 C01 19 not the sum", in: fin("203", ltBE, ltUS, "", seqs(replace(h201, ":19:151,00"), b203, d203)...), code: "C01", tag: "19", bad: true},
		{name: "MT204 valid", in: fin("204", ltBE, ltUS, "", seqs(a204, b204, d204)...), code: "C01"},
		{name: "MT204 C01 19 not the sum", in: fin("204", ltBE, ltUS, "", seqs(replace(a204, ":19:15,00"), b204, d204)...), code: "C01", tag: "19", bad: true},
		{name: "MT204 C02 currency", in: fin("204", ltBE, ltUS, "", seqs(a204, replace(b204, ":32B:GBP100,00"), d204)...), code: "C02", tag: "32B", nth: 2, bad: true},
		{name: "MT210 valid", in: fin("210", ltBE, ltUS, "", seqs(h210, b210, d210)...), code: "C06"},
		{name: "MT210 C06 both", in: fin("210", ltBE, ltUS, "", seqs(h210, with(b210[:2], ":50:JOHN ROE", b210[2]), d210)...), code: "C06", tag: "52A", bad: true},
		{name: "MT210 C06 neither", in: fin("210", ltBE, ltUS, "", seqs(h210, b210[:2], d210)...), code: "C06", tag: "<21", nth: 2, want: "50a", bad: true},
		{name: "MT210 C02 ok", in: fin("210", ltBE, ltUS, "", seqs(h210, b210, d210)...), code: "C02"},
		{name: "MT210 C02 currency", in: fin("210", ltBE, ltUS, "", seqs(h210, b210, replace(d210, ":32B:USD50,00"))...), code: "C02", tag: "32B", nth: 2, bad: true},
	})
}

func TestMT9xxRequestRules(t *testing.T) {
	b920 := []string{":12:942", ":25:123456", ":34F:EURD1000,", ":34F:EURC2000,"}
	b935 := []string{":25:123456", ":30:250102", ":37H:C2,5"}
	runCases(t, []ruleCase{
		{name: "MT920 valid", in: fin("920", ltBE, ltUS, "", with([]string{":20:REQ1"}, b920...)...), code: "C22"},
		{name: "MT920 C22 34F missing", in: fin("920", ltBE, ltUS, "", ":20:REQ1", ":12:942", ":25:123456"), code: "C22", tag: "END", want: "34F", bad: true},
		{name: "MT920 C23 ok single", in: fin("920", ltBE, ltUS, "", ":20:REQ1", ":12:942", ":25:123456", ":34F:EUR1000,"), code: "C23"},
		{name: "MT920 C23 single with mark", in: fin("920", ltBE, ltUS, "", ":20:REQ1", ":12:942", ":25:123456", ":34F:EURD1000,"), code: "C23", tag: "34F", bad: true},
		{name: "MT920 C40 ok", in: fin("920", ltBE, ltUS, "", with([]string{":20:REQ1"}, b920...)...), code: "C40"},
		{name: "MT920 C40 currencies differ", in: fin("920", ltBE, ltUS, "", ":20:REQ1", ":12:942", ":25:123456", ":34F:EURD1000,", ":34F:USDC2000,"), code: "C40", tag: "34F", nth: 2, bad: true},
		{name: "MT935 valid", in: fin("935", ltBE, ltUS, "", with([]string{":20:RATES1"}, b935...)...), code: "C83"},
		{name: "MT935 C83 both", in: fin("935", ltBE, ltUS, "", with([]string{":20:RATES1", ":23:EURBASE"}, b935...)...), code: "C83", tag: "25", bad: true},
		{name: "MT935 C83 neither", in: fin("935", ltBE, ltUS, "", with([]string{":20:RATES1"}, b935[1:]...)...), code: "C83", tag: "30", want: "23", bad: true},
		{name: "MT935 T14 ok", in: fin("935", ltBE, ltUS, "", with([]string{":20:RATES1"}, replace(b935, ":37H:CN0,5")...)...), code: "T14"},
		{name: "MT935 T14 N with zero", in: fin("935", ltBE, ltUS, "", with([]string{":20:RATES1"}, replace(b935, ":37H:CN0,")...)...), code: "T14", tag: "37H", bad: true},
		{name: "MT941 C27 ok", in: fin("941", ltBE, ltUS, "", ":20:BAL1", ":25:123456", ":28:1/1", ":60F:C250101EUR10,", ":62F:C250102EUR20,"), code: "C27"},
		{name: "MT941 C27 currency", in: fin("941", ltBE, ltUS, "", ":20:BAL1", ":25:123456", ":28:1/1", ":60F:C250101EUR10,", ":62F:C250102USD20,"), code: "C27", tag: "62F", bad: true},
	})
}
