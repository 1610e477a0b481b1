package xsd

import (
	"regexp"
	"strings"
	"testing"
)

func TestTranslatePattern(t *testing.T) {
	tests := []struct {
		xsd   string
		match []string
		no    []string
	}{
		{`[A-Z]{3,3}`, []string{"EUR"}, []string{"EU", "EURO", "eur", " EUR"}},
		{`[0-9]{1,15}`, []string{"1", "123456789012345"}, []string{"", "1234567890123456", "1a"}},
		{`\d+`, []string{"12", "١٢"}, []string{"a"}},
		{`[\d\-]+`, []string{"1-2"}, []string{"x"}},
		{`\s?x`, []string{" x", "x"}, []string{"  x"}},
		{`a.c`, []string{"abc"}, []string{"a\nc", "a\rc"}},
		{`a^b$c`, []string{"a^b$c"}, []string{"abc"}},
		{`ab|cd`, []string{"ab", "cd"}, []string{"abcd"}},
		{`.*Z`, []string{"Z", "10:00Z"}, []string{"10:00"}},
		{`[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}`, []string{"6f1c2b8e-3d4a-4e5f-9a6b-7c8d9e0f1a2b"}, []string{"6f1c2b8e-3d4a-1e5f-9a6b-7c8d9e0f1a2b"}},
	}
	for _, tc := range tests {
		tr, err := TranslatePattern(tc.xsd)
		if err != nil {
			t.Errorf("%s: %v", tc.xsd, err)
			continue
		}
		re := regexp.MustCompile(tr)
		for _, m := range tc.match {
			if !re.MatchString(m) {
				t.Errorf("%s (%s) does not match %q", tc.xsd, tr, m)
			}
		}
		for _, m := range tc.no {
			if re.MatchString(m) {
				t.Errorf("%s (%s) matches %q", tc.xsd, tr, m)
			}
		}
	}
	for _, bad := range []string{`[a-z-[aeiou]]`, `\p{IsBasicLatin}`, `[abc`, `x\`, `\q`} {
		if _, err := TranslatePattern(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestLexical(t *testing.T) {
	st := func(p prim) *stype { return &stype{prim: p} }
	tests := []struct {
		p    prim
		v    string
		want bool
	}{
		{pDecimal, "1.5", true}, {pDecimal, "-0.50", true}, {pDecimal, ".5", true}, {pDecimal, "5.", true},
		{pDecimal, "1e3", false}, {pDecimal, "", false}, {pDecimal, ".", false}, {pDecimal, "1,5", false}, {pDecimal, "+-1", false},
		{pDate, "2024-02-29", true}, {pDate, "2023-02-29", false}, {pDate, "2100-02-29", false}, {pDate, "2000-02-29", true},
		{pDate, "2024-04-31", false}, {pDate, "2024-13-01", false}, {pDate, "0000-01-01", false}, {pDate, "2024-01-01Z", true},
		{pDate, "2024-01-01+14:00", true}, {pDate, "2024-01-01+14:01", false}, {pDate, "24-01-01", false}, {pDate, "02024-01-01", false},
		{pDateTime, "2024-01-01T10:00:00", true}, {pDateTime, "2024-01-01T10:00:00.123+01:00", true}, {pDateTime, "2024-01-01T24:00:00", true},
		{pDateTime, "2024-01-01T24:00:01", false}, {pDateTime, "2024-01-01T10:60:00", false}, {pDateTime, "2024-01-01 10:00:00", false},
		{pDateTime, "2024-01-01T10:00:00.", false}, {pDateTime, "2024-01-01T10:00", false},
		{pTime, "23:59:59", true}, {pTime, "25:00:00", false},
		{pGYearMonth, "2024-12", true}, {pGYearMonth, "2024-00", false}, {pGYear, "2024", true},
		{pBoolean, "true", true}, {pBoolean, "0", true}, {pBoolean, "TRUE", false},
		{pInteger, "12", true}, {pInteger, "1.0", false},
	}
	for _, tc := range tests {
		if got := st(tc.p).lexicalOK([]byte(tc.v)); got != tc.want {
			t.Errorf("prim %d %q: got %v", tc.p, tc.v, got)
		}
	}
}

func TestNormalise(t *testing.T) {
	for in, want := range map[string]string{" a  b ": "a b", "a\tb\n": "a b", "ab": "ab", "  ": ""} {
		if got := string(normalise([]byte(in), wsCollapse, nil)); got != want {
			t.Errorf("collapse %q = %q, want %q", in, got, want)
		}
	}
	if got := string(normalise([]byte("a\tb"), wsReplace, nil)); got != "a b" {
		t.Errorf("replace: %q", got)
	}
}

type collect struct{ v []Violation }

func (c *collect) Violation(v *Violation) { c.v = append(c.v, *v) }

// TestValidate checks each violation kind with its path and line.
func TestValidate(t *testing.T) {
	v := fuzzValidator(t)
	tests := []struct {
		name string
		doc  string
		want string // "kind path line" per violation, ";"-separated
	}{
		{"valid", `<Document xmlns="urn:f"><A Ccy="EUR">1.5</A><A Ccy="USD">0</A><B>USD</B></Document>`, ""},
		{"valid wildcard", `<Document xmlns="urn:f"><A Ccy="EUR">1</A><x:Any xmlns:x="urn:x"><y/></x:Any></Document>`, ""},
		{"missing", `<Document xmlns="urn:f">` + "\n" + `</Document>`, "2 /Document/A[1] 1"},
		{"missing before", `<Document xmlns="urn:f">` + "\n" + `<B>EUR</B></Document>`, "2 /Document/A[1] 2"},
		{"missing before, then wrong", `<Document xmlns="urn:f"><B>EUR</B><B>EUR</B></Document>`, "2 /Document/A[1] 1;1 /Document/B 1"},
		{"unexpected", `<Document xmlns="urn:f"><A Ccy="EUR">1</A>` + "\n" + `<Z/></Document>`, "1 /Document/Z 2"},
		{"too many", `<Document xmlns="urn:f"><A Ccy="EUR">1</A><A Ccy="EUR">1</A><A Ccy="EUR">1</A><A Ccy="EUR">1</A></Document>`, "1 /Document/A 1"},
		{"choice twice", `<Document xmlns="urn:f"><A Ccy="EUR">1</A><B>EUR</B><C>2024-01-01</C></Document>`, "1 /Document/C 1"},
		{"digits", `<Document xmlns="urn:f"><A Ccy="EUR">1.555</A><A Ccy="EUR">` + "\n" + `123456</A></Document>`, "10 /Document/A[1] 1;10 /Document/A[2] 1"},
		{"range", `<Document xmlns="urn:f"><A Ccy="EUR">-1</A></Document>`, "11 /Document/A[1] 1"},
		{"enum and pattern", `<Document xmlns="urn:f"><A Ccy="EUR">1</A><B>eur</B></Document>`, "7 /Document/B 1;9 /Document/B 1"},
		{"date", `<Document xmlns="urn:f"><A Ccy="EUR">1</A><C>2023-02-29</C></Document>`, "6 /Document/C 1"},
		{"attr missing", `<Document xmlns="urn:f"><A>1</A></Document>`, "4 /Document/A[1]/@Ccy 1"},
		{"attr extra", `<Document xmlns="urn:f"><A Ccy="EUR" X="1">1</A></Document>`, "4 /Document/A[1]/@X 1"},
		{"attr value", `<Document xmlns="urn:f"><A Ccy="GBP">1</A></Document>`, "7 /Document/A[1]/@Ccy 1"},
		{"text", `<Document xmlns="urn:f">hello<A Ccy="EUR">1</A></Document>`, "3 /Document 1"},
		{"child in simple", `<Document xmlns="urn:f"><A Ccy="EUR"><B/></A></Document>`, "1 /Document/A[1]/B 1;5 /Document/A[1] 1"},
		{"root", `<Other xmlns="urn:f"/>`, "12 /Other 1"},
		{"wrong ns child", `<Document xmlns="urn:f"><A xmlns="urn:g" Ccy="EUR">1</A></Document>`, "1 /Document/A 1"},
		{"every error", `<Document xmlns="urn:f"><A Ccy="EUR">x</A><A Ccy="EUR">-2</A><B>ABC</B></Document>`, "5 /Document/A[1] 1;11 /Document/A[2] 1;7 /Document/B 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c collect
			if err := v.Validate([]byte(tc.doc), &c); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range c.v {
				got = append(got, strings.Join([]string{itoa(int(x.Kind)), x.Path, itoa(x.Line)}, " "))
			}
			if g := strings.Join(got, ";"); g != tc.want {
				t.Errorf("got  %s\nwant %s\n%v", g, tc.want, c.v)
			}
		})
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// TestMissingLocated: a missing required element is reported at its own
// XPath (a required choice as its alternatives), on its parent's line when
// the parent ends without it, else on the line of the element that came in
// its place; validation goes on after it.
func TestMissingLocated(t *testing.T) {
	s, err := Read("m.xsd", []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:m" targetNamespace="urn:m" elementFormDefault="qualified">
<xs:element name="Document" type="D"/>
<xs:complexType name="D"><xs:sequence><xs:element name="M" type="xs:string"/><xs:element name="O" type="xs:string" minOccurs="0"/><xs:choice><xs:element name="X" type="xs:string"/><xs:element name="Y" type="xs:string"/></xs:choice><xs:element name="Z" type="Z" maxOccurs="2"/></xs:sequence></xs:complexType>
<xs:complexType name="Z"><xs:sequence><xs:element name="Id" type="xs:string"/><xs:element name="Nm" type="xs:string"/></xs:sequence></xs:complexType>
</xs:schema>`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, doc string
		want      string // "kind path line msg" per violation, "\n"-separated
	}{
		{"valid", "<Document xmlns=\"urn:m\"><M/><Y/><Z><Id/><Nm/></Z></Document>", ""},
		{"end: all after M", "<Document xmlns=\"urn:m\">\n<M/></Document>",
			"2 /Document/(X|Y) 1 Document is incomplete: one of X, Y is missing\n2 /Document/Z[1] 1 Document is incomplete: Z is missing"},
		{"before Z", "<Document xmlns=\"urn:m\">\n<O/>\n<Z><Id/><Nm/></Z></Document>",
			"2 /Document/M 2 Document is incomplete: M is missing before O\n2 /Document/(X|Y) 3 Document is incomplete: one of X, Y is missing before Z"},
		{"nested, second Z", "<Document xmlns=\"urn:m\"><M/><X/><Z><Id/><Nm/></Z>\n<Z>\n<Nm/></Z></Document>",
			"2 /Document/Z[2]/Id 3 Z is incomplete: Id is missing before Nm"},
		{"nested end", "<Document xmlns=\"urn:m\"><M/><X/>\n<Z><Id/></Z></Document>",
			"2 /Document/Z[1]/Nm 2 Z is incomplete: Nm is missing"},
		{"misplaced, not missing", "<Document xmlns=\"urn:m\"><M/><X/><Z><Id/><Nm/></Z><M/></Document>",
			"1 /Document/M 1 element M is not expected here; expected Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c collect
			if err := v.Validate([]byte(tc.doc), &c); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range c.v {
				got = append(got, strings.Join([]string{itoa(int(x.Kind)), x.Path, itoa(x.Line), x.Msg}, " "))
			}
			if g := strings.Join(got, "\n"); g != tc.want {
				t.Errorf("got\n%s\nwant\n%s", g, tc.want)
			}
		})
	}
}

