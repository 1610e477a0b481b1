// Package typedtest helps test rule packs on typed MX messages without the
// full MX format: a minimal Format that decodes with typed.Decode only (no
// schema validation), and golden-report comparison.
package typedtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx/typed"
)

// Format is a minimal "mx" format over typed.Decode, for tests: it reports
// no schema findings, so golden reports show only the rules under test.
type Format struct{}

// Name implements engine.Format.
func (Format) Name() string { return "mx" }

// Detect implements engine.Format: the input starts with '<'.
func (Format) Detect(raw []byte) bool {
	b := bytes.TrimLeft(raw, " \t\r\n\ufeff")
	return len(b) > 0 && b[0] == '<'
}

// Parse implements engine.Format.
func (Format) Parse(raw []byte, f *engine.Findings) *engine.Message {
	m, err := typed.Decode(raw)
	if m == nil {
		f.Errorf(engine.CodeUnrecognised, engine.Location{Line: 1}, "test format: %v", err)
		return nil
	}
	msg := &engine.Message{Format: "mx", Type: m.ID, Base: m.ID, Level: engine.LevelFull, Body: m, Raw: raw}
	if m.AppHdr != nil && strings.HasPrefix(strings.TrimSpace(m.AppHdr.BizSvc.Value), "swift.cbprplus") {
		msg.Profile = "cbpr+"
	}
	return msg
}

// MessageTypes implements engine.Format.
func (Format) MessageTypes() []engine.TypeInfo { return nil }

// Engine returns an engine with Format and the given rule sets.
func Engine(t testing.TB, sets ...*engine.RuleSet) *engine.Engine {
	e := engine.New(engine.Options{Budget: 1 << 40})
	e.RegisterFormat(Format{})
	for _, s := range sets {
		if err := e.AddRuleSet(s); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// Report validates raw and returns its JSON report with elapsed time zeroed,
// indented one finding per line for readable diffs.
func Report(e *engine.Engine, raw []byte, o engine.ValidateOptions) (*engine.Report, []byte) {
	r := e.ValidateWith(context.Background(), raw, o)
	r.Elapsed = 0
	js := r.AppendJSON(nil)
	js = bytes.ReplaceAll(js, []byte(`},{"code"`), []byte("},\n{\"code\""))
	return r, append(js, '\n')
}

// Golden compares got with the golden file path, or rewrites it when update
// is true.
func Golden(t *testing.T, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the report (run with -update after checking):\n got: %s\nwant: %s", filepath.Base(path), got, want)
	}
}
