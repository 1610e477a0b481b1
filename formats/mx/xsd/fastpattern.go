package xsd

import (
	"strconv"
	"unicode/utf8"

	"github.com/swiftval/swiftval/engine"
)

// fastPattern matches the simple patterns ISO 20022 schemas are made of
// (BICs, IBANs, LEIs, UUIDs, currency and country codes, FIN-X text) in a
// few nanoseconds per character, without the regexp engine: a sequence of
// ASCII character classes or literals with counts, optionally ending with
// one optional group of such atoms. It is built only when matching is
// deterministic (each variable count is followed by characters it cannot
// take), so a greedy scan is exact; anything else (alternation, '.', \d,
// negated classes, nested groups) keeps the regexp. Values holding non-ASCII
// bytes also go to the regexp.
type fastPattern struct {
	atoms []fastAtom
	opt   []fastAtom // trailing optional group; nil for none
}

type fastAtom struct {
	set      [2]uint64 // ASCII characters
	min, max int       // max -1 for unbounded
}

func (a *fastAtom) has(c byte) bool { return c < 128 && a.set[c>>6]&(1<<(c&63)) != 0 }

func (a *fastAtom) add(c byte) { a.set[c>>6] |= 1 << (c & 63) }

// compileFast returns the fast matcher of an XSD pattern, or nil.
func compileFast(src string) *fastPattern {
	p := &fastPattern{}
	i := 0
	for i < len(src) {
		if src[i] == '(' {
			// Only a final optional group: (atoms){0,1} or (atoms)?
			j := i + 1
			var group []fastAtom
			for j < len(src) && src[j] != ')' {
				a, n, ok := parseAtom(src[j:])
				if !ok {
					return nil
				}
				group = append(group, a)
				j += n
			}
			if j >= len(src) || len(group) == 0 {
				return nil
			}
			rest := src[j+1:]
			if rest != "?" && rest != "{0,1}" {
				return nil
			}
			p.opt = group
			break
		}
		a, n, ok := parseAtom(src[i:])
		if !ok {
			return nil
		}
		p.atoms = append(p.atoms, a)
		i += n
	}
	if len(p.atoms) == 0 && p.opt == nil {
		return nil
	}
	// Determinism: the characters a variable count may take must differ
	// from every character that can come next (through optional atoms up
	// to the first mandatory one).
	all := append(append([]fastAtom(nil), p.atoms...), p.opt...)
	for k := range all {
		if all[k].min == all[k].max {
			continue
		}
		var follow [2]uint64
		for j := k + 1; j < len(all); j++ {
			follow[0] |= all[j].set[0]
			follow[1] |= all[j].set[1]
			if all[j].min > 0 && j != len(p.atoms) {
				break
			}
		}
		if all[k].set[0]&follow[0] != 0 || all[k].set[1]&follow[1] != 0 {
			return nil
		}
	}
	if p.opt != nil && len(p.atoms) > 0 {
		last := p.atoms[len(p.atoms)-1]
		if last.min != last.max {
			return nil // the group would compete with the variable count
		}
	}
	return p
}

// parseAtom reads one class or literal with its quantifier.
func parseAtom(s string) (fastAtom, int, bool) {
	var a fastAtom
	i := 0
	switch c := s[0]; {
	case c == '[':
		i = 1
		if i < len(s) && s[i] == '^' {
			return a, 0, false
		}
		for {
			if i >= len(s) {
				return a, 0, false
			}
			if s[i] == ']' {
				i++
				break
			}
			lo, n, ok := classChar(s[i:])
			if !ok {
				return a, 0, false
			}
			i += n
			if i+1 < len(s) && s[i] == '-' && s[i+1] != ']' {
				hi, m, ok := classChar(s[i+1:])
				if !ok || hi < lo {
					return a, 0, false
				}
				for c := lo; ; c++ {
					a.add(c)
					if c == hi {
						break
					}
				}
				i += 1 + m
				continue
			}
			a.add(lo)
		}
	case c == '\\':
		if len(s) < 2 || !isEscapable(s[1]) {
			return a, 0, false
		}
		a.add(s[1])
		i = 2
	case c >= 128 || c == '.' || c == '|' || c == '(' || c == ')' || c == '^' || c == '$' || c == '?' || c == '*' || c == '+' || c == '{' || c == '}' || c == ']':
		return a, 0, false
	default:
		a.add(c)
		i = 1
	}
	a.min, a.max = 1, 1
	if i < len(s) {
		switch s[i] {
		case '?':
			a.min, a.max = 0, 1
			i++
		case '*':
			a.min, a.max = 0, -1
			i++
		case '+':
			a.min, a.max = 1, -1
			i++
		case '{':
			lo, hi, n, ok := parseCount(s[i:])
			if !ok {
				return a, 0, false
			}
			a.min, a.max = lo, hi
			i += n
		}
	}
	return a, i, true
}

