package mt

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestCompileErrors(t *testing.T) {
	for _, n := range []string{"", "x", "16", "16q", "[16x", "16x]", "[]", "4*x", "3-1n", "<FOO>", "99999999x",
		"1n1n1n1n1n1n1n1n1n1n1n1n1n1n1n1n1n", "[[[[[[[[[[1n]]]]]]]]]]"} {
		if n == "" {
			continue // empty notation compiles to "empty value only"
		}
		if _, err := Compile(n); !errors.Is(err, ErrNotation) {
			t.Errorf("Compile(%q) err = %v, want ErrNotation", n, err)
		}
	}
	if _, err := Compile("3!a15d", "Currency"); !errors.Is(err, ErrNotation) {
		t.Errorf("wrong name count accepted")
	}
}

func TestNotationMatch(t *testing.T) {
	cases := []struct {
		notation, names, value string
		ok                     bool
		code                   string // on failure
		comp                   string // failing component ("" for separators)
		offset                 int
	}{
		{"16x", "Ref", "ABC/123", true, "", "", 0},
		{"16x", "Ref", "ABCDEFGHIJKLMNOPQ", false, "T33", "Ref", 16},
		{"16x", "Ref", "ABC_1", false, "T34", "Ref", 3},
		{"16x", "Ref", "", false, "T17", "Ref", 0},
		{"6!n", "N", "12345", false, "T34", "N", 5},
		{"6!n", "Date", "12345X", false, "T50", "Date", 5},
		{"3!a15d", "Currency,Amount", "EUR1000,", true, "", "", 0},
		{"3!a15d", "Currency,Amount", "EU1000,", false, "T52", "Currency", 2},
		{"3!a15d", "Currency,Amount", "EUR1000.5", false, "T43", "Amount", 7},
		{"3!a15d", "Currency,Amount", "EUR1234567890123456,", false, "T40", "Amount", 18},
		{"3!a15d", "Currency,Amount", "EUR", false, "T40", "Amount", 3},
		{"4*35x", "N", "A\r\nB\r\nC\r\nD", true, "", "", 0},
		{"4*35x", "N", "A\nB\nC\nD\nE", false, "T30", "N", 8},
		{"4*35x", "N", "A\n\nB", false, "T17", "N", 2},
		{"4*35x", "N", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", false, "T33", "N", 35},
		{"/8c/4!n1!x4!n", "Code,Time,Sign,Offset", "/SNDTIME/1249+0100", true, "", "", 0},
		{"/8c/4!n1!x4!n", "Code,Time,Sign,Offset", "SNDTIME/1249+0100", false, "T31", "", 0},
		{"[[/1!a][/34x]$]<BIC>", "DC,Account,BIC", "BANKBEBB", true, "", "", 0},
		{"[[/1!a][/34x]$]<BIC>", "DC,Account,BIC", "/D/12345\nBANKBEBBXXX", true, "", "", 0},
		{"[[/1!a][/34x]$]<BIC>", "DC,Account,BIC", "/ABC\r\nBANKBEBB", true, "", "", 0},
		{"[[/1!a][/34x]$]<BIC>", "DC,Account,BIC", "BANK1234", false, "T27", "BIC", 0},
		{"[[/1!a][/34x]$]<BIC>", "DC,Account,BIC", "BANKBEBBXX", false, "T33", "BIC", 8},
		{"5n[/5n]", "A,B", "1/1", true, "", "", 0},
		{"5n[/5n]", "A,B", "123456", false, "T33", "A", 5},
		{"6!n[4!n]2a[1!a]15d1!a3!c16x[//16x][$34x]", "ValueDate,EntryDate,Mark,FundsCode,Amount,TransactionType,IdentificationCode,Reference,BankReference,Details",
			"2501150115D100,NTRFNONREF//BANKREF1\nSUPPLEMENTARY", true, "", "", 0},
		{"9000z", "E", "{A\r\n@#", true, "", "", 0},
		{"3!n$6!n[$4!n6!n]", "MT,Date,Session,ISN", "103\n250115", true, "", "", 0},
		{"3!n$6!n[$4!n6!n]", "MT,Date,Session,ISN", "103250115", false, "T33", "MT", 3},
	}
	for _, c := range cases {
		p, err := Compile(c.notation, splitNames(c.names)...)
		if err != nil {
			t.Fatalf("Compile(%q): %v", c.notation, err)
		}
		checkLinear(t, p, c.value)
		ok, f := p.Match(c.value)
		if ok != c.ok {
			t.Errorf("%s ~ %q: ok = %v, want %v (%+v)", c.notation, c.value, ok, c.ok, f)
			continue
		}
		if ok {
			continue
		}
		if f.Code != c.code || f.Name != c.comp || f.Offset != c.offset {
			t.Errorf("%s ~ %q: failure %+v, want code %s component %q offset %d", c.notation, c.value, f, c.code, c.comp, c.offset)
		}
	}
}

func TestNotationComponents(t *testing.T) {
	m, fs := parseOnly("{1:F01BANKBEBBAXXX0000000000}{2:I940BANKDEFFXXXXN}{4:\r\n:20:S\r\n:25:1\r\n:28C:1\r\n:60F:C250114EUR1,\r\n:61:2501150115RD100,5NTRFNONREF//BANK1\r\nSUPP\r\n:62F:C250115EUR1,\r\n-}")
	if len(fs) != 0 {
		t.Fatalf("findings %v", fs)
	}
	f := m.Field("61")
	want := map[string]string{"ValueDate": "250115", "EntryDate": "0115", "Mark": "RD", "Amount": "100,5", "TransactionType": "N",
		"IdentificationCode": "TRF", "Reference": "NONREF", "BankReference": "BANK1", "Details": "SUPP"}
	for k, v := range want {
		if got := f.Get(k); got != v {
			t.Errorf("61 %s = %q, want %q", k, got, v)
		}
	}
	m2, _ := parseOnly("{1:F01BANKBEBBAXXX0000000000}{2:I940BANKDEFFXXXXN}{4:\r\n:61:250115DR1,NTRFNONREF\r\n-}")
	if g := m2.Field("61"); g.Get("Mark") != "D" || g.Get("FundsCode") != "R" || g.Get("Amount") != "1," {
		t.Errorf("61 DR: mark %q funds %q", g.Get("Mark"), g.Get("FundsCode"))
	}
	if d, ok := f.Amount(); !ok || d.String() != "100.5" {
		t.Errorf("amount %v %v", d, ok)
	}
	if loc := f.LocOf("Details"); loc.Line != 7 || loc.Column != 1 {
		t.Errorf("Details at %v", loc)
	}
}

func splitNames(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	st := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[st:i])
			st = i + 1
		}
	}
	return out
}

