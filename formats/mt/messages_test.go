package mt

import (
	"context"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// textMT103 is a valid MT103 whose block 4 lines can be replaced to make one
// field wrong.
const textMT103 = "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{3:{121:eb6305c9-1f7f-49de-aed0-16487c27b42d}}{4:\n" +
	":20:REF12345\n" +
	":23B:CRED\n" +
	":32A:250115EUR1234,56\n" +
	":50K:/DE89370400440532013000\nJOHN DOE\nBERLIN\n" +
	":52A:BANKBEBB\n" +
	":59:/DE44500105175407324931\nJANE SMITH\nFRANKFURT\n" +
	":70:INVOICE 12345\n" +
	":71A:SHA\n" +
	"-}"

// TestFindingTexts: a field that fails its format gets a finding that
// quotes the offending text, names a character outside the set by code
// point, and says how to fix it where there is one way.
func TestFindingTexts(t *testing.T) {
	for _, tt := range []struct {
		name, from, to string
		code           string
		line, col      int
		want           []string
	}{
		{"decimal point", ":32A:250115EUR1234,56", ":32A:250115EUR12.5", "T43", 4, 17,
			[]string{`component Amount "12.5" uses '.' as the decimal mark: SWIFT amounts use ',' (write "12,5")`}},
		{"no-break space", "\nJOHN DOE", "\n\u00a0JOHN DOE", "T34", 6, 1,
			[]string{`component NameAndAddress "\u00a0JOHN DOE" has U+00A0 NO-BREAK SPACE, which is not in the SWIFT X character set (x)`}},
		{"em dash", ":70:INVOICE 12345", ":70:INVOICE\u201412345", "T34", 12, 12,
			[]string{`"INVOICE—12345" has U+2014 EM DASH`}},
		{"at sign", ":20:REF12345", ":20:REF@12345", "T34", 2, 8,
			[]string{`component Reference "REF@12345" has '@' (U+0040 COMMERCIAL AT), which is not in`}},
		{"BIC country", ":52A:BANKBEBB", ":52A:BANK1EBB", "T27", 8, 6,
			[]string{`component BIC "BANK1EBB" is not a valid BIC: the country code (characters 5-6) must be 2 letters, found '1'`}},
		{"BIC prefix", ":52A:BANKBEBB", ":52A:BAnKBEBB", "T27", 8, 6,
			[]string{`the business party prefix (characters 1-4) must be 4 letters, found 'n'`}},
		{"BIC too short", ":52A:BANKBEBB", ":52A:BANKBE", "T27", 8, 6,
			[]string{`"BANKBE" is not a valid BIC: a BIC has 8 or 11 characters, this has 6`}},
		{"too long", ":20:REF12345", ":20:REF1234567890123456", "T33", 2, 21,
			[]string{`component Reference "REF1234567890123456" is longer than 16 characters`}},
		{"no decimal comma", ":32A:250115EUR1234,56", ":32A:250115EUR1234", "T43", 4, 15,
			[]string{`Amount "1234" has no decimal comma: SWIFT amounts always have one (write "1234,")`}},
		{"trailing text", ":71A:SHA", ":71A:SHA/X", "", 13, 0,
			[]string{`"/X"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Replace(textMT103, tt.from, tt.to, 1)
			if in == textMT103 {
				t.Fatal("replacement did not apply")
			}
			rep := validate(t, in)
			var got []string
			found := false
			for _, f := range rep.Findings {
				got = append(got, f.Code+" "+f.Location.String()+" "+f.Message)
				if (tt.code == "" || f.Code == tt.code) && f.Location.Line == tt.line && (tt.col == 0 || f.Location.Column == tt.col) {
					ok := true
					for _, w := range tt.want {
						ok = ok && strings.Contains(f.Message, w)
					}
					found = found || ok
				}
			}
			if !found {
				t.Errorf("no %s finding at %d:%d containing %q; findings:\n%s", tt.code, tt.line, tt.col, tt.want, strings.Join(got, "\n"))
			}
		})
	}
}

// TestRepeatedCharacter: a no-break space in several fields is one finding
// with a count and the other places, not one finding per field.
func TestRepeatedCharacter(t *testing.T) {
	in := textMT103
	for _, l := range []string{"JOHN DOE", "BERLIN", "JANE SMITH", "FRANKFURT"} {
		in = strings.Replace(in, "\n"+l, "\n\u00a0"+l, 1)
	}
	rep := validate(t, in)
	if len(rep.Findings) != 1 {
		for _, f := range rep.Findings {
			t.Log(f.Code, f.Location, f.Message)
		}
		t.Fatalf("%d findings, want 1", len(rep.Findings))
	}
	f := rep.Findings[0]
	if f.Code != "T34" || f.Location.Line != 6 || f.Location.Column != 1 {
		t.Errorf("finding %s at %v", f.Code, f.Location)
	}
	// 50K stops at its first bad line, so 59 is the other place.
	if !strings.HasSuffix(f.Message, "; the same 1 more time (line:column 10:1)") {
		t.Errorf("message %q", f.Message)
	}
}

// TestRepeatedCharacterInBatch: in a batch, the places a repeated finding
// lists are lines of the whole input, as its location is.
func TestRepeatedCharacterInBatch(t *testing.T) {
	second := textMT103
	for _, l := range []string{"JOHN DOE", "JANE SMITH"} {
		second = strings.Replace(second, "\n"+l, "\n\u00a0"+l, 1)
	}
	in := textMT103 + "$" + second
	reps := newEngine().ValidateAll(context.Background(), []byte(in), engine.ValidateOptions{})
	if len(reps) != 2 || len(reps[1].Findings) != 1 {
		t.Fatalf("%d reports; want 2, the second with one finding", len(reps))
	}
	f := reps[1].Findings[0]
	// The second message starts on line 14 (the first ends there with "-}$"): its lines 6 and 10 are 19 and 23.
	if f.Location.Line != 19 || !strings.HasSuffix(f.Message, "(line:column 23:1)") {
		t.Errorf("finding at %v: %q; want line 19 and the other place at 23:1", f.Location, f.Message)
	}
}
