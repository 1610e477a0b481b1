package engine

import (
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/unicode/runenames"
)

// controlNames are the names of the C0 controls and DEL met in payment
// files. Unicode gives controls no character name ("<control>"), only these
// aliases (Unicode NameAliases.txt), which runenames does not carry.
var controlNames = [...]string{
	0x00: "NULL", 0x09: "CHARACTER TABULATION", 0x0A: "LINE FEED", 0x0B: "LINE TABULATION",
	0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1A: "SUBSTITUTE", 0x1B: "ESCAPE",
}

// RuneName returns r as "U+00A0 NO-BREAK SPACE": its code point and its
// Unicode character name, so that an invisible or look-alike character
// (a no-break space, a Cyrillic "А", an en dash) can be told from the one
// it resembles. The names come from golang.org/x/text/unicode/runenames
// (the Unicode Character Database); a code point without a name gets the
// code point alone. It allocates: call it only to build a finding.
func RuneName(r rune) string {
	cp := "U+" + hex4(r)
	switch {
	case r == utf8.RuneError:
		return cp + " REPLACEMENT CHARACTER"
	case r >= 0 && int(r) < len(controlNames) && controlNames[r] != "":
		return cp + " " + controlNames[r]
	case r == 0x7F:
		return cp + " DELETE"
	}
	if n := runenames.Name(r); n != "" && n[0] != '<' {
		return cp + " " + n
	}
	return cp
}

// DescribeChar describes the character that starts s[i:] for a finding
// message, and returns its size in bytes: an ASCII letter or digit as
// "'1'", other printable ASCII as "'@' (U+0040 COMMERCIAL AT)", any other
// character as RuneName does
// ("U+00A0 NO-BREAK SPACE"), and a byte that is not UTF-8 as
// "byte 0xE9 (not UTF-8)". It allocates: call it only to build a finding.
func DescribeChar(s string, i int) (string, int) {
	if i < 0 || i >= len(s) {
		return "the end of the value", 0
	}
	c := s[i]
	switch {
	case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		return "'" + string(rune(c)) + "'", 1
	case c >= 0x21 && c < 0x7F:
		return "'" + string(rune(c)) + "' (" + RuneName(rune(c)) + ")", 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size <= 1 {
		return "byte 0x" + hex4(rune(c))[2:] + " (not UTF-8)", 1
	}
	return RuneName(r), size
}

// hex4 renders r in upper-case hexadecimal with at least four digits.
func hex4(r rune) string {
	h := []byte(strconv.FormatInt(int64(r), 16))
	for i, c := range h {
		if c >= 'a' {
			h[i] = c - 'a' + 'A'
		}
	}
	for len(h) < 4 {
		h = append([]byte{'0'}, h...)
	}
	return string(h)
}
