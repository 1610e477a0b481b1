package engine_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// selectorEngine has a base set, a profile set "cbpr+" and the toy format.
func selectorEngine(t *testing.T) *engine.Engine {
	return newEngine(t,
		&engine.RuleSet{Name: "base", Rules: []engine.Rule{hasLine("r.x", "C01", "x", "*")}},
		&engine.RuleSet{Name: "cbpr+", Profile: "cbpr+", Rules: []engine.Rule{hasLine("p.z", "P01", "z", "*")}})
}

// TestUnknownSelectorsFailClosed: a profile, rule set or format the engine
// does not know is refused by CheckOptions with the known values, and a
// validation that passes it anyway is invalid with SV013/SV014/SV015 and
// runs nothing: never the silent "valid" of a message validated without
// the checks the caller asked for (issue 17, item 2).
func TestUnknownSelectorsFailClosed(t *testing.T) {
	e := selectorEngine(t)
	// "z" breaks the cbpr+ profile rule; without the profile it is valid.
	in := []byte("T:A\nz")
	tests := []struct {
		name      string
		o         engine.ValidateOptions
		option    string // of the first OptionError; "" when accepted
		known     []string
		wantCodes string
	}{
		{"known profile", engine.ValidateOptions{Profile: "cbpr+"}, "", nil, "P01/error"},
		{"profile with + decoded to a space", engine.ValidateOptions{Profile: "cbpr "}, "profile", []string{"cbpr+"}, engine.CodeUnknownProfile + "/error"},
		{"profile in capitals", engine.ValidateOptions{Profile: "CBPR+"}, "profile", []string{"cbpr+"}, engine.CodeUnknownProfile + "/error"},
		{"profile cbprplus", engine.ValidateOptions{Profile: "cbprplus"}, "profile", []string{"cbpr+"}, engine.CodeUnknownProfile + "/error"},
		{"profile none", engine.ValidateOptions{Profile: "none"}, "profile", []string{"cbpr+"}, engine.CodeUnknownProfile + "/error"},
		{"known rule set", engine.ValidateOptions{RuleSets: []string{"cbpr+"}}, "", nil, "P01/error"},
		{"unknown rule set", engine.ValidateOptions{RuleSets: []string{"bogus"}}, "rulesets", []string{"base", "cbpr+"}, engine.CodeUnknownRuleSet + "/error"},
		{"one unknown among known", engine.ValidateOptions{RuleSets: []string{"base", "bogus"}}, "rulesets", []string{"base", "cbpr+"}, engine.CodeUnknownRuleSet + "/error"},
		{"unknown format", engine.ValidateOptions{Format: "json"}, "format", []string{"toy"}, engine.CodeUnknownFormat + "/error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := e.CheckOptions(tc.o)
			var oe *engine.OptionError
			switch {
			case tc.option == "" && err != nil:
				t.Fatalf("CheckOptions: %v", err)
			case tc.option != "" && !errors.As(err, &oe):
				t.Fatalf("CheckOptions = %v, want an *OptionError", err)
			case tc.option != "":
				if oe.Option != tc.option || !slices.Equal(oe.Known, tc.known) || !errors.Is(err, engine.ErrUnknownSelector) {
					t.Errorf("OptionError %+v, want option %s known %v", oe, tc.option, tc.known)
				}
				if !strings.Contains(err.Error(), "known: "+strings.Join(tc.known, ", ")) {
					t.Errorf("error %q does not list the known values", err)
				}
			}
			r := e.ValidateWith(context.Background(), in, tc.o)
			if got := codes(r); got != tc.wantCodes {
				t.Errorf("codes %s, want %s", got, tc.wantCodes)
			}
			if r.Valid {
				t.Error("reported valid")
			}
		})
	}
}

// TestCheckOptionsListsEveryUnknown: every unknown value is reported, not
// only the first.
func TestCheckOptionsListsEveryUnknown(t *testing.T) {
	e := selectorEngine(t)
	err := e.CheckOptions(engine.ValidateOptions{Format: "xml", Profile: "p", RuleSets: []string{"a", "base", "b"}})
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("CheckOptions = %v, want joined errors", err)
	}
	var got []string
	for _, x := range j.Unwrap() {
		got = append(got, x.(*engine.OptionError).Option+"="+x.(*engine.OptionError).Value)
	}
	if want := []string{"format=xml", "profile=p", "rulesets=a", "rulesets=b"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if !slices.Equal(e.KnownProfiles(), []string{"cbpr+"}) {
		t.Errorf("KnownProfiles = %v", e.KnownProfiles())
	}
}

// TestUnknownRuleIDsRefused: a set whose disable list or severity
// overrides name no registered rule is refused (a typo would otherwise
// leave a rule meant to become an error a warning), removing a set that
// another set's overrides need is refused, and SetEnabled of an unknown ID
// is not remembered for a rule registered later.
func TestUnknownRuleIDsRefused(t *testing.T) {
	e := selectorEngine(t)
	for _, rs := range []*engine.RuleSet{
		{Name: "typo-disable", Disable: []string{"r.xx"}},
		{Name: "typo-severity", Severity: map[string]engine.Severity{"r.xx": engine.Error}},
	} {
		if err := e.AddRuleSet(rs); !errors.Is(err, engine.ErrUnknownRuleID) || !strings.Contains(err.Error(), `"r.xx"`) {
			t.Errorf("AddRuleSet(%s) = %v, want ErrUnknownRuleID naming r.xx", rs.Name, err)
		}
	}
	if err := e.AddRuleSet(&engine.RuleSet{Name: "market", Severity: map[string]engine.Severity{"p.z": engine.Warning}}); err != nil {
		t.Fatal(err)
	}
	if e.RemoveRuleSet("cbpr+") || e.RuleSet("cbpr+") == nil {
		t.Error("removed cbpr+ although market overrides its rule p.z")
	}
	if !e.RemoveRuleSet("market") || !e.RemoveRuleSet("cbpr+") {
		t.Error("could not remove market, then cbpr+")
	}
	if e.SetEnabled("p.z", false) {
		t.Error("SetEnabled of an unregistered rule reported success")
	}
	if err := e.AddRuleSet(&engine.RuleSet{Name: "cbpr+", Profile: "cbpr+", Rules: []engine.Rule{hasLine("p.z", "P01", "z", "*")}}); err != nil {
		t.Fatal(err)
	}
	r := e.ValidateWith(context.Background(), []byte("T:A\nz"), engine.ValidateOptions{Profile: "cbpr+"})
	if codes(r) != "P01/error" {
		t.Errorf("rule registered after SetEnabled(false) of its unknown ID: %s", codes(r))
	}
}
