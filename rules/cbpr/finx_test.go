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
			// At every offset of the four-byte steps and the tail.
			for n := 0; n < 9; n++ {
				s := strings.Repeat("a", n) + string(b) + "bcdefgh"
				j := indexNotFINX(tab, s, extended)
				if got := j < 0; got != want || !want && j != n {
					t.Errorf("byte %#x extended=%v at %d: index %d, want in the set %v", c, extended, n, j, want)
				}
			}
		}
	}
}
