package payment

import (
	"bytes"
	"os"
	"strings"
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

// TestEveryPaymentTypeHasView fails when a payment-carrying type declared
// in formats/mt gives no transaction, or one without amount, currency,
// value date or parties, from its valid sample (testdata/mt): the payment
// view would leave custom rules blind to it.
func TestEveryPaymentTypeHasView(t *testing.T) {
	for _, ti := range mt.Types() {
		if ti.Payment == mt.PayNone {
			continue
		}
		raw, err := os.ReadFile("../testdata/mt/valid_" + strings.ToLower(ti.Type) + ".fin")
		if err != nil {
			t.Errorf("%s: %v", ti.Type, err)
			continue
		}
		var f engine.Findings
		em := mt.NewFormat().Parse(raw, &f)
		if em == nil || em.Type != ti.Type {
			t.Errorf("%s: parsed as %v (%v)", ti.Type, em, f.List())
			continue
		}
		v := FromMT(em)
		if v == nil || len(v.Transactions) == 0 {
			t.Errorf("%s: no transaction in the view", ti.Type)
			continue
		}
		want := 1
		if n := len(mt.From(em).Sequences("B")); n > 0 && ti.Payment != mt.PayInstitution {
			want = n
		}
		if len(v.Transactions) != want {
			t.Errorf("%s: %d transactions, want %d", ti.Type, len(v.Transactions), want)
		}
		for i, tx := range v.Transactions {
			if tx.Settlement.Currency == "" || tx.Settlement.Amount.IsZero() || tx.ValueDate == "" {
				t.Errorf("%s transaction %d: settlement %v %q, value date %q", ti.Type, i+1, tx.Settlement.Amount, tx.Settlement.Currency, tx.ValueDate)
			}
			if tx.Debtor.Name == "" && tx.Debtor.BIC == "" && tx.Debtor.Account == "" && tx.Debtor.Agent.BIC == "" {
				t.Errorf("%s transaction %d: no debtor", ti.Type, i+1)
			}
			if tx.Creditor.Name == "" && tx.Creditor.BIC == "" && tx.Creditor.Account == "" {
				t.Errorf("%s transaction %d: no creditor", ti.Type, i+1)
			}
		}
	}
}

// TestFromMTShapes checks what the view reads from the samples of the
// shapes added with MT 102, 104, 204 and 210, field by field.
func TestFromMTShapes(t *testing.T) {
	view := func(name string) *View {
		raw, err := os.ReadFile("../testdata/mt/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var f engine.Findings
		return FromMT(mt.NewFormat().Parse(raw, &f))
	}
	v102, v104, v204, v210 := view("valid_mt102.fin"), view("valid_mt104.fin"), view("valid_mt204.fin"), view("valid_mt210.fin")
	for _, c := range []struct{ name, got, want string }{
		{"102 tx 2 ref", v102.Transactions[1].TransactionID, "TX2"},
		{"102 tx 2 amount", v102.Transactions[1].Settlement.Amount.String(), "50.00"},
		{"102 value date from C", v102.Transactions[0].ValueDate, "2025-01-02"},
		{"102 debtor from A", v102.Transactions[1].Debtor.Account, "123456"},
		{"102 creditor", v102.Transactions[1].Creditor.Name, "JOHN ROE"},
		{"104 debtor is 59a", v104.Transactions[0].Debtor.Name, "DEBTOR ONE"},
		{"104 creditor is 50K of A", v104.Transactions[1].Creditor.Name, "CREDITOR CO"},
		{"104 date 30", v104.Transactions[0].ValueDate, "2025-01-02"},
		{"204 debtor is 53A", v204.Transactions[1].Debtor.BIC, "BANKFRPP"},
		{"204 creditor is 58A of A", v204.Transactions[0].Creditor.BIC, "BANKBEBB"},
		{"210 debtor agent 52A", v210.Transactions[0].Debtor.Agent.BIC, "BANKDEFF"},
		{"210 debtor 50", v210.Transactions[1].Debtor.Name, "JOHN ROE"},
		{"210 creditor is the sender", v210.Transactions[1].Creditor.BIC, "BANKBEBBXXX"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}
