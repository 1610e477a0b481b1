package mt

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// corpusEntry is one row of the corpus's SOURCES.md.
type corpusEntry struct {
	file     string // path relative to the corpus dir
	validity string // "valid", "invalid" or "unspecified"
}

// readSources reads the file table of SOURCES.md: the first cell is the
// file in backquotes, the fifth the validity per source.
func readSources(t *testing.T, path string) []corpusEntry {
	b := readFile(t, path)
	var out []corpusEntry
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 7 {
			continue
		}
		file := strings.Trim(strings.TrimSpace(cells[1]), "`")
		v := strings.TrimSpace(cells[5])
		switch {
		case strings.HasPrefix(v, "invalid"):
			v = "invalid"
		case strings.HasPrefix(v, "valid"):
			v = "valid"
		default:
			v = "unspecified"
		}
		out = append(out, corpusEntry{file, v})
	}
	return out
}

// readExpectations reads testdata/corpus_expectations.txt: "file<TAB>reason"
// per line for files the source calls valid that we report invalid.
func readExpectations(t *testing.T) map[string]string {
	b := readFile(t, filepath.Join("testdata", "corpus_expectations.txt"))
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		file, reason, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(reason) == "" {
			t.Fatalf("corpus_expectations.txt: %q needs a reason after a tab", line)
		}
		out[file] = reason
	}
	return out
}

// TestConformance runs every file of the shared MT corpus: no panic; every
// file the sources call invalid is reported invalid; every file they call
// valid is reported valid unless listed, with the reason, in
// testdata/corpus_expectations.txt (and listed files must still be invalid,
// so the list stays current).
func TestConformance(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "..", "shared", "corpus", "mt")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared MT corpus not found at %s: %v", dir, err)
	}
	entries := readSources(t, filepath.Join(dir, "SOURCES.md"))
	if len(entries) == 0 {
		t.Fatal("no entries in SOURCES.md")
	}
	known := readExpectations(t)
	e := newEngine()
	seen := map[string]bool{}
	for _, ent := range entries {
		seen[ent.file] = true
		raw, err := os.ReadFile(filepath.Join(dir, ent.file))
		if err != nil {
			t.Errorf("%s: %v", ent.file, err)
			continue
		}
		reps := e.ValidateAll(context.Background(), raw, engine.ValidateOptions{Format: "mt"})
		valid := true
		var first *engine.Finding
		for _, r := range reps {
			if r.HasCode(engine.CodeParserPanicked) {
				t.Errorf("%s: parser panicked", ent.file)
			}
			if !r.Valid {
				valid = false
				if first == nil && len(r.Findings) > 0 {
					first = &r.Findings[0]
				}
			}
		}
		_, listed := known[ent.file]
		switch {
		case ent.validity == "invalid" && valid:
			t.Errorf("%s: the source marks it invalid but it is reported valid", ent.file)
		case ent.validity == "valid" && !valid && !listed:
			t.Errorf("%s: the source marks it valid but it is reported invalid (first finding %v); fix the validator or list it with the reason in testdata/corpus_expectations.txt", ent.file, first)
		case listed && valid:
			t.Errorf("%s: listed in corpus_expectations.txt but now reported valid; remove the entry", ent.file)
		}
	}
	for f := range known {
		if !seen[f] {
			t.Errorf("corpus_expectations.txt lists %s, which SOURCES.md does not", f)
		}
	}
	// Files present but not in SOURCES.md (hold-out or new): parse only.
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	for _, fn := range files {
		rel, _ := filepath.Rel(dir, fn)
		if seen[filepath.ToSlash(rel)] {
			continue
		}
		raw, _ := os.ReadFile(fn)
		for _, r := range e.ValidateAll(context.Background(), raw, engine.ValidateOptions{Format: "mt"}) {
			if r.HasCode(engine.CodeParserPanicked) {
				t.Errorf("%s: parser panicked", rel)
			}
		}
	}
}
