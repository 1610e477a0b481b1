package payment

import (
	"bytes"
	"os"
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
)

func TestFromMT(t *testing.T) {
	raw, err := os.ReadFile("../testdata/rulesets/samples/mt103-gb-in-large.fin")
	if err != nil {
		t.Fatal(err)
	}
	var f engine.Findings
	m := mt.NewFormat().Parse(raw, &f)
	if m == nil {
		t.Fatalf("parse: %+v", f.List())
	}
	v := FromMT(m)
	if v == nil || len(v.Transactions) != 1 {
		t.Fatalf("view = %+v", v)
	}
	tx := v.Transactions[0]
	for _, c := range []struct{ name, got, want string }{
		{"type", v.Type, "MT103"},
		{"sender", v.Sender, "BARCGB22XXX"},
		{"uetr", tx.UETR, "180f1e65-90e0-44d5-a49a-92b55eb3025f"},
		{"ref", tx.InstructionID, "REF20261127A"},
		{"value date", tx.ValueDate, "2026-11-27"},
		{"amount", tx.Settlement.Amount.String(), "60000.00"},
		{"currency", tx.Settlement.Currency, "GBP"},
		{"instructed", tx.Instructed.Amount.String(), "60000.00"},
		{"debtor name", tx.Debtor.Name, "JOHN SMITH"},
		{"debtor account", tx.Debtor.Account, "GB29NWBK60161331926819"},
		{"debtor agent", tx.Debtor.Agent.BIC, "BARCGB22XXX"},
		{"debtor agent country", tx.Debtor.Agent.Country, "GB"},
		{"creditor name", tx.Creditor.Name, "ACME IMPORTS PVT LTD"},
		{"creditor country", tx.Creditor.Country, "IN"},
		{"creditor agent country", tx.Creditor.Agent.Country, "IN"},
		{"charges", tx.ChargeBearer, "SHAR"},
		{"remittance", tx.Remittance, "INVOICE 4711"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if s, ok := v.MT.Field("23B"); !ok || s != "CRED" {
		t.Errorf("mt.field(23B) = %q %v", s, ok)
	}
}

func TestFromMTCover(t *testing.T) {
	raw, err := os.ReadFile("../testdata/rulesets/samples/mt202cov-underlying-ir.fin")
	if err != nil {
		t.Fatal(err)
	}
	var f engine.Findings
	m := mt.NewFormat().Parse(raw, &f)
	if m == nil || m.Type != "MT202COV" {
		t.Fatalf("parse: %+v %+v", m, f.List())
	}
	v := FromMT(m)
	tx := v.Transactions[0]
	for _, c := range []struct{ name, got, want string }{
		{"debtor (52A)", tx.Debtor.BIC, "BARCGB22"},
		{"creditor (58A)", tx.Creditor.BIC, "DEUTDEFF"},
		{"creditor agent (receiver)", tx.Creditor.Agent.BIC, "DEUTDEFFXXX"},
		{"end to end", tx.EndToEndID, "E2EREF1"},
		{"amount", tx.Settlement.Amount.String(), "1000.00"},
		{"underlying debtor", tx.Underlying.Debtor.Name, "JOHN SMITH"},
		{"underlying creditor country", tx.Underlying.Creditor.Country, "IR"},
		{"underlying instructed", tx.Underlying.Instructed.Amount.String(), "1000.00"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if !tx.Underlying.Present {
		t.Error("underlying not present")
	}
}

// TestMTViewKosovo: a 59F address in Kosovo (3/XK/...) gives the creditor
// country XK, the code SWIFT uses, so country rules (sanctions lists) see it.
func TestFromMTKosovo(t *testing.T) {
	raw, err := os.ReadFile("../testdata/rulesets/samples/mt103-gb-in-large.fin")
	if err != nil {
		t.Fatal(err)
	}
	raw = bytes.Replace(raw, []byte("3/IN/MUMBAI"), []byte("3/XK/PRISHTINE"), 1)
	var f engine.Findings
	m := mt.NewFormat().Parse(raw, &f)
	if m == nil {
		t.Fatalf("parse: %+v", f.List())
	}
	v := FromMT(m)
	if v == nil || len(v.Transactions) != 1 {
		t.Fatalf("view = %+v", v)
	}
	if got := v.Transactions[0].Creditor.Country; got != "XK" {
		t.Errorf("creditor country = %q, want XK", got)
	}
}
