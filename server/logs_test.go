package server

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/internal/testenv"
	"github.com/swiftval/swiftval/rules/custom"
)

// Payment data in a message, found without the parsers under test: MX
// element text of parties, accounts, identifiers and addresses, MX amounts,
// MT party and account lines, MT amounts and references.
var (
	mxValueRe  = regexp.MustCompile(`<(?:[A-Za-z0-9]+:)?(Nm|IBAN|BICFI|AnyBIC|BIC|Id|AdrLine|StrtNm|TwnNm|Ustrd|EndToEndId|InstrId|TxId|MsgId|BizMsgIdr|UETR)>([^<]+)</`)
	mxAmountRe = regexp.MustCompile(`Ccy="[A-Z]{3}"[^>]*>\s*([0-9]+\.[0-9]+)\s*<`)
	mtFieldRe  = regexp.MustCompile(`(?m)^:(20|21|50[AFGHK]?|59[AF]?|5[2-8][ABD]):([^\r\n]*(?:\r?\n[^:\r\n-][^\r\n]*)*)`)
	mtAmountRe = regexp.MustCompile(`(?m)^:(?:32[AB]|33B|71[FG]):(?:[0-9]{6})?[A-Z]{3}([0-9]+,[0-9]*)`)
)

// needles returns the payment values of raw worth looking for in logs:
// long enough not to occur by chance (names and identifiers of at least 6
// characters; amounts with their decimal separator).
func needles(raw string) (text, amounts []string) {
	add := func(v string) {
		v = strings.TrimSpace(strings.TrimPrefix(v, "/"))
		if len(v) >= 6 {
			text = append(text, v)
		}
	}
	for _, m := range mxValueRe.FindAllStringSubmatch(raw, -1) {
		add(m[2])
	}
	for _, m := range mxAmountRe.FindAllStringSubmatch(raw, -1) {
		amounts = append(amounts, m[1])
	}
	for _, m := range mtFieldRe.FindAllStringSubmatch(raw, -1) {
		for _, line := range strings.Split(m[2], "\n") {
			add(strings.TrimRight(line, "\r"))
		}
	}
	for _, m := range mtAmountRe.FindAllStringSubmatch(raw, -1) {
		if len(m[1]) >= 4 {
			amounts = append(amounts, m[1])
		}
	}
	return text, amounts
}

// corpusFiles lists the messages of the shared corpora and of testdata.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, dir := range []string{testenv.Shared(t, "corpus", "mt"), testenv.Shared(t, "corpus", "mx"), filepath.Join(testenv.Root(t), "testdata")} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch filepath.Ext(p) {
			case ".fin", ".txt", ".xml":
				if !d.IsDir() && !strings.Contains(p, string(filepath.Separator)+"golden"+string(filepath.Separator)) {
					files = append(files, p)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(files)
	return files
}

