package output_test

import (
	"os"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/output"
)

// A Writer takes the reports of a run one by one and completes its
// document at Flush: here JUnit XML, one test case per message.
func ExampleNew() {
	w, err := output.New(os.Stdout, "junit", output.Options{})
	if err != nil {
		panic(err)
	}
	w.Write(&engine.Report{Source: "a.fin", Index: 1, Format: "mt", Type: "MT103", Valid: true, Complete: true})
	w.Write(&engine.Report{Source: "b.fin", Index: 1, Format: "mt", Type: "MT103", Complete: true, Findings: []engine.Finding{
		{Code: "T27", Rule: "mt.parse", Message: "field 52A: component BIC is not a valid BIC", Location: engine.Location{Block: 4, Field: "52A", Line: 6, Column: 6}},
	}})
	w.WriteUnchecked(output.Unchecked{Source: "c.fin", Detail: "open c.fin: permission denied"})
	w.Flush()
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <testsuites name="swiftval" tests="3" failures="1" errors="1" time="0.000000">
	//   <testsuite name="swiftval" tests="3" failures="1" errors="1" skipped="0" time="0.000000">
	//     <testcase name="a.fin#1" classname="swiftval.mt.MT103" time="0.000000"></testcase>
	//     <testcase name="b.fin#1" classname="swiftval.mt.MT103" time="0.000000">
	//       <failure message="INVALID: 1 error(s), 0 warning(s): T27 field 52A: component BIC is not a valid BIC" type="T27">
	// error T27 block 4, field 52A, line 6, column 6 [mt.parse] field 52A: component BIC is not a valid BIC
	//       </failure>
	//     </testcase>
	//     <testcase name="c.fin" classname="swiftval.unchecked" time="0">
	//       <error message="open c.fin: permission denied" type="unchecked"></error>
	//     </testcase>
	//   </testsuite>
	// </testsuites>
}
