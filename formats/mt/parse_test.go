package mt

import (
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

const (
	b1   = "{1:F01BANKBEBBAXXX0000000000}"
	b2   = "{2:I103BANKDEFFXXXXN}"
	b3   = "{3:{121:eb6305c9-1f7f-49de-aed0-16487c27b42d}}"
	text = "{4:\r\n:20:REF\r\n:23B:CRED\r\n:32A:250115EUR1,\r\n:50K:JOHN\r\n:59:JANE\r\n:71A:OUR\r\n-}"
)

func TestBlocks(t *testing.T) {
	cases := []struct {
		name, in   string
		code       string
		block      int
		line, col  int
		wantNoFind bool
	}{
		{name: "valid", in: b1 + b2 + b3 + text, wantNoFind: true},
		{name: "LF only", in: b1 + b2 + b3 + "{4:\n:20:REF\n:23B:CRED\n:32A:250115EUR1,\n:50K:JOHN\n:59:JANE\n:71A:OUR\n-}", wantNoFind: true},
		{name: "BOM and blanks", in: "\xEF\xBB\xBF \r\n" + b1 + b2 + b3 + text, wantNoFind: true},
		{name: "empty blocks 3 and 5", in: b1 + "{2:I199BANKDEFFXXXXN}{3:}{4:\r\n:20:R\r\n:79:X\r\n-}{5:}", wantNoFind: true},
		{name: "block 1 short", in: "{1:F01BANKBEBB}" + b2 + b3 + text, code: "H01", block: 1, line: 1, col: 1},
		{name: "app id", in: "{1:X01BANKBEBBAXXX0000000000}" + b2 + b3 + text, code: "H02", block: 1, line: 1, col: 4},
		{name: "service id", in: "{1:F02BANKBEBBAXXX0000000000}" + b2 + b3 + text, code: "H03", block: 1, line: 1, col: 5},
		{name: "LT address", in: "{1:F01BANK1EBBAXXX0000000000}" + b2 + b3 + text, code: "H10", block: 1, line: 1, col: 7},
		{name: "session", in: "{1:F01BANKBEBBAXXX00X0000000}" + b2 + b3 + text, code: "H15", block: 1, line: 1, col: 19},
		{name: "sequence", in: "{1:F01BANKBEBBAXXX000000000X}" + b2 + b3 + text, code: "H20", block: 1, line: 1, col: 23},
		{name: "block 1 missing", in: b2 + b3 + text, code: "H01", block: 1, line: 1, col: 1},
		{name: "block 2 missing", in: b1 + b3 + text, code: "H25", block: 2},
		{name: "I/O id", in: b1 + "{2:X103BANKDEFFXXXXN}" + b3 + text, code: "H26", block: 2, line: 1, col: 33},
		{name: "message type", in: b1 + "{2:I1X3BANKDEFFXXXXN}" + b3 + text, code: "H30", block: 2, line: 1, col: 34},
		{name: "priority", in: b1 + "{2:I103BANKDEFFXXXXZ}" + b3 + text, code: "H40", block: 2, line: 1, col: 49},
		{name: "receiver", in: b1 + "{2:I103BANK1EFFXXXXN}" + b3 + text, code: "H50", block: 2, line: 1, col: 37},
		{name: "output header length", in: b1 + "{2:O1031200250115BANKBEBBAXXX1234}" + b3 + text, code: "H25", block: 2},
		{name: "block 3 order", in: b1 + b2 + "{3:{121:eb6305c9-1f7f-49de-aed0-16487c27b42d}{108:X}}" + text[:0] + text, code: "U00", block: 3, line: 1, col: 96},
		{name: "block 3 unknown tag", in: b1 + b2 + "{3:{999:X}{121:eb6305c9-1f7f-49de-aed0-16487c27b42d}}" + text, code: "U00", block: 3, line: 1, col: 54},
		{name: "119 unknown flag", in: b1 + b2 + "{3:{119:XYZ}{121:eb6305c9-1f7f-49de-aed0-16487c27b42d}}" + text, code: "U08", block: 3, line: 1, col: 54},
		{name: "119 on MT199", in: b1 + "{2:I199BANKDEFFXXXXN}{3:{119:STP}}{4:\r\n:20:R\r\n:79:X\r\n-}", code: "U09", block: 3, line: 1, col: 54},
		{name: "UETR upper case", in: b1 + b2 + "{3:{121:EB6305C9-1F7F-49DE-AED0-16487C27B42D}}" + text, code: CodeUETRFormat, block: 3, line: 1, col: 54},
		{name: "UETR not v4", in: b1 + b2 + "{3:{121:eb6305c9-1f7f-39de-aed0-16487c27b42d}}" + text, code: CodeUETRFormat, block: 3, line: 1, col: 54},
		{name: "UETR missing", in: b1 + b2 + text, code: CodeUETRMissing, block: 3},
		{name: "unknown block", in: b1 + b2 + b3 + text + "{7:X}", code: CodeUnknownBlock, line: 8, col: 3},
		{name: "malformed block id", in: "{:1:}" + b1 + b2 + b3 + text, code: CodeUnknownBlock, line: 1, col: 1},
		{name: "block order", in: b1 + b3 + b2 + text, code: CodeBlockOrder},
		{name: "unclosed block 1", in: "{1:F01BANKBEBBAXXX0000000000" + b2 + b3 + text, code: CodeUnclosedBlock, block: 1, line: 1, col: 1},
		{name: "unclosed block 5", in: b1 + b2 + b3 + text + "{5:{CHK:1}", code: CodeUnclosedBlock, block: 5},
		{name: "block 4 not terminated", in: b1 + b2 + b3 + "{4:\r\n:20:REF\r\n", code: CodeTextNotTerminated, block: 4, line: 1, col: 97},
		{name: "block 4 missing", in: b1 + b2 + b3, code: CodeNoText, block: 4},
		{name: "block 4 no line break", in: b1 + b2 + b3 + "{4::20:REF\r\n-}", code: CodeTextLayout, block: 4, line: 1, col: 100},
		{name: "text before first field", in: b1 + b2 + b3 + "{4:\r\nHELLO\r\n:20:REF\r\n-}", code: CodeTextLayout, block: 4, line: 2, col: 1},
		{name: "bad tag line", in: b1 + b2 + b3 + "{4:\r\n:20:REF\r\n:2X:FOO\r\n-}", code: "T13", block: 4, line: 3, col: 1},
		{name: "stray text", in: b1 + "xx" + b2 + b3 + text, code: CodeStrayContent, line: 1, col: 30},
		{name: "second message", in: b1 + b2 + b3 + text + "$" + b1, code: CodeTrailingContent},
		{name: "text too long", in: b1 + b2 + b3 + "{4:\r\n:20:REF\r\n:79:" + strings.Repeat("A\r\n", 5000) + "-}", code: "M50", block: 4, line: 1, col: 97},
		{name: "NAK without 451", in: "{1:F21BANKBEBBAXXX0000000000}{4:{177:2501151200}}" + b1 + b2 + b3 + text, code: CodeAckFormat, block: 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, fs := parseOnly(c.in)
			if c.wantNoFind {
				if len(fs) != 0 {
					t.Fatalf("unexpected findings %v", fs)
				}
				return
			}
			for _, f := range fs {
				if f.Code == c.code && (c.block == 0 || f.Location.Block == c.block) && (c.line == 0 || (f.Location.Line == c.line && f.Location.Column == c.col)) {
					return
				}
			}
			t.Fatalf("want %s (block %d, line %d, column %d), got %v", c.code, c.block, c.line, c.col, fs)
		})
	}
}

