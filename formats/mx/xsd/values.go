package xsd

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// decimal is a parsed xs:decimal lexical value: integer digits without
// leading zeros, fraction digits without trailing zeros. No float is ever
// involved.
type decimal struct {
	neg       bool
	int, frac []byte
}

// parseDecimal parses [+-]?(\d+(\.\d*)?|\.\d+) (XSD Part 2 §3.2.3.1).
func parseDecimal(b []byte) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		d.neg = b[i] == '-'
		i++
	}
	s := i
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	intPart := b[s:i]
	var frac []byte
	if i < len(b) && b[i] == '.' {
		i++
		fs := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		frac = b[fs:i]
	}
	if i != len(b) || len(intPart)+len(frac) == 0 {
		return d, false
	}
	for len(intPart) > 0 && intPart[0] == '0' {
		intPart = intPart[1:]
	}
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	d.int, d.frac = intPart, frac
	if len(intPart) == 0 && len(frac) == 0 {
		d.neg = false // -0 is 0
	}
	return d, true
}

// cmpDecimal compares a and b: -1, 0, 1.
func cmpDecimal(a, b decimal) int {
	if a.neg != b.neg {
		if a.neg {
			return -1
		}
		return 1
	}
	r := cmpAbs(a, b)
	if a.neg {
		return -r
	}
	return r
}

