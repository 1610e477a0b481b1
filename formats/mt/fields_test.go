package mt

import (
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fieldCases holds, for every field spec, one valid and one invalid value
// with the expected code and the 0-based offset of the problem in the value.
var fieldCases = map[string]struct {
	valid, invalid string
	code           string
	off            int
}{
	"11R": {"103\r\n250115", "103\r\n251315", "T50", 5},
	"11S": {"103\r\n250115\r\n1234123456", "1O3\r\n250115", "T34", 1},
	"12":  {"940", "94A", "T34", 2},
	"19":  {"1500,00", "1500.00", "T43", 4},
	"21C": {"MANDATE-1", "MANDATE_1", "T34", 7},
	"21D": {"DD REF 1", "DD{REF", "T34", 2},
	"21E": {"REG-1", "", "T17", 0},
	"23":  {"CREDIT", "CREDIT_", "T34", 6},
	"28":  {"123/01", "123/012", "T33", 6},
	"32C": {"250115EUR10,", "250132EUR10,", "T50", 0},
	"32D": {"250115USD10,", "250115usd10,", "T52", 6},
	"37H": {"CN2,5", "X2,5", "T51", 0},
	"50":  {"JOHN DOE\r\nSTREET", "A\r\nB\r\nC\r\nD\r\nE", "T30", 12},
	"53C": {"/123456", "123456", "T31", 0},
	"71B": {"/COMM/EUR5,", "/COMM/\r\n\r\nX", "T17", 8},
	"13C": {"/SNDTIME/1249+0100", "/SNDTIME/2561+0100", "T38", 9},
	"13D": {"2501151200+0100", "2501151200*0100", "T15", 10},
	"20":  {"REF-1", "REF//1", "T26", 0},
	"21":  {"NONREF", "REF/", "T26", 0},
	"21F": {"FX1", "FX1_", "T34", 3},
	"21R": {"BATCH1", "/BATCH1", "T26", 0},
	"23B": {"CRED", "CRE", "T34", 3},
	"23E": {"PHOB/+44 1234", "PHOB+44", "T31", 4},
	"25":  {"123-456", "1234567890123456789012345678901234567", "T33", 35},
	"25A": {"/123", "123", "T31", 0},
	"25P": {"123\r\nBANKBEBB", "123\r\nBANK", "T27", 5},
	"26T": {"K90", "K9", "T34", 2},
	"28C": {"12/3", "12/", "T17", 3},
	"28D": {"1/2", "1-2", "T31", 1},
	"30":  {"250228", "250229", "T50", 0},
	"32A": {"250115EUR1,5", "250115EUR,5", "T40", 9},
	"32B": {"JPY100,", "XXY100,", "T52", 0},
	"33B": {"EUR1,", "EUR1", "T43", 3},
	"34F": {"EURD1,", "EURX1,", "T51", 3},
	"36":  {"0,9", "0,9,1", "T43", 0},
	"50A": {"/123\r\nBANKBEBB", "/123\r\nBANK", "T27", 6},
	"50C": {"BANKBEBB", "BANK1EBB", "T27", 0},
	"50F": {"/12345\r\n1/JOHN\r\n2/STREET\r\n3/BE/BRUSSELS", "/12345\r\n2/JOHN\r\n1/X", "T56", 16},
	"50G": {"/123\r\nBANKBEBB", "123\r\nBANKBEBB", "T31", 0},
	"50H": {"/123\r\nJOHN", "/123", "T31", 4},
	"50K": {"/123\r\nJOHN\r\nSTREET", "JOHN\r\nA\r\nB\r\nC\r\nD", "T30", 15},
	"50L": {"PARTY1", "PARTY_1", "T34", 5},
	"51A": {"BANKBEBB", "bankbebb", "T27", 0},
	"52A": {"/C/123\r\nBANKBEBBXXX", "BANKBEBBXXXX", "T33", 11},
	"52B": {"BRUSSELS", "BRU{SSELS", "T34", 3},
	"52C": {"/123", "/", "T17", 1},
	"52D": {"BANK\r\nBRUSSELS", "BANK\r\n\r\nBRUSSELS", "T17", 6},
	"53A": {"BANKBEBB", "BANKBEB", "T27", 0},
	"53B": {"/123", "", "T17", 0},
	"53D": {"NAME", "NAME_", "T34", 4},
	"54A": {"BANKBEBB", "1ANKBEBB", "T27", 0},
	"54B": {"BRUSSELS", "BRUSSELS_", "T34", 8},
	"54D": {"NAME", "", "T17", 0},
	"55A": {"BANKBEBB", "BANKBEBB1", "T33", 8},
	"55B": {"BRUSSELS", "_", "T34", 0},
	"55D": {"NAME", "NAME\r\n_", "T34", 6},
	"56A": {"BANKBEBB", "BANK", "T27", 0},
	"56C": {"/123", "/_", "T34", 1},
	"56D": {"NAME", "NAME\r\n\r\nX", "T17", 6},
	"57A": {"BANKBEBB", "BANK BEBB", "T27", 0},
	"57B": {"BRUSSELS", "", "T17", 0},
	"57C": {"/123", "123", "T31", 0},
	"57D": {"NAME", "N_", "T34", 1},
	"58A": {"BANKBEBB", "BANKBEB", "T27", 0},
	"58B": {"BRUSSELS", "B_", "T34", 1},
	"58D": {"NAME", "_", "T34", 0},
	"59":  {"/123\r\nJANE", "/123\r\n\r\nJANE", "T17", 6},
	"59A": {"BANKBEBB", "BANKBEB", "T27", 0},
	"59F": {"/123\r\n1/JANE\r\n3/ES/MADRID", "/123\r\nJANE", "T56", 6},
	"60F": {"C250114EUR1,", "X250114EUR1,", "T51", 0},
	"60M": {"D250114EUR1,", "D250114EUR1", "T43", 10},
	"61":  {"250115D1,NTRFNONREF", "250115X1,NTRFNONREF", "T51", 6},
	"62F": {"C250114EUR1,", "C259914EUR1,", "T50", 1},
	"62M": {"C250114EUR1,", "C250114EU1,", "T52", 9},
	"64":  {"C250114EUR1,", "C250114EUR", "T40", 10},
	"65":  {"C250114EUR1,", "C250114EUR1,,", "T43", 10},
	"70":  {"INV 1", "A\r\nB\r\nC\r\nD\r\nE", "T30", 12},
	"71A": {"SHA", "SH", "T34", 2},
	"71F": {"EUR1,", "EUR", "T40", 3},
	"71G": {"EUR1,", "EURO1,", "T52", 3},
	"72":  {"/INS/BANKBEBB", "/INS/BANK~", "T34", 9},
	"75":  {"/1/QUERY", "", "T17", 0},
	"76":  {"/CNCL/", "", "T17", 0},
	"77A": {"NARRATIVE", "NARR_", "T34", 4},
	"77B": {"/ORDERRES/BE", "A\r\nB\r\nC\r\nD", "T30", 9},
	"77T": {"/NARR/{X@#", "/NARR/}", "T34", 6},
	"79":  {"FREE TEXT", "FREE|TEXT", "T34", 4},
	"86":  {"DETAILS", "DETAILS\r\n\r\nMORE", "T17", 9},
	"90C": {"1EUR10,", "1EUR", "T40", 4},
	"90D": {"12EUR10,", "EUR10,", "T34", 0},
}

// TestFieldSpecsCompile compiles every built-in notation, as the parser
// does on a spec's first use: a bad notation must fail here, never panic in
// a user's run. The compiled spec is published once and kept.
func TestFieldSpecsCompile(t *testing.T) {
	for i := range fieldSpecs {
		s := &fieldSpecs[i]
		names := strings.Split(s.names, ",")
		p, err := Compile(s.notation, names...)
		if err != nil {
			t.Errorf("%s %q: %v", s.tag, s.notation, err)
			continue
		}
		if p.ncomp != len(names) {
			t.Errorf("%s %q: %d components, %d names %q", s.tag, s.notation, p.ncomp, len(names), s.names)
		}
		c := s.get()
		if c != s.get() || c.pat.Notation != s.notation || c.pat.ncomp != p.ncomp {
			t.Errorf("%s: get() did not keep one compiled spec of its notation", s.tag)
		}
		post := s.slash || s.numbered > 0
		for _, ci := range p.comps {
			post = post || ci.kind != semNone
		}
		if c.post != post {
			t.Errorf("%s: post = %v, want %v", s.tag, c.post, post)
		}
	}
}

// TestFieldSpecCompileRace: first uses of one spec from several goroutines
// at once all get the same compiled spec (go test -race checks the
// publication).
func TestFieldSpecCompileRace(t *testing.T) {
	s := &fieldSpec{tag: "32A", notation: "6!n3!a15d", names: "Date,Currency,Amount"}
	got := make([]*compiledSpec, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i] = s.get() })
	}
	wg.Wait()
	for _, c := range got {
		if c != got[0] || c.pat.ncomp != 3 || !c.post {
			t.Fatalf("first uses disagree: %p %p (ncomp %d, post %v)", c, got[0], c.pat.ncomp, c.post)
		}
	}
}