// TestFirstPathAgrees runs every field format on the field values of the
// test messages, whole and cut or altered in many ways, and checks that
// the first-path matcher, when it matches, agrees with the backtracking
// matcher. It also checks that it matches the common values (the fast
// path is taken).
func TestFirstPathAgrees(t *testing.T) {
	values := map[string]bool{}
	add := func(raw string) {
		m, _ := parseOnly(raw)
		if m == nil {
			return
		}
		for i := range m.Fields {
			values[m.Fields[i].Value] = true
		}
	}
	files, _ := filepath.Glob(filepath.Join(repoRoot(t), "testdata", "mt", "*.fin"))
	for _, fn := range files {
		add(string(readFile(t, fn)))
	}
	add(mt103)
	add(mt940(3))
	for _, v := range []string{"BANKBEBB", "BANKBEBBXXX", "/D/1\nBANKBEBB", "/1\r\nBANKBEBB", "/C\nBANKBEBB", "/D/\nX", "/ABC",
		"/12\nA\nB\nC\nD", "/12\nA\nB\nC\nD\nE", "A\nB", "/D/12//34\nX", "SDVA/INFO", "SDVA", "/SNDTIME/1249+0100",
		"2501150115D1,5NTRFREF//BANK\r\nDETAILS", "250115DR1,5NTRFREF", "250115RD1,NTRF1//2", "1/\n2/X", "DE/X\n1/A\n2/B"} {
		values[v] = true
	}
	base := make([]string, 0, len(values))
	for v := range values {
		base = append(base, v)
	}
	for _, v := range base {
		for i := 0; i <= len(v); i++ {
			values[v[:i]] = true
			values[v[i:]] = true
			if i < len(v) {
				for _, c := range []string{"/", "\n", "\r\n", "A", "1", ",", " ", "//", "_"} {
					values[v[:i]+c+v[i:]] = true
					values[v[:i]+c+v[i+1:]] = true
				}
			}
		}
	}
	for _, v := range []string{"/DE89370400440532013000\r\nBANKDEFFXXX", "//FW123456789\nBANKUS33", "/D/\r\nBANKBEBB",
		"/D/" + strings.Repeat("1", 34) + "\nBANKBEBB", "/D/" + strings.Repeat("1", 35) + "\nBANKBEBB", "/" + strings.Repeat("A", 34) + "\nBANKBEBB",
		"/" + strings.Repeat("A", 35) + "\nBANKBEBB", "/D\r\r\nBANKBEBB", "/\nBANKBEBB", "\r\nBANKBEBB", "/D/a\nBANKBEBB", "BANKBEBBxxx"} {
		values[v] = true
	}
	matched, hand := map[string]bool{}, 0
	for i := range fieldSpecs {
		s := &fieldSpecs[i]
		p := s.get().pat
		for v := range values {
			if checkFirst(t, p, v) {
				matched[s.tag] = true
			}
			if p.partyA && checkPartyA(t, p, v) {
				hand++
			}
		}
	}
	// The common shapes must take the fast path.
	for _, c := range []struct{ tag, v string }{{"52A", "BANKBEBB"}, {"57A", "/D/1\r\nBANKBEBBXXX"}, {"50K", "/1\r\nA\r\nB"},
		{"59", "A\r\nB"}, {"23E", "SDVA"}, {"23E", "PHOB/123"}, {"61", "2501150115D1,5NTRFREF//BANK\r\nDETAILS"}, {"61", "250115D1,NTRFNONREF"}} {
		var mt matcher
		if !specFor(c.tag).get().pat.matchFirst(&mt, c.v) {
			t.Errorf("%s %q: first path does not match", c.tag, c.v)
		}
	}
	// The common shapes of party fields must take the hand-written path.
	for _, v := range []string{"BANKBEBB", "BANKBEBBXXX", "/D/1\r\nBANKBEBBXXX", "/C\nBANKBEBB", "/DE89370400440532013000\r\nBANKDEFFXXX",
		"/12345\r\nBANKBEBB", "//FW123\nBANKUS33"} {
		var mt matcher
		if !matchPartyA(&mt, v) {
			t.Errorf("52A %q: the party-A matcher does not match", v)
		}
	}
	t.Logf("%d values, %d formats matched on the first path, %d party-A matches by hand", len(values), len(matched), hand)
}

