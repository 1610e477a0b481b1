package custom_test

import (
	"context"
	"fmt"
	"os"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/rules/custom"
)

// A rule set loaded from YAML checks an MT103 through the payment view.
func ExampleManager_Put() {
	e := engine.New(engine.Options{})
	e.RegisterFormat(mt.NewFormat())
	m, err := custom.NewManager(e, custom.ManagerOptions{})
	if err != nil {
		panic(err)
	}
	err = m.Put("limits", []byte(`
name: limits
version: "1"
rules:
  - id: limits.gbp
    applies_to: [payments]
    check: settlement.currency != "GBP" || settlement.amount <= decimal("50000")
    code: SVU510
    message: "{{settlement.amount}} {{settlement.currency}} is above the limit"
    location: {mt: "32A"}
`))
	if err != nil {
		fmt.Println(err) // a *custom.LoadError, every problem located
		return
	}
	raw, _ := os.ReadFile("../../testdata/rulesets/samples/mt103-gb-in-large.fin")
	rep := e.Validate(context.Background(), raw)
	for _, f := range rep.Findings {
		fmt.Println(f.Code, f.Rule, f.RuleSet, f.Location, f.Message)
	}
	// Output:
	// SVU510 limits.gbp limits@1 block 4, field 32A, line 4, column 1 60000.00 GBP is above the limit
}

// A broken rule set is refused with the place of each problem.
func ExampleLoadError() {
	m, _ := custom.NewManager(engine.New(engine.Options{}), custom.ManagerOptions{})
	err := m.Put("bad", []byte("name: bad\nrules:\n  - id: bad.r\n    applies_to: [MT103]\n    check: debtor.nme == \"x\"\n"))
	fmt.Println(err)
	// Output:
	// rule set refused: bad.yaml:5:18: rule bad.r: check: undeclared reference to 'debtor.nme' (did you mean 'debtor.name'?)
}
