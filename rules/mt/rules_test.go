package mt

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/internal/testenv"
)

const uetr = "{3:{121:180f1e65-90e0-44d5-a49a-92b55eb3025f}}"

// fin builds an input message from sender to receiver (12-character LT
// addresses), block 3 and the lines of block 4.
func fin(typ, sender, receiver, user string, fields ...string) string {
	var b strings.Builder
	b.WriteString("{1:F01" + sender + "0000000000}{2:I" + typ + receiver + "N}" + user + "{4:\r\n")
	for _, f := range fields {
		b.WriteString(strings.ReplaceAll(f, "\n", "\r\n"))
		b.WriteString("\r\n")
	}
	b.WriteString("-}")
	return b.String()
}

const (
	ltBE = "BANKBEBBAXXX"
	ltDE = "BANKDEFFXXXX"
	ltUS = "BANKUS33XXXX"
)

// mt103 is a valid MT 103 from Belgium to the US (outside the D49 list)
// with fields replaced or added: each argument is a whole field line
// (":TAG:value"); a tag already in the base replaces it, "-TAG" removes it,
// new tags are inserted before 71A in the given order.
func mt103(edits ...string) string { return mt103From(ltBE, ltUS, uetr, edits...) }

// mt103From is mt103 with the headers given: user is the whole block 3.
func mt103From(sender, receiver, user string, edits ...string) string {
	base := []string{
		":20:REF123",
		":23B:CRED",
		":32A:250102EUR1000,00",
		":50K:/12345\nJOHN DOE",
		":59:/DE89370400440532013000\nJANE DOE",
		":71A:SHA",
	}
	return fin("103", sender, receiver, user, edit(base, edits)...)
}

// output103 is the base MT 103 as an output message (block 2 "O") sent by a
// German bank to the receiver whose LT address is in block 1.
func output103(receiverLT string) string {
	base := []string{":20:REF123", ":23B:CRED", ":32A:250102EUR1000,00", ":50K:/12345\nJOHN DOE", ":59:/DE89370400440532013000\nJANE DOE", ":71A:SHA"}
	var b strings.Builder
	b.WriteString("{1:F01" + receiverLT + "0000000000}{2:O1031200250102BANKDEFFAXXX00001234562501021200N}" + uetr + "{4:\r\n")
	for _, f := range base {
		b.WriteString(strings.ReplaceAll(f, "\n", "\r\n") + "\r\n")
	}
	b.WriteString("-}")
	return b.String()
}

func edit(base []string, edits []string) []string {
	out := append([]string(nil), base...)
	for _, e := range edits {
		if strings.HasPrefix(e, "-") {
			tag := ":" + e[1:] + ":"
			for i, l := range out {
				if strings.HasPrefix(l, tag) {
					out = append(out[:i], out[i+1:]...)
					break
				}
			}
			continue
		}
		tag := e[:strings.Index(e[1:], ":")+2]
		replaced := false
		for i, l := range out {
			if strings.HasPrefix(l, tag) && !strings.HasPrefix(tag, ":23E:") && !strings.HasPrefix(tag, ":71F:") {
				out[i] = e
				replaced = true
				break
			}
		}
		if replaced {
			continue
		}
		// insert in tag order (by number), before the first field with a
		// higher number, after equal numbers
		n := e[1:3]
		pos := len(out)
		for i, l := range out {
			if l[1:3] > n {
				pos = i
				break
			}
		}
		out = append(out[:pos], append([]string{e}, out[pos:]...)...)
	}
	return out
}

var testEngine = func() *engine.Engine {
	e := engine.New(engine.Options{})
	e.RegisterFormat(mt.NewFormat())
	if err := e.AddRuleSet(RuleSet()); err != nil {
		panic(err)
	}
	return e
}()

// lineOf returns the 1-based line of the nth (1-based) field with that tag
// in the input.
func lineOf(in, tag string, nth int) int {
	if tag == "" {
		return 1 // block 4 opens on the first line in these tests
	}
	lines := strings.Split(in, "\n")
	if tag == "END" {
		// The end of the last field: the line before the one of "-}".
		for i, l := range lines {
			if strings.HasPrefix(l, "-}") {
				return i
			}
		}
	}
	if tag[0] == '<' {
		// The end of the field before the nth field tag[1:]: the line
		// before it.
		return lineOf(in, tag[1:], nth) - 1
	}
	for i, l := range lines {
		if strings.HasPrefix(l, ":"+tag+":") {
			nth--
			if nth == 0 {
				return i + 1
			}
		}
	}
	return 0
}

// fired collects the IDs of rules whose failing case passed, when
// TestEveryRuleHasCases runs the case tables.
var fired map[string]bool

// recorded collects the report of every case (the swift-mt findings with
// code, location and text), when TestCasesGolden runs the case tables.
var recorded *strings.Builder

var update = flag.Bool("update", false, "rewrite testdata/rule_cases.golden")

