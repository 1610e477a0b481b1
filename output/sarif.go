package output

import (
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/swiftval/swiftval/engine"
)

// sarifWriter writes one SARIF 2.1.0 log (OASIS Static Analysis Results
// Interchange Format v2.1.0, https://docs.oasis-open.org/sarif/sarif/v2.1.0/)
// with one run: every finding is a result with its code as ruleId, its
// severity as level, the input as artifactLocation and the line and
// column as region (MX findings also carry their XPath as a logical
// location). Valid messages yield no result. Unchecked inputs are
// toolExecutionNotifications of the run's invocation, which then is not
// executionSuccessful.
//
// Results are streamed: the document is opened at the first Write and
// closed by Flush, so memory does not grow with the number of messages
// (the unchecked inputs are kept: there are few).
type sarifWriter struct {
	w         io.Writer
	o         Options
	opened    bool
	results   int
	unchecked []Unchecked
	buf       []byte
}

// NewSARIF returns the SARIF 2.1.0 writer.
func NewSARIF(w io.Writer, o Options) Writer {
	if o.Tool == "" {
		o.Tool = "swiftval"
	}
	return &sarifWriter{w: w, o: o}
}

// sarifSchema is the schema URI SARIF producers name (SARIF 2.1.0, §3.13.3).
const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

func (s *sarifWriter) open() []byte {
	if s.opened {
		return s.buf[:0]
	}
	s.opened = true
	b := append(s.buf[:0], `{"version":"2.1.0","$schema":"`+sarifSchema+`","runs":[{"tool":{"driver":{"name":`...)
	b = appendJSONString(b, s.o.Tool)
	if s.o.Version != "" {
		b = append(b, `,"version":`...)
		b = appendJSONString(b, s.o.Version)
	}
	return append(b, `}},"results":[`...)
}

func (s *sarifWriter) Write(r *engine.Report) error {
	if len(r.Findings) == 0 {
		return nil
	}
	b := s.open()
	uri := artifactURI(r.Source)
	for i := range r.Findings {
		f := &r.Findings[i]
		if s.results > 0 {
			b = append(b, ',')
		}
		s.results++
		b = append(b, "\n"+`{"ruleId":`...)
		b = appendJSONString(b, f.Code)
		b = append(b, `,"level":`...)
		if f.Severity == engine.Warning {
			b = append(b, `"warning"`...)
		} else {
			b = append(b, `"error"`...)
		}
		b = append(b, `,"message":{"text":`...)
		b = appendJSONString(b, f.Message)
		b = append(b, `},"locations":[{"physicalLocation":{"artifactLocation":{"uri":`...)
		b = appendJSONString(b, uri)
		b = append(b, '}')
		if l := f.Location; l.Line > 0 {
			b = append(b, `,"region":{"startLine":`...)
			b = strconv.AppendInt(b, int64(l.Line), 10)
			if l.Column > 0 {
				b = append(b, `,"startColumn":`...)
				b = strconv.AppendInt(b, int64(l.Column), 10)
			}
			b = append(b, '}')
		}
		b = append(b, '}')
		if p := f.Location.Path; p != "" {
			b = append(b, `,"logicalLocations":[{"fullyQualifiedName":`...)
			b = appendJSONString(b, p)
			b = append(b, `,"kind":"element"}]`...)
		}
		b = append(b, `}],"properties":{"rule":`...)
		b = appendJSONString(b, f.Rule)
		if f.RuleSet != "" {
			b = append(b, `,"ruleSet":`...)
			b = appendJSONString(b, f.RuleSet)
		}
		if f.Location.Block > 0 {
			b = append(b, `,"block":`...)
			b = strconv.AppendInt(b, int64(f.Location.Block), 10)
		}
		if f.Location.Field != "" {
			b = append(b, `,"field":`...)
			b = appendJSONString(b, f.Location.Field)
		}
		if r.Index > 0 {
			b = append(b, `,"messageIndex":`...)
			b = strconv.AppendInt(b, int64(r.Index), 10)
		}
		if r.ID != "" {
			b = append(b, `,"messageId":`...)
			b = appendJSONString(b, r.ID)
		}
		if r.Type != "" {
			b = append(b, `,"messageType":`...)
			b = appendJSONString(b, r.Type)
		}
		b = append(b, "}}"...)
	}
	s.buf = b
	_, err := s.w.Write(b) // one write per report
	return err
}

func (s *sarifWriter) WriteUnchecked(u Unchecked) error {
	s.unchecked = append(s.unchecked, u)
	return nil
}

func (s *sarifWriter) Flush() error {
	b := append(s.open(), "\n"+`],"invocations":[{"executionSuccessful":`...)
	b = strconv.AppendBool(b, len(s.unchecked) == 0)
	if len(s.unchecked) > 0 {
		b = append(b, `,"toolExecutionNotifications":[`...)
		for i, u := range s.unchecked {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"level":"error","message":{"text":`...)
			b = appendJSONString(b, name(u.Source, u.Index, u.ID)+": not checked: "+u.Detail)
			b = append(b, '}')
			if u.Source != "" {
				b = append(b, `,"locations":[{"physicalLocation":{"artifactLocation":{"uri":`...)
				b = appendJSONString(b, artifactURI(u.Source))
				b = append(b, `}}}]`...)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, "}]}]}\n"...)
	s.buf = b
	s.unchecked = s.unchecked[:0]
	s.opened = false
	s.results = 0
	if _, err := s.w.Write(b); err != nil {
		return err
	}
	return flush(s.w)
}

// artifactURI is the URI reference of an input: a relative path as is
// (forward slashes, escaped), an absolute one as a file: URI, "stdin" and
// an empty source as they are named elsewhere.
func artifactURI(source string) string {
	if source == "" {
		return "message"
	}
	p := filepath.ToSlash(source)
	u := url.URL{Path: p}
	if filepath.IsAbs(source) {
		u.Scheme = "file"
		if !strings.HasPrefix(p, "/") {
			u.Path = "/" + p
		}
		return u.String()
	}
	return u.String() // escapes, and guards a first segment with a colon by "./"
}
