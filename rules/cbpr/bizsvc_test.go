package cbpr

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
	"github.com/swiftval/swiftval/formats/mx/typed/typedtest"
)

// variantsOf are the CBPR+ usage variants of each message definition: the
// table must give each a row under every release.
var variantsOf = map[string][]string{
	"pacs.008.001.08": {"core", "stp"},
	"pacs.009.001.08": {"core", "cov", "adv"},
}

// TestBuiltinTableComplete: every typed CBPR+ message definition has a row
// for each of its variants under every release, every row names a typed
// definition, and each value names its variant (core values no .stp./.cov./
// .adv. part, the others theirs).
func TestBuiltinTableComplete(t *testing.T) {
	tab := BuiltinBizSvcTable()
	if got := len(tab.Releases()); got != 3 {
		t.Fatalf("%d releases, want 3 (pre-SR2025, SR2025, SR2026)", got)
	}
	have := map[[3]string]BizSvcRow{}
	for _, r := range tab.Rows() {
		have[[3]string{r.Message, r.Variant, r.Release}] = r
		if !typed.Known(r.Message) {
			t.Errorf("%s: %s has no typed model", r.From, r.Message)
		}
		for _, v := range r.Values {
			named := ""
			for _, w := range []string{"stp", "cov", "adv"} {
				if strings.Contains(v, "."+w+".") {
					named = w
				}
			}
			if named == "" {
				named = "core"
			}
			if named != r.Variant {
				t.Errorf("%s: value %s names variant %s, row is %s", r.From, v, named, r.Variant)
			}
		}
		if r.Confidence == "unconfirmed" && !strings.Contains(r.Source, "no ") && !strings.Contains(r.Source, "conflict") && !strings.Contains(r.Source, "no UG") {
			t.Errorf("%s: an unconfirmed row says why (conflicting sources, no source)", r.From)
		}
	}
	for _, d := range typed.Definitions {
		if d.Element == "AppHdr" {
			continue
		}
		vs := variantsOf[d.ID]
		if vs == nil {
			vs = []string{"core"}
		}
		for _, rel := range tab.Releases() {
			for _, v := range vs {
				if _, ok := have[[3]string{d.ID, v, rel.Name}]; !ok {
					t.Errorf("no business-service row for %s %s under %s", d.ID, v, rel.Name)
				}
			}
		}
	}
}

// TestBizSvcTableFileErrors: a broken table file is an error naming the
// file and line, never a silently smaller table.
func TestBizSvcTableFileErrors(t *testing.T) {
	const rel = "release\tSR2027\t2027-11-20\tunconfirmed\tguess\n"
	tests := []struct {
		name, text, want string
	}{
		{"empty", "# nothing\n", "no release and no row"},
		{"short row", "pacs.008.001.08\tcore\tSR2026\tswift.cbprplus.04\tconfirmed\n", "t.tsv:1: a row has 6"},
		{"bad message", "pacs.8\tcore\tSR2026\tswift.cbprplus.04\tconfirmed\tx\n", "not a message identifier"},
		{"bad variant", "pacs.008.001.08\tcover\tSR2026\tswift.cbprplus.04\tconfirmed\tx\n", `variant "cover"`},
		{"unknown release", "pacs.008.001.08\tcore\tSR2030\tswift.cbprplus.04\tconfirmed\tx\n", `release "SR2030" is not declared`},
		{"bad confidence", "pacs.008.001.08\tcore\tSR2026\tswift.cbprplus.04\tsure\tx\n", `confidence "sure"`},
		{"bad value", "pacs.008.001.08\tcore\tSR2026\tswift cbprplus 04\tconfirmed\tx\n", "not a BizSvc value"},
		{"empty value", "pacs.008.001.08\tcore\tSR2026\tswift.cbprplus.04,\tconfirmed\tx\n", "not a BizSvc value"},
		{"no source", "pacs.008.001.08\tcore\tSR2026\tswift.cbprplus.04\tconfirmed\t\n", "source is empty"},
		{"twice", "pacs.008.001.08\tcore\tSR2026\tswift.cbprplus.04\tconfirmed\tx\npacs.008.001.08\tcore\tSR2026\tswift.cbprplus.04\tconfirmed\tx\n", "t.tsv:2: pacs.008.001.08 core under SR2026 is given twice"},
		{"bad date", "release\tSR2027\t20-11-2027\tunconfirmed\tx\n", "not YYYY-MM-DD"},
		{"release twice", rel + rel, "declared twice"},
		{"same day", "release\tSR2026b\t2026-11-14\tunconfirmed\tx\n", "same day"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseBizSvcTable("t.tsv", strings.NewReader(tc.text), BuiltinBizSvcTable())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := New(Options{BizSvcFile: filepath.Join(t.TempDir(), "absent.tsv")}); err == nil {
		t.Error("an absent table file: no error")
	}
}

// bizSvcMessage is the biz-svc pass fixture (pacs.008) with another BizSvc
// and CreDt.
func bizSvcMessage(t *testing.T, base, bizSvc, creDt string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtures, base))
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	i, j := strings.Index(s, "<BizSvc>"), strings.Index(s, "</BizSvc>")
	k, l := strings.Index(s, "<CreDt>"), strings.Index(s, "</CreDt>")
	if i < 0 || j < i || k < 0 || l < k {
		t.Fatalf("%s: no BizSvc or CreDt", base)
	}
	return []byte(s[:i+8] + bizSvc + s[j:k+7] + creDt + s[l:])
}

