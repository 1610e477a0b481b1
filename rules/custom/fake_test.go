package custom

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/formats/mx"
)

// fakeFormat is a tiny engine.Format for tests: "FAKE" on the first line,
// then name=value lines of the view (see ViewFromMap).
type fakeFormat struct{}

func (fakeFormat) Name() string                    { return "fake" }
func (fakeFormat) Detect(raw []byte) bool          { return bytes.HasPrefix(raw, []byte("FAKE\n")) }
func (fakeFormat) MessageTypes() []engine.TypeInfo { return nil }
func (fakeFormat) Parse(raw []byte, f *engine.Findings) *engine.Message {
	v, err := decodeTestView(bytes.TrimPrefix(raw, []byte("FAKE\n")))
	if err != nil {
		f.SetRule("fake.parse", "")
		f.Error("FAKE1", engine.Location{}, err.Error())
		return nil
	}
	return &engine.Message{Format: v.Format, Type: v.Type, Base: v.Base, Body: testBody{v}, Raw: raw}
}

// fakeMsg encodes view values as a fake message.
func fakeMsg(kv ...string) []byte {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return append([]byte("FAKE\n"), encodeTestView(m)...)
}

func newEngine() *engine.Engine {
	// A generous budget: the race detector and a loaded machine slow CEL
	// down tenfold, and these tests are about verdicts, not latency.
	// The real formats too, for the file tests of testdata/rulesets.
	e := engine.New(engine.Options{Budget: 10 * time.Second})
	e.RegisterFormat(fakeFormat{})
	e.RegisterFormat(mt.NewFormat())
	e.RegisterFormat(mx.Default())
	return e
}

// writeSets writes name->yaml files into a new temporary directory.
func writeSets(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for n, s := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func codes(r *engine.Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code)
	}
	return out
}

func validate(e *engine.Engine, raw []byte) *engine.Report {
	return e.ValidateWith(context.Background(), raw, engine.ValidateOptions{})
}

// testdataDir copies testdata/rulesets (with its samples) into a
// temporary directory, so tests that Put or Delete never touch the
// originals.
func testdataDir(t testing.TB) string {
	t.Helper()
	files, err := setFiles("../../testdata/rulesets")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m[filepath.Base(f)] = string(b)
	}
	dir := writeSets(t, m)
	// The samples the sets' file tests read.
	samples, err := os.ReadDir("../../testdata/rulesets/samples")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "samples"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range samples {
		b, err := os.ReadFile(filepath.Join("../../testdata/rulesets/samples", s.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "samples", s.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// stubBuiltinIDs registers a built-in set with rules that never report,
// under the IDs testdata/rulesets/severity-overrides.yaml disables and
// overrides: the engine refuses a set naming rules it does not have.
func stubBuiltinIDs(t testing.TB, e *engine.Engine) {
	t.Helper()
	rs := &engine.RuleSet{Name: "stub-builtin", Version: "1", Source: engine.SourceBuiltin}
	for _, id := range []string{"mt.bic.branch", "mt.MT103.D75"} {
		rs.Rules = append(rs.Rules, engine.NewRule(engine.RuleInfo{ID: id, Code: "STUB", AppliesTo: []string{"*"}}, func(*engine.Message, *engine.Findings) {}))
	}
	if err := e.AddRuleSet(rs); err != nil {
		t.Fatal(err)
	}
}
