package cbpr

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx"
	"github.com/swiftval/swiftval/formats/mx/schemas"
	"github.com/swiftval/swiftval/formats/mx/typed"
	"github.com/swiftval/swiftval/payment"
)

// definitionSamples holds one valid CBPR+ message per typed message
// definition, named <message identifier>.xml.
const definitionSamples = "../../testdata/mx/definitions"

// TestMXDefinitionsComplete: an MX message definition is one entry of the
// manifest with a typed field (formats/mx/manifest/messages.txt, generated
// into typed.Definitions); everything else is derived from it or must
// follow it. A definition added there but registered by halves fails here:
// no shipped schema, a schema that does not load, no typed decoder at the
// format, no business-service rows (TestBuiltinTableComplete), no CBPR+ rule
// applying, no sample, or a payment-view adapter missing (view payment) or
// present without it.
func TestMXDefinitionsComplete(t *testing.T) {
	f := mx.Default()
	types := map[string]string{}
	for _, ti := range f.MessageTypes() {
		types[ti.Type] = ti.Level
	}
	e := mxEngine(t)
	samples := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join(definitionSamples, "*.xml"))
	for _, p := range files {
		samples[strings.TrimSuffix(filepath.Base(p), ".xml")] = true
	}
	for _, d := range typed.Definitions {
		ns := typed.NamespacePrefix + d.ID
		t.Run(d.ID, func(t *testing.T) {
			if !schemas.Has(ns) {
				t.Errorf("no shipped schema for %s (formats/mx/schemas)", ns)
			}
			if v, err := f.Validator(ns); v == nil || err != nil {
				t.Errorf("the shipped schema of %s does not load: %v", d.ID, err)
			}
			if d.Element == "AppHdr" {
				return
			}
			if types[d.ID] != engine.LevelFull {
				t.Errorf("the MX format lists %s at level %q, want full (typed decoder registered)", d.ID, types[d.ID])
			}
			if !slices.Contains(all, d.ID) {
				t.Errorf("the CBPR+ rule set does not cover %s", d.ID)
			}
			delete(samples, d.ID)
			raw, err := os.ReadFile(filepath.Join(definitionSamples, d.ID+".xml"))
			if err != nil {
				t.Fatalf("no sample: %v (add a valid CBPR+ %s)", err, d.ID)
			}
			r := e.Validate(context.Background(), raw)
			if !r.Valid || len(r.Findings) > 0 || r.Level != engine.LevelFull || r.Type != d.ID {
				t.Errorf("sample: %s level %s valid %v: %v", r.Type, r.Level, r.Valid, r.Findings)
			}
			em := mx.Default().Parse(raw, new(engine.Findings))
			v := payment.FromMX(em)
			if v == nil {
				t.Fatal("payment.FromMX: no view of a typed message")
			}
			if got := len(v.Transactions) > 0; got != d.Payment {
				t.Errorf("payment view maps %d transactions; the definition says Payment %v (the view column of formats/mx/manifest/messages.txt, payment/mx.go)", len(v.Transactions), d.Payment)
			}
		})
	}
	for id := range samples {
		t.Errorf("sample %s.xml has no typed definition", id)
	}
}
