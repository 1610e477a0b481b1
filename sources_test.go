package swiftval

import (
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/swiftval/swiftval/directory"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/rules/common"
)

// maxSourceLen is the longest RuleInfo.Source of a built-in rule, in
// characters: a citation (standard, release, rule or section, public URL)
// fits; a research note does not (those go to docs/sources.md).
const maxSourceLen = 160

// sourceBans are what a built-in rule's Source must not contain: it names
// the standard and where in it, not how the fact was found.
var sourceBans = []struct {
	what string
	re   *regexp.Regexp
}{
	{"a private mirror or document-sharing site", regexp.MustCompile(`(?i)synology|ilovetranslation|scribd|studylib|doctormaryam|munaeem|10588\.com|fdocuments`)},
	{"a search-index or document-site id", regexp.MustCompile(`dg_[A-Za-z0-9=_-]+|/doc(ument)?/\d{5,}`)},
	{"a third-party code repository cited as a standard", regexp.MustCompile(`(?i)github\.com|goplasmatic|swiftmtmessage|mxmessage|cyberft|prowide|tools20022|zosensheng|isocode|jaxb|\.(rs|pm|java)\b`)},
	{"a research marker", regexp.MustCompile(`(?i)\[(un)?confirmed|\[ur\]|\[assumed|\[single|\bunconfirmed\b|\bconfirmed\b|recalled|single source`)},
	{"a path of a machine", regexp.MustCompile(`(^|[\s(:])/(work|home|tmp|var|etc|usr)/`)},
}

// urlInSource finds web addresses in a Source, with or without a scheme.
var urlInSource = regexp.MustCompile(`https?://[^\s;,)]+|\b[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|org|net|me|io)/[^\s;,)]*`)

// publicHosts are the publishers whose pages a Source may link: the
// standards bodies' own sites and banks' public pages cited as such.
var publicHosts = map[string]bool{
	"swift.com": true, "www.swift.com": true,
	"iso20022.org": true, "www.iso20022.org": true,
	"iso.org": true, "www.iso.org": true,
	"gleif.org": true, "www.gleif.org": true,
	"www.jpmorgan.com": true, "developer.gs.com": true,
}

// anchorRe finds the anchors of docs/sources.md: <a id="rule.id"></a>.
var anchorRe = regexp.MustCompile(`<a id="([^"]+)"></a>`)

// builtinRuleSets returns every rule set swiftval ships: those New
// registers and the BIC directory checks (directory.RuleSet, added by
// NewWithConfig with a directory; here on a test directory file, whose path
// it also returns).
func builtinRuleSets(t *testing.T) ([]*engine.RuleSet, string) {
	t.Helper()
	const dirFile = "directory/testdata/directory.csv"
	st, err := directory.Open(dirFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	return append(New(engine.Options{}).RuleSets(), directory.RuleSet(st)), dirFile
}

// TestRuleSources holds every built-in rule's metadata to what GET
// /v1/rules promises a reader: a Source that is a short, public citation,
// and Notes (when set) pointing at a section of docs/sources.md that
// exists; and every section of docs/sources.md belonging to a rule.
func TestRuleSources(t *testing.T) {
	sets, dirFile := builtinRuleSets(t)
	doc, err := os.ReadFile(common.SourcesDoc)
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, m := range anchorRe.FindAllStringSubmatch(string(doc), -1) {
		if anchors[m[1]] {
			t.Errorf("%s: anchor %q appears twice", common.SourcesDoc, m[1])
		}
		anchors[m[1]] = true
	}
	for _, ban := range sourceBans[:2] {
		if m := ban.re.FindString(string(doc)); m != "" {
			t.Errorf("%s cites %s: %q", common.SourcesDoc, ban.what, m)
		}
	}
	referenced := map[string]bool{}
	n := 0
	for _, s := range sets {
		for _, r := range s.Rules {
			info := r.Info()
			n++
			t.Run(info.ID, func(t *testing.T) {
				src := info.Source
				switch l := utf8.RuneCountInString(src); {
				case src == "":
					t.Error("Source is empty")
				case l > maxSourceLen:
					t.Errorf("Source is %d characters, more than %d (move the research to %s): %q", l, maxSourceLen, common.SourcesDoc, src)
				}
				for _, ban := range sourceBans {
					if m := ban.re.FindString(src); m != "" {
						t.Errorf("Source cites %s (%q): %q", ban.what, m, src)
					}
				}
				if strings.Contains(src, dirFile) {
					t.Errorf("Source carries the directory file's path: %q", src)
				}
				for _, u := range urlInSource.FindAllString(src, -1) {
					if !strings.Contains(u, "://") {
						u = "https://" + u
					}
					p, err := url.Parse(u)
					if err != nil || !publicHosts[p.Host] {
						t.Errorf("Source links %q, not a publisher's own public page", u)
					}
				}
				if info.Notes == "" {
					return
				}
				anchor, ok := strings.CutPrefix(info.Notes, common.SourcesDoc+"#")
				switch {
				case !ok:
					t.Errorf("Notes %q is not a section of %s", info.Notes, common.SourcesDoc)
				case !anchors[anchor]:
					t.Errorf("Notes %q: %s has no anchor %q", info.Notes, common.SourcesDoc, anchor)
				default:
					referenced[anchor] = true
				}
			})
		}
	}
	if n < 100 {
		t.Errorf("only %d built-in rules seen", n)
	}
	for a := range anchors {
		if !referenced[a] {
			t.Errorf("%s: section %q belongs to no built-in rule's Notes", common.SourcesDoc, a)
		}
	}
}