func TestFieldSpecs(t *testing.T) {
	for i := range fieldSpecs {
		s := &fieldSpecs[i]
		c, ok := fieldCases[s.tag]
		if !ok {
			t.Errorf("no test case for field spec %s", s.tag)
			continue
		}
		head := "{1:F01BANKBEBBAXXX0000000000}{2:I799BANKDEFFXXXXN}{4:\r\n"
		_, fs := parseOnly(head + ":" + s.tag + ":" + c.valid + "\r\n-}")
		if len(fs) != 0 {
			t.Errorf("%s valid %q: findings %v", s.tag, c.valid, fs)
		}
		_, fs = parseOnly(head + ":" + s.tag + ":" + c.invalid + "\r\n-}")
		// Locate the expected offset: line 2 plus the lines before off.
		line, col := 2, len(s.tag)+3
		for k := 0; k < c.off; k++ {
			if c.invalid[k] == '\n' {
				line++
				col = 1
			} else {
				col++
			}
		}
		if !hasFinding(fs, c.code, line, col) {
			t.Errorf("%s invalid %q: want %s at line %d column %d, got %v", s.tag, c.invalid, c.code, line, col, fs)
		}
		for _, f := range fs {
			if f.Location.Block != 4 || f.Location.Field != s.tag {
				t.Errorf("%s: finding not located at the field: %+v", s.tag, f)
			}
		}
	}
}

