package mt_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	mtrules "github.com/swiftval/swiftval/rules/mt"
)

func ExampleRuleSet() {
	e := engine.New(engine.Options{})
	e.RegisterFormat(mt.NewFormat())
	if err := e.AddRuleSet(mtrules.RuleSet()); err != nil {
		panic(err)
	}
	// An MT 103 whose instructed amount (33B) is in another currency than
	// the settled amount (32A) but gives no exchange rate (36): D75.
	msg := strings.Join([]string{
		"{1:F01BANKBEBBAXXX0000000000}{2:I103BANKUS33XXXXN}{3:{121:180f1e65-90e0-44d5-a49a-92b55eb3025f}}{4:",
		":20:REF123",
		":23B:CRED",
		":32A:250102EUR1000,00",
		":33B:USD1100,00",
		":50K:/12345",
		"JOHN DOE",
		":59:/DE89370400440532013000",
		"JANE DOE",
		":71A:SHA",
		"-}",
	}, "\r\n")
	r := e.Validate(context.Background(), []byte(msg))
	for _, f := range r.Findings {
		if strings.HasPrefix(f.RuleSet, "swift-mt") {
			fmt.Println(f.Code, f.Location, f.Rule)
		}
	}
	// Output:
	// D75 block 4, field 36, line 6, column 1 mt.MT103.D75
}