// TestBizSvcByRelease: the value allowed depends on the message, its
// variant and the release in force at the AppHdr CreDt.
func TestBizSvcByRelease(t *testing.T) {
	const (
		p8   = "cbpr.bah.biz-svc.pass.xml"    // pacs.008
		p9   = "cbpr.cov.underlying.pass.xml" // pacs.009
		p2   = "cbpr.status.reject-reason.pass.xml"
		d23  = "2024-02-01T10:00:00+00:00"
		d25  = "2026-11-13T23:59:59+00:00"
		d26  = "2026-11-14T00:00:00Z"
		d26z = "2026-11-14T01:00:00+02:00" // 13 Nov 23:00 UTC: still SR2025
	)
	tests := []struct {
		base, bizSvc, creDt string
		ok                  bool
	}{
		{p8, "swift.cbprplus.04", d26, true},
		{p8, "swift.cbprplus.stp.04", d26, true},
		{p8, "swift.cbprplus.03", d26, false}, // SR2025's value after SR2026 went live
		{p8, "swift.cbprplus.stp.03", d26, false},
		{p8, "swift.cbprplus.03", d25, true},
		{p8, "swift.cbprplus.04", d25, false}, // SR2026's value before it went live
		{p8, "swift.cbprplus.02", d25, false},
		{p8, "swift.cbprplus.02", d23, true}, // the go-live UGs
		{p8, "swift.cbprplus.03", d26z, true},
		{p8, "swift.cbprplus.04", "2026-11-14T10:00:00", true}, // no offset: UTC
		{p8, "swift.cbprplus.cov.04", d26, false},
		{p8, "swift.other.04", d26, false},
		{p9, "swift.cbprplus.cov.04", d26, true},
		{p9, "swift.cbprplus.cov.03", d26, false},
		{p9, "swift.cbprplus.adv.04", d26, true},
		{p9, "swift.cbprplus.stp.04", d26, false},
		{p2, "swift.cbprplus.04", d26, true}, // unconfirmed row: either generation
		{p2, "swift.cbprplus.03", d26, true},
		{p2, "swift.cbprplus.02", d26, false},
		{p2, "swift.cbprplus.02", d25, false}, // secondary row: .03 only
	}
	e := typedtest.Engine(t, RuleSet())
	for _, tc := range tests {
		t.Run(tc.base+"/"+tc.bizSvc+"@"+tc.creDt, func(t *testing.T) {
			// Profile named: "swift.other.04" does not declare CBPR+ itself.
			r, _ := typedtest.Report(e, bizSvcMessage(t, tc.base, tc.bizSvc, tc.creDt), engine.ValidateOptions{Profile: Profile})
			if got := !r.HasCode(CodeBizSvc); got != tc.ok {
				t.Errorf("accepted %v, want %v: %v", got, tc.ok, r.Findings)
			}
			for _, f := range r.Findings {
				if f.Code == CodeBizSvc && (f.Location.Path != "/AppHdr/BizSvc" || f.Location.Line == 0) {
					t.Errorf("located at %s line %d", f.Location.Path, f.Location.Line)
				}
			}
		})
	}
}

