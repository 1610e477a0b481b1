package custom

import (
	"fmt"
	"testing"
)

// TestDocExamples: the expressions shown in docs/rules.md compile and
// evaluate as documented on a sample view.
func TestDocExamples(t *testing.T) {
	view := map[string]string{
		"message.type": "MT103", "message.sender": "BARCGB22XXX", "settlement.amount": "1000.00", "settlement.currency": "EUR",
		"instructed.amount": "1000", "instructed.currency": "EUR", "value_date": "2026-11-27", "creditor.country": "DE",
		"creditor.account": "DE89370400440532013000", "debtor.account": "GB82WEST12345698765432", "creditor.agent.bic": "DEUTDEFF",
	}
	for _, c := range []struct {
		expr string
		want bool
	}{
		{`settlement.amount <= decimal("50000.00")`, true},
		{`instructed.amount > 0`, true},
		{`settlement.amount == decimal("1000")`, true},
		{`settlement.amount != decimal(999)`, true},
		{`settlement.amount >= 1000`, true},
		{`settlement.amount.scale() <= currency_digits(settlement.currency)`, true},
		{`string(settlement.amount).size() <= 15`, true},
		{`is_decimal(mt.field("36"))`, false},
		{`is_bic(creditor.agent.bic)`, true},
		{`is_iban(debtor.account)`, true},
		{`is_country(creditor.country)`, true},
		{`is_currency(settlement.currency)`, true},
		{`bic_country(message.sender) == "GB"`, true},
		{`iban_country(creditor.account) == creditor.country`, true},
		{`date(value_date).getDayOfWeek() != 0`, true},
		{`days_between(value_date, "2026-12-31") >= 0`, true},
		{`!is_weekend(value_date)`, true},
		{`value_date >= "2026-01-01"`, true},
		{`settlement.currency in ["EUR", "GBP"]`, true},
		{`debtor.iban == debtor.account`, true},
		{`!mt.has("72") || !mt.field("72").contains("/REJT/")`, true},
		{`mx.path("/AppHdr/BizSvc") == "" || mx.path("/AppHdr/BizSvc").startsWith("swift.cbprplus")`, true},
		{`!underlying.present`, true},
	} {
		set := fmt.Sprintf("name: doc\nrules:\n  - id: doc.r\n    applies_to: [all]\n    check: %q\n", c.expr)
		comp, ps := compile("doc.yaml", []byte(set), compileOptions{})
		if len(ps) > 0 {
			t.Errorf("%s: %v", c.expr, ps)
			continue
		}
		v, err := ViewFromMap(view)
		if err != nil {
			t.Fatal(err)
		}
		a := newActivation(v)
		a.at(0)
		got, fail := comp.rules[0].prog.eval(nil, a)
		if fail != "" || got != c.want {
			t.Errorf("%s = %v (%s), want %v", c.expr, got, fail, c.want)
		}
	}
}
