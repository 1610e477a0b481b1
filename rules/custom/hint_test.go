package custom

import (
	"strings"
	"testing"
)

// TestDecimalHint: comparing an amount with a number or string literal is
// refused with the way to write it; what works keeps working.
func TestDecimalHint(t *testing.T) {
	env, err := baseEnv()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		expr string
		want string // "" when the expression compiles
	}{
		{`settlement.amount <= 1000000.00`, `a decimal amount cannot be compared with 1000000.00, a floating-point number (amounts are exact decimals, never floats): write decimal("1000000.00")`},
		{`1000.5 > settlement.amount`, `compared with 1000.5, a floating-point number`},
		{`settlement.amount < 1e6`, `write decimal("1e6")`},
		{`settlement.amount != "5"`, `compared with "5", a string: write decimal("5")`},
		{`settlement.amount > "x"`, `compared with "x", a string: write decimal("1000000.00")`},
		{`settlement.amount == 1000`, `compared with 1000, an int (== compares a decimal with a decimal only): write decimal("1000")`},
		{`settlement.amount > (1.0 + 2.0)`, `compared with a number, a floating-point number`},
		{`settlement.amount >= 1000`, ""},
		{`settlement.amount <= decimal("1000000.00")`, ""},
		{`settlement.amount == decimal(1000)`, ""},
		{`settlement.currency == 1`, `found no matching overload for '_==_' applied to '(string, int)'`},
	} {
		_, iss := env.Compile(tt.expr)
		if tt.want == "" {
			if iss != nil && iss.Err() != nil {
				t.Errorf("%s: %v", tt.expr, iss.Err())
			}
			continue
		}
		if iss == nil || iss.Err() == nil {
			t.Errorf("%s compiles", tt.expr)
			continue
		}
		e := iss.Errors()[0]
		got := decimalHint(tt.expr, e.Location.Line(), e.Location.Column(), e.Message)
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s:\n got %s\nwant %s", tt.expr, got, tt.want)
		}
	}
}