func cmpAbs(a, b decimal) int {
	if len(a.int) != len(b.int) {
		if len(a.int) < len(b.int) {
			return -1
		}
		return 1
	}
	for i := range a.int {
		if a.int[i] != b.int[i] {
			if a.int[i] < b.int[i] {
				return -1
			}
			return 1
		}
	}
	n := max(len(a.frac), len(b.frac))
	for i := 0; i < n; i++ {
		var x, y byte = '0', '0'
		if i < len(a.frac) {
			x = a.frac[i]
		}
		if i < len(b.frac) {
			y = b.frac[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func digits(b []byte, n int) (int, bool) {
	if len(b) < n {
		return 0, false
	}
	v := 0
	for i := 0; i < n; i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// parseYear reads -?YYYY+ (at least four digits, no leading zero beyond
// four, year 0000 refused as in XSD 1.0). It returns the year and the rest.
func parseYear(b []byte) (int, []byte, bool) {
	i := 0
	neg := false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	s := i
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	n := i - s
	if n < 4 || n > 9 || (n > 4 && b[s] == '0') {
		return 0, nil, false
	}
	y, _ := strconv.Atoi(string(b[s:i]))
	if y == 0 {
		return 0, nil, false
	}
	if neg {
		y = -y
	}
	return y, b[i:], true
}

func leap(y int) bool {
	if y < 0 {
		y = -y - 1 // astronomical year numbering: 1 BCE is a leap year
	}
	return y%4 == 0 && (y%100 != 0 || y%400 == 0)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if leap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseTZ checks an optional time zone: Z or (+|-)hh:mm with hh:mm ≤ 14:00.
func parseTZ(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	if len(b) == 1 && b[0] == 'Z' {
		return true
	}
	if len(b) != 6 || (b[0] != '+' && b[0] != '-') || b[3] != ':' {
		return false
	}
	h, ok1 := digits(b[1:], 2)
	m, ok2 := digits(b[4:], 2)
	return ok1 && ok2 && m <= 59 && (h < 14 || h == 14 && m == 0)
}

// parseDate reads YYYY-MM-DD and returns the rest.
func parseDate(b []byte) ([]byte, bool) {
	y, rest, ok := parseYear(b)
	if !ok || len(rest) < 6 || rest[0] != '-' || rest[3] != '-' {
		return nil, false
	}
	m, ok1 := digits(rest[1:], 2)
	d, ok2 := digits(rest[4:], 2)
	if !ok1 || !ok2 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return nil, false
	}
	return rest[6:], true
}

// parseTime reads hh:mm:ss(.s+)? and returns the rest.
func parseTime(b []byte) ([]byte, bool) {
	if len(b) < 8 || b[2] != ':' || b[5] != ':' {
		return nil, false
	}
	h, ok1 := digits(b, 2)
	m, ok2 := digits(b[3:], 2)
	s, ok3 := digits(b[6:], 2)
	if !ok1 || !ok2 || !ok3 || m > 59 || s > 59 || h > 24 {
		return nil, false
	}
	rest := b[8:]
	fracNonZero := false
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		for i < len(rest) && '0' <= rest[i] && rest[i] <= '9' {
			if rest[i] != '0' {
				fracNonZero = true
			}
			i++
		}
		if i == 1 {
			return nil, false
		}
		rest = rest[i:]
	}
	if h == 24 && (m != 0 || s != 0 || fracNonZero) {
		return nil, false
	}
	return rest, true
}

// lexicalOK checks the value against the primitive type's lexical space
// (with calendar checks for dates).
func (st *stype) lexicalOK(v []byte) bool {
	switch st.prim {
	case pDecimal:
		_, ok := parseDecimal(v)
		return ok
	case pInteger:
		d, ok := parseDecimal(v)
		if !ok || len(d.frac) > 0 {
			return false
		}
		for _, c := range v {
			if c == '.' {
				return false
			}
		}
		if st.nonNeg && d.neg || st.positive && (d.neg || len(d.int) == 0) {
			return false
		}
		return true
	case pBoolean:
		s := string(v)
		return s == "true" || s == "false" || s == "1" || s == "0"
	case pDate:
		rest, ok := parseDate(v)
		return ok && parseTZ(rest)
	case pDateTime:
		rest, ok := parseDate(v)
		if !ok || len(rest) == 0 || rest[0] != 'T' {
			return false
		}
		rest, ok = parseTime(rest[1:])
		return ok && parseTZ(rest)
	case pTime:
		rest, ok := parseTime(v)
		return ok && parseTZ(rest)
	case pGYear:
		_, rest, ok := parseYear(v)
		return ok && parseTZ(rest)
	case pGYearMonth:
		_, rest, ok := parseYear(v)
		if !ok || len(rest) < 3 || rest[0] != '-' {
			return false
		}
		m, ok := digits(rest[1:], 2)
		return ok && m >= 1 && m <= 12 && parseTZ(rest[3:])
	case pBase64:
		n := 0
		for _, c := range v {
			switch {
			case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '/', c == '=':
				n++
			case c == ' ':
			default:
				return false
			}
		}
		return n%4 == 0
	}
	return true
}

// normalise applies the whiteSpace facet; buf is scratch space. It returns
// v itself when nothing changes.
func normalise(v []byte, ws wsMode, buf []byte) []byte {
	switch ws {
	case wsPreserve:
		return v
	case wsReplace:
		for _, c := range v {
			if c == '\t' || c == '\n' || c == '\r' {
				out := append(buf[:0], v...)
				for i, c := range out {
					if c == '\t' || c == '\n' || c == '\r' {
						out[i] = ' '
					}
				}
				return out
			}
		}
		return v
	}
	// collapse
	clean := true
	for i, c := range v {
		if c == '\t' || c == '\n' || c == '\r' || c == ' ' && (i == 0 || i == len(v)-1 || v[i+1] == ' ') {
			clean = false
			break
		}
	}
	if clean {
		return v
	}
	out := buf[:0]
	space := false
	for _, c := range v {
		if c == '\t' || c == '\n' || c == '\r' || c == ' ' {
			space = len(out) > 0
			continue
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		out = append(out, c)
	}
	return out
}

// violation kinds of a simple value.
type valueFault struct {
	kind Kind
	msg  string
}

// check validates a normalised value and appends each fault to out.
func (st *stype) check(v []byte, out []valueFault) []valueFault {
	if !st.lexicalOK(v) {
		kind := KindLexical
		switch st.prim {
		case pDate, pDateTime, pTime, pGYear, pGYearMonth:
			kind = KindDate
		}
		return append(out, valueFault{kind, "is not a valid xs:" + st.builtin})
	}
	if st.enum != nil {
		ok := false
		if st.enumSorted {
			ok = searchSorted(st.enum, v)
		} else {
			for _, e := range st.enum {
				if e == string(v) {
					ok = true
					break
				}
			}
		}
		if !ok {
			out = append(out, valueFault{KindEnumeration, "is not one of the allowed codes of " + st.name + enumHint(st.enum)})
		}
	}
	if st.length != NoLimit || st.minLen != NoLimit || st.maxLen != NoLimit {
		// The byte length bounds the characters from above, and is at
		// least 1 exactly when they are: the usual facets (a maxLength the
		// value is within, minLength 1) need no count.
		n := len(v)
		if st.length != NoLimit || st.minLen > 1 || st.maxLen != NoLimit && n > st.maxLen {
			n = utf8.RuneCount(v)
		}
		switch {
		case st.length != NoLimit && n != st.length:
			out = append(out, valueFault{KindLength, "has " + strconv.Itoa(n) + " characters; " + st.name + " needs exactly " + strconv.Itoa(st.length)})
		case st.minLen != NoLimit && n < st.minLen:
			out = append(out, valueFault{KindLength, "has " + strconv.Itoa(n) + " characters; " + st.name + " needs at least " + strconv.Itoa(st.minLen)})
		case st.maxLen != NoLimit && n > st.maxLen:
			out = append(out, valueFault{KindLength, "has " + strconv.Itoa(n) + " characters; " + st.name + " allows at most " + strconv.Itoa(st.maxLen)})
		}
	}
	for _, p := range st.patterns {
		matched, err := p.match(v)
		switch {
		case err != nil:
			out = append(out, valueFault{KindPattern, "could not be checked against the pattern " + p.src + " of " + st.name + ": " + err.Error()})
		case !matched:
			msg := "does not match the pattern " + p.src + " of " + st.name
			if p.fast != nil { // compiled by match
				if why := p.fast.explain(v, strings.Contains(st.name, "BIC")); why != "" {
					msg += ": " + why
				}
			}
			out = append(out, valueFault{KindPattern, msg})
		}
	}
	if st.prim == pDecimal || st.prim == pInteger {
		d, _ := parseDecimal(v)
		if st.total != NoLimit && len(d.int)+len(d.frac) > st.total {
			out = append(out, valueFault{KindDigits, "has " + strconv.Itoa(len(d.int)+len(d.frac)) + " significant digits; " + st.name + " allows at most " + strconv.Itoa(st.total)})
		}
		if st.frac != NoLimit && len(d.frac) > st.frac {
			out = append(out, valueFault{KindDigits, "has " + strconv.Itoa(len(d.frac)) + " fraction digits; " + st.name + " allows at most " + strconv.Itoa(st.frac)})
		}
		bound := func(b string, bad func(int) bool, what string) {
			if b == "" {
				return
			}
			bd, _ := parseDecimal([]byte(b))
			if bad(cmpDecimal(d, bd)) {
				out = append(out, valueFault{KindRange, "must be " + what + " " + b + " (" + st.name + ")"})
			}
		}
		bound(st.minIncl, func(c int) bool { return c < 0 }, "at least")
		bound(st.maxIncl, func(c int) bool { return c > 0 }, "at most")
		bound(st.minExcl, func(c int) bool { return c <= 0 }, "above")
		bound(st.maxExcl, func(c int) bool { return c >= 0 }, "below")
	} else {
		// Dates and times: same-format values compare as strings.
		bound := func(b string, bad func(int) bool, what string) {
			if b == "" {
				return
			}
			c := 0
			switch {
			case string(v) < b:
				c = -1
			case string(v) > b:
				c = 1
			}
			if bad(c) {
				out = append(out, valueFault{KindRange, "must be " + what + " " + b + " (" + st.name + ")"})
			}
		}
		bound(st.minIncl, func(c int) bool { return c < 0 }, "at least")
		bound(st.maxIncl, func(c int) bool { return c > 0 }, "at most")
		bound(st.minExcl, func(c int) bool { return c <= 0 }, "after")
		bound(st.maxExcl, func(c int) bool { return c >= 0 }, "before")
	}
	return out
}

// searchSorted reports whether v is in the sorted list (a binary search
// whose comparisons convert v without allocating).
func searchSorted(list []string, v []byte) bool {
	lo, hi := 0, len(list)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if list[m] < string(v) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(list) && list[lo] == string(v)
}

func enumHint(e []string) string {
	if len(e) > enumLinear {
		return ""
	}
	s := " ("
	for i, v := range e {
		if i > 0 {
			s += ", "
		}
		s += v
	}
	return s + ")"
}
