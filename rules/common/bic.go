package common

// BICProblem says what is wrong with a BIC; BICOK when nothing is.
type BICProblem uint8

// BIC problems, in the order they are checked.
const (
	// BICOK: the BIC is well formed.
	BICOK BICProblem = iota
	// BICLength: the BIC is not 8 or 11 characters long.
	BICLength
	// BICInstitution: the institution (business party prefix) code is not
	// four upper-case letters (4!a).
	BICInstitution
	// BICCountryFormat: the country code is not two upper-case letters (2!a).
	BICCountryFormat
	// BICCountryUnknown: the country code is two letters but neither an ISO
	// 3166-1 code nor XK.
	BICCountryUnknown
	// BICLocation: the location code is not two upper-case letters or digits
	// (2!c).
	BICLocation
	// BICBranch: the branch code is not three upper-case letters or digits
	// (3!c), or it starts with 'X' without being "XXX" (ISO 9362 reserves
	// X-branches for the primary office "XXX").
	BICBranch
)

var bicProblemText = [...]string{
	BICOK:             "valid",
	BICLength:         "BIC must be 8 or 11 characters",
	BICInstitution:    "BIC institution code must be 4 letters",
	BICCountryFormat:  "BIC country code must be 2 letters",
	BICCountryUnknown: "BIC country code is not an ISO 3166-1 country",
	BICLocation:       "BIC location code must be 2 letters or digits",
	BICBranch:         "BIC branch code must be 3 letters or digits, and only XXX may start with X",
}

// String describes the problem in plain English.
func (p BICProblem) String() string {
	if int(p) < len(bicProblemText) {
		return bicProblemText[p]
	}
	return "unknown BIC problem"
}

// CheckBIC checks the structure of a BIC, 4!a2!a2!c[3!c] (ISO 9362 as used by
// SWIFT FIN, e.g. UHB field 52A "Identifier Code"), and that its country code
// is an ISO 3166-1 code or XK. It cannot tell whether the BIC is registered
// or connected to FIN (SWIFT codes T28, T44, T45 need the BIC directory).
func CheckBIC(s string) BICProblem {
	if len(s) != 8 && len(s) != 11 {
		return BICLength
	}
	for i := 0; i < 4; i++ {
		if !isUpper(s[i]) {
			return BICInstitution
		}
	}
	if !isUpper(s[4]) || !isUpper(s[5]) {
		return BICCountryFormat
	}
	if countries[idx2(s[4], s[5])]&(countryISO|countryXK) == 0 {
		return BICCountryUnknown
	}
	if !isAlnum(s[6]) || !isAlnum(s[7]) {
		return BICLocation
	}
	if len(s) == 11 {
		if !isAlnum(s[8]) || !isAlnum(s[9]) || !isAlnum(s[10]) {
			return BICBranch
		}
		// ISO 9362: a branch code starting with X is only allowed as XXX.
		// [unconfirmed against the ISO text; stated by SWIFT's BIC
		// policy documents, not re-read for this release]
		if s[8] == 'X' && (s[9] != 'X' || s[10] != 'X') {
			return BICBranch
		}
	}
	return BICOK
}

// IsBIC reports whether CheckBIC(s) finds nothing wrong.
func IsBIC(s string) bool { return CheckBIC(s) == BICOK }

// BICCountry returns the country code of a BIC (characters 5–6), or "" when
// s is shorter than 6 characters. It does not validate s.
func BICCountry(s string) string {
	if len(s) < 6 {
		return ""
	}
	return s[4:6]
}

// IsTestBIC reports whether a well-formed BIC is a test-and-training BIC:
// the second character of its location code is '0' (ISO 9362; SWIFT reports
// such a destination in a live message as T46).
func IsTestBIC(s string) bool { return len(s) >= 8 && s[7] == '0' }

func isAlnum(c byte) bool { return isUpper(c) || isDigit(c) }
