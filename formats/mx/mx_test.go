package mx

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/mx/schema/golden")

var testFormat = Default()

// render prints the parse result: type line then one line per finding.
func render(raw []byte) string {
	var fs engine.Findings
	m := testFormat.Parse(raw, &fs)
	var b strings.Builder
	if m == nil {
		b.WriteString("message: nil\n")
	} else {
		// The level depends on whether a typed decoder is linked in: not
		// part of the golden output.
		fmt.Fprintf(&b, "message: type=%s base=%s profile=%s\n", m.Type, m.Base, m.Profile)
	}
	for _, f := range fs.List() {
		fmt.Fprintf(&b, "%s %s line %d %s: %s\n", f.Code, f.Severity, f.Location.Line, f.Location.Path, f.Message)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/mx/schema/*.xml")
	if len(files) == 0 {
		t.Fatal("no test messages under testdata/mx/schema")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".xml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := render(raw)
			golden := filepath.Join("../../testdata/mx/schema/golden", name+".golden")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			valid := !strings.Contains(got, " error ")
			if strings.Contains(name, "invalid_") == valid {
				t.Errorf("file name says %s, findings say valid=%v", name, valid)
			}
		})
	}
}

// TestBadInput feeds hostile and broken inputs: each must give an invalid
// result with a located finding of the expected code, quickly.
func TestBadInput(t *testing.T) {
	doc := func(body string) string {
		return `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">` + body + `</Document>`
	}
	valid, err := os.ReadFile("../../testdata/mx/schema/valid_pacs008_envelope.xml")
	if err != nil {
		t.Fatal(err)
	}
	bomb := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Document>&lol2;</Document>`
	tests := []struct {
		name string
		in   string
		code string
		line int
	}{
		{"not well-formed", doc("<FIToFICstmrCdtTrf>\n</Document>"), CodeNotWellFormed, 2},
		{"truncated", doc("<FIToFICstmrCdtTrf>\n<GrpHdr>")[:80], CodeNotWellFormed, 1},
		{"entity bomb", bomb, CodeDoctype, 1},
		{"external entity", `<!DOCTYPE d SYSTEM "http://example.com/x.dtd"><Document/>`, CodeDoctype, 1},
		{"undeclared entity", doc("&xxe;"), CodeEntity, 1},
		{"deep nesting", strings.Repeat("<a>", 10000) + strings.Repeat("</a>", 10000), CodeDepth, 1},
		{"invalid utf-8", doc("<FIToFICstmrCdtTrf>\n\xc3\x28</FIToFICstmrCdtTrf>"), CodeEncoding, 2},
		{"utf-16", "\xff\xfe<\x00", CodeEncoding, 1},
		{"unknown namespace", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.999.001.01"><X/></Document>`, CodeUnknownNS, 1},
		{"no document", `<Envelope><Foo/></Envelope>`, CodeNoDocument, 1},
		{"header of another message", strings.Replace(string(valid), "<MsgDefIdr>pacs.008.001.08</MsgDefIdr>", "<MsgDefIdr>pacs.009.001.08</MsgDefIdr>", 1), CodeHeaderMismatch, 20},
		{"undeclared root", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"/>`, CodeRootUndeclared, 1},
		{"two documents", `<E>` + doc("") + doc("") + `</E>`, CodeDuplicatePart, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var fs engine.Findings
			start := time.Now()
			testFormat.Parse([]byte(tc.in), &fs)
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v", d)
			}
			for _, f := range fs.List() {
				if f.Code == tc.code {
					if f.Location.Line != tc.line {
						t.Errorf("%s at line %d, want %d", f.Code, f.Location.Line, tc.line)
					}
					return
				}
			}
			t.Errorf("no %s finding; got %v", tc.code, fs.List())
		})
	}
}

// TestManyFindings: a document with an error per element stops reporting
// at 1000 findings.
func TestManyFindings(t *testing.T) {
	// One bad value per element (unknown elements would be skipped after
	// the first error of their parent).
	raw := []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>x</MsgId><CreDtTm>2026-01-01T00:00:00</CreDtTm></GrpHdr>` + strings.Repeat(`<Stmt><Id>x</Id><CreDtTm>bad</CreDtTm><Acct><Id><IBAN>bad</IBAN></Id></Acct></Stmt>`, 2000) + `</BkToCstmrStmt></Document>`)
	var fs engine.Findings
	testFormat.Parse(raw, &fs)
	if fs.Len() != 1001 || fs.List()[1000].Code != CodeTooManyFindings {
		t.Errorf("%d findings, last %v", fs.Len(), fs.List()[fs.Len()-1])
	}
}

// TestHugeInput: a 50 MB body is refused at once, without reading it all
// into structures.
func TestHugeInput(t *testing.T) {
	raw := make([]byte, 0, 50<<20)
	raw = append(raw, `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf><GrpHdr><MsgId>`...)
	raw = append(raw, bytes.Repeat([]byte("A"), 50<<20-len(raw)-40)...)
	raw = append(raw, `</MsgId></GrpHdr></FIToFICstmrCdtTrf></Document>`...)
	var fs engine.Findings
	if m := testFormat.Parse(raw, &fs); m != nil || fs.Len() != 1 || fs.List()[0].Code != CodeTooLarge || fs.List()[0].Location.Line != 1 {
		t.Errorf("got %v", fs.List())
	}
}

func TestParseFields(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/mx/schema/valid_pacs008_prefixed.xml")
	if err != nil {
		t.Fatal(err)
	}
	var fs engine.Findings
	em := testFormat.Parse(raw, &fs)
	if em == nil || fs.Len() != 0 {
		t.Fatalf("parse: %v", fs.List())
	}
	m := em.Body.(*Message)
	h := m.AppHdr
	if em.Type != "pacs.008.001.08" || em.Base != "pacs.008" || em.Profile != "cbpr+" || m.Envelope != "Envelope" || !m.SchemaValid {
		t.Errorf("got %+v %+v", em, m)
	}
	if h == nil || h.FromBIC != "AAAAGB2LXXX" || h.ToBIC != "BBBBUS33XXX" || h.BizMsgIdr != "SVTEST-0001" || h.MsgDefIdr != "pacs.008.001.08" || h.BizSvc != "swift.cbprplus.02" || h.Type != "head.001.001.02" {
		t.Errorf("header %+v", h)
	}
	raw2, _ := os.ReadFile("../../testdata/mx/schema/valid_pacs008_mixed_depth_envelope.xml")
	fs.Reset()
	if em2 := testFormat.Parse(raw2, &fs); em2 == nil || em2.Type != "pacs.008.001.08" || em2.Body.(*Message).AppHdr == nil || em2.Body.(*Message).Envelope != "Hdr" || fs.Len() != 0 {
		t.Errorf("mixed depths: %+v %v", em2, fs.List())
	}
	if !bytes.HasPrefix(raw[m.Doc.Start:], []byte("<pacs:Document")) || !bytes.HasSuffix(raw[:m.Doc.End], []byte("</pacs:Document>")) {
		t.Errorf("doc span %v", m.Doc)
	}
}

// TestTypedModel: a message definition with a typed model is decoded in
// the same pass (level full, Typed set, AppHdr included); one without stays
// at level schema with no typed value.
func TestTypedModel(t *testing.T) {
	tests := []struct {
		file   string
		level  string
		typed  bool
		appHdr bool
	}{
		{"../../testdata/mx/schema/valid_pacs008_bare.xml", engine.LevelFull, true, false},
	}
	if cbpr := "../../../shared/corpus/mx/phoughton__iso20022-cbpr-ur/y2025__pacs.008.max.xml"; fileExists(cbpr) {
		tests = append(tests, struct {
			file   string
			level  string
			typed  bool
			appHdr bool
		}{cbpr, engine.LevelFull, true, true})
	}
	for _, tt := range tests {
		raw, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		var fs engine.Findings
		em := testFormat.Parse(raw, &fs)
		if em == nil || fs.Len() != 0 {
			t.Fatalf("%s: %v", tt.file, fs.List())
		}
		m := em.Body.(*Message)
		if em.Level != tt.level || (m.Typed != nil) != tt.typed || m.Typed != nil && (m.Typed.AppHdr != nil) != tt.appHdr {
			t.Errorf("%s: level %s, typed %v", tt.file, em.Level, m.Typed != nil)
		}
		if m.Typed != nil && (m.Typed.Pacs008 == nil || m.Typed.ID != em.Type || m.Typed.Element != "FIToFICstmrCdtTrf") {
			t.Errorf("%s: typed message %q %q not decoded", tt.file, m.Typed.ID, m.Typed.Element)
		}
		testFormat.Release(em)
		if m.Typed != nil {
			t.Error("Release kept the typed message")
		}
	}
	// A message definition without a typed model.
	raw := []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.060.001.05"><AcctRptgReq><GrpHdr><MsgId>1</MsgId><CreDtTm>2026-01-01T00:00:00</CreDtTm></GrpHdr><RptgReq><ReqdMsgNmId>camt.053.001.08</ReqdMsgNmId><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct><AcctOwnr><Pty/></AcctOwnr></RptgReq></AcctRptgReq></Document>`)
	var fs engine.Findings
	em := testFormat.Parse(raw, &fs)
	if em == nil || em.Level != engine.LevelSchema || em.Body.(*Message).Typed != nil {
		t.Errorf("camt.060: %+v %v", em, fs.List())
	}
}

func TestDetect(t *testing.T) {
	for in, want := range map[string]bool{"<a/>": true, "\xEF\xBB\xBF \n<a/>": true, "{1:F01": false, "": false, "  x<": false} {
		if got := testFormat.Detect([]byte(in)); got != want {
			t.Errorf("Detect(%q) = %v", in, got)
		}
	}
}

func TestLoadSchemas(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.xsd"), []byte("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\" elementFormDefault=\"qualified\">\n<xs:element name=\"Document\" type=\"Nope\"/>\n</xs:schema>"), 0o644)
	_, err := NewFormat(Options{SchemaDir: dir})
	if err == nil || !strings.Contains(err.Error(), "a.xsd:2:") {
		t.Errorf("got %v, want an error located at a.xsd:2", err)
	}
	os.WriteFile(filepath.Join(dir, "a.xsd"), []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:t" targetNamespace="urn:t" elementFormDefault="qualified"><xs:element name="Document" type="xs:string"/></xs:schema>`), 0o644)
	f, err := NewFormat(Options{SchemaDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var fs engine.Findings
	em := f.Parse([]byte(`<Document xmlns="urn:t">x</Document>`), &fs)
	if em == nil || fs.Len() != 0 || em.Type != "urn:t" {
		t.Errorf("got %v %v", em, fs.List())
	}
	if _, err := LoadSchemas(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing directory: no error")
	}
}

// TestEngine runs the format inside the engine (as package swiftval wires it).
func TestEngine(t *testing.T) {
	e := engine.New(engine.Options{})
	e.RegisterFormat(testFormat)
	raw, _ := os.ReadFile("../../testdata/mx/schema/invalid_enum_chrgbr.xml")
	r := e.Validate(context.Background(), raw)
	if r.Valid || r.Format != "mx" || r.Type != "pacs.008.001.08" || !r.HasCode(CodeEnumeration) {
		t.Errorf("report %+v", r)
	}
}

// TestConcurrentParse parses from many goroutines at once, on a fresh
// format whose lazily compiled schemas are first used concurrently.
func TestLoadAll(t *testing.T) {
	f, err := NewFormat(Options{LoadAll: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.MessageTypes()); n < 140 || len(f.Loaded()) != n+2 {
		t.Errorf("%d message types, %d schemas loaded", n, len(f.Loaded()))
	}
}

func TestConcurrentParse(t *testing.T) {
	f, err := NewFormat(Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../testdata/mx/schema/*.xml")
	want := map[string]string{}
	for _, file := range files {
		raw, _ := os.ReadFile(file)
		want[file] = render(raw)
	}
	camt := []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.056.001.09"><X/></Document>`)
	done := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			var msg string
			for _, file := range files {
				raw, _ := os.ReadFile(file)
				var fs engine.Findings
				f.Parse(camt, &fs)
				fs.Reset()
				m := f.Parse(raw, &fs)
				if m == nil && fs.Errors() == 0 || (fs.Errors() == 0) == strings.Contains(file, "invalid_") {
					msg = file + ": unexpected verdict"
				}
			}
			done <- msg
		}()
	}
	for g := 0; g < 8; g++ {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}

// TestLoadsOnFirstUse pins the start-up work: building the format loads
// no schema; each is loaded by the first use of its namespace.
func TestLoadsOnFirstUse(t *testing.T) {
	f, err := NewFormat(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Loaded(); len(got) != 0 {
		t.Fatalf("loaded at start: %v", got)
	}
	tests := []struct {
		ns     string
		loaded bool // after the call
	}{
		{NamespacePrefix + "pacs.008.001.08", true},
		{NamespacePrefix + "camt.056.001.08", true},
		{"urn:nope", false},
	}
	for _, tt := range tests {
		v, err := f.Validator(tt.ns)
		if err != nil {
			t.Fatal(err)
		}
		if (v != nil) != tt.loaded || slices.Contains(f.Loaded(), tt.ns) != tt.loaded {
			t.Errorf("%s: validator %v, listed %v; want %v", tt.ns, v != nil, slices.Contains(f.Loaded(), tt.ns), tt.loaded)
		}
	}
	if got := len(f.Loaded()); got != 2 {
		t.Errorf("%d schemas loaded after two uses, want 2", got)
	}
	raw, err := os.ReadFile("../../testdata/mx/schema/valid_pacs008_bare.xml")
	if err != nil {
		t.Fatal(err)
	}
	var fs engine.Findings
	if em := f.Parse(raw, &fs); em == nil || fs.Len() != 0 || len(f.Loaded()) != 2 {
		t.Errorf("parse of a pacs.008 loaded %v (findings %v)", f.Loaded(), fs.List())
	}
}

// TestCorpusHeaderMismatch: the shared corpus's CBPR+ violators named for a
// MsgDefIdr that differs from the Document report SVX213 (read in place).
func TestCorpusHeaderMismatch(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/corpus/mx/phoughton__iso20022-cbpr-ur/*msgdefidr_mismatch*.xml")
	if len(files) == 0 {
		t.Skip("shared corpus absent: no msgdefidr_mismatch files")
	}
	e := engine.New(engine.Options{})
	e.RegisterFormat(testFormat)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if r := e.Validate(context.Background(), raw); !r.HasCode(CodeHeaderMismatch) {
			t.Errorf("%s: %s not reported: %v", filepath.Base(f), CodeHeaderMismatch, r.Findings)
		}
	}
}

func fileExists(name string) bool { _, err := os.Stat(name); return err == nil }