// TestFixedDefault: fixed and default element values.
func TestFixedDefault(t *testing.T) {
	s, err := Read("fd.xsd", []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:fd" targetNamespace="urn:fd" elementFormDefault="qualified">
<xs:element name="Document" type="D"/>
<xs:complexType name="D"><xs:sequence><xs:element name="N" type="xs:decimal" fixed="1"/><xs:element name="C" type="Code" default="EUR" minOccurs="0"/></xs:sequence></xs:complexType>
<xs:simpleType name="Code"><xs:restriction base="xs:string"><xs:pattern value="[A-Z]{3}"/></xs:restriction></xs:simpleType>
</xs:schema>`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	for doc, want := range map[string]int{
		`<Document xmlns="urn:fd"><N>1.00</N><C/></Document>`:    0,
		`<Document xmlns="urn:fd"><N/></Document>`:               0,
		`<Document xmlns="urn:fd"><N>2</N></Document>`:           1,
		`<Document xmlns="urn:fd"><N>1</N><C>eur</C></Document>`: 1,
	} {
		var c collect
		if err := v.Validate([]byte(doc), &c); err != nil || len(c.v) != want {
			t.Errorf("%s: %v %v, want %d violations", doc, err, c.v, want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	head := `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:t" targetNamespace="urn:t" elementFormDefault="qualified">` + "\n"
	tests := []struct {
		name, body string
		line       int
		want       string
	}{
		{"unknown type", `<xs:element name="A" type="Nope"/>`, 2, "not declared"},
		{"bad builtin", `<xs:element name="A" type="xs:QName"/>`, 2, "not supported"},
		{"bad pattern", `<xs:simpleType name="T"><xs:restriction base="xs:string"><xs:pattern value="[a-[b]]"/></xs:restriction></xs:simpleType>`, 2, "pattern of T"},
		{"cycle", "<xs:simpleType name=\"T\"><xs:restriction base=\"U\"/></xs:simpleType>\n<xs:simpleType name=\"U\"><xs:restriction base=\"T\"/></xs:simpleType>", 3, "derives from itself"},
		{"digits on string", `<xs:simpleType name="T"><xs:restriction base="xs:string"><xs:totalDigits value="3"/></xs:restriction></xs:simpleType>`, 2, "totalDigits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Read("t.xsd", []byte(head+tc.body+"\n</xs:schema>"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Compile(s)
			se, ok := err.(*SchemaError)
			if !ok || se.Line != tc.line || !strings.Contains(se.Msg, tc.want) {
				t.Errorf("got %v, want t.xsd:%d containing %q", err, tc.line, tc.want)
			}
		})
	}
}

