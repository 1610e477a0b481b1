package common

// IsLEI reports whether s is a well-formed legal entity identifier (ISO
// 17442): 20 characters, 18 upper-case letters or digits followed by two
// check digits, with the ISO 7064 MOD 97-10 remainder of the whole code
// (letters read as 10..35) equal to 1 — the same check as an IBAN's, on
// the code as written.
func IsLEI(s string) bool {
	if len(s) != 20 {
		return false
	}
	for i := 0; i < 18; i++ {
		if !isUpper(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	if !isDigit(s[18]) || !isDigit(s[19]) {
		return false
	}
	var r uint64
	for i := 0; i < len(s); i++ {
		r = mod97Add(r, s[i])
	}
	return r%97 == 1
}
