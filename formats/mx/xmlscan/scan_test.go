package xmlscan

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// dump renders every token of doc, one per line, or the error.
func dump(doc string, lim Limits) (string, error) {
	s := NewScanner([]byte(doc), lim)
	var b strings.Builder
	for {
		t, err := s.Next()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return b.String(), err
		}
		switch t.Kind {
		case StartElement:
			fmt.Fprintf(&b, "%d:start {%s}%s", s.Line(t.Offset), t.Name.Space, t.Name.Local)
			for _, a := range t.Attrs {
				fmt.Fprintf(&b, " {%s}%s=%q", a.Name.Space, a.Name.Local, a.Value)
			}
			b.WriteString("\n")
		case EndElement:
			fmt.Fprintf(&b, "%d:end %s\n", s.Line(t.Offset), t.Name.Local)
		case Text:
			if strings.TrimSpace(string(t.Text)) != "" {
				fmt.Fprintf(&b, "%d:text %q\n", s.Line(t.Offset), t.Text)
			}
		}
	}
}

func TestScanTokens(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"bare", `<a>x</a>`, "1:start {}a\n1:text \"x\"\n1:end a\n"},
		{"bom and decl", "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a/>", "2:start {}a\n2:end a\n"},
		{"default ns", `<Document xmlns="urn:x"><B>1</B></Document>`, "1:start {urn:x}Document\n1:start {urn:x}B\n1:text \"1\"\n1:end B\n1:end Document\n"},
		{"prefixed", "<p:a xmlns:p=\"urn:p\">\n<p:b q=\"1\" p:c='2'/></p:a>", "1:start {urn:p}a\n2:start {urn:p}b {}q=\"1\" {urn:p}c=\"2\"\n2:end b\n2:end a\n"},
		{"entities", `<a v="&lt;&#65;&#x42;">&amp;&gt;&quot;&apos;</a>`, "1:start {}a {}v=\"<AB\"\n1:text \"&>\\\"'\"\n1:end a\n"},
		{"cdata merge", `<a>x<![CDATA[<y>]]><!-- c -->z</a>`, "1:start {}a\n1:text \"x<y>z\"\n1:end a\n"},
		{"crlf", "<a>\r\nx\r\n</a>", "1:start {}a\n1:text \"\\nx\\n\"\n3:end a\n"},
		{"scoped ns", `<a xmlns="u1"><b xmlns="u2"/><c/></a>`, "1:start {u1}a\n1:start {u2}b\n1:end b\n1:start {u1}c\n1:end c\n1:end a\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dump(tc.in, Limits{})
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestScanErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		lim  Limits
		kind ErrorKind
		line int
	}{
		{"mismatch", "<a>\n<b></a>", Limits{}, ErrSyntax, 2},
		{"unclosed", "<a>\n<b>", Limits{}, ErrSyntax, 2},
		{"doctype", "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", Limits{}, ErrDoctype, 2},
		{"entity", "<a>\n&x;</a>", Limits{}, ErrEntity, 2},
		{"bare amp", "<a>a & b</a>", Limits{}, ErrSyntax, 1},
		{"bad utf8", "<a>\n\xff</a>", Limits{}, ErrUTF8, 2},
		{"control char", "<a>\x01</a>", Limits{}, ErrUTF8, 1},
		{"utf16", "\xFE\xFF\x00<", Limits{}, ErrEncoding, 1},
		{"latin1", `<?xml version="1.0" encoding="ISO-8859-1"?><a/>`, Limits{}, ErrEncoding, 1},
		{"undeclared prefix", "<p:a/>", Limits{}, ErrNamespace, 1},
		{"dup attr", `<a x="1" x="2"/>`, Limits{}, ErrSyntax, 1},
		{"unquoted", `<a x=1/>`, Limits{}, ErrSyntax, 1},
		{"two roots", "<a/>\n<b/>", Limits{}, ErrSyntax, 2},
		{"text after", "<a/>x", Limits{}, ErrSyntax, 1},
		{"empty", "", Limits{}, ErrSyntax, 1},
		{"depth", strings.Repeat("<a>", 10000), Limits{}, ErrDepth, 1},
		{"elements", "<a>" + strings.Repeat("<b/>", 11) + "</a>", Limits{MaxElements: 10}, ErrElements, 1},
		{"size", "<a>" + strings.Repeat(" ", 100) + "</a>", Limits{MaxInput: 50}, ErrSize, 1},
		{"char ref to nul", "<a>&#0;</a>", Limits{}, ErrUTF8, 1},
		{"cdata end in text", "<a>]]></a>", Limits{}, ErrSyntax, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dump(tc.in, tc.lim)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want a *Error", err)
			}
			if e.Kind != tc.kind || e.Line != tc.line {
				t.Errorf("got kind %v line %d (%v), want %v line %d", e.Kind, e.Line, e, tc.kind, tc.line)
			}
		})
	}
}

func TestScanAllocs(t *testing.T) {
	doc := []byte(`<?xml version="1.0"?><Document xmlns="urn:x"><A><B Ccy="EUR">1.00</B><C>x &amp; y</C></A></Document>`)
	s := NewScanner(doc, Limits{})
	run := func() {
		s.Reset(doc)
		for {
			if _, err := s.Next(); err != nil {
				break
			}
		}
	}
	run()
	if n := testing.AllocsPerRun(100, run); n != 0 {
		t.Errorf("%v allocations per document, want 0", n)
	}
}

