package schemas

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/swiftval/swiftval/formats/mx/manifest"
)

// TestShippedMatchesManifest checks that every manifest entry is shipped,
// under its file name, and loads into a validator of its namespace, and
// that nothing else is shipped.
func TestShippedMatchesManifest(t *testing.T) {
	entries := manifest.All()
	var want []string
	for _, e := range entries {
		want = append(want, e.Namespace())
		if got, file := File(e.Namespace()), filepath.Base(e.XSDPath("", "")); got != file {
			t.Errorf("%s: shipped from %q, manifest says %q", e.ID, got, file)
		}
		v, err := Load(e.Namespace())
		if err != nil {
			t.Errorf("%s: %v", e.ID, err)
			continue
		}
		root := "Document"
		if e.IsHeader() {
			root = "AppHdr"
		}
		if v.Namespace() != e.Namespace() || !v.HasElement(root) {
			t.Errorf("%s: loaded namespace %s, element %s declared: %v", e.ID, v.Namespace(), root, v.HasElement(root))
		}
	}
	if got := Namespaces(); !slices.Equal(got, want) {
		t.Errorf("shipped namespaces differ from the manifest: %d shipped, %d listed; run make generate", len(got), len(want))
	}
	if Has("urn:nope") || File("urn:nope") != "" {
		t.Error("an unknown namespace is reported as shipped")
	}
	if _, err := Load("urn:nope"); err == nil {
		t.Error("Load of an unknown namespace: no error")
	}
}

// TestGeneratedCurrent runs the generator into a temporary directory and
// compares its output with the files in the package, byte for byte. It
// fails when the XSD sources (../shared/xsd, the moov-io module) are
// absent; an XSD in ../shared/xsd without a manifest entry plays no part.
func TestGeneratedCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the generator")
	}
	if _, _, err := manifest.Dirs(""); err != nil {
		t.Fatalf("XSD sources absent: %v", err)
	}
	out := t.TempDir()
	cmd := exec.Command("go", "run", "./gen", "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./gen: %v\n%s", err, b)
	}
	compare := func(name string) {
		want, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not current (%v); run make generate", name, err)
		}
	}
	compare("zz_shipped.go")
	gen, _ := filepath.Glob(filepath.Join(out, "data", "*.bin"))
	have, _ := filepath.Glob(filepath.Join("data", "*.bin"))
	if len(gen) != len(have) {
		t.Errorf("%d files in data/, the generator writes %d; run make generate", len(have), len(gen))
	}
	for _, f := range gen {
		compare(filepath.Join("data", filepath.Base(f)))
	}
}

func BenchmarkLoad(b *testing.B) {
	for _, id := range []string{"head.001.001.02", "pacs.008.001.08", "camt.053.001.08"} {
		ns := "urn:iso:std:iso:20022:tech:xsd:" + id
		b.Run(id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Load(ns); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
