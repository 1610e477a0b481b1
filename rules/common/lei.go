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
	// r < 1e15 before each step keeps r*100+35 below 2^63.
	var r uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isDigit(c) {
			r = r*10 + uint64(c-'0')
		} else {
			r = r*100 + uint64(c-'A') + 10
		}
		if r >= 1e15 {
			r %= 97
		}
	}
	return r%97 == 1
}
