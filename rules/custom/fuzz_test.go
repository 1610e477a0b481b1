package custom

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzCompile: compiling any input never panics, and either succeeds or
// reports at least one problem naming the file.
func FuzzCompile(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/rulesets/*.yaml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("name: x\nrules:\n  - id: a\n    applies_to: [MT103]\n    check: |\n      (\n"))
	f.Add([]byte("name: x\nrules: [{id: a, applies_to: [all], check: 'decimal(\"1\") < 2', message: '${uetr}{{'}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, ps := compile("f.yaml", data, compileOptions{})
		if c == nil && len(ps) == 0 {
			t.Fatal("refused without a problem")
		}
		for _, p := range ps {
			if p.File != "f.yaml" {
				t.Fatalf("problem without the file: %+v", p)
			}
		}
	})
}
