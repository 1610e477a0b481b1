package server

import (
	"strings"
	"testing"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
)

// TestQuotedValuesOnlyInReports: with the real engine, findings quote the
// offending values (a name with a no-break space, an amount written with
// '.', a BIC) to the user in the report, and the server's logs carry none
// of them.
func TestQuotedValuesOnlyInReports(t *testing.T) {
	s, logs := newTestServer(t, func(c *Config) { c.Engine = swiftval.New(engine.Options{}) })
	msg := "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKUS33XXXXN}{3:{121:eb6305c9-1f7f-49de-aed0-16487c27b42d}}{4:\n" +
		":20:REF1\n:23B:CRED\n:32A:260101USD12345.67\n:50K:\u00a0JOHN SECRET\n:52A:SECR1TBB\n:59:JANE DOE\n:71A:SHA\n-}"
	rec := do(t, s, "POST", "/v1/validate", "text/plain", strings.NewReader(msg))
	body := rec.Body.String()
	quoted := []string{`\"12345.67\"`, `\"\\u00a0JOHN SECRET\"`, `\"SECR1TBB\"`}
	for _, q := range quoted {
		if !strings.Contains(body, q) {
			t.Errorf("the report does not quote %s: %s", q, body)
		}
	}
	for _, leak := range []string{"12345", "SECRET", "SECR1TBB"} {
		if strings.Contains(logs.String(), leak) {
			t.Errorf("the log carries %q: %s", leak, logs.String())
		}
	}
}