func TestHeadersAndTypes(t *testing.T) {
	m, fs := parseOnly("{1:F01BANKDEFFAXXX1234123456}{2:O1031200250115BANKBEBBAXXX12341234562501151201N}{3:{108:MUR}{119:STP}{121:eb6305c9-1f7f-49de-aed0-16487c27b42d}}{4:\r\n:20:R\r\n-}{5:{CHK:ABC}}{S:{COP:P}}")
	if m.Type != "MT103STP" || m.Base != "MT103" || m.Variant != "STP" || !m.Full {
		t.Errorf("type %q base %q variant %q full %v", m.Type, m.Base, m.Variant, m.Full)
	}
	if m.App.Input || m.App.MIR != "250115BANKBEBBAXXX1234123456" || m.App.Priority != 'N' || m.App.OutputTime != "1201" {
		t.Errorf("app header %+v", m.App)
	}
	if m.SenderBIC() != "BANKBEBBXXX" || m.ReceiverBIC() != "BANKDEFFXXX" {
		t.Errorf("sender %q receiver %q", m.SenderBIC(), m.ReceiverBIC())
	}
	if v, ok := m.UserTag("108"); !ok || v != "MUR" || m.UETR() != "eb6305c9-1f7f-49de-aed0-16487c27b42d" {
		t.Errorf("block 3 %+v", m.User)
	}
	if len(m.Trailer) != 1 || m.Trailer[0].Tag != "CHK" || len(m.System) != 1 || m.System[0].Value != "P" {
		t.Errorf("trailer %+v system %+v", m.Trailer, m.System)
	}
	if !hasFinding(fs, "T13", 0, 0) {
		t.Errorf("want T13 for missing fields, got %v", fs)
	}
	m, _ = parseOnly("{1:F21BANKBEBBAXXX0000000000}{4:{177:2501151200}{451:1}{405:T28010}}" + b1 + b2 + b3 + text)
	if m.Ack == nil || !m.Ack.Nak || m.Ack.Code != "T28010" || m.Type != "MT103" {
		t.Errorf("ack %+v type %s", m.Ack, m.Type)
	}
	m, fs = parseOnly("{1:F21BANKBEBBAXXX0000000000}{4:{177:2501151200}{451:0}}")
	if len(fs) != 0 || m.Ack == nil || m.Ack.Nak || m.Basic.ServiceID != "21" {
		t.Errorf("ACK alone: %v %+v", fs, m.Ack)
	}
}

