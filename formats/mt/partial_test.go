package mt

import (
	"context"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// Inputs that used to be read only in part without a finding (issue 16,
// "Loses no data"): each is now either checked whole or reported, with
// the part not checked named and located.

// statements is a block-4 export of three MT 940 statements separated by
// "-" lines (CRLF, a blank line between two of them); the second carries a
// non-SWIFT character on line 14 of the file.
var statements = strings.ReplaceAll(`:20:STMT1
:25:123456
:28C:1/1
:60F:C250101EUR10,
:62F:C250102EUR10,
-
:20:STMT2
:25:123456
:28C:2/1
:60F:C250102EUR10,
:61:2501030103C5,NTRFNONREF
:86:PAYMENT FROM CUSTOMER
:86:SECOND 86
:86:BAD CHARACTER Ü HERE
:62F:C250103EUR15,
-

:20:STMT3
:25:123456
:28C:3/1
:60F:C250103EUR15,
:62F:C250104EUR15,
-
`, "\n", "\r\n")

func TestSplitStatements(t *testing.T) {
	e := newEngine()
	reps := e.ValidateAll(context.Background(), []byte(statements), engine.ValidateOptions{})
	if len(reps) != 3 {
		t.Fatalf("%d reports, want one per statement (3)", len(reps))
	}
	for i, r := range reps {
		var codes []string
		for _, f := range r.Findings {
			codes = append(codes, f.Code)
		}
		// Every statement lacks the FIN headers (H01); only the second has
		// the bad character, located in the whole file.
		if !r.HasCode("H01") {
			t.Errorf("statement %d: no H01: %v", i+1, r.Findings)
		}
		found := false
		for _, f := range r.Findings {
			if f.Code == "T34" && f.Location.Line == 14 && f.Location.Field == "86" {
				found = true
			}
		}
		if found != (i == 1) {
			t.Errorf("statement %d: bad character at line 14 found = %v, findings %v", i+1, found, r.Findings)
		}
		if r.HasCode(CodeTrailingContent) {
			t.Errorf("statement %d: split statements must not report trailing content: %v", i+1, codes)
		}
	}
	if l := reps[2].Findings[0].Location.Line; l != 18 {
		t.Errorf("statement 3 located at line %d, want 18", l)
	}
}

// TestSingleParseReportsFurtherStatements: validated as one message, a
// file of several statements says that the ones after the first are not
// checked there, at the line where the second starts.
func TestSingleParseReportsFurtherStatements(t *testing.T) {
	r := newEngine().Validate(context.Background(), []byte(statements))
	for _, f := range r.Findings {
		if f.Code == CodeTrailingContent && f.Location.Line == 7 {
			return
		}
	}
	t.Fatalf("no %s at line 7: %v", CodeTrailingContent, r.Findings)
}

// TestStatementAfterFileHeader: a bank's file header before the first
// field is reported, and the statement after it is still checked.
func TestStatementAfterFileHeader(t *testing.T) {
	in := "ABNANL2A\r\n940\r\n:20:STMT1\r\n:25:123456\r\n:28C:1/1\r\n:60F:C250132EUR10,\r\n-\r\n"
	r := newEngine().Validate(context.Background(), []byte(in))
	var stray, date bool
	for _, f := range r.Findings {
		stray = stray || (f.Code == CodeStrayContent && f.Location.Line == 1)
		date = date || (f.Code == "T50" && f.Location.Field == "60F" && f.Location.Line == 6)
	}
	if !stray || !date {
		t.Fatalf("file header reported %v, statement checked (T50 in 60F) %v: %v", stray, date, r.Findings)
	}
}

// TestHeaderTagLimit: tags beyond the 64 a header block keeps are
// reported as not checked, not dropped in silence.
func TestHeaderTagLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("{1:F01BANKBEBBAXXX0000000000}{2:I199BANKDEFFXXXXN}{4:\r\n:20:REF\r\n:79:TEXT\r\n-}{5:")
	for i := 0; i < 70; i++ {
		b.WriteString("{TNG:}")
	}
	b.WriteString("}")
	r := newEngine().Validate(context.Background(), []byte(b.String()))
	n := 0
	for _, f := range r.Findings {
		if f.Code == CodeNotChecked && f.Location.Block == 5 && f.Location.Field == "TNG" {
			n++
		}
	}
	if n != 1 || r.Valid {
		t.Fatalf("want one %s in block 5 and an invalid report, got %d: %v", CodeNotChecked, n, r.Findings)
	}
}

// TestSystemMessageNotChecked: the brace-form block 4 of a system message
// is not validated, and the report says so.
func TestSystemMessageNotChecked(t *testing.T) {
	in := "{1:F01BANKBEBBAXXX0000000000}{2:I019BANKDEFFXXXXN}{4:{175:1200}{106:250102BANKBEBBAXXX0000000000}}"
	r := newEngine().Validate(context.Background(), []byte(in))
	if !r.HasCode(CodeNotChecked) || r.Valid {
		t.Fatalf("want %s and an invalid report: %v", CodeNotChecked, r.Findings)
	}
}
