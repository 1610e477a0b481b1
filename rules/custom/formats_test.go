package custom

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/formats/mx"
	"github.com/swiftval/swiftval/payment"
)

// realEngine has the real MT and MX formats and no built-in rules, so the
// reports hold only parse findings and user-rule findings.
func realEngine(t testing.TB) *engine.Engine {
	t.Helper()
	e := engine.New(engine.Options{Budget: 2 * time.Second})
	e.RegisterFormat(mt.NewFormat())
	e.RegisterFormat(mx.Default())
	return e
}

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/rulesets/samples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSameRuleMTAndMX: the blocked-country rule, written once, catches a
// creditor in Iran in an MT103 and in a pacs.008, and passes clean ones;
// findings are located in each format's own terms.
func TestSameRuleMTAndMX(t *testing.T) {
	e := realEngine(t)
	stubBuiltinIDs(t, e)
	if _, err := NewManager(e, ManagerOptions{Dir: testdataDir(t)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file  string
		codes []string
		loc   engine.Location
	}{
		{"mt103-blocked-ir.fin", []string{"SVU520"}, engine.Location{Block: 4, Field: "59F", Line: 8, Column: 1}},
		{"mt103-gb-in-small.fin", nil, engine.Location{}},
		{"mt103-gb-in-large.fin", []string{"SVU510"}, engine.Location{Block: 4, Field: "32A", Line: 4, Column: 1}},
		{"pacs008-blocked-ir.xml", []string{"SVU520"}, engine.Location{Path: "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Cdtr", Line: 83}},
		{"pacs008-ok.xml", nil, engine.Location{}},
	} {
		t.Run(c.file, func(t *testing.T) {
			rep := validate(e, sample(t, c.file))
			var got []string
			for _, f := range rep.Findings {
				if f.Code[:2] == "SV" {
					got = append(got, f.Code)
				}
			}
			if !slices.Equal(got, c.codes) {
				t.Fatalf("codes %v, want %v; findings %+v", got, c.codes, rep.Findings)
			}
			for _, f := range rep.Findings {
				if f.Code == c.codes[0] && f.Location != c.loc {
					t.Errorf("location %+v, want %+v", f.Location, c.loc)
				}
			}
		})
	}
}

func TestMXView(t *testing.T) {
	e := realEngine(t)
	var f engine.Findings
	m := mx.Default().Parse(sample(t, "pacs008-blocked-ir.xml"), &f)
	_ = e
	v := payment.FromMX(m)
	if v == nil || len(v.Transactions) != 1 {
		t.Fatalf("view %+v (findings %+v)", v, f.List())
	}
	tx := v.Transactions[0]
	for _, c := range []struct{ name, got, want string }{
		{"type", v.Type, "pacs.008.001.08"},
		{"sender", v.Sender, "BANKGB2LXXX"},
		{"id", v.ID, "SVTEST-0001"},
		{"uetr", tx.UETR, "8a562c67-ca16-48ba-b074-65581be6f011"},
		{"e2e", tx.EndToEndID, "E2E-REF-0001"},
		{"value date", tx.ValueDate, "2026-11-27"},
		{"amount", tx.Settlement.Amount.String(), "1500.25"},
		{"currency", tx.Settlement.Currency, "EUR"},
		{"debtor", tx.Debtor.Name, "Debtor Ltd"},
		{"debtor country", tx.Debtor.Country, "GB"},
		{"debtor account", tx.Debtor.Account, "GB82WEST12345698765432"},
		{"debtor agent", tx.Debtor.Agent.BIC, "BANKGB2LXXX"},
		{"creditor", tx.Creditor.Name, "Creditor GmbH & Co"},
		{"creditor country", tx.Creditor.Country, "IR"},
		{"creditor agent country", tx.Creditor.Agent.Country, "DE"},
		{"charges", tx.ChargeBearer, "SHAR"},
		{"remittance", tx.Remittance, "Invoice 2026-117"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if s, ok := v.MX.Path("/Document/FIToFICstmrCdtTrf/GrpHdr/NbOfTxs"); !ok || s != "1" {
		t.Errorf("mx.path = %q %v", s, ok)
	}
	if s, ok := v.MX.Path("/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/PmtId/EndToEndId"); !ok || s != "E2E-REF-0001" {
		t.Errorf("mx.path indexed = %q %v", s, ok)
	}
}

func TestMXViewPacs009Cover(t *testing.T) {
	var f engine.Findings
	m := mx.Default().Parse(sample(t, "pacs009cov-ok.xml"), &f)
	v := payment.FromMX(m)
	if v == nil || len(v.Transactions) != 1 {
		t.Fatalf("view %+v (findings %+v)", v, f.List())
	}
	tx := v.Transactions[0]
	u := tx.Underlying
	for _, c := range []struct{ name, got, want string }{
		{"type", v.Type, "pacs.009.001.08"},
		{"settlement", tx.Settlement.Amount.String() + " " + tx.Settlement.Currency, "25000.00 USD"},
		{"underlying debtor", u.Debtor.Name + "/" + u.Debtor.Country, "Debtor Ltd/GB"},
		{"underlying creditor", u.Creditor.Name + "/" + u.Creditor.Country, "Creditor GmbH/DE"},
		{"underlying creditor agent", u.Creditor.Agent.BIC + "/" + u.Creditor.Agent.Country, "BANKDEFFXXX/DE"},
		{"underlying instructed", u.Instructed.Amount.String(), "25000.00"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if !u.Present {
		t.Error("underlying not present")
	}
}

// TestMXViewPain001: one transaction per PmtInf/CdtTrfTxInf, each located
// in its own element, the rule evaluated on each.
func TestMXViewPain001(t *testing.T) {
	var f engine.Findings
	m := mx.Default().Parse(sample(t, "pain001-three-tx.xml"), &f)
	v := payment.FromMX(m)
	if v == nil || len(v.Transactions) != 3 {
		t.Fatalf("view %+v (findings %+v)", v, f.List())
	}
	want := []struct{ e2e, amount, creditor, path string }{
		{"E2E-1", "100.25", "Creditor One", "/Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[1]"},
		{"E2E-2", "200.25", "Creditor Two", "/Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[2]"},
		{"E2E-3", "", "Creditor Three", "/Document/CstmrCdtTrfInitn/PmtInf[2]/CdtTrfTxInf[1]"},
	}
	for i, w := range want {
		tx := v.Transactions[i]
		if tx.EndToEndID != w.e2e || tx.Creditor.Name != w.creditor || tx.Path != w.path || (w.amount != "" && tx.Instructed.Amount.String() != w.amount) {
			t.Errorf("tx %d = %s %s %s %s", i, tx.EndToEndID, tx.Instructed.Amount, tx.Creditor.Name, tx.Path)
		}
		if tx.ValueDate != "2026-11-30" || tx.Debtor.Name != "Debtor Ltd" {
			t.Errorf("tx %d: value date %q, debtor %q", i, tx.ValueDate, tx.Debtor.Name)
		}
	}
	e := realEngine(t)
	mg, _ := NewManager(e, ManagerOptions{})
	if err := mg.Put("per-tx", []byte(`name: per-tx
rules:
  - id: per-tx.r
    applies_to: [pain.001.*]
    check: settlement.amount < 150
    location: /Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/Amt
`)); err != nil {
		t.Fatal(err)
	}
	rep := validate(e, sample(t, "pain001-three-tx.xml"))
	var paths []string
	for _, f := range rep.Findings {
		if f.Rule == "per-tx.r" {
			paths = append(paths, f.Location.Path)
		}
	}
	if len(paths) < 1 || paths[0] != "/Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[2]/Amt" {
		t.Fatalf("findings at %v; all %+v", paths, rep.Findings)
	}
}

func TestParseDecimal(t *testing.T) {
	for _, c := range []struct{ in, want string }{{"1234,56", "1234.56"}, {"100,", "100"}, {"0.5", "0.5"}, {"-3", "-3"}} {
		d, err := parseDecimal(c.in)
		if err != nil || d.String() != c.want {
			t.Errorf("parseDecimal(%q) = %v, %v", c.in, d, err)
		}
	}
	if _, err := parseDecimal("1,2,3"); err == nil {
		t.Error("1,2,3 accepted")
	}
}

// TestMT101PerTransaction: an MT101 gives one transaction per sequence B,
// and a finding on the second points at the second transaction's field.
func TestMT101PerTransaction(t *testing.T) {
	e := realEngine(t)
	mg, _ := NewManager(e, ManagerOptions{})
	if err := mg.Put("mt101", []byte(`name: mt101
rules:
  - id: mt101.r
    applies_to: [MT101]
    check: settlement.amount < 500
    message: "{{ref.transaction}} {{creditor.name}} {{value_date}}"
    location: "32B"
`)); err != nil {
		t.Fatal(err)
	}
	rep := validate(e, sample(t, "mt101-two-tx.fin"))
	var got []string
	for _, f := range rep.Findings {
		if f.Rule == "mt101.r" {
			got = append(got, f.Message+" @ "+f.Location.String())
		}
	}
	if len(got) != 1 || got[0] != "TX2 CREDITOR TWO 2026-11-30 @ block 4, field 32B, line 14, column 1" {
		t.Fatalf("got %q; all %+v", got, rep.Findings)
	}
}

// TestMXDefaultLocation: a rule without a location points at its
// transaction, with the line of the transaction's start tag.
func TestMXDefaultLocation(t *testing.T) {
	e := realEngine(t)
	mg, _ := NewManager(e, ManagerOptions{})
	if err := mg.Put("noloc", []byte("name: noloc\nrules:\n  - id: noloc.r\n    applies_to: [pacs.008.*]\n    check: \"false\"\n")); err != nil {
		t.Fatal(err)
	}
	rep := validate(e, sample(t, "pacs008-ok.xml"))
	for _, f := range rep.Findings {
		if f.Rule == "noloc.r" {
			if f.Location.Path != "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]" || f.Location.Line != 35 {
				t.Fatalf("location %+v", f.Location)
			}
			return
		}
	}
	t.Fatalf("no finding: %+v", rep.Findings)
}

// TestIsCountryKosovo: is_country accepts XK (Kosovo, in use by SWIFT) and
// refuses UK (not an ISO 3166 code).
func TestIsCountryKosovo(t *testing.T) {
	if !IsCountry("XK") || IsCountry("UK") {
		t.Error("IsCountry: XK must be accepted, UK refused")
	}
}