// caseTables are the case tables of the rules, for TestEveryRuleHasCases
// and TestCasesGolden.
func caseTables() []func(*testing.T) {
	return []func(*testing.T){TestMT103Rules, TestMT103STPRules, TestFieldRules, TestMT101Rules,
		TestMT2xxRules, TestMT942Rules, TestMT9xxRules, TestN9xRules, TestMT102Rules, TestMT104Rules,
		TestMT1xxOtherRules, TestMT101MoreRules, TestMT2xxBatchRules, TestMT9xxRequestRules}
}

// TestCasesGolden keeps the whole report of every rule case (valid and
// invalid) in testdata/rule_cases.golden: a change of any finding's text or
// location, or a finding of another rule appearing on a case, shows there
// (go test ./rules/mt -run TestCasesGolden -update rewrites it).
func TestCasesGolden(t *testing.T) {
	recorded = &strings.Builder{}
	defer func() { recorded = nil }()
	for _, fn := range caseTables() {
		fn(t)
	}
	got := recorded.String()
	path := filepath.Join("testdata", "rule_cases.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./rules/mt -run TestCasesGolden -update)", err)
	}
	if string(want) != got {
		t.Errorf("case reports differ from %s; run with -update after checking:\n%s", path, diffLines(string(want), got))
	}
}

// diffLines lists the lines of got that want lacks and the reverse.
func diffLines(want, got string) string {
	w, g := map[string]bool{}, map[string]bool{}
	for _, l := range strings.Split(want, "\n") {
		w[l] = true
	}
	for _, l := range strings.Split(got, "\n") {
		g[l] = true
	}
	var b strings.Builder
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	return b.String()
}

type ruleCase struct {
	name string
	in   string
	code string
	tag  string // field the finding points at ("" = block 4)
	nth  int    // occurrence of tag (0 = first)
	bad  bool   // true: the finding is expected; false: no finding with code
	off  int    // line offset within the field (BIC on the second line ...)
	// want is the Location.Field of a finding about a missing field (the
	// missing tag, "57a"); the finding is then located at the line of field
	// tag (nth), before which the missing field was expected, or, with tag
	// "END", at the end of the last field of block 4.
	want string
}

func runCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := testEngine.Validate(context.Background(), []byte(tc.in))
			if recorded != nil {
				recorded.WriteString(t.Name() + "\n")
				for _, f := range r.Findings {
					recorded.WriteString("  " + f.Code + " " + f.Location.String() + " [" + f.Rule + "] " + f.Message + "\n")
				}
			}
			var got []engine.Finding
			for _, f := range r.Findings {
				if f.Code == tc.code && strings.HasPrefix(f.RuleSet, "swift-mt") {
					got = append(got, f)
				}
			}
			if !tc.bad {
				if len(got) > 0 {
					t.Fatalf("unexpected %s: %+v", tc.code, got)
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("no %s finding; findings: %+v", tc.code, r.Findings)
			}
			nth := tc.nth
			if nth == 0 {
				nth = 1
			}
			wantLine := lineOf(tc.in, tc.tag, nth) + tc.off
			wantField := tc.tag
			if tc.want != "" {
				wantField = tc.want
			}
			for _, f := range got {
				if f.Location.Field == wantField && f.Location.Line == wantLine && f.Location.Block == 4 {
					if fired != nil {
						fired[f.Rule] = true
					}
					return
				}
			}
			t.Fatalf("%s at field %s line %d not found; got %+v", tc.code, wantField, wantLine, got)
		})
	}
}

func TestBaseMessagesClean(t *testing.T) {
	for name, in := range map[string]string{
		"MT103": mt103(),
		"MT101": mt101(),
		"MT202": mt202(),
		"MT940": mt940(),
	} {
		r := testEngine.Validate(context.Background(), []byte(in))
		for _, f := range r.Findings {
			if strings.HasPrefix(f.RuleSet, "swift-mt") {
				t.Errorf("%s: base message has finding %+v", name, f)
			}
		}
		if r.Type == "" {
			t.Errorf("%s: type not detected", name)
		}
	}
}

