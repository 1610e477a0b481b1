package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
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

func TestLoad(t *testing.T) {
	if l := loadList(t); l.Len() != 4 {
		t.Fatalf("Len = %d", l.Len())
	}
	for _, c := range []struct{ csv, err string }{
		{"country\nIR\n", `no "name" column`},
		{"name,bic\n,\n", "line 2: an entry needs a name or a BIC"},
		{"name,bic\nX,ABC\n", "line 2: BIC"},
	} {
		if _, err := Load(strings.NewReader(c.csv)); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("Load(%q) = %v, want %q", c.csv, err, c.err)
		}
	}
}

func TestMatch(t *testing.T) {
	l := loadList(t)
	for _, c := range []struct {
		name string
		hit  bool
	}{
		{"ACME WEAPONS TRADING LLC", true},
		{"Acme Weapons-Trading, L.L.C.", true},
		{"  ivan   petrovich sidorov ", true},
		{"ACME WEAPONS", false},
		{"", false},
	} {
		if _, ok := l.MatchName(c.name); ok != c.hit {
			t.Errorf("MatchName(%q) = %v", c.name, ok)
		}
	}
	if _, ok := l.MatchBIC("BKIDIRTHXXX"); !ok {
		t.Error("BIC with branch not matched")
	}
}

// TestRuleOnMessages: the Go rule flags a blocked bank in an MT103 and a
// listed creditor in a pacs.008, and passes a clean message.
func TestRuleOnMessages(t *testing.T) {
	// A generous budget: the race detector slows schema validation down.
	e := swiftval.New(engine.Options{Budget: 2 * time.Second})
	if err := e.AddRuleSet(RuleSet(loadList(t))); err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile("../../testdata/rulesets/samples/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	listed := bytes.Replace(read("pacs008-ok.xml"), []byte("Creditor GmbH &amp; Co"), []byte("Golden Star Shipping Co."), 1)
	for _, c := range []struct {
		name string
		raw  []byte
		hit  bool
	}{
		{"MT103 to a blocked bank", read("mt103-blocked-ir.fin"), true},
		{"clean MT103", read("mt103-gb-in-small.fin"), false},
		{"pacs.008 to a listed creditor", listed, true},
		{"clean pacs.008", read("pacs008-ok.xml"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep := e.Validate(context.Background(), c.raw)
			if rep.HasCode(Code) != c.hit {
				t.Fatalf("hit = %v, want %v: %+v", rep.HasCode(Code), c.hit, rep.Findings)
			}
		})
	}
}

func TestRun(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"-budget", "2s", "-list", "sanctions.csv", "../../testdata/rulesets/samples/mt103-blocked-ir.fin"}, &out, &errb)
	if code != 1 || !strings.Contains(out.String(), Code) {
		t.Fatalf("code %d, out %s, err %s", code, out.String(), errb.String())
	}
}
