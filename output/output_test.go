package output

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sampleReports covers what a writer must render: an invalid MT message
// with an error and a warning, a valid MX message, an invalid MX message
// with an XPath, a valid message with a warning only, an incomplete report
// with a finding without a line, a batch item with an id, characters that
// need escaping, and an unchecked input.
func sampleReports() ([]*engine.Report, []Unchecked) {
	us := time.Microsecond
	reps := []*engine.Report{
		{Source: "testdata/mt/invalid.fin", Index: 1, Format: "mt", Type: "MT103", Level: "full", Complete: true, Elapsed: 49 * us,
			Findings: []engine.Finding{
				{Code: "T26", Severity: engine.Error, Rule: "mt.parse", RuleSet: "swift-mt@2025", Message: `field 20 must not start or end with '/' nor contain "//": "/BADREF"`,
					Location: engine.Location{Block: 4, Field: "20", Line: 2, Column: 5}},
				{Code: "SVM111", Severity: engine.Warning, Rule: "mt.uetr", RuleSet: "swift-mt@2025", Message: "field 121 (UETR) is missing",
					Location: engine.Location{Block: 3, Line: 1, Column: 30}},
			}},
		{Source: "testdata/mt/invalid.fin", Index: 2, Format: "mt", Type: "MT199", Level: "full", Complete: true, Valid: true, Elapsed: 3 * us},
		{Source: "pacs.008 <a&b>.xml", Index: 1, Format: "mx", Type: "pacs.008.001.08", Level: "full", Complete: true, Elapsed: 236 * us,
			Findings: []engine.Finding{
				{Code: "SVC409", Severity: engine.Error, Rule: "cbpr.address.unstructured", RuleSet: "cbpr+@SR2025+SR2026",
					Message: "postal address is unstructured (AdrLine only)", Location: engine.Location{Path: "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Dbtr/PstlAdr", Line: 60}},
			}},
		{Source: "stdin", Index: 1, Format: "mx", Type: "camt.053.001.08", Level: "full", Complete: true, Valid: true, Elapsed: 120 * us,
			Findings: []engine.Finding{{Code: "SVX001", Severity: engine.Warning, Rule: "mx.note", Message: "a warning on a valid message", Location: engine.Location{Path: "/Document", Line: 2}}}},
		{Source: "/abs/slow.fin", Index: 1, ID: "batch-7", Format: "mt", Type: "MT202", Level: "full", Complete: false, Elapsed: 5 * time.Millisecond,
			Findings: []engine.Finding{{Code: "SV020", Severity: engine.Error, Rule: "engine.budget", Message: "latency budget ran out; 3 rules not run"}}},
	}
	return reps, []Unchecked{{Source: "missing.fin", Detail: "open missing.fin: no such file or directory"}}
}

// render writes the samples with the named format.
func render(t *testing.T, format string) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := New(&out, format, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	reps, unchecked := sampleReports()
	for i, r := range reps {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			for _, u := range unchecked {
				if err := w.WriteUnchecked(u); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

var goldenExt = map[string]string{"text": "txt", "json": "jsonl", "junit": "xml", "sarif": "sarif.json"}

// TestGolden compares each format's rendering of the samples with
// testdata/samples.<ext> (go test ./output -update rewrites them).
func TestGolden(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			got := render(t, format)
			path := filepath.Join("testdata", "samples."+goldenExt[format])
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run with -update if deliberate):\n%s", format, path, got)
			}
		})
	}
}

func TestNewRefusesUnknownFormat(t *testing.T) {
	if _, err := New(&bytes.Buffer{}, "xml", Options{}); err == nil || !strings.Contains(err.Error(), "text, json, junit, sarif") {
		t.Fatalf("err %v", err)
	}
}

// TestEmptyRun: with no report at all every format still writes a whole
// document (or nothing, for the line formats).
func TestEmptyRun(t *testing.T) {
	for _, format := range Formats {
		var out bytes.Buffer
		w, _ := New(&out, format, Options{})
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		switch format {
		case "text", "json":
			if out.Len() != 0 {
				t.Errorf("%s: %q", format, out.String())
			}
		case "junit":
			if err := checkJUnit(out.Bytes()); err != nil || !strings.Contains(out.String(), `tests="0"`) {
				t.Errorf("junit: %v\n%s", err, out.String())
			}
		case "sarif":
			if err := checkSARIF(out.Bytes()); err != nil || !strings.Contains(out.String(), `"results":[`) {
				t.Errorf("sarif: %v\n%s", err, out.String())
			}
		}
	}
}

func TestArtifactURI(t *testing.T) {
	for in, want := range map[string]string{
		"testdata/mt/a.fin": "testdata/mt/a.fin",
		"/tmp/a b.fin":      "file:///tmp/a%20b.fin",
		"stdin":             "stdin",
		"a:b.fin":           "./a:b.fin",
		"":                  "message",
	} {
		if got := artifactURI(in); got != want {
			t.Errorf("artifactURI(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestJSONWriterAllocs pins the JSON Lines writer, the batch endpoint's
// default: a report costs no allocation once the buffer has grown.
func TestJSONWriterAllocs(t *testing.T) {
	reps, _ := sampleReports()
	w := NewJSON(io.Discard)
	n := testing.AllocsPerRun(100, func() {
		for _, r := range reps {
			_ = w.Write(r)
		}
	})
	if n != 0 {
		t.Fatalf("%.1f allocations per run of %d reports, want 0", n, len(reps))
	}
}
