package mt

import "testing"

// TestMinorUnitsTable checks the format's currency look-ups, which read
// rules/common's ISO 4217 table.
func TestMinorUnitsTable(t *testing.T) {
	for _, c := range []struct {
		ccy   string
		units int
		ok    bool
	}{{"EUR", 2, true}, {"JPY", 0, true}, {"BHD", 3, true}, {"CLF", 4, true}, {"XCG", 2, true}, {"XAU", 0, false}} {
		if got, ok := MinorUnits(c.ccy); got != c.units || ok != c.ok || !knownCurrency(c.ccy) {
			t.Errorf("MinorUnits(%s) = %d, %v; want %d, %v", c.ccy, got, ok, c.units, c.ok)
		}
	}
	for _, c := range []string{"", "EU", "EURO", "eur", "ABC", "QQQ", "E1R", "ZZZ", "AAA", "\xffUR", "HRK"} {
		if _, ok := MinorUnits(c); ok || knownCurrency(c) {
			t.Errorf("MinorUnits(%q) known", c)
		}
	}
}
