package mx_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"syscall"
	"testing"
	"time"

	moov "github.com/moov-io/iso20022/pkg/document"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx"
	"github.com/swiftval/swiftval/internal/testenv"
)

// Benchmarks compare, on the same bytes, in one `go test -bench` run:
//
//   - swiftval: mx.Format.Parse (well-formedness, AppHdr/Document, full
//     schema validation with every violation located);
//   - engine: swiftval's whole validation as shipped (swiftval.New: parse,
//     schema, and every registered rule set);
//   - moov-io: github.com/moov-io/iso20022 v0.2.1
//     document.ParseIso20022Document followed by Validate;
//   - encoding-xml: encoding/xml unmarshalling into a generic node tree
//     (no validation at all: the floor of a reflection-based decoder).
//
// Inputs (shared corpus, see SOURCES.md): the 3.2 KB Fedwire pacs.008.001.08
// sample of moov-io/wire20022, and the Document of the CBPR+ "max"
// pacs.008.001.08 of phoughton/iso20022-cbpr-ur (moov-io reads no envelope,
// so every contender gets the Document alone; "cbpr-max-envelope" adds the
// AppHdr for swiftval: parse alone, and the whole engine).

const corpus = "../../../shared/corpus/mx/"

var benchInputs = []struct{ name, file string }{
	{"fedwire-3.2KB", "moov-io__wire20022/CustomerCreditTransfer__swiftSample__CustomerCreditTransfer_Scenario1_Step1_pacs.008.xml"},
	{"cbpr-max-doc", "phoughton__iso20022-cbpr-ur/y2025__pacs.008.max.xml"},
}

// documentOnly cuts the Document element out of an envelope.
func documentOnly(raw []byte) []byte {
	i := bytes.Index(raw, []byte("<Document"))
	j := bytes.LastIndex(raw, []byte("</Document>"))
	if i < 0 || j < 0 {
		return raw
	}
	return raw[i : j+len("</Document>")]
}

// cpuTime reports the process CPU time (user+system, GC included) per
// operation as "cpu-ns/op": on a shared, loaded machine wall-clock ns/op
// mostly measures the wait for a core, CPU time what the work costs.
func cpuTime(b *testing.B) func() {
	var r0 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
	return func() {
		var r1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
		d := time.Duration(r1.Utime.Nano()-r0.Utime.Nano()) + time.Duration(r1.Stime.Nano()-r0.Stime.Nano())
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

func load(b *testing.B, file string) []byte {
	raw, err := os.ReadFile(corpus + file)
	if err != nil {
		b.Skipf("shared corpus not found (%v)", err)
	}
	return raw
}

func BenchmarkParseValidate(b *testing.B) {
	f := mx.Default()
	eng := swiftval.New(engine.Options{})
	for _, in := range benchInputs {
		full := load(b, in.file)
		doc := documentOnly(full)
		b.Run(in.name+"/swiftval", func(b *testing.B) {
			var fs engine.Findings
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			defer cpuTime(b)()
			for b.Loop() {
				fs.Reset()
				if m := f.Parse(doc, &fs); m == nil || fs.Errors() != 0 {
					b.Fatalf("not valid: %v", fs.List())
				}
			}
		})
		b.Run(in.name+"/engine", func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			defer cpuTime(b)()
			for b.Loop() {
				eng.Validate(context.Background(), doc)
			}
		})
		b.Run(in.name+"/moov-io", func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			defer cpuTime(b)()
			for b.Loop() {
				d, err := moov.ParseIso20022Document(doc)
				if err == nil {
					_ = d.Validate()
				}
			}
		})
		b.Run(in.name+"/encoding-xml", func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			defer cpuTime(b)()
			for b.Loop() {
				var n node
				if err := xml.Unmarshal(doc, &n); err != nil {
					b.Fatal(err)
				}
			}
		})
		if !bytes.Equal(full, doc) {
			b.Run("cbpr-max-envelope/swiftval", func(b *testing.B) {
				var fs engine.Findings
				b.SetBytes(int64(len(full)))
				b.ReportAllocs()
				defer cpuTime(b)()
				for b.Loop() {
					fs.Reset()
					f.Parse(full, &fs)
				}
			})
			// The whole engine on the envelope: its AppHdr names a CBPR+
			// service, so the CBPR+ rules run too, which they do not on
			// the Document alone.
			b.Run("cbpr-max-envelope/engine", func(b *testing.B) {
				b.SetBytes(int64(len(full)))
				b.ReportAllocs()
				defer cpuTime(b)()
				for b.Loop() {
					eng.Validate(context.Background(), full)
				}
			})
		}
	}
}

// TestParseAllocs pins the allocations of parsing, validating and
// decoding into the typed model the 3.2 KB Fedwire message, and of the
// whole engine on it: a released message hands its typed model and itself
// (the engine's Message with the mx.Message) back, so the next one decodes
// into recycled elements and arrays. What is left per message is the
// engine's Report (measured: 0 for parse and release, 1 for the engine;
// the bounds leave one for a pool emptied by a garbage collection).
func TestParseAllocs(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("the race detector drops pooled items at random (make test pins allocations without it)")
	}
	raw, err := os.ReadFile(corpus + benchInputs[0].file)
	if err != nil {
		t.Skipf("shared corpus not found (%v)", err)
	}
	f := mx.Default()
	var fs engine.Findings
	n := testing.AllocsPerRun(200, func() {
		fs.Reset()
		f.Release(f.Parse(raw, &fs))
	})
	if fs.Len() != 0 {
		t.Fatalf("findings %v", fs.List())
	}
	if n > 1 {
		t.Errorf("parse: %v allocations per message, want at most 1", n)
	}
	eng := swiftval.New(engine.Options{})
	n = testing.AllocsPerRun(200, func() { eng.Validate(context.Background(), raw) })
	if n > 2 {
		t.Errorf("engine: %v allocations per message, want at most 2", n)
	}
}

// BenchmarkParseSchemaOnly parses and validates a message definition
// without a typed model (a 24 KB camt.053.001.02 statement), which the
// MX format checks against its schema token by token.
func BenchmarkParseSchemaOnly(b *testing.B) {
	f := mx.Default()
	raw := load(b, "svapnil__iso20022.js/ing__example_camt.xml")
	var fs engine.Findings
	if m := f.Parse(raw, &fs); m == nil || m.Level != engine.LevelSchema {
		b.Fatalf("not parsed at schema level: %v", fs.List())
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	defer cpuTime(b)()
	for b.Loop() {
		fs.Reset()
		f.Release(f.Parse(raw, &fs))
	}
}