func TestMT103Rules(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "D75 ok same currency", in: mt103(":33B:EUR1000,00"), code: "D75"},
		{name: "D75 ok with rate", in: mt103(":33B:USD1100,00", ":36:0,9"), code: "D75"},
		{name: "D75 missing 36", in: mt103(":33B:USD1100,00"), code: "D75", tag: "50K", want: "36", bad: true},
		{name: "D75 36 without 33B", in: mt103(":36:0,9"), code: "D75", tag: "36", bad: true},
		{name: "D75 36 with same currency", in: mt103(":33B:EUR1000,00", ":36:1,0"), code: "D75", tag: "36", bad: true},

		{name: "D49 ok outside list", in: mt103(), code: "D49"},
		{name: "D49 ok with 33B", in: mt103From(ltBE, ltDE, uetr, ":33B:EUR1000,00"), code: "D49"},
		{name: "D49 missing 33B", in: mt103From(ltBE, ltDE, uetr), code: "D49", tag: "50K", want: "33B", bad: true},
		{name: "D49 output message ok", in: output103("BANKUS33AXXX"), code: "D49"},
		{name: "D49 output message missing 33B", in: output103("BANKBEBBAXXX"), code: "D49", tag: "50K", want: "33B", bad: true},

		{name: "E01 ok", in: mt103(":23B:SPRI", ":23E:SDVA", ":23E:PHOB"), code: "E01"},
		{name: "E01 bad code", in: mt103(":23B:SPRI", ":23E:HOLD"), code: "E01", tag: "23E", bad: true},
		{name: "E02 ok", in: mt103(":23B:CRED", ":23E:HOLD"), code: "E02"},
		{name: "E02 23E with SSTD", in: mt103(":23B:SSTD", ":23E:SDVA"), code: "E02", tag: "23E", bad: true},

		{name: "E03 ok", in: mt103(":23B:SPRI", ":53A:BANKGB2L"), code: "E03"},
		{name: "E03 53D", in: mt103(":23B:SPAY", ":53D:SOME BANK"), code: "E03", tag: "53D", bad: true},
		{name: "E04 ok", in: mt103(":23B:SPRI", ":53B:/123456"), code: "E04"},
		{name: "E04 no party id", in: mt103(":23B:SPRI", ":53B:LONDON"), code: "E04", tag: "53B", bad: true},
		{name: "E05 ok", in: mt103(":23B:SSTD", ":54A:BANKGB2L"), code: "E05"},
		{name: "E05 54D", in: mt103(":23B:SSTD", ":54D:SOME BANK"), code: "E05", tag: "54D", bad: true},
		{name: "E06 ok", in: mt103(":53A:BANKGB2L", ":54A:BANKGB2L", ":55A:BANKFRPP"), code: "E06"},
		{name: "E06 55a without 54a", in: mt103(":53A:BANKGB2L", ":55A:BANKFRPP"), code: "E06", tag: "55A", want: "54a", bad: true},
		{name: "E07 ok", in: mt103(":23B:SPRI", ":53A:BANKGB2L", ":54A:BANKGB2L", ":55A:BANKFRPP"), code: "E07"},
		{name: "E07 55D", in: mt103(":23B:SPRI", ":53A:BANKGB2L", ":54A:BANKGB2L", ":55D:SOME BANK"), code: "E07", tag: "55D", bad: true},

		{name: "C81 ok", in: mt103(":56A:BANKGB2L", ":57A:BANKFRPP"), code: "C81"},
		{name: "C81 56a without 57a", in: mt103(":56A:BANKGB2L"), code: "C81", tag: "59", want: "57a", bad: true},
		{name: "E16 ok", in: mt103(":23B:SPRI", ":57A:BANKFRPP"), code: "E16"},
		{name: "E16 56a with SPRI", in: mt103(":23B:SPRI", ":56A:BANKGB2L", ":57A:BANKFRPP"), code: "E16", tag: "56A", bad: true},
		{name: "E17 ok 56C clearing", in: mt103(":23B:SSTD", ":56C://FW021000018", ":57A:BANKFRPP"), code: "E17"},
		{name: "E17 56C no clearing code", in: mt103(":23B:SSTD", ":56C:/12345", ":57A:BANKFRPP"), code: "E17", tag: "56C", bad: true},
		{name: "E17 56D", in: mt103(":23B:SPAY", ":56D:SOME BANK", ":57A:BANKFRPP"), code: "E17", tag: "56D", bad: true},
		{name: "E09 ok 57D with id", in: mt103(":23B:SSTD", ":57D:/12345\nSOME BANK"), code: "E09"},
		{name: "E09 57D without id", in: mt103(":23B:SSTD", ":57D:SOME BANK"), code: "E09", tag: "57D", bad: true},
		{name: "E09 57B", in: mt103(":23B:SSTD", ":57B:/12345"), code: "E09", tag: "57B", bad: true},
		{name: "E10 ok", in: mt103(":23B:SSTD"), code: "E10"},
		{name: "E10 no account", in: mt103(":23B:SSTD", ":59:JANE DOE\nPARIS"), code: "E10", tag: "59", bad: true},
		{name: "E18 ok", in: mt103(":23E:CHQB", ":59:JANE DOE\nPARIS"), code: "E18"},
		{name: "E18 account with CHQB", in: mt103(":23E:CHQB"), code: "E18", tag: "59", bad: true},

		{name: "E13 ok", in: mt103(":71A:OUR", ":33B:EUR1000,00", ":71G:EUR5,00"), code: "E13"},
		{name: "E13 71F with OUR", in: mt103(":71A:OUR", ":33B:EUR1000,00", ":71F:EUR5,00"), code: "E13", tag: "71F", bad: true},
		{name: "D50 ok", in: mt103(":33B:EUR1000,00", ":71F:EUR5,00"), code: "D50"},
		{name: "D50 71G with SHA", in: mt103(":33B:EUR1000,00", ":71G:EUR5,00"), code: "D50", tag: "71G", bad: true},
		{name: "E15 ok", in: mt103(":71A:BEN", ":33B:EUR1005,00", ":71F:EUR5,00"), code: "E15"},
		{name: "E15 no 71F", in: mt103(":71A:BEN"), code: "E15", tag: "END", want: "71F", bad: true},
		{name: "E15 71G", in: mt103(":71A:BEN", ":33B:EUR1005,00", ":71F:EUR5,00", ":71G:EUR1,00"), code: "E15", tag: "71G", bad: true},
		{name: "D51 ok", in: mt103(":33B:EUR1000,00", ":71F:EUR5,00"), code: "D51"},
		{name: "D51 71F without 33B", in: mt103(":71F:EUR5,00"), code: "D51", tag: "50K", want: "33B", bad: true},
		{name: "E44 ok", in: mt103(":23E:TELI", ":56A:BANKGB2L", ":57A:BANKFRPP"), code: "E44"},
		{name: "E44 TELI without 56a", in: mt103(":23E:PHOI"), code: "E44", tag: "23E", bad: true},
		{name: "E45 ok", in: mt103(":23E:TELE", ":57A:BANKFRPP"), code: "E45"},
		{name: "E45 PHON without 57a", in: mt103(":23E:PHON"), code: "E45", tag: "23E", bad: true},
		{name: "C02 ok", in: mt103(":71A:OUR", ":33B:EUR1000,00", ":71G:EUR5,00"), code: "C02"},
		{name: "C02 71G other currency", in: mt103(":71A:OUR", ":33B:EUR1000,00", ":71G:USD5,00"), code: "C02", tag: "71G", bad: true},

		{name: "D97 ok", in: mt103(":23E:HOLD/PASSPORT"), code: "D97"},
		{name: "D97 info after SDVA", in: mt103(":23E:SDVA/TODAY"), code: "D97", tag: "23E", bad: true},
		{name: "D98 ok", in: mt103(":23E:SDVA", ":23E:TELB"), code: "D98"},
		{name: "D98 out of order", in: mt103(":23E:TELB", ":23E:SDVA"), code: "D98", tag: "23E", nth: 2, bad: true},
		{name: "D67 ok", in: mt103(":23E:SDVA", ":23E:PHOB"), code: "D67"},
		{name: "D67 SDVA with HOLD", in: mt103(":23E:SDVA", ":23E:HOLD"), code: "D67", tag: "23E", nth: 2, bad: true},
		{name: "E46 ok", in: mt103(":23E:SDVA", ":23E:INTC"), code: "E46"},
		{name: "E46 repeated", in: mt103(":23E:PHOB", ":23E:PHOB"), code: "E46", tag: "23E", nth: 2, bad: true},
		{name: "D63 ok", in: mt103(), code: "D63"},
		{name: "D63 51A", in: mt103(":51A:BANKBEBB"), code: "D63", tag: "51A", bad: true},
	})
}

