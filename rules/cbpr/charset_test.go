package cbpr_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
)

// TestCharsetRepeated: a character outside FIN-X met in several elements
// is one SVC407 finding that names it by code point, with the count and
// the other places.
func TestCharsetRepeated(t *testing.T) {
	b, err := os.ReadFile("../../testdata/mx/rules/cbpr.charset.fin-x.pass.xml")
	if err != nil {
		t.Fatal(err)
	}
	in := strings.Replace(string(b), "<InstrId>SVTEST-0001", "<InstrId>SVTEST\u00a00001", 1)
	in = strings.Replace(in, "<EndToEndId>E2E-REF-0001", "<EndToEndId>E2E\u00a0REF-0001", 1)
	rep := swiftval.New(engine.Options{}).Validate(context.Background(), []byte(in))
	var got []engine.Finding
	for _, f := range rep.Findings {
		if f.Code == "SVC407" {
			got = append(got, f)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d SVC407 findings, want 1: %v", len(got), rep.Findings)
	}
	want := `InstrId "SVTEST\u00a00001" has U+00A0 NO-BREAK SPACE at position 7, outside the CBPR+ FIN-X character set; the same 1 more time (line 38)`
	if got[0].Message != want || got[0].Location.Line != 37 {
		t.Errorf("finding at line %d: %q\nwant at line 37: %q", got[0].Location.Line, got[0].Message, want)
	}
}
