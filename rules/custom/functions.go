package custom

import (
	"strings"
	"unicode/utf8"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/payment"
	"github.com/swiftval/swiftval/rules/common"
)

// The helpers below back the CEL functions is_bic, is_iban, is_country,
// is_currency, bic_country, iban_country and currency_digits; they delegate
// to package rules/common, shared with the built-in rule packs.

// IsBIC reports whether s is a structurally valid BIC (ISO 9362).
func IsBIC(s string) bool { return common.IsBIC(s) }

// BICCountry returns the country code of a BIC (characters 5 and 6), or ""
// when s is not a BIC.
func BICCountry(s string) string { return payment.BICCountry(s) }

// IsIBAN reports whether s is a valid IBAN (ISO 13616, electronic format:
// country, check digits, length for the country, mod-97 checksum).
func IsIBAN(s string) bool { return common.IsIBAN(s) }

// IBANCountry returns the country code of an IBAN, or "" when s is not a
// valid IBAN.
func IBANCountry(s string) string {
	if !common.IsIBAN(s) {
		return ""
	}
	return s[:2]
}

// IsCountry reports whether s is a country code payments carry: an ISO
// 3166-1 alpha-2 code, or XK (Kosovo), which SWIFT and the IBAN registry
// use although ISO has not assigned it (common.IsCountryInUse).
func IsCountry(s string) bool { return common.IsCountryInUse(s) }

// IsCurrency reports whether s is an ISO 4217 currency code.
func IsCurrency(s string) bool { return common.IsCurrency(s) }

// CurrencyDigits returns the number of minor units of an ISO 4217
// currency (2 for EUR, 0 for JPY, 3 for KWD) and whether s is one.
func CurrencyDigits(s string) (int, bool) { return common.MinorUnits(s) }

// echo quotes at most engine.MaxEcho characters of a value for an error
// text.
func echo(s string) string { return engine.Echo(s) }

// clip returns s cut to engine.MaxEcho characters (with an ellipsis) and with
// control characters replaced by spaces, for message templates: a finding
// never carries more payment data than that.
func clip(s string) string {
	n, cut := 0, len(s)
	for i := range s {
		if n == engine.MaxEcho {
			cut = i
			break
		}
		n++
	}
	out := s[:cut]
	if strings.IndexFunc(out, func(r rune) bool { return r < 0x20 || r == 0x7f || r == utf8.RuneError }) >= 0 {
		out = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || r == utf8.RuneError {
				return ' '
			}
			return r
		}, out)
	}
	if cut < len(s) {
		out += "…"
	}
	return out
}
