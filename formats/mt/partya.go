package mt

import "strings"

// notPartyA is the format of the option-A party fields 51A to 58A (UHB-2015
// us1m/ajh014.htm): an optional line of D/C mark and account, then a BIC.
// Its components, in order, are the mark (DC), the account and the BIC.
const notPartyA = "[[/1!a][/34x]$]<BIC>"

// matchPartyA matches a value against notPartyA by hand, without the
// generic matcher's walk over optional parts. It reports true, with the
// components the backtracking matcher would give, for the shapes party
// fields take:
//
//	BIC                      a BIC of 8 or 11 characters alone
//	/D CrLf BIC              a D/C mark alone
//	/D/account CrLf BIC      a mark and an account
//	/account CrLf BIC        an account: the whole line, when it cannot be
//	                         a mark ("/DE89..." or "/12345" alike)
//
// For anything else it reports false without touching mt, and the caller
// runs the generic matcher, which finds the answer and explains failures
// (TestPartyAAgrees and FuzzPartyA hold it to the backtracking matcher).
func matchPartyA(mt *matcher, v string) bool {
	dc, acct := span{-1, -1}, span{-1, -1}
	bic := v
	if len(v) > 0 && v[0] == '/' {
		e := strings.IndexByte(v, '\n')
		if e < 0 {
			return false
		}
		l := e
		if v[l-1] == '\r' {
			l--
		}
		var ok bool
		if dc, acct, ok = partyALine(v[:l]); !ok {
			return false
		}
		bic = v[e+1:]
	}
	if !isBICValue(bic) {
		return false
	}
	mt.caps[0], mt.caps[1] = dc, acct
	mt.caps[2] = span{int32(len(v) - len(bic)), int32(len(v))}
	return true
}

// partyALine splits the first line of an option-A party field, starting
// with '/', into the spans of the D/C mark and the account (-1 when
// absent). ok is false when the line is none of matchPartyA's shapes.
func partyALine(line string) (dc, acct span, ok bool) {
	dc, acct = span{-1, -1}, span{-1, -1}
	switch {
	case len(line) < 2:
		return dc, acct, false
	case isUpper(line[1]) && len(line) == 2:
		dc = span{1, 2}
	case isUpper(line[1]) && line[2] == '/':
		// "/D/": an empty account makes "D/" the account; left to the
		// generic matcher.
		if len(line) == 3 {
			return dc, acct, false
		}
		dc, acct = span{1, 2}, span{3, int32(len(line))}
	default:
		// Not a mark followed by '/' or the line end: every way through
		// with a mark fails, so the account is all of the line.
		acct = span{1, int32(len(line))}
	}
	if n := acct.hi - acct.lo; n > 34 || (n > 0 && !allIn(&setTable[setX], line[acct.lo:acct.hi])) {
		return dc, acct, false
	}
	return dc, acct, true
}

// isBICValue reports whether v is a whole BIC as the <BIC> component takes
// it: 4!a2!a2!c then an optional 3!c.
func isBICValue(v string) bool {
	switch len(v) {
	case 8:
		return isBIC(v)
	case 11:
		return isBIC(v) && allUC(v[8:])
	}
	return false
}

// allIn reports whether every byte of s is in the set t.
func allIn(t *[256]bool, s string) bool {
	for i := 0; i < len(s); i++ {
		if !t[s[i]] {
			return false
		}
	}
	return true
}
