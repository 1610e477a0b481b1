package mx

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// TestFindingTexts: schema findings in plain words: invisible characters
// by code point, once with a count; xs:any explained; an unknown namespace
// quoted whole with the way to load its schema.
func TestFindingTexts(t *testing.T) {
	e := engine.New(engine.Options{})
	e.RegisterFormat(testFormat)
	read := func(name string) string {
		b, err := os.ReadFile("../../testdata/mx/schema/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	bare := read("valid_pacs008_bare.xml")
	newNS := "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.99"
	for _, tt := range []struct {
		name, in string
		n        int // findings
		code     string
		loc      engine.Location
		want     []string
	}{
		{"no-break space indentation", read("edge_invalid_nbsp_indent.xml"), 1, "SVX222",
			engine.Location{Path: "/Document", Line: 3, Column: 1},
			[]string{"U+00A0 NO-BREAK SPACE at line 3, column 1 is not XML white space", "Replace it with ordinary spaces",
				"; the same 15 more times (line:column 4:1, 5:1, 9:1, 13:1, 14:1, …)"}},
		{"empty Envlp", read("edge_invalid_splmtry_empty_envlp.xml"), 1, "SVX221",
			engine.Location{Path: "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/SplmtryData[1]/Envlp/*", Line: 48},
			[]string{"Envlp is incomplete: missing the wrapped element that xs:any requires here"}},
		{"unknown namespace", strings.Replace(bare, "pacs.008.001.08", "pacs.008.001.99", 1), 1, "SVX211",
			engine.Location{Path: "/Document", Line: 2},
			[]string{`namespace "` + newNS + `"`, "load its schema with --schemas DIR", "versions known here: ", "pacs.008.001.08"}},
		{"no namespace", strings.Replace(bare, ` xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"`, "", 1), 1, "SVX211",
			engine.Location{Path: "/Document", Line: 2},
			[]string{"has no namespace (xmlns)"}},
		{"form feed", "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08\">\n<FIToFICstmrCdtTrf>\f</FIToFICstmrCdtTrf></Document>", 1, "SVX203",
			engine.Location{Path: "/", Line: 2, Column: 20},
			[]string{"XML: U+000C FORM FEED at line 2, column 20 is not allowed in XML"}},
		{"Latin-1", "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08\">\n<FIToFICstmrCdtTrf>caf\xe9</FIToFICstmrCdtTrf></Document>", 1, "SVX203",
			engine.Location{Path: "/", Line: 2, Column: 23},
			[]string{"byte 0xE9 at line 2, column 23 (byte offset 88) is not UTF-8", "Latin-1 or Windows-1252"}},
		{"BIC country", strings.Replace(bare, "<BICFI>BBBBUS33XXX", "<BICFI>BBBB1S33XXX", 1), 1, "SVX234",
			engine.Location{Path: "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/InstdAgt/FinInstnId/BICFI", Line: 28},
			[]string{`value "BBBB1S33XXX" does not match the pattern`, "character 5, '1', is not allowed there (the country code, characters 5-6)"}},
		{"BIC length", strings.Replace(bare, "<BICFI>BBBBUS33XXX", "<BICFI>BBBBUS33X", 1), 1, "SVX234",
			engine.Location{Path: "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/InstdAgt/FinInstnId/BICFI", Line: 28},
			[]string{"a BIC has 8 or 11 characters, this has 9"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep := e.Validate(context.Background(), []byte(tt.in))
			var errs []engine.Finding
			for _, f := range rep.Findings {
				if f.Severity == engine.Error {
					errs = append(errs, f)
				}
			}
			if len(errs) != tt.n {
				t.Fatalf("%d errors, want %d: %v", len(errs), tt.n, errs)
			}
			if tt.n == 0 {
				return
			}
			f := errs[0]
			if f.Code != tt.code || f.Location != tt.loc {
				t.Errorf("finding %s at %+v, want %s at %+v", f.Code, f.Location, tt.code, tt.loc)
			}
			for _, w := range tt.want {
				if !strings.Contains(f.Message, w) {
					t.Errorf("message %q lacks %q", f.Message, w)
				}
			}
		})
	}
}
