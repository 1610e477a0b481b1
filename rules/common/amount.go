package common

import "github.com/govalues/decimal"

// AmountProblem says what is wrong with an amount; AmountOK when nothing is.
type AmountProblem uint8

// Amount problems, in the order they are checked. The MT codes in brackets
// are those SWIFT reports for field formats with a 15d amount (UHB 2017
// "integer part of Amount must contain at least one digit" T40; decimal comma
// T43; UHB 2006 MT 910 32A "number of digits following the comma must not
// exceed the maximum number allowed for that specific currency as specified
// in ISO 4217" C03).
const (
	// AmountOK: the amount is well formed and fits the currency.
	AmountOK AmountProblem = iota
	// AmountSyntax: empty, a character other than digits and the decimal
	// mark, or no digit before the decimal mark [MT T40].
	AmountSyntax
	// AmountSeparator: MT amount without its mandatory decimal comma, or with
	// more than one decimal mark [MT T43].
	AmountSeparator
	// AmountCurrency: the currency is not an ISO 4217 code [MT T52].
	AmountCurrency
	// AmountDecimals: more fraction digits than the currency's minor units
	// [MT C03].
	AmountDecimals
)

var amountProblemText = [...]string{
	AmountOK:        "valid",
	AmountSyntax:    "amount must be digits with at least one digit before the decimal mark",
	AmountSeparator: "amount must have exactly one decimal mark",
	AmountCurrency:  "currency is not an ISO 4217 code",
	AmountDecimals:  "amount has more decimals than the currency allows",
}

// String describes the problem in plain English.
func (p AmountProblem) String() string {
	if int(p) < len(amountProblemText) {
		return amountProblemText[p]
	}
	return "unknown amount problem"
}

// SplitAmount checks the syntax of a decimal amount with decimal mark sep
// (',' for MT, '.' for MX) and returns the number of integer and fraction
// digits. When required is true the mark must be present (MT 15d: "1000," is
// valid, "1000" is not); otherwise it is optional. Signs, exponents, spaces
// and thousands separators are syntax errors.
func SplitAmount(s string, sep byte, required bool) (intDigits, fracDigits int, p AmountProblem) {
	seen := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			if seen {
				fracDigits++
			} else {
				intDigits++
			}
		case c == sep:
			if seen {
				return intDigits, fracDigits, AmountSeparator
			}
			seen = true
		case c == ',' || c == '.':
			// the other decimal mark
			return intDigits, fracDigits, AmountSeparator
		default:
			return intDigits, fracDigits, AmountSyntax
		}
	}
	if intDigits == 0 {
		return intDigits, fracDigits, AmountSyntax
	}
	if required && !seen {
		return intDigits, fracDigits, AmountSeparator
	}
	return intDigits, fracDigits, AmountOK
}

// CheckAmount checks a decimal amount against its currency: an MT amount
// ("1234,56": decimal comma, mandatory) when s contains a comma, otherwise
// an MX amount ("1234.56" or "1234": decimal point, optional). It checks the
// syntax, that ccy is an ISO 4217 code, and that the fraction digits do not
// exceed the currency's minor units; trailing zeros count ("1,10" has two
// decimals, as SWIFT counts them). Codes without minor units in ISO 4217
// (XAU, XDR ...) pass the decimals check; see IsCommodity for the C08 rule.
func CheckAmount(s, ccy string) AmountProblem {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return CheckMTAmount(s, ccy)
		}
	}
	return CheckMXAmount(s, ccy)
}

// CheckMTAmount is CheckAmount for an MT 15d amount: decimal comma required.
func CheckMTAmount(s, ccy string) AmountProblem { return checkAmount(s, ccy, ',', true) }

// CheckMXAmount is CheckAmount for an ISO 20022 amount: decimal point
// optional.
func CheckMXAmount(s, ccy string) AmountProblem { return checkAmount(s, ccy, '.', false) }

func checkAmount(s, ccy string, sep byte, required bool) AmountProblem {
	_, frac, p := SplitAmount(s, sep, required)
	if p != AmountOK {
		return p
	}
	e := ccyEntry(ccy)
	if e == 0 {
		return AmountCurrency
	}
	if e&ccyNoMinor == 0 && frac > int(e&0x0F)-1 {
		return AmountDecimals
	}
	return AmountOK
}

// DecimalsOK reports whether an amount (comma or point as decimal mark) has
// no more fraction digits than ccy's minor units. It is true for currencies
// without minor units in ISO 4217 and false for unknown currencies or
// malformed amounts.
func DecimalsOK(s, ccy string) bool {
	sep := byte('.')
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			sep = ','
			break
		}
	}
	return checkAmount(s, ccy, sep, false) == AmountOK
}

// maxAmountDigits is the largest number of significant digits ParseAmount
// takes: 18 digits always fit an int64 coefficient (MT 15d amounts have at
// most 14, ISO 20022 amounts at most 18 total digits).
const maxAmountDigits = 18

// ParseAmount converts an amount with a comma or a point as decimal mark
// ("1234,56", "1234.56", "1000,", "0") into an exact decimal without
// allocating. ok is false when s is malformed (see SplitAmount), has more
// than 18 significant digits, or more fraction digits than decimal.MaxScale.
func ParseAmount(s string) (d decimal.Decimal, ok bool) {
	var coef int64
	digits, scale := 0, 0
	seen, any := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			if !seen {
				any = true
			}
			if seen {
				scale++
			}
			if coef == 0 && c == '0' {
				continue
			}
			digits++
			if digits > maxAmountDigits {
				return decimal.Decimal{}, false
			}
			coef = coef*10 + int64(c-'0')
		case (c == ',' || c == '.') && !seen:
			seen = true
		default:
			return decimal.Decimal{}, false
		}
	}
	if !any || scale > decimal.MaxScale {
		return decimal.Decimal{}, false
	}
	d, err := decimal.New(coef, scale)
	return d, err == nil
}

// IsZeroAmount reports whether a well-formed amount is zero ("0,", "0,00",
// "0.0"). It is false for malformed amounts.
func IsZeroAmount(s string) bool {
	d, ok := ParseAmount(s)
	return ok && d.IsZero()
}