// classChar reads one character of a class: an ASCII literal or an escaped
// punctuation character.
func classChar(s string) (byte, int, bool) {
	c := s[0]
	switch {
	case c == '\\':
		if len(s) < 2 || !isEscapable(s[1]) {
			return 0, 0, false
		}
		return s[1], 2, true
	case c >= 128 || c == '[':
		return 0, 0, false
	}
	return c, 1, true
}

// isEscapable: single-character escapes that stand for themselves (\d, \s,
// \p … are not).
func isEscapable(c byte) bool {
	switch c {
	case '\\', '|', '.', '-', '^', '?', '*', '+', '{', '}', '(', ')', '[', ']', '$', '/', ':', ',', '\'', '"', '=', '!', '#', '%', '&', ';', '<', '>', '@', '_', '`', '~', ' ':
		return true
	}
	return false
}

// parseCount reads {n}, {n,} or {n,m}.
func parseCount(s string) (int, int, int, bool) {
	i := 1
	num := func() (int, bool) {
		st := i
		n := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' && i-st < 6 {
			n = n*10 + int(s[i]-'0')
			i++
		}
		return n, i > st
	}
	lo, ok := num()
	if !ok || i >= len(s) {
		return 0, 0, 0, false
	}
	hi := lo
	if s[i] == ',' {
		i++
		if i < len(s) && s[i] == '}' {
			hi = -1
		} else if hi, ok = num(); !ok || hi < lo {
			return 0, 0, 0, false
		}
	}
	if i >= len(s) || s[i] != '}' {
		return 0, 0, 0, false
	}
	return lo, hi, i + 1, true
}

// match reports whether v matches; ok is false when the value holds
// non-ASCII bytes and the regexp must decide.
func (p *fastPattern) match(v []byte) (matched, ok bool) {
	for _, c := range v {
		if c >= utf8.RuneSelf {
			return false, false
		}
	}
	i, good := matchAtoms(p.atoms, v, 0)
	if !good {
		return false, true
	}
	if i == len(v) {
		return true, true
	}
	if p.opt != nil {
		j, good := matchAtoms(p.opt, v, i)
		return good && j == len(v), true
	}
	return false, true
}

func matchAtoms(atoms []fastAtom, v []byte, i int) (int, bool) {
	for k := range atoms {
		a := &atoms[k]
		n := 0
		for i < len(v) && (a.max < 0 || n < a.max) && a.has(v[i]) {
			i++
			n++
		}
		if n < a.min {
			return i, false
		}
	}
	return i, true
}

// explain says why v, which failed to match, does not: the first character
// the pattern does not allow where it stands (named by engine.DescribeChar,
// with its 1-based position in characters), or that v is too short or too
// long. The pattern is deterministic, so the greedy scan that match does
// finds the same first failure. For a BIC type the position is put in
// terms of the BIC's parts. It is called only to build a finding.
func (p *fastPattern) explain(v []byte, bic bool) string {
	s := string(v)
	i := 0
	fail := func() string {
		if i >= len(s) {
			if bic {
				return "a BIC has 8 or 11 characters, this has " + strconv.Itoa(utf8.RuneCountInString(s))
			}
			return "it ends after " + strconv.Itoa(utf8.RuneCountInString(s)) + " characters, before the pattern is complete"
		}
		ch, _ := engine.DescribeChar(s, i)
		n := utf8.RuneCountInString(s[:i]) + 1
		why := "character " + strconv.Itoa(n) + ", " + ch + ", is not allowed there"
		if bic {
			why += " (" + bicPartName(n) + ")"
		}
		return why
	}
	var ok bool
	if i, ok = matchAtoms(p.atoms, v, 0); !ok {
		return fail()
	}
	if i < len(s) && p.opt != nil {
		if i, ok = matchAtoms(p.opt, v, i); !ok {
			return fail()
		}
	}
	if i < len(s) {
		if bic {
			return "a BIC has 8 or 11 characters, this has " + strconv.Itoa(utf8.RuneCountInString(s))
		}
		ch, _ := engine.DescribeChar(s, i)
		return "the pattern ends before character " + strconv.Itoa(utf8.RuneCountInString(s[:i])+1) + ", " + ch
	}
	return ""
}

// bicPartName names the part of a BIC (ISO 9362) at the 1-based position n.
func bicPartName(n int) string {
	switch {
	case n <= 4:
		return "the business party prefix, characters 1-4"
	case n <= 6:
		return "the country code, characters 5-6"
	case n <= 8:
		return "the location code, characters 7-8"
	}
	return "the branch code, characters 9-11"
}
