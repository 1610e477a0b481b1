package swiftval

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// TestFormatMismatch: forcing MX on an MT message (and the reverse) gives
// one SV017 finding that says so, located in the forced format's shape
// (docs/codes.md), instead of the forced parser's noise.
func TestFormatMismatch(t *testing.T) {
	e := New(engine.Options{})
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tt := range []struct {
		file, format, other string
		loc                 engine.Location
	}{
		{"testdata/mt/valid_mt103.fin", "mx", "mt", engine.Location{Path: "/", Line: 1}},
		{"testdata/mx/schema/valid_pacs008_bare.xml", "mt", "mx", engine.Location{Line: 1, Column: 1}},
	} {
		rep := e.ValidateWith(context.Background(), read(tt.file), engine.ValidateOptions{Format: tt.format})
		if len(rep.Findings) != 1 || rep.Valid || rep.Format != tt.format {
			t.Fatalf("%s as %s: valid %v format %q findings %v", tt.file, tt.format, rep.Valid, rep.Format, rep.Findings)
		}
		f := rep.Findings[0]
		if f.Code != engine.CodeFormatMismatch || f.Location != tt.loc {
			t.Errorf("%s as %s: %s at %+v, want %s at %+v", tt.file, tt.format, f.Code, f.Location, engine.CodeFormatMismatch, tt.loc)
		}
		if !strings.Contains(f.Message, "forced to "+tt.format) || !strings.Contains(f.Message, "validate it as "+tt.other) {
			t.Errorf("%s as %s: message %q", tt.file, tt.format, f.Message)
		}
	}
}
