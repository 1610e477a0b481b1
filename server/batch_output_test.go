package server

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
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

// TestBatchStreams: each report reaches the client while the request is
// still open, so a client may send its next line after reading the answer
// to the previous one.
func TestBatchStreams(t *testing.T) {
	s, _ := newTestServer(t, nil)
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequest("POST", hs.URL+"/v1/validate/batch", pr)
	req.Header.Set("Content-Type", "application/x-ndjson")
	lines := make(chan string, 3)
	go func() {
		resp, err := hs.Client().Do(req)
		if err != nil {
			close(lines)
			return
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for _, id := range []string{"a", "b"} {
		if _, err := io.WriteString(pw, `{"id":"`+id+`","message":`+jsonString(validMsg)+"}\n"); err != nil {
			t.Fatal(err)
		}
		select {
		case l := <-lines:
			if !strings.Contains(l, `"id":"`+id+`"`) {
				t.Fatalf("got %q for %s", l, id)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the report on %s did not come while the request was open", id)
		}
	}
	pw.Close()
	if l, ok := <-lines; ok {
		t.Fatalf("extra line %q", l)
	}
}

// plainWriter is a ResponseWriter that cannot flush (as some wrappers).
type plainWriter struct {
	h    http.Header
	body strings.Builder
}

func (w *plainWriter) Header() http.Header         { return w.h }
func (w *plainWriter) WriteHeader(int)             {}
func (w *plainWriter) Write(b []byte) (int, error) { return w.body.Write(b) }

// TestBatchWithoutFlusher: a response writer that cannot flush gets every
// report at the end (echo's Response.Flush would panic on it; the batch
// does not call that).
func TestBatchWithoutFlusher(t *testing.T) {
	s, _ := newTestServer(t, nil)
	in := `{"id":"a","message":` + jsonString(validMsg) + "}\n" + `{"id":"b","message":` + jsonString(invalidMsg) + "}\n"
	req := httptest.NewRequest("POST", "/v1/validate/batch", strings.NewReader(in))
	req.Header.Set("Content-Type", "application/x-ndjson")
	w := &plainWriter{h: http.Header{}}
	s.Handler().ServeHTTP(w, req)
	if got := w.body.String(); strings.Count(got, "\n") != 2 || !strings.Contains(got, `"id":"b"`) {
		t.Fatalf("body %q", got)
	}
}
