package typed_test

import (
	"fmt"

	"github.com/swiftval/swiftval/formats/mx/typed"
)

func ExampleDecode() {
	raw := []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">
<FIToFICstmrCdtTrf>
<GrpHdr><MsgId>REF-1</MsgId><NbOfTxs>1</NbOfTxs></GrpHdr>
<CdtTrfTxInf><IntrBkSttlmAmt Ccy="EUR">1500.50</IntrBkSttlmAmt></CdtTrfTxInf>
</FIToFICstmrCdtTrf>
</Document>`)
	m, err := typed.Decode(raw)
	if err != nil {
		panic(err)
	}
	amt := m.Pacs008.CdtTrfTxInf[0].IntrBkSttlmAmt
	d, _ := amt.Decimal()
	fmt.Println(m.ID, m.Pacs008.GrpHdr.MsgId.Value, amt.Ccy, d, "line", m.Line(amt.Pos))
	for _, l := range m.Leaves() {
		if l.Kind == typed.KindAmount {
			fmt.Println(m.LeafPath(&l))
		}
	}
	// Output:
	// pacs.008.001.08 REF-1 EUR 1500.50 line 4
	// /Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt
}
