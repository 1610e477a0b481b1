package common

// SWIFT character sets, from the SWIFT User Handbook, "Standards MT General
// Information", character sets (as summarised in
// ../shared/reference/mt-facts.md 2.1) [unconfirmed: the set table was
// not re-checked against a public UHB page in this release]:
//
//	x: a–z A–Z 0–9 / - ? : ( ) . , ' + space CR LF
//	y: A–Z 0–9 . , - ( ) / = ' + : ? ! " % & * < > ; space (no CR LF)
//	z: the x and y characters plus = ! " % & * < > ; { @ # _ and CR LF
const (
	setX = 1 << iota
	setY
	setZ
)

var charsets [256]uint8

func init() {
	mark := func(chars string, bit uint8) {
		for i := 0; i < len(chars); i++ {
			charsets[chars[i]] |= bit
		}
	}
	const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	const lower = "abcdefghijklmnopqrstuvwxyz"
	const digits = "0123456789"
	mark(upper+lower+digits+"/-?:().,'+ \r\n", setX)
	mark(upper+digits+".,-()/='+:?!\"%&*<>; ", setY)
	mark(upper+lower+digits+"/-?:().,'+ \r\n"+"=!\"%&*<>;{@#_", setZ)
}

// IsX reports whether c is in the SWIFT X character set.
func IsX(c byte) bool { return charsets[c]&setX != 0 }

// IsY reports whether c is in the SWIFT Y character set.
func IsY(c byte) bool { return charsets[c]&setY != 0 }

// IsZ reports whether c is in the SWIFT Z character set.
func IsZ(c byte) bool { return charsets[c]&setZ != 0 }

// IndexNotX returns the byte index of the first character of s outside the X
// set, or -1 when every character is in it. A multi-byte UTF-8 character is
// reported at its first byte.
func IndexNotX(s string) int { return indexNot(s, setX) }

// IndexNotY is IndexNotX for the Y set.
func IndexNotY(s string) int { return indexNot(s, setY) }

// IndexNotZ is IndexNotX for the Z set.
func IndexNotZ(s string) int { return indexNot(s, setZ) }

func indexNot(s string, bit uint8) int {
	for i := 0; i < len(s); i++ {
		if charsets[s[i]]&bit == 0 {
			return i
		}
	}
	return -1
}

// SlashRuleOK reports whether one reference value obeys SWIFT's rule T26: it
// does not start or end with '/' and does not contain "//". Source: UHB 2006
// MT 103 field 21 ("must not start or end with a slash ... must not contain
// two consecutive slashes (Error code(s): T26)"). An empty value passes (its
// absence is another check).
func SlashRuleOK(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == '/' || s[len(s)-1] == '/' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] == '/' && s[i-1] == '/' {
			return false
		}
	}
	return true
}

// SlashRuleLinesOK applies SlashRuleOK to each line of a multi-line value
// (lines separated by LF or CRLF), as the UHB does for multi-line formats
// (UHB 2006 category 5, "for multi-line formats the rule applies to each
// line"). It returns the 0-based index of the first failing line, or -1.
func SlashRuleLinesOK(s string) int {
	line := 0
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '\n' {
			l := s[start:i]
			if len(l) > 0 && l[len(l)-1] == '\r' {
				l = l[:len(l)-1]
			}
			if !SlashRuleOK(l) {
				return line
			}
			line++
			start = i + 1
		}
	}
	return -1
}