// TestBizSvcOperatorFile: an operator file replaces rows and adds releases
// without a new swiftval release.
func TestBizSvcOperatorFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bizsvc.tsv")
	text := "# pacs.002 SR2026 verified in the UG: .04 only\n" +
		"pacs.002.001.10\tcore\tSR2026\tswift.cbprplus.04\tconfirmed\tSR2026 pacs.002 UG p.9 (operator)\n" +
		"release\tSR2027\t2027-11-20\tunconfirmed\toperator\n" +
		"pacs.008.001.08\tcore\tSR2027\tswift.cbprplus.05\tunconfirmed\toperator\n"
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rs := mustNew(t, Options{BizSvcFile: file})
	if rs.Version != "pre-SR2025+SR2025+SR2026+SR2027" {
		t.Errorf("version %s", rs.Version)
	}
	e := typedtest.Engine(t, rs)
	tests := []struct {
		base, bizSvc, creDt string
		ok                  bool
		msg                 string
	}{
		{"cbpr.status.reject-reason.pass.xml", "swift.cbprplus.03", "2026-12-01T10:00:00Z", false, "not allowed"},
		{"cbpr.status.reject-reason.pass.xml", "swift.cbprplus.04", "2026-12-01T10:00:00Z", true, ""},
		{"cbpr.bah.biz-svc.pass.xml", "swift.cbprplus.05", "2027-12-01T10:00:00Z", true, ""},
		{"cbpr.bah.biz-svc.pass.xml", "swift.cbprplus.04", "2027-12-01T10:00:00Z", false, "not allowed"},
		// No row for pacs.002 under SR2027: refused, saying how to fix it.
		{"cbpr.status.reject-reason.pass.xml", "swift.cbprplus.05", "2027-12-01T10:00:00Z", false, "has no row for pacs.002.001.10 under SR2027"},
	}
	for _, tc := range tests {
		r, _ := typedtest.Report(e, bizSvcMessage(t, tc.base, tc.bizSvc, tc.creDt), engine.ValidateOptions{})
		hit := false
		for _, f := range r.Findings {
			if f.Code == CodeBizSvc {
				hit = true
				if !strings.Contains(f.Message, tc.msg) {
					t.Errorf("%s %s: message %q, want %q", tc.base, tc.bizSvc, f.Message, tc.msg)
				}
			}
		}
		if hit == tc.ok {
			t.Errorf("%s %s at %s: accepted %v, want %v: %v", tc.base, tc.bizSvc, tc.creDt, !hit, tc.ok, r.Findings)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC, "" for not parsed
	}{
		{"2026-11-14T00:00:00Z", "2026-11-14T00:00:00Z"},
		{" 2026-11-14T01:30:00+02:00 ", "2026-11-13T23:30:00Z"},
		{"2026-11-13T20:00:00.123-05:00", "2026-11-14T01:00:00Z"},
		{"2026-11-14T10:00:00", "2026-11-14T10:00:00Z"},
		{"2026-11-14", ""},
		{"2026-13-14T10:00:00", ""},
		{"2026-11-14T10:00:00+2:00", ""},
		{"2026-11-14T10:00:00+02:00x", ""},
		{"abcd-11-14T10:00:00", ""},
		{"", ""},
	}
	for _, tc := range tests {
		got, ok := parseDateTime(tc.in)
		s := ""
		if ok {
			s = time.Unix(got, 0).UTC().Format("2006-01-02T15:04:05Z07:00")
		}
		if s != tc.want {
			t.Errorf("parseDateTime(%q) = %q, want %q", tc.in, s, tc.want)
		}
	}
	// The calendar arithmetic against package time, over leap years and
	// century rules.
	for d := time.Date(1899, 12, 25, 7, 8, 9, 0, time.UTC); d.Year() < 2210; d = d.Add(97*time.Hour + 13*time.Minute) {
		got, ok := parseDateTime(d.Format("2006-01-02T15:04:05-07:00"))
		if !ok || got != d.Unix() {
			t.Fatalf("parseDateTime(%s) = %d, %v; want %d", d.Format(time.RFC3339), got, ok, d.Unix())
		}
	}
}

// bizSvcDoc is the documentation page whose table TestBizSvcDoc keeps equal
// to the built-in table.
const bizSvcDoc = "../../docs/cbpr-bizsvc.md"