func TestCurrencies(t *testing.T) {
	for _, c := range []struct {
		ccy string
		n   int
		ok  bool
	}{{"EUR", 2, true}, {"JPY", 0, true}, {"BHD", 3, true}, {"XXY", 0, false}} {
		n, ok := MinorUnits(c.ccy)
		if n != c.n || ok != c.ok {
			t.Errorf("MinorUnits(%s) = %d, %v", c.ccy, n, ok)
		}
	}
}

func TestParseAmount(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{{"1234,56", "1234.56", true}, {"1000,", "1000", true}, {"0,5", "0.5", true}, {",5", "", false}, {"1,2,3", "", false}, {"12", "", false}, {"1.5", "", false}, {"", "", false}} {
		d, ok := ParseAmount(c.in)
		if ok != c.ok || (ok && d.String() != c.want) {
			t.Errorf("ParseAmount(%q) = %v, %v", c.in, d, ok)
		}
	}
}

// TestFieldIndex checks Message.Field (indexed by tag number) against a
// scan of all fields, for every tag form, on the test messages, a message
// with block 4 twice and a Message built by hand.
func TestFieldIndex(t *testing.T) {
	inputs := []string{mt103, mt940(3), b1 + b2 + "{4:\r\n:21:A\r\n:20:B\r\n-}{4:\r\n:20:C\r\n:21:D\r\n-}"}
	files, _ := filepath.Glob(filepath.Join(repoRoot(t), "testdata", "mt", "*.fin"))
	for _, fn := range files {
		inputs = append(inputs, string(readFile(t, fn)))
	}
	var tags []string
	for n := 0; n < 100; n++ {
		num := string([]byte{byte('0' + n/10), byte('0' + n%10)})
		tags = append(tags, num, num+"a", num+"A", num+"F", num+"K")
	}
	tags = append(tags, "", "5", "x", "5xa", "any")
	check := func(name string, m *Message) {
		for i := range m.Fields {
			f := &m.Fields[i]
			n, o := f.key()
			if wn, wo := tagKey(f.Tag); n != wn || o != wo {
				t.Fatalf("%s: field %s key %d,%d, want %d,%d", name, f.Tag, n, o, wn, wo)
			}
		}
		for _, tag := range tags {
			if got, want := m.Field(tag), first(m.Fields, tag); got != want {
				t.Fatalf("%s: Field(%q) = %v, want %v", name, tag, got, want)
			}
			if m.Has(tag) != (first(m.Fields, tag) != nil) {
				t.Fatalf("%s: Has(%q) wrong", name, tag)
			}
		}
	}
	for i, in := range inputs {
		m, _ := parseOnly(in)
		if m == nil {
			continue
		}
		check(strconv.Itoa(i), m)
	}
	check("by hand", &Message{Fields: []Field{{Tag: "20"}, {Tag: "32A"}, {Tag: "50K"}}})
}
