package cbpr

import (
	"strings"
	"testing"

	"github.com/swiftval/swiftval/rules/common"
)

// TestFINXTable holds finxTable to the sets' definitions: FIN-X is the
// SWIFT X set without CR and LF; the extended set adds finxExtra.
func TestFINXTable(t *testing.T) {
	tab := finxTable()
	for c := 0; c < 256; c++ {
		b := byte(c)
		finx := common.IsX(b) && b != '\r' && b != '\n'
		ext := finx || strings.IndexByte(finxExtra, b) >= 0
		for _, extended := range []bool{false, true} {
			want := finx
			if extended {
				want = ext
			}
			if got := indexNotFINX(tab, "ok"+string(b), extended) < 0; got != want {
				t.Errorf("byte %#x extended=%v: in the set %v, want %v", c, extended, got, want)
			}
		}
	}
}
