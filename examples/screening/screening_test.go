package main

import (
	"context"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/external"
	"github.com/swiftval/swiftval/rules/custom"
)

func loadList(t *testing.T) *List {
	t.Helper()
	f, err := os.Open("sanctions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := Load(f)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestScreen(t *testing.T) {
	l := loadList(t)
	for _, c := range []struct {
		p    Party
		want string // match and entry line, "" for no hit
	}{
		{Party{Role: "creditor", Name: "Jane Smith"}, "exact 4"},
		{Party{Role: "creditor", Name: "JANE  SMITH"}, "normalised 4"},
		{Party{Role: "debtor", Name: "Acme Weapons-Trading, L.L.C."}, "normalised 3"},
		{Party{Role: "debtor", Name: "MULLER AND SOHNE RUSTUNG G.M.B.H."}, "normalised 6"},
		{Party{Role: "debtor agent", BIC: "BKIDIRTH123"}, "bic 7"},
		{Party{Role: "debtor", Name: "Jane Smithson"}, ""},
		{Party{Role: "debtor", Name: ""}, ""},
	} {
		hits := l.Screen([]Party{c.p})
		got := ""
		if len(hits) > 0 {
			got = hits[0].Match + " " + strconv.Itoa(hits[0].Entry)
		}
		if got != c.want {
			t.Errorf("%+v: got %q, want %q", c.p, got, c.want)
		}
	}
}

// TestWholePath runs the example end to end: the rule set of the example,
// swiftval's external check, the screening service over HTTP.
func TestWholePath(t *testing.T) {
	srv := httptest.NewServer(Handler(loadList(t)))
	defer srv.Close()
	set, err := os.ReadFile("screening.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yaml := strings.Replace(string(set), "http://127.0.0.1:9090", srv.URL, 1)
	e := swiftval.New(engine.Options{Budget: 2 * time.Second})
	m, err := custom.NewManager(e, custom.ManagerOptions{External: external.NewHub(external.HubOptions{Endpoints: []string{"http://127.0.0.1/"}})})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Put("screening", []byte(yaml)); err != nil {
		t.Fatal(err)
	}
	msg, err := os.ReadFile("../../testdata/mt/valid_mt103.fin")
	if err != nil {
		t.Fatal(err)
	}
	rep := e.Validate(context.Background(), msg)
	var hit *engine.Finding
	for i := range rep.Findings {
		if rep.Findings[i].Code == "SVU590" {
			hit = &rep.Findings[i]
		}
	}
	if rep.Valid || hit == nil || hit.Location.Field != "59" || !strings.Contains(hit.Message, "creditor is on the sanctions list (entry at line 4, normalised match)") {
		t.Fatalf("MT103 with a listed creditor: %+v", rep.Findings)
	}
	srv.Close()
	rep = e.Validate(context.Background(), msg)
	if rep.Valid || !rep.HasCode(external.CodeUnavailable) {
		t.Fatalf("service down, fail-closed: %+v", rep.Findings)
	}
}