const stp = "{3:{119:STP}{121:180f1e65-90e0-44d5-a49a-92b55eb3025f}}"

func TestMT103STPRules(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "E01 STP ok", in: mt103From(ltBE, ltUS, stp, ":23B:SPRI", ":23E:INTC"), code: "E01"},
		{name: "E01 STP TELB", in: mt103From(ltBE, ltUS, stp, ":23B:SPRI", ":23E:TELB"), code: "E01", tag: "23E", bad: true},
		{name: "E10 STP ok", in: mt103From(ltBE, ltUS, stp), code: "E10"},
		{name: "E10 STP no account", in: mt103From(ltBE, ltUS, stp, ":59:JANE DOE"), code: "E10", tag: "59", bad: true},
		{name: "D19 ok IBAN", in: mt103From(ltBE, ltDE, stp, ":33B:EUR1000,00"), code: "D19"},
		{name: "D19 ok outside list", in: mt103From(ltBE, ltUS, stp, ":59:/12345678\nJANE DOE"), code: "D19"},
		{name: "D19 not an IBAN", in: mt103From(ltBE, ltDE, stp, ":33B:EUR1000,00", ":59:/12345678\nJANE DOE"), code: "D19", tag: "59", bad: true},
		{name: "D19 bad check digits", in: mt103From(ltBE, ltDE, stp, ":33B:EUR1000,00", ":59:/DE88370400440532013000\nJANE DOE"), code: "D19", tag: "59", bad: true},
		{name: "T73 IBAN country", in: mt103From(ltBE, ltDE, stp, ":33B:EUR1000,00", ":59:/US89370400440532013000\nJANE DOE"), code: "T73", tag: "59", bad: true},
		{name: "D67 STP ok", in: mt103From(ltBE, ltUS, stp, ":23E:SDVA", ":23E:INTC"), code: "D67"},
		{name: "D67 STP REPA with CORT", in: mt103From(ltBE, ltUS, stp, ":23E:REPA", ":23E:CORT"), code: "D67", tag: "23E", nth: 2, bad: true},
		{name: "D97 STP ok", in: mt103From(ltBE, ltUS, stp, ":23E:REPA/EPAY123"), code: "D97"},
		{name: "D97 STP info after INTC", in: mt103From(ltBE, ltUS, stp, ":23E:INTC/GROUP"), code: "D97", tag: "23E", bad: true},
	})
}