func TestSequences(t *testing.T) {
	m, fs := parseOnly(string(readFile(t, repoRoot(t)+"/testdata/mt/valid_mt101.fin")))
	if len(fs) != 0 {
		t.Fatal(fs)
	}
	bs := m.Sequences("B")
	if len(bs) != 2 || bs[0].Index != 1 || bs[1].Index != 2 {
		t.Fatalf("sequences %+v", m.Seqs)
	}
	if f := bs[1].Field("32B"); f == nil || f.Value != "EUR200,50" || f.Seq != "B" || f.SeqIndex != 2 {
		t.Errorf("B[2] 32B = %+v", f)
	}
	if bs[1].Count("23E") != 1 || !bs[0].Has("59a") || bs[0].Has("23E") {
		t.Errorf("sequence accessors")
	}
	if a := m.Sequences("A"); len(a) != 1 || a[0].Field("28D") == nil || a[0].Field("21") != nil {
		t.Errorf("MT101 sequence A %+v", a)
	}
	m, _ = parseOnly(string(readFile(t, repoRoot(t)+"/testdata/mt/valid_mt202cov.fin")))
	if a, b := m.Sequences("A"), m.Sequences("B"); len(a) != 1 || len(b) != 1 || b[0].Field("52A") == nil || a[0].Field("52A") != nil {
		t.Errorf("COV sequences %+v", m.Seqs)
	}
	m, _ = parseOnly(string(readFile(t, repoRoot(t)+"/testdata/mt/valid_mt940_lf.fin")))
	lines := m.Sequences("61")
	if len(lines) != 2 || lines[0].Field("86") == nil || lines[1].Field("86") != nil {
		t.Fatalf("statement lines %+v", m.Seqs)
	}
	n := 0
	for i, l := range lines[0].Field("86").Lines() {
		n++
		if i == 1 && l != "-info line starting with a dash" {
			t.Errorf("86 line 2 = %q", l)
		}
	}
	if n != 2 {
		t.Errorf("86 has %d lines", n)
	}
	if m.Count("61") != 2 || m.Field("60a").Option() != "F" {
		t.Errorf("accessors")
	}
	c := 0
	for range m.All("61") {
		c++
	}
	if c != 2 {
		t.Errorf("All(61) = %d", c)
	}
}

