package benchmarks

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/swiftval/swiftval/loadtest"
)

// sample is one benchmark input.
type sample struct {
	name string
	raw  []byte
}

// Shared MX corpus files compared across libraries: the 3.2 KB Fedwire
// pacs.008.001.08 and the 40 KB CBPR+ "max" pacs.008 (AppHdr + Document in
// an Envelope). See ../shared/corpus/mx/SOURCES.md.
var sharedMX = []struct{ name, path string }{
	{"fedwire-pacs008-3k", "corpus/mx/moov-io__wire20022/CustomerCreditTransfer__swiftSample__CustomerCreditTransfer_Scenario1_Step1_pacs.008.xml"},
	{"cbpr-pacs008-max-40k", "corpus/mx/phoughton__iso20022-cbpr-ur/y2025__pacs.008.max.xml"},
}

// repoRoot walks up from the working directory to the directory of go.mod.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// sharedFile reads a file of the shared corpus (the repo root's
// ../shared), skipping the benchmark with a message when it is absent.
func sharedFile(tb testing.TB, rel string) []byte {
	tb.Helper()
	p := filepath.Join(repoRoot(tb), "..", "shared", rel)
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Skipf("shared corpus file absent (%v): skipped", err)
	}
	return b
}

// allSamples returns the built-in sample mix and the shared MX files that
// are present.
func allSamples(tb testing.TB) []sample {
	var out []sample
	for _, s := range loadtest.BuiltinSamples() {
		out = append(out, sample{s.Name, s.Body})
	}
	root := repoRoot(tb)
	for _, f := range sharedMX {
		if b, err := os.ReadFile(filepath.Join(root, "..", "shared", f.path)); err == nil {
			out = append(out, sample{f.name, b})
		}
	}
	return out
}

// documentPart returns the <Document>…</Document> element of an MX
// message wrapped in an envelope with its AppHdr, or raw when it has none:
// moov-io/iso20022 parses a bare Document only.
func documentPart(raw []byte) []byte {
	i := bytes.Index(raw, []byte("<Document"))
	j := bytes.LastIndex(raw, []byte("</Document>"))
	if i < 0 || j < i {
		return raw
	}
	return raw[i : j+len("</Document>")]
}
