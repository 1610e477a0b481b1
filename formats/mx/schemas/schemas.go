// Package schemas holds the ISO 20022 message schemas shipped in the
// binary, in load-ready form: compiled validators (see
// xsd.Validator.MarshalBinary) embedded as read-only data, so no XSD file
// is read and nothing is compiled at run time. Loading one is a few bulk
// allocations and a pass over its bytes (pacs.008.001.08: 43 allocations,
// 158 KB, a few tenths of a millisecond in a fresh process, most of it
// first touches of new heap pages; compiling its XSD took 6 000
// allocations and milliseconds), done by the MX format on the first
// message of its namespace.
//
// Which schemas are shipped is decided by the manifest
// (formats/mx/manifest/messages.txt); `go generate` (make generate) runs
// ./gen, which compiles each entry's XSD into data/<id>.bin and writes the
// table in zz_shipped.go. The package has no initialiser: the table is
// static data.
package schemas

//go:generate go run ./gen

import (
	"fmt"
	"sort"

	"github.com/swiftval/swiftval/formats/mx/xsd"
)

// entry is one shipped schema.
type entry struct {
	ns   string  // target namespace
	file string  // name of the XSD file it was compiled from
	data *string // load-ready form (xsd.LoadCompiled)
}

// find returns the shipped schema of a namespace, or nil.
func find(ns string) *entry {
	i := sort.Search(len(shipped), func(i int) bool { return shipped[i].ns >= ns })
	if i < len(shipped) && shipped[i].ns == ns {
		return &shipped[i]
	}
	return nil
}

// Namespaces lists the target namespaces of the shipped schemas, sorted.
func Namespaces() []string {
	out := make([]string, len(shipped))
	for i := range shipped {
		out[i] = shipped[i].ns
	}
	return out
}

// Has reports whether a schema for the namespace is shipped.
func Has(ns string) bool { return find(ns) != nil }

// File returns the name of the XSD file a shipped schema was compiled
// from, or "".
func File(ns string) string {
	if e := find(ns); e != nil {
		return e.file
	}
	return ""
}

// Load returns the validator of a shipped schema. It returns an error when
// no schema is shipped for the namespace. Each call loads afresh (a few
// tenths of a millisecond); callers keep the result, which is immutable
// and safe for concurrent use.
func Load(ns string) (*xsd.Validator, error) {
	e := find(ns)
	if e == nil {
		return nil, fmt.Errorf("no shipped schema for namespace %q", ns)
	}
	v, err := xsd.LoadCompiled(*e.data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.file, err)
	}
	return v, nil
}
