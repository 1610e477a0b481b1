package typed

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/formats/mx/xmlscan"
)

// FuzzDecode checks that Decode, the stream decoder (over a plain scanner)
// and Leaves never panic and that every position they report lies inside
// the input.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf><GrpHdr><MsgId>A&amp;B</MsgId></GrpHdr></FIToFICstmrCdtTrf></Document>`,
		`<a:AppHdr xmlns:a="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"><a:Fr><a:FIId><a:FinInstnId><a:BICFI>X</a:BICFI></a:FinInstnId></a:FIId></a:Fr></a:AppHdr>`,
		`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn><PmtInf><CdtTrfTxInf><Amt><InstdAmt Ccy='EUR'>1<![CDATA[.0]]></InstdAmt></Amt></CdtTrfTxInf></PmtInf></CstmrCdtTrfInitn></Document>`,
	} {
		f.Add([]byte(s))
	}
	if files, _ := filepath.Glob("../../../testdata/mx/rules/*.pass.xml"); len(files) > 0 {
		raw, _ := os.ReadFile(files[0])
		f.Add(raw)
	}
	// A sample of every message definition (camt.056, camt.029 ...).
	defs, _ := filepath.Glob("../../../testdata/mx/definitions/*.xml")
	for _, p := range defs {
		raw, _ := os.ReadFile(p)
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, _ := Decode(raw)
		if m == nil {
			return
		}
		ls := m.Leaves()
		for i := range ls {
			if p := ls[i].Pos; p < 0 || int(p) > len(raw) {
				t.Fatalf("leaf %s at %d outside input of %d bytes", ls[i].Name, p, len(raw))
			}
			_ = m.LeafLoc(&ls[i])
		}
		m.Recycle()
		if s := streamDecode(raw); s != nil {
			ls := s.Leaves()
			for i := range ls {
				if p := ls[i].Pos; p <= 0 || int(p) > len(raw) {
					t.Fatalf("stream: leaf %s at %d outside input of %d bytes", ls[i].Name, p, len(raw))
				}
			}
			s.Recycle()
		}
	})
}

// TestDecodeAllocs pins the allocation count of decoding the 3.2 KB CBPR+
// pacs.008 sample (a few structs for optional elements and slices).
func TestDecodeAllocs(t *testing.T) {
	raw := readCorpus(t, samplePacs008)
	n := testing.AllocsPerRun(100, func() {
		m, _ := Decode(raw)
		m.Leaves()
	})
	if n > 20 {
		t.Errorf("Decode+Leaves allocates %.0f times, want at most 20", n)
	}
}

// streamDecode decodes raw from a plain scanner's tokens, as the MX format
// does from its validating stream: the AppHdr and the Document found at any
// depth. It returns nil when the input is not well-formed.
func streamDecode(raw []byte) *Message {
	sc := xmlscan.NewScanner(raw, xmlscan.Limits{})
	m := NewMessage(raw)
	for {
		tok, err := sc.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return m
			}
			m.Recycle()
			return nil
		}
		if tok.Kind != xmlscan.StartElement {
			continue
		}
		switch string(tok.Name.Local) {
		case "AppHdr":
			err = m.DecodeAppHdr(sc, nil, tok)
		case "Document":
			ns := string(tok.Name.Space)
			err = m.DecodeDocument(ns, strings.TrimPrefix(ns, NamespacePrefix), sc, nil, tok)
		}
		if err != nil {
			m.Recycle()
			return nil
		}
	}
}