// TestMissingSearchBound: the search for elements missing before an
// unexpected one runs at most maxSearches times per validation, so a
// document repeating such an element cannot make validation quadratic.
func TestMissingSearchBound(t *testing.T) {
	s, err := Read("r.xsd", []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:r" targetNamespace="urn:r" elementFormDefault="qualified">
<xs:element name="Document" type="D"/>
<xs:complexType name="D"><xs:sequence maxOccurs="unbounded"><xs:element name="A" type="xs:string"/><xs:element name="B" type="xs:string"/></xs:sequence></xs:complexType>
</xs:schema>`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	doc := `<Document xmlns="urn:r">` + strings.Repeat("<B/>", 10000) + `</Document>`
	var c collect
	if err := v.Validate([]byte(doc), &c); err != nil {
		t.Fatal(err)
	}
	missing, unexpected := 0, 0
	for _, x := range c.v {
		switch x.Kind {
		case KindMissing:
			missing++
			if x.Path != "/Document/A" { // A repeats through its group, not itself: no index
				t.Errorf("missing at %s", x.Path)
			}
		case KindUnexpected:
			unexpected++
		}
	}
	if missing != maxSearches || unexpected != 1 {
		t.Errorf("%d missing, %d unexpected; want %d and 1", missing, unexpected, maxSearches)
	}
}

// TestTagKey: the key from one masked load is nameKey's, for every name
// length, whether or not the slice has room for the load.
func TestTagKey(t *testing.T) {
	in := []byte("FIToFICstmrCdtTrfX")
	for i := 0; i <= len(in); i++ {
		for j := i; j <= len(in); j++ {
			for _, b := range [][]byte{in[i:j], in[i:j:j]} {
				if got, want := tagKey(b), nameKey(b); got != want {
					t.Fatalf("tagKey(%q) (cap %d) = %x, want %x", b, cap(b), got, want)
				}
			}
		}
	}
}
