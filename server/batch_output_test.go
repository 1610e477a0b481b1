package server

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

// TestBatchOutputs: ?output= picks the writer of package output for the
// batch endpoint; an unknown one is refused before anything is read.
func TestBatchOutputs(t *testing.T) {
	s, _ := newTestServer(t, nil)
	in := strings.Join([]string{
		`{"id":"a","message":` + jsonString(validMsg) + `}`,
		`{"id":"b","message":` + jsonString(invalidMsg) + `}`,
		`{"id":"c"}`,
	}, "\n")
	tests := []struct {
		output, ctype string
		check         func(t *testing.T, body string)
	}{
		{"", "application/x-ndjson", func(t *testing.T, body string) {
			if n := strings.Count(body, "\n"); n != 3 || !strings.Contains(body, `"id":"c","index":3,"error":{"status":400`) {
				t.Errorf("%d lines:\n%s", n, body)
			}
		}},
		{"text", "text/plain; charset=utf-8", func(t *testing.T, body string) {
			if !strings.Contains(body, "message#1 (a): ") || !strings.Contains(body, "message#3 (c): NOT CHECKED: line is not a JSON object") {
				t.Errorf("text:\n%s", body)
			}
		}},
		{"junit", "application/xml; charset=utf-8", func(t *testing.T, body string) {
			var suites struct {
				Tests    int `xml:"tests,attr"`
				Failures int `xml:"failures,attr"`
				Errors   int `xml:"errors,attr"`
			}
			if err := xml.Unmarshal([]byte(body), &suites); err != nil || suites.Tests != 3 || suites.Failures != 1 || suites.Errors != 1 {
				t.Errorf("junit %+v %v:\n%s", suites, err, body)
			}
		}},
		{"sarif", "application/sarif+json", func(t *testing.T, body string) {
			var log struct {
				Version string
				Runs    []struct {
					Results     []struct{ RuleID string }
					Invocations []struct{ ExecutionSuccessful bool }
				}
			}
			if err := json.Unmarshal([]byte(body), &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 ||
				len(log.Runs[0].Results) == 0 || log.Runs[0].Invocations[0].ExecutionSuccessful {
				t.Errorf("sarif %+v %v:\n%s", log, err, body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run("output="+tt.output, func(t *testing.T) {
			rec := do(t, s, "POST", "/v1/validate/batch?output="+tt.output, "application/x-ndjson", strings.NewReader(in))
			if rec.Code != 200 || rec.Header().Get("Content-Type") != tt.ctype {
				t.Fatalf("status %d, content type %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			tt.check(t, rec.Body.String())
		})
	}
	rec := do(t, s, "POST", "/v1/validate/batch?output=xml", "application/x-ndjson", strings.NewReader(in))
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "output must be one of text, json, junit, sarif") {
		t.Fatalf("unknown output: %d %s", rec.Code, rec.Body)
	}
}
