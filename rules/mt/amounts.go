package mt

import (
	"strconv"
	"strings"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/rules/common"
)

// fieldRules are the field rules of every type the pack covers: every
// base type formats/mt declares (registry.go). The list of types is made
// when the pack is built, not at package initialisation, which would
// compile formats/mt's definitions in every swiftval command.
func fieldRules() []engine.Rule {
	tAll := declaredTypes()
	return []engine.Rule{
		newRule("mt.amount.C03", "C03", tAll, "SWIFT Standards MT SR2006, Category 9, MT 910, field 32A (C03); ISO 4217 (minor units)",
			"The number of decimals of an amount must not exceed the minor units of its currency (ISO 4217)", ruleC03),
		newRule("mt.amount.C08", "C08", paymentTypes(), "SWIFT Standards MT SR2015, MT 102 STP field 32A and MT 203 field 32B (C08: commodity codes)",
			"Commodity codes XAU, XAG, XPD and XPT are not allowed as the currency of a payment amount (32A, 32B)", ruleC08),
		newRule("mt.bic.country", "T27", tAll, "SWIFT Standards MT SR2017, Identifier Code, network validated rules (T27, T28, T29, T45); ISO 9362",
			"The country code of a BIC in a party field must be an ISO 3166-1 code (or XK)", ruleBICCountry),
		newRule("mt.bic.branch", "T29", tAll, "SWIFT Standards MT SR2017, Identifier Code, network validated rules (T29); ISO 9362 (branch codes)",
			"The branch code of a BIC must not start with X unless it is XXX", ruleBICBranch),
	}
}

// tooManyDecimals reports whether amount a (MT "123,45") has more decimals
// than ccy's minor units. Unknown currencies and codes without minor units
// report false (T52 is the parser's).
func tooManyDecimals(a, ccy string) bool {
	// SplitAmount counts at most the bytes after the first comma as
	// fraction digits (and fails without a comma): when there are no more
	// than the minor units n of them the answer is false without reading
	// the digits, and with none ("100,") without looking up n (n >= 0).
	k := strings.IndexByte(a, ',')
	if k < 0 || k == len(a)-1 {
		return false
	}
	n, ok := common.MinorUnits(ccy)
	if !ok || len(a)-k-1 <= n {
		return false
	}
	_, frac, p := common.SplitAmount(a, ',', true)
	return p == common.AmountOK && frac > n
}

// decimalsText explains a C03 finding: the amount, its number of decimals
// and what the currency (named by what: "", or "the statement currency ")
// allows. Built only when the rule fails.
func decimalsText(a, ccy, what string) string {
	n, _ := common.MinorUnits(ccy)
	frac := len(a) - strings.IndexByte(a, ',') - 1
	dec := " decimals"
	if frac == 1 {
		dec = " decimal"
	}
	return "amount " + engine.Echo(a) + " has " + strconv.Itoa(frac) + dec + ", but " + what + engine.Echo(ccy) + " allows at most " + strconv.Itoa(n) + " (ISO 4217 minor units)"
}

func ruleC03(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for i := range m.Fields {
		x := &m.Fields[i]
		if t := x.Tag; len(t) < 2 || (t[0] != '3' && t[0] != '6' && t[0] != '7' && t[0] != '9' && !(t[0] == '1' && t[1] == '9' && len(t) == 2)) {
			continue // inlined pre-check: amountKind knows no other tags but 19
		}
		c, a, ok := ccyAmount(x)
		if !ok && x.Tag == "19" {
			// 19 (sum of amounts) has no currency of its own: it takes the
			// currency of the amounts it sums (UHB SR2015 MT 203 19,
			// us2m/ajf001.htm; MT 102 19, us1m/ahf024.htm).
			c, a, ok = sumCurrency(m), x.Value, true
		}
		if ok && tooManyDecimals(a, c) {
			f.Error("C03", x.Loc(), decimalsText(a, c, ""))
		}
	}
}

// sumCurrency is the currency of the amounts field 19 sums: the first 32B,
// or 32A, of the message.
func sumCurrency(m *mt.Message) string {
	if x := m.Field("32B"); x != nil {
		return currency(x)
	}
	return currency(m.Field("32A"))
}

func ruleC08(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	// Start at the first field numbered 32 (the message's tag index): no
	// 32A or 32B comes before it.
	lo := m.Index("32a")
	if lo < 0 {
		return
	}
	for i := lo; i < len(m.Fields); i++ {
		x := &m.Fields[i]
		if t := x.Tag; len(t) != 3 || t[0] != '3' || t[1] != '2' || (t[2] != 'A' && t[2] != 'B') {
			continue
		}
		if c := currency(x); common.IsCommodity(c) {
			f.Error("C08", x.Loc(), "currency "+engine.Echo(c)+" is a commodity code: XAU, XAG, XPD and XPT are not allowed as a payment currency")
		}
	}
}

// bicOf returns the BIC of a party field with option A (the last line of
// "[/1!a][/34x]CrLf4!a2!a2!c[3!c]", also 50A, 59A) or 25P (35x CrLf BIC), and
// its 0-based line; ok is false for other fields.
func bicOf(x *mt.Field) (bic string, line int, ok bool) {
	// Party fields 50A–59A and 81A–88A, and 25P.
	t := x.Tag
	if len(t) != 3 {
		return "", 0, false
	}
	switch {
	case t[2] == 'A' && (t[0] == '5' || t[0] == '8' && t[1] >= '1' && t[1] <= '8'):
	case t == "25P":
	default:
		return "", 0, false
	}
	if n := len(x.Components); n > 0 {
		// The parser matched the field: the BIC component, last in each of
		// these formats, is its last line, found without a scan.
		if c := &x.Components[n-1]; c.Name == "BIC" && c.Offset+len(c.Value) == len(x.Value) && (c.Offset == 0 || x.Value[c.Offset-1] == '\n') {
			if c.Offset > 0 {
				line = strings.Count(x.Value[:c.Offset], "\n")
			}
			return c.Value, line, true
		}
	}
	bic, line = lastLine(x.Value)
	return bic, line, true
}

func ruleBICCountry(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for i := range m.Fields {
		x := &m.Fields[i]
		if t := x.Tag; len(t) != 3 || !(t[2] == 'A' && (t[0] == '5' || t[0] == '8') || t[2] == 'P' && t[0] == '2') {
			continue // cheap pre-check of bicOf's tags (5xA, 8xA, 25P), inlined
		}
		if bic, line, ok := bicOf(x); ok && common.CheckBIC(bic) == common.BICCountryUnknown {
			f.Error("T27", lineLoc(x, line), "the country code of this BIC is not an ISO 3166-1 country: "+engine.Echo(bic))
		}
	}
}

func ruleBICBranch(_ *engine.Message, m *mt.Message, f *engine.Findings) {
	for i := range m.Fields {
		x := &m.Fields[i]
		if t := x.Tag; len(t) != 3 || !(t[2] == 'A' && (t[0] == '5' || t[0] == '8') || t[2] == 'P' && t[0] == '2') {
			continue // cheap pre-check of bicOf's tags (5xA, 8xA, 25P), inlined
		}
		if bic, line, ok := bicOf(x); ok && len(bic) == 11 && common.CheckBIC(bic) == common.BICBranch {
			f.Error("T29", lineLoc(x, line), "the branch code of this BIC is invalid (only XXX may start with X): "+engine.Echo(bic))
		}
	}
}