// TestBizSvcDoc: docs/cbpr-bizsvc.md shows every release and row of the
// built-in table (-update rewrites the table between its markers).
func TestBizSvcDoc(t *testing.T) {
	tab := BuiltinBizSvcTable()
	var b strings.Builder
	b.WriteString("\n| release | live | confidence | source |\n|---|---|---|---|\n")
	for _, r := range tab.Releases() {
		b.WriteString("| " + r.Name + " | " + r.Live.Format("2006-01-02") + " | " + r.Confidence + " | " + mdCell(r.Source) + " |\n")
	}
	b.WriteString("\n| message | variant | release | allowed BizSvc | confidence | source |\n|---|---|---|---|---|---|\n")
	for _, r := range tab.Rows() {
		b.WriteString("| " + r.Message + " | " + r.Variant + " | " + r.Release + " | `" + strings.Join(r.Values, "`, `") + "` | " + r.Confidence + " | " + mdCell(r.Source) + " |\n")
	}
	b.WriteString("\n")
	raw, err := os.ReadFile(bizSvcDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	const start, end = "(go test ./rules/cbpr -run TestBizSvcDoc -update) -->\n", "<!-- end of table -->"
	i, j := strings.Index(doc, start), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s: table markers not found", bizSvcDoc)
	}
	i += len(start)
	if doc[i:j] == b.String() {
		return
	}
	if *update {
		if err := os.WriteFile(bizSvcDoc, []byte(doc[:i]+b.String()+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the table differs from bizsvc.tsv; run go test ./rules/cbpr -run TestBizSvcDoc -update", bizSvcDoc)
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

// TestBizSvcValueMatchesPattern checks the hand-written matchers against
// the patterns they implement, on values built to sit on each boundary.
func TestBizSvcValueMatchesPattern(t *testing.T) {
	bizSvc := regexp.MustCompile(`^[a-z0-9]{1,10}\.([a-z0-9]{1,10}\.)+[0-9][0-9]$`)
	msgID := regexp.MustCompile(`^[a-z]{4}\.[0-9]{3}\.[0-9]{3}\.[0-9]{2}$`)
	values := []string{"", ".", "..", "01", "swift.01", "swift.cbprplus.04", "swift.cbprplus.cov.04", "swift.cbprplus.4",
		"swift.cbprplus.004", "swift..04", ".swift.cbprplus.04", "swift.cbprplus.04.", "Swift.cbprplus.04", "swift.cbpr-plus.04",
		"abcdefghij.k.01", "abcdefghijk.k.01", "a.abcdefghij.99", "a.abcdefghijk.99", "0.0.00", "a.b.0a", "a.b.a0", "a.b.c.d.e.f.12",
		"pacs.008.001.08", "pacs.008.001.8", "pacs.008.001.088", "PACS.008.001.08", "pac1.008.001.08", "pacs.00a.001.08",
		"pacs-008.001.08", "pacs.008-001.08", "pacs.008.001-08", "pacs.008.001.08x", "xpacs.008.001.08", "camt.056.001.08",
		"pacs.008.001.0\n", "a.b.1\u0660"}
	for _, v := range values {
		if got, want := isBizSvcValue(v), bizSvc.MatchString(v); got != want {
			t.Errorf("isBizSvcValue(%q) = %v, the pattern says %v", v, got, want)
		}
		if got, want := isMessageID(v), msgID.MatchString(v); got != want {
			t.Errorf("isMessageID(%q) = %v, the pattern says %v", v, got, want)
		}
	}
}

// FuzzBizSvcMatchers: the hand-written matchers agree with the patterns
// on any input.
func FuzzBizSvcMatchers(f *testing.F) {
	bizSvc := regexp.MustCompile(`^[a-z0-9]{1,10}\.([a-z0-9]{1,10}\.)+[0-9][0-9]$`)
	msgID := regexp.MustCompile(`^[a-z]{4}\.[0-9]{3}\.[0-9]{3}\.[0-9]{2}$`)
	for _, s := range []string{"swift.cbprplus.04", "pacs.008.001.08", "a.b.c.01", "x..01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if isBizSvcValue(v) != bizSvc.MatchString(v) || isMessageID(v) != msgID.MatchString(v) {
			t.Fatalf("%q: matchers %v %v, patterns %v %v", v, isBizSvcValue(v), isMessageID(v), bizSvc.MatchString(v), msgID.MatchString(v))
		}
	})
}

// TestBuiltinTableParses: the shipped table parses (its rows are parsed on
// first use, so a broken file would otherwise fail a user's run, not the
// build), and the releases read from its release lines alone, which the
// rule set's version and the choice of release use, are the parsed table's.
func TestBuiltinTableParses(t *testing.T) {
	tab, err := parseBuiltinTable()
	if err != nil {
		t.Fatalf("built-in bizsvc.tsv: %v", err)
	}
	rels, err := parseBuiltinReleases()
	if err != nil {
		t.Fatalf("built-in bizsvc.tsv, release lines: %v", err)
	}
	if !reflect.DeepEqual(rels.releases, tab.releases) || !slices.Equal(rels.live, tab.live) {
		t.Errorf("releases from the release lines %v, parsed %v", rels.releases, tab.releases)
	}
	if len(tab.rows) == 0 {
		t.Error("built-in bizsvc.tsv: no row")
	}
}