func TestFieldRules(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "C03 ok", in: mt103(":32A:250102JPY1000,"), code: "C03"},
		{name: "C03 JPY decimals", in: mt103(":32A:250102JPY1000,5"), code: "C03", tag: "32A", bad: true},
		{name: "C03 33B BHD ok", in: mt103(":33B:BHD1,234", ":36:1,0"), code: "C03"},
		{name: "C03 33B EUR 3 decimals", in: mt103(":33B:USD1,234", ":36:1,0"), code: "C03", tag: "33B", bad: true},
		{name: "C08 ok", in: mt103(), code: "C08"},
		{name: "C08 gold", in: mt103(":32A:250102XAU10,"), code: "C08", tag: "32A", bad: true},
		{name: "T27 BIC country ok", in: mt103(":52A:BANKGB2L"), code: "T27"},
		{name: "T27 BIC country unknown", in: mt103(":52A:/123\nBANKZZ2L"), code: "T27", tag: "52A", off: 1, bad: true},
		{name: "T29 branch ok", in: mt103(":52A:BANKGB2LXXX"), code: "T29"},
		{name: "T29 X branch", in: mt103(":52A:BANKGB2LX12"), code: "T29", tag: "52A", bad: true},
	})
}

// mt101 is a valid MT 101 with one transaction, ordering customer in A.
func mt101(seqB ...string) string {
	a := []string{":20:REF101", ":28D:1/1", ":50H:/123456\nACME CORP", ":30:250102"}
	return mt101With(a, seqB...)
}

func mt101With(a []string, seqB ...string) string {
	if len(seqB) == 0 {
		seqB = []string{":21:TX1", ":32B:EUR100,00", ":59:/DE89370400440532013000\nJANE DOE", ":71A:SHA"}
	}
	return fin("101", ltBE, ltUS, "", append(append([]string(nil), a...), seqB...)...)
}

var tx = []string{":21:TX1", ":32B:EUR100,00", ":59:/DE89370400440532013000\nJANE DOE", ":71A:SHA"}

func txWith(edits ...string) []string { return edit(tx, edits) }

func TestMT101Rules(t *testing.T) {
	aNoCust := []string{":20:REF101", ":28D:1/1", ":30:250102"}
	runCases(t, []ruleCase{
		{name: "D54 ok", in: mt101(txWith(":21F:FX1", ":33B:USD110,00", ":36:0,9")...), code: "D54"},
		{name: "D54 36 without 21F", in: mt101(txWith(":33B:USD110,00", ":36:0,9")...), code: "D54", tag: "32B", want: "21F", bad: true},
		{name: "D60 ok zero amount", in: mt101(txWith(":32B:EUR0,", ":33B:USD110,00")...), code: "D60"},
		{name: "D60 missing 36", in: mt101(txWith(":33B:USD110,00")...), code: "D60", tag: "END", want: "36", bad: true},
		{name: "D60 36 without 33B", in: mt101(txWith(":21F:FX1", ":36:0,9")...), code: "D60", tag: "36", bad: true},
		{name: "D61 ok in A", in: mt101(), code: "D61"},
		{name: "D61 ok in B", in: mt101With(aNoCust, txWith(":50H:/999\nACME")...), code: "D61"},
		{name: "D61 in both", in: mt101(txWith(":50H:/999\nACME")...), code: "D61", tag: "50H", nth: 2, bad: true},
		{name: "D61 in neither", in: mt101With(aNoCust), code: "D61", tag: "59", want: "50a", bad: true},
		{name: "D61 missing in second B", in: mt101With(aNoCust, append(txWith(":50H:/999\nACME"), txWith(":21:TX2")...)...), code: "D61", tag: "59", nth: 2, want: "50a", bad: true},
		{name: "D62 ok", in: mt101(txWith(":50L:INSTR")...), code: "D62"},
		{name: "D62 in both", in: mt101With([]string{":20:REF101", ":28D:1/1", ":50L:INSTR", ":50H:/123456\nACME CORP", ":30:250102"}, txWith(":50L:INSTR2")...), code: "D62", tag: "50L", nth: 2, bad: true},
		{name: "D68 ok", in: mt101(txWith(":21F:FX1", ":33B:USD110,00", ":36:0,9")...), code: "D68"},
		{name: "D68 same currency", in: mt101(txWith(":21F:FX1", ":33B:EUR110,00", ":36:0,9")...), code: "D68", tag: "33B", bad: true},
		{name: "D64 ok", in: mt101(txWith(":52A:BANKGB2L")...), code: "D64"},
		{name: "D64 in both", in: mt101With([]string{":20:REF101", ":28D:1/1", ":50H:/123456\nACME CORP", ":52A:BANKGB2L", ":30:250102"}, txWith(":52A:BANKFRPP")...), code: "D64", tag: "52A", nth: 2, bad: true},
		{name: "D65 ok", in: mt101(txWith(":56A:BANKGB2L", ":57A:BANKFRPP")...), code: "D65"},
		{name: "D65 56a without 57a", in: mt101(txWith(":56A:BANKGB2L")...), code: "D65", tag: "59", want: "57a", bad: true},
		{name: "D98 ok", in: mt101With([]string{":20:REF101", ":21R:CUSTREF", ":28D:1/1", ":50H:/123456\nACME CORP", ":30:250102"}, append(txWith(), txWith(":21:TX2")...)...), code: "D98"},
		{name: "D98 mixed currencies", in: mt101With([]string{":20:REF101", ":21R:CUSTREF", ":28D:1/1", ":50H:/123456\nACME CORP", ":30:250102"}, append(txWith(), txWith(":21:TX2", ":32B:USD5,00")...)...), code: "D98", tag: "32B", nth: 2, bad: true},
		{name: "D63 51A in MT101", in: mt101With([]string{":20:REF101", ":28D:1/1", ":50H:/123456\nACME CORP", ":51A:BANKBEBB", ":30:250102"}), code: "D63", tag: "51A", bad: true},
	})
}

