package mt

import "testing"

// TestMinorUnitsTable checks the array lookup against the source list.
func TestMinorUnitsTable(t *testing.T) {
	n := 0
	for i := 0; i+4 <= len(currencies); i += 4 {
		c, want := currencies[i:i+3], int(currencies[i+3]-'0')
		if got, ok := MinorUnits(c); !ok || got != want || !knownCurrency(c) {
			t.Errorf("MinorUnits(%s) = %d, %v; want %d", c, got, ok, want)
		}
		n++
	}
	for _, c := range []string{"", "EU", "EURO", "eur", "ABC", "QQQ", "E1R", "ZZZ", "AAA", "\xffUR"} {
		if _, ok := MinorUnits(c); ok || knownCurrency(c) {
			t.Errorf("MinorUnits(%q) known", c)
		}
	}
	if u, _ := MinorUnits("JPY"); u != 0 || n < 150 {
		t.Errorf("JPY %d, %d codes", u, n)
	}
	if u, _ := MinorUnits("BHD"); u != 3 {
		t.Errorf("BHD %d", u)
	}
}