// checkPartyA cross-checks the hand-written party-A matcher against the
// backtracking one: when it matches, the backtracking matcher must match
// with the same components.
func checkPartyA(t testing.TB, p *Pattern, value string) bool {
	var a, b matcher
	for i := range a.caps {
		a.caps[i], b.caps[i] = span{-1, -1}, span{-1, -1}
	}
	if !matchPartyA(&a, value) {
		if a.caps != b.caps {
			t.Fatalf("%q: the party-A matcher failed but wrote components %v", value, a.caps[:p.ncomp])
		}
		return false
	}
	b.p, b.v = p, value
	if !b.seq(p.nodes, 0, 0, -1, nil) {
		t.Fatalf("%q ~ %q: the party-A matcher matches, the backtracking matcher does not", p.Notation, value)
	}
	if a.caps != b.caps {
		t.Fatalf("%q ~ %q: party-A components %v, backtracking %v", p.Notation, value, a.caps[:p.ncomp], b.caps[:p.ncomp])
	}
	return true
}

// TestFieldFormatsCompiledWithSets checks that the built-in formats,
// compiled on first use, were compiled with the character sets in place:
// compiling them again now gives the same linearity and first sets.
func TestFieldFormatsCompiledWithSets(t *testing.T) {
	for i := range fieldSpecs {
		s := &fieldSpecs[i]
		p := MustCompile(s.notation)
		if q := s.get().pat; p.linear != q.linear || !reflect.DeepEqual(p.nodes, q.nodes) {
			t.Errorf("%s %s: compiled differently on first use", s.tag, s.notation)
		}
	}
	if !specFor("61").get().pat.nodes[1].first.has('0') {
		t.Error("first set of 61's entry date is empty")
	}
}

// TestRuns checks compRun and lineRun against the loops they replaced, for
// every character set, on strings of every byte.
func TestRuns(t *testing.T) {
	var vals []string
	for c := 0; c < 256; c++ {
		vals = append(vals, "AB1"+string([]byte{byte(c)})+"x/\r\nZZ", string([]byte{byte(c), 'a', '\n', byte(c)}))
	}
	vals = append(vals, "", "\r\n", "ABC DEF\r\nGHI", "abc{@#_\r\n=!", "123,45")
	for s := charset(0); s < numSets; s++ {
		tb := &setTable[s]
		for _, v := range vals {
			for pos := 0; pos <= len(v); pos++ {
				for _, max := range []int{1, 3, 35, 9000} {
					l := 0
					for pos+l < len(v) && l < max && tb[v[pos+l]] {
						if (v[pos+l] == '\r' || v[pos+l] == '\n') && s != setZ {
							break
						}
						l++
					}
					if got := compRun(s, v, pos, max); got != l {
						t.Fatalf("compRun(set %d, %q, %d, %d) = %d, want %d", s, v, pos, max, got, l)
					}
				}
				l := 0
				for pos+l < len(v) && v[pos+l] != '\n' && v[pos+l] != '\r' && tb[v[pos+l]] {
					l++
				}
				if got := lineRun(s, v, pos); got != l {
					t.Fatalf("lineRun(set %d, %q, %d) = %d, want %d", s, v, pos, got, l)
				}
			}
		}
	}
}