// TestLogsCarryNoPaymentData reproduces issue 17, item 5: payment data
// reached the logs (a failed rule-set reload logged test details with
// names and IBANs; finding texts quote values). Every message of the MT
// and MX corpora and of testdata goes through the server, single and in a
// batch, with and without the CBPR+ profile, with logs at debug level; a
// rule set whose test holds corpus messages is refused over the admin API
// and by a reload. No name, account, identifier or amount of any message
// may appear in the logs, nor in the admin API's 422.
func TestLogsCarryNoPaymentData(t *testing.T) {
	files := corpusFiles(t)
	if len(files) < 200 {
		t.Fatalf("only %d corpus files found", len(files))
	}
	var logs syncBuffer
	log := slog.New(NewJSONLogHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	eng := swiftval.New(engine.Options{Budget: 2 * time.Second})

	// A rule set whose test embeds the first MT and MX corpus messages and
	// expects the wrong verdict, so that loading it fails on the test.
	var mtMsg, mxMsg string
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if mtMsg == "" && strings.HasPrefix(string(b), "{1:") && strings.Contains(string(b), ":59") {
			mtMsg = string(b)
		}
		if mxMsg == "" && strings.Contains(string(b), "<Nm>") && strings.Contains(string(b), "IntrBkSttlmAmt") {
			mxMsg = string(b)
		}
	}
	if mtMsg == "" || mxMsg == "" {
		t.Fatal("no MT message with field 59 or MX message with names and amounts in the corpus")
	}
	leakySet := "name: leaky\nrules:\n  - id: leaky.party\n    applies_to: [all]\n    check: debtor.name == \"\" && creditor.name == \"\"\n" +
		"    message: \"party {{debtor.name}} / {{creditor.name}} account {{creditor.account}} amount {{settlement.amount}}\"\n" +
		"tests:\n  - name: mt\n    message: " + yamlQuote(mtMsg) + "\n    expect: {valid: true}\n" +
		"  - name: mx\n    message: " + yamlQuote(mxMsg) + "\n    expect: {valid: true}\n"
	dir := t.TempDir()
	mgr, err := custom.NewManager(eng, custom.ManagerOptions{Dir: dir, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newTestServer(t, func(c *Config) {
		c.Engine = eng
		c.Logger = log
		c.AdminToken = testToken
		c.RuleSets = managerAdmin{mgr}
		c.MaxBodyBytes = engine.DefaultMaxInput
	})

	var allText, allAmounts []string
	var batch strings.Builder
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text, amounts := needles(string(b))
		allText, allAmounts = append(allText, text...), append(allAmounts, amounts...)
		for _, q := range []string{"", "?profile=cbpr+"} {
			if rec := do(t, s, "POST", "/v1/validate"+q, "text/plain", strings.NewReader(string(b))); rec.Code != 200 && rec.Code != 500 {
				t.Fatalf("%s: status %d: %s", f, rec.Code, rec.Body)
			}
		}
		if i%4 == 0 {
			batch.WriteString(`{"id":"m` + itoa(int64(i)) + `","message":` + jsonString(string(b)) + "}\n")
		}
	}
	if rec := do(t, s, "POST", "/v1/validate/batch", "application/x-ndjson", strings.NewReader(batch.String())); rec.Code != 200 {
		t.Fatalf("batch: %d", rec.Code)
	}
	// The refused set: over the admin API, then by a reload.
	rec := do(t, s, "PUT", "/v1/rulesets/leaky", "application/yaml", strings.NewReader(leakySet), "Authorization", "Bearer "+testToken)
	if rec.Code != 422 {
		t.Fatalf("PUT leaky: %d %s", rec.Code, rec.Body)
	}
	if err := os.WriteFile(filepath.Join(dir, "leaky.yaml"), []byte(leakySet), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := mgr.ReloadLogged("test"); err == nil {
		t.Fatal("the leaky set loaded")
	}
	mtText, mtAmounts := needles(mtMsg)
	mxText, mxAmounts := needles(mxMsg)
	setNeedles := append(append(mtText, mxText...), append(mtAmounts, mxAmounts...)...)
	if len(setNeedles) < 6 {
		t.Fatalf("too few values in the rule-set test messages: %q", setNeedles)
	}
	for _, n := range setNeedles {
		if strings.Contains(rec.Body.String(), n) {
			t.Errorf("the admin API's 422 quotes %q from a test message", n)
		}
	}
	// Admin answers and the rule list name files, never server paths
	// (issue 17, item 7).
	good := "name: good\nrules:\n  - id: good.r\n    applies_to: [all]\n    check: \"true\"\n"
	for _, r := range []struct{ method, path, body string }{
		{"PUT", "/v1/rulesets/good", good},
		{"GET", "/v1/rulesets", ""},
		{"GET", "/v1/rulesets/good", ""},
		{"GET", "/v1/rules", ""},
		{"PUT", "/v1/rulesets/leaky", leakySet},
	} {
		rec := do(t, s, r.method, r.path, "application/yaml", strings.NewReader(r.body), "Authorization", "Bearer "+testToken)
		if strings.Contains(rec.Body.String(), dir) || !strings.Contains(rec.Body.String(), "yaml") {
			t.Errorf("%s %s: %d %s", r.method, r.path, rec.Code, rec.Body)
		}
	}

	out := logs.String()
	if n := strings.Count(out, `"msg":"request"`); n < 2*len(files) {
		t.Fatalf("only %d request lines logged for %d files: is debug logging on?", n, 2*len(files))
	}
	if !strings.Contains(out, "rule sets not reloaded") {
		t.Fatal("the failed reload was not logged")
	}
	if len(allText) < 500 || len(allAmounts) < 100 {
		t.Fatalf("only %d values and %d amounts found in the corpus: the extraction is broken", len(allText), len(allAmounts))
	}
	leaks := map[string]bool{}
	for _, n := range dedupe(allText) {
		if strings.Contains(out, n) {
			leaks[n] = true
		}
	}
	// The log's own counts and sizes ("bytes_out":700,) are not amounts:
	// masked before the amounts ("700,", MT's decimal comma) are looked for.
	numbers := logCounts.ReplaceAllString(out, `"$1":N`)
	for _, a := range dedupe(allAmounts) {
		if containsNumber(numbers, a) {
			leaks[a] = true
		}
	}
	if len(leaks) > 0 {
		var l []string
		for k := range leaks {
			l = append(l, k)
		}
		sort.Strings(l)
		t.Errorf("%d payment values of the corpus in the logs, e.g. %q", len(l), l[:min(len(l), 10)])
	}
	t.Logf("%d files, %d values and %d amounts looked for in %d bytes of logs", len(files), len(allText), len(allAmounts), len(out))
}

func dedupe(l []string) []string {
	sort.Strings(l)
	return slices.Compact(l)
}

// containsNumber reports whether n occurs in s not as part of a longer
// number (12.50 in a duration 112.503 does not count).
// logCounts matches the numeric fields of the log lines, which hold sizes,
// durations and counts, never payment values.
var logCounts = regexp.MustCompile(`"(status|duration_ms|bytes_out|bytes_in|validations|findings|errors|warnings|line|column|sets|rules|formats|rule_sets|startup_ms|max_body_bytes|max_concurrent|problems)":[0-9.]+`)

func containsNumber(s, n string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], n)
		if j < 0 {
			return false
		}
		j += i
		before, after := j > 0 && isDigit(s[j-1]), j+len(n) < len(s) && isDigit(s[j+len(n)])
		if !before && !after {
			return true
		}
		i = j + 1
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// yamlQuote quotes s as a YAML double-quoted scalar.
func yamlQuote(s string) string { return jsonString(s) }

// managerAdmin adapts custom.Manager to RuleSetAdmin, as cmd/swiftval does.
type managerAdmin struct{ m *custom.Manager }

func (a managerAdmin) List() []RuleSetInfo {
	var out []RuleSetInfo
	for _, i := range a.m.List() {
		out = append(out, apiInfo(i))
	}
	return out
}

func (a managerAdmin) Get(name string) ([]byte, RuleSetInfo, bool) {
	y, info, ok := a.m.Get(name)
	return y, apiInfo(info), ok
}

func (a managerAdmin) Put(name string, y []byte) error { return problemsOf(a.m.Put(name, y)) }

func (a managerAdmin) Delete(name string) (bool, error) {
	found, err := a.m.Delete(name)
	return found, problemsOf(err)
}

func apiInfo(i custom.RuleSetInfo) RuleSetInfo {
	return RuleSetInfo{Name: i.Name, Version: i.Version, Source: i.Source, File: i.File, Rules: i.Rules, Tests: i.Tests, SHA256: i.SHA256}
}

type loadProblems struct{ *custom.LoadError }

func (e loadProblems) Problems() []RuleSetProblem {
	var out []RuleSetProblem
	for _, p := range e.LoadError.Problems {
		out = append(out, RuleSetProblem{File: p.File, Line: p.Line, Column: p.Column, RuleID: p.RuleID, Message: p.Message})
	}
	return out
}

func problemsOf(err error) error {
	var le *custom.LoadError
	if errors.As(err, &le) {
		return loadProblems{le}
	}
	return err
}
