// Package schemas holds the ISO 20022 message schemas shipped in the
// binary, compiled from XSD files by `go generate` into a compact form (the
// xsd.Schema model in a binary encoding, gzipped; see codec.go) so no XSD
// file is needed at run time.
//
// The shipped set is every CBPR+ base schema available (pacs.008.001.08,
// pacs.009.001.08, pacs.002.001.10, pacs.004.001.09, camt.052/053/054.001.08,
// pain.001.001.09, head.001.001.02, with head.001.001.01 and the other base
// ISO schemas of the shared corpus) plus every schema shipped in the
// github.com/moov-io/iso20022 v0.2.1 module (docs/specifications). Where
// both hold a namespace, the shared corpus copy wins. See gen.go.
package schemas

//go:generate go run gen.go

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"sort"

	"github.com/swiftval/swiftval/formats/mx/xsd"
)

type entry struct {
	file string
	data string
}

var registry = map[string]entry{}

func register(ns, file, data string) { registry[ns] = entry{file: file, data: data} }

// Namespaces lists the target namespaces of the shipped schemas, sorted.
func Namespaces() []string {
	out := make([]string, 0, len(registry))
	for ns := range registry {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

// Has reports whether a schema for the namespace is shipped.
func Has(ns string) bool { _, ok := registry[ns]; return ok }

// File returns the name of the XSD file a shipped schema was generated
// from, or "".
func File(ns string) string { return registry[ns].file }

// Load decodes the shipped schema of a namespace. It returns an error when
// no schema is shipped for it. Each call decodes afresh; callers cache the
// compiled result.
func Load(ns string) (*xsd.Schema, error) {
	e, ok := registry[ns]
	if !ok {
		return nil, fmt.Errorf("no shipped schema for namespace %q", ns)
	}
	return decode(e.file, e.data)
}

func decode(file, data string) (*xsd.Schema, error) {
	gz, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, fmt.Errorf("%s: corrupt embedded schema: %v", file, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("%s: corrupt embedded schema: %v", file, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: corrupt embedded schema: %v", file, err)
	}
	s, err := unmarshal(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: corrupt embedded schema: %v", file, err)
	}
	s.File = file
	return s, nil
}

// Encode serialises a schema into the embedded form (used by the generator):
// the binary encoding of codec.go, gzipped, in base64.
func Encode(s *xsd.Schema) (string, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(marshal(s)); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
