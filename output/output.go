// Package output writes validation reports in the formats the command line
// and the HTTP batch endpoint offer: text, JSON Lines, JUnit XML and SARIF
// 2.1.0, behind one Writer interface (the design of kubeconform's
// pkg/output: a Write per result, one Flush at the end, so that formats
// that are one document with a summary fit beside line-per-result ones).
package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/swiftval/swiftval/engine"
)

// Writer writes the reports of one run, in the order given. Write and
// WriteUnchecked may be called any number of times, then Flush once. A
// Writer is not safe for concurrent use.
//
// Text and JSON Lines write each report as it comes, in one Write call to
// the io.Writer given (wrap it in a bufio.Writer for many small reports);
// SARIF streams its results inside one document that Flush closes; JUnit
// XML keeps the encoded test cases until Flush, because the suite's counts
// come first in the document. Flush then also flushes the io.Writer given
// when it has a Flush() error method (bufio.Writer), so a run ends with
// everything written.
type Writer interface {
	// Write adds the report on one message.
	Write(r *engine.Report) error
	// WriteUnchecked adds an input that could not be validated at all, so
	// that nothing is lost silently.
	WriteUnchecked(u Unchecked) error
	// Flush completes the document and writes everything held.
	Flush() error
}

// Unchecked is an input that could not be validated: an unreadable file, a
// batch line that is not a message.
type Unchecked struct {
	// Source names the input (a file name); optional.
	Source string
	// ID is the caller's identifier (batch requests); optional.
	ID string
	// Index is the 1-based position within a batch; 0 when not set.
	Index int
	// Status and Title are the HTTP status of a batch line's error (400
	// Bad Request, 413 Request Entity Too Large); 0 and empty on the
	// command line.
	Status int
	Title  string
	// Detail says what went wrong, in plain English.
	Detail string
}

// name is how a report or an unchecked input is named in the outputs:
// "source#index (id)".
func name(source string, index int, id string) string {
	var sb strings.Builder
	sb.WriteString(source)
	if sb.Len() == 0 {
		sb.WriteString("message")
	}
	if index > 0 {
		fmt.Fprintf(&sb, "#%d", index)
	}
	if id != "" {
		sb.WriteString(" (")
		sb.WriteString(id)
		sb.WriteByte(')')
	}
	return sb.String()
}

// Options configure the writers that need more than a stream.
type Options struct {
	// Tool names the producer in SARIF (tool.driver) and JUnit (the suite);
	// "swiftval" when empty.
	Tool string
	// Version is the producer's version in SARIF; optional.
	Version string
}

// Formats lists the names New accepts, the default first.
var Formats = []string{"text", "json", "junit", "sarif"}

// New returns the Writer of the named format on w. An unknown name is an
// error (fail closed: no silent fallback to another format).
func New(w io.Writer, format string, o Options) (Writer, error) {
	if o.Tool == "" {
		o.Tool = "swiftval"
	}
	switch format {
	case "text":
		return NewText(w), nil
	case "json":
		return NewJSON(w), nil
	case "junit":
		return NewJUnit(w, o), nil
	case "sarif":
		return NewSARIF(w, o), nil
	}
	return nil, fmt.Errorf("unknown output format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// ContentType is the media type of a format's output, for HTTP.
func ContentType(format string) string {
	switch format {
	case "json":
		return "application/x-ndjson"
	case "junit":
		return "application/xml; charset=utf-8"
	case "sarif":
		return "application/sarif+json"
	}
	return "text/plain; charset=utf-8"
}

// flush flushes w when it buffers.
func flush(w io.Writer) error {
	if f, ok := w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}
