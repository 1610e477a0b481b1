package cbpr_test

import (
	"fmt"

	"github.com/swiftval/swiftval/rules/cbpr"
)

// A rule set pinned to one standards release, to validate against SR2025
// after SR2026 went live (register it in place of the built-in set).
func ExampleNew() {
	rs := cbpr.New(cbpr.Options{Release: "SR2025"})
	fmt.Println(rs.Label(), rs.Profile, len(rs.Rules) > 0)
	fmt.Println(cbpr.RuleSet().Label())
	// Output:
	// cbpr+@SR2025 cbpr+ true
	// cbpr+@SR2025+SR2026
}
