package mt

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// corpusDir is the shared MT corpus (outside the repository; see its
// SOURCES.md for where each file comes from).
func corpusDir(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "corpus", "mt")
	if _, err := os.Stat(filepath.Join(dir, "SOURCES.md")); err != nil {
		t.Skipf("shared MT corpus not found at %s: %v", dir, err)
	}
	return dir
}

// corpusFiles lists the files of SOURCES.md's file table with the validity
// the source gives.
func corpusFiles(t *testing.T, dir string) map[string]string {
	b, err := os.ReadFile(filepath.Join(dir, "SOURCES.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 7 {
			continue
		}
		out[strings.Trim(strings.TrimSpace(cells[1]), "`")] = strings.TrimSpace(cells[5])
	}
	return out
}

// readCorpusExpectations reads testdata/corpus_findings.txt: one line per
// corpus file on which the pack reports something, "file<TAB>codes<TAB>why",
// codes sorted and comma-separated.
func readCorpusExpectations(t *testing.T) map[string]string {
	b, err := os.ReadFile(filepath.Join("testdata", "corpus_findings.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != 3 || parts[2] == "" {
			t.Fatalf("corpus_findings.txt: %q must be file<TAB>codes<TAB>reason", line)
		}
		out[parts[0]] = parts[1]
	}
	return out
}

// TestCorpus runs the pack on every file of the shared MT corpus and checks
// the codes it reports against testdata/corpus_findings.txt, where each
// expected finding is explained. A new finding, or an expected one that is
// gone, fails the test.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	files := corpusFiles(t, dir)
	want := readCorpusExpectations(t)
	for file := range files {
		raw, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		set := map[string]bool{}
		for _, r := range testEngine.ValidateAll(context.Background(), raw, engine.ValidateOptions{Format: "mt"}) {
			for _, f := range r.Findings {
				if f.Code == engine.CodeRulePanicked {
					t.Errorf("%s: a rule panicked", file)
				}
				if strings.HasPrefix(f.RuleSet, "swift-mt") {
					set[f.Code] = true
				}
			}
		}
		var codes []string
		for c := range set {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		got := strings.Join(codes, ",")
		if got != want[file] {
			t.Errorf("%s (source: %s): swift-mt reports %q, corpus_findings.txt expects %q", file, files[file], got, want[file])
		}
	}
	for file := range want {
		if _, ok := files[file]; !ok {
			t.Errorf("corpus_findings.txt lists %s, which SOURCES.md does not", file)
		}
	}
}

// TestRepoValidSamples checks that the repository's valid MT samples
// (testdata/mt/valid_*.fin) raise no finding of the pack.
func TestRepoValidSamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "mt", "valid_*.fin"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no valid samples found: %v", err)
	}
	for _, fn := range files {
		raw, err := os.ReadFile(fn)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range testEngine.ValidateAll(context.Background(), raw, engine.ValidateOptions{}) {
			for _, f := range r.Findings {
				if strings.HasPrefix(f.RuleSet, "swift-mt") {
					t.Errorf("%s: %s at %s: %s", filepath.Base(fn), f.Code, f.Location, f.Message)
				}
			}
		}
	}
}
