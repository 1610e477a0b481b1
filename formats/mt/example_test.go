package mt_test

import (
	"context"
	"fmt"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
)

// Example validates an MT103 and reads typed fields from the parsed message.
func Example() {
	raw := []byte("{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{3:{121:eb6305c9-1f7f-49de-aed0-16487c27b42d}}{4:\r\n" +
		":20:REF1\r\n:23B:CRED\r\n:32A:250115EUR1234,5\r\n:50K:JOHN DOE\r\n:59:/DE44500105175407324931\r\nJANE SMITH\r\n:71A:SHA\r\n-}")
	e := engine.New(engine.Options{})
	e.RegisterFormat(mt.NewFormat())
	r := e.Validate(context.Background(), raw)
	fmt.Println(r.Type, r.Level, r.Valid)

	var f engine.Findings
	m := mt.Parse(raw, &f)
	a := m.Field("32A")
	amt, _ := a.Amount()
	fmt.Println(a.Currency(), amt, m.Field("59a").Account(), m.UETR())
	// Output:
	// MT103 full true
	// EUR 1234.5 DE44500105175407324931 eb6305c9-1f7f-49de-aed0-16487c27b42d
}
