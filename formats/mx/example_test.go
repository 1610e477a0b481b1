package mx_test

import (
	"fmt"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx"
)

func ExampleNewFormat() {
	f, err := mx.NewFormat(mx.Options{}) // Options{SchemaDir: dir} adds your own XSDs
	if err != nil {
		panic(err) // a user schema that does not compile: file:line: reason
	}
	raw := []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.002.001.10">
  <FIToFIPmtStsRpt>
    <GrpHdr><MsgId>ID-1</MsgId><CreDtTm>2026-02-30T10:00:00</CreDtTm></GrpHdr>
  </FIToFIPmtStsRpt>
</Document>`)
	var fs engine.Findings
	m := f.Parse(raw, &fs)
	fmt.Println(m.Type, m.Base) // m.Level is "full" when a typed decoder is linked in
	for _, x := range fs.List() {
		fmt.Println(x.Code, x.Location.Path, x.Location.Line)
	}
	// Output:
	// pacs.002.001.10 pacs.002
	// SVX231 /Document/FIToFIPmtStsRpt/GrpHdr/CreDtTm 3
}
