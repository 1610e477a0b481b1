package cbpr

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// corpusMX is the shared MX corpus, read in place.
const corpusMX = "../../../shared/corpus/mx"

// mxSources reads the sample table of the corpus's SOURCES.md: file (first
// cell) and intent (fifth: "valid" or "INVALID (...)").
func mxSources(t *testing.T) map[string]string {
	raw, err := os.ReadFile(filepath.Join(corpusMX, "SOURCES.md"))
	if err != nil {
		t.Skipf("shared MX corpus absent: %v", err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 7 {
			continue
		}
		file := strings.TrimSpace(cells[1])
		if !strings.HasSuffix(file, ".xml") || !strings.Contains(file, "/") {
			continue
		}
		intent := strings.TrimSpace(cells[5])
		switch {
		case strings.HasPrefix(intent, "valid"):
			out[file] = "valid"
		case strings.HasPrefix(strings.ToLower(intent), "invalid"):
			out[file] = "invalid"
		}
	}
	return out
}

// mxExpectations reads testdata/mx/corpus_expectations.txt.
func mxExpectations(t *testing.T) map[string]string {
	raw, err := os.ReadFile("../../testdata/mx/corpus_expectations.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		file, reason, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(reason) == "" {
			t.Fatalf("corpus_expectations.txt: %q needs a reason after a tab", line)
		}
		if _, dup := out[file]; dup {
			t.Fatalf("corpus_expectations.txt lists %s twice", file)
		}
		out[file] = reason
	}
	return out
}

// TestCorpusVerdicts validates every file of the shared MX corpus with the
// MX format and both MX rule sets (what swiftval.New runs on MX): a file its
// source calls invalid is reported invalid; one it calls valid is reported
// valid unless testdata/mx/corpus_expectations.txt lists it with the reason,
// and the reason names every error code reported (so the list follows the
// verdicts); a listed file reported valid is a stale entry.
func TestCorpusVerdicts(t *testing.T) {
	intent := mxSources(t)
	known := mxExpectations(t)
	e := mxEngine(t)
	for file, want := range intent {
		raw, err := os.ReadFile(filepath.Join(corpusMX, file))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		r := e.Validate(context.Background(), raw)
		codes := map[string]bool{}
		for _, f := range r.Findings {
			if f.Code == engine.CodeRulePanicked || f.Code == engine.CodeRuleFailed {
				t.Errorf("%s: %s by %s", file, f.Code, f.Rule)
			}
			if f.Severity == engine.Error {
				codes[f.Code] = true
			}
		}
		reason, listed := known[file]
		switch {
		case want == "invalid" && r.Valid:
			t.Errorf("%s: the source marks it invalid but it is reported valid", file)
		case want == "valid" && !r.Valid && !listed:
			t.Errorf("%s: the source marks it valid but it is reported invalid: %v; fix the validator or list it with the reason in testdata/mx/corpus_expectations.txt", file, r.Findings)
		case listed && r.Valid:
			t.Errorf("%s: listed in corpus_expectations.txt but now reported valid; remove the entry", file)
		case listed:
			var missing []string
			for c := range codes {
				if !strings.Contains(reason, c) {
					missing = append(missing, c)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("%s: reported %v, which corpus_expectations.txt does not explain: %v", file, missing, r.Findings)
			}
		}
	}
	for f := range known {
		if intent[f] != "valid" {
			t.Errorf("corpus_expectations.txt lists %s, which SOURCES.md does not call valid", f)
		}
	}
}