// trace renders every token of data with all of its fields, or the error;
// with leaf set, it reads the content of each element through LeafText
// where that takes it.
func trace(data []byte, lim Limits, leaf bool) (string, error) {
	s := NewScanner(data, lim)
	var b strings.Builder
	put := func(t *Token) {
		fmt.Fprintf(&b, "%d %d-%d d%d", t.Kind, t.Offset, t.End, t.Depth)
		switch t.Kind {
		case StartElement, EndElement:
			fmt.Fprintf(&b, " {%s}%s:%s sc=%v", t.Name.Space, t.Name.Prefix, t.Name.Local, t.SelfClosing)
		case Text:
			fmt.Fprintf(&b, " %q cdata=%v", t.Text, t.CDATA)
		}
		b.WriteString("\n")
	}
	for {
		t, err := s.Next()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return b.String(), err
		}
		put(t)
		if leaf && t.Kind == StartElement && !t.SelfClosing {
			if text, end, ok := s.LeafText(); ok {
				if text != nil {
					put(text)
				}
				put(end)
			}
		}
	}
}

// TestLeafText: reading leaves through LeafText gives the tokens Next
// gives, and takes the usual leaves.
func TestLeafText(t *testing.T) {
	docs := []string{
		`<a>x</a>`, `<a><b>1</b><c></c><d/><e> </e><p:f xmlns:p="u">v</p:f></a>`,
		`<a><b>x &amp; y</b><c>x<![CDATA[y]]></c><d>x<!-- c -->y</d><e>a]b</e><f>a` + "\r\n" + `b</f></a>`,
		`<a><b>x</b ><c>y</cc></a>`, `<a><b>x<c/></b></a>`, `<a><b>x</b>`, `<a><b>x</`, `<a><b>x</b`,
	}
	for _, doc := range docs {
		want, werr := trace([]byte(doc), Limits{}, false)
		got, gerr := trace([]byte(doc), Limits{}, true)
		if got != want || fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Errorf("%s: LeafText gives\n%s%v\nNext gives\n%s%v", doc, got, gerr, want, werr)
		}
	}
	s := NewScanner([]byte(`<a><b>12</b><c></c></a>`), Limits{})
	s.Next()
	if _, _, ok := s.LeafText(); ok {
		t.Error("LeafText took an element with element content")
	}
	for _, want := range []string{"12", ""} {
		s.Next()
		text, end, ok := s.LeafText()
		if !ok || end.Kind != EndElement || (text == nil) != (want == "") || text != nil && string(text.Text) != want {
			t.Errorf("LeafText: %v %+v %+v, want text %q", ok, text, end, want)
		}
	}
}

func FuzzScan(f *testing.F) {
	for _, s := range []string{`<a>x</a>`, `<p:a xmlns:p="u" p:x="&amp;"><![CDATA[x]]></p:a>`, `<!DOCTYPE a><a/>`, "<a>\xff</a>", `<a><b>1</b><c></c><d> </d></a>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{MaxDepth: 20, MaxElements: 1000}
		want, werr := trace(data, lim, false)
		got, gerr := trace(data, lim, true)
		if got != want || fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Fatalf("LeafText gives\n%s%v\nNext gives\n%s%v", got, gerr, want, werr)
		}
		s := NewScanner(data, Limits{MaxDepth: 20, MaxElements: 1000})
		for i := 0; ; i++ {
			tok, err := s.Next()
			if err != nil {
				var e *Error
				if err != io.EOF && (!errors.As(err, &e) || e.Line < 1) {
					t.Fatalf("bad error %v", err)
				}
				return
			}
			if s.Line(tok.Offset) < 1 || i > 10*len(data)+10 {
				t.Fatalf("bad token %+v", tok)
			}
		}
	})
}

// TestCheckChars compares the word-at-a-time check with a plain one on
// inputs with a bad byte at every position.
func TestCheckChars(t *testing.T) {
	plain := func(d []byte) (int, bool) {
		for i := 0; i < len(d); {
			r, n := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && n == 1 || r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
				return i, false
			}
			i += n
		}
		return 0, true
	}
	base := []byte("<a>\tabc é defghijklmn\r\nopqrstu 日本 vwxyz0123456789</a>")
	for _, bad := range [][]byte{{0x01}, {0xff}, {0xc3}, {0xef, 0xbf, 0xbe}, {0x1f}} {
		for i := 0; i <= len(base); i++ {
			d := append(append(append([]byte(nil), base[:i]...), bad...), base[i:]...)
			gi, gok := checkChars(d)
			wi, wok := plain(d)
			if gi != wi || gok != wok {
				t.Fatalf("%q: got %d %v, want %d %v", d, gi, gok, wi, wok)
			}
		}
	}
	if _, ok := checkChars(base); !ok {
		t.Error("valid input refused")
	}
	// Every byte value at every position of a run long enough for the
	// word-at-a-time paths, among neighbours that are themselves allowed
	// control bytes.
	run := []byte("ab\tcd\nef\rgh ij\t\nklmnopqrstuvwxyz0123456789\r\n\t<>")
	for c := 0; c < 256; c++ {
		for i := range run {
			d := append([]byte(nil), run...)
			d[i] = byte(c)
			gi, gok := checkChars(d)
			wi, wok := plain(d)
			if gi != wi || gok != wok {
				t.Fatalf("%q: got %d %v, want %d %v", d, gi, gok, wi, wok)
			}
		}
	}
}

func TestWipe(t *testing.T) {
	s := NewScanner([]byte(`<a x="s&amp;cret">s&amp;cret</a>`), Limits{})
	for {
		if _, err := s.Next(); err != nil {
			break
		}
	}
	s.Wipe()
	if s.Input() != nil || strings.Contains(string(s.buf[:cap(s.buf)]), "cret") {
		t.Error("input still reachable after Wipe")
	}
}
