package swiftval_test

import (
	"context"
	"fmt"
	"os"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/payment"
)

// An engine with every shipped format and rule pack validates a message and
// returns a report: an invalid message is a result, not an error.
func ExampleNew() {
	eng := swiftval.New(engine.Options{})
	raw, err := os.ReadFile("testdata/mt/valid_mt103.fin")
	if err != nil {
		panic(err)
	}
	rep := eng.Validate(context.Background(), raw)
	fmt.Println(rep.Format, rep.Type, rep.Valid, rep.Complete)
	// Output: mt MT103 true true
}

// Every finding has a code (SWIFT's where SWIFT defines one, else ours,
// listed in docs/codes.md), a severity, the rule behind it and an exact
// location; all of them are reported, in input order.
func ExampleEngine_Validate_findings() {
	eng := swiftval.New(engine.Options{})
	raw := []byte("{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\r\n" +
		":20:REF1\r\n:23B:CRED\r\n:32A:250115EUR1,\r\n:50K:JOHN DOE\r\n:59:JANE DOE\r\n:71A:OUR\r\n-}")
	rep := eng.Validate(context.Background(), raw)
	fmt.Println("valid:", rep.Valid)
	for _, f := range rep.Findings {
		fmt.Printf("%s %s %s block %d field %q\n", f.Code, f.Severity, f.Rule, f.Location.Block, f.Location.Field)
	}
	// Output:
	// valid: false
	// SVM111 error mt.parse block 3 field "121"
	// D49 error mt.MT103.D49 block 4 field "33B"
}

// A Go rule is a small engine.Rule added in a rule set of its own. This one
// reads the format-neutral payment view, so it works on MT and MX alike.
func Example_goRule() {
	eng := swiftval.New(engine.Options{})
	limit := engine.NewRule(engine.RuleInfo{
		ID: "house.eur-only", Code: "SVU510", Severity: engine.Error, AppliesTo: []string{"*"},
		Description: "settlement currency must be EUR",
	}, func(m *engine.Message, f *engine.Findings) {
		v := payment.Of(m)
		if v == nil {
			return
		}
		for _, tx := range v.Transactions {
			if tx.Settlement.Currency != "" && tx.Settlement.Currency != "EUR" {
				f.Errorf("SVU510", engine.Location{}, "settlement currency %s is not EUR", engine.Echo(tx.Settlement.Currency))
			}
		}
	})
	if err := eng.AddRuleSet(&engine.RuleSet{Name: "house", Version: "1", Source: engine.SourceGo, Rules: []engine.Rule{limit}}); err != nil {
		panic(err)
	}
	raw, err := os.ReadFile("testdata/mx/rules/cbpr.cov.underlying.pass.xml")
	if err != nil {
		panic(err)
	}
	rep := eng.Validate(context.Background(), raw)
	for _, f := range rep.Findings {
		fmt.Println(f.Code, f.Rule, f.Message)
	}
	fmt.Println("valid:", rep.Valid)
	// Output:
	// SVU510 house.eur-only settlement currency "USD" is not EUR
	// valid: false
}
