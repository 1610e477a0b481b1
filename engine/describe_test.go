package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

func TestRuneName(t *testing.T) {
	for _, tt := range []struct {
		r    rune
		want string
	}{
		{0xA0, "U+00A0 NO-BREAK SPACE"},
		{0x200B, "U+200B ZERO WIDTH SPACE"},
		{0xFEFF, "U+FEFF ZERO WIDTH NO-BREAK SPACE"},
		{0x2014, "U+2014 EM DASH"},
		{0x410, "U+0410 CYRILLIC CAPITAL LETTER A"},
		{'\t', "U+0009 CHARACTER TABULATION"},
		{0x7F, "U+007F DELETE"},
		{0x1F4B6, "U+1F4B6 BANKNOTE WITH EURO SIGN"},
		{0xE000, "U+E000"}, // private use: no name
	} {
		if got := engine.RuneName(tt.r); got != tt.want {
			t.Errorf("RuneName(%U) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestDescribeChar(t *testing.T) {
	for _, tt := range []struct {
		s    string
		i    int
		want string
		size int
	}{
		{"A1", 1, "'1'", 1},
		{"a@b", 1, "'@' (U+0040 COMMERCIAL AT)", 1},
		{"x\u00a0y", 1, "U+00A0 NO-BREAK SPACE", 2},
		{"\xe9t\xe9", 0, "byte 0xE9 (not UTF-8)", 1},
		{"ab", 2, "the end of the value", 0},
	} {
		got, size := engine.DescribeChar(tt.s, tt.i)
		if got != tt.want || size != tt.size {
			t.Errorf("DescribeChar(%q, %d) = %q, %d; want %q, %d", tt.s, tt.i, got, size, tt.want, tt.size)
		}
	}
}

// TestRepeat: the same problem met again is counted on the first finding,
// which lists the count and the first places; another key, code or rule is
// a finding of its own.
func TestRepeat(t *testing.T) {
	var f engine.Findings
	f.SetRule("r1", "")
	for line := 3; line <= 10; line++ {
		f.Repeat("nbsp", "X1", engine.Error, engine.Location{Line: line, Column: 1}, "no-break space")
	}
	f.Repeat("tab", "X1", engine.Error, engine.Location{Line: 4, Column: 2}, "tab")
	f.Repeat("nbsp", "X2", engine.Error, engine.Location{Line: 5}, "other code")
	f.SetRule("r2", "")
	f.Repeat("nbsp", "X1", engine.Error, engine.Location{Line: 6}, "other rule")
	f.Repeat("nbsp", "X1", engine.Error, engine.Location{Line: 9}, "other rule")

	got := engine.FinishForTest(&f)
	want := []string{
		"no-break space; the same 7 more times (line:column 4:1, 5:1, 6:1, 7:1, 8:1, …)",
		"tab",
		"other code",
		"other rule; the same 1 more time (line 9)",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d findings %q, want %q", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("finding %d: %q, want %q", i, got[i], want[i])
		}
	}
	if f.Errors() != 4 {
		t.Errorf("Errors() = %d, want 4 (repeats are not findings of their own)", f.Errors())
	}
	f.Reset()
	f.Repeat("nbsp", "X1", engine.Error, engine.Location{Line: 1}, "again")
	if got := engine.FinishForTest(&f); len(got) != 1 || got[0] != "again" {
		t.Errorf("after Reset: %q", got)
	}
}

func TestFormatMismatch(t *testing.T) {
	e := newEngine(t)
	e.RegisterFormat(otherFormat{})
	for _, tt := range []struct {
		name, in, format string
		want             string
		loc              engine.Location
	}{
		{"toy forced on other", "\n  <x/>", "toy", "SV017/error", engine.Location{Line: 2, Column: 3}},
		{"other forced on toy", "T:A\n", "other", "SV017/error", engine.Location{Path: "/", Line: 1}},
		{"forced and matching", "T:A\n", "toy", "", engine.Location{}},
		{"forced, nothing detects it", "zzz", "other", "", engine.Location{}},
	} {
		rep := e.ValidateWith(context.Background(), []byte(tt.in), engine.ValidateOptions{Format: tt.format})
		if got := codes(rep); got != tt.want {
			t.Errorf("%s: codes %q, want %q", tt.name, got, tt.want)
			continue
		}
		if tt.want == "" {
			continue
		}
		fd := rep.Findings[0]
		if fd.Location != tt.loc || rep.Valid || rep.Format != tt.format {
			t.Errorf("%s: location %+v valid %v format %q; want %+v, invalid, %q", tt.name, fd.Location, rep.Valid, rep.Format, tt.loc, tt.format)
		}
		if !strings.Contains(fd.Message, "forced to "+tt.format) || !strings.Contains(fd.Message, "not checked") {
			t.Errorf("%s: message %q", tt.name, fd.Message)
		}
		all := e.ValidateAll(context.Background(), []byte(tt.in), engine.ValidateOptions{Format: tt.format})
		if len(all) != 1 || codes(all[0]) != tt.want {
			t.Errorf("%s: ValidateAll gave %d reports", tt.name, len(all))
		}
	}
}

// otherFormat detects inputs starting with '<' and has locations of the
// MX shape (engine.StartLocator).
type otherFormat struct{}

func (otherFormat) Name() string { return "other" }
func (otherFormat) Detect(raw []byte) bool {
	s := strings.TrimLeft(string(raw), " \n")
	return strings.HasPrefix(s, "<")
}
func (otherFormat) MessageTypes() []engine.TypeInfo { return nil }
func (otherFormat) Parse(raw []byte, f *engine.Findings) *engine.Message {
	return &engine.Message{Format: "other", Type: "O", Base: "O", Raw: raw}
}
func (otherFormat) StartLocation(line, _ int) engine.Location {
	return engine.Location{Path: "/", Line: line}
}
