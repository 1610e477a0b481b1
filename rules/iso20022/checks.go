package iso20022

import (
	"bytes"
	"slices"
	"strings"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
	"github.com/swiftval/swiftval/rules/common"
)

func checkMinorUnits(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	for l := range t.LeavesOf(typed.KindAmount) {
		n, ok := common.MinorUnits(l.Ccy)
		if !ok {
			continue // unknown currency: SVI302; no minor unit (XAU, XDR): any scale
		}
		if fd := typed.FractionDigits(l.Value); fd > n {
			f.Errorf(CodeMinorUnits, t.LeafLoc(l), "amount %s has %d decimal(s); currency %s allows at most %d (ISO 4217)", engine.Echo(strings.TrimSpace(l.Value)), fd, engine.Echo(l.Ccy), n)
		}
	}
}

func checkCurrencies(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	if t == nil {
		return
	}
	ls := t.Leaves()
	for i := range ls {
		l := &ls[i]
		var code string
		switch l.Kind {
		case typed.KindAmount:
			code = l.Ccy
		case typed.KindCurrency:
			code = strings.TrimSpace(l.Value)
		default:
			continue
		}
		if common.IsCurrency(code) {
			continue
		}
		loc := t.LeafLoc(l)
		what := "currency"
		if l.Kind == typed.KindAmount {
			loc.Path += "/@Ccy"
			what = "currency of the amount"
		}
		// ActiveOrHistoric types also admit withdrawn ISO 4217 codes, which the
		// table does not hold: a warning, not an error.
		if strings.Contains(l.Type, "Historic") {
			f.Warnf(CodeCurrency, loc, "%s %s is not a current ISO 4217 code (historic codes are allowed here, but this one is unknown)", what, engine.Echo(code))
			continue
		}
		f.Errorf(CodeCurrency, loc, "%s %s is not an active ISO 4217 currency code", what, engine.Echo(code))
	}
}

func checkCountries(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	for l := range t.LeavesOf(typed.KindCountry) {
		if !common.IsCountryInUse(l.Value) {
			f.Errorf(CodeCountry, t.LeafLoc(l), "country code %s is not an ISO 3166-1 alpha-2 code (nor XK)", engine.Echo(l.Value))
		}
	}
}

func checkIBANs(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	for l := range t.LeavesOf(typed.KindIBAN) {
		if p := common.CheckIBAN(l.Value); p != common.IBANOK {
			// Quoted (capped) in the report, as every offending value is;
			// reports are the user's, logs never carry findings.
			f.Errorf(CodeIBAN, t.LeafLoc(l), "IBAN %s is invalid: %s", engine.Echo(l.Value), p)
		}
	}
}

func checkBICs(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	for l := range t.LeavesOf(typed.KindBIC) {
		if p := checkBIC(l.Value); p != common.BICOK {
			f.Errorf(CodeBIC, t.LeafLoc(l), "BIC %s is invalid: %s", engine.Echo(l.Value), p)
		}
	}
}

// checkBIC is common.CheckBIC with the ISO 9362:2014 business party prefix:
// since 2014 (the Dec2014 identifiers of ISO 20022) its four characters may
// be letters or digits ([A-Z0-9]{4}), where FIN's 4!a takes letters only.
func checkBIC(s string) common.BICProblem {
	p := common.CheckBIC(s)
	if p != common.BICInstitution || (len(s) != 8 && len(s) != 11) {
		return p
	}
	var b [11]byte
	copy(b[:], s)
	for i := 0; i < 4; i++ {
		switch c := b[i]; {
		case c >= '0' && c <= '9':
			b[i] = 'A'
		case c >= 'A' && c <= 'Z':
		default:
			return p
		}
	}
	return common.CheckBIC(string(b[:len(s)]))
}

// externalCodes checks the codes of ISO 20022 external code sets. The set of
// an element is named by its XSD type (a Cd of type ExternalPurpose1Code
// takes ExternalPurpose1Code codes), so every message and element using a
// listed set is covered without a table of paths.
type externalCodes struct {
	sets func() *CodeSets // the built-in lists are parsed on the first call
}

// releasesOf returns the release of each list of s, in name order.
func releasesOf(s *CodeSets) []string {
	var out []string
	for _, l := range s.Lists() {
		out = append(out, l.Release)
	}
	return out
}

// releaseCitation names the releases of the lists in force, at most three,
// for the rule's Source (a short citation; the lists are named in
// docs/sources.md and docs/external-codes.md): "3Q2025 v2".
func releaseCitation(releases []string) string {
	var out []string
	for _, r := range releases {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(out) > 3 {
		out = append(out[:3], "…")
	}
	return strings.Join(out, ", ")
}

func (x *externalCodes) check(m *engine.Message, f *engine.Findings) {
	t := typed.Of(m)
	var sets *CodeSets
	var lines lineCounter
	for l := range t.LeavesOf(typed.KindOther) {
		if len(l.Type) < 12 || l.Type[0] != 'E' || !strings.HasPrefix(l.Type, "External") {
			continue
		}
		if sets == nil {
			sets = x.sets()
		}
		list := sets.byName[l.Type]
		if list == nil {
			continue
		}
		v := strings.TrimSpace(l.Value)
		if list.Has(v) {
			continue
		}
		loc := engine.Location{Path: t.LeafPath(l), Line: lines.at(t, l.Pos)}
		f.Warn(CodeExternal, loc, externalMessage(l.Name, v, list))
	}
}

// lineCounter gives the line of a position as typed.Message.Line does,
// counting from the position asked for last when the next one lies after
// it: a rule reporting several leaves in input order reads the input once,
// not once from its start for each finding.
type lineCounter struct {
	pos  typed.Pos // last position asked for (0: none yet)
	line int       // its line
}

// at returns t.Line(p).
func (c *lineCounter) at(t *typed.Message, p typed.Pos) int {
	if p <= 0 || int(p) > len(t.Raw)+1 {
		return 0
	}
	if c.pos == 0 || p < c.pos {
		c.pos, c.line = 1, 1
	}
	c.line += bytes.Count(t.Raw[c.pos-1:p-1], []byte{'\n'})
	c.pos = p
	return c.line
}

// externalMessage builds the message of a code v of element name that list
// does not hold, in one allocation (the string): the text Warnf would make
// of "%s %s is not in the ISO external code set %s (release %s, published
// %s); ..." with engine.Echo(v), without boxing five arguments, quoting the
// value and formatting the date into strings of their own first.
func externalMessage(name, v string, list *CodeList) string {
	var buf [512]byte
	b := append(buf[:0], name...)
	b = append(b, ' ')
	b = engine.AppendEcho(b, v)
	b = append(b, " is not in the ISO external code set "...)
	b = append(b, list.Name...)
	b = append(b, " (release "...)
	b = append(b, list.Release...)
	b = append(b, ", published "...)
	b = list.Published.AppendFormat(b, "2006-01-02")
	b = append(b, "); if it comes from a newer release, admit it with a code-set file (--external-codes)"...)
	return string(b)
}