func mt202(edits ...string) string {
	base := []string{":20:REF202", ":21:RELREF", ":32A:250102EUR1000,00", ":58A:BANKFRPP"}
	return fin("202", ltBE, ltUS, uetr, edit(base, edits)...)
}

func mt202cov(seqA []string, seqB []string) string {
	return fin("202", ltBE, ltUS, "{3:{119:COV}{121:180f1e65-90e0-44d5-a49a-92b55eb3025f}}", append(append([]string(nil), seqA...), seqB...)...)
}

func TestMT2xxRules(t *testing.T) {
	a := []string{":20:REF202", ":21:RELREF", ":32A:250102EUR1000,00", ":58A:BANKFRPP"}
	b := []string{":50K:/123\nJOHN", ":59:/456\nJANE"}
	runCases(t, []ruleCase{
		{name: "C81 ok", in: mt202(":56A:BANKGB2L", ":57A:BANKDEFF"), code: "C81"},
		{name: "C81 56a without 57a", in: mt202(":56A:BANKGB2L"), code: "C81", tag: "58A", want: "57a", bad: true},
		{name: "C81 MT205", in: fin("205", ltBE, ltUS, uetr, ":20:REF205", ":21:REL", ":32A:250102EUR1,", ":56A:BANKGB2L", ":58A:BANKFRPP"), code: "C81", tag: "58A", want: "57a", bad: true},
		{name: "C68 ok", in: mt202cov(a, edit(b, []string{":56A:BANKGB2L", ":57A:BANKDEFF"})), code: "C68"},
		{name: "C68 56a without 57a in B", in: mt202cov(a, edit(b, []string{":56A:BANKGB2L"})), code: "C68", tag: "59", want: "57a", bad: true},
		{name: "C81 COV ignores B", in: mt202cov(a, edit(b, []string{":56A:BANKGB2L"})), code: "C81"},
		{name: "C68 MT205COV", in: fin("205", ltBE, ltUS, "{3:{119:COV}{121:180f1e65-90e0-44d5-a49a-92b55eb3025f}}", append(append([]string(nil), a...), edit(b, []string{":56A:BANKGB2L"})...)...), code: "C68", tag: "59", want: "57a", bad: true},
	})
}

func mt940(extra ...string) string {
	base := []string{":20:STMT1", ":25:123456789", ":28C:1/1", ":60F:C250101EUR1000,00",
		":61:2501020102D100,00NTRFREF1//BANKREF", ":86:PAYMENT ONE", ":62F:C250102EUR900,00"}
	if len(extra) > 0 {
		base = extra
	}
	return fin("940", ltBE, ltUS, "", base...)
}

func TestMT9xxRules(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "C06 ok 50a", in: fin("910", ltBE, ltUS, "", ":20:R", ":21:R2", ":25:123", ":32A:250102EUR1,", ":50K:JOHN"), code: "C06"},
		{name: "C06 ok 52a", in: fin("910", ltBE, ltUS, "", ":20:R", ":21:R2", ":25:123", ":32A:250102EUR1,", ":52A:BANKGB2L"), code: "C06"},
		{name: "C06 neither", in: fin("910", ltBE, ltUS, "", ":20:R", ":21:R2", ":25:123", ":32A:250102EUR1,"), code: "C06", tag: "END", want: "50a", bad: true},
		{name: "C24 ok", in: mt940(), code: "C24"},
		{name: "C24 86 after 86", in: mt940(":20:STMT1", ":25:123456789", ":28C:1/1", ":60F:C250101EUR1000,00",
			":61:2501020102D100,00NTRFREF1//BANKREF", ":86:ONE", ":86:TWO", ":62F:C250102EUR900,00"), code: "C24", tag: "86", nth: 2, bad: true},
		{name: "C24 ok message-level 86", in: mt940(":20:STMT1", ":25:123456789", ":28C:1/1", ":60F:C250101EUR1000,00",
			":61:2501020102D100,00NTRFREF1//BANKREF", ":62F:C250102EUR900,00", ":86:INFO"), code: "C24"},
		{name: "C27 ok", in: mt940(), code: "C27"},
		{name: "C27 other currency", in: mt940(":20:STMT1", ":25:123456789", ":28C:1/1", ":60F:C250101EUR1000,00", ":62F:C250102USD900,00"), code: "C27", tag: "62F", bad: true},
		{name: "C03 61 ok", in: mt940(), code: "C03"},
		{name: "C03 61 JPY decimals", in: mt940(":20:STMT1", ":25:123456789", ":28C:1/1", ":60F:C250101JPY1000,",
			":61:250102D100,5NTRFREF1", ":62F:C250102JPY900,"), code: "C03", tag: "61", bad: true},
		{name: "C03 60F decimals", in: mt940(":20:STMT1", ":25:123456789", ":28C:1/1", ":60F:C250101JPY1000,5", ":62F:C250102JPY900,"), code: "C03", tag: "60F", bad: true},
	})
}

