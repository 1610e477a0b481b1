package schemas

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/formats/mx/xsd"
)

// cbprPlus are the CBPR+ message versions (mx-facts.md §2, swift.com CBPR+
// self-attestation page) whose base ISO schemas are available to ship.
var cbprPlus = []string{"pacs.008.001.08", "pacs.009.001.08", "pacs.002.001.10", "pacs.004.001.09", "camt.052.001.08", "camt.053.001.08", "camt.054.001.08", "pain.001.001.09", "head.001.001.02"}

func TestShippedSchemasCompile(t *testing.T) {
	for _, v := range cbprPlus {
		if !Has("urn:iso:std:iso:20022:tech:xsd:" + v) {
			t.Errorf("CBPR+ schema %s is not shipped", v)
		}
	}
	if n := len(Namespaces()); n < 140 {
		t.Errorf("%d schemas shipped, want all of moov-io's 132 and the shared ones", n)
	}
	for _, ns := range Namespaces() {
		s, err := Load(ns)
		if err != nil {
			t.Fatal(err)
		}
		if s.TargetNamespace != ns {
			t.Errorf("%s: decoded namespace %s", ns, s.TargetNamespace)
		}
		if _, err := xsd.Compile(s); err != nil {
			t.Errorf("%s: %v", ns, err)
		}
	}
	if _, err := Load("urn:nope"); err == nil {
		t.Error("Load of an unknown namespace: no error")
	}
}

// TestGeneratedCurrent re-encodes the XSD files gen.go reads and compares
// them with the shipped data (skipped when the XSD files are absent).
func TestGeneratedCurrent(t *testing.T) {
	files, _ := filepath.Glob("../../../../shared/xsd/*.xsd")
	if len(files) == 0 {
		t.Skip("../shared/xsd absent: cannot check the generated schemas")
	}
	if out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/moov-io/iso20022").Output(); err == nil {
		dir := filepath.Join(strings.TrimSpace(string(out)), "docs", "specifications")
		_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && strings.HasSuffix(p, ".xsd") {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) <= 21 {
		t.Skip("moov-io module absent from the module cache: cannot check the generated schemas")
	}
	seen := map[string]bool{}
	for _, f := range files {
		s, err := xsd.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if seen[s.TargetNamespace] {
			continue
		}
		seen[s.TargetNamespace] = true
		data, err := Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		if registry[s.TargetNamespace].data != data {
			t.Errorf("%s: generated schema is stale; run go generate ./formats/mx/schemas", f)
		}
	}
	if len(seen) != len(registry) {
		t.Errorf("%d schemas in the XSD files, %d shipped; run go generate", len(seen), len(registry))
	}
}

// TestCodecRoundTrip checks that the binary encoding gives back the model
// read from the XSD files, field for field (skipped without the files).
func TestCodecRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("../../../../shared/xsd/*.xsd")
	if len(files) == 0 {
		t.Skip("../shared/xsd absent: no XSD files to read")
	}
	for _, f := range files {
		s, err := xsd.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := unmarshal(marshal(s))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		got.File = s.File
		if !reflect.DeepEqual(got, s) {
			t.Errorf("%s: decoded model differs from the one read", f)
		}
	}
}

// TestCodecCorrupt feeds truncated and altered encodings: errors, never a
// panic.
func TestCodecCorrupt(t *testing.T) {
	s, err := Load("urn:iso:std:iso:20022:tech:xsd:head.001.001.02")
	if err != nil {
		t.Fatal(err)
	}
	data := marshal(s)
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"bad magic", append([]byte("JSON!"), data[len(codecMagic):]...)},
		{"trailing byte", append(append([]byte(nil), data...), 0)},
	}
	for _, n := range []int{len(codecMagic), len(codecMagic) + 1, len(data) / 3, len(data) / 2, len(data) - 1} {
		tests = append(tests, struct {
			name string
			data []byte
		}{fmt.Sprintf("truncated at %d", n), data[:n]})
	}
	for i := len(codecMagic); i < len(data); i += 97 {
		b := append([]byte(nil), data...)
		b[i] ^= 0xff
		tests = append(tests, struct {
			name string
			data []byte
		}{fmt.Sprintf("byte %d flipped", i), b})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := unmarshal(tc.data)
			if err == nil && !strings.HasPrefix(tc.name, "byte") {
				t.Error("no error")
			}
		})
	}
}
