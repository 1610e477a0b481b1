package common

// ibanLengths lists, per country, the total IBAN length: two letters then two
// digits, four characters an entry.
//
// Source: SWIFT "IBAN Registry" (ISO 13616 registration authority),
// release 100 of January 2025, as transcribed into public IBAN libraries
// (compared 2026-11 against two independent public transcriptions). The
// registry lists dependent territories (AX, GF, GP, JE ...) under their
// parent country, whose country code their IBANs carry; they are therefore
// not separate entries here. [unconfirmed against the registry PDF itself:
// the newest entries FK, HN, NI, OM, SO, YE.]
const ibanLengths = "" +
	"AD24AE23AL28AT20AZ28BA20BE16BG22BH22BI27BR29BY28CH21CR22CY28CZ24" +
	"DE22DJ27DK18DO28EE20EG29ES24FI18FK18FO18FR27GB22GE22GI23GL18GR27" +
	"GT28HN28HR21HU28IE22IL23IQ23IS26IT27JO30KW30KZ20LB28LC32LI21LT20" +
	"LU20LV21LY25MC27MD24ME22MK19MN20MR27MT31MU30NI28NL18NO15OM23PK24" +
	"PL28PS29PT25QA29RO24RS22RU33SA24SC31SD18SE24SI19SK24SM27SO23ST25" +
	"SV28TL23TN24TR26UA29VA22VG24XK20YE30"

// IBANProblem says what is wrong with an IBAN; IBANOK when nothing is.
type IBANProblem uint8

// IBAN problems, in the order they are checked.
const (
	// IBANOK: the IBAN is valid.
	IBANOK IBANProblem = iota
	// IBANSyntax: not two letters, two digits, then 1–30 upper-case letters
	// or digits (ISO 13616-1 electronic format, no spaces).
	IBANSyntax
	// IBANCountry: the country code has no entry in the IBAN registry.
	IBANCountry
	// IBANLengthMismatch: the length differs from the registry length for the country.
	IBANLengthMismatch
	// IBANChecksum: the ISO 7064 MOD 97-10 check fails.
	IBANChecksum
)

var ibanProblemText = [...]string{
	IBANOK:             "valid",
	IBANSyntax:         "not in IBAN electronic format (2 letters, 2 check digits, up to 30 upper-case letters or digits)",
	IBANCountry:        "country code has no IBAN in the IBAN registry",
	IBANLengthMismatch: "length does not match the IBAN registry length for its country",
	IBANChecksum:       "check digits are wrong (ISO 7064 MOD 97-10)",
}

// String describes the problem in plain English.
func (p IBANProblem) String() string {
	if int(p) < len(ibanProblemText) {
		return ibanProblemText[p]
	}
	return "unknown IBAN problem"
}

// CheckIBAN checks an IBAN in electronic format (no spaces, upper case):
// syntax, registry country, registry length and the MOD 97-10 check digits.
// It does not check the BBAN structure of each country.
func CheckIBAN(s string) IBANProblem {
	if len(s) < 5 || len(s) > 34 || !isUpper(s[0]) || !isUpper(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) {
		return IBANSyntax
	}
	for i := 4; i < len(s); i++ {
		if !isUpper(s[i]) && !isDigit(s[i]) {
			return IBANSyntax
		}
	}
	k := idx2(s[0], s[1])
	if ibanLen[k] == 0 {
		return IBANCountry
	}
	if len(s) != int(ibanLen[k]) {
		return IBANLengthMismatch
	}
	if ibanMod97(s) != 1 {
		return IBANChecksum
	}
	return IBANOK
}

// IsIBAN reports whether CheckIBAN(s) finds nothing wrong.
func IsIBAN(s string) bool { return CheckIBAN(s) == IBANOK }

// IBANLength returns the registry IBAN length of country cc, or 0 when the
// country has no IBAN.
func IBANLength(cc string) int {
	if len(cc) != 2 || !isUpper(cc[0]) || !isUpper(cc[1]) {
		return 0
	}
	return int(ibanLen[idx2(cc[0], cc[1])])
}

// ibanMod97 computes the ISO 7064 MOD 97-10 remainder of the IBAN moved
// (first four characters to the end, letters as 10..35). s is known to hold
// only upper-case letters and digits.
func ibanMod97(s string) int {
	// Accumulate digits in a uint64 and reduce only when the value could
	// overflow on the next step (r < 1e15, then r*100+35 < 2^63).
	var r uint64
	for i := 4; i < len(s); i++ {
		r = mod97Add(r, s[i])
	}
	for i := 0; i < 4; i++ {
		r = mod97Add(r, s[i])
	}
	return int(r % 97)
}

// mod97Add appends character c (a digit, or a letter read as 10..35) to
// the running ISO 7064 MOD 97-10 remainder r, reducing it only when the
// next step could overflow (r < 1e15, then r*100+35 < 2^63). IBANs and
// LEIs share it.
func mod97Add(r uint64, c byte) uint64 {
	if isDigit(c) {
		r = r*10 + uint64(c-'0')
	} else {
		r = r*100 + uint64(c-'A') + 10
	}
	if r >= 1e15 {
		r %= 97
	}
	return r
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