func mt942(mid ...string) string {
	f := []string{":20:INTRA1", ":25:123456789", ":28C:1/1"}
	f = append(f, mid...)
	return fin("942", ltBE, ltUS, "", f...)
}

func TestMT942Rules(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "C23 ok one", in: mt942(":34F:EUR100,", ":13D:2501021200+0100"), code: "C23"},
		{name: "C23 ok two", in: mt942(":34F:EURD100,", ":34F:EURC200,", ":13D:2501021200+0100"), code: "C23"},
		{name: "C23 one with mark", in: mt942(":34F:EURD100,", ":13D:2501021200+0100"), code: "C23", tag: "34F", bad: true},
		{name: "C23 two wrong marks", in: mt942(":34F:EURC100,", ":34F:EURC200,", ":13D:2501021200+0100"), code: "C23", tag: "34F", bad: true},
		{name: "C27 ok", in: mt942(":34F:EUR100,", ":13D:2501021200+0100", ":90D:1EUR5,"), code: "C27"},
		{name: "C27 90D other currency", in: mt942(":34F:EUR100,", ":13D:2501021200+0100", ":90D:1USD5,"), code: "C27", tag: "90D", bad: true},
		{name: "C24 ok trailing 86", in: mt942(":34F:EUR100,", ":13D:2501021200+0100", ":61:250102D5,NTRFREF", ":86:LINE", ":86:MESSAGE"), code: "C24"},
		{name: "C24 86 not after 61", in: mt942(":34F:EUR100,", ":13D:2501021200+0100", ":61:250102D5,NTRFREF", ":86:LINE", ":86:AGAIN", ":90D:1EUR5,"), code: "C24", tag: "86", nth: 2, bad: true},
	})
}

func TestN9xRules(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "C25 ok 79", in: fin("192", ltBE, ltUS, "", ":20:R", ":21:R2", ":11S:103\n250102", ":79:PLEASE CANCEL"), code: "C25"},
		{name: "C25 ok copy", in: fin("192", ltBE, ltUS, "", ":20:R", ":21:R2", ":11S:103\n250102", ":20:ORIG", ":32A:250102EUR1,"), code: "C25"},
		{name: "C25 neither", in: fin("192", ltBE, ltUS, "", ":20:R", ":21:R2", ":11S:103\n250102"), code: "C25", tag: "END", want: "79", bad: true},
		{name: "C31 ok", in: fin("196", ltBE, ltUS, "", ":20:R", ":21:R2", ":76:DONE", ":79:ANSWER"), code: "C31"},
		{name: "C31 both", in: fin("196", ltBE, ltUS, "", ":20:R", ":21:R2", ":76:DONE", ":79:ANSWER", ":32A:250102EUR1,"), code: "C31", tag: "32A", bad: true},
	})
}

func TestRuleSet(t *testing.T) {
	rs := RuleSet()
	if rs.Name != "swift-mt" || rs.Version == "" || rs.Source != engine.SourceBuiltin {
		t.Fatalf("rule set %+v", rs)
	}
	seen := map[string]bool{}
	for _, r := range rs.Rules {
		in := r.Info()
		if seen[in.ID] {
			t.Errorf("duplicate rule ID %s", in.ID)
		}
		seen[in.ID] = true
		if in.Code == "" || in.Source == "" || in.Description == "" || len(in.AppliesTo) == 0 || in.Format != "mt" {
			t.Errorf("rule %s is missing metadata: %+v", in.ID, in)
		}
	}
}

func TestNoAllocsHappyPath(t *testing.T) {
	m := mt.Parse([]byte(mt103(":33B:EUR1000,00", ":23E:SDVA", ":52A:BANKGB2L")), &engine.Findings{})
	em := &engine.Message{Format: "mt", Type: "MT103", Base: "MT103", Body: m}
	rules := rulesFor("MT103")
	var f engine.Findings
	n := testing.AllocsPerRun(100, func() {
		for _, r := range rules {
			r.Check(em, &f)
		}
	})
	if n != 0 || f.Len() != 0 {
		t.Fatalf("allocs %v, findings %+v", n, f.List())
	}
}

