package output

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/swiftval/swiftval/engine"
)

// junitWriter writes JUnit XML in the shape CI servers read (the Apache Ant
// JUnit task's format, as described by Jenkins' junit-10.xsd and the
// windyroad JUnit.xsd): <testsuites> with one <testsuite>, one <testcase>
// per message; an invalid message has one <failure> whose text lists every
// finding (one failure per test case is what the stricter Ant schema
// allows and what every reader shows); warnings of a valid message go to
// <system-out>; an unchecked input is a test case with an <error>.
//
// The suite's counts come first in the document, so the encoded test cases
// are kept until Flush: memory grows with the number of messages (about
// 200 bytes each, more with findings).
type junitWriter struct {
	w                       io.Writer
	o                       Options
	cases                   bytes.Buffer
	tests, failures, errors int
	elapsed                 time.Duration
}

// NewJUnit returns the JUnit XML writer.
func NewJUnit(w io.Writer, o Options) Writer {
	if o.Tool == "" {
		o.Tool = "swiftval"
	}
	return &junitWriter{w: w, o: o}
}

func (j *junitWriter) Write(r *engine.Report) error {
	j.tests++
	j.elapsed += r.Elapsed
	b := &j.cases
	class := "unknown"
	if r.Format != "" {
		class = r.Format + "." + orUnknown(r.Type)
	}
	b.WriteString(`    <testcase name="`)
	escape(b, name(r.Source, r.Index, r.ID))
	b.WriteString(`" classname="`)
	escape(b, j.o.Tool+"."+class)
	b.WriteString(`" time="`)
	b.WriteString(seconds(r.Elapsed))
	b.WriteString(`">`)
	errs := r.Errors()
	switch {
	case !r.Valid:
		j.failures++
		verdict := "INVALID"
		if !r.Complete {
			verdict = "INCOMPLETE"
		}
		b.WriteString("\n      <failure message=\"")
		msg := fmt.Sprintf("%s: %d error(s), %d warning(s)", verdict, errs, len(r.Findings)-errs)
		typ := ""
		if len(r.Findings) > 0 {
			f := firstError(r)
			msg += ": " + f.Code + " " + f.Message
			typ = f.Code
		}
		escape(b, msg)
		b.WriteString(`" type="`)
		escape(b, typ)
		b.WriteString(`">`)
		findingLines(b, r)
		b.WriteString("</failure>\n    ")
	case len(r.Findings) > 0:
		b.WriteString("\n      <system-out>")
		findingLines(b, r)
		b.WriteString("</system-out>\n    ")
	}
	b.WriteString("</testcase>\n")
	return nil
}

func (j *junitWriter) WriteUnchecked(u Unchecked) error {
	j.tests++
	j.errors++
	b := &j.cases
	b.WriteString(`    <testcase name="`)
	escape(b, name(u.Source, u.Index, u.ID))
	b.WriteString(`" classname="`)
	escape(b, j.o.Tool+".unchecked")
	b.WriteString("\" time=\"0\">\n      <error message=\"")
	escape(b, u.Detail)
	b.WriteString(`" type="unchecked"></error>`)
	b.WriteString("\n    </testcase>\n")
	return nil
}

func (j *junitWriter) Flush() error {
	bw := bufio.NewWriter(j.w)
	counts := fmt.Sprintf(`tests="%d" failures="%d" errors="%d"`, j.tests, j.failures, j.errors)
	var tool bytes.Buffer
	escape(&tool, j.o.Tool)
	fmt.Fprintf(bw, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"%s\" %s time=\"%s\">\n", tool.Bytes(), counts, seconds(j.elapsed))
	fmt.Fprintf(bw, "  <testsuite name=\"%s\" %s skipped=\"0\" time=\"%s\">\n", tool.Bytes(), counts, seconds(j.elapsed))
	bw.Write(j.cases.Bytes())
	bw.WriteString("  </testsuite>\n</testsuites>\n")
	j.cases.Reset()
	j.tests, j.failures, j.errors, j.elapsed = 0, 0, 0, 0
	if err := bw.Flush(); err != nil {
		return err
	}
	return flush(j.w)
}

// findingLines writes one line per finding, as the text output does.
func findingLines(b *bytes.Buffer, r *engine.Report) {
	for i := range r.Findings {
		f := &r.Findings[i]
		b.WriteByte('\n')
		escape(b, fmt.Sprintf("%s %s %s [%s] %s", f.Severity, f.Code, f.Location, f.Rule, f.Message))
	}
	if len(r.Findings) > 0 {
		b.WriteString("\n      ")
	}
}

// firstError is the first error finding, else the first finding.
func firstError(r *engine.Report) *engine.Finding {
	for i := range r.Findings {
		if r.Findings[i].Severity == engine.Error {
			return &r.Findings[i]
		}
	}
	return &r.Findings[0]
}

// escape writes s escaped for XML text and attribute values (quotes too);
// characters XML cannot carry become U+FFFD.
func escape(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }

// seconds formats d as decimal seconds, as JUnit's time attributes are.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 6, 64)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
