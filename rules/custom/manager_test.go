package custom

import (
	"slices"
	"testing"
)

func TestLoadTestdata(t *testing.T) {
	e := newEngine()
	stubBuiltinIDs(t, e)
	m, err := NewManager(e, ManagerOptions{Dir: "../../testdata/rulesets"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.List()) == 0 {
		t.Fatal("no sets loaded")
	}
	rep := validate(e, fakeMsg("settlement.amount", "60000", "settlement.currency", "GBP", "debtor.agent.bic", "BARCGB22", "creditor.agent.bic", "HDFCINBB", "debtor.agent.country", "GB", "creditor.agent.country", "IN"))
	if rep.Valid || !slices.Contains(codes(rep), "SVU510") {
		t.Fatalf("want SVU510, got %+v", rep.Findings)
	}
	t.Logf("%+v", rep.Findings)
}