// rulesFor returns the rules of the pack that apply to typ, as the engine
// selects them (a base type in AppliesTo covers its variants).
func rulesFor(typ string) []engine.Rule {
	var out []engine.Rule
	for _, r := range RuleSet().Rules {
		for _, a := range r.Info().AppliesTo {
			if a == typ || (len(typ) > 5 && a == typ[:5]) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

func BenchmarkRulesMT103(b *testing.B) {
	in := []byte(mt103(":33B:EUR1000,00", ":23E:SDVA", ":52A:BANKGB2L", ":71F:EUR1,00"))
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		testEngine.Validate(ctx, in)
	}
}

func BenchmarkRulesOnlyMT103(b *testing.B) {
	m := mt.Parse([]byte(mt103(":33B:EUR1000,00", ":23E:SDVA", ":52A:BANKGB2L")), &engine.Findings{})
	em := &engine.Message{Format: "mt", Type: "MT103", Base: "MT103", Body: m}
	var rules []engine.Rule
	for _, r := range RuleSet().Rules {
		if in := r.Info(); in.Applies("mt", "MT103", "MT103") {
			rules = append(rules, r)
		}
	}
	var f engine.Findings
	b.ReportAllocs()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		for _, r := range rules {
			r.Check(em, &f)
		}
	}
	if cpu != 0 && b.N > 0 {
		b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
	}
}

// TestRobustness runs the rules on damaged variants of the test messages
// (each field emptied or cut to one character in turn): no rule may panic.
func TestRobustness(t *testing.T) {
	inputs := []string{
		mt103(":33B:USD1100,00", ":36:0,9", ":23E:SDVA", ":53B:/1", ":56C://FW1", ":57D:X", ":71F:EUR1,"),
		mt103From(ltBE, ltDE, stp, ":23B:SPRI", ":23E:INTC"),
		mt101(txWith(":21F:FX1", ":33B:USD110,00", ":36:0,9", ":50L:X")...),
		mt202cov([]string{":20:R", ":21:R", ":32A:250102EUR1,", ":58A:BANKFRPP"}, []string{":50K:X", ":56A:BANKGB2L", ":59:X"}),
		mt940(), mt942(":34F:EURD100,", ":34F:EURC1,", ":61:250102D5,NTRFREF", ":86:X", ":90D:1EUR5,"),
		fin("910", ltBE, ltUS, "", ":20:R", ":32A:250102EUR1,"),
		fin("196", ltBE, ltUS, "", ":20:R", ":76:X", ":79:Y", ":32A:1"),
	}
	// Every valid sample of testdata/mt, the types added for SR2026 among
	// them, with each field emptied or cut in turn.
	samples, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "mt", "valid_*.fin"))
	for _, fn := range samples {
		raw, err := os.ReadFile(fn)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, strings.ReplaceAll(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n", "\r\n"))
	}
	for _, in := range inputs {
		lines := strings.Split(in, "\r\n")
		for i, l := range lines {
			if !strings.HasPrefix(l, ":") {
				continue
			}
			tagEnd := strings.Index(l[1:], ":") + 2
			for _, v := range []string{"", l[tagEnd:min(len(l), tagEnd+1)], "/", "//"} {
				c := append([]string(nil), lines...)
				c[i] = l[:tagEnd] + v
				r := testEngine.Validate(context.Background(), []byte(strings.Join(c, "\r\n")))
				if r.HasCode(engine.CodeRulePanicked) {
					t.Fatalf("rule panicked on %q", strings.Join(c, "\r\n"))
				}
			}
		}
	}
}

// TestNoAllocsThroughEngine pins that the pack adds no allocation to a
// validation: an engine with the pack allocates exactly as much as one
// without it, for a message that triggers no finding.
func TestNoAllocsThroughEngine(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	in := []byte(mt103(":33B:EUR1000,00", ":23E:SDVA", ":52A:BANKGB2L", ":71F:EUR1,00"))
	bare := engine.New(engine.Options{})
	bare.RegisterFormat(mt.NewFormat())
	ctx := context.Background()
	if r := testEngine.Validate(ctx, in); len(r.Findings) != 0 {
		t.Fatalf("message is not clean: %+v", r.Findings)
	}
	with := testing.AllocsPerRun(50, func() { testEngine.Validate(ctx, in) })
	without := testing.AllocsPerRun(50, func() { bare.Validate(ctx, in) })
	if with != without {
		t.Fatalf("allocations with the pack %v, without %v", with, without)
	}
}

// TestEveryRuleHasCases runs every case table and checks that each rule of
// the set produced its finding, at the expected place, in at least one case.
func TestEveryRuleHasCases(t *testing.T) {
	fired = map[string]bool{}
	defer func() { fired = nil }()
	for _, fn := range caseTables() {
		fn(t)
	}
	for _, r := range RuleSet().Rules {
		if id := r.Info().ID; !fired[id] {
			t.Errorf("rule %s has no failing case", id)
		}
	}
}

// FuzzRules runs the whole pack, through the engine, on mutations of the
// valid samples: no rule may panic, and a report with errors is never
// valid.
func FuzzRules(f *testing.F) {
	samples, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "mt", "valid_*.fin"))
	for _, fn := range samples {
		if raw, err := os.ReadFile(fn); err == nil {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, r := range testEngine.ValidateAll(context.Background(), raw, engine.ValidateOptions{}) {
			if r.HasCode(engine.CodeParserPanicked) || r.HasCode(engine.CodeRulePanicked) {
				t.Fatalf("panic on %q: %v", raw, r.Findings)
			}
			if r.Valid && r.Errors() > 0 {
				t.Fatalf("valid report with errors")
			}
		}
	})
}
