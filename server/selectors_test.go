package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// profileEngine is the fake engine with a "cbpr+" profile set whose rule
// flags a line containing CBPRXX.
func profileEngine(t *testing.T) *engine.Engine {
	e := fakeEngine(t)
	rule := engine.NewRule(engine.RuleInfo{ID: "fakecbpr.r", Code: "P01", AppliesTo: []string{"*"}}, func(m *engine.Message, f *engine.Findings) {
		if strings.Contains(m.Body.(string), "CBPRXX") {
			f.Error("P01", engine.Location{Block: 4, Line: 2, Column: 5}, "breaks the profile")
		}
	})
	if err := e.AddRuleSet(&engine.RuleSet{Name: "cbpr+", Profile: "cbpr+", Source: engine.SourceGo, Rules: []engine.Rule{rule}}); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestSelectorsFailClosed reproduces issue 17, item 2 over HTTP: an
// unknown profile (including the documented ?profile=cbpr+ whose "+" a
// query string decodes to a space) used to validate with no profile rules
// and answer VALID. Now the documented spelling works as written, and
// every unknown selector is a 400 problem listing the known values.
func TestSelectorsFailClosed(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.Engine = profileEngine(t) })
	msg := strings.Replace(validMsg, ":20:REF", ":20:CBPRXX", 1)
	tests := []struct {
		name, query string
		status      int
		valid       bool
		param       string   // of the first problem entry
		known       []string // its known values
	}{
		{"no profile: the profile rules do not run", "", 200, true, "", nil},
		{"cbpr+ as documented, unencoded", "?profile=cbpr+", 200, false, "", nil},
		{"cbpr%2B", "?profile=cbpr%2B", 200, false, "", nil},
		{"CBPR%2B", "?profile=CBPR%2B", 400, false, "profile", []string{"cbpr+"}},
		{"cbprplus", "?profile=cbprplus", 400, false, "profile", []string{"cbpr+"}},
		{"none", "?profile=none", 400, false, "profile", []string{"cbpr+"}},
		{"rule set cbpr+ unencoded", "?rulesets=cbpr+", 200, false, "", nil},
		{"rule sets with a space after the comma", "?rulesets=fake,%20cbpr%2B", 200, false, "", nil},
		{"unknown rule set", "?rulesets=fake,bogus", 400, false, "rulesets", []string{"cbpr+", "fake"}},
		{"unknown format", "?format=xml", 400, false, "format", []string{"mt"}},
		{"profile given twice", "?profile=cbpr%2B&profile=none", 400, false, "", nil},
		{"unknown parameter", "?profiles=cbpr%2B", 400, false, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, s, "POST", "/v1/validate"+tc.query, "text/plain", strings.NewReader(msg))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status == 200 {
				var rep engine.Report
				if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
					t.Fatal(err)
				}
				if rep.Valid != tc.valid {
					t.Errorf("valid=%v, want %v: %s", rep.Valid, tc.valid, rec.Body)
				}
				return
			}
			p := decodeProblem(t, rec)
			if tc.param == "" {
				return
			}
			if len(p.Errors) == 0 {
				t.Fatalf("no errors: %+v", p)
			}
			e := p.Errors[0].(map[string]any)
			var known []string
			for _, k := range e["known"].([]any) {
				known = append(known, k.(string))
			}
			if e["parameter"] != tc.param || strings.Join(known, ",") != strings.Join(tc.known, ",") || !strings.Contains(p.Detail, "known: "+strings.Join(tc.known, ", ")) {
				t.Errorf("problem %+v, want parameter %s known %v", p, tc.param, tc.known)
			}
		})
	}
	// The batch route takes the same parameters, and fails the same way.
	rec := do(t, s, "POST", "/v1/validate/batch?profile=bogus", "application/x-ndjson", strings.NewReader(`{"id":"a","message":"x"}`+"\n"))
	if rec.Code != 400 {
		t.Errorf("batch with an unknown profile: %d %s", rec.Code, rec.Body)
	}
}
