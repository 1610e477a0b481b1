package cbpr_test

import (
	"fmt"

	"github.com/swiftval/swiftval/rules/cbpr"
)

// A rule set pinned to one standards release, to validate against SR2025
// after SR2026 went live (register it in place of the built-in set).
func ExampleNew() {
	rs, err := cbpr.New(cbpr.Options{Release: "SR2025"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rs.Label(), rs.Profile, len(rs.Rules) > 0)
	fmt.Println(cbpr.RuleSet().Label())
	_, err = cbpr.New(cbpr.Options{Release: "SR2030"})
	fmt.Println(err)
	// Output:
	// cbpr+@SR2025 cbpr+ true
	// cbpr+@pre-SR2025+SR2025+SR2026
	// cbpr: unknown standards release "SR2030" (known: pre-SR2025, SR2025, SR2026)
}
