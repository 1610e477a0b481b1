package server

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/server/golden")

// TestGolden pins the wire format of the API (status, headers that matter,
// bodies) on the fake engine against testdata/server/golden/*.txt. Times
// and generated request IDs are masked. Run with -update after a deliberate
// change and review the diff.
func TestGolden(t *testing.T) {
	batch, err := os.ReadFile(filepath.Join("..", "testdata", "server", "batch.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	admin := &fakeAdmin{sets: map[string][]byte{}}
	s, _ := newTestServer(t, func(c *Config) {
		c.MaxBodyBytes = 256
		c.AdminToken = testToken
		c.RuleSets = admin
	})
	auth := []string{"Authorization", "Bearer " + testToken}
	tests := []struct {
		name, method, target, ctype, body string
		hdr                               []string
	}{
		{"validate-valid", "POST", "/v1/validate", "text/plain", validMsg, nil},
		{"validate-invalid", "POST", "/v1/validate", "text/plain", invalidMsg, nil},
		{"validate-unrecognised", "POST", "/v1/validate", "", "hello", nil},
		{"validate-415", "POST", "/v1/validate", "application/json", `{"a":1}`, nil},
		{"validate-400-format", "POST", "/v1/validate?format=xml", "text/plain", validMsg, nil},
		{"validate-413", "POST", "/v1/validate", "text/plain", strings.Repeat("x", 257), nil},
		{"batch", "POST", "/v1/validate/batch", "application/x-ndjson", string(batch), nil},
		{"message-types", "GET", "/v1/message-types", "", "", nil},
		{"rules", "GET", "/v1/rules", "", "", nil},
		{"healthz", "GET", "/healthz", "", "", nil},
		{"readyz", "GET", "/readyz", "", "", nil},
		{"not-found", "GET", "/v2/nothing", "", "", nil},
		{"method-not-allowed", "PUT", "/v1/validate", "", "", nil},
		{"admin-401", "GET", "/v1/rulesets", "", "", nil},
		{"ruleset-422", "PUT", "/v1/rulesets/demo", "application/yaml", "broken", auth},
		{"request-id-kept", "GET", "/healthz", "", "", []string{"X-Request-ID", "caller-id-1"}},
	}
	masks := []struct {
		re   *regexp.Regexp
		with string
	}{
		{regexp.MustCompile(`"elapsed_us":[0-9.]+`), `"elapsed_us":0`},
		{regexp.MustCompile(`dur=[0-9.]+`), `dur=0`},
		{regexp.MustCompile(`"(evaluations|findings|timed_evaluations|total_time_ns|max_time_ns)":[0-9]+`), `"$1":0`},
		{regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]+\b`), `<generated-id>`},
	}
	shown := []string{"Allow", "Cache-Control", "Connection", "Content-Type", "Retry-After", "Server-Timing", "Www-Authenticate", "X-Content-Type-Options", "X-Request-Id"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			rec := do(t, s, tt.method, tt.target, tt.ctype, body, tt.hdr...)
			var out bytes.Buffer
			fmt.Fprintf(&out, "%s %s\n%d\n", tt.method, tt.target, rec.Code)
			res := rec.Result()
			for _, h := range []struct {
				kind string
				h    map[string][]string
			}{{"", res.Header}, {"trailer ", res.Trailer}} {
				keys := make([]string, 0, len(h.h))
				for k := range h.h {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					for _, want := range shown {
						if k == want {
							fmt.Fprintf(&out, "%s%s: %s\n", h.kind, k, strings.Join(h.h[k], ", "))
						}
					}
				}
			}
			out.WriteString("\n")
			out.Write(rec.Body.Bytes())
			got := out.String()
			for _, m := range masks {
				got = m.re.ReplaceAllString(got, m.with)
			}
			file := filepath.Join("..", "testdata", "server", "golden", tt.name+".txt")
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./server -run TestGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file; run with -update if deliberate\n--- got\n%s\n--- want\n%s", tt.name, got, want)
			}
		})
	}
}
