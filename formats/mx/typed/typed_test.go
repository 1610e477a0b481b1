package typed

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// corpusDir holds the shared MX sample corpus, read in place.
const corpusDir = "../../../../shared/corpus/mx"

func readCorpus(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Skipf("shared corpus absent (%v): run from the swiftval work tree next to ../shared", err)
	}
	return b
}

const samplePacs008 = "phoughton__iso20022-cbpr-ur/test_files__2025__pacs008_credit_transfer_sample.xml"

func TestDecodeEnvelopePrefixed(t *testing.T) {
	raw := readCorpus(t, "phoughton__iso20022-cbpr-ur/test_files__2025__CBPR_p.8.1.1.a_pacs.008_AtoB.xml")
	m, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "pacs.008.001.08" || m.Element != "FIToFICstmrCdtTrf" {
		t.Fatalf("ID %q element %q", m.ID, m.Element)
	}
	h := m.AppHdr
	if h == nil || h.Fr.FIId == nil || h.Fr.FIId.FinInstnId.BICFI.Value != "BRDEROBU" || h.MsgDefIdr.Value != "pacs.008.001.08" {
		t.Fatalf("AppHdr %+v", h)
	}
	d := m.Pacs008
	if d == nil || len(d.CdtTrfTxInf) != 1 {
		t.Fatal("no pacs.008 transaction")
	}
	tx := d.CdtTrfTxInf[0]
	if tx.IntrBkSttlmAmt.Ccy != "RON" || tx.IntrBkSttlmAmt.Value != "12000000" {
		t.Fatalf("amount %+v", tx.IntrBkSttlmAmt)
	}
	if got := m.Line(tx.IntrBkSttlmAmt.Pos); got != 49 {
		t.Errorf("amount line %d, want 49", got)
	}
	if tx.Dbtr.PstlAdr == nil || tx.Dbtr.PstlAdr.Ctry.Value != "RO" || tx.PmtTpInf != nil {
		t.Errorf("debtor %+v", tx.Dbtr)
	}
	if tx.DbtrAcct == nil || tx.DbtrAcct.Id.Othr == nil || tx.DbtrAcct.Id.Othr.Id.Value != "25698745" || tx.DbtrAcct.Id.IBAN.Present() {
		t.Errorf("debtor account %+v", tx.DbtrAcct)
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name, xml, want string
	}{
		{"plain", `<MsgId>ABC</MsgId>`, "ABC"},
		{"entity", `<MsgId>A&amp;B&#x41;&#66;</MsgId>`, "A&BAB"},
		{"cdata", `<MsgId>A<![CDATA[<x>]]>B</MsgId>`, "A<x>B"},
		{"comment", `<MsgId>A<!-- c -->B</MsgId>`, "AB"},
		{"empty", `<MsgId/>`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf><GrpHdr>` + tc.xml + `</GrpHdr></FIToFICstmrCdtTrf></Document>`)
			m, err := Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Pacs008.GrpHdr.MsgId; got.Value != tc.want || !got.Present() {
				t.Errorf("got %q", got.Value)
			}
		})
	}
}

func TestDecodeNeverPanics(t *testing.T) {
	raw := readCorpus(t, samplePacs008)
	for i := 0; i <= len(raw); i += 7 {
		Decode(raw[:i])
	}
	for _, s := range []string{"", "<", "<Document", "<Document xmlns='", "<Document><", "<a><b></a>", "<![CDATA[", "<!--", "</"} {
		Decode([]byte(s))
	}
}

func TestDecodeCorpus(t *testing.T) {
	dir := filepath.Join(corpusDir, "phoughton__iso20022-cbpr-ur")
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Skipf("shared corpus absent at %s", dir)
	}
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		m, err := Decode(raw)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if !Known(m.ID) || m.Element == "" {
			t.Errorf("%s: message %q not decoded", filepath.Base(f), m.ID)
		}
		if strings.Contains(string(raw), "AppHdr") && m.AppHdr == nil {
			t.Errorf("%s: AppHdr not decoded", filepath.Base(f))
		}
	}
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"12.50", "12.50", true}, {" 1 ", "1", true}, {".5", "0.5", true}, {"5.", "5", true},
		{"+3", "3", true}, {"1e3", "", false}, {"", "", false}, {"1.2.3", "", false},
		{"12345678901234567890", "", false},
	}
	for _, tc := range tests {
		d, ok := ParseDecimal(tc.in)
		if ok != tc.ok || (ok && d.String() != tc.want) {
			t.Errorf("ParseDecimal(%q) = %v, %v", tc.in, d, ok)
		}
	}
}

func BenchmarkDecodePacs008(b *testing.B) {
	raw := readCorpus(b, samplePacs008)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLeaves(t *testing.T) {
	raw := readCorpus(t, "phoughton__iso20022-cbpr-ur/test_files__2025__CBPR_p.8.1.1.a_pacs.008_AtoB.xml")
	m, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Kind{
		"/AppHdr/Fr/FIId/FinInstnId/BICFI":                                     KindBIC,
		"/Document/FIToFICstmrCdtTrf/GrpHdr/MsgId":                             KindText,
		"/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt":            KindAmount,
		"/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Dbtr/PstlAdr/Ctry":         KindCountry,
		"/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/CdtrAcct/Id/Othr/Id":       KindText,
		"/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/InstdAgt/FinInstnId/BICFI": KindBIC,
	}
	got := map[string]Kind{}
	ls := m.Leaves()
	for i := range ls {
		got[m.LeafPath(&ls[i])] = ls[i].Kind
	}
	for p, k := range want {
		if g, ok := got[p]; !ok || g != k {
			t.Errorf("%s: kind %v present %v, want %v", p, g, ok, k)
		}
	}
}

// TestLeavesOf: LeavesOf yields exactly the leaves of its kind, in Leaves'
// order, stops when the loop breaks, and yields nothing for a nil Message.
func TestLeavesOf(t *testing.T) {
	raw := readCorpus(t, "phoughton__iso20022-cbpr-ur/test_files__2025__CBPR_p.8.1.1.a_pacs.008_AtoB.xml")
	m, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []Kind{KindBIC, KindAmount, KindCountry, KindText} {
		var want, got []*Leaf
		ls := m.Leaves()
		for i := range ls {
			if ls[i].Kind == k {
				want = append(want, &ls[i])
			}
		}
		for l := range m.LeavesOf(k) {
			got = append(got, l)
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("kind %v: %d leaves, want the %d of Leaves", k, len(got), len(want))
		}
	}
	n := 0
	for range m.LeavesOf(KindBIC) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("break: %d leaves yielded", n)
	}
	var none *Message
	for l := range none.LeavesOf(KindBIC) {
		t.Errorf("nil message yielded %+v", l)
	}
}

func BenchmarkLeaves(b *testing.B) {
	raw := readCorpus(b, samplePacs008)
	b.ReportAllocs()
	for b.Loop() {
		m, _ := Decode(raw)
		m.Leaves()
	}
}

func TestVariant(t *testing.T) {
	tests := []struct{ bizSvc, want string }{
		{"swift.cbprplus.cov.03", "COV"},
		{"swift.cbprplus.adv.02", "ADV"},
		{"swift.cbprplus.stp.04", "STP"},
		{"swift.cbprplus.03", ""},
	}
	for _, tc := range tests {
		m := &Message{Documents: Documents{AppHdr: &BusinessApplicationHeaderV02{BizSvc: Text{Value: tc.bizSvc, Pos: 1}}}}
		if got := m.Variant(); got != tc.want {
			t.Errorf("Variant(%q) = %q, want %q", tc.bizSvc, got, tc.want)
		}
	}
	if (&Message{}).Variant() != "" {
		t.Error("no AppHdr: want empty variant")
	}
}

// TestRecycle: after Recycle, strings and paths taken before stay valid,
// and recycled messages decode the next ones exactly like fresh ones.
func TestRecycle(t *testing.T) {
	raw := readCorpus(t, samplePacs008)
	leaves := func(m *Message) []string {
		ls := m.Leaves()
		out := make([]string, len(ls))
		for i := range ls {
			out[i] = m.LeafPath(&ls[i]) + "=" + ls[i].Value + "|" + ls[i].Ccy
		}
		return out
	}
	m, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := leaves(m)
	kept := strings.Join(want, "\n")
	m.Recycle()
	m.Recycle() // a second call is harmless
	other := readCorpus(t, "phoughton__iso20022-cbpr-ur/y2025__pacs.008.max.xml")
	for i := range 4 {
		in := raw
		if i%2 == 1 {
			in = other
		}
		m, err := Decode(in)
		if err != nil {
			t.Fatal(err)
		}
		got := leaves(m)
		if i%2 == 0 && strings.Join(got, "\n") != kept {
			t.Fatalf("round %d: leaves differ after recycling:\n%s\nwant\n%s", i, strings.Join(got, "\n"), kept)
		}
		m.Recycle()
	}
	if strings.Join(want, "\n") != kept {
		t.Error("paths or values taken before Recycle changed")
	}
}

// TestStreamMatchesDecode decodes every corpus message both ways, from the
// bytes (Decode) and from a scanner's tokens (the MX format's way), and
// requires the same leaves: names, paths, values, currencies, positions.
func TestStreamMatchesDecode(t *testing.T) {
	var files []string
	for _, d := range []string{"phoughton__iso20022-cbpr-ur", "moov-io__wire20022", "prowide__prowide-iso20022"} {
		m, _ := filepath.Glob(filepath.Join(corpusDir, d, "*.xml"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skipf("shared corpus absent at %s", corpusDir)
	}
	compared := 0
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		want, err := Decode(raw)
		if err != nil || want.Element == "" {
			continue // not a message with a typed model
		}
		got := streamDecode(raw)
		if got == nil {
			t.Errorf("%s: the stream decoder failed", filepath.Base(f))
			continue
		}
		compared++
		wl, gl := want.Leaves(), got.Leaves()
		if len(wl) != len(gl) || got.Element != want.Element || got.DocPos != want.DocPos || (got.AppHdr == nil) != (want.AppHdr == nil) {
			t.Errorf("%s: %d leaves, element %s at %d; Decode: %d, %s at %d", filepath.Base(f), len(gl), got.Element, got.DocPos, len(wl), want.Element, want.DocPos)
			continue
		}
		for i := range wl {
			w, g := &wl[i], &gl[i]
			if w.Name != g.Name || w.Value != g.Value || w.Ccy != g.Ccy || w.Pos != g.Pos || want.LeafPath(w) != got.LeafPath(g) {
				t.Errorf("%s: leaf %d: stream %s=%q %q at %d, Decode %s=%q %q at %d", filepath.Base(f), i, got.LeafPath(g), g.Value, g.Ccy, g.Pos, want.LeafPath(w), w.Value, w.Ccy, w.Pos)
				break
			}
		}
	}
	if compared == 0 {
		t.Skip("no message with a typed model in the corpus")
	}
	t.Logf("%d messages compared", compared)
}