func TestSplit(t *testing.T) {
	raw := readFile(t, repoRoot(t)+"/testdata/mt/batch_rje.fin")
	segs := (&Format{}).Split(raw)
	if len(segs) != 2 || segs[1].Line != 4 || segs[1].Column != 4 {
		t.Fatalf("segments %+v", segs)
	}
	ack := []byte("{1:F21BANKBEBBAXXX0000000000}{4:{177:2501151200}{451:0}}" + b1 + b2 + b3 + text + b1 + b2 + b3 + text)
	if segs := (&Format{}).Split(ack); len(segs) != 2 {
		t.Fatalf("ack segments %d", len(segs))
	}
	if segs := (&Format{}).Split([]byte(b1 + b2 + "{4:\r\n:79:{1:NOT A BLOCK\r\n-}")); len(segs) != 1 {
		t.Fatalf("braces in text split the message: %d", len(segs))
	}
}

func TestMessageTypes(t *testing.T) {
	ts := (&Format{}).MessageTypes()
	full := map[string]bool{}
	for _, ti := range ts {
		if ti.Level == engine.LevelFull {
			full[ti.Type] = true
		}
	}
	for _, want := range []string{"MT101", "MT103", "MT103STP", "MT103REMIT", "MT199", "MT202", "MT202COV", "MT205", "MT205COV", "MT299", "MT900", "MT910", "MT940", "MT942", "MT950", "MT192", "MT292", "MT196", "MT296"} {
		if !full[want] {
			t.Errorf("%s not listed at level full", want)
		}
	}
	if last := ts[len(ts)-1]; last.Type != "MT*" || last.Level != engine.LevelSyntax {
		t.Errorf("last entry %+v", last)
	}
}

func TestDetect(t *testing.T) {
	f := &Format{}
	for in, want := range map[string]bool{"{1:F01": true, "\xEF\xBB\xBF\r\n {1:": true, "$\n{1:": true, ":20:REF": true, ":32A:X": true, "<Doc": false, "": false, "{2:": false, ":2:": false} {
		if got := f.Detect([]byte(in)); got != want {
			t.Errorf("Detect(%q) = %v", in, got)
		}
	}
}

// TestParseIntoReuse parses different messages into one recycled Message
// and checks each result equals a fresh parse.
func TestParseIntoReuse(t *testing.T) {
	inputs := []string{mt940(60), mt103, string(readFile(t, repoRoot(t)+"/testdata/mt/valid_mt101.fin")), b1 + b2 + b3 + text, mt940(3), "{1:F01X}", mt103}
	var m *Message
	for i, in := range inputs {
		var f1, f2 engine.Findings
		fresh := Parse([]byte(in), &f1)
		m = ParseInto(m, []byte(in), &f2)
		if len(f1.List()) != len(f2.List()) || len(fresh.Fields) != len(m.Fields) || len(fresh.Seqs) != len(m.Seqs) || fresh.Type != m.Type {
			t.Fatalf("input %d: reuse differs: %d/%d findings, %d/%d fields, %d/%d seqs", i, len(f1.List()), len(f2.List()), len(fresh.Fields), len(m.Fields), len(fresh.Seqs), len(m.Seqs))
		}
		for k := range fresh.Fields {
			a, b := &fresh.Fields[k], &m.Fields[k]
			if a.Tag != b.Tag || a.Value != b.Value || a.Seq != b.Seq || len(a.Components) != len(b.Components) {
				t.Fatalf("input %d field %d differs", i, k)
			}
			for c := range a.Components {
				if a.Components[c] != b.Components[c] {
					t.Fatalf("input %d field %d component %d differs", i, k, c)
				}
			}
		}
	}
}

// TestIndexTerminator checks indexTerminator against the plain search.
func TestIndexTerminator(t *testing.T) {
	ref := func(s string, from int) int {
		for k := from; k+2 < len(s); k++ {
			if s[k] == '\n' && s[k+1] == '-' && s[k+2] == '}' {
				return k
			}
		}
		return -1
	}
	for _, s := range []string{"", "-", "-}", "\n-}", "\n-", "x\n-}", "-}\n-}", "a-b\n-x\n-}", "\n--}\n-}", "\r\n:20:A-B\r\n-}{5:}", "\n-}\n-}", "--}", "\n\n-}-}"} {
		for from := 0; from <= len(s); from++ {
			if got, want := indexTerminator(s, from), ref(s, from); got != want {
				t.Errorf("indexTerminator(%q, %d) = %d, want %d", s, from, got, want)
			}
		}
	}
}

