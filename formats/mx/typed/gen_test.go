package typed

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/swiftval/swiftval/formats/mx/manifest"
)

// TestDefinitionsMatchManifest: every manifest entry with a typed field has
// a typed model under that field, and there is no other.
func TestDefinitionsMatchManifest(t *testing.T) {
	want := manifest.Typed()
	if len(Definitions) != len(want) {
		t.Fatalf("%d typed models, the manifest lists %d; run make generate", len(Definitions), len(want))
	}
	for i, e := range want {
		if d := Definitions[i]; d.ID != e.ID || d.Field != e.Typed {
			t.Errorf("definition %d is %s in %s, the manifest says %s in %s; run make generate", i, d.ID, d.Field, e.ID, e.Typed)
		}
		if !Known(e.ID) {
			t.Errorf("%s: Known is false", e.ID)
		}
	}
}

// TestGeneratedCurrent runs the generator into a temporary directory and
// compares its output with the generated files of the package. It fails
// when the XSD sources (../shared/xsd, the moov-io module) are absent.
func TestGeneratedCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the generator")
	}
	if _, _, err := manifest.Dirs(""); err != nil {
		t.Fatalf("XSD sources absent: %v", err)
	}
	out := t.TempDir()
	if b, err := exec.Command("go", "run", "./gen", "-out", out).CombinedOutput(); err != nil {
		t.Fatalf("go run ./gen: %v\n%s", err, b)
	}
	for _, name := range []string{"types_gen.go", "decode_gen.go", "walk_gen.go", "arena_gen.go"} {
		want, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(name); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not current (%v); run make generate", name, err)
		}
	}
}
