package iso20022

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
)

// echoInputs are values to quote: plain, empty, needing escapes, multi-byte,
// invalid UTF-8, and around the engine.MaxEcho cut.
var echoInputs = []string{
	"", "EXCd", "a\"b\\c", "tab\there", "no-break\u00a0space", "é€😀", "\xff\xfe",
	strings.Repeat("x", engine.MaxEcho-1), strings.Repeat("x", engine.MaxEcho), strings.Repeat("x", engine.MaxEcho+1),
	strings.Repeat("é", engine.MaxEcho+3), strings.Repeat("\x00", 2*engine.MaxEcho),
}

// TestExternalMessage holds externalMessage to the message the rule built
// with Warnf before.
func TestExternalMessage(t *testing.T) {
	list := &CodeList{Name: "ExternalPurpose1Code", Release: "3Q2025 v2", Published: time.Date(2025, 11, 30, 0, 0, 0, 0, time.UTC)}
	for _, v := range echoInputs {
		want := fmt.Sprintf("%s %s is not in the ISO external code set %s (release %s, published %s); if it comes from a newer release, admit it with a code-set file (--external-codes)", "Cd", engine.Echo(v), list.Name, list.Release, list.Published.Format("2006-01-02"))
		if got := externalMessage("Cd", v, list); got != want {
			t.Errorf("externalMessage(%q) = %q, want %q", v, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { externalMessage("Cd", "EXCd", list) }); n != 1 {
		t.Errorf("externalMessage: %v allocations, want 1 (the string)", n)
	}
}

// TestLineCounter holds lineCounter to typed.Message.Line for positions
// asked for in order, backwards, repeated, and out of range.
func TestLineCounter(t *testing.T) {
	m := &typed.Message{Raw: []byte("<a>\n<b>x</b>\n\n<c/>\n")}
	var c lineCounter
	for _, p := range []typed.Pos{1, 2, 5, 5, 9, 14, 16, 3, 0, -1, 21, 22, 23, 12, 1} {
		if got, want := c.at(m, p), m.Line(p); got != want {
			t.Errorf("at(%d) = %d, want %d", p, got, want)
		}
	}
}