// TestUserRank keeps userRank's switch in step with userOrder.
func TestUserRank(t *testing.T) {
	for i, tag := range userOrder {
		if r := userRank(tag); r != i {
			t.Errorf("userRank(%s) = %d, want %d", tag, r, i)
		}
	}
	for _, tag := range []string{"", "12", "1030", "999", "CHK"} {
		if r := userRank(tag); r != -1 {
			t.Errorf("userRank(%q) = %d", tag, r)
		}
	}
}

// TestIsUETR checks isUETR against the character-by-character definition
// on every one-character change of a valid UETR.
func TestIsUETR(t *testing.T) {
	ref := func(v string) bool {
		if len(v) != 36 {
			return false
		}
		for i := 0; i < 36; i++ {
			c := v[i]
			switch i {
			case 8, 13, 18, 23:
				if c != '-' {
					return false
				}
			case 14:
				if c != '4' {
					return false
				}
			case 19:
				if c != '8' && c != '9' && c != 'a' && c != 'b' {
					return false
				}
			default:
				if !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') {
					return false
				}
			}
		}
		return true
	}
	const good = "eb6305c9-1f7f-49de-aed0-16487c27b42d"
	if !isUETR(good) {
		t.Fatal("valid UETR rejected")
	}
	for i := 0; i < len(good); i++ {
		for c := 0; c < 256; c++ {
			v := good[:i] + string(rune(0)) + good[i+1:]
			v = v[:i] + string([]byte{byte(c)}) + v[i+1:]
			if got, want := isUETR(v), ref(v); got != want {
				t.Fatalf("isUETR(%q) = %v, want %v", v, got, want)
			}
		}
	}
	for _, v := range []string{"", good[:35], good + "0", "EB6305C9-1F7F-49DE-AED0-16487C27B42D"} {
		if isUETR(v) != ref(v) {
			t.Errorf("isUETR(%q) differs", v)
		}
	}
}

// TestAckTagsKept checks that the tags of an ACK keep their values once
// the acknowledged message's block 3 is parsed (they share the Message's
// inline tag buffer).
func TestAckTagsKept(t *testing.T) {
	m, _ := parseOnly("{1:F21BANKBEBBAXXX0000000000}{4:{177:2501151200}{451:0}}" + b1 + b2 + b3 + text)
	if m == nil || m.Ack == nil || len(m.Ack.Tags) != 2 {
		t.Fatalf("ack not parsed: %+v", m)
	}
	if m.Ack.Tags[0].Tag != "177" || m.Ack.Tags[1].Tag != "451" || m.Ack.Tags[1].Value != "0" {
		t.Errorf("ack tags overwritten: %+v", m.Ack.Tags)
	}
	if len(m.User) == 0 || m.User[0].Tag == "177" {
		t.Errorf("user tags: %+v", m.User)
	}
}

// TestSimpleBody checks simpleBody's searches against a byte loop on every
// string of up to six bytes from "{}x".
func TestSimpleBody(t *testing.T) {
	ref := func(s string, body int) (string, int, bool, int) {
		for k := body; k < len(s); k++ {
			switch s[k] {
			case '}':
				return s[body:k], k + 1, true, 0
			case '{':
				return s[body:k], k, false, 1
			}
		}
		return s[body:], len(s), false, 1
	}
	var gen func(prefix string)
	gen = func(s string) {
		if len(s) > 6 {
			return
		}
		for body := 0; body <= len(s); body++ {
			var f engine.Findings
			p := parser{s: s, m: &Message{}, f: &f}
			v, next, ok := p.simpleBody(1, 0, body)
			wv, wnext, wok, wn := ref(s, body)
			if v != wv || next != wnext || ok != wok || f.Len() != wn {
				t.Fatalf("simpleBody(%q, %d) = %q %d %v (%d findings), want %q %d %v (%d)", s, body, v, next, ok, f.Len(), wv, wnext, wok, wn)
			}
		}
		for _, c := range []string{"{", "}", "x"} {
			gen(s + c)
		}
	}
	gen("")
}
